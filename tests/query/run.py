#!/usr/bin/env python3
"""Data-driven PQL tests: each tests/query/*.test file is a little world.

A file holds blocks, each opened by a line starting with %%:

  %%DATA KIND [placed load options]   CSV records loaded as one batch
  %%QUERY [--param NAME=VALUE ...]     a PQL query (any number of lines)
  %%EXPECT                             its exact CSV output
  %%FAIL                               or its exact error (line, source, ^^^)

Lines before the first block are comments.
Each file gets a fresh database and key; run with the test names to run
only some.  Exit 0 when every query gives exactly what is expected.
"""
import os
import shlex
import subprocess
import sys
import tempfile

PLACED = os.environ.get("PLACED", "placed")
TOP = os.environ.get("TOP_SRCDIR", ".")
HERE = os.path.join(TOP, "tests", "query")


def blocks(path):
    cur = None
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.startswith("%%"):
                if cur:
                    yield cur
                word, _, rest = line[2:].rstrip("\n").partition(" ")
                cur = {"kind": word, "args": rest.strip(), "body": [],
                       "line": n}
            elif cur is None:
                continue    # comments before the first block
            else:
                cur["body"].append(line)
    if cur:
        yield cur


def text(block):
    return "".join(block["body"]).rstrip("\n")


def run_file(path):
    failures = 0
    name = os.path.basename(path)
    with tempfile.TemporaryDirectory(prefix="pql-") as tmp:
        db = os.path.join(tmp, "db")
        key = os.path.join(tmp, "key")
        subprocess.run([PLACED, "key", "init", "--key", key], check=True,
                       stdout=subprocess.DEVNULL)
        query = None
        ndata = 0
        for b in blocks(path):
            where = "%s:%d" % (name, b["line"])
            if b["kind"] == "DATA":
                args = shlex.split(b["args"])
                ndata += 1
                data = os.path.join(tmp, "data%d.csv" % ndata)
                with open(data, "w", encoding="utf-8") as f:
                    f.write(text(b) + "\n")
                p = subprocess.run([PLACED, "load", args[0], data, "--db", db,
                                    "--key", key, "--quiet", "--strict"] +
                                   args[1:], capture_output=True, text=True)
                if p.returncode != 0:
                    print("%s: loading failed:\n%s" % (where, p.stderr))
                    failures += 1
            elif b["kind"] == "QUERY":
                query = b
            elif b["kind"] in ("EXPECT", "FAIL"):
                if query is None:
                    print("%s: %%%%%s without a %%%%QUERY" % (where, b["kind"]))
                    failures += 1
                    continue
                p = subprocess.run([PLACED, "query", "--db", db, "--format",
                                    "csv"] + shlex.split(query["args"]) +
                                   [text(query)], capture_output=True,
                                   text=True)
                if b["kind"] == "EXPECT":
                    got, ok = p.stdout.rstrip("\n"), p.returncode == 0
                else:
                    got = p.stderr.rstrip("\n")
                    prefix = "placed: query: "
                    if got.startswith(prefix):
                        got = got[len(prefix):]
                    ok = p.returncode != 0
                want = text(b)
                if not ok or got != want:
                    failures += 1
                    print("%s: query at line %d gave:\n%s\n%s--- wanted:\n%s\n"
                          % (where, query["line"], got,
                             p.stderr if b["kind"] == "EXPECT" else "",
                             want))
                query = None
            else:
                print("%s: unknown block %%%%%s" % (where, b["kind"]))
                failures += 1
    return failures


def main():
    # make check names its files in $QUERY_TESTS; by hand, all or some.
    listed = [os.path.join(TOP, f) for f in
              os.environ.get("QUERY_TESTS", "").split()]
    names = sys.argv[1:] or listed or sorted(
        f for f in os.listdir(HERE) if f.endswith(".test"))
    bad = 0
    for n in names:
        path = n if os.path.exists(n) else os.path.join(HERE, n)
        f = run_file(path)
        print("%s: %s" % (os.path.basename(path), "ok" if f == 0 else
                          "%d failed" % f))
        bad += f
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
