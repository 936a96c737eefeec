/* cmd_data.c — placed dump, placed batches, placed retire. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <jansson.h>

#include "batch.h"
#include "cli.h"
#include "emit.h"
#include "scan.h"
#include "store.h"
#include "value.h"

/* Options shared by the three commands. */
static int
data_opts(int argc, char **argv, struct cli_env *env, const char **format)
{
	static const struct option lo[] = {
		{ "db",		required_argument, NULL, 'd' },
		{ "config",	required_argument, NULL, 'c' },
		{ "format",	required_argument, NULL, 'f' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "c:h", lo, NULL)) != -1) {
		switch (ch) {
		case 'd': env->db = optarg; break;
		case 'c': env->conf = optarg; break;
		case 'f':
			if (format == NULL)
				return (cli_usage(argv[0], "no --format here"));
			*format = optarg;
			break;
		case 'h':
			cli_help(stdout, argv[0]);
			return (-1);
		default:
			return (cli_usage(argv[0], "bad option"));
		}
	}
	return (cli_resolve(env));
}

static int
open_ro(struct cli_env *env, store_t **st, MDB_txn **txn)
{
	char err[1024];
	int rc;

	if (store_open(env->db, STORE_RDONLY, st, err, sizeof(err)) != 0) {
		fprintf(stderr, "placed: %s\n", err);
		return (1);
	}
	if ((rc = store_txn_begin(*st, 1, txn)) != 0) {
		fprintf(stderr, "placed: %s\n", store_strerror(rc));
		store_close(*st);
		return (1);
	}
	return (0);
}

/* dump ------------------------------------------------------------------ */

struct dump {
	store_t		*st;
	MDB_txn		*txn;
	kind_t		kind;
	int		ndjson;
	FILE		*out;
};

static int
dump_seg(void *arg, const struct scan_seg *seg)
{
	struct dump *d = arg;
	const struct kind_def *kd = schema_kind(d->kind);
	char buf[VALUE_BUFSZ];

	for (uint32_t r = 0; r < seg->nrows; r++) {
		if (d->ndjson)
			fputc('{', d->out);
		for (int c = 0; c < kd->nfields; c++) {
			const char *s = buf;
			size_t n = 0;
			int quoted = 1, rc;

			switch (kd->fields[c].type) {
			case FT_MONEY:
				n = value_money_format(
				    ((const int64_t *)seg->col[c])[r], buf);
				quoted = 0;
				break;
			case FT_NUM:
				n = value_num_format(
				    ((const int64_t *)seg->col[c])[r], buf);
				quoted = 0;
				break;
			case FT_DATE:
				n = value_date_format(
				    ((const int32_t *)seg->col[c])[r], buf);
				break;
			default:
				rc = store_dict_str(d->st, d->txn,
				    kd->fields[c].name,
				    ((const uint32_t *)seg->col[c])[r], &s, &n);
				if (rc)
					return (rc);
			}
			if (d->ndjson) {
				fprintf(d->out, "%s\"%s\":", c ? "," : "",
				    kd->fields[c].name);
				if (n == 0)
					fputs("null", d->out);
				else if (quoted)
					emit_json_str(d->out, s, n);
				else
					fwrite(s, 1, n, d->out);
			} else {
				if (c)
					fputc(',', d->out);
				emit_csv(d->out, s, n);
			}
		}
		fputs(d->ndjson ? "}\n" : "\n", d->out);
	}
	return (ferror(d->out) ? -EIO : 0);
}

int
cmd_dump(int argc, char **argv)
{
	struct cli_env env = { 0 };
	const char *format = "csv";
	struct dump d = { 0 };
	int kind, rc;

	if ((rc = data_opts(argc, argv, &env, &format)) != 0)
		return (rc < 0 ? 0 : rc);
	if (optind + 1 != argc)
		return (cli_usage("dump", "want one KIND"));
	if ((kind = schema_kind_find(argv[optind])) < 0)
		return (cli_usage("dump", "unknown kind \"%s\"", argv[optind]));
	if (strcmp(format, "csv") != 0 && strcmp(format, "ndjson") != 0)
		return (cli_usage("dump", "format is csv or ndjson"));
	d.kind = (kind_t)kind;
	d.ndjson = strcmp(format, "ndjson") == 0;
	d.out = stdout;
	if (open_ro(&env, &d.st, &d.txn) != 0)
		return (1);
	if (!d.ndjson) {
		const struct kind_def *kd = schema_kind(d.kind);

		for (int c = 0; c < kd->nfields; c++)
			printf("%s%s", c ? "," : "", kd->fields[c].name);
		putchar('\n');
	}
	rc = scan_kind(d.st, d.txn, d.kind, dump_seg, &d);
	store_txn_abort(d.txn);
	store_close(d.st);
	if (rc == 0 && fflush(stdout) != 0)
		rc = -errno;
	if (rc) {
		fprintf(stderr, "placed: dump: %s\n", store_strerror(rc));
		return (1);
	}
	return (0);
}

/* batches --------------------------------------------------------------- */

