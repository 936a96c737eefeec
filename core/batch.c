/* batch.c — one atomic batch: loading → live, segment by segment. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>
#include <jansson.h>

#include "batch.h"
#include "log.h"
#include "strmap.h"
#include "value.h"

/* Past this many distinct strings in one column the cache starts over, so
 * a file of ten million distinct persons still loads in bounded memory. */
#define CACHE_MAX	(1u << 20)

struct batch_w {
	store_t		*st;
	MDB_txn		*txn;
	kind_t		kind;
	int		ncols;
	struct batch_info info;
	struct batch_opts opts;
	crypto_generichash_state hs;
	void		*col[SCHEMA_MAXCOLS];
	size_t		width[SCHEMA_MAXCOLS];
	ftype_t		type[SCHEMA_MAXCOLS];
	strmap_t	cache[SCHEMA_MAXCOLS];
	uint32_t	set;		/* columns set in the current row */
	uint32_t	n;		/* rows in the current segment */
};

static int
pid_alive(int32_t pid)
{
	return (pid > 0 && (kill(pid, 0) == 0 || errno != ESRCH));
}

int
batch_reap(store_t *st, MDB_txn *txn)
{
	struct batch_info *list;
	size_t n;
	int rc;

	if ((rc = store_batch_list(st, txn, &list, &n)) != 0)
		return (rc);
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct batch_info *b = &list[i];

		if (b->state != BATCH_LOADING || pid_alive(b->pid))
			continue;
		log_info("store", "batch %u (%s) was left loading by process "
		    "%d, which is gone: removing it", b->id, b->source,
		    b->pid);
		if ((rc = store_seg_drop(st, txn, b->kind, b->id)) != 0)
			break;
		b->state = BATCH_ABORTED;
		b->rows = 0;
		b->nsegs = 0;
		rc = store_batch_put(st, txn, b);
	}
	free(list);
	return (rc);
}

static void
batch_free(batch_t *b)
{
	store_txn_abort(b->txn);
	for (int c = 0; c < b->ncols; c++) {
		free(b->col[c]);
		strmap_free(&b->cache[c]);
	}
	free(b);
}

int
batch_begin(store_t *st, kind_t kind, const struct batch_opts *o,
    batch_t **out, char *err, size_t errsz)
{
	batch_t *b;
	int rc;

	if ((b = calloc(1, sizeof(*b))) == NULL)
		return (-ENOMEM);
	b->st = st;
	b->kind = kind;
	b->opts = *o;
	b->ncols = schema_ncols(kind);
	for (int c = 0; c < b->ncols; c++) {
		b->type[c] = schema_coltype(kind, c);
		b->width[c] = schema_width(b->type[c]);
		b->col[c] = malloc(b->width[c] * STORE_SEGROWS);
		strmap_init(&b->cache[c]);
		if (b->col[c] == NULL) {
			b->ncols = c + 1;
			batch_free(b);
			return (-ENOMEM);
		}
	}
	crypto_generichash_init(&b->hs, NULL, 0, sizeof(b->info.hash));
	b->info.kind = kind;
	b->info.state = BATCH_LOADING;
	b->info.pid = (int32_t)getpid();
	b->info.loaded_at = (int64_t)time(NULL);
	snprintf(b->info.source, sizeof(b->info.source), "%s", o->source);

	if ((rc = store_txn_begin(st, 0, &b->txn)) != 0) {
		b->txn = NULL;
		goto fail;
	}
	if ((rc = batch_reap(st, b->txn)) != 0 ||
	    (rc = store_batch_new_id(st, b->txn, &b->info.id)) != 0 ||
	    (rc = store_batch_put(st, b->txn, &b->info)) != 0) {
		/* A live write txn would lock out every other writer. */
		store_txn_abort(b->txn);
		b->txn = NULL;
		goto fail;
	}
	rc = store_txn_commit(b->txn);
	b->txn = NULL;		/* commit frees it, failed or not */
	if (rc != 0)
		goto fail;
	if ((rc = store_txn_begin(st, 0, &b->txn)) != 0) {
		b->txn = NULL;
		snprintf(err, errsz, "cannot start a batch: %s",
		    store_strerror(rc));
		batch_abort(b);
		return (rc);
	}
	*out = b;
	return (0);
fail:
	snprintf(err, errsz, "cannot start a batch: %s", store_strerror(rc));
	batch_free(b);
	return (rc);
}

