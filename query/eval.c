/* eval.c — compile AST expressions against a table's columns; evaluate. */
#include "config.h"

#define PCRE2_CODE_UNIT_WIDTH 8

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <pcre2.h>

#include "eval.h"
#include "geo.h"
#include "store.h"
#include "lexer.h"
#include "parser.h"
#include "plugin.h"
#include "scan.h"
#include "strmap.h"
#include "value.h"

enum cop {
	C_COL, C_CONST, C_CMP, C_IDEQ, C_IDIN, C_ARITH, C_AND, C_OR, C_NOT, C_NEG, C_IN,
	C_BETWEEN, C_MATCH, C_MONTH, C_QUARTER, C_FY, C_DERIVED, C_WITHIN,
	C_PLUGIN
};

/* Fields derived from a classification column or from the place
 * hierarchy (C_DERIVED), and a place within an area (C_WITHIN). */
enum dfn { D_DIVISION, D_GROUP, D_TITLE, D_PLACE, D_WITHIN };

/* A derived value worked out, and found to be empty; D_WITHIN's yes. */
static const char dnull[] = "";

/* Arguments a plugin's PQL function may take. */
#define PLUGIN_MAXARGS	8
static const char dyes[] = "1";

struct derived {
	enum dfn	fn;
	const struct plugin_scheme *scheme;	/* D_TITLE; NULL: none */
	enum geo_level	level;		/* D_PLACE; GEO_NONE: the name */
	const char	*area;		/* D_WITHIN: the code */
	store_t		*st;		/* D_PLACE, D_WITHIN: the snapshot */
	MDB_txn		*txn;
	struct table	*arena;		/* the query's: results outlive us */
	const char	**byid;		/* per dictionary id; dnull: empty */
	size_t		nbyid;
	strmap_t	bytext;		/* text → index into vals */
	const char	**vals;
	size_t		nvals, cap;
};

struct cexpr {
	enum cop	op;
	enum vtype	t;
	enum binop	bop;
	int		col;
	const char	*dict;		/* C_COL: the column's dictionary */
	struct value	v;		/* C_CONST; C_IDEQ: v.i the id */
	struct cexpr	*a, *b, *c;
	struct cexpr	**list;
	int		nlist;
	pcre2_code	*re;
	pcre2_match_data *md;
	uint8_t		*memo;		/* regex result per dictionary id */
	size_t		nmemo;
	struct derived	*d;		/* C_DERIVED; C_PLUGIN: its answers */
	const struct plugin_function *pf;	/* C_PLUGIN */
	struct qctx	*q;		/* C_PLUGIN: where its error goes */
};

int
q_error(struct qctx *q, size_t off, size_t len, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pql_error(q->err, q->errsz, q->text, q->len, off, len, "%s", msg);
	return (-1);
}

int
value_true(const struct value *v)
{
	return (v->t != V_NULL && v->i != 0);
}

enum vtype
cexpr_type(const struct cexpr *c)
{
	return (c->t);
}

int
cexpr_dict_col(const struct cexpr *c)
{
	return (c->op == C_COL && c->dict != NULL ? c->col : -1);
}

void
cexpr_cols(const struct cexpr *c, uint64_t *mask)
{
	if (c == NULL)
		return;
	if (c->op == C_COL && c->col < 64)
		*mask |= (uint64_t)1 << c->col;
	cexpr_cols(c->a, mask);
	cexpr_cols(c->b, mask);
	cexpr_cols(c->c, mask);
	for (int i = 0; i < c->nlist; i++)
		cexpr_cols(c->list[i], mask);
}

static int
zoned(enum vtype t)
{
	return (t == V_MONEY || t == V_NUM || t == V_DATE);
}

static void
add_range(struct scan_prune *p, int col, int64_t lo, int64_t hi)
{
	if (p->n < SCAN_MAXRANGES) {
		p->col[p->n] = col;
		p->lo[p->n] = lo;
		p->hi[p->n] = hi;
		p->n++;
	}
}

void
cexpr_ranges(const struct cexpr *c, struct scan_prune *p)
{
	const struct cexpr *col, *k;
	enum binop op;
	int64_t v;

	if (c == NULL)
		return;
	if (c->op == C_AND) {
		cexpr_ranges(c->a, p);
		cexpr_ranges(c->b, p);
		return;
	}
	if (c->op == C_BETWEEN && c->a->op == C_COL && zoned(c->a->t) &&
	    c->b->op == C_CONST && c->c->op == C_CONST &&
	    c->b->v.t == c->a->t && c->c->v.t == c->a->t) {
		add_range(p, c->a->col, c->b->v.i, c->c->v.i);
		return;
	}
	if (c->op != C_CMP || c->bop > OP_GE || c->bop == OP_NE)
		return;
	op = c->bop;
	if (c->a->op == C_COL && c->b->op == C_CONST) {
		col = c->a;
		k = c->b;
	} else if (c->b->op == C_COL && c->a->op == C_CONST) {
		col = c->b;
		k = c->a;
		/* const < col is col > const */
		op = op == OP_LT ? OP_GT : op == OP_LE ? OP_GE :
		    op == OP_GT ? OP_LT : op == OP_GE ? OP_LE : op;
	} else
		return;
	if (!zoned(col->t) || k->v.t != col->t)
		return;
	v = k->v.i;
	switch (op) {
	case OP_EQ: add_range(p, col->col, v, v); break;
	case OP_LT: add_range(p, col->col, INT64_MIN, v - 1); break;
	case OP_LE: add_range(p, col->col, INT64_MIN, v); break;
	case OP_GT: add_range(p, col->col, v + 1, INT64_MAX); break;
	case OP_GE: add_range(p, col->col, v, INT64_MAX); break;
	default: break;
	}
}

