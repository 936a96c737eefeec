/* cmd_ask.c — placed ask: run a saved question from etc/questions. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "exec.h"
#include "plugin.h"
#include "questions.h"
#include "store.h"
#include "table.h"

#define MAXPARAMS	64
#define QUESTIONS_DIR	"etc/questions"

/* "period=fy2025 place=(required)": a question's parameters, one cell. */
static const char *
params_text(struct table *t, const struct question *q)
{
	char buf[1024];
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < q->nparams && n < sizeof(buf); i++) {
		const struct qparam *p = &q->params[i];
		int k = snprintf(buf + n, sizeof(buf) - n, "%s%s=%s",
		    i ? " " : "", p->name, p->def == NULL ? "(required)" :
		    p->def[0] ? p->def : "\"\"");

		if (k < 0)
			break;
		n += (size_t)k;
	}
	if (n >= sizeof(buf))
		n = sizeof(buf) - 1;
	return (table_strdup(t, buf, n));
}

static int
list(const struct questions *qs, enum out_format fmt)
{
	static const char *const cols[] = { "name", "title", "handbook",
	    "params" };
	struct table *t;
	char *js;
	int rc = -ENOMEM;

	if (fmt == OUT_JSON) {
		if ((js = questions_json(qs)) == NULL)
			return (-ENOMEM);
		rc = puts(js) < 0 ? -EIO : 0;
		free(js);
		return (rc);
	}
	if ((t = table_new(4)) == NULL)
		return (-ENOMEM);
	for (int c = 0; c < 4; c++)
		if (table_set_col(t, c, cols[c], V_STR) != 0)
			goto out;
	for (size_t i = 0; i < qs->n; i++) {
		const struct question *q = &qs->v[i];
		struct value *row = table_add_row(t);

		if (row == NULL)
			goto out;
		row[0] = (struct value){ V_STR, -1, table_strdup(t, q->name,
		    strlen(q->name)) };
		row[1] = (struct value){ V_STR, -1, table_strdup(t, q->title,
		    strlen(q->title)) };
		/* A local question need not answer a handbook row. */
		row[2] = (struct value){ V_STR, -1, table_strdup(t,
		    q->handbook ? q->handbook : "",
		    q->handbook ? strlen(q->handbook) : 0) };
		row[3] = (struct value){ V_STR, -1, params_text(t, q) };
		for (int c = 0; c < 4; c++)
			if (row[c].s == NULL)
				goto out;
	}
	rc = table_write(stdout, t, fmt, 0, 0);
out:
	table_free(t);
	return (rc);
}

static int
run(const struct question *q, const struct cli_env *env,
    const struct pql_param *bound, int nb, enum out_format fmt)
{
	struct plugins *ps;
	char err[1024], what[256];
	store_t *st;
	int rc;

	if (store_open(env->db, STORE_RDONLY, &st, err, sizeof(err)) != 0) {
		fprintf(stderr, "placed: %s\n", err);
		return (1);
	}
	if (cli_plugins(env, NULL, &ps) != 0) {
		store_close(st);
		return (1);
	}
	snprintf(what, sizeof(what), "ask %s", q->name);
	rc = cli_query_print(st, ps, what, q->text, bound, nb, fmt);
	plugins_free(ps);
	store_close(st);
	return (rc);
}

int
cmd_ask(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "db",		required_argument, NULL, 'd' },
		{ "config",	required_argument, NULL, 'c' },
		{ "questions",	required_argument, NULL, 'q' },
		{ "format",	required_argument, NULL, 'F' },
		{ "list",	no_argument,	   NULL, 'l' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cli_env env = { 0 };
	struct pql_param given[MAXPARAMS], bound[MAXPARAMS];
	struct questions qs;
	const struct question *q;
	enum out_format fmt = isatty(STDOUT_FILENO) ? OUT_TABLE : OUT_CSV;
	const char *dir = NULL, *name = NULL;
	char err[4096], *eq;
	int ch, ng = 0, nb, rc, listing = 0;

	while ((ch = getopt_long(argc, argv, "c:h", lo, NULL)) != -1) {
		switch (ch) {
		case 'd': env.db = optarg; break;
		case 'c': env.conf = optarg; break;
		case 'q': dir = optarg; break;
		case 'l': listing = 1; break;
		case 'F':
			if (out_format_parse(optarg, &fmt) != 0)
				return (cli_usage(argv[0], "format is table, "
				    "csv, json or ndjson, not \"%s\"", optarg));
			break;
		case 'h':
			cli_help(stdout, argv[0]);
			return (0);
		default:
			return (cli_usage(argv[0], "bad option"));
		}
	}
	for (int i = optind; i < argc; i++) {
		if ((eq = strchr(argv[i], '=')) == NULL) {
			if (name != NULL)
				return (cli_usage(argv[0], "one question at "
				    "a time (\"%s\" and \"%s\"); parameters "
				    "are NAME=VALUE", name, argv[i]));
			name = argv[i];
			continue;
		}
		if (eq == argv[i])
			return (cli_usage(argv[0], "a parameter wants "
			    "NAME=VALUE, not \"%s\"", argv[i]));
		if (ng == MAXPARAMS)
			return (cli_usage(argv[0], "too many parameters"));
		*eq = '\0';
		given[ng].name = argv[i][0] == '$' ? argv[i] + 1 : argv[i];
		given[ng++].value = eq + 1;
	}
	if (listing && (name || ng))
		return (cli_usage(argv[0], "--list takes no question"));
	if (!listing && name == NULL)
		return (cli_usage(argv[0], "which question? (placed ask "
		    "--list shows them)"));
	/* --questions, else the config's questions, else ./etc/questions. */
	if ((rc = cli_resolve(&env)) != 0)
		return (rc);
	if (dir == NULL)
		dir = env.cf && env.cf->questions[0] ? env.cf->questions :
		    QUESTIONS_DIR;
	if ((rc = questions_load(dir, &qs, err, sizeof(err))) != 0) {
		fprintf(stderr, "placed: %s\n", err);
		return (1);
	}
	if (listing) {
		rc = list(&qs, fmt);
		if (rc == 0 && fflush(stdout) != 0)
			rc = -EIO;
		if (rc)
			fprintf(stderr, "placed: ask: cannot write the "
			    "list\n");
		questions_free(&qs);
		return (rc ? 1 : 0);
	}
	if ((q = questions_find(&qs, name)) == NULL) {
		fprintf(stderr, "placed: ask: no question \"%s\" in %s "
		    "(placed ask --list shows them)\n", name, dir);
		questions_free(&qs);
		return (1);
	}
	if ((nb = question_bind(q, given, ng, bound, MAXPARAMS, err,
	    sizeof(err))) < 0) {
		fprintf(stderr, "placed: ask %s\n", err);
		questions_free(&qs);
		return (EXIT_USAGE);
	}
	rc = run(q, &env, bound, nb, fmt);
	questions_free(&qs);
	return (rc);
}
