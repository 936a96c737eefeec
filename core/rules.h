/*
 * rules.h — rules files: PCRE2 patterns over record fields that give
 * classification codes with shares (DESIGN §7), and exact apportionment.
 *
 * A rules file has one rule a line; blank lines and lines starting with
 * '#' are ignored:
 *
 *	SCHEME  FIELD  /PATTERN/  CODE [SHARE%] {, CODE SHARE%}  [# comment]
 *
 *	cofog  description  /(?i)\bstreet lighting\b/  06.4.0
 *	cipfa  service  /(?i)falls? (prevention|clinic)/  primary 60%, secondary 40%
 *
 * FIELD is a field of some record kind (core/schema.h).  PATTERN is PCRE2
 * (UTF, invalid UTF-8 in a subject never matches across, JIT when
 * available), unanchored; "\/" is a literal slash.  A single code with no
 * share is 100%; shares have at most two decimals and sum to exactly
 * 100%.  Errors read "FILE:LINE:COL: message" with the byte column
 * (from 1) of the offending token.
 *
 * Matching: the rules of one scheme are tried in file order; the first
 * whose pattern matches the record's value of that rule's field wins.
 * Results are memoised per (scheme, field, dictionary id), so one
 * pattern runs at most once per distinct value; id 0 means "no id, do
 * not memoise".  The caller guarantees an id always names the same
 * value for the life of the struct rules (or calls rules_memo_reset).
 * A struct rules is not thread-safe: one per thread, or a lock.
 *
 * Memory: a struct rules owns everything in it; the struct rule pointers
 * it hands out stay valid until rules_free().
 */
#ifndef PLACED_RULES_H
#define PLACED_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "placed/plugin.h"

#define RULES_MAXCODES	16	/* codes in one rule */
#define RULES_BP_WHOLE	10000	/* 100% in basis points */

struct rule {
	const char	*scheme;
	const char	*field;		/* canonical lower case */
	const char	*pattern;	/* as written, without the slashes */
	const char	*file;
	unsigned	line;
	unsigned	code_col[RULES_MAXCODES];	/* column of each code */
	int		ncodes;
	struct placed_share shares[RULES_MAXCODES];	/* bp sum 10000 */
};

struct rules;

/* Parse one file.  0 and *out, or -EINVAL with a "FILE:LINE:COL:" message
 * (-errno for I/O, "FILE: reason").  *out is untouched on failure. */
int rules_load(const char *path, struct rules **out, char *err,
    size_t errsz);
/* Every "*.rules" file in dir, in strcmp name order, concatenated in that
 * order.  An empty or absent-of-rules directory gives an empty set. */
int rules_load_dir(const char *dir, struct rules **out, char *err,
    size_t errsz);
/* Parse text in memory; name is used in messages. */
int rules_parse(const char *name, const char *text, size_t n,
    struct rules **out, char *err, size_t errsz);
void rules_free(struct rules *r);

/*
 * Validate every rule's scheme and codes.  known() returns 1 for a known
 * code, 0 for an unknown code, -1 for an unknown scheme.  0 when all are
 * known, else -EINVAL with "FILE:LINE:COL: unknown SCHEME code \"C\"" or
 * "... unknown scheme \"S\"" for the first offender.
 */
typedef int (*rules_known_cb)(void *arg, const char *scheme,
    const char *code);
int rules_check(const struct rules *r, rules_known_cb known, void *arg,
    char *err, size_t errsz);

size_t rules_count(const struct rules *r);
const struct rule *rules_get(const struct rules *r, size_t i);

/*
 * The first rule of scheme on field whose pattern matches value[0..n).
 * 1 with *hit, 0 with *hit = NULL when none matches, -EIO on a PCRE2
 * match error (a resource limit).  dict_id != 0 memoises the answer.
 */
int rules_match(struct rules *r, const char *scheme, const char *field,
    uint32_t dict_id, const char *value, size_t n, const struct rule **hit);

/*
 * The first rule of scheme, in file order across all fields, whose
 * pattern matches rec's value of the rule's field (fields the record
 * lacks or leaves empty never match).  ids, if not NULL, holds a
 * dictionary id per field of rec (0 = none).  Returns as rules_match.
 */
int rules_classify(struct rules *r, const char *scheme,
    const struct placed_record *rec, const uint32_t *ids,
    const struct rule **hit);

/* Forget memoised answers (the dictionary changed). */
void rules_memo_reset(struct rules *r);
/* Pattern executions so far: for tests of the memo. */
uint64_t rules_executions(const struct rules *r);

/*
 * Split amount into n parts proportional to bp[] (sum > 0; 10000 for a
 * rule) so that the parts sum exactly to amount: each part is the
 * truncated share of |amount|, and the pence left over go one each to
 * the largest remainders, lowest index first among equals; negative
 * amounts are split as their magnitude and negated, so a credit mirrors
 * its debit.
 */
void rules_apportion(int64_t amount, const uint32_t *bp, int n,
    int64_t *out);

#endif
