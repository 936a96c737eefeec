/*
 * disclose.c — small-number suppression and the low-effect check.
 *
 * What this protects, under suppress_k = K:
 *
 *  - No visible cell of an aggregate result is computed from fewer than
 *    K distinct people: each row's support (the distinct non-null persons
 *    behind it; for a group over grouped rows the largest support of the
 *    rows combined, a lower bound) below K nulls the row's cells but its
 *    keys, and a key holding person pseudonyms is nulled as well.
 *  - Complementary suppression: when the suppressed rows of a table have
 *    fewer than K people between them, the rows with the least support
 *    are suppressed too until they have K, so a total published elsewhere
 *    minus the visible rows does not give back one small row.
 *  - Differencing by filters: for the leading where stages, each atomic
 *    condition (a comparison, ~, within, between, "in" a period, each
 *    element of an "in" list, a "not" of one of those) is removed in turn
 *    (made TRUE under "and", FALSE under "or") and the people per result
 *    group recounted under the same keys.  A group that one removal
 *    changes by 1 to K-1 people is suppressed: a reader cannot take the
 *    difference between "A or B" and "A", or between "need != X" and no
 *    filter, when B or X is fewer than K people.  The keys are those of
 *    the first group stage when only where, derive, select, sort and join
 *    stand between the filters and it; otherwise (a verb, a take, no
 *    group) the whole population is recounted and any small change
 *    suppresses the whole result.  At most 16 conditions are checked (one
 *    scan each); a query with more is refused.
 *
 * What it does not protect against:
 *
 *  - differencing through queries that are not one condition apart: two
 *    unrelated filters whose populations overlap, chains of removals, or
 *    conditions written in derive, group keys or a later where stage;
 *  - differencing in time: the same query before and after a load;
 *  - averaging or repeated queries (there is no noise to average away,
 *    but every exact figure of K or more people is shown as it is);
 *  - combining results with outside knowledge ("the only person over 90
 *    in ward X"), or attributes that single out a person in a group of K;
 *  - the record-level rows an analyst sees (own org only, not
 *    suppressed), nor verbs' counts of rows or fields (quality).
 *  Suppression is a floor on the people behind a figure, not anonymity.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "disclose.h"
#include "exec.h"
#include "group.h"
#include "schema.h"
#include "strmap.h"
#include "verb.h"
#include "verb_util.h"

#define LE_MAXCONDS	16

struct le_flags {
	int		stage;		/* flagged rows are this group's, or */
	int		all;		/* -1 and all: the whole result */
	strmap_t	keys;		/* key texts of the flagged groups */
};

int
disclose_on(const struct qctx *q)
{
	return (q->lim != NULL && q->lim->suppress_k > 0);
}

int
disclose_record_level(const struct query *qy)
{
	for (int i = 0; i < qy->nstages; i++)
		if (qy->stages[i].k == ST_GROUP || qy->stages[i].k == ST_VERB)
			return (0);
	return (1);
}

int
disclose_person_col(const struct table *t)
{
	int vis = -1;

	for (int c = 0; c < t->ncols; c++)
		if (t->cols[c].person) {
			if (t->cols[c].hidden)
				return (c);
			if (vis < 0)
				vis = c;
		}
	return (vis);
}

/* t's #support column, added (all 0) when it has none; -1 if no memory. */
static int
support_col(struct table *t)
{
	int c = table_hidden_col(t, DISCLOSE_SUPPORT), n = t->ncols;
	struct column *nc;
	struct value *cells;

	if (c >= 0)
		return (c);
	if ((nc = realloc(t->cols, ((size_t)n + 1) * sizeof(*nc))) == NULL)
		return (-1);
	t->cols = nc;
	memset(&nc[n], 0, sizeof(*nc));
	if ((cells = calloc(t->nrows * ((size_t)n + 1) + 1,
	    sizeof(*cells))) == NULL)
		return (-1);
	for (size_t r = 0; r < t->nrows; r++) {
		memcpy(cells + r * ((size_t)n + 1), table_row(t, r),
		    (size_t)n * sizeof(*cells));
		cells[r * ((size_t)n + 1) + (size_t)n] =
		    (struct value){ V_INT, 0, NULL };
	}
	free(t->cells);
	t->cells = cells;
	t->cap = t->nrows;
	t->ncols = n + 1;
	if (table_set_col(t, n, DISCLOSE_SUPPORT, V_INT) != 0)
		return (-1);
	nc[n].hidden = 1;
	return (n);
}

