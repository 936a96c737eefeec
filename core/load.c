/* load.c — canonical CSV / NDJSON → checked values → one batch. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "classify.h"
#include "csvin.h"
#include "emit.h"
#include "fetch.h"
#include "load.h"
#include "log.h"
#include "partners.h"
#include "ndjson.h"
#include "plugin.h"
#include "pseudo.h"
#include "value.h"

#define CHUNK		(256u << 10)
#define WITHHELD	"(withheld)"	/* a person in the rejects file */
#define NDJ_MAXLINE	(16u << 20)

struct span {
	const char	*s;
	size_t		n;
	int		set;
};

struct loader {
	store_t		*st;
	const struct load_opts *o;
	const char	*name;		/* file name for messages */
	batch_t		*b;
	const struct kind_def *kd;
	int		header_done;
	int		ncsv;		/* columns in the CSV header */
	int		colfield[CSVIN_MAXFIELDS];
	char		**hdr;		/* header names, for the rejects file */
	int		have_person;	/* the header has a person column */
	int		kind_persons;	/* the kind has a person field */
	int		org_col, by_col;
	struct classify	*cls;
	struct partners	*parts;		/* NULL: none declared */
	int		supplier_col, transfer_col, transfer_to_col;		/* NULL: nothing to classify */
	pseudo_key_t	key;
	int		key_loaded;
	uint64_t	shown;
	uint64_t	blank;
	int		rejects_hdr;
	char		*err;
	size_t		errsz;
	struct load_result *res;	/* skipped lines are counted here */
	int		import_rc;	/* a store error from an import */
	/* progress */
	uint64_t	bytes, total;
	struct timespec	t0, tlast;
};

/* Values shown in messages: short and printable. */
static void
quote_value(char *out, size_t osz, const char *s, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o + 5 < osz; i++) {
		unsigned char c = (unsigned char)s[i];

		if (i == 40) {
			o += (size_t)snprintf(out + o, osz - o, "...");
			break;
		}
		if (c < 0x20 || c == 0x7f)
			o += (size_t)snprintf(out + o, osz - o, "\\x%02x", c);
		else
			out[o++] = (char)c;
	}
	out[o] = '\0';
}

static void
trim(const char **s, size_t *n)
{
	while (*n > 0 && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

/* Record a rejected line: message (the first few), rejects file, count. */
static void
reject(struct loader *L, uint64_t line, const char *why, int nf,
    char *const *f, const size_t *len)
{
	FILE *rf = L->o->rejects;

	if (L->o->on_reject)
		L->o->on_reject(L->o->reject_arg, line, why);
	if (L->o->show_errors < 0)
		;	/* the caller reports them (on_reject) */
	else if (L->shown < (uint64_t)L->o->show_errors)
		fprintf(stderr, "%s:%llu: %s\n", L->name,
		    (unsigned long long)line, why);
	else if (L->shown == (uint64_t)L->o->show_errors)
		fprintf(stderr, "%s: more rejected lines not shown%s\n",
		    L->name, rf ? " (all are in the rejects file)" :
		    " (--rejects FILE keeps them all)");
	L->shown++;
	batch_rejected(L->b, 1);
	if (rf == NULL)
		return;
	if (!L->rejects_hdr) {
		fputs("file,line,reason", rf);
		if (L->o->format == LOAD_CSV)
			for (int i = 0; i < L->ncsv; i++) {
				fputc(',', rf);
				emit_csv(rf, L->hdr[i], strlen(L->hdr[i]));
			}
		else
			fputs(",record", rf);
		fputc('\n', rf);
		L->rejects_hdr = 1;
	}
	emit_csv(rf, L->name, strlen(L->name));
	fprintf(rf, ",%llu,", (unsigned long long)line);
	emit_csv(rf, why, strlen(why));
	for (int i = 0; i < nf; i++) {
		fputc(',', rf);
		/* A raw person identifier never reaches disk, here neither:
		 * the file and line say where to find it. */
		if (L->o->format == LOAD_CSV && i < L->ncsv &&
		    L->colfield[i] >= 0 &&
		    L->kd->fields[L->colfield[i]].type == FT_PERSON &&
		    len[i] > 0)
			fputs(WITHHELD, rf);
		else
			emit_csv(rf, f[i], len[i]);
	}
	fputc('\n', rf);
}

static int map_column(struct loader *L, const char *name, size_t n);

/* An NDJSON record for the rejects file, its person value withheld. */
static char *
ndjson_withheld(struct loader *L, const struct ndjson_field *fl, int nf)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);

	if (f == NULL)
		return (NULL);
	fputc('{', f);
	for (int i = 0; i < nf; i++) {
		int fi = map_column(L, fl[i].key, fl[i].klen);

		fprintf(f, "%s", i ? "," : "");
		emit_json_str(f, fl[i].key, fl[i].klen);
		fputc(':', f);
		if (fi >= 0 && L->kd->fields[fi].type == FT_PERSON &&
		    fl[i].vlen > 0)
			fputs("\"" WITHHELD "\"", f);
		else if (fl[i].type == NDJ_STRING)
			emit_json_str(f, fl[i].val, fl[i].vlen);
		else if (fl[i].type == NDJ_NULL)
			fputs("null", f);
		else
			fwrite(fl[i].val, 1, fl[i].vlen, f);
	}
	fputc('}', f);
	fclose(f);
	return (buf);
}

