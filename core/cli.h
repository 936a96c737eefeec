/*
 * cli.h — what the command-line commands share.
 *
 * Each command is `int cmd_NAME(int argc, char **argv)` with argv[0] the
 * command name; it returns the process exit status: 0 done, 1 failed
 * (nothing committed), 2 usage error.
 */
#ifndef PLACED_CLI_H
#define PLACED_CLI_H

#include <stdio.h>

#include "conf.h"

#define EXIT_USAGE	2

/* Options every command takes; a command sets what its options gave and
 * cli_resolve() fills in the rest. */
struct cli_env {
	const char	*db;		/* --db, $PLACED_DB, config, ./placed.db */
	const char	*key;		/* --key (resolved by pseudo_key_path) */
	const char	*tokens;	/* --tokens, $PLACED_TOKENS, config,
					   ./placed.tokens */
	const char	*conf;		/* -c */
	const char	*conf_key;	/* key = ... from the config */
	/* Every setting: the config file's over the defaults, with db and
	 * tokens as resolved above; owned by main.c, valid until exit. */
	struct conf	*cf;
};

/* Read the config (-c, then $PLACED_CONF, else none: the defaults) and
 * resolve db and tokens; 0 or an exit status (1 for a bad config). */
int cli_resolve(struct cli_env *e);
/* The plugins of dirs (NULL: the config's, else the default), each
 * refused one named on stderr; 0, or 1 after printing why. */
struct plugins;
int cli_plugins(const struct cli_env *e, const char *dirs,
    struct plugins **out);
/* "Try 'placed CMD --help'" after a usage message; returns EXIT_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void cli_help(FILE *f, const char *cmd);
/* Thousands separators for counts: 1234567 → "1,234,567". */
const char *cli_count(unsigned long long v, char buf[32]);

int cmd_load(int argc, char **argv);
/* placed load geo FILE... (cmd_load's options already parsed): the
 * place hierarchy from ONS lookup files, all in one transaction. */
int cli_load_geo(struct cli_env *env, char **files, int nfiles, int quiet,
    int strict, int replace);
int cmd_dump(int argc, char **argv);
int cmd_batches(int argc, char **argv);
int cmd_retire(int argc, char **argv);
int cmd_key(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_query(int argc, char **argv);
/* Run a query with the schemes of ps (NULL: none) and print its answer
 * in fmt (an enum out_format); errors go to stderr as "placed: WHAT:
 * ...".  Returns 0 or 1. */
struct pql_param;
struct store;
int cli_query_print(struct store *st, const struct plugins *ps,
    const char *what, const char *text, const struct pql_param *params,
    int np, int fmt);

int cmd_explain(int argc, char **argv);
int cmd_token(int argc, char **argv);
int cmd_ask(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_reclassify(int argc, char **argv);
int cmd_fetch(int argc, char **argv);

#endif
