/* fuzz_pql.c — PQL lexer and parser: any bytes, no crash, no leak. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "lexer.h"
#include "parser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_span(const struct expr *e, size_t size)
{
	for (; e != NULL; e = e->a) {
		if (e->off > size || e->len > size - e->off)
			abort();
		check_span(e->b, size);
		check_span(e->c, size);
		for (int i = 0; i < e->nlist; i++)
			check_span(e->list[i], size);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct lexer lx;
	struct token t;
	struct query q;
	size_t errsz = 2 * size + 1024;	/* room for the line and carets */
	char *err;

	if ((err = malloc(errsz)) == NULL)
		return (0);
	/* The lexer alone, past anything the parser would stop at. */
	lex_init(&lx, s, size, err, errsz);
	while (lex_next(&lx, &t) == 0 && t.t != T_EOF) {
		if (t.off > size || t.len > size - t.off)
			abort();
		free(t.s);
	}
	free(t.s);

	if (pql_parse(s, size, &q, err, errsz) != 0) {
		/* One formatted error, and nothing left to free. */
		if (strncmp(err, "line ", 5) != 0 || strchr(err, '^') == NULL ||
		    q.source != NULL || q.stages != NULL)
			abort();
		free(err);
		return (0);
	}
	free(err);
	if (q.source == NULL || q.srcoff + q.srclen > size)
		abort();
	for (int i = 0; i < q.nstages; i++) {
		const struct stage *st = &q.stages[i];

		if (st->off > size || st->len > size - st->off)
			abort();
		check_span(st->cond, size);
		for (int k = 0; k < st->nkeys; k++)
			check_span(st->keys[k], size);
		for (int k = 0; k < st->ncols; k++)
			check_span(st->cols[k].e, size);
		for (int k = 0; k < st->nsort; k++)
			check_span(st->sort[k].e, size);
	}
	ast_free(&q);
	return (0);
}
