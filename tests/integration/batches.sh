#!/bin/sh
# batches.sh — one batch per FILE, same content is a no-op, --replace,
# retire, --source, and the batch list in every format.
. "$TOP_SRCDIR/tests/integration/lib.sh"

HDR='date,org,service,supplier,description,account,amount,place,cohort,person,funder,cofog,prevention,shares,classified_by,transfer,transfer_to'

mkdir "$T/sub"
printf 'date,amount,description\n2025-04-01,1.00,a1\n2025-04-02,2.00,a2\n' \
    >"$T/a.csv"
printf 'date,amount,description\n2025-05-01,10.00,b1\n2025-05-02,20.00,b2\n2025-05-03,30.00,b3\n' \
    >"$T/sub/b.csv"

# 1. Each FILE of one load is its own batch, named by its base name.
if expect_exit 0 "$PLACED" load spend a.csv "$T/sub/b.csv"; then
	contains "$T/out" "a.csv: batch 1 loaded: 2 rows accepted, 0 rejected"
	contains "$T/out" "$T/sub/b.csv: batch 2 loaded: 3 rows accepted, 0 rejected"
fi
batches
printf '1,a.csv,spend,2,0,live\n2,b.csv,spend,3,0,live\n' >"$T/want"
same_file "$T/want" "$T/batches"
expect_exit 0 "$PLACED" dump spend
cat >"$T/want" <<EOF
$HDR
2025-04-01,,,,a1,,1.00,,,,,,,,,,
2025-04-02,,,,a2,,2.00,,,,,,,,,,
2025-05-01,,,,b1,,10.00,,,,,,,,,,
2025-05-02,,,,b2,,20.00,,,,,,,,,,
2025-05-03,,,,b3,,30.00,,,,,,,,,,
EOF
same_file "$T/want" "$T/out"

# 2. The same content again: nothing changed, exit 0, no batch added.
cp "$T/batches" "$T/batches.before"
expect_exit 0 "$PLACED" load spend a.csv
contains "$T/out" "a.csv: same content as live batch 1: nothing changed"
lacks "$T/out" "loaded"
batches
same_file "$T/batches.before" "$T/batches"
# ... from another path too (the content, not the name, is compared)
cp "$T/a.csv" "$T/sub/a.csv"
expect_exit 0 "$PLACED" load spend "$T/sub/a.csv"
contains "$T/out" "same content as live batch 1: nothing changed"
batches
same_file "$T/batches.before" "$T/batches"
# ... and --replace with the same content changes nothing either
expect_exit 0 "$PLACED" load spend --replace a.csv
contains "$T/out" "same content as live batch 1: nothing changed"
batches
same_file "$T/batches.before" "$T/batches"

# 3. --replace with new content retires the source's live batch.
printf 'date,amount,description\n2025-04-01,1.50,a1 corrected\n' >"$T/a.csv"
if expect_exit 0 "$PLACED" load spend --replace a.csv; then
	contains "$T/out" "a.csv: batch 3 loaded: 1 row accepted, 0 rejected"
	contains "$T/out" "a.csv: batch 1 retired (replaced)"
fi
batches
printf '1,a.csv,spend,2,0,retired\n2,b.csv,spend,3,0,live\n3,a.csv,spend,1,0,live\n' \
    >"$T/want"
same_file "$T/want" "$T/batches"
expect_exit 0 "$PLACED" dump spend
cat >"$T/want" <<EOF
$HDR
2025-05-01,,,,b1,,10.00,,,,,,,,,,
2025-05-02,,,,b2,,20.00,,,,,,,,,,
2025-05-03,,,,b3,,30.00,,,,,,,,,,
2025-04-01,,,,a1 corrected,,1.50,,,,,,,,,,
EOF
same_file "$T/want" "$T/out"

# The data version the replace committed, checked against later ones below.
v_load=$(sed -n 's/.*(data version \([0-9]*\)).*/\1/p' "$T/out" | head -n 1)

# 4. retire ID: the rows stop counting; retiring again fails.
if expect_exit 0 "$PLACED" retire 2; then
	contains "$T/out" "batch 2 retired"
