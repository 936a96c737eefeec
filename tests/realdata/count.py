#!/usr/bin/env python3
"""count.py KIND FILE — the units of a real file that placed must account
for, counted independently of placed: CSV rows (python's csv module over
the bytes as Latin-1, which keeps every row boundary whatever the
encoding; blank rows count), .xlsx rows (every <row> of every sheet),
360Giving grants, Open Referral UK services."""
import csv
import io
import json
import re
import sys
import zipfile

kind, path = sys.argv[1], sys.argv[2]
if kind == "csv":
    with open(path, "rb") as f:
        text = f.read().decode("latin-1")
    if text.startswith("\xef\xbb\xbf"):
        text = text[3:]
    print(sum(1 for _ in csv.reader(io.StringIO(text, newline=""))))
elif kind == "xlsx":
    z = zipfile.ZipFile(path)
    n = 0
    for name in z.namelist():
        if re.match(r"xl/worksheets/sheet\d+\.xml$", name):
            n += len(re.findall(rb"<row[ >]", z.read(name)))
    print(n)
elif kind == "360giving":
    print(len(json.load(open(path, encoding="utf-8-sig"))["grants"]))
elif kind == "oruk":
    d = json.load(open(path, encoding="utf-8-sig"))
    if isinstance(d, dict):
        d = d.get("content") or d.get("items") or d.get("services") or []
    print(len(d))
else:
    sys.exit("count.py: unknown kind " + kind)
