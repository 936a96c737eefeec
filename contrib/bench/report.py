#!/usr/bin/env python3
"""report.py — contrib/bench/run's tables: median, min, max and the ratio
to placed per system and workload, from the harness's TSV of timings.

usage: report.py RESULTS.tsv NOTES.txt  (markdown on stdout)
TSV lines: size workload system run seconds rss_kb   (one per timed run)
       or: size workload system - value unit        (a single figure, e.g. wrk)
"""
import statistics
import sys
from collections import OrderedDict

rows = OrderedDict()
single = OrderedDict()
for line in open(sys.argv[1]):
    f = line.rstrip('\n').split('\t')
    if len(f) < 6:
        continue
    size, w, s, r, v, u = f[:6]
    if r == '-':
        single.setdefault((size, w), []).append((s, v, u))
    else:
        rows.setdefault((size, w), OrderedDict()).setdefault(s, []).append(
            (float(v), int(u) if u.isdigit() else 0))

print(open(sys.argv[2]).read())


def fmt(x):
    if x < 0.001:
        return f'{x * 1e6:.0f} µs'
    return f'{x * 1000:.1f} ms' if x < 1 else f'{x:.2f} s'


for (size, w), systems in rows.items():
    print(f'\n### {w} — {int(size):,} rows\n')
    print('| system | median | min | max | ratio to placed | peak RSS |')
    print('|---|---:|---:|---:|---:|---:|')
    base = systems.get('placed')
    bmed = statistics.median(t for t, _ in base) if base else None
    for s, v in systems.items():
        ts = [t for t, _ in v]
        med = statistics.median(ts)
        rss = max(k for _, k in v)
        ratio = f'{med / bmed:.2f}×' if bmed else '—'
        print(f'| {s} | {fmt(med)} | {fmt(min(ts))} | {fmt(max(ts))} | '
              f'{ratio} | {rss / 1024:.0f} MB |' if rss else
              f'| {s} | {fmt(med)} | {fmt(min(ts))} | {fmt(max(ts))} | {ratio} | — |')
    for s, v, u in single.pop((size, w), []):
        print(f'| {s} | {v} {u} | | | | |')
for (size, w), v in single.items():
    print(f'\n### {w} — {int(size):,} rows\n')
    print('| system | figure |')
    print('|---|---|')
    for s, val, u in v:
        print(f'| {s} | {val} {u} |')