static void
iso_time(int64_t t, char buf[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t == 0) {
		buf[0] = '\0';
		return;
	}
	gmtime_r(&tt, &tm);
	strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int
cmd_batches(int argc, char **argv)
{
	static const char *cols[] = { "id", "source", "kind", "rows",
	    "rejected", "state", "loaded_at" };
	struct cli_env env = { 0 };
	const char *format = isatty(STDOUT_FILENO) ? "table" : "csv";
	struct batch_info *list;
	store_t *st;
	MDB_txn *txn;
	size_t n;
	int rc;

	if ((rc = data_opts(argc, argv, &env, &format)) != 0)
		return (rc < 0 ? 0 : rc);
	if (optind != argc)
		return (cli_usage("batches", "no arguments wanted"));
	if (strcmp(format, "table") && strcmp(format, "csv") &&
	    strcmp(format, "json"))
		return (cli_usage("batches", "format is table, csv or json"));
	if (open_ro(&env, &st, &txn) != 0)
		return (1);
	rc = store_batch_list(st, txn, &list, &n);
	store_txn_abort(txn);
	if (rc) {
		fprintf(stderr, "placed: batches: %s\n", store_strerror(rc));
		store_close(st);
		return (1);
	}
	if (strcmp(format, "json") == 0) {
		json_t *res = json_object(), *jc = json_array(),
		    *jr = json_array();
		char t[32];

		for (size_t c = 0; c < 7; c++)
			json_array_append_new(jc, json_pack("{s:s,s:s}",
			    "name", cols[c], "type", c == 0 || c == 3 ||
			    c == 4 ? "integer" : "string"));
		for (size_t i = 0; i < n; i++) {
			iso_time(list[i].loaded_at, t);
			json_array_append_new(jr, json_pack("[I,s,s,I,I,s,s]",
			    (json_int_t)list[i].id, list[i].source,
			    schema_kind(list[i].kind)->name,
			    (json_int_t)list[i].rows,
			    (json_int_t)list[i].rejected,
			    batch_state_name(list[i].state), t));
		}
		json_object_set_new(res, "columns", jc);
		json_object_set_new(res, "rows", jr);
		json_object_set_new(res, "meta", json_pack("{s:I,s:I}",
		    "data_version", (json_int_t)store_data_version(st),
		    "rows", (json_int_t)n));
		json_dumpf(res, stdout, JSON_COMPACT);
		putchar('\n');
		json_decref(res);
	} else if (strcmp(format, "csv") == 0) {
		char t[32];

		puts("id,source,kind,rows,rejected,state,loaded_at");
		for (size_t i = 0; i < n; i++) {
			iso_time(list[i].loaded_at, t);
			printf("%u,", list[i].id);
			emit_csv(stdout, list[i].source,
			    strlen(list[i].source));
			printf(",%s,%llu,%llu,%s,%s\n",
			    schema_kind(list[i].kind)->name,
			    (unsigned long long)list[i].rows,
			    (unsigned long long)list[i].rejected,
			    batch_state_name(list[i].state), t);
		}
	} else {
		int w = 6;
		char t[32], a[32], b[32];

		for (size_t i = 0; i < n; i++)
			if ((int)strlen(list[i].source) > w)
				w = (int)strlen(list[i].source);
		printf("%5s  %-*s  %-8s  %12s  %9s  %-8s  %s\n", "id", w,
		    "source", "kind", "rows", "rejected", "state",
		    "loaded_at");
		for (size_t i = 0; i < n; i++) {
			iso_time(list[i].loaded_at, t);
			printf("%5u  %-*s  %-8s  %12s  %9s  %-8s  %s\n",
			    list[i].id, w, list[i].source,
			    schema_kind(list[i].kind)->name,
			    cli_count(list[i].rows, a),
			    cli_count(list[i].rejected, b),
			    batch_state_name(list[i].state), t);
		}
		printf("data version %llu\n",
		    (unsigned long long)store_data_version(st));
	}
	free(list);
	store_close(st);
	return (0);
}

/* retire ---------------------------------------------------------------- */

int
cmd_retire(int argc, char **argv)
{
	struct cli_env env = { 0 };
	struct passwd *pw;
	store_t *st;
	char err[1024], *end;
	unsigned long id;
	int rc;

	if ((rc = data_opts(argc, argv, &env, NULL)) != 0)
		return (rc < 0 ? 0 : rc);
	if (optind + 1 != argc)
		return (cli_usage("retire", "want one batch ID"));
	errno = 0;
	id = strtoul(argv[optind], &end, 10);
	if (errno || *end || id == 0 || id > UINT32_MAX)
		return (cli_usage("retire", "\"%s\" is not a batch id",
		    argv[optind]));
	if (store_open(env.db, STORE_EXISTING, &st, err, sizeof(err)) != 0) {
		fprintf(stderr, "placed: %s\n", err);
		return (1);
	}
	pw = getpwuid(getuid());
	rc = batch_retire(st, (uint32_t)id, pw ? pw->pw_name : "cli", err,
	    sizeof(err));
	if (rc == 0)
		printf("batch %lu retired (data version %llu)\n", id,
		    (unsigned long long)store_data_version(st));
	else
		fprintf(stderr, "placed: retire: %s\n", err);
	store_close(st);
	return (rc ? 1 : 0);
}

/* audit ----------------------------------------------------------------- */

static int
audit_line(void *arg, const char *json, size_t n)
{
	(void)arg;
	fwrite(json, 1, n, stdout);
	putchar('\n');
	return (ferror(stdout) ? -EIO : 0);
}

int
cmd_audit(int argc, char **argv)
{
	struct cli_env env = { 0 };
	store_t *st;
	MDB_txn *txn;
	int rc;

	if ((rc = data_opts(argc, argv, &env, NULL)) != 0)
		return (rc < 0 ? 0 : rc);
	if (optind != argc)
		return (cli_usage("audit", "no arguments wanted"));
	if (open_ro(&env, &st, &txn) != 0)
		return (1);
	rc = store_audit_each(st, txn, audit_line, NULL);
	store_txn_abort(txn);
	store_close(st);
	if (rc == 0 && fflush(stdout) != 0)
		rc = -EIO;
	if (rc) {
		fprintf(stderr, "placed: audit: %s\n", store_strerror(rc));
		return (1);
	}
	return (0);
}
