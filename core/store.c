/* store.c — LMDB environment, batches, segments, dictionaries, audit. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "store.h"

/* 32 GiB: room for hundreds of millions of rows (the file grows only as
 * used), and small enough for valgrind to map. */
#define STORE_MAPSIZE	((size_t)1 << 35)

struct store {
	MDB_env		*env;
	MDB_dbi		meta, dict, dictrev, seg, zone, batch, audit, geo;
	char		*dir;
};

static void
be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v;
}

static uint32_t
get_be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3]);
}

static int
mdb_rc(int rc)
{
	return (rc == MDB_NOTFOUND ? -ENOENT : rc > 0 ? -rc : rc);
}

const char *
store_strerror(int rc)
{
	if (rc == -ENOENT)
		return ("not found");
	if (rc < 0 && rc > -4096)
		return (strerror(-rc));
	return (mdb_strerror(rc));	/* LMDB's own codes are negative */
}

static int
open_dbs(store_t *st, int rdonly)
{
	static const struct { const char *name; size_t off; } dbs[] = {
		{ "meta",    offsetof(struct store, meta) },
		{ "dict",    offsetof(struct store, dict) },
		{ "dictrev", offsetof(struct store, dictrev) },
		{ "seg",     offsetof(struct store, seg) },
		{ "zone",    offsetof(struct store, zone) },
		{ "batch",   offsetof(struct store, batch) },
		{ "audit",   offsetof(struct store, audit) },
		{ "geo",     offsetof(struct store, geo) },
	};
	MDB_txn *txn;
	int rc;

	rc = mdb_txn_begin(st->env, NULL, rdonly ? MDB_RDONLY : 0, &txn);
	if (rc)
		return (mdb_rc(rc));
	for (size_t i = 0; i < sizeof(dbs) / sizeof(dbs[0]); i++) {
		rc = mdb_dbi_open(txn, dbs[i].name, rdonly ? 0 : MDB_CREATE,
		    (MDB_dbi *)((char *)st + dbs[i].off));
		if (rc) {
			mdb_txn_abort(txn);
			return (mdb_rc(rc));
		}
	}
	if (!rdonly) {
		MDB_val k = { 6, "schema" }, v;
		uint32_t ver = STORE_SCHEMA;

		if (mdb_get(txn, st->meta, &k, &v) == MDB_NOTFOUND) {
			v.mv_size = sizeof(ver);
			v.mv_data = &ver;
			rc = mdb_put(txn, st->meta, &k, &v, 0);
		}
	}
	if (rc == 0) {
		MDB_val k = { 6, "schema" }, v;
		uint32_t ver;

		rc = mdb_get(txn, st->meta, &k, &v);
		if (rc == 0) {
			memcpy(&ver, v.mv_data, sizeof(ver));
			if (ver != STORE_SCHEMA)
				rc = -EPROTO;
		}
	}
	if (rc) {
		mdb_txn_abort(txn);
		return (mdb_rc(rc));
	}
	return (mdb_rc(mdb_txn_commit(txn)));
}

int
store_open(const char *dir, int mode, store_t **out, char *err, size_t errsz)
{
	int rdonly = mode == STORE_RDONLY;
	struct stat sb;
	store_t *st;
	int rc;

	if (stat(dir, &sb) != 0) {
		if (mode != STORE_CREATE || errno != ENOENT) {
			snprintf(err, errsz, "%s: no database here (%s)", dir,
			    strerror(errno));
			return (-errno);
		}
		if (mkdir(dir, 0750) != 0) {
			snprintf(err, errsz, "%s: cannot create: %s", dir,
			    strerror(errno));
			return (-errno);
		}
	} else if (!S_ISDIR(sb.st_mode)) {
		snprintf(err, errsz, "%s: not a directory", dir);
		return (-ENOTDIR);
	}
	if ((st = calloc(1, sizeof(*st))) == NULL)
		return (-ENOMEM);
	st->dir = strdup(dir);
	if ((rc = mdb_env_create(&st->env)) != 0 ||
	    (rc = mdb_env_set_maxdbs(st->env, 16)) != 0 ||
	    (rc = mdb_env_set_mapsize(st->env, STORE_MAPSIZE)) != 0 ||
	    (rc = mdb_env_set_maxreaders(st->env, 256)) != 0 ||
	    (rc = mdb_env_open(st->env, dir,
	    MDB_NOTLS | (rdonly ? MDB_RDONLY : 0), 0640)) != 0) {
		snprintf(err, errsz, "%s: cannot open database: %s", dir,
		    mdb_strerror(rc));
		store_close(st);
		return (mdb_rc(rc));
	}
	if ((rc = open_dbs(st, rdonly)) != 0) {
		if (rc == -EPROTO)
			snprintf(err, errsz, "%s: database schema is not "
			    "version %d", dir, STORE_SCHEMA);
		else if (mode != STORE_CREATE && rc == -ENOENT)
			snprintf(err, errsz, "%s: not a placed database", dir);
		else
			snprintf(err, errsz, "%s: %s", dir,
			    store_strerror(rc));
		store_close(st);
		return (rc);
	}
	*out = st;
	return (0);
}

