/* cmd_load.c — placed load KIND FILE... */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pwd.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "conf.h"
#include "fetch.h"
#include "load.h"
#include "plugin.h"
#include "profile.h"
#include "pseudo.h"
#include "store.h"

static void
report(const char *file, const struct load_result *r)
{
	char a[32], b[32], c[32];

	if (r->br.same_as) {
		printf("%s: same content as live batch %u: nothing changed\n",
		    file, r->br.same_as);
		return;
	}
	printf("%s: batch %u loaded: %s row%s accepted, %s rejected",
	    file, r->br.id, cli_count(r->br.rows, a),
	    r->br.rows == 1 ? "" : "s", cli_count(r->br.rejected, b));
	if (r->blank)
		printf(", %s blank skipped", cli_count(r->blank, c));
	if (r->skipped) {
		printf(", %s skipped (", cli_count(r->skipped, c));
		for (int i = 0; i < r->nreasons; i++)
			printf("%s%s %s", i ? ", " : "", r->reasons[i].why,
			    cli_count(r->reasons[i].n, c));
		printf(")");
	}
	printf(" (data version %llu)\n",
	    (unsigned long long)r->br.data_version);
	for (int i = 0; i < r->br.nretired; i++)
		printf("%s: batch %u retired (replaced)\n", file,
		    r->br.retired[i]);
}

