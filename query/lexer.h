/*
 * lexer.h — PQL tokens with byte offsets into the query text.
 *
 * Line and column are worked out only when an error is printed
 * (pql_where()).  Literal values are decoded here, once: money to pence,
 * dates to days, fiscal years and quarters to day ranges.
 */
#ifndef PLACED_PQL_LEXER_H
#define PLACED_PQL_LEXER_H

#include <stddef.h>
#include <stdint.h>

enum tok {
	T_EOF, T_SEP,			/* newline or | between stages */
	T_IDENT, T_STRING, T_INT, T_DEC, T_PERCENT, T_MONEY, T_DATE,
	T_PERIOD, T_DURATION, T_PARAM,
	T_LP, T_RP, T_COMMA, T_ASSIGN,
	T_EQ, T_NE, T_LT, T_LE, T_GT, T_GE, T_MATCH,
	T_PLUS, T_MINUS, T_STAR, T_SLASH
};

struct token {
	enum tok	t;
	size_t		off, len;	/* span in the query text */
	int64_t		i;		/* int, money pence, date, days,
					   decimal ×10000, percent ×10000 */
	int32_t		lo, hi;		/* T_PERIOD: first and last day */
	char		*s;		/* ident, param or unescaped string;
					   T_PERIOD: its label "fy2025q1" */
};

struct lexer {
	const char	*src;
	size_t		len, pos;
	int		depth;		/* parentheses: newlines inside join */
	char		*err;
	size_t		errsz;
	size_t		erroff, errlen;
};

void lex_init(struct lexer *lx, const char *src, size_t len, char *err,
    size_t errsz);
/* The next token; -1 with lx->err set on a bad token.  tok->s is
 * malloc'd for the caller. */
int lex_next(struct lexer *lx, struct token *tok);
const char *tok_name(enum tok t);
/* Line and column (both from 1, columns in bytes) of byte offset off;
 * an offset past the end is taken as the end. */
void pql_where(const char *src, size_t len, size_t off, int *line,
    int *col);

#endif
