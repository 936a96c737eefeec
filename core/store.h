/*
 * store.h — the LMDB environment: dictionaries, columnar segments, batches.
 *
 * Layout (named databases):
 *   meta     "schema" → version; "dict.next:FIELD" → next id
 *   dict     FIELD \0 string → uint32 id     (ids start at 1; 0 is empty)
 *   dictrev  FIELD \0 id(BE32) → string
 *   seg      kind(1) batch(BE32) column(1) segno(BE32) → packed values
 *   batch    id(BE32) → struct batch_rec + source name
 *   zone     same key as seg → int64 min, max of the segment's non-null
 *            values (money, number and date columns): scans skip
 *            segments a filter cannot match
 *   audit    seq(BE64) → JSON line
 *   geo      place code → level, name, parent codes (core/geo.h);
 *            written only by `placed load geo`
 *
 * Segments hold up to STORE_SEGROWS values of one column of one batch, so
 * a scan reads contiguous arrays straight from the map and retiring a batch
 * never rewrites data.  Functions return 0 or a negative errno / LMDB code;
 * store_strerror() names it.  Pointers into the map returned by *_get are
 * valid until the transaction ends.
 */
#ifndef PLACED_STORE_H
#define PLACED_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <lmdb.h>

#include "schema.h"

/* The geo db is in every store from the start: filling it is no change
 * of schema; its entries carry their own format byte (GEO_FORMAT). */
#define STORE_SCHEMA	3	/* 2: classification fields; 3: transfers */
#define STORE_SEGROWS	65536

typedef struct store store_t;

enum batch_state {
	BATCH_LOADING = 1,	/* being written; invisible to readers */
	BATCH_LIVE = 2,
	BATCH_RETIRED = 3,
	BATCH_ABORTED = 4	/* a loader died or gave up; data removed */
};

struct batch_info {
	uint32_t	id;
	kind_t		kind;
	enum batch_state state;
	uint64_t	rows;
	uint64_t	rejected;
	uint32_t	nsegs;
	int64_t		loaded_at;	/* unix seconds */
	int64_t		retired_at;	/* 0 while live */
	int32_t		pid;		/* loader process while loading */
	uint8_t		hash[32];	/* content hash (BLAKE2b) */
	char		source[256];
};

/* How to open: read-write creating the directory, read-only, or
 * read-write on a database that must already be there. */
#define STORE_CREATE	0
#define STORE_RDONLY	1
#define STORE_EXISTING	2

int store_open(const char *dir, int mode, store_t **out, char *err,
    size_t errsz);
void store_close(store_t *st);
const char *store_strerror(int rc);
const char *store_dir(const store_t *st);
/*
 * The data version: a counter in meta that every commit changing what
 * readers see (a batch going live, a retire) bumps, so caches and ETags
 * keyed by it stay right, and audit records or a load that changes
 * nothing leave it alone.
 */
uint64_t store_data_version(store_t *st);
/* Small text notes in meta under keys of a prefix the caller owns
 * ("fetch:NAME"): -ENOENT when absent; put commits on its own. */
int store_meta_get(store_t *st, const char *key, char *out, size_t outsz);
int store_meta_put(store_t *st, const char *key, const char *val);
uint64_t store_txn_version(store_t *st, MDB_txn *txn);
int store_version_bump(store_t *st, MDB_txn *txn);

int store_txn_begin(store_t *st, int rdonly, MDB_txn **txn);
int store_txn_commit(MDB_txn *txn);
void store_txn_abort(MDB_txn *txn);

/* Batches. */
int store_batch_new_id(store_t *st, MDB_txn *txn, uint32_t *id);
int store_batch_put(store_t *st, MDB_txn *txn, const struct batch_info *b);
int store_batch_get(store_t *st, MDB_txn *txn, uint32_t id,
    struct batch_info *b);
int store_batch_del(store_t *st, MDB_txn *txn, uint32_t id);
/* All batches in id order; *out is malloc'd, the caller frees it. */
int store_batch_list(store_t *st, MDB_txn *txn, struct batch_info **out,
    size_t *n);
/* Remove every segment of a batch. */
int store_seg_drop(store_t *st, MDB_txn *txn, kind_t kind, uint32_t batch);
const char *batch_state_name(enum batch_state s);

/* Segments. */
int store_seg_put(store_t *st, MDB_txn *txn, kind_t kind, uint32_t batch,
    int col, uint32_t segno, const void *data, size_t len);
/* -ENOENT (MDB_NOTFOUND mapped) when absent. */
int store_seg_get(store_t *st, MDB_txn *txn, kind_t kind, uint32_t batch,
    int col, uint32_t segno, const void **data, size_t *len);

/* Zone maps: min and max of a segment's non-null values; a segment with
 * no values stores min > max.  -ENOENT when none was written. */
int store_zone_put(store_t *st, MDB_txn *txn, kind_t kind, uint32_t batch,
    int col, uint32_t segno, int64_t min, int64_t max);
int store_zone_get(store_t *st, MDB_txn *txn, kind_t kind, uint32_t batch,
    int col, uint32_t segno, int64_t *min, int64_t *max);

/* Dictionary: string ↔ id per field name.  Intern needs a write txn. */
int store_dict_intern(store_t *st, MDB_txn *txn, const char *field,
    const char *s, size_t n, uint32_t *id);
int store_dict_find(store_t *st, MDB_txn *txn, const char *field,
    const char *s, size_t n, uint32_t *id);
int store_dict_str(store_t *st, MDB_txn *txn, const char *field, uint32_t id,
    const char **s, size_t *n);

/* Append one audit record (a JSON object text). */
int store_audit(store_t *st, MDB_txn *txn, const char *json);
/* Every audit record, oldest first; a non-zero return from cb stops the
 * walk and is returned. */
typedef int (*store_audit_cb)(void *arg, const char *json, size_t n);
int store_audit_each(store_t *st, MDB_txn *txn, store_audit_cb cb,
    void *arg);

/*
 * The place hierarchy: code → an entry geo.c encodes.  Put and clear
 * need a write txn; count is 0 until a geography load.
 */
int store_geo_put(store_t *st, MDB_txn *txn, const char *code, size_t n,
    const void *data, size_t len);
/* -ENOENT when code has no entry. */
int store_geo_get(store_t *st, MDB_txn *txn, const char *code, size_t n,
    const void **data, size_t *len);
int store_geo_clear(store_t *st, MDB_txn *txn);
size_t store_geo_count(store_t *st, MDB_txn *txn);
/* Every entry in code order; a non-zero return from cb stops the walk
 * and is returned. */
typedef int (*store_geo_cb)(void *arg, const char *code, size_t n,
    const void *data, size_t len);
int store_geo_each(store_t *st, MDB_txn *txn, store_geo_cb cb, void *arg);

#endif