int
cmd_load(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "db",		required_argument, NULL, 'd' },
		{ "config",	required_argument, NULL, 'c' },
		{ "key",	required_argument, NULL, 'k' },
		{ "format",	required_argument, NULL, 'f' },
		{ "source",	required_argument, NULL, 's' },
		{ "org",	required_argument, NULL, 'o' },
		{ "map",	required_argument, NULL, 'm' },
		{ "ignore",	required_argument, NULL, 'i' },
		{ "replace",	no_argument,	   NULL, 'R' },
		{ "strict",	no_argument,	   NULL, 'S' },
		{ "rejects",	required_argument, NULL, 'r' },
		{ "hashed",	no_argument,	   NULL, 'H' },
		{ "plugins",	required_argument, NULL, 'p' },
		{ "rules",	required_argument, NULL, 'u' },
		{ "no-classify", no_argument,	   NULL, 'N' },
		{ "partners",	required_argument, NULL, 'P' },
		{ "profile",	required_argument, NULL, 'F' },
		{ "sheet",	required_argument, NULL, 'W' },
		{ "quiet",	no_argument,	   NULL, 'q' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cli_env env = { 0 };
	struct load_opts o = { 0 };
	const char *maps[64], *ignores[64], *rejects = NULL;
	const char *dirs = NULL, *rules = NULL, *format = NULL;
	const char *partners = NULL, *profpath = NULL, *sheet = NULL;
	struct profile *prof = NULL;
	struct plugin profplug = { 0 };
	struct plugin_importer profimp = { 0 };
	struct plugins *ps = NULL;
	int noclass = 0;
	struct passwd *pw;
	store_t *st = NULL;
	const char **files;
	int nfiles = 0;
	char err[1024], profname[300];
	int ch, kind, failed = 0, quiet = 0, rc;

	o.format = LOAD_CSV;
	o.show_errors = 20;
	o.maps = maps;
	o.ignores = ignores;
	while ((ch = getopt_long(argc, argv, "c:qh", lo, NULL)) != -1) {
		switch (ch) {
		case 'd': env.db = optarg; break;
		case 'c': env.conf = optarg; break;
		case 'k': env.key = optarg; break;
		case 's': o.source = optarg; break;
		case 'o': o.org = optarg; break;
		case 'R': o.replace = 1; break;
		case 'S': o.strict = 1; break;
		case 'r': rejects = optarg; break;
		case 'H': o.hashed = 1; break;
		case 'p': dirs = optarg; break;
		case 'u': rules = optarg; break;
		case 'N': noclass = 1; break;
		case 'P': partners = optarg; break;
		case 'F': profpath = optarg; break;
		case 'W': sheet = optarg; break;
		case 'q': quiet = 1; break;
		case 'f': format = optarg; break;
		case 'm':
			if (strchr(optarg, '=') == NULL)
				return (cli_usage("load", "--map wants "
				    "FIELD=COLUMN, not \"%s\"", optarg));
			if (o.nmaps == 64)
				return (cli_usage("load", "too many --map"));
			maps[o.nmaps++] = optarg;
			break;
		case 'i':
			if (o.nignores == 64)
				return (cli_usage("load", "too many --ignore"));
			ignores[o.nignores++] = optarg;
			break;
		case 'h':
			cli_help(stdout, "load");
			return (0);
		default:
			return (cli_usage("load", "bad option"));
		}
	}
	if (optind + 2 > argc)
		return (cli_usage("load", "want KIND and at least one FILE"));
	/* Not a record kind: the place hierarchy, with its own reader. */
	if (strcmp(argv[optind], "geo") == 0) {
		if (o.nmaps || o.nignores || format || o.source || o.org ||
		    rejects || o.hashed || dirs || rules || noclass)
			return (cli_usage("load", "load geo takes only --db, "
			    "--config, --key, --replace, --strict and "
			    "--quiet"));
		return (cli_load_geo(&env, argv + optind + 1,
		    argc - optind - 1, quiet, o.strict, o.replace));
	}
	if ((kind = schema_kind_find(argv[optind])) < 0)
		return (cli_usage("load", "unknown kind \"%s\" (spend, "
		    "activity, outcome, service or geo)", argv[optind]));
	o.kind = (kind_t)kind;
	if (o.org && schema_field_find(o.kind, "org", 3) < 0)
		return (cli_usage("load", "%s records have no org field for "
		    "--org to fill", argv[optind]));
	for (int i = 0; i < o.nmaps; i++) {
		const char *eq = strchr(maps[i], '=');

		if (schema_field_find(o.kind, maps[i],
		    (size_t)(eq - maps[i])) < 0)
			return (cli_usage("load", "--map \"%s\": %.*s is not "
			    "a field of %s", maps[i], (int)(eq - maps[i]),
			    maps[i], argv[optind]));
	}
	if (o.source && optind + 2 < argc)
		return (cli_usage("load", "--source names one batch; give "
		    "one FILE with it"));
	if ((rc = cli_resolve(&env)) != 0)
		return (rc);
	/* --sheet is the xlsx importer's setting for this load. */
	if (sheet && conf_set(env.cf, "plugin.xlsx.sheet", sheet, err,
	    sizeof(err)) != 0)
		return (cli_usage("load", "--sheet: %s", err));
	o.keypath = pseudo_key_path(env.key, env.conf_key);
	if ((files = calloc((size_t)argc, sizeof(*files))) == NULL)
		return (1);
	o.progress = !quiet && isatty(STDERR_FILENO);
	pw = getpwuid(getuid());
	o.who = pw ? pw->pw_name : "cli";
	/* A missing file is reported before anything is created. */
	for (int i = optind + 1; i < argc; i++) {
		if (strcmp(argv[i], "-") == 0 || fetch_is_url(argv[i]) ||
		    access(argv[i], R_OK) == 0) {
			files[nfiles++] = argv[i];
			continue;
		}
		fprintf(stderr, "placed: %s: %s; nothing committed\n", argv[i],
		    strerror(errno));
		failed++;
	}
	/* Plugins classify (unless --no-classify) and read formats other
	 * than csv and ndjson. */
	if (nfiles > 0 && (!noclass || (format && strcmp(format, "csv") &&
	    strcmp(format, "ndjson")))) {
		if (cli_plugins(&env, dirs, &ps) != 0) {
			free(files);
			return (1);
		}
		if (!noclass) {
			o.plugins = ps;
			o.rules = rules ? rules : env.cf->rules;
		}
	}
	o.partners = partners ? partners : env.cf->partners;
	if (nfiles > 0 && profpath) {
		/* A profile reads CSV into records through its templates,
		 * as an importer would. */
		if (format) {
			plugins_free(ps);
			profile_free(prof);
			free(files);
			return (cli_usage("load", "--profile and --format "
			    "both say how to read the file: give one"));
		}
		if (profile_load(profpath, &prof, err, sizeof(err)) != 0) {
			fprintf(stderr, "placed: load: %s\n", err);
			plugins_free(ps);
			profile_free(prof);
			free(files);
			return (2);
		}
		if (profile_kind(prof) != o.kind) {
			fprintf(stderr, "placed: load: profile %s makes %s "
			    "records, not %s\n", profile_name(prof),
			    schema_kind(profile_kind(prof))->name,
			    schema_kind(o.kind)->name);
			plugins_free(ps);
			profile_free(prof);
			free(files);
			return (2);
		}
		snprintf(profname, sizeof(profname), "profile %s",
		    profile_name(prof));
		profplug.name = profname;
		profimp.plugin = &profplug;
		profile_importer(prof, &profimp.i);
		o.format = LOAD_IMPORTER;
		o.importer = &profimp;
		o.hash_extra = profile_text(prof, &o.nhash_extra);
	} else if (nfiles > 0 &&
	    load_format(ps, format, &o, err, sizeof(err)) != 0) {
		fprintf(stderr, "placed: load: %s\n", err);
		plugins_free(ps);
		profile_free(prof);
		free(files);
		return (2);
	}
	if (nfiles == 0 ||
	    store_open(env.db, STORE_CREATE, &st, err, sizeof(err)) != 0) {
		if (nfiles)
			fprintf(stderr, "placed: %s\n", err);
		plugins_free(ps);
		profile_free(prof);
		free(files);
		return (1);
	}
	if (rejects) {
		/* Rejected lines are raw input: only the owner may read,
		 * whatever the mode of a file already there. */
		int fd = open(rejects, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		    0600);

		if (fd < 0 || fchmod(fd, 0600) != 0 ||
		    (o.rejects = fdopen(fd, "w")) == NULL) {
			fprintf(stderr, "placed: %s: %s\n", rejects,
			    strerror(errno));
			if (fd >= 0)
				close(fd);
			store_close(st);
			plugins_free(ps);
			profile_free(prof);
			free(files);
			return (1);
		}
	}
	for (int i = 0; i < nfiles; i++) {
		struct load_result res;
		const char *file = files[i];

		err[0] = '\0';
		if (load_path(st, file, &o, &res, err, sizeof(err)) != 0) {
			fprintf(stderr, "placed: %s; nothing committed\n", err);
			failed++;
			continue;
		}
		if (!quiet || res.br.rejected)
			report(strcmp(file, "-") ? file : "stdin", &res);
	}
	store_close(st);
	plugins_free(ps);
	profile_free(prof);
	free(files);
	if (o.rejects && fclose(o.rejects) != 0) {
		fprintf(stderr, "placed: %s: %s\n", rejects, strerror(errno));
		failed++;
	}
	return (failed ? 1 : 0);
}
