#!/bin/sh
# profiles.sh — column-mapping profiles (placed load --profile): the
# shipped profiles over small files written here (several records a row,
# fiscal years, float noise, bed-day costs, skipped and rejected lines
# with their reasons), a profile naming a column the file lacks, and,
# when $SHARED_DATA is set, the real files they were written for, every
# line accounted for.
. "$TOP_SRCDIR/tests/integration/lib.sh"

P=$TOP_SRCDIR/etc/profiles
expect_exit 0 "$PLACED" key init || die "placed key init failed"

# 1. A&E: three outcome indicators a row.
printf 'period,org_code,type,attendances,breaches,admissions\n2016-04-01,RF4,1,18788,4082,4074\n2016-04-01,RF4,other,561,5,0\n' \
    >"$T/ae.csv"
if expect_exit 0 "$PLACED" load outcome --profile "$P/ae-attendances.profile" \
    "$T/ae.csv"; then
	contains "$T/out" "6 rows accepted, 0 rejected, 1 skipped (header 1)"
fi
expect_exit 0 "$PLACED" query --format csv \
    'outcome | where place == "RF4" | select period_start, period_end, indicator, value, unit'
contains "$T/out" "2016-04-01,2016-04-30,ae_attendances_type_1,18788,attendances"
contains "$T/out" "2016-04-01,2016-04-30,ae_breaches_4h_type_1,4082,attendances"
contains "$T/out" "2016-04-01,2016-04-30,ae_admissions_type_other,0,admissions"

# 2. ASC outcomes: fiscal years, rounding, missing values skipped.
cat >"$T/asc.csv" <<'EOW'
Financial year,Local authority code,Local authority name,Grouping,Entity_Name,Region,Measure,Code,Value,MEDIAN,MADs_from_median,rank_order
2016-17,E10000017,Lancashire,LA_Raw,Counties,North West,"Outcome, ASC Carer Quality of Life",ASC1,7.6,7.6,0,desc
2016-17,E10000017,Lancashire,LA_Raw,Counties,North West,"Outcome, Workforce turnover rate",ASC7,0.3333333333333353,7.6,0,desc
2017-18,E10000017,Lancashire,LA_Raw,Counties,North West,"Outcome, ASC Carer Quality of Life",ASC1,,7.6,0,None
EOW
if expect_exit 0 "$PLACED" load outcome --profile "$P/asc-outcomes.profile" \
    "$T/asc.csv"; then
	contains "$T/out" "2 rows accepted, 0 rejected, 2 skipped (header 1, no value (a missing return) 1)"
fi
expect_exit 0 "$PLACED" query --format csv \
    'outcome | where place == "E10000017" | select period_start, period_end, indicator, value, unit'
contains "$T/out" '2016-04-01,2017-03-31,"Outcome, ASC Carer Quality of Life",7.6,ASC1'
contains "$T/out" '2016-04-01,2017-03-31,"Outcome, Workforce turnover rate",0.3333,ASC7'

# 3. HES episodes: chapters, bed-day costs, the null date, a bad code.
cat >"$T/hes.csv" <<'EOW'
EPIKEY,PSEUDO_HESID,EPISTART,PROCODE3,LSOA01,DIAG_3_01,EPIDUR
1,TESTaaa,2001-09-27,RTA,E01000001,S72,3
2,TESTaaa,2001-10-02,RTA,E01000001,I50,0
3,TESTbbb,1801-01-01,RGP,,J18,2
4,TESTbbb,2001-11-01,RGP,,799,1
EOW
if expect_exit 0 "$PLACED" load activity --profile "$P/hes-apc.profile" \
    "$T/hes.csv"; then
	contains "$T/out" "2 rows accepted, 1 rejected, 2 skipped (header 1, the HES null date (1801-01-01) as the episode start 1)"
fi
contains "$T/err" "hes.csv:5: field \"need\": icd10_chapter: \"799\" is not an ICD-10 code"
expect_exit 0 "$PLACED" query --format csv \
    'activity | select date, org, need, type, episode, cost'
contains "$T/out" "2001-09-27,RTA,injury,admission,1,1200.00"
contains "$T/out" "2001-10-02,RTA,circulatory,admission,2,0.00"
# The person is hashed like any identifier: never stored as given.
expect_exit 0 "$PLACED" dump activity
lacks "$T/out" "TESTaaa"

# 4. A column the file lacks refuses it, naming what it has; the same
# file again is a no-op; another profile is another content.
printf 'period,org_code\n2016-04-01,RF4\n' >"$T/short.csv"
expect_exit 1 "$PLACED" load outcome --profile "$P/ae-attendances.profile" \
    "$T/short.csv"
contains "$T/err" "profile ae-attendances.profile: no column \"type\" in the header (it has: period, org_code); nothing committed"
expect_exit 0 "$PLACED" load outcome --profile "$P/ae-attendances.profile" \
    "$T/ae.csv"
contains "$T/out" "same content as live batch"
expect_exit 2 "$PLACED" load spend --profile "$P/ae-attendances.profile" \
    "$T/ae.csv"
contains "$T/err" "profile ae-attendances.profile makes outcome records, not spend"

# 5. The real files, every line accounted for.
if [ -n "${SHARED_DATA:-}" ] && [ -d "$SHARED_DATA/nhs_ae_attendances_monthly" ]; then
	for f in "$SHARED_DATA"/nhs_ae_attendances_monthly/*.csv; do
		rows=$(($(wc -l <"$f") - 1))
		expect_exit 0 "$PLACED" load outcome --db "$T/real.db" \
		    --profile "$P/ae-attendances.profile" "$f" ||
		    continue
		contains "$T/out" "$(python3 -c 'import sys; print(f"{3 * int(sys.argv[1]):,}")' "$rows") rows accepted, 0 rejected, 1 skipped"
	done
	f=$SHARED_DATA/oflog_adult_social_care_outcomes/ASC_data.csv
	want=$(python3 -c '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
empty = sum(1 for r in rows if r["Value"].strip() == "")
print(f"{len(rows) - empty:,} rows accepted, 0 rejected, {empty + 1} skipped")' "$f")
	expect_exit 0 "$PLACED" load outcome --db "$T/real.db" \
	    --profile "$P/asc-outcomes.profile" "$f"
	contains "$T/out" "$want"
	f=$SHARED_DATA/nhs_artificial_hes_apc/artificial_hes_apc_0102.csv
	expect_exit 0 "$PLACED" load activity --db "$T/real.db" \
	    --profile "$P/hes-apc.profile" "$f"
	# 2,075 episodes: accepted + rejected + skipped (less the header)
	python3 - "$T/out" <<'EOP' || fail "HES lines not all accounted for: $(cat "$T/out")"
import re, sys
t = open(sys.argv[1]).read().replace(",", "")
a, r, s = map(int, re.search(r"(\d+) rows accepted (\d+) rejected (\d+) skipped", t).groups())
sys.exit(0 if a + r + s - 1 == 2075 else 1)
EOP
	say "profiles: $(cat "$T/out")"
else
	say "profiles: no real data (SHARED_DATA unset): real files skipped"
fi
finish