static int
need_key(struct loader *L)
{
	if (L->o->hashed || L->key_loaded)
		return (0);
	if (pseudo_key_load(&L->key, L->o->keypath, store_dir(L->st), L->err,
	    L->errsz) != 0)
		return (-EPERM);
	L->key_loaded = 1;
	return (0);
}

/*
 * A spend line paid to a declared partner other than the payer is a
 * transfer between partners; the file's own transfer fields are always
 * recomputed when partners are declared.
 */
static void
transfer_put(struct loader *L, struct span *vals)
{
	const struct span *sup = &vals[L->supplier_col], *org = &vals[L->org_col];
	const struct partner *to;

	vals[L->transfer_col].set = vals[L->transfer_to_col].set = 0;
	if ((to = partners_transfer(L->parts, org->set ? org->s : "",
	    org->set ? org->n : 0, sup->set ? sup->s : "",
	    sup->set ? sup->n : 0)) == NULL)
		return;
	vals[L->transfer_col] = (struct span){ "yes", 3, 1 };
	vals[L->transfer_to_col] = (struct span){ to->id, strlen(to->id), 1 };
}

/* Fill the class fields of a checked record; -1 with why to reject it. */
static int
classify_put(struct loader *L, uint64_t line, struct span *vals, char *why,
    size_t whysz)
{
	const char *tv[SCHEMA_MAXCOLS];
	size_t tl[SCHEMA_MAXCOLS];
	struct class_out co;

	const struct span *by = L->by_col >= 0 ? &vals[L->by_col] : NULL;

	/*
	 * A file that says what classification filled (a dump loaded back)
	 * has those fields filled afresh: the same answer while the rules
	 * are the same, so dump and load round-trip.  Its shares and
	 * classified_by are always recomputed.
	 */
	for (int c = 0; c < L->kd->nfields; c++) {
		if ((L->kd->fields[c].flags & FD_CLASS) && by && by->set &&
		    !classify_given(by->s, by->n, L->kd->fields[c].name))
			vals[c].set = 0;
	}
	for (int c = 0; c < L->kd->nfields; c++)
		if (L->kd->fields[c].flags & FD_DERIVED)
			vals[c].set = 0;
	for (int c = 0; c < L->kd->nfields; c++) {
		tv[c] = vals[c].set ? vals[c].s : NULL;
		tl[c] = vals[c].set ? vals[c].n : 0;
	}
	if (classify_record(L->cls, tv, tl, line, &co, why, whysz) != 0)
		return (-1);
	for (int c = 0; c < L->kd->nfields; c++)
		if (co.val[c]) {
			vals[c].s = co.val[c];
			vals[c].n = co.len[c];
			vals[c].set = 1;
		}
	return (0);
}

/*
 * Check and convert one record's values (vals[field]) and add it to the
 * batch.  Returns 0 (added or rejected) or a negative store error.
 */
