/* group.c — grouping rows by key values and aggregating them exactly. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "disclose.h"
#include "group.h"
#include "parser.h"
#include "strmap.h"
#include "value.h"
#include "verb.h"

enum aggfn { A_COUNT, A_SUM, A_AVG, A_MIN, A_MAX, A_COUNT_DISTINCT,
    A_MEDIAN, A_SHARE, A_SUPPORT };

#define MAXSRC	8

static const char *aggnames[] = { "count", "sum", "avg", "min", "max",
    "count_distinct", "median", "share" };

struct agg {
	enum aggfn	fn;
	struct cexpr	*arg;		/* NULL for count() */
	enum vtype	in, out;
	int		src[MAXSRC];	/* A_SUPPORT: person or support columns */
	int		srcsup[MAXSRC];	/* 1: a #support column */
	int		nsrc;
};

/* Per group, per aggregate. */
struct acc {
	__int128	sum;
	int64_t		n;
	struct value	best;
	strmap_t	*seen;
	int64_t		*vals;
	size_t		nvals, cap;
	strmap_t	*pseen;		/* A_SUPPORT: persons per source */
	int64_t		supmax;
	int		taint;
};

struct group {
	struct qctx	*q;
	int		nkeys, naggs;
	struct cexpr	**keys;
	struct agg	*aggs;
	struct table	*out;		/* keys only, while adding */
	struct acc	*accs;		/* ngroups × naggs */
	size_t		ngroups, cap;
	size_t		*slots;		/* hash → group + 1 */
	size_t		nslots;
	uint64_t	*first;		/* per group: where first seen */
	size_t		off, len;	/* the stage, for messages */
	int		idcol;		/* one dictionary key: its column */
	size_t		*byid;		/* dictionary id → group + 1 */
	size_t		nbyid;
	int		ordered;	/* first[] is in use */
};

void
group_free(struct group *g)
{
	if (g == NULL)
		return;
	for (int i = 0; i < g->nkeys; i++)
		cexpr_free(g->keys[i]);
	for (int i = 0; i < g->naggs; i++)
		cexpr_free(g->aggs[i].arg);
	for (size_t i = 0; i < g->ngroups * (size_t)g->naggs; i++) {
		if (g->accs[i].seen) {
			strmap_free(g->accs[i].seen);
			free(g->accs[i].seen);
		}
		free(g->accs[i].vals);
		if (g->accs[i].pseen) {
			for (int k = 0; k < MAXSRC; k++)
				strmap_free(&g->accs[i].pseen[k]);
			free(g->accs[i].pseen);
		}
	}
	free(g->accs);
	free(g->first);
	free(g->byid);
	free(g->keys);
	free(g->aggs);
	free(g->slots);
	table_free(g->out);
	free(g);
}

static const char *
key_name(const struct expr *e, int i, char *buf, size_t sz)
{
	if (e->k == E_FIELD || e->k == E_CALL)
		return (e->name);
	snprintf(buf, sz, "key%d", i + 1);
	return (buf);
}

/*
 * Where a group's support comes from under suppression: the columns of
 * persons (hidden copies first: a visible one may have been dropped or
 * joined twice), whose distinct values are counted, and a #support
 * column of grouped rows, whose largest value is a lower bound of the
 * people behind their combination.  0 sources: no support column.
 */
static int
support_sources(const struct qctx *q, const struct table *in, struct agg *a)
{
	a->nsrc = 0;
	if (!disclose_on(q))
		return (0);
	for (int pass = 0; pass < 2 && a->nsrc == 0; pass++)
		for (int c = 0; c < in->ncols && a->nsrc < MAXSRC; c++)
			if (in->cols[c].person &&
			    in->cols[c].hidden == (pass == 0)) {
				a->srcsup[a->nsrc] = 0;
				a->src[a->nsrc++] = c;
			}
	for (int c = 0; c < in->ncols && a->nsrc < MAXSRC; c++)
		if (in->cols[c].hidden &&
		    strcmp(in->cols[c].name, DISCLOSE_SUPPORT) == 0) {
			a->srcsup[a->nsrc] = 1;
			a->src[a->nsrc++] = c;
		}
	return (a->nsrc);
}

