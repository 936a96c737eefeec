/*
 * parse.h — the parser's state and the helpers its files share: parser.c
 * (queries, stages, errors, tokens), parse_expr.c (expressions and
 * aggregates) and parse_verb.c (the question verbs' stages).  Internal to
 * query/; parser.h is the public interface.
 *
 * Every rule starts at p->tok and leaves there the first token after
 * it.  A rule that fails returns -1 or NULL once the error is recorded;
 * perr() keeps only the first.
 */
#ifndef PLACED_PQL_PARSE_H
#define PLACED_PQL_PARSE_H

#include <stddef.h>

#include "ast.h"
#include "lexer.h"

#define NELEM(a)	((int)(sizeof(a) / sizeof((a)[0])))

struct parser {
	struct lexer	lx;
	const char	*src;
	size_t		len;
	struct token	tok;		/* current */
	struct token	ahead;		/* one token of lookahead, if nahead */
	int		nahead;
	int		ahead_bad;	/* ahead is a lexical error */
	char		*lexerr;	/* its message, shown if we get there */
	const char	*last;		/* name of the last stage parsed */
	size_t		prevend;	/* end of the last real token taken */
	int		depth;
	int		in_agg;		/* inside an aggregate's argument */
	int		in_keys;	/* in a group's keys */
	int		failed;
	char		*err;
	size_t		errsz;
};

/* Words that end or join expressions and so are never fields. */
extern const char *const reserved[6];

/* Errors (parser.c): each returns -1. */
int perr(struct parser *p, size_t off, size_t span, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int expected(struct parser *p, const char *what);
int unknown(struct parser *p, const char *what, const char *const *cands,
    int n, const char *otherwise);

/* Tokens (parser.c). */
int advance(struct parser *p);
const struct token *peek(struct parser *p);
char *take_s(struct parser *p);
int is_word(const struct parser *p, const char *w);
int in_list(const char *s, const char *const *l, int n);

/* Nodes (parser.c). */
int oom(struct parser *p);
struct expr *enew(struct parser *p, enum expr_kind k, size_t off,
    size_t len);
int push_expr(struct parser *p, struct expr ***list, int *n, struct expr *e);
void *grow(struct parser *p, void **arr, int *n, size_t sz);
char *default_name(const struct expr *e);

/* Words shared by stages (parser.c). */
int p_choice(struct parser *p, const char *const *words, int n,
    const char *what, char **out);
int p_word(struct parser *p, const char *w, const char *what);

/* Expressions and aggregates (parse_expr.c). */
struct expr *p_expr(struct parser *p);
struct expr *p_field(struct parser *p, const char *what);
struct expr *p_string(struct parser *p, const char *what);
struct expr *p_duration(struct parser *p, const char *what);
int p_agg(struct parser *p, struct stage *st);

/* The question verbs' stages (parse_verb.c), after the verb's name. */
int p_accumulate(struct parser *p, struct stage *st);
int p_duplication(struct parser *p, struct stage *st);
int p_gaps(struct parser *p, struct stage *st);
int p_balance(struct parser *p, struct stage *st);
int p_frequency(struct parser *p, struct stage *st);
int p_journeys(struct parser *p, struct stage *st);
int p_trend(struct parser *p, struct stage *st);
int p_quality(struct parser *p, struct stage *st);

/* [ NAME "=" ]: append a column to st's list; NULL on error. */
struct named *named_begin(struct parser *p, struct stage *st);

#endif
