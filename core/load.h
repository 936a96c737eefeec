/*
 * load.h — one file (or stdin) of canonical records into one batch.
 *
 * Reads CSV (a header of field names) or NDJSON (one flat object a line)
 * in fixed-size chunks, checks and converts every value, rejects bad lines
 * with file, line, field and reason, and commits the batch whole, or
 * nothing at all with --strict when any line failed.
 */
#ifndef PLACED_LOAD_H
#define PLACED_LOAD_H

#include <stdint.h>
#include <stdio.h>

#include "batch.h"
#include "schema.h"
#include "store.h"

/* LOAD_IMPORTER: a plugin's importer (load_opts.importer) reads the
 * file and hands over records field by field. */
enum load_format { LOAD_CSV, LOAD_NDJSON, LOAD_IMPORTER };

struct plugin_importer;

struct load_opts {
	kind_t		kind;
	enum load_format format;
	const char	*source;	/* NULL: the file's base name */
	const char	*org;		/* fills org where the file has none */
	int		replace;
	int		strict;
	int		hashed;		/* person values are pseudonyms */
	int		progress;	/* a progress line on stderr */
	FILE		*rejects;	/* every rejected line, or NULL */
	const char *const *maps;	/* "field=Column Name" */
	int		nmaps;
	const char *const *ignores;	/* columns read and set aside */
	int		nignores;
	const char	*keypath;	/* key file, read only when needed */
	const char	*who;
	int		show_errors;	/* reject messages printed, at most;
					   -1: none printed */
	int		only_org;	/* with org: a line of another org is
					   rejected (a partner's own loads) */
	/* Every rejected line, for callers that report them (the server). */
	void		(*on_reject)(void *arg, uint64_t line, const char *why);
	void		*reject_arg;
	/* Classification (core/classify.h): the plugins whose schemes and
	 * classifiers fill cofog and prevention (NULL: none), and the rules
	 * directory (NULL: none). */
	const struct plugins *plugins;
	const char	*rules;
	/* The partner files (etc/partners): spend paid to another partner
	 * is marked a transfer.  NULL: none. */
	const char	*partners;
	/* Bytes that change what is loaded as much as the file does (a
	 * profile's text): part of the content hash. */
	const char	*hash_extra;
	size_t		nhash_extra;
	/* With LOAD_IMPORTER: the importer (plugins_importer()). */
	const struct plugin_importer *importer;
	/* Non-zero (set before the input is closed) when the input ended
	 * early: the batch is abandoned rather than committed short. */
	const volatile int *cancel;
};

#define LOAD_REASONS	8

struct load_result {
	struct batch_result br;
	uint64_t	blank;		/* rows with every field empty */
	/* Lines an importer set aside, in all and by reason (the first
	 * LOAD_REASONS reasons; the rest count as "other"). */
	uint64_t	skipped;
	struct {
		char		why[96];
		uint64_t	n;
	}		reasons[LOAD_REASONS];
	int		nreasons;
};

/*
 * Set o->format (and o->importer) for --format NAME (NULL: csv): csv,
 * ndjson, or the format of an importer in ps that takes o->kind.  0, or
 * -EINVAL with "unknown format \"x\" (csv, ndjson, transparency, ...)"
 * or "format \"x\" reads service records, not spend" in err.
 */
struct plugins;
int load_format(const struct plugins *ps, const char *name,
    struct load_opts *o, char *err, size_t errsz);

/* 0 when committed (or already live: res->br.same_as), else negative with
 * the reason in err; then nothing was committed. */
int load_path(store_t *st, const char *path, const struct load_opts *o,
    struct load_result *res, char *err, size_t errsz);
/* The same from an open descriptor (read to its end, not closed); name
 * is what messages and the default source call it. */
int load_fd(store_t *st, int fd, const char *name, const struct load_opts *o,
    struct load_result *res, char *err, size_t errsz);

#endif
