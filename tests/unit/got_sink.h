/*
 * got_sink.h — a mock_sink for importer tests that keeps what it got:
 * the first GOT_MAX records and skips in full, counts of all, and a hook
 * that sees every record (for checks over whole real files).
 */
#ifndef PLACED_GOT_SINK_H
#define PLACED_GOT_SINK_H

#include <stdint.h>

#include "mock_host.h"

#define GOT_MAX		32

struct got_rec {
	int		n;
	char		names[16][16];
	char		values[16][256];
	uint64_t	line;
};

struct got {
	struct mock_sink sink;
	int		nrec, nskip;
	struct got_rec	rec[GOT_MAX];
	uint64_t	skip_line[GOT_MAX];
	char		skip_why[GOT_MAX][128];
	int		stop_after;	/* > 0: emit returns 1 after this many */
	void		(*hook)(struct got *g, const struct placed_record *r);
	void		*arg;
};

/* A fresh collector, its sink ready for mock_import. */
void got_init(struct got *g);
/* Field name of the i-th record kept, or NULL when it has none. */
const char *got_field(const struct got *g, int i, const char *name);
/* mock_import of the NUL-terminated text into a fresh g. */
int got_import(struct got *g, const struct placed_importer *imp,
    const char *kind, const char *text, size_t chunk, char *err,
    size_t errsz);
#endif
