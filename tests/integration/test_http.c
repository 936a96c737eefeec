/*
 * test_http.c — placed serve on loopback: every endpoint and format, every
 * status, keep-alive and pipelining, ETags and the answer cache.  Each test
 * starts its own server (harness.h) with the config it needs.
 *
 * test_http_life.c has loads, shutdown, reload and slow clients;
 * test_http_limits.c the role and suppression rules.
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

/* ---- endpoints and formats ---- */

Test(http, healthz, .timeout = 20)
{
	char ct[128];
	struct resp r;
	json_t *o;

	srv_start(NULL);
	http_get(&r, "/healthz", NULL);
	expect_status(&r, 200);
	cr_assert_str_eq(resp_header(&r, "Content-Type", ct, sizeof(ct)),
	    "application/json");
	o = resp_json(&r);
	cr_assert_str_eq(json_string_value(json_object_get(o, "status")),
	    "ok");
	cr_assert_eq(json_integer_value(json_object_get(o, "data_version")),
	    DEMO_DV);
	json_decref(o);
	resp_free(&r);
}

Test(http, metrics, .timeout = 20)
{
	char ct[128];
	struct resp r;

	srv_start(NULL);
	http_get(&r, "/metrics", NULL);
	expect_status(&r, 401);
	resp_free(&r);
	http_get(&r, "/metrics", S.reader);
	expect_status(&r, 200);
	cr_assert(strncmp(resp_header(&r, "Content-Type", ct, sizeof(ct)),
	    "text/plain", 10) == 0);
	cr_assert(strstr(r.body, "placed_requests_total{code=\"401\"} 1\n"),
	    "%s", r.body);
	cr_assert(strstr(r.body, "placed_data_version 4\n"));
	cr_assert(strstr(r.body, "# TYPE placed_request_duration_seconds "
	    "histogram\n"));
	resp_free(&r);
}

Test(http, query_json_get_and_post, .timeout = 20)
{
	char h[128], *p = query_path(BY_ORG, "");
	struct resp r, r2;
	json_t *o, *o2, *col;

	srv_start(NULL);
	http_get(&r, p, S.admin);
	expect_status(&r, 200);
	cr_assert_str_eq(resp_header(&r, "Content-Type", h, sizeof(h)),
	    "application/json");
	cr_assert(resp_header(&r, "ETag", h, sizeof(h)) && h[0] == '"');
	cr_assert_str_eq(resp_header(&r, "X-Placed-Data-Version", h,
	    sizeof(h)), "4");
	o = resp_json(&r);
	col = json_array_get(json_object_get(o, "columns"), 0);
	cr_assert_str_eq(json_string_value(json_object_get(col, "name")),
	    "org");
	cr_assert_eq(json_array_size(json_object_get(o, "rows")), DEMO_ORGS);
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(o,
	    "meta"), "rows")), DEMO_ORGS);
	/* The same text as a text/plain body: the same rows. */
	http_do(NULL, &r2, "POST", "/v1/query", S.admin, "text/plain",
	    BY_ORG, strlen(BY_ORG), NULL);
	expect_status(&r2, 200);
	o2 = resp_json(&r2);
	cr_assert(json_equal(json_object_get(o, "rows"),
	    json_object_get(o2, "rows")));
	json_decref(o);
	json_decref(o2);
	resp_free(&r);
	resp_free(&r2);
	free(p);
}

Test(http, query_params, .timeout = 20)
{
	static const char q[] = "spend | where org == $org "
	    "| group org (n = count())";
	static const char js[] = "{\"q\": \"spend | where org == $org "
	    "| group org (n = count())\", \"params\": {\"org\": \"" PARTNER
	    "\"}}";
	static const char jn[] = "{\"q\": \"spend | where amount > $x "
	    "| group (n = count())\", \"params\": {\"x\": 100000000}}";
	char *p = query_path(q, "org=" PARTNER);
	struct resp r;
	json_t *a, *b, *c;

	srv_start(NULL);
	a = get_json(p, S.admin, 200);
	cr_assert_eq(json_array_size(json_object_get(a, "rows")), 1);
	cr_assert_str_eq(json_string_value(json_array_get(json_array_get(
	    json_object_get(a, "rows"), 0), 0)), PARTNER);
	http_do(NULL, &r, "POST", "/v1/query", S.admin, "application/json",
	    js, strlen(js), NULL);
	expect_status(&r, 200);
	b = resp_json(&r);
	cr_assert(json_equal(json_object_get(a, "rows"),
	    json_object_get(b, "rows")));
	resp_free(&r);
	/* A number as a parameter. */
	http_do(NULL, &r, "POST", "/v1/query", S.admin, "application/json",
	    jn, strlen(jn), NULL);
	expect_status(&r, 200);
	c = resp_json(&r);
	cr_assert_eq(json_integer_value(json_array_get(json_array_get(
	    json_object_get(c, "rows"), 0), 0)), 0);
	resp_free(&r);
	/* A parameter the query needs but nobody gave. */
	free(p);
	p = query_path(q, "");
	http_get(&r, p, S.admin);
	expect_status(&r, 400);
	cr_assert(strstr(r.body, "$org"), "%s", r.body);
	resp_free(&r);
	json_decref(a);
	json_decref(b);
	json_decref(c);
	free(p);
}

