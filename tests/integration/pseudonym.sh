#!/bin/sh
# pseudonym.sh — person identifiers are stored only as keyed pseudonyms;
# the key file is private, never overwritten, never inside the database.
. "$TOP_SRCDIR/tests/integration/lib.sh"

RAW1=9434765919
RAW1S='943 476 5919'
RAW2=4010232137

cat >"$T/act.csv" <<EOF
date,service,person,place
2025-04-01,Falls assessment (council OT),$RAW1,CHG-AG
2025-04-09,Community falls service,$RAW1S,CHG-AG
2025-04-10,Emergency department,$RAW2,CHG-RS
2025-13-40,Emergency department,$RAW2,CHG-RS
2025-04-11,Emergency department,"$RAW1S",CHG-RS,extra
EOF
# The raw ids really are in the input, so the greps below can fail.
grep -q "$RAW1" "$T/act.csv" && grep -q "$RAW1S" "$T/act.csv" &&
    grep -q "$RAW2" "$T/act.csv" || die "the test input lacks the raw ids"

# leaks FILE-OR-DIR WHAT: fail if any raw identifier is in it
leaks()
{
	for _id in "$RAW1" "$RAW1S" "$RAW2"; do
		if grep -r -a -F -q -e "$_id" "$1"; then
			fail "$2 holds the raw identifier '$_id'"
			grep -r -a -F -l -e "$_id" "$1" >&2
		fi
	done
}

# 1. No key: exit 1, pointing at "placed key init"; nothing committed.
expect_exit 1 "$PLACED" load activity act.csv
contains "$T/err" "placed key init"
leaks "$T/out" "stdout of a load without a key"
leaks "$T/err" "stderr of a load without a key"
if [ -d "$T/placed.db" ]; then
	batches
	if [ -s "$T/batches" ]; then
		fail "a load without a key left a batch"
		cat "$T/batches" >&2
	fi
fi
# also for NDJSON, where the key is needed at the first person value
printf '{"date":"2025-04-01","person":"%s"}\n' "$RAW1" >"$T/act.ndjson"
expect_exit 1 "$PLACED" load activity --format ndjson act.ndjson
contains "$T/err" "placed key init"
leaks "$T/err" "stderr of an NDJSON load without a key"

# 2. placed key init: mode 0600, never overwritten.
expect_exit 0 "$PLACED" key init || die "placed key init failed"
[ -f "$T/placed.key" ] || die "placed key init made no ./placed.key"
m=$(mode_of "$T/placed.key")
[ "$m" = 600 ] || fail "placed.key has mode $m, want 600"
cp "$T/placed.key" "$T/key.copy"
expect_exit 1 "$PLACED" key init
contains "$T/err" "placed.key"
same_file "$T/key.copy" "$T/placed.key"
m=$(mode_of "$T/placed.key")
[ "$m" = 600 ] || fail "placed.key has mode $m after a second init"
# the key is 64 hex digits
if ! grep -q -x '[0-9a-f]\{64\}' "$T/placed.key"; then
	fail "placed.key is not 64 hex digits"
fi

# 3. Load: the same person (after normalising) gets the same pseudonym;
#    bad lines are rejected without echoing identifiers.
if expect_exit 0 "$PLACED" load activity act.csv --rejects "$T/rej.csv"; then
	contains "$T/out" "3 rows accepted, 2 rejected"
fi
contains "$T/err" "act.csv:5: field \"date\""
contains "$T/err" "act.csv:6: "
leaks "$T/out" "stdout of the load"
leaks "$T/err" "stderr of the load"
m=$(mode_of "$T/rej.csv")
[ "$m" = 600 ] || fail "rejects file (raw ids) has mode $m, want 600"
expect_exit 0 "$PLACED" dump activity
cp "$T/out" "$T/dump1.csv"
leaks "$T/dump1.csv" "the dump"
p1=$(sed -n 2p "$T/dump1.csv" | cut -d, -f4)
p1s=$(sed -n 3p "$T/dump1.csv" | cut -d, -f4)
p2=$(sed -n 4p "$T/dump1.csv" | cut -d, -f4)
for p in "$p1" "$p1s" "$p2"; do
	if ! printf '%s\n' "$p" | grep -q -x '[0-9a-f]\{32\}'; then
		fail "pseudonym '$p' is not 32 lower-case hex digits"
	fi
done
[ "$p1" = "$p1s" ] ||
    fail "'$RAW1' and '$RAW1S' got different pseudonyms: $p1 $p1s"
[ "$p1" != "$p2" ] || fail "two people got the same pseudonym $p1"

# Nothing in the database directory holds a raw id (or the key).
leaks "$T/placed.db" "the database directory"
if grep -r -a -F -q -e "$(cat "$T/placed.key")" "$T/placed.db"; then
	fail "the database directory holds the key"
fi

# The same with NDJSON input and a rejected NDJSON line.
{
	printf '{"date":"2025-04-01","person":"%s"}\n' "$RAW1S"
	printf '{"date":"1 Smarch 2025","person":"%s"}\n' "$RAW2"
	printf '{"date":"2025-04-02","person":"%s","bogus":1}\n' "$RAW2"
} >"$T/act2.ndjson"
expect_exit 0 "$PLACED" load activity --db "$T/ndj.db" --format ndjson \
    act2.ndjson
contains "$T/out" "1 row accepted, 2 rejected"
leaks "$T/out" "stdout of the NDJSON load"
leaks "$T/err" "stderr of the NDJSON load"
leaks "$T/ndj.db" "the NDJSON database directory"
expect_exit 0 "$PLACED" dump activity --db "$T/ndj.db"
[ "$(sed -n 2p "$T/out" | cut -d, -f4)" = "$p1" ] ||
    fail "NDJSON load gave $RAW1S another pseudonym than the CSV load"

