/*
 * verb_quality.c — quality: per source and field, how full the data is,
 * how varied, and how many rows repeat an earlier row outright.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "value.h"
#include "verb.h"
#include "verb_util.h"

#define NOID	UINT32_MAX	/* a null value's id */

struct qsrc {
	int64_t		rows, duplicates;
};

struct qfield {
	int64_t		filled, distinct;
};

struct table *
verb_quality(struct qctx *q, const struct stage *st, const struct table *in)
{
	int csrc = verb_col(in, "source"), cline = verb_col(in, "line");
	int *fc = NULL, nf = 0, ok = 0;
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
	    (key = calloc((size_t)in->ncols + 1, sizeof(*key))) == NULL)
		goto out;
	for (int c = 0; c < in->ncols; c++)
		if (c != csrc && c != cline) {
			verb_names_init(&fn[nf], scratch);
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
		key[0] = (uint32_t)s;
		for (int i = 0; i < nf; i++) {
			const struct value *v = &row[fc[i]];
			struct qfield *f = &fs[s * nf + i];

			if (v->t == V_NULL) {
				key[i + 1] = NOID;
				continue;
			}
			if ((x = verb_names_id(&fn[i], v)) < 0)
				goto out;
			key[i + 1] = (uint32_t)x;
			f->filled++;
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
	if ((out = table_new(7)) == NULL)
		goto out;
	table_set_col(out, 0, "source", V_STR);
	table_set_col(out, 1, "field", V_STR);
	table_set_col(out, 2, "rows", V_INT);
	table_set_col(out, 3, "filled_pct", V_PCT);
	table_set_col(out, 4, "invalid", V_INT);
	table_set_col(out, 5, "distinct", V_INT);
	table_set_col(out, 6, "duplicates", V_INT);
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
			/* XXX: invalid waits for the classification and
			 * geography issues, which know what a valid code
			 * is; until then nothing is called invalid. */
			o[4] = (struct value){ V_INT, 0, NULL };
			o[5] = (struct value){ V_INT, f->distinct, NULL };
			o[6] = (struct value){ V_INT, ss[s].duplicates, NULL };
		}
	ok = 1;
out:
	if (!ok) {
		table_free(out);
		out = NULL;
	}
	for (int i = 0; fn && i < nf; i++)
		verb_names_free(&fn[i]);
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
