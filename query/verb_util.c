/* verb_util.c — exact rounding, value naming and field lookup for verbs. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parser.h"
#include "verb.h"
#include "verb_util.h"
#include "value.h"

int64_t
verb_rdiv(__int128 n, __int128 d)
{
	return ((int64_t)value_div_even(n, d));
}

struct value
verb_fit(enum vtype t, __int128 v)
{
	struct value o = { V_NULL, 0, NULL };

	if (v <= INT64_MAX && v >= -INT64_MAX) {
		o.t = t;
		o.i = (int64_t)v;
	}
	return (o);
}

void
verb_names_init(struct verb_names *nm, struct table *arena)
{
	memset(nm, 0, sizeof(*nm));
	strmap_init(&nm->map);
	nm->arena = arena;
}

void
verb_names_free(struct verb_names *nm)
{
	strmap_free(&nm->map);
	free(nm->s);
	memset(nm, 0, sizeof(*nm));
}

/* The text a value is named by: the string, or its printed form. */
static const char *
name_text(const struct value *v, char *buf, size_t bufsz, size_t *n)
{
	if (v->t == V_STR) {
		*n = v->s ? strlen(v->s) : 0;
		return (v->s ? v->s : "");
	}
	*n = value_text(v, buf, bufsz);
	return (buf);
}

int64_t
verb_names_id(struct verb_names *nm, const struct value *v)
{
	char buf[4096];
	const char *s, *c, **ns;
	size_t n;
	uint32_t id;

	s = name_text(v, buf, sizeof(buf), &n);
	if (strmap_get(&nm->map, s, n, &id))
		return (id);
	if (nm->n == nm->cap) {
		size_t cap = nm->cap ? nm->cap * 2 : 64;

		if ((ns = realloc(nm->s, cap * sizeof(*ns))) == NULL)
			return (-1);
		nm->s = ns;
		nm->cap = cap;
	}
	if ((c = table_strdup(nm->arena, s, n)) == NULL ||
	    strmap_put(&nm->map, s, n, (uint32_t)nm->n) != 0)
		return (-1);
	nm->s[nm->n] = c;
	return ((int64_t)nm->n++);
}

int
verb_field(struct qctx *q, const struct table *t, const struct expr *e,
    const char *after)
{
	const char **names;
	const char *sg;
	int c;

	if ((c = verb_col(t, e->name)) >= 0)
		return (c);
	if ((names = calloc((size_t)t->ncols + 1, sizeof(*names))) == NULL)
		return (q_error(q, e->off, e->len, "out of memory"));
	for (int i = 0; i < t->ncols; i++)
		names[i] = t->cols[i].name;
	sg = pql_suggest(e->name, names, t->ncols);
	if (sg)
		q_error(q, e->off, e->len, "unknown field \"%s\" after %s — "
		    "did you mean \"%s\"?", e->name, after, sg);
	else
		q_error(q, e->off, e->len, "unknown field \"%s\" after %s",
		    e->name, after);
	free(names);
	return (-1);
}

int64_t
verb_names_find(const struct verb_names *nm, const struct value *v)
{
	char buf[4096];
	const char *s;
	size_t n;
	uint32_t id;

	s = name_text(v, buf, sizeof(buf), &n);
	return (strmap_get(&nm->map, s, n, &id) ? (int64_t)id : -1);
}

int
verb_by_person_date(const void *a, const void *b)
{
	const struct verb_contact *x = a, *y = b;

	if (x->person != y->person)
		return (x->person < y->person ? -1 : 1);
	if (x->date != y->date)
		return (x->date < y->date ? -1 : 1);
	return ((x->row > y->row) - (x->row < y->row));
}

int
verb_need(struct qctx *q, const struct stage *st, const struct table *in,
    const char *verb, const char *name, enum vtype type)
{
	int c = verb_col(in, name);

	if (c < 0)
		return (q_error(q, st->off, st->len, "%s needs a %s column: it "
		    "reads activity", verb, name));
	if (type != V_NULL && in->cols[c].type != type)
		return (q_error(q, st->off, st->len, "%s needs %s to be a %s, "
		    "not %s", verb, name, vtype_name(type),
		    vtype_name(in->cols[c].type)));
	return (c);
}

int
verb_days(struct qctx *q, const struct expr *e, int64_t *days)
{
	const char *pv;

	if (e->k != E_PARAM) {
		*days = e->i;
		return (0);
	}
	if ((pv = eval_param(q, e)) == NULL)
		return (-1);
	if (pql_text_days(pv, days) != 0)
		return (q_error(q, e->off, e->len, "parameter $%s \"%s\" is "
		    "not a number of days (30d)", e->name, pv));
	return (0);
}

const char *
verb_text(struct qctx *q, const struct expr *e)
{
	return (e->k == E_PARAM ? eval_param(q, e) : e->name);
}

int
verb_transfer_col(const struct stage *st, const struct table *in)
{
	return (st->verb.transfers ? -1 : verb_col(in, "transfer"));
}

int
verb_is_transfer(const struct value *row, int col)
{
	return (col >= 0 && row[col].t == V_STR && row[col].s != NULL &&
	    strcmp(row[col].s, "yes") == 0);
}

/* The query's arena holds the strings; eval.c caches per place. */
struct value *
verb_place_level(struct qctx *q, const struct stage *st,
    const struct table *t)
{
	char name[64];
	struct expr e = { .k = E_FIELD, .off = st->off, .len = st->len,
	    .name = name };
	struct cexpr *c;
	struct value *pl;

	snprintf(name, sizeof(name), "place.%s", st->verb.level);
	if (cexpr_compile(q, &e, t, &c) != 0)
		return (NULL);
	if ((pl = calloc(t->nrows + 1, sizeof(*pl))) == NULL)
		q_error(q, st->off, st->len, "out of memory");
	for (size_t r = 0; pl && r < t->nrows; r++)
		cexpr_eval(c, table_row(t, r), &pl[r]);
	cexpr_free(c);
	return (pl);
}
