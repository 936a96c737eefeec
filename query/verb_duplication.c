/*
 * verb_duplication.c — duplication provision [by F, ...] and duplication
 * contact on F within D: the same need met twice, by several orgs in one
 * group, or by several services for one person within a few days.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "value.h"
#include "verb.h"
#include "verb_util.h"

#define NOID	UINT32_MAX	/* a null value's id */
#define MAXBY	16

static const char *const provision_by[] = { "need", "cohort", "place" };

/* One group of provision: its keys are a row of out. */
struct pgroup {
	__int128	spend;
	int64_t		nspend;
	int64_t		orgs, services;
};

/* A distinct (group, org) pair, for the org list. */
struct porg {
	uint32_t	group, org;
};

static int
by_group_org(const void *a, const void *b, void *arg)
{
	const struct porg *x = a, *y = b;
	const struct verb_names *on = arg;

	if (x->group != y->group)
		return (x->group < y->group ? -1 : 1);
	return (strcmp(on->s[x->org], on->s[y->org]));
}

/* orgs desc, then the keys ascending */
static int
by_orgs(const void *a, const void *b, void *arg)
{
	const struct value *x = a, *y = b;
	int nkeys = *(const int *)arg, r;

	if (x[nkeys].i != y[nkeys].i)
		return (x[nkeys].i < y[nkeys].i ? 1 : -1);
	for (int k = 0; k < nkeys; k++)
		if ((r = value_cmp(&x[k], &y[k])) != 0)
			return (r);
	return (0);
}

/* The id of a pair of ids in m, adding it as *n when new; 1 when new. */
static int
pair_id(strmap_t *m, uint32_t a, uint32_t b, uint32_t *id, size_t *n)
{
	uint32_t k[2] = { a, b };

	if (strmap_get(m, (const char *)k, sizeof(k), id))
		return (0);
	*id = (uint32_t)*n;
	if (strmap_put(m, (const char *)k, sizeof(k), *id) != 0)
		return (-1);
	(*n)++;
	return (1);
}

static int
provision_cols(struct qctx *q, const struct stage *st, const struct table *in,
    int *keys, int *nkeys)
{
	const struct verb *v = &st->verb;

	if (v->nby > MAXBY)
		return (q_error(q, v->by[MAXBY]->off, v->by[MAXBY]->len,
		    "duplication provision groups by at most %d fields",
		    MAXBY));
	*nkeys = v->nby ? v->nby : 3;
	for (int k = 0; k < v->nby; k++)
		if ((keys[k] = verb_field(q, in, v->by[k], "by")) < 0)
			return (-1);
	for (int k = 0; k < 3 && v->nby == 0; k++)
		if ((keys[k] = verb_col(in, provision_by[k])) < 0)
			return (q_error(q, st->off, st->len, "duplication "
			    "provision groups by need, cohort and place unless "
			    "told, and the input has no %s column: name the "
			    "fields, e.g. duplication provision by service, "
			    "place", provision_by[k]));
	return (0);
}

