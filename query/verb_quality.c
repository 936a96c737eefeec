/*
 * verb_quality.c — quality: per source and field, how full the data is,
 * how varied, and how many rows repeat an earlier row outright; for the
 * classification fields (cofog, prevention), how many rows and how much
 * money no scheme classified, and how many codes their scheme does not
 * know.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "plugin.h"
#include "value.h"
#include "geo.h"
#include "verb.h"
#include "verb_util.h"

#define NOID	UINT32_MAX	/* a null value's id */

struct qsrc {
	int64_t		rows, duplicates;
	__int128	money;
};

struct qfield {
	int64_t		filled, distinct, invalid;
	__int128	money;		/* a class field: money where empty */
};

/* A classification field: its scheme (NULL: none loaded), and per value
 * id whether the scheme knows it (0 not yet asked, 1 yes, 2 no). */
struct qclass {
	const struct plugin_scheme *scheme;
	int		geo;		/* a place: known to the hierarchy */
	uint8_t		*known;
	size_t		nknown;
};

/* 1 when the class field's scheme has the code (or there is no scheme
 * to say), or the place hierarchy has the place; 0 when not, -1 out of
 * memory; asked once per distinct id. */
static int
known(struct qctx *q, struct qclass *k, int64_t id, const char *code)
{
	struct geo_place gp;
	int yes = k->scheme == NULL;

	if ((size_t)id < k->nknown && k->known[id])
		return (k->known[id] == 1);
	if (k->geo)
		yes = geo_get(q->st, q->txn, code, &gp) == 0;
	for (size_t i = 0; !yes && k->scheme && i < k->scheme->s.ncodes; i++)
		yes = strcmp(k->scheme->s.codes[i].code, code) == 0;
	if ((size_t)id >= k->nknown) {
		size_t nn = (size_t)id * 2 + 64;
		uint8_t *n = realloc(k->known, nn);

		if (n == NULL)
			return (-1);
		memset(n + k->nknown, 0, nn - k->nknown);
		k->known = n;
		k->nknown = nn;
	}
	k->known[id] = yes ? 1 : 2;
	return (yes);
}

/* A classification field: filled at load by a scheme. */
static int
is_class(const struct table *t, int c)
{
	return (t->cols[c].type == V_STR &&
	    (strcmp(t->cols[c].name, "cofog") == 0 ||
	    strcmp(t->cols[c].name, "prevention") == 0));
}