static int
put_record(struct loader *L, uint64_t line, struct span *vals, int nf,
    char *const *raw, const size_t *rawlen)
{
	const struct kind_def *kd = L->kd;
	int64_t i64[SCHEMA_MAXCOLS];
	int32_t i32[SCHEMA_MAXCOLS];
	char why[256], q[128], pseud[PSEUDO_HEXLEN + 1];
	int empty = 1, rc;

	for (int c = 0; c < kd->nfields; c++) {
		struct span *v = &vals[c];
		const struct field_def *fd = &kd->fields[c];

		if (v->set)
			trim(&v->s, &v->n);
		if (!v->set || v->n == 0) {
			v->set = 0;
			continue;
		}
		empty = 0;
		rc = 0;
		switch (fd->type) {
		case FT_MONEY:
			if ((rc = value_money_parse(v->s, v->n, &i64[c])) != 0) {
				quote_value(q, sizeof(q), v->s, v->n);
				snprintf(why, sizeof(why), "field \"%s\": "
				    "\"%s\" is not an amount%s", fd->name, q,
				    rc == -ERANGE ? " (too large)" : "");
			}
			break;
		case FT_NUM:
			if ((rc = value_num_parse(v->s, v->n, &i64[c])) != 0) {
				quote_value(q, sizeof(q), v->s, v->n);
				snprintf(why, sizeof(why), "field \"%s\": "
				    "\"%s\" is not a number (at most 4 "
				    "decimals)", fd->name, q);
			}
			break;
		case FT_DATE:
			if ((rc = value_date_parse(v->s, v->n, &i32[c])) != 0) {
				quote_value(q, sizeof(q), v->s, v->n);
				snprintf(why, sizeof(why), "field \"%s\": "
				    "\"%s\" is not a date (day first: "
				    "2025-04-01, 01/04/2025, 1 April 2025)",
				    fd->name, q);
			}
			break;
		case FT_PERSON:
			/* Never echo a person identifier. */
			if (L->o->hashed) {
				if (!pseudo_is_hashed(v->s, v->n)) {
					rc = -EINVAL;
					snprintf(why, sizeof(why), "field "
					    "\"%s\": not a pseudonym (32 hex "
					    "digits) though --hashed is set",
					    fd->name);
				}
			} else if ((rc = pseudo_hash(&L->key, v->s, v->n,
			    pseud)) != 0) {
				snprintf(why, sizeof(why), "field \"%s\": "
				    "identifier is %s", fd->name,
				    rc == -EINVAL ? "blank" : "too long");
			} else {
				v->s = pseud;
				v->n = PSEUDO_HEXLEN;
				/* pseud is reused below only for this field */
			}
			break;
		default:
			if (!utf8_valid(v->s, v->n)) {
				rc = -EINVAL;
				quote_value(q, sizeof(q), v->s, v->n);
				snprintf(why, sizeof(why), "field \"%s\": "
				    "\"%s\" is not valid UTF-8", fd->name, q);
			}
		}
		if (rc) {
			reject(L, line, why, nf, raw, rawlen);
			return (0);
		}
	}
	if (empty) {
		L->blank++;
		return (0);
	}
	if (L->o->org && L->o->only_org && L->org_col >= 0 &&
	    vals[L->org_col].set && (vals[L->org_col].n != strlen(L->o->org) ||
	    memcmp(vals[L->org_col].s, L->o->org, vals[L->org_col].n) != 0)) {
		quote_value(q, sizeof(q), vals[L->org_col].s,
		    vals[L->org_col].n);
		snprintf(why, sizeof(why), "field \"org\": \"%s\" is not "
		    "this loader's partner \"%s\"", q, L->o->org);
		reject(L, line, why, nf, raw, rawlen);
		return (0);
	}
	if (L->o->org && L->org_col >= 0 && !vals[L->org_col].set) {
		vals[L->org_col].s = L->o->org;
		vals[L->org_col].n = strlen(L->o->org);
		vals[L->org_col].set = 1;
	}
	for (int c = 0; c < kd->nfields; c++) {
		if (!vals[c].set && kd->fields[c].required) {
			snprintf(why, sizeof(why), "field \"%s\": missing (a %s "
			    "record needs it)", kd->fields[c].name, kd->name);
			reject(L, line, why, nf, raw, rawlen);
			return (0);
		}
	}
	if (L->cls && (rc = classify_put(L, line, vals, why,
	    sizeof(why))) != 0) {
		reject(L, line, why, nf, raw, rawlen);
		return (0);
	}
	if (L->parts)
		transfer_put(L, vals);
	for (int c = 0; c < kd->nfields; c++) {
		if (!vals[c].set)
			continue;
		switch (kd->fields[c].type) {
		case FT_MONEY:
		case FT_NUM:
			batch_i64(L->b, c, i64[c]);
			break;
		case FT_DATE:
			batch_i32(L->b, c, i32[c]);
			break;
		default:
			if ((rc = batch_str(L->b, c, vals[c].s, vals[c].n)))
				return (rc);
		}
	}
	if (line > UINT32_MAX)
		line = UINT32_MAX;
	return (batch_row(L->b, (uint32_t)line));
}

/* The field a column name maps to: --map first, then the field names;
 * -2 for a column --ignore sets aside, -1 for none. */