void
store_close(store_t *st)
{
	if (st == NULL)
		return;
	if (st->env)
		mdb_env_close(st->env);
	free(st->dir);
	free(st);
}

const char *
store_dir(const store_t *st)
{
	return (st->dir);
}

#define VERSION_KEY	"data_version"

uint64_t
store_txn_version(store_t *st, MDB_txn *txn)
{
	MDB_val k = { sizeof(VERSION_KEY) - 1, (void *)VERSION_KEY }, v;
	uint64_t dv = 0;

	if (mdb_get(txn, st->meta, &k, &v) == 0 && v.mv_size == sizeof(dv))
		memcpy(&dv, v.mv_data, sizeof(dv));
	return (dv);
}

int
store_version_bump(store_t *st, MDB_txn *txn)
{
	MDB_val k = { sizeof(VERSION_KEY) - 1, (void *)VERSION_KEY }, v;
	uint64_t dv = store_txn_version(st, txn) + 1;

	v.mv_size = sizeof(dv);
	v.mv_data = &dv;
	return (mdb_rc(mdb_put(txn, st->meta, &k, &v, 0)));
}

int
store_meta_get(store_t *st, const char *key, char *out, size_t outsz)
{
	MDB_val k = { strlen(key), (void *)key }, v;
	MDB_txn *txn;
	int rc;

	if ((rc = store_txn_begin(st, 1, &txn)) != 0)
		return (rc);
	if ((rc = mdb_get(txn, st->meta, &k, &v)) == 0) {
		size_t n = v.mv_size < outsz - 1 ? v.mv_size : outsz - 1;

		memcpy(out, v.mv_data, n);
		out[n] = '\0';
	}
	store_txn_abort(txn);
	return (mdb_rc(rc));
}

int
store_meta_put(store_t *st, const char *key, const char *val)
{
	MDB_val k = { strlen(key), (void *)key }, v = { strlen(val),
	    (void *)val };
	MDB_txn *txn;
	int rc;

	if ((rc = store_txn_begin(st, 0, &txn)) != 0)
		return (rc);
	if ((rc = mdb_rc(mdb_put(txn, st->meta, &k, &v, 0))) != 0) {
		store_txn_abort(txn);
		return (rc);
	}
	return (store_txn_commit(txn));
}

uint64_t
store_data_version(store_t *st)
{
	MDB_txn *txn;
	uint64_t dv;

	if (store_txn_begin(st, 1, &txn) != 0)
		return (0);
	dv = store_txn_version(st, txn);
	store_txn_abort(txn);
	return (dv);
}

int
store_txn_begin(store_t *st, int rdonly, MDB_txn **txn)
{
	return (mdb_rc(mdb_txn_begin(st->env, NULL, rdonly ? MDB_RDONLY : 0,
	    txn)));
}

int
store_txn_commit(MDB_txn *txn)
{
	return (mdb_rc(mdb_txn_commit(txn)));
}

void
store_txn_abort(MDB_txn *txn)
{
	if (txn)
		mdb_txn_abort(txn);
}

/* Batches ------------------------------------------------------------ */

/* On-disk batch record: fixed fields, then the source name. */
struct batch_rec {
	uint32_t	id;
	uint8_t		kind;
	uint8_t		state;
	uint16_t	srclen;
	uint64_t	rows;
	uint64_t	rejected;
	uint32_t	nsegs;
	int32_t		pid;
	int64_t		loaded_at;
	int64_t		retired_at;
	uint8_t		hash[32];
};

