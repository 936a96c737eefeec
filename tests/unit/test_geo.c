/*
 * test_geo.c — the place hierarchy: ONS header recognition, loading
 * lookup files (BOM, CRLF, bad rows, atomicity, reloads), resolving a
 * code's levels, and PQL's within and place.LEVEL over it.
 *
 * The fixture, made up in ONS's shapes:
 *   LSOA E01900001, E01900002 → ward E05900001; LSOA E01900003 → ward
 *   E05900002; both wards → district E07900001 → county E10900001 →
 *   region E12900001.  District E07900001 → police force E23900001 and
 *   fire authority E31900001.
 */
#define _GNU_SOURCE	/* nftw() */

#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <criterion/criterion.h>

#include "batch.h"
#include "exec.h"
#include "geo.h"
#include "schema.h"
#include "store.h"
#include "table.h"

/* Columns of KIND_SPEND (schema.c). */
enum { SP_DATE, SP_ORG, SP_SERVICE, SP_SUPPLIER, SP_DESC, SP_ACCOUNT,
    SP_AMOUNT, SP_PLACE };

static char tmpdir[64];
static store_t *st;
static char err[1024];

/* LSOA → ward → district, with a BOM and CRLF line ends. */
static const char lsoa_csv[] =
    "\xef\xbb\xbf" "FID,LSOA11CD,LSOA11NM,WD19CD,WD19NM,LAD19CD,LAD19NM\r\n"
    "1,E01900001,Ashby 001A,E05900001,North,E07900001,Ashby\r\n"
    "2,E01900002,Ashby 001B,E05900001,North,E07900001,Ashby\r\n"
    "3,E01900003,Ashby 002A,E05900002,South,E07900001,Ashby\r\n";
/* Ward → district → county → region → country. */
static const char ward_csv[] =
    "WD19CD,WD19NM,LAD19CD,LAD19NM,CTY19CD,CTY19NM,RGN19CD,RGN19NM,"
    "CTRY19CD,CTRY19NM\n"
    "E05900001,North,E07900001,Ashby,E10900001,Shire,E12900001,Northland,"
    "E92000001,England\n"
    "E05900002,South,E07900001,Ashby,E10900001,Shire,E12900001,Northland,"
    "E92000001,England\n";
/* District → police force area and fire authority, two bad rows. */
static const char pfa_csv[] =
    "lad23cd,pfa23cd,PFA23NM,FRA23CD,FRA23NM\n"
    "E07900001,E23900001,Shire Police,E31900001,Shire Fire\n"
    "E07900002,E23900001\n"
    "E07900003,not a code,Shire Police,E31900001,Shire Fire\n";

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return (remove(path));
}

static const char *
fixture(const char *name, const char *text)
{
	static char path[8][128];
	static int n;
	char *p = path[n++ % 8];
	FILE *f;

	snprintf(p, 128, "%s/%s", tmpdir, name);
	cr_assert_not_null(f = fopen(p, "w"));
	fputs(text, f);
	cr_assert_eq(fclose(f), 0);
	return (p);
}

static void
setup(void)
{
	char dbdir[128];

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/placed-geo-XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
	snprintf(dbdir, sizeof(dbdir), "%s/db", tmpdir);
	cr_assert_eq(store_open(dbdir, STORE_CREATE, &st, err, sizeof(err)),
	    0, "%s", err);
}

