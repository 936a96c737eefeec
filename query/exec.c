/* exec.c — the pipeline: scan live segments, then each stage in turn. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <pthread.h>
#include <strings.h>
#include <unistd.h>

#include "disclose.h"
#include "eval.h"
#include "exec.h"
#include "group.h"
#include "join.h"
#include "parser.h"
#include "scan.h"
#include "schema.h"
#include "value.h"
#include "verb.h"

/* Strings of one dictionary field, by id, pointing into the map. */
struct dictcache {
	const char	*field;
	const char	**s;
	size_t		n;
};

struct scanner {
	struct qctx	*q;
	kind_t		kind;
	const struct table *schema;
	struct cexpr	**conds;
	int		nconds;
	struct group	*group;		/* aggregate while scanning, or */
	struct table	*rows;		/* keep the rows that pass */
	int64_t		limit;		/* stop after this many rows (-1 all) */
	uint64_t	used;		/* columns the query reads */
	int		narrow;		/* rows keep only the used columns */
	int		map[SCHEMA_MAXCOLS + 3];	/* narrow: row column of
					   each table column */
	int		pcopy;		/* field copied to #person, or -1 */
	MDB_txn		*txn;		/* this scanner's snapshot */
	struct table	*strings;	/* where its strings are kept */
	int		worker, nworkers; /* takes segments seq % n == w */
	uint64_t	seq;		/* segments seen, in scan order */
	struct scan_prune prune;	/* segments the filters rule out */
	struct dictcache dc[SCHEMA_MAXCOLS];
	int		rc;
};

static enum vtype
field_vtype(ftype_t t)
{
	switch (t) {
	case FT_MONEY:	return (V_MONEY);
	case FT_DATE:	return (V_DATE);
	case FT_NUM:	return (V_NUM);
	case FT_LINE:	return (V_INT);
	default:	return (V_STR);
	}
}

/* The source's columns: its fields, then source and line. */
static struct table *
scan_schema(kind_t kind)
{
	const struct kind_def *kd = schema_kind(kind);
	struct table *t = table_new(kd->nfields + 2);

	if (t == NULL)
		return (NULL);
	for (int c = 0; c < kd->nfields; c++) {
		table_set_col(t, c, kd->fields[c].name,
		    field_vtype(kd->fields[c].type));
		if (t->cols[c].type == V_STR)
			t->cols[c].dict = kd->fields[c].name;
		t->cols[c].person = kd->fields[c].type == FT_PERSON;
	}
	table_set_col(t, kd->nfields, "source", V_STR);
	table_set_col(t, kd->nfields + 1, "line", V_INT);
	return (t);
}

static const char *
dict_get(struct scanner *s, int col, uint32_t id)
{
	struct dictcache *d = &s->dc[col];
	const char *str;
	size_t n;

	if (id < d->n && d->s[id])
		return (d->s[id]);
	if (id >= d->n) {
		size_t nn = id * 2 + 64;
		const char **ns = realloc(d->s, nn * sizeof(*ns));

		if (ns == NULL)
			return ("");
		memset(ns + d->n, 0, (nn - d->n) * sizeof(*ns));
		d->s = ns;
		d->n = nn;
	}
	/* Map strings are not NUL-terminated: copy once per id. */
	if (store_dict_str(s->q->st, s->txn, d->field, id, &str, &n) != 0)
		return ("");
	d->s[id] = table_strdup(s->strings, str, n);
	return (d->s[id] ? d->s[id] : "");
}

