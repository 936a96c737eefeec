/*
 * parser.c — PQL recursive descent: the first error only, at its span.
 *
 * XXX: past the 800-line mark; expressions and the verbs' stages should
 * move to files of their own behind a private header.
 */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "lexer.h"
#include "parser.h"

#define MAX_DEPTH	128	/* nesting of (), not and unary minus */
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

static const char *const sources[] = {
	"spend", "activity", "outcome", "services"
};

struct func {
	const char	*name;
	int		nargs;
};

static const struct func funcs[] = {
	{ "month", 1 }, { "quarter", 1 }, { "fy", 1 }
};

static const struct func aggs[] = {
	{ "sum", 1 }, { "count", 0 }, { "count_distinct", 1 }, { "avg", 1 },
	{ "min", 1 }, { "max", 1 }, { "median", 1 }, { "share", 1 }
};

/* Suggestions for a misspelt call: functions first, then aggregates. */
static const char *const call_names[] = {
	"month", "quarter", "fy", "sum", "count", "count_distinct", "avg",
	"min", "max", "median", "share"
};

static const char *const agg_names[] = {
	"sum", "count", "count_distinct", "avg", "min", "max", "median",
	"share"
};

#define AGG_LIST \
	"sum, count, count_distinct, avg, min, max, median or share"

/* Words that end or join expressions and so are never fields. */
static const char *const reserved[] = {
	"and", "or", "not", "in", "between", "within"
};

static const struct {
	enum tok	t;
	enum binop	op;
} cmp_ops[] = {
	{ T_EQ, OP_EQ }, { T_NE, OP_NE }, { T_LT, OP_LT }, { T_LE, OP_LE },
	{ T_GT, OP_GT }, { T_GE, OP_GE }
};

static const struct {
	enum tok	t;
	enum expr_kind	k;
} literals[] = {
	{ T_INT, E_INT }, { T_DEC, E_DEC }, { T_PERCENT, E_PERCENT },
	{ T_MONEY, E_MONEY }, { T_DATE, E_DATE }, { T_PERIOD, E_PERIOD },
	{ T_DURATION, E_DURATION }, { T_STRING, E_STRING },
	{ T_PARAM, E_PARAM }
};

static struct expr *p_expr(struct parser *p);

/* Errors ------------------------------------------------------------ */

/* A NUL in the echoed source would end the message: shown as '?'. */
static void
put(char *err, size_t errsz, size_t *pos, const char *s, size_t n)
{
	for (size_t i = 0; i < n && *pos + 1 < errsz; i++)
		err[(*pos)++] = s[i] != '\0' ? s[i] : '?';
	err[*pos] = '\0';
}

static void
put_n(char *err, size_t errsz, size_t *pos, char c, size_t n)
{
	for (size_t i = 0; i < n && *pos + 1 < errsz; i++)
		err[(*pos)++] = c;
	err[*pos] = '\0';
}

void
pql_error(char *err, size_t errsz, const char *text, size_t len,
    size_t off, size_t span, const char *fmt, ...)
{
	char head[640], msg[512];
	size_t ls, le, pos = 0;
	int line, col, n;
	va_list ap;

	if (err == NULL || errsz == 0)
		return;
	err[0] = '\0';
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (off > len)
		off = len;
	pql_where(text, len, off, &line, &col);
	for (ls = off; ls > 0 && text[ls - 1] != '\n'; ls--)
		;
	for (le = off; le < len && text[le] != '\n'; le++)
		;
	if (le > ls && text[le - 1] == '\r')
		le--;
	if (span > le - off || off >= le)
		span = off < le ? le - off : 1;
	if (span == 0)
		span = 1;
	n = snprintf(head, sizeof(head), "line %d, column %d: %s\n", line,
	    col, msg);
	put(err, errsz, &pos, head, n < 0 ? 0 : (size_t)n);
	put(err, errsz, &pos, text + ls, le - ls);
	put(err, errsz, &pos, "\n", 1);
	put_n(err, errsz, &pos, ' ', off - ls);
	put_n(err, errsz, &pos, '^', span);
}

static size_t
lev(const char *a, size_t al, const char *b, size_t lim)
{
	size_t bl = strlen(b), *row, prev, d;

	if (al > bl + lim || bl > al + lim)
		return (SIZE_MAX);
	if ((row = malloc((bl + 1) * sizeof(*row))) == NULL)
		return (SIZE_MAX);
	for (size_t j = 0; j <= bl; j++)
		row[j] = j;
	for (size_t i = 1; i <= al; i++) {
		prev = row[0];
		row[0] = i;
		for (size_t j = 1; j <= bl; j++) {
			d = prev + (tolower((unsigned char)a[i - 1]) !=
			    tolower((unsigned char)b[j - 1]));
			if (row[j] + 1 < d)
				d = row[j] + 1;
			if (row[j - 1] + 1 < d)
				d = row[j - 1] + 1;
			prev = row[j];
			row[j] = d;
		}
	}
	d = row[bl];
	free(row);
	return (d);
}

const char *
pql_suggest(const char *word, const char *const *cands, int n)
{
	size_t wl = strlen(word), lim = wl / 3, best = SIZE_MAX, d;
	const char *bc = NULL;

	if (lim < 1)
		lim = 1;
	for (int i = 0; i < n; i++) {
		d = lev(word, wl, cands[i], lim);
		if (d < best) {
			best = d;
			bc = cands[i];
		}
	}
	return (best <= lim ? bc : NULL);
}

