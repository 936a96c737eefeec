/*
 * test_http_life.c — placed serve over its life: streaming loads, a
 * request that dies mid-load, graceful shutdown during a load, SIGHUP
 * reload under an open connection, slow clients against a busy loop.
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

/* ---- streaming loads ---- */

#define STREAM_LINES	200000
struct gen {
	long	line;		/* -1: the header next */
	size_t	sent;
	char	pend[512];
	size_t	npend, off;
};

static size_t
gen_read(char *buf, size_t size, size_t n, void *arg)
{
	struct gen *g = arg;
	size_t cap = size * n, out = 0;

	while (out < cap) {
		size_t k;

		if (g->off == g->npend) {
			if (g->line == STREAM_LINES)
				break;
			if (g->line < 0)
				g->npend = (size_t)snprintf(g->pend,
				    sizeof(g->pend), "date,org,service,"
				    "description,amount\n");
			else
				g->npend = (size_t)snprintf(g->pend,
				    sizeof(g->pend), "2025-%02ld-%02ld,%s,"
				    "Stream test,%0100d,%ld.%02ld\n",
				    g->line % 12 + 1, g->line % 28 + 1,
				    PARTNER, 7, g->line % 1000,
				    g->line % 100);
			g->line++;
			g->off = 0;
		}
		k = g->npend - g->off;
		if (k > cap - out)
			k = cap - out;
		memcpy(buf + out, g->pend + g->off, k);
		g->off += k;
		out += k;
	}
	g->sent += out;
	return (out);
}

Test(http, stream_large_load, .timeout = 60)
{
	CURL *h = curl_easy_init();
	struct curl_slist *hl = NULL;
	struct gen g = { .line = -1 };
	struct resp r = { 0 };
	char url[256], line[128];
	long hwm0, hwm1;
	json_t *o, *rows;
	double t0;

	srv_start(NULL);
	hwm0 = vm_hwm_kb();
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/v1/load/spend?"
	    "source=stream", S.port);
	snprintf(line, sizeof(line), "Authorization: Bearer %s", S.loader);
	hl = curl_slist_append(hl, line);
	hl = curl_slist_append(hl, "Content-Type: text/csv");
	hl = curl_slist_append(hl, "Transfer-Encoding: chunked");
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_POST, 1L);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, gen_read);
	curl_easy_setopt(h, CURLOPT_READDATA, &g);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 50000L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, NULL);
	{
		FILE *f = open_memstream(&r.body, &r.len);

		curl_easy_setopt(h, CURLOPT_WRITEDATA, f);
		t0 = now_ms();
		r.curl_rc = (int)curl_easy_perform(h);
		fclose(f);
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r.status);
	curl_easy_cleanup(h);
	curl_slist_free_all(hl);
	cr_log_info("stream: %zu bytes in %.0f ms", g.sent, now_ms() - t0);
	cr_assert_eq(r.curl_rc, CURLE_OK);
	expect_status(&r, 201);
	cr_assert_eq(g.line, STREAM_LINES);
	o = resp_json(&r);
	cr_assert_eq(json_integer_value(json_object_get(o, "accepted")),
	    STREAM_LINES, "%s", r.body);
	cr_assert_eq(json_integer_value(json_object_get(o, "rejected")), 0);
	json_decref(o);
	free(r.body);
	/* The body (~26 MB) never sat in the server's memory. */
	hwm1 = vm_hwm_kb();
	cr_log_info("VmHWM %ld kB before, %ld kB after", hwm0, hwm1);
#ifndef __SANITIZE_ADDRESS__
	/* AddressSanitizer's shadow memory and quarantine make RSS meaningless. */
	/* What the load added, not the server's fixed size (its segment
	 * buffers, plugins and rules grow with the schema, not the body). */
	cr_assert(hwm1 > 0 && (size_t)(hwm1 - hwm0) * 1024 < g.sent / 2,
	    "VmHWM %ld kB → %ld kB for a %zu byte body", hwm0, hwm1, g.sent);
#endif
	rows = query_rows("spend | where service == \"Stream test\" "
	    "| group (n = count())", S.admin, 200, &o);
	cr_assert_eq(json_integer_value(json_array_get(json_array_get(rows,
	    0), 0)), STREAM_LINES);
	json_decref(o);
}

