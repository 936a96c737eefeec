# asc-outcomes.profile — Oflog's adult social care outcome metrics
# (../shared/data/oflog_adult_social_care_outcomes/ASC_data.csv) as one
# outcome indicator per council and financial year.
#
#   placed load outcome --profile etc/profiles/asc-outcomes.profile FILE
#
# Values carry float noise (0.3333333333333353): rounded to 4 places, the
# most placed keeps.  Empty values are missing returns: skipped, counted.
# unit is the measure's code (ASC1..ASC7): the measures mix scores,
# proportions and percentages, so only the code says which.

kind outcome
skip-if-empty Value "no value (a missing return)"
period_start = {Financial year|fy_start}
period_end = {Financial year|fy_end}
place = {Local authority code}
indicator = {Measure}
value = {Value|round:4}
unit = {Code}