void
cexpr_free(struct cexpr *c)
{
	if (c == NULL)
		return;
	cexpr_free(c->a);
	cexpr_free(c->b);
	cexpr_free(c->c);
	for (int i = 0; i < c->nlist; i++)
		cexpr_free(c->list[i]);
	free(c->list);
	if (c->md)
		pcre2_match_data_free(c->md);
	if (c->re)
		pcre2_code_free(c->re);
	free(c->memo);
	if (c->d) {
		free(c->d->byid);
		strmap_free(&c->d->bytext);
		free(c->d->vals);
		free(c->d);
	}
	free(c);
}

static struct cexpr *
node(enum cop op, enum vtype t)
{
	struct cexpr *c = calloc(1, sizeof(*c));

	if (c) {
		c->op = op;
		c->t = t;
	}
	return (c);
}

static int
is_numeric(enum vtype t)
{
	return (t == V_INT || t == V_MONEY || t == V_NUM || t == V_PCT);
}

/*
 * Give a constant the type it meets: 1000 beside an amount is £1000,
 * "2025-04-01" beside a date is that day, a parameter's text becomes
 * whatever the other side is.  0, or -1 when it cannot be.
 */
static int
coerce(struct qctx *q, struct cexpr *k, enum vtype want, const struct expr *e)
{
	struct value *v = &k->v;
	const char *what = e->k == E_PARAM ? "parameter" : "value";
	int64_t x;
	int32_t d;

	if (v->t == want || v->t == V_NULL)
		return (0);
	if (v->t == V_STR) {
		size_t n = strlen(v->s);

		switch (want) {
		case V_MONEY:
			if (value_money_parse(v->s, n, &x) != 0)
				return (q_error(q, e->off, e->len, "%s%s%s "
				    "\"%s\" is not an amount", what,
				    e->k == E_PARAM ? " $" : "",
				    e->k == E_PARAM ? e->name : "", v->s));
			v->i = x;
			break;
		case V_DATE:
			if (value_date_parse(v->s, n, &d) != 0)
				return (q_error(q, e->off, e->len, "%s%s%s "
				    "\"%s\" is not a date", what,
				    e->k == E_PARAM ? " $" : "",
				    e->k == E_PARAM ? e->name : "", v->s));
			v->i = d;
			break;
		case V_PCT:
			if (pql_text_percent(v->s, &x) != 0)
				return (q_error(q, e->off, e->len, "%s%s%s "
				    "\"%s\" is not a percentage", what,
				    e->k == E_PARAM ? " $" : "",
				    e->k == E_PARAM ? e->name : "", v->s));
			v->i = x;
			break;
		case V_INT:
		case V_NUM:
			if (value_num_parse(v->s, n, &x) != 0 ||
			    (want == V_INT && x % NUM_SCALE != 0))
				return (q_error(q, e->off, e->len, "%s%s%s "
				    "\"%s\" is not a number", what,
				    e->k == E_PARAM ? " $" : "",
				    e->k == E_PARAM ? e->name : "", v->s));
			v->i = want == V_INT ? x / NUM_SCALE : x;
			break;
		default:
			return (q_error(q, e->off, e->len, "cannot use a "
			    "string as %s", vtype_name(want)));
		}
		v->t = want;
		k->t = want;
		return (0);
	}
	if (want == V_MONEY && (v->t == V_INT || v->t == V_NUM)) {
		x = v->t == V_INT ? v->i * 100 : v->i;
		if (v->t == V_NUM) {
			if (x % 100 != 0)
				return (q_error(q, e->off, e->len, "%s is not "
				    "a whole number of pence", what));
			x /= 100;
		}
		v->i = x;
	} else if (want == V_NUM && v->t == V_INT) {
		v->i *= NUM_SCALE;
	} else if (want == V_PCT && (v->t == V_INT || v->t == V_NUM)) {
		v->i = v->t == V_INT ? v->i * NUM_SCALE : v->i;
	} else if (want == V_INT && v->t == V_NUM && v->i % NUM_SCALE == 0) {
		v->i /= NUM_SCALE;
	} else {
		return (q_error(q, e->off, e->len, "cannot compare %s with %s",
		    vtype_name(v->t), vtype_name(want)));
	}
	v->t = want;
	k->t = want;
	return (0);
}

const char *
eval_param(struct qctx *q, const struct expr *e)
{
	for (int i = 0; i < q->nparams; i++)
		if (strcmp(q->params[i].name, e->name) == 0)
			return (q->params[i].value);
	q_error(q, e->off, e->len, "parameter $%s has no value (give it with "
	    "--param %s=VALUE)", e->name, e->name);
	return (NULL);
}

/* One token of text; 0 when s is exactly one token, else -1. */
static int
one_token(const char *s, struct token *t)
{
	struct lexer lx;
	struct token t2 = { 0 };
	char err[256];
	int rc = -1;

	memset(t, 0, sizeof(*t));
	lex_init(&lx, s, strlen(s), err, sizeof(err));
	if (lex_next(&lx, t) == 0 && lex_next(&lx, &t2) == 0 &&
	    t2.t == T_EOF)
		rc = 0;
	free(t->s);
	t->s = NULL;
	free(t2.s);
	return (rc);
}

int
pql_text_period(const char *s, int32_t *lo, int32_t *hi)
{
	struct token t;

	if (one_token(s, &t) != 0)
		return (-EINVAL);
	if (t.t == T_PERIOD) {
		*lo = t.lo;
		*hi = t.hi;
	} else if (t.t == T_DATE) {
		*lo = *hi = (int32_t)t.i;
	} else {
		return (-EINVAL);
	}
	return (0);
}

int
pql_text_days(const char *s, int64_t *days)
{
	struct token t;

	if (one_token(s, &t) != 0 || t.t != T_DURATION)
		return (-EINVAL);
	*days = t.i;
	return (0);
}

