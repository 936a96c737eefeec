/*
 * test_store.c — the LMDB store (core/store.c), the batch writer
 * (core/batch.c), the live-record scan (core/scan.c) and the loader's
 * string cache (core/strmap.c).
 *
 * Every test gets a fresh directory from mkdtemp() under /tmp; the
 * database lives in its "db" subdirectory, which store_open() creates.
 */
#define _GNU_SOURCE	/* nftw() */

#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "batch.h"
#include "scan.h"
#include "schema.h"
#include "store.h"
#include "strmap.h"
#include "value.h"

/* Columns of KIND_SPEND (schema.c). */
enum {
	SP_DATE, SP_ORG, SP_SERVICE, SP_SUPPLIER, SP_DESCRIPTION, SP_ACCOUNT,
	SP_AMOUNT, SP_PLACE, SP_COHORT, SP_PERSON, SP_FUNDER, SP_COFOG,
	SP_PREVENTION, SP_SHARES, SP_CLASSIFIED_BY, SP_TRANSFER, SP_TRANSFER_TO,
	SP_LINE,
	SP_NCOLS
};

static char tmpdir[64];
static char dbdir[128];
static store_t *st;
static char err[512];

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return (remove(path));
}

/*
 * Column values are read with memcpy(): LMDB does not align values, and
 * whether scan_kind() hands out aligned arrays is a test of its own
 * (scan_columns_aligned) rather than a crash in every other test.
 */
static int64_t
i64_at(const void *p, size_t r)
{
	int64_t v;

	memcpy(&v, (const char *)p + r * sizeof(v), sizeof(v));
	return (v);
}

static int32_t
i32_at(const void *p, size_t r)
{
	int32_t v;

	memcpy(&v, (const char *)p + r * sizeof(v), sizeof(v));
	return (v);
}

static uint32_t
u32_at(const void *p, size_t r)
{
	uint32_t v;

	memcpy(&v, (const char *)p + r * sizeof(v), sizeof(v));
	return (v);
}

static void
setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/placed-ut-XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir), "mkdtemp: %s", strerror(errno));
	snprintf(dbdir, sizeof(dbdir), "%s/db", tmpdir);
	st = NULL;
	err[0] = '\0';
}

static void
teardown(void)
{
	store_close(st);
	st = NULL;
	if (tmpdir[0])
		nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	tmpdir[0] = '\0';
}

static void
open_db(void)
{
	int rc = store_open(dbdir, 0, &st, err, sizeof(err));

	cr_assert_eq(rc, 0, "store_open: %d %s", rc, err);
	cr_assert_not_null(st);
}

static void
reopen_db(void)
{
	store_close(st);
	st = NULL;
	open_db();
}

static MDB_txn *
wtxn(void)
{
	MDB_txn *txn = NULL;
	int rc = store_txn_begin(st, 0, &txn);

	cr_assert_eq(rc, 0, "write txn: %s", store_strerror(rc));
	return (txn);
}

static MDB_txn *
rtxn(void)
{
	MDB_txn *txn = NULL;
	int rc = store_txn_begin(st, 1, &txn);

	cr_assert_eq(rc, 0, "read txn: %s", store_strerror(rc));
	return (txn);
}

static void
commit(MDB_txn *txn)
{
	int rc = store_txn_commit(txn);

	cr_assert_eq(rc, 0, "commit: %s", store_strerror(rc));
}

static size_t
nbatches(void)
{
	struct batch_info *list = NULL;
	size_t n = 0;
	MDB_txn *txn = rtxn();

	cr_assert_eq(store_batch_list(st, txn, &list, &n), 0);
	store_txn_abort(txn);
	free(list);
	return (n);
}

static int
batch_state(uint32_t id, struct batch_info *out)
{
	struct batch_info bi;
	MDB_txn *txn = rtxn();
	int rc = store_batch_get(st, txn, id, &bi);

	store_txn_abort(txn);
	if (rc == 0 && out)
		*out = bi;
	return (rc == 0 ? (int)bi.state : rc);
}

static int
seg_exists(kind_t kind, uint32_t batch, int col, uint32_t segno)
{
	const void *d;
	size_t len;
	MDB_txn *txn = rtxn();
	int rc = store_seg_get(st, txn, kind, batch, col, segno, &d, &len);

	store_txn_abort(txn);
	cr_assert(rc == 0 || rc == -ENOENT, "seg_get: %d", rc);
	return (rc == 0);
}

/* Scan ------------------------------------------------------------- */

#define MAXSEGS	64

struct seen {
	int		nsegs;
	uint32_t	batch[MAXSEGS];
	uint32_t	segno[MAXSEGS];
	uint32_t	nrows[MAXSEGS];
	uint64_t	rows;
	/* optional per-segment check */
	int		(*check)(struct seen *, const struct scan_seg *);
	MDB_txn		*txn;
	uint64_t	bad;
	char		first_bad[256];
};

static int
seen_cb(void *arg, const struct scan_seg *seg)
{
	struct seen *s = arg;

	if (s->nsegs < MAXSEGS) {
		s->batch[s->nsegs] = seg->batch->id;
		s->segno[s->nsegs] = seg->segno;
		s->nrows[s->nsegs] = seg->nrows;
	}
	s->nsegs++;
	s->rows += seg->nrows;
	return (s->check ? s->check(s, seg) : 0);
}

static void
scan_all(kind_t kind, struct seen *s)
{
	MDB_txn *txn = rtxn();
	int rc;

	s->txn = txn;
	rc = scan_kind(st, txn, kind, seen_cb, s);
	store_txn_abort(txn);
	s->txn = NULL;
	cr_assert_eq(rc, 0, "scan_kind: %d %s", rc, store_strerror(rc));
}

/* Writing batches ------------------------------------------------------ */

static batch_t *
begin(kind_t kind, const char *source, int replace)
{
	struct batch_opts o = { source, replace, "test" };
	batch_t *b = NULL;
	int rc = batch_begin(st, kind, &o, &b, err, sizeof(err));

	cr_assert_eq(rc, 0, "batch_begin: %d %s", rc, err);
	cr_assert_not_null(b);
	return (b);
}

/* Spend row i of a small batch: amount base + i, supplier "sup<i%3>". */
static void
small_row(batch_t *b, int i, int64_t base)
{
	char sup[16];
	int n = snprintf(sup, sizeof(sup), "sup%d", i % 3);

	batch_i32(b, SP_DATE, 20000 + i);
	cr_assert_eq(batch_str(b, SP_SUPPLIER, sup, (size_t)n), 0);
	batch_i64(b, SP_AMOUNT, base + i);
	cr_assert_eq(batch_row(b, (uint32_t)(i + 2)), 0);
}

/* A committed spend batch of nrows rows whose content hash is fed tag. */
static void
load_small(const char *source, int replace, const char *tag, int nrows,
    int64_t base, struct batch_result *res)
{
	batch_t *b = begin(KIND_SPEND, source, replace);
	int rc;

	batch_hash(b, tag, strlen(tag));
	for (int i = 0; i < nrows; i++)
		small_row(b, i, base);
	rc = batch_commit(b, res, err, sizeof(err));
	cr_assert_eq(rc, 0, "batch_commit: %d %s", rc, err);
}

/* Sums of the amount column over what a scan sees, per batch id. */
struct amounts {
	uint64_t	rows;
	int64_t		sum;
	uint32_t	ids[32];
	int		nids;
};

static int
amounts_cb(void *arg, const struct scan_seg *seg)
{
	struct amounts *a = arg;

	if (a->nids == 0 || a->ids[a->nids - 1] != seg->batch->id)
		if (a->nids < 32)
			a->ids[a->nids++] = seg->batch->id;
	for (uint32_t r = 0; r < seg->nrows; r++)
		a->sum += i64_at(seg->col[SP_AMOUNT], r);
	a->rows += seg->nrows;
	return (0);
}

static void
scan_amounts(struct amounts *a)
{
	MDB_txn *txn = rtxn();
	int rc;

	memset(a, 0, sizeof(*a));
	rc = scan_kind(st, txn, KIND_SPEND, amounts_cb, a);
	store_txn_abort(txn);
	cr_assert_eq(rc, 0, "scan_kind: %s", store_strerror(rc));
}

/* ===================================================================== */

TestSuite(store, .init = setup, .fini = teardown);

Test(store, open_creates_database)
{
	struct stat sb;

	cr_assert_neq(stat(dbdir, &sb), 0, "db dir exists before open");
	open_db();
	cr_assert_eq(stat(dbdir, &sb), 0, "store_open did not create dir");
	cr_assert(S_ISDIR(sb.st_mode));
	cr_expect_str_eq(store_dir(st), dbdir);
	{
		char p[256];

		snprintf(p, sizeof(p), "%s/data.mdb", dbdir);
		cr_expect_eq(stat(p, &sb), 0, "no data.mdb");
	}
	/* An existing database opens again, read-write and read-only. */
	reopen_db();
	store_close(st);
	st = NULL;
	cr_assert_eq(store_open(dbdir, 1, &st, err, sizeof(err)), 0,
	    "read-only open of a database: %s", err);
	cr_assert_eq(nbatches(), 0);
}

Test(store, open_readonly_missing_dir_fails)
{
	int rc;

	err[0] = '\0';
	rc = store_open(dbdir, 1, &st, err, sizeof(err));
	cr_expect_lt(rc, 0);
	cr_expect_eq(rc, -ENOENT, "rc %d", rc);
	cr_expect_neq(err[0], '\0', "no message");
	cr_expect_not_null(strstr(err, dbdir), "message \"%s\" lacks the "
	    "directory", err);
	st = NULL;
	{
		struct stat sb;

		cr_expect_neq(stat(dbdir, &sb), 0,
		    "read-only open created the directory");
	}
}

