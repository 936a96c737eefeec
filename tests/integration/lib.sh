# lib.sh — shared helpers for the integration tests (sourced, POSIX sh).
#
# The harness exports:
#   PLACED       absolute path of the built placed binary
#   TOP_SRCDIR   the source tree (fixtures live under it; never written)
#   SHARED_DATA  directory of real public data (may be absent)
#
# Sourcing this file makes a private temporary directory $T under
# ${TMPDIR:-/tmp}, removed on exit, and cd's into it, so ./placed.db and
# ./placed.key are created there.  Exit codes follow automake: 0 pass,
# 1 fail, 77 skip, 99 hard error (the harness itself is broken).
#
# Helpers:
#   fail MSG...            record a failure and carry on
#   die MSG...             record a failure and stop now
#   skip MSG...            exit 77
#   finish                 exit 0, or 1 if anything failed
#   run CMD...             run CMD; stdout in $T/out, stderr in $T/err,
#                          status in $RC (never fails by itself)
#   expect_exit CODE CMD...  run CMD, fail unless it exits CODE
#   contains FILE STRING   fail unless FILE holds STRING (fixed string)
#   lacks FILE STRING      fail if FILE holds STRING
#   same_file EXPECTED GOT fail (showing a diff) unless they are equal
#   mode_of FILE           print FILE's permission bits in octal (e.g. 600)
#   fixture NAME           print the path of a fixture file
#   need_python            skip unless python3 is there
#   batches [OPTS]         plain "id,source,kind,rows,rejected,state"
#                          lines of placed batches in $T/batches
#   csv_sum FILE COL       print the exact sum of column COL (1-based) of a
#                          canonical CSV dump (python3 decimal)

set -u

TEST_NAME=$(basename "$0" .sh)
FAILURES=0

if [ -z "${PLACED:-}" ] || [ ! -x "$PLACED" ]; then
	echo "$TEST_NAME: PLACED (the built placed binary) is not set or not" \
	    "executable: '${PLACED:-}'" >&2
	exit 99
fi
if [ -z "${TOP_SRCDIR:-}" ] || [ ! -d "$TOP_SRCDIR/tests/integration" ]; then
	echo "$TEST_NAME: TOP_SRCDIR does not name the source tree:" \
	    "'${TOP_SRCDIR:-}'" >&2
	exit 99
