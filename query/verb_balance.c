/*
 * verb_balance.c — balance prevention [by F, ...]: the money of each
 * group split by the levels of the active prevention scheme.
 *
 * A record whose shares split it across levels ("prevention: secondary
 * 25%, tertiary 75%") is apportioned in exact pence, so the levels of a
 * group always sum to its money.  Every group shows every level, empty
 * ones too; then, for records stored under another scheme, their levels;
 * then "unclassified".
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "disclose.h"
#include "plugin.h"
#include "rules.h"
#include "value.h"
#include "verb.h"
#include "verb_util.h"

#define MAXBY		16
#define NOID		UINT32_MAX	/* a null value's id */
#define UNCLASSIFIED	"unclassified"

/* One part of one record's money, at one level. */
struct part {
	uint32_t	group, level;
	uint32_t	person;		/* NOID: none */
	int64_t		amount;
	int		counted;	/* a line: the record's first part
					   at this level */
};

struct parts {
	struct part	*v;
	size_t		n, cap;
};

/* Per group and level. */
struct cell {
	__int128	amount;
	int64_t		lines, people;
};

static int
add_part(struct parts *ps, struct part p)
{
	if (ps->n == ps->cap) {
		size_t nc = ps->cap ? ps->cap * 2 : 256;
		struct part *nv = realloc(ps->v, nc * sizeof(*nv));

		if (nv == NULL)
			return (-1);
		ps->v = nv;
		ps->cap = nc;
	}
	ps->v[ps->n++] = p;
	return (0);
}

/* Group, level, person: for counting people once per cell. */
static int
by_cell_person(const void *a, const void *b)
{
	const struct part *x = a, *y = b;

	if (x->group != y->group)
		return (x->group < y->group ? -1 : 1);
	if (x->level != y->level)
		return (x->level < y->level ? -1 : 1);
	return ((x->person > y->person) - (x->person < y->person));
}

/* Extra levels (not the scheme's) by name; arg: the level names. */
static int
by_name(const void *a, const void *b, void *arg)
{
	const char *const *s = arg;

	return (strcmp(s[*(const uint32_t *)a], s[*(const uint32_t *)b]));
}

/* The level id of text (added when new), or -1 out of memory. */
static int64_t
level_id(struct verb_names *lv, const char *s)
{
	struct value v = { V_STR, 0, s };

	return (verb_names_id(lv, &v));
}

/*
 * One record into parts: split by its shares when they have a
 * prevention part, else whole at its level (or unclassified).
 */
static int
record_parts(struct parts *ps, struct verb_names *lv, uint32_t g,
    uint32_t person, const struct value *lvl, const struct value *sh,
    const struct value *money)
{
	const char *codes[RULES_MAXCODES];
	uint32_t bp[RULES_MAXCODES], sum = 0;
	int64_t amt[RULES_MAXCODES], amount, l;
	char buf[1024];
	int n = 0;
	size_t first = ps->n;

	amount = money && money->t != V_NULL ? money->i : 0;
	if (sh && sh->t == V_STR && sh->s)
		n = classify_shares_parse(sh->s, strlen(sh->s), "prevention",
		    buf, sizeof(buf), codes, bp, RULES_MAXCODES);
	for (int i = 0; i < n; i++)
		sum += bp[i];
	/* A malformed split counts as none: the stored level is whole. */
	if (n <= 0 || sum == 0) {
		if (lvl->t == V_NULL || lvl->s == NULL || *lvl->s == '\0')
			l = level_id(lv, UNCLASSIFIED);
		else
			l = verb_names_id(lv, lvl);
		if (l < 0)
			return (-1);
		return (add_part(ps, (struct part){ g, (uint32_t)l, person,
		    amount, 1 }));
	}
	rules_apportion(amount, bp, n, amt);
	for (int i = 0; i < n; i++) {
		int counted = 1;

		if ((l = level_id(lv, codes[i])) < 0)
			return (-1);
		/* A level named twice is one line. */
		for (size_t k = first; k < ps->n; k++)
			if (ps->v[k].level == (uint32_t)l)
				counted = 0;
		if (add_part(ps, (struct part){ g, (uint32_t)l, person,
		    amt[i], counted }) != 0)
			return (-1);
	}
	return (0);
}