Test(store, open_readonly_empty_dir_fails)
{
	int rc;

	cr_assert_eq(mkdir(dbdir, 0700), 0);
	rc = store_open(dbdir, 1, &st, err, sizeof(err));
	cr_expect_lt(rc, 0);
	cr_expect_neq(err[0], '\0', "no message");
	cr_expect_not_null(strstr(err, dbdir), "message \"%s\"", err);
	st = NULL;
}

Test(store, open_regular_file_fails)
{
	FILE *f = fopen(dbdir, "w");
	int rc;

	cr_assert_not_null(f);
	fclose(f);
	rc = store_open(dbdir, 0, &st, err, sizeof(err));
	cr_expect_eq(rc, -ENOTDIR);
	cr_expect_not_null(strstr(err, "not a directory"), "message \"%s\"",
	    err);
	st = NULL;
}

Test(store, readonly_store_refuses_writes)
{
	MDB_txn *txn = NULL;

	open_db();
	store_close(st);
	st = NULL;
	cr_assert_eq(store_open(dbdir, 1, &st, err, sizeof(err)), 0, "%s",
	    err);
	cr_expect_neq(store_txn_begin(st, 0, &txn), 0,
	    "a write txn on a read-only store");
}

Test(store, strerror_names_codes)
{
	cr_expect_str_eq(store_strerror(-ENOENT), "not found");
	cr_expect_str_eq(store_strerror(-EINVAL), strerror(EINVAL));
	cr_expect_not_null(store_strerror(MDB_MAP_FULL));
	cr_expect_str_eq(store_strerror(MDB_MAP_FULL),
	    mdb_strerror(MDB_MAP_FULL));
}

/* Dictionary ---------------------------------------------------------- */

static uint32_t
intern(MDB_txn *txn, const char *field, const char *s)
{
	uint32_t id = 0xdeadbeef;
	int rc = store_dict_intern(st, txn, field, s, strlen(s), &id);

	cr_assert_eq(rc, 0, "intern %s/%s: %s", field, s,
	    store_strerror(rc));
	return (id);
}

static void
expect_str(MDB_txn *txn, const char *field, uint32_t id, const char *want)
{
	const char *s = NULL;
	size_t n = 0;
	int rc = store_dict_str(st, txn, field, id, &s, &n);

	cr_assert_eq(rc, 0, "dict_str %s/%u: %s", field, id,
	    store_strerror(rc));
	cr_expect_eq(n, strlen(want), "dict_str %s/%u length", field, id);
	cr_expect(n == strlen(want) && memcmp(s, want, n) == 0,
	    "dict_str %s/%u = \"%.*s\", want \"%s\"", field, id, (int)n, s,
	    want);
}

Test(store, dict_ids)
{
	MDB_txn *txn;
	uint32_t id;

	open_db();
	txn = wtxn();
	cr_expect_eq(intern(txn, "supplier", "Acme Ltd"), 1);
	cr_expect_eq(intern(txn, "supplier", "Bolt plc"), 2);
	cr_expect_eq(intern(txn, "supplier", "Acme Ltd"), 1, "same string, "
	    "same id");
	cr_expect_eq(intern(txn, "supplier", "acme ltd"), 3, "case matters");
	cr_expect_eq(intern(txn, "supplier", "Acme Ltd "), 4);
	/* Another field has its own id space. */
	cr_expect_eq(intern(txn, "org", "Bolt plc"), 1);
	cr_expect_eq(intern(txn, "org", "Acme Ltd"), 2);
	cr_expect_eq(intern(txn, "supplier", "Bolt plc"), 2);
	/* The empty string is id 0 and is never stored. */
	cr_expect_eq(intern(txn, "supplier", ""), 0);
	cr_expect_eq(intern(txn, "supplier", "Cog"), 5);
	/* Strings may hold any byte. */
	id = 0;
	cr_assert_eq(store_dict_intern(st, txn, "supplier", "a\0b", 3, &id),
	    0);
	cr_expect_eq(id, 6);
	cr_assert_eq(store_dict_intern(st, txn, "supplier", "a", 1, &id), 0);
	cr_expect_eq(id, 7, "\"a\" must differ from \"a\\0b\"");
	commit(txn);

	txn = rtxn();
	id = 99;
	cr_expect_eq(store_dict_find(st, txn, "supplier", "Bolt plc", 8, &id),
	    0);
	cr_expect_eq(id, 2);
	cr_expect_eq(store_dict_find(st, txn, "org", "Bolt plc", 8, &id), 0);
	cr_expect_eq(id, 1);
	cr_expect_eq(store_dict_find(st, txn, "supplier", "Nope", 4, &id),
	    -ENOENT);
	cr_expect_eq(store_dict_find(st, txn, "place", "Acme Ltd", 8, &id),
	    -ENOENT, "found in a field it was never interned in");
	id = 99;
	cr_expect_eq(store_dict_find(st, txn, "supplier", "", 0, &id), 0);
	cr_expect_eq(id, 0, "empty string is id 0");
	expect_str(txn, "supplier", 1, "Acme Ltd");
	expect_str(txn, "supplier", 2, "Bolt plc");
	expect_str(txn, "supplier", 4, "Acme Ltd ");
	expect_str(txn, "org", 1, "Bolt plc");
	expect_str(txn, "org", 2, "Acme Ltd");
	expect_str(txn, "supplier", 0, "");
	expect_str(txn, "org", 0, "");
	{
		const char *s;
		size_t n;

		cr_expect_eq(store_dict_str(st, txn, "supplier", 6, &s, &n),
		    0);
		cr_expect(n == 3 && memcmp(s, "a\0b", 3) == 0);
		cr_expect_eq(store_dict_str(st, txn, "supplier", 8, &s, &n),
		    -ENOENT);
		cr_expect_eq(store_dict_str(st, txn, "org", 3, &s, &n),
		    -ENOENT);
	}
	store_txn_abort(txn);
}

Test(store, dict_survives_reopen)
{
	MDB_txn *txn;
	uint32_t id;
	char buf[32];

	open_db();
	txn = wtxn();
	for (int i = 0; i < 1000; i++) {
		snprintf(buf, sizeof(buf), "value %d", i);
		cr_assert_eq(intern(txn, "place", buf), (uint32_t)i + 1);
	}
	cr_expect_eq(intern(txn, "cohort", "x"), 1);
	commit(txn);
	/* An aborted intern leaves neither the string nor the counter. */
	txn = wtxn();
	cr_expect_eq(intern(txn, "place", "aborted"), 1001);
	store_txn_abort(txn);
	reopen_db();

	txn = rtxn();
	for (int i = 0; i < 1000; i += 37) {
		snprintf(buf, sizeof(buf), "value %d", i);
		id = 0;
		cr_expect_eq(store_dict_find(st, txn, "place", buf,
		    strlen(buf), &id), 0);
		cr_expect_eq(id, (uint32_t)i + 1);
		expect_str(txn, "place", (uint32_t)i + 1, buf);
	}
	cr_expect_eq(store_dict_find(st, txn, "place", "aborted", 7, &id),
	    -ENOENT);
	store_txn_abort(txn);

	txn = wtxn();
	cr_expect_eq(intern(txn, "place", "value 500"), 501);
	cr_expect_eq(intern(txn, "place", "new"), 1001, "counter lost on "
	    "reopen");
	cr_expect_eq(intern(txn, "cohort", "y"), 2);
	commit(txn);
}

Test(store, dict_long_values)
{
	MDB_txn *txn;
	char big[600], big2[600];
	uint32_t id, id2;
	size_t fl = strlen("supplier");

	open_db();
	memset(big, 'x', sizeof(big));
	memcpy(big2, big, sizeof(big2));
	big2[599] = 'y';
	txn = wtxn();
	/* The key is field \0 string and LMDB keys stop at 511 bytes: the
	 * longest plain key, then longer strings keyed by their hash, and
	 * two long strings differing only at the end stay apart. */
	cr_expect_eq(store_dict_intern(st, txn, "supplier", big,
	    511 - fl - 1, &id), 0);
	cr_expect_eq(id, 1);
	cr_expect_eq(store_dict_intern(st, txn, "supplier", big, 511 - fl,
	    &id), 0);
	cr_expect_eq(id, 2);
	cr_expect_eq(store_dict_intern(st, txn, "supplier", big, sizeof(big),
	    &id), 0);
	cr_expect_eq(id, 3);
	cr_expect_eq(store_dict_intern(st, txn, "supplier", big2, sizeof(big2),
	    &id2), 0);
	cr_expect_eq(id2, 4);
	cr_expect_eq(store_dict_intern(st, txn, "supplier", big, sizeof(big),
	    &id), 0);
	cr_expect_eq(id, 3, "a long string found again");
	commit(txn);
	txn = rtxn();
	{
		const char *s;
		size_t n;

		cr_expect_eq(store_dict_str(st, txn, "supplier", 1, &s, &n),
		    0);
		cr_expect_eq(n, 511 - fl - 1);
		cr_expect_eq(store_dict_str(st, txn, "supplier", 4, &s, &n),
		    0);
		cr_expect(n == sizeof(big2) && memcmp(s, big2, n) == 0,
		    "a long string comes back whole");
		cr_expect_eq(store_dict_find(st, txn, "supplier", big2,
		    sizeof(big2), &id2), 0);
		cr_expect_eq(id2, 4);
	}
	store_txn_abort(txn);
}