struct table *
verb_quality(struct qctx *q, const struct stage *st, const struct table *in)
{
	int csrc = verb_col(in, "source"), cline = verb_col(in, "line");
	int cm = verb_money_col(in), *fc = NULL, nf = 0, ok = 0, y;
	struct qclass *qc = NULL;
	struct table *out = NULL, *scratch = table_new(0);
	struct verb_names srcs, *fn = NULL;
	struct qsrc *ss = NULL;
	struct qfield *fs = NULL;
	strmap_t rowmap, distinct;
	uint32_t *key = NULL, dk[3], one;
	size_t scap = 0;

	strmap_init(&rowmap);
	strmap_init(&distinct);
	verb_names_init(&srcs, scratch);
	if (csrc < 0) {
		q_error(q, st->off, st->len, "quality needs the source column: "
		    "keep it in any select before quality");
		goto out;
	}
	if (scratch == NULL ||
	    (fc = calloc((size_t)in->ncols, sizeof(*fc))) == NULL ||
	    (fn = calloc((size_t)in->ncols, sizeof(*fn))) == NULL ||
	    (qc = calloc((size_t)in->ncols, sizeof(*qc))) == NULL ||
	    (key = calloc((size_t)in->ncols + 1, sizeof(*key))) == NULL)
		goto out;
	for (int c = 0; c < in->ncols; c++)
		if (c != csrc && c != cline) {
			verb_names_init(&fn[nf], scratch);
			if (is_class(in, c))
				qc[nf].scheme = q_scheme(q, in->cols[c].name);
			/* A place is valid when the hierarchy knows it, once
			 * there is one (placed load geo). */
			else if (in->cols[c].type == V_STR && q->txn &&
			    strcmp(in->cols[c].name, "place") == 0 &&
			    store_geo_count(q->st, q->txn) > 0)
				qc[nf].geo = 1;
			fc[nf++] = c;
		}
	for (size_t r = 0; r < in->nrows; r++) {
		const struct value *row = table_row(in, r);
		struct value none = { V_STR, 0, "" };
		int64_t s, x;

		if ((s = verb_names_id(&srcs, row[csrc].t == V_NULL ? &none :
		    &row[csrc])) < 0)
			goto out;
		if ((size_t)s == scap) {
			size_t n2 = scap ? scap * 2 : 8;
			struct qsrc *ns = realloc(ss, n2 * sizeof(*ns));
			struct qfield *nfs;

			if (ns == NULL)
				goto out;
			ss = ns;
			if ((nfs = realloc(fs, n2 * (size_t)(nf + 1) *
			    sizeof(*nfs))) == NULL)
				goto out;
			fs = nfs;
			memset(ss + scap, 0, (n2 - scap) * sizeof(*ss));
			memset(fs + scap * (size_t)nf, 0, (n2 - scap) *
			    (size_t)nf * sizeof(*fs));
			scap = n2;
		}
		ss[s].rows++;
		if (cm >= 0 && row[cm].t != V_NULL)
			ss[s].money += row[cm].i;
		key[0] = (uint32_t)s;
		for (int i = 0; i < nf; i++) {
			const struct value *v = &row[fc[i]];
			struct qfield *f = &fs[s * nf + i];

			if (v->t == V_NULL) {
				key[i + 1] = NOID;
				if (cm >= 0 && row[cm].t != V_NULL)
					f->money += row[cm].i;
				continue;
			}
			if ((x = verb_names_id(&fn[i], v)) < 0)
				goto out;
			key[i + 1] = (uint32_t)x;
			f->filled++;
			if ((is_class(in, fc[i]) || qc[i].geo) &&
			    v->t == V_STR) {
				if ((y = known(q, &qc[i], x, v->s)) < 0)
					goto out;
				f->invalid += !y;
			}
			dk[0] = (uint32_t)s;
			dk[1] = (uint32_t)i;
			dk[2] = (uint32_t)x;
			if (strmap_get(&distinct, (const char *)dk, sizeof(dk),
			    &one))
				continue;
			if (strmap_put(&distinct, (const char *)dk, sizeof(dk),
			    1) != 0)
				goto out;
			f->distinct++;
		}
		if (strmap_get(&rowmap, (const char *)key, (size_t)(nf + 1) *
		    sizeof(*key), &one))
			ss[s].duplicates++;
		else if (strmap_put(&rowmap, (const char *)key, (size_t)(nf +
		    1) * sizeof(*key), 1) != 0)
			goto out;
	}
	if ((out = table_new(9)) == NULL)
		goto out;
	table_set_col(out, 0, "source", V_STR);
	table_set_col(out, 1, "field", V_STR);
	table_set_col(out, 2, "rows", V_INT);
	table_set_col(out, 3, "filled_pct", V_PCT);
	table_set_col(out, 4, "invalid", V_INT);
	table_set_col(out, 5, "distinct", V_INT);
	table_set_col(out, 6, "duplicates", V_INT);
	table_set_col(out, 7, "unclassified_pct", V_PCT);
	table_set_col(out, 8, "unclassified_money_pct", V_PCT);
	for (size_t s = 0; s < srcs.n; s++)
		for (int i = 0; i < nf; i++) {
			const struct qfield *f = &fs[s * (size_t)nf + i];
			struct value *o = table_add_row(out);

			if (o == NULL ||
			    (o[0].s = table_strdup(out, srcs.s[s],
			    strlen(srcs.s[s]))) == NULL)
				goto out;
			o[0].t = V_STR;
			/* column names go with in */
			if ((o[1].s = table_strdup(out, in->cols[fc[i]].name,
			    strlen(in->cols[fc[i]].name))) == NULL)
				goto out;
			o[1].t = V_STR;
			o[2] = (struct value){ V_INT, ss[s].rows, NULL };
			o[3] = (struct value){ V_PCT, verb_rdiv((__int128)
			    f->filled * 100 * 10000, ss[s].rows), NULL };
			/* invalid: codes the scheme, or places the
			 * hierarchy, does not know */
			o[4] = (struct value){ V_INT, f->invalid, NULL };
			o[5] = (struct value){ V_INT, f->distinct, NULL };
			o[6] = (struct value){ V_INT, ss[s].duplicates, NULL };
			if (!is_class(in, fc[i]))
				continue;
			o[7] = (struct value){ V_PCT, verb_rdiv((__int128)
			    (ss[s].rows - f->filled) * 100 * 10000,
			    ss[s].rows), NULL };
			/* Of the money: only where there is some. */
			if (cm >= 0 && ss[s].money != 0)
				o[8] = (struct value){ V_PCT, verb_rdiv(f->money *
				    100 * 10000, ss[s].money), NULL };
		}
	ok = 1;
out:
	if (!ok) {
		table_free(out);
		out = NULL;
	}
	for (int i = 0; fn && i < nf; i++)
		verb_names_free(&fn[i]);
	for (int i = 0; qc && i < nf; i++)
		free(qc[i].known);
	free(qc);
	verb_names_free(&srcs);
	strmap_free(&rowmap);
	strmap_free(&distinct);
	free(fn);
	free(fc);
	free(key);
	free(ss);
	free(fs);
	table_free(scratch);
	return (out);
}