int
group_new(struct qctx *q, const struct stage *s, const struct table *in,
    struct group **gp)
{
	struct group *g = calloc(1, sizeof(*g));
	int ncols = s->nkeys + (s->ncols ? s->ncols : 1), rc = -1, nvis;
	struct agg sup = { .fn = A_SUPPORT, .out = V_INT };
	char buf[64], nm[128];

	if (g == NULL)
		return (-1);
	g->q = q;
	g->off = s->off;
	g->len = s->len;
	if (s->nkeys > 32) {
		q_error(q, s->keys[32]->off, s->keys[32]->len, "group takes "
		    "at most 32 keys");
		free(g);
		return (-1);
	}
	g->nkeys = s->nkeys;
	g->naggs = nvis = s->ncols ? s->ncols : 1;
	if (support_sources(q, in, &sup) > 0) {
		g->naggs++;
		ncols++;
	}
	g->keys = calloc((size_t)g->nkeys + 1, sizeof(*g->keys));
	g->aggs = calloc((size_t)g->naggs, sizeof(*g->aggs));
	g->out = table_new(ncols);
	if (g->keys == NULL || g->aggs == NULL || g->out == NULL)
		goto out;
	g->idcol = -1;
	for (int i = 0; i < s->nkeys; i++) {
		if (cexpr_compile(q, s->keys[i], in, &g->keys[i]) != 0)
			goto out;
		if (s->nkeys == 1)
			g->idcol = cexpr_dict_col(g->keys[0]);
		table_set_col(g->out, i, key_name(s->keys[i], i, buf,
		    sizeof(buf)), cexpr_type(g->keys[i]));
		g->out->cols[i].key = 1;
		if (s->keys[i]->k == E_FIELD) {
			int c = verb_col(in, s->keys[i]->name);

			g->out->cols[i].person = c >= 0 && in->cols[c].person;
		}
	}
	if (g->naggs > nvis) {
		g->aggs[nvis] = sup;
		table_set_col(g->out, s->nkeys + nvis, DISCLOSE_SUPPORT, V_INT);
		g->out->cols[s->nkeys + nvis].hidden = 1;
	}
	for (int i = 0; i < nvis; i++) {
		struct agg *a = &g->aggs[i];
		const struct named *nd = s->ncols ? &s->cols[i] : NULL;
		const struct expr *e = nd ? nd->e : NULL;
		int f;

		if (nd == NULL) {	/* group k with no list: row counts */
			a->fn = A_COUNT;
			a->out = V_INT;
			table_set_col(g->out, s->nkeys, "rows", V_INT);
			continue;
		}
		if (e->k != E_CALL) {
			q_error(q, e->off, e->len, "group wants aggregates: "
			    "name = sum(amount), count() ...");
			goto out;
		}
		for (f = 0; f < 8; f++)
			if (strcmp(e->name, aggnames[f]) == 0)
				break;
		if (f == 8) {
			const char *sg = pql_suggest(e->name, aggnames, 8);

			if (sg)
				q_error(q, e->off, e->len, "unknown aggregate "
				    "\"%s\" — did you mean \"%s\"?", e->name,
				    sg);
			else
				q_error(q, e->off, e->len, "unknown aggregate "
				    "\"%s\"", e->name);
			goto out;
		}
		a->fn = (enum aggfn)f;
		if (e->nlist > 1 || (e->nlist == 0 && f != A_COUNT)) {
			q_error(q, e->off, e->len, "%s() takes %s", e->name,
			    f == A_COUNT ? "nothing or one value" :
			    "one value");
			goto out;
		}
		if (e->nlist == 1) {
			if (cexpr_compile(q, e->list[0], in, &a->arg) != 0)
				goto out;
			a->in = cexpr_type(a->arg);
		}
		switch (a->fn) {
		case A_COUNT:
		case A_COUNT_DISTINCT:
			a->out = V_INT;
			break;
		case A_SHARE:
			a->out = V_PCT;
			/* FALLTHROUGH */
		case A_SUM:
		case A_AVG:
		case A_MEDIAN:
			if (a->in != V_MONEY && a->in != V_INT &&
			    a->in != V_NUM && a->in != V_PCT) {
				q_error(q, e->list[0]->off, e->list[0]->len,
				    "%s() wants money or a number, not %s",
				    e->name, vtype_name(a->in));
				goto out;
			}
			if (a->fn == A_SUM)
				a->out = a->in;
			else if (a->fn != A_SHARE)
				a->out = a->in == V_INT ? V_NUM : a->in;
			break;
		default:
			a->out = a->in;
		}
		if (nd->name)
			snprintf(nm, sizeof(nm), "%s", nd->name);
		else if (e->nlist == 1 && e->list[0]->k == E_FIELD)
			snprintf(nm, sizeof(nm), "%s_%s", e->name,
			    e->list[0]->name);
		else
			snprintf(nm, sizeof(nm), "%s", e->name);
		table_set_col(g->out, s->nkeys + i, nm, a->out);
	}
	rc = 0;
out:
	if (rc) {
		group_free(g);
		return (rc);
	}
	*gp = g;
	return (0);
}

