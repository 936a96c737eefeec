#!/bin/sh
# transfers.sh — partners and the transfers between them: a spend line
# paid to another declared partner is stored and flagged, and left out of
# accumulate, balance prevention and trend unless "with transfers"; a bad
# partner file stops the load with its file and line.
. "$TOP_SRCDIR/tests/integration/lib.sh"

expect_exit 0 "$PLACED" key init || die "placed key init failed"
mkdir "$T/p"
cat >"$T/p/place.partners" <<'EOP'
# ID TYPE ONS "NAME" /PATTERN/...
borough  council  E07000120  "Borough Council"  /(?i)^borough council\b/
county   council  E10000017  "County Council"   /(?i)^county council\b/
police   police   -          "Police"           /(?i)^(the )?police\b/
EOP
cat >"$T/s.csv" <<'EOF2'
date,org,supplier,service,amount
2025-04-01,borough,Acme Ltd,Reablement,100.00
2025-04-02,borough,COUNTY COUNCIL (DIRECT DEBIT),Reablement,40.00
2025-04-03,borough,Borough Council,Reablement,5.00
2025-04-04,County Council,Police,Concern for welfare,7.00
2025-04-05,county,Acme Ltd,Community falls service,10.00
2025-05-01,police,County Council,Concern for welfare,3.00
EOF2
if expect_exit 0 "$PLACED" load spend --partners "$T/p" "$T/s.csv"; then
	contains "$T/out" "6 rows accepted, 0 rejected"
fi
expect_exit 0 "$PLACED" query --format csv \
    'spend | select date, org, supplier, amount, transfer, transfer_to'
cat >"$T/want" <<'EOF2'
date,org,supplier,amount,transfer,transfer_to
2025-04-01,borough,Acme Ltd,100.00,,
2025-04-02,borough,COUNTY COUNCIL (DIRECT DEBIT),40.00,yes,county
2025-04-03,borough,Borough Council,5.00,,
2025-04-04,County Council,Police,7.00,yes,police
2025-04-05,county,Acme Ltd,10.00,,
2025-05-01,police,County Council,3.00,yes,county
EOF2
same_file "$T/want" "$T/out"

# accumulate: transfers out unless asked for.
expect_exit 0 "$PLACED" query --format csv \
    'spend | accumulate by org | select subject, total, rows'
cat >"$T/want" <<'EOF2'
subject,total,rows
borough,105.00,2
county,10.00,1
EOF2
same_file "$T/want" "$T/out"
expect_exit 0 "$PLACED" query --format csv \
    'spend | accumulate by org with transfers | select subject, total, rows'
cat >"$T/want" <<'EOF2'
subject,total,rows
borough,145.00,3
county,10.00,1
County Council,7.00,1
police,3.00,1
EOF2
same_file "$T/want" "$T/out"

# trend and balance prevention leave them out too.
expect_exit 0 "$PLACED" query --format csv \
    'spend | trend by month | select period, value'
cat >"$T/want" <<'EOF2'
period,value
2025-04,115.00
EOF2
same_file "$T/want" "$T/out"
expect_exit 0 "$PLACED" query --format csv \
    'spend | trend by month with transfers | select period, value'
contains "$T/out" "2025-04,162.00"
contains "$T/out" "2025-05,3.00"
expect_exit 0 "$PLACED" query --format csv \
    'spend | balance prevention | group (t = sum(amount))'
contains "$T/out" "115.00"
expect_exit 0 "$PLACED" query --format csv \
    'spend | balance prevention with transfers | group (t = sum(amount))'
contains "$T/out" "165.00"

# A partner declared after the load: reclassify marks its transfers, as a
# new data version, without reloading the file; --scheme leaves them.
printf 'date,org,supplier,amount\n2025-04-01,borough,Fire Service,9.00\n' \
    >"$T/f.csv"
expect_exit 0 "$PLACED" load spend --partners "$T/p" "$T/f.csv"
printf 'fire fire - "Fire" /(?i)^fire service$/\n' >"$T/p/fire.partners"
expect_exit 0 "$PLACED" reclassify --partners "$T/p" --scheme cofog
expect_exit 0 "$PLACED" query --format csv \
    'spend | where supplier == "Fire Service" | select transfer, transfer_to'
contains "$T/out" "transfer,transfer_to"
lacks "$T/out" "yes"
expect_exit 0 "$PLACED" reclassify --partners "$T/p"
contains "$T/out" "spend batch 2 (f.csv): 1 of 1 rows changed"
expect_exit 0 "$PLACED" query --format csv \
    'spend | where supplier == "Fire Service" | select transfer, transfer_to'
contains "$T/out" "yes,fire"
rm "$T/p/fire.partners"

# A bad partner file stops the load, saying where.
printf 'x council - "X"\n' >"$T/p/bad.partners"
expect_exit 1 "$PLACED" load spend --db "$T/b.db" --partners "$T/p" "$T/s.csv"
contains "$T/err" "partners: $T/p/bad.partners:1:16: want at least one supplier pattern"
contains "$T/err" "nothing committed"
finish