void
batch_hash(batch_t *b, const void *data, size_t n)
{
	crypto_generichash_update(&b->hs, data, n);
}

int
batch_str(batch_t *b, int col, const char *s, size_t n)
{
	uint32_t id = 0;
	int rc;

	if (n > 0 && !strmap_get(&b->cache[col], s, n, &id)) {
		rc = store_dict_intern(b->st, b->txn,
		    schema_colname(b->kind, col), s, n, &id);
		if (rc)
			return (rc);
		if (strmap_len(&b->cache[col]) >= CACHE_MAX)
			strmap_clear(&b->cache[col]);
		if (strmap_put(&b->cache[col], s, n, id) != 0)
			return (-ENOMEM);
	}
	((uint32_t *)b->col[col])[b->n] = id;
	b->set |= 1u << col;
	return (0);
}

void
batch_id(batch_t *b, int col, uint32_t id)
{
	((uint32_t *)b->col[col])[b->n] = id;
	b->set |= 1u << col;
}

void
batch_i64(batch_t *b, int col, int64_t v)
{
	((int64_t *)b->col[col])[b->n] = v;
	b->set |= 1u << col;
}

void
batch_i32(batch_t *b, int col, int32_t v)
{
	((int32_t *)b->col[col])[b->n] = v;
	b->set |= 1u << col;
}

/* Min and max of a column's non-null values, for its zone map. */
static int
zone(const batch_t *b, int c, int64_t *min, int64_t *max)
{
	*min = INT64_MAX;
	*max = INT64_MIN;
	if (b->type[c] == FT_MONEY || b->type[c] == FT_NUM) {
		const int64_t *v = b->col[c];

		for (uint32_t i = 0; i < b->n; i++)
			if (v[i] != MONEY_NULL) {
				*min = v[i] < *min ? v[i] : *min;
				*max = v[i] > *max ? v[i] : *max;
			}
		return (1);
	}
	if (b->type[c] == FT_DATE) {
		const int32_t *v = b->col[c];

		for (uint32_t i = 0; i < b->n; i++)
			if (v[i] != DATE_NULL) {
				*min = v[i] < *min ? v[i] : *min;
				*max = v[i] > *max ? v[i] : *max;
			}
		return (1);
	}
	return (0);
}

/* Write the current segment of every column and commit it. */
static int
flush(batch_t *b)
{
	int64_t min, max;
	int rc = 0;

	if (b->n == 0)
		return (0);
	for (int c = 0; c < b->ncols && rc == 0; c++) {
		rc = store_seg_put(b->st, b->txn, b->kind, b->info.id, c,
		    b->info.nsegs, b->col[c], b->width[c] * b->n);
		if (rc == 0 && zone(b, c, &min, &max))
			rc = store_zone_put(b->st, b->txn, b->kind,
			    b->info.id, c, b->info.nsegs, min, max);
	}
	if (rc == 0) {
		rc = store_txn_commit(b->txn);
		b->txn = NULL;
	}
	if (rc == 0)
		rc = store_txn_begin(b->st, 0, &b->txn);
	if (rc)
		return (rc);
	b->info.nsegs++;
	b->n = 0;
	return (0);
}

