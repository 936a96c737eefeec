#!/bin/sh
# sigkill.sh — a loader killed with SIGKILL at any moment leaves nothing
# half done: readers never see part of a batch, the next writer marks the
# dead loader's batch aborted, and --replace retires the old batch only
# if the new one went live.
. "$TOP_SRCDIR/tests/integration/lib.sh"

N=500000		# rows in the big file
ROUNDS=12
SEED=${SIGKILL_SEED:-$(date +%s)}
say "sigkill: $N rows, $ROUNDS rounds, delays seeded with $SEED" \
    "(set SIGKILL_SEED to repeat)"

# A canonical spend file big enough to take the loader a second or two.
awk -v n="$N" 'BEGIN {
	print "date,supplier,description,account,amount"
	for (i = 1; i <= n; i++)
		printf "2025-%02d-%02d,Supplier %d,Payment %d,A%d,%d.%02d\n",
		    i % 12 + 1, i % 28 + 1, i % 50, i, i % 97, i % 100000,
		    i % 100
}' >"$T/big.csv" || die "cannot write the big file"

# now_ms: a clock in milliseconds (whole seconds where date lacks %N).
now_ms()
{
	case $(date +%N) in
	*N*|'')	echo $(($(date +%s) * 1000)) ;;
	*)	_ns=$(date +%s%N); echo $((_ns / 1000000)) ;;
	esac
}

# Warm up (the first load interns every distinct string) and time a load.
t0=$(now_ms)
expect_exit 0 "$PLACED" load spend --source warmup --quiet big.csv ||
    die "the big file does not load"
t1=$(now_ms)
expect_exit 0 "$PLACED" retire 1 || die "cannot retire the warm-up batch"
COLD=$((t1 - t0))
say "sigkill: a load took $COLD ms"
[ "$COLD" -ge 1000 ] || say "sigkill: WARNING: the load is quick; kills" \
    "may land mostly before or after it"

SMALL=0		# rows of the small loads, all live
LIVE=0
LOADING=0
EVER_LIVE=0
t0=$(date +%s)

# check_state WHEN [nodump]: every batch is whole or gone; the dump has
# exactly the live batches' rows (skipped with nodump: a dump is slow).
check_state()
{
	batches || return 1
	awk -F, -v n="$N" -v when="$1" '
	$2 == "warmup" { next }
	$2 == "big" {
		if ($6 == "live" || $6 == "retired") {
			if ($4 != n) bad = bad sprintf("%s: batch %s is %s " \
			    "with %s rows, not %d\n", when, $1, $6, $4, n)
			if ($6 == "live") live++
		} else if ($6 == "aborted") {
			if ($4 != 0) bad = bad sprintf("%s: aborted batch %s " \
			    "still counts %s rows\n", when, $1, $4)
		} else if ($6 == "loading") {
			loading++
		} else
			bad = bad sprintf("%s: batch %s in state %s\n", when,
			    $1, $6)
		next
	}
	$2 ~ /^small-/ {
		if ($6 != "live" || $4 != 1) bad = bad sprintf("%s: small " \
		    "batch %s is %s with %s rows\n", when, $1, $6, $4)
		next
	}
	{ bad = bad sprintf("%s: unexpected batch %s\n", when, $0) }
	END {
		if (live > 1) bad = bad sprintf("%s: %d live big batches " \
		    "(--replace leaves one)\n", when, live)
		if (loading > 1) bad = bad sprintf("%s: %d batches loading " \
		    "at once\n", when, loading)
		printf "%s", bad > "/dev/stderr"
		print live + 0, loading + 0
		exit bad != ""
	}' "$T/batches" >"$T/counts" || {
		fail "$1: bad batch list"
		cat "$T/batches" >&2
	}
	read -r LIVE LOADING <"$T/counts"
	[ "${2:-}" = nodump ] && return 0
	rows=$("$PLACED" dump spend 2>"$T/dump.err" | wc -l)
	want=$((1 + LIVE * N + SMALL))
	if [ "$rows" -ne "$want" ]; then
		fail "$1: dump has $rows lines, want $want (1 + $LIVE x $N" \
		    "+ $SMALL)"
		cat "$T/dump.err" >&2
		cat "$T/batches" >&2
	fi
}

