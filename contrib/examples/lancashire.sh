#!/usr/bin/env bash
# contrib/examples/lancashire.sh [DATA] — Total Place on real data: the
# Hyndburn / Lancashire cluster loaded end to end from what its partners
# publish (../shared/data by default), then the handbook's data questions
# asked of it.
#
#   contrib/examples/lancashire.sh            # a fresh database in a temp dir
#   WORK=/tmp/lancs contrib/examples/lancashire.sh   # keep it there
#
# Loads: the ONS lookups (the place hierarchy); Hyndburn Borough Council's
# spend over £250 (transparency CSVs); the Lancashire Police and Crime
# Commissioner's and Lancashire Fire and Rescue's spend (xlsx workbooks);
# Oflog's adult social care outcomes; NHS England's monthly A&E
# attendances.  Partners and transfers come from etc/partners, COFOG and
# prevention levels from the plugins and etc/rules.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
placed=${PLACED:-$top/placed}
data=${1:-$top/../shared/data}
work=${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/placed-lancs.XXXXXX")}
[ -x "$placed" ] || { echo "lancashire.sh: build placed first ($placed)" >&2; exit 1; }
[ -d "$data" ] || { echo "lancashire.sh: no data at $data" >&2; exit 1; }
mkdir -p "$work"
cd "$top"		# etc/partners, etc/rules, etc/profiles, etc/questions
export PLACED_DB=$work/placed.db PLACED_KEY=$work/placed.key
[ -f "$PLACED_KEY" ] || "$placed" key init >/dev/null

step() { printf '\n## %s\n\n' "$*"; }
q() { printf '$ placed query %s\n' "$1"; "$placed" query --format table "$1"; echo; }

step "Loading"
"$placed" load geo "$data"/ons_geography_lookups/*.csv | tail -n 2
n=0
for f in "$data"/hyndburn_bc_spend_over250/*.csv; do
	"$placed" load spend --quiet --format transparency --org hyndburn "$f"
	n=$((n + 1))
done
echo "hyndburn: $n files (transparency CSV)"
for f in "$data"/lancashire_pcc_spend/*.xlsx; do
	"$placed" load spend --quiet --format xlsx --org lancashire-police "$f"
done
echo "lancashire-police: $(ls "$data"/lancashire_pcc_spend/*.xlsx | wc -l) workbooks"
for f in "$data"/lancashire_fire_spend/*.xlsx; do
	"$placed" load spend --quiet --format xlsx --org lancashire-fire "$f"
done
echo "lancashire-fire: $(ls "$data"/lancashire_fire_spend/*.xlsx | wc -l) workbooks"
"$placed" load outcome --quiet --profile etc/profiles/asc-outcomes.profile \
    "$data"/oflog_adult_social_care_outcomes/ASC_data.csv
for f in "$data"/nhs_ae_attendances_monthly/*.csv; do
	"$placed" load outcome --quiet --profile etc/profiles/ae-attendances.profile "$f"
done
echo "outcomes: adult social care (Oflog), A&E attendances (NHS England)"

step "What are we spending, and on which people or places?"
q 'spend | where date in fy2023 and transfer != "yes" | group org (total = sum(amount), lines = count()) | sort -total'
q 'spend | where transfer == "yes" | group org, transfer_to (paid = sum(amount), lines = count()) | sort -paid'

step "Where does spend accumulate across the system?"
q 'spend | where date in fy2023 | accumulate by org | select subject, total, share'
q 'spend | where date in fy2023 | group cofog.division, cofog.title (total = sum(amount)) | sort -total | take 8'

step "Why is money being spent in this way? (prevention and response)"
q 'spend | where date in fy2023 | balance prevention by org'

step "How robust and usable is the data?"
q 'spend | quality | where field in ("date", "cofog") | group field (sources = count(), rows = sum(rows), worst_filled_pct = min(filled_pct))'

step "What is driving demand and cost? (outcomes for Lancashire)"
q 'outcome | where place within "E10000017" and unit == "ASC5" | select period_start, indicator, value | sort period_start'
q 'outcome | where place == "RXR" and indicator == "ae_attendances_type_1" | trend by fy'

step "Where are the places? (the ONS hierarchy)"
q 'outcome | where place within "E12000002" and unit == "ASC1" and period_start in fy2021 | group place, place.name, place.region (value = sum(value)) | sort -value | take 6'

step "Who is using services, how often, and how do they move between them?"
echo "Duplication of contacts, journeys, frequency and accumulation by person"
echo "need person-level activity, which no partner publishes: the handbook's"
echo "case for a data-sharing agreement.  placed answers them on the demo"
echo "(placed demo; placed ask --list) and on any partner's own records."