static void
teardown(void)
{
	store_close(st);
	st = NULL;
	nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static int
load(struct geo_load_result *res, int replace, int n, ...)
{
	struct geo_load_opts o = { .who = "test", .replace = replace };
	const char *files[8];
	va_list ap;

	va_start(ap, n);
	for (int i = 0; i < n; i++)
		files[i] = va_arg(ap, const char *);
	va_end(ap);
	return (geo_load(st, files, n, &o, res, err, sizeof(err)));
}

/* The code at level lv of code, resolved in a fresh snapshot. */
static const char *
at(const char *code, enum geo_level lv)
{
	static char out[GEO_CODEMAX];
	struct geo_place p;
	MDB_txn *txn;

	cr_assert_eq(store_txn_begin(st, 1, &txn), 0);
	if (geo_resolve(st, txn, code, &p) != 0)
		out[0] = '\0';
	else
		snprintf(out, sizeof(out), "%s", geo_at(&p, code, lv));
	store_txn_abort(txn);
	return (out);
}

/* Headers ------------------------------------------------------------ */

Test(geo_header, recognises_ons_columns)
{
	static const struct {
		const char *h;
		enum geo_level lv;
		int isname;
	} yes[] = {
		{ "LSOA21CD", GEO_LSOA, 0 }, { "lsoa11nm", GEO_LSOA, 1 },
		{ "WD23CD", GEO_WARD, 0 }, { "LAD19NM", GEO_LAD, 1 },
		{ "LTLA21CD", GEO_LAD, 0 }, { "CTY20CD", GEO_COUNTY, 0 },
		{ "CTYUA21CD", GEO_COUNTY, 0 }, { "UTLA22NM", GEO_COUNTY, 1 },
		{ "RGN19CD", GEO_REGION, 0 }, { "CTRY19CD", GEO_COUNTRY, 0 },
		{ "PFA19CD", GEO_PFA, 0 }, { "FRA19NM", GEO_FRA, 1 },
		{ "CAUTH21CD", GEO_CAUTH, 0 }, { "MSOA11CD", GEO_MSOA, 0 },
		{ "CSP19CD", GEO_CSP, 0 }, { "CCG20CD", GEO_CCG, 0 },
		{ "STP20NM", GEO_STP, 1 }, { " LAD20CD ", GEO_LAD, 0 },
	};
	static const char *const no[] = { "FID", "IMD19", "CCG20CDH",
	    "LAD19NMW", "LAD1CD", "LAD2019CD", "XLAD19CD", "LAD19CDX",
	    "LAD19", "19CD", "LADXXCD", "" };
	enum geo_level lv;
	int isname;

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		cr_assert_eq(geo_column(yes[i].h, strlen(yes[i].h), &lv,
		    &isname), 1, "%s", yes[i].h);
		cr_assert_eq(lv, yes[i].lv, "%s", yes[i].h);
		cr_assert_eq(isname, yes[i].isname, "%s", yes[i].h);
	}
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		cr_assert_eq(geo_column(no[i], strlen(no[i]), &lv, &isname),
		    0, "%s", no[i]);
}

Test(geo_header, levels_and_nesting)
{
	cr_assert_eq(geo_level_find("LAD", 3), GEO_LAD);
	cr_assert_eq(geo_level_find("parish", 6), GEO_NONE);
	cr_assert_str_eq(geo_level_name(GEO_PFA), "pfa");
	cr_assert(geo_nests(GEO_LSOA, GEO_WARD));
	cr_assert(geo_nests(GEO_LAD, GEO_PFA));
	cr_assert(!geo_nests(GEO_LAD, GEO_LSOA));
	/* Best fits ONS publishes are not nesting. */
	cr_assert(!geo_nests(GEO_MSOA, GEO_WARD));
	cr_assert(!geo_nests(GEO_LAD, GEO_CCG));
	cr_assert(geo_code_ok("E07000120", 9));
	cr_assert(!geo_code_ok("E07 0120", 8));
	cr_assert(!geo_code_ok("", 0));
	cr_assert(!geo_code_ok("E0700012000000000", 17));
}

Test(geo_header, encode_decode)
{
	struct geo_place p = { .level = GEO_WARD, .name = "North" }, q;
	uint8_t buf[512];
	size_t n;

	strcpy(p.up[GEO_LAD], "E07900001");
	strcpy(p.up[GEO_COUNTRY], "E92000001");
	cr_assert_gt(n = geo_encode(&p, buf, sizeof(buf)), 0);
	cr_assert_eq(geo_decode(buf, n, &q), 0);
	cr_assert_eq(q.level, GEO_WARD);
	cr_assert_str_eq(q.name, "North");
	cr_assert_str_eq(q.up[GEO_LAD], "E07900001");
	cr_assert_str_eq(q.up[GEO_COUNTRY], "E92000001");
	cr_assert_str_eq(q.up[GEO_REGION], "");
	cr_assert_eq(geo_decode(buf, n - 1, &q), -EPROTO);
	buf[0] = 99;
	cr_assert_eq(geo_decode(buf, n, &q), -EPROTO);
}

/* Loading ------------------------------------------------------------ */

