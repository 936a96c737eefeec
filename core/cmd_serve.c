/* cmd_serve.c — placed serve: the HTTP API on a libuv loop. */
#include "config.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "conf.h"
#include "log.h"
#include "plugin.h"
#include "pseudo.h"
#include "questions.h"
#include "serve.h"

/* Settings from the config (or its defaults) into the server's. */
static void
opts_from_conf(struct srv_opts *o, const struct conf *c)
{
	snprintf(o->listen, sizeof(o->listen), "%s", c->listen);
	o->suppress_k = c->suppress;
	o->max_header_bytes = c->max_header_bytes;
	o->max_url = c->max_url;
	o->max_body = c->max_body;
	o->header_timeout_ms = c->header_timeout_ms;
	o->idle_timeout_ms = c->idle_timeout_ms;
	o->max_connections = c->max_connections;
	o->max_inflight = c->max_inflight;
	o->query_timeout_ms = c->query_timeout_ms;
	o->max_rows = c->max_rows;
	o->cache_bytes = c->cache_bytes;
	snprintf(o->cache_control, sizeof(o->cache_control), "%s",
	    c->cache_control);
	o->grace_ms = c->grace_ms;
}

int
cmd_serve(int argc, char **argv)
{
	static char profiles[1024];
	static const struct option lo[] = {
		{ "db",		required_argument, NULL, 'd' },
		{ "config",	required_argument, NULL, 'c' },
		{ "listen",	required_argument, NULL, 'l' },
		{ "key",	required_argument, NULL, 'k' },
		{ "tokens",	required_argument, NULL, 't' },
		{ "questions",	required_argument, NULL, 'q' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cli_env env = { 0 };
	struct server s;
	const char *listen = NULL, *questions = NULL;
	char err[1024], threads[16];
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "c:h", lo, NULL)) != -1) {
		switch (ch) {
		case 'd': env.db = optarg; break;
		case 'c': env.conf = optarg; break;
		case 'l': listen = optarg; break;
		case 'k': env.key = optarg; break;
		case 't': env.tokens = optarg; break;
		case 'q': questions = optarg; break;
		case 'h':
			cli_help(stdout, "serve");
			return (0);
		default:
			return (cli_usage("serve", "bad option"));
		}
	}
	if (optind != argc)
		return (cli_usage("serve", "unexpected argument \"%s\"",
		    argv[optind]));
	if ((rc = cli_resolve(&env)) != 0)
		return (rc);
	memset(&s, 0, sizeof(s));
	opts_from_conf(&s.o, env.cf);
	/* Port 0 is allowed here: the kernel picks a free one, and the
	 * "listening on" line names it (tests use that). */
	if (listen)
		snprintf(s.o.listen, sizeof(s.o.listen), "%s", listen);
	s.o.keypath = pseudo_key_path(env.key, env.conf_key);
	s.o.tokens_path = env.tokens;
	s.o.questions_dir = questions ? questions : env.cf->questions;
	s.o.rules_dir = env.cf->rules;
	s.o.partners_dir = env.cf->partners;
	s.o.profiles_dir = etc_default_dir("profiles", profiles,
	    sizeof(profiles));
	/*
	 * A loader that stops early closes its end of the body's pipe while
	 * the client still sends: the write must fail with EPIPE, not kill
	 * the server.
	 */
	signal(SIGPIPE, SIG_IGN);
	/* Queries and loads run on libuv's pool: one thread each, and one
	 * spare so the audit writer is never starved. */
	snprintf(threads, sizeof(threads), "%d", s.o.max_inflight + 2);
	setenv("UV_THREADPOOL_SIZE", threads, 0);
	if ((rc = store_open(env.db, STORE_EXISTING, &s.st, err,
	    sizeof(err))) != 0) {
		fprintf(stderr, "placed: %s\n", err);
		return (1);
	}
	if (serve_reload(&s, err, sizeof(err)) != 0) {
		fprintf(stderr, "placed: %s\n", err);
		store_close(s.st);
		return (1);
	}
	/* A refused plugin is logged and left out; the server still runs. */
	if (plugins_load(env.cf->plugins, env.cf, &s.plugins, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "placed: %s\n", err);
		store_close(s.st);
		return (1);
	}
	for (size_t i = 0; i < s.plugins->nfailed; i++)
		log_error("serve", "plugin refused: %s: %s",
		    s.plugins->failed[i].file, s.plugins->failed[i].reason);
	if (s.tokens.n == 0)
		log_warn("serve", "no tokens in %s: every request but /healthz "
		    "will be refused (placed token add NAME --partner ID "
		    "--role ROLE)", s.o.tokens_path);
	rc = serve_run(&s, stdout);
	tokens_free(&s.tokens);
	if (s.questions) {
		questions_free(s.questions);
		free(s.questions);
	}
	free(s.audit);
	plugins_free(s.plugins);
	store_close(s.st);
	return (rc == 0 ? 0 : 1);
}
