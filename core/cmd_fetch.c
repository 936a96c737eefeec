/*
 * cmd_fetch.c — placed fetch: refresh every source listed in
 * etc/sources (every NAME.sources file) from where its partner publishes it, loading only
 * what changed.
 *
 * A sources file has one source a line, '#' comments:
 *
 *	NAME  KIND  FORMAT  ORG  URL
 *	hyndburn-2023-09  spend  transparency  hyndburn  https://...
 *
 * ORG "-" means the file names its own.  NAME becomes the batch's source,
 * and each refresh replaces the source's previous batch.  A source is
 * asked for with the ETag and Last-Modified of the copy loaded last
 * (kept in the database), so an unchanged file costs one 304; a server
 * that ignores them sends the file, whose content hash then finds it
 * already live.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "fetch.h"
#include "load.h"
#include "plugin.h"
#include "pseudo.h"
#include "store.h"

#define MAXSOURCES	1024

struct source {
	char	name[128], kind[32], format[64], org[128], url[1024];
	char	where[1100];	/* FILE:LINE */
};

/* Parse one sources file into v; -1 after printing the bad line. */
static int
read_file(const char *path, struct source *v, size_t *n)
{
	FILE *f = fopen(path, "r");
	char line[2048];
	unsigned ln = 0;

	if (f == NULL) {
		fprintf(stderr, "placed: fetch: %s: %s\n", path,
		    strerror(errno));
		return (-1);
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		struct source *s = &v[*n];
		char *p = line;
		int k;

		ln++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '#' || *p == '\n' || *p == '\r' || *p == '\0')
			continue;
		if (*n == MAXSOURCES) {
			fprintf(stderr, "placed: fetch: %s:%u: more than %d "
			    "sources\n", path, ln, MAXSOURCES);
			fclose(f);
			return (-1);
		}
		k = sscanf(p, "%127s %31s %63s %127s %1023s", s->name, s->kind,
		    s->format, s->org, s->url);
		if (k != 5 || schema_kind_find(s->kind) < 0 ||
		    !fetch_is_url(s->url)) {
			fprintf(stderr, "placed: fetch: %s:%u: want NAME KIND "
			    "FORMAT ORG URL (KIND spend, activity, outcome or "
			    "service; URL http:// or https://)\n", path, ln);
			fclose(f);
			return (-1);
		}
		snprintf(s->where, sizeof(s->where), "%s:%u", path, ln);
		(*n)++;
	}
	fclose(f);
	return (0);
}

/* Every *.sources file of dir in name order, or path itself. */
static int
read_sources(const char *path, struct source *v, size_t *n)
{
	struct stat sb;
	struct dirent **de;
	char file[4096];
	int k, rc = 0;

	if (stat(path, &sb) != 0) {
		fprintf(stderr, "placed: fetch: %s: %s\n", path,
		    strerror(errno));
		return (-1);
	}
	if (!S_ISDIR(sb.st_mode))
		return (read_file(path, v, n));
	if ((k = scandir(path, &de, NULL, alphasort)) < 0) {
		fprintf(stderr, "placed: fetch: %s: %s\n", path,
		    strerror(errno));
		return (-1);
	}
	for (int i = 0; i < k; i++) {
		size_t l = strlen(de[i]->d_name);

		if (rc == 0 && l > 8 && de[i]->d_name[0] != '.' &&
		    strcmp(de[i]->d_name + l - 8, ".sources") == 0) {
			snprintf(file, sizeof(file), "%s/%s", path,
			    de[i]->d_name);
			rc = read_file(file, v, n);
		}
		free(de[i]);
	}
	free(de);
	return (rc);
}

/* "etag\nlast-modified\nurl" in meta under fetch:NAME. */
static void
validators(store_t *st, const struct source *s, char *etag, size_t esz,
    char *lm, size_t lsz)
{
	char key[160], val[2048], *a, *b;

	etag[0] = lm[0] = '\0';
	snprintf(key, sizeof(key), "fetch:%s", s->name);
	if (store_meta_get(st, key, val, sizeof(val)) != 0 ||
	    (a = strchr(val, '\n')) == NULL ||
	    (b = strchr(a + 1, '\n')) == NULL)
		return;
	*a = *b = '\0';
	if (strcmp(b + 1, s->url) != 0)
		return;		/* another URL: ask afresh */
	if (strlen(val) < esz && strlen(a + 1) < lsz) {
		memcpy(etag, val, strlen(val) + 1);
		memcpy(lm, a + 1, strlen(a + 1) + 1);
	}
}

static int
one(store_t *st, const struct plugins *ps, const struct source *s,
    struct load_opts *base)
{
	struct load_opts o = *base;
	struct load_result res;
	struct fetch_opts fo;
	struct fetch_result fr;
	struct fetch *f;
	char etag[256], lm[64], err[1500], ferr[1200], key[160], val[2048];
	char a[32], b[32];
	int fd, rc, frc;

