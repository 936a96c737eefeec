/*
 * group.h — `group KEYS (name = agg(expr), ...)` over a stream of rows
 * (internal to query/).  Aggregates are exact: sums in 128 bits, avg and
 * median of money rounded half to even to the penny, share in percent.
 */
#ifndef PLACED_PQL_GROUP_H
#define PLACED_PQL_GROUP_H

#include "ast.h"
#include "eval.h"
#include "table.h"

struct group;

/* Compile the stage against the input schema; the output table's columns
 * are set in *out (keys, then aggregates). */
int group_new(struct qctx *q, const struct stage *s, const struct table *in,
    struct group **g);
int group_add(struct group *g, const struct value *row);
/* The same, telling where the row stands in scan order (segment << 32 |
 * row): groups come out in the order first seen, whichever part of a
 * parallel scan saw them. */
int group_add_at(struct group *g, const struct value *row, uint64_t pos);
/* Fold src (a group of the same stage over other rows) into dst; frees
 * src.  0 or -ENOMEM. */
int group_merge(struct group *dst, struct group *src);
/* Add the input columns g reads to *mask. */
void group_cols(const struct group *g, uint64_t *mask);
/* The result, one row per group in first-seen order; frees g. */
struct table *group_finish(struct group *g);
void group_free(struct group *g);

#endif