static int
scan_seg_cb(void *arg, const struct scan_seg *seg)
{
	struct scanner *s = arg;
	const struct kind_def *kd = schema_kind(s->kind);
	struct value row[SCHEMA_MAXCOLS + 3], v;
	uint64_t seq = s->seq++;
	const char *src;

	if (s->nworkers > 1 && seq % (uint64_t)s->nworkers !=
	    (uint64_t)s->worker)
		return (0);
	if (q_expired(s->q))
		return (s->rc = -ETIMEDOUT);
	src = table_strdup(s->strings, seg->batch->source,
	    strlen(seg->batch->source));

	for (uint32_t r = 0; r < seg->nrows; r++) {
		int keep = 1;

		if (s->limit == 0)
			return (1);
		for (int c = 0; c < kd->nfields; c++) {
			struct value *x = &row[c];

			if (!(s->used & ((uint64_t)1 << c))) {
				x->t = V_NULL;
				continue;
			}
			switch (kd->fields[c].type) {
			case FT_MONEY:
			case FT_NUM:
				x->i = ((const int64_t *)seg->col[c])[r];
				x->t = x->i == MONEY_NULL ? V_NULL :
				    field_vtype(kd->fields[c].type);
				break;
			case FT_DATE:
				x->i = ((const int32_t *)seg->col[c])[r];
				x->t = x->i == DATE_NULL ? V_NULL : V_DATE;
				break;
			default:
				x->i = ((const uint32_t *)seg->col[c])[r];
				x->t = x->i == 0 ? V_NULL : V_STR;
				x->s = x->i ? dict_get(s, c, (uint32_t)x->i) :
				    NULL;
			}
		}
		row[kd->nfields] = (struct value){ V_STR, -1, src };
		row[kd->nfields + 1] = (struct value){ V_INT,
		    ((const uint32_t *)seg->col[kd->nfields])[r], NULL };
		if (s->pcopy >= 0)
			row[kd->nfields + 2] = row[s->pcopy];
		for (int i = 0; i < s->nconds && keep; i++) {
			cexpr_eval(s->conds[i], row, &v);
			keep = value_true(&v);
		}
		if (!keep)
			continue;
		if (s->group) {
			if ((s->rc = group_add_at(s->group, row,
			    seq << 32 | r)) != 0)
				return (s->rc);
		} else {
			struct value *o = table_add_row(s->rows);

			if (o == NULL)
				return (s->rc = -ENOMEM);
			if (s->narrow)
				for (int k = 0; k < s->rows->ncols; k++)
					o[k] = row[s->map[k]];
			else
				memcpy(o, row, sizeof(*o) *
				    (size_t)s->rows->ncols);
			if (s->limit > 0)
				s->limit--;
		}
	}
	return (0);
}

/* where on a table: keep the rows for which cond holds. */
static int
st_where(struct qctx *q, const struct stage *st, struct table *t)
{
	struct cexpr *c;
	struct value v;
	size_t k = 0;

	if (cexpr_compile(q, st->cond, t, &c) != 0)
		return (-1);
	for (size_t r = 0; r < t->nrows; r++) {
		cexpr_eval(c, table_row(t, r), &v);
		if (value_true(&v)) {
			if (k != r)
				memcpy(table_row(t, k), table_row(t, r),
				    sizeof(struct value) * (size_t)t->ncols);
			k++;
		}
	}
	t->nrows = k;
	cexpr_free(c);
	return (0);
}

static const char *
col_name(const struct named *n, char *buf, size_t sz, int i)
{
	if (n->name)
		return (n->name);
	if (n->e->k == E_FIELD || n->e->k == E_CALL)
		return (n->e->name);
	snprintf(buf, sz, "col%d", i + 1);
	return (buf);
}

/* Widen o by one column, a copy of t's hidden column c. */
static int
add_hidden(struct table *o, const struct table *t, int c)
{
	struct column *nc = realloc(o->cols, ((size_t)o->ncols + 1) *
	    sizeof(*nc));

	if (nc == NULL)
		return (-ENOMEM);
	o->cols = nc;
	memset(&o->cols[o->ncols], 0, sizeof(*nc));
	o->ncols++;
	return (table_copy_col(o, o->ncols - 1, t, c));
}

/* select (keep only these) and derive (add these) build a new table. */
static struct table *
st_project(struct qctx *q, const struct stage *st, struct table *t)
{
	int keep = st->k == ST_DERIVE ? t->ncols : 0, hid[SCHEMA_MAXCOLS * 2];
	struct table *o = table_new(keep + st->ncols);
	struct cexpr **cx = calloc((size_t)st->ncols + 1, sizeof(*cx));
	char buf[32];
	int ok = o && cx, nh = 0;

	for (int c = 0; keep == 0 && c < t->ncols; c++)
		if (t->cols[c].hidden && nh < SCHEMA_MAXCOLS * 2)
			hid[nh++] = c;

	for (int c = 0; ok && c < keep; c++)
		ok = table_copy_col(o, c, t, c) == 0;
	for (int i = 0; ok && i < st->ncols; i++) {
		const struct expr *e = st->cols[i].e;
		const char *nm = col_name(&st->cols[i], buf, sizeof(buf), i);
		int pc = e->k == E_FIELD ? verb_col(t, e->name) : -1;

		pc = pc >= 0 && t->cols[pc].person ? pc : -1;
		/* The verbs count people by this name: it must be them. */
		if (disclose_on(q) && strcasecmp(nm, "person") == 0 && pc < 0) {
			q_error(q, e->off, e->len, "under suppression "
			    "\"person\" can only be the person field");
			ok = 0;
			break;
		}
		if (cexpr_compile(q, e, t, &cx[i]) != 0) {
			ok = 0;
			break;
		}
		table_set_col(o, keep + i, nm, cexpr_type(cx[i]));
		o->cols[keep + i].person = pc >= 0;
	}
	/* select keeps the hidden columns too: the people behind a row. */
	for (int c = 0; ok && keep == 0 && c < t->ncols; c++)
		if (t->cols[c].hidden)
			ok = add_hidden(o, t, c) == 0;
	for (size_t r = 0; ok && r < t->nrows; r++) {
		const struct value *in = table_row(t, r);
		struct value *out = table_add_row(o);

		if (out == NULL) {
			ok = 0;
			break;
		}
		memcpy(out, in, sizeof(*in) * (size_t)keep);
		for (int i = 0; i < st->ncols; i++)
			cexpr_eval(cx[i], in, &out[keep + i]);
		for (int c = keep + st->ncols, k = 0; c < o->ncols; c++, k++)
			out[c] = in[hid[k]];
	}
	for (int i = 0; cx && i < st->ncols; i++)
		cexpr_free(cx[i]);
	free(cx);
	if (!ok) {
		table_free(o);
		return (NULL);
	}
	return (o);
}