fi
batches
contains "$T/batches" "2,b.csv,spend,3,0,retired"
expect_exit 0 "$PLACED" dump spend
cat >"$T/want" <<EOF
$HDR
2025-04-01,,,,a1 corrected,,1.50,,,,,,,,,,
EOF
same_file "$T/want" "$T/out"
expect_exit 1 "$PLACED" retire 2
contains "$T/err" "batch 2"
contains "$T/err" "not live"
expect_exit 1 "$PLACED" retire 99
contains "$T/err" "99"
expect_exit 2 "$PLACED" retire 0
batches
contains "$T/batches" "2,b.csv,spend,3,0,retired"

# Retired content is no longer "live": loading it again makes a new batch.
expect_exit 0 "$PLACED" load spend "$T/sub/b.csv"
contains "$T/out" "b.csv: batch 4 loaded: 3 rows accepted"
batches
contains "$T/batches" "4,b.csv,spend,3,0,live"

# 5. --source NAME overrides the file name, also for --replace.
printf 'date,amount,description\n2025-06-01,7.00,p1\n' >"$T/export-2025.csv"
expect_exit 0 "$PLACED" load spend --source partner-x export-2025.csv
contains "$T/out" "batch 5 loaded"
printf 'date,amount,description\n2025-06-01,8.00,p1 v2\n' \
    >"$T/export-2026.csv"
expect_exit 0 "$PLACED" load spend --source partner-x --replace \
    export-2026.csv
contains "$T/out" "batch 5 retired (replaced)"
batches
contains "$T/batches" "5,partner-x,spend,1,0,retired"
contains "$T/batches" "6,partner-x,spend,1,0,live"
lacks "$T/batches" "export-20"
# stdin is named "stdin" unless --source says otherwise
printf 'date,amount\n2025-07-01,9.00\n' |
    expect_exit 0 "$PLACED" load spend -
contains "$T/out" "stdin: batch 7 loaded: 1 row accepted"
printf 'date,amount\n2025-07-02,9.00\n' |
    expect_exit 0 "$PLACED" load spend --source piped -
batches
contains "$T/batches" "7,stdin,spend,1,0,live"
contains "$T/batches" "8,piped,spend,1,0,live"

# --replace only touches the same source and the same kind.
printf 'date,service\n2025-04-01,x\n' >"$T/a-act.csv"
expect_exit 0 "$PLACED" load activity --source a.csv --replace a-act.csv
lacks "$T/out" "retired"
batches
contains "$T/batches" "3,a.csv,spend,1,0,live"
contains "$T/batches" "9,a.csv,activity,1,0,live"

# 6. --format json: valid JSON with columns, rows and meta.data_version.
expect_exit 0 "$PLACED" batches --format json
cp "$T/out" "$T/batches.json"
if command -v python3 >/dev/null 2>&1; then
	python3 -c 'import json, sys; json.load(sys.stdin)' <"$T/batches.json" ||
	    fail "placed batches --format json is not valid JSON"
	python3 - "$T/batches.json" "$T/batches" <<'EOF' ||
import json, sys
j = json.load(open(sys.argv[1]))
names = [c["name"] for c in j["columns"]]
assert names == ["id", "source", "kind", "rows", "rejected", "state",
                 "loaded_at"], names
assert isinstance(j["meta"]["data_version"], int), j["meta"]
assert j["meta"]["data_version"] > 0, j["meta"]
plain = [l.rstrip("\n").split(",") for l in open(sys.argv[2])]
assert len(j["rows"]) == len(plain), (len(j["rows"]), len(plain))
for r, p in zip(j["rows"], plain):
    assert len(r) == 7, r
    assert [str(x) for x in r[:6]] == p, (r, p)
    assert isinstance(r[0], int) and isinstance(r[3], int), r
    assert r[6].endswith("Z"), r
EOF
	    fail "placed batches --format json does not match the CSV list"
else
	contains "$T/batches.json" '"columns"'
	contains "$T/batches.json" '"data_version"'
fi

# The table format (the default on a terminal) names the data version.
expect_exit 0 "$PLACED" batches --format table
contains "$T/out" "data version"
contains "$T/out" "partner-x"

# The data version moves with each change and the JSON shows the latest.
if [ -n "$v_load" ]; then
	dv=$(sed -n 's/.*"data_version":\([0-9]*\).*/\1/p' "$T/batches.json")
	if [ -z "$dv" ] || [ "$dv" -le "$v_load" ]; then
		fail "data_version $dv in batches JSON not after $v_load"
	fi
fi

finish
