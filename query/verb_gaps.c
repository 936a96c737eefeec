/*
 * verb_gaps.c — gaps by place[.level], F: every place × every value of F,
 * the need the piped outcome rows show there, the services that cover it
 * and the activity seen, so that a cell with need and no provision shows
 * as a gap instead of being absent.  By place.LEVEL, each row counts in
 * the area of that level its place lies in (geo.h), and a row whose
 * place has none (unknown, or coarser) counts nowhere.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "eval.h"
#include "geo.h"
#include "store.h"
#include "value.h"
#include "verb.h"
#include "verb_util.h"

struct cell {
	__int128	need;
	int64_t		nneed, services, contacts;
};

struct gaps {
	struct verb_names places, fs;
	struct value	*fval;		/* F id → its value */
	size_t		nfval;
	enum vtype	ftype;
};

/*
 * The ids of a row's place pv and F: 0 when it has both and they are in
 * the grid.  With add, each non-null one joins the grid (a place seen
 * with no F is still a place of the grid); -1 when out of memory.
 */
static int
cell_ids(struct gaps *g, const struct value *pv, const struct value *row,
    int cf, int add, int64_t *p, int64_t *f)
{
	*p = *f = -1;
	if (!add) {
		if (pv->t != V_NULL)
			*p = verb_names_find(&g->places, pv);
		if (row[cf].t != V_NULL)
			*f = verb_names_find(&g->fs, &row[cf]);
		return (*p < 0 || *f < 0);
	}
	if (pv->t != V_NULL && (*p = verb_names_id(&g->places, pv)) < 0)
		return (-1);
	if (row[cf].t == V_NULL)
		return (1);
	if ((*f = verb_names_id(&g->fs, &row[cf])) < 0)
		return (-1);
	if ((size_t)*f == g->nfval) {
		struct value *n = realloc(g->fval, (g->nfval + 1) *
		    sizeof(*n));

		if (n == NULL)
			return (-1);
		g->fval = n;
		n[g->nfval] = row[cf];
		if (row[cf].t == V_STR)
			n[g->nfval].s = g->fs.s[*f];
		g->nfval++;
	}
	return (*p < 0);
}

static int
by_text(const void *a, const void *b, void *arg)
{
	const char *const *s = arg;

	return (strcmp(s[*(const uint32_t *)a], s[*(const uint32_t *)b]));
}

static int
by_value(const void *a, const void *b, void *arg)
{
	const struct value *v = arg;

	return (value_cmp(&v[*(const uint32_t *)a], &v[*(const uint32_t *)b]));
}

static struct table *
scan(struct qctx *q, const struct stage *st, kind_t kind)
{
	struct table *t = verb_scan(q, kind);

	if (t == NULL && q->err[0] == '\0')
		q_error(q, st->off, st->len, "out of memory");
	return (t);
}

/* The piped rows' place, F and value columns, or -1 after an error. */
static int
piped_cols(struct qctx *q, const struct stage *st, const struct table *in,
    int *cp, int *cf, int *cv)
{
	const struct expr *e = st->verb.by[0];

	if ((*cp = verb_col(in, "place")) < 0)
		return (q_error(q, st->off, st->len, "gaps needs a place "
		    "column in the piped rows: it reads outcome"));
	if ((*cf = verb_col(in, e->name)) < 0)
		return (q_error(q, e->off, e->len, "gaps needs a %s column in "
		    "the piped rows: add one, e.g. derive %s = \"...\"",
		    e->name, e->name));
	if ((*cv = verb_col(in, "value")) < 0)
		return (q_error(q, st->off, st->len, "gaps needs a value "
		    "column in the piped rows (the need): it reads outcome"));
	if (in->cols[*cv].type != V_NUM && in->cols[*cv].type != V_INT)
		return (q_error(q, st->off, st->len, "gaps needs value to be "
		    "a number, not %s", vtype_name(in->cols[*cv].type)));
	return (0);
}

/* Places by level: the hierarchy must be there, and know the level. */
static int
level_ok(struct qctx *q, const struct stage *st)
{
	const char *lv = st->verb.level;

	if (geo_level_find(lv, strlen(lv)) == GEO_NONE)
		return (q_error(q, st->off, st->len, "gaps by place.%s: no "
		    "such level (lsoa, ward, lad, county, region, pfa, fra…)",
		    lv));
	if (store_geo_count(q->st, q->txn) == 0)
		return (q_error(q, st->off, st->len, "gaps by place.%s needs "
		    "the place hierarchy, which no geography load has "
		    "provided yet (placed load geo)", lv));
	return (0);
}

/* Row r's place: at the level when there is one. */
static const struct value *
place_of(const struct value *pl, const struct table *t, size_t r, int cp)
{
	return (pl ? &pl[r] : &table_row(t, r)[cp]);
}

static const char *
status(const struct cell *c)
{
	if (c->nneed == 0)
		return ("missing");
	if (c->need <= 0)
		return ("no_need");
	return (c->services ? "covered" : "gap");
}

