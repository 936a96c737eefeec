/* reclassify.c — live batches classified again and swapped in whole. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "classify.h"
#include "partners.h"
#include "plugin.h"
#include "reclassify.h"
#include "scan.h"
#include "value.h"

#define TEXTMAX		1024	/* a derived field's new text */

struct rc_state {
	store_t		*st;
	MDB_txn		*rtxn;
	const struct reclass_opts *o;
	struct reclass_result *res;
	struct classify	*cls;
	kind_t		kind;
	const struct kind_def *kd;
	int		shares_col, by_col;
	int		org_col, sup_col, tr_col, trto_col;
	struct partners	*parts;		/* transfers redone; NULL: not */
	uint8_t		hash[32];	/* the content hash of the batch read */
	struct reclass_batch *cur;	/* the batch being read */
	batch_t		*b;		/* its replacement, being written */
	int		rc;
	char		*err;
	size_t		errsz;
};

/* The "FIELD: ..." part of a shares or classified_by value, or none. */
static int
part(const char *s, size_t n, const char *field, const char **p,
    size_t *pl)
{
	size_t fl = strlen(field);

	for (size_t i = 0; i < n; ) {
		size_t end = i;

		while (end < n && s[end] != ';')
			end++;
		if (end - i > fl && memcmp(s + i, field, fl) == 0 &&
		    s[i + fl] == ':') {
			*p = s + i;
			*pl = end - i;
			return (1);
		}
		i = end + 1;
		while (i < n && s[i] == ' ')
			i++;
	}
	return (0);
}

/*
 * The new value of a derived field (shares or classified_by): for each
 * class field in kind order, its part from the new text when this run
 * fills that field, else from the old.
 */
static size_t
merge(struct rc_state *S, const char *old, size_t on, const char *nw,
    size_t nn, char *out, size_t osz)
{
	size_t o = 0;

	for (int f = 0; f < S->kd->nfields; f++) {
		const char *name = S->kd->fields[f].name, *p;
		size_t pl;
		int has = classify_fills(S->cls, f) ?
		    part(nw, nn, name, &p, &pl) : part(old, on, name, &p, &pl);

		if (!has || o + pl + 2 >= osz)
			continue;
		if (o > 0) {
			memcpy(out + o, "; ", 2);
			o += 2;
		}
		memcpy(out + o, p, pl);
		o += pl;
	}
	return (o);
}

static int
end_batch(struct rc_state *S)
{
	struct batch_result br;
	int rc = 0;

	if (S->b == NULL)
		return (0);
	if (S->cur->changed == 0) {
		batch_abort(S->b);
	} else if ((rc = batch_commit(S->b, &br, S->err, S->errsz)) == 0) {
		S->cur->new_id = br.id;
		S->res->data_version = br.data_version;
	} else if (rc == -ESTALE) {
		snprintf(S->err, S->errsz, "batch %u (%s) was retired while "
		    "it was being reclassified: run reclassify again",
		    S->cur->id, S->cur->source);
	}
	S->b = NULL;
	return (rc);
}

static int
begin_batch(struct rc_state *S, const struct batch_info *bi)
{
	struct reclass_batch *nv;
	struct batch_opts bo = { 0 };
	int rc;

	if ((rc = end_batch(S)) != 0)
		return (rc);
	if ((nv = realloc(S->res->v, (S->res->n + 1) * sizeof(*nv))) == NULL)
		return (-ENOMEM);
	S->res->v = nv;
	S->cur = &nv[S->res->n++];
	memset(S->cur, 0, sizeof(*S->cur));
	S->cur->id = bi->id;
	S->cur->kind = bi->kind;
	snprintf(S->cur->source, sizeof(S->cur->source), "%s", bi->source);
	if (S->o->dry_run)
		return (0);
	bo.source = bi->source;
	bo.who = S->o->who;
	bo.supersedes = bi->id;
	/* The batch list the scan read goes before the commit: keep the
	 * hash here. */
	memcpy(S->hash, bi->hash, sizeof(S->hash));
	bo.hash = S->hash;
	return (batch_begin(S->st, S->kind, &bo, &S->b, S->err, S->errsz));
}

