/* scan.c — live batches → segments → column arrays in the map. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "scan.h"

int
scan_kind(store_t *st, MDB_txn *txn, kind_t kind, scan_cb cb, void *arg)
{
	struct batch_info *list;
	size_t n;
	int ncols = schema_ncols(kind), rc;

	if ((rc = store_batch_list(st, txn, &list, &n)) != 0)
		return (rc);
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (list[i].kind != kind || list[i].state != BATCH_LIVE)
			continue;
		for (uint32_t s = 0; s < list[i].nsegs && rc == 0; s++) {
			struct scan_seg seg = { &list[i], s, 0, { 0 } };

			for (int c = 0; c < ncols && rc == 0; c++) {
				size_t len, w = schema_width(
				    schema_coltype(kind, c));

				rc = store_seg_get(st, txn, kind, list[i].id,
				    c, s, &seg.col[c], &len);
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
	return (rc);
}
