/*
 * classify.h — classification at load: the fields cofog and prevention
 * (core/schema.c, FD_CLASS) filled from plugins and rules files.
 *
 * For each classification field of the kind, the scheme that fills it is
 * the registered scheme naming that field (cofog → "cofog"; prevention →
 * the cipfa plugin's active scheme).  Then, for one record:
 *
 *   1. a value given in the input is checked by the classifiers of the
 *      plugin that registered the scheme (an unknown code rejects the
 *      line with the plugin's reason) and kept;
 *   2. an empty field is filled by the first classifier of that scheme,
 *      the scheme owner's first, then others in load order, that gives
 *      an answer;
 *   3. then by the first matching rule of that scheme (rules.h).
 *
 * A record split across codes keeps the largest share's code in the
 * field (the first among equals) and the whole split in "shares", one
 * "FIELD: CODE PCT%, ..." part per split field joined by "; ", and what
 * filled each field the input left empty in "classified_by" ("cofog:
 * rule cofog.rules:12; prevention: plugin example-scheme").  A field
 * with no scheme (its plugin is not loaded) is stored as given.
 *
 * A struct classify memoises rule matches per distinct value, so it is
 * one per load and one thread.
 */
#ifndef PLACED_CLASSIFY_H
#define PLACED_CLASSIFY_H

#include <stddef.h>
#include <stdint.h>

#include "placed/plugin.h"
#include "schema.h"

struct plugins;
struct rules;
struct classify;

/* What classification gave one record: per column of the kind, the
 * value to store (NULL: leave the column as it is), valid until the
 * next classify_record. */
struct class_out {
	const char	*val[SCHEMA_MAXCOLS];
	size_t		len[SCHEMA_MAXCOLS];
	int		changed;	/* a class field gets a value */
};

/*
 * For records of kind, with ps (NULL: none) and rules (NULL: none; the
 * classify borrows them, and owns the rules' memo while it lives, so
 * give each classify its own struct rules).  0, or -ENOMEM.
 */
int classify_new(const struct plugins *ps, struct rules *rules, kind_t kind,
    struct classify **out);
/*
 * classify_new with the rules of every "*.rules" file in rules_dir,
 * each code checked against ps's schemes; the classify owns them.  A
 * rules_dir that does not exist means no rules.  0, or a negative errno
 * with "FILE:LINE:COL: ..." in err.
 */
int classify_open(const struct plugins *ps, const char *rules_dir,
    kind_t kind, struct classify **out, char *err, size_t errsz);
/* Frees what classify_open loaded too. */
void classify_free(struct classify *c);
/* Classify only the field scheme fills (others are left as they are):
 * the number of fields left, 0 when the scheme fills none of this kind. */
int classify_scope(struct classify *c, const char *scheme);
/* Whether column col is a field this classify fills. */
int classify_fills(const struct classify *c, int col);
/* Whether any field of the kind has a scheme: else classify_record is
 * a no-op and callers may skip it. */
int classify_any(const struct classify *c);
/*
 * Whether field f of a stored record was given by the input rather than
 * filled by classification: its name has no part in the record's
 * classified_by value by[0..n).
 */
int classify_given(const char *by, size_t n, const char *field);

/*
 * Classify one record given as text per field (vals[i], lens[i] for
 * field i of the kind; NULL or empty for none; persons are never passed
 * to plugins).  0 with out filled, or -1 with why ("plugin \"cofog\":
 * unknown COFOG code ...") when the record must be rejected.
 */
int classify_record(struct classify *c, const char *const *vals,
    const size_t *lens, uint64_t line, struct class_out *out, char *why,
    size_t whysz);

/* Shares of one field out of a "shares" value: up to max codes with
 * basis points into codes/bp (codes point into a copy in buf); the
 * count, 0 when the field has no part.  -1 when the text is malformed. */
int classify_shares_parse(const char *shares, size_t n, const char *field,
    char *buf, size_t bufsz, const char **codes, uint32_t *bp, int max);

#endif
