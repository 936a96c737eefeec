/*
 * disclose.h — what a caller may see of a result: record-level rows
 * only where allowed, and no cell computed from fewer than K people
 * (internal to query/).
 *
 * A table under suppression carries a hidden column, #support, with the
 * number of distinct people behind each row (0: no person data at all;
 * DISCLOSE_TAINT: must be suppressed whatever its count, see the
 * low-effect check in disclose.c).  Record-level rows carry a hidden
 * copy of their person, #person, so that a later group can count people
 * even when select has dropped the visible column.
 */
#ifndef PLACED_PQL_DISCLOSE_H
#define PLACED_PQL_DISCLOSE_H

#include "ast.h"
#include "eval.h"
#include "table.h"

#define DISCLOSE_PERSON		"#person"
#define DISCLOSE_SUPPORT	"#support"
#define DISCLOSE_TAINT		(-1)

/* Suppression is on for this query (suppress_k > 0). */
int disclose_on(const struct qctx *q);
/* The query's result is record-level: no group and no question verb. */
int disclose_record_level(const struct query *qy);
/* The column persons are counted from: a hidden #person, else a visible
 * person column; -1 when t has none. */
int disclose_person_col(const struct table *t);

/* Give a verb's output its support column, from the verb's input.
 * Replaces *out; 0, or -1 with q->err set. */
int disclose_verb(struct qctx *q, const struct stage *st,
    const struct table *in, struct table **out);

/*
 * Run the low-effect check for the query's leading where stages and
 * remember in q which result groups it flags.  0, or -1 with q->err set
 * (*fail says why).
 */
int disclose_low_effect(struct qctx *q, const struct query *qy,
    int *forbidden);
/* Taint the rows of t, the output of stage `stage`, that the low-effect
 * check flagged.  0 or -ENOMEM. */
int disclose_taint(struct qctx *q, int stage, struct table *t);
/* Forget what disclose_low_effect() remembered. */
void disclose_done(struct qctx *q);

/* Null the cells of rows with too little support (and enough others to
 * protect them), counting the nulled cells in t->suppressed. */
int disclose_suppress(struct qctx *q, struct table *t);

/* Run the pipeline of qy as it stands (exec.c), without suppressing:
 * the low-effect check runs cut and rewritten copies of a query. */
int exec_cut(struct qctx *q, const struct query *qy, struct table **out);

#endif