int
batch_row(batch_t *b, uint32_t line)
{
	for (int c = 0; c < b->ncols; c++) {
		if (b->set & (1u << c))
			continue;
		switch (b->type[c]) {
		case FT_MONEY:
		case FT_NUM:
			((int64_t *)b->col[c])[b->n] = MONEY_NULL;
			break;
		case FT_DATE:
			((int32_t *)b->col[c])[b->n] = DATE_NULL;
			break;
		case FT_LINE:
			((uint32_t *)b->col[c])[b->n] = line;
			break;
		default:
			((uint32_t *)b->col[c])[b->n] = 0;
		}
	}
	b->set = 0;
	b->info.rows++;
	if (++b->n == STORE_SEGROWS)
		return (flush(b));
	return (0);
}

void
batch_rejected(batch_t *b, uint64_t n)
{
	b->info.rejected += n;
}

uint64_t
batch_rows(const batch_t *b)
{
	return (b->info.rows);
}

/* A live batch of the same kind with the same content hash. */
static uint32_t
same_content(const struct batch_info *list, size_t n, const batch_t *b)
{
	for (size_t i = 0; i < n; i++)
		if (list[i].state == BATCH_LIVE && list[i].kind == b->kind &&
		    memcmp(list[i].hash, b->info.hash, sizeof(b->info.hash))
		    == 0)
			return (list[i].id);
	return (0);
}

int
batch_find_live(store_t *st, kind_t kind, const uint8_t hash[32],
    uint32_t *id)
{
	struct batch_info *list;
	MDB_txn *txn;
	size_t n;
	int rc;

	if ((rc = store_txn_begin(st, 1, &txn)) != 0)
		return (rc);
	rc = store_batch_list(st, txn, &list, &n);
	store_txn_abort(txn);
	if (rc)
		return (rc);
	rc = -ENOENT;
	for (size_t i = 0; i < n && rc; i++)
		if (list[i].state == BATCH_LIVE && list[i].kind == kind &&
		    memcmp(list[i].hash, hash, 32) == 0) {
			*id = list[i].id;
			rc = 0;
		}
	free(list);
	return (rc);
}

/* A JSON string even for a name that is not UTF-8 (a file name can be
 * anything): the audit record must never be lost to it. */
static json_t *
jstr(const char *s)
{
	json_t *j = json_string(s ? s : "");

	return (j ? j : json_string("(not UTF-8)"));
}

static void
audit(batch_t *b, const char *what, uint32_t id)
{
	json_t *j = json_pack("{s:I,s:o,s:s,s:I,s:s,s:o,s:I,s:I}",
	    "at", (json_int_t)time(NULL), "who", jstr(b->opts.who ?
	    b->opts.who : "cli"), "what", what, "batch", (json_int_t)id,
	    "kind", schema_kind(b->kind)->name, "source",
	    jstr(b->info.source),
	    "rows", (json_int_t)b->info.rows,
	    "rejected", (json_int_t)b->info.rejected);
	char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;

	if (text)
		(void)store_audit(b->st, b->txn, text);
	free(text);
	json_decref(j);
}