struct sortctx {
	const struct table *t;
	struct value	*keys;		/* nrows × nk */
	const int	*desc;
	int		nk;
};

static int
sort_cmp(const void *a, const void *b, void *arg)
{
	const struct sortctx *sc = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	for (int k = 0; k < sc->nk; k++) {
		int r = value_cmp(&sc->keys[x * (size_t)sc->nk + k],
		    &sc->keys[y * (size_t)sc->nk + k]);

		if (r)
			return (sc->desc[k] ? -r : r);
	}
	return ((x > y) - (x < y));	/* stable */
}

static int
st_sort(struct qctx *q, const struct stage *st, struct table *t)
{
	struct sortctx sc = { t, NULL, NULL, st->nsort };
	size_t *idx = malloc((t->nrows + 1) * sizeof(*idx));
	struct value *cells = malloc((t->nrows + 1) * (size_t)t->ncols *
	    sizeof(*cells));
	int *desc = calloc((size_t)st->nsort + 1, sizeof(*desc)), rc = -1;
	struct cexpr *cx;

	sc.keys = malloc((t->nrows + 1) * (size_t)st->nsort *
	    sizeof(*sc.keys));
	sc.desc = desc;
	if (idx == NULL || cells == NULL || desc == NULL || sc.keys == NULL)
		goto out;
	for (int k = 0; k < st->nsort; k++) {
		desc[k] = st->sort[k].desc;
		if (cexpr_compile(q, st->sort[k].e, t, &cx) != 0)
			goto out;
		for (size_t r = 0; r < t->nrows; r++)
			cexpr_eval(cx, table_row(t, r),
			    &sc.keys[r * (size_t)st->nsort + k]);
		cexpr_free(cx);
	}
	for (size_t r = 0; r < t->nrows; r++)
		idx[r] = r;
	qsort_r(idx, t->nrows, sizeof(*idx), sort_cmp, &sc);
	for (size_t r = 0; r < t->nrows; r++)
		memcpy(cells + r * (size_t)t->ncols, table_row(t, idx[r]),
		    sizeof(*cells) * (size_t)t->ncols);
	if (t->nrows > 0)
		memcpy(t->cells, cells, sizeof(*cells) * t->nrows *
		    (size_t)t->ncols);
	rc = 0;
out:
	free(idx);
	free(cells);
	free(desc);
	free(sc.keys);
	return (rc);
}

static void
st_take(const struct stage *st, struct table *t)
{
	size_t n = (size_t)st->take, off = (size_t)st->offset;

	if (st->take_pct) {
		/* The top N%: at least one row when there are any. */
		n = (size_t)(((__int128)t->nrows * st->take + 100 * 10000 -
		    1) / (100 * 10000));
	}
	if (off >= t->nrows) {
		t->nrows = 0;
		return;
	}
	if (off)
		memmove(t->cells, table_row(t, off), sizeof(struct value) *
		    (t->nrows - off) * (size_t)t->ncols);
	t->nrows -= off;
	if (n < t->nrows)
		t->nrows = n;
}

static struct table *
st_group(struct qctx *q, const struct stage *st, struct table *t)
{
	struct group *g;

	if (group_new(q, st, t, &g) != 0)
		return (NULL);
	for (size_t r = 0; r < t->nrows; r++) {
		if ((r & 0xffff) == 0xffff && q_expired(q)) {
			group_free(g);
			return (NULL);
		}
		if (group_add(g, table_row(t, r)) != 0) {
			group_free(g);
			return (NULL);
		}
	}
	return (group_finish(g));
}

/* Copy the strings a result holds into its own arena: the map they point
 * into goes away with the read transaction. */
static int
own_strings(struct table *t)
{
	for (size_t r = 0; r < t->nrows; r++) {
		struct value *row = table_row(t, r);

		for (int c = 0; c < t->ncols; c++)
			if (row[c].t == V_STR && row[c].s &&
			    (row[c].s = table_strdup(t, row[c].s,
			    strlen(row[c].s))) == NULL)
				return (-ENOMEM);
	}
	return (0);
}