int
pql_text_percent(const char *s, int64_t *v)
{
	size_t n = strlen(s);

	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n > 0 && s[n - 1] == '%')
		n--;
	return (n == 0 || memchr(s, '%', n) != NULL ? -EINVAL :
	    value_num_parse(s, n, v));
}

static int compile(struct qctx *q, const struct expr *e,
    const struct table *sc, struct cexpr **out);

/*
 * field in ("a", "b") on a dictionary column: the texts become ids once
 * (absent ones drop out), and rows compare ids.  Left as it is when any
 * item is not a constant text.
 */
static void
idin(struct qctx *q, struct cexpr *c)
{
	uint32_t id;
	int n = 0, rc;

	if (c->a->op != C_COL || c->a->dict == NULL || q->txn == NULL)
		return;
	for (int i = 0; i < c->nlist; i++)
		if (c->list[i]->op != C_CONST || c->list[i]->v.t != V_STR ||
		    c->list[i]->v.s == NULL)
			return;
	for (int i = 0; i < c->nlist; i++) {
		rc = store_dict_find(q->st, q->txn, c->a->dict,
		    c->list[i]->v.s, strlen(c->list[i]->v.s), &id);
		if (rc != 0 && rc != -ENOENT)
			return;		/* the string compare still answers */
		c->list[i]->v.i = rc == 0 ? id : 0;
	}
	for (int i = 0; i < c->nlist; i++)
		if (c->list[i]->v.i != 0)
			c->list[n++]->v.i = c->list[i]->v.i;
	for (int i = n; i < c->nlist; i++)
		c->list[i]->v.i = 0;
	c->op = C_IDIN;
	c->col = c->a->col;
	c->v.i = n;			/* ids to look at */
}

/*
 * field == "text" on a dictionary column compares ids, not strings: the
 * text is looked up once in the snapshot's dictionary.  c becomes
 * C_IDEQ with the column as a.
 */
static int
ideq(struct qctx *q, struct cexpr *c)
{
	struct cexpr *col = c->a, *k = c->b;
	uint32_t id = 0;
	int rc;

	if ((c->bop != OP_EQ && c->bop != OP_NE) || q->txn == NULL)
		return (0);
	if (col->op != C_COL) {
		col = c->b;
		k = c->a;
	}
	if (col->op != C_COL || col->dict == NULL || k->op != C_CONST ||
	    k->v.t != V_STR || k->v.s == NULL)
		return (0);
	rc = store_dict_find(q->st, q->txn, col->dict, k->v.s,
	    strlen(k->v.s), &id);
	if (rc != 0 && rc != -ENOENT)
		return (0);	/* the string compare still answers */
	c->op = C_IDEQ;
	/* An absent text matches nothing (-1 is no id); "" is id 0, the
	 * empty field. */
	c->v.i = rc == 0 ? (int64_t)id : k->v.s[0] == '\0' ? 0 : -1;
	c->col = col->col;
	return (0);
}

const struct plugin_scheme *
q_scheme(const struct qctx *q, const char *field)
{
	const struct plugins *ps = q->lim ? q->lim->plugins : NULL;

	for (size_t i = 0; ps && i < ps->nschemes; i++)
		if (ps->schemes[i].s.field &&
		    strcmp(ps->schemes[i].s.field, field) == 0)
			return (&ps->schemes[i]);
	return (NULL);
}

/* The visible column called name (any case), or -1. */
static int
find_col(const struct table *sc, const char *name, size_t n)
{
	for (int c = 0; c < sc->ncols; c++)
		if (!sc->cols[c].hidden &&
		    strncasecmp(sc->cols[c].name, name, n) == 0 &&
		    sc->cols[c].name[n] == '\0')
			return (c);
	return (-1);
}

/* A C_DERIVED of fn over column col, its value cached per distinct
 * value of the column; NULL when out of memory. */
static struct cexpr *
derived_node(struct qctx *q, const struct table *sc, int col, enum dfn fn)
{
	struct derived *d;
	struct cexpr *c;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return (NULL);
	d->fn = fn;
	d->arena = q->strings;
	d->st = q->st;
	d->txn = q->txn;
	strmap_init(&d->bytext);
	if ((c = node(C_DERIVED, V_STR)) == NULL ||
	    (c->a = node(C_COL, V_STR)) == NULL) {
		strmap_free(&d->bytext);
		free(d);
		free(c);
		return (NULL);
	}
	c->d = d;
	c->a->col = col;
	c->a->dict = sc->cols[col].dict;
	return (c);
}

/*
 * BASE.division, BASE.group, BASE.title where BASE is a cofog column
 * (cofog, services.cofog), BASE.title of a prevention column, and
 * BASE.LEVEL and BASE.name of a place column (place.lad, services.place.
 * ward): a string worked out once per distinct value of BASE.  0 with
 * *out, 1 when e names no such field, -1 out of memory.
 */
static int
compile_derived(struct qctx *q, const struct expr *e,
    const struct table *sc, struct cexpr **out)
{
	const char *dot = strrchr(e->name, '.'), *attr, *last;
	enum geo_level lv;
	enum dfn fn;
	int col, cofog;

	if (dot == NULL || dot == e->name)
		return (1);
	attr = dot + 1;
	if ((col = find_col(sc, e->name, (size_t)(dot - e->name))) < 0 ||
	    sc->cols[col].type != V_STR)
		return (1);
	last = strrchr(sc->cols[col].name, '.');
	last = last ? last + 1 : sc->cols[col].name;
	if (strcasecmp(last, "place") == 0) {
		lv = geo_level_find(attr, strlen(attr));
		if (lv == GEO_NONE && strcasecmp(attr, "name") != 0)
			return (1);
		if ((*out = derived_node(q, sc, col, D_PLACE)) == NULL)
			return (-1);
		(*out)->d->level = lv;
		return (0);
	}
	cofog = strcasecmp(last, "cofog") == 0;
	if (!cofog && strcasecmp(last, "prevention") != 0)
		return (1);
	if (strcasecmp(attr, "title") == 0)
		fn = D_TITLE;
	else if (cofog && strcasecmp(attr, "division") == 0)
		fn = D_DIVISION;
	else if (cofog && strcasecmp(attr, "group") == 0)
		fn = D_GROUP;
	else
		return (1);
	if ((*out = derived_node(q, sc, col, fn)) == NULL)
		return (-1);
	(*out)->d->scheme = q_scheme(q, cofog ? "cofog" : "prevention");
	return (0);
}

