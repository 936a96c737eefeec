/* cmd_reclassify.c — placed reclassify: classification recomputed in place. */
#include "config.h"

#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "plugin.h"
#include "reclassify.h"
#include "store.h"

int
cmd_reclassify(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "db",		required_argument, NULL, 'd' },
		{ "config",	required_argument, NULL, 'c' },
		{ "scheme",	required_argument, NULL, 's' },
		{ "kind",	required_argument, NULL, 'k' },
		{ "plugins",	required_argument, NULL, 'p' },
		{ "rules",	required_argument, NULL, 'r' },
		{ "dry-run",	no_argument,	   NULL, 'n' },
		{ "partners",	required_argument, NULL, 'P' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cli_env env = { 0 };
	struct reclass_opts o = { .kind = -1 };
	struct reclass_result res;
	struct plugins *ps = NULL;
	const char *dirs = NULL, *rules = NULL, *partners = NULL;
	struct passwd *pw;
	store_t *st;
	uint64_t changed = 0, refused = 0;
	char err[1024], a[32], b[32];
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "c:nh", lo, NULL)) != -1) {
		switch (ch) {
		case 'd': env.db = optarg; break;
		case 'c': env.conf = optarg; break;
		case 's': o.scheme = optarg; break;
		case 'p': dirs = optarg; break;
		case 'r': rules = optarg; break;
		case 'n': o.dry_run = 1; break;
		case 'P': partners = optarg; break;
		case 'k':
			if ((o.kind = schema_kind_find(optarg)) < 0)
				return (cli_usage("reclassify", "unknown kind "
				    "\"%s\"", optarg));
			break;
		case 'h':
			cli_help(stdout, "reclassify");
			return (0);
		default:
			return (cli_usage("reclassify", "bad option"));
		}
	}
	if (optind != argc)
		return (cli_usage("reclassify", "no arguments wanted"));
	if ((rc = cli_resolve(&env)) != 0)
		return (rc);
	if (cli_plugins(&env, dirs, &ps) != 0)
		return (1);
	o.plugins = ps;
	o.rules = rules ? rules : env.cf->rules;
	o.partners = partners ? partners : env.cf->partners;
	pw = getpwuid(getuid());
	o.who = pw ? pw->pw_name : "cli";
	if (store_open(env.db, o.dry_run ? STORE_RDONLY : STORE_EXISTING, &st,
	    err, sizeof(err)) != 0) {
		fprintf(stderr, "placed: %s\n", err);
		plugins_free(ps);
		return (1);
	}
	rc = reclassify(st, &o, &res, err, sizeof(err));
	for (size_t i = 0; i < res.n; i++) {
		const struct reclass_batch *r = &res.v[i];

		changed += r->changed;
		refused += r->refused;
		printf("%s batch %u (%s): %s of %s rows %s", schema_kind(
		    r->kind)->name, r->id, r->source, cli_count(r->changed, a),
		    cli_count(r->rows, b), o.dry_run ? "would change" :
		    "changed");
		if (r->new_id)
			printf(", now batch %u", r->new_id);
		else if (r->changed == 0 || o.dry_run)
			printf(", left as it is");
		printf("\n");
		if (r->refused)
			printf("  %s rows refused by a plugin, kept as they "
			    "were; the first: %s\n", cli_count(r->refused, a),
			    r->first_refusal);
	}
	if (rc != 0)
		fprintf(stderr, "placed: reclassify: %s\n", err);
	else if (res.n == 0)
		printf("no live batches with classification fields\n");
	else
		printf("%s rows %s (data version %llu)\n",
		    cli_count(changed, a), o.dry_run ? "would change" :
		    "changed", (unsigned long long)res.data_version);
	reclass_result_free(&res);
	store_close(st);
	plugins_free(ps);
	return (rc ? 1 : (refused ? 2 : 0));
}