# The pseudonym is the documented keyed BLAKE2b (16 bytes) of the id with
# blanks removed and letters upper-cased.
if command -v python3 >/dev/null 2>&1; then
	want=$(python3 -c '
import hashlib, sys
k = bytes.fromhex(open(sys.argv[1]).read().strip())
raw = "".join(sys.argv[2].split()).upper().encode()
print(hashlib.blake2b(raw, key=k, digest_size=16).hexdigest())
' "$T/placed.key" "$RAW1S")
	[ "$want" = "$p1" ] ||
	    fail "pseudonym of $RAW1S is $p1, keyed BLAKE2b gives $want"
fi

# 4. Same key → same pseudonyms in another database; other key → other.
printf 'date,person\n2025-05-01,%s\n' "$RAW1" >"$T/one.csv"
expect_exit 0 "$PLACED" load activity --db "$T/b.db" one.csv
expect_exit 0 "$PLACED" dump activity --db "$T/b.db"
[ "$(sed -n 2p "$T/out" | cut -d, -f4)" = "$p1" ] ||
    fail "the same key gave another pseudonym in a second database"

mkdir "$T/keys"
expect_exit 0 "$PLACED" key init --key "$T/keys/other.key"
m=$(mode_of "$T/keys/other.key")
[ "$m" = 600 ] || fail "--key key file has mode $m, want 600"
cmp -s "$T/placed.key" "$T/keys/other.key" && fail "two key inits gave one key"
expect_exit 0 "$PLACED" load activity --db "$T/c.db" \
    --key "$T/keys/other.key" one.csv
expect_exit 0 "$PLACED" dump activity --db "$T/c.db"
po=$(sed -n 2p "$T/out" | cut -d, -f4)
printf '%s\n' "$po" | grep -q -x '[0-9a-f]\{32\}' ||
    fail "pseudonym '$po' under --key is not 32 hex"
[ "$po" != "$p1" ] || fail "a different key gave the same pseudonym"

# 5. $PLACED_KEY is honoured (for init and load), --key wins over it.
expect_exit 0 env PLACED_KEY="$T/keys/env.key" "$PLACED" key init
[ -f "$T/keys/env.key" ] || fail "key init ignored \$PLACED_KEY"
expect_exit 0 env PLACED_KEY="$T/keys/other.key" "$PLACED" load activity \
    --db "$T/d.db" one.csv
expect_exit 0 "$PLACED" dump activity --db "$T/d.db"
[ "$(sed -n 2p "$T/out" | cut -d, -f4)" = "$po" ] ||
    fail "\$PLACED_KEY was not used for the load"
expect_exit 0 env PLACED_KEY="$T/keys/nonexistent.key" "$PLACED" load \
    activity --db "$T/e.db" --key "$T/keys/other.key" one.csv
expect_exit 0 "$PLACED" dump activity --db "$T/e.db"
[ "$(sed -n 2p "$T/out" | cut -d, -f4)" = "$po" ] ||
    fail "--key did not win over \$PLACED_KEY"
expect_exit 1 env PLACED_KEY="$T/keys/nonexistent.key" "$PLACED" load \
    activity --db "$T/f.db" one.csv
contains "$T/err" "nonexistent.key"
contains "$T/err" "placed key init"

# 6. A key inside the database directory is refused.
mkdir -p "$T/g.db"
expect_exit 0 "$PLACED" load spend --db "$T/g.db" "$(fixture spend-crlf.csv)"
cp "$T/placed.key" "$T/g.db/placed.key"
chmod 600 "$T/g.db/placed.key"
expect_exit 1 "$PLACED" load activity --db "$T/g.db" \
    --key "$T/g.db/placed.key" one.csv
contains "$T/err" "database directory"
leaks "$T/err" "stderr of the refused load"
# ... also when named through another path to the same place
expect_exit 1 "$PLACED" load activity --db "$T/g.db" \
    --key "$T/keys/../g.db/placed.key" one.csv
contains "$T/err" "database directory"
expect_exit 1 "$PLACED" demo --db "$T/g.db" --key "$T/g.db/placed.key" \
    --people 10
contains "$T/err" "database directory"
# and placed key init will not create one there (the default database is
# ./placed.db, which exists by now)
expect_exit 1 "$PLACED" key init --key "$T/placed.db/new.key"
[ -e "$T/placed.db/new.key" ] &&
    fail "placed key init created a key inside the database directory"

# 7. A key file others can read is refused.
cp "$T/keys/other.key" "$T/keys/loose.key"
chmod 644 "$T/keys/loose.key"
expect_exit 1 "$PLACED" load activity --db "$T/h.db" \
    --key "$T/keys/loose.key" one.csv
contains "$T/err" "loose.key"

# 8. --hashed takes pseudonyms as they are, with no key at all.
printf 'date,person\n2025-05-01,%s\n' "$p1" >"$T/hashed.csv"
expect_exit 0 "$PLACED" load activity --db "$T/i.db" --hashed \
    --key "$T/keys/nonexistent.key" hashed.csv
expect_exit 0 "$PLACED" dump activity --db "$T/i.db"
[ "$(sed -n 2p "$T/out" | cut -d, -f4)" = "$p1" ] ||
    fail "--hashed did not keep the pseudonym as it was"
expect_exit 1 "$PLACED" load activity --db "$T/j.db" --hashed one.csv
contains "$T/err" "pseudonym"
leaks "$T/err" "stderr of a --hashed load of raw ids"

finish
