#!/bin/sh
# import.sh — the host's side of importer plugins (--format NAME), with the
# test importer of tests/plugins/test_import.c ("pairs"): records go through
# the same checks as CSV, skipped lines are counted with their reasons, a
# plugin's failure commits nothing and names the plugin, unknown formats
# list what there is.
. "$TOP_SRCDIR/tests/integration/lib.sh"

IMP=$(dirname "$PLACED")/tests/plugins/import/.libs
[ -d "$IMP" ] || die "no $IMP: build it with make check"
B=$(dirname "$PLACED")
# The test importer beside the plugins that classify.
PL=$IMP:$B/plugins/cofog/.libs:$B/plugins/cipfa/.libs
expect_exit 0 "$PLACED" key init || die "placed key init failed"

# 1. Records, a rejected value, skipped lines by reason.
printf '# a comment\n2025-04-01;10.00;Acme\n\n2025-04-02;12,3x;Acme\n2025-04-03;-5.50\n# another\n' \
    >"$T/a.pairs"
if expect_exit 0 "$PLACED" load spend --plugins "$PL" --format pairs \
    --rejects "$T/rej.csv" "$T/a.pairs"; then
	contains "$T/out" "2 rows accepted, 1 rejected, 3 skipped (comment 2, blank 1)"
fi
contains "$T/err" "a.pairs:4: field \"amount\": \"12,3x\" is not an amount"
contains "$T/rej.csv" "file,line,reason,record"
contains "$T/rej.csv" '"{""date"":""2025-04-02"",""amount"":""12,3x"",""supplier"":""Acme""}"'
expect_exit 0 "$PLACED" dump spend
contains "$T/out" "2025-04-01,,,Acme,,,10.00,"
contains "$T/out" "2025-04-03,,,,,,-5.50,"

# 2. The same file again: the content hash includes the format, so it is
# a no-op, as for CSV.
expect_exit 0 "$PLACED" load spend --plugins "$PL" --format pairs "$T/a.pairs"
contains "$T/out" "same content as live batch 1"

# 3. The plugin fails: nothing committed, the plugin named.
printf '2025-04-01;1.00\nFAIL\n' >"$T/b.pairs"
expect_exit 1 "$PLACED" load spend --plugins "$PL" --format pairs "$T/b.pairs"
contains "$T/err" "b.pairs: plugin \"abi-import\": line 2: told to fail; nothing committed"
# A record with a field the kind lacks is rejected, naming the plugin.
printf '2025-04-01;1.00\nBOGUS\n' >"$T/c.pairs"
expect_exit 0 "$PLACED" load spend --plugins "$PL" --format pairs "$T/c.pairs"
contains "$T/err" "c.pairs:2: plugin \"abi-import\" gave \"bogus\", not a field of spend"

# 4. Unknown formats and kinds the importer does not take.
expect_exit 2 "$PLACED" load spend --plugins "$IMP" --format nope "$T/a.pairs"
contains "$T/err" "unknown format \"nope\" (csv, ndjson, pairs)"
expect_exit 2 "$PLACED" load activity --plugins "$PL" --format pairs "$T/a.pairs"
contains "$T/err" "format \"pairs\" (plugin \"abi-import\") reads spend records, not activity"
expect_exit 2 "$PLACED" load spend --plugins "$T/none" --no-classify \
    --format pairs "$T/a.pairs"
contains "$T/err" "unknown format \"pairs\" (csv, ndjson; no importer plugin is loaded)"

# 5. Classification applies to imported records as to CSV ones, and a
# rules file naming a scheme no plugin registers says what to do.
printf '2025-04-01;1.00;Acme\n' >"$T/d.pairs"
mkdir "$T/rules"
printf 'cofog supplier /^Acme$/ 04.5.1\n' >"$T/rules/a.rules"
expect_exit 0 "$PLACED" load spend --db "$T/d.db" --plugins "$PL" \
    --rules "$T/rules" --format pairs "$T/d.pairs"
expect_exit 0 "$PLACED" dump spend --db "$T/d.db"
contains "$T/out" "2025-04-01,,,Acme,,,1.00,,,,,04.5.1,,,cofog: rule a.rules:1"
expect_exit 1 "$PLACED" load spend --db "$T/d.db" --plugins "$IMP" \
    --rules "$T/rules" --format pairs "$T/d.pairs"
contains "$T/err" "classification: $T/rules/a.rules:1:1: unknown scheme \"cofog\" (placed check lists plugins and rules; --no-classify loads as given)"
finish
