# ae-attendances.profile — NHS England's monthly A&E attendances
# (../shared/data/nhs_ae_attendances_monthly: period, org_code, type,
# attendances, breaches, admissions) as outcome indicators per provider
# and month.  One row gives three records: attendances, four-hour
# breaches and admissions from A&E, each named with the department type
# (1: major A&E, 2: single specialty, other: minor injury units and
# walk-in centres).
#
#   placed load outcome --profile etc/profiles/ae-attendances.profile FILE
#
# place holds the provider's ODS code (RF4 ...): a provider, not an area.

kind outcome
period_start = {period}
period_end = {period|month_end}
place = {org_code}

record
indicator = "ae_attendances_type_" {type}
value = {attendances}
unit = "attendances"

record
indicator = "ae_breaches_4h_type_" {type}
value = {breaches}
unit = "attendances"

record
indicator = "ae_admissions_type_" {type}
value = {admissions}
unit = "admissions"
