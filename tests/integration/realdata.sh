#!/bin/sh
# realdata.sh — real published spend (Oxford City Council, expenditure over
# £500) through --map: every column must be mapped or the file is refused;
# the columns placed has fields for load exactly (counts, pence, dates).
. "$TOP_SRCDIR/tests/integration/lib.sh"

[ -n "${SHARED_DATA:-}" ] || skip "no real data: \$SHARED_DATA is not set"
OX=$SHARED_DATA/oxford_city_council_over500
[ -d "$OX" ] || skip "no real data: $OX is absent"
need_python
F=$OX/expenditure-over-500-apr-jun-2016.csv
[ -f "$F" ] || skip "$F is absent"

# cut SRC DST COLUMN...: the named columns of SRC (by header text, blanks
# trimmed) into DST, header kept as it was, blank rows dropped; prints the
# number of records.  Written in the temporary directory only.
cat >"$T/cut.py" <<'EOF'
import csv, sys
src, dst, keep = sys.argv[1], sys.argv[2], sys.argv[3:]
with open(src, newline="", encoding="utf-8") as f:
    rows = list(csv.reader(f))
hdr = rows[0]
norm = [h.strip() for h in hdr]
idx = [norm.index(k) for k in keep]
data = [r for r in rows[1:] if any(c.strip() for c in r)]
with open(dst, "w", newline="", encoding="utf-8") as o:
    w = csv.writer(o)
    w.writerow([hdr[i] for i in idx])
    for r in data:
        w.writerow([r[i] for i in idx])
print(len(data))
EOF

# check SRC DUMP DATE ORG SERVICE SUPPLIER DESCRIPTION ACCOUNT AMOUNT FROM TO:
# the dump holds SRC's records in order, each field as placed must write
# it (dates day first → ISO, amounts exact to the penny), every date within
# [FROM, TO], and the amounts add up exactly.
cat >"$T/check.py" <<'EOF'
import csv, sys
from datetime import datetime
from decimal import Decimal
src, dump = sys.argv[1], sys.argv[2]
cols = sys.argv[3:10]
lo, hi = sys.argv[10], sys.argv[11]
with open(src, newline="", encoding="utf-8") as f:
    rows = list(csv.reader(f))
norm = [h.strip() for h in rows[0]]
idx = [norm.index(c) for c in cols]
data = [r for r in rows[1:] if any(c.strip() for c in r)]
with open(dump, newline="", encoding="utf-8") as f:
    got = list(csv.reader(f))
assert got[0] == ["date", "org", "service", "supplier", "description",
                  "account", "amount", "place", "cohort", "person",
                  "funder", "cofog", "prevention", "shares",
                  "classified_by", "transfer", "transfer_to"], got[0]
got = got[1:]
if len(got) != len(data):
    sys.exit("dump has %d records, %s has %d" % (len(got), src, len(data)))
bad = 0
for n, (r, g) in enumerate(zip(data, got), 2):
    v = [r[i].strip() for i in idx]
    want = [datetime.strptime(v[0], "%d/%m/%Y").strftime("%Y-%m-%d"),
            v[1], v[2], v[3], v[4], v[5],
            str(Decimal(v[6]).quantize(Decimal("0.01"))),
            "", "", "", ""]
    # Classification (cofog ... classified_by) comes after the fields
    # the file gave; rules-coverage.sh measures it.
    if g[:len(want)] != want:
        bad += 1
        if bad <= 5:
            print("record %d: want %r\n           got  %r" % (n, want, g))
    if not lo <= g[0] <= hi:
        bad += 1
        print("record %d: date %s outside %s..%s" % (n, g[0], lo, hi))
ssrc = sum(Decimal(r[idx[6]].strip()) for r in data)
sdump = sum(Decimal(g[6]) for g in got)
print("%d records, total %s (source) %s (dump)" % (len(got), ssrc, sdump))
if ssrc != sdump:
    bad += 1
    print("the totals differ")
sys.exit(1 if bad else 0)
EOF

# 1. The file as published is refused: its columns are not all fields.
expect_exit 1 "$PLACED" load spend "$F"
contains "$T/err" '"body_name"'
contains "$T/err" "--map"
contains "$T/err" "nothing committed"
# Mapping the columns placed has fields for is not enough: there is no way
# to leave a column out, so the next unmapped one is named.
MAPS='--map org=body_name --map service=organisational_unit
--map description=expenditure_category --map account=expenditure_code
--map date=paid_date --map supplier=supplier_name'
# shellcheck disable=SC2086
expect_exit 1 "$PLACED" load spend $MAPS "$F"
contains "$T/err" '"trans_no"'
contains "$T/err" "nothing committed"
if [ -d "$T/placed.db" ]; then
	batches
	[ -s "$T/batches" ] && fail "a refused real file left a batch"