static void
scanner_free(struct scanner *s)
{
	for (int c = 0; c < SCHEMA_MAXCOLS; c++)
		free(s->dc[c].s);
	for (int k = 0; k < s->nconds; k++)
		cexpr_free(s->conds[k]);
	free(s->conds);
	group_free(s->group);
	table_free(s->rows);
}

static int
scanner_init(struct scanner *s, struct qctx *q, kind_t kind,
    const struct table *schema, int nstages)
{
	memset(s, 0, sizeof(*s));
	s->q = q;
	s->kind = kind;
	s->schema = schema;
	s->limit = -1;
	s->used = ~(uint64_t)0;
	s->txn = q->txn;
	s->strings = q->strings;
	s->nworkers = 1;
	s->pcopy = -1;
	for (int c = 0; c < schema_kind(kind)->nfields; c++)
		s->dc[c].field = schema_kind(kind)->fields[c].name;
	s->conds = calloc((size_t)nstages + 1, sizeof(*s->conds));
	return (s->conds ? 0 : -1);
}

static int
scanner_rows(struct scanner *s)
{
	const struct table *sc = s->schema;

	const struct kind_def *kd = schema_kind(s->kind);
	int hide = -1;

	/* Under suppression a record keeps a hidden copy of its person, so
	 * a later group still counts people when select drops them. */
	for (int c = 0; disclose_on(s->q) && c < kd->nfields; c++)
		if (kd->fields[c].type == FT_PERSON)
			hide = c;
	int n = 0;

	/* Narrow: the used fields, then source and line, which every row
	 * has. */
	for (int c = 0; c < sc->ncols; c++)
		if (!s->narrow || c >= kd->nfields ||
		    (s->used & ((uint64_t)1 << c)))
			s->map[n++] = c;
	if ((s->rows = table_new(n + (hide >= 0))) == NULL)
		return (-1);
	for (int k = 0; k < n; k++) {
		int c = s->map[k];

		table_set_col(s->rows, k, sc->cols[c].name, sc->cols[c].type);
		s->rows->cols[k].person = sc->cols[c].person;
	}
	if (hide >= 0) {
		table_set_col(s->rows, n, DISCLOSE_PERSON, V_STR);
		s->rows->cols[n].hidden = 1;
		s->rows->cols[n].person = 1;
		s->map[n] = sc->ncols;	/* the copy, after source and line */
		s->pcopy = hide;
	}
	return (0);
}

static int
scanner_run(struct scanner *s)
{
	int rc = scan_kind_pruned(s->q->st, s->txn, s->kind, &s->prune,
	    scan_seg_cb, s);

	if (s->q->timeout)
		return (-1);		/* q_expired() said why */
	if (rc < 0 || s->rc) {
		snprintf(s->q->err, s->q->errsz, "reading the store: %s",
		    store_strerror(rc < 0 ? rc : s->rc));
		return (-1);
	}
	return (0);
}

struct table *
verb_scan(struct qctx *q, kind_t kind)
{
	struct scanner s;
	struct table *schema = scan_schema(kind), *t = NULL;

	if (schema && scanner_init(&s, q, kind, schema, 0) == 0) {
		if (scanner_rows(&s) == 0 && scanner_run(&s) == 0) {
			t = s.rows;
			s.rows = NULL;
		}
		scanner_free(&s);
	}
	table_free(schema);
	return (t);
}

int
verb_col(const struct table *t, const char *name)
{
	for (int c = 0; c < t->ncols; c++)
		if (!t->cols[c].hidden && strcmp(t->cols[c].name, name) == 0)
			return (c);
	return (-1);
}

int
verb_money_col(const struct table *t)
{
	int c = verb_col(t, "amount");

	if (c < 0)
		c = verb_col(t, "cost");
	return (c >= 0 && t->cols[c].type == V_MONEY ? c : -1);
}

/* An analyst's record-level rows are their own org's: a condition the
 * scan adds to the query's own (outcomes have no org, and no person). */
static int
own_org(struct qctx *q, const struct table *schema, struct scanner *s)
{
	struct expr f = { .k = E_FIELD, .name = (char *)"org" };
	struct expr v = { .k = E_STRING };
	struct expr eq = { .k = E_BINOP, .op = OP_EQ, .a = &f, .b = &v };

	if (!q->record || q->lim == NULL || q->lim->own_org == NULL ||
	    verb_col(schema, "org") < 0)
		return (0);
	v.name = (char *)q->lim->own_org;
	return (cexpr_compile(q, &eq, schema, &s->conds[s->nconds++]));
}

/* The column of sc an expression's field rests on (cofog.division:
 * cofog), or -1 when it is no plain field. */
