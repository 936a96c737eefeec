/*
 * parse_expr.c — PQL expressions, from "or" down to literals and calls,
 * and the aggregates of a group stage: the function tables live here.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ast.h"
#include "lexer.h"
#include "parser.h"
#include "parse.h"

#define MAX_DEPTH	128	/* nesting of (), not and unary minus */

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
const char *const reserved[] = {
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

static const struct func *
find_func(const struct func *f, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(f[i].name, name) == 0)
			return (&f[i]);
	return (NULL);
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

static int
deeper(struct parser *p)
{
	if (++p->depth > MAX_DEPTH)
		return (perr(p, p->tok.off, p->tok.len,
		    "expression nested too deeply"));
	return (0);
}

/* Expressions ------------------------------------------------------- */

/* call = NAME "(" [ expr { "," expr } ] ")" */
static struct expr *
p_call(struct parser *p)
{
	const struct func *f;
	struct expr *e, *a;

	/* A dotted name (cofog.title) is a plugin's function: whether one
	 * is loaded, and how many arguments it takes, the plan checks. */
	if ((f = find_func(funcs, NELEM(funcs), p->tok.s)) == NULL &&
	    strchr(p->tok.s, '.') == NULL) {
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
	if (f != NULL && e->nlist != f->nargs) {
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

/*
 * product = unary { ( "*" | "/" ) unary }
 * sum     = product { ( "+" | "-" ) product }
 * One rule, two levels: the operators of each are data.
 */
static const struct level {
	enum tok	t1, t2;
	enum binop	op1, op2;
} levels[] = {
	{ T_STAR, T_SLASH, OP_MUL, OP_DIV },	/* product */
	{ T_PLUS, T_MINUS, OP_ADD, OP_SUB },	/* sum */
};

static struct expr *
p_level(struct parser *p, int lv)
{
	const struct level *l = &levels[lv];
	struct expr *a, *b;
	enum binop op;

	if ((a = lv == 0 ? p_unary(p) : p_level(p, lv - 1)) == NULL)
		return (NULL);
	while (p->tok.t == l->t1 || p->tok.t == l->t2) {
		op = p->tok.t == l->t1 ? l->op1 : l->op2;
		if (advance(p) != 0 ||
		    (b = lv == 0 ? p_unary(p) : p_level(p, lv - 1)) == NULL) {
			expr_free(a);
			return (NULL);
		}
		if ((a = binary(p, E_BINOP, op, a, b)) == NULL)
			return (NULL);
	}
	return (a);
}

static struct expr *
p_sum(struct parser *p)
{
	return (p_level(p, 1));
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
struct expr *
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
struct expr *
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
struct expr *
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

/* A DURATION or PARAM. */
struct expr *
p_duration(struct parser *p, const char *what)
{
	if (p->tok.t != T_DURATION && p->tok.t != T_PARAM) {
		expected(p, what);
		return (NULL);
	}
	return (p_primary(p));
}

/* Aggregates -------------------------------------------------------- */

/* agg = [ NAME "=" ] AGG "(" [ expr ] ")" */
int
p_agg(struct parser *p, struct stage *st)
{
	const struct func *f;
	struct named *c;
	struct expr *e, *a;

	if ((c = named_begin(p, st)) == NULL)
		return (-1);
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
