#!/usr/bin/env python3
"""PQL against SQL: the same records in placed and in SQLite, the same
questions asked both ways, and the tables must be identical.

The data is generated here (deterministic), loaded into a fresh placed
database and an in-memory SQLite one (Python's sqlite3 module), and each
pair below is run.  Money is integer pence on both sides, so any
difference is a real one, never float noise.
"""
import csv
import os
import random
import sqlite3
import subprocess
import sys
import tempfile

PLACED = os.environ.get("PLACED", "placed")

ORGS = ["council", "acute", "icb", "fire", "police"]
SERVICES = ["Falls", "Housing", "Reablement", "ED", "Home safety",
            "Social work", "Grants", "Transport"]
SUPPLIERS = ["Acme Ltd", "Beta plc", "Care, Co", "Delta \"D\" Ltd",
             "Echo LLP", "Foxtrot", "Golf Group", "Hotel Homes"]
DESCS = ["Agency nurse", "Locum cover", "repairs", "grant payment",
         "AGENCY social worker", "equipment", "training", "rent"]
PLACES = ["P1", "P2", "P3", "P4", "P5", "P6"]
COHORTS = ["65+", "18-64", "0-17", ""]


def pounds(p):
    s = "-" if p < 0 else ""
    p = abs(p)
    return "%s%d.%02d" % (s, p // 100, p % 100)


def make_rows(n=140000, seed=7):
    r = random.Random(seed)
    rows = []
    for _ in range(n):
        y = r.choice([2023, 2024, 2025, 2026])
        rows.append({
            "date": "%04d-%02d-%02d" % (y, r.randint(1, 12), r.randint(1, 28)),
            "org": r.choice(ORGS), "service": r.choice(SERVICES),
            "supplier": r.choice(SUPPLIERS), "description": r.choice(DESCS),
            "amount": r.randint(-50000, 5000000), "place": r.choice(PLACES),
            "cohort": r.choice(COHORTS),
        })
    return rows


# (PQL, SQL, column kinds: s string, m money, i integer)
PAIRS = [
    ("spend | group org (t = sum(amount)) | sort org",
     "select org, sum(amount) from spend group by org order by org", "sm"),
    ("spend | group org (n = count()) | sort org",
     "select org, count(*) from spend group by org order by org", "si"),
    ("spend | group org, service (t = sum(amount), n = count()) | sort org, service",
     "select org, service, sum(amount), count(*) from spend group by org, service order by org, service", "ssmi"),
    ("spend | group place (lo = min(amount), hi = max(amount)) | sort place",
     "select place, min(amount), max(amount) from spend group by place order by place", "smm"),
    ("spend | group org (s = count_distinct(supplier)) | sort org",
     "select org, count(distinct supplier) from spend group by org order by org", "si"),
    ("spend | where amount > 10000 | group org (n = count()) | sort org",
     "select org, count(*) from spend where amount > 1000000 group by org order by org", "si"),
    ("spend | where amount < 0 | group (n = count(), t = sum(amount))",
     "select count(*), sum(amount) from spend where amount < 0", "im"),
    ("spend | where amount <= £100 | group (n = count())",
     "select count(*) from spend where amount <= 10000", "i"),
    ("spend | where amount >= £1k and amount < £2k | group (n = count())",
     "select count(*) from spend where amount >= 100000 and amount < 200000", "i"),
    ("spend | where org == \"fire\" | group service (t = sum(amount)) | sort service",
     "select service, sum(amount) from spend where org = 'fire' group by service order by service", "sm"),
    ("spend | where org != \"fire\" | group (n = count())",
     "select count(*) from spend where org <> 'fire'", "i"),
    ("spend | where org in (\"fire\", \"police\") | group org (n = count()) | sort org",
     "select org, count(*) from spend where org in ('fire','police') group by org order by org", "si"),
    ("spend | where not (org in (\"fire\", \"police\")) | group (n = count())",
     "select count(*) from spend where org not in ('fire','police')", "i"),
    ("spend | where date in fy2024 | group (n = count(), t = sum(amount))",
     "select count(*), sum(amount) from spend where date between '2024-04-01' and '2025-03-31'", "im"),
    ("spend | where date in fy2025q3 | group (n = count())",
     "select count(*) from spend where date between '2025-10-01' and '2025-12-31'", "i"),
    ("spend | where date in fy2024q4 | group (n = count())",
     "select count(*) from spend where date between '2025-01-01' and '2025-03-31'", "i"),
    ("spend | where date >= 2025-01-01 and date < 2025-02-01 | group (n = count())",
     "select count(*) from spend where date >= '2025-01-01' and date < '2025-02-01'", "i"),
    ("spend | where date between 2024-06-01 and 2024-06-30 | group org (n = count()) | sort org",
     "select org, count(*) from spend where date between '2024-06-01' and '2024-06-30' group by org order by org", "si"),
    ("spend | where description ~ \"(?i)agency|locum\" | group org (t = sum(amount)) | sort org",
     "select org, sum(amount) from spend where lower(description) like '%agency%' or lower(description) like '%locum%' group by org order by org", "sm"),
    ("spend | where description ~ \"^rep\" | group (n = count())",
     "select count(*) from spend where description like 'rep%'", "i"),
    ("spend | where supplier ~ \",\" | group supplier (n = count())",
     "select supplier, count(*) from spend where supplier like '%,%' group by supplier", "si"),
    ("spend | where cohort == \"65+\" | group place (n = count()) | sort place",
     "select place, count(*) from spend where cohort = '65+' group by place order by place", "si"),
    ("spend | group cohort (n = count()) | sort cohort",
     "select nullif(cohort, ''), count(*) from spend group by nullif(cohort, '') order by nullif(cohort, '')", "si"),
    ("spend | group month(date) (n = count()) | sort month",
     "select substr(date, 1, 7), count(*) from spend group by 1 order by 1", "si"),
    ("spend | group org (t = sum(amount)) | sort -t | take 3",
     "select org, sum(amount) t from spend group by org order by t desc limit 3", "sm"),
    ("spend | group org (t = sum(amount)) | sort -t | take 2 offset 1",
     "select org, sum(amount) t from spend group by org order by t desc limit 2 offset 1", "sm"),
    ("spend | sort -amount, date | take 5 | select date, org, amount",
     "select date, org, amount from spend order by amount desc, date limit 5", "ssm"),
    ("spend | sort amount, date, org, supplier | take 4 | select amount, supplier",
     "select amount, supplier from spend order by amount, date, org, supplier limit 4", "ms"),
    ("spend | where org == \"icb\" and place == \"P3\" | select date, amount | sort date, amount",
     "select date, amount from spend where org = 'icb' and place = 'P3' order by date, amount", "sm"),
    ("spend | where org == \"icb\" or place == \"P3\" | group (n = count())",
     "select count(*) from spend where org = 'icb' or place = 'P3'", "i"),
    ("spend | derive double = amount * 2 | group (t = sum(double))",
     "select sum(amount * 2) from spend", "m"),
    ("spend | derive net = amount - £10 | group org (t = sum(net)) | sort org",
     "select org, sum(amount - 1000) from spend group by org order by org", "sm"),
    ("spend | group place, org (t = sum(amount)) | where t > 1000000 | sort place, org",
     "select place, org, sum(amount) t from spend group by place, org having t > 100000000 order by place, org", "ssm"),
    ("spend | group supplier (n = count()) | where n >= 17500 | sort supplier",
     "select supplier, count(*) n from spend group by supplier having n >= 17500 order by supplier", "si"),
    ("spend | group org (t = sum(amount)) | group (n = count(), total = sum(t))",
     "select count(*), sum(t) from (select org, sum(amount) t from spend group by org)", "im"),
    ("spend | where date in fy2023 | group service (t = sum(amount)) | sort -t, service | take 3",
     "select service, sum(amount) t from spend where date between '2023-04-01' and '2024-03-31' group by service order by t desc, service limit 3", "sm"),
    ("spend | group (hi = max(date), lo = min(date))",
     "select max(date), min(date) from spend", "ss"),
    ("spend | where amount == 0 | group (n = count())",
     "select count(*) from spend where amount = 0", "i"),
    ("spend | where -amount > 0 | group (n = count())",
     "select count(*) from spend where -amount > 0", "i"),
    ("spend | select org, supplier | where supplier == \"Delta \\\"D\\\" Ltd\" | group org (n = count()) | sort org",
     "select org, count(*) from spend where supplier = 'Delta \"D\" Ltd' group by org order by org", "si"),
    ("spend | group org, cohort (n = count(), s = count_distinct(place)) | sort org, cohort",
     "select org, nullif(cohort,''), count(*), count(distinct place) from spend group by org, nullif(cohort,'') order by org, nullif(cohort,'')", "ssii"),
]


def sql_table(db, sql, kinds):
    out = []
    for row in db.execute(sql):
        cells = []
        for v, k in zip(row, kinds):
            if v is None or v == "":
                cells.append("")
            elif k == "m":
                cells.append(pounds(int(v)))
            else:
                cells.append(str(v))
        out.append(cells)
    return out


def main():
    rows = make_rows()
    bad = 0
    with tempfile.TemporaryDirectory(prefix="pqldiff-") as tmp:
        path = os.path.join(tmp, "spend.csv")
        with open(path, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["date", "org", "service", "supplier", "description",
                        "amount", "place", "cohort"])
            for r in rows:
                w.writerow([r["date"], r["org"], r["service"], r["supplier"],
                            r["description"], pounds(r["amount"]), r["place"],
                            r["cohort"]])
        db = os.path.join(tmp, "db")
        subprocess.run([PLACED, "load", "spend", path, "--db", db, "--quiet",
                        "--strict"], check=True)
        sq = sqlite3.connect(":memory:")
        sq.execute("create table spend (date text, org text, service text, "
                   "supplier text, description text, amount integer, "
                   "place text, cohort text)")
        sq.executemany("insert into spend values (?,?,?,?,?,?,?,?)",
                       [(r["date"], r["org"], r["service"], r["supplier"],
                         r["description"], r["amount"], r["place"],
                         r["cohort"]) for r in rows])
        for pql, sql, kinds in PAIRS:
            p = subprocess.run([PLACED, "query", "--db", db, "--format",
                                "csv", pql], capture_output=True, text=True)
            if p.returncode != 0:
                print("FAIL %s\n  placed: %s" % (pql, p.stderr.strip()))
                bad += 1
                continue
            got = list(csv.reader(p.stdout.splitlines()))[1:]
            want = sql_table(sq, sql, kinds)
            if got != want:
                bad += 1
                print("FAIL %s\n  %s\n  placed: %s\n  sqlite: %s" %
                      (pql, sql, got[:5], want[:5]))
    print("%d of %d queries agree with SQLite" % (len(PAIRS) - bad,
                                                   len(PAIRS)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
