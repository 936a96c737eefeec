/*
 * fuzz_http.c — raw bytes to the server's request handling: parsing,
 * limits, routing, authentication, queries and loads against a small
 * store, with no socket.  Whatever arrives, the server answers or closes
 * and never crashes or leaks.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "batch.h"
#include "cache.h"
#include "pseudo.h"
#include "questions.h"
#include "server.h"
#include "store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct server srv;
static char dir[] = "/tmp/placed-fuzzhttp-XXXXXX";

/* Tokens with known secrets, so the corpus can carry them. */
static void
tokens(const char *path)
{
	static const char *t[][3] = {
		{ "admin", "ALL", "admin" }, { "reader", "P1", "reader" },
		{ "analyst", "council", "analyst" },
		{ "loader", "council", "loader" },
	};
	FILE *f = fopen(path, "w");

	if (f == NULL)
		abort();
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char secret[64], hex[65];
		uint8_t h[32];

		snprintf(secret, sizeof(secret), "plc_fuzz%s", t[i][0]);
		crypto_generichash(h, 32, (const uint8_t *)secret,
		    strlen(secret), NULL, 0);
		sodium_bin2hex(hex, sizeof(hex), h, 32);
		fprintf(f, "%s\t%s\t%s\t%s\t0\n", t[i][0], t[i][1], t[i][2],
		    hex);
	}
	fclose(f);
}

static void
cleanup(void)
{
	char cmd[128];

	cache_free(srv.cache);
	tokens_free(&srv.tokens);
	questions_free(srv.questions);
	free(srv.questions);
	for (size_t i = 0; i < srv.naudit; i++)
		free(srv.audit[i]);
	free(srv.audit);
	store_close(srv.st);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

static void
setup(void)
{
	char err[1024], path[256], db[256];
	FILE *f;

	if (sodium_init() < 0 || mkdtemp(dir) == NULL)
		abort();
	snprintf(db, sizeof(db), "%s/db", dir);
	if (store_open(db, STORE_CREATE, &srv.st, err, sizeof(err)) != 0)
		abort();
	snprintf(path, sizeof(path), "%s/tokens", dir);
	tokens(path);
	if (tokens_load(path, &srv.tokens, err, sizeof(err)) != 0)
		abort();
	snprintf(path, sizeof(path), "%s/q", dir);
	if (mkdir(path, 0700) != 0)
		abort();
	snprintf(path, sizeof(path), "%s/q/by_org.pql", dir);
	if ((f = fopen(path, "w")) == NULL)
		abort();
	fputs("# title: spend by org\n# handbook: none\n"
	    "# param year period fy2025 The year\n"
	    "spend | where date in $year | group org (t = sum(amount))\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/q", dir);
	if ((srv.questions = calloc(1, sizeof(*srv.questions))) == NULL ||
	    questions_load(path, srv.questions, err, sizeof(err)) != 0)
		abort();
	snprintf(path, sizeof(path), "%s/key", dir);
	if (pseudo_key_init(path, err, sizeof(err)) != 0)
		abort();
	srv.o.keypath = strdup(path);
	snprintf(srv.o.listen, sizeof(srv.o.listen), "fuzz");
	srv.o.suppress_k = 5;
	srv.o.max_header_bytes = 2048;
	srv.o.max_url = 512;
	srv.o.max_body = 1 << 16;
	srv.o.max_connections = 4;
	srv.o.max_inflight = 4;
	srv.o.max_rows = 1000;
	srv.o.query_timeout_ms = 2000;
	srv.o.cache_bytes = 1 << 20;
	snprintf(srv.o.cache_control, sizeof(srv.o.cache_control),
	    "max-age=5");
	if ((srv.cache = cache_new(srv.o.cache_bytes)) == NULL)
		abort();
	atexit(cleanup);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hconn *c;
	size_t cut;

	if (srv.st == NULL)
		setup();
	if ((c = http_conn_fake(&srv)) == NULL)
		return (0);
	/* Two reads, split where the first byte says. */
	cut = size ? data[0] % (size + 1) : 0;
	http_conn_fake_feed(c, (const char *)data, cut);
	http_conn_fake_feed(c, (const char *)data + cut, size - cut);
	http_conn_fake_free(c);
	for (size_t i = 0; i < srv.naudit; i++)
		free(srv.audit[i]);
	srv.naudit = 0;
	return (0);
}
