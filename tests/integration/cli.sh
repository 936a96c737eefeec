#!/bin/sh
# cli.sh — version, help, usage errors (exit 2) and failures (exit 1).
. "$TOP_SRCDIR/tests/integration/lib.sh"

# --version
expect_exit 0 "$PLACED" --version
printf 'placed 0.1.0\n' >"$T/want"
same_file "$T/want" "$T/out"

# --help and COMMAND --help exit 0 and print usage on stdout
expect_exit 0 "$PLACED" --help
contains "$T/out" "usage: placed"
contains "$T/out" "placed load KIND FILE"
expect_exit 0 "$PLACED" load --help
contains "$T/out" "usage: placed load KIND FILE"
for c in dump batches retire key demo; do
	expect_exit 0 "$PLACED" "$c" --help
	contains "$T/out" "usage: placed $c"
done

# No command at all is a usage error.
expect_exit 2 "$PLACED"
contains "$T/err" "usage: placed"

# Unknown command
expect_exit 2 "$PLACED" frobnicate
contains "$T/err" 'unknown command "frobnicate"'

# Unknown kind, for load and dump
printf 'date,amount\n2025-04-01,1.00\n' >"$T/s.csv"
expect_exit 2 "$PLACED" load widgets "$T/s.csv"
contains "$T/err" 'unknown kind "widgets"'
expect_exit 2 "$PLACED" dump widgets
contains "$T/err" 'unknown kind "widgets"'

# load geo: the place hierarchy, not a kind of record.  Options for
# records are refused; a bad row is named by file and line and skipped;
# a header with no ONS code column commits nothing.
printf 'LSOA11CD,LAD19CD\r\nE01000001,E09000001\r\nE0100 0002,E09000001\r\n' \
    >"$T/g.csv"
expect_exit 2 "$PLACED" load geo "$T/g.csv" --map place=x
contains "$T/err" "load geo takes only"
expect_exit 0 "$PLACED" load geo "$T/g.csv" --db "$T/geo.db"
contains "$T/err" "g.csv:3: lsoa code \"E0100 0002\" is not a code"
contains "$T/out" "geo: 1 file, 2 rows, 1 rejected, 2 codes: 2 known"
contains "$T/out" "geo: lsoa 1, lad 1"
expect_exit 1 "$PLACED" load geo "$T/g.csv" --db "$T/geo.db" --strict
contains "$T/err" "1 bad row (--strict); nothing committed"
printf 'FID,IMD19\n1,2\n' >"$T/n.csv"
expect_exit 1 "$PLACED" load geo "$T/g.csv" "$T/n.csv" --db "$T/geo.db"
contains "$T/err" "no ONS code column"

# Bad --format for load, dump and batches
expect_exit 2 "$PLACED" load spend --format xml "$T/s.csv"
contains "$T/err" '"xml"'
expect_exit 2 "$PLACED" dump spend --format xml
contains "$T/err" "format"
expect_exit 2 "$PLACED" batches --format xml
contains "$T/err" "format"

# Missing FILE (and missing KIND)
expect_exit 2 "$PLACED" load spend
contains "$T/err" "FILE"
expect_exit 2 "$PLACED" load
contains "$T/err" "KIND"

# Unknown option
expect_exit 2 "$PLACED" load spend --no-such-option "$T/s.csv"
contains "$T/err" "placed load"

# Other usage errors
expect_exit 2 "$PLACED" load spend --map amount "$T/s.csv"
contains "$T/err" "FIELD=COLUMN"
expect_exit 2 "$PLACED" load spend --map "nosuchfield=X" "$T/s.csv"
contains "$T/err" "nosuchfield"
expect_exit 2 "$PLACED" load spend --source one "$T/s.csv" "$T/s.csv"
contains "$T/err" "--source"
expect_exit 2 "$PLACED" retire notanumber
contains "$T/err" '"notanumber"'
expect_exit 2 "$PLACED" key
contains "$T/err" "init"
expect_exit 2 "$PLACED" demo --people 0
contains "$T/err" "--people"

# None of the usage errors may have made a database.
if [ -e "$T/placed.db" ]; then
	fail "a usage error created placed.db"
fi

# dump / batches on a database that is not there: exit 1, clear message
expect_exit 1 "$PLACED" dump spend
contains "$T/err" "placed.db"
contains "$T/err" "no database"
expect_exit 1 "$PLACED" dump spend --db "$T/nowhere"
contains "$T/err" "$T/nowhere"
expect_exit 1 "$PLACED" batches
contains "$T/err" "no database"
if [ -e "$T/placed.db" ] || [ -e "$T/nowhere" ]; then
	fail "reading a missing database created it"
fi

# A FILE that does not exist: the load fails (exit 1), naming the file.
expect_exit 1 "$PLACED" load spend "$T/no-such.csv"
contains "$T/err" "no-such.csv"
contains "$T/err" "nothing committed"

# The message goes to stderr, nothing to stdout.
if [ -s "$T/out" ]; then
	fail "a failed load wrote to stdout"
	show "$T/out" stdout >&2
fi

# --db, $PLACED_DB: both choose the database directory
run "$PLACED" load spend --quiet --db "$T/a.db" "$T/s.csv"
[ "$RC" -eq 0 ] || fail "load --db a.db exited $RC"
[ -d "$T/a.db" ] || fail "--db a.db did not create the directory"
expect_exit 0 env PLACED_DB="$T/a.db" "$PLACED" dump spend
printf 'date,org,service,supplier,description,account,amount,place,cohort,person,funder,cofog,prevention,shares,classified_by,transfer,transfer_to\n2025-04-01,,,,,,1.00,,,,,,,,,,\n' >"$T/want"
same_file "$T/want" "$T/out"

finish
