#!/bin/sh
# questions.sh — every saved question in etc/questions runs against the
# Chigley demo and answers with at least one row; parameters change the
# answers; bad parameters and bad files are refused by name.
. "$TOP_SRCDIR/tests/integration/lib.sh"

QDIR=$TOP_SRCDIR/etc/questions

expect_exit 0 "$PLACED" key init || die "placed key init failed"
expect_exit 0 "$PLACED" demo --people 2000 --seed 1 || die "no demo"

ls "$QDIR"/*.pql >/dev/null 2>&1 || die "no questions in $QDIR"

# 1. --list names every file, once.
expect_exit 0 "$PLACED" ask --list --questions "$QDIR" --format csv
cp "$T/out" "$T/list"
nfiles=0
for f in "$QDIR"/*.pql; do
	n=$(basename "$f" .pql)
	nfiles=$((nfiles + 1))
	[ "$(grep -c "^$n," "$T/list")" -eq 1 ] ||
	    fail "ask --list does not list $n once"
	# ... and the questions README maps it to a handbook row.
	grep -q "\`$n\`" "$QDIR/README.md" ||
	    fail "etc/questions/README.md does not mention $n"
	# ... and make install and make dist carry it.
	grep -q "etc/questions/$n.pql" "$TOP_SRCDIR/Makefile.am" ||
	    fail "Makefile.am's dist_questions_DATA lacks $n.pql"
done
nlist=$(($(wc -l <"$T/list") - 1))
[ "$nlist" -eq "$nfiles" ] || fail "ask --list: $nlist rows, $nfiles files"
say "questions: $nfiles saved questions"

# 2. Every question, with its defaults: exit 0 and at least one row.
for f in "$QDIR"/*.pql; do
	n=$(basename "$f" .pql)
	expect_exit 0 "$PLACED" ask "$n" --questions "$QDIR" --format csv ||
	    continue
	rows=$(($(wc -l <"$T/out") - 1))
	[ "$rows" -ge 1 ] || fail "$n: no rows"
	say "questions: $n: $rows rows"
done

# 3. Parameters change the answers.
differs()
{
	# differs NAME [NAME=VALUE...]: the answer differs from the default's.
	_n=$1
	shift
	expect_exit 0 "$PLACED" ask "$_n" --questions "$QDIR" --format csv ||
	    return
	cp "$T/out" "$T/default.csv"
	expect_exit 0 "$PLACED" ask "$_n" --questions "$QDIR" --format csv "$@" ||
	    return
	[ "$(wc -l <"$T/out")" -ge 2 ] || fail "$_n $*: no rows"
	cmp -s "$T/default.csv" "$T/out" &&
	    fail "$_n $*: the same answer as with the defaults"
}
differs service-use-frequency place=CHG-AG
differs service-use-frequency period=fy2023q1
differs duplication-assessments within=7d
differs journeys-from-service "from=Falls call-outs"
differs demand-trend "need=home safety"

# Ramstone alone, and only Ramstone.
expect_exit 0 "$PLACED" ask activity-behind-spend --questions "$QDIR" \
    --format csv place=CHG-RS period=fy2024
cp "$T/out" "$T/rs.csv"
expect_exit 0 "$PLACED" ask activity-behind-spend --questions "$QDIR" \
    --format csv period=fy2024
cmp -s "$T/rs.csv" "$T/out" && fail "place=CHG-RS changed nothing"
# top=3: three people.
expect_exit 0 "$PLACED" ask accumulation-people --questions "$QDIR" \
    --format csv top=3
[ "$(($(wc -l <"$T/out") - 1))" -eq 3 ] ||
    fail "accumulation-people top=3 gave $(($(wc -l <"$T/out") - 1)) rows"
# The default window of 30 days finds the README's 98 people.
expect_exit 0 "$PLACED" ask duplication-assessments --questions "$QDIR" \
    --format csv
contains "$T/out" "falls,Community falls service,Falls assessment (council OT),98,"
# From another service: its moves, none from the emergency department.
expect_exit 0 "$PLACED" ask journeys-from-service --questions "$QDIR" \
    --format csv "from=Falls call-outs"
contains "$T/out" "Falls call-outs,Emergency department,"
lacks "$T/out" "Emergency department,Acute admissions"
# Ramstone's gap is there with the default year.
expect_exit 0 "$PLACED" ask gaps-falls-prevention --questions "$QDIR" \
    --format csv
grep -q '^CHG-RS,falls prevention,.*,gap$' "$T/out" ||
    fail "gaps-falls-prevention does not find Ramstone's gap"

# 4. Bad parameters: refused before any query runs, naming the parameter.
expect_exit 2 "$PLACED" ask service-use-frequency --questions "$QDIR" \
    period=2025
contains "$T/err" "parameter period: \"2025\" is not a period"
expect_exit 2 "$PLACED" ask service-use-frequency --questions "$QDIR" \
    plaec=CHG-RS
contains "$T/err" "unknown parameter \"plaec\" (it takes period, place)"
expect_exit 2 "$PLACED" ask duplication-assessments --questions "$QDIR" \
    within=30
contains "$T/err" "parameter within: \"30\" is not a number of days (30d)"
expect_exit 2 "$PLACED" ask accumulation-people --questions "$QDIR" top=1.5
contains "$T/err" "parameter top: \"1.5\" is not a whole number"
expect_exit 2 "$PLACED" ask data-quality-spend --questions "$QDIR" below=x
contains "$T/err" "parameter below: \"x\" is not a percentage"
expect_exit 1 "$PLACED" ask no-such-question --questions "$QDIR"
contains "$T/err" "no question \"no-such-question\""
expect_exit 2 "$PLACED" ask --questions "$QDIR"
expect_exit 2 "$PLACED" ask --list service-use-frequency --questions "$QDIR"

# 5. A required parameter, a bad file, the default directory.
mkdir "$T/q"
cat >"$T/q/need-year.pql" <<'EOF'
# title: Spend in a year
# handbook: What are we spending, and on which people or places?
# param year  period  required  The fiscal year
spend | where date in $year | group (total = sum(amount))
EOF
expect_exit 2 "$PLACED" ask need-year --questions "$T/q"
contains "$T/err" "parameter year is required (period: The fiscal year)"
expect_exit 0 "$PLACED" ask need-year --questions "$T/q" --format csv \
    year=fy2024
contains "$T/out" "total"
expect_exit 0 "$PLACED" ask --list --questions "$T/q" --format json
contains "$T/out" '"name":"need-year"'
contains "$T/out" '"required":true'
printf '# title: x\n# handbook: y\nspend | where place == $place\n' \
    >"$T/q/bad.pql"
expect_exit 1 "$PLACED" ask need-year --questions "$T/q" year=fy2024
contains "$T/err" "$T/q/bad.pql:3: column 24: \$place is not declared"
mkdir -p "$T/etc/questions"
cp "$T/q/need-year.pql" "$T/etc/questions/"
expect_exit 0 "$PLACED" ask need-year year=fy2025 --format csv

finish
