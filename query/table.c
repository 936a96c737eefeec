/* table.c — result tables and their formats: table, CSV, JSON, NDJSON. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "table.h"
#include "value.h"

#define ARENA_BLOCK	65536

struct table *
table_new(int ncols)
{
	struct table *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return (NULL);
	t->ncols = ncols;
	if ((t->cols = calloc((size_t)(ncols ? ncols : 1),
	    sizeof(*t->cols))) == NULL) {
		free(t);
		return (NULL);
	}
	return (t);
}

void
table_free(struct table *t)
{
	if (t == NULL)
		return;
	for (int c = 0; c < t->ncols; c++)
		free(t->cols[c].name);
	for (size_t i = 0; i < t->narena; i++)
		free(t->arena[i]);
	free(t->arena);
	free(t->cols);
	free(t->cells);
	free(t);
}

int
table_set_col(struct table *t, int c, const char *name, enum vtype type)
{
	free(t->cols[c].name);
	if ((t->cols[c].name = strdup(name)) == NULL)
		return (-ENOMEM);
	t->cols[c].type = type;
	return (0);
}

int
table_copy_col(struct table *t, int c, const struct table *src, int sc)
{
	if (table_set_col(t, c, src->cols[sc].name, src->cols[sc].type) != 0)
		return (-ENOMEM);
	t->cols[c].dict = src->cols[sc].dict;
	t->cols[c].hidden = src->cols[sc].hidden;
	t->cols[c].key = src->cols[sc].key;
	t->cols[c].person = src->cols[sc].person;
	return (0);
}

int
table_hidden_col(const struct table *t, const char *name)
{
	for (int c = 0; c < t->ncols; c++)
		if (t->cols[c].hidden && strcmp(t->cols[c].name, name) == 0)
			return (c);
	return (-1);
}

struct value *
table_add_row(struct table *t)
{
	struct value *row;

	if (t->nrows == t->cap) {
		size_t nc = t->cap ? t->cap * 2 : 64;
		struct value *n = realloc(t->cells,
		    nc * (size_t)t->ncols * sizeof(*n));

		if (n == NULL)
			return (NULL);
		t->cells = n;
		t->cap = nc;
	}
	row = t->cells + t->nrows * (size_t)t->ncols;
	memset(row, 0, (size_t)t->ncols * sizeof(*row));
	t->nrows++;
	return (row);
}

struct value *
table_row(const struct table *t, size_t r)
{
	return (t->cells + r * (size_t)t->ncols);
}

const char *
table_strdup(struct table *t, const char *s, size_t n)
{
	char *p, **na;

	if (n + 1 > t->afree) {
		size_t sz = n + 1 > ARENA_BLOCK ? n + 1 : ARENA_BLOCK;

		if ((na = realloc(t->arena, (t->narena + 1) *
		    sizeof(*na))) == NULL)
			return (NULL);
		t->arena = na;
		if ((t->arena[t->narena] = malloc(sz)) == NULL)
			return (NULL);
		t->anext = t->arena[t->narena++];
		t->afree = sz;
	}
	p = t->anext;
	memcpy(p, s, n);
	p[n] = '\0';
	t->anext += n + 1;
	t->afree -= n + 1;
	return (p);
}

int
table_give_strings(struct table *src, struct table *dst)
{
	char **na;

	if (src->narena == 0)
		return (0);
	if ((na = realloc(dst->arena, (dst->narena + src->narena) *
	    sizeof(*na))) == NULL)
		return (-ENOMEM);
	/* dst keeps filling its own last block: put src's before it. */
	if (dst->narena > 0) {
		memmove(na + src->narena, na, dst->narena * sizeof(*na));
		memcpy(na, src->arena, src->narena * sizeof(*na));
	} else
		memcpy(na, src->arena, src->narena * sizeof(*na));
	dst->arena = na;
	dst->narena += src->narena;
	free(src->arena);
	src->arena = NULL;
	src->narena = 0;
	src->anext = NULL;
	src->afree = 0;
	return (0);
}

const char *
vtype_name(enum vtype t)
{
	static const char *names[] = { "null", "integer", "money", "date",
	    "number", "percent", "string", "boolean", "month", "quarter",
	    "fy" };

	return (names[t]);
}