static int
base_col(const struct table *sc, const struct expr *e)
{
	char name[128];
	const char *dot;
	size_t n;

	if (e->k != E_FIELD)
		return (-1);
	dot = strchr(e->name, '.');
	n = dot ? (size_t)(dot - e->name) : strlen(e->name);
	if (n >= sizeof(name))
		return (-1);
	memcpy(name, e->name, n);
	name[n] = '\0';
	return (verb_col(sc, name));
}

/*
 * accumulate and balance read a few columns of the rows the scan gives
 * them: decode only those (and what the filters read); the others stay
 * empty.  Any other verb, or a field it cannot place, decodes them all.
 */
static void
verb_narrow(struct qctx *q, const struct stage *st, const struct table *sc,
    struct scanner *s)
{
	static const char *const always[] = { "amount", "cost", "transfer",
	    "org" };
	const struct verb *v = &st->verb;
	const struct kind_def *kd = schema_kind(s->kind);
	uint64_t u = 0;
	int acc = strcmp(v->name, "accumulate") == 0, c;

	if (!acc && strcmp(v->name, "balance") != 0)
		return;
	for (size_t k = 0; k < sizeof(always) / sizeof(always[0]); k++)
		if ((c = verb_col(sc, always[k])) >= 0)
			u |= (uint64_t)1 << c;
	if (acc && (c = verb_col(sc, v->mode)) >= 0)
		u |= (uint64_t)1 << c;
	if (!acc)
		for (int k = 0; k < 2; k++)
			if ((c = verb_col(sc, k ? "shares" :
			    "prevention")) >= 0)
				u |= (uint64_t)1 << c;
	if (v->across) {
		if ((c = base_col(sc, v->across)) < 0)
			return;
		u |= (uint64_t)1 << c;
	}
	for (int k = 0; k < v->nby; k++) {
		if ((c = base_col(sc, v->by[k])) < 0)
			return;
		u |= (uint64_t)1 << c;
	}
	/* People are counted under suppression, whatever the verb reads. */
	for (c = 0; disclose_on(q) && c < kd->nfields; c++)
		if (kd->fields[c].type == FT_PERSON)
			u |= (uint64_t)1 << c;
	for (int k = 0; k < s->nconds; k++)
		cexpr_cols(s->conds[k], &u);
	s->used = u;
	s->narrow = 1;
}

/*
 * What runs inside the scan: the leading where stages (and the ranges
 * they demand, for the zone maps), then a group right after them, which
 * aggregates there so no row is ever kept; else a take limits the rows.
 * *next is the first stage left for the table.  The caller frees s and
 * *schema whatever the outcome.
 */
static int
plan(struct qctx *q, const struct query *qy, struct scanner *s,
    struct table **schema, int *next)
{
	int kind, i = 0;

	memset(s, 0, sizeof(*s));
	s->pcopy = -1;
	*schema = NULL;
	if ((kind = schema_kind_find(qy->source)) < 0)
		return (q_error(q, qy->srcoff, qy->srclen, "unknown source "
		    "\"%s\"", qy->source));
	if ((*schema = scan_schema((kind_t)kind)) == NULL ||
	    scanner_init(s, q, (kind_t)kind, *schema, qy->nstages) != 0)
		return (-1);
	for (; i < qy->nstages && qy->stages[i].k == ST_WHERE; i++) {
		if (cexpr_compile(q, qy->stages[i].cond, *schema,
		    &s->conds[s->nconds]) != 0)
			return (-1);
		cexpr_ranges(s->conds[s->nconds++], &s->prune);
	}
	if (own_org(q, *schema, s) != 0)
		return (-1);
	if (i < qy->nstages && qy->stages[i].k == ST_GROUP) {
		if (group_new(q, &qy->stages[i], *schema, &s->group) != 0)
			return (-1);
		i++;
		/* Only what the filters and the group read is decoded. */
		s->used = 0;
		group_cols(s->group, &s->used);
		for (int k = 0; k < s->nconds; k++)
			cexpr_cols(s->conds[k], &s->used);
	} else {
		if (i < qy->nstages && qy->stages[i].k == ST_VERB)
			verb_narrow(q, &qy->stages[i], *schema, s);
		if (scanner_rows(s) != 0)
			return (-1);
		if (i < qy->nstages && qy->stages[i].k == ST_TAKE &&
		    !qy->stages[i].take_pct)
			s->limit = qy->stages[i].take + qy->stages[i].offset;
	}
	*next = i;
	return (0);
}

/* The second half of a parallel grouped scan. */
struct helper {
	struct qctx	q;
	struct scanner	s;
	struct table	*schema;
	char		err[1024];
	int		rc;
};

static void *
helper_run(void *arg)
{
	struct helper *h = arg;

	h->rc = scanner_run(&h->s);
	return (NULL);
}

