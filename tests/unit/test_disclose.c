/*
 * test_disclose.c — pql_run_limited(): access rules, small-number
 * suppression, the low-effect check and the limits (query/disclose.c).
 *
 * The fixture is activity in six places, one row per person, K = 5:
 *   A 10 people (OrgA)   B 1 (OrgB)   C 6 (OrgA) + 1 with need X (OrgB)
 *   D 3 (OrgB)           E 8 (OrgB)   F 3 (OrgB)
 */
#define _GNU_SOURCE	/* nftw(), open_memstream() */

#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "batch.h"
#include "exec.h"
#include "schema.h"
#include "store.h"
#include "table.h"

/* Columns of KIND_ACTIVITY (schema.c). */
enum { AC_DATE, AC_ORG, AC_SERVICE, AC_PERSON, AC_PLACE, AC_NEED, AC_TYPE,
    AC_EPISODE, AC_COST };

static char tmpdir[64];
static store_t *st;
static char err[1024];

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return (remove(path));
}

static void
put(batch_t *b, int col, const char *s)
{
	cr_assert_eq(batch_str(b, col, s, strlen(s)), 0);
}

static void
people(batch_t *b, uint32_t *line, const char *place, int n,
    const char *org, const char *need)
{
	char p[64];

	for (int i = 0; i < n; i++) {
		snprintf(p, sizeof(p), "p-%s-%s-%d", place, need, i);
		batch_i32(b, AC_DATE, 20000 + i);
		put(b, AC_ORG, org);
		put(b, AC_SERVICE, "Advice");
		put(b, AC_PERSON, p);
		put(b, AC_PLACE, place);
		put(b, AC_NEED, need);
		batch_i64(b, AC_COST, 10000);
		cr_assert_eq(batch_row(b, (*line)++), 0);
	}
}

static void
setup(void)
{
	struct batch_opts o = { "fixture", 0, "test" };
	struct batch_result res;
	char dbdir[128];
	uint32_t line = 2;
	batch_t *b;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/placed-disclose-XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
	snprintf(dbdir, sizeof(dbdir), "%s/db", tmpdir);
	cr_assert_eq(store_open(dbdir, 0, &st, err, sizeof(err)), 0, "%s",
	    err);
	cr_assert_eq(batch_begin(st, KIND_ACTIVITY, &o, &b, err,
	    sizeof(err)), 0, "%s", err);
	people(b, &line, "A", 10, "OrgA", "housing");
	people(b, &line, "B", 1, "OrgB", "housing");
	people(b, &line, "C", 6, "OrgA", "housing");
	people(b, &line, "C", 1, "OrgB", "X");
	people(b, &line, "D", 3, "OrgB", "housing");
	people(b, &line, "E", 8, "OrgB", "housing");
	people(b, &line, "F", 3, "OrgB", "housing");
	batch_hash(b, "fixture", 7);
	cr_assert_eq(batch_commit(b, &res, err, sizeof(err)), 0, "%s", err);
}

static void
teardown(void)
{
	store_close(st);
	st = NULL;
	nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

TestSuite(disclose, .init = setup, .fini = teardown);

static const struct pql_limits reader = { .suppress_k = 5,
    .aggregates_only = 1 };

static struct table *
run_ok(const char *q, const struct pql_limits *lim)
{
	struct table *t = NULL;
	uint64_t dv;
	enum pql_fail fail;
	int rc = pql_run_limited(st, q, strlen(q), NULL, 0, lim, &t, &dv,
	    &fail, err, sizeof(err));

	cr_assert_eq(rc, 0, "%s: %s", q, err);
	cr_assert_eq(fail, PQL_OK);
	cr_assert_not_null(t);
	return (t);
}

static enum pql_fail
run_fail(const char *q, const struct pql_limits *lim)
{
	struct table *t = (struct table *)1;
	uint64_t dv;
	enum pql_fail fail;
	int rc = pql_run_limited(st, q, strlen(q), NULL, 0, lim, &t, &dv,
	    &fail, err, sizeof(err));

	cr_assert_eq(rc, -1, "%s should fail", q);
	cr_assert_null(t);
	cr_assert_neq(fail, PQL_OK);
	return (fail);
}

static int
col(const struct table *t, const char *name)
{
	for (int c = 0; c < t->ncols; c++)
		if (!t->cols[c].hidden && strcmp(t->cols[c].name, name) == 0)
			return (c);
	cr_assert_fail("no column %s", name);
	return (-1);
}

/* The row whose column c is the string s. */
static const struct value *
row_of(const struct table *t, int c, const char *s)
{
	for (size_t r = 0; r < t->nrows; r++) {
		const struct value *row = table_row(t, r);

		if (row[c].t == V_STR && strcmp(row[c].s, s) == 0)
			return (row);
	}
	cr_assert_fail("no row %s", s);
	return (NULL);
}

static char *
json(const struct table *t)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);

	cr_assert_not_null(f);
	table_write(f, t, OUT_JSON, 0, 0.0);
	fclose(f);
	return (buf);
}