TestSuite(geo, .init = setup, .fini = teardown);

Test(geo, hierarchy_from_three_files)
{
	struct geo_load_result res;
	uint64_t before = store_data_version(st);

	cr_assert_eq(load(&res, 0, 3, fixture("l.csv", lsoa_csv),
	    fixture("w.csv", ward_csv), fixture("p.csv", pfa_csv)), 0, "%s",
	    err);
	cr_assert_eq(res.rows, 3 + 2 + 3);
	cr_assert_eq(res.rejected, 2);
	cr_assert_eq(res.known[GEO_LSOA], 3);
	cr_assert_eq(res.known[GEO_WARD], 2);
	cr_assert_eq(res.known[GEO_LAD], 1);
	cr_assert_eq(res.known[GEO_COUNTY], 1);
	cr_assert_eq(res.known[GEO_REGION], 1);
	cr_assert_eq(res.known[GEO_COUNTRY], 1);
	cr_assert_eq(res.known[GEO_PFA], 1);
	cr_assert_eq(res.known[GEO_FRA], 1);
	cr_assert_eq(res.total, 11);
	cr_assert_eq(store_data_version(st), before + 1);
	cr_assert_eq(res.data_version, before + 1);

	/* An LSOA reaches every level through its ward and district. */
	cr_assert_str_eq(at("E01900001", GEO_LSOA), "E01900001");
	cr_assert_str_eq(at("E01900001", GEO_WARD), "E05900001");
	cr_assert_str_eq(at("E01900001", GEO_LAD), "E07900001");
	cr_assert_str_eq(at("E01900001", GEO_COUNTY), "E10900001");
	cr_assert_str_eq(at("E01900001", GEO_REGION), "E12900001");
	cr_assert_str_eq(at("E01900001", GEO_COUNTRY), "E92000001");
	cr_assert_str_eq(at("E01900003", GEO_PFA), "E23900001");
	cr_assert_str_eq(at("E01900003", GEO_FRA), "E31900001");
	/* Coarser than the level asked: nothing. */
	cr_assert_str_eq(at("E07900001", GEO_WARD), "");
	cr_assert_str_eq(at("E07900001", GEO_PFA), "E23900001");
	/* A county is not made to lie in a police force area. */
	cr_assert_str_eq(at("E10900001", GEO_PFA), "");
	cr_assert_str_eq(at("E99999999", GEO_LAD), "");
}

Test(geo, names_and_levels)
{
	struct geo_load_result res;
	struct geo_place p;
	MDB_txn *txn;

	cr_assert_eq(load(&res, 0, 2, fixture("l.csv", lsoa_csv),
	    fixture("p.csv", pfa_csv)), 0, "%s", err);
	cr_assert_eq(store_txn_begin(st, 1, &txn), 0);
	cr_assert_eq(geo_get(st, txn, "E01900002", &p), 0);
	cr_assert_eq(p.level, GEO_LSOA);
	cr_assert_str_eq(p.name, "Ashby 001B");
	/* Only what the files said of it: its region comes by resolving. */
	cr_assert_str_eq(p.up[GEO_WARD], "E05900001");
	cr_assert_str_eq(p.up[GEO_PFA], "");
	cr_assert_eq(geo_get(st, txn, "E23900001", &p), 0);
	cr_assert_eq(p.level, GEO_PFA);
	cr_assert_str_eq(p.name, "Shire Police");
	cr_assert_eq(geo_get(st, txn, "E07900003", &p), -ENOENT);
	store_txn_abort(txn);
}

Test(geo, reload_adds_levels)
{
	struct geo_load_result res;
	const char *l = fixture("l.csv", lsoa_csv);

	cr_assert_eq(load(&res, 0, 1, l), 0, "%s", err);
	cr_assert_str_eq(at("E01900001", GEO_REGION), "");
	cr_assert_str_eq(at("E01900001", GEO_PFA), "");
	/* A later load of the districts' parents reaches the LSOAs. */
	cr_assert_eq(load(&res, 0, 1, fixture("w.csv", ward_csv)), 0, "%s",
	    err);
	cr_assert_str_eq(at("E01900001", GEO_REGION), "E12900001");
	cr_assert_eq(load(&res, 0, 1, fixture("p.csv", pfa_csv)), 0, "%s",
	    err);
	cr_assert_str_eq(at("E01900001", GEO_PFA), "E23900001");
	/* Loading the first file again keeps what the others added. */
	cr_assert_eq(load(&res, 0, 1, l), 0, "%s", err);
	cr_assert_eq(res.total, 11);
	cr_assert_str_eq(at("E01900002", GEO_COUNTY), "E10900001");
	/* --replace forgets everything first. */
	cr_assert_eq(load(&res, 1, 1, l), 0, "%s", err);
	cr_assert_eq(res.total, 6);
	cr_assert_str_eq(at("E01900002", GEO_COUNTY), "");
	cr_assert_str_eq(at("E01900002", GEO_LAD), "E07900001");
}