struct table *
verb_gaps(struct qctx *q, const struct stage *st, const struct table *in)
{
	const struct expr *e = st->verb.by[0];
	struct table *svc = NULL, *act = NULL, *out = NULL;
	struct cell *cells = NULL;
	uint32_t *po = NULL, *fo = NULL;
	int cp = -1, cf = -1, cv = -1, sp, sf, ap, af, ok = 0;
	struct value *pin = NULL, *psvc = NULL, *pact = NULL;
	int64_t p, f;
	size_t np, nf;
	struct gaps g = { 0 };

	if (st->verb.level && level_ok(q, st) != 0)
		return (NULL);
	if (piped_cols(q, st, in, &cp, &cf, &cv) != 0)
		return (NULL);
	if ((svc = scan(q, st, KIND_SERVICE)) == NULL)
		return (NULL);
	sp = verb_col(svc, "place");
	if ((sf = verb_col(svc, e->name)) < 0) {
		q_error(q, e->off, e->len, "gaps by place, %s counts services "
		    "by %s, and services have no %s field", e->name, e->name,
		    e->name);
		table_free(svc);
		return (NULL);
	}
	if ((act = scan(q, st, KIND_ACTIVITY)) == NULL) {
		table_free(svc);
		return (NULL);
	}
	ap = verb_col(act, "place");
	af = verb_col(act, e->name);
	if (st->verb.level && ((pin = verb_place_level(q, st, in)) == NULL ||
	    (psvc = verb_place_level(q, st, svc)) == NULL ||
	    (pact = verb_place_level(q, st, act)) == NULL))
		goto out;
	if ((out = table_new(6)) == NULL)
		goto out;
	verb_names_init(&g.places, out);
	verb_names_init(&g.fs, out);
	/* The grid: places from all three, values of F from the piped rows
	 * and the services. */
	for (size_t r = 0; r < in->nrows; r++)
		if (cell_ids(&g, place_of(pin, in, r, cp), table_row(in, r),
		    cf, 1, &p, &f) < 0)
			goto out;
	for (size_t r = 0; r < svc->nrows; r++)
		if (cell_ids(&g, place_of(psvc, svc, r, sp),
		    table_row(svc, r), sf, 1, &p, &f) < 0)
			goto out;
	for (size_t r = 0; r < act->nrows; r++) {
		const struct value *pv = place_of(pact, act, r, ap);

		if (pv->t != V_NULL && verb_names_id(&g.places, pv) < 0)
			goto out;
	}
	np = g.places.n;
	nf = g.fs.n;
	if ((cells = calloc(np * nf + 1, sizeof(*cells))) == NULL ||
	    (po = calloc(np + 1, sizeof(*po))) == NULL ||
	    (fo = calloc(nf + 1, sizeof(*fo))) == NULL)
		goto out;
	for (size_t r = 0; r < in->nrows; r++) {
		const struct value *row = table_row(in, r);

		if (cell_ids(&g, place_of(pin, in, r, cp), row, cf, 0, &p,
		    &f) != 0 || row[cv].t == V_NULL)
			continue;
		cells[p * (int64_t)nf + f].need += in->cols[cv].type ==
		    V_INT ? (__int128)row[cv].i * NUM_SCALE : row[cv].i;
		cells[p * (int64_t)nf + f].nneed++;
	}
	for (size_t r = 0; r < svc->nrows; r++)
		if (cell_ids(&g, place_of(psvc, svc, r, sp),
		    table_row(svc, r), sf, 0, &p, &f) == 0)
			cells[p * (int64_t)nf + f].services++;
	for (size_t r = 0; af >= 0 && r < act->nrows; r++)
		if (cell_ids(&g, place_of(pact, act, r, ap),
		    table_row(act, r), af, 0, &p, &f) == 0)
			cells[p * (int64_t)nf + f].contacts++;
	/* F keeps its type when the piped rows and services agree on it. */
	g.ftype = in->cols[cf].type == svc->cols[sf].type ?
	    in->cols[cf].type : V_STR;
	if (st->verb.level) {
		char name[64];

		snprintf(name, sizeof(name), "place.%s", st->verb.level);
		table_set_col(out, 0, name, V_STR);
	} else
		table_set_col(out, 0, "place", V_STR);
	table_set_col(out, 1, e->name, g.ftype);
	/* gaps by place, need: the figure cannot share the F column's name. */
	table_set_col(out, 2, strcmp(e->name, "need") == 0 ? "need_value" :
	    "need", V_NUM);
	table_set_col(out, 3, "services", V_INT);
	table_set_col(out, 4, "contacts", V_INT);
	table_set_col(out, 5, "status", V_STR);
	for (size_t i = 0; i < np; i++)
		po[i] = (uint32_t)i;
	for (size_t i = 0; i < nf; i++)
		fo[i] = (uint32_t)i;
	if (np)
		qsort_r(po, np, sizeof(*po), by_text, g.places.s);
	if (nf && g.ftype != V_STR)
		qsort_r(fo, nf, sizeof(*fo), by_value, g.fval);
	else if (nf)
		qsort_r(fo, nf, sizeof(*fo), by_text, g.fs.s);
	for (size_t i = 0; i < np; i++)
		for (size_t j = 0; j < nf; j++) {
			const struct cell *c = &cells[po[i] * nf + fo[j]];
			struct value *o = table_add_row(out);

			if (o == NULL)
				goto out;
			o[0] = (struct value){ V_STR, 0, g.places.s[po[i]] };
			if (g.ftype == V_STR)
				o[1] = (struct value){ V_STR, 0,
				    g.fs.s[fo[j]] };
			else
				o[1] = g.fval[fo[j]];
			if (c->nneed)
				o[2] = verb_fit(V_NUM, c->need);
			o[3] = (struct value){ V_INT, c->services, NULL };
			if (af >= 0)
				o[4] = (struct value){ V_INT, c->contacts,
				    NULL };
			o[5] = (struct value){ V_STR, 0, status(c) };
		}
	ok = 1;
out:
	verb_names_free(&g.places);
	verb_names_free(&g.fs);
	free(g.fval);
	free(cells);
	free(po);
	free(fo);
	free(pin);
	free(psvc);
	free(pact);
	table_free(svc);
	table_free(act);
	if (!ok) {
		table_free(out);
		out = NULL;
	}
	return (out);
}
