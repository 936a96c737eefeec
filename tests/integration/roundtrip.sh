#!/bin/sh
# roundtrip.sh — fixtures load to exact canonical dumps; dump → load → dump
# is the identity, in CSV and in NDJSON, for every kind.
. "$TOP_SRCDIR/tests/integration/lib.sh"

expect_exit 0 "$PLACED" key init || die "placed key init failed"

# The fixtures' expected dumps name people as @P1@, @P2@...: find each
# one's pseudonym under this key by loading the raw ids on their own.
{
	echo "date,person"
	while read -r tok raw; do
		echo "2025-01-01,$raw"
	done <"$(fixture persons.txt)"
} >"$T/persons.csv"
expect_exit 0 "$PLACED" load activity --db "$T/map.db" "$T/persons.csv" ||
    die "cannot load the person ids"
expect_exit 0 "$PLACED" dump activity --db "$T/map.db" ||
    die "cannot dump the person ids"
tail -n +2 "$T/out" | cut -d, -f4 >"$T/pseud"
: >"$T/map.sed"
n=0
while read -r tok raw; do
	n=$((n + 1))
	p=$(sed -n "${n}p" "$T/pseud")
	case $p in
	[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]*)
		[ ${#p} -eq 32 ] || fail "pseudonym of $tok is not 32 hex: '$p'"
		;;
	*)	fail "pseudonym of $tok is not 32 hex: '$p'" ;;
	esac
	echo "s/@$tok@/$p/g" >>"$T/map.sed"
done <"$(fixture persons.txt)"

# expected FIXTURE: the expected dump with pseudonyms filled in, in $T/want
expected()
{
	sed -f "$T/map.sed" "$(fixture "$1")" >"$T/want"
}

# load_and_check KIND FIXTURE EXPECTED DB ROWS [load options]
load_and_check()
{
	_kind=$1 _fix=$2 _exp=$3 _db=$4 _rows=$5
	shift 5
	if expect_exit 0 "$PLACED" load "$_kind" --db "$_db" "$@" \
	    "$(fixture "$_fix")"; then
		contains "$T/out" "$_rows rows accepted, 0 rejected"
	fi
	lacks "$T/err" "rejected"
	expected "$_exp"
	expect_exit 0 "$PLACED" dump "$_kind" --db "$_db"
	# REGEN=1 rewrites the expected dump from what placed gave (the
	# pseudonyms put back as @Pn@): review the diff before committing.
	if [ -n "${REGEN:-}" ]; then
		sed 's#^s/\(@[^/]*@\)/\([^/]*\)/g$#s/\2/\1/g#' "$T/map.sed" \
		    >"$T/unmap.sed"
		sed -f "$T/unmap.sed" "$T/out" >"$(fixture "$_exp")"
		expected "$_exp"
	fi
	same_file "$T/want" "$T/out"
}

# 1. Every amount and date form, quotes, commas, embedded newlines.
load_and_check spend spend.csv spend.expected.csv "$T/one.db" 9

# 2. CRLF and lone-CR line ends read the same records.
for f in spend-crlf.csv spend-cr.csv; do
	if ! od -c "$(fixture "$f")" | grep -q '\\r'; then
		die "fixture $f has lost its CR line ends (checked out with" \
		    "line-end conversion?)"
	fi
done
if od -c "$(fixture spend-cr.csv)" | grep -q '\\n'; then
	die "fixture spend-cr.csv has LF line ends; it must have lone CRs"
fi
load_and_check spend spend-crlf.csv spend-eol.expected.csv "$T/crlf.db" 3
load_and_check spend spend-cr.csv spend-eol.expected.csv "$T/cr.db" 3

# 3. NDJSON input: numbers, strings, nulls, escapes, mixed-case keys.
load_and_check spend spend.ndjson spend-ndjson.expected.csv "$T/ndj.db" 3 \
    --format ndjson

# 4. The other kinds.
load_and_check activity activity.csv activity.expected.csv "$T/one.db" 5
load_and_check outcome outcome.csv outcome.expected.csv "$T/one.db" 4
load_and_check service service.csv service.expected.csv "$T/one.db" 3

# 5. Database to database: dump → load → dump gives the same output, in
#    both formats.  The dump holds pseudonyms already: reload --hashed.
for kind in spend activity outcome service; do
	for fmt in csv ndjson; do
		expect_exit 0 "$PLACED" dump "$kind" --db "$T/one.db" \
		    --format "$fmt" || continue
		mv "$T/out" "$T/$kind.1.$fmt"
		expect_exit 0 "$PLACED" load "$kind" --db "$T/two-$fmt.db" \
		    --format "$fmt" --hashed "$T/$kind.1.$fmt" || continue
		lacks "$T/err" "rejected"
		expect_exit 0 "$PLACED" dump "$kind" --db "$T/two-$fmt.db" \
		    --format "$fmt" || continue
		mv "$T/out" "$T/$kind.2.$fmt"
		same_file "$T/$kind.1.$fmt" "$T/$kind.2.$fmt"
		# and the other format of the copy matches the original too
		if [ "$fmt" = ndjson ]; then
			expect_exit 0 "$PLACED" dump "$kind" \
			    --db "$T/two-ndjson.db" --format csv &&
			    same_file "$T/$kind.1.csv" "$T/out"
		fi
	done
done

# Every NDJSON dump line is one JSON object with every field of the kind.
if command -v python3 >/dev/null 2>&1; then
	for kind in spend activity outcome service; do
		python3 - "$T/$kind.1.ndjson" "$T/$kind.1.csv" <<'EOF' ||
import csv, json, sys
rows = [json.loads(l, parse_float=str, parse_int=str)
        for l in open(sys.argv[1], encoding="utf-8")]
with open(sys.argv[2], newline="", encoding="utf-8") as f:
    r = list(csv.reader(f))
hdr, data = r[0], r[1:]
assert len(rows) == len(data), (len(rows), len(data))
for j, c in zip(rows, data):
    assert list(j) == hdr, (list(j), hdr)
    for k, v in zip(hdr, c):
        w = j[k]
        w = "" if w is None else w if isinstance(w, str) else str(w)
        assert w == v, (k, w, v)
EOF
		    fail "$kind: the NDJSON dump does not match the CSV dump"
	done
fi

# A spend reload of the dump without --hashed would hash pseudonyms
# again: with --hashed a raw id is refused instead of stored.
printf 'date,amount,person\n2025-04-01,1.00,9434765919\n' >"$T/raw.csv"
expect_exit 1 "$PLACED" load spend --db "$T/hashed.db" --hashed "$T/raw.csv"
contains "$T/err" "not a pseudonym"
lacks "$T/err" "9434765919"

finish