int
batch_commit(batch_t *b, struct batch_result *res, char *err, size_t errsz)
{
	struct batch_info *list = NULL;
	size_t n = 0;
	int rc;

	memset(res, 0, sizeof(*res));
	crypto_generichash_final(&b->hs, b->info.hash, sizeof(b->info.hash));
	if (b->opts.hash)
		memcpy(b->info.hash, b->opts.hash, sizeof(b->info.hash));
	if ((rc = flush(b)) != 0 ||
	    (rc = store_batch_list(b->st, b->txn, &list, &n)) != 0)
		goto fail;
	res->id = b->info.id;
	res->rows = b->info.rows;
	res->rejected = b->info.rejected;
	if (b->opts.supersedes == 0 &&
	    (res->same_as = same_content(list, n, b)) != 0) {
		/* The same content is live already: keep nothing of this. */
		if ((rc = store_seg_drop(b->st, b->txn, b->kind,
		    b->info.id)) != 0 ||
		    (rc = store_batch_del(b->st, b->txn, b->info.id)) != 0)
			goto fail;
	} else {
		int found = 0;

		for (size_t i = 0; (b->opts.replace || b->opts.supersedes) &&
		    i < n; i++) {
			struct batch_info *o = &list[i];

			if (o->state != BATCH_LIVE || o->kind != b->kind ||
			    (b->opts.supersedes ? o->id != b->opts.supersedes :
			    strcmp(o->source, b->info.source) != 0))
				continue;
			found = 1;
			o->state = BATCH_RETIRED;
			o->retired_at = (int64_t)time(NULL);
			if ((rc = store_batch_put(b->st, b->txn, o)) != 0)
				goto fail;
			if (res->nretired < 8)
				res->retired[res->nretired++] = o->id;
			audit(b, "retire", o->id);
		}
		if (b->opts.supersedes && !found) {
			rc = -ESTALE;
			goto fail;
		}
		b->info.state = BATCH_LIVE;
		b->info.pid = 0;
		if ((rc = store_batch_put(b->st, b->txn, &b->info)) != 0 ||
		    (rc = store_version_bump(b->st, b->txn)) != 0)
			goto fail;
		audit(b, b->opts.supersedes ? "reclassify" : "load",
		    b->info.id);
	}
	/* The version this commit makes (or finds, for a no-op). */
	res->data_version = store_txn_version(b->st, b->txn);
	rc = store_txn_commit(b->txn);
	b->txn = NULL;
	if (rc)
		goto fail;
	free(list);
	batch_free(b);
	return (0);
fail:
	snprintf(err, errsz, "batch %u: cannot commit: %s", b->info.id,
	    store_strerror(rc));
	free(list);
	batch_abort(b);
	return (rc);
}

void
batch_abort(batch_t *b)
{
	MDB_txn *txn;

	store_txn_abort(b->txn);
	b->txn = NULL;
	/* Segments already committed go with the loading record. */
	if (store_txn_begin(b->st, 0, &txn) == 0) {
		if (store_seg_drop(b->st, txn, b->kind, b->info.id) == 0 &&
		    store_batch_del(b->st, txn, b->info.id) == 0)
			(void)store_txn_commit(txn);
		else
			store_txn_abort(txn);
	}
	batch_free(b);
}

int
batch_retire(store_t *st, uint32_t id, const char *who, char *err,
    size_t errsz)
{
	struct batch_info bi;
	MDB_txn *txn;
	char *text = NULL;
	json_t *j;
	int rc;

	if ((rc = store_txn_begin(st, 0, &txn)) != 0) {
		snprintf(err, errsz, "%s", store_strerror(rc));
		return (rc);
	}
	if ((rc = store_batch_get(st, txn, id, &bi)) != 0) {
		snprintf(err, errsz, "no batch %u", id);
		goto out;
	}
	if (bi.state != BATCH_LIVE) {
		snprintf(err, errsz, "batch %u is %s, not live", id,
		    batch_state_name(bi.state));
		rc = -EINVAL;
		goto out;
	}
	bi.state = BATCH_RETIRED;
	bi.retired_at = (int64_t)time(NULL);
	j = json_pack("{s:I,s:o,s:s,s:I,s:o}", "at",
	    (json_int_t)bi.retired_at, "who", jstr(who ? who : "cli"),
	    "what", "retire", "batch", (json_int_t)id, "source",
	    jstr(bi.source));
	text = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	if ((rc = store_batch_put(st, txn, &bi)) != 0 ||
	    (rc = store_version_bump(st, txn)) != 0 ||
	    (rc = text ? store_audit(st, txn, text) : -ENOMEM) != 0) {
		snprintf(err, errsz, "%s", store_strerror(rc));
		goto out;
	}
	rc = store_txn_commit(txn);
	if (rc)
		snprintf(err, errsz, "%s", store_strerror(rc));
	free(text);
	return (rc);
out:
	store_txn_abort(txn);
	free(text);
	return (rc);
}