Test(http, query_csv, .timeout = 20)
{
	static const char *const accept[] = { "Accept: text/csv", NULL };
	char ct[128], *p = query_path(BY_ORG, "format=csv"),
	    *p2 = query_path(BY_ORG, "");
	struct resp r, r2;
	int lines = 0;

	srv_start(NULL);
	http_get(&r, p, S.admin);
	expect_status(&r, 200);
	cr_assert(strncmp(resp_header(&r, "Content-Type", ct, sizeof(ct)),
	    "text/csv", 8) == 0, "%s", ct);
	cr_assert(strncmp(r.body, "org,n\n", 6) == 0, "%s", r.body);
	for (const char *s = r.body; (s = strchr(s, '\n')) != NULL; s++)
		lines++;
	cr_assert_eq(lines, DEMO_ORGS + 1);
	http_do(NULL, &r2, "GET", p2, S.admin, NULL, NULL, 0, accept);
	expect_status(&r2, 200);
	cr_assert(strncmp(resp_header(&r2, "Content-Type", ct, sizeof(ct)),
	    "text/csv", 8) == 0);
	cr_assert_str_eq(r2.body, r.body);
	/* Accept is part of the answer's identity. */
	cr_assert(strstr(r2.hdr, "Vary: Authorization, Accept"));
	resp_free(&r);
	resp_free(&r2);
	free(p);
	free(p2);
}

Test(http, query_ndjson_chunked, .timeout = 20)
{
	static const char *const accept[] = {
		"Accept: application/x-ndjson", NULL
	};
	char h[128], *p = query_path(BY_ORG, "format=ndjson"),
	    *p2 = query_path(BY_ORG, "");
	struct resp r, r2;
	int n = 0;

	srv_start(NULL);
	http_get(&r, p, S.admin);
	expect_status(&r, 200);
	cr_assert_str_eq(resp_header(&r, "Content-Type", h, sizeof(h)),
	    "application/x-ndjson");
	cr_assert(resp_header(&r, "Transfer-Encoding", h, sizeof(h)) &&
	    strcmp(h, "chunked") == 0, "headers: %s", r.hdr);
	cr_assert_null(resp_header(&r, "Content-Length", h, sizeof(h)));
	for (char *line = r.body, *nl; *line; line = nl + 1) {
		json_t *o;

		nl = strchr(line, '\n');
		cr_assert(nl != NULL, "the last line has no newline");
		o = json_loadb(line, (size_t)(nl - line), 0, NULL);
		cr_assert(json_is_object(o), "line %d: %.*s", n + 1,
		    (int)(nl - line), line);
		cr_assert(json_is_string(json_object_get(o, "org")));
		cr_assert(json_is_integer(json_object_get(o, "n")));
		json_decref(o);
		n++;
	}
	cr_assert_eq(n, DEMO_ORGS);
	http_do(NULL, &r2, "GET", p2, S.admin, NULL, NULL, 0, accept);
	expect_status(&r2, 200);
	cr_assert_str_eq(r2.body, r.body);
	resp_free(&r);
	resp_free(&r2);
	free(p);
	free(p2);
}

Test(http, questions, .timeout = 20)
{
	struct resp r;
	json_t *o, *qs, *q0;

	srv_start(NULL);
	o = get_json("/v1/questions", S.reader, 200);
	qs = json_object_get(o, "questions");
	cr_assert_eq(json_array_size(qs), 2);
	q0 = json_array_get(qs, 0);
	cr_assert_str_eq(json_string_value(json_object_get(q0, "name")),
	    "by_org");
	cr_assert_str_eq(json_string_value(json_object_get(q0, "title")),
	    "Spend by partner");
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(
	    json_object_get(q0, "params"), 0), "type")), "period");
	json_decref(o);
	o = get_json("/v1/questions/by_org", S.admin, 200);
	cr_assert_gt(json_array_size(json_object_get(o, "rows")), 0);
	json_decref(o);
	o = get_json("/v1/questions/falls?place=CHG-AG", S.admin, 200);
	cr_assert_gt(json_array_size(json_object_get(o, "rows")), 0);
	json_decref(o);
	http_get(&r, "/v1/questions/by_org?year=fy2025&format=csv", S.admin);
	expect_status(&r, 200);
	cr_assert(strncmp(r.body, "org,n,total\n", 12) == 0, "%s", r.body);
	resp_free(&r);
	http_get(&r, "/v1/questions/by_org?year=banana", S.admin);
	expect_status(&r, 400);
	cr_assert_str_eq(resp_errcode(&r), "bad_parameter");
	resp_free(&r);
	http_get(&r, "/v1/questions/by_org?colour=red", S.admin);
	expect_status(&r, 400);
	resp_free(&r);
	http_get(&r, "/v1/questions/nosuch", S.admin);
	expect_status(&r, 404);
	cr_assert_str_eq(resp_errcode(&r), "not_found");
	resp_free(&r);
	http_get(&r, "/v1/questions", S.loader);
	expect_status(&r, 403);
	resp_free(&r);
}

