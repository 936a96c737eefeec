/*
 * reclassify.h — recompute the classification fields of live batches
 * after rules or plugins change, without reloading any file.
 *
 * Each live batch of a kind with classification fields is read and
 * classified again (core/classify.h): a field the input gave keeps its
 * value (its scheme's owner checks it again), a field classification
 * filled is filled afresh.  A batch where any row changes is rewritten as
 * a new batch that takes the old one's place atomically (same source,
 * same content hash, so loading the same file again stays a no-op); a
 * batch where nothing changes is left alone.  Each rewritten batch is
 * one commit and moves the data version.  Without a scheme it also marks
 * spend transfers afresh from the partner files.
 */
#ifndef PLACED_RECLASSIFY_H
#define PLACED_RECLASSIFY_H

#include <stdint.h>

#include "schema.h"
#include "store.h"

struct plugins;

struct reclass_opts {
	const struct plugins *plugins;
	const char	*rules;		/* rules directory */
	const char	*scheme;	/* only the field this scheme fills;
					   NULL: every field, and transfers */
	const char	*partners;	/* partner files (NULL: transfers are
					   left as they are) */
	int		kind;		/* a kind_t, or -1 for every kind */
	int		dry_run;	/* count, write nothing */
	const char	*who;		/* for the audit */
};

struct reclass_batch {
	uint32_t	id;		/* the batch read */
	uint32_t	new_id;		/* its replacement; 0: none */
	kind_t		kind;
	char		source[256];
	uint64_t	rows;
	uint64_t	changed;	/* rows whose classification moved */
	uint64_t	refused;	/* rows a plugin refused: kept as they
					   were */
	char		first_refusal[640];
};

struct reclass_result {
	struct reclass_batch *v;
	size_t		n;
	uint64_t	data_version;
};

/* 0 with res filled (free with reclass_result_free), or a negative errno
 * with the reason in err; batches rewritten before a failure stay
 * rewritten (each is whole). */
int reclassify(store_t *st, const struct reclass_opts *o,
    struct reclass_result *res, char *err, size_t errsz);
void reclass_result_free(struct reclass_result *res);

#endif
