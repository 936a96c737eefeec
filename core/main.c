/* main.c — the placed command: dispatch, shared options, help. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "conf.h"
#include "plugin.h"
#include "token.h"

static const struct {
	const char	*name;
	int		(*fn)(int, char **);
	const char	*usage;
	const char	*what;
} cmds[] = {
	{ "load", cmd_load,
	  "load KIND FILE... [--db DIR] [--format csv|ndjson|NAME] "
	  "[--source NAME]\n"
	  "                   [--org ID] [--map FIELD=COLUMN]... "
	  "[--ignore COLUMN]...\n"
	  "                   [--replace] [--strict] [--rejects FILE] "
	  "[--hashed]\n"
	  "                   [--key FILE] [--quiet] [--plugins DIR[:DIR]...] "
	  "[--rules DIR]\n"
	  "                   [--no-classify] [--partners DIR] [--profile FILE] "
	  "[--sheet NAME]",
	  "Load files of spend, activity, outcome or service records; each "
	  "FILE\n(or - for stdin) becomes one atomic batch.  The loaded "
	  "plugins and the\nrules files fill cofog and prevention (see "
	  "README, \"Classification\").\n--format NAME reads through an "
	  "importer plugin (transparency, xlsx,\n360giving, oruk: placed "
	  "check lists them); --profile FILE maps a CSV's\ncolumns through "
	  "a profile (etc/profiles).  A FILE may be an http(s) URL.\n"
	  "`load geo FILE...` reads ONS "
	  "lookup files (LSOA11CD, LAD19CD...) into\nthe place hierarchy "
	  "that within and place.LEVEL use, in one transaction." },
	{ "dump", cmd_dump, "dump KIND [--db DIR] [--format csv|ndjson]",
	  "Write every live record of KIND with its canonical fields." },
	{ "batches", cmd_batches,
	  "batches [--db DIR] [--format table|csv|json]",
	  "List batches: id, source, kind, rows, rejected, state, loaded_at." },
	{ "retire", cmd_retire, "retire ID [--db DIR]",
	  "Retire a live batch: its records stop counting; nothing is "
	  "rewritten." },
	{ "audit", cmd_audit, "audit [--db DIR]",
	  "Print the audit trail, oldest first, one JSON object a line: every "
	  "load,\nretire and served query, with who, when and what." },
	{ "key", cmd_key, "key init [--key FILE]",
	  "Create the pseudonymisation key (mode 0600, never overwritten)." },
	{ "query", cmd_query,
	  "query [--db DIR] [--format table|csv|json|ndjson] "
	  "[--param NAME=VALUE]...\n"
	  "                   [--plugins DIR[:DIR]...] 'PQL' | -f FILE",
	  "Ask a question in PQL; see placed(1).  Table on a terminal, CSV "
	  "otherwise." },
	{ "explain", cmd_explain,
	  "explain [--db DIR] [--param NAME=VALUE]... 'PQL' | -f FILE",
	  "Show a query's plan: the filters and group run inside the scan, "
	  "the\nsegments its zone maps skip, the columns it decodes, the "
	  "stages after." },
	{ "token", cmd_token,
	  "token add NAME --partner ID --role ROLE | list | revoke NAME\n"
	  "                   [--tokens FILE]",
	  "Manage the HTTP API's bearer tokens.  add makes a token for a "
	  "partner with\na ROLE (reader, analyst, loader or admin) and prints "
	  "its secret once: only\nits hash is kept.  list shows each token's "
	  "name, partner, role and created;\nrevoke removes one.  The token "
	  "file is --tokens, $PLACED_TOKENS, the\nconfig's tokens, or "
	  "./placed.tokens." },
	{ "ask", cmd_ask,
	  "ask NAME [--db DIR] [--questions DIR] [NAME=VALUE]...\n"
	  "                   [--format table|csv|json|ndjson] | ask --list",
	  "Run a saved question (DIR/NAME.pql, default ./etc/questions) with "
	  "its\nparameters' defaults or the values given; --list shows the "
	  "questions\n(--format json: as the HTTP API describes them)." },
	{ "demo", cmd_demo,
	  "demo [--db DIR] [--people N] [--seed S] [--key FILE]\n"
	  "                   [--plugins DIR[:DIR]...] [--rules DIR] "
	  "[--no-classify]",
	  "Generate and load Chigley, the handbook's falls example place." },
	{ "fetch", cmd_fetch,
	  "fetch [NAME...] [--db DIR] [--sources DIR|FILE] [--key FILE]\n"
	  "                   [--plugins DIR[:DIR]...] [--rules DIR]",
	  "Refresh the sources listed in DIR/*.sources (default etc/sources; "
	  "one\nsource a line: NAME KIND FORMAT ORG URL) from where partners "
	  "publish them,\nloading only what changed (ETag, Last-Modified, "
	  "then the content hash);\neach refresh replaces the source's last "
	  "batch.  `placed load` also takes\nhttp:// and https:// URLs." },
	{ "reclassify", cmd_reclassify,
	  "reclassify [--db DIR] [--scheme S] [--kind KIND] [--dry-run]\n"
	  "                   [--plugins DIR[:DIR]...] [--rules DIR] "
	  "[--partners DIR]",
	  "Classify the live records again after rules or plugins changed, "
	  "without\nreloading files: codes the input gave are kept (and "
	  "checked again), codes\nclassification filled are recomputed.  A "
	  "batch that changes is swapped\nfor its rewrite atomically.  "
	  "--scheme S recomputes only the field S fills;\nwithout it, "
	  "spend transfers are marked afresh from the partner files.\nExit 2 "
	  "when a "
	  "plugin refused rows (kept as they were)." },
	{ "check", cmd_check,
	  "check [-c FILE] [--plugins DIR[:DIR]...] [--rules DIR]\n"
	  "                   [--classify KIND FIELD=VALUE...]",
	  "List the plugins (name, version, ABI, file, and the schemes, "
	  "classifiers,\nimporters and functions each registered) and those "
	  "refused, with why;\n--classify runs the classifiers of KIND on one "
	  "record.  Exit 1 when a\nplugin was refused or a classifier failed." },
	{ "serve", cmd_serve,
	  "serve [--db DIR] [-c FILE] [--listen ADDR:PORT] [--tokens FILE]\n"
	  "                   [--questions DIR] [--key FILE]",
	  "Answer queries, saved questions and loads over HTTP (see README,\n"
	  "\"HTTP API\"); SIGHUP reloads tokens and questions, SIGTERM stops "
	  "gracefully." },
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

/* The settings cli_resolve() hands out in cli_env.cf. */
static struct conf resolved;