/*
 * Field names up to the longest the reverse key allows (59 bytes) keep
 * their own counters.  Two 54-byte names that differ only in the last
 * byte must not share one.
 */
#define ID_IS(field, str, want) do { \
	uint32_t got_ = intern(txn, (field), (str)); \
	cr_expect_eq(got_, (want), "%zu-byte field: \"%s\" got id %u, " \
	    "want %u", strlen(field), (str), got_, (uint32_t)(want)); \
} while (0)

Test(store, dict_long_field_names)
{
	char f1[60], f2[60], f3[60];
	MDB_txn *txn;
	uint32_t id;

	open_db();
	memset(f1, 'f', sizeof(f1));
	memcpy(f2, f1, sizeof(f2));
	f1[53] = 'a';
	f2[53] = 'b';
	f1[54] = f2[54] = '\0';
	memset(f3, 'g', sizeof(f3));
	f3[59] = '\0';

	txn = wtxn();
	ID_IS(f1, "one", 1);
	ID_IS(f1, "two", 2);
	/* 54-byte names differing in the last byte must not share one
	 * counter. */
	ID_IS(f2, "one", 1);
	ID_IS(f2, "two", 2);
	ID_IS(f3, "one", 1);
	ID_IS(f3, "two", 2);
	ID_IS(f3, "three", 3);
	commit(txn);
	reopen_db();
	txn = wtxn();
	/* The 59-byte name's counter must survive a reopen: handing out
	 * id 1 again would point it at a second string. */
	ID_IS(f3, "four", 4);
	ID_IS(f1, "three", 3);
	commit(txn);
	txn = rtxn();
	expect_str(txn, f3, 1, "one");
	expect_str(txn, f3, 3, "three");
	expect_str(txn, f3, 4, "four");
	expect_str(txn, f2, 1, "one");
	expect_str(txn, f1, 3, "three");
	store_txn_abort(txn);
	/* Longer names are refused, not truncated. */
	{
		char f4[61];

		memset(f4, 'h', 60);
		f4[60] = '\0';
		txn = wtxn();
		cr_expect_eq(store_dict_intern(st, txn, f4, "x", 1, &id),
		    -ENAMETOOLONG);
		store_txn_abort(txn);
	}
}

/* Segments ------------------------------------------------------------ */

Test(store, seg_round_trip)
{
	static const char a[] = "segment a", b[] = "segment bb",
	    c[] = "segment ccc";
	uint32_t big[5000];
	const void *d;
	size_t len;
	MDB_txn *txn;

	for (size_t i = 0; i < 5000; i++)
		big[i] = (uint32_t)(i * 2654435761u);
	open_db();
	txn = wtxn();
	cr_assert_eq(store_seg_put(st, txn, KIND_SPEND, 1, 0, 0, a,
	    sizeof(a)), 0);
	cr_assert_eq(store_seg_put(st, txn, KIND_SPEND, 1, 3, 7, b,
	    sizeof(b)), 0);
	cr_assert_eq(store_seg_put(st, txn, KIND_ACTIVITY, 1, 0, 0, c,
	    sizeof(c)), 0);
	cr_assert_eq(store_seg_put(st, txn, KIND_SPEND, 256, 0, 0, big,
	    sizeof(big)), 0);
	commit(txn);

	txn = rtxn();
	cr_assert_eq(store_seg_get(st, txn, KIND_SPEND, 1, 0, 0, &d, &len),
	    0);
	cr_expect_eq(len, sizeof(a));
	cr_expect_eq(memcmp(d, a, sizeof(a)), 0);
	cr_assert_eq(store_seg_get(st, txn, KIND_SPEND, 1, 3, 7, &d, &len),
	    0);
	cr_expect_eq(len, sizeof(b));
	cr_expect_eq(memcmp(d, b, sizeof(b)), 0);
	cr_assert_eq(store_seg_get(st, txn, KIND_ACTIVITY, 1, 0, 0, &d,
	    &len), 0);
	cr_expect_eq(len, sizeof(c));
	cr_expect_eq(memcmp(d, c, sizeof(c)), 0);
	cr_assert_eq(store_seg_get(st, txn, KIND_SPEND, 256, 0, 0, &d, &len),
	    0);
	cr_expect_eq(len, sizeof(big));
	cr_expect_eq(memcmp(d, big, sizeof(big)), 0);
	/* Missing: other segno, column, batch, kind. */
	cr_expect_eq(store_seg_get(st, txn, KIND_SPEND, 1, 0, 1, &d, &len),
	    -ENOENT);
	cr_expect_eq(store_seg_get(st, txn, KIND_SPEND, 1, 1, 0, &d, &len),
	    -ENOENT);
	cr_expect_eq(store_seg_get(st, txn, KIND_SPEND, 2, 0, 0, &d, &len),
	    -ENOENT);
	cr_expect_eq(store_seg_get(st, txn, KIND_OUTCOME, 1, 0, 0, &d, &len),
	    -ENOENT);
	store_txn_abort(txn);

	/* Overwrite replaces. */
	txn = wtxn();
	cr_assert_eq(store_seg_put(st, txn, KIND_SPEND, 1, 0, 0, c,
	    sizeof(c)), 0);
	commit(txn);
	txn = rtxn();
	cr_assert_eq(store_seg_get(st, txn, KIND_SPEND, 1, 0, 0, &d, &len),
	    0);
	cr_expect_eq(len, sizeof(c));
	cr_expect_eq(memcmp(d, c, sizeof(c)), 0);
	store_txn_abort(txn);
}

Test(store, seg_drop_one_batch)
{
	char buf[2048];
	MDB_txn *txn;
	const uint32_t batches[] = { 4, 5, 6, 5 + 256, 5u << 24 };

	memset(buf, 0x5a, sizeof(buf));
	open_db();
	txn = wtxn();
	for (size_t b = 0; b < sizeof(batches) / sizeof(batches[0]); b++)
		for (int col = 0; col < SP_NCOLS; col++)
			for (uint32_t s = 0; s < 30; s++)
				cr_assert_eq(store_seg_put(st, txn,
				    KIND_SPEND, batches[b], col, s, buf,
				    sizeof(buf)), 0);
	/* The same batch id in another kind. */
	for (uint32_t s = 0; s < 3; s++)
		cr_assert_eq(store_seg_put(st, txn, KIND_ACTIVITY, 5, 0, s,
		    buf, 10), 0);
	cr_assert_eq(store_seg_put(st, txn, KIND_OUTCOME, 5, 0, 0, buf, 10),
	    0);
	commit(txn);

	txn = wtxn();
	cr_assert_eq(store_seg_drop(st, txn, KIND_SPEND, 5), 0);
	commit(txn);

	for (int col = 0; col < SP_NCOLS; col++)
		for (uint32_t s = 0; s < 30; s++) {
			cr_expect(!seg_exists(KIND_SPEND, 5, col, s),
			    "spend/5/%d/%u survived the drop", col, s);
			cr_expect(seg_exists(KIND_SPEND, 4, col, s));
			cr_expect(seg_exists(KIND_SPEND, 6, col, s));
			cr_expect(seg_exists(KIND_SPEND, 5 + 256, col, s));
			cr_expect(seg_exists(KIND_SPEND, 5u << 24, col, s));
		}
	for (uint32_t s = 0; s < 3; s++)
		cr_expect(seg_exists(KIND_ACTIVITY, 5, 0, s),
		    "activity/5 dropped with spend/5");
	cr_expect(seg_exists(KIND_OUTCOME, 5, 0, 0));

	/* Dropping nothing, or dropping twice, is fine. */
	txn = wtxn();
	cr_expect_eq(store_seg_drop(st, txn, KIND_SPEND, 5), 0);
	cr_expect_eq(store_seg_drop(st, txn, KIND_SERVICE, 77), 0);
	cr_expect_eq(store_seg_drop(st, txn, KIND_OUTCOME, 5), 0);
	/* The last batch of the last kind: nothing after it in the tree. */
	cr_expect_eq(store_seg_drop(st, txn, KIND_SPEND, 5u << 24), 0);
	commit(txn);
	cr_expect(!seg_exists(KIND_OUTCOME, 5, 0, 0));
	cr_expect(!seg_exists(KIND_SPEND, 5u << 24, 0, 29));
	cr_expect(seg_exists(KIND_SPEND, 6, SP_LINE, 29));
	cr_expect(seg_exists(KIND_ACTIVITY, 5, 0, 2));
}

/* Batch records ------------------------------------------------------- */

static void
fill_info(struct batch_info *b, uint32_t id, const char *src)
{
	memset(b, 0, sizeof(*b));
	b->id = id;
	b->kind = KIND_ACTIVITY;
	b->state = BATCH_LIVE;
	b->rows = 12345678901ULL + id;
	b->rejected = 3;
	b->nsegs = 189;
	b->loaded_at = 1750000000 + id;
	b->retired_at = 0;
	b->pid = 4242;
	for (int i = 0; i < 32; i++)
		b->hash[i] = (uint8_t)(i * 7 + id);
	snprintf(b->source, sizeof(b->source), "%s", src);
}