static int
perr(struct parser *p, size_t off, size_t span, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
perr(struct parser *p, size_t off, size_t span, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (p->failed)
		return (-1);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pql_error(p->err, p->errsz, p->src, p->len, off, span, "%s", msg);
	p->failed = 1;
	return (-1);
}

/* What the current token is, for "found ..."; where to put the carets. */
static void
found(const struct parser *p, char *buf, size_t n, size_t *off,
    size_t *span)
{
	const struct token *t = &p->tok;
	const char *s = p->src + t->off;
	int w = t->len > 24 ? 24 : (int)t->len;
	const char *more = t->len > 24 ? "..." : "";

	if (t->t == T_EOF || (t->t == T_SEP && *s == '\n')) {
		*off = p->prevend;
		*span = 1;
		snprintf(buf, n, "%s", t->t == T_EOF ? "end of query" :
		    "end of line");
		return;
	}
	*off = t->off;
	*span = t->len;
	if (t->t == T_STRING)
		snprintf(buf, n, "string %.*s%s", w, s, more);
	else
		snprintf(buf, n, "\"%.*s%s\"", w, s, more);
}

static int
expected(struct parser *p, const char *what)
{
	char buf[64];
	size_t off, span;

	found(p, buf, sizeof(buf), &off, &span);
	return (perr(p, off, span, "expected %s, found %s", what, buf));
}

/* An unknown word: with a suggestion if one is near enough. */
static int
unknown(struct parser *p, const char *what, const char *const *cands,
    int n, const char *otherwise)
{
	const struct token *t = &p->tok;
	const char *sug = pql_suggest(t->s, cands, n);

	if (sug != NULL)
		return (perr(p, t->off, t->len,
		    "unknown %s \"%s\" — did you mean \"%s\"?", what, t->s,
		    sug));
	return (perr(p, t->off, t->len, "unknown %s \"%s\"%s", what, t->s,
	    otherwise));
}

/* Tokens ------------------------------------------------------------ */

/* A lexical error becomes the error only when the parser reaches it. */
static int
lex_failed(struct parser *p)
{
	if (!p->failed && p->lexerr != NULL)
		snprintf(p->err, p->errsz, "%s", p->lexerr);
	else if (!p->failed && p->err != NULL && p->errsz > 0)
		snprintf(p->err, p->errsz, "out of memory");
	p->failed = 1;
	return (-1);
}

static int
advance(struct parser *p)
{
	if (p->tok.t != T_SEP && p->tok.t != T_EOF)
		p->prevend = p->tok.off + p->tok.len;
	free(p->tok.s);
	if (p->nahead) {
		p->tok = p->ahead;
		memset(&p->ahead, 0, sizeof(p->ahead));
		p->nahead = 0;
		if (p->ahead_bad)
			return (lex_failed(p));
		return (0);
	}
	if (lex_next(&p->lx, &p->tok) != 0) {
		free(p->tok.s);
		memset(&p->tok, 0, sizeof(p->tok));
		return (lex_failed(p));
	}
	return (0);
}

/* The token after the current one: T_EOF if it is a lexical error. */
static const struct token *
peek(struct parser *p)
{
	if (!p->nahead) {
		if (lex_next(&p->lx, &p->ahead) != 0) {
			free(p->ahead.s);
			memset(&p->ahead, 0, sizeof(p->ahead));
			p->ahead_bad = 1;
		}
		p->nahead = 1;
	}
	return (&p->ahead);
}

static char *
take_s(struct parser *p)
{
	char *s = p->tok.s;

	p->tok.s = NULL;
	return (s);
}

static int
is_word(const struct parser *p, const char *w)
{
	return (p->tok.t == T_IDENT && strcmp(p->tok.s, w) == 0);
}

static int
in_list(const char *s, const char *const *l, int n)
{
	for (int i = 0; i < n; i++)
		if (strcmp(s, l[i]) == 0)
			return (1);
	return (0);
}

static const struct func *
find_func(const struct func *f, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(f[i].name, name) == 0)
			return (&f[i]);
	return (NULL);
}

/* Nodes ------------------------------------------------------------- */

static int
oom(struct parser *p)
{
	return (perr(p, p->tok.off, p->tok.len, "out of memory"));
}

static struct expr *
enew(struct parser *p, enum expr_kind k, size_t off, size_t len)
{
	struct expr *e;

	if ((e = calloc(1, sizeof(*e))) == NULL) {
		oom(p);
		return (NULL);
	}
	e->k = k;
	e->off = off;
	e->len = len;
	return (e);
}

/* a OP b spanning both; frees a and b when it fails. */
static struct expr *
binary(struct parser *p, enum expr_kind k, enum binop op, struct expr *a,
    struct expr *b)
{
	struct expr *e;

	if ((e = enew(p, k, a->off, b->off + b->len - a->off)) == NULL) {
		expr_free(a);
		expr_free(b);
		return (NULL);
	}
	e->op = op;
	e->a = a;
	e->b = b;
	return (e);
}

/* Append e to a list; frees e when it fails. */
static int
push_expr(struct parser *p, struct expr ***list, int *n, struct expr *e)
{
	struct expr **l;

	if ((l = realloc(*list, (size_t)(*n + 1) * sizeof(*l))) == NULL) {
		expr_free(e);
		return (oom(p));
	}
	l[(*n)++] = e;
	*list = l;
	return (0);
}

/* A zeroed new last element of an array of n elements of size sz. */
static void *
grow(struct parser *p, void **arr, int *n, size_t sz)
{
	char *a;

	if ((a = realloc(*arr, (size_t)(*n + 1) * sz)) == NULL) {
		oom(p);
		return (NULL);
	}
	*arr = a;
	a += (size_t)(*n)++ * sz;
	memset(a, 0, sz);
	return (a);
}

static int
deeper(struct parser *p)
{
	if (++p->depth > MAX_DEPTH)
		return (perr(p, p->tok.off, p->tok.len,
		    "expression nested too deeply"));
	return (0);
}

