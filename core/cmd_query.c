/* cmd_query.c — placed query: PQL from the command line. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "exec.h"
#include "plugin.h"
#include "store.h"
#include "table.h"

#define MAXPARAMS	64
#define MAXQUERY	(1u << 20)

static char *
read_query_file(const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	char *buf;
	size_t n;

	if (f == NULL) {
		fprintf(stderr, "placed: %s: %s\n", path, strerror(errno));
		return (NULL);
	}
	if ((buf = malloc(MAXQUERY + 1)) == NULL)
		return (NULL);
	n = fread(buf, 1, MAXQUERY + 1, f);
	if (f != stdin)
		fclose(f);
	if (n > MAXQUERY) {
		fprintf(stderr, "placed: %s: a query longer than %u bytes\n",
		    path, MAXQUERY);
		free(buf);
		return (NULL);
	}
	buf[n] = '\0';
	return (buf);
}

/* placed query and placed explain take the same arguments. */
static int
query_main(int argc, char **argv, int explain)
{
	static const struct option lo[] = {
		{ "db",		required_argument, NULL, 'd' },
		{ "config",	required_argument, NULL, 'c' },
		{ "format",	required_argument, NULL, 'F' },
		{ "param",	required_argument, NULL, 'p' },
		{ "file",	required_argument, NULL, 'f' },
		{ "plugins",	required_argument, NULL, 'P' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cli_env env = { 0 };
	struct plugins *ps = NULL;
	struct pql_param params[MAXPARAMS];
	enum out_format fmt = isatty(STDOUT_FILENO) ? OUT_TABLE : OUT_CSV;
	const char *file = NULL, *dirs = NULL;
	char *text = NULL, err[4096], *eq;
	store_t *st;
	int ch, np = 0, rc;

	while ((ch = getopt_long(argc, argv, "c:f:h", lo, NULL)) != -1) {
		switch (ch) {
		case 'd': env.db = optarg; break;
		case 'c': env.conf = optarg; break;
		case 'f': file = optarg; break;
		case 'P': dirs = optarg; break;
		case 'F':
			if (out_format_parse(optarg, &fmt) != 0)
				return (cli_usage(argv[0], "format is table, "
				    "csv, json or ndjson, not \"%s\"", optarg));
			break;
		case 'p':
			if ((eq = strchr(optarg, '=')) == NULL || eq == optarg)
				return (cli_usage(argv[0], "--param wants "
				    "name=value, not \"%s\"", optarg));
			if (np == MAXPARAMS)
				return (cli_usage(argv[0], "too many --param"));
			*eq = '\0';
			params[np].name = optarg[0] == '$' ? optarg + 1 :
			    optarg;
			params[np++].value = eq + 1;
			break;
		case 'h':
			cli_help(stdout, argv[0]);
			return (0);
		default:
			return (cli_usage(argv[0], "bad option"));
		}
	}
	if (file && optind != argc)
		return (cli_usage(argv[0], "give the query as text or with "
		    "-f, not both"));
	if (!file && optind + 1 != argc)
		return (cli_usage(argv[0], "want one query (quote it)"));
	if ((rc = cli_resolve(&env)) != 0)
		return (rc);
	if (file) {
		if ((text = read_query_file(file)) == NULL)
			return (1);
	} else if ((text = strdup(argv[optind])) == NULL) {
		return (1);
	}
	if (store_open(env.db, STORE_RDONLY, &st, err, sizeof(err)) != 0) {
		fprintf(stderr, "placed: %s\n", err);
		free(text);
		return (1);
	}
	if (explain) {
		rc = pql_explain(st, text, strlen(text), params, np, stdout,
		    err, sizeof(err));
		if (rc)
			fprintf(stderr, "placed: explain: %s\n", err);
	} else if ((rc = cli_plugins(&env, dirs, &ps)) == 0) {
		rc = cli_query_print(st, ps, "query", text, params, np, fmt);
		plugins_free(ps);
	}
	store_close(st);
	free(text);
	return (rc ? 1 : 0);
}

int
cli_query_print(store_t *st, const struct plugins *ps, const char *what,
    const char *text, const struct pql_param *params, int np, int fmt)
{
	struct pql_limits lim = { .plugins = ps };
	struct timespec t0, t1;
	struct table *t = NULL;
	enum pql_fail fail;
	char err[4096];
	uint64_t dv = 0;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = pql_run_limited(st, text, strlen(text), params, np, &lim, &t,
	    &dv, &fail, err, sizeof(err));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (rc != 0) {
		fprintf(stderr, "placed: %s: %s\n", what, err);
	} else {
		rc = table_write(stdout, t, (enum out_format)fmt, dv,
		    (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
		if (rc == 0 && fflush(stdout) != 0)
			rc = -EIO;
		if (rc)
			fprintf(stderr, "placed: %s: cannot write the "
			    "result\n", what);
	}
	table_free(t);
	return (rc ? 1 : 0);
}

int
cmd_query(int argc, char **argv)
{
	return (query_main(argc, argv, 0));
}

int
cmd_explain(int argc, char **argv)
{
	return (query_main(argc, argv, 1));
}
