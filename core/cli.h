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

#define EXIT_USAGE	2

/* Options every command takes, filled by cli_common(). */
struct cli_env {
	const char	*db;		/* --db, $PLACED_DB, config, ./placed.db */
	const char	*key;		/* --key (resolved by pseudo_key_path) */
	const char	*conf;		/* -c */
	const char	*conf_key;	/* key = ... from the config */
};

/* Resolve db and key from the environment and the config; 0 or EXIT_*. */
int cli_resolve(struct cli_env *e);
/* "Try 'placed CMD --help'" after a usage message; returns EXIT_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void cli_help(FILE *f, const char *cmd);
/* Thousands separators for counts: 1234567 → "1,234,567". */
const char *cli_count(unsigned long long v, char buf[32]);

int cmd_load(int argc, char **argv);
int cmd_dump(int argc, char **argv);
int cmd_batches(int argc, char **argv);
int cmd_retire(int argc, char **argv);
int cmd_key(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_query(int argc, char **argv);
int cmd_explain(int argc, char **argv);

#endif