static void
expect_info_eq(const struct batch_info *g, const struct batch_info *w)
{
	cr_expect_eq(g->id, w->id);
	cr_expect_eq(g->kind, w->kind);
	cr_expect_eq(g->state, w->state);
	cr_expect_eq(g->rows, w->rows);
	cr_expect_eq(g->rejected, w->rejected);
	cr_expect_eq(g->nsegs, w->nsegs);
	cr_expect_eq(g->loaded_at, w->loaded_at);
	cr_expect_eq(g->retired_at, w->retired_at);
	cr_expect_eq(g->pid, w->pid);
	cr_expect_eq(memcmp(g->hash, w->hash, sizeof(g->hash)), 0, "hash");
	cr_expect_str_eq(g->source, w->source);
}

Test(store, batch_records)
{
	struct batch_info b1, b2, b3, b4, got, *list = NULL;
	uint32_t id = 0;
	size_t n = 0;
	MDB_txn *txn;

	open_db();
	txn = wtxn();
	cr_assert_eq(store_batch_new_id(st, txn, &id), 0);
	cr_expect_eq(id, 1, "first id");
	fill_info(&b1, id, "spend-2025.csv");
	cr_assert_eq(store_batch_put(st, txn, &b1), 0);
	cr_assert_eq(store_batch_new_id(st, txn, &id), 0);
	cr_expect_eq(id, 2);
	fill_info(&b2, id, "");
	b2.state = BATCH_RETIRED;
	b2.retired_at = 1760000000;
	b2.kind = KIND_SERVICE;
	cr_assert_eq(store_batch_put(st, txn, &b2), 0);
	cr_assert_eq(store_batch_new_id(st, txn, &id), 0);
	cr_expect_eq(id, 3);
	/* Ids sort as numbers (big-endian keys), not as bytes. */
	fill_info(&b3, 300, "three hundred");
	b3.state = BATCH_LOADING;
	cr_assert_eq(store_batch_put(st, txn, &b3), 0);
	fill_info(&b4, 70000, "seventy thousand");
	b4.state = BATCH_ABORTED;
	cr_assert_eq(store_batch_put(st, txn, &b4), 0);
	cr_assert_eq(store_batch_new_id(st, txn, &id), 0);
	cr_expect_eq(id, 70001);
	commit(txn);

	reopen_db();
	txn = rtxn();
	cr_assert_eq(store_batch_get(st, txn, 1, &got), 0);
	expect_info_eq(&got, &b1);
	cr_assert_eq(store_batch_get(st, txn, 2, &got), 0);
	expect_info_eq(&got, &b2);
	cr_assert_eq(store_batch_get(st, txn, 300, &got), 0);
	expect_info_eq(&got, &b3);
	cr_expect_eq(store_batch_get(st, txn, 4, &got), -ENOENT);
	cr_expect_eq(store_batch_get(st, txn, 0, &got), -ENOENT);
	cr_assert_eq(store_batch_list(st, txn, &list, &n), 0);
	cr_assert_eq(n, 4);
	cr_expect_eq(list[0].id, 1);
	cr_expect_eq(list[1].id, 2);
	cr_expect_eq(list[2].id, 300);
	cr_expect_eq(list[3].id, 70000);
	expect_info_eq(&list[0], &b1);
	expect_info_eq(&list[1], &b2);
	expect_info_eq(&list[2], &b3);
	expect_info_eq(&list[3], &b4);
	free(list);
	store_txn_abort(txn);

	/* Overwrite and delete. */
	txn = wtxn();
	b1.state = BATCH_RETIRED;
	b1.retired_at = 1;
	cr_assert_eq(store_batch_put(st, txn, &b1), 0);
	cr_assert_eq(store_batch_del(st, txn, 2), 0);
	cr_expect_eq(store_batch_del(st, txn, 2), 0, "deleting a missing "
	    "batch");
	cr_expect_eq(store_batch_get(st, txn, 2, &got), -ENOENT);
	commit(txn);
	txn = rtxn();
	cr_assert_eq(store_batch_get(st, txn, 1, &got), 0);
	expect_info_eq(&got, &b1);
	cr_assert_eq(store_batch_list(st, txn, &list, &n), 0);
	cr_expect_eq(n, 3);
	cr_expect_eq(list[0].id, 1);
	cr_expect_eq(list[1].id, 300);
	free(list);
	store_txn_abort(txn);
}

Test(store, batch_list_empty_and_many)
{
	struct batch_info b, *list = (void *)1;
	size_t n = 99;
	MDB_txn *txn;

	open_db();
	txn = rtxn();
	cr_assert_eq(store_batch_list(st, txn, &list, &n), 0);
	cr_expect_eq(n, 0);
	free(list);
	store_txn_abort(txn);

	txn = wtxn();
	for (uint32_t i = 1; i <= 100; i++) {
		uint32_t id;

		cr_assert_eq(store_batch_new_id(st, txn, &id), 0);
		cr_assert_eq(id, i);
		fill_info(&b, id, "many");
		cr_assert_eq(store_batch_put(st, txn, &b), 0);
	}
	commit(txn);
	txn = rtxn();
	cr_assert_eq(store_batch_list(st, txn, &list, &n), 0);
	cr_assert_eq(n, 100);
	for (size_t i = 0; i < n; i++)
		cr_expect_eq(list[i].id, i + 1);
	free(list);
	store_txn_abort(txn);
}

Test(store, batch_source_truncated)
{
	struct batch_info b, got;
	MDB_txn *txn;

	open_db();
	fill_info(&b, 1, "");
	memset(b.source, 's', sizeof(b.source));	/* not terminated */
	txn = wtxn();
	cr_assert_eq(store_batch_put(st, txn, &b), 0);
	cr_assert_eq(store_batch_get(st, txn, 1, &got), 0);
	cr_expect_eq(strlen(got.source), sizeof(got.source) - 1);
	commit(txn);
}

Test(store, batch_state_names)
{
	cr_expect_str_eq(batch_state_name(BATCH_LOADING), "loading");
	cr_expect_str_eq(batch_state_name(BATCH_LIVE), "live");
	cr_expect_str_eq(batch_state_name(BATCH_RETIRED), "retired");
	cr_expect_str_eq(batch_state_name(BATCH_ABORTED), "aborted");
	cr_expect_str_eq(batch_state_name((enum batch_state)99), "unknown");
}

Test(store, data_version_moves_only_with_visible_data)
{
	struct batch_info b;
	uint64_t v0, v1;
	MDB_txn *txn;

	open_db();
	v0 = store_data_version(st);
	cr_expect_eq(v0, 0, "a new store is at version 0");
	/* Writes readers cannot see (a loading record, audit) keep it. */
	txn = wtxn();
	fill_info(&b, 1, "x");
	cr_assert_eq(store_batch_put(st, txn, &b), 0);
	cr_assert_eq(store_audit(st, txn, "{\"x\":1}"), 0);
	commit(txn);
	cr_expect_eq(store_data_version(st), v0);
	txn = wtxn();
	cr_assert_eq(store_version_bump(st, txn), 0);
	cr_expect_eq(store_txn_version(st, txn), v0 + 1);
	commit(txn);
	v1 = store_data_version(st);
	cr_expect_eq(v1, v0 + 1);
	/* Aborted transactions change nothing. */
	txn = wtxn();
	cr_assert_eq(store_version_bump(st, txn), 0);
	store_txn_abort(txn);
	cr_expect_eq(store_data_version(st), v1);
	/* Another handle on the same directory sees the same version. */
	{
		store_t *st2;

		cr_assert_eq(store_open(dbdir, 1, &st2, err, sizeof(err)), 0);
		cr_expect_eq(store_data_version(st2), v1);
		store_close(st2);
	}
}

/* The batch writer ------------------------------------------------------ */