int
store_batch_new_id(store_t *st, MDB_txn *txn, uint32_t *id)
{
	MDB_cursor *cur;
	MDB_val k, v;
	int rc;

	if ((rc = mdb_cursor_open(txn, st->batch, &cur)) != 0)
		return (mdb_rc(rc));
	rc = mdb_cursor_get(cur, &k, &v, MDB_LAST);
	mdb_cursor_close(cur);
	if (rc == MDB_NOTFOUND) {
		*id = 1;
		return (0);
	}
	if (rc)
		return (mdb_rc(rc));
	*id = get_be32(k.mv_data) + 1;
	return (0);
}

int
store_batch_put(store_t *st, MDB_txn *txn, const struct batch_info *b)
{
	uint8_t key[4], buf[sizeof(struct batch_rec) + sizeof(b->source)];
	struct batch_rec r = { 0 };
	MDB_val k = { 4, key }, v = { 0, buf };

	r.id = b->id;
	r.kind = (uint8_t)b->kind;
	r.state = (uint8_t)b->state;
	r.srclen = (uint16_t)strnlen(b->source, sizeof(b->source) - 1);
	r.rows = b->rows;
	r.rejected = b->rejected;
	r.nsegs = b->nsegs;
	r.pid = b->pid;
	r.loaded_at = b->loaded_at;
	r.retired_at = b->retired_at;
	memcpy(r.hash, b->hash, sizeof(r.hash));
	memcpy(buf, &r, sizeof(r));
	memcpy(buf + sizeof(r), b->source, r.srclen);
	v.mv_size = sizeof(r) + r.srclen;
	be32(key, b->id);
	return (mdb_rc(mdb_put(txn, st->batch, &k, &v, 0)));
}

int
store_batch_del(store_t *st, MDB_txn *txn, uint32_t id)
{
	uint8_t key[4];
	MDB_val k = { 4, key };
	int rc;

	be32(key, id);
	rc = mdb_del(txn, st->batch, &k, NULL);
	return (rc == MDB_NOTFOUND ? 0 : mdb_rc(rc));
}

static int
batch_decode(const MDB_val *v, struct batch_info *b)
{
	struct batch_rec r;

	if (v->mv_size < sizeof(r))
		return (-EPROTO);
	memcpy(&r, v->mv_data, sizeof(r));
	if (v->mv_size != sizeof(r) + r.srclen || r.kind >= KIND_MAX ||
	    r.srclen >= sizeof(b->source))
		return (-EPROTO);
	memset(b, 0, sizeof(*b));
	b->id = r.id;
	b->kind = (kind_t)r.kind;
	b->state = (enum batch_state)r.state;
	b->rows = r.rows;
	b->rejected = r.rejected;
	b->nsegs = r.nsegs;
	b->pid = r.pid;
	b->loaded_at = r.loaded_at;
	b->retired_at = r.retired_at;
	memcpy(b->hash, r.hash, sizeof(r.hash));
	memcpy(b->source, (const char *)v->mv_data + sizeof(r), r.srclen);
	b->source[r.srclen] = '\0';
	return (0);
}

int
store_batch_get(store_t *st, MDB_txn *txn, uint32_t id, struct batch_info *b)
{
	uint8_t key[4];
	MDB_val k = { 4, key }, v;
	int rc;

	be32(key, id);
	if ((rc = mdb_get(txn, st->batch, &k, &v)) != 0)
		return (mdb_rc(rc));
	return (batch_decode(&v, b));
}

int
store_batch_list(store_t *st, MDB_txn *txn, struct batch_info **out,
    size_t *n)
{
	struct batch_info *list = NULL, *nl;
	size_t cnt = 0, cap = 0;
	MDB_cursor *cur;
	MDB_val k, v;
	int rc, op = MDB_FIRST;

	if ((rc = mdb_cursor_open(txn, st->batch, &cur)) != 0)
		return (mdb_rc(rc));
	while ((rc = mdb_cursor_get(cur, &k, &v, op)) == 0) {
		op = MDB_NEXT;
		if (cnt == cap) {
			cap = cap ? cap * 2 : 16;
			if ((nl = realloc(list, cap * sizeof(*list))) == NULL) {
				rc = ENOMEM;
				break;
			}
			list = nl;
		}
		if ((rc = batch_decode(&v, &list[cnt])) != 0)
			break;
		cnt++;
	}
	mdb_cursor_close(cur);
	if (rc != MDB_NOTFOUND) {
		free(list);
		return (rc < 0 ? rc : mdb_rc(rc));
	}
	*out = list;
	*n = cnt;
	return (0);
}

