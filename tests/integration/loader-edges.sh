#!/bin/sh
# loader-edges.sh — inputs that were once silently altered or refused
# wholesale: each is now loaded whole or rejected with its line and reason.
. "$TOP_SRCDIR/tests/integration/lib.sh"

expect_exit 0 "$PLACED" key init

# An NDJSON key given twice (in any case) rejects its line.
printf '%s\n' \
    '{"date":"2025-04-01","amount":"1.00","amount":"999.00","org":"A"}' \
    '{"date":"2025-04-01","amount":"5","org":"C","ORG":"D"}' \
    '{"date":"2025-04-01","amount":"7","org":"E"}' >"$T/dup.ndjson"
expect_exit 0 "$PLACED" load spend --format ndjson "$T/dup.ndjson"
contains "$T/err" 'dup.ndjson:1: field "amount" given twice'
contains "$T/err" 'dup.ndjson:2: field "org" given twice'
contains "$T/out" "1 row accepted, 2 rejected"

# A NUL byte inside a value rejects the line; it never merges values.
printf 'date,org,amount\n2025-04-01,A\000X,1.00\n2025-04-01,A,2.00\n' \
    >"$T/nul.csv"
expect_exit 0 "$PLACED" load spend --db nul.db "$T/nul.csv"
contains "$T/err" 'nul.csv:2: field "org"'
contains "$T/out" "1 row accepted, 1 rejected"

# A description far longer than an LMDB key loads whole.
long=$(printf '%0600d' 0 | tr 0 x)
printf 'date,description,amount\n2025-04-01,%s,1.00\n2025-04-02,%sy,2.00\n' \
    "$long" "$long" >"$T/long.csv"
expect_exit 0 "$PLACED" load spend --db long.db "$T/long.csv"
contains "$T/out" "2 rows accepted, 0 rejected"
expect_exit 0 "$PLACED" query --db long.db --format csv \
    'spend | group description (n = count())'
[ "$(awk 'NR > 1' "$T/out" | wc -l)" -eq 2 ] ||
    fail "two long descriptions became $(awk 'NR > 1' "$T/out" | wc -l)"
grep -q "^${long}y,1$" "$T/out" || fail "a long description came back cut"

# The rejects file withholds person identifiers, CSV and NDJSON alike.
printf 'date,person,cost\n2025-04-01,9434765919,12x\n' >"$T/p.csv"
expect_exit 1 "$PLACED" load activity --db p.db "$T/p.csv" \
    --rejects "$T/rej.csv"
lacks "$T/rej.csv" "9434765919"
contains "$T/rej.csv" "(withheld)"
printf '%s\n' '{"date":"2025-04-01","person":"9434765919","cost":"12x"}' \
    '{"date":"2025-04-01","person":"9434765920",' >"$T/p.ndjson"
expect_exit 1 "$PLACED" load activity --db p2.db --format ndjson \
    "$T/p.ndjson" --rejects "$T/rej2.csv"
lacks "$T/rej2.csv" "9434765919"
lacks "$T/rej2.csv" "9434765920"
contains "$T/rej2.csv" "(withheld)"

finish