static int compile(struct qctx *q, const struct expr *e,
    const struct table *sc, struct cexpr **out);

/*
 * A PQL function a plugin registered (cofog.title(code)): text arguments,
 * a text answer, asked once per distinct list of arguments.  NULL after
 * an error at e.
 */
static struct cexpr *
compile_plugin_call(struct qctx *q, const struct expr *e,
    const struct table *sc)
{
	const struct plugin_function *pf = plugins_function(q->lim->plugins,
	    e->name);
	struct cexpr *c;

	if (e->nlist != pf->f.nargs || e->nlist > PLUGIN_MAXARGS) {
		q_error(q, e->off, e->len, "%s() takes %d argument%s", e->name,
		    pf->f.nargs, pf->f.nargs == 1 ? "" : "s");
		return (NULL);
	}
	if ((c = node(C_PLUGIN, V_STR)) == NULL ||
	    (c->list = calloc((size_t)e->nlist + 1, sizeof(*c->list))) ==
	    NULL || (c->d = calloc(1, sizeof(*c->d))) == NULL) {
		cexpr_free(c);
		q_error(q, e->off, e->len, "out of memory");
		return (NULL);
	}
	c->pf = pf;
	c->q = q;
	c->d->arena = q->strings;
	strmap_init(&c->d->bytext);
	for (int i = 0; i < e->nlist; i++) {
		if (compile(q, e->list[i], sc, &c->list[i]) != 0) {
			cexpr_free(c);
			return (NULL);
		}
		c->nlist = i + 1;
	}
	return (c);
}

static int
compile_col(struct qctx *q, const struct expr *e, const struct table *sc,
    struct cexpr **out)
{
	static const char *const derived[] = { "cofog.division",
	    "cofog.group", "cofog.title", "prevention.title", "place.lsoa",
	    "place.ward", "place.lad", "place.county", "place.region",
	    "place.pfa", "place.fra", "place.name" };
	const size_t nderived = sizeof(derived) / sizeof(derived[0]);
	const char *cands[64 + sizeof(derived) / sizeof(derived[0])];
	const char *sug;
	int n = 0, c, rc;

	if ((c = find_col(sc, e->name, strlen(e->name))) >= 0) {
		if ((*out = node(C_COL, sc->cols[c].type)) == NULL)
			return (-1);
		(*out)->col = c;
		(*out)->dict = sc->cols[c].dict;
		return (0);
	}
	if ((rc = compile_derived(q, e, sc, out)) <= 0)
		return (rc);
	for (c = 0; c < sc->ncols && n < 64; c++)
		if (!sc->cols[c].hidden)
			cands[n++] = sc->cols[c].name;
	/* The derived fields of the columns there are, for typos. */
	for (size_t i = 0; i < nderived; i++)
		if (find_col(sc, derived[i], (size_t)(strchr(derived[i],
		    '.') - derived[i])) >= 0)
			cands[n++] = derived[i];
	sug = pql_suggest(e->name, cands, n);
	if (sug)
		return (q_error(q, e->off, e->len, "unknown field \"%s\" — did "
		    "you mean \"%s\"?", e->name, sug));
	return (q_error(q, e->off, e->len, "unknown field \"%s\"", e->name));
}

/* Bring two operands to one type where a constant can bend. */
static int
unify(struct qctx *q, const struct expr *e, struct cexpr *a, struct cexpr *b)
{
	if (a->t == b->t)
		return (0);
	if (b->op == C_CONST)
		return (coerce(q, b, a->t, e->b));
	if (a->op == C_CONST)
		return (coerce(q, a, b->t, e->a));
	if (is_numeric(a->t) && is_numeric(b->t) && a->t != V_MONEY &&
	    b->t != V_MONEY)
		return (0);
	return (q_error(q, e->off, e->len, "cannot compare %s with %s",
	    vtype_name(a->t), vtype_name(b->t)));
}

static enum vtype
arith_type(enum binop op, enum vtype a, enum vtype b)
{
	if (a == V_MONEY && b == V_MONEY)
		return (op == OP_DIV ? V_NUM : op == OP_MUL ? V_NULL : V_MONEY);
	if (a == V_MONEY && (b == V_INT || b == V_NUM))
		return (op == OP_MUL || op == OP_DIV ? V_MONEY : V_NULL);
	if (b == V_MONEY && (a == V_INT || a == V_NUM))
		return (op == OP_MUL ? V_MONEY : V_NULL);
	if (a == V_DATE && b == V_INT)
		return (op == OP_ADD || op == OP_SUB ? V_DATE : V_NULL);
	if (a == V_DATE && b == V_DATE)
		return (op == OP_SUB ? V_INT : V_NULL);
	if (a == V_INT && b == V_INT)
		return (op == OP_DIV ? V_NUM : V_INT);
	if (is_numeric(a) && is_numeric(b))
		return (V_NUM);
	return (V_NULL);
}