Test(geo, a_later_row_wins)
{
	struct geo_load_result res;

	cr_assert_eq(load(&res, 0, 2, fixture("l.csv", lsoa_csv),
	    fixture("m.csv", "LSOA11CD,WD19CD\nE01900001,E05900002\n")), 0,
	    "%s", err);
	cr_assert_str_eq(at("E01900001", GEO_WARD), "E05900002");
}

Test(geo, all_or_nothing)
{
	struct geo_load_result res;
	uint64_t before = store_data_version(st);
	struct geo_load_opts o = { .who = "test", .strict = 1 };
	const char *files[2];

	/* A file with no code column fails the whole load. */
	cr_assert_neq(load(&res, 0, 2, fixture("l.csv", lsoa_csv),
	    fixture("x.csv", "FID,IMD19\n1,2\n")), 0);
	cr_assert(strstr(err, "no ONS code column") != NULL, "%s", err);
	cr_assert_neq(load(&res, 0, 2, fixture("l.csv", lsoa_csv),
	    fixture("e.csv", "")), 0);
	cr_assert_neq(load(&res, 0, 1, "/nonexistent/geo.csv"), 0);
	cr_assert_neq(load(&res, 0, 1, fixture("d.csv",
	    "LAD19CD,X,LAD20CD\nE07900001,1,E07900002\n")), 0);
	cr_assert(strstr(err, "both give lad codes") != NULL, "%s", err);
	/* --strict: any bad row fails it. */
	files[0] = fixture("l.csv", lsoa_csv);
	files[1] = fixture("p.csv", pfa_csv);
	cr_assert_neq(geo_load(st, files, 2, &o, &res, err, sizeof(err)), 0);
	cr_assert(strstr(err, "2 bad rows") != NULL, "%s", err);
	cr_assert_eq(store_data_version(st), before);
	cr_assert_str_eq(at("E01900001", GEO_LAD), "");
}

static int
audit_cb(void *arg, const char *json, size_t n)
{
	char **last = arg;

	free(*last);
	*last = strndup(json, n);
	return (0);
}

Test(geo, audited)
{
	struct geo_load_result res;
	char *last = NULL;
	MDB_txn *txn;

	cr_assert_eq(load(&res, 0, 1, fixture("l.csv", lsoa_csv)), 0, "%s",
	    err);
	cr_assert_eq(store_txn_begin(st, 1, &txn), 0);
	cr_assert_eq(store_audit_each(st, txn, audit_cb, &last), 0);
	store_txn_abort(txn);
	cr_assert_not_null(last);
	cr_assert(strstr(last, "\"kind\":\"geo\"") != NULL, "%s", last);
	cr_assert(strstr(last, "\"who\":\"test\"") != NULL, "%s", last);
	cr_assert(strstr(last, "l.csv") != NULL, "%s", last);
	cr_assert(strstr(last, "\"rows\":3") != NULL, "%s", last);
	free(last);
}

/* PQL ---------------------------------------------------------------- */

static void
spend(const char *supplier, const char *place, uint32_t line, batch_t *b)
{
	cr_assert_eq(batch_str(b, SP_SUPPLIER, supplier, strlen(supplier)),
	    0);
	cr_assert_eq(batch_str(b, SP_PLACE, place, strlen(place)), 0);
	batch_i32(b, SP_DATE, 20000);
	batch_i64(b, SP_AMOUNT, 100);
	cr_assert_eq(batch_row(b, line), 0);
}

