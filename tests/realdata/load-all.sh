#!/bin/sh
# load-all.sh — the real-data tier (make check-realdata): every file in
# ../shared/data loads as a council analyst would load it, with no
# hand-editing, and every unit of it is accounted for: accepted +
# rejected + skipped = the rows (or grants, services) of the file, counted
# independently by count.py.  Skipped, with a message, when there is no
# real data.
. "$TOP_SRCDIR/tests/integration/lib.sh"

D=${SHARED_DATA:-}
if [ -z "$D" ] || [ ! -d "$D" ]; then
	echo "load-all: no real data (SHARED_DATA='$D'): skipped"
	exit 0
fi
COUNT="python3 $TOP_SRCDIR/tests/realdata/count.py"
P=$TOP_SRCDIR/etc/profiles
expect_exit 0 "$PLACED" key init || die "placed key init failed"
files=0 units=0 accepted=0 rejected=0 skipped=0

# account UNITS-PER-RECORD KIND COUNTKIND FILE [load options...]: load FILE
# and check the identity; a file every line of which was rejected is
# accounted for by its rejects file.
account()
{
	_per=$1 _kind=$2 _ck=$3 _f=$4
	shift 4
	_want=$($COUNT "$_ck" "$_f") || { fail "cannot count $_f"; return; }
	run "$PLACED" load "$_kind" --rejects "$T/rej.csv" "$@" "$_f"
	if [ "$RC" -ne 0 ] && ! grep -q "every line was rejected" "$T/err"; then
		fail "$_f did not load: $(cat "$T/err")"
		return
	fi
	_got=$(python3 - "$T/out" "$T/rej.csv" "$_per" "$RC" <<'EOP'
import csv, re, sys
out, rej, per, rc = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
t = open(out).read().replace(",", "")
m = re.search(r"(\d+) rows? accepted (\d+) rejected(?: (\d+) skipped)?", t)
a, r, s = (int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)) if m else (0, 0, 0)
if rc != "0":		# every line rejected: the rejects file has them
    r = sum(1 for _ in csv.reader(open(rej, newline=""))) - 1
    m = None
print(a, r, s, (a + r) // per + s if (a + r) % per == 0 else -1)
EOP
)
	set -- $_got
	files=$((files + 1)) units=$((units + _want))
	accepted=$((accepted + $1)) rejected=$((rejected + $2))
	skipped=$((skipped + $3))
	[ "$4" -eq "$_want" ] ||
	    fail "$(basename "$_f"): $1 accepted + $2 rejected + $3 skipped is not the $_want units of the file"
}

for f in "$D"/hyndburn_bc_spend_over250/*.csv; do
	account 1 spend csv "$f" --format transparency --org hyndburn
done
for f in "$D"/oxford_city_council_over500/*.csv; do
	account 1 spend csv "$f" --format transparency --org oxford-city
done
find "$D"/lambeth_council_payments_2011_12 -name '*.csv' | sort >"$T/lambeth"
while IFS= read -r f; do
	case $f in */locations/*) continue ;; esac	# addresses, not spend
	account 1 spend csv "$f" --format transparency --org lambeth
done <"$T/lambeth"
# One folder per NHS body (its ODS-like code): the body is the org.
find "$D"/nhs_london_spend_over25k_2020_21 -name '*.csv' | sort >"$T/nhs"
while IFS= read -r f; do
	b=$(basename "$(dirname "$f")")
	account 1 spend csv "$f" --format transparency --org "nhs-$b"
done <"$T/nhs"
for f in "$D"/lancashire_pcc_spend/*.xlsx; do
	account 1 spend xlsx "$f" --format xlsx --org lancashire-police
done
for f in "$D"/lancashire_fire_spend/*.xlsx; do
	account 1 spend xlsx "$f" --format xlsx --org lancashire-fire
done
for f in "$D"/360giving_grants_json/*.json; do
	account 1 spend 360giving "$f" --format 360giving
done
for f in "$D"/openreferral_uk_service_directories/*.json; do
	account 1 service oruk "$f" --format oruk
done
for f in "$D"/nhs_ae_attendances_monthly/*.csv; do
	account 3 outcome csv "$f" --profile "$P/ae-attendances.profile"
done
account 1 outcome csv "$D/oflog_adult_social_care_outcomes/ASC_data.csv" \
    --profile "$P/asc-outcomes.profile"
account 1 activity csv "$D/nhs_artificial_hes_apc/artificial_hes_apc_0102.csv" \
    --profile "$P/hes-apc.profile"

# The ONS lookups: every data row read (rows + rejected = the files' rows,
# less their header lines).
want=0
for f in "$D"/ons_geography_lookups/*.csv; do
	want=$((want + $($COUNT csv "$f") - 1))
	files=$((files + 1))
done
if expect_exit 0 "$PLACED" load geo "$D"/ons_geography_lookups/*.csv; then
	got=$(sed -n 's/^geo: [0-9]* files, \([0-9,]*\) rows, \([0-9,]*\) rejected.*/\1 \2/p' \
	    "$T/out" | tr -d ,)
	set -- $got
	[ "${1:-0}" -eq "$want" ] ||
	    fail "geo: ${1:-?} rows read, the lookups have $want"
	[ "${2:-1}" -eq 0 ] || fail "geo: ${2:-?} rows rejected"
	units=$((units + want)) accepted=$((accepted + ${1:-0}))
fi

say "load-all: $files files, $units units: $accepted records accepted, $rejected rejected, $skipped lines skipped"
finish