static struct table *
provision(struct qctx *q, const struct stage *st, const struct table *in)
{
	int keys[MAXBY], nkeys, corg, csvc, cmoney, ok = 0;
	struct verb_names org, svc, kn[MAXBY];
	struct table *g = NULL, *out = NULL, *scratch = table_new(0);
	struct pgroup *gs = NULL;
	struct porg *po = NULL;
	strmap_t gmap, omap, smap;
	size_t ng = 0, npo = 0, nso = 0, cap = 0, pcap = 0;
	uint32_t kid[MAXBY], gid, id;
	char *list = NULL;
	size_t lcap = 0;

	strmap_init(&gmap);
	strmap_init(&omap);
	strmap_init(&smap);
	verb_names_init(&org, scratch);
	verb_names_init(&svc, scratch);
	for (int k = 0; k < MAXBY; k++)
		verb_names_init(&kn[k], scratch);
	if (scratch == NULL || provision_cols(q, st, in, keys, &nkeys) != 0)
		goto out;
	if ((corg = verb_col(in, "org")) < 0) {
		q_error(q, st->off, st->len, "duplication provision needs an "
		    "org column: it reads spend, activity or services");
		goto out;
	}
	if ((csvc = verb_col(in, "service")) < 0 &&
	    (csvc = verb_col(in, "name")) < 0) {
		q_error(q, st->off, st->len, "duplication provision needs a "
		    "service column (or the name of services)");
		goto out;
	}
	cmoney = verb_money_col(in);
	if ((g = table_new(nkeys)) == NULL)
		goto out;
	/* Group the rows; count each distinct (group, org) and (group,
	 * service) once. */
	for (size_t r = 0; r < in->nrows; r++) {
		const struct value *row = table_row(in, r);
		int64_t x;
		int isnew;

		for (int k = 0; k < nkeys; k++) {
			if (row[keys[k]].t == V_NULL)
				kid[k] = NOID;
			else if ((x = verb_names_id(&kn[k], &row[keys[k]])) < 0)
				goto out;
			else
				kid[k] = (uint32_t)x;
		}
		if (!strmap_get(&gmap, (const char *)kid,
		    (size_t)nkeys * sizeof(*kid), &gid)) {
			struct value *nr;

			if (ng == cap) {
				size_t nc = cap ? cap * 2 : 64;
				struct pgroup *n = realloc(gs, nc *
				    sizeof(*n));

				if (n == NULL)
					goto out;
				gs = n;
				cap = nc;
			}
			if ((nr = table_add_row(g)) == NULL ||
			    strmap_put(&gmap, (const char *)kid,
			    (size_t)nkeys * sizeof(*kid), (uint32_t)ng) != 0)
				goto out;
			for (int k = 0; k < nkeys; k++)
				nr[k] = row[keys[k]];
			memset(&gs[ng], 0, sizeof(gs[ng]));
			gid = (uint32_t)ng++;
		}
		if (cmoney >= 0 && row[cmoney].t != V_NULL) {
			gs[gid].spend += row[cmoney].i;
			gs[gid].nspend++;
		}
		if (row[csvc].t != V_NULL) {
			if ((x = verb_names_id(&svc, &row[csvc])) < 0 ||
			    (isnew = pair_id(&smap, gid, (uint32_t)x, &id,
			    &nso)) < 0)
				goto out;
			gs[gid].services += isnew;
		}
		if (row[corg].t == V_NULL)
			continue;
		if ((x = verb_names_id(&org, &row[corg])) < 0 ||
		    (isnew = pair_id(&omap, gid, (uint32_t)x, &id, &npo)) < 0)
			goto out;
		if (!isnew)
			continue;
		gs[gid].orgs++;
		if (npo > pcap) {
			size_t nc = pcap ? pcap * 2 : 64;
			struct porg *n = realloc(po, nc * sizeof(*n));

			if (n == NULL)
				goto out;
			po = n;
			pcap = nc;
		}
		po[npo - 1] = (struct porg){ gid, (uint32_t)x };
	}
	if ((out = table_new(nkeys + 4)) == NULL)
		goto out;
	for (int k = 0; k < nkeys; k++)
		table_set_col(out, k, in->cols[keys[k]].name,
		    in->cols[keys[k]].type);
	table_set_col(out, nkeys, "orgs", V_INT);
	table_set_col(out, nkeys + 1, "org_list", V_STR);
	table_set_col(out, nkeys + 2, "services", V_INT);
	table_set_col(out, nkeys + 3, "spend", V_MONEY);
	if (npo)
		qsort_r(po, npo, sizeof(*po), by_group_org, &org);
	for (size_t i = 0; i < npo;) {
		size_t j, len = 0;
		struct value *o;

		for (j = i; j < npo && po[j].group == po[i].group; j++)
			len += strlen(org.s[po[j].org]) + 2;
		if (gs[po[i].group].orgs < 2) {
			i = j;
			continue;
		}
		if (len + 1 > lcap) {
			char *n = realloc(list, len + 1);

			if (n == NULL)
				goto out;
			list = n;
			lcap = len + 1;
		}
		len = 0;
		for (size_t k = i; k < j; k++) {
			size_t n = strlen(org.s[po[k].org]);

			if (k > i) {
				memcpy(list + len, "; ", 2);
				len += 2;
			}
			memcpy(list + len, org.s[po[k].org], n);
			len += n;
		}
		if ((o = table_add_row(out)) == NULL)
			goto out;
		memcpy(o, table_row(g, po[i].group), (size_t)nkeys *
		    sizeof(*o));
		o[nkeys] = (struct value){ V_INT, gs[po[i].group].orgs, NULL };
		if ((o[nkeys + 1].s = table_strdup(out, list, len)) == NULL)
			goto out;
		o[nkeys + 1].t = V_STR;
		o[nkeys + 2] = (struct value){ V_INT,
		    gs[po[i].group].services, NULL };
		if (gs[po[i].group].nspend)
			o[nkeys + 3] = verb_fit(V_MONEY,
			    gs[po[i].group].spend);
		i = j;
	}
	if (out->nrows)
		qsort_r(out->cells, out->nrows, sizeof(struct value) *
		    (size_t)out->ncols, by_orgs, &nkeys);
	ok = 1;
out:
	if (!ok) {
		table_free(out);
		out = NULL;
	}
	for (int k = 0; k < MAXBY; k++)
		verb_names_free(&kn[k]);
	verb_names_free(&org);
	verb_names_free(&svc);
	strmap_free(&gmap);
	strmap_free(&omap);
	strmap_free(&smap);
	free(gs);
	free(po);
	free(list);
	table_free(g);
	table_free(scratch);
	return (out);
}

