/*
 * parser.h — PQL text to the AST of ast.h, and the error format shared by
 * every stage of a query's life (parser, planner, executor).
 */
#ifndef PLACED_PQL_PARSER_H
#define PLACED_PQL_PARSER_H

#include <stddef.h>

#include "ast.h"

/*
 * Parse len bytes of text (no NUL needed) into *q, whose old contents are
 * ignored.  0: *q holds the query, release it with ast_free().  -1: err
 * holds one pql_error() message (the first error only) and *q has been
 * freed and zeroed, so nothing is owed.  The AST keeps byte offsets into
 * text but no pointers to it.
 */
int pql_parse(const char *text, size_t len, struct query *q, char *err,
    size_t errsz);

/*
 * Format into err, always NUL-terminated and truncated to errsz:
 *
 *	line L, column C: MESSAGE
 *	the whole source line holding off
 *	    ^^^^
 *
 * Columns count bytes from 1.  The carets start under off and run span
 * bytes (at least one, clipped to the end of that line); there is no
 * newline after them.  A NUL byte in the source line is shown as '?'.
 */
void pql_error(char *err, size_t errsz, const char *text, size_t len,
    size_t off, size_t span, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

/*
 * The candidate nearest to word by Levenshtein distance, ignoring case,
 * if that distance is at most max(1, strlen(word) / 3); else NULL.  Ties
 * go to the earlier candidate.
 */
const char *pql_suggest(const char *word, const char *const *cands, int n);

#endif