static int
map_column(struct loader *L, const char *name, size_t n)
{
	const char *s = name;

	trim(&s, &n);
	for (int i = 0; i < L->o->nignores; i++)
		if (strlen(L->o->ignores[i]) == n &&
		    strncasecmp(L->o->ignores[i], s, n) == 0)
			return (-2);
	for (int i = 0; i < L->o->nmaps; i++) {
		const char *m = L->o->maps[i], *eq = strchr(m, '=');
		size_t cl;

		if (eq == NULL)
			continue;
		cl = strlen(eq + 1);
		if (cl == n && strncasecmp(eq + 1, s, n) == 0)
			return (schema_field_find(L->o->kind, m,
			    (size_t)(eq - m)));
	}
	return (schema_field_find(L->o->kind, s, n));
}

static int
header(struct loader *L, int nf, char *const *f, const size_t *len)
{
	const struct kind_def *kd = L->kd;
	int seen[SCHEMA_MAXCOLS] = { 0 };
	char q[128];

	L->ncsv = nf;
	if ((L->hdr = calloc((size_t)nf, sizeof(*L->hdr))) == NULL)
		return (-ENOMEM);
	for (int i = 0; i < nf; i++) {
		int fi = map_column(L, f[i], len[i]);

		L->hdr[i] = strndup(f[i], len[i]);
		quote_value(q, sizeof(q), f[i], len[i]);
		if (fi == -2) {
			L->colfield[i] = -1;
			continue;
		}
		if (fi < 0) {
			char names[256];
			size_t o = 0;

			for (int c = 0; c < kd->nfields; c++)
				o += (size_t)snprintf(names + o,
				    sizeof(names) - o, "%s%s", c ? ", " : "",
				    kd->fields[c].name);
			snprintf(L->err, L->errsz, "line 1: column \"%s\" is "
			    "not a field of %s (%s); map it with --map "
			    "\"FIELD=%s\" or set it aside with --ignore "
			    "\"%s\"", q, kd->name, names, q, q);
			return (-EINVAL);
		}
		if (seen[fi]) {
			snprintf(L->err, L->errsz, "line 1: column \"%s\" "
			    "gives field \"%s\" a second time", q,
			    kd->fields[fi].name);
			return (-EINVAL);
		}
		seen[fi] = 1;
		L->colfield[i] = fi;
		if (kd->fields[fi].type == FT_PERSON)
			L->have_person = 1;
	}
	for (int c = 0; c < kd->nfields; c++)
		if (kd->fields[c].required && !seen[c]) {
			snprintf(L->err, L->errsz, "line 1: no \"%s\" column, "
			    "which every %s record needs", kd->fields[c].name,
			    kd->name);
			return (-EINVAL);
		}
	L->header_done = 1;
	return (L->have_person ? need_key(L) : 0);
}

static int
csv_row(void *arg, uint64_t line, int nf, char *const *f, const size_t *len)
{
	struct loader *L = arg;
	struct span vals[SCHEMA_MAXCOLS] = { { 0 } };
	char why[128];

	if (!L->header_done)
		return (header(L, nf, f, len));
	if (nf != L->ncsv) {
		snprintf(why, sizeof(why), "%d fields, but the header has %d",
		    nf, L->ncsv);
		reject(L, line, why, nf, f, len);
		return (0);
	}
	for (int i = 0; i < nf; i++) {
		struct span *v;

		if (L->colfield[i] < 0)
			continue;
		v = &vals[L->colfield[i]];
		v->s = f[i];
		v->n = len[i];
		v->set = 1;
	}
	return (put_record(L, line, vals, nf, f, len));
}