struct table *
verb_balance(struct qctx *q, const struct stage *st, const struct table *in)
{
	const struct verb *v = &st->verb;
	const struct plugin_scheme *sc;
	struct table *g = NULL, *out = NULL, *scratch = NULL;
	struct verb_names kn[MAXBY], lv, pn;
	struct parts ps = { 0 };
	struct cell *cells = NULL;
	__int128 *total = NULL;
	uint32_t kid[MAXBY], gid, *order = NULL;
	strmap_t gmap;
	size_t ng = 0, nl, no = 0;
	int keys[MAXBY], nk = v->nby, cm, cl, csh, ct, cp = -1, unc, ok = 0;
	int people = disclose_on(q);

	if (strcmp(v->mode, "prevention") != 0) {
		q_error(q, st->off, st->len, "balance supports only "
		    "prevention, not \"%s\"", v->mode);
		return (NULL);
	}
	if ((sc = q_scheme(q, "prevention")) == NULL) {
		q_error(q, st->off, st->len, "balance prevention needs a "
		    "prevention scheme: no loaded plugin fills the prevention "
		    "field");
		return (NULL);
	}
	if (nk > MAXBY) {
		q_error(q, v->by[MAXBY]->off, v->by[MAXBY]->len, "balance "
		    "prevention groups by at most %d fields", MAXBY);
		return (NULL);
	}
	if ((cm = verb_money_col(in)) < 0) {
		q_error(q, st->off, st->len, "balance prevention needs an "
		    "amount or cost column: it reads spend or activity");
		return (NULL);
	}
	if ((cl = verb_col(in, "prevention")) < 0 ||
	    in->cols[cl].type != V_STR) {
		q_error(q, st->off, st->len, "balance prevention needs the "
		    "prevention column: keep it in any select before balance");
		return (NULL);
	}
	ct = verb_transfer_col(st, in);
	/* Without shares every record is whole at its level. */
	if ((csh = verb_col(in, "shares")) >= 0 &&
	    in->cols[csh].type != V_STR)
		csh = -1;
	for (int k = 0; k < nk; k++)
		if ((keys[k] = verb_field(q, in, v->by[k], "\"balance "
		    "prevention by\"")) < 0)
			return (NULL);
	if (people)
		cp = disclose_person_col(in);

	strmap_init(&gmap);
	scratch = table_new(0);
	for (int k = 0; k < MAXBY; k++)
		verb_names_init(&kn[k], scratch);
	/* Level names go into the result: the query's strings. */
	verb_names_init(&lv, q->strings);
	verb_names_init(&pn, scratch);
	if (scratch == NULL || (g = table_new(nk > 0 ? nk : 1)) == NULL)
		goto out;
	/* The scheme's levels first, in its order, so their ids are 0... */
	for (size_t i = 0; i < sc->s.ncodes; i++)
		if (level_id(&lv, sc->s.codes[i].code) < 0)
			goto out;
	for (size_t r = 0; r < in->nrows; r++) {
		const struct value *row = table_row(in, r);
		uint32_t person = NOID;
		int64_t x;

		if (verb_is_transfer(row, ct))
			continue;
		for (int k = 0; k < nk; k++) {
			if (row[keys[k]].t == V_NULL)
				kid[k] = NOID;
			else if ((x = verb_names_id(&kn[k],
			    &row[keys[k]])) < 0)
				goto out;
			else
				kid[k] = (uint32_t)x;
		}
		if (!strmap_get(&gmap, (const char *)kid, (size_t)nk *
		    sizeof(*kid), &gid)) {
			struct value *nr;

			if ((nr = table_add_row(g)) == NULL ||
			    strmap_put(&gmap, (const char *)kid, (size_t)nk *
			    sizeof(*kid), (uint32_t)ng) != 0)
				goto out;
			for (int k = 0; k < nk; k++)
				nr[k] = row[keys[k]];
			gid = (uint32_t)ng++;
		}
		if (cp >= 0 && row[cp].t != V_NULL) {
			if ((x = verb_names_id(&pn, &row[cp])) < 0)
				goto out;
			person = (uint32_t)x;
		}
		if (record_parts(&ps, &lv, gid, person, &row[cl],
		    csh >= 0 ? &row[csh] : NULL, &row[cm]) != 0)
			goto out;
	}
	/* No rows, no groups; but a balance of everything has its one. */
	if (ng == 0 && nk == 0) {
		if (table_add_row(g) == NULL)
			goto out;
		ng = 1;
	}
	if ((unc = (int)level_id(&lv, UNCLASSIFIED)) < 0)
		goto out;
	nl = lv.n;
	if ((cells = calloc(ng * nl + 1, sizeof(*cells))) == NULL ||
	    (total = calloc(ng + 1, sizeof(*total))) == NULL ||
	    (order = malloc((nl + 1) * sizeof(*order))) == NULL)
		goto out;
	for (size_t i = 0; i < ps.n; i++) {
		struct cell *c = &cells[ps.v[i].group * nl + ps.v[i].level];

		c->amount += ps.v[i].amount;
		c->lines += ps.v[i].counted;
		total[ps.v[i].group] += ps.v[i].amount;
	}
	if (people && ps.n) {
		qsort(ps.v, ps.n, sizeof(*ps.v), by_cell_person);
		for (size_t i = 0; i < ps.n; i++)
			if (ps.v[i].person != NOID && (i == 0 ||
			    by_cell_person(&ps.v[i], &ps.v[i - 1]) != 0))
				cells[ps.v[i].group * nl +
				    ps.v[i].level].people++;
	}
	/* The scheme's levels, then the others by name, then unclassified. */
	for (size_t l = 0; l < sc->s.ncodes; l++)
		order[no++] = (uint32_t)l;
	for (size_t l = sc->s.ncodes; l < nl; l++)
		if (l != (size_t)unc)
			order[no++] = (uint32_t)l;
	qsort_r(order + sc->s.ncodes, no - sc->s.ncodes, sizeof(*order),
	    by_name, lv.s);
	if ((size_t)unc >= sc->s.ncodes)
		order[no++] = (uint32_t)unc;

	if ((out = table_new(nk + 4 + people)) == NULL)
		goto out;
	for (int k = 0; k < nk; k++)
		table_copy_col(out, k, in, keys[k]);
	table_set_col(out, nk, "level", V_STR);
	table_set_col(out, nk + 1, "amount", V_MONEY);
	table_set_col(out, nk + 2, "share", V_PCT);
	table_set_col(out, nk + 3, "lines", V_INT);
	if (people) {
		table_set_col(out, nk + 4, DISCLOSE_SUPPORT, V_INT);
		out->cols[nk + 4].hidden = 1;
	}
	for (size_t gi = 0; gi < ng; gi++)
		for (size_t i = 0; i < no; i++) {
			const struct cell *c = &cells[gi * nl + order[i]];
			struct value *o = table_add_row(out);

			if (o == NULL)
				goto out;
			memcpy(o, table_row(g, gi), (size_t)nk * sizeof(*o));
			o[nk] = (struct value){ V_STR, -1, lv.s[order[i]] };
			o[nk + 1] = verb_fit(V_MONEY, c->amount);
			if (total[gi] != 0)
				o[nk + 2] = (struct value){ V_PCT,
				    verb_rdiv(c->amount * 100 * NUM_SCALE,
				    total[gi]), NULL };
			o[nk + 3] = (struct value){ V_INT, c->lines, NULL };
			if (people)
				o[nk + 4] = (struct value){ V_INT, c->people,
				    NULL };
		}
	ok = 1;
out:
	if (!ok) {
		q_error(q, st->off, st->len, "balance: out of memory");
		table_free(out);
		out = NULL;
	}
	for (int k = 0; k < MAXBY; k++)
		verb_names_free(&kn[k]);
	verb_names_free(&lv);
	verb_names_free(&pn);
	strmap_free(&gmap);
	table_free(scratch);
	table_free(g);
	free(ps.v);
	free(cells);
	free(total);
	free(order);
	return (out);
}
