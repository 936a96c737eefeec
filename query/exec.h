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

struct pql_param {
	const char	*name;
	const char	*value;		/* text, typed by where it is used */
};

int pql_run(store_t *st, const char *text, size_t len,
    const struct pql_param *params, int nparams, struct table **out,
    uint64_t *data_version, char *err, size_t errsz);

/* Print the plan of a query: what the scan filters, skips, decodes and
 * groups, then the stages after it.  0, or -1 with err set. */
int pql_explain(store_t *st, const char *text, size_t len,
    const struct pql_param *params, int nparams, FILE *f, char *err,
    size_t errsz);

#endif