Test(store, batch_small_round_trip)
{
	struct batch_result res;
	struct seen s = { 0 };
	struct batch_info bi;
	uint64_t v0;
	batch_t *b;
	MDB_txn *txn;

	open_db();
	v0 = store_data_version(st);
	b = begin(KIND_SPEND, "small.csv", 0);
	batch_hash(b, "small", 5);
	/* Row 0: everything set. */
	batch_i32(b, SP_DATE, 20179);
	cr_assert_eq(batch_str(b, SP_ORG, "Org A", 5), 0);
	cr_assert_eq(batch_str(b, SP_SERVICE, "Svc", 3), 0);
	cr_assert_eq(batch_str(b, SP_SUPPLIER, "Acme", 4), 0);
	cr_assert_eq(batch_str(b, SP_DESCRIPTION, "Desc", 4), 0);
	cr_assert_eq(batch_str(b, SP_ACCOUNT, "4100", 4), 0);
	batch_i64(b, SP_AMOUNT, 123456);
	cr_assert_eq(batch_str(b, SP_PLACE, "E05000001", 9), 0);
	cr_assert_eq(batch_str(b, SP_COHORT, "older", 5), 0);
	cr_assert_eq(batch_str(b, SP_PERSON, "0123456789abcdef0123456789abcdef",
	    32), 0);
	cr_assert_eq(batch_str(b, SP_FUNDER, "LA", 2), 0);
	cr_assert_eq(batch_row(b, 2), 0);
	/* Row 1: nothing set. */
	cr_assert_eq(batch_row(b, 3), 0);
	/* Row 2: an empty string, a negative amount, the same supplier. */
	cr_assert_eq(batch_str(b, SP_ORG, "", 0), 0);
	cr_assert_eq(batch_str(b, SP_SUPPLIER, "Acme", 4), 0);
	batch_i64(b, SP_AMOUNT, -1);
	batch_i32(b, SP_DATE, 0);
	cr_assert_eq(batch_row(b, 7), 0);
	batch_rejected(b, 2);
	cr_expect_eq(batch_rows(b), 3);

	/* Invisible while loading. */
	scan_all(KIND_SPEND, &s);
	cr_expect_eq(s.nsegs, 0, "a loading batch is visible");
	cr_assert_eq(nbatches(), 1);
	cr_expect_eq(batch_state(1, &bi), BATCH_LOADING);
	cr_expect_eq(bi.pid, (int32_t)getpid());

	cr_assert_eq(batch_commit(b, &res, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(res.id, 1);
	cr_expect_eq(res.rows, 3);
	cr_expect_eq(res.rejected, 2);
	cr_expect_eq(res.same_as, 0);
	cr_expect_eq(res.nretired, 0);
	cr_expect_gt(res.data_version, v0);
	cr_expect_eq(res.data_version, store_data_version(st));

	cr_expect_eq(batch_state(1, &bi), BATCH_LIVE);
	cr_expect_eq(bi.kind, KIND_SPEND);
	cr_expect_eq(bi.rows, 3);
	cr_expect_eq(bi.rejected, 2);
	cr_expect_eq(bi.nsegs, 1);
	cr_expect_eq(bi.pid, 0);
	cr_expect_eq(bi.retired_at, 0);
	cr_expect_gt(bi.loaded_at, 1700000000);
	cr_expect_str_eq(bi.source, "small.csv");
	{
		static const uint8_t zero[32];

		cr_expect_neq(memcmp(bi.hash, zero, 32), 0, "no hash");
	}

	txn = rtxn();
	{
		const void *date, *org, *sup, *person, *line, *svc, *amt;
		const void *d;
		size_t len;

		s = (struct seen){ 0 };
		cr_assert_eq(scan_kind(st, txn, KIND_SPEND, seen_cb, &s), 0);
		cr_assert_eq(s.nsegs, 1);
		cr_expect_eq(s.nrows[0], 3);
		cr_expect_eq(s.batch[0], 1);
		cr_expect_eq(s.segno[0], 0);
		/* The same arrays, straight from the segments. */
#define COL(c, p) do { \
	cr_assert_eq(store_seg_get(st, txn, KIND_SPEND, 1, (c), 0, &d, \
	    &len), 0); \
	cr_assert_eq(len, 3 * schema_width(schema_coltype(KIND_SPEND, (c)))); \
	(p) = d; \
} while (0)
		COL(SP_DATE, date);
		COL(SP_ORG, org);
		COL(SP_SERVICE, svc);
		COL(SP_SUPPLIER, sup);
		COL(SP_AMOUNT, amt);
		COL(SP_PERSON, person);
		COL(SP_LINE, line);
#undef COL
		cr_expect_eq(i32_at(date, 0), 20179);
		cr_expect_eq(i32_at(date, 1), DATE_NULL);
		cr_expect_eq(i32_at(date, 2), 0);
		cr_expect_eq(i64_at(amt, 0), 123456);
		cr_expect_eq(i64_at(amt, 1), MONEY_NULL);
		cr_expect_eq(i64_at(amt, 2), -1);
		cr_expect_eq(u32_at(org, 0), 1);
		cr_expect_eq(u32_at(org, 1), 0);
		cr_expect_eq(u32_at(org, 2), 0);
		cr_expect_eq(u32_at(svc, 1), 0);
		cr_expect_eq(u32_at(sup, 0), 1);
		cr_expect_eq(u32_at(sup, 2), 1);
		cr_expect_eq(u32_at(person, 1), 0);
		cr_expect_eq(u32_at(line, 0), 2);
		cr_expect_eq(u32_at(line, 1), 3);
		cr_expect_eq(u32_at(line, 2), 7);
		expect_str(txn, "org", u32_at(org, 0), "Org A");
		expect_str(txn, "supplier", u32_at(sup, 0), "Acme");
		expect_str(txn, "person", u32_at(person, 0),
		    "0123456789abcdef0123456789abcdef");
		cr_assert_eq(store_seg_get(st, txn, KIND_SPEND, 1, SP_DATE, 1,
		    &d, &len), -ENOENT, "a second segment");
	}
	store_txn_abort(txn);
}

/* The big batch: row i of N. */
#define BIG_N	(STORE_SEGROWS * 2 + 5)

static int32_t
big_date(uint32_t i)
{
	return (i % 3 == 0 ? DATE_NULL : (int32_t)(18000 + i % 4000));
}

static int64_t
big_amount(uint32_t i)
{
	return (i % 5 == 0 ? MONEY_NULL : (int64_t)i * 37 - 1000000);
}

static int
big_check(struct seen *s, const struct scan_seg *seg)
{
	const void *date = seg->col[SP_DATE], *amt = seg->col[SP_AMOUNT],
	    *sup = seg->col[SP_SUPPLIER], *org = seg->col[SP_ORG],
	    *person = seg->col[SP_PERSON], *place = seg->col[SP_PLACE],
	    *line = seg->col[SP_LINE];
	uint32_t sup_ids[50] = { 0 };

	/* Supplier ids by name, once per segment. */
	for (int k = 0; k < 50; k++) {
		char buf[16];
		int n = snprintf(buf, sizeof(buf), "supplier %d", k);

		if (store_dict_find(st, s->txn, "supplier", buf, (size_t)n,
		    &sup_ids[k]) != 0) {
			s->bad++;
			snprintf(s->first_bad, sizeof(s->first_bad),
			    "supplier %d not in the dictionary", k);
			return (0);
		}
	}
	for (uint32_t r = 0; r < seg->nrows; r++) {
		uint32_t i = seg->segno * STORE_SEGROWS + r;
		const char *what = NULL;

		if (i32_at(date, r) != big_date(i))
			what = "date";
		else if (i64_at(amt, r) != big_amount(i))
			what = "amount";
		else if (u32_at(sup, r) != sup_ids[i % 50])
			what = "supplier";
		else if (u32_at(org, r) != (i % 2 ? 0u : 1u))
			what = "org";
		else if (u32_at(person, r) != 0 || u32_at(place, r) != 0)
			what = "unset string";
		else if (u32_at(line, r) != i + 2)
			what = "line";
		if (what && s->bad++ == 0)
			snprintf(s->first_bad, sizeof(s->first_bad),
			    "segment %u row %u (record %u): %s", seg->segno,
			    r, i, what);
	}
	return (0);
}

Test(store, batch_many_segments, .timeout = 120)
{
	struct batch_result res;
	struct seen s = { 0 };
	struct batch_info bi;
	batch_t *b;

	open_db();
	b = begin(KIND_SPEND, "big.csv", 0);
	batch_hash(b, "big", 3);
	for (uint32_t i = 0; i < BIG_N; i++) {
		char buf[16];
		int n = snprintf(buf, sizeof(buf), "supplier %u", i % 50);

		if (big_date(i) != DATE_NULL)
			batch_i32(b, SP_DATE, big_date(i));
		if (big_amount(i) != MONEY_NULL)
			batch_i64(b, SP_AMOUNT, big_amount(i));
		if (batch_str(b, SP_SUPPLIER, buf, (size_t)n) != 0)
			cr_assert_fail("batch_str at row %u", i);
		if (i % 2 == 0 && batch_str(b, SP_ORG, "org", 3) != 0)
			cr_assert_fail("batch_str at row %u", i);
		if (batch_row(b, i + 2) != 0)
			cr_assert_fail("batch_row at row %u", i);
	}
	cr_expect_eq(batch_rows(b), BIG_N);
	/* Two full segments are committed already, but nothing is seen. */
	cr_expect(seg_exists(KIND_SPEND, 1, SP_LINE, 1));
	cr_expect(!seg_exists(KIND_SPEND, 1, SP_LINE, 2));
	scan_all(KIND_SPEND, &s);
	cr_expect_eq(s.nsegs, 0);

	cr_assert_eq(batch_commit(b, &res, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(res.rows, BIG_N);
	cr_expect_eq(batch_state(res.id, &bi), BATCH_LIVE);
	cr_expect_eq(bi.nsegs, 3);
	cr_expect_eq(bi.rows, BIG_N);

	s = (struct seen){ .check = big_check };
	scan_all(KIND_SPEND, &s);
	cr_assert_eq(s.nsegs, 3);
	cr_expect_eq(s.nrows[0], STORE_SEGROWS);
	cr_expect_eq(s.nrows[1], STORE_SEGROWS);
	cr_expect_eq(s.nrows[2], 5);
	for (int i = 0; i < 3; i++) {
		cr_expect_eq(s.segno[i], (uint32_t)i);
		cr_expect_eq(s.batch[i], res.id);
	}
	cr_expect_eq(s.rows, BIG_N);
	cr_expect_eq(s.bad, 0, "%llu bad values, first: %s",
	    (unsigned long long)s.bad, s.first_bad);
	/* Other kinds see nothing. */
	s = (struct seen){ 0 };
	scan_all(KIND_ACTIVITY, &s);
	cr_expect_eq(s.nsegs, 0);
}

Test(store, batch_exact_segment_multiple, .timeout = 60)
{
	struct batch_result res;
	struct seen s = { 0 };
	struct batch_info bi;
	batch_t *b;

	open_db();
	b = begin(KIND_OUTCOME, "exact", 0);
	batch_hash(b, "exact", 5);
	for (uint32_t i = 0; i < STORE_SEGROWS; i++) {
		batch_i64(b, 5, (int64_t)i * 10000);
		cr_assert_eq(batch_row(b, i + 1), 0);
	}
	cr_assert_eq(batch_commit(b, &res, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(batch_state(res.id, &bi), BATCH_LIVE);
	cr_expect_eq(bi.nsegs, 1, "no empty trailing segment");
	scan_all(KIND_OUTCOME, &s);
	cr_expect_eq(s.nsegs, 1);
	cr_expect_eq(s.nrows[0], STORE_SEGROWS);
}

Test(store, batch_empty)
{
	struct batch_result res;
	struct seen s = { 0 };
	struct batch_info bi;
	batch_t *b;

	open_db();
	b = begin(KIND_SERVICE, "empty", 0);
	batch_hash(b, "empty", 5);
	cr_assert_eq(batch_commit(b, &res, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(res.rows, 0);
	cr_expect_eq(batch_state(res.id, &bi), BATCH_LIVE);
	cr_expect_eq(bi.nsegs, 0);
	scan_all(KIND_SERVICE, &s);
	cr_expect_eq(s.nsegs, 0);
}

Test(store, batch_unset_columns_each_kind)
{
	for (kind_t k = 0; k < KIND_MAX; k++) {
		int ncols = schema_ncols(k);
		struct batch_result res;
		struct seen s = { 0 };
		MDB_txn *txn;
		batch_t *b;

		if (st == NULL)
			open_db();
		b = begin(k, schema_kind(k)->name, 0);
		batch_hash(b, schema_kind(k)->name, 3);
		cr_assert_eq(batch_row(b, 41), 0);
		cr_assert_eq(batch_commit(b, &res, err, sizeof(err)), 0);
		scan_all(k, &s);
		cr_assert_eq(s.nsegs, 1, "kind %d", k);
		txn = rtxn();
		for (int c = 0; c < ncols; c++) {
			const void *d;
			size_t len;

			cr_assert_eq(store_seg_get(st, txn, k, res.id, c, 0,
			    &d, &len), 0);
			switch (schema_coltype(k, c)) {
			case FT_MONEY:
			case FT_NUM:
				cr_expect_eq(len, 8);
				cr_expect_eq(i64_at(d, 0), MONEY_NULL,
				    "%s.%s", schema_kind(k)->name,
				    schema_colname(k, c));
				break;
			case FT_DATE:
				cr_expect_eq(len, 4);
				cr_expect_eq(i32_at(d, 0), DATE_NULL,
				    "%s.%s", schema_kind(k)->name,
				    schema_colname(k, c));
				break;
			case FT_LINE:
				cr_expect_eq(u32_at(d, 0), 41);
				break;
			default:
				cr_expect_eq(len, 4);
				cr_expect_eq(u32_at(d, 0), 0,
				    "%s.%s", schema_kind(k)->name,
				    schema_colname(k, c));
			}
		}
		store_txn_abort(txn);
	}
}

Test(store, batch_values_do_not_leak_between_rows)
{
	struct batch_result res;
	MDB_txn *txn;
	const void *d;
	size_t len;
	batch_t *b;

	open_db();
	b = begin(KIND_SPEND, "leak", 0);
	batch_hash(b, "leak", 4);
	batch_i64(b, SP_AMOUNT, 5);
	batch_i32(b, SP_DATE, 5);
	cr_assert_eq(batch_str(b, SP_PLACE, "P", 1), 0);
	cr_assert_eq(batch_row(b, 1), 0);
	cr_assert_eq(batch_row(b, 2), 0);
	cr_assert_eq(batch_commit(b, &res, err, sizeof(err)), 0);
	txn = rtxn();
	cr_assert_eq(store_seg_get(st, txn, KIND_SPEND, res.id, SP_AMOUNT, 0,
	    &d, &len), 0);
	cr_expect_eq(i64_at(d, 1), MONEY_NULL);
	cr_assert_eq(store_seg_get(st, txn, KIND_SPEND, res.id, SP_DATE, 0,
	    &d, &len), 0);
	cr_expect_eq(i32_at(d, 1), DATE_NULL);
	cr_assert_eq(store_seg_get(st, txn, KIND_SPEND, res.id, SP_PLACE, 0,
	    &d, &len), 0);
	cr_expect_eq(u32_at(d, 1), 0);
	store_txn_abort(txn);
}

/*
 * scan.h hands out column arrays that callers index as int64_t / int32_t /
 * uint32_t (cmd_data.c does), so each must be aligned to its value width.
 */
struct align {
	uint64_t	cols, bad;
	char		first[160];
};

static int
align_cb(void *arg, const struct scan_seg *seg)
{
	struct align *a = arg;
	kind_t k = seg->batch->kind;

	for (int c = 0; c < schema_ncols(k); c++) {
		size_t w = schema_width(schema_coltype(k, c));

		a->cols++;
		if ((uintptr_t)seg->col[c] % w != 0 && a->bad++ == 0)
			snprintf(a->first, sizeof(a->first), "batch %u "
			    "(%u rows) column %s at %p, not %zu-byte aligned",
			    seg->batch->id, seg->nrows, schema_colname(k, c),
			    seg->col[c], w);
	}
	return (0);
}

Test(store, scan_columns_aligned, .timeout = 60)
{
	static const int sizes[] = { 1, 3, 100, 1000, STORE_SEGROWS + 5 };
	struct batch_result res;
	struct align a = { 0 };
	MDB_txn *txn;
	char tag[16];

	open_db();
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		snprintf(tag, sizeof(tag), "align%zu", i);
		load_small(tag, 0, tag, sizes[i], 0, &res);
	}
	txn = rtxn();
	cr_assert_eq(scan_kind(st, txn, KIND_SPEND, align_cb, &a), 0);
	store_txn_abort(txn);
	cr_expect_eq(a.cols, (uint64_t)SP_NCOLS * 6);
	cr_expect_eq(a.bad, 0, "%llu of %llu column arrays misaligned; "
	    "first: %s", (unsigned long long)a.bad,
	    (unsigned long long)a.cols, a.first);
}

Test(store, batch_ids_increase)
{
	struct batch_result r1, r2, r3;

	open_db();
	load_small("a", 0, "one", 3, 0, &r1);
	load_small("b", 0, "two", 3, 0, &r2);
	load_small("c", 0, "three", 3, 0, &r3);
	cr_expect_eq(r1.id, 1);
	cr_expect_gt(r2.id, r1.id);
	cr_expect_gt(r3.id, r2.id);
	cr_expect_gt(r2.data_version, r1.data_version);
	cr_expect_gt(r3.data_version, r2.data_version);
	cr_expect_eq(nbatches(), 3);
}

Test(store, batch_same_content)
{
	struct batch_result r1, r2, r3;
	struct amounts a;

	open_db();
	load_small("first.csv", 0, "content", 10, 100, &r1);
	cr_expect_eq(r1.same_as, 0);
	load_small("second.csv", 0, "content", 10, 100, &r2);
	cr_expect_eq(r2.same_as, r1.id, "same_as %u, want %u", r2.same_as,
	    r1.id);
	cr_expect_eq(nbatches(), 1, "a second batch was kept");
	cr_expect_eq(batch_state(r1.id, NULL), BATCH_LIVE);
	if (r2.id != r1.id)
		cr_expect(!seg_exists(KIND_SPEND, r2.id, 0, 0),
		    "the duplicate's segments were kept");
	scan_amounts(&a);
	cr_expect_eq(a.rows, 10, "rows seen twice");
	cr_expect_eq(a.nids, 1);
	/* replace=1 with the same content: still the same, nothing retired */
	load_small("first.csv", 1, "content", 10, 100, &r3);
	cr_expect_eq(r3.same_as, r1.id);
	cr_expect_eq(r3.nretired, 0);
	cr_expect_eq(batch_state(r1.id, NULL), BATCH_LIVE);
	/* The same hash in another kind is different content. */
	{
		struct batch_result r4;
		batch_t *b = begin(KIND_ACTIVITY, "first.csv", 0);

		batch_hash(b, "content", 7);
		cr_assert_eq(batch_row(b, 1), 0);
		cr_assert_eq(batch_commit(b, &r4, err, sizeof(err)), 0);
		cr_expect_eq(r4.same_as, 0);
		cr_expect_eq(batch_state(r4.id, NULL), BATCH_LIVE);
	}
}

Test(store, batch_same_content_multi_segment, .timeout = 120)
{
	struct batch_result r1, r2;

	open_db();
	load_small("x", 0, "dup", STORE_SEGROWS + 3, 0, &r1);
	load_small("y", 0, "dup", STORE_SEGROWS + 3, 0, &r2);
	cr_expect_eq(r2.same_as, r1.id);
	cr_expect_eq(nbatches(), 1);
	if (r2.id != r1.id) {
		cr_expect(!seg_exists(KIND_SPEND, r2.id, 0, 0));
		cr_expect(!seg_exists(KIND_SPEND, r2.id, 0, 1));
	}
	cr_expect(seg_exists(KIND_SPEND, r1.id, 0, 1));
}

Test(store, batch_replace)
{
	struct batch_result r1, r2, r3, r4;
	struct batch_info bi;
	struct amounts a;

	open_db();
	load_small("monthly.csv", 0, "jan", 4, 1000, &r1);
	load_small("other.csv", 0, "other", 2, 5000, &r2);
	/* Without replace both copies of a source are live. */
	load_small("monthly.csv", 0, "feb", 3, 2000, &r3);
	cr_expect_eq(r3.nretired, 0);
	cr_expect_eq(batch_state(r1.id, NULL), BATCH_LIVE);
	scan_amounts(&a);
	cr_expect_eq(a.rows, 9);

	/* With replace every live batch of the source is retired. */
	load_small("monthly.csv", 1, "mar", 2, 3000, &r4);
	cr_expect_eq(r4.same_as, 0);
	cr_expect_eq(r4.nretired, 2);
	cr_expect((r4.retired[0] == r1.id && r4.retired[1] == r3.id) ||
	    (r4.retired[0] == r3.id && r4.retired[1] == r1.id));
	cr_expect_eq(batch_state(r1.id, &bi), BATCH_RETIRED);
	cr_expect_gt(bi.retired_at, 0);
	cr_expect_eq(batch_state(r3.id, NULL), BATCH_RETIRED);
	cr_expect_eq(batch_state(r2.id, NULL), BATCH_LIVE, "another source "
	    "was retired");
	cr_expect_eq(batch_state(r4.id, NULL), BATCH_LIVE);
	/* Retired data stays on disk but out of sight. */
	cr_expect(seg_exists(KIND_SPEND, r1.id, SP_AMOUNT, 0));
	scan_amounts(&a);
	cr_expect_eq(a.rows, 4);
	cr_expect_eq(a.sum, (5000 + 5001) + (3000 + 3001));
	cr_expect_eq(a.nids, 2);
	cr_expect_eq(a.ids[0], r2.id);
	cr_expect_eq(a.ids[1], r4.id);
}

Test(store, batch_replace_other_kind_untouched)
{
	struct batch_result r1, r2;
	batch_t *b;

	open_db();
	b = begin(KIND_ACTIVITY, "shared.csv", 0);
	batch_hash(b, "act", 3);
	cr_assert_eq(batch_row(b, 1), 0);
	cr_assert_eq(batch_commit(b, &r1, err, sizeof(err)), 0);
	load_small("shared.csv", 1, "spend", 2, 0, &r2);
	cr_expect_eq(r2.nretired, 0);
	cr_expect_eq(batch_state(r1.id, NULL), BATCH_LIVE);
}

Test(store, batch_abort_leaves_nothing, .timeout = 60)
{
	struct seen s = { 0 };
	struct batch_result r1;
	uint32_t id;
	batch_t *b;

	open_db();
	load_small("kept", 0, "kept", 2, 0, &r1);
	b = begin(KIND_SPEND, "aborted", 0);
	batch_hash(b, "aborted", 7);
	for (uint32_t i = 0; i < STORE_SEGROWS + 10; i++)
		if (batch_row(b, i) != 0)
			cr_assert_fail("batch_row %u", i);
	cr_assert_eq(nbatches(), 2);
	id = r1.id + 1;
	cr_expect_eq(batch_state(id, NULL), BATCH_LOADING);
	cr_expect(seg_exists(KIND_SPEND, id, 0, 0), "first segment not "
	    "committed while loading");
	batch_abort(b);
	cr_expect_eq(nbatches(), 1, "the aborted batch is still listed");
	cr_expect_eq(batch_state(id, NULL), -ENOENT);
	for (int c = 0; c < SP_NCOLS; c++)
		cr_expect(!seg_exists(KIND_SPEND, id, c, 0),
		    "column %d segment 0 survived the abort", c);
	scan_all(KIND_SPEND, &s);
	cr_expect_eq(s.rows, 2);
	cr_expect_eq(batch_state(r1.id, NULL), BATCH_LIVE);

	/* An abort before anything was written. */
	b = begin(KIND_SPEND, "aborted2", 0);
	batch_abort(b);
	cr_expect_eq(nbatches(), 1);
}

Test(store, batch_retire)
{
	struct batch_result r1, r2;
	struct batch_info bi;
	struct amounts a;
	int rc;

	open_db();
	load_small("a", 0, "a", 3, 10, &r1);
	load_small("b", 0, "b", 2, 20, &r2);
	err[0] = '\0';
	rc = batch_retire(st, r1.id, "tester", err, sizeof(err));
	cr_expect_eq(rc, 0, "retire: %s", err);
	cr_expect_eq(batch_state(r1.id, &bi), BATCH_RETIRED);
	cr_expect_gt(bi.retired_at, 0);
	cr_expect_eq(bi.rows, 3);
	scan_amounts(&a);
	cr_expect_eq(a.rows, 2);
	cr_expect_eq(a.sum, 20 + 21);

	err[0] = '\0';
	rc = batch_retire(st, r1.id, "tester", err, sizeof(err));
	cr_expect_lt(rc, 0, "retiring a retired batch succeeded");
	cr_expect_neq(err[0], '\0', "no message");
	cr_expect_not_null(strstr(err, "retired"), "message \"%s\"", err);
	cr_expect_eq(batch_state(r1.id, NULL), BATCH_RETIRED);

	err[0] = '\0';
	rc = batch_retire(st, 999, NULL, err, sizeof(err));
	cr_expect_lt(rc, 0);
	cr_expect_not_null(strstr(err, "999"), "message \"%s\"", err);

	/* The store is still writable afterwards (no txn left open). */
	{
		struct batch_result r3;

		load_small("c", 0, "c", 1, 0, &r3);
		cr_expect_eq(batch_state(r3.id, NULL), BATCH_LIVE);
	}
}

Test(store, batch_retire_loading_refused)
{
	struct batch_info bi;
	batch_t *b;
	int rc;

	open_db();
	b = begin(KIND_SPEND, "busy", 0);
	cr_assert_eq(batch_row(b, 1), 0);
	batch_abort(b);
	/* A loading record (of a live process: this one). */
	{
		MDB_txn *txn = wtxn();

		fill_info(&bi, 1, "loading");
		bi.kind = KIND_SPEND;
		bi.state = BATCH_LOADING;
		bi.pid = (int32_t)getpid();
		cr_assert_eq(store_batch_put(st, txn, &bi), 0);
		commit(txn);
	}
	rc = batch_retire(st, 1, NULL, err, sizeof(err));
	cr_expect_lt(rc, 0);
	cr_expect_not_null(strstr(err, "loading"), "message \"%s\"", err);
	cr_expect_eq(batch_state(1, NULL), BATCH_LOADING);
}

/* Dead loaders -------------------------------------------------------- */

/* A pid that is certainly not running: a child that has been reaped. */
static pid_t
dead_pid(void)
{
	pid_t pid = fork();
	int status;

	cr_assert_geq(pid, 0);
	if (pid == 0)
		_exit(0);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	return (pid);
}

static void
expect_reaped(uint32_t id, int had_segs)
{
	struct batch_info bi;

	cr_expect_eq(batch_state(id, &bi), BATCH_ABORTED, "batch %u is %s",
	    id, batch_state_name(bi.state));
	cr_expect_eq(bi.rows, 0);
	cr_expect_eq(bi.nsegs, 0);
	for (int c = 0; c < SP_NCOLS; c++)
		for (uint32_t s = 0; s < 3; s++)
			cr_expect(!seg_exists(KIND_SPEND, id, c, s),
			    "segment %d/%u of the dead batch survived", c, s);
	(void)had_segs;
}

Test(store, reap_dead_loader_record)
{
	struct batch_result r1, r2;
	struct batch_info bi;
	struct amounts a;
	char buf[64];
	MDB_txn *txn;

	memset(buf, 1, sizeof(buf));
	open_db();
	load_small("live", 0, "live", 3, 100, &r1);
	/* A record a killed loader would leave: loading, its pid, data. */
	txn = wtxn();
	fill_info(&bi, r1.id + 1, "killed.csv");
	bi.kind = KIND_SPEND;
	bi.state = BATCH_LOADING;
	bi.pid = (int32_t)dead_pid();
	bi.nsegs = 0;
	bi.rows = 0;
	cr_assert_eq(store_batch_put(st, txn, &bi), 0);
	for (int c = 0; c < SP_NCOLS; c++)
		for (uint32_t s = 0; s < 2; s++)
			cr_assert_eq(store_seg_put(st, txn, KIND_SPEND, bi.id,
			    c, s, buf, 8), 0);
	/* And one of a live process, which must be left alone. */
	fill_info(&bi, r1.id + 2, "running.csv");
	bi.kind = KIND_SPEND;
	bi.state = BATCH_LOADING;
	bi.pid = (int32_t)getppid();
	cr_assert_eq(store_batch_put(st, txn, &bi), 0);
	cr_assert_eq(store_seg_put(st, txn, KIND_SPEND, bi.id, 0, 0, buf, 8),
	    0);
	commit(txn);

	scan_amounts(&a);
	cr_expect_eq(a.rows, 3, "a loading batch is visible");

	load_small("next", 0, "next", 2, 200, &r2);
	cr_expect_gt(r2.id, r1.id + 2, "id %u reused", r2.id);
	expect_reaped(r1.id + 1, 1);
	cr_expect_eq(batch_state(r1.id + 2, NULL), BATCH_LOADING,
	    "a running loader's batch was reaped");
	cr_expect(seg_exists(KIND_SPEND, r1.id + 2, 0, 0));
	cr_expect_eq(batch_state(r1.id, NULL), BATCH_LIVE);
	scan_amounts(&a);
	cr_expect_eq(a.rows, 5);
	cr_expect_eq(a.sum, 100 + 101 + 102 + 200 + 201);
}

/* A real loader process that dies after committing a segment. */
Test(store, reap_killed_loader_process, .timeout = 120)
{
	struct batch_result r1, r2;
	struct batch_info bi;
	struct seen s = { 0 };
	int status;
	pid_t pid;

	open_db();
	load_small("before", 0, "before", 2, 7, &r1);
	/* LMDB environments must not cross fork(): the child opens its own
	 * and the parent's is closed meanwhile. */
	store_close(st);
	st = NULL;
	fflush(NULL);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		struct batch_opts o = { "doomed.csv", 0, "child" };
		store_t *cst;
		batch_t *b;
		char e[256];

		if (store_open(dbdir, 0, &cst, e, sizeof(e)) != 0)
			_exit(2);
		if (batch_begin(cst, KIND_SPEND, &o, &b, e, sizeof(e)) != 0)
			_exit(3);
		batch_hash(b, "doomed", 6);
		for (uint32_t i = 0; i < STORE_SEGROWS + 100; i++) {
			batch_i64(b, SP_AMOUNT, 1000000);
			if (batch_row(b, i + 2) != 0)
				_exit(4);
		}
		/* Die mid-batch, a write transaction open. */
		_exit(0);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "child failed: status %d", status);

	open_db();
	cr_assert_eq(batch_state(r1.id + 1, &bi), BATCH_LOADING);
	cr_expect_eq(bi.pid, (int32_t)pid);
	cr_expect_str_eq(bi.source, "doomed.csv");
	cr_expect(seg_exists(KIND_SPEND, r1.id + 1, SP_AMOUNT, 0),
	    "the child's first segment was not committed");
	scan_all(KIND_SPEND, &s);
	cr_expect_eq(s.rows, 2, "the dead loader's rows are visible");

	load_small("after", 0, "after", 3, 70, &r2);
	expect_reaped(r1.id + 1, 1);
	cr_expect_eq(batch_state(r1.id, NULL), BATCH_LIVE);
	cr_expect_eq(batch_state(r2.id, NULL), BATCH_LIVE);
	{
		struct amounts a;

		scan_amounts(&a);
		cr_expect_eq(a.rows, 5);
		cr_expect_eq(a.sum, 7 + 8 + 70 + 71 + 72);
	}
	/* And again after a reopen: still aborted, still invisible. */
	reopen_db();
	cr_expect_eq(batch_state(r1.id + 1, NULL), BATCH_ABORTED);
	s = (struct seen){ 0 };
	scan_all(KIND_SPEND, &s);
	cr_expect_eq(s.rows, 5);
}

/*
 * A batch_begin that fails must not keep the write transaction: every
 * other writer would wait for ever.  A batch record that does not decode
 * (here a bad kind) makes the reaper fail.  Another process then tries to
 * write, and is killed if it is still waiting after 5 seconds.
 */
Test(store, batch_begin_failure_releases_writer, .timeout = 60)
{
	struct batch_opts o = { "x", 0, NULL };
	struct batch_info bi;
	MDB_txn *txn;
	batch_t *b = NULL;
	int rc, status, waited;
	pid_t pid, w;

	open_db();
	txn = wtxn();
	fill_info(&bi, 1, "corrupt");
	bi.kind = KIND_MAX;
	cr_assert_eq(store_batch_put(st, txn, &bi), 0);
	commit(txn);
	rc = batch_begin(st, KIND_SPEND, &o, &b, err, sizeof(err));
	cr_expect_lt(rc, 0);
	cr_expect_neq(err[0], '\0');

	fflush(NULL);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		store_t *cst;
		MDB_txn *ct;
		char e[256];

		if (store_open(dbdir, 0, &cst, e, sizeof(e)) != 0 ||
		    store_txn_begin(cst, 0, &ct) != 0)
			_exit(2);
		store_txn_abort(ct);
		store_close(cst);
		_exit(0);
	}
	for (waited = 0; (w = waitpid(pid, &status, WNOHANG)) == 0 &&
	    waited < 50; waited++)
		usleep(100000);
	if (w == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		cr_assert_fail("after a failed batch_begin no other process "
		    "can write: the write transaction was leaked");
	}
	cr_assert_eq(w, pid);
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "writer process status %d", status);
}

/* strmap ------------------------------------------------------------- */

Test(strmap, put_get_overwrite_clear, .timeout = 60)
{
	enum { N = 100000 };
	strmap_t m;
	char buf[32];
	uint32_t v;

	strmap_init(&m);
	cr_expect_eq(strmap_len(&m), 0);
	cr_expect_eq(strmap_get(&m, "x", 1, &v), 0, "get on an empty map");
	for (uint32_t i = 0; i < N; i++) {
		int n = snprintf(buf, sizeof(buf), "key-%u", i);

		if (strmap_put(&m, buf, (size_t)n, i * 7 + 1) != 0)
			cr_assert_fail("put %u", i);
	}
	cr_expect_eq(strmap_len(&m), N);
	for (uint32_t i = 0; i < N; i++) {
		int n = snprintf(buf, sizeof(buf), "key-%u", i);

		v = 0;
		if (!strmap_get(&m, buf, (size_t)n, &v) || v != i * 7 + 1)
			cr_assert_fail("get %u: %u", i, v);
	}
	/* Absent keys, including prefixes and extensions of present ones. */
	cr_expect_eq(strmap_get(&m, "key-", 4, &v), 0);
	cr_expect_eq(strmap_get(&m, "key-1000000", 11, &v), 0);
	cr_expect_eq(strmap_get(&m, "key-1", 4, &v), 0, "prefix found");
	cr_expect_eq(strmap_get(&m, "nope", 4, &v), 0);

	/* Overwrite every other key: the length does not change. */
	for (uint32_t i = 0; i < N; i += 2) {
		int n = snprintf(buf, sizeof(buf), "key-%u", i);

		if (strmap_put(&m, buf, (size_t)n, ~i) != 0)
			cr_assert_fail("overwrite %u", i);
	}
	cr_expect_eq(strmap_len(&m), N);
	for (uint32_t i = 0; i < N; i++) {
		int n = snprintf(buf, sizeof(buf), "key-%u", i);
		uint32_t want = i % 2 ? i * 7 + 1 : ~i;

		v = 0;
		if (!strmap_get(&m, buf, (size_t)n, &v) || v != want)
			cr_assert_fail("after overwrite get %u: %u", i, v);
	}

	strmap_clear(&m);
	cr_expect_eq(strmap_len(&m), 0);
	for (uint32_t i = 0; i < N; i += 997) {
		int n = snprintf(buf, sizeof(buf), "key-%u", i);

		cr_expect_eq(strmap_get(&m, buf, (size_t)n, &v), 0,
		    "key-%u after clear", i);
	}
	/* Usable again after a clear, with different keys. */
	for (uint32_t i = 0; i < N; i++) {
		int n = snprintf(buf, sizeof(buf), "other %u", i);

		if (strmap_put(&m, buf, (size_t)n, i) != 0)
			cr_assert_fail("put after clear %u", i);
	}
	cr_expect_eq(strmap_len(&m), N);
	for (uint32_t i = 0; i < N; i += 13) {
		int n = snprintf(buf, sizeof(buf), "other %u", i);

		v = ~0u;
		cr_expect(strmap_get(&m, buf, (size_t)n, &v) && v == i);
		n = snprintf(buf, sizeof(buf), "key-%u", i);
		cr_expect_eq(strmap_get(&m, buf, (size_t)n, &v), 0);
	}
	strmap_free(&m);
	cr_expect_eq(strmap_len(&m), 0);
	cr_expect_eq(strmap_get(&m, "other 1", 7, &v), 0);
	strmap_free(&m);	/* twice is harmless */
}

Test(strmap, binary_and_long_keys)
{
	strmap_t m;
	char big[100000];
	uint32_t v;

	strmap_init(&m);
	memset(big, 'q', sizeof(big));
	cr_assert_eq(strmap_put(&m, "a\0b", 3, 1), 0);
	cr_assert_eq(strmap_put(&m, "a\0c", 3, 2), 0);
	cr_assert_eq(strmap_put(&m, "a", 1, 3), 0);
	cr_assert_eq(strmap_put(&m, big, sizeof(big), 4), 0);
	cr_assert_eq(strmap_put(&m, big, sizeof(big) - 1, 5), 0);
	cr_expect_eq(strmap_len(&m), 5);
	cr_expect(strmap_get(&m, "a\0b", 3, &v) && v == 1);
	cr_expect(strmap_get(&m, "a\0c", 3, &v) && v == 2);
	cr_expect(strmap_get(&m, "a", 1, &v) && v == 3);
	cr_expect(strmap_get(&m, big, sizeof(big), &v) && v == 4);
	cr_expect(strmap_get(&m, big, sizeof(big) - 1, &v) && v == 5);
	cr_expect_eq(strmap_get(&m, "a\0", 2, &v), 0);
	strmap_free(&m);
}

/* An empty key, given as NULL and 0 (a group with no keys), is a key like
 * any other; once it reached memcpy with a NULL arena (UBSan). */
Test(strmap, empty_key_without_pointer)
{
	strmap_t m;
	uint32_t v = 0;

	strmap_init(&m);
	cr_expect_eq(strmap_get(&m, NULL, 0, &v), 0);
	cr_assert_eq(strmap_put(&m, NULL, 0, 7), 0);
	cr_expect_eq(strmap_get(&m, NULL, 0, &v), 1);
	cr_expect_eq(v, 7);
	cr_expect_eq(strmap_get(&m, "", 0, &v), 1);
	cr_assert_eq(strmap_put(&m, "a", 1, 8), 0);
	cr_expect_eq(strmap_len(&m), 2);
	strmap_free(&m);
}
