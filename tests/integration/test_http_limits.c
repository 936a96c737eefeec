/*
 * test_http_limits.c — what each role may see: record-level rows refused
 * to readers, analysts kept to their own partner, small counts suppressed
 * (also against differencing), max_rows and query_timeout.
 *
 * NEEDS-LIMITS: these check limits that pql_run_limited() enforces.  Until
 * that lands (the placeholder ignores its limits) every test here but
 * limits_admin_unsuppressed fails.
 */
#define _GNU_SOURCE	/* asprintf() */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "harness.h"

TestSuite(http, .init = fx_setup, .fini = fx_teardown, .timeout = 30);

/* ---- roles and suppression: NEEDS-LIMITS ---- */

/* A place with 3 people, CHG-TINY, beside the demo's two. */
static void
load_tiny_place(void)
{
	load(S.admin, "activity", "source=tiny&org=" PARTNER,
	    "date,service,person,place,need\n"
	    "2025-05-01,Tiny,person-a,CHG-TINY,falls\n"
	    "2025-05-02,Tiny,person-b,CHG-TINY,falls\n"
	    "2025-05-03,Tiny,person-c,CHG-TINY,falls\n"
	    "2025-05-04,Tiny,person-c,CHG-TINY,falls\n", 201, NULL);
}

static json_t *
row_for(json_t *rows, const char *key)
{
	size_t i;
	json_t *row;

	json_array_foreach(rows, i, row)
		if (json_is_string(json_array_get(row, 0)) &&
		    strcmp(json_string_value(json_array_get(row, 0)), key) == 0)
			return (row);
	return (NULL);
}

#define BY_PLACE "activity | group place (n = count_distinct(person))"

/* NEEDS-LIMITS */
Test(http, limits_reader_small_group_suppressed, .timeout = 20)
{
	json_t *o, *rows, *tiny, *big;

	srv_start(NULL);
	load_tiny_place();
	rows = query_rows(BY_PLACE, S.reader, 200, &o);
	tiny = row_for(rows, "CHG-TINY");
	big = row_for(rows, "CHG-RS");
	cr_assert(tiny && big);
	cr_assert(json_is_integer(json_array_get(big, 1)));
	cr_assert(json_is_null(json_array_get(tiny, 1)), "a reader sees a "
	    "count of %lld people", (long long)json_integer_value(
	    json_array_get(tiny, 1)));
	cr_assert_gt(json_integer_value(json_object_get(json_object_get(o,
	    "meta"), "suppressed")), 0);
	json_decref(o);
}

/* Passes with or without the limits: admin sees everything. */
Test(http, limits_admin_unsuppressed, .timeout = 20)
{
	json_t *o, *rows, *tiny;

	srv_start(NULL);
	load_tiny_place();
	rows = query_rows(BY_PLACE, S.admin, 200, &o);
	tiny = row_for(rows, "CHG-TINY");
	cr_assert_not_null(tiny);
	cr_assert_eq(json_integer_value(json_array_get(tiny, 1)), 3);
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(o,
	    "meta"), "suppressed")), 0);
	json_decref(o);
}

/* NEEDS-LIMITS */
Test(http, limits_reader_record_level_forbidden, .timeout = 20)
{
	struct resp r;
	char *p = query_path("spend | take 5", "");

	srv_start(NULL);
	http_get(&r, p, S.reader);
	expect_status(&r, 403);
	cr_assert_str_eq(resp_errcode(&r), "forbidden");
	resp_free(&r);
	free(p);
}

/* NEEDS-LIMITS */
Test(http, limits_analyst_own_org_only, .timeout = 20)
{
	json_t *o, *rows, *row;
	size_t i;
	int others = 0;

	srv_start(NULL);
	/* admin: every partner's rows */
	rows = query_rows("spend | select org | take 1000", S.admin, 200, &o);
	json_array_foreach(rows, i, row)
		others += strcmp(json_string_value(json_array_get(row, 0)),
		    PARTNER) != 0;
	cr_assert_gt(others, 0);
	json_decref(o);
	rows = query_rows("spend | select org | take 1000", S.analyst, 200,
	    &o);
	cr_assert_gt(json_array_size(rows), 0);
	json_array_foreach(rows, i, row)
		cr_assert_str_eq(json_string_value(json_array_get(row, 0)),
		    PARTNER, "an analyst of %s sees row %zu of %s", PARTNER,
		    i, json_string_value(json_array_get(row, 0)));
	json_decref(o);
}

/* NEEDS-LIMITS: A-or-B minus A would give B's small count. */
Test(http, limits_reader_differencing, .timeout = 20)
{
	static const char qab[] = "activity | where place == \"CHG-RS\" or "
	    "place == \"CHG-TINY\" | group (n = count_distinct(person))";
	static const char qa[] = "activity | where place == \"CHG-RS\" "
	    "| group (n = count_distinct(person))";
	char *p = query_path(qab, "");
	struct resp r;
	json_t *o, *n_ab = NULL, *rows;
	json_int_t ab = -1, a = -1;

	srv_start(NULL);
	load_tiny_place();
	http_get(&r, p, S.reader);
	cr_assert(r.status == 200 || r.status == 403, "%ld", r.status);
	if (r.status == 200) {
		o = resp_json(&r);
		n_ab = json_array_get(json_array_get(json_object_get(o,
		    "rows"), 0), 0);
		if (json_is_integer(n_ab))
			ab = json_integer_value(n_ab);
		json_decref(o);
	}
	resp_free(&r);
	rows = query_rows(qa, S.reader, 200, &o);
	if (json_is_integer(json_array_get(json_array_get(rows, 0), 0)))
		a = json_integer_value(json_array_get(json_array_get(rows, 0),
		    0));
	json_decref(o);
	cr_assert(ab < 0 || a < 0, "a reader can difference: %lld - %lld = "
	    "%lld people in CHG-TINY", (long long)ab, (long long)a,
	    (long long)(ab - a));
	free(p);
}

/* NEEDS-LIMITS */
Test(http, limits_max_rows_413, .timeout = 20)
{
	struct resp r;
	char *p = query_path("spend | select org", ""),
	    *ok = query_path(BY_ORG, "");

	srv_start("max_rows = 3\n");
	http_get(&r, p, S.admin);
	expect_status(&r, 413);
	cr_assert_str_eq(resp_errcode(&r), "too_many_rows");
	resp_free(&r);
	http_get(&r, ok, S.admin);	/* 7 rows: also over */
	expect_status(&r, 413);
	resp_free(&r);
	free(p);
	free(ok);
}

/* NEEDS-LIMITS */
Test(http, limits_query_timeout_503, .timeout = 20)
{
	struct resp r;
	char *p = query_path(SLOW_Q, "");

	srv_start("query_timeout = 100ms\n");
	http_get(&r, p, S.admin);
	expect_status(&r, 503);
	cr_assert_str_eq(resp_errcode(&r), "query_timeout");
	cr_assert_lt(r.secs, 0.8, "the query ran %.2f s past a 100 ms limit",
	    r.secs);
	resp_free(&r);
	free(p);
}