Test(http, load_summary, .timeout = 20)
{
	static const char csv[] = "date,org,service,amount\n"
	    "2025-05-01," PARTNER ",Lunch club,12.50\n"
	    "2025-05-02," PARTNER ",Lunch club,\"12,3x\"\n"
	    "2025-05-03," PARTNER ",Lunch club,(3.00)\n"
	    "2025-05-04," PARTNER ",Lunch club,7.25\n";
	static const char nd[] = "{\"date\":\"2025-06-01\",\"org\":\"" PARTNER
	    "\",\"amount\":\"1.00\"}\n";
	json_t *o, *e;
	json_int_t batch;

	srv_start(NULL);
	load(S.loader, "spend", "source=lunch", csv, 201, &o);
	cr_assert_eq(json_integer_value(json_object_get(o, "accepted")), 3);
	cr_assert_eq(json_integer_value(json_object_get(o, "rejected")), 1);
	e = json_array_get(json_object_get(o, "errors"), 0);
	cr_assert_eq(json_integer_value(json_object_get(e, "line")), 3,
	    "the bad line is the file's third");
	cr_assert(strstr(json_string_value(json_object_get(e, "message")),
	    "amount"));
	cr_assert_eq(json_integer_value(json_object_get(o, "data_version")),
	    DEMO_DV + 1);
	batch = json_integer_value(json_object_get(o, "batch"));
	json_decref(o);
	/* The same content again: nothing changes. */
	load(S.loader, "spend", "source=lunch", csv, 200, &o);
	cr_assert_eq(json_integer_value(json_object_get(o, "same_as")), batch);
	cr_assert_eq(json_integer_value(json_object_get(o, "data_version")),
	    DEMO_DV + 1);
	json_decref(o);
	/* strict: one bad line fails the whole file. */
	load(S.loader, "spend", "source=strict&strict=1", csv, 422, &o);
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(o,
	    "error"), "code")), "load_failed");
	json_decref(o);
	/* NDJSON, by format= and by Content-Type. */
	load(S.admin, "spend", "source=nd&format=ndjson&org=" PARTNER, nd,
	    201, NULL);
	{
		struct resp r;

		http_do(NULL, &r, "POST", "/v1/load/spend?source=nd2", S.loader,
		    "application/x-ndjson", nd, strlen(nd), NULL);
		expect_status(&r, 200);	/* the same content as "nd" */
		resp_free(&r);
	}
	load(S.loader, "widgets", "source=w", csv, 404, NULL);
	load(S.loader, "spend", "org=" PARTNER, csv, 400, NULL);
	load(S.loader, "spend", "source=x&format=dbf", csv, 415, NULL);
	/* A format a plugin reads (xlsx) refuses a body it cannot read. */
	load(S.loader, "spend", "source=x&format=xlsx", csv, 422, NULL);
	/* profile=NAME: a CSV through a shipped profile, three records from
	 * one row; a name, never a path; the profile's kind only; not with
	 * format= as well. */
	{
		static const char ae[] = "period,org_code,type,attendances,"
		    "breaches,admissions\n2016-04-01,RF4,1,10,2,3\n";

		load(S.admin, "outcome", "source=ae&profile=ae-attendances",
		    ae, 201, &o);
		cr_expect_eq(json_integer_value(json_object_get(o,
		    "accepted")), 3);
		cr_expect_eq(json_integer_value(json_object_get(
		    json_object_get(o, "skipped"), "lines")), 1);
		json_decref(o);
	}
	load(S.admin, "outcome", "source=x&profile=..%2Fetc", csv, 400, NULL);
	load(S.admin, "outcome", "source=x&profile=nope", csv, 400, NULL);
	load(S.admin, "spend", "source=x&profile=ae-attendances", csv, 400,
	    NULL);
	load(S.admin, "outcome", "source=x&profile=ae-attendances&format=csv",
	    csv, 400, NULL);
}