/* The text of row's cols, one key for a map. */
static size_t
key_text(const struct value *row, const int *cols, int n, char *buf,
    size_t sz)
{
	size_t o = 1;

	buf[0] = 'k';		/* never empty, for the maps */
	for (int k = 0; k < n && o + 2 < sz; k++) {
		buf[o++] = (char)('0' + row[cols[k]].t);
		o += value_text(&row[cols[k]], buf + o, sz - o - 1);
		if (o + 1 < sz)
			buf[o++] = '\x1f';
	}
	buf[o < sz ? o : sz - 1] = '\0';
	return (o < sz ? o : sz - 1);
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return ((x > y) - (x < y));
}

/*
 * The support of out's rows: the distinct persons of in's rows whose
 * values in incols have the same text as the row's in outcols.  Rows of
 * out no input row matches keep 0.  0 or -ENOMEM.
 */
static int
support_by_keys(const struct table *in, const int *incols, struct table *out,
    const int *outcols, int nk)
{
	int pc = disclose_person_col(in), sc;
	struct verb_names kn, pn;
	struct table *arena = table_new(0);
	uint64_t *pairs = NULL;
	int64_t *count = NULL;
	size_t np = 0;
	char buf[1024];
	int rc = -ENOMEM;

	if ((sc = support_col(out)) < 0 || arena == NULL) {
		table_free(arena);
		return (-ENOMEM);
	}
	if (pc < 0) {
		table_free(arena);
		return (0);
	}
	verb_names_init(&kn, arena);
	verb_names_init(&pn, arena);
	if ((pairs = malloc((in->nrows + 1) * sizeof(*pairs))) == NULL)
		goto out;
	for (size_t r = 0; r < in->nrows; r++) {
		const struct value *row = table_row(in, r);
		struct value kv = { V_STR, 0, buf };
		int64_t k, p;

		if (row[pc].t == V_NULL)
			continue;
		key_text(row, incols, nk, buf, sizeof(buf));
		if ((k = verb_names_id(&kn, &kv)) < 0 ||
		    (p = verb_names_id(&pn, &row[pc])) < 0)
			goto out;
		pairs[np++] = (uint64_t)k << 32 | (uint64_t)p;
	}
	qsort(pairs, np, sizeof(*pairs), cmp_u64);
	if ((count = calloc(kn.n + 1, sizeof(*count))) == NULL)
		goto out;
	for (size_t i = 0; i < np; i++)
		if (i == 0 || pairs[i] != pairs[i - 1])
			count[pairs[i] >> 32]++;
	for (size_t r = 0; r < out->nrows; r++) {
		struct value *row = table_row(out, r);
		struct value kv = { V_STR, 0, buf };
		int64_t k;

		key_text(row, outcols, nk, buf, sizeof(buf));
		k = verb_names_find(&kn, &kv);
		row[sc] = (struct value){ V_INT, k >= 0 ? count[k] : 0, NULL };
	}
	rc = 0;
out:
	verb_names_free(&kn);
	verb_names_free(&pn);
	table_free(arena);
	free(pairs);
	free(count);
	return (rc);
}

/* trend: people per (period, F); a change also reveals the period before
 * it, so each row's support is the smaller of its own and its
 * predecessor's in the same group. */
static int
trend_support(const struct stage *st, const struct table *in,
    struct table *out)
{
	int cd = verb_col(in, "date"), cf = -1, pc = disclose_person_col(in);
	int kin[2] = { 0, 1 }, kout[2] = { 0, 1 }, nk, sc, rc;
	struct table *x;

