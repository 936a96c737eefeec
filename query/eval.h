/*
 * eval.h — typed expressions over the rows of a table (internal to query/).
 *
 * An AST expression is compiled once per stage against the columns it
 * reads: names become column numbers, literals take the type they are
 * compared with (1000 next to an amount is £1000), regexes are compiled
 * once.  Evaluation never fails: what cannot be computed is null, and
 * null compares false.
 */
#ifndef PLACED_PQL_EVAL_H
#define PLACED_PQL_EVAL_H

#include <stddef.h>
#include <stdint.h>

#include "ast.h"
#include "exec.h"
#include "table.h"

struct le_flags;

/* One query's run: the snapshot, the text for messages, the params. */
struct qctx {
	store_t		*st;
	MDB_txn		*txn;
	const char	*text;
	size_t		len;
	const struct pql_param *params;
	int		nparams;
	struct table	*strings;	/* arena for strings made while running */
	char		*err;
	size_t		errsz;
	const struct pql_limits *lim;	/* NULL: no limits */
	int		record;		/* the result is record-level */
	int		timeout;	/* the deadline passed or cancelled */
	int		failed;		/* a plugin's function failed: err */
	struct le_flags	*le;		/* low-effect flags, or NULL */
};

/* Past the deadline or cancelled: q->timeout set and the reason in
 * q->err.  1 when the query must stop. */
int q_expired(struct qctx *q);

struct plugin_scheme;
/* The loaded scheme that fills field ("cofog"; "prevention": the active
 * prevention scheme), or NULL when no plugin given to the query does. */
const struct plugin_scheme *q_scheme(const struct qctx *q, const char *field);

struct cexpr;

/* 0, or -1 with the error (and its caret) in q->err. */
int cexpr_compile(struct qctx *q, const struct expr *e,
    const struct table *schema, struct cexpr **out);
void cexpr_eval(const struct cexpr *c, const struct value *row,
    struct value *out);
enum vtype cexpr_type(const struct cexpr *c);
/* The column c is, when it is a dictionary column whose values carry
 * their ids; else -1. */
int cexpr_dict_col(const struct cexpr *c);
/* Add the columns c reads to *mask (bit n for column n). */
void cexpr_cols(const struct cexpr *c, uint64_t *mask);
void cexpr_free(struct cexpr *c);
struct scan_prune;
/* Add to p the ranges that conjunctions in c demand of money, number and
 * date columns (comparisons and between with constants). */
void cexpr_ranges(const struct cexpr *c, struct scan_prune *p);

/* The text of parameter e (an E_PARAM), or NULL after the error "has no
 * value". */
const char *eval_param(struct qctx *q, const struct expr *e);

/* Formats an error at a span of the query text; returns -1. */
int q_error(struct qctx *q, size_t off, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Truth of a value: non-null and non-zero. */
int value_true(const struct value *v);

#endif