fi

# 2. Cut to the columns with fields (python's csv module, into $T), load.
n=$(python3 "$T/cut.py" "$F" "$T/oxford-2016q1.csv" body_name \
    organisational_unit expenditure_category expenditure_code paid_date \
    amount supplier_name) || die "cannot cut $F"
nfmt=$(python3 -c 'import sys; print(f"{int(sys.argv[1]):,}")' "$n")
say "realdata: $n records in $(basename "$F")"
# shellcheck disable=SC2086
if expect_exit 0 "$PLACED" load spend $MAPS "$T/oxford-2016q1.csv"; then
	contains "$T/out" "$nfmt rows accepted, 0 rejected"
fi
lacks "$T/err" "oxford-2016q1.csv:"
expect_exit 0 "$PLACED" dump spend || die "cannot dump"
cp "$T/out" "$T/dump.csv"
python3 "$T/check.py" "$F" "$T/dump.csv" paid_date body_name \
    organisational_unit supplier_name expenditure_category \
    expenditure_code amount 2016-04-01 2016-06-30 ||
    fail "the dump of $(basename "$F") does not match the file"
# the amount total once more, the way the brief puts it
want=$(python3 -c '
import csv, sys
from decimal import Decimal
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    r = csv.DictReader(f)
    print(sum(Decimal(x["amount"]) for x in r))' "$F")
got=$(csv_sum "$T/dump.csv" 7)
[ "$want" = "$got" ] || fail "dump total $got, the file's total is $want"
say "realdata: total £$got"

# 3. Other quarters: other headers (Title Case, a typo, a trailing blank,
#    LF or CRLF), each with its own maps, into one database.
# load_quarter FILE FROM TO ORG SERVICE DESCRIPTION
load_quarter()
{
	_f=$OX/$1 _from=$2 _to=$3 _org=$4 _svc=$5 _desc=$6
	if [ ! -f "$_f" ]; then
		say "realdata: $1 is absent, not checked"
		return 0
	fi
	_n=$(python3 "$T/cut.py" "$_f" "$T/$1" "$_org" "$_svc" "$_desc" \
	    "Expenditure Code" "Paid Date" Amount "Supplier Name") ||
	    { fail "cannot cut $1"; return 1; }
	_nfmt=$(python3 -c 'import sys; print(f"{int(sys.argv[1]):,}")' "$_n")
	expect_exit 0 "$PLACED" load spend --db "$T/q.db" --source "$1" \
	    --map "org=$_org" --map "service=$_svc" --map "description=$_desc" \
	    --map "account=expenditure code" --map "date=PAID DATE" \
	    --map "supplier=Supplier Name" "$T/$1" || return 1
	contains "$T/out" "$_nfmt rows accepted, 0 rejected"
	expect_exit 0 "$PLACED" dump spend --db "$T/q.db"
	# only this quarter's rows: the last _n records
	{ head -n 1 "$T/out"; } >"$T/q.csv"
	python3 -c '
import csv, sys
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    r = list(csv.reader(f))
w = csv.writer(sys.stdout, lineterminator="\n")
for row in r[len(r) - int(sys.argv[2]):]:
    w.writerow(row)' "$T/out" "$_n" >>"$T/q.csv"
	python3 "$T/check.py" "$_f" "$T/q.csv" "Paid Date" "$_org" "$_svc" \
	    "Supplier Name" "$_desc" "Expenditure Code" Amount "$_from" \
	    "$_to" || fail "the dump of $1 does not match the file"
}
load_quarter expenditure-over-500-jul-sep-2015.csv 2015-07-01 2015-09-30 \
    "Body Name" "Organisational Unit" "Expenditure Category"
load_quarter expenditure-over-500-jul-sep-2014.csv 2014-07-01 2014-09-30 \
    "Body Name" "Organisational Unit" "Expenditure Category"
load_quarter expenditure-over-500-jan-mar-2018.csv 2018-01-01 2018-03-31 \
    Client "Service Area" "Expenditure Catergory"

finish