static int
resolve_into(char *dst, size_t dstsz, const char *what, const char *val)
{
	if (dst == val)
		return (0);
	if (strlen(val) >= dstsz) {
		fprintf(stderr, "placed: %s: path longer than %zu bytes\n",
		    what, dstsz - 1);
		return (1);
	}
	memmove(dst, val, strlen(val) + 1);
	return (0);
}

int
cli_plugins(const struct cli_env *e, const char *dirs, struct plugins **out)
{
	char err[1024];

	if (plugins_load(dirs ? dirs : e->cf->plugins, e->cf, out, err,
	    sizeof(err)) != 0) {
		fprintf(stderr, "placed: %s\n", err);
		return (1);
	}
	for (size_t i = 0; i < (*out)->nfailed; i++)
		fprintf(stderr, "placed: plugin refused: %s: %s\n",
		    (*out)->failed[i].file, (*out)->failed[i].reason);
	return (0);
}

int
cli_resolve(struct cli_env *e)
{
	const char *path = e->conf ? e->conf : getenv("PLACED_CONF");
	const char *env;
	char err[1024];

	if (path && *path) {
		if (conf_read(path, &resolved, err, sizeof(err)) != 0) {
			fprintf(stderr, "placed: %s\n", err);
			return (1);
		}
		e->conf_key = resolved.key;
	} else
		conf_defaults(&resolved);
	e->cf = &resolved;
	if (resolved.rules[0] == '\0')
		(void)etc_default_dir("rules", resolved.rules,
		    sizeof(resolved.rules));
	if (resolved.partners[0] == '\0')
		(void)etc_default_dir("partners", resolved.partners,
		    sizeof(resolved.partners));
	if (e->db == NULL || *e->db == '\0')
		e->db = (env = getenv("PLACED_DB")) != NULL && *env ? env :
		    resolved.db;
	if (resolve_into(resolved.db, sizeof(resolved.db), "db", e->db) != 0)
		return (1);
	e->db = resolved.db;
	e->tokens = token_path(e->tokens, resolved.tokens);
	if (resolve_into(resolved.tokens, sizeof(resolved.tokens), "tokens",
	    e->tokens) != 0)
		return (1);
	e->tokens = resolved.tokens;
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