Test(disclose, reader_refused_record_level)
{
	struct table *t;

	cr_assert_eq(run_fail("activity | where place == \"A\"", &reader),
	    PQL_FAIL_FORBIDDEN);
	cr_assert(strstr(err, "aggregates only") != NULL, "%s", err);
	cr_assert_eq(run_fail("activity | select place, cost | sort place",
	    &reader), PQL_FAIL_FORBIDDEN);
	t = run_ok("activity | group place", &reader);
	cr_assert_eq(t->nrows, 6);
	table_free(t);
}

Test(disclose, analyst_own_org_rows)
{
	struct pql_limits an = { .suppress_k = 5, .own_org = "OrgA" };
	struct table *t;
	int o, ro;

	t = run_ok("activity", &an);
	o = col(t, "org");
	cr_assert_eq(t->nrows, 16);
	for (size_t r = 0; r < t->nrows; r++)
		cr_assert_str_eq(table_row(t, r)[o].s, "OrgA");
	cr_assert_eq(t->suppressed, 0);
	table_free(t);

	/* Joined rows are the analyst's org's too: 6 × 6, not 6 × 7. */
	t = run_ok("activity | where place == \"C\" | join activity on place",
	    &an);
	ro = col(t, "activity.org");
	cr_assert_eq(t->nrows, 36);
	for (size_t r = 0; r < t->nrows; r++)
		cr_assert_str_eq(table_row(t, r)[ro].s, "OrgA");
	table_free(t);

	/* Aggregates see every partner's people. */
	t = run_ok("activity | group (n = count_distinct(person))", &an);
	cr_assert_eq(table_row(t, 0)[col(t, "n")].i, 32);
	table_free(t);
}

Test(disclose, small_groups_nulled)
{
	struct table *t = run_ok("activity | group place (n = "
	    "count_distinct(person), c = sum(cost))", &reader);
	int p = col(t, "place"), n = col(t, "n"), c = col(t, "c");
	char *js;

	cr_assert_eq(t->nrows, 6);
	cr_assert_eq(row_of(t, p, "A")[n].i, 10);
	cr_assert_eq(row_of(t, p, "C")[n].i, 7);
	cr_assert_eq(row_of(t, p, "E")[n].i, 8);
	cr_assert_eq(row_of(t, p, "E")[c].t, V_MONEY);
	/* B 1, D 3, F 3: 7 people between them, no more is needed. */
	cr_assert_eq(row_of(t, p, "B")[n].t, V_NULL);
	cr_assert_eq(row_of(t, p, "B")[c].t, V_NULL);
	cr_assert_eq(row_of(t, p, "D")[n].t, V_NULL);
	cr_assert_eq(row_of(t, p, "F")[c].t, V_NULL);
	cr_assert_eq(t->suppressed, 6);
	js = json(t);
	cr_assert(strstr(js, "\"suppressed\":6") != NULL, "%s", js);
	cr_assert(strstr(js, "#") == NULL, "hidden column printed: %s", js);
	free(js);
	table_free(t);
}

Test(disclose, secondary_suppression)
{
	/* B 1 + D 3 = 4 < 5: the smallest other row, C (7), goes too. */
	struct table *t = run_ok("activity | where place != \"F\" | "
	    "group place (n = count_distinct(person))", &reader);
	int p = col(t, "place"), n = col(t, "n");

	cr_assert_eq(t->nrows, 5);
	cr_assert_eq(row_of(t, p, "B")[n].t, V_NULL);
	cr_assert_eq(row_of(t, p, "D")[n].t, V_NULL);
	cr_assert_eq(row_of(t, p, "C")[n].t, V_NULL);
	cr_assert_eq(row_of(t, p, "A")[n].i, 10);
	cr_assert_eq(row_of(t, p, "E")[n].i, 8);
	cr_assert_eq(t->suppressed, 3);
	table_free(t);
}

Test(disclose, differencing_or)
{
	struct table *t;
	int n;

	/* A or B minus A would be B's one person. */
	t = run_ok("activity | where place == \"A\" or place == \"B\" | "
	    "group (n = count_distinct(person))", &reader);
	n = col(t, "n");
	cr_assert_eq(table_row(t, 0)[n].t, V_NULL);
	cr_assert_eq(t->suppressed, 1);
	table_free(t);
	t = run_ok("activity | where place == \"A\" | "
	    "group (n = count_distinct(person))", &reader);
	cr_assert_eq(table_row(t, 0)[n].i, 10);
	cr_assert_eq(t->suppressed, 0);
	table_free(t);
	/* The same through an in list. */
	t = run_ok("activity | where place in (\"A\", \"B\") | "
	    "group (n = count_distinct(person))", &reader);
	cr_assert_eq(table_row(t, 0)[n].t, V_NULL);
	table_free(t);
}

