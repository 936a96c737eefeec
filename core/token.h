/*
 * token.h — bearer tokens for the HTTP API: a name, a partner, a role.
 *
 * A secret is "plc_" and 32 random bytes in unpadded base64url; it is shown
 * once, when made, and only its BLAKE2b-256 hash is stored.  The token file
 * is text, one token a line, five fields separated by tabs:
 *
 *	name  partner  role  hash (64 hex digits)  created (Unix seconds)
 *
 * with blank lines and # comments.  Names and partners are 1 to 63 of
 * [A-Za-z0-9._-]; names are unique.  The file is rewritten whole (a
 * temporary file in the same directory, fsync, rename; mode 0600) under an
 * flock, so concurrent adds and revokes never lose one another.
 *
 * Errors follow conf.h: 0 or a negative errno, the reason in err.
 */
#ifndef PLACED_TOKEN_H
#define PLACED_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#define TOKEN_NAME_MAX		63
#define TOKEN_HASH_LEN		32
/* "plc_" + base64url of 32 bytes (43 characters) + NUL. */
#define TOKEN_SECRET_SIZE	48

/* Each role may do what the ones before it may. */
enum role {
	ROLE_READER,	/* aggregates, small counts suppressed */
	ROLE_ANALYST,	/* aggregates and drill-through */
	ROLE_LOADER,	/* load batches for its own partner */
	ROLE_ADMIN	/* everything; nothing suppressed */
};

/* "reader", "analyst", "loader", "admin"; "?" for anything else. */
const char *role_name(enum role r);
/* 0 and *r set, or -1 for a name that is not a role (case matters). */
int role_parse(const char *s, enum role *r);

struct token {
	char		name[TOKEN_NAME_MAX + 1];
	char		partner[TOKEN_NAME_MAX + 1];
	enum role	role;
	uint8_t		hash[TOKEN_HASH_LEN];
	int64_t		created;	/* Unix seconds */
};

/* The tokens of one file; v is owned by the struct, freed by tokens_free. */
struct tokens {
	struct token	*v;
	size_t		n;
};

/* 1 when s is a valid token name or partner id. */
int token_name_ok(const char *s);

/* The token file to use: the --tokens argument, then $PLACED_TOKENS, then
 * the config's tokens, then ./placed.tokens.  Never fails. */
const char *token_path(const char *arg, const char *conf);

/*
 * Read the token file at path into *out (zeroed first).  A missing file
 * is zero tokens, not an error.  A bad line is "FILE:LINE: reason"; a file
 * that group or others may write is refused.  On failure *out is empty.
 */
int tokens_load(const char *path, struct tokens *out, char *err,
    size_t errsz);
void tokens_free(struct tokens *t);

/*
 * The token whose hash is that of the n-byte secret, or NULL.  Every
 * stored hash is compared, in constant time and without an early exit, so
 * the time taken says nothing about which token (if any) matched.
 */
const struct token *tokens_check(const struct tokens *t, const char *secret,
    size_t n);

/*
 * Add a token to the file at path (created when absent) and write its
 * secret, NUL-terminated, into secret_out (at least TOKEN_SECRET_SIZE
 * bytes).  A name already there is -EEXIST; a bad name, partner or role
 * -EINVAL.  secret_out is wiped on failure.
 */
int token_add(const char *path, const char *name, const char *partner,
    enum role role, char *secret_out, size_t secret_sz, char *err,
    size_t errsz);

/* Remove the token called name; a name not in the file is -ENOENT. */
int token_revoke(const char *path, const char *name, char *err,
    size_t errsz);

#endif
