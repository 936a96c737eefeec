/* main.c — the placed command: dispatch, shared options, help. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "conf.h"

static const struct {
	const char	*name;
	int		(*fn)(int, char **);
	const char	*usage;
	const char	*what;
} cmds[] = {
	{ "load", cmd_load,
	  "load KIND FILE... [--db DIR] [--format csv|ndjson] [--source NAME]\n"
	  "                   [--org ID] [--map FIELD=COLUMN]... "
	  "[--ignore COLUMN]...\n"
	  "                   [--replace] [--strict] [--rejects FILE] "
	  "[--hashed]\n"
	  "                   [--key FILE] [--quiet]",
	  "Load files of spend, activity, outcome or service records; each "
	  "FILE\n(or - for stdin) becomes one atomic batch." },
	{ "dump", cmd_dump, "dump KIND [--db DIR] [--format csv|ndjson]",
	  "Write every live record of KIND with its canonical fields." },
	{ "batches", cmd_batches,
	  "batches [--db DIR] [--format table|csv|json]",
	  "List batches: id, source, kind, rows, rejected, state, loaded_at." },
	{ "retire", cmd_retire, "retire ID [--db DIR]",
	  "Retire a live batch: its records stop counting; nothing is "
	  "rewritten." },
	{ "key", cmd_key, "key init [--key FILE]",
	  "Create the pseudonymisation key (mode 0600, never overwritten)." },
	{ "query", cmd_query,
	  "query [--db DIR] [--format table|csv|json|ndjson] "
	  "[--param NAME=VALUE]...\n"
	  "                   'PQL' | -f FILE",
	  "Ask a question in PQL; see placed(1).  Table on a terminal, CSV "
	  "otherwise." },
	{ "explain", cmd_explain,
	  "explain [--db DIR] [--param NAME=VALUE]... 'PQL' | -f FILE",
	  "Show a query's plan: the filters and group run inside the scan, "
	  "the\nsegments its zone maps skip, the columns it decodes, the "
	  "stages after." },
	{ "demo", cmd_demo,
	  "demo [--db DIR] [--people N] [--seed S] [--key FILE]",
	  "Generate and load Chigley, the handbook's falls example place." },
};

#define NCMDS	(sizeof(cmds) / sizeof(cmds[0]))

static void
usage_all(FILE *f)
{
	fprintf(f, "usage: placed COMMAND [OPTIONS]\n\n"
	    "placed pools the spend, activity, outcome and service records of "
	    "the\npartners in one place and answers Total Place questions "
	    "about them.\n\ncommands:\n");
	for (size_t i = 0; i < NCMDS; i++)
		fprintf(f, "  placed %s\n", cmds[i].usage);
	fprintf(f, "  placed --version | --help | COMMAND --help\n\n"
	    "Commands that use the database take --db DIR (default "
	    "$PLACED_DB, then the\nconfig's db, then ./placed.db); every "
	    "command takes -c FILE (a config file,\ndefault $PLACED_CONF).  "
	    "See placed(1).\n");
}

void
cli_help(FILE *f, const char *cmd)
{
	for (size_t i = 0; i < NCMDS; i++)
		if (strcmp(cmds[i].name, cmd) == 0) {
			fprintf(f, "usage: placed %s\n\n%s\n", cmds[i].usage,
			    cmds[i].what);
			return;
		}
	usage_all(f);
}

int
cli_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "placed %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'placed %s --help'.\n", cmd);
	return (EXIT_USAGE);
}

const char *
cli_count(unsigned long long v, char buf[32])
{
	char tmp[32];
	int n = snprintf(tmp, sizeof(tmp), "%llu", v), o = 0;

	for (int i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = tmp[i];
	}
	buf[o] = '\0';
	return (buf);
}

int
cli_resolve(struct cli_env *e)
{
	struct conf c;
	const char *path = e->conf ? e->conf : getenv("PLACED_CONF");
	char err[512];

	if (path && *path) {
		if (conf_read(path, &c, err, sizeof(err)) != 0) {
			fprintf(stderr, "placed: %s\n", err);
			return (1);
		}
		if (e->db == NULL && getenv("PLACED_DB") == NULL && c.db[0])
			e->db = strdup(c.db);
		if (c.key[0])
			e->conf_key = strdup(c.key);
	}
	if (e->db == NULL)
		e->db = getenv("PLACED_DB");
	if (e->db == NULL || *e->db == '\0')
		e->db = "placed.db";
	return (0);
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		usage_all(stderr);
		return (EXIT_USAGE);
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("placed %s\n", PACKAGE_VERSION);
		return (0);
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		if (argc > 2)
			cli_help(stdout, argv[2]);
		else
			usage_all(stdout);
		return (0);
	}
	for (size_t i = 0; i < NCMDS; i++)
		if (strcmp(argv[1], cmds[i].name) == 0)
			return (cmds[i].fn(argc - 1, argv + 1));
	fprintf(stderr, "placed: unknown command \"%s\"\n\n", argv[1]);
	usage_all(stderr);
	return (EXIT_USAGE);
}
