/*
 * partners.h — the partners of a place (etc/partners: NAME.partners files) and the
 * transfers between them.
 *
 * One partner a line; blank lines and lines starting with '#' are
 * ignored:
 *
 *	ID  TYPE  ONS  "NAME"  /PATTERN/ [/PATTERN/ ...]
 *
 *	hyndburn  council  E07000120  "Hyndburn Borough Council"  /(?i)^hyndburn (borough )?council\b/
 *
 * ID is a short name ([a-z0-9_-]+) records may use as their org; TYPE is
 * a word (council, police, fire, health, voluntary, funder, other); ONS
 * is the body's ONS code or "-"; NAME is quoted; each PATTERN (PCRE2,
 * unanchored, "\/" for a slash) matches the ways the partner's name is
 * written as a supplier in others' spend files.  Errors read
 * "FILE:LINE:COL: message".
 *
 * A spend line whose supplier matches another partner than the one that
 * paid (its org, matched by ID, NAME or ONS code) is a transfer: the
 * money moves between partners rather than reaching people, so pooled
 * totals would count it twice.
 */
#ifndef PLACED_PARTNERS_H
#define PLACED_PARTNERS_H

#include <stddef.h>

struct partner {
	char	*id, *type, *ons, *name;
	char	*file;
	unsigned line;
};

struct partners;

/* Every "*.partners" file in dir, in name order.  A dir that does not
 * exist is an empty set.  0, or a negative errno with the reason. */
int partners_load_dir(const char *dir, struct partners **out, char *err,
    size_t errsz);
int partners_parse(const char *name, const char *text, size_t n,
    struct partners **out, char *err, size_t errsz);
void partners_free(struct partners *p);
size_t partners_count(const struct partners *p);
const struct partner *partners_get(const struct partners *p, size_t i);

/* The partner whose patterns match a supplier, first in file order, or
 * NULL; not thread-safe (it remembers answers per distinct value). */
const struct partner *partners_match(struct partners *p, const char *s,
    size_t n);
/*
 * The partner a spend line pays when it is a transfer: its supplier is a
 * partner (partners_match) and not the payer (org, by partners_find,
 * else the patterns).  NULL: not a transfer.
 */
const struct partner *partners_transfer(struct partners *p, const char *org,
    size_t on, const char *supplier, size_t sn);
/* The partner an org value names: its ID, NAME or ONS code, ignoring
 * case; NULL when none. */
const struct partner *partners_find(const struct partners *p, const char *s,
    size_t n);

#endif
