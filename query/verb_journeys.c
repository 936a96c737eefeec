/*
 * verb_journeys.c — journeys [from "service"] [within D]: where people go
 * next.  Each person's contacts in date order; every step between two
 * different services is a transition, counted with the days it took.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "value.h"
#include "verb.h"
#include "verb_util.h"

struct step {
	uint32_t	from, to, person;
	int64_t		gap;
};

struct route {
	uint32_t	from, to;
	int64_t		people, transitions, median;
};

static int
by_route(const void *a, const void *b)
{
	const struct step *x = a, *y = b;

	if (x->from != y->from)
		return (x->from < y->from ? -1 : 1);
	if (x->to != y->to)
		return (x->to < y->to ? -1 : 1);
	return ((x->person > y->person) - (x->person < y->person));
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return ((x > y) - (x < y));
}

static int
by_transitions(const void *a, const void *b, void *arg)
{
	const struct route *x = a, *y = b;
	const struct verb_names *sn = arg;
	int r;

	if (x->transitions != y->transitions)
		return (x->transitions < y->transitions ? 1 : -1);
	if ((r = strcmp(sn->s[x->from], sn->s[y->from])) != 0)
		return (r);
	return (strcmp(sn->s[x->to], sn->s[y->to]));
}

struct table *
verb_journeys(struct qctx *q, const struct stage *st,
    const struct table *in)
{
	const struct verb *v = &st->verb;
	struct verb_names pn, sn;
	struct verb_contact *c = NULL;
	struct step *s = NULL;
	struct route *rt = NULL;
	int64_t *gaps = NULL, from = -1;
	size_t nc = 0, nsteps = 0, nrt = 0;
	struct table *t = NULL;
	uint32_t id;
	int64_t within = 0;
	const char *fromname = NULL;
	int cp, cs, cd;

	if ((v->within && verb_days(q, v->within, &within) != 0) ||
	    (v->from && (fromname = verb_text(q, v->from)) == NULL))
		return (NULL);
	if ((cp = verb_need(q, st, in, "journeys", "person", V_NULL)) < 0 ||
	    (cs = verb_need(q, st, in, "journeys", "service", V_NULL)) < 0 ||
	    (cd = verb_need(q, st, in, "journeys", "date", V_DATE)) < 0)
		return (NULL);
	verb_names_init(&pn, q->strings);
	verb_names_init(&sn, q->strings);
	if ((c = malloc((in->nrows + 1) * sizeof(*c))) == NULL ||
	    (s = malloc((in->nrows + 1) * sizeof(*s))) == NULL ||
	    (gaps = malloc((in->nrows + 1) * sizeof(*gaps))) == NULL)
		goto fail;
	/* A contact with no person, service or date has no place in
	 * anyone's sequence: left out. */
	for (size_t r = 0; r < in->nrows; r++) {
		const struct value *row = table_row(in, r);
		int64_t p, sv;

		if (row[cp].t == V_NULL || row[cs].t == V_NULL ||
		    row[cd].t == V_NULL)
			continue;
		if ((p = verb_names_id(&pn, &row[cp])) < 0 ||
		    (sv = verb_names_id(&sn, &row[cs])) < 0)
			goto fail;
		c[nc++] = (struct verb_contact){ .person = (uint32_t)p,
		    .service = (uint32_t)sv, .date = (int32_t)row[cd].i,
		    .row = r };
	}
	if (fromname) {
		if (strmap_get(&sn.map, fromname, strlen(fromname),
		    &id))
			from = id;
		else
			nc = 0;		/* nobody was ever there */
	}
	qsort(c, nc, sizeof(*c), verb_by_person_date);
	for (size_t i = 1; i < nc; i++) {
		const struct verb_contact *a = &c[i - 1], *b = &c[i];

		if (a->person != b->person || a->service == b->service)
			continue;
		if (from >= 0 && a->service != (uint32_t)from)
			continue;
		if (v->within && b->date - a->date > within)
			continue;
		s[nsteps++] = (struct step){ a->service, b->service,
		    a->person, (int64_t)b->date - a->date };
	}
	qsort(s, nsteps, sizeof(*s), by_route);
	if ((rt = malloc((nsteps + 1) * sizeof(*rt))) == NULL)
		goto fail;
	for (size_t i = 0, j; i < nsteps; i = j) {
		struct route *x = &rt[nrt++];
		size_t m;

		*x = (struct route){ s[i].from, s[i].to, 0, 0, 0 };
		for (j = i; j < nsteps && s[j].from == x->from &&
		    s[j].to == x->to; j++) {
			if (j == i || s[j].person != s[j - 1].person)
				x->people++;
			gaps[j - i] = s[j].gap;
		}
		x->transitions = (int64_t)(j - i);
		qsort(gaps, j - i, sizeof(*gaps), cmp_i64);
		m = (j - i) / 2;
		x->median = verb_rdiv(((__int128)gaps[m] +
		    gaps[(j - i) % 2 ? m : m - 1]) * NUM_SCALE, 2);
	}
	qsort_r(rt, nrt, sizeof(*rt), by_transitions, &sn);
	if ((t = table_new(5)) == NULL)
		goto fail;
	table_set_col(t, 0, "from_service", V_STR);
	table_set_col(t, 1, "to_service", V_STR);
	table_set_col(t, 2, "people", V_INT);
	table_set_col(t, 3, "transitions", V_INT);
	table_set_col(t, 4, "median_days", V_NUM);
	for (size_t i = 0; i < nrt; i++) {
		struct value *o = table_add_row(t);

		if (o == NULL)
			goto fail;
		o[0] = (struct value){ V_STR, 0, sn.s[rt[i].from] };
		o[1] = (struct value){ V_STR, 0, sn.s[rt[i].to] };
		o[2] = (struct value){ V_INT, rt[i].people, NULL };
		o[3] = (struct value){ V_INT, rt[i].transitions, NULL };
		o[4] = (struct value){ V_NUM, rt[i].median, NULL };
	}
	goto out;
fail:
	q_error(q, st->off, st->len, "journeys: out of memory");
	table_free(t);
	t = NULL;
out:
	verb_names_free(&pn);
	verb_names_free(&sn);
	free(c);
	free(s);
	free(rt);
	free(gaps);
	return (t);
}