/* curl sends "Expect: 100-continue" with a body of unknown length and
 * waits a second for the go-ahead: the server must give it at once. */
Test(http, expect_100_continue, .timeout = 20)
{
	static const char csv[] = "date,org,amount\n2025-05-01," PARTNER
	    ",1.00\n";
	static const char *const hl[] = {
		"Expect: 100-continue", NULL
	};
	struct resp r;

	srv_start(NULL);
	http_do(NULL, &r, "POST", "/v1/load/spend?source=expect", S.loader,
	    "text/csv", csv, strlen(csv), hl);
	expect_status(&r, 201);
	cr_assert_lt(r.secs, 0.8, "the load took %.2f s: no 100 Continue?",
	    r.secs);
	resp_free(&r);
	/* Refused at the headers: the final answer instead, no 100. */
	http_do(NULL, &r, "POST", "/v1/load/spend?source=expect2", S.reader,
	    "text/csv", csv, strlen(csv), hl);
	expect_status(&r, 403);
	cr_assert_lt(r.secs, 0.8);
	resp_free(&r);
}

static int
send_chunk(int fd, const char *data)
{
	char head[32];
	int n = snprintf(head, sizeof(head), "%zx\r\n", strlen(data));

	raw_send(fd, head, (size_t)n);
	raw_send(fd, data, strlen(data));
	raw_send(fd, "\r\n", 2);
	return (0);
}

static char *
spend_rows(int from, int n, const char *service)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	for (int i = from; i < from + n; i++)
		fprintf(f, "2025-06-%02d,%s,%s,%d.00\n", i % 28 + 1, PARTNER,
		    service, i);
	fclose(f);
	return (buf);
}

/* Start a chunked load on a raw socket: headers and the first rows. */
static int
chunked_load_begin(const char *source)
{
	char req[512], *rows = spend_rows(0, 100, source);
	int fd = raw_connect(), n;

	n = snprintf(req, sizeof(req), "POST /v1/load/spend?source=%s "
	    "HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: "
	    "text/csv\r\nTransfer-Encoding: chunked\r\n\r\n", source,
	    S.loader);
	raw_send(fd, req, (size_t)n);
	send_chunk(fd, "date,org,service,amount\n");
	send_chunk(fd, rows);
	free(rows);
	return (fd);
}

static json_t *
find_batch(json_t *rows, const char *source)
{
	size_t i;
	json_t *b;

	json_array_foreach(rows, i, b)
		if (strcmp(json_string_value(json_array_get(b, 1)), source) == 0)
			return (b);
	return (NULL);
}

Test(http, load_dies_midway, .timeout = 20)
{
	char req[512], *rows = spend_rows(0, 2000, "died");
	int fd, n;
	double t0;
	json_t *o, *b;
	size_t i;

	srv_start(NULL);
	n = snprintf(req, sizeof(req), "POST /v1/load/spend?source=died "
	    "HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: "
	    "text/csv\r\nContent-Length: 10000000\r\n\r\n"
	    "date,org,service,amount\n", S.loader);
	fd = raw_connect();
	raw_send(fd, req, (size_t)n);
	raw_send(fd, rows, strlen(rows));
	free(rows);
	wait_inflight(1);
	close(fd);
	for (t0 = now_ms(); metric("placed_inflight") != 0; usleep(20000))
		cr_assert(now_ms() - t0 < 5000, "the load never ended");
	o = get_json("/v1/batches", S.admin, 200);
	cr_assert_eq(json_integer_value(json_object_get(o, "data_version")),
	    DEMO_DV);
	json_array_foreach(json_object_get(o, "batches"), i, b)
		cr_assert(strcmp(json_string_value(json_object_get(b, "state")),
		    "live") != 0 || strcmp(json_string_value(
		    json_object_get(b, "source")), "died") != 0,
		    "a dead request's load went live");
	json_decref(o);
	cr_assert_eq(metric("placed_loads_total"), 0);
}