static int
compile_regex(struct qctx *q, const struct expr *e, struct cexpr *c)
{
	const struct expr *pe = e->b;
	PCRE2_SIZE eoff;
	int ecode;

	if (pe->k != E_STRING)
		return (q_error(q, pe->off, pe->len, "~ wants a pattern in "
		    "quotes"));
	c->re = pcre2_compile((PCRE2_SPTR)pe->name, PCRE2_ZERO_TERMINATED,
	    PCRE2_UTF, &ecode, &eoff, NULL);
	if (c->re == NULL) {
		PCRE2_UCHAR msg[256];

		pcre2_get_error_message(ecode, msg, sizeof(msg));
		return (q_error(q, pe->off, pe->len, "bad pattern: %s (at "
		    "offset %zu)", (char *)msg, (size_t)eoff));
	}
	(void)pcre2_jit_compile(c->re, PCRE2_JIT_COMPLETE);
	c->md = pcre2_match_data_create_from_pattern(c->re, NULL);
	return (c->md ? 0 : -1);
}

static int
compile(struct qctx *q, const struct expr *e, const struct table *sc,
    struct cexpr **out)
{
	struct cexpr *c = NULL;
	const char *pv;

	*out = NULL;
	switch (e->k) {
	case E_FIELD:
		return (compile_col(q, e, sc, out));
	case E_INT: case E_DEC: case E_MONEY: case E_DATE: case E_DURATION:
	case E_STRING: case E_PARAM: case E_PERCENT:
		if ((c = node(C_CONST, V_INT)) == NULL)
			return (-1);
		c->v.i = e->i;
		c->v.t = e->k == E_DEC ? V_NUM : e->k == E_PERCENT ? V_PCT :
		    e->k == E_MONEY ? V_MONEY :
		    e->k == E_DATE ? V_DATE : e->k == E_STRING ||
		    e->k == E_PARAM ? V_STR : V_INT;
		if (e->k == E_STRING) {
			c->v.s = e->name;
			c->v.i = -1;
		} else if (e->k == E_PARAM) {
			if ((pv = eval_param(q, e)) == NULL) {
				free(c);
				return (-1);
			}
			c->v.s = pv;
			c->v.i = -1;
		}
		c->t = c->v.t;
		break;
	case E_PERIOD:
		return (q_error(q, e->off, e->len, "a period is used with "
		    "\"in\": date in fy2025"));
	case E_NOT:
	case E_NEG:
		if ((c = node(e->k == E_NOT ? C_NOT : C_NEG, V_BOOL)) == NULL ||
		    compile(q, e->a, sc, &c->a) != 0)
			goto fail;
		if (e->k == E_NEG) {
			c->t = c->a->t;
			if (!is_numeric(c->t))
				goto typefail;
		}
		break;
	case E_BINOP:
		if ((c = node(C_CMP, V_BOOL)) == NULL)
			return (-1);
		c->bop = e->op;
		if (compile(q, e->a, sc, &c->a) != 0 ||
		    compile(q, e->b, sc, &c->b) != 0)
			goto fail;
		if (e->op == OP_AND || e->op == OP_OR) {
			c->op = e->op == OP_AND ? C_AND : C_OR;
		} else if (e->op <= OP_GE) {
			if (unify(q, e, c->a, c->b) != 0 ||
			    ideq(q, c) != 0)
				goto fail;
		} else {
			c->op = C_ARITH;
			if (c->b->op == C_CONST && c->b->t == V_STR &&
			    coerce(q, c->b, c->a->t == V_DATE ? V_INT :
			    c->a->t, e->b) != 0)
				goto fail;
			if (c->a->op == C_CONST && c->a->t == V_STR &&
			    coerce(q, c->a, c->b->t, e->a) != 0)
				goto fail;
			c->t = arith_type(e->op, c->a->t, c->b->t);
			if (c->t == V_NULL)
				goto typefail;
		}
		break;
	case E_IN:
		if ((c = node(C_IN, V_BOOL)) == NULL ||
		    compile(q, e->a, sc, &c->a) != 0)
			goto fail;
		if ((c->list = calloc((size_t)e->nlist + 1,
		    sizeof(*c->list))) == NULL)
			goto fail;
		for (int i = 0; i < e->nlist; i++) {
			if (compile(q, e->list[i], sc, &c->list[i]) != 0)
				goto fail;
			c->nlist = i + 1;
			if (c->list[i]->op == C_CONST &&
			    coerce(q, c->list[i], c->a->t, e->list[i]) != 0)
				goto fail;
		}
		idin(q, c);
		break;
	case E_IN_PERIOD:
		if ((c = node(C_BETWEEN, V_BOOL)) == NULL ||
		    compile(q, e->a, sc, &c->a) != 0)
			goto fail;
		if (c->a->t != V_DATE) {
			q_error(q, e->a->off, e->a->len, "\"in\" a period "
			    "wants a date, not %s", vtype_name(c->a->t));
			goto fail;
		}
		if ((c->b = node(C_CONST, V_DATE)) == NULL ||
		    (c->c = node(C_CONST, V_DATE)) == NULL)
			goto fail;
		c->b->v.t = c->c->v.t = V_DATE;
		if (e->b->k == E_PERIOD) {
			c->b->v.i = e->b->lo;
			c->c->v.i = e->b->hi;
		} else if (e->b->k == E_PARAM) {
			int32_t lo, hi;

			if ((pv = eval_param(q, e->b)) == NULL)
				goto fail;
			if (pql_text_period(pv, &lo, &hi) != 0) {
				q_error(q, e->b->off, e->b->len, "parameter "
				    "$%s: \"%s\" is not a period (fy2025, "
				    "fy2025q3 or a date)", e->b->name, pv);
				goto fail;
			}
			c->b->v.i = lo;
			c->c->v.i = hi;
		} else {
			q_error(q, e->b->off, e->b->len, "\"in\" wants a "
			    "period (fy2025, fy2025q3) or a list in ( )");
			goto fail;
		}
		break;
	case E_BETWEEN:
		if ((c = node(C_BETWEEN, V_BOOL)) == NULL ||
		    compile(q, e->a, sc, &c->a) != 0 ||
		    compile(q, e->b, sc, &c->b) != 0 ||
		    compile(q, e->c, sc, &c->c) != 0)
			goto fail;
		if ((c->b->op == C_CONST &&
		    coerce(q, c->b, c->a->t, e->b) != 0) ||
		    (c->c->op == C_CONST &&
		    coerce(q, c->c, c->a->t, e->c) != 0))
			goto fail;
		break;
	case E_MATCH:
		if ((c = node(C_MATCH, V_BOOL)) == NULL ||
		    compile(q, e->a, sc, &c->a) != 0)
			goto fail;
		if (c->a->t != V_STR) {
			q_error(q, e->a->off, e->a->len, "~ matches strings, "
			    "not %s", vtype_name(c->a->t));
			goto fail;
		}
		if (compile_regex(q, e, c) != 0)
			goto fail;
		break;
	case E_WITHIN:
		if ((c = node(C_WITHIN, V_BOOL)) == NULL ||
		    compile(q, e->a, sc, &c->a) != 0 ||
		    compile(q, e->b, sc, &c->b) != 0)
			goto fail;
		if (c->a->t != V_STR || c->b->op != C_CONST ||
		    c->b->t != V_STR) {
			q_error(q, e->off, e->len, "within wants a place and "
			    "a code in quotes");
			goto fail;
		}
		/* The answer per distinct place, through the hierarchy. */
		if ((c->d = calloc(1, sizeof(*c->d))) == NULL)
			goto fail;
		c->d->fn = D_WITHIN;
		c->d->area = c->b->v.s;
		c->d->st = q->st;
		c->d->txn = q->txn;
		strmap_init(&c->d->bytext);
		break;
	case E_CALL:
		if (q->lim && q->lim->plugins && plugins_function(
		    q->lim->plugins, e->name) != NULL) {
			if ((c = compile_plugin_call(q, e, sc)) == NULL)
				goto fail;
			break;
		}
		if (strchr(e->name, '.') != NULL)
			return (q_error(q, e->off, e->len, "no loaded plugin "
			    "has a function \"%s\" (placed check lists them)",
			    e->name));
		if (strcmp(e->name, "month") && strcmp(e->name, "quarter") &&
		    strcmp(e->name, "fy"))
			return (q_error(q, e->off, e->len, "\"%s\" is not a "
			    "function here (month, quarter, fy)", e->name));
		if (e->nlist != 1)
			return (q_error(q, e->off, e->len, "%s() takes one "
			    "date", e->name));
		c = node(e->name[0] == 'm' ? C_MONTH : e->name[0] == 'q' ?
		    C_QUARTER : C_FY, e->name[0] == 'm' ? V_MONTH :
		    e->name[0] == 'q' ? V_QUARTER : V_FY);
		if (c == NULL || compile(q, e->list[0], sc, &c->a) != 0)
			goto fail;
		if (c->a->t != V_DATE) {
			q_error(q, e->list[0]->off, e->list[0]->len, "%s() "
			    "takes a date, not %s", e->name,
			    vtype_name(c->a->t));
			goto fail;
		}
		break;
	}
	*out = c;
	return (0);
typefail:
	q_error(q, e->off, e->len, "cannot compute this with %s and %s",
	    vtype_name(c->a ? c->a->t : V_NULL),
	    vtype_name(c->b ? c->b->t : V_NULL));
fail:
	cexpr_free(c);
	return (-1);
}

