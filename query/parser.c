/*
 * parser.c — PQL recursive descent: the query and its stages, the tokens
 * and nodes every rule uses, and the first error only, at its span.
 * Expressions are in parse_expr.c, the question verbs in parse_verb.c.
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
#include "parse.h"

static const char *const sources[] = {
	"spend", "activity", "outcome", "services"
};

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

int
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

int
expected(struct parser *p, const char *what)
{
	char buf[64];
	size_t off, span;

	found(p, buf, sizeof(buf), &off, &span);
	return (perr(p, off, span, "expected %s, found %s", what, buf));
}

/* An unknown word: with a suggestion if one is near enough. */
int
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

int
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
const struct token *
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

char *
take_s(struct parser *p)
{
	char *s = p->tok.s;

	p->tok.s = NULL;
	return (s);
}

int
is_word(const struct parser *p, const char *w)
{
	return (p->tok.t == T_IDENT && strcmp(p->tok.s, w) == 0);
}

int
in_list(const char *s, const char *const *l, int n)
{
	for (int i = 0; i < n; i++)
		if (strcmp(s, l[i]) == 0)
			return (1);
	return (0);
}

/* Nodes ------------------------------------------------------------- */

int
oom(struct parser *p)
{
	return (perr(p, p->tok.off, p->tok.len, "out of memory"));
}

struct expr *
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

/* Append e to a list; frees e when it fails. */
int
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
void *
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

/* "sum_amount" for sum(amount), else "sum"; NULL for no call. */
char *
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

/* Stages ------------------------------------------------------------ */

/* One of words, taken into *out, else an error naming them. */
int
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

int
p_word(struct parser *p, const char *w, const char *what)
{
	if (!is_word(p, w))
		return (expected(p, what));
	return (advance(p));
}

/* where = "where" expr */
static int
p_where(struct parser *p, struct stage *st)
{
	if (p->tok.t == T_EOF || p->tok.t == T_SEP)
		return (expected(p, "a condition after \"where\""));
	st->cond = p_expr(p);
	return (st->cond == NULL ? -1 : 0);
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

/* named = [ NAME "=" ]: a new column of st, named when the name is given */
struct named *
named_begin(struct parser *p, struct stage *st)
{
	struct named *c;

	if ((c = grow(p, (void **)&st->cols, &st->ncols,
	    sizeof(*st->cols))) == NULL)
		return (NULL);
	c->off = p->tok.off;
	if (p->tok.t == T_IDENT && peek(p)->t == T_ASSIGN) {
		c->name = take_s(p);
		if (advance(p) != 0 || advance(p) != 0)
			return (NULL);
	}
	return (c);
}

/* select = "select" [ NAME "=" ] expr { "," [ NAME "=" ] expr } */
static int
p_select(struct parser *p, struct stage *st)
{
	struct named *c;

	if (p->tok.t == T_EOF || p->tok.t == T_SEP)
		return (expected(p, "a column after \"select\""));
	for (;;) {
		if ((c = named_begin(p, st)) == NULL)
			return (-1);
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
