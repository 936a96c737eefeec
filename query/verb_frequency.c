/*
 * verb_frequency.c — frequency [by service]: how often people come back.
 * Without "by", people bucketed by their number of contacts; by service,
 * each service's people, contacts, contacts per person, and how many of
 * its people other services see too.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "value.h"
#include "verb.h"
#include "verb_util.h"

static const struct {
	const char	*label;
	int64_t		lo, hi;
} buckets[] = {
	{ "1", 1, 1 },
	{ "2", 2, 2 },
	{ "3-5", 3, 5 },
	{ "6-10", 6, 10 },
	{ "11+", 11, INT64_MAX },
};
#define NBUCKETS	((int)(sizeof(buckets) / sizeof(buckets[0])))

struct service {
	int64_t		people, contacts, elsewhere;
};

struct order {
	const struct verb_names *nm;
	const struct service *sv;
};

static int
by_people(const void *a, const void *b, void *arg)
{
	const struct order *o = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int64_t px = o->sv[x].people, py = o->sv[y].people;

	if (px != py)
		return (px < py ? 1 : -1);
	return (strcmp(o->nm->s[x], o->nm->s[y]));
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return ((x > y) - (x < y));
}

/* Contacts without a person cannot be counted per person: left out. */
static struct table *
per_person(struct qctx *q, const struct stage *st, const struct table *in,
    int cp)
{
	struct verb_names pn;
	int64_t *n = NULL, people[NBUCKETS] = { 0 }, all;
	struct table *t = NULL;

	verb_names_init(&pn, q->strings);
	if ((n = calloc(in->nrows + 1, sizeof(*n))) == NULL)
		goto fail;
	for (size_t r = 0; r < in->nrows; r++) {
		const struct value *row = table_row(in, r);
		int64_t id;

		if (row[cp].t == V_NULL)
			continue;
		if ((id = verb_names_id(&pn, &row[cp])) < 0)
			goto fail;
		n[id]++;
	}
	for (size_t p = 0; p < pn.n; p++)
		for (int b = 0; b < NBUCKETS; b++)
			if (n[p] >= buckets[b].lo && n[p] <= buckets[b].hi)
				people[b]++;
	all = (int64_t)pn.n;
	if ((t = table_new(3)) == NULL)
		goto fail;
	table_set_col(t, 0, "contacts", V_STR);
	table_set_col(t, 1, "people", V_INT);
	table_set_col(t, 2, "share", V_PCT);
	for (int b = 0; b < NBUCKETS; b++) {
		struct value *o = table_add_row(t);

		if (o == NULL)
			goto fail;
		o[0] = (struct value){ V_STR, 0, buckets[b].label };
		o[1] = (struct value){ V_INT, people[b], NULL };
		o[2] = (struct value){ V_PCT, all ? verb_rdiv((__int128)
		    people[b] * 100 * NUM_SCALE, all) : 0, NULL };
	}
	verb_names_free(&pn);
	free(n);
	return (t);
fail:
	q_error(q, st->off, st->len, "frequency: out of memory");
	verb_names_free(&pn);
	free(n);
	table_free(t);
	return (NULL);
}

/* Rows without a person or a service are left out of every figure, so
 * contacts / people is contacts per known person. */
static struct table *
per_service(struct qctx *q, const struct stage *st, const struct table *in,
    int cp, int cs)
{
	struct verb_names pn, sn;
	struct service *sv = NULL;
	int64_t *first = NULL;
	uint64_t *pairs = NULL;
	size_t *idx = NULL, np = 0;
	struct table *t = NULL;

	verb_names_init(&pn, q->strings);
	verb_names_init(&sn, q->strings);
	if ((sv = calloc(in->nrows + 1, sizeof(*sv))) == NULL ||
	    (first = malloc((in->nrows + 1) * sizeof(*first))) == NULL ||
	    (pairs = malloc((in->nrows + 1) * sizeof(*pairs))) == NULL)
		goto fail;
	for (size_t r = 0; r < in->nrows; r++) {
		const struct value *row = table_row(in, r);
		int64_t p, s;

		if (row[cp].t == V_NULL || row[cs].t == V_NULL)
			continue;
		if ((p = verb_names_id(&pn, &row[cp])) < 0 ||
		    (s = verb_names_id(&sn, &row[cs])) < 0)
			goto fail;
		sv[s].contacts++;
		pairs[np++] = (uint64_t)s << 32 | (uint64_t)p;
	}
	/* first[p]: p's one service, or -1 once a second one is seen. */
	for (size_t p = 0; p < pn.n; p++)
		first[p] = -2;
	for (size_t i = 0; i < np; i++) {
		int64_t p = (int64_t)(pairs[i] & 0xffffffff),
		    s = (int64_t)(pairs[i] >> 32);

		if (first[p] == -2)
			first[p] = s;
		else if (first[p] != s)
			first[p] = -1;
	}
	qsort(pairs, np, sizeof(*pairs), cmp_u64);
	for (size_t i = 0; i < np; i++) {
		if (i > 0 && pairs[i] == pairs[i - 1])
			continue;
		sv[pairs[i] >> 32].people++;
		if (first[pairs[i] & 0xffffffff] == -1)
			sv[pairs[i] >> 32].elsewhere++;
	}
	if ((idx = malloc((sn.n + 1) * sizeof(*idx))) == NULL)
		goto fail;
	for (size_t i = 0; i < sn.n; i++)
		idx[i] = i;
	qsort_r(idx, sn.n, sizeof(*idx), by_people,
	    &(struct order){ &sn, sv });
	if ((t = table_new(5)) == NULL)
		goto fail;
	table_set_col(t, 0, "service", V_STR);
	table_set_col(t, 1, "people", V_INT);
	table_set_col(t, 2, "contacts", V_INT);
	table_set_col(t, 3, "per_person", V_NUM);
	table_set_col(t, 4, "also_elsewhere", V_INT);
	for (size_t i = 0; i < sn.n; i++) {
		const struct service *x = &sv[idx[i]];
		struct value *o = table_add_row(t);

		if (o == NULL)
			goto fail;
		o[0] = (struct value){ V_STR, 0, sn.s[idx[i]] };
		o[1] = (struct value){ V_INT, x->people, NULL };
		o[2] = (struct value){ V_INT, x->contacts, NULL };
		o[3] = (struct value){ V_NUM, verb_rdiv((__int128)x->contacts *
		    NUM_SCALE, x->people), NULL };
		o[4] = (struct value){ V_INT, x->elsewhere, NULL };
	}
	goto out;
fail:
	q_error(q, st->off, st->len, "frequency: out of memory");
	table_free(t);
	t = NULL;
out:
	verb_names_free(&pn);
	verb_names_free(&sn);
	free(sv);
	free(first);
	free(pairs);
	free(idx);
	return (t);
}

struct table *
verb_frequency(struct qctx *q, const struct stage *st,
    const struct table *in)
{
	int by = st->verb.nby > 0, cp, cs = -1;

	if ((cp = verb_col(in, "person")) < 0) {
		q_error(q, st->off, st->len, "frequency%s needs a person "
		    "column: it reads activity", by ? " by service" : "");
		return (NULL);
	}
	if (by && (cs = verb_col(in, "service")) < 0) {
		q_error(q, st->off, st->len, "frequency by service needs a "
		    "service column: it reads activity");
		return (NULL);
	}
	return (by ? per_service(q, st, in, cp, cs) :
	    per_person(q, st, in, cp));
}