size_t
value_text(const struct value *v, char *buf, size_t bufsz)
{
	int64_t i = v->i, y, q;

	switch (v->t) {
	case V_NULL:
		buf[0] = '\0';
		return (0);
	case V_INT:
		return ((size_t)snprintf(buf, bufsz, "%" PRId64, i));
	case V_MONEY:
		return (value_money_format(i, buf));
	case V_DATE:
		return (value_date_format((int32_t)i, buf));
	case V_NUM:
		return (value_num_format(i, buf));
	case V_PCT: {
		/* one decimal, half to even, like every rounding here */
		int64_t a = i < 0 ? -i : i, t = a / 1000, r = a % 1000;

		if (r > 500 || (r == 500 && (t & 1)))
			t++;
		t = i < 0 ? -t : t;

		return ((size_t)snprintf(buf, bufsz, "%s%" PRId64 ".%" PRId64,
		    t < 0 ? "-" : "", (t < 0 ? -t : t) / 10,
		    (t < 0 ? -t : t) % 10));
	}
	case V_STR:
		return ((size_t)snprintf(buf, bufsz, "%s", v->s ? v->s : ""));
	case V_BOOL:
		return ((size_t)snprintf(buf, bufsz, "%s", i ? "true" :
		    "false"));
	case V_MONTH:
		return ((size_t)snprintf(buf, bufsz, "%04" PRId64 "-%02" PRId64,
		    i / 12, i % 12 + 1));
	case V_QUARTER:
		y = i / 4;
		q = i % 4 + 1;
		return ((size_t)snprintf(buf, bufsz, "%04" PRId64 "-%02" PRId64
		    " Q%" PRId64, y, (y + 1) % 100, q));
	case V_FY:
		return ((size_t)snprintf(buf, bufsz, "%04" PRId64 "-%02" PRId64,
		    i, (i + 1) % 100));
	}
	buf[0] = '\0';
	return (0);
}

int
value_cmp(const struct value *a, const struct value *b)
{
	if (a->t == V_NULL || b->t == V_NULL)
		return ((a->t != V_NULL) - (b->t != V_NULL));
	if (a->t == V_STR && b->t == V_STR)
		return (strcmp(a->s ? a->s : "", b->s ? b->s : ""));
	return ((a->i > b->i) - (a->i < b->i));
}

int
out_format_parse(const char *s, enum out_format *f)
{
	static const char *names[] = { "table", "csv", "json", "ndjson" };

	for (int i = 0; i < 4; i++)
		if (strcmp(s, names[i]) == 0) {
			*f = (enum out_format)i;
			return (0);
		}
	return (-EINVAL);
}

static int
numeric(enum vtype t)
{
	return (t == V_INT || t == V_MONEY || t == V_NUM || t == V_PCT);
}