/* Wait until the server stops listening (it has seen SIGTERM). */
static void
wait_not_listening(void)
{
	double t0 = now_ms();
	struct resp r;

	for (;; usleep(20000)) {
		http_get(&r, "/healthz", NULL);
		resp_free(&r);
		if (r.status == 0)
			return;
		cr_assert(now_ms() - t0 < 3000, "still listening");
	}
}

Test(http, shutdown_finishes_load_in_grace, .timeout = 30)
{
	char buf[4096], *rows = spend_rows(100, 100, "g1");
	int fd, eof, st;
	long long dv;
	json_t *bs, *b;

	srv_start("grace = 10s\n");
	fd = chunked_load_begin("g1");
	wait_inflight(1);
	kill(S.pid, SIGTERM);
	wait_not_listening();
	send_chunk(fd, rows);
	free(rows);
	raw_send(fd, "0\r\n\r\n", 5);
	raw_read(fd, buf, sizeof(buf), 10000, &eof);
	cr_assert_eq(raw_status(buf), 201, "%s", buf);
	cr_assert(strstr(buf, "\"accepted\":200"), "%s", buf);
	cr_assert(strstr(buf, "Connection: close\r\n"));
	cr_assert(eof);
	close(fd);
	st = srv_signal_wait(0, 10000);
	cr_assert(st != -1, "the server did not exit");
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "wait status %#x",
	    st);
	bs = cli_batches(&dv);
	cr_assert_eq(dv, DEMO_DV + 1);
	b = find_batch(bs, "g1");
	cr_assert_not_null(b);
	cr_assert_str_eq(json_string_value(json_array_get(b, 5)), "live");
	cr_assert_eq(json_integer_value(json_array_get(b, 3)), 200);
	json_decref(bs);
}

Test(http, shutdown_abandons_load_after_grace, .timeout = 30)
{
	char buf[4096];
	int fd, eof, st;
	long long dv;
	double t0;
	json_t *bs, *b;

	srv_start("grace = 500ms\n");
	fd = chunked_load_begin("g2");
	wait_inflight(1);
	t0 = now_ms();
	kill(S.pid, SIGTERM);
	/* The body never ends: cut off once the grace is over. */
	raw_read(fd, buf, sizeof(buf), 8000, &eof);
	cr_assert(eof, "the connection was not closed after the grace");
	cr_assert_eq(raw_status(buf), 0, "an answer to an unfinished load: "
	    "%s", buf);
	st = srv_signal_wait(0, 5000);
	cr_assert(st != -1, "the server did not exit");
	cr_assert(now_ms() - t0 >= 450, "exited before the grace was over");
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "wait status %#x",
	    st);
	close(fd);
	bs = cli_batches(&dv);
	cr_assert_eq(dv, DEMO_DV);
	b = find_batch(bs, "g2");
	cr_assert(b == NULL || strcmp(json_string_value(json_array_get(b, 5)),
	    "live") != 0, "the unfinished load is live");
	json_decref(bs);
}

/* Idle keep-alive connections are closed at once on SIGTERM, and the
 * server exits without waiting for the grace. */