int
cexpr_compile(struct qctx *q, const struct expr *e, const struct table *sc,
    struct cexpr **out)
{
	return (compile(q, e, sc, out));
}

/* Exact money × decimal and money ÷ n: round half to even. */
static void
arith(const struct cexpr *c, const struct value *a, const struct value *b,
    struct value *o)
{
	__int128 x = a->i, y = b->i, r;

	o->t = c->t;
	/* Bring integers to the decimal scale where the other is one. */
	if (c->t == V_NUM || (c->t == V_MONEY && (a->t == V_NUM ||
	    b->t == V_NUM))) {
		if (a->t == V_INT)
			x *= NUM_SCALE;
		if (b->t == V_INT)
			y *= NUM_SCALE;
	}
	switch (c->bop) {
	case OP_ADD: r = x + y; break;
	case OP_SUB: r = x - y; break;
	case OP_MUL:
		if (c->t == V_NUM || (c->t == V_MONEY && (a->t == V_NUM ||
		    b->t == V_NUM)))
			r = value_div_even(x * y, NUM_SCALE);
		else
			r = x * y;
		break;
	case OP_DIV:
		if (y == 0) {
			o->t = V_NULL;
			return;
		}
		if (c->t == V_NUM || b->t == V_NUM)
			r = value_div_even(x * NUM_SCALE, y);
		else
			r = value_div_even(x, y);
		break;
	default:
		o->t = V_NULL;
		return;
	}
	/* Beyond int64 (and its null mark) there is no answer: null. */
	if (r > INT64_MAX || r < -INT64_MAX)
		o->t = V_NULL;
	else
		o->i = (int64_t)r;
}

static int
cmp_op(enum binop op, int r)
{
	switch (op) {
	case OP_EQ: return (r == 0);
	case OP_NE: return (r != 0);
	case OP_LT: return (r < 0);
	case OP_LE: return (r <= 0);
	case OP_GT: return (r > 0);
	case OP_GE: return (r >= 0);
	default: return (0);
	}
}

/* Numeric values of mixed int/decimal scale compared exactly. */
static int
cmp_values(const struct value *a, const struct value *b)
{
	struct value x = *a, y = *b;

	/* Numbers and percents are stored × NUM_SCALE, integers not. */
	if (x.t == V_INT && (y.t == V_NUM || y.t == V_PCT))
		x.i *= NUM_SCALE;
	else if (y.t == V_INT && (x.t == V_NUM || x.t == V_PCT))
		y.i *= NUM_SCALE;
	return (value_cmp(&x, &y));
}

