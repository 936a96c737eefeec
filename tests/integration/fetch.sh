#!/bin/sh
# fetch.sh — loading from where partners publish: `placed load` with
# http:// URLs (redirects, HTTP errors with their status, a refused
# connection, nothing committed on failure) and `placed fetch` over a
# sources file (only what changed is loaded: 304, then content hash),
# against a loopback server (tests/integration/httpd.py).
. "$TOP_SRCDIR/tests/integration/lib.sh"

command -v python3 >/dev/null 2>&1 || die "python3 is needed"
mkdir "$T/www"
printf 'date,supplier,amount\n2025-04-01,Acme,10.00\n2025-04-02,Acme,2.50\n' \
    >"$T/www/a.csv"
python3 "$TOP_SRCDIR/tests/integration/httpd.py" "$T/www" >"$T/port" &
HTTPD=$!
trap 'kill $HTTPD 2>/dev/null' EXIT
for i in 1 2 3 4 5 6 7 8 9 10; do
	[ -s "$T/port" ] && break
	sleep 0.2
done
PORT=$(head -n 1 "$T/port")
[ -n "$PORT" ] || die "the test server did not start"
U=http://127.0.0.1:$PORT
expect_exit 0 "$PLACED" key init || die "placed key init failed"

# 1. A URL loads like a file; its source is the URL.
if expect_exit 0 "$PLACED" load spend "$U/a.csv"; then
	contains "$T/out" "$U/a.csv: batch 1 loaded: 2 rows accepted"
fi
expect_exit 0 "$PLACED" batches --format csv
contains "$T/out" "1,$U/a.csv,spend,2,0,live"
# Redirects are followed.
expect_exit 0 "$PLACED" load spend --source r "$U/redirect/a.csv"
contains "$T/out" "same content as live batch 1"

# 2. Failures: the status or the reason, nothing committed.
expect_exit 1 "$PLACED" load spend "$U/status/404"
contains "$T/err" "$U/status/404: HTTP 404; nothing committed"
expect_exit 1 "$PLACED" load spend "$U/status/500"
contains "$T/err" "HTTP 500; nothing committed"
expect_exit 1 "$PLACED" load spend "http://127.0.0.1:1/a.csv"
contains "$T/err" "http://127.0.0.1:1/a.csv: "
contains "$T/err" "; nothing committed"
expect_exit 0 "$PLACED" batches --format csv
lacks "$T/out" "status"
lacks "$T/out" "127.0.0.1:1/"

# 3. placed fetch: a sources file; the second run asks with the ETag and
# gets a 304; a changed file is loaded and replaces the source's batch.
mkdir "$T/src"
cat >"$T/src/test.sources" <<EOS
# NAME  KIND  FORMAT  ORG  URL
council-a  spend  csv  council  $U/a.csv
gone       spend  csv  -        $U/status/410
EOS
expect_exit 1 "$PLACED" fetch --sources "$T/src"
contains "$T/out" "council-a: batch 2 loaded: 2 rows accepted, 0 rejected ($U/a.csv)"
contains "$T/err" "gone: $U/status/410: HTTP 410; nothing committed"
contains "$T/out" "2 sources: 1 loaded, 0 unchanged, 1 failed"
expect_exit 0 "$PLACED" fetch --sources "$T/src" council-a
contains "$T/out" "council-a: not modified since the last fetch"
contains "$T/out" "1 source: 0 loaded, 1 unchanged, 0 failed"
printf '2025-04-03,Acme,1.00\n' >>"$T/www/a.csv"
expect_exit 0 "$PLACED" fetch --sources "$T/src/test.sources" council-a
contains "$T/out" "council-a: batch 3 loaded: 3 rows accepted"
expect_exit 0 "$PLACED" batches --format csv
contains "$T/out" "2,council-a,spend,2,0,retired"
contains "$T/out" "3,council-a,spend,3,0,live"
expect_exit 0 "$PLACED" query --format csv \
    'spend | where source == "council-a" | group org (t = sum(amount))'
contains "$T/out" "council,13.50"
expect_exit 1 "$PLACED" fetch --sources "$T/src" nosuch
contains "$T/err" "no source \"nosuch\""
# A bad line names its file and line.
printf 'x spend csv - notaurl\n' >"$T/src/bad.sources"
expect_exit 1 "$PLACED" fetch --sources "$T/src"
contains "$T/err" "$T/src/bad.sources:1: want NAME KIND FORMAT ORG URL"
finish