static int
workers(void)
{
	const char *e = getenv("PLACED_THREADS");
	long n = e && *e ? strtol(e, NULL, 10) : sysconf(_SC_NPROCESSORS_ONLN);

	return (n >= 2 ? 2 : 1);
}

/*
 * A grouped scan splits its segments between two threads, each with its
 * own read transaction on the same snapshot, its own compiled filters and
 * its own groups, merged at the end in first-seen order, so the answer is
 * the one a single thread gives.  Returns 0 when the scan is done (by one
 * thread or two), -1 on error.  *strings keeps the helper's strings.
 */
static int
scan_grouped(struct qctx *q, const struct query *qy, struct scanner *s,
    struct table **strings)
{
	struct helper *h;
	pthread_t tid;
	int next, ok;

	if (workers() < 2 || (h = calloc(1, sizeof(*h))) == NULL)
		return (scanner_run(s));
	h->q = *q;
	h->q.err = h->err;
	h->q.errsz = sizeof(h->err);
	if ((h->q.strings = table_new(0)) == NULL ||
	    store_txn_begin(q->st, 1, &h->q.txn) != 0) {
		table_free(h->q.strings);
		free(h);
		return (scanner_run(s));
	}
	/* Both halves must read the same snapshot, or it is one thread. */
	ok = mdb_txn_id(h->q.txn) == mdb_txn_id(q->txn) &&
	    plan(&h->q, qy, &h->s, &h->schema, &next) == 0;
	if (ok) {
		s->worker = 0;
		h->s.worker = 1;
		s->nworkers = h->s.nworkers = 2;
		ok = pthread_create(&tid, NULL, helper_run, h) == 0;
		if (!ok)
			s->nworkers = 1;
	}
	if (!ok) {
		scanner_free(&h->s);
		table_free(h->schema);
		store_txn_abort(h->q.txn);
		table_free(h->q.strings);
		free(h);
		return (scanner_run(s));
	}
	if (scanner_run(s) != 0)
		ok = 0;
	pthread_join(tid, NULL);
	if (h->q.timeout && !q->timeout) {
		q->timeout = 1;
		snprintf(q->err, q->errsz, "%s", h->err);
		ok = 0;
	}
	if (ok && h->rc != 0) {
		snprintf(q->err, q->errsz, "%s", h->err);
		ok = 0;
	}
	if (ok) {
		ok = group_merge(s->group, h->s.group) == 0;
		h->s.group = NULL;
		if (!ok)
			snprintf(q->err, q->errsz, "out of memory");
	}
	scanner_free(&h->s);
	table_free(h->schema);
	store_txn_abort(h->q.txn);
	*strings = h->q.strings;
	free(h);
	return (ok ? 0 : -1);
}

int
exec_cut(struct qctx *q, const struct query *qy, struct table **out)
{
	struct scanner s;
	struct table *schema = NULL, *t = NULL, *nt, *strings2 = NULL;
	verb_fn vf;
	int i = 0, rc = -1;

	*out = NULL;
	if (plan(q, qy, &s, &schema, &i) != 0)
		goto out;
	if ((s.group ? scan_grouped(q, qy, &s, &strings2) :
	    scanner_run(&s)) != 0)
		goto out;
	if (s.group) {
		t = group_finish(s.group);
		s.group = NULL;
	} else {
		t = s.rows;
		s.rows = NULL;
	}
	rc = -1;
	if (t == NULL)
		goto out;
	if (i > 0 && qy->stages[i - 1].k == ST_GROUP &&
	    disclose_taint(q, i - 1, t) != 0)
		goto out;
	for (; i < qy->nstages; i++) {
		const struct stage *st = &qy->stages[i];

		if (q_expired(q))
			goto out;
		nt = t;
		switch (st->k) {
		case ST_WHERE:
			if (st_where(q, st, t) != 0)
				goto out;
			break;
		case ST_GROUP:
			nt = st_group(q, st, t);
			break;
		case ST_SELECT:
		case ST_DERIVE:
			nt = st_project(q, st, t);
			break;
		case ST_SORT:
			if (st_sort(q, st, t) != 0)
				goto out;
			break;
		case ST_TAKE:
			st_take(st, t);
			break;
		case ST_JOIN:
			nt = join_rows(q, st, t, s.kind);
			break;
		case ST_VERB:
			if ((vf = verb_find(st->verb.name)) == NULL) {
				q_error(q, st->off, st->len, "\"%s\" is not "
				    "available yet in this version of placed",
				    st->verb.name);
				goto out;
			}
			nt = vf(q, st, t);
			if (nt != NULL && disclose_verb(q, st, t, &nt) != 0)
				goto out;
			break;
		}
		if (nt == NULL)
			goto out;
		if (st->k == ST_GROUP && disclose_taint(q, i, nt) != 0) {
			table_free(nt);
			goto out;
		}
		if (nt != t) {
			/* The next table may point at this one's strings. */
			if (table_give_strings(t, q->strings) != 0) {
				table_free(nt);
				snprintf(q->err, q->errsz, "out of memory");
				goto out;
			}
			table_free(t);
			t = nt;
		}
	}
	if (q->failed || own_strings(t) != 0)
		goto out;
	*out = t;
	t = NULL;
	rc = 0;
out:
	scanner_free(&s);
	table_free(schema);
	table_free(t);
	table_free(strings2);
	return (rc);
}