static int
ndjson_line(struct loader *L, uint64_t line, char *s, size_t n)
{
	struct ndjson_field fl[64];
	struct span vals[SCHEMA_MAXCOLS] = { { 0 } };
	char why[320], jerr[160], q[128], *raw[1];
	size_t rawlen[1];
	int nf, rc;

	if (n > 0 && s[n - 1] == '\r')
		n--;
	{
		size_t i = 0;

		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i == n)
			return (0);
	}
	/* The scan unescapes in place: keep the raw text for rejects,
	 * unless the kind has persons: then only what parses, withheld. */
	raw[0] = L->o->rejects && !L->kind_persons ? strndup(s, n) : NULL;
	rawlen[0] = raw[0] ? n : 0;
	nf = ndjson_object(s, n, fl, 64, jerr, sizeof(jerr));
	if (nf < 0) {
		snprintf(why, sizeof(why), "not a flat JSON object: %s", jerr);
		if (L->o->rejects && raw[0] == NULL &&
		    (raw[0] = strdup(WITHHELD)) != NULL)
			rawlen[0] = strlen(raw[0]);
		reject(L, line, why, raw[0] ? 1 : 0, raw, rawlen);
		free(raw[0]);
		return (0);
	}
	if (L->o->rejects && L->kind_persons) {
		raw[0] = ndjson_withheld(L, fl, nf);
		rawlen[0] = raw[0] ? strlen(raw[0]) : 0;
	}
	for (int i = 0; i < nf; i++) {
		int fi = map_column(L, fl[i].key, fl[i].klen);

		if (fi == -2)
			continue;
		if (fi < 0) {
			quote_value(q, sizeof(q), fl[i].key, fl[i].klen);
			snprintf(why, sizeof(why), "\"%s\" is not a field of %s",
			    q, L->kd->name);
			reject(L, line, why, raw[0] ? 1 : 0, raw, rawlen);
			free(raw[0]);
			return (0);
		}
		if (L->kd->fields[fi].type == FT_PERSON && fl[i].vlen > 0 &&
		    (rc = need_key(L)) != 0) {
			free(raw[0]);
			return (rc);
		}
		if (vals[fi].set) {
			snprintf(why, sizeof(why), "field \"%s\" given twice",
			    L->kd->fields[fi].name);
			reject(L, line, why, raw[0] ? 1 : 0, raw, rawlen);
			free(raw[0]);
			return (0);
		}
		vals[fi].s = fl[i].val;
		vals[fi].n = fl[i].vlen;
		vals[fi].set = 1;
	}
	rc = put_record(L, line, vals, raw[0] ? 1 : 0, raw, rawlen);
	free(raw[0]);
	return (rc);
}

/* ---- importers (plugins) ---- */

/* An imported record as a JSON object for the rejects file, persons
 * withheld. */
static char *
import_raw(struct loader *L, const struct placed_record *r)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);

	if (f == NULL)
		return (NULL);
	fputc('{', f);
	for (int i = 0; i < r->nfields; i++) {
		const char *k = r->names[i] ? r->names[i] : "";
		const char *v = r->values[i];
		int fi = map_column(L, k, strlen(k));

		fprintf(f, "%s", i ? "," : "");
		emit_json_str(f, k, strlen(k));
		fputc(':', f);
		if (v == NULL)
			fputs("null", f);
		else if (fi >= 0 && L->kd->fields[fi].type == FT_PERSON && *v)
			fputs("\"" WITHHELD "\"", f);
		else
			emit_json_str(f, v, strlen(v));
	}
	fputc('}', f);
	fclose(f);
	return (buf);
}

static int
import_record(void *arg, const struct placed_record *r)
{
	struct loader *L = arg;
	struct span vals[SCHEMA_MAXCOLS] = { { 0 } };
	char why[320], q[128], *raw[1] = { NULL };
	size_t rawlen[1] = { 0 };
	int rc = 0;

	if (L->import_rc)
		return (1);
	if (L->o->rejects) {
		raw[0] = import_raw(L, r);
		rawlen[0] = raw[0] ? strlen(raw[0]) : 0;
	}
	for (int i = 0; i < r->nfields; i++) {
		const char *k = r->names[i] ? r->names[i] : "";
		int fi = map_column(L, k, strlen(k));

		if (fi == -2 || r->values[i] == NULL)
			continue;
		if (fi < 0) {
			quote_value(q, sizeof(q), k, strlen(k));
			snprintf(why, sizeof(why), "plugin \"%s\" gave \"%s\", "
			    "not a field of %s", L->o->importer->plugin->name,
			    q, L->kd->name);
			reject(L, r->line, why, raw[0] ? 1 : 0, raw, rawlen);
			goto out;
		}
		if (L->kd->fields[fi].type == FT_PERSON && *r->values[i] &&
		    (rc = need_key(L)) != 0)
			goto out;
		vals[fi].s = r->values[i];
		vals[fi].n = strlen(r->values[i]);
		vals[fi].set = 1;
	}
	rc = put_record(L, r->line, vals, raw[0] ? 1 : 0, raw, rawlen);
out:
	free(raw[0]);
	if (rc != 0) {
		L->import_rc = rc;
		return (1);
	}
	return (0);
}