Test(http, batches_and_retire, .timeout = 20)
{
	struct resp r;
	json_t *o, *bs;

	srv_start(NULL);
	o = get_json("/v1/batches", S.reader, 200);
	bs = json_object_get(o, "batches");
	cr_assert_eq(json_array_size(bs), 4);
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(bs,
	    1), "source")), "chigley-spend");
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(bs,
	    1), "state")), "live");
	cr_assert_eq(json_integer_value(json_object_get(o, "data_version")),
	    DEMO_DV);
	json_decref(o);
	http_do(NULL, &r, "DELETE", "/v1/batches/2", S.admin, NULL, NULL, 0,
	    NULL);
	expect_status(&r, 200);
	o = resp_json(&r);
	cr_assert_eq(json_integer_value(json_object_get(o, "retired")), 2);
	cr_assert_eq(json_integer_value(json_object_get(o, "data_version")),
	    DEMO_DV + 1);
	json_decref(o);
	resp_free(&r);
	http_do(NULL, &r, "DELETE", "/v1/batches/2", S.admin, NULL, NULL, 0,
	    NULL);
	expect_status(&r, 409);
	resp_free(&r);
	http_do(NULL, &r, "DELETE", "/v1/batches/999", S.admin, NULL, NULL, 0,
	    NULL);
	expect_status(&r, 404);
	resp_free(&r);
	http_do(NULL, &r, "DELETE", "/v1/batches/x1", S.admin, NULL, NULL, 0,
	    NULL);
	expect_status(&r, 404);
	resp_free(&r);
	o = get_json("/v1/batches", S.admin, 200);
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(
	    json_object_get(o, "batches"), 1), "state")), "retired");
	json_decref(o);
}

Test(http, schemes_and_plugins, .timeout = 20)
{
	struct resp r;
	json_t *o;

	srv_start(NULL);
	o = get_json("/v1/schemes", S.reader, 200);
	cr_assert(json_is_array(json_object_get(o, "schemes")));
	{
		json_t *a = json_object_get(o, "schemes"), *sc;
		size_t i;
		int prov = -1;

		/* cipfa2025 is listed as provisional until checked. */
		json_array_foreach(a, i, sc)
			if (strcmp(json_string_value(json_object_get(sc,
			    "name")), "cipfa2025") == 0)
				prov = json_is_true(json_object_get(sc,
				    "provisional"));
		cr_expect_eq(prov, 1, "cipfa2025 not listed as provisional");
	}
	json_decref(o);
	/* The build tree's placed loads the build tree's plugins. */
	o = get_json("/v1/schemes/cofog", S.reader, 200);
	cr_assert_eq(json_array_size(json_object_get(o, "codes")), 188);
	cr_assert_str_eq(json_string_value(json_object_get(o, "field")),
	    "cofog");
	cr_assert_eq(json_array_size(json_object_get(o, "levels")), 3);
	json_decref(o);
	http_get(&r, "/v1/schemes/icd10", S.reader);
	expect_status(&r, 404);
	resp_free(&r);
	o = get_json("/v1/plugins", S.loader, 200);
	cr_assert(json_is_array(json_object_get(o, "plugins")));
	cr_assert_geq(json_array_size(json_object_get(o, "plugins")), 1);
	json_decref(o);
	http_get(&r, "/v1/plugins", NULL);
	expect_status(&r, 401);
	resp_free(&r);
}

/* ---- every status ---- */

Test(http, status_400, .timeout = 20)
{
	static const char bad[] = "spend\n| grop org";
	static const char *bodies[] = {
		"{\"q\": ", "[1, 2]", "{\"query\": \"spend\"}",
		"{\"q\": \"spend | take 1\", \"params\": {\"x\": [1]}}",
	};
	struct resp r;
	json_t *o, *e;
	const char *caret;
	char buf[4096];
	int fd, eof;

	srv_start(NULL);
	http_do(NULL, &r, "POST", "/v1/query", S.admin, "text/plain", bad,
	    strlen(bad), NULL);
	expect_status(&r, 400);
	o = resp_json(&r);
	e = json_object_get(o, "error");
	cr_assert_str_eq(json_string_value(json_object_get(e, "code")),
	    "query");
	cr_assert_eq(json_integer_value(json_object_get(e, "line")), 2);
	cr_assert_eq(json_integer_value(json_object_get(e, "column")), 3);
	cr_assert(strstr(json_string_value(json_object_get(e, "message")),
	    "grop"));
	caret = json_string_value(json_object_get(e, "caret"));
	cr_assert_not_null(caret);
	cr_assert_str_eq(caret, "| grop org\n  ^^^^");
	json_decref(o);
	resp_free(&r);
	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		http_do(NULL, &r, "POST", "/v1/query", S.admin,
		    "application/json", bodies[i], strlen(bodies[i]), NULL);
		expect_status(&r, 400);
		cr_assert_str_eq(resp_errcode(&r), "bad_request", "%s",
		    bodies[i]);
		resp_free(&r);
	}
	http_get(&r, "/v1/query", S.admin);
	expect_status(&r, 400);
	resp_free(&r);
	http_get(&r, "/v1/query?q=spend&format=xml", S.admin);
	expect_status(&r, 400);
	resp_free(&r);
	http_get(&r, "/v1/query?q=spend%00", S.admin);
	expect_status(&r, 400);
	resp_free(&r);
	/* Not HTTP at all. */
	fd = raw_connect();
	raw_send(fd, "HELLO THERE\r\n\r\n", 15);
	raw_read(fd, buf, sizeof(buf), 3000, &eof);
	cr_assert_eq(raw_status(buf), 400, "%s", buf);
	cr_assert(eof, "the connection stays open after a malformed request");
	close(fd);
}

