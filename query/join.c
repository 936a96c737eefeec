/*
 * join.c — `join KIND on person|place|service`: an inner join of the rows
 * so far with the live records of another kind.
 *
 * Each row is paired with every record of KIND that has the same key, so
 * rows multiply where a key repeats on both sides, as in SQL.  The other
 * kind's columns come after the row's own, named KIND.field as the query
 * wrote KIND (activity.cost), so their origin is never in doubt.  A service is `service` in spend and
 * activity records and `name` in the service map.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "join.h"
#include "strmap.h"
#include "verb.h"

static const char *
key_field(kind_t kind, const char *on)
{
	if (strcmp(on, "service") == 0 && kind == KIND_SERVICE)
		return ("name");
	return (on);
}

static int
key_col(const struct table *t, kind_t kind, const char *on)
{
	int c = verb_col(t, key_field(kind, on));

	return (c >= 0 && t->cols[c].type == V_STR ? c : -1);
}

struct table *
join_rows(struct qctx *q, const struct stage *st, const struct table *in,
    kind_t lkind)
{
	struct table *right = NULL, *out = NULL;
	strmap_t first;			/* key → first right row + 1 */
	size_t *next = NULL;		/* right row → next with that key */
	int rkind, lc, rc, ncols, said = 0, ro = -1;
	char name[128];

	strmap_init(&first);
	if ((rkind = schema_kind_find(st->join_kind)) < 0) {
		q_error(q, st->off, st->len, "unknown source \"%s\" to join",
		    st->join_kind);
		return (NULL);
	}
	if ((lc = key_col(in, lkind, st->join_on)) < 0) {
		q_error(q, st->off, st->len, "the rows so far have no %s "
		    "column to join on", key_field(lkind, st->join_on));
		return (NULL);
	}
	if ((right = verb_scan(q, (kind_t)rkind)) == NULL)
		return (NULL);		/* verb_scan said why */
	if ((rc = key_col(right, (kind_t)rkind, st->join_on)) < 0) {
		q_error(q, st->off, st->len, "%s records have no %s column to "
		    "join on", st->join_kind, key_field((kind_t)rkind,
		    st->join_on));
		said = 1;
		goto fail;
	}
	/* Chain the right rows by key, keeping their order. */
	if ((next = calloc(right->nrows + 1, sizeof(*next))) == NULL)
		goto fail;
	for (size_t r = right->nrows; r-- > 0;) {
		const struct value *v = &table_row(right, r)[rc];
		uint32_t head = 0;

		if (v->t != V_STR || v->s == NULL)
			continue;
		if (strmap_get(&first, v->s, strlen(v->s), &head))
			next[r] = head;
		if (r + 1 > UINT32_MAX ||
		    strmap_put(&first, v->s, strlen(v->s), (uint32_t)r + 1))
			goto fail;
	}
	ncols = in->ncols + right->ncols;
	if ((out = table_new(ncols)) == NULL)
		goto fail;
	for (int c = 0; c < in->ncols; c++)
		table_copy_col(out, c, in, c);
	for (int c = 0; c < right->ncols; c++) {
		snprintf(name, sizeof(name), "%s.%s", st->join_kind,
		    right->cols[c].name);
		table_copy_col(out, in->ncols + c, right, c);
		table_set_col(out, in->ncols + c, name, right->cols[c].type);
	}
	/* An analyst's record-level rows, joined ones too, are their own
	 * org's. */
	if (q->record && q->lim && q->lim->own_org)
		ro = verb_col(right, "org");
	for (size_t l = 0; l < in->nrows; l++) {
		const struct value *lv = table_row(in, l);
		uint32_t r;

		if (lv[lc].t != V_STR || lv[lc].s == NULL ||
		    !strmap_get(&first, lv[lc].s, strlen(lv[lc].s), &r))
			continue;
		for (; r != 0; r = (uint32_t)next[r - 1]) {
			const struct value *rv = table_row(right, r - 1);
			struct value *o;

			if (ro >= 0 && (rv[ro].t != V_STR || strcmp(rv[ro].s,
			    q->lim->own_org) != 0))
				continue;
			if ((o = table_add_row(out)) == NULL)
				goto fail;
			memcpy(o, lv, sizeof(*o) * (size_t)in->ncols);
			memcpy(o + in->ncols, table_row(right, r - 1),
			    sizeof(*o) * (size_t)right->ncols);
		}
	}
	/* The right side's strings live in the query's arena, not in right. */
	table_free(right);
	free(next);
	strmap_free(&first);
	return (out);
fail:
	if (!said)
		q_error(q, st->off, st->len, "join: out of memory");
	table_free(out);
	table_free(right);
	free(next);
	strmap_free(&first);
	return (NULL);
}