/* "sum_amount" for sum(amount), else "sum"; NULL for no call. */
static char *
default_name(const struct expr *e)
{
	char *s;

	if (e->k == E_FIELD)
		return (strdup(e->name));
	if (e->k != E_CALL)
		return (NULL);
	if (e->nlist == 1 && e->list[0]->k == E_FIELD) {
		size_t n = strlen(e->name) + strlen(e->list[0]->name) + 2;

		if ((s = malloc(n)) != NULL)
			snprintf(s, n, "%s_%s", e->name, e->list[0]->name);
		return (s);
	}
	return (strdup(e->name));
}

/* Expressions ------------------------------------------------------- */

/* call = NAME "(" [ expr { "," expr } ] ")" */
static struct expr *
p_call(struct parser *p)
{
	const struct func *f;
	struct expr *e, *a;

	if ((f = find_func(funcs, NELEM(funcs), p->tok.s)) == NULL) {
		if (find_func(aggs, NELEM(aggs), p->tok.s) != NULL &&
		    p->in_agg)
			perr(p, p->tok.off, p->tok.len,
			    "aggregates cannot be nested");
		else if (find_func(aggs, NELEM(aggs), p->tok.s) != NULL)
			perr(p, p->tok.off, p->tok.len,
			    "aggregate \"%s\" is only allowed in group (...)",
			    p->tok.s);
		else
			unknown(p, "function", call_names, NELEM(call_names),
			    "");
		return (NULL);
	}
	if ((e = enew(p, E_CALL, p->tok.off, p->tok.len)) == NULL)
		return (NULL);
	e->name = take_s(p);
	if (advance(p) != 0 || advance(p) != 0)
		goto fail;
	while (p->tok.t != T_RP) {
		if ((a = p_expr(p)) == NULL ||
		    push_expr(p, &e->list, &e->nlist, a) != 0)
			goto fail;
		if (p->tok.t == T_COMMA) {
			if (advance(p) != 0)
				goto fail;
		} else if (p->tok.t != T_RP) {
			expected(p, "\",\" or \")\" after the argument");
			goto fail;
		}
	}
	if (advance(p) != 0)
		goto fail;
	e->len = p->prevend - e->off;
	if (e->nlist != f->nargs) {
		perr(p, e->off, e->len, "%s() takes %s argument", e->name,
		    f->nargs ? "one" : "no");
		goto fail;
	}
	return (e);
fail:
	expr_free(e);
	return (NULL);
}

/*
 * primary = INT | DEC | PERCENT | MONEY | DATE | PERIOD | DURATION
 *         | STRING | PARAM | call | FIELD | "(" expr ")"
 */
static struct expr *
p_primary(struct parser *p)
{
	const struct token *nx;
	struct expr *e;

	for (int i = 0; i < NELEM(literals); i++) {
		if (p->tok.t != literals[i].t)
			continue;
		if ((e = enew(p, literals[i].k, p->tok.off, p->tok.len)) ==
		    NULL)
			return (NULL);
		e->i = p->tok.i;
		e->lo = p->tok.lo;
		e->hi = p->tok.hi;
		e->name = take_s(p);
		if (advance(p) != 0) {
			expr_free(e);
			return (NULL);
		}
		return (e);
	}
	if (p->tok.t == T_LP) {
		if (advance(p) != 0 || (e = p_expr(p)) == NULL)
			return (NULL);
		if (p->tok.t != T_RP) {
			expected(p, "\")\" to close \"(\"");
			expr_free(e);
			return (NULL);
		}
		if (advance(p) != 0) {
			expr_free(e);
			return (NULL);
		}
		return (e);
	}
	if (p->tok.t != T_IDENT || in_list(p->tok.s, reserved,
	    NELEM(reserved))) {
		expected(p, "an expression");
		return (NULL);
	}
	/*
	 * A name and "(" make a call if the name is a function or "(" is
	 * right after it.  Among group keys "org(n = count())" is still a
	 * field and its aggregates, unless the name is a near miss.
	 */
	nx = peek(p);
	if (nx->t == T_LP && (find_func(funcs, NELEM(funcs), p->tok.s) !=
	    NULL || find_func(aggs, NELEM(aggs), p->tok.s) != NULL ||
	    (nx->off == p->tok.off + p->tok.len && (!p->in_keys ||
	    pql_suggest(p->tok.s, call_names, NELEM(call_names)) != NULL))))
		return (p_call(p));
	if ((e = enew(p, E_FIELD, p->tok.off, p->tok.len)) == NULL)
		return (NULL);
	e->name = take_s(p);
	if (advance(p) != 0) {
		expr_free(e);
		return (NULL);
	}
	return (e);
}

/* unary = "-" unary | primary */
static struct expr *
p_unary(struct parser *p)
{
	struct expr *a, *e;
	size_t off;

	if (p->tok.t != T_MINUS)
		return (p_primary(p));
	off = p->tok.off;
	if (deeper(p) != 0 || advance(p) != 0 || (a = p_unary(p)) == NULL)
		return (NULL);
	p->depth--;
	/* -5, -£3: a negative literal, not a negation to evaluate. */
	if (a->k == E_INT || a->k == E_DEC || a->k == E_MONEY ||
	    a->k == E_PERCENT) {
		a->i = -a->i;
		a->len += a->off - off;
		a->off = off;
		return (a);
	}
	if ((e = enew(p, E_NEG, off, a->off + a->len - off)) == NULL) {
		expr_free(a);
		return (NULL);
	}
	e->a = a;
	return (e);
}

