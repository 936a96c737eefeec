/*
 * test_conf.c — the configuration file (core/conf.c): defaults, every
 * setting, units and suffixes, and each bad value's "FILE:LINE:" error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "conf.h"

static char tmpdir[64];
static char path[128];
static char err[1024];
static struct conf c;

static void
setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/placed-conf.XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
	snprintf(path, sizeof(path), "%s/placed.conf", tmpdir);
	err[0] = '\0';
}

static void
teardown(void)
{
	unlink(path);
	rmdir(tmpdir);
}

TestSuite(conf, .init = setup, .fini = teardown);

static int
read_text(const char *text)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f);
	fputs(text, f);
	cr_assert_eq(fclose(f), 0);
	return (conf_read(path, &c, err, sizeof(err)));
}

static void
expect_defaults(const struct conf *d)
{
	cr_expect_str_eq(d->db, "placed.db");
	cr_expect_str_eq(d->key, "placed.key");
	cr_expect_str_eq(d->listen, "127.0.0.1:8080");
	cr_expect_str_eq(d->tokens, "placed.tokens");
	cr_expect_str_eq(d->plugins, "");
	cr_expect_eq(d->suppress, 5);
	cr_expect_eq(d->max_header_bytes, 16384);
	cr_expect_eq(d->max_url, 8192);
	cr_expect_eq(d->max_body, 1024ULL * 1024 * 1024);
	cr_expect_eq(d->header_timeout_ms, 10000);
	cr_expect_eq(d->idle_timeout_ms, 60000);
	cr_expect_eq(d->max_connections, 1024);
	cr_expect_eq(d->max_inflight, 16);
	cr_expect_eq(d->query_timeout_ms, 30000);
	cr_expect_eq(d->max_rows, 1000000);
	cr_expect_eq(d->cache_bytes, 64ULL * 1024 * 1024);
	cr_expect_str_eq(d->cache_control, "max-age=5");
	cr_expect_eq(d->grace_ms, 10000);
}

Test(conf, defaults)
{
	memset(&c, 0x5a, sizeof(c));
	conf_defaults(&c);
	expect_defaults(&c);
	cr_expect_str_eq(c.questions, "etc/questions");
	cr_expect_str_eq(c.rules, "");	/* rules_default_dir() */
}

/* An empty file changes nothing but questions, which sits beside it. */
Test(conf, empty_file_is_defaults)
{
	char want[160];

	cr_assert_eq(read_text("# nothing\n\n   \n"), 0, "%s", err);
	expect_defaults(&c);
	snprintf(want, sizeof(want), "%s/questions", tmpdir);
	cr_expect_str_eq(c.questions, want);
}

Test(conf, every_setting)
{
	cr_assert_eq(read_text(
	    "db = /srv/placed/db\n"
	    "key=/etc/placed/key\n"
	    "\tlisten = [::1]:9090  \n"
	    "tokens = /etc/placed/tokens\n"
	    "questions = /etc/placed/q\n"
	    "plugins = /a/b:/c\n"
	    "suppress = 10\n"
	    "max_header_bytes = 32k\n"
	    "max_url = 4096\n"
	    "max_body = 2g\n"
	    "header_timeout = 500ms\n"
	    "idle_timeout = 2m\n"
	    "max_connections = 50\n"
	    "max_inflight = 4\n"
	    "query_timeout = 5s\n"
	    "max_rows = 250000\n"
	    "cache_bytes = 0\n"
	    "cache_control = private, max-age=60\n"
	    "grace = 0s\n"), 0, "%s", err);
	cr_expect_str_eq(c.db, "/srv/placed/db");
	cr_expect_str_eq(c.key, "/etc/placed/key");
	cr_expect_str_eq(c.listen, "[::1]:9090");
	cr_expect_str_eq(c.tokens, "/etc/placed/tokens");
	cr_expect_str_eq(c.questions, "/etc/placed/q");
	cr_expect_str_eq(c.plugins, "/a/b:/c");
	cr_expect_eq(c.suppress, 10);
	cr_expect_eq(c.max_header_bytes, 32768);
	cr_expect_eq(c.max_url, 4096);
	cr_expect_eq(c.max_body, 2ULL << 30);
	cr_expect_eq(c.header_timeout_ms, 500);
	cr_expect_eq(c.idle_timeout_ms, 120000);
	cr_expect_eq(c.max_connections, 50);
	cr_expect_eq(c.max_inflight, 4);
	cr_expect_eq(c.query_timeout_ms, 5000);
	cr_expect_eq(c.max_rows, 250000);
	cr_expect_eq(c.cache_bytes, 0);
	cr_expect_str_eq(c.cache_control, "private, max-age=60");
	cr_expect_eq(c.grace_ms, 0);
}

