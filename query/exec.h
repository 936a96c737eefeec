/*
 * exec.h — run a PQL query against the store.
 *
 * pql_run() parses, plans and executes in one read transaction (one
 * consistent snapshot, named by *data_version) and returns the result
 * table, which the caller frees with table_free().  On error it returns
 * -1 and err holds the message with its line, column and caret.
 */
#ifndef PLACED_PQL_EXEC_H
#define PLACED_PQL_EXEC_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "store.h"
#include "table.h"

struct plugins;

struct pql_param {
	const char	*name;
	const char	*value;		/* text, typed by where it is used */
};

/*
 * How a parameter's text reads where the query wants a period, a number
 * of days or a percentage: the same rules the evaluator applies, so a
 * value that passes here is one the query accepts there.  0, or -EINVAL
 * (nothing written).  Money, dates and numbers read as value.h says.
 */
int pql_text_period(const char *s, int32_t *lo, int32_t *hi);
					/* fy2025, fy2025q3, 2025-04-01 */
int pql_text_days(const char *s, int64_t *days);	/* 30d */
int pql_text_percent(const char *s, int64_t *v);
					/* 5  5%  2.5%, as value × 10,000 */

int pql_run(store_t *st, const char *text, size_t len,
    const struct pql_param *params, int nparams, struct table **out,
    uint64_t *data_version, char *err, size_t errsz);

enum pql_fail {
	PQL_OK = 0,
	PQL_FAIL_QUERY,		/* bad query: parse/plan/run error (HTTP 400) */
	PQL_FAIL_FORBIDDEN,	/* refused by the access rules (403) */
	PQL_FAIL_ROWS,		/* result larger than max_rows (413) */
	PQL_FAIL_TIME,		/* ran past the deadline or was cancelled (503) */
	PQL_FAIL_INTERNAL	/* out of memory, store error (500) */
};

/*
 * What one caller may run and see.  A result is record-level when its
 * pipeline has no group and no question verb; otherwise it is an
 * aggregate, and under suppression every cell computed from fewer than
 * suppress_k distinct people is null (see disclose.c for exactly what
 * that protects).  All zero: no limits, as pql_run().
 */
struct pql_limits {
	int		suppress_k;	/* 0: no suppression (admin); else K, e.g. 5 */
	int		aggregates_only;/* reader: refuse record-level results */
	const char	*own_org;	/* analyst: record-level rows only of this org */
	uint64_t	max_rows;	/* 0: no cap */
	int64_t		deadline_ns;	/* CLOCK_MONOTONIC ns; 0: none */
	const volatile int *cancel;	/* non-NULL: stop when *cancel != 0 */
	/* Not a limit: the schemes the query reads (balance prevention,
	 * cofog.title); NULL: none, and those answer as without plugins. */
	const struct plugins *plugins;
};

/*
 * Like pql_run, under limits (NULL: none); *fail says which kind of
 * failure (PQL_OK on success).  Parse errors keep pql_run's form: "line
 * L, column C: message", the text line, then a caret line.  The limits
 * and the strings they point at need only last for the call.
 */
int pql_run_limited(store_t *st, const char *text, size_t len,
    const struct pql_param *params, int nparams, const struct pql_limits *lim,
    struct table **out, uint64_t *data_version, enum pql_fail *fail,
    char *err, size_t errsz);

/* Print the plan of a query: what the scan filters, skips, decodes and
 * groups, then the stages after it.  0, or -1 with err set. */
int pql_explain(store_t *st, const char *text, size_t len,
    const struct pql_param *params, int nparams, FILE *f, char *err,
    size_t errsz);

#endif
