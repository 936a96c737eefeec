#!/bin/sh
# rejects.sh — bad lines are reported as FILE:LINE: reason and skipped;
# --rejects keeps them, --strict refuses the file, header errors refuse it.
. "$TOP_SRCDIR/tests/integration/lib.sh"

HDR='date,org,service,supplier,description,account,amount,place,cohort,person,funder,cofog,prevention,shares,classified_by,transfer,transfer_to'

# fixtures/rejects.csv, line by line (physical lines):
#   2 ok, 3 bad amount, 4-5 ok (quoted newline), 6 bad amount,
#   7 three fields, 8 no amount, 9 blank, 10 bad date, 11 ok,
#   12-13 bad amount holding a newline, 14 bad amount
mkdir "$T/in"
cp "$(fixture rejects.csv)" "$T/in/rejects.csv"
chmod u+w "$T/in/rejects.csv"
F=in/rejects.csv

cat >"$T/good-dump.csv" <<EOF
$HDR
2025-04-01,council,,,ok one,,10.00,,,,,,,,,,
2025-04-03,council,,,"multi
line, with comma",,5.00,,,,,,,,,,
2025-04-07,council,,,"ok ""last""",,2.00,,,,,,,,,,
EOF

# check_messages FILE-AS-GIVEN: the reject lines on $T/err
check_messages()
{
	contains "$T/err" "$1:3: field \"amount\": \"12,3x\" is not an amount"
	contains "$T/err" "$1:6: field \"amount\": \"12,3x\" is not an amount"
	contains "$T/err" "$1:7: "
	contains "$T/err" "$1:8: field \"amount\""
	contains "$T/err" "$1:10: field \"date\""
	contains "$T/err" "$1:12: field \"amount\""
	contains "$T/err" "$1:14: field \"amount\": \"12,3x\" is not an amount"
	lacks "$T/err" "$1:2:"
	lacks "$T/err" "$1:4:"
	lacks "$T/err" "$1:5:"
	lacks "$T/err" "$1:9:"
	lacks "$T/err" "$1:11:"
	lacks "$T/err" "$1:13:"
	_n=$(grep -c "^$1:[0-9]*: " "$T/err")
	[ "$_n" -eq 7 ] || fail "want 7 reject messages for $1, got $_n"
}

# 1. Good lines load, bad ones are named; exit 0.
if expect_exit 0 "$PLACED" load spend "$F" --rejects "$T/out.csv"; then
	contains "$T/out" "3 rows accepted, 7 rejected"
	contains "$T/out" "1 blank skipped"
fi
check_messages "$F"
expect_exit 0 "$PLACED" dump spend
same_file "$T/good-dump.csv" "$T/out"

# The rejects file: owner-only, header, every rejected line with reason.
[ -f "$T/out.csv" ] || die "--rejects did not write $T/out.csv"
m=$(mode_of "$T/out.csv")
[ "$m" = 600 ] || fail "rejects file mode is $m, want 600"
contains "$T/out.csv" "file,line,reason,date,org,amount,description"
if command -v python3 >/dev/null 2>&1; then
	python3 - "$T/out.csv" "$F" <<'EOF' || fail "the rejects file is wrong"
import csv, sys
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    r = list(csv.reader(f))
name = sys.argv[2]
want_hdr = ["file", "line", "reason", "date", "org", "amount", "description"]
assert r[0] == want_hdr, r[0]
rows = r[1:]
lines = [int(x[1]) for x in rows]
assert lines == [3, 6, 7, 8, 10, 12, 14], lines
assert all(x[0] == name for x in rows), [x[0] for x in rows]
assert all(x[2] for x in rows), "a rejected line without a reason"
byline = {int(x[1]): x for x in rows}
assert byline[3][2] == 'field "amount": "12,3x" is not an amount', byline[3]
assert byline[3][3:] == ["2025-04-02", "council", "12,3x", "bad amount"], \
    byline[3]
assert byline[7][3:] == ["2025-04-05", "council", "7.00"], byline[7]
assert byline[8][3:] == ["2025-04-06", "council", "", "missing amount"], \
    byline[8]
assert byline[10][3:] == ["2025-13-01", "council", "1.00", "bad date"], \
    byline[10]
assert byline[12][3:] == ["2025-04-08", "council", "bad\namount", "x"], \
    byline[12]
assert byline[14][5] == "12,3x", byline[14]
EOF
fi

# An existing rejects file is replaced, not appended to.
expect_exit 0 "$PLACED" load spend --db "$T/again.db" "$F" \
    --rejects "$T/out.csv"
n=$(grep -c '^in/rejects.csv,' "$T/out.csv")
[ "$n" -eq 7 ] || fail "rejects file has $n records after a reload, want 7"
# Rejected lines are raw input: even a rejects file that was already there
# (here readable by all) must end up readable by its owner only.
: >"$T/old-rejects.csv"
chmod 644 "$T/old-rejects.csv"
expect_exit 0 "$PLACED" load spend --db "$T/again2.db" "$F" \
    --rejects "$T/old-rejects.csv"
m=$(mode_of "$T/old-rejects.csv")
[ "$m" = 600 ] || fail "an existing rejects file (mode 644) was written" \
    "with raw rejected lines and left mode $m, want 600"