static int
one_row(struct rc_state *S, const struct scan_seg *seg, uint32_t i)
{
	const struct kind_def *kd = S->kd;
	const char *tv[SCHEMA_MAXCOLS], *ov[SCHEMA_MAXCOLS] = { NULL };
	size_t tl[SCHEMA_MAXCOLS], ol[SCHEMA_MAXCOLS] = { 0 };
	char num[SCHEMA_MAXCOLS][32], why[512];
	char shares[TEXTMAX], by[TEXTMAX];
	const char *byv = "";
	size_t byn = 0, sn, bn;
	uint32_t line;
	struct class_out co;
	int changed = 0, rc;

	for (int c = 0; c < kd->nfields; c++) {
		tv[c] = ov[c] = NULL;
		tl[c] = ol[c] = 0;
		switch (kd->fields[c].type) {
		case FT_STR:
			if ((rc = store_dict_str(S->st, S->rtxn,
			    kd->fields[c].name,
			    ((const uint32_t *)seg->col[c])[i], &ov[c],
			    &ol[c])) != 0)
				return (rc);
			break;
		case FT_MONEY:
		case FT_NUM: {
			int64_t v = ((const int64_t *)seg->col[c])[i];

			if (v != MONEY_NULL) {
				ov[c] = num[c];
				ol[c] = kd->fields[c].type == FT_MONEY ?
				    value_money_format(v, num[c]) :
				    value_num_format(v, num[c]);
			}
			break;
		}
		case FT_DATE: {
			int32_t v = ((const int32_t *)seg->col[c])[i];

			if (v != DATE_NULL) {
				ov[c] = num[c];
				ol[c] = value_date_format(v, num[c]);
			}
			break;
		}
		default:
			break;	/* persons are never passed to plugins */
		}
		tv[c] = ov[c];
		tl[c] = ol[c];
	}
	if (S->by_col >= 0) {
		byv = ov[S->by_col];
		byn = ol[S->by_col];
	}
	/* What classification filled is filled afresh; given codes stay. */
	for (int c = 0; c < kd->nfields; c++)
		if (classify_fills(S->cls, c) && ol[c] > 0 &&
		    !classify_given(byv, byn, kd->fields[c].name))
			tv[c] = NULL;
	line = ((const uint32_t *)seg->col[kd->nfields])[i];
	if (classify_record(S->cls, tv, tl, line, &co, why,
	    sizeof(why)) != 0) {
		/* A stored row is never lost to a plugin's new mind: it is
		 * copied as it is. */
		if (S->cur->refused++ == 0)
			snprintf(S->cur->first_refusal,
			    sizeof(S->cur->first_refusal), "line %u: %s",
			    line, why);
		memset(&co, 0, sizeof(co));
		goto write;
	}
	for (int c = 0; c < kd->nfields; c++) {
		if (!classify_fills(S->cls, c))
			continue;
		if (co.val[c] == NULL) {
			co.val[c] = tv[c] ? tv[c] : "";
			co.len[c] = tv[c] ? tl[c] : 0;
		}
	}
	if (S->shares_col >= 0) {
		sn = merge(S, ov[S->shares_col], ol[S->shares_col],
		    co.val[S->shares_col] ? co.val[S->shares_col] : "",
		    co.len[S->shares_col], shares, sizeof(shares));
		co.val[S->shares_col] = shares;
		co.len[S->shares_col] = sn;
	}
	if (S->by_col >= 0) {
		bn = merge(S, byv, byn, co.val[S->by_col] ? co.val[S->by_col] :
		    "", co.len[S->by_col], by, sizeof(by));
		co.val[S->by_col] = by;
		co.len[S->by_col] = bn;
	}
	if (S->parts) {
		const struct partner *to = partners_transfer(S->parts,
		    ov[S->org_col] ? ov[S->org_col] : "", ol[S->org_col],
		    ov[S->sup_col] ? ov[S->sup_col] : "", ol[S->sup_col]);

		co.val[S->tr_col] = to ? "yes" : "";
		co.len[S->tr_col] = to ? 3 : 0;
		co.val[S->trto_col] = to ? to->id : "";
		co.len[S->trto_col] = to ? strlen(to->id) : 0;
	}
	for (int c = 0; c < kd->nfields; c++)
		if (co.val[c] && (co.len[c] != ol[c] ||
		    memcmp(co.val[c], ov[c] ? ov[c] : "", ol[c]) != 0))
			changed = 1;
	S->cur->changed += (uint64_t)changed;
write:
	S->cur->rows++;
	if (S->b == NULL)
		return (0);
	for (int c = 0; c < kd->nfields; c++) {
		switch (kd->fields[c].type) {
		case FT_MONEY:
		case FT_NUM:
			batch_i64(S->b, c, ((const int64_t *)seg->col[c])[i]);
			break;
		case FT_DATE:
			batch_i32(S->b, c, ((const int32_t *)seg->col[c])[i]);
			break;
		default:
			if (co.val[c] == NULL)
				batch_id(S->b, c,
				    ((const uint32_t *)seg->col[c])[i]);
			else if ((rc = batch_str(S->b, c, co.val[c],
			    co.len[c])) != 0)
				return (rc);
		}
	}
	return (batch_row(S->b, line));
}