static void
pql_setup(void)
{
	struct batch_opts o = { "fixture", 0, "test" };
	struct batch_result br;
	struct geo_load_result res;
	batch_t *b;

	setup();
	cr_assert_eq(load(&res, 0, 3, fixture("l.csv", lsoa_csv),
	    fixture("w.csv", ward_csv), fixture("p.csv", pfa_csv)), 0, "%s",
	    err);
	cr_assert_eq(batch_begin(st, KIND_SPEND, &o, &b, err, sizeof(err)),
	    0, "%s", err);
	spend("lsoa1", "E01900001", 2, b);
	spend("lsoa3", "E01900003", 3, b);
	spend("ward2", "E05900002", 4, b);
	spend("lad", "E07900001", 5, b);
	spend("county", "E10900001", 6, b);
	spend("elsewhere", "E01999999", 7, b);
	batch_hash(b, "fixture", 7);
	cr_assert_eq(batch_commit(b, &br, err, sizeof(err)), 0, "%s", err);
}

TestSuite(geo_pql, .init = pql_setup, .fini = teardown);

/* The suppliers a query gives, comma-joined. */
static const char *
suppliers(const char *q)
{
	static char out[256];
	struct table *t = NULL;
	uint64_t dv;
	size_t len = 0;

	cr_assert_eq(pql_run(st, q, strlen(q), NULL, 0, &t, &dv, err,
	    sizeof(err)), 0, "%s: %s", q, err);
	out[0] = '\0';
	for (size_t r = 0; r < t->nrows; r++) {
		const struct value *v = table_row(t, r);

		len += (size_t)snprintf(out + len, sizeof(out) - len, "%s%s",
		    r ? "," : "", v[0].t == V_NULL ? "-" : v[0].s);
	}
	table_free(t);
	return (out);
}

#define WITHIN(code) suppliers("spend | where place within \"" code \
    "\" | select supplier")

Test(geo_pql, within_each_level)
{
	cr_assert_str_eq(WITHIN("E01900001"), "lsoa1");
	cr_assert_str_eq(WITHIN("E05900002"), "lsoa3,ward2");
	cr_assert_str_eq(WITHIN("E07900001"), "lsoa1,lsoa3,ward2,lad");
	cr_assert_str_eq(WITHIN("E10900001"),
	    "lsoa1,lsoa3,ward2,lad,county");
	cr_assert_str_eq(WITHIN("E12900001"),
	    "lsoa1,lsoa3,ward2,lad,county");
	cr_assert_str_eq(WITHIN("E92000001"),
	    "lsoa1,lsoa3,ward2,lad,county");
	cr_assert_str_eq(WITHIN("E23900001"), "lsoa1,lsoa3,ward2,lad");
	cr_assert_str_eq(WITHIN("E31900001"), "lsoa1,lsoa3,ward2,lad");
	/* A code the hierarchy does not know is within itself only. */
	cr_assert_str_eq(WITHIN("E01999999"), "elsewhere");
	cr_assert_str_eq(WITHIN("E99999999"), "");
}

Test(geo_pql, place_level_fields)
{
	cr_assert_str_eq(suppliers("spend | select place.ward"),
	    "E05900001,E05900002,E05900002,-,-,-");
	cr_assert_str_eq(suppliers("spend | select place.lad"),
	    "E07900001,E07900001,E07900001,E07900001,-,-");
	cr_assert_str_eq(suppliers("spend | select place.county"),
	    "E10900001,E10900001,E10900001,E10900001,E10900001,-");
	cr_assert_str_eq(suppliers("spend | select place.region"),
	    "E12900001,E12900001,E12900001,E12900001,E12900001,-");
	cr_assert_str_eq(suppliers("spend | select place.pfa"),
	    "E23900001,E23900001,E23900001,E23900001,-,-");
	cr_assert_str_eq(suppliers("spend | select place.fra"),
	    "E31900001,E31900001,E31900001,E31900001,-,-");
	cr_assert_str_eq(suppliers("spend | select place.lsoa"),
	    "E01900001,E01900003,-,-,-,-");
	cr_assert_str_eq(suppliers("spend | select place.name"),
	    "Ashby 001A,Ashby 002A,South,Ashby,Shire,-");
	cr_assert_str_eq(suppliers("spend | group place.ward (n = count()) "
	    "| select place.ward"), "E05900001,E05900002,-");
}
