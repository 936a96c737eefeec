/* cmd_geo.c — placed load geo FILE...: the hierarchy from ONS lookups. */
#include "config.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "geo.h"
#include "store.h"

static void
report(const struct geo_load_result *r, int nfiles)
{
	char a[32], b[32], c[32];
	int first = 1;

	printf("geo: %d file%s, %s row%s, %s rejected, %s codes: ",
	    nfiles, nfiles == 1 ? "" : "s", cli_count(r->rows, a),
	    r->rows == 1 ? "" : "s", cli_count(r->rejected, b),
	    cli_count(r->codes, c));
	printf("%s known (data version %llu)\n", cli_count(r->total, a),
	    (unsigned long long)r->data_version);
	/* Finest first, as the README lists them. */
	for (int lv = 1; lv < GEO_NLEVEL; lv++) {
		if (r->known[lv] == 0)
			continue;
		printf("%s%s %s", first ? "geo: " : ", ",
		    geo_level_name((enum geo_level)lv),
		    cli_count(r->known[lv], a));
		first = 0;
	}
	if (!first)
		putchar('\n');
}

int
cli_load_geo(struct cli_env *env, char **files, int nfiles, int quiet,
    int strict, int replace)
{
	struct geo_load_opts o = { 0 };
	struct geo_load_result res;
	struct passwd *pw;
	store_t *st;
	char err[1024];
	int rc;

	for (int i = 0; i < nfiles; i++)
		if (strcmp(files[i], "-") && access(files[i], R_OK) != 0) {
			fprintf(stderr, "placed: %s: %s; nothing committed\n",
			    files[i], strerror(errno));
			return (1);
		}
	if ((rc = cli_resolve(env)) != 0)
		return (rc);
	if (store_open(env->db, STORE_CREATE, &st, err, sizeof(err)) != 0) {
		fprintf(stderr, "placed: %s\n", err);
		return (1);
	}
	pw = getpwuid(getuid());
	o.who = pw ? pw->pw_name : "cli";
	o.strict = strict;
	o.replace = replace;
	o.show_errors = 20;
	o.errs = stderr;
	rc = geo_load(st, (const char *const *)files, nfiles, &o, &res, err,
	    sizeof(err));
	store_close(st);
	if (rc != 0) {
		fprintf(stderr, "placed: load geo: %s; nothing committed\n",
		    err);
		return (1);
	}
	if (!quiet || res.rejected)
		report(&res, nfiles);
	return (0);
}