/* product = unary { ( "*" | "/" ) unary } */
static struct expr *
p_product(struct parser *p)
{
	struct expr *a, *b;
	enum binop op;

	if ((a = p_unary(p)) == NULL)
		return (NULL);
	while (p->tok.t == T_STAR || p->tok.t == T_SLASH) {
		op = p->tok.t == T_STAR ? OP_MUL : OP_DIV;
		if (advance(p) != 0 || (b = p_unary(p)) == NULL) {
			expr_free(a);
			return (NULL);
		}
		if ((a = binary(p, E_BINOP, op, a, b)) == NULL)
			return (NULL);
	}
	return (a);
}

/* sum = product { ( "+" | "-" ) product } */
static struct expr *
p_sum(struct parser *p)
{
	struct expr *a, *b;
	enum binop op;

	if ((a = p_product(p)) == NULL)
		return (NULL);
	while (p->tok.t == T_PLUS || p->tok.t == T_MINUS) {
		op = p->tok.t == T_PLUS ? OP_ADD : OP_SUB;
		if (advance(p) != 0 || (b = p_product(p)) == NULL) {
			expr_free(a);
			return (NULL);
		}
		if ((a = binary(p, E_BINOP, op, a, b)) == NULL)
			return (NULL);
	}
	return (a);
}

static int
cmp_op(const struct parser *p, enum binop *op)
{
	for (int i = 0; i < NELEM(cmp_ops); i++) {
		if (p->tok.t == cmp_ops[i].t) {
			*op = cmp_ops[i].op;
			return (1);
		}
	}
	return (0);
}

static int
at_comparison(const struct parser *p)
{
	enum binop op;

	return (cmp_op(p, &op) || p->tok.t == T_MATCH ||
	    is_word(p, "in") || is_word(p, "between") ||
	    is_word(p, "within"));
}

/* A STRING or PARAM operand of ~ and within. */
static struct expr *
p_string(struct parser *p, const char *what)
{
	if (p->tok.t != T_STRING && p->tok.t != T_PARAM) {
		expected(p, what);
		return (NULL);
	}
	return (p_primary(p));
}

/* "in" ( "(" sum { "," sum } ")" | PERIOD | PARAM ) */
static struct expr *
p_in(struct parser *p, struct expr *a)
{
	struct expr *e, *b;

	if (advance(p) != 0)
		goto fail;
	if (p->tok.t == T_PERIOD || p->tok.t == T_PARAM) {
		if ((b = p_primary(p)) == NULL)
			goto fail;
		return (binary(p, E_IN_PERIOD, OP_EQ, a, b));
	}
	if (p->tok.t != T_LP) {
		expected(p, "\"(\", a fiscal period or a $parameter after "
		    "\"in\"");
		goto fail;
	}
	if ((e = enew(p, E_IN, a->off, 0)) == NULL)
		goto fail;
	e->a = a;
	do {
		if (advance(p) != 0 || (b = p_sum(p)) == NULL ||
		    push_expr(p, &e->list, &e->nlist, b) != 0) {
			expr_free(e);
			return (NULL);
		}
	} while (p->tok.t == T_COMMA);
	if (p->tok.t != T_RP || advance(p) != 0) {
		expected(p, "\",\" or \")\" in the list after \"in\"");
		expr_free(e);
		return (NULL);
	}
	e->len = p->prevend - e->off;
	return (e);
fail:
	expr_free(a);
	return (NULL);
}

/*
 * cmp = sum [ ( "==" | "!=" | "<" | "<=" | ">" | ">=" ) sum
 *           | "~" ( STRING | PARAM ) | "within" ( STRING | PARAM )
 *           | "in" ( "(" sum { "," sum } ")" | PERIOD | PARAM )
 *           | "between" sum "and" sum ]
 */
static struct expr *
p_cmp(struct parser *p)
{
	struct expr *a, *b, *c, *e;
	enum expr_kind k;
	enum binop op;

	if ((a = p_sum(p)) == NULL)
		return (NULL);
	if (cmp_op(p, &op)) {
		if (advance(p) != 0 || (b = p_sum(p)) == NULL)
			goto fail;
		e = binary(p, E_BINOP, op, a, b);
	} else if (p->tok.t == T_MATCH || is_word(p, "within")) {
		k = p->tok.t == T_MATCH ? E_MATCH : E_WITHIN;
		if (advance(p) != 0 || (b = p_string(p, k == E_MATCH ?
		    "a pattern string after \"~\"" :
		    "a place code string after \"within\"")) == NULL)
			goto fail;
		e = binary(p, k, OP_EQ, a, b);
	} else if (is_word(p, "in")) {
		e = p_in(p, a);
	} else if (is_word(p, "between")) {
		if (advance(p) != 0 || (b = p_sum(p)) == NULL)
			goto fail;
		if (!is_word(p, "and")) {
			expected(p, "\"and\" after the lower bound of "
			    "\"between\"");
			expr_free(b);
			goto fail;
		}
		if (advance(p) != 0 || (c = p_sum(p)) == NULL) {
			expr_free(b);
			goto fail;
		}
		if ((e = binary(p, E_BETWEEN, OP_EQ, a, b)) == NULL) {
			expr_free(c);
			return (NULL);
		}
		e->c = c;
		e->len = c->off + c->len - e->off;
	} else if (p->tok.t == T_ASSIGN) {
		perr(p, p->tok.off, p->tok.len,
		    "\"=\" names a column; compare with \"==\"");
		goto fail;
	} else
		return (a);
	if (e != NULL && (at_comparison(p) || p->tok.t == T_ASSIGN)) {
		perr(p, p->tok.off, p->tok.len,
		    "comparisons do not chain; join them with \"and\"");
		expr_free(e);
		return (NULL);
	}
	return (e);
fail:
	expr_free(a);
	return (NULL);
}

