#!/bin/sh
# check.sh — placed check: the build tree's plugins, rules files checked
# against their schemes with file, line and column, --classify.
. "$TOP_SRCDIR/tests/integration/lib.sh"

# The build tree's placed loads the build tree's plugins; the shipped
# rules (here named with --rules, since the working directory is $T)
# have every code in its scheme.
expect_exit 0 "$PLACED" check --rules "$TOP_SRCDIR/etc/rules"
contains "$T/out" "host ABI 1.1"
contains "$T/out" "plugin cofog 1.0 (ABI 1.1)"
contains "$T/out" "scheme cofog: UN Classification of the Functions of Government (1999), 188 codes, field cofog"
contains "$T/out" "plugin cipfa 1.0 (ABI 1.1)"
contains "$T/out" "scheme wales:"
contains "$T/out" "4 codes, field prevention"
contains "$T/out" "5 codes, fills no field (provisional)"
contains "$T/out" "0 refused"
contains "$T/out" "/cofog.rules: "
contains "$T/out" "/prevention.rules: "
contains "$T/out" "rules, every code known"

# A code its scheme lacks and a bad pattern: each named with file, line
# and column; check fails.
mkdir "$T/bad"
printf '# comment\ncofog service /(?i)x/ 07.9.9\n' >"$T/bad/a.rules"
printf 'wales service /[/ primary\n' >"$T/bad/b.rules"
printf 'wales service /y/ primary 60%%, secondary 30%%\n' >"$T/bad/c.rules"
expect_exit 1 "$PLACED" check --rules "$T/bad"
contains "$T/out" "$T/bad/a.rules:2:23: unknown cofog code \"07.9.9\""
contains "$T/out" "$T/bad/b.rules:1:17: bad pattern: missing terminating ] for character class"
contains "$T/out" "$T/bad/c.rules:1:27: shares sum to 90%, not 100%"

# A rules directory asked for and missing fails.  With no config and no
# ./etc/rules, the build tree's placed reads the tree's rules; a config's
# own rules directory (beside it) missing only says so.
expect_exit 1 "$PLACED" check --rules "$T/nowhere"
expect_exit 0 "$PLACED" check
contains "$T/out" "rules $TOP_SRCDIR/etc/rules/cofog.rules: "
printf '# defaults only\n' >"$T/c.conf"
expect_exit 0 "$PLACED" check -c "$T/c.conf"
contains "$T/out" "rules: $T/rules: No such file or directory"

# --classify runs every classifier of a kind on one record.
expect_exit 0 "$PLACED" check --rules "$TOP_SRCDIR/etc/rules" \
    --classify spend cofog=0721
contains "$T/out" "classify spend: cofog: 07.2.1 100.00%"
expect_exit 1 "$PLACED" check --rules "$TOP_SRCDIR/etc/rules" \
    --classify spend cofog=07.9.9
contains "$T/out" "plugin \"cofog\": unknown COFOG code \"07.9.9\""

# A plugin directory with nothing in it: no plugins, still fine.
mkdir "$T/empty"
expect_exit 0 "$PLACED" check --plugins "$T/empty" --rules "$T/empty"
contains "$T/out" "0 plugins loaded, 0 refused"

# A plugin's PQL function: called by its dotted name (once per distinct
# argument); its error fails the query, naming the plugin.
TP=$(dirname "$PLACED")/tests/plugins/.libs
printf 'date,org,amount\n2025-04-01,ab,1.00\n2025-04-02,ab,2.00\n' >"$T/q.csv"
expect_exit 0 "$PLACED" load spend --no-classify --db "$T/q.db" "$T/q.csv"
expect_exit 0 "$PLACED" query --db "$T/q.db" --plugins "$TP" --format csv \
    'spend | select org, x = abigood.twice(org)'
contains "$T/out" "ab,abab"
expect_exit 1 "$PLACED" query --db "$T/q.db" --plugins "$TP" \
    'spend | select y = abiclassfail.fail(org)'
contains "$T/err" 'plugin "abi-classfail": abiclassfail.fail(): cannot do "ab"'
expect_exit 1 "$PLACED" query --db "$T/q.db" --plugins "$TP" \
    'spend | select y = abigood.twice(org, org)'
contains "$T/err" "abigood.twice() takes 1 argument"
finish