void
group_cols(const struct group *g, uint64_t *mask)
{
	for (int i = 0; i < g->nkeys; i++)
		cexpr_cols(g->keys[i], mask);
	for (int i = 0; i < g->naggs; i++) {
		cexpr_cols(g->aggs[i].arg, mask);
		for (int k = 0; k < g->aggs[i].nsrc; k++)
			if (g->aggs[i].src[k] < 64)
				*mask |= (uint64_t)1 << g->aggs[i].src[k];
	}
}

static uint64_t
hash_value(uint64_t h, const struct value *v)
{
	h ^= (uint64_t)v->t;
	h *= 1099511628211ULL;
	if (v->t == V_STR) {
		for (const char *p = v->s ? v->s : ""; *p; p++) {
			h ^= (unsigned char)*p;
			h *= 1099511628211ULL;
		}
	} else {
		h ^= (uint64_t)v->i;
		h *= 1099511628211ULL;
	}
	return (h);
}

static int
same_key(const struct value *a, const struct value *b, int n)
{
	for (int i = 0; i < n; i++) {
		if (a[i].t != b[i].t)
			return (0);
		if (a[i].t == V_STR ? strcmp(a[i].s ? a[i].s : "",
		    b[i].s ? b[i].s : "") != 0 : a[i].i != b[i].i)
			return (0);
	}
	return (1);
}

static int
rehash(struct group *g)
{
	size_t ns = g->nslots ? g->nslots * 2 : 1024, *sl;

	if ((sl = calloc(ns, sizeof(*sl))) == NULL)
		return (-ENOMEM);
	for (size_t gi = 0; gi < g->ngroups; gi++) {
		const struct value *k = table_row(g->out, gi);
		uint64_t h = 14695981039346656037ULL;

		for (int i = 0; i < g->nkeys; i++)
			h = hash_value(h, &k[i]);
		for (size_t j = h & (ns - 1);; j = (j + 1) & (ns - 1))
			if (sl[j] == 0) {
				sl[j] = gi + 1;
				break;
			}
	}
	free(g->slots);
	g->slots = sl;
	g->nslots = ns;
	return (0);
}

static struct acc *
find_group(struct group *g, const struct value *key)
{
	uint64_t h = 14695981039346656037ULL;
	struct value *row;
	size_t j;

	for (int i = 0; i < g->nkeys; i++)
		h = hash_value(h, &key[i]);
	if ((g->ngroups + 1) * 2 > g->nslots && rehash(g) != 0)
		return (NULL);
	for (j = h & (g->nslots - 1); g->slots[j] != 0;
	    j = (j + 1) & (g->nslots - 1)) {
		size_t gi = g->slots[j] - 1;

		if (same_key(table_row(g->out, gi), key, g->nkeys))
			return (&g->accs[gi * (size_t)g->naggs]);
	}
	if (g->ngroups == g->cap) {
		size_t nc = g->cap ? g->cap * 2 : 64;
		struct acc *na = realloc(g->accs, nc * (size_t)g->naggs *
		    sizeof(*na));
		uint64_t *nf;

		if (na == NULL)
			return (NULL);
		g->accs = na;
		if ((nf = realloc(g->first, nc * sizeof(*nf))) == NULL)
			return (NULL);
		g->first = nf;
		g->cap = nc;
	}
	g->first[g->ngroups] = UINT64_MAX;
	if ((row = table_add_row(g->out)) == NULL)
		return (NULL);
	memcpy(row, key, (size_t)g->nkeys * sizeof(*key));
	memset(&g->accs[g->ngroups * (size_t)g->naggs], 0,
	    (size_t)g->naggs * sizeof(struct acc));
	g->slots[j] = ++g->ngroups;
	return (&g->accs[(g->ngroups - 1) * (size_t)g->naggs]);
}