/* not = "not" not | cmp */
static struct expr *
p_not(struct parser *p)
{
	struct expr *a, *e;
	size_t off;

	if (!is_word(p, "not"))
		return (p_cmp(p));
	off = p->tok.off;
	if (deeper(p) != 0 || advance(p) != 0 || (a = p_not(p)) == NULL)
		return (NULL);
	p->depth--;
	if ((e = enew(p, E_NOT, off, a->off + a->len - off)) == NULL) {
		expr_free(a);
		return (NULL);
	}
	e->a = a;
	return (e);
}

/* and = not { "and" not } */
static struct expr *
p_and(struct parser *p)
{
	struct expr *a, *b;

	if ((a = p_not(p)) == NULL)
		return (NULL);
	while (is_word(p, "and")) {
		if (advance(p) != 0 || (b = p_not(p)) == NULL) {
			expr_free(a);
			return (NULL);
		}
		if ((a = binary(p, E_BINOP, OP_AND, a, b)) == NULL)
			return (NULL);
	}
	return (a);
}

/* expr = and { "or" and } */
static struct expr *
p_expr(struct parser *p)
{
	struct expr *a, *b;

	if (deeper(p) != 0 || (a = p_and(p)) == NULL)
		return (NULL);
	while (is_word(p, "or")) {
		if (advance(p) != 0 || (b = p_and(p)) == NULL) {
			expr_free(a);
			return (NULL);
		}
		if ((a = binary(p, E_BINOP, OP_OR, a, b)) == NULL)
			return (NULL);
	}
	p->depth--;
	return (a);
}

/* field = NAME */
static struct expr *
p_field(struct parser *p, const char *what)
{
	struct expr *e;

	if (p->tok.t != T_IDENT || in_list(p->tok.s, reserved,
	    NELEM(reserved))) {
		expected(p, what);
		return (NULL);
	}
	if ((e = enew(p, E_FIELD, p->tok.off, p->tok.len)) == NULL)
		return (NULL);
	e->name = take_s(p);
	if (advance(p) != 0) {
		expr_free(e);
		return (NULL);
	}
	return (e);
}

/* fields = field { "," field } */
static int
p_fields(struct parser *p, struct verb *v, const char *what)
{
	struct expr *e;

	for (;;) {
		if ((e = p_field(p, what)) == NULL ||
		    push_expr(p, &v->by, &v->nby, e) != 0)
			return (-1);
		if (p->tok.t != T_COMMA)
			return (0);
		if (advance(p) != 0)
			return (-1);
	}
}

/* One of words, taken into *out, else an error naming them. */
static int
p_choice(struct parser *p, const char *const *words, int n,
    const char *what, char **out)
{
	const char *sug;
	char buf[256];

	if (p->tok.t == T_IDENT && in_list(p->tok.s, words, n)) {
		*out = take_s(p);
		return (advance(p));
	}
	if (p->tok.t == T_IDENT &&
	    (sug = pql_suggest(p->tok.s, words, n)) != NULL) {
		snprintf(buf, sizeof(buf), "%s, found \"%s\" — did you mean "
		    "\"%s\"?", what, p->tok.s, sug);
		return (perr(p, p->tok.off, p->tok.len, "expected %s", buf));
	}
	return (expected(p, what));
}

static int
p_word(struct parser *p, const char *w, const char *what)
{
	if (!is_word(p, w))
		return (expected(p, what));
	return (advance(p));
}

/* A DURATION or PARAM. */
static struct expr *
p_duration(struct parser *p, const char *what)
{
	if (p->tok.t != T_DURATION && p->tok.t != T_PARAM) {
		expected(p, what);
		return (NULL);
	}
	return (p_primary(p));
}

/* Stages ------------------------------------------------------------ */

/* where = "where" expr */
static int
p_where(struct parser *p, struct stage *st)
{
	if (p->tok.t == T_EOF || p->tok.t == T_SEP)
		return (expected(p, "a condition after \"where\""));
	st->cond = p_expr(p);
	return (st->cond == NULL ? -1 : 0);
}

/* agg = [ NAME "=" ] AGG "(" [ expr ] ")" */
static int
p_agg(struct parser *p, struct stage *st)
{
	const struct token *nx;
	const struct func *f;
	struct named *c;
	struct expr *e, *a;

	if ((c = grow(p, (void **)&st->cols, &st->ncols,
	    sizeof(*st->cols))) == NULL)
		return (-1);
	c->off = p->tok.off;
	if (p->tok.t == T_IDENT) {
		nx = peek(p);
		if (nx->t == T_ASSIGN) {
			c->name = take_s(p);
			if (advance(p) != 0 || advance(p) != 0)
				return (-1);
		}
	}
	if (p->tok.t != T_IDENT)
		return (expected(p, "an aggregate such as sum(amount)"));
	if ((f = find_func(aggs, NELEM(aggs), p->tok.s)) == NULL) {
		if (find_func(funcs, NELEM(funcs), p->tok.s) != NULL)
			return (perr(p, p->tok.off, p->tok.len,
			    "\"%s\" is not an aggregate; use " AGG_LIST,
			    p->tok.s));
		return (unknown(p, "aggregate", agg_names, NELEM(agg_names),
		    "; use " AGG_LIST));
	}
	if ((e = c->e = enew(p, E_CALL, p->tok.off, p->tok.len)) == NULL)
		return (-1);
	e->name = take_s(p);
	if (advance(p) != 0)
		return (-1);
	if (p->tok.t != T_LP) {
		char what[64];

		snprintf(what, sizeof(what), "\"(\" after \"%s\"", e->name);
		return (expected(p, what));
	}
	if (advance(p) != 0)
		return (-1);
	if (f->nargs == 0 && p->tok.t != T_RP) {
		if (p->tok.t == T_EOF || p->tok.t == T_SEP)
			return (expected(p, "\")\" after \"count(\""));
		return (perr(p, p->tok.off, p->tok.len,
		    "%s() takes no argument", e->name));
	}
	if (f->nargs == 1) {
		if (p->tok.t == T_RP)
			return (perr(p, e->off, p->tok.off + 1 - e->off,
			    "%s() takes one argument", e->name));
		p->in_agg = 1;
		a = p_expr(p);
		p->in_agg = 0;
		if (a == NULL || push_expr(p, &e->list, &e->nlist, a) != 0)
			return (-1);
		if (p->tok.t != T_RP) {
			char what[64];

			snprintf(what, sizeof(what),
			    "\")\" after the argument of %s", e->name);
			return (expected(p, what));
		}
	}
	if (advance(p) != 0)
		return (-1);
	e->len = p->prevend - e->off;
	c->len = p->prevend - c->off;
	if (c->name == NULL && (c->name = default_name(e)) == NULL)
		return (oom(p));
	return (0);
}

