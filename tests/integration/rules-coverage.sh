#!/bin/sh
# rules-coverage.sh — the starter rules (etc/rules) classify most of the
# demo's spend lines and a majority of Oxford City Council's real ones
# (expenditure over £500, 2014-18).  Prints the figures.
. "$TOP_SRCDIR/tests/integration/lib.sh"

COV=$(dirname "$PLACED")/tests/integration/rules_coverage
[ -x "$COV" ] || die "no $COV: build it with make check"
RULES=$TOP_SRCDIR/etc/rules

# The demo: every spend line, as placed dumps it.
"$PLACED" key init --key "$T/k" >/dev/null || die "key init failed"
PLACED_KEY=$T/k "$PLACED" demo --db "$T/d.db" >/dev/null 2>&1 ||
	die "placed demo failed"
"$PLACED" dump spend --db "$T/d.db" >"$T/spend.csv" ||
	die "placed dump spend failed"
run "$COV" "$RULES" cofog demo 80 "$T/spend.csv"
cat "$T/out" "$T/err"
[ "$RC" -eq 0 ] || fail "the demo's spend: too little classified (want > 80%)"

# Oxford City Council: all 17 quarterly files, 13 header variants.
OX=${SHARED_DATA:-/nonexistent}/oxford_city_council_over500
if [ -d "$OX" ]; then
	run "$COV" "$RULES" cofog oxford 50 "$OX"/*.csv
	cat "$T/out" "$T/err"
	[ "$RC" -eq 0 ] ||
		fail "Oxford's spend: no majority classified (want > 50%)"
else
	echo "$TEST_NAME: no real data at $OX: Oxford's figures skipped"
fi
finish
