/*
 * verb_trend.c — trend by month|quarter|fy [, F]: value and volume per
 * period, and each change split into a volume part and a unit-cost part.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "value.h"
#include "verb.h"
#include "verb_util.h"

struct item {
	const struct value *row;
	int64_t		period;
	size_t		n;
};

/* arg: F's column, or -1. */
static int
by_group_period(const void *a, const void *b, void *arg)
{
	const struct item *x = a, *y = b;
	int cf = *(const int *)arg, r;

	if (cf >= 0 && (r = value_cmp(&x->row[cf], &y->row[cf])))
		return (r);
	if (x->period != y->period)
		return (x->period < y->period ? -1 : 1);
	return ((x->n > y->n) - (x->n < y->n));
}

int64_t
verb_period_of(enum vtype pt, int32_t days)
{
	int y, m, d, fy = date_fy(days);

	date_to_ymd(days, &y, &m, &d);
	if (pt == V_MONTH)
		return ((int64_t)y * 12 + m - 1);
	if (pt == V_QUARTER)
		return ((int64_t)fy * 4 + (m + 8) % 12 / 3);
	return (fy);
}

/* The previous period of the same group, once there is one. */
struct prev {
	int		have;
	__int128	value;
	int64_t		volume, unit;
};

static int
emit(struct table *t, const struct value *f, int64_t period,
    enum vtype pt, enum vtype vt, __int128 value, int64_t volume,
    struct prev *p)
{
	struct value *o = table_add_row(t);
	int k = 0;
	__int128 change, veff;

	if (o == NULL)
		return (-1);
	o[k++] = (struct value){ pt, period, NULL };
	if (f)
		o[k++] = *f;
	o[k++] = verb_fit(vt, value);
	o[k++] = (struct value){ V_INT, volume, NULL };
	if (volume)
		o[k] = (struct value){ vt, verb_rdiv(value, volume), NULL };
	k++;
	if (p->have) {
		change = value - p->value;
		/* From nothing, all of the change is volume. */
		veff = p->volume ? (__int128)(volume - p->volume) * p->unit :
		    change;
		o[k] = verb_fit(vt, change);
		if (p->value != 0)
			o[k + 1] = (struct value){ V_PCT, verb_rdiv(change *
			    100 * NUM_SCALE, p->value), NULL };
		o[k + 2] = verb_fit(vt, veff);
		o[k + 3] = (struct value){ vt, (int64_t)(change - veff),
		    NULL };
	}
	p->have = 1;
	p->value = value;
	p->volume = volume;
	p->unit = volume ? verb_rdiv(value, volume) : 0;
	return (0);
}

struct table *
verb_trend(struct qctx *q, const struct stage *st, const struct table *in)
{
	static const char *const names[] = { "value", "volume", "unit",
	    "change", "change_pct", "volume_effect", "unit_effect" };
	const struct verb *v = &st->verb;
	struct item *it = NULL;
	struct table *t = NULL;
	struct value f;
	enum vtype pt, vt;
	size_t n = 0;
	char after[64];
	int cd, cv, ct, cf = -1, k = 0;

	if ((cd = verb_col(in, "date")) < 0)
		cd = verb_col(in, "period_start");
	if (cd < 0 || in->cols[cd].type != V_DATE) {
		q_error(q, st->off, st->len, "trend needs a date column: it "
		    "reads spend or activity (date) or outcome "
		    "(period_start)");
		return (NULL);
	}
	/* Outcomes have no money: their trend is of the indicator value. */
	if ((cv = verb_money_col(in)) < 0 &&
	    ((cv = verb_col(in, "value")) < 0 || in->cols[cv].type != V_NUM)) {
		q_error(q, st->off, st->len, "trend needs an amount, cost or "
		    "value column: it reads spend, activity or outcome");
		return (NULL);
	}
	vt = in->cols[cv].type;
	ct = verb_transfer_col(st, in);
	if (v->nby > 0) {
		snprintf(after, sizeof(after), "\"trend by %s,\"", v->mode);
		if ((cf = verb_field(q, in, v->by[0], after)) < 0)
			return (NULL);
	}
	pt = strcmp(v->mode, "month") == 0 ? V_MONTH :
	    strcmp(v->mode, "quarter") == 0 ? V_QUARTER : V_FY;
	if ((it = malloc((in->nrows + 1) * sizeof(*it))) == NULL ||
	    (t = table_new(cf >= 0 ? 9 : 8)) == NULL)
		goto fail;
	table_set_col(t, k++, "period", pt);
	if (cf >= 0)
		table_set_col(t, k++, in->cols[cf].name, in->cols[cf].type);
	for (int i = 0; i < 7; i++)
		table_set_col(t, k++, names[i], i == 1 ? V_INT :
		    i == 4 ? V_PCT : vt);
	/* Undated rows have no period, and rows without F no group: both
	 * are left out. */
	for (size_t r = 0; r < in->nrows; r++) {
		const struct value *row = table_row(in, r);

		if (row[cd].t == V_NULL || (cf >= 0 && row[cf].t == V_NULL) ||
		    verb_is_transfer(row, ct))
			continue;
		it[n] = (struct item){ row, verb_period_of(pt, (int32_t)row[cd].i),
		    n };
		n++;
	}
	qsort_r(it, n, sizeof(*it), by_group_period, &cf);
	for (size_t i = 0, j; i < n; i = j) {
		struct prev p = { 0 };
		int64_t per = it[i].period;

		if (cf >= 0) {
			f = it[i].row[cf];
			if (f.t == V_STR && (f.s = table_strdup(q->strings,
			    f.s, strlen(f.s))) == NULL)
				goto fail;
		}
		/* Every period from the group's first to its last, empty
		 * ones too. */
		for (j = i; j < n && (cf < 0 ||
		    value_cmp(&it[j].row[cf], &f) == 0); per++) {
			__int128 value = 0;
			int64_t volume = 0;

			for (; j < n && it[j].period == per && (cf < 0 ||
			    value_cmp(&it[j].row[cf], &f) == 0); j++) {
				volume++;
				if (it[j].row[cv].t != V_NULL)
					value += it[j].row[cv].i;
			}
			if (emit(t, cf >= 0 ? &f : NULL, per, pt, vt, value,
			    volume, &p) != 0)
				goto fail;
		}
	}
	free(it);
	return (t);
fail:
	q_error(q, st->off, st->len, "trend: out of memory");
	free(it);
	table_free(t);
	return (NULL);
}
