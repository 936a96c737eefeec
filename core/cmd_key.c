/* cmd_key.c — placed key init. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "pseudo.h"

int
cmd_key(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "key",	required_argument, NULL, 'k' },
		{ "config",	required_argument, NULL, 'c' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cli_env env = { 0 };
	const char *path;
	char err[1024];
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "c:h", lo, NULL)) != -1) {
		switch (ch) {
		case 'k': env.key = optarg; break;
		case 'c': env.conf = optarg; break;
		case 'h':
			cli_help(stdout, "key");
			return (0);
		default:
			return (cli_usage("key", "bad option"));
		}
	}
	if (optind + 1 != argc || strcmp(argv[optind], "init") != 0)
		return (cli_usage("key", "the one subcommand is \"init\""));
	if ((rc = cli_resolve(&env)) != 0)
		return (rc);
	path = pseudo_key_path(env.key, env.conf_key);
	if (pseudo_inside(path, env.db)) {
		fprintf(stderr, "placed: key: %s is inside the database "
		    "directory %s: a copy of the data would carry the key\n",
		    path, env.db);
		return (1);
	}
	if (pseudo_key_init(path, err, sizeof(err)) != 0) {
		fprintf(stderr, "placed: key: %s\n", err);
		return (1);
	}
	printf("key created: %s (mode 0600). Keep it out of the database "
	    "directory and back it up:\nwithout it, new loads no longer "
	    "link to the people already loaded.\n", path);
	return (0);
}