	if (cd < 0)
		cd = verb_col(in, "period_start");
	if (st->verb.nby > 0)
		cf = verb_col(in, st->verb.by[0]->name);
	nk = cf >= 0 ? 2 : 1;
	if (cd < 0 || pc < 0)
		return (support_col(out) < 0 ? -ENOMEM : 0);
	if ((x = table_new(3)) == NULL)
		return (-ENOMEM);
	table_set_col(x, 0, "period", out->cols[0].type);
	table_set_col(x, 1, "f", cf >= 0 ? in->cols[cf].type : V_NULL);
	table_set_col(x, 2, DISCLOSE_PERSON, V_STR);
	x->cols[2].person = 1;
	for (size_t r = 0; r < in->nrows; r++) {
		const struct value *row = table_row(in, r);
		struct value *o;

		if (row[cd].t == V_NULL)
			continue;
		if ((o = table_add_row(x)) == NULL) {
			table_free(x);
			return (-ENOMEM);
		}
		o[0] = (struct value){ out->cols[0].type, verb_period_of(
		    out->cols[0].type, (int32_t)row[cd].i), NULL };
		if (cf >= 0)
			o[1] = row[cf];
		o[2] = row[pc];
	}
	rc = support_by_keys(x, kin, out, kout, nk);
	table_free(x);
	if (rc != 0 || (sc = support_col(out)) < 0)
		return (-ENOMEM);
	for (size_t r = out->nrows; r-- > 1;) {
		struct value *row = table_row(out, r), *prev = row - out->ncols;
		int64_t a = row[sc].i, b = prev[sc].i;

		if (cf >= 0 && value_cmp(&row[1], &prev[1]) != 0)
			continue;
		if (b > 0 && (a == 0 || b < a))
			row[sc].i = b;
	}
	return (0);
}

/* gaps: the activity contacts of a (place, F) cell are its people. */
static int
gaps_support(struct qctx *q, const struct stage *st, struct table *out)
{
	struct table *act;
	int kin[2], kout[2] = { 0, 1 }, rc;

	if ((act = verb_scan(q, KIND_ACTIVITY)) == NULL)
		return (-ENOMEM);
	kin[0] = verb_col(act, "place");
	kin[1] = verb_col(act, st->verb.by[0]->name);
	if (kin[0] < 0 || kin[1] < 0) {
		table_free(act);
		return (support_col(out) < 0 ? -ENOMEM : 0);
	}
	/* By place.LEVEL the cells are areas: count people by theirs. */
	if (st->verb.level) {
		struct value *pl = verb_place_level(q, st, act);

		if (pl == NULL) {
			table_free(act);
			return (-ENOMEM);
		}
		for (size_t r = 0; r < act->nrows; r++)
			table_row(act, r)[kin[0]] = pl[r];
		free(pl);
	}
	rc = support_by_keys(act, kin, out, kout, 2);
	table_free(act);
	return (rc);
}

static void
set_keys(struct table *t, int n)
{
	for (int c = 0; c < n && c < t->ncols; c++)
		t->cols[c].key = 1;
}

int
disclose_verb(struct qctx *q, const struct stage *st, const struct table *in,
    struct table **outp)
{
	const char *name = st->verb.name;
	struct table *out = *outp;
	int rc = 0, pc, sc, nk = 0, kin[8], kout[8];