Test(http, status_401, .timeout = 20)
{
	static const char *const basic[] = {
		"Authorization: Basic YWRtOmFkbQ==", NULL
	};
	char *p = query_path(BY_ORG, ""), h[128];
	struct resp r;
	double t0;
	int ok = 0;

	srv_start(NULL);
	http_get(&r, p, NULL);
	expect_status(&r, 401);
	cr_assert_str_eq(resp_header(&r, "WWW-Authenticate", h, sizeof(h)),
	    "Bearer realm=\"placed\"");
	cr_assert_str_eq(resp_errcode(&r), "unauthorized");
	resp_free(&r);
	http_do(NULL, &r, "GET", p, NULL, NULL, NULL, 0, basic);
	expect_status(&r, 401);
	resp_free(&r);
	http_get(&r, p, "plc_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	expect_status(&r, 401);
	resp_free(&r);
	/* A load refused at the headers reads no body. */
	load(NULL, "spend", "source=x", "date,amount\n", 401, NULL);
	/* Revoked, then SIGHUP: refused from then on. */
	http_get(&r, p, S.reader);
	expect_status(&r, 200);
	resp_free(&r);
	cr_assert_eq(placed_run(NULL, 0, "token", "revoke", "rdr", "--tokens",
	    S.tokens, (char *)NULL), 0);
	kill(S.pid, SIGHUP);
	for (t0 = now_ms(); now_ms() - t0 < 5000 && !ok; usleep(20000)) {
		http_get(&r, p, S.reader);
		ok = r.status == 401;
		cr_assert(r.status == 200 || r.status == 401);
		resp_free(&r);
	}
	cr_assert(ok, "the revoked token still works after SIGHUP");
	http_get(&r, p, S.analyst);
	expect_status(&r, 200);
	resp_free(&r);
	free(p);
}

/* A body refused at the headers while the client is still sending it:
 * the answer must arrive, not a connection reset. */
Test(http, refused_body_answer_arrives, .timeout = 20)
{
	static const char head[] = "POST /v1/load/spend?source=x HTTP/1.1\r\n"
	    "Host: x\r\nContent-Type: text/csv\r\n"
	    "Content-Length: 33554432\r\n\r\n";
	size_t n = 32u << 20, off = 0;
	char *body = malloc(n), buf[4096];
	int fd, eof;

	srv_start(NULL);
	memset(body, 'x', n);
	fd = raw_connect();
	raw_send(fd, head, strlen(head));
	while (off < n) {
		ssize_t k = send(fd, body + off, n - off, MSG_NOSIGNAL);

		if (k <= 0)
			break;	/* the server may stop reading; fine */
		off += (size_t)k;
	}
	raw_read(fd, buf, sizeof(buf), 5000, &eof);
	cr_assert_eq(raw_status(buf), 401, "sent %zu bytes, then read "
	    "\"%.100s\" (errno %s)", off, buf, strerror(errno));
	close(fd);
	free(body);
}

Test(http, status_403, .timeout = 20)
{
	struct resp r;
	char *p = query_path(BY_ORG, "");

	srv_start(NULL);
	http_do(NULL, &r, "DELETE", "/v1/batches/1", S.reader, NULL, NULL, 0,
	    NULL);
	expect_status(&r, 403);
	cr_assert_str_eq(resp_errcode(&r), "forbidden");
	resp_free(&r);
	http_do(NULL, &r, "DELETE", "/v1/batches/1", S.loader, NULL, NULL, 0,
	    NULL);
	expect_status(&r, 403);
	resp_free(&r);
	http_get(&r, p, S.loader);
	expect_status(&r, 403);
	resp_free(&r);
	load(S.loader, "spend", "source=x&org=chigley-fire",
	    "date,amount\n2025-05-01,1.00\n", 403, NULL);
	load(S.reader, "spend", "source=x", "date,amount\n", 403, NULL);
	load(S.analyst, "spend", "source=x", "date,amount\n", 403, NULL);
	/* Its own partner named explicitly is fine. */
	load(S.loader, "spend", "source=x&org=" PARTNER,
	    "date,amount\n2025-05-01,1.00\n", 201, NULL);
	/* A loader's rows for another partner are rejected line by line. */
	{
		json_t *o;

		load(S.loader, "spend", "source=y", "date,org,amount\n"
		    "2025-05-01,chigley-fire,1.00\n"
		    "2025-05-01," PARTNER ",2.00\n", 201, &o);
		cr_assert_eq(json_integer_value(json_object_get(o,
		    "accepted")), 1);
		cr_assert_eq(json_integer_value(json_object_get(o,
		    "rejected")), 1);
		json_decref(o);
	}
	free(p);
}

Test(http, status_404_405, .timeout = 20)
{
	static const struct { const char *m, *path; int want; } cases[] = {
		{ "GET", "/", 404 },
		{ "GET", "/v2/query", 404 },
		{ "GET", "/v1/query/extra", 404 },
		{ "GET", "/v1/questions/a/b", 404 },
		{ "DELETE", "/v1/query", 405 },
		{ "PUT", "/v1/query", 405 },
		{ "POST", "/healthz", 405 },
		{ "POST", "/metrics", 405 },
		{ "PUT", "/v1/batches", 405 },
		{ "GET", "/v1/batches/1", 405 },
		{ "POST", "/v1/questions", 405 },
		{ "DELETE", "/v1/schemes", 405 },
		{ "GET", "/v1/load/spend?source=x", 405 },
	};
	struct resp r;
	char h[128];

	srv_start(NULL);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		http_do(NULL, &r, cases[i].m, cases[i].path, S.admin, NULL,
		    NULL, 0, NULL);
		cr_assert_eq(r.status, cases[i].want, "%s %s: %ld, want %d",
		    cases[i].m, cases[i].path, r.status, cases[i].want);
		if (cases[i].want == 405)
			cr_assert_not_null(resp_header(&r, "Allow", h,
			    sizeof(h)), "%s %s: no Allow", cases[i].m,
			    cases[i].path);
		cr_assert_str_eq(resp_errcode(&r), cases[i].want == 404 ?
		    "not_found" : "method_not_allowed");
		resp_free(&r);
	}
}

