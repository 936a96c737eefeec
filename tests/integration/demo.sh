#!/bin/sh
# demo.sh — placed demo loads Chigley: four live batches, repeatable,
# deterministic for a seed and key, holding what the falls questions need.
. "$TOP_SRCDIR/tests/integration/lib.sh"

SOURCES='chigley-activity chigley-spend chigley-outcomes chigley-services'

# The residents' ids are hashed too: no key, no demo.
expect_exit 1 "$PLACED" demo
contains "$T/err" "placed key init"

expect_exit 0 "$PLACED" key init || die "placed key init failed"

# 1. Four live batches, one per kind.
if expect_exit 0 "$PLACED" demo; then
	for s in $SOURCES; do
		contains "$T/out" "$s: batch"
	done
	contains "$T/out" "Chigley loaded into"
fi
batches
cp "$T/batches" "$T/batches.first"
for sk in chigley-activity,activity chigley-spend,spend \
    chigley-outcomes,outcome chigley-services,service; do
	n=$(grep -c "^[0-9]*,$sk,[1-9][0-9]*,0,live$" "$T/batches")
	[ "$n" -eq 1 ] || fail "want one live non-empty batch $sk, got $n"
done
n=$(wc -l <"$T/batches")
[ "$n" -eq 4 ] || fail "placed demo made $n batches, want 4"

# 2. Again: nothing changed, for all four; no batch added.
if expect_exit 0 "$PLACED" demo; then
	for s in $SOURCES; do
		contains "$T/out" "$s: same content as live batch"
	done
	n=$(grep -c "nothing changed" "$T/out")
	[ "$n" -eq 4 ] || fail "second demo: $n 'nothing changed' lines, want 4"
	lacks "$T/out" "loaded:"
fi
batches
same_file "$T/batches.first" "$T/batches"

for k in spend activity outcome service; do
	expect_exit 0 "$PLACED" dump "$k" || die "cannot dump $k"
	cp "$T/out" "$T/$k.csv"
	n=$(($(wc -l <"$T/$k.csv") - 1))
	[ "$n" -gt 0 ] || fail "the demo has no $k records"
done

# 3. Same seed and key: identical dumps; another seed: different ones.
expect_exit 0 "$PLACED" demo --db "$T/same.db" --seed 1
expect_exit 0 "$PLACED" demo --db "$T/seed2.db" --seed 2
for k in spend activity outcome service; do
	expect_exit 0 "$PLACED" dump "$k" --db "$T/same.db" &&
	    same_file "$T/$k.csv" "$T/out"
done
for k in spend activity; do
	expect_exit 0 "$PLACED" dump "$k" --db "$T/seed2.db"
	cmp -s "$T/$k.csv" "$T/out" && fail "seed 2 gave the same $k as seed 1"
done
# ... and another key gives other pseudonyms for the same residents
mkdir "$T/k2"
expect_exit 0 "$PLACED" key init --key "$T/k2/other.key"
expect_exit 0 "$PLACED" demo --db "$T/key2.db" --key "$T/k2/other.key"
expect_exit 0 "$PLACED" dump activity --db "$T/key2.db"
cmp -s "$T/activity.csv" "$T/out" &&
    fail "another key gave the same activity dump"

# 4. What the falls questions need.
# The activity dump's first fields are plain (only shares, after them, is
# quoted), so awk can split them.
awk -F, '{ for (i = 1; i <= 9; i++) if ($i ~ /"/) bad = 1 } END { exit bad }' \
    "$T/activity.csv" ||
	fail "activity dump has quoted fields; the awk checks below assume not"
# date,org,service,person,place,need,type,episode,cost, then classification
head -n 1 "$T/activity.csv" |
    grep -q -x 'date,org,service,person,place,need,type,episode,cost,cofog,prevention,shares,classified_by' ||
    fail "activity dump header changed: $(head -n 1 "$T/activity.csv")"
