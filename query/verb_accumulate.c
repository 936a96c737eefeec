/*
 * verb_accumulate.c — accumulate by person|place|cohort|org [across F]:
 * who or what the money concentrates on, largest first, with running
 * shares so that "the top 5% of people take 40%" can be read off.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "value.h"
#include "verb.h"
#include "verb_util.h"

struct subject {
	__int128	total;
	int64_t		rows;
	int64_t		across;
};

struct order {
	const struct verb_names *nm;
	const struct subject *s;
};

static int
by_total(const void *a, const void *b, void *arg)
{
	const struct order *o = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	__int128 tx = o->s[x].total, ty = o->s[y].total;

	if (tx != ty)
		return (tx < ty ? 1 : -1);
	return (strcmp(o->nm->s[x], o->nm->s[y]));
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return ((x > y) - (x < y));
}

static const char *
reads(const char *subject)
{
	return (strcmp(subject, "cohort") == 0 ? "spend" :
	    "spend or activity");
}

struct table *
verb_accumulate(struct qctx *q, const struct stage *st,
    const struct table *in)
{
	const struct verb *v = &st->verb;
	struct verb_names subj, acr;
	struct subject *s = NULL;
	uint64_t *pairs = NULL;
	size_t *idx = NULL, npairs = 0, ns = 0;
	struct table *t = NULL;
	__int128 grand = 0, run = 0;
	int cs, cm, ca, ct = verb_transfer_col(st, in);

	if ((cs = verb_col(in, v->mode)) < 0) {
		q_error(q, st->off, st->len, "accumulate by %s needs a %s "
		    "column: it reads %s", v->mode, v->mode, reads(v->mode));
		return (NULL);
	}
	if ((cm = verb_money_col(in)) < 0) {
		q_error(q, st->off, st->len, "accumulate needs an amount or "
		    "cost column: it reads spend or activity");
		return (NULL);
	}
	if (v->across) {
		if ((ca = verb_field(q, in, v->across, "across")) < 0)
			return (NULL);
	} else if ((ca = verb_col(in, "org")) < 0) {
		q_error(q, st->off, st->len, "accumulate counts the orgs of "
		    "each %s and needs an org column: keep org, or name "
		    "another field with \"across F\"", v->mode);
		return (NULL);
	}
	verb_names_init(&subj, q->strings);
	verb_names_init(&acr, q->strings);
	if ((s = calloc(in->nrows + 1, sizeof(*s))) == NULL ||
	    (pairs = malloc((in->nrows + 1) * sizeof(*pairs))) == NULL)
		goto fail;
	/* Rows with no subject belong to nobody: they are left out, and out
	 * of the grand total, so the shares are shares of what is known. */
	for (size_t r = 0; r < in->nrows; r++) {
		const struct value *row = table_row(in, r);
		int64_t id, f;

		if (row[cs].t == V_NULL || verb_is_transfer(row, ct))
			continue;
		if ((id = verb_names_id(&subj, &row[cs])) < 0)
			goto fail;
		s[id].rows++;
		if (row[cm].t != V_NULL) {
			s[id].total += row[cm].i;
			grand += row[cm].i;
		}
		if (row[ca].t != V_NULL) {
			if ((f = verb_names_id(&acr, &row[ca])) < 0)
				goto fail;
			pairs[npairs++] = (uint64_t)id << 32 | (uint64_t)f;
		}
	}
	ns = subj.n;
	qsort(pairs, npairs, sizeof(*pairs), cmp_u64);
	for (size_t i = 0; i < npairs; i++)
		if (i == 0 || pairs[i] != pairs[i - 1])
			s[pairs[i] >> 32].across++;
	if ((idx = malloc((ns + 1) * sizeof(*idx))) == NULL)
		goto fail;
	for (size_t i = 0; i < ns; i++)
		idx[i] = i;
	qsort_r(idx, ns, sizeof(*idx), by_total,
	    &(struct order){ &subj, s });
	if ((t = table_new(7)) == NULL)
		goto fail;
	table_set_col(t, 0, "subject", V_STR);
	table_set_col(t, 1, "total", V_MONEY);
	table_set_col(t, 2, "rows", V_INT);
	table_set_col(t, 3, "across", V_INT);
	table_set_col(t, 4, "share", V_PCT);
	table_set_col(t, 5, "cumulative_share", V_PCT);
	table_set_col(t, 6, "rank", V_INT);
	for (size_t i = 0; i < ns; i++) {
		const struct subject *x = &s[idx[i]];
		struct value *o = table_add_row(t);

		if (o == NULL)
			goto fail;
		run += x->total;
		o[0] = (struct value){ V_STR, 0, subj.s[idx[i]] };
		o[1] = verb_fit(V_MONEY, x->total);
		o[2] = (struct value){ V_INT, x->rows, NULL };
		o[3] = (struct value){ V_INT, x->across, NULL };
		/* Running share from the running total, so the last row is
		 * exactly 100.0 whatever the rounding of each share. */
		if (grand != 0) {
			o[4] = (struct value){ V_PCT, verb_rdiv(x->total *
			    100 * NUM_SCALE, grand), NULL };
			o[5] = (struct value){ V_PCT, verb_rdiv(run * 100 *
			    NUM_SCALE, grand), NULL };
		}
		o[6] = (struct value){ V_INT, (int64_t)i + 1, NULL };
	}
	goto out;
fail:
	q_error(q, st->off, st->len, "accumulate: out of memory");
	table_free(t);
	t = NULL;
out:
	verb_names_free(&subj);
	verb_names_free(&acr);
	free(s);
	free(pairs);
	free(idx);
	return (t);
}