Test(conf, suffixes)
{
	cr_assert_eq(read_text("max_body = 512m\ncache_bytes = 3G\n"
	    "max_header_bytes = 1024\nmax_url = 1k\n"), 0, "%s", err);
	cr_expect_eq(c.max_body, 512ULL << 20);
	cr_expect_eq(c.cache_bytes, 3ULL << 30);
	cr_expect_eq(c.max_header_bytes, 1024);
	cr_expect_eq(c.max_url, 1024);
	cr_assert_eq(read_text("max_body = 1024g\nquery_timeout = 1500ms\n"
	    "grace = 1m\nidle_timeout = 100ms\n"), 0, "%s", err);
	cr_expect_eq(c.max_body, 1024ULL << 30);
	cr_expect_eq(c.query_timeout_ms, 1500);
	cr_expect_eq(c.grace_ms, 60000);
	cr_expect_eq(c.idle_timeout_ms, 100);
	/* The last line naming a setting wins. */
	cr_assert_eq(read_text("suppress = 3\nsuppress = 7\n"), 0, "%s", err);
	cr_expect_eq(c.suppress, 7);
	cr_assert_eq(read_text("cache_control =\nplugins =\n"), 0, "%s", err);
	cr_expect_str_eq(c.cache_control, "");
	cr_expect_str_eq(c.plugins, "");
}

Test(conf, bad_values)
{
	static const struct {
		const char	*line;
		const char	*why;
	} cases[] = {
		{ "colour = blue", "unknown setting \"colour\"" },
		{ "listen 127.0.0.1:80", "expected \"name = value\"" },
		{ "db =", "db: needs a value" },
		{ "tokens = ", "tokens: needs a value" },
		{ "listen = localhost:8080", "not ADDR:PORT" },
		{ "listen = 127.0.0.1", "not ADDR:PORT" },
		{ "listen = 127.0.0.1:0", "not ADDR:PORT" },
		{ "listen = 127.0.0.1:65536", "not ADDR:PORT" },
		{ "listen = 127.0.0.1:80x", "not ADDR:PORT" },
		{ "listen = ::1:8080", "not ADDR:PORT" },
		{ "listen = [::1]8080", "not ADDR:PORT" },
		{ "listen = :8080", "not ADDR:PORT" },
		{ "suppress = 1", "suppress: 1 is out of range (2 to 1000)" },
		{ "suppress = 0", "out of range" },
		{ "suppress = 1001", "out of range" },
		{ "suppress = five", "not a whole number" },
		{ "suppress = -5", "not a whole number" },
		{ "suppress = 5k", "not a whole number" },
		{ "max_header_bytes = 512", "out of range (1k to 1m)" },
		{ "max_header_bytes = 2m", "out of range" },
		{ "max_url = 100", "out of range (256 to 1m)" },
		{ "max_body = 1t", "not a size" },
		{ "max_body = 10x", "not a size" },
		{ "max_body = 1 g", "not a size" },
		{ "max_body = 1.5g", "not a size" },
		{ "max_body = 1025g", "out of range (1k to 1024g)" },
		{ "max_body = 99999999999999999999", "not a size" },
		{ "max_body = 99999999999g", "not a size" },
		{ "max_body =", "not a size" },
		{ "header_timeout = 10", "not a duration" },
		{ "header_timeout = 10h", "not a duration" },
		{ "header_timeout = 50ms", "out of range (100ms to 60m)" },
		{ "header_timeout = 61m", "out of range" },
		{ "idle_timeout = 1.5s", "not a duration" },
		{ "query_timeout = s", "not a duration" },
		{ "grace = 2h", "not a duration" },
		{ "grace = 61m", "out of range (0ms to 60m)" },
		{ "max_connections = 0", "out of range" },
		{ "max_inflight = 0", "out of range (1 to 4096)" },
		{ "max_inflight = 5000", "out of range" },
		{ "max_rows = 0", "out of range" },
		{ "max_rows = 18446744073709551616", "not a whole number" },
		{ "cache_bytes = lots", "not a size" },
		{ "cache_control = max-age=5\tx", "printable ASCII" },
	};
	char text[512], want[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text), "# a comment\n\nsuppress = 9\n%s\n"
		    "max_rows = 5\n", cases[i].line);
		cr_expect_eq(read_text(text), -EINVAL, "case %zu (%s) accepted",
		    i, cases[i].line);
		snprintf(want, sizeof(want), "%s:4: ", path);
		cr_expect_eq(strncmp(err, want, strlen(want)), 0,
		    "case %zu: \"%s\" does not start with \"%s\"", i, err, want);
		cr_expect_not_null(strstr(err, cases[i].why),
		    "case %zu: \"%s\" lacks \"%s\"", i, err, cases[i].why);
	}
}