awk -F, '
function days(s,    y, m, d) {	# days from civil (Hinnant)
	y = substr(s, 1, 4) + 0; m = substr(s, 6, 2) + 0; d = substr(s, 9, 2) + 0
	if (m <= 2) y--
	era = int((y >= 0 ? y : y - 399) / 400)
	yoe = y - era * 400
	doy = int((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1
	doe = yoe * 365 + int(yoe / 4) - int(yoe / 100) + doy
	return era * 146097 + doe
}
NR > 1 && $3 == "Falls assessment (council OT)" { ot[$4] = ot[$4] " " days($1) }
NR > 1 && $3 == "Community falls service" { cfs[$4] = cfs[$4] " " days($1) }
END {
	for (p in ot) {
		if (!(p in cfs)) continue
		n = split(ot[p], a, " "); m = split(cfs[p], b, " ")
		for (i = 1; i <= n; i++) for (j = 1; j <= m; j++) {
			d = a[i] - b[j]; if (d < 0) d = -d
			if (d <= 30) { both++; break }
		}
	}
	print both + 0
	exit both == 0
}' "$T/activity.csv" >"$T/both" ||
    fail "no person has both a council OT falls assessment and a community" \
        "falls service contact within 30 days"
say "demo: $(cat "$T/both") people assessed twice within 30 days"
# Every person value is a pseudonym (or empty).
awk -F, 'NR > 1 && $4 != "" && $4 !~ /^[0-9a-f]+$/ { bad++ }
    NR > 1 && $4 != "" && length($4) != 32 { bad++ }
    END { exit bad > 0 }' "$T/activity.csv" ||
    fail "the activity dump has person values that are not pseudonyms"

# Services: strength and balance classes in Arden Grove, not in Ramstone.
# id,org,name,need,cohort,place,capacity,waiting
grep -q -x '[^,]*,[^,]*,Strength and balance classes,[^,]*,[^,]*,CHG-AG,.*' \
    "$T/service.csv" ||
    fail "no Strength and balance classes service in CHG-AG"
grep -q '^[^,]*,[^,]*,Strength and balance classes,[^,]*,[^,]*,CHG-RS,' \
    "$T/service.csv" &&
    fail "a Strength and balance classes service in CHG-RS (the gap)"

# Outcomes: falls_treated for both places.
# period_start,period_end,place,cohort,indicator,value,unit
for pl in CHG-AG CHG-RS; do
	grep -q "^[^,]*,[^,]*,$pl,[^,]*,falls_treated,[0-9]" "$T/outcome.csv" ||
	    fail "no falls_treated outcome for $pl"
done

# Spend: the total is positive, and the dump (summed by python) and a
# query (summed in the scan) agree to the penny.
head -n 1 "$T/spend.csv" | grep -q -x \
    'date,org,service,supplier,description,account,amount,place,cohort,person,funder,cofog,prevention,shares,classified_by,transfer,transfer_to' ||
    fail "spend dump header changed"
expect_exit 0 "$PLACED" query --format csv 'spend | group (t = sum(amount))'
total=$(sed -n 2p "$T/out")
say "demo: spend total $total"
st=$(csv_sum "$T/spend.csv" 7)
case $st in
-*|0.00|"")	fail "spend total (python) is not positive: $st" ;;
esac
[ "$st" = "$total" ] || fail "spend total: query says $total, python $st"

# Classification at load: every demo spend line gets a COFOG class and a
# prevention level from etc/rules, and says which rule gave it.
expect_exit 0 "$PLACED" query --format csv \
    'spend | where cofog == "" or prevention == "" | group (n = count())'
[ "$(sed -n 2p "$T/out")" = 0 ] || fail "unclassified demo spend: $(cat "$T/out")"
expect_exit 0 "$PLACED" query --format csv \
    'spend | where not classified_by ~ "^cofog: rule (bodies|cofog).rules:[0-9]+; prevention: rule prevention.rules:[0-9]+$" | group (n = count())'
[ "$(sed -n 2p "$T/out")" = 0 ] || fail "classified_by not from the rules: $(cat "$T/out")"

# 5. --people 200: works, and gives fewer rows.
expect_exit 0 "$PLACED" demo --db "$T/small.db" --people 200
contains "$T/out" "200 residents"
expect_exit 0 "$PLACED" dump activity --db "$T/small.db"
small=$(($(wc -l <"$T/out") - 1))
big=$(($(wc -l <"$T/activity.csv") - 1))
[ "$small" -gt 0 ] || fail "--people 200 gave no activity"
[ "$small" -lt "$big" ] ||
    fail "--people 200 gave $small activity rows, not fewer than $big"
expect_exit 0 "$PLACED" dump spend --db "$T/small.db"
small=$(($(wc -l <"$T/out") - 1))
big=$(($(wc -l <"$T/spend.csv") - 1))
[ "$small" -lt "$big" ] ||
    fail "--people 200 gave $small spend rows, not fewer than $big"

# 6. A rerun writes nothing: the data version stays where it was.
expect_exit 0 "$PLACED" batches --format json
v1=$(sed 's/.*"data_version":\([0-9]*\).*/\1/' "$T/out")
expect_exit 0 "$PLACED" demo
contains "$T/out" "nothing changed"
expect_exit 0 "$PLACED" batches --format json
v2=$(sed 's/.*"data_version":\([0-9]*\).*/\1/' "$T/out")
[ "$v1" = "$v2" ] || fail "a demo rerun moved the data version $v1 -> $v2"

# Another size replaces the demo in the same database; it never adds to it.
expect_exit 0 "$PLACED" demo --db "$T/re.db"
expect_exit 0 "$PLACED" demo --db "$T/re.db" --people 300
expect_exit 0 "$PLACED" batches --db "$T/re.db" --format csv
live=$(grep -c ',live,' "$T/out")
[ "$live" = 4 ] || fail "after a second demo size: $live live batches, not 4"

# Episode ids come from the pseudonym, never the resident's number.
expect_exit 0 "$PLACED" dump --format ndjson activity
grep -o '"episode":"[^"]*"' "$T/out" | sort -u >"$T/episodes"
[ -s "$T/episodes" ] || fail "the demo has no episodes"
if grep -Evq '^"episode":"F[0-9a-f]{8}-[0-9]+"$' "$T/episodes"; then
	fail "an episode id is not pseudonym-based: $(grep -Ev \
	    '^"episode":"F[0-9a-f]{8}-[0-9]+"$' "$T/episodes" | head -1)"
fi

# 7. The questions find what the demo holds.
# Ramstone has falls and no strength-and-balance class: the gap.
expect_exit 0 "$PLACED" query --format csv 'outcome
| where indicator == "falls_treated" and period_start in fy2025
| derive need = "falls prevention"
| gaps by place, need'
contains "$T/out" "CHG-RS,falls prevention,"
grep -q '^CHG-RS,falls prevention,.*,0,0,gap$' "$T/out" ||
    fail "Ramstone's falls-prevention gap is not found"
grep -q '^CHG-AG,falls prevention,.*,covered$' "$T/out" ||
    fail "Arden Grove's classes do not cover its need"
# The same person assessed by the council and the ICB within 30 days.
expect_exit 0 "$PLACED" query --format csv 'activity
| where type == "assessment"
| duplication contact on need within 30d'
grep -q '^falls,Community falls service,Falls assessment (council OT),' \
    "$T/out" || fail "no council/ICB falls assessment duplication"
# A few people carry much of the cost: the top 5% hold over a third.
expect_exit 0 "$PLACED" query --format csv 'activity
| accumulate by person | take 5% | group (s = sum(share))'
top=$(tail -1 "$T/out" | cut -d. -f1)
[ "${top:-0}" -gt 33 ] 2>/dev/null ||
    fail "the top 5% of people hold only $top% of contact cost"

# Bad values for --people and --seed are usage errors.
expect_exit 2 "$PLACED" demo --db "$T/bad.db" --people -5
expect_exit 2 "$PLACED" demo --db "$T/bad.db" --seed x1

finish