# The delays, as fractions of that load time: very short (before the loader
# has opened the store or started the batch), mid-load, around the commit,
# and after it has finished.  Shuffled, with some jitter.
DELAYS=$(awk -v seed="$SEED" -v n="$ROUNDS" -v ms="$COLD" 'BEGIN {
	srand(seed)
	k = split("0 0.01 0.05 0.15 0.3 0.45 0.6 0.75 0.9 1.0 1.2 1.5", b, " ")
	for (i = 1; i <= k; i++) {
		j = int(rand() * k) + 1; t = b[i]; b[i] = b[j]; b[j] = t
	}
	for (i = 1; i <= n; i++) {
		f = b[(i - 1) % k + 1]
		printf "%.3f\n", f * (0.85 + rand() * 0.3) * ms / 1000
	}
}')

i=0
for d in $DELAYS; do
	i=$((i + 1))
	# Two contents by turns (--org is part of the content), so a load
	# that finishes either replaces the live batch or finds it the same.
	org=org-$((i % 2))
	"$PLACED" load spend --source big --replace --org "$org" --quiet \
	    big.csv >"$T/load.out" 2>"$T/load.err" &
	pid=$!
	BG_PIDS=$pid
	[ "$d" = 0.000 ] || sleep "$d"
	kill -9 "$pid" 2>/dev/null
	st=0
	wait "$pid" 2>/dev/null || st=$?
	BG_PIDS=
	case $st in
	0)	how="finished first" ;;
	137)	how="killed" ;;
	*)	how="exited $st"
		fail "round $i: the loader exited $st before the kill"
		cat "$T/load.out" "$T/load.err" >&2
		;;
	esac
	say "round $i: delay $d s, $how"

	# Right after the kill: readers work and see only whole batches.
	check_state "round $i, after the kill"
	if [ "$st" -eq 0 ] && [ "$LIVE" -ne 1 ]; then
		fail "round $i: the load finished but no big batch is live"
	fi
	# A killed --replace either went live (retiring the old batch in
	# the same commit) or changed nothing: never neither.
	if [ "$EVER_LIVE" -eq 1 ] && [ "$LIVE" -ne 1 ]; then
		fail "round $i: the live big batch was retired but nothing" \
		    "replaced it"
		cat "$T/batches" >&2
	fi
	[ "$LIVE" -eq 1 ] && EVER_LIVE=1

	# The next writer reaps the dead loader's batch.
	printf 'date,description,amount\n2025-01-01,small %d,1.00\n' "$i" \
	    >"$T/small.csv"
	if expect_exit 0 "$PLACED" load spend --source "small-$i" --quiet \
	    small.csv; then
		SMALL=$((SMALL + 1))
	fi
	check_state "round $i, after the next load" nodump
	if [ "$LOADING" -ne 0 ]; then
		fail "round $i: a batch is still loading after the next load"
		cat "$T/batches" >&2
	fi
done

# Finally a load that is not killed must go through (the write lock and
# the reader table survived the kills), and the totals add up.
expect_exit 0 "$PLACED" load spend --source big --replace --org org-final \
    --quiet big.csv
check_state "at the end"
[ "$LIVE" -eq 1 ] || fail "at the end: $LIVE live big batches, want 1"
[ "$LOADING" -eq 0 ] || fail "at the end: a batch is still loading"
grep -c ',aborted$' "$T/batches" | {
	read -r n
	say "sigkill: $n aborted batch(es) over $ROUNDS rounds"
}
t1=$(date +%s)
say "sigkill: rounds took $((t1 - t0)) s"

finish