Test(http, status_408_header_timeout, .timeout = 20)
{
	static const char half[] = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
	char buf[4096];
	double t0;
	int fd, eof;

	srv_start("header_timeout = 300ms\n");
	fd = raw_connect();
	t0 = now_ms();
	raw_send(fd, half, strlen(half));
	raw_read(fd, buf, sizeof(buf), 5000, &eof);
	cr_assert_eq(raw_status(buf), 408, "%s", buf);
	cr_assert(strstr(buf, "Connection: close\r\n"));
	cr_assert(strstr(buf, "\"code\":\"timeout\""));
	cr_assert(eof);
	cr_assert(now_ms() - t0 >= 250 && now_ms() - t0 < 3000, "%.0f ms",
	    now_ms() - t0);
	close(fd);
	cr_assert_eq(metric("placed_timeouts_total"), 1);
}

Test(http, status_413_body, .timeout = 20)
{
	char req[512], buf[4096];
	int fd, eof, n;

	srv_start("max_body = 4k\n");
	n = snprintf(req, sizeof(req), "POST /v1/load/spend?source=big "
	    "HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
	    "Content-Type: text/csv\r\nContent-Length: 100000\r\n\r\n",
	    S.loader);
	fd = raw_connect();
	raw_send(fd, req, (size_t)n);
	raw_read(fd, buf, sizeof(buf), 5000, &eof);
	cr_assert_eq(raw_status(buf), 413, "%s", buf);
	cr_assert(strstr(buf, "body_too_large"));
	cr_assert(eof, "the body was refused but the connection stayed");
	close(fd);
	/* A query body too. */
	n = snprintf(req, sizeof(req), "POST /v1/query HTTP/1.1\r\nHost: x\r\n"
	    "Authorization: Bearer %s\r\nContent-Length: 5000\r\n\r\n",
	    S.admin);
	fd = raw_connect();
	raw_send(fd, req, (size_t)n);
	raw_read(fd, buf, sizeof(buf), 5000, &eof);
	cr_assert_eq(raw_status(buf), 413, "%s", buf);
	close(fd);
	/* Nothing was loaded. */
	cr_assert_eq(metric("placed_data_version"), DEMO_DV);
}