	if (!disclose_on(q))
		return (0);
	if (strcmp(name, "quality") == 0) {
		/* Counts of rows and fields, not of people. */
		set_keys(out, 2);
		return (0);
	}
	if (strcmp(name, "accumulate") == 0) {
		set_keys(out, 1);
		if (strcmp(st->verb.mode, "person") == 0) {
			/* One person per row, named by their pseudonym. */
			out->cols[0].person = 1;
			if ((sc = support_col(out)) < 0)
				rc = -ENOMEM;
			for (size_t r = 0; rc == 0 && r < out->nrows; r++)
				table_row(out, r)[sc].i = 1;
		} else {
			kin[0] = verb_col(in, st->verb.mode);
			kout[0] = 0;
			rc = support_by_keys(in, kin, out, kout, 1);
		}
	} else if (strcmp(name, "balance") == 0) {
		/* The verb counted the people of each group and level. */
		set_keys(out, st->verb.nby + 1);
		if (support_col(out) < 0)
			rc = -ENOMEM;
	} else if (strcmp(name, "trend") == 0) {
		set_keys(out, st->verb.nby > 0 ? 2 : 1);
		rc = trend_support(st, in, out);
	} else if (strcmp(name, "gaps") == 0) {
		set_keys(out, 2);
		rc = gaps_support(q, st, out);
	} else if ((pc = verb_col(out, "people")) >= 0 &&
	    out->cols[pc].type == V_INT) {
		/* frequency, journeys, duplication contact: the people
		 * column counts the row's people. */
		set_keys(out, pc);
		if ((sc = support_col(out)) < 0)
			rc = -ENOMEM;
		for (size_t r = 0; rc == 0 && r < out->nrows; r++)
			table_row(out, r)[sc] = table_row(out, r)[pc];
	} else if (strcmp(name, "duplication") == 0) {
		/* provision: keys named as the input's columns. */
		for (int c = 0; c < out->ncols && nk < 8; c++) {
			if (strcmp(out->cols[c].name, "orgs") == 0)
				break;
			kin[nk] = verb_col(in, out->cols[c].name);
			kout[nk] = c;
			if (kin[nk] >= 0)
				nk++;
		}
		set_keys(out, nk);
		rc = support_by_keys(in, kin, out, kout, nk);
	} else if (support_col(out) < 0)
		rc = -ENOMEM;
	if (rc != 0) {
		q_error(q, st->off, st->len, "%s: out of memory", name);
		table_free(out);
		*outp = NULL;
		return (-1);
	}
	return (0);
}

/*
 * The low-effect check.  A query's where conditions are rewritten in
 * place, one at a time, and the pipeline run up to the compared group;
 * the rewrite is undone before the next.
 */
struct atom {
	struct expr	*e;		/* the condition, or the "in" node */
	int		elem;		/* element of e's list, or -1 */
	int		repl;		/* 1: TRUE (under and), 0: FALSE */
};

struct atoms {
	struct atom	a[LE_MAXCONDS + 1];
	int		n;
};

static void
collect(struct expr *e, int repl, struct atoms *as)
{
	if (e->k == E_BINOP && (e->op == OP_AND || e->op == OP_OR)) {
		collect(e->a, e->op == OP_AND, as);
		collect(e->b, e->op == OP_AND, as);
		return;
	}
	if (e->k == E_NOT && e->a->k == E_BINOP &&
	    (e->a->op == OP_AND || e->a->op == OP_OR)) {
		collect(e->a, repl, as);
		return;
	}
	if (e->k == E_IN && e->nlist > 1) {
		for (int i = 0; i < e->nlist; i++)
			if (as->n <= LE_MAXCONDS)
				as->a[as->n++] = (struct atom){ e, i, repl };
		return;
	}
	if (as->n <= LE_MAXCONDS)
		as->a[as->n++] = (struct atom){ e, -1,
		    e->k == E_IN ? 0 : repl };
}

/* The support of each group of the query cut after its stage `upto`
 * (-1: after the filters, as one group), by key text. */
static int
supports(struct qctx *q, const struct query *qy, int nw, int upto,
    strmap_t *m)
{
	struct query cut = *qy;
	struct stage all = { .k = ST_GROUP };
	struct table *t = NULL, *g;
	struct group *gr;
	int keys[32], nk = 0, sc, rc = -1;
	char buf[1024];

	cut.nstages = upto >= 0 ? upto + 1 : nw;
	if (exec_cut(q, &cut, &t) != 0)
		return (-1);
	if (upto < 0) {
		all.off = qy->stages[0].off;
		all.len = qy->stages[0].len;
		if (group_new(q, &all, t, &gr) != 0)
			goto out;
		for (size_t r = 0; r < t->nrows; r++)
			if (group_add(gr, table_row(t, r)) != 0) {
				group_free(gr);
				goto out;
			}
		if ((g = group_finish(gr)) == NULL)
			goto out;
		table_free(t);
		t = g;
	}
	for (int c = 0; c < t->ncols && nk < 32; c++)
		if (t->cols[c].key)
			keys[nk++] = c;
	sc = table_hidden_col(t, DISCLOSE_SUPPORT);
	for (size_t r = 0; r < t->nrows; r++) {
		const struct value *row = table_row(t, r);
		size_t n = key_text(row, keys, nk, buf, sizeof(buf));
		int64_t s = sc >= 0 && row[sc].i > 0 ? row[sc].i : 0;

		if (strmap_put(m, buf, n, (uint32_t)(s > UINT32_MAX - 1 ?
		    UINT32_MAX - 1 : s)) != 0) {
			snprintf(q->err, q->errsz, "out of memory");
			goto out;
		}
	}
	rc = 0;
out:
	table_free(t);
	return (rc);
}