static int
count_seg(void *arg, const struct scan_seg *seg)
{
	*(uint64_t *)arg += seg->nrows;
	return (0);
}

static const char *
stage_name(const struct stage *st)
{
	static const char *names[] = { "where", "group", "select", "derive",
	    "sort", "take", "join", "verb" };

	return (st->k == ST_VERB ? st->verb.name : names[st->k]);
}

static void
line_col(const char *text, size_t off, int *line, int *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else
			(*col)++;
	}
}

/* The plan, in words: what the scan reads, filters, skips and groups. */
static int
explain(struct qctx *q, const struct query *qy, FILE *f)
{
	struct scanner s;
	struct table *schema = NULL;
	uint64_t rows = 0;
	char lo[VALUE_BUFSZ], hi[VALUE_BUFSZ];
	int i = 0, rc = -1, line, col, first = 1;

	if (plan(q, qy, &s, &schema, &i) != 0)
		goto out;
	/* Counting through the pruned scan reads no column data. */
	if (scan_kind_pruned(q->st, q->txn, s.kind, &s.prune, count_seg,
	    &rows) < 0) {
		snprintf(q->err, q->errsz, "cannot read the store");
		goto out;
	}
	fprintf(f, "source  %s\n", schema_kind(s.kind)->name);
	fprintf(f, "scan    %llu segment%s of live batches; %llu skipped by "
	    "zone maps; %llu row%s read\n",
	    (unsigned long long)s.prune.segments,
	    s.prune.segments == 1 ? "" : "s",
	    (unsigned long long)s.prune.skipped, (unsigned long long)rows,
	    rows == 1 ? "" : "s");
	for (int k = 0; k < s.prune.n; k++) {
		struct value a = { schema->cols[s.prune.col[k]].type,
		    s.prune.lo[k], NULL }, b = a;

		b.i = s.prune.hi[k];
		if (a.i == INT64_MIN)
			snprintf(lo, sizeof(lo), "-inf");
		else
			value_text(&a, lo, sizeof(lo));
		if (b.i == INT64_MAX)
			snprintf(hi, sizeof(hi), "+inf");
		else
			value_text(&b, hi, sizeof(hi));
		fprintf(f, "        zone map: %s in [%s, %s]\n",
		    schema->cols[s.prune.col[k]].name, lo, hi);
	}
	for (int k = 0; k < s.nconds; k++) {
		const struct stage *st = &qy->stages[k];

		line_col(q->text, st->off, &line, &col);
		fprintf(f, "        filter in the scan: %.*s (line %d)\n",
		    (int)st->len, q->text + st->off, line);
	}
	fprintf(f, "        decodes:");
	for (int c = 0; c < schema->ncols; c++)
		if (c >= 64 || (s.used & ((uint64_t)1 << c)))
			fprintf(f, "%s %s", first ? "" : ",",
			    schema->cols[c].name), first = 0;
	fputc('\n', f);
	if (s.group)
		fprintf(f, "        groups in the scan: %.*s\n",
		    (int)qy->stages[i - 1].len, q->text + qy->stages[i - 1].off);
	else if (s.limit >= 0)
		fprintf(f, "        stops after %lld rows\n",
		    (long long)s.limit);
	else
		fprintf(f, "        keeps every row that passes\n");
	for (; i < qy->nstages; i++) {
		const struct stage *st = &qy->stages[i];

		line_col(q->text, st->off, &line, &col);
		fprintf(f, "then    %-10s %.*s (line %d)\n", stage_name(st),
		    (int)st->len, q->text + st->off, line);
	}
	fprintf(f, "data version %llu\n",
	    (unsigned long long)store_txn_version(q->st, q->txn));
	rc = 0;
out:
	scanner_free(&s);
	table_free(schema);
	return (rc);
}