/* Money on a terminal: thousands separators. */
static size_t
pretty(const struct value *v, char *buf, size_t bufsz)
{
	char raw[64];
	size_t n = value_text(v, raw, sizeof(raw)), o = 0, digits, start;

	if (v->t != V_MONEY && v->t != V_INT)
		return ((size_t)snprintf(buf, bufsz, "%s", raw));
	start = raw[0] == '-';
	digits = strcspn(raw + start, ".");
	if (start)
		buf[o++] = '-';
	for (size_t i = 0; i < digits; i++) {
		if (i > 0 && (digits - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = raw[start + i];
	}
	memcpy(buf + o, raw + start + digits, n - start - digits + 1);
	return (o + n - start - digits);
}

static void
write_table(FILE *f, const struct table *t)
{
	size_t *w = calloc((size_t)t->ncols, sizeof(*w));
	char buf[4096];

	if (w == NULL)
		return;
	for (int c = 0; c < t->ncols; c++)
		w[c] = strlen(t->cols[c].name);
	for (size_t r = 0; r < t->nrows; r++)
		for (int c = 0; c < t->ncols; c++) {
			size_t n = pretty(&table_row(t, r)[c], buf,
			    sizeof(buf));

			if (n > w[c])
				w[c] = n > 60 ? 60 : n;
		}
	for (int c = 0; c < t->ncols; c++)
		fprintf(f, "%s%*s", c ? "  " : "", numeric(t->cols[c].type) ?
		    (int)w[c] : c + 1 < t->ncols ? -(int)w[c] : 0,
		    t->cols[c].name);
	fputc('\n', f);
	for (size_t r = 0; r < t->nrows; r++) {
		for (int c = 0; c < t->ncols; c++) {
			pretty(&table_row(t, r)[c], buf, sizeof(buf));
			if (strlen(buf) > 60)
				strcpy(buf + 57, "...");
			/* No padding after the last column. */
			fprintf(f, "%s%*s", c ? "  " : "",
			    numeric(t->cols[c].type) ? (int)w[c] :
			    c + 1 < t->ncols ? -(int)w[c] : 0, buf);
		}
		fputc('\n', f);
	}
	fprintf(f, "(%zu row%s)\n", t->nrows, t->nrows == 1 ? "" : "s");
	free(w);
}

static void
json_value(FILE *f, const struct value *v)
{
	char buf[4096];
	size_t n;

	if (v->t == V_NULL) {
		fputs("null", f);
		return;
	}
	n = value_text(v, buf, sizeof(buf));
	if (numeric(v->t) || v->t == V_BOOL)
		fwrite(buf, 1, n, f);
	else
		emit_json_str(f, v->t == V_STR && v->s ? v->s : buf,
		    v->t == V_STR && v->s ? strlen(v->s) : n);
}

static int write_visible(FILE *f, const struct table *t, enum out_format fmt,
    uint64_t data_version, double elapsed_ms);

/* Hidden columns (a row's support) are the query's, not the reader's:
 * the formats see a copy without them. */
int
table_write(FILE *f, const struct table *t, enum out_format fmt,
    uint64_t data_version, double elapsed_ms)
{
	struct table v = *t;
	int nv = 0, rc;

	for (int c = 0; c < t->ncols; c++)
		nv += !t->cols[c].hidden;
	if (nv == t->ncols)
		return (write_visible(f, t, fmt, data_version, elapsed_ms));
	v.ncols = nv;
	v.cols = calloc((size_t)nv + 1, sizeof(*v.cols));
	v.cells = malloc((t->nrows * (size_t)nv + 1) * sizeof(*v.cells));
	if (v.cols == NULL || v.cells == NULL) {
		free(v.cols);
		free(v.cells);
		return (-ENOMEM);
	}
	for (int c = 0, k = 0; c < t->ncols; c++)
		if (!t->cols[c].hidden)
			v.cols[k++] = t->cols[c];
	for (size_t r = 0; r < t->nrows; r++)
		for (int c = 0, k = 0; c < t->ncols; c++)
			if (!t->cols[c].hidden)
				v.cells[r * (size_t)nv + (size_t)k++] =
				    table_row(t, r)[c];
	rc = write_visible(f, &v, fmt, data_version, elapsed_ms);
	free(v.cols);
	free(v.cells);
	return (rc);
}

static int
write_visible(FILE *f, const struct table *t, enum out_format fmt,
    uint64_t data_version, double elapsed_ms)
{
	char buf[4096];

	switch (fmt) {
	case OUT_TABLE:
		write_table(f, t);
		break;
	case OUT_CSV:
		for (int c = 0; c < t->ncols; c++) {
			if (c)
				fputc(',', f);
			emit_csv(f, t->cols[c].name, strlen(t->cols[c].name));
		}
		fputc('\n', f);
		for (size_t r = 0; r < t->nrows; r++) {
			for (int c = 0; c < t->ncols; c++) {
				const struct value *v = &table_row(t, r)[c];
				size_t n = value_text(v, buf, sizeof(buf));

				if (c)
					fputc(',', f);
				if (v->t == V_STR && v->s)
					emit_csv(f, v->s, strlen(v->s));
				else
					emit_csv(f, buf, n);
			}
			fputc('\n', f);
		}
		break;
	case OUT_JSON:
		fputs("{\"columns\":[", f);
		for (int c = 0; c < t->ncols; c++) {
			fprintf(f, "%s{\"name\":", c ? "," : "");
			emit_json_str(f, t->cols[c].name,
			    strlen(t->cols[c].name));
			fprintf(f, ",\"type\":\"%s\"}",
			    vtype_name(t->cols[c].type));
		}
		fputs("],\"rows\":[", f);
		for (size_t r = 0; r < t->nrows; r++) {
			fputs(r ? ",[" : "[", f);
			for (int c = 0; c < t->ncols; c++) {
				if (c)
					fputc(',', f);
				json_value(f, &table_row(t, r)[c]);
			}
			fputc(']', f);
		}
		fprintf(f, "],\"meta\":{\"data_version\":%" PRIu64 ",\"rows\":"
		    "%zu,\"elapsed_ms\":%.3f,\"suppressed\":%" PRIu64 "}}\n",
		    data_version, t->nrows, elapsed_ms, t->suppressed);
		break;
	case OUT_NDJSON:
		for (size_t r = 0; r < t->nrows; r++) {
			fputc('{', f);
			for (int c = 0; c < t->ncols; c++) {
				if (c)
					fputc(',', f);
				emit_json_str(f, t->cols[c].name,
				    strlen(t->cols[c].name));
				fputc(':', f);
				json_value(f, &table_row(t, r)[c]);
			}
			fputs("}\n", f);
		}
		break;
	}
	return (ferror(f) ? -EIO : 0);
}