# The same file as an absolute path is reported by that path; CRLF and
# lone-CR line ends give the same line numbers.
expect_exit 0 "$PLACED" load spend --db "$T/abs.db" "$T/$F"
check_messages "$T/$F"
awk '{ printf "%s\r\n", $0 }' "$T/$F" >"$T/crlf.csv"
expect_exit 0 "$PLACED" load spend --db "$T/crlf.db" crlf.csv
check_messages crlf.csv
contains "$T/out" "3 rows accepted, 7 rejected, 1 blank skipped"
tr '\n' '\r' <"$T/$F" >"$T/cr.csv"
expect_exit 0 "$PLACED" load spend --db "$T/cr.db" cr.csv
check_messages cr.csv
contains "$T/out" "3 rows accepted, 7 rejected, 1 blank skipped"

# 2. --strict: any rejected line and nothing is committed; exit 1.
expect_exit 0 "$PLACED" batches --format csv
cp "$T/out" "$T/batches.before"
expect_exit 1 "$PLACED" load spend --strict --source strict-one "$F"
contains "$T/err" "nothing committed"
contains "$T/err" "$F:3: field \"amount\": \"12,3x\" is not an amount"
expect_exit 0 "$PLACED" batches --format csv
lacks "$T/out" "strict-one"
same_file "$T/batches.before" "$T/out"
expect_exit 0 "$PLACED" dump spend
same_file "$T/good-dump.csv" "$T/out"
# --strict with a clean file commits.
printf 'date,amount\n2025-04-01,1.00\n' >"$T/clean.csv"
expect_exit 0 "$PLACED" load spend --strict --db "$T/strict.db" clean.csv
contains "$T/out" "1 row accepted, 0 rejected"

# 3. A column that is not a field: exit 1, naming it; nothing committed.
printf 'date,amount,Colour\n2025-04-01,1.00,red\n' >"$T/colour.csv"
expect_exit 1 "$PLACED" load spend colour.csv
contains "$T/err" '"Colour"'
contains "$T/err" "nothing committed"
expect_exit 0 "$PLACED" batches --format csv
lacks "$T/out" "colour.csv"
same_file "$T/batches.before" "$T/out"

# A header without the required column is refused the same way.
printf 'date,description\n2025-04-01,x\n' >"$T/noamount.csv"
expect_exit 1 "$PLACED" load spend noamount.csv
contains "$T/err" '"amount"'

# 4. --map FIELD=COLUMN makes a column load (matched without case).
printf 'Paid Date,Net Amount,Colour\n01/04/2025,"1,500.00",red\n' \
    >"$T/mapped.csv"
expect_exit 1 "$PLACED" load spend --db "$T/map.db" mapped.csv
contains "$T/err" '"Paid Date"'
expect_exit 0 "$PLACED" load spend --db "$T/map.db" --map "date=Paid Date" \
    --map "amount=net amount" --map "description=Colour" mapped.csv
contains "$T/out" "1 row accepted, 0 rejected"
expect_exit 0 "$PLACED" dump spend --db "$T/map.db"
printf '%s\n2025-04-01,,,,red,,1500.00,,,,,,,,,,\n' "$HDR" >"$T/want"
same_file "$T/want" "$T/out"

# 5. Every line rejected: the file fails (exit 1).
printf 'date,amount\n2025-04-01,nope\n2025-04-02,1.2.3\n' >"$T/allbad.csv"
expect_exit 1 "$PLACED" load spend --db "$T/allbad.db" allbad.csv
contains "$T/err" "allbad.csv:2: field \"amount\": \"nope\" is not an amount"
contains "$T/err" "allbad.csv:3: field \"amount\": \"1.2.3\" is not an amount"

# 6. Two files, one failing: exit 1, the good one is committed.
printf 'date,amount\n2025-04-01,3.00\n2025-04-02,4.00\n' >"$T/good2.csv"
expect_exit 1 "$PLACED" load spend --db "$T/two.db" good2.csv colour.csv
contains "$T/err" '"Colour"'
contains "$T/out" "good2.csv: batch"
batches --db "$T/two.db"
contains "$T/batches" ",good2.csv,spend,2,0,live"
lacks "$T/batches" "colour.csv"
expect_exit 0 "$PLACED" dump spend --db "$T/two.db"
printf '%s\n2025-04-01,,,,,,3.00,,,,,,,,,,\n2025-04-02,,,,,,4.00,,,,,,,,,,\n' "$HDR" \
    >"$T/want"
same_file "$T/want" "$T/out"
# and the other order
expect_exit 1 "$PLACED" load spend --db "$T/two2.db" colour.csv good2.csv
batches --db "$T/two2.db"
contains "$T/batches" ",good2.csv,spend,2,0,live"

# 7. Many bad lines: the first 20 are shown, the rejects file has them all.
{
	echo "date,amount"
	i=0
	while [ $i -lt 30 ]; do
		echo "2025-04-01,bad$i"
		i=$((i + 1))
	done
	echo "2025-04-01,1.00"
} >"$T/many.csv"
expect_exit 0 "$PLACED" load spend --db "$T/many.db" many.csv \
    --rejects "$T/many-rejects.csv"
contains "$T/out" "1 row accepted, 30 rejected"
n=$(grep -c '^many.csv:[0-9]*: ' "$T/err")
[ "$n" -eq 20 ] || fail "want 20 reject messages shown, got $n"
contains "$T/err" "more rejected lines not shown"
n=$(grep -c '^many.csv,' "$T/many-rejects.csv")
[ "$n" -eq 30 ] || fail "want 30 lines in the rejects file, got $n"

finish