/* Parse, and open one read transaction: the query's snapshot. */
static int
begin(struct qctx *q, struct query *qy, store_t *st, const char *text,
    size_t len, const struct pql_param *params, int nparams, char *err,
    size_t errsz)
{
	memset(q, 0, sizeof(*q));
	if (errsz)
		err[0] = '\0';
	if (pql_parse(text, len, qy, err, errsz) != 0)
		return (-1);
	q->st = st;
	q->text = text;
	q->len = len;
	q->params = params;
	q->nparams = nparams;
	q->err = err;
	q->errsz = errsz;
	if ((q->strings = table_new(0)) == NULL ||
	    store_txn_begin(st, 1, &q->txn) != 0) {
		snprintf(err, errsz, "cannot read the store");
		table_free(q->strings);
		ast_free(qy);
		return (-1);
	}
	return (0);
}

static void
end(struct qctx *q, struct query *qy)
{
	store_txn_abort(q->txn);
	table_free(q->strings);
	ast_free(qy);
}

int
pql_explain(store_t *st, const char *text, size_t len,
    const struct pql_param *params, int nparams, FILE *f, char *err,
    size_t errsz)
{
	struct query qy;
	struct qctx q;
	int rc;

	if (begin(&q, &qy, st, text, len, params, nparams, err, errsz) != 0)
		return (-1);
	rc = explain(&q, &qy, f);
	end(&q, &qy);
	return (rc);
}

int
q_expired(struct qctx *q)
{
	struct timespec ts;

	if (q->timeout || q->failed)
		return (1);
	if (q->lim == NULL)
		return (0);
	if (q->lim->cancel && *q->lim->cancel) {
		snprintf(q->err, q->errsz, "the query was cancelled");
		q->timeout = 1;
	} else if (q->lim->deadline_ns &&
	    clock_gettime(CLOCK_MONOTONIC, &ts) == 0 &&
	    (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec >=
	    q->lim->deadline_ns) {
		snprintf(q->err, q->errsz, "the query ran longer than the "
		    "server allows");
		q->timeout = 1;
	}
	return (q->timeout);
}

/* What kind of failure the message in q->err is. */
static enum pql_fail
fail_kind(const struct qctx *q)
{
	if (q->timeout)
		return (PQL_FAIL_TIME);
	if (q->err[0] == '\0' || strstr(q->err, "out of memory") ||
	    strncmp(q->err, "reading the store", 17) == 0 ||
	    strncmp(q->err, "cannot read the store", 21) == 0)
		return (PQL_FAIL_INTERNAL);
	return (PQL_FAIL_QUERY);
}

int
pql_run_limited(store_t *st, const char *text, size_t len,
    const struct pql_param *params, int nparams, const struct pql_limits *lim,
    struct table **out, uint64_t *data_version, enum pql_fail *fail,
    char *err, size_t errsz)
{
	struct query qy;
	struct qctx q;
	int rc = -1, forbidden = 0;

	*out = NULL;
	*fail = PQL_OK;
	if (begin(&q, &qy, st, text, len, params, nparams, err, errsz) != 0) {
		*fail = strncmp(err, "line ", 5) == 0 ? PQL_FAIL_QUERY :
		    PQL_FAIL_INTERNAL;
		return (-1);
	}
	*data_version = store_txn_version(st, q.txn);
	q.lim = lim;
	q.record = disclose_record_level(&qy);
	if (lim && lim->aggregates_only && q.record) {
		snprintf(err, errsz, "a reader token sees aggregates only: add "
		    "a group or a question verb");
		*fail = PQL_FAIL_FORBIDDEN;
		goto out;
	}
	if (q_expired(&q)) {
		*fail = PQL_FAIL_TIME;
		goto out;
	}
	if (disclose_on(&q) && !q.record &&
	    disclose_low_effect(&q, &qy, &forbidden) != 0) {
		*fail = forbidden ? PQL_FAIL_FORBIDDEN : fail_kind(&q);
		goto out;
	}
	if (exec_cut(&q, &qy, out) != 0) {
		*fail = fail_kind(&q);
		goto out;
	}
	if (disclose_on(&q) && !q.record && disclose_suppress(&q, *out) != 0) {
		snprintf(err, errsz, "out of memory");
		*fail = PQL_FAIL_INTERNAL;
		goto out;
	}
	if (lim && lim->max_rows && (*out)->nrows > lim->max_rows) {
		snprintf(err, errsz, "the result has more than %llu rows: add "
		    "group or take", (unsigned long long)lim->max_rows);
		*fail = PQL_FAIL_ROWS;
		goto out;
	}
	rc = 0;
out:
	if (rc != 0) {
		table_free(*out);
		*out = NULL;
		if (err[0] == '\0')
			snprintf(err, errsz, "out of memory");
	}
	disclose_done(&q);
	end(&q, &qy);
	return (rc);
}

int
pql_run(store_t *st, const char *text, size_t len,
    const struct pql_param *params, int nparams, struct table **out,
    uint64_t *data_version, char *err, size_t errsz)
{
	enum pql_fail fail;

	return (pql_run_limited(st, text, len, params, nparams, NULL, out,
	    data_version, &fail, err, errsz));
}