const char *
batch_state_name(enum batch_state s)
{
	switch (s) {
	case BATCH_LOADING:	return ("loading");
	case BATCH_LIVE:	return ("live");
	case BATCH_RETIRED:	return ("retired");
	case BATCH_ABORTED:	return ("aborted");
	}
	return ("unknown");
}

/* Segments ----------------------------------------------------------- */

static void
seg_key(uint8_t key[10], kind_t kind, uint32_t batch, int col, uint32_t segno)
{
	key[0] = (uint8_t)kind;
	be32(key + 1, batch);
	key[5] = (uint8_t)col;
	be32(key + 6, segno);
}

int
store_seg_put(store_t *st, MDB_txn *txn, kind_t kind, uint32_t batch,
    int col, uint32_t segno, const void *data, size_t len)
{
	uint8_t key[10];
	MDB_val k = { sizeof(key), key }, v = { len, (void *)data };

	seg_key(key, kind, batch, col, segno);
	return (mdb_rc(mdb_put(txn, st->seg, &k, &v, 0)));
}

int
store_seg_get(store_t *st, MDB_txn *txn, kind_t kind, uint32_t batch,
    int col, uint32_t segno, const void **data, size_t *len)
{
	uint8_t key[10];
	MDB_val k = { sizeof(key), key }, v;
	int rc;

	seg_key(key, kind, batch, col, segno);
	if ((rc = mdb_get(txn, st->seg, &k, &v)) != 0)
		return (mdb_rc(rc));
	*data = v.mv_data;
	*len = v.mv_size;
	return (0);
}

int
store_zone_put(store_t *st, MDB_txn *txn, kind_t kind, uint32_t batch,
    int col, uint32_t segno, int64_t min, int64_t max)
{
	uint8_t key[10];
	int64_t mm[2] = { min, max };
	MDB_val k = { sizeof(key), key }, v = { sizeof(mm), mm };

	seg_key(key, kind, batch, col, segno);
	return (mdb_rc(mdb_put(txn, st->zone, &k, &v, 0)));
}

int
store_zone_get(store_t *st, MDB_txn *txn, kind_t kind, uint32_t batch,
    int col, uint32_t segno, int64_t *min, int64_t *max)
{
	uint8_t key[10];
	int64_t mm[2];
	MDB_val k = { sizeof(key), key }, v;
	int rc;

	seg_key(key, kind, batch, col, segno);
	if ((rc = mdb_get(txn, st->zone, &k, &v)) != 0)
		return (mdb_rc(rc));
	if (v.mv_size != sizeof(mm))
		return (-EPROTO);
	memcpy(mm, v.mv_data, sizeof(mm));
	*min = mm[0];
	*max = mm[1];
	return (0);
}

/* Every key of one batch in db, in one sweep. */
static int
drop_range(MDB_txn *txn, MDB_dbi dbi, kind_t kind, uint32_t batch)
{
	uint8_t key[10];
	MDB_cursor *cur;
	MDB_val k = { sizeof(key), key }, v;
	int rc;

	seg_key(key, kind, batch, 0, 0);
	if ((rc = mdb_cursor_open(txn, dbi, &cur)) != 0)
		return (mdb_rc(rc));
	rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	while (rc == 0 && k.mv_size == sizeof(key) &&
	    memcmp(k.mv_data, key, 5) == 0) {
		if ((rc = mdb_cursor_del(cur, 0)) != 0)
			break;
		k.mv_size = sizeof(key);
		k.mv_data = key;
		rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	}
	mdb_cursor_close(cur);
	return (rc == MDB_NOTFOUND ? 0 : mdb_rc(rc));
}

