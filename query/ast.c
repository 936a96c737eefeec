/* ast.c — releasing a parsed query, whole or half built. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ast.h"

void
expr_free(struct expr *e)
{
	struct expr *next;

	/* Iterative down a: long "a + b + c ..." chains lean left. */
	while (e != NULL) {
		expr_free(e->b);
		expr_free(e->c);
		for (int i = 0; i < e->nlist; i++)
			expr_free(e->list[i]);
		free(e->list);
		free(e->name);
		next = e->a;
		free(e);
		e = next;
	}
}

static void
exprs_free(struct expr **l, int n)
{
	for (int i = 0; i < n; i++)
		expr_free(l[i]);
	free(l);
}

static void
stage_free(struct stage *st)
{
	struct verb *v = &st->verb;

	expr_free(st->cond);
	exprs_free(st->keys, st->nkeys);
	for (int i = 0; i < st->ncols; i++) {
		free(st->cols[i].name);
		expr_free(st->cols[i].e);
	}
	free(st->cols);
	for (int i = 0; i < st->nsort; i++)
		expr_free(st->sort[i].e);
	free(st->sort);
	free(st->join_kind);
	free(st->join_on);
	free(v->name);
	free(v->mode);
	exprs_free(v->by, v->nby);
	expr_free(v->across);
	expr_free(v->on);
	expr_free(v->within);
	expr_free(v->from);
	free(v->level);
}

void
ast_free(struct query *q)
{
	if (q == NULL)
		return;
	for (int i = 0; i < q->nstages; i++)
		stage_free(&q->stages[i]);
	free(q->stages);
	free(q->source);
	memset(q, 0, sizeof(*q));
}