static int
match(const struct cexpr *c, const struct value *v)
{
	struct cexpr *mc = (struct cexpr *)c;
	int rc;

	if (v->t != V_STR || v->s == NULL)
		return (0);
	/* Once per distinct dictionary value, not once per row. */
	if (v->i > 0 && (size_t)v->i < mc->nmemo && mc->memo[v->i])
		return (mc->memo[v->i] == 2);
	rc = pcre2_match(c->re, (PCRE2_SPTR)v->s, strlen(v->s), 0, 0, c->md,
	    NULL) >= 0;
	if (v->i > 0 && v->i < (1 << 28)) {
		if ((size_t)v->i >= mc->nmemo) {
			size_t nn = (size_t)v->i * 2 + 64;
			uint8_t *m = realloc(mc->memo, nn);

			if (m == NULL)
				return (rc);
			memset(m + mc->nmemo, 0, nn - mc->nmemo);
			mc->memo = m;
			mc->nmemo = nn;
		}
		mc->memo[v->i] = rc ? 2 : 1;
	}
	return (rc);
}

/* place.LEVEL, place.name, and place within "AREA" (dyes or dnull). */
static const char *
derive_place(const struct derived *d, const char *code)
{
	struct geo_place gp;
	const char *s;
	int known;

	known = d->st && geo_resolve(d->st, d->txn, code, &gp) == 0;
	if (d->fn == D_WITHIN)
		return (geo_within(known ? &gp : NULL, code, d->area) ? dyes :
		    dnull);
	if (!known)
		return (dnull);
	s = d->level == GEO_NONE ? gp.name : geo_at(&gp, code, d->level);
	return (s[0] ? table_strdup(d->arena, s, strlen(s)) : dnull);
}

/* What a derived field is for one code; dnull when empty, NULL when
 * out of memory. */
static const char *
derive(const struct derived *d, const char *code)
{
	const char *p;
	size_t n;

	switch (d->fn) {
	case D_PLACE:
	case D_WITHIN:
		return (derive_place(d, code));
	case D_DIVISION:
		/* "10.2.0" → "10"; a division alone is itself. */
		n = (p = strchr(code, '.')) ? (size_t)(p - code) :
		    strlen(code);
		break;
	case D_GROUP:
		/* "10.2.0" → "10.2"; a division has no group. */
		if ((p = strchr(code, '.')) == NULL)
			return (dnull);
		n = (p = strchr(p + 1, '.')) ? (size_t)(p - code) :
		    strlen(code);
		break;
	default:
		for (size_t i = 0; d->scheme && i < d->scheme->s.ncodes; i++)
			if (strcmp(d->scheme->s.codes[i].code, code) == 0)
				return (d->scheme->s.codes[i].title &&
				    d->scheme->s.codes[i].title[0] ?
				    d->scheme->s.codes[i].title : dnull);
		return (dnull);
	}
	return (n == 0 ? dnull : table_strdup(d->arena, code, n));
}

/* Room for one more remembered answer; -1 out of memory. */
static int
grow_vals(struct derived *d)
{
	size_t nc = d->cap ? d->cap * 2 : 64;
	const char **nv = realloc(d->vals, nc * sizeof(*nv));

	if (nv == NULL)
		return (-1);
	d->vals = nv;
	d->cap = nc;
	return (0);
}

/* Once per distinct value: by dictionary id where rows carry one (the
 * scan's), else by text. */
static const char *
derived_of(const struct cexpr *c, const struct value *v)
{
	struct derived *d = c->d;
	const char *r, **nv;
	uint32_t k;

	if (c->a->dict && v->i > 0 && v->i < (1 << 28)) {
		size_t id = (size_t)v->i;

		if (id < d->nbyid && d->byid[id])
			return (d->byid[id]);
		if ((r = derive(d, v->s)) == NULL)
			return (NULL);
		if (id >= d->nbyid) {
			size_t nn = id * 2 + 64;

			if ((nv = realloc(d->byid, nn * sizeof(*nv))) == NULL)
				return (r);
			memset(nv + d->nbyid, 0, (nn - d->nbyid) *
			    sizeof(*nv));
			d->byid = nv;
			d->nbyid = nn;
		}
		return (d->byid[id] = r);
	}
	if (strmap_get(&d->bytext, v->s, strlen(v->s), &k))
		return (d->vals[k]);
	if ((r = derive(d, v->s)) == NULL)
		return (NULL);
	if (d->nvals == d->cap && grow_vals(d) != 0)
		return (r);
	if (strmap_put(&d->bytext, v->s, strlen(v->s), (uint32_t)d->nvals) ==
	    0)
		d->vals[d->nvals++] = r;
	return (r);
}

static int32_t
ev_date(const struct value *v)
{
	return ((int32_t)v->i);
}

/* A plugin's function on one row: the arguments as text, the answer
 * remembered per distinct arguments; its error stops the query. */
static void
plugin_eval(const struct cexpr *c, const struct value *row, struct value *o)
{
	char args[PLUGIN_MAXARGS][256], key[PLUGIN_MAXARGS * 257], out[1024];
	char err[512];
	const char *argv[PLUGIN_MAXARGS + 1];
	size_t kl = 0;
	uint32_t idx;
	struct value a;

	for (int i = 0; i < c->nlist; i++) {
		cexpr_eval(c->list[i], row, &a);
		if (a.t == V_NULL)
			args[i][0] = '\0';
		else
			(void)value_text(&a, args[i], sizeof(args[i]));
		argv[i] = args[i];
		kl += (size_t)snprintf(key + kl, sizeof(key) - kl, "%s\x1f",
		    args[i]);
	}
	argv[c->nlist] = NULL;
	if (kl >= sizeof(key))
		kl = sizeof(key) - 1;
	if (!strmap_get(&c->d->bytext, key, kl, &idx)) {
		const char *v;

		if (c->q->failed)
			return;
		if (plugins_call(c->pf, argv, out, sizeof(out), err,
		    sizeof(err)) != 0) {
			if (!c->q->failed)
				snprintf(c->q->err, c->q->errsz, "%s", err);
			c->q->failed = 1;
			return;
		}
		v = out[0] ? table_strdup(c->d->arena, out, strlen(out)) :
		    dnull;
		if (v == NULL || (c->d->nvals == c->d->cap && grow_vals(c->d)))
			return;
		idx = (uint32_t)c->d->nvals;
		c->d->vals[c->d->nvals++] = v;
		if (strmap_len(&c->d->bytext) < (1u << 20))
			(void)strmap_put(&c->d->bytext, key, kl, idx);
	}
	if (c->d->vals[idx] != dnull)
		*o = (struct value){ V_STR, -1, c->d->vals[idx] };
}

