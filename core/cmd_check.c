/* cmd_check.c — placed check: the plugins and the rules files. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "conf.h"
#include "plugin.h"
#include "rules.h"

#define MAXFIELDS	64
#define MAXSHARES	16

static void
list_plugin(const struct plugins *ps, const struct plugin *p)
{
	printf("plugin %s %s (ABI %u.%u) %s\n", p->name, p->version,
	    p->abi_major, p->abi_minor, p->file);
	if (p->description[0])
		printf("  %s\n", p->description);
	for (size_t i = 0; i < ps->nschemes; i++) {
		const struct placed_scheme *s = &ps->schemes[i].s;

		if (ps->schemes[i].plugin == p)
			printf("  scheme %s: %s, %zu codes, %s%s%s\n",
			    s->name, s->title, s->ncodes,
			    s->field ? "field " : "fills no field",
			    s->field ? s->field : "",
			    s->provisional ? " (provisional)" : "");
	}
	for (size_t i = 0; i < ps->nclassifiers; i++) {
		const struct plugin_classifier *c = &ps->classifiers[i];

		if (c->plugin == p)
			printf("  classifier for %s on %s%s\n", c->c.scheme,
			    c->c.kinds, plugins_scheme(ps, c->c.scheme) ? "" :
			    " (warning: scheme not loaded)");
	}
	for (size_t i = 0; i < ps->nimporters; i++)
		if (ps->importers[i].plugin == p)
			printf("  importer --format %s for %s\n",
			    ps->importers[i].i.format,
			    ps->importers[i].i.kinds);
	for (size_t i = 0; i < ps->nfunctions; i++)
		if (ps->functions[i].plugin == p)
			printf("  function %s/%d\n", ps->functions[i].f.name,
			    ps->functions[i].f.nargs);
}

/*
 * --classify KIND FIELD=VALUE...: run every classifier of KIND on that
 * one record and print "SCHEME CODE PERCENT" lines; 0, or 1 when one
 * failed.
 */
static int
try_classify(const struct plugins *ps, const char *kind, char **fv, int n)
{
	const struct plugin_classifier *cl[64];
	const char *names[MAXFIELDS], *values[MAXFIELDS];
	struct placed_share sh[MAXSHARES];
	struct placed_record r = { kind, 0, names, values, 1 };
	char err[1024];
	size_t nc;
	int rc = 0;

	for (int i = 0; i < n && i < MAXFIELDS; i++) {
		char *eq = strchr(fv[i], '=');

		*eq = '\0';
		names[r.nfields] = fv[i];
		values[r.nfields++] = eq + 1;
	}
	nc = plugins_classifiers(ps, kind, cl, 64);
	if (nc == 0)
		printf("classify %s: no classifier takes this kind\n", kind);
	for (size_t i = 0; i < nc && i < 64; i++) {
		int k = plugins_classify(cl[i], &r, sh, MAXSHARES, err,
		    sizeof(err));

		if (k < 0) {
			printf("classify %s: %s: error: %s\n", kind,
			    cl[i]->c.scheme, err);
			rc = 1;
		} else if (k == 0)
			printf("classify %s: %s: no class\n", kind,
			    cl[i]->c.scheme);
		for (int j = 0; j < k; j++)
			printf("classify %s: %s: %s %u.%02u%%\n", kind,
			    cl[i]->c.scheme, sh[j].code, sh[j].bp / 100,
			    sh[j].bp % 100);
	}
	return (rc);
}

static int
by_name(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

/* Each *.rules file of dir, parsed and its codes checked; a missing
 * directory is only an error when it was asked for. */
static int
check_rules(struct plugins *ps, const char *dir, int asked)
{
	char *names[256], path[4096], err[2048];
	struct dirent *de;
	size_t n = 0;
	DIR *d;
	int bad = 0;

	if ((d = opendir(dir)) == NULL) {
		printf("rules: %s: %s\n", dir, strerror(errno));
		return (asked ? 1 : 0);
	}
	while ((de = readdir(d)) != NULL && n < 256) {
		size_t l = strlen(de->d_name);

		if (l > 6 && strcmp(de->d_name + l - 6, ".rules") == 0 &&
		    (names[n] = strdup(de->d_name)) != NULL)
			n++;
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), by_name);
	for (size_t i = 0; i < n; i++) {
		struct rules *r = NULL;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (rules_load(path, &r, err, sizeof(err)) != 0 ||
		    rules_check(r, plugins_known_code, ps, err, sizeof(err)) != 0) {
			printf("rules %s\n", err);
			bad = 1;
		} else {
			printf("rules %s: %zu rules, every code known\n", path,
			    rules_count(r));
		}
		rules_free(r);
		free(names[i]);
	}
	if (n == 0)
		printf("rules: no *.rules files in %s\n", dir);
	return (bad);
}

int
cmd_check(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "config",	required_argument, NULL, 'c' },
		{ "plugins",	required_argument, NULL, 'p' },
		{ "rules",	required_argument, NULL, 'r' },
		{ "classify",	required_argument, NULL, 'k' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cli_env env = { 0 };
	struct plugins *ps;
	const char *dirs = NULL, *rules = NULL, *kind = NULL;
	char err[1024];
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "c:h", lo, NULL)) != -1) {
		switch (ch) {
		case 'c': env.conf = optarg; break;
		case 'p': dirs = optarg; break;
		case 'r': rules = optarg; break;
		case 'k': kind = optarg; break;
		case 'h':
			cli_help(stdout, argv[0]);
			return (0);
		default:
			return (cli_usage(argv[0], "bad option"));
		}
	}
	for (int i = optind; i < argc; i++)
		if (kind == NULL || strchr(argv[i], '=') == NULL ||
		    argv[i][0] == '=')
			return (cli_usage(argv[0], "unexpected \"%s\" (FIELD="
			    "VALUE arguments go with --classify KIND)",
			    argv[i]));
	if (argc - optind > MAXFIELDS)
		return (cli_usage(argv[0], "at most %d FIELD=VALUE",
		    MAXFIELDS));
	if ((rc = cli_resolve(&env)) != 0)
		return (rc);
	/* --plugins, else the config's plugins, else the default. */
	if (dirs == NULL)
		dirs = env.cf->plugins;
	if (plugins_load(dirs, env.cf, &ps, err, sizeof(err)) != 0) {
		fprintf(stderr, "placed: %s\n", err);
		return (1);
	}
	printf("plugin dirs: %s\n", ps->dirs);
	printf("host ABI %d.%d\n", PLACED_ABI_MAJOR, PLACED_ABI_MINOR);
	for (size_t i = 0; i < ps->n; i++)
		list_plugin(ps, ps->v[i]);
	for (size_t i = 0; i < ps->nfailed; i++)
		printf("refused %s: %s\n", ps->failed[i].file,
		    ps->failed[i].reason);
	printf("%zu plugin%s loaded, %zu refused\n", ps->n,
	    ps->n == 1 ? "" : "s", ps->nfailed);
	rc = ps->nfailed ? 1 : 0;

	if (check_rules(ps, rules ? rules : env.cf->rules, rules != NULL) != 0)
		rc = 1;

	if (kind && try_classify(ps, kind, argv + optind, argc - optind))
		rc = 1;
	if (fflush(stdout) != 0) {
		fprintf(stderr, "placed: check: cannot write\n");
		rc = 1;
	}
	plugins_free(ps);
	return (rc);
}
