/*
 * batch.h — writing one batch of records into the store, atomically.
 *
 * batch_begin() records a batch in state "loading" (invisible to every
 * reader) and opens a write transaction.  Rows are set column by column
 * and ended with batch_row(); each full segment is written and committed,
 * so memory stays flat whatever the input size.  batch_commit() flips the
 * batch to "live" in one final transaction (retiring the source's previous
 * batch with --replace), or finds the same content already live and drops
 * this copy.  A loader killed at any moment leaves a "loading" batch that
 * the next writer marks "aborted" and removes; nobody ever sees half of it.
 */
#ifndef PLACED_BATCH_H
#define PLACED_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "pseudo.h"
#include "schema.h"
#include "store.h"

typedef struct batch_w batch_t;

struct batch_opts {
	const char	*source;	/* batch name */
	int		replace;	/* retire the source's live batch */
	const char	*who;		/* for the audit record */
	/* A rewrite of a live batch (reclassify): the new batch takes its
	 * place at commit, keeps its content hash (hash, 32 bytes) and is
	 * never dropped as a duplicate of it; the commit fails with
	 * -ESTALE if that batch is no longer live by then. */
	uint32_t	supersedes;
	const uint8_t	*hash;
};

struct batch_result {
	uint32_t	id;
	uint64_t	rows;
	uint64_t	rejected;
	uint32_t	same_as;	/* != 0: content already live there */
	uint32_t	retired[8];	/* batches retired by replace */
	int		nretired;
	uint64_t	data_version;
};

int batch_begin(store_t *st, kind_t kind, const struct batch_opts *o,
    batch_t **out, char *err, size_t errsz);
/* Feed the content hash (the loader feeds raw bytes and options). */
void batch_hash(batch_t *b, const void *data, size_t n);

/* Values for the current row; columns left unset are empty/null. */
int batch_str(batch_t *b, int col, const char *s, size_t n);
/* A dictionary id of the column's field, as stored (a rewrite copies
 * values without looking them up). */
void batch_id(batch_t *b, int col, uint32_t id);
void batch_i64(batch_t *b, int col, int64_t v);	/* money, number */
void batch_i32(batch_t *b, int col, int32_t v);	/* date */
int batch_row(batch_t *b, uint32_t line);
void batch_rejected(batch_t *b, uint64_t n);
uint64_t batch_rows(const batch_t *b);

/* Both end the batch and free b. */
int batch_commit(batch_t *b, struct batch_result *res, char *err,
    size_t errsz);
void batch_abort(batch_t *b);

/* The live batch of kind whose content hash is hash: 0 and *id, or
 * -ENOENT.  Lets a loader that knows its hash before writing skip a
 * reload without a single write. */
int batch_find_live(store_t *st, kind_t kind, const uint8_t hash[32],
    uint32_t *id);

/* Retire a live batch by id; err explains a refusal. */
int batch_retire(store_t *st, uint32_t id, const char *who, char *err,
    size_t errsz);

/* Remove what dead loaders left behind (called by batch_begin). */
int batch_reap(store_t *st, MDB_txn *txn);

#endif