void
cexpr_eval(const struct cexpr *c, const struct value *row, struct value *o)
{
	struct value a, b, x;
	int y, m, d;

	memset(o, 0, sizeof(*o));
	switch (c->op) {
	case C_COL:
		*o = row[c->col];
		return;
	case C_CONST:
		*o = c->v;
		return;
	case C_AND:
	case C_OR:
		/* SQL's three values: false and x is false, true or x is
		 * true, otherwise a null makes the answer unknown. */
		cexpr_eval(c->a, row, &a);
		o->t = V_BOOL;
		if (a.t != V_NULL && value_true(&a) != (c->op == C_AND)) {
			o->i = c->op == C_OR;
			return;
		}
		cexpr_eval(c->b, row, &b);
		if (b.t != V_NULL && value_true(&b) != (c->op == C_AND)) {
			o->i = c->op == C_OR;
			return;
		}
		if (a.t == V_NULL || b.t == V_NULL)
			o->t = V_NULL;
		else
			o->i = c->op == C_AND;
		return;
	case C_NOT:
		cexpr_eval(c->a, row, &a);
		if (a.t != V_NULL) {
			o->t = V_BOOL;
			o->i = !value_true(&a);
		}
		return;
	case C_NEG:
		cexpr_eval(c->a, row, &a);
		if (a.t != V_NULL) {
			*o = a;
			o->i = -a.i;
		}
		return;
	case C_CMP:
		cexpr_eval(c->a, row, &a);
		cexpr_eval(c->b, row, &b);
		/* An empty text field is the empty string, not unknown:
		 * transfer != "yes" keeps the lines with no transfer. */
		if (a.t == V_NULL && c->a->t == V_STR)
			a = (struct value){ V_STR, 0, "" };
		if (b.t == V_NULL && c->b->t == V_STR)
			b = (struct value){ V_STR, 0, "" };
		if (a.t == V_NULL || b.t == V_NULL)
			return;		/* unknown */
		o->t = V_BOOL;
		o->i = cmp_op(c->bop, cmp_values(&a, &b));
		return;
	case C_IDIN:
		if (row[c->col].t == V_NULL)
			return;
		o->t = V_BOOL;
		for (int64_t i = 0; i < c->v.i; i++)
			if (row[c->col].i == c->list[i]->v.i) {
				o->i = 1;
				return;
			}
		return;
	case C_IDEQ:
		/* Rows of the scan carry their dictionary ids; an empty
		 * field is id 0, which is also what "" finds. */
		o->t = V_BOOL;
		o->i = ((row[c->col].t == V_NULL ? 0 : row[c->col].i) ==
		    c->v.i) == (c->bop == OP_EQ);
		return;
	case C_ARITH:
		cexpr_eval(c->a, row, &a);
		cexpr_eval(c->b, row, &b);
		if (a.t != V_NULL && b.t != V_NULL)
			arith(c, &a, &b, o);
		return;
	case C_IN:
		cexpr_eval(c->a, row, &a);
		if (a.t == V_NULL)
			return;
		o->t = V_BOOL;
		for (int i = 0; i < c->nlist; i++) {
			cexpr_eval(c->list[i], row, &x);
			if (x.t != V_NULL && cmp_values(&a, &x) == 0) {
				o->i = 1;
				return;
			}
		}
		return;
	case C_BETWEEN:
		cexpr_eval(c->a, row, &a);
		cexpr_eval(c->b, row, &b);
		cexpr_eval(c->c, row, &x);
		if (a.t == V_NULL || b.t == V_NULL || x.t == V_NULL)
			return;
		o->t = V_BOOL;
		o->i = cmp_values(&a, &b) >= 0 && cmp_values(&a, &x) <= 0;
		return;
	case C_MATCH:
		cexpr_eval(c->a, row, &a);
		o->t = V_BOOL;
		o->i = match(c, &a);
		return;
	case C_DERIVED:
		cexpr_eval(c->a, row, &a);
		if (a.t != V_STR || a.s == NULL || (x.s = derived_of(c,
		    &a)) == NULL || x.s == dnull)
			return;
		*o = (struct value){ V_STR, -1, x.s };
		return;
	case C_WITHIN:
		/* A row with no place is in no area: unknown, as == is. */
		cexpr_eval(c->a, row, &a);
		if (a.t != V_STR || a.s == NULL)
			return;
		o->t = V_BOOL;
		o->i = derived_of(c, &a) == dyes;
		return;
	case C_PLUGIN:
		plugin_eval(c, row, o);
		return;
	case C_MONTH:
	case C_QUARTER:
	case C_FY:
		cexpr_eval(c->a, row, &a);
		if (a.t == V_NULL)
			return;
		date_to_ymd(ev_date(&a), &y, &m, &d);
		o->t = c->t;
		if (c->op == C_MONTH)
			o->i = (int64_t)y * 12 + m - 1;
		else if (c->op == C_FY)
			o->i = date_fy(ev_date(&a));
		else
			o->i = (int64_t)date_fy(ev_date(&a)) * 4 +
			    ((m + 8) % 12) / 3;
		return;
	}
}