/* One contact of duplication contact. */
/* One (F, service_a, service_b) row of the answer. */
struct cpair {
	uint32_t	f, a, b;
	uint32_t	lastperson;
	int64_t		people, pairs, ncost;
	__int128	cost;
};

/* pairs desc, then F, service_a, service_b */
static int
by_pairs(const void *a, const void *b, void *arg)
{
	const struct value *x = a, *y = b;
	int r;

	(void)arg;
	if (x[4].i != y[4].i)
		return (x[4].i < y[4].i ? 1 : -1);
	for (int k = 0; k < 3; k++)
		if ((r = value_cmp(&x[k], &y[k])) != 0)
			return (r);
	return (0);
}

static struct table *
contact(struct qctx *q, const struct stage *st, const struct table *in)
{
	const struct verb *v = &st->verb;
	int cperson, cdate, csvc, cf, ccost, ok = 0;
	struct verb_names people, svc, fn;
	struct table *out = NULL, *scratch = table_new(0);
	struct verb_contact *cs = NULL;
	struct cpair *ps = NULL;
	const struct value **fval = NULL;
	strmap_t pmap;
	size_t nc = 0, np = 0, pcap = 0;
	int64_t within;

	if (verb_days(q, v->within, &within) != 0) {
		table_free(scratch);
		return (NULL);
	}
	strmap_init(&pmap);
	verb_names_init(&people, scratch);
	verb_names_init(&svc, scratch);
	verb_names_init(&fn, scratch);
	if (scratch == NULL ||
	    (cperson = verb_need(q, st, in, "duplication contact", "person", V_NULL)) < 0 ||
	    (cdate = verb_need(q, st, in, "duplication contact", "date", V_DATE)) < 0 ||
	    (csvc = verb_need(q, st, in, "duplication contact", "service", V_NULL)) < 0 ||
	    (cf = verb_field(q, in, v->on, "on")) < 0)
		goto out;
	ccost = verb_money_col(in);
	if ((cs = calloc(in->nrows + 1, sizeof(*cs))) == NULL ||
	    (fval = calloc(in->nrows + 1, sizeof(*fval))) == NULL)
		goto out;
	for (size_t r = 0; r < in->nrows; r++) {
		const struct value *row = table_row(in, r);
		int64_t p, s, f;

		if (row[cperson].t == V_NULL || row[cdate].t == V_NULL ||
		    row[csvc].t == V_NULL || row[cf].t == V_NULL)
			continue;
		if ((p = verb_names_id(&people, &row[cperson])) < 0 ||
		    (s = verb_names_id(&svc, &row[csvc])) < 0 ||
		    (f = verb_names_id(&fn, &row[cf])) < 0)
			goto out;
		if ((size_t)f == fn.n - 1)
			fval[f] = &row[cf];
		cs[nc++] = (struct verb_contact){ (uint32_t)p, (uint32_t)s,
		    (uint32_t)f, (int32_t)row[cdate].i, r };
	}
	qsort(cs, nc, sizeof(*cs), verb_by_person_date);
	/* Each later contact j against the earlier ones of its person no
	 * more than within days before it. */
	for (size_t lo = 0, j = 0; j < nc; j++) {
		const struct value *cost = ccost >= 0 ?
		    &table_row(in, cs[j].row)[ccost] : NULL;

		if (cs[lo].person != cs[j].person)
			lo = j;
		while ((int64_t)cs[j].date - cs[lo].date > within)
			lo++;
		for (size_t i = lo; i < j; i++) {
			uint32_t a = cs[i].service, b = cs[j].service, id;
			uint32_t k[3];
			struct cpair *pp;

			if (cs[i].f != cs[j].f || a == b)
				continue;
			if (strcmp(svc.s[a], svc.s[b]) > 0) {
				a = cs[j].service;
				b = cs[i].service;
			}
			k[0] = cs[j].f;
			k[1] = a;
			k[2] = b;
			if (!strmap_get(&pmap, (const char *)k, sizeof(k),
			    &id)) {
				if (np == pcap) {
					size_t n2 = pcap ? pcap * 2 : 64;
					struct cpair *n = realloc(ps, n2 *
					    sizeof(*n));

					if (n == NULL)
						goto out;
					ps = n;
					pcap = n2;
				}
				if (strmap_put(&pmap, (const char *)k,
				    sizeof(k), (uint32_t)np) != 0)
					goto out;
				ps[np] = (struct cpair){ k[0], a, b, NOID,
				    0, 0, 0, 0 };
				id = (uint32_t)np++;
			}
			pp = &ps[id];
			pp->pairs++;
			if (pp->lastperson != cs[j].person) {
				pp->lastperson = cs[j].person;
				pp->people++;
			}
			if (cost && cost->t != V_NULL) {
				pp->cost += cost->i;
				pp->ncost++;
			}
		}
	}
	if ((out = table_new(6)) == NULL)
		goto out;
	table_set_col(out, 0, in->cols[cf].name, in->cols[cf].type);
	table_set_col(out, 1, "service_a", V_STR);
	table_set_col(out, 2, "service_b", V_STR);
	table_set_col(out, 3, "people", V_INT);
	table_set_col(out, 4, "pairs", V_INT);
	table_set_col(out, 5, "cost", V_MONEY);
	for (size_t i = 0; i < np; i++) {
		struct value *o = table_add_row(out);

		if (o == NULL)
			goto out;
		o[0] = *fval[ps[i].f];
		o[1] = (struct value){ V_STR, 0, svc.s[ps[i].a] };
		o[2] = (struct value){ V_STR, 0, svc.s[ps[i].b] };
		if ((o[1].s = table_strdup(out, o[1].s, strlen(o[1].s))) ==
		    NULL || (o[2].s = table_strdup(out, o[2].s,
		    strlen(o[2].s))) == NULL)
			goto out;
		o[3] = (struct value){ V_INT, ps[i].people, NULL };
		o[4] = (struct value){ V_INT, ps[i].pairs, NULL };
		if (ps[i].ncost)
			o[5] = verb_fit(V_MONEY, ps[i].cost);
	}
	if (out->nrows)
		qsort_r(out->cells, out->nrows, sizeof(struct value) *
		    (size_t)out->ncols, by_pairs, NULL);
	ok = 1;
out:
	if (!ok) {
		table_free(out);
		out = NULL;
	}
	verb_names_free(&people);
	verb_names_free(&svc);
	verb_names_free(&fn);
	strmap_free(&pmap);
	free(cs);
	free(ps);
	free(fval);
	table_free(scratch);
	return (out);
}

struct table *
verb_duplication(struct qctx *q, const struct stage *st,
    const struct table *in)
{
	if (strcmp(st->verb.mode, "provision") == 0)
		return (provision(q, st, in));
	if (strcmp(st->verb.mode, "contact") == 0)
		return (contact(q, st, in));
	q_error(q, st->off, st->len, "duplication supports provision and "
	    "contact, not \"%s\"", st->verb.mode);
	return (NULL);
}
