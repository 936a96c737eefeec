/*
 * geo.h — the place hierarchy: ONS codes with their level, name and the
 * code above them at each coarser level.
 *
 * `placed load geo` reads ONS lookup files (LSOA11CD, WD19NM, LAD20CD…):
 * a row names codes at several levels, and each code in it takes the
 * row's coarser codes as its parents (where the one nests in the other:
 * see geo.c).  The store's geo db keeps, per code, only what the files
 * said of that code; geo_resolve() fills the other levels from its
 * parents' entries, so a later load of district → police force area
 * reaches every LSOA and ward below the district without rewriting them.
 *
 * On disk (key: the code):
 *   format(1) level(1) nlevels(1) namelen(1)
 *   nlevels × GEO_CODEMAX bytes: the parent at level 1, 2… (NUL-padded)
 *   namelen bytes: the name
 * Levels are numbered for good: a new level is appended, and an entry
 * written with fewer levels reads with the others empty.
 */
#ifndef PLACED_GEO_H
#define PLACED_GEO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "store.h"

enum geo_level {
	GEO_NONE = 0,
	GEO_LSOA, GEO_MSOA, GEO_WARD, GEO_LAD, GEO_COUNTY, GEO_REGION,
	GEO_COUNTRY, GEO_PFA, GEO_FRA, GEO_CSP, GEO_CCG, GEO_STP, GEO_CAUTH,
	GEO_NLEVEL
};

#define GEO_FORMAT	1
#define GEO_CODEMAX	16	/* ONS codes are 9 characters */
#define GEO_NAMEMAX	128

struct geo_place {
	enum geo_level	level;		/* GEO_NONE: never named in a column */
	char		name[GEO_NAMEMAX];
	char		up[GEO_NLEVEL][GEO_CODEMAX];	/* by level; "" none */
};

/* "lad", "ward"…; NULL for GEO_NONE and out of range. */
const char *geo_level_name(enum geo_level lv);
/* The level called name (any case), or GEO_NONE. */
enum geo_level geo_level_find(const char *name, size_t n);
/* 1 when lv may have a parent at level up (a ward lies in one district;
 * an LSOA's ward is only a best fit, but ONS publishes it as its ward). */
int geo_nests(enum geo_level lv, enum geo_level up);

/*
 * An ONS lookup header: PREFIX, two digits of year, CD or NM, any case
 * (LSOA11CD, WD19NM, CTYUA21CD).  1 with the level and *isname, 0 for a
 * column that is not one (FID, IMD19, CCG20CDH, LAD19NMW).
 */
int geo_column(const char *h, size_t n, enum geo_level *lv, int *isname);
/* A plausible code: 1 to GEO_CODEMAX - 1 letters and digits. */
int geo_code_ok(const char *s, size_t n);

/* The entry of code as loaded; -ENOENT when there is none. */
int geo_get(store_t *st, MDB_txn *txn, const char *code, struct geo_place *p);
/* The same with every level its parents know filled in; -ENOENT when
 * code has no entry. */
int geo_resolve(store_t *st, MDB_txn *txn, const char *code,
    struct geo_place *p);
/* The code at level lv of the place code resolved to p: code itself at
 * its own level, "" when unknown or coarser than lv. */
const char *geo_at(const struct geo_place *p, const char *code,
    enum geo_level lv);
/* 1 when the place (code, resolved to p) is area or lies in it. */
int geo_within(const struct geo_place *p, const char *code,
    const char *area);

/* Encoding (for the loader and the tests). */
size_t geo_encode(const struct geo_place *p, uint8_t *buf, size_t sz);
int geo_decode(const void *data, size_t len, struct geo_place *p);

/* Loading ------------------------------------------------------------ */

struct geo_load_opts {
	const char	*who;		/* for the audit record */
	int		strict;		/* any bad row fails the load */
	int		replace;	/* forget every entry first */
	int		show_errors;	/* bad rows printed per file */
	FILE		*errs;		/* where (NULL: not printed) */
};

struct geo_load_result {
	uint64_t	rows, rejected;
	size_t		codes;			/* distinct codes in the files */
	size_t		known[GEO_NLEVEL];	/* entries per level, after */
	size_t		total;
	uint64_t	data_version;
};

/*
 * Read every file, then write all of it in one transaction: committed
 * whole (bumping the data version, with an audit record) or not at all.
 * An entry already there keeps what these files do not say.  Bad rows
 * are counted and printed; a file that cannot be read or has no code
 * column fails the load.  0, or negative with the reason in err.
 */
int geo_load(store_t *st, const char *const *files, int nfiles,
    const struct geo_load_opts *o, struct geo_load_result *res, char *err,
    size_t errsz);

#endif
