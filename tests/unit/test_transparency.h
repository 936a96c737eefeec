/*
 * test_transparency.h — what the transparency importer's tests share: a
 * sink that records what the importer gave, as text.
 */
#ifndef TEST_TRANSPARENCY_H
#define TEST_TRANSPARENCY_H

#include <stddef.h>
#include <stdint.h>

#include "mock_host.h"

#define GOT_MAX		256

/* Records as "L3 date=2019-04-01; supplier=X; amount=1.00", skips as
 * "L1 header". */
struct got {
	char		rec[GOT_MAX][512];
	int		nrec;
	char		skip[GOT_MAX][64];
	int		nskip;
	char		err[256];
};

/* Load the plugin into a fresh mock host; the importer. */
const struct placed_importer *tp_load(struct mock_host *m);
/* Run imp over data in pieces of chunk bytes into g (cleared first). */
int tp_run(const struct placed_importer *imp, const char *data, size_t n,
    size_t chunk, struct got *g);
#endif