/* group = "group" [ expr { "," expr } ] [ "(" agg { "," agg } ")" ] */
static int
p_group(struct parser *p, struct stage *st)
{
	struct named *c;
	struct expr *e;

	if (p->tok.t == T_EOF || p->tok.t == T_SEP)
		return (expected(p, "keys or \"(\" after \"group\""));
	while (p->tok.t != T_LP) {
		p->in_keys = 1;
		e = p_expr(p);
		p->in_keys = 0;
		if (e == NULL || push_expr(p, &st->keys, &st->nkeys, e) != 0)
			return (-1);
		if (p->tok.t != T_COMMA)
			break;
		if (advance(p) != 0)
			return (-1);
	}
	if (p->tok.t != T_LP) {
		/* No aggregates: count the rows of each group. */
		if ((c = grow(p, (void **)&st->cols, &st->ncols,
		    sizeof(*st->cols))) == NULL)
			return (-1);
		c->off = st->off;
		c->len = 5;
		if ((c->name = strdup("rows")) == NULL ||
		    (c->e = enew(p, E_CALL, st->off, 5)) == NULL ||
		    (c->e->name = strdup("count")) == NULL)
			return (oom(p));
		return (0);
	}
	do {
		if (advance(p) != 0 || p_agg(p, st) != 0)
			return (-1);
	} while (p->tok.t == T_COMMA);
	if (p->tok.t != T_RP)
		return (expected(p, "\")\" after aggregates"));
	return (advance(p));
}

/* select = "select" [ NAME "=" ] expr { "," [ NAME "=" ] expr } */
static int
p_select(struct parser *p, struct stage *st)
{
	const struct token *nx;
	struct named *c;

	if (p->tok.t == T_EOF || p->tok.t == T_SEP)
		return (expected(p, "a column after \"select\""));
	for (;;) {
		if ((c = grow(p, (void **)&st->cols, &st->ncols,
		    sizeof(*st->cols))) == NULL)
			return (-1);
		c->off = p->tok.off;
		if (p->tok.t == T_IDENT) {
			nx = peek(p);
			if (nx->t == T_ASSIGN) {
				c->name = take_s(p);
				if (advance(p) != 0 || advance(p) != 0)
					return (-1);
			}
		}
		if ((c->e = p_expr(p)) == NULL)
			return (-1);
		c->len = p->prevend - c->off;
		if (c->name == NULL && (c->e->k == E_FIELD ||
		    c->e->k == E_CALL) && (c->name = default_name(c->e)) ==
		    NULL)
			return (oom(p));
		if (p->tok.t != T_COMMA)
			return (0);
		if (advance(p) != 0)
			return (-1);
	}
}

/* derive = "derive" NAME "=" expr { "," NAME "=" expr } */
static int
p_derive(struct parser *p, struct stage *st)
{
	struct named *c;

	for (;;) {
		if (p->tok.t != T_IDENT || in_list(p->tok.s, reserved,
		    NELEM(reserved)))
			return (expected(p, "a new column name"));
		if ((c = grow(p, (void **)&st->cols, &st->ncols,
		    sizeof(*st->cols))) == NULL)
			return (-1);
		c->off = p->tok.off;
		c->name = take_s(p);
		if (advance(p) != 0)
			return (-1);
		if (p->tok.t != T_ASSIGN) {
			char what[96];

			snprintf(what, sizeof(what), "\"=\" after \"%.60s\"",
			    c->name);
			return (expected(p, what));
		}
		if (advance(p) != 0 || (c->e = p_expr(p)) == NULL)
			return (-1);
		c->len = p->prevend - c->off;
		if (p->tok.t != T_COMMA)
			return (0);
		if (advance(p) != 0)
			return (-1);
	}
}

/* sort = "sort" [ "-" ] expr { "," [ "-" ] expr } */
static int
p_sort(struct parser *p, struct stage *st)
{
	struct sortkey *k;

	if (p->tok.t == T_EOF || p->tok.t == T_SEP)
		return (expected(p, "a sort key after \"sort\""));
	for (;;) {
		if ((k = grow(p, (void **)&st->sort, &st->nsort,
		    sizeof(*st->sort))) == NULL)
			return (-1);
		if (p->tok.t == T_MINUS) {
			k->desc = 1;
			if (advance(p) != 0)
				return (-1);
		}
		if ((k->e = p_expr(p)) == NULL)
			return (-1);
		if (p->tok.t != T_COMMA)
			return (0);
		if (advance(p) != 0)
			return (-1);
	}
}

