/*
 * scheme.h — inside the cipfa plugin: prevention schemes read from
 * NAME.scheme files (format: etc/prevention/README.md).  Nothing here is
 * exported from the module (-fvisibility=hidden).
 *
 * Errors: 0, or -EINVAL with "FILE:LINE: message" (-errno for I/O with
 * "FILE: reason") in err.  Memory: a struct prev_scheme owns all its
 * strings and arrays; prev_schemes_free() releases a loaded set.
 */
#ifndef PLACED_CIPFA_SCHEME_H
#define PLACED_CIPFA_SCHEME_H

#include <stddef.h>

#include "placed/plugin.h"

#define PREV_MAXLEVELS	16

struct prev_level {
	char		*code;		/* "primary", lower case */
	char		*title;		/* "Primary prevention" */
	char		*definition;	/* "" when the file gives none */
	unsigned	line;
};

struct prev_scheme {
	char		*name;
	char		*title;
	char		*source;
	int		provisional;
	struct prev_level levels[PREV_MAXLEVELS];
	size_t		nlevels;
	/* For registration: the codes NULL-ended, and one placed_code a
	 * level (parent NULL), pointing into levels[]. */
	const char	*codes[PREV_MAXLEVELS + 1];
	struct placed_code pcodes[PREV_MAXLEVELS];
};

/*
 * Parse one file's text.  file names it in messages; stem, if not NULL,
 * is the name the file's "name =" must have.  *out is set only on
 * success.
 */
int prev_scheme_parse(const char *file, const char *stem, const char *text,
    size_t n, struct prev_scheme **out, char *err, size_t errsz);
/* Read and parse path; the stem is its base name less ".scheme". */
int prev_scheme_load(const char *path, struct prev_scheme **out, char *err,
    size_t errsz);
void prev_scheme_free(struct prev_scheme *s);

/*
 * Every "*.scheme" file in dir, in strcmp name order.  A directory with
 * none is an error ("DIR: no *.scheme files").  *out and *n are set only
 * on success.
 */
int prev_schemes_load_dir(const char *dir, struct prev_scheme ***out,
    size_t *n, char *err, size_t errsz);
void prev_schemes_free(struct prev_scheme **v, size_t n);

/* The level whose code is s[0..n) ignoring case and surrounding blanks,
 * or NULL. */
const struct prev_level *prev_level_find(const struct prev_scheme *s,
    const char *v, size_t n);

#endif