Test(http, shutdown_idle, .timeout = 20)
{
	char buf[256];
	int fd, eof, st;
	double t0;

	srv_start("grace = 20s\n");
	fd = raw_connect();
	raw_send(fd, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 34);
	raw_read(fd, buf, sizeof(buf), 300, &eof);
	cr_assert_eq(raw_status(buf), 200);
	t0 = now_ms();
	st = srv_signal_wait(SIGTERM, 5000);
	cr_assert(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	cr_assert_lt(now_ms() - t0, 3000);
	close(fd);
}

/* ---- SIGHUP ---- */

Test(http, sighup_reload_keeps_connections, .timeout = 20)
{
	CURL *h = curl_easy_init();
	char fresh[64], path[400];
	struct resp r;
	long conns = 0;
	double t0;
	int ok = 0;
	FILE *f;

	srv_start(NULL);
	http_do(h, &r, "GET", "/v1/questions", S.admin, NULL, NULL, 0, NULL);
	expect_status(&r, 200);
	resp_free(&r);
	token_make("fresh", PARTNER, "analyst", fresh);
	snprintf(path, sizeof(path), "%s/orgs.pql", S.qdir);
	cr_assert((f = fopen(path, "w")) != NULL);
	fputs("# title: Partners\n# handbook: Who spends?\n"
	    "spend | group org (n = count())\n", f);
	fclose(f);
	http_do(h, &r, "GET", "/v1/questions/orgs", fresh, NULL, NULL, 0,
	    NULL);
	expect_status(&r, 401);	/* not read yet */
	conns += r.nconnects;
	resp_free(&r);
	kill(S.pid, SIGHUP);
	for (t0 = now_ms(); !ok && now_ms() - t0 < 5000; usleep(20000)) {
		http_do(h, &r, "GET", "/v1/questions/orgs", fresh, NULL, NULL,
		    0, NULL);
		cr_assert(r.status == 401 || r.status == 200, "%ld",
		    r.status);
		ok = r.status == 200;
		conns += r.nconnects;
		resp_free(&r);
	}
	cr_assert(ok, "the new token and question never worked");
	cr_assert_eq(conns, 0, "the keep-alive connection was not kept");
	http_do(h, &r, "GET", "/v1/questions", fresh, NULL, NULL, 0, NULL);
	expect_status(&r, 200);
	cr_assert(strstr(r.body, "\"orgs\""));
	cr_assert_eq(r.nconnects, 0);
	resp_free(&r);
	/* A bad question file: the reload fails, the old set stays. */
	snprintf(path, sizeof(path), "%s/broken.pql", S.qdir);
	cr_assert((f = fopen(path, "w")) != NULL);
	fputs("# title: Broken\nspend | grop org\n", f);
	fclose(f);
	kill(S.pid, SIGHUP);
	usleep(300000);
	http_do(h, &r, "GET", "/v1/questions/orgs", fresh, NULL, NULL, 0,
	    NULL);
	expect_status(&r, 200);
	resp_free(&r);
	http_get(&r, "/v1/questions/broken", S.admin);
	expect_status(&r, 404);
	resp_free(&r);
	curl_easy_cleanup(h);
}

/* ---- slow clients ---- */

#define SLOW_CLIENTS	300
struct fast {
	long	status[20];
	double	worst;
};

static void *
fast_queries(void *arg)
{
	struct fast *fq = arg;

	for (int i = 0; i < 20; i++) {
		char extra[32], *p;
		struct resp r;

		snprintf(extra, sizeof(extra), "x=%d", i);
		p = query_path("spend | where amount > $x "
		    "| group org (n = count())", extra);
		http_get(&r, p, S.admin);
		fq->status[i] = r.status;
		if (r.secs > fq->worst)
			fq->worst = r.secs;
		resp_free(&r);
		free(p);
		usleep(100000);
	}
	return (NULL);
}

Test(http, slow_clients_do_not_hold_the_loop, .timeout = 40)
{
	static const char req[] = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
	int fd[SLOW_CLIENTS], done[SLOW_CLIENTS] = { 0 }, got408 = 0,
	    closed = 0, left = SLOW_CLIENTS;
	struct fast fq = { .worst = 0 };
	pthread_t th;
	double t0;

	srv_start("header_timeout = 2s\n");
	for (int i = 0; i < SLOW_CLIENTS; i++) {
		fd[i] = raw_connect();
		cr_assert(fcntl(fd[i], F_SETFL, O_NONBLOCK) == 0);
	}
	cr_assert_eq(pthread_create(&th, NULL, fast_queries, &fq), 0);
	t0 = now_ms();
	for (size_t byte = 0; left > 0 && now_ms() - t0 < 8000; byte++) {
		double tick = now_ms();

		for (int i = 0; i < SLOW_CLIENTS; i++)
			if (!done[i] && byte < sizeof(req) - 1)
				(void)send(fd[i], req + byte, 1, MSG_NOSIGNAL);
		/* A second until the next byte: read what comes. */
		while (left > 0 && now_ms() - tick < 1000) {
			struct pollfd p[SLOW_CLIENTS];
			int map[SLOW_CLIENTS], np = 0;

			for (int i = 0; i < SLOW_CLIENTS; i++)
				if (!done[i]) {
					p[np].fd = fd[i];
					p[np].events = POLLIN;
					map[np++] = i;
				}
			if (poll(p, (nfds_t)np, 100) <= 0)
				continue;
			for (int k = 0; k < np; k++) {
				char buf[1024];
				ssize_t n;

				if (!(p[k].revents & (POLLIN | POLLHUP |
				    POLLERR)))
					continue;
				n = recv(p[k].fd, buf, sizeof(buf) - 1, 0);
				if (n > 0) {
					buf[n] = '\0';
					got408 += raw_status(buf) == 408;
					cr_assert(raw_status(buf) == 408,
					    "%s", buf);
					continue;
				}
				if (n < 0 && errno == EAGAIN)
					continue;
				closed++;
				done[map[k]] = 1;
				left--;
			}
		}
	}
	pthread_join(th, NULL);
	for (int i = 0; i < SLOW_CLIENTS; i++)
		close(fd[i]);
	cr_log_info("slow clients: %d got 408, %d closed in %.0f ms; worst "
	    "query %.3f s", got408, closed, now_ms() - t0, fq.worst);
	cr_assert_eq(closed, SLOW_CLIENTS, "%d slow clients still open",
	    SLOW_CLIENTS - closed);
	cr_assert_eq(got408, SLOW_CLIENTS);
	for (int i = 0; i < 20; i++)
		cr_assert_eq(fq.status[i], 200, "query %d: %ld", i,
		    fq.status[i]);
	cr_assert_lt(fq.worst, 1.0, "a query took %.3f s", fq.worst);
}

/*
 * Regressions from a stress run.  A load whose loader fails early (a line
 * of more than 1024 fields) while the client still sends: the server used
 * to die of SIGPIPE writing to the closed pipe.
 */
Test(http, load_failing_mid_body_keeps_server, .timeout = 30)
{
	struct resp r;
	size_t n = 4u << 20, off = 0;
	char *body = malloc(n);

	cr_assert_not_null(body);
	srv_start(NULL);
	off += (size_t)snprintf(body, n, "date,amount\n");
	for (int i = 0; i < 1100; i++)
		body[off++] = ',';
	body[off++] = '\n';
	while (off + 32 < n)
		off += (size_t)snprintf(body + off, n - off,
		    "2025-04-01,1.00\n");
	http_do(NULL, &r, "POST", "/v1/load/spend?source=wide", S.loader,
	    "text/csv", body, off, NULL);
	free(body);
	/* The answer may or may not reach curl before the connection ends;
	 * the server must still be there and have committed nothing. */
	resp_free(&r);
	http_get(&r, "/healthz", NULL);
	expect_status(&r, 200);
	resp_free(&r);
	cr_assert_eq(srv_signal_wait(0, 0), -1, "the server died");
}

/* An answer at the headers says the connection closes, and it does. */
Test(http, early_refusal_says_close, .timeout = 20)
{
	char buf[4096];
	int fd, eof = 0;
	static const char req[] =
	    "POST /v1/load/spend?source=x HTTP/1.1\r\nHost: t\r\n"
	    "Content-Length: 10\r\n\r\n0123456789";

	srv_start(NULL);
	fd = raw_connect();
	raw_send(fd, req, sizeof(req) - 1);
	raw_read(fd, buf, sizeof(buf), 3000, &eof);
	close(fd);
	cr_assert_eq(raw_status(buf), 401, "%s", buf);
	cr_assert(strstr(buf, "Connection: close\r\n") != NULL, "%s", buf);
	cr_assert(eof, "the connection stayed open");
}

/* A source name that is not UTF-8 is refused before anything loads. */
Test(http, load_source_not_utf8, .timeout = 20)
{
	struct resp r;
	long long dv;
	json_t *b;

	srv_start(NULL);
	http_do(NULL, &r, "POST", "/v1/load/spend?source=bad%FFname",
	    S.loader, "text/csv", "date,amount\n2025-04-01,1.00\n", 28,
	    NULL);
	expect_status(&r, 400);
	resp_free(&r);
	b = cli_batches(&dv);
	cr_assert_eq(dv, DEMO_DV, "a batch was committed");
	json_decref(b);
}