static void
import_skip(void *arg, uint64_t line, const char *why)
{
	struct loader *L = arg;
	struct load_result *res = L->res;
	int i;

	(void)line;
	res->skipped++;
	for (i = 0; i < res->nreasons; i++)
		if (strcmp(res->reasons[i].why, why) == 0)
			break;
	if (i == res->nreasons) {
		if (res->nreasons == LOAD_REASONS)
			why = "other";
		for (i = 0; i < res->nreasons; i++)
			if (strcmp(res->reasons[i].why, why) == 0)
				break;
		if (i == res->nreasons) {
			if (res->nreasons == LOAD_REASONS)
				i = LOAD_REASONS - 1;
			else
				res->nreasons++;
			snprintf(res->reasons[i].why,
			    sizeof(res->reasons[i].why), "%s", why);
		}
	}
	res->reasons[i].n++;
}

static double
elapsed(const struct timespec *a, const struct timespec *b)
{
	return ((double)(b->tv_sec - a->tv_sec) +
	    (double)(b->tv_nsec - a->tv_nsec) / 1e9);
}

static void
progress(struct loader *L, int last)
{
	struct timespec now;
	double t;

	if (!L->o->progress)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!last && elapsed(&L->tlast, &now) < 0.25)
		return;
	L->tlast = now;
	t = elapsed(&L->t0, &now);
	fprintf(stderr, "\r%s: %llu rows, %.0f rows/s", L->name,
	    (unsigned long long)batch_rows(L->b),
	    t > 0 ? (double)batch_rows(L->b) / t : 0.0);
	if (L->total)
		fprintf(stderr, ", %.0f%%", 100.0 * (double)L->bytes /
		    (double)L->total);
	fputs(last ? "\n" : "   ", stderr);
}

static void
import_reject(void *arg, uint64_t line, const char *why)
{
	reject(arg, line, why, 0, NULL, NULL);
}

/* Feed an importer a piece of the file, or end it (buf NULL). */
static int
import_step(struct loader *L, void *ictx, const char *buf, size_t n)
{
	const struct placed_importer *im = &L->o->importer->i;
	struct plugin_sink sink = { import_record, import_skip, L,
	    import_reject };
	char perr[512] = "";
	int rc;

	rc = buf ? im->feed(ictx, buf, n, plugins_emit, &sink, perr,
	    sizeof(perr)) : im->end(ictx, plugins_emit, &sink, perr,
	    sizeof(perr));
	if (L->import_rc)
		return (L->import_rc);
	if (rc != 0) {
		snprintf(L->err, L->errsz, "plugin \"%s\": %s",
		    L->o->importer->plugin->name, perr[0] ? perr :
		    "import failed");
		return (-EINVAL);
	}
	return (0);
}

/* Read fd to the end, feeding the hash and the format's reader. */
static int
read_all(struct loader *L, int fd)
{
	char *buf = malloc(CHUNK), *line = NULL;
	size_t llen = 0, lcap = 0;
	uint64_t lineno = 1;
	csvin_t *csv = NULL;
	void *ictx = NULL;
	ssize_t r;
	int rc = 0;

	if (buf == NULL)
		return (-ENOMEM);
	if (L->o->format == LOAD_CSV &&
	    (csv = csvin_new(csv_row, L)) == NULL) {
		free(buf);
		return (-ENOMEM);
	}
	if (L->o->format == LOAD_IMPORTER) {
		const struct placed_importer *im = &L->o->importer->i;
		char perr[512] = "";

		if ((ictx = im->open(im->state, L->kd->name, perr,
		    sizeof(perr))) == NULL) {
			snprintf(L->err, L->errsz, "plugin \"%s\": %s",
			    L->o->importer->plugin->name, perr[0] ? perr :
			    "cannot open");
			free(buf);
			return (-EINVAL);
		}
	}
	while (rc == 0 && (r = read(fd, buf, CHUNK)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			snprintf(L->err, L->errsz, "read: %s", strerror(errno));
			rc = -errno;
			break;
		}
		batch_hash(L->b, buf, (size_t)r);
		L->bytes += (uint64_t)r;
		if (ictx) {
			rc = import_step(L, ictx, buf, (size_t)r);
		} else if (csv) {
			rc = csvin_feed(csv, buf, (size_t)r);
		} else {
			for (ssize_t i = 0; i < r && rc == 0; i++) {
				if (buf[i] != '\n') {
					if (llen == NDJ_MAXLINE) {
						snprintf(L->err, L->errsz,
						    "line %llu: longer than "
						    "%u bytes",
						    (unsigned long long)lineno,
						    NDJ_MAXLINE);
						rc = -EFBIG;
						break;
					}
					if (llen == lcap) {
						char *nl;

						lcap = lcap ? lcap * 2 : 4096;
						if ((nl = realloc(line,
						    lcap)) == NULL) {
							rc = -ENOMEM;
							break;
						}
						line = nl;
					}
					line[llen++] = buf[i];
					continue;
				}
				rc = ndjson_line(L, lineno++, line, llen);
				llen = 0;
			}
		}
		progress(L, 0);
	}
	if (rc == 0 && L->o->cancel && *L->o->cancel) {
		snprintf(L->err, L->errsz, "the input ended early: nothing "
		    "is committed");
		rc = -ECANCELED;
	}
	if (rc == 0 && ictx)
		rc = import_step(L, ictx, NULL, 0);
	if (ictx)
		L->o->importer->i.close(ictx);
	if (rc == 0 && csv)
		rc = csvin_end(csv);
	if (rc == 0 && !csv && llen > 0)
		rc = ndjson_line(L, lineno, line, llen);
	if (rc == -EBADMSG && csv)
		snprintf(L->err, L->errsz, "%s", csvin_error(csv));
	else if (rc < 0 && L->err[0] == '\0')
		snprintf(L->err, L->errsz, "%s", store_strerror(rc));
	if (rc == 0 && csv && !L->header_done) {
		snprintf(L->err, L->errsz, "empty file: no header line");
		rc = -EINVAL;
	}
	csvin_free(csv);
	free(line);
	free(buf);
	return (rc);
}

