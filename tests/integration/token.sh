#!/bin/sh
# token.sh — placed token add, list and revoke; the token file; usage errors.
. "$TOP_SRCDIR/tests/integration/lib.sh"

# add prints the secret, alone, on stdout, and says on stderr that it will
# not be shown again.
expect_exit 0 "$PLACED" token add dash --partner chigley-council \
    --role reader
[ "$(wc -l <"$T/out")" -eq 1 ] || fail "add printed more than one line"
SECRET=$(cat "$T/out")
case $SECRET in
plc_???????????????????????????????????????????) ;;
*) fail "add printed \"$SECRET\", not plc_ and 43 characters" ;;
esac
contains "$T/err" "will not be shown again"
[ -f "$T/placed.tokens" ] || die "add did not make ./placed.tokens"
[ "$(mode_of "$T/placed.tokens")" = 600 ] ||
    fail "placed.tokens has mode $(mode_of "$T/placed.tokens"), want 600"
lacks "$T/placed.tokens" "$SECRET"
lacks "$T/placed.tokens" "${SECRET#plc_}"
contains "$T/placed.tokens" "dash	chigley-council	reader	"

# Options may come before the subcommand and NAME.
expect_exit 0 "$PLACED" token --role admin --partner chigley-nhs add root
SECRET2=$(cat "$T/out")
[ "$SECRET" != "$SECRET2" ] || fail "two adds gave the same secret"

# list: name, partner, role, created; never a secret or a hash.
expect_exit 0 "$PLACED" token list
contains "$T/out" "name"
contains "$T/out" "created"
contains "$T/out" "dash"
contains "$T/out" "chigley-council"
contains "$T/out" "reader"
contains "$T/out" "root"
contains "$T/out" "admin"
lacks "$T/out" "plc_"
HASH=$(awk -F'	' '$1 == "dash" { print $4 }' "$T/placed.tokens")
[ ${#HASH} -eq 64 ] || fail "no 64-digit hash for dash in the file"
lacks "$T/out" "$HASH"
[ "$(grep -c . "$T/out")" -eq 3 ] || fail "list: want a header and 2 rows"
if ! grep -Eq '^dash +chigley-council +reader +20[0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-9:]{8}Z$' "$T/out"; then
	fail "list: no well-formed line for dash"
	show "$T/out" stdout >&2
fi

# A name already there is refused (exit 1), and nothing changes.
cp "$T/placed.tokens" "$T/before"
expect_exit 1 "$PLACED" token add dash --partner other --role admin
contains "$T/err" '"dash"'
contains "$T/err" "already"
[ ! -s "$T/out" ] || fail "a refused add printed a secret"
same_file "$T/before" "$T/placed.tokens"

# revoke
expect_exit 0 "$PLACED" token revoke dash
expect_exit 0 "$PLACED" token list
lacks "$T/out" "dash"
contains "$T/out" "root"
expect_exit 1 "$PLACED" token revoke dash
contains "$T/err" 'no token called "dash"'
[ "$(mode_of "$T/placed.tokens")" = 600 ] ||
    fail "after revoke, mode $(mode_of "$T/placed.tokens"), want 600"

# The token file: --tokens, then $PLACED_TOKENS, then the config, then
# ./placed.tokens.
expect_exit 0 "$PLACED" token add a1 --partner p --role loader \
    --tokens "$T/opt.tokens"
contains "$T/opt.tokens" "a1	p	loader	"
expect_exit 0 env PLACED_TOKENS="$T/env.tokens" "$PLACED" token add a2 \
    --partner p --role analyst
contains "$T/env.tokens" "a2	p	analyst	"
printf 'tokens = %s/conf.tokens\n' "$T" >"$T/placed.conf"
expect_exit 0 "$PLACED" token add a3 --partner p --role reader \
    -c "$T/placed.conf"
contains "$T/conf.tokens" "a3	p	reader	"
expect_exit 0 env PLACED_CONF="$T/placed.conf" "$PLACED" token list
contains "$T/out" "a3"
expect_exit 0 env PLACED_TOKENS="$T/env.tokens" "$PLACED" token list \
    -c "$T/placed.conf"
contains "$T/out" "a2"
lacks "$T/out" "a3"
expect_exit 0 env PLACED_TOKENS="$T/env.tokens" "$PLACED" token list \
    --tokens "$T/opt.tokens"
contains "$T/out" "a1"
lacks "$T/out" "a2"
lacks "$T/placed.tokens" "a1	"

# A missing token file lists nothing; a bad one is an error with its line.
expect_exit 0 "$PLACED" token list --tokens "$T/none.tokens"
contains "$T/err" "no tokens"
[ ! -e "$T/none.tokens" ] || fail "list created a token file"
printf '# mine\nx\ty\tboss\t%064d\t1\n' 0 >"$T/bad.tokens"
chmod 600 "$T/bad.tokens"
expect_exit 1 "$PLACED" token list --tokens "$T/bad.tokens"
contains "$T/err" "bad.tokens:2: unknown role"

# A bad configuration is a failure naming its line.
printf 'db = x\nsuppress = 1\n' >"$T/bad.conf"
expect_exit 1 "$PLACED" token list -c "$T/bad.conf"
contains "$T/err" "bad.conf:2: suppress"

# The shipped example config parses, with every default uncommented.
sed 's/^#\([a-z_]* =\)/\1/' "$TOP_SRCDIR/etc/placed.conf" >"$T/all.conf"
grep -q '^max_inflight = 16$' "$T/all.conf" ||
    fail "etc/placed.conf does not list max_inflight = 16"
expect_exit 0 "$PLACED" token list -c "$T/all.conf" --tokens "$T/x.tokens"

# Usage errors exit 2 and change nothing.
cp "$T/placed.tokens" "$T/before"
expect_exit 2 "$PLACED" token
contains "$T/err" "add, list or revoke"
expect_exit 2 "$PLACED" token frob
contains "$T/err" '"frob"'
expect_exit 2 "$PLACED" token add
expect_exit 2 "$PLACED" token add x --partner p
contains "$T/err" "--role"
expect_exit 2 "$PLACED" token add x --role reader
contains "$T/err" "--partner"
expect_exit 2 "$PLACED" token add x --partner p --role superuser
contains "$T/err" '"superuser"'
expect_exit 2 "$PLACED" token add "x y" --partner p --role reader
contains "$T/err" "bad token name"
expect_exit 2 "$PLACED" token add x --partner "a/b" --role reader
contains "$T/err" "bad partner"
expect_exit 2 "$PLACED" token add x y --partner p --role reader
expect_exit 2 "$PLACED" token list extra
expect_exit 2 "$PLACED" token list --role admin
expect_exit 2 "$PLACED" token revoke
expect_exit 2 "$PLACED" token revoke a b
expect_exit 2 "$PLACED" token add x --partner p --role reader --no-such
expect_exit 2 "$PLACED" token list --db "$T/placed.db"
same_file "$T/before" "$T/placed.tokens"

expect_exit 0 "$PLACED" token --help
contains "$T/out" "usage: placed token add NAME"

finish