int
group_add(struct group *g, const struct value *row)
{
	return (group_add_at(g, row, UINT64_MAX));
}

/*
 * Grouping by one dictionary field: the row's id finds its group in a
 * flat array, without hashing or comparing the string.
 */
static struct acc *
find_by_id(struct group *g, const struct value *row)
{
	const struct value *k = &row[g->idcol];
	size_t id = k->t == V_NULL ? 0 : (size_t)k->i, gi;
	struct acc *acc;

	if (k->t != V_NULL && (k->i <= 0 || k->i >= (1 << 28)))
		return (find_group(g, k));
	if (id < g->nbyid && g->byid[id] != 0)
		return (&g->accs[(g->byid[id] - 1) * (size_t)g->naggs]);
	if ((acc = find_group(g, k)) == NULL)
		return (NULL);
	if (id >= g->nbyid) {
		size_t nn = id * 2 + 64, *nb = realloc(g->byid,
		    nn * sizeof(*nb));

		if (nb == NULL)
			return (acc);
		memset(nb + g->nbyid, 0, (nn - g->nbyid) * sizeof(*nb));
		g->byid = nb;
		g->nbyid = nn;
	}
	gi = (size_t)(acc - g->accs) / (size_t)g->naggs;
	g->byid[id] = gi + 1;
	return (acc);
}

static int
add_support(const struct agg *a, struct acc *c, const struct value *row)
{
	uint32_t one;

	for (int k = 0; k < a->nsrc; k++) {
		const struct value *v = &row[a->src[k]];

		if (v->t == V_NULL)
			continue;
		if (a->srcsup[k]) {
			if (v->i == DISCLOSE_TAINT)
				c->taint = 1;
			else if (v->i > c->supmax)
				c->supmax = v->i;
			continue;
		}
		if (v->t != V_STR || v->s == NULL)
			continue;
		if (c->pseen == NULL &&
		    (c->pseen = calloc(MAXSRC, sizeof(*c->pseen))) == NULL)
			return (-ENOMEM);
		if (!strmap_get(&c->pseen[k], v->s, strlen(v->s), &one) &&
		    strmap_put(&c->pseen[k], v->s, strlen(v->s), 1) != 0)
			return (-ENOMEM);
	}
	return (0);
}

/* The smallest non-zero count of the sources: a cell is only as safe as
 * the fewest people of any side that went into it. */
static int64_t
support_of(const struct agg *a, const struct acc *c)
{
	int64_t best = 0, n;

	if (c->taint)
		return (DISCLOSE_TAINT);
	for (int k = 0; k < a->nsrc; k++) {
		n = a->srcsup[k] ? c->supmax : c->pseen ?
		    (int64_t)strmap_len(&c->pseen[k]) : 0;
		if (n > 0 && (best == 0 || n < best))
			best = n;
	}
	return (best);
}

int
group_add_at(struct group *g, const struct value *row, uint64_t pos)
{
	struct value key[32], v;
	struct acc *acc;
	size_t gi;

	if (g->idcol >= 0) {
		acc = find_by_id(g, row);
	} else {
		for (int i = 0; i < g->nkeys && i < 32; i++)
			cexpr_eval(g->keys[i], row, &key[i]);
		acc = find_group(g, key);
	}
	if (acc == NULL)
		return (-ENOMEM);
	gi = (size_t)(acc - g->accs) / (size_t)g->naggs;
	if (pos < g->first[gi]) {
		g->first[gi] = pos;
		g->ordered = 1;
	}
	for (int i = 0; i < g->naggs; i++) {
		struct agg *a = &g->aggs[i];
		struct acc *c = &acc[i];

		if (a->fn == A_SUPPORT) {
			if (add_support(a, c, row) != 0)
				return (-ENOMEM);
			continue;
		}
		if (a->arg == NULL) {
			c->n++;
			continue;
		}
		cexpr_eval(a->arg, row, &v);
		if (v.t == V_NULL)
			continue;
		c->n++;
		switch (a->fn) {
		case A_SUM: case A_AVG: case A_SHARE:
			c->sum += v.i;
			break;
		case A_MIN:
		case A_MAX:
			if (c->n == 1 || (a->fn == A_MIN ?
			    value_cmp(&v, &c->best) < 0 :
			    value_cmp(&v, &c->best) > 0))
				c->best = v;
			break;
		case A_COUNT_DISTINCT: {
			const char *k = v.t == V_STR ? v.s : (const char *)&v.i;
			size_t kl = v.t == V_STR ? strlen(v.s) : sizeof(v.i);
			uint32_t one;

			if (c->seen == NULL &&
			    (c->seen = calloc(1, sizeof(*c->seen))) == NULL)
				return (-ENOMEM);
			if (!strmap_get(c->seen, k, kl, &one) &&
			    strmap_put(c->seen, k, kl, 1) != 0)
				return (-ENOMEM);
			break;
		}
		case A_MEDIAN:
			if (c->nvals == c->cap) {
				size_t nc = c->cap ? c->cap * 2 : 16;
				int64_t *nv = realloc(c->vals,
				    nc * sizeof(*nv));

				if (nv == NULL)
					return (-ENOMEM);
				c->vals = nv;
				c->cap = nc;
			}
			c->vals[c->nvals++] = v.i;
			break;
		default:
			break;
		}
	}
	return (0);
}

