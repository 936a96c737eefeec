/*
 * pseudo.h — pseudonymisation of person identifiers with a keyed hash.
 *
 * The key is 32 random bytes kept in a file (64 hex digits) of mode 0600,
 * never inside the database directory, so a copy of the data does not carry
 * the key.  A raw identifier is normalised (blanks removed, letters upper
 * cased) and hashed with BLAKE2b keyed by it; only the hash is stored.
 */
#ifndef PLACED_PSEUDO_H
#define PLACED_PSEUDO_H

#include <stddef.h>
#include <stdint.h>

#define PSEUDO_KEYLEN	32
#define PSEUDO_HEXLEN	32	/* a pseudonym is 16 bytes as hex */

typedef struct pseudo_key {
	uint8_t		key[PSEUDO_KEYLEN];
	char		path[1024];
} pseudo_key_t;

/* The key file to use: the --key argument, then $PLACED_KEY, then the
 * config's key, then ./placed.key.  Never fails: the caller reads it. */
const char *pseudo_key_path(const char *arg, const char *conf);

/* Create a new key file, refusing to overwrite one. */
int pseudo_key_init(const char *path, char *err, size_t errsz);

/* Read a key file and check it is not inside dbdir (may be NULL). */
int pseudo_key_load(pseudo_key_t *k, const char *path, const char *dbdir,
    char *err, size_t errsz);

/* Hash raw (n bytes) into out (PSEUDO_HEXLEN chars, NUL-terminated).
 * Returns -EINVAL when the identifier is empty after normalising. */
int pseudo_hash(const pseudo_key_t *k, const char *raw, size_t n,
    char out[PSEUDO_HEXLEN + 1]);

/* 1 when path is, or would be, inside directory dir. */
int pseudo_inside(const char *path, const char *dir);

/* 1 when s is already a pseudonym (32 lower-case hex digits). */
int pseudo_is_hashed(const char *s, size_t n);

#endif