static int
one_seg(void *arg, const struct scan_seg *seg)
{
	struct rc_state *S = arg;
	int rc;

	if ((S->cur == NULL || S->cur->id != seg->batch->id) &&
	    (rc = begin_batch(S, seg->batch)) != 0)
		return (rc);
	for (uint32_t i = 0; i < seg->nrows; i++)
		if ((rc = one_row(S, seg, i)) != 0)
			return (rc);
	return (0);
}

static int
one_kind(struct rc_state *S, kind_t kind)
{
	int rc;

	S->kind = kind;
	S->kd = schema_kind(kind);
	S->cur = NULL;
	S->shares_col = schema_field_find(kind, "shares", 6);
	S->by_col = schema_field_find(kind, "classified_by", 13);
	S->org_col = schema_field_find(kind, "org", 3);
	S->sup_col = schema_field_find(kind, "supplier", 8);
	S->tr_col = schema_field_find(kind, "transfer", 8);
	S->trto_col = schema_field_find(kind, "transfer_to", 11);
	S->parts = NULL;
	if ((rc = classify_open(S->o->plugins, S->o->rules, kind, &S->cls,
	    S->err, S->errsz)) != 0)
		return (rc);
	/* A whole reclassify (no --scheme) redoes transfers too, from the
	 * partner files as they are now. */
	if (S->o->partners && !S->o->scheme && S->tr_col >= 0 &&
	    S->org_col >= 0 && S->sup_col >= 0) {
		if ((rc = partners_load_dir(S->o->partners, &S->parts, S->err,
		    S->errsz)) != 0) {
			classify_free(S->cls);
			return (rc);
		}
		if (partners_count(S->parts) == 0) {
			partners_free(S->parts);
			S->parts = NULL;
		}
	}
	if ((S->o->scheme && classify_scope(S->cls, S->o->scheme) == 0) ||
	    (!classify_any(S->cls) && S->parts == NULL)) {
		classify_free(S->cls);
		return (0);	/* nothing of this kind to redo */
	}
	if ((rc = store_txn_begin(S->st, 1, &S->rtxn)) == 0) {
		rc = scan_kind(S->st, S->rtxn, kind, one_seg, S);
		if (rc == 0)
			rc = end_batch(S);
		else if (S->b) {
			batch_abort(S->b);
			S->b = NULL;
		}
		store_txn_abort(S->rtxn);
	}
	classify_free(S->cls);
	partners_free(S->parts);
	S->parts = NULL;
	return (rc);
}

int
reclassify(store_t *st, const struct reclass_opts *o,
    struct reclass_result *res, char *err, size_t errsz)
{
	struct rc_state S = { 0 };
	int rc = 0, fills = 0;

	memset(res, 0, sizeof(*res));
	err[0] = '\0';
	if (o->scheme) {
		const struct plugin_scheme *ps = plugins_scheme(o->plugins,
		    o->scheme);

		if (ps == NULL) {
			snprintf(err, errsz, "no scheme \"%s\" is registered "
			    "(placed check lists them)", o->scheme);
			return (-ENOENT);
		}
		for (int k = 0; k < KIND_MAX; k++) {
			const struct kind_def *kd = schema_kind((kind_t)k);

			for (int f = 0; f < kd->nfields && ps->s.field; f++)
				fills |= strcmp(kd->fields[f].name,
				    ps->s.field) == 0;
		}
		if (!fills) {
			snprintf(err, errsz, "scheme \"%s\" fills no field "
			    "(is it the active one?)", o->scheme);
			return (-EINVAL);
		}
	}
	S.st = st;
	S.o = o;
	S.res = res;
	S.err = err;
	S.errsz = errsz;
	for (int k = 0; k < KIND_MAX && rc == 0; k++)
		if (o->kind < 0 || o->kind == k)
			rc = one_kind(&S, (kind_t)k);
	if (rc != 0 && err[0] == '\0')
		snprintf(err, errsz, "%s", store_strerror(rc));
	if (res->data_version == 0)
		res->data_version = store_data_version(st);
	return (rc);
}

void
reclass_result_free(struct reclass_result *res)
{
	free(res->v);
	res->v = NULL;
	res->n = 0;
}