Test(http, status_414_431, .timeout = 20)
{
	char *url = malloc(10000), *hdr = malloc(20100);
	const char *hl[] = { hdr, NULL };
	struct resp r;

	srv_start(NULL);	/* max_url 8 KiB, max_header_bytes 16 KiB */
	strcpy(url, "/healthz?x=");
	memset(url + 11, 'a', 9000);
	url[9011] = '\0';
	http_get(&r, url, NULL);
	expect_status(&r, 414);
	cr_assert_str_eq(resp_errcode(&r), "uri_too_long");
	resp_free(&r);
	strcpy(hdr, "X-Big: ");
	memset(hdr + 7, 'b', 20000);
	hdr[20007] = '\0';
	http_do(NULL, &r, "GET", "/healthz", NULL, NULL, NULL, 0, hl);
	expect_status(&r, 431);
	cr_assert_str_eq(resp_errcode(&r), "headers_too_large");
	resp_free(&r);
	/* Just under the limits is fine. */
	url[8000] = '\0';
	http_get(&r, url, NULL);
	expect_status(&r, 200);
	resp_free(&r);
	hdr[15000] = '\0';
	http_do(NULL, &r, "GET", "/healthz", NULL, NULL, NULL, 0, hl);
	expect_status(&r, 200);
	resp_free(&r);
	free(url);
	free(hdr);
}

struct bg_query {
	pthread_t	th;
	const char	*tok;
	char		*path;
	struct resp	r;
};

static void *
bg_query_run(void *arg)
{
	struct bg_query *b = arg;

	http_get(&b->r, b->path, b->tok);
	return (NULL);
}

Test(http, status_429_per_token, .timeout = 30)
{
	struct bg_query b = { .tok = NULL };
	char h[64], *p = query_path(BY_ORG, "");
	struct resp r;

	/* max_inflight 2: one token may run 1 query at a time. */
	srv_start("max_inflight = 2\n");
	b.tok = S.analyst;
	b.path = query_path(SLOW_Q, "");
	cr_assert_eq(pthread_create(&b.th, NULL, bg_query_run, &b), 0);
	wait_inflight(1);
	http_get(&r, p, S.analyst);
	expect_status(&r, 429);
	cr_assert_str_eq(resp_errcode(&r), "too_many_requests");
	cr_assert_str_eq(resp_header(&r, "Retry-After", h, sizeof(h)), "1");
	resp_free(&r);
	/* Another token is not held up. */
	http_get(&r, p, S.admin);
	expect_status(&r, 200);
	resp_free(&r);
	pthread_join(b.th, NULL);
	expect_status(&b.r, 200);
	resp_free(&b.r);
	/* Once it is done the token may query again. */
	http_get(&r, p, S.analyst);
	expect_status(&r, 200);
	resp_free(&r);
	free(b.path);
	free(p);
}

Test(http, status_503_connections, .timeout = 20)
{
	char buf[4096];
	struct resp r;
	int a, b, c, eof;
	double t0;

	srv_start("max_connections = 2\n");
	a = raw_connect();
	b = raw_connect();
	c = raw_connect();
	raw_read(c, buf, sizeof(buf), 5000, &eof);
	cr_assert_eq(raw_status(buf), 503, "%s", buf);
	cr_assert(strstr(buf, "too_many_connections"));
	cr_assert(strstr(buf, "Retry-After: 1\r\n"));
	cr_assert(eof);
	close(c);
	/* The two it took still work. */
	raw_send(a, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close"
	    "\r\n\r\n", 53);
	raw_read(a, buf, sizeof(buf), 5000, &eof);
	cr_assert_eq(raw_status(buf), 200, "%s", buf);
	close(a);
	close(b);
	/* With them gone there is room again. */
	for (t0 = now_ms();; usleep(20000)) {
		http_get(&r, "/healthz", NULL);
		if (r.status == 200)
			break;
		resp_free(&r);
		cr_assert(now_ms() - t0 < 3000, "still refused");
	}
	resp_free(&r);
	cr_assert_geq(metric("placed_connections_refused_total"), 1);
}

/* ---- connections ---- */

Test(http, keep_alive, .timeout = 20)
{
	CURL *h = curl_easy_init();
	char *p = query_path(BY_ORG, "");
	struct resp r;

	srv_start(NULL);
	http_do(h, &r, "GET", "/healthz", NULL, NULL, NULL, 0, NULL);
	expect_status(&r, 200);
	cr_assert_eq(r.nconnects, 1);
	resp_free(&r);
	http_do(h, &r, "GET", p, S.admin, NULL, NULL, 0, NULL);
	expect_status(&r, 200);
	cr_assert_eq(r.nconnects, 0, "a second connection was opened");
	resp_free(&r);
	/* An error answer keeps the connection too. */
	http_do(h, &r, "GET", "/nope", S.admin, NULL, NULL, 0, NULL);
	expect_status(&r, 404);
	cr_assert_eq(r.nconnects, 0);
	resp_free(&r);
	http_do(h, &r, "POST", "/v1/query", S.admin, "text/plain", BY_ORG,
	    strlen(BY_ORG), NULL);
	expect_status(&r, 200);
	cr_assert_eq(r.nconnects, 0);
	resp_free(&r);
	curl_easy_cleanup(h);
	free(p);
}