static int
merge_seen(void *arg, const char *s, size_t n, uint32_t v)
{
	strmap_t *dst = arg;
	uint32_t one;

	if (strmap_get(dst, s, n, &one))
		return (0);
	return (strmap_put(dst, s, n, v));
}

static int
merge_acc(const struct agg *a, struct acc *d, struct acc *s)
{
	if (a->fn == A_SUPPORT) {
		d->taint |= s->taint;
		if (s->supmax > d->supmax)
			d->supmax = s->supmax;
		if (s->pseen == NULL)
			return (0);
		if (d->pseen == NULL) {
			d->pseen = s->pseen;
			s->pseen = NULL;
			return (0);
		}
		for (int k = 0; k < MAXSRC; k++)
			if (strmap_each(&s->pseen[k], merge_seen,
			    &d->pseen[k]) != 0)
				return (-ENOMEM);
		return (0);
	}
	if (s->n == 0)
		return (0);
	if ((a->fn == A_MIN || a->fn == A_MAX) && (d->n == 0 ||
	    (a->fn == A_MIN ? value_cmp(&s->best, &d->best) < 0 :
	    value_cmp(&s->best, &d->best) > 0)))
		d->best = s->best;
	d->n += s->n;
	d->sum += s->sum;
	if (s->seen) {
		if (d->seen == NULL) {
			d->seen = s->seen;
			s->seen = NULL;
		} else if (strmap_each(s->seen, merge_seen, d->seen) != 0)
			return (-ENOMEM);
	}
	if (s->nvals) {
		int64_t *nv = realloc(d->vals, (d->nvals + s->nvals) *
		    sizeof(*nv));

		if (nv == NULL)
			return (-ENOMEM);
		memcpy(nv + d->nvals, s->vals, s->nvals * sizeof(*nv));
		d->vals = nv;
		d->nvals += s->nvals;
		d->cap = d->nvals;
	}
	return (0);
}

int
group_merge(struct group *dst, struct group *src)
{
	int rc = 0;

	for (size_t gi = 0; gi < src->ngroups && rc == 0; gi++) {
		struct acc *d = find_group(dst, table_row(src->out, gi));
		size_t di;

		if (d == NULL) {
			rc = -ENOMEM;
			break;
		}
		di = (size_t)(d - dst->accs) / (size_t)dst->naggs;
		if (src->first[gi] < dst->first[di])
			dst->first[di] = src->first[gi];
		dst->ordered |= src->ordered;
		for (int i = 0; i < dst->naggs && rc == 0; i++)
			rc = merge_acc(&dst->aggs[i], &d[i],
			    &src->accs[gi * (size_t)src->naggs + i]);
	}
	group_free(src);
	return (rc);
}

/* Put groups in the order they were first seen in the scan. */
static int
cmp_first(const void *a, const void *b, void *arg)
{
	const uint64_t *first = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return ((first[x] > first[y]) - (first[x] < first[y]));
}