fi
case $PLACED in
/*) ;;
*) PLACED=$(cd "$(dirname "$PLACED")" && pwd)/$(basename "$PLACED") ;;
esac
case $TOP_SRCDIR in
/*) ;;
*) TOP_SRCDIR=$(cd "$TOP_SRCDIR" && pwd) ;;
esac
export PLACED TOP_SRCDIR
FIXTURES=$TOP_SRCDIR/tests/integration/fixtures

# Nothing from the caller's environment may steer placed.
unset PLACED_DB PLACED_KEY PLACED_CONF
LC_ALL=C
export LC_ALL

T=$(mktemp -d "${TMPDIR:-/tmp}/placed-$TEST_NAME.XXXXXX") || {
	echo "$TEST_NAME: cannot make a temporary directory" >&2
	exit 99
}
# Background processes a test starts go in BG_PIDS: killed (by pid) on exit.
BG_PIDS=
cleanup()
{
	for _p in $BG_PIDS; do
		kill -9 "$_p" 2>/dev/null
		wait "$_p" 2>/dev/null
	done
	cd /
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' HUP INT TERM
cd "$T" || exit 99

say()
{
	printf '%s\n' "$*"
}

fail()
{
	FAILURES=$((FAILURES + 1))
	printf 'FAIL: %s\n' "$*" >&2
}

die()
{
	fail "$@"
	printf '%s: stopping after a fatal failure\n' "$TEST_NAME" >&2
	exit 1
}

skip()
{
	printf 'SKIP: %s\n' "$*" >&2
	exit 77
}

finish()
{
	if [ "$FAILURES" -gt 0 ]; then
		printf '%s: %d check(s) failed\n' "$TEST_NAME" "$FAILURES" >&2
		exit 1
	fi
	printf '%s: all checks passed\n' "$TEST_NAME"
	exit 0
}

# Show a file's head in the log, for failure messages.
show()
{
	if [ -s "$1" ]; then
		printf -- '--- %s:\n' "$2"
		head -c 3000 "$1"
		printf -- '\n---\n'
	else
		printf -- '--- %s: (empty)\n' "$2"
	fi
}

run()
{
	printf '+ %s\n' "$*"
	RC=0
	"$@" >"$T/out" 2>"$T/err" || RC=$?
	return 0
}

expect_exit()
{
	_want=$1
	shift
	run "$@"
	if [ "$RC" -ne "$_want" ]; then
		fail "'$*' exited $RC, want $_want"
		show "$T/out" stdout >&2
		show "$T/err" stderr >&2
		return 1
	fi
	return 0
}

contains()
{
	if ! grep -F -q -e "$2" "$1" 2>/dev/null; then
		fail "$(basename "$1") does not contain: $2"
		show "$1" "$(basename "$1")" >&2
		return 1
	fi
	return 0
}

lacks()
{
	if grep -F -q -e "$2" "$1" 2>/dev/null; then
		fail "$(basename "$1") contains what it must not: $2"
		show "$1" "$(basename "$1")" >&2
		return 1
	fi
	return 0
}

same_file()
{
	if ! cmp -s "$1" "$2"; then
		fail "$(basename "$2") differs from $(basename "$1")"
		diff -u "$1" "$2" | head -60 >&2
		return 1
	fi
	return 0
}

mode_of()
{
	# Portable: turn ls's "-rw-------" into 600.
	ls -ld "$1" | awk '{
		p = $1; m = 0
		for (i = 2; i <= 10; i++) {
			c = substr(p, i, 1)
			m = m * 2 + (c != "-" && c != "S" && c != "T")
		}
		printf "%o\n", m
	}'
}

fixture()
{
	if [ ! -f "$FIXTURES/$1" ]; then
		echo "$TEST_NAME: missing fixture $FIXTURES/$1" >&2
		exit 99
	fi
	printf '%s\n' "$FIXTURES/$1"
}

need_python()
{
	command -v python3 >/dev/null 2>&1 || skip "python3 is needed"
}

# The value of one column (1-based) of a canonical CSV, summed exactly.
csv_sum()
{
	python3 -c '
import csv, sys
from decimal import Decimal
col = int(sys.argv[2]) - 1
with open(sys.argv[1], newline="") as f:
    r = csv.reader(f)
    next(r)
    print(sum((Decimal(row[col]) for row in r if row[col] != ""),
              Decimal("0.00")))
' "$1" "$2"
}

# batches [placed options]: the batch list as plain
# "id,source,kind,rows,rejected,state" lines (no header, no quotes, no
# loaded_at) in $T/batches; fails the test if placed batches fails.
batches()
{
	_brc=0
	"$PLACED" batches --format csv "$@" >"$T/batches.raw" \
	    2>"$T/batches.err" || _brc=$?
	if [ "$_brc" -ne 0 ]; then
		fail "'placed batches --format csv $*' exited $_brc"
		show "$T/batches.err" stderr >&2
		: >"$T/batches"
		return 1
	fi
	if [ "$(head -n 1 "$T/batches.raw")" != \
	    "id,source,kind,rows,rejected,state,loaded_at" ]; then
		fail "placed batches --format csv: unexpected header"
		show "$T/batches.raw" batches >&2
	fi
	tail -n +2 "$T/batches.raw" | tr -d '"' |
	    awk -F, -v OFS=, '{ print $1, $2, $3, $4, $5, $6 }' >"$T/batches"
	return 0
}

# Number of data lines (records) in a canonical CSV dump.
csv_records()
{
	python3 -c '
import csv, sys
with open(sys.argv[1], newline="") as f:
    print(sum(1 for _ in csv.reader(f)) - 1)
' "$1"
}

say "$TEST_NAME: PLACED=$PLACED"
say "$TEST_NAME: working in $T"
