/*
 * verb.h — the question verbs: one stage each, one file each
 * (internal to query/).
 *
 * A verb takes the table the pipeline has so far (rows of the source,
 * perhaps filtered or derived) and returns a new table with the verb's
 * fixed columns.  It may read other kinds of record through
 * verb_scan() (gaps reads services and activity, for instance).  On error
 * it returns NULL with the message in q->err (q_error() points at the
 * stage); the input stays the caller's.
 */
#ifndef PLACED_PQL_VERB_H
#define PLACED_PQL_VERB_H

#include "ast.h"
#include "eval.h"
#include "schema.h"
#include "table.h"

typedef struct table *(*verb_fn)(struct qctx *q, const struct stage *st,
    const struct table *in);

/* The verb called name, or NULL. */
verb_fn verb_find(const char *name);

/* Every live record of kind as a table (its fields, source, line). */
struct table *verb_scan(struct qctx *q, kind_t kind);

/* Column number of name in t, or -1. */
int verb_col(const struct table *t, const char *name);
/* The money column of a table of records: amount (spend) or cost
 * (activity); -1 when there is none. */
int verb_money_col(const struct table *t);

struct table *verb_accumulate(struct qctx *, const struct stage *,
    const struct table *);
struct table *verb_duplication(struct qctx *, const struct stage *,
    const struct table *);
struct table *verb_gaps(struct qctx *, const struct stage *,
    const struct table *);
struct table *verb_balance(struct qctx *, const struct stage *,
    const struct table *);
struct table *verb_frequency(struct qctx *, const struct stage *,
    const struct table *);
struct table *verb_journeys(struct qctx *, const struct stage *,
    const struct table *);
struct table *verb_trend(struct qctx *, const struct stage *,
    const struct table *);
struct table *verb_quality(struct qctx *, const struct stage *,
    const struct table *);

#endif