int
store_seg_drop(store_t *st, MDB_txn *txn, kind_t kind, uint32_t batch)
{
	int rc = drop_range(txn, st->seg, kind, batch);

	return (rc ? rc : drop_range(txn, st->zone, kind, batch));
}

/* Dictionaries ------------------------------------------------------- */

#define DICT_KEYMAX	511	/* LMDB's default maximum key size */

static int
dict_key(char *buf, const char *field, const char *s, size_t n, size_t *len)
{
	size_t fl = strlen(field);

	if (fl + 1 + 1 + crypto_generichash_BYTES > DICT_KEYMAX)
		return (-ENAMETOOLONG);
	memcpy(buf, field, fl);
	buf[fl] = '\0';
	/*
	 * A string too long for an LMDB key (a long description) is keyed
	 * by 0xff and its BLAKE2b hash; no UTF-8 text starts with 0xff, so
	 * the two forms never meet.  The reverse entry keeps it whole.
	 */
	if (fl + 1 + n > DICT_KEYMAX || (n > 0 && (unsigned char)s[0] == 0xff)) {
		buf[fl + 1] = (char)0xff;
		crypto_generichash((unsigned char *)buf + fl + 2,
		    crypto_generichash_BYTES, (const unsigned char *)s, n,
		    NULL, 0);
		*len = fl + 2 + crypto_generichash_BYTES;
		return (0);
	}
	memcpy(buf + fl + 1, s, n);
	*len = fl + 1 + n;
	return (0);
}

int
store_dict_find(store_t *st, MDB_txn *txn, const char *field, const char *s,
    size_t n, uint32_t *id)
{
	char buf[DICT_KEYMAX];
	MDB_val k = { 0, buf }, v;
	int rc;

	if (n == 0) {
		*id = 0;
		return (0);
	}
	if ((rc = dict_key(buf, field, s, n, &k.mv_size)) != 0)
		return (rc);
	if ((rc = mdb_get(txn, st->dict, &k, &v)) != 0)
		return (mdb_rc(rc));
	memcpy(id, v.mv_data, sizeof(*id));
	return (0);
}

int
store_dict_intern(store_t *st, MDB_txn *txn, const char *field,
    const char *s, size_t n, uint32_t *id)
{
	char buf[DICT_KEYMAX], mk[80], rk[64];
	MDB_val k = { 0, buf }, v, m, r;
	uint32_t next = 1;
	size_t fl = strlen(field);
	int rc;

	rc = store_dict_find(st, txn, field, s, n, id);
	if (rc != -ENOENT)
		return (rc);
	if (fl + 1 + 4 > sizeof(rk) || fl + 10 >= sizeof(mk))
		return (-ENAMETOOLONG);
	m.mv_size = (size_t)snprintf(mk, sizeof(mk), "dict.next:%s", field);
	m.mv_data = mk;
	if ((rc = mdb_get(txn, st->meta, &m, &v)) == 0)
		memcpy(&next, v.mv_data, sizeof(next));
	else if (rc != MDB_NOTFOUND)
		return (mdb_rc(rc));
	if (next == UINT32_MAX)
		return (-EOVERFLOW);
	if ((rc = dict_key(buf, field, s, n, &k.mv_size)) != 0)
		return (rc);
	v.mv_size = sizeof(next);
	v.mv_data = &next;
	if ((rc = mdb_put(txn, st->dict, &k, &v, MDB_NOOVERWRITE)) != 0)
		return (mdb_rc(rc));
	memcpy(rk, field, fl + 1);
	be32((uint8_t *)rk + fl + 1, next);
	r.mv_size = fl + 5;
	r.mv_data = rk;
	v.mv_size = n;
	v.mv_data = (void *)s;
	if ((rc = mdb_put(txn, st->dictrev, &r, &v, 0)) != 0)
		return (mdb_rc(rc));
	*id = next++;
	v.mv_size = sizeof(next);
	v.mv_data = &next;
	return (mdb_rc(mdb_put(txn, st->meta, &m, &v, 0)));
}