struct cmp {
	const strmap_t	*mod;
	strmap_t	*flags;
	int64_t		k;
	int		any, rc;
};

static int
compare_one(void *arg, const char *s, size_t n, uint32_t v)
{
	struct cmp *c = arg;
	uint32_t w = 0;
	int64_t d;

	(void)strmap_get(c->mod, s, n, &w);
	d = (int64_t)w - (int64_t)v;
	if (d < 0)
		d = -d;
	if (d >= 1 && d < c->k) {
		c->any = 1;
		if (strmap_put(c->flags, s, n, 1) != 0)
			return (c->rc = -ENOMEM);
	}
	return (0);
}

/* Remove atom a from the query's filters, or (undo) put it back. */
static void
rewrite(struct atom *a, struct expr *saved, int undo)
{
	static struct expr one = { .k = E_INT, .i = 1 };
	struct expr *e = a->e, *tmp;

	if (a->elem >= 0) {
		/* The element goes to the end of the list, out of reach. */
		if (undo)
			e->nlist++;
		tmp = e->list[a->elem];
		e->list[a->elem] = e->list[e->nlist - 1];
		e->list[e->nlist - 1] = tmp;
		if (!undo)
			e->nlist--;
		return;
	}
	if (undo) {
		*e = *saved;
		return;
	}
	*saved = *e;
	/* 1 == 1 or 1 != 1: a boolean wherever a condition may stand. */
	e->k = E_BINOP;
	e->op = a->repl ? OP_EQ : OP_NE;
	e->a = e->b = &one;
	e->c = NULL;
	e->list = NULL;
	e->nlist = 0;
	e->name = NULL;
}

int
disclose_low_effect(struct qctx *q, const struct query *qy, int *forbidden)
{
	struct atoms as = { .n = 0 };
	struct le_flags *f;
	strmap_t orig, mod;
	struct expr saved;
	int kind = schema_kind_find(qy->source), nw = 0, upto = -1, person = 0;
	int rc = -1;

	*forbidden = 0;
	if (kind < 0)
		return (0);
	for (int c = 0; c < schema_kind(kind)->nfields; c++)
		person |= schema_kind(kind)->fields[c].type == FT_PERSON;
	while (nw < qy->nstages && qy->stages[nw].k == ST_WHERE)
		nw++;
	if (!person || nw == 0)
		return (0);
	for (int i = 0; i < nw; i++)
		collect(qy->stages[i].cond, 1, &as);
	if (as.n > LE_MAXCONDS) {
		*forbidden = 1;
		snprintf(q->err, q->errsz, "the filters have more than %d "
		    "conditions, and each must be checked for differences of "
		    "fewer than %d people: use fewer", LE_MAXCONDS,
		    q->lim->suppress_k);
		return (-1);
	}
	for (int i = nw; i < qy->nstages && upto < 0; i++) {
		enum stage_kind k = qy->stages[i].k;

		if (k == ST_GROUP)
			upto = i;
		else if (k != ST_WHERE && k != ST_DERIVE && k != ST_SELECT &&
		    k != ST_SORT && k != ST_JOIN)
			break;
	}
	if ((f = calloc(1, sizeof(*f))) == NULL) {
		snprintf(q->err, q->errsz, "out of memory");
		return (-1);
	}
	f->stage = upto;
	strmap_init(&f->keys);
	strmap_init(&orig);
	strmap_init(&mod);
	if (supports(q, qy, nw, upto, &orig) != 0)
		goto out;
	for (int i = 0; i < as.n; i++) {
		struct cmp c = { &mod, &f->keys, q->lim->suppress_k, 0, 0 };

		strmap_clear(&mod);
		rewrite(&as.a[i], &saved, 0);
		rc = supports(q, qy, nw, upto, &mod);
		rewrite(&as.a[i], &saved, 1);
		if (rc != 0)
			goto out;
		rc = -1;
		if (strmap_each(&orig, compare_one, &c) != 0 || c.rc != 0) {
			snprintf(q->err, q->errsz, "out of memory");
			goto out;
		}
		f->all |= c.any && upto < 0;
	}
	q->le = f;
	f = NULL;
	rc = 0;
out:
	if (f) {
		strmap_free(&f->keys);
		free(f);
	}
	strmap_free(&orig);
	strmap_free(&mod);
	return (rc);
}

