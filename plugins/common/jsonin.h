/*
 * jsonin.h — what the JSON importers (360giving, oruk) share: buffering
 * a whole file, parsing it with every number kept as its source text,
 * and building records.  Compiled into each plugin that uses it (a
 * plugin links nothing of the host's), so nothing here is exported.
 *
 * Memory: a struct jsonin owns its buffer until jsonin_free(); the tree
 * jsonin_load() returns is the caller's (json_decref); a struct
 * jsonin_rec owns copies of its values until jsonin_rec_clear().
 */
#ifndef PLACED_JSONIN_H
#define PLACED_JSONIN_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include <placed/plugin.h>

/* A JSON file is parsed whole; past this it is refused. */
#define JSONIN_MAX	((size_t)512 << 20)

struct jsonin {
	char		*buf;
	size_t		len, cap;
};

/* Append n bytes: 0, or -1 with err set (too big, out of memory). */
int jsonin_feed(struct jsonin *j, const char *p, size_t n, char *err,
    size_t errsz);
/*
 * Parse what was fed, a leading UTF-8 BOM ignored.  Every JSON number
 * comes back as a string of its exact source text ("1000.50", "1e3"), so
 * no value goes through a double.  NULL with "invalid JSON at line L,
 * column C: ..." (or out of memory) in err.
 */
json_t *jsonin_load(struct jsonin *j, char *err, size_t errsz);
void jsonin_free(struct jsonin *j);

/* An array's first element, an object itself, else NULL. */
json_t *jsonin_first(json_t *v);
/* The string member key of object o (numbers are strings after
 * jsonin_load); NULL when o is no object, or key absent, not a string
 * or only blanks. */
const char *jsonin_str(json_t *o, const char *key);

/* A record under construction: up to 16 fields. */
#define JSONIN_MAXF	16

struct jsonin_rec {
	const char	*names[JSONIN_MAXF];
	char		*values[JSONIN_MAXF];
	int		n;
};

/* Set field name (static text) to a trimmed copy of v; NULL or blank v
 * sets nothing.  0, or -1 when out of memory or fields. */
int jsonin_rec_set(struct jsonin_rec *r, const char *name, const char *v);
/* Set field name to v, taking ownership of it (malloc'd); as above. */
int jsonin_rec_take(struct jsonin_rec *r, const char *name, char *v);
/* Emit r as a record of kind; what emit returns. */
int jsonin_rec_emit(const struct jsonin_rec *r, const char *kind,
    uint64_t line, placed_emit_fn emit, void *sink);
void jsonin_rec_clear(struct jsonin_rec *r);

/*
 * An importer's open(), feed() and close(): the context is a struct
 * jsonin buffering the file; open() refuses a kind other than want
 * ("WHAT load as WANT, not KIND").
 */
void *jsonin_imp_open(const char *kind, const char *want, const char *what,
    char *err, size_t errsz);
int jsonin_imp_feed(void *ctx, const char *buf, size_t n,
    placed_emit_fn emit, void *sink, char *err, size_t errsz);
void jsonin_imp_close(void *ctx);

/* Fill r from one item (line: its place in the list, from 1), or return
 * why it is skipped (in why, or static text); *oom when a copy failed. */
typedef const char *(*jsonin_item_fn)(void *arg, json_t *item, size_t line,
    struct jsonin_rec *r, char *why, size_t whysz, int *oom);
/* Every item of list through fn: emitted as a record of kind, or skipped
 * with its reason.  0, 1 when the host said stop, -1 out of memory. */
int jsonin_emit_all(const struct placed_host_api *api, json_t *list,
    const char *kind, jsonin_item_fn fn, void *arg, placed_emit_fn emit,
    void *sink, char *err, size_t errsz);

/* Tell the host that item line was skipped, and why, when the host
 * (ABI 1.1 and later) can hear it. */
void jsonin_skip(const struct placed_host_api *api, void *sink,
    uint64_t line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