Test(disclose, differencing_not_equal)
{
	struct table *t;
	int p, n;

	/* C without need X is C less one person. */
	t = run_ok("activity | where need != \"X\" | group place (n = "
	    "count_distinct(person))", &reader);
	p = col(t, "place");
	n = col(t, "n");
	cr_assert_eq(row_of(t, p, "C")[n].t, V_NULL);
	cr_assert_eq(row_of(t, p, "A")[n].i, 10);
	table_free(t);
	t = run_ok("activity | group place (n = count_distinct(person))",
	    &reader);
	cr_assert_eq(row_of(t, p, "C")[n].i, 7);
	table_free(t);
	/* Without suppression nothing is checked. */
	t = run_ok("activity | where need != \"X\" | group place (n = "
	    "count_distinct(person))", NULL);
	cr_assert_eq(row_of(t, p, "C")[n].i, 6);
	table_free(t);
}

Test(disclose, select_cannot_shed_people)
{
	/* Dropping person before grouping still counts people. */
	struct table *t = run_ok("activity | select place, cost | group "
	    "place (c = sum(cost))", &reader);
	int p = col(t, "place"), c = col(t, "c");

	cr_assert_eq(row_of(t, p, "B")[c].t, V_NULL);
	cr_assert_eq(row_of(t, p, "A")[c].t, V_MONEY);
	table_free(t);
	cr_assert_eq(run_fail("activity | select person = place, cost, date, "
	    "service | frequency", &reader), PQL_FAIL_QUERY);
}

Test(disclose, verbs_suppressed)
{
	/* One person per row: the pseudonym is nulled as well. */
	struct table *t = run_ok("activity | accumulate by person", &reader);

	for (size_t r = 0; r < t->nrows; r++) {
		cr_assert_eq(table_row(t, r)[0].t, V_NULL);
		cr_assert_eq(table_row(t, r)[1].t, V_NULL);
	}
	table_free(t);
	t = run_ok("activity | accumulate by place", &reader);
	cr_assert_eq(row_of(t, 0, "A")[1].t, V_MONEY);
	cr_assert_eq(row_of(t, 0, "B")[1].t, V_NULL);
	table_free(t);
}

Test(disclose, max_rows)
{
	struct pql_limits l = { .max_rows = 3 };
	struct table *t;

	cr_assert_eq(run_fail("activity | group place", &l), PQL_FAIL_ROWS);
	cr_assert(strstr(err, "more than 3 rows") != NULL, "%s", err);
	t = run_ok("activity | group place | take 3", &l);
	cr_assert_eq(t->nrows, 3);
	table_free(t);
}

Test(disclose, deadline_and_cancel)
{
	struct pql_limits l = { .deadline_ns = 1 };
	volatile int stop = 1;
	struct timespec ts;

	cr_assert_eq(run_fail("activity | group place", &l), PQL_FAIL_TIME);
	cr_assert(strstr(err, "longer than the server allows") != NULL);
	l.deadline_ns = 0;
	l.cancel = &stop;
	cr_assert_eq(run_fail("activity", &l), PQL_FAIL_TIME);
	cr_assert(strstr(err, "cancelled") != NULL);
	stop = 0;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	l.deadline_ns = ((int64_t)ts.tv_sec + 60) * 1000000000;
	table_free(run_ok("activity", &l));
}

Test(disclose, parse_error_form)
{
	cr_assert_eq(run_fail("activity | wher place", &reader),
	    PQL_FAIL_QUERY);
	cr_assert(strncmp(err, "line 1, column ", 15) == 0, "%s", err);
	cr_assert(strchr(err, '^') != NULL, "%s", err);
}

Test(disclose, admin_unchanged)
{
	static const char *qs[] = {
		"activity",
		"activity | group place (n = count_distinct(person))",
		"activity | where place == \"A\" or place == \"B\" | group (n = count())",
		"activity | select place, cost | group place (c = sum(cost))",
		"activity | accumulate by person",
		"activity | frequency by service",
		"activity | where place == \"C\" | join activity on place | "
		    "group place (n = count())",
		"activity | trend by month, place",
	};
	struct pql_limits admin = { 0 };

	for (size_t i = 0; i < sizeof(qs) / sizeof(qs[0]); i++) {
		struct table *a = NULL, *b;
		uint64_t dv;
		char *ja, *jb;

		cr_assert_eq(pql_run(st, qs[i], strlen(qs[i]), NULL, 0, &a,
		    &dv, err, sizeof(err)), 0, "%s: %s", qs[i], err);
		b = run_ok(qs[i], &admin);
		ja = json(a);
		jb = json(b);
		cr_assert_str_eq(ja, jb, "%s", qs[i]);
		cr_assert_eq(a->ncols, b->ncols);
		free(ja);
		free(jb);
		table_free(a);
		table_free(b);
	}
}