int
disclose_taint(struct qctx *q, int stage, struct table *t)
{
	int keys[32], nk = 0, sc;
	char buf[1024];
	uint32_t one;

	if (q->le == NULL || q->le->stage < 0 || q->le->stage != stage ||
	    strmap_len(&q->le->keys) == 0)
		return (0);
	if ((sc = support_col(t)) < 0)
		return (-ENOMEM);
	for (int c = 0; c < t->ncols && nk < 32; c++)
		if (t->cols[c].key)
			keys[nk++] = c;
	for (size_t r = 0; r < t->nrows; r++) {
		struct value *row = table_row(t, r);
		size_t n = key_text(row, keys, nk, buf, sizeof(buf));

		if (strmap_get(&q->le->keys, buf, n, &one))
			row[sc] = (struct value){ V_INT, DISCLOSE_TAINT, NULL };
	}
	return (0);
}

void
disclose_done(struct qctx *q)
{
	if (q->le == NULL)
		return;
	strmap_free(&q->le->keys);
	free(q->le);
	q->le = NULL;
}

static int
small(int64_t s, int64_t k)
{
	return (s == DISCLOSE_TAINT || (s > 0 && s < k));
}

int
disclose_suppress(struct qctx *q, struct table *t)
{
	int64_t k = q->lim->suppress_k, sum = 0;
	int sc, any = 0;
	char *mark;

	if (q->le && q->le->all) {
		if ((sc = support_col(t)) < 0)
			return (-ENOMEM);
		for (size_t r = 0; r < t->nrows; r++)
			table_row(t, r)[sc].i = DISCLOSE_TAINT;
	}
	if ((sc = table_hidden_col(t, DISCLOSE_SUPPORT)) < 0)
		return (0);
	if ((mark = calloc(t->nrows + 1, 1)) == NULL)
		return (-ENOMEM);
	for (size_t r = 0; r < t->nrows; r++) {
		int64_t s = table_row(t, r)[sc].i;

		if (small(s, k)) {
			mark[r] = 1;
			any = 1;
			sum += s > 0 ? s : 0;
		}
	}
	/* Complementary suppression, smallest first; a tainted row counts
	 * as no one, which errs on the side of suppressing more. */
	while (any && sum < k) {
		size_t best = t->nrows;

		for (size_t r = 0; r < t->nrows; r++) {
			int64_t s = table_row(t, r)[sc].i;

			if (!mark[r] && s > 0 && (best == t->nrows ||
			    s < table_row(t, best)[sc].i))
				best = r;
		}
		if (best == t->nrows)
			break;
		mark[best] = 1;
		sum += table_row(t, best)[sc].i;
	}
	for (size_t r = 0; r < t->nrows; r++) {
		struct value *row = table_row(t, r);

		if (!mark[r])
			continue;
		for (int c = 0; c < t->ncols; c++) {
			if (t->cols[c].hidden ||
			    (t->cols[c].key && !t->cols[c].person))
				continue;
			row[c] = (struct value){ V_NULL, 0, NULL };
			t->suppressed++;
		}
	}
	free(mark);
	return (0);
}