Test(conf, missing_file)
{
	snprintf(path, sizeof(path), "%s/nope.conf", tmpdir);
	cr_expect_eq(conf_read(path, &c, err, sizeof(err)), -ENOENT);
	cr_expect_not_null(strstr(err, "nope.conf"), "%s", err);
}

/* How serve applies --listen: the same checks as the file. */
Test(conf, conf_set_override)
{
	conf_defaults(&c);
	cr_expect_eq(conf_set(&c, "listen", "0.0.0.0:80", err, sizeof(err)),
	    0, "%s", err);
	cr_expect_str_eq(c.listen, "0.0.0.0:80");
	cr_expect_eq(conf_set(&c, "listen", "nowhere", err, sizeof(err)),
	    -EINVAL);
	cr_expect_str_eq(c.listen, "0.0.0.0:80");
	cr_expect_eq(conf_set(&c, "db", "/x", err, sizeof(err)), 0);
	cr_expect_str_eq(c.db, "/x");
	cr_expect_eq(conf_set(&c, "nosuch", "1", err, sizeof(err)), -ENOENT);
	cr_expect_str_eq(err, "unknown setting \"nosuch\"");
}

Test(conf, listen_split)
{
	char addr[64];
	int port = 0;

	cr_expect_eq(conf_listen_split("127.0.0.1:8080", addr, sizeof(addr),
	    &port), 0);
	cr_expect_str_eq(addr, "127.0.0.1");
	cr_expect_eq(port, 8080);
	cr_expect_eq(conf_listen_split("[::1]:9", addr, sizeof(addr), &port),
	    0);
	cr_expect_str_eq(addr, "::1");
	cr_expect_eq(port, 9);
	cr_expect_eq(conf_listen_split("[::1]:9", addr, 3, &port), -EINVAL);
	cr_expect_eq(conf_listen_split("[::1:9", addr, sizeof(addr), &port),
	    -EINVAL);
	cr_expect_eq(conf_listen_split("1.2.3.4:", addr, sizeof(addr), &port),
	    -EINVAL);
	cr_expect_eq(conf_listen_split("1.2.3.4:+80", addr, sizeof(addr),
	    &port), -EINVAL);
}

Test(conf, questions_beside_the_file)
{
	cr_assert_eq(read_text("db = x\n"), 0, "%s", err);
	cr_expect_eq(strncmp(c.questions, tmpdir, strlen(tmpdir)), 0);
	cr_expect_str_eq(c.questions + strlen(tmpdir), "/questions");
	cr_assert_eq(read_text("questions = /q\n"), 0, "%s", err);
	cr_expect_str_eq(c.questions, "/q");
}

Test(conf, rules_beside_the_file)
{
	cr_assert_eq(read_text("db = x\n"), 0, "%s", err);
	cr_expect_eq(strncmp(c.rules, tmpdir, strlen(tmpdir)), 0);
	cr_expect_str_eq(c.rules + strlen(tmpdir), "/rules");
	cr_assert_eq(read_text("rules = /r\n"), 0, "%s", err);
	cr_expect_str_eq(c.rules, "/r");
}