Test(http, pipelining, .timeout = 20)
{
	char req[4096], buf[65536], *q = query_path(SLOW_Q, "");
	const char *s;
	int fd, eof, n, st[4], k = 0;

	srv_start(NULL);
	/* A slow query on the pool first, then two answered on the loop:
	 * the answers still come in request order. */
	n = snprintf(req, sizeof(req),
	    "GET %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n"
	    "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"
	    "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
	    "POST /v1/query HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s"
	    "\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n%s",
	    q, S.admin, S.admin, strlen(BY_ORG), BY_ORG);
	fd = raw_connect();
	raw_send(fd, req, (size_t)n);
	raw_read(fd, buf, sizeof(buf), 10000, &eof);
	cr_assert(eof, "the last request said Connection: close");
	for (s = buf; (s = strstr(s, "HTTP/1.1 ")) != NULL && k < 4; s++)
		st[k++] = raw_status(s);
	cr_assert_eq(k, 4, "%d answers: %s", k, buf);
	cr_assert(st[0] == 200 && st[1] == 404 && st[2] == 200 &&
	    st[3] == 200, "statuses %d %d %d %d", st[0], st[1], st[2], st[3]);
	cr_assert(strstr(buf, "\"n\",\"type\"") < strstr(buf, "/nope"));
	cr_assert(strstr(buf, "/nope") < strstr(buf, "\"status\":\"ok\""));
	cr_assert(strstr(buf, "chigley-council") > strstr(buf,
	    "\"status\":\"ok\""));
	close(fd);
	free(q);
}

/* ---- ETags and the cache ---- */

Test(http, etag_304_and_invalidation, .timeout = 20)
{
	static const char csv[] = "date,org,service,amount\n"
	    "2025-05-01," PARTNER ",Etag test,10.00\n";
	char *p = query_path(BY_ORG, ""), e1[64], e2[64], er[64], inm[96],
	    dv[32];
	const char *hl[] = { inm, NULL };
	struct resp r;

	srv_start(NULL);
	http_get(&r, p, S.admin);
	expect_status(&r, 200);
	cr_assert_not_null(resp_header(&r, "ETag", e1, sizeof(e1)));
	resp_free(&r);
	snprintf(inm, sizeof(inm), "If-None-Match: %s", e1);
	http_do(NULL, &r, "GET", p, S.admin, NULL, NULL, 0, hl);
	expect_status(&r, 304);
	cr_assert_eq(r.len, 0);
	cr_assert_str_eq(resp_header(&r, "ETag", er, sizeof(er)), e1);
	resp_free(&r);
	snprintf(inm, sizeof(inm), "If-None-Match: \"x\", W/%s", e1);
	http_do(NULL, &r, "GET", p, S.admin, NULL, NULL, 0, hl);
	expect_status(&r, 304);
	resp_free(&r);
	/* The second plain GET comes from the cache, same tag. */
	http_get(&r, p, S.admin);
	expect_status(&r, 200);
	cr_assert_str_eq(resp_header(&r, "ETag", er, sizeof(er)), e1);
	resp_free(&r);
	cr_assert_geq(metric("placed_cache_hits_total"), 1);
	/* Another role's answer is another entity. */
	http_get(&r, p, S.reader);
	expect_status(&r, 200);
	cr_assert_str_neq(resp_header(&r, "ETag", er, sizeof(er)), e1);
	resp_free(&r);
	/* A load commits: the old tag no longer matches. */
	load(S.loader, "spend", "source=etag", csv, 201, NULL);
	snprintf(inm, sizeof(inm), "If-None-Match: %s", e1);
	http_do(NULL, &r, "GET", p, S.admin, NULL, NULL, 0, hl);
	expect_status(&r, 200);
	cr_assert_not_null(resp_header(&r, "ETag", e2, sizeof(e2)));
	cr_assert_str_neq(e2, e1);
	cr_assert_str_eq(resp_header(&r, "X-Placed-Data-Version", dv,
	    sizeof(dv)), "5");
	resp_free(&r);
	/* The same file again changes nothing, so the tag holds. */
	load(S.loader, "spend", "source=etag", csv, 200, NULL);
	snprintf(inm, sizeof(inm), "If-None-Match: %s", e2);
	http_do(NULL, &r, "GET", p, S.admin, NULL, NULL, 0, hl);
	expect_status(&r, 304);
	resp_free(&r);
	free(p);
}
