/* join.h — the join stage (internal to query/). */
#ifndef PLACED_PQL_JOIN_H
#define PLACED_PQL_JOIN_H

#include "ast.h"
#include "eval.h"
#include "schema.h"
#include "table.h"

/* The rows of in (records of lkind, or derived from them) joined with the
 * live records of st->join_kind on st->join_on; NULL with q->err set. */
struct table *join_rows(struct qctx *q, const struct stage *st,
    const struct table *in, kind_t lkind);

#endif
