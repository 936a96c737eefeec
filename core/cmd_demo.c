/* cmd_demo.c — placed demo: load Chigley. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "demo.h"
#include "plugin.h"
#include "pseudo.h"
#include "store.h"

static int
number(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 10);
	return (errno || *end || end == s || *s == '-' ? -1 : 0);
}

int
cmd_demo(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "db",		required_argument, NULL, 'd' },
		{ "config",	required_argument, NULL, 'c' },
		{ "key",	required_argument, NULL, 'k' },
		{ "people",	required_argument, NULL, 'p' },
		{ "seed",	required_argument, NULL, 's' },
		{ "plugins",	required_argument, NULL, 'P' },
		{ "rules",	required_argument, NULL, 'r' },
		{ "no-classify", no_argument,	   NULL, 'N' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cli_env env = { 0 };
	struct demo_opts o = { .people = 2000, .seed = 1, .who = "demo" };
	struct demo_batch out[DEMO_BATCHES];
	pseudo_key_t key;
	store_t *st;
	struct plugins *ps = NULL;
	const char *dirs = NULL, *rules = NULL;
	char err[1024], a[32];
	int ch, rc, noclass = 0;

	while ((ch = getopt_long(argc, argv, "c:h", lo, NULL)) != -1) {
		switch (ch) {
		case 'd': env.db = optarg; break;
		case 'c': env.conf = optarg; break;
		case 'k': env.key = optarg; break;
		case 'p':
			if (number(optarg, &o.people) || o.people == 0 ||
			    o.people > 100000000)
				return (cli_usage("demo", "--people is 1 to "
				    "100000000, not \"%s\"", optarg));
			break;
		case 's':
			if (number(optarg, &o.seed))
				return (cli_usage("demo", "--seed is a "
				    "number, not \"%s\"", optarg));
			break;
		case 'P': dirs = optarg; break;
		case 'r': rules = optarg; break;
		case 'N': noclass = 1; break;
		case 'h':
			cli_help(stdout, "demo");
			return (0);
		default:
			return (cli_usage("demo", "bad option"));
		}
	}
	if (optind != argc)
		return (cli_usage("demo", "no arguments wanted"));
	if ((rc = cli_resolve(&env)) != 0)
		return (rc);
	if (!noclass && cli_plugins(&env, dirs, &ps) != 0)
		return (1);
	o.plugins = ps;
	o.rules = rules ? rules : env.cf->rules;
	o.partners = env.cf->partners;
	if (store_open(env.db, STORE_CREATE, &st, err, sizeof(err)) != 0) {
		fprintf(stderr, "placed: %s\n", err);
		plugins_free(ps);
		return (1);
	}
	/* Residents have identifiers like anyone's: they are hashed too. */
	if (pseudo_key_load(&key, pseudo_key_path(env.key, env.conf_key),
	    env.db, err, sizeof(err)) != 0) {
		fprintf(stderr, "placed: demo: %s\n", err);
		store_close(st);
		plugins_free(ps);
		return (1);
	}
	o.key = &key;
	rc = demo_load(st, &o, out, err, sizeof(err));
	for (int i = 0; i < DEMO_BATCHES; i++) {
		if (out[i].same_as)
			printf("%s: same content as live batch %u: nothing "
			    "changed\n", out[i].source, out[i].same_as);
		else if (out[i].id)
			printf("%s: batch %u loaded: %s rows\n",
			    out[i].source, out[i].id, cli_count(out[i].rows,
			    a));
	}
	if (rc)
		fprintf(stderr, "placed: %s\n", err);
	else
		printf("Chigley loaded into %s (%llu residents, seed %llu, "
		    "data version %llu)\n", env.db,
		    (unsigned long long)o.people, (unsigned long long)o.seed,
		    (unsigned long long)store_data_version(st));
	store_close(st);
	plugins_free(ps);
	return (rc ? 1 : 0);
}
