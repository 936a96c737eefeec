# hes-apc.profile — Hospital Episode Statistics, admitted patient care
# (NHS Digital's artificial HES: ../shared/data/nhs_artificial_hes_apc) as
# activity: one record an episode.
#
#   placed load activity --profile etc/profiles/hes-apc.profile FILE
#
# person is the pseudonymised HES id (placed hashes it again with its own
# key); org the provider (PROCODE3, an ODS code); need the ICD-10 chapter
# of the primary diagnosis (DIAG_3_01: "injury", "circulatory" ...);
# place the LSOA (2001 codes in this file); cost the episode's bed days
# at a bed-day cost.  The bed-day cost below is an assumption for the
# example, not a tariff: set your own.  HES writes a missing date as
# 1801-01-01; such episodes are skipped, counted, with that reason.

kind activity
set bed_day_cost 400.00
skip-if-empty EPISTART "no episode start date"
skip-if EPISTART "1801-01-01" "the HES null date (1801-01-01) as the episode start"
date = {EPISTART}
person = {PSEUDO_HESID}
org = {PROCODE3}
service = "admitted patient care"
place = {LSOA01}
need = {DIAG_3_01|icd10_chapter}
type = "admission"
episode = {EPIKEY}
cost = {EPIDUR|times:$bed_day_cost}