/* take = "take" ( INT | PERCENT ) [ "offset" INT ] */
static int
p_take(struct parser *p, struct stage *st)
{
	if (p->tok.t != T_INT && p->tok.t != T_PERCENT)
		return (expected(p, "a number of rows or a percentage after "
		    "\"take\""));
	st->take = p->tok.i;
	st->take_pct = p->tok.t == T_PERCENT;
	if (st->take_pct && st->take > 100 * 10000)
		return (perr(p, p->tok.off, p->tok.len,
		    "cannot take more than 100%%"));
	if (advance(p) != 0)
		return (-1);
	if (!is_word(p, "offset"))
		return (0);
	if (advance(p) != 0)
		return (-1);
	if (p->tok.t != T_INT)
		return (expected(p, "a number of rows after \"offset\""));
	st->offset = p->tok.i;
	return (advance(p));
}

static const char *const join_on[] = { "person", "place", "service" };

/* join = "join" SOURCE "on" ( "person" | "place" | "service" ) */
static int
p_join(struct parser *p, struct stage *st)
{
	if (p->tok.t != T_IDENT)
		return (expected(p, "a source after \"join\""));
	if (!in_list(p->tok.s, sources, NELEM(sources)))
		return (unknown(p, "source", sources, NELEM(sources),
		    "; sources are spend, activity, outcome and services"));
	st->join_kind = take_s(p);
	if (advance(p) != 0 || p_word(p, "on", "\"on\" after the source "
	    "to join") != 0)
		return (-1);
	return (p_choice(p, join_on, NELEM(join_on),
	    "person, place or service after \"on\"", &st->join_on));
}

static const char *const subjects[] = { "person", "place", "cohort", "org" };

/* accumulate = "accumulate" "by" SUBJECT [ "across" field ] */
static int
p_accumulate(struct parser *p, struct stage *st)
{
	struct verb *v = &st->verb;

	if (p_word(p, "by", "\"by\" after \"accumulate\"") != 0 ||
	    p_choice(p, subjects, NELEM(subjects),
	    "person, place, cohort or org after \"accumulate by\"",
	    &v->mode) != 0)
		return (-1);
	if (!is_word(p, "across"))
		return (0);
	if (advance(p) != 0)
		return (-1);
	v->across = p_field(p, "a field after \"across\"");
	return (v->across == NULL ? -1 : 0);
}

static const char *const dup_modes[] = { "provision", "contact" };

/*
 * duplication = "duplication" ( "provision" [ "by" fields ]
 *                             | "contact" "on" field "within" DURATION )
 */
static int
p_duplication(struct parser *p, struct stage *st)
{
	struct verb *v = &st->verb;

	if (p_choice(p, dup_modes, NELEM(dup_modes),
	    "\"provision\" or \"contact\" after \"duplication\"",
	    &v->mode) != 0)
		return (-1);
	if (strcmp(v->mode, "provision") == 0) {
		if (!is_word(p, "by"))
			return (0);
		if (advance(p) != 0)
			return (-1);
		return (p_fields(p, v, "a field after \"by\""));
	}
	if (p_word(p, "on", "\"on\" after \"duplication contact\"") != 0 ||
	    (v->on = p_field(p, "a field after \"on\"")) == NULL ||
	    p_word(p, "within", "\"within\" and a number of days") != 0 ||
	    (v->within = p_duration(p,
	    "a duration such as 30d after \"within\"")) == NULL)
		return (-1);
	return (0);
}

/* gaps = "gaps" "by" ( "place" | "place." LEVEL ) "," field */
static int
p_gaps(struct parser *p, struct stage *st)
{
	struct verb *v = &st->verb;
	struct expr *e;

	if (p_word(p, "by", "\"by\" after \"gaps\"") != 0)
		return (-1);
	if (!is_word(p, "place") && (p->tok.t != T_IDENT ||
	    strncmp(p->tok.s, "place.", 6) != 0))
		return (expected(p, "place or place.LEVEL after \"gaps by\""));
	if (p->tok.s[5] == '.' && (v->level = strdup(p->tok.s + 6)) == NULL)
		return (oom(p));
	if (advance(p) != 0)
		return (-1);
	if (p->tok.t != T_COMMA)
		return (expected(p, "\",\" and the field to grid places by"));
	if (advance(p) != 0 || (e = p_field(p, "a field after \",\"")) ==
	    NULL)
		return (-1);
	return (push_expr(p, &v->by, &v->nby, e));
}

static const char *const balances[] = { "prevention" };

/* balance = "balance" "prevention" [ "by" fields ] */
static int
p_balance(struct parser *p, struct stage *st)
{
	struct verb *v = &st->verb;

	if (p_choice(p, balances, NELEM(balances),
	    "\"prevention\" after \"balance\"", &v->mode) != 0)
		return (-1);
	if (!is_word(p, "by"))
		return (0);
	if (advance(p) != 0)
		return (-1);
	return (p_fields(p, v, "a field after \"by\""));
}

/* frequency = "frequency" [ "by" "service" ] */
static int
p_frequency(struct parser *p, struct stage *st)
{
	struct verb *v = &st->verb;
	struct expr *e;

	if (!is_word(p, "by"))
		return (0);
	if (advance(p) != 0)
		return (-1);
	if (!is_word(p, "service"))
		return (expected(p, "\"service\" after \"frequency by\""));
	if ((e = p_field(p, "service")) == NULL)
		return (-1);
	return (push_expr(p, &v->by, &v->nby, e));
}

