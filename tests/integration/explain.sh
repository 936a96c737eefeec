#!/bin/sh
# explain.sh — the plan: filters in the scan, zone maps skipping segments
# of batches whose dates cannot match, the columns decoded.
. "$TOP_SRCDIR/tests/integration/lib.sh"

# Three monthly files, as councils publish them: one batch each.
for m in 04 05 06; do
	{
		echo "date,org,amount"
		i=1
		while [ $i -le 20 ]; do
			echo "2025-$m-$(printf %02d $i),council,$i.00"
			i=$((i + 1))
		done
	} >"$T/spend-$m.csv"
done
expect_exit 0 "$PLACED" load spend "$T/spend-04.csv" "$T/spend-05.csv" \
    "$T/spend-06.csv"

# June alone: the April and May segments are skipped unread.
expect_exit 0 "$PLACED" explain \
    'spend | where date >= 2025-06-01 | group org (t = sum(amount))'
contains "$T/out" "3 segments of live batches; 2 skipped by zone maps; 20 rows read"
contains "$T/out" "zone map: date in [2025-06-01, +inf]"
contains "$T/out" "decodes: date, org, amount"
contains "$T/out" "groups in the scan: group org (t = sum(amount))"

# And the answer is the same as without skipping: 1+2+...+20 = 210.00.
expect_exit 0 "$PLACED" query --format csv \
    'spend | where date >= 2025-06-01 | group org (t = sum(amount))'
printf 'org,t\ncouncil,210.00\n' >"$T/want"
same_file "$T/want" "$T/out"

# An amount range prunes too: only May and June hold 20.00 ... no: every
# month holds 1.00..20.00, so nothing is skipped and all 60 rows count.
expect_exit 0 "$PLACED" explain 'spend | where amount between 5 and 6'
contains "$T/out" "3 segments of live batches; 0 skipped by zone maps; 60 rows read"
expect_exit 0 "$PLACED" query --format csv \
    'spend | where amount between 5 and 6 | group (n = count())'
printf 'n\n6\n' >"$T/want"
same_file "$T/want" "$T/out"

# Stages after the scan are listed; a bad query is an error with a caret.
expect_exit 0 "$PLACED" explain 'spend | sort -amount | take 2'
contains "$T/out" "then    sort       sort -amount (line 1)"
expect_exit 1 "$PLACED" explain 'spend | where amont > 1'
contains "$T/err" 'unknown field "amont"'

finish