int
store_dict_str(store_t *st, MDB_txn *txn, const char *field, uint32_t id,
    const char **s, size_t *n)
{
	char rk[64];
	size_t fl = strlen(field);
	MDB_val r = { fl + 5, rk }, v;
	int rc;

	if (id == 0) {
		*s = "";
		*n = 0;
		return (0);
	}
	if (fl + 5 > sizeof(rk))
		return (-ENAMETOOLONG);
	memcpy(rk, field, fl + 1);
	be32((uint8_t *)rk + fl + 1, id);
	if ((rc = mdb_get(txn, st->dictrev, &r, &v)) != 0)
		return (mdb_rc(rc));
	*s = v.mv_data;
	*n = v.mv_size;
	return (0);
}

/* Audit -------------------------------------------------------------- */

int
store_audit(store_t *st, MDB_txn *txn, const char *json)
{
	uint8_t key[8];
	uint64_t seq = 0;
	MDB_cursor *cur;
	MDB_val k, v;
	int rc;

	if ((rc = mdb_cursor_open(txn, st->audit, &cur)) != 0)
		return (mdb_rc(rc));
	if (mdb_cursor_get(cur, &k, &v, MDB_LAST) == 0)
		for (int i = 0; i < 8; i++)
			seq = seq << 8 | ((uint8_t *)k.mv_data)[i];
	mdb_cursor_close(cur);
	seq++;
	for (int i = 7; i >= 0; i--, seq >>= 8)
		key[i] = (uint8_t)seq;
	k.mv_size = sizeof(key);
	k.mv_data = key;
	v.mv_size = strlen(json);
	v.mv_data = (void *)json;
	return (mdb_rc(mdb_put(txn, st->audit, &k, &v, MDB_APPEND)));
}

int
store_audit_each(store_t *st, MDB_txn *txn, store_audit_cb cb, void *arg)
{
	MDB_cursor *cur;
	MDB_val k, v;
	int rc, op = MDB_FIRST;

	if ((rc = mdb_cursor_open(txn, st->audit, &cur)) != 0)
		return (mdb_rc(rc));
	while ((rc = mdb_cursor_get(cur, &k, &v, op)) == 0) {
		op = MDB_NEXT;
		if ((rc = cb(arg, v.mv_data, v.mv_size)) != 0)
			break;
	}
	mdb_cursor_close(cur);
	return (rc == MDB_NOTFOUND ? 0 : rc > 0 ? mdb_rc(rc) : rc);
}

/* Geography ---------------------------------------------------------- */

int
store_geo_put(store_t *st, MDB_txn *txn, const char *code, size_t n,
    const void *data, size_t len)
{
	MDB_val k = { n, (void *)code }, v = { len, (void *)data };

	if (n == 0 || n > DICT_KEYMAX)
		return (-EINVAL);
	return (mdb_rc(mdb_put(txn, st->geo, &k, &v, 0)));
}

int
store_geo_get(store_t *st, MDB_txn *txn, const char *code, size_t n,
    const void **data, size_t *len)
{
	MDB_val k = { n, (void *)code }, v;
	int rc;

	if (n == 0 || n > DICT_KEYMAX)
		return (-ENOENT);
	if ((rc = mdb_get(txn, st->geo, &k, &v)) != 0)
		return (mdb_rc(rc));
	*data = v.mv_data;
	*len = v.mv_size;
	return (0);
}

int
store_geo_clear(store_t *st, MDB_txn *txn)
{
	return (mdb_rc(mdb_drop(txn, st->geo, 0)));
}

size_t
store_geo_count(store_t *st, MDB_txn *txn)
{
	MDB_stat ms;

	return (mdb_stat(txn, st->geo, &ms) == 0 ? ms.ms_entries : 0);
}

int
store_geo_each(store_t *st, MDB_txn *txn, store_geo_cb cb, void *arg)
{
	MDB_cursor *cur;
	MDB_val k, v;
	int rc, op = MDB_FIRST;

	if ((rc = mdb_cursor_open(txn, st->geo, &cur)) != 0)
		return (mdb_rc(rc));
	while ((rc = mdb_cursor_get(cur, &k, &v, op)) == 0) {
		op = MDB_NEXT;
		if ((rc = cb(arg, k.mv_data, k.mv_size, v.mv_data,
		    v.mv_size)) != 0)
			break;
	}
	mdb_cursor_close(cur);
	return (rc == MDB_NOTFOUND ? 0 : rc > 0 ? mdb_rc(rc) : rc);
}