static int
reorder(struct group *g)
{
	size_t n = g->ngroups, *idx = malloc((n + 1) * sizeof(*idx));
	struct value *cells = malloc((n + 1) * (size_t)g->out->ncols *
	    sizeof(*cells));
	struct acc *accs = malloc((n + 1) * (size_t)g->naggs * sizeof(*accs));

	if (idx == NULL || cells == NULL || accs == NULL) {
		free(idx);
		free(cells);
		free(accs);
		return (-ENOMEM);
	}
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	qsort_r(idx, n, sizeof(*idx), cmp_first, g->first);
	for (size_t i = 0; i < n; i++) {
		memcpy(cells + i * (size_t)g->out->ncols,
		    table_row(g->out, idx[i]),
		    sizeof(*cells) * (size_t)g->out->ncols);
		memcpy(accs + i * (size_t)g->naggs,
		    g->accs + idx[i] * (size_t)g->naggs,
		    sizeof(*accs) * (size_t)g->naggs);
	}
	memcpy(g->out->cells, cells, sizeof(*cells) * n *
	    (size_t)g->out->ncols);
	free(g->accs);
	g->accs = accs;
	g->cap = n + 1;
	/* first[] no longer matches; the slots are not used again. */
	g->ordered = 0;
	free(idx);
	free(cells);
	return (0);
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return ((x > y) - (x < y));
}

struct table *
group_finish(struct group *g)
{
	struct table *t = g->out;
	__int128 *total = calloc((size_t)g->naggs, sizeof(*total));

	if (total == NULL || (g->ordered && reorder(g) != 0)) {
		free(total);
		group_free(g);
		return (NULL);
	}
	/* No keys: one row even over no rows (count 0, sums null). */
	if (g->nkeys == 0 && g->ngroups == 0) {
		struct value none[1] = { { 0 } };

		if (find_group(g, none) == NULL) {
			free(total);
			group_free(g);
			return (NULL);
		}
	}
	for (size_t gi = 0; gi < g->ngroups; gi++)
		for (int i = 0; i < g->naggs; i++)
			total[i] += g->accs[gi * (size_t)g->naggs + i].sum;
	for (size_t gi = 0; gi < g->ngroups; gi++) {
		struct value *row = table_row(t, gi);

		for (int i = 0; i < g->naggs; i++) {
			struct agg *a = &g->aggs[i];
			struct acc *c = &g->accs[gi * (size_t)g->naggs + i];
			struct value *o = &row[g->nkeys + i];

			o->t = a->out;
			switch (a->fn) {
			case A_SUPPORT:
				o->i = support_of(a, c);
				break;
			case A_COUNT:
				o->i = c->n;
				break;
			case A_COUNT_DISTINCT:
				o->i = c->seen ? (int64_t)strmap_len(c->seen) :
				    0;
				break;
			case A_SUM:
				if (c->n == 0)
					o->t = V_NULL;
				if (c->sum > INT64_MAX || c->sum < -INT64_MAX) {
					q_error(g->q, g->off, g->len, "the sum "
					    "of %s is too large to hold",
					    t->cols[g->nkeys + i].name);
					free(total);
					group_free(g);
					return (NULL);
				}
				o->i = (int64_t)c->sum;
				break;
			case A_AVG:
				if (c->n == 0) {
					o->t = V_NULL;
					break;
				}
				o->i = (int64_t)value_div_even(a->in == V_INT ?
				    c->sum * NUM_SCALE : c->sum, c->n);
				break;
			case A_MIN:
			case A_MAX:
				*o = c->n ? c->best : (struct value){ 0 };
				break;
			case A_MEDIAN: {
				int64_t x, y;
				size_t m = c->nvals / 2;

				if (c->nvals == 0) {
					o->t = V_NULL;
					break;
				}
				qsort(c->vals, c->nvals, sizeof(*c->vals),
				    cmp_i64);
				x = c->vals[m];
				y = c->nvals % 2 ? x : c->vals[m - 1];
				if (a->in == V_INT) {
					x *= NUM_SCALE;
					y *= NUM_SCALE;
				}
				o->i = (int64_t)value_div_even((__int128)x + y, 2);
				break;
			}
			case A_SHARE:
				if (total[i] == 0 || c->n == 0)
					o->t = V_NULL;
				else
					o->i = (int64_t)value_div_even(
					    c->sum * 100 * NUM_SCALE, total[i]);
				break;
			}
		}
	}
	free(total);
	g->out = NULL;
	group_free(g);
	return (t);
}
