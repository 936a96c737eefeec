/* scan.c — live batches → segments → column arrays in the map. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scan.h"

/*
 * LMDB aligns values kept inside a page to two bytes only; big segments
 * live on their own pages and are aligned.  Copy the rare small ones so
 * every column can be read as the array it is.
 */
static const void *
aligned(const void *p, size_t len, void **scratch)
{
	if (((uintptr_t)p & 7) == 0)
		return (p);
	if (*scratch == NULL &&
	    (*scratch = malloc((size_t)STORE_SEGROWS * 8)) == NULL)
		return (NULL);
	memcpy(*scratch, p, len);
	return (*scratch);
}

/* 1 when the zone maps show the segment cannot hold a matching row. */
static int
prunable(store_t *st, MDB_txn *txn, kind_t kind, uint32_t batch,
    uint32_t segno, const struct scan_prune *p)
{
	int64_t min, max;

	for (int i = 0; p && i < p->n; i++) {
		if (store_zone_get(st, txn, kind, batch, p->col[i], segno,
		    &min, &max) != 0)
			continue;	/* no zone map: read it */
		if (max < p->lo[i] || min > p->hi[i])
			return (1);
	}
	return (0);
}

int
scan_kind(store_t *st, MDB_txn *txn, kind_t kind, scan_cb cb, void *arg)
{
	return (scan_kind_pruned(st, txn, kind, NULL, cb, arg));
}

int
scan_kind_pruned(store_t *st, MDB_txn *txn, kind_t kind,
    struct scan_prune *p, scan_cb cb, void *arg)
{
	struct batch_info *list;
	void *scratch[SCHEMA_MAXCOLS] = { NULL };
	size_t n;
	int ncols = schema_ncols(kind), rc;

	if ((rc = store_batch_list(st, txn, &list, &n)) != 0)
		return (rc);
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (list[i].kind != kind || list[i].state != BATCH_LIVE)
			continue;
		for (uint32_t s = 0; s < list[i].nsegs && rc == 0; s++) {
			struct scan_seg seg = { &list[i], s, 0, { 0 } };

			if (p)
				p->segments++;
			if (p && prunable(st, txn, kind, list[i].id, s, p)) {
				p->skipped++;
				continue;
			}

			for (int c = 0; c < ncols && rc == 0; c++) {
				size_t len, w = schema_width(
				    schema_coltype(kind, c));

				rc = store_seg_get(st, txn, kind, list[i].id,
				    c, s, &seg.col[c], &len);
				if (rc == 0 && len > (size_t)STORE_SEGROWS * w)
					rc = -EPROTO;
				if (rc == 0 && (seg.col[c] = aligned(seg.col[c],
				    len, &scratch[c])) == NULL)
					rc = -ENOMEM;
				if (rc == 0 && c == 0)
					seg.nrows = (uint32_t)(len / w);
				else if (rc == 0 && len / w != seg.nrows)
					rc = -EPROTO;	/* torn segment */
			}
			if (rc == 0)
				rc = cb(arg, &seg);
		}
	}
	free(list);
	for (int c = 0; c < ncols; c++)
		free(scratch[c]);
	return (rc);
}
