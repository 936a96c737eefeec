/*
 * scan.h — read the live records of a kind, a segment at a time.
 *
 * Column pointers point into the LMDB map (no copy) and are valid during
 * the callback only.  Batches that are loading, retired or aborted are
 * skipped: this is the one place that decides what is visible.
 */
#ifndef PLACED_SCAN_H
#define PLACED_SCAN_H

#include <stdint.h>

#include "schema.h"
#include "store.h"

struct scan_seg {
	const struct batch_info *batch;
	uint32_t	segno;
	uint32_t	nrows;
	const void	*col[SCHEMA_MAXCOLS];
};

typedef int (*scan_cb)(void *arg, const struct scan_seg *seg);

/* Calls cb for each segment of each live batch of kind, in batch order.
 * Stops at and returns the first non-zero from cb. */
int scan_kind(store_t *st, MDB_txn *txn, kind_t kind, scan_cb cb, void *arg);

/*
 * Ranges a filter demands of money, number or date columns (values are
 * as stored: pence, days, number × 10000).  A segment whose zone map
 * shows no value inside every range is skipped unread.
 */
#define SCAN_MAXRANGES	16

struct scan_prune {
	int		n;
	int		col[SCAN_MAXRANGES];
	int64_t		lo[SCAN_MAXRANGES], hi[SCAN_MAXRANGES];
	uint64_t	segments;	/* out: segments of live batches */
	uint64_t	skipped;	/* out: of which skipped */
};

int scan_kind_pruned(store_t *st, MDB_txn *txn, kind_t kind,
    struct scan_prune *p, scan_cb cb, void *arg);

#endif