	o.kind = (kind_t)schema_kind_find(s->kind);
	o.org = strcmp(s->org, "-") == 0 ? NULL : s->org;
	o.source = s->name;
	o.replace = 1;
	if (load_format(ps, s->format, &o, err, sizeof(err)) != 0) {
		fprintf(stderr, "placed: fetch: %s: %s\n", s->where, err);
		return (-1);
	}
	validators(st, s, etag, sizeof(etag), lm, sizeof(lm));
	fo.etag = etag;
	fo.last_modified = lm;
	if (fetch_start(s->url, &fo, &f, &fd, err, sizeof(err)) != 0) {
		fprintf(stderr, "placed: fetch: %s: %s\n", s->name, err);
		return (-1);
	}
	o.cancel = fetch_failed(f);
	rc = load_fd(st, fd, s->url, &o, &res, err, sizeof(err));
	close(fd);
	frc = fetch_finish(f, &fr, ferr, sizeof(ferr));
	if (frc == -EAGAIN) {
		printf("%s: not modified since the last fetch\n", s->name);
		return (0);
	}
	if (frc != 0 || rc != 0) {
		fprintf(stderr, "placed: fetch: %s: %s; nothing committed\n",
		    s->name, frc ? ferr : err);
		return (-1);
	}
	if (res.br.same_as)
		printf("%s: same content as live batch %u\n", s->name,
		    res.br.same_as);
	else
		printf("%s: batch %u loaded: %s rows accepted, %s rejected "
		    "(%s)\n", s->name, res.br.id, cli_count(res.br.rows, a),
		    cli_count(res.br.rejected, b), s->url);
	snprintf(key, sizeof(key), "fetch:%s", s->name);
	snprintf(val, sizeof(val), "%s\n%s\n%s", fr.etag, fr.last_modified,
	    s->url);
	if (store_meta_put(st, key, val) != 0)
		fprintf(stderr, "placed: fetch: %s: could not keep its "
		    "validators; the next fetch downloads it again\n",
		    s->name);
	return (res.br.same_as ? 1 : 2);
}

int
cmd_fetch(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "db",		required_argument, NULL, 'd' },
		{ "config",	required_argument, NULL, 'c' },
		{ "key",	required_argument, NULL, 'k' },
		{ "sources",	required_argument, NULL, 's' },
		{ "plugins",	required_argument, NULL, 'p' },
		{ "rules",	required_argument, NULL, 'r' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cli_env env = { 0 };
	struct load_opts o = { 0 };
	struct source *v;
	struct plugins *ps = NULL;
	struct passwd *pw;
	const char *sources = "etc/sources", *dirs = NULL, *rules = NULL;
	size_t n = 0, done = 0;
	unsigned loaded = 0, same = 0, failed = 0;
	store_t *st;
	char err[1024];
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "c:h", lo, NULL)) != -1) {
		switch (ch) {
		case 'd': env.db = optarg; break;
		case 'c': env.conf = optarg; break;
		case 'k': env.key = optarg; break;
		case 's': sources = optarg; break;
		case 'p': dirs = optarg; break;
		case 'r': rules = optarg; break;
		case 'h':
			cli_help(stdout, "fetch");
			return (0);
		default:
			return (cli_usage("fetch", "bad option"));
		}
	}
	if ((rc = cli_resolve(&env)) != 0)
		return (rc);
	if ((v = calloc(MAXSOURCES, sizeof(*v))) == NULL)
		return (1);
	if (read_sources(sources, v, &n) != 0) {
		free(v);
		return (1);
	}
	if (cli_plugins(&env, dirs, &ps) != 0) {
		free(v);
		return (1);
	}
	o.plugins = ps;
	o.rules = rules ? rules : env.cf->rules;
	o.partners = env.cf->partners;
	o.keypath = pseudo_key_path(env.key, env.conf_key);
	o.show_errors = 20;
	pw = getpwuid(getuid());
	o.who = pw ? pw->pw_name : "cli";
	if (store_open(env.db, STORE_CREATE, &st, err, sizeof(err)) != 0) {
		fprintf(stderr, "placed: %s\n", err);
		plugins_free(ps);
		free(v);
		return (1);
	}
	for (size_t i = 0; i < n; i++) {
		int want = optind == argc;

		for (int a = optind; a < argc && !want; a++)
			want = strcmp(argv[a], v[i].name) == 0;
		if (!want)
			continue;
		done++;
		switch (one(st, ps, &v[i], &o)) {
		case 2: loaded++; break;
		case 1: case 0: same++; break;
		default: failed++;
		}
	}
	for (int a = optind; a < argc; a++) {
		size_t i;

		for (i = 0; i < n && strcmp(argv[a], v[i].name) != 0; i++)
			;
		if (i == n) {
			fprintf(stderr, "placed: fetch: no source \"%s\" in "
			    "%s\n", argv[a], sources);
			failed++;
		}
	}
	printf("%zu source%s: %u loaded, %u unchanged, %u failed (data "
	    "version %llu)\n", done, done == 1 ? "" : "s", loaded, same,
	    failed, (unsigned long long)store_data_version(st));
	store_close(st);
	plugins_free(ps);
	free(v);
	return (failed ? 1 : 0);
}