/* journeys = "journeys" [ "from" STRING ] [ "within" DURATION ] */
static int
p_journeys(struct parser *p, struct stage *st)
{
	struct verb *v = &st->verb;

	if (is_word(p, "from")) {
		if (advance(p) != 0 || (v->from = p_string(p,
		    "a service name string after \"from\"")) == NULL)
			return (-1);
	}
	if (is_word(p, "within")) {
		if (advance(p) != 0 || (v->within = p_duration(p,
		    "a duration such as 30d after \"within\"")) == NULL)
			return (-1);
	}
	return (0);
}

static const char *const units[] = { "month", "quarter", "fy" };

/* trend = "trend" "by" ( "month" | "quarter" | "fy" ) [ "," field ] */
static int
p_trend(struct parser *p, struct stage *st)
{
	struct verb *v = &st->verb;
	struct expr *e;

	if (p_word(p, "by", "\"by\" after \"trend\"") != 0 ||
	    p_choice(p, units, NELEM(units),
	    "month, quarter or fy after \"trend by\"", &v->mode) != 0)
		return (-1);
	if (p->tok.t != T_COMMA)
		return (0);
	if (advance(p) != 0 || (e = p_field(p, "a field after \",\"")) ==
	    NULL)
		return (-1);
	return (push_expr(p, &v->by, &v->nby, e));
}

/* quality = "quality" */
static int
p_quality(struct parser *p, struct stage *st)
{
	(void)p;
	(void)st;
	return (0);
}

typedef int stage_f(struct parser *, struct stage *);

static const struct {
	const char	*name;
	enum stage_kind	k;
	stage_f		*fn;
} stages[] = {
	{ "where", ST_WHERE, p_where },
	{ "group", ST_GROUP, p_group },
	{ "select", ST_SELECT, p_select },
	{ "derive", ST_DERIVE, p_derive },
	{ "sort", ST_SORT, p_sort },
	{ "take", ST_TAKE, p_take },
	{ "join", ST_JOIN, p_join },
	{ "accumulate", ST_VERB, p_accumulate },
	{ "duplication", ST_VERB, p_duplication },
	{ "gaps", ST_VERB, p_gaps },
	{ "balance", ST_VERB, p_balance },
	{ "frequency", ST_VERB, p_frequency },
	{ "journeys", ST_VERB, p_journeys },
	{ "trend", ST_VERB, p_trend },
	{ "quality", ST_VERB, p_quality },
};

/* stage = where | group | select | derive | sort | take | join | verb */
static int
p_stage(struct parser *p, struct query *q)
{
	const char *names[NELEM(stages)];
	struct stage *st;
	int i;

	if (p->tok.t != T_IDENT)
		return (expected(p, "a stage"));
	for (i = 0; i < NELEM(stages); i++) {
		names[i] = stages[i].name;
		if (strcmp(p->tok.s, stages[i].name) == 0)
			break;
	}
	if (i == NELEM(stages))
		return (unknown(p, "stage", names, NELEM(names), ""));
	if ((st = grow(p, (void **)&q->stages, &q->nstages,
	    sizeof(*q->stages))) == NULL)
		return (-1);
	st->k = stages[i].k;
	st->off = p->tok.off;
	if (st->k == ST_VERB)
		st->verb.name = take_s(p);
	p->last = stages[i].name;
	if (advance(p) != 0 || stages[i].fn(p, st) != 0)
		return (-1);
	st->len = p->prevend - st->off;
	return (0);
}

/* query = [ "from" ] SOURCE { SEP stage } [ SEP ] EOF */
static int
p_query(struct parser *p, struct query *q)
{
	char what[64];

	if (advance(p) != 0)
		return (-1);
	if (p->tok.t == T_SEP && advance(p) != 0)
		return (-1);
	if (is_word(p, "from")) {
		if (advance(p) != 0)
			return (-1);
		if (p->tok.t != T_IDENT)
			return (expected(p, "a source after \"from\""));
	}
	if (p->tok.t != T_IDENT)
		return (expected(p, "a source (spend, activity, outcome or "
		    "services)"));
	if (!in_list(p->tok.s, sources, NELEM(sources)))
		return (unknown(p, "source", sources, NELEM(sources),
		    "; sources are spend, activity, outcome and services"));
	q->srcoff = p->tok.off;
	q->srclen = p->tok.len;
	q->source = take_s(p);
	if (advance(p) != 0)
		return (-1);
	for (;;) {
		if (p->tok.t == T_EOF)
			return (0);
		if (p->tok.t != T_SEP) {
			if (p->last == NULL)
				snprintf(what, sizeof(what), "\"|\" or a new "
				    "line after the source");
			else
				snprintf(what, sizeof(what), "\"|\" or a new "
				    "line after the %s stage", p->last);
			return (expected(p, what));
		}
		if (advance(p) != 0)
			return (-1);
		if (p->tok.t == T_EOF)
			return (0);
		if (p_stage(p, q) != 0)
			return (-1);
	}
}

int
pql_parse(const char *text, size_t len, struct query *q, char *err,
    size_t errsz)
{
	struct parser p;
	int r;

	memset(q, 0, sizeof(*q));
	memset(&p, 0, sizeof(p));
	p.src = text;
	p.len = len;
	p.err = err;
	p.errsz = errsz;
	if (err != NULL && errsz > 0)
		err[0] = '\0';
	/* Lexical errors wait in lexerr until the parser reaches them. */
	if (err != NULL && errsz > 0 && (p.lexerr = malloc(errsz)) != NULL)
		p.lexerr[0] = '\0';
	lex_init(&p.lx, text, len, p.lexerr, p.lexerr ? errsz : 0);
	p.tok.t = T_SEP;
	r = p_query(&p, q);
	free(p.tok.s);
	free(p.ahead.s);
	free(p.lexerr);
	if (r != 0 || p.failed) {
		ast_free(q);
		return (-1);
	}
	return (0);
}
