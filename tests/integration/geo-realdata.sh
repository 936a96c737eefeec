#!/bin/sh
# geo-realdata.sh — placed load geo over every ONS lookup file in the
# shared data: the codes per level placed reports must be the ones a
# plain python csv reading of the same files finds, Hyndburn must sit in
# Lancashire and the North West with Lancashire's police and fire, and
# every LSOA must roll up to the region its ward lies in.
. "$TOP_SRCDIR/tests/integration/lib.sh"

[ -n "${SHARED_DATA:-}" ] || skip "no real data: \$SHARED_DATA is not set"
ONS=$SHARED_DATA/ons_geography_lookups
[ -d "$ONS" ] || skip "no real data: $ONS is absent"
need_python

# Codes per level, found independently: every column named PREFIX, two
# digits, CD; a code named at several levels counts at its finest.
cat >"$T/levels.py" <<'EOF2'
import csv, re, sys
prefixes = {"LSOA": "lsoa", "MSOA": "msoa", "WD": "ward", "LAD": "lad",
            "LTLA": "lad", "CTY": "county", "CTYUA": "county",
            "UTLA": "county", "RGN": "region", "CTRY": "country",
            "PFA": "pfa", "FRA": "fra", "CSP": "csp", "CCG": "ccg",
            "STP": "stp", "CAUTH": "cauth"}
fine = ["lsoa", "msoa", "ward", "lad", "csp", "ccg", "county", "cauth",
        "stp", "pfa", "fra", "region", "country"]
pat = re.compile(r"^([A-Z]+)[0-9]{2}CD$", re.I)
level = {}
for path in sys.argv[1:]:
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = csv.reader(f)
        hdr = next(rows)
        cols = []
        for i, h in enumerate(hdr):
            m = pat.match(h.strip())
            if m and m.group(1).upper() in prefixes:
                cols.append((i, prefixes[m.group(1).upper()]))
        for r in rows:
            for i, lv in cols:
                c = r[i].strip() if i < len(r) else ""
                if c and (c not in level or
                          fine.index(lv) < fine.index(level[c])):
                    level[c] = lv
count = {}
for lv in level.values():
    count[lv] = count.get(lv, 0) + 1
print(", ".join("%s %s" % (lv, format(count[lv], ",")) for lv in
      ["lsoa", "msoa", "ward", "lad", "county", "region", "country", "pfa",
       "fra", "csp", "ccg", "stp", "cauth"] if lv in count))
EOF2

# Every LSOA of the LSOA → ward file as a spend line, and how many lie
# in each region (through the ward file) and in Lancashire (through the
# district → county file).
cat >"$T/lsoas.py" <<'EOF2'
import csv, sys
ons, out = sys.argv[1], sys.argv[2]
def rows(name):
    with open("%s/%s" % (ons, name), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))
ward_rgn = {r["WD19CD"]: r["RGN19CD"] for r in
            rows("165__WD19_LAD19_CTY19_RGN_CTRY_Dec2019.csv")}
lad_cty = {r["LAD20CD"]: r["CTY20CD"] for r in
           rows("030__LAD20_to_CTY20_Apr2020.csv")}
lsoa = rows("135__LSOA11_to_WD19_LAD19.csv")
by_rgn, lancs = {}, 0
with open(out, "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["date", "org", "supplier", "amount", "place"])
    for r in lsoa:
        w.writerow(["2020-04-01", "x", "y", "1", r["LSOA11CD"]])
        g = ward_rgn.get(r["WD19CD"], "")
        by_rgn[g] = by_rgn.get(g, 0) + 1
        lancs += lad_cty.get(r["LAD19CD"]) == "E10000017"
for g in sorted(by_rgn):     # no region (Wales) first, as placed sorts
    print("%s,%d" % (g, by_rgn[g]))
print("lancashire,%d" % lancs)
EOF2

run "$PLACED" load geo "$ONS"/*.csv
[ "$RC" = 0 ] || die "load geo failed: $(cat "$T/err")"
cat "$T/out"
contains "$T/out" "0 rejected"
grep '^geo: lsoa ' "$T/out" | sed 's/^geo: //' >"$T/placed.levels"
python3 "$T/levels.py" "$ONS"/*.csv >"$T/python.levels"
same_file "$T/python.levels" "$T/placed.levels"

# Hyndburn, one of its LSOAs and wards, and Lancashire's police force.
cat >"$T/hyndburn.csv" <<'EOF2'
date,org,supplier,amount,place
2020-04-01,Hyndburn,district,1,E07000120
2020-04-01,Hyndburn,lsoa,1,E01025084
2020-04-01,Hyndburn,ward,1,E05005221
2020-04-01,Police,pfa,1,E23000003
EOF2
run "$PLACED" load spend "$T/hyndburn.csv" --no-classify
[ "$RC" = 0 ] || die "load spend failed: $(cat "$T/err")"
run "$PLACED" query --format csv 'spend | select supplier, place.lsoa, place.ward, place.lad, place.county, place.region, place.pfa, place.fra, place.name'
cat "$T/out"
cat >"$T/want" <<'EOF2'
supplier,place.lsoa,place.ward,place.lad,place.county,place.region,place.pfa,place.fra,place.name
district,,,E07000120,E10000017,E12000002,E23000003,E31000023,Hyndburn
lsoa,E01025084,E05005221,E07000120,E10000017,E12000002,E23000003,E31000023,Hyndburn 006G
ward,,E05005221,E07000120,E10000017,E12000002,E23000003,E31000023,Spring Hill
pfa,,,,,,E23000003,,Lancashire
EOF2
same_file "$T/want" "$T/out"
for area in E07000120 E10000017 E12000002 E23000003 E31000023; do
	run "$PLACED" query --format csv "spend | where place within \"$area\" and supplier != \"pfa\" | group (n = count())"
	printf 'n\n3\n' >"$T/want"
	same_file "$T/want" "$T/out"
done

# Every LSOA rolled up to its region; and Lancashire's.
python3 "$T/lsoas.py" "$ONS" "$T/lsoas.csv" >"$T/python.rollup"
run "$PLACED" load spend "$T/lsoas.csv" --no-classify --quiet
[ "$RC" = 0 ] || die "load spend failed: $(cat "$T/err")"
run "$PLACED" query --format csv 'spend | where supplier == "y" | group place.region (n = count()) | sort place.region'
tail -n +2 "$T/out" >"$T/placed.rollup"
run "$PLACED" query --format csv 'spend | where supplier == "y" and place within "E10000017" | group (n = count())'
echo "lancashire,$(tail -n 1 "$T/out")" >>"$T/placed.rollup"
cat "$T/placed.rollup"
same_file "$T/python.rollup" "$T/placed.rollup"

finish
