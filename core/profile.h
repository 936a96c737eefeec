/*
 * profile.h — column-mapping profiles: how the columns of a file that is
 * not in placed's shape become records (placed load --profile FILE).
 *
 * A profile is a text file; '#' starts a comment, one directive a line:
 *
 *	kind outcome                      the kind of record it makes
 *	set bed_day_cost 400.00           a setting, used as $bed_day_cost
 *	skip-if-empty Value "no value (a missing return)"
 *	skip-if EPISTART "1801-01-01" "the HES null date"
 *	FIELD = TEMPLATE                  a field of every record
 *	record                            starts one more record a row
 *
 * Without "record" a row makes one record; with it, each "record" block
 * makes one, with the fields given before the first block as well.
 * A TEMPLATE joins, in order: "literal text", $setting, and {Column} or
 * {Column|fn|fn:arg...}, where fn is one of
 *
 *	month_end      2016-04-01 → 2016-04-30
 *	fy_start       2016-17 → 2016-04-01
 *	fy_end         2016-17 → 2017-03-31
 *	icd10_chapter  an ICD-10 code → its chapter ("injury", "circulatory")
 *	times:X        a count times an amount X (a number or $setting), in
 *	               exact pence: {EPIDUR|times:$bed_day_cost}
 *	round:N        a decimal to N places (half away from zero), for
 *	               numbers written with float noise (0.3333333333333353)
 *	lower, upper, trim
 *
 * Columns are found by header name, ignoring case and surrounding blanks;
 * a profile naming a column the file lacks refuses the file, naming what
 * it has.  Errors in the profile read "FILE:LINE: message".
 */
#ifndef PLACED_PROFILE_H
#define PLACED_PROFILE_H

#include <stddef.h>

#include "placed/plugin.h"
#include "schema.h"

struct profile;

int profile_load(const char *path, struct profile **out, char *err,
    size_t errsz);
void profile_free(struct profile *p);
kind_t profile_kind(const struct profile *p);
const char *profile_name(const struct profile *p);
/* The profile's text, for the content hash of what it loads. */
const char *profile_text(const struct profile *p, size_t *n);

/*
 * An importer (placed/plugin.h) that reads CSV through the profile; it
 * calls skip() through the host table for the header and for rows a
 * skip directive sets aside.  The profile must outlive its use.
 */
void profile_importer(struct profile *p, struct placed_importer *out);

/* For tests: apply one function to a value; 0 with the text in out, or
 * -1 with why. */
int profile_apply(const char *fn, const char *arg, const char *in,
    char *out, size_t outsz, char *why, size_t whysz);

#endif