int
load_format(const struct plugins *ps, const char *name, struct load_opts *o,
    char *err, size_t errsz)
{
	const struct plugin_importer *im;
	const char *kind = schema_kind(o->kind)->name;
	size_t n;

	o->importer = NULL;
	if (name == NULL || strcmp(name, "csv") == 0) {
		o->format = LOAD_CSV;
		return (0);
	}
	if (strcmp(name, "ndjson") == 0) {
		o->format = LOAD_NDJSON;
		return (0);
	}
	if ((im = plugins_importer(ps, name)) == NULL) {
		n = (size_t)snprintf(err, errsz, "unknown format \"%s\" (csv, "
		    "ndjson", name);
		for (size_t i = 0; ps && i < ps->nimporters && n < errsz; i++)
			n += (size_t)snprintf(err + n, errsz - n, ", %s",
			    ps->importers[i].i.format);
		if (n < errsz)
			snprintf(err + n, errsz - n, "%s)", ps && ps->nimporters ?
			    "" : "; no importer plugin is loaded");
		return (-EINVAL);
	}
	if (!plugins_kind_in(im->i.kinds, kind)) {
		snprintf(err, errsz, "format \"%s\" (plugin \"%s\") reads %s "
		    "records, not %s", name, im->plugin->name, im->i.kinds,
		    kind);
		return (-EINVAL);
	}
	o->format = LOAD_IMPORTER;
	o->importer = im;
	return (0);
}

/* A URL: fetched on a thread and read as it arrives; the URL is the
 * source unless --source says otherwise. */
static int
load_url(store_t *st, const char *url, const struct load_opts *o,
    struct load_result *res, char *err, size_t errsz)
{
	struct load_opts uo = *o;
	struct fetch_result fr;
	struct fetch *f;
	char ferr[1200];
	int fd, rc, frc;

	if ((rc = fetch_start(url, NULL, &f, &fd, err, errsz)) != 0)
		return (rc);
	uo.cancel = fetch_failed(f);
	if (uo.source == NULL)
		uo.source = url;
	rc = load_fd(st, fd, url, &uo, res, err, errsz);
	close(fd);
	if ((frc = fetch_finish(f, &fr, ferr, sizeof(ferr))) != 0) {
		/* The fetch's reason, not the loader's "ended early". */
		snprintf(err, errsz, "%s", ferr);
		return (rc ? rc : frc);
	}
	return (rc);
}

int
load_path(store_t *st, const char *path, const struct load_opts *o,
    struct load_result *res, char *err, size_t errsz)
{
	struct stat sb;
	int fd, rc;

	memset(res, 0, sizeof(*res));
	if (fetch_is_url(path))
		return (load_url(st, path, o, res, err, errsz));
	if (strcmp(path, "-") == 0)
		fd = dup(STDIN_FILENO);
	else
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return (-errno);
	}
	if (fstat(fd, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		snprintf(err, errsz, "%s: is a directory", path);
		close(fd);
		return (-EISDIR);
	}
	rc = load_fd(st, fd, strcmp(path, "-") == 0 ? "stdin" : path, o, res,
	    err, errsz);
	close(fd);
	return (rc);
}

int
load_fd(store_t *st, int fd, const char *name, const struct load_opts *o,
    struct load_result *res, char *err, size_t errsz)
{
	struct loader L = { 0 };
	struct batch_opts bo = { 0 };
	char *pcopy = NULL, msg[768] = "";
	const char *fmt = o->format == LOAD_CSV ? "csv" :
	    o->format == LOAD_NDJSON ? "ndjson" : o->importer->i.format;
	struct stat sb;
	int rc;

	memset(res, 0, sizeof(*res));
	L.st = st;
	L.o = o;
	L.name = name;
	L.kd = schema_kind(o->kind);
	L.err = msg;
	L.errsz = sizeof(msg);
	L.res = res;
	L.org_col = schema_field_find(o->kind, "org", 3);
	L.by_col = schema_field_find(o->kind, "classified_by", 13);
	for (int c = 0; c < L.kd->nfields; c++)
		if (L.kd->fields[c].type == FT_PERSON)
			L.kind_persons = 1;
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode))
		L.total = (uint64_t)sb.st_size;
	if (o->source) {
		bo.source = o->source;
	} else {
		pcopy = strdup(L.name);
		bo.source = pcopy ? basename(pcopy) : L.name;
	}
	bo.replace = o->replace;
	bo.who = o->who;
	if (o->plugins && (rc = classify_open(o->plugins, o->rules, o->kind,
	    &L.cls, msg, sizeof(msg))) != 0) {
		snprintf(err, errsz, "classification: %s (placed check lists "
		    "plugins and rules; --no-classify loads as given)", msg);
		free(pcopy);
		return (rc);
	}
	if (L.cls && !classify_any(L.cls)) {
		classify_free(L.cls);
		L.cls = NULL;
	}
	L.supplier_col = schema_field_find(o->kind, "supplier", 8);
	L.transfer_col = schema_field_find(o->kind, "transfer", 8);
	L.transfer_to_col = schema_field_find(o->kind, "transfer_to", 11);
	if (o->partners && L.transfer_col >= 0 && L.supplier_col >= 0 &&
	    L.org_col >= 0) {
		if ((rc = partners_load_dir(o->partners, &L.parts, msg,
		    sizeof(msg))) != 0) {
			snprintf(err, errsz, "partners: %s", msg);
			classify_free(L.cls);
			free(pcopy);
			return (rc);
		}
		if (partners_count(L.parts) == 0) {
			partners_free(L.parts);
			L.parts = NULL;
		}
	}
	if ((rc = batch_begin(st, o->kind, &bo, &L.b, err, errsz)) != 0) {
		classify_free(L.cls);
		partners_free(L.parts);
		free(pcopy);
		return (rc);
	}
	/* How the bytes are read is part of what was loaded. */
	batch_hash(L.b, L.kd->name, strlen(L.kd->name) + 1);
	batch_hash(L.b, fmt, strlen(fmt) + 1);
	batch_hash(L.b, o->org ? o->org : "", o->org ? strlen(o->org) + 1 : 1);
	batch_hash(L.b, o->hashed ? "h" : "r", 1);
	if (o->hash_extra)
		batch_hash(L.b, o->hash_extra, o->nhash_extra);
	for (int i = 0; i < o->nmaps; i++)
		batch_hash(L.b, o->maps[i], strlen(o->maps[i]) + 1);
	for (int i = 0; i < o->nignores; i++) {
		batch_hash(L.b, "-", 1);
		batch_hash(L.b, o->ignores[i], strlen(o->ignores[i]) + 1);
	}
	clock_gettime(CLOCK_MONOTONIC, &L.t0);
	L.tlast = L.t0;

	rc = read_all(&L, fd);
	progress(&L, 1);
	res->blank = L.blank;
	if (rc == 0 && o->strict && L.shown > 0) {
		snprintf(msg, sizeof(msg), "%llu line%s rejected and --strict "
		    "is set", (unsigned long long)L.shown,
		    L.shown == 1 ? "" : "s");
		rc = -EINVAL;
	}
	if (rc == 0 && batch_rows(L.b) == 0 && L.shown > 0) {
		snprintf(msg, sizeof(msg), "every line was rejected");
		rc = -EINVAL;
	}
	if (rc != 0) {
		res->br.rejected = L.shown;
		batch_abort(L.b);
		snprintf(err, errsz, "%s: %s", L.name, msg);
	} else {
		rc = batch_commit(L.b, &res->br, err, errsz);
	}
	if (L.hdr)
		for (int i = 0; i < L.ncsv; i++)
			free(L.hdr[i]);
	free(L.hdr);
	free(pcopy);
	classify_free(L.cls);
	partners_free(L.parts);
	return (rc);
}
