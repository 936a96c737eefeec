/*
 * jsonin.c — whole-file JSON for importers, numbers kept as text, and
 * records built from it.
 *
 * jansson hands numbers back as long long or double, and a double turns
 * 0.1 + 0.2 into 0.30000000000000004 and loses pence past 2^53.  So the
 * file is parsed twice: once as it is, which validates it and places any
 * error exactly, then with every number token rewritten as a string of
 * its own text, which is the tree the importer reads.  A number is only
 * ever a value in valid JSON, so the rewrite of a valid file is valid and
 * has the same shape.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonin.h"

#define ISDIGIT(c)	((c) >= '0' && (c) <= '9')
#define ISBLANK(c)	((c) == ' ' || (c) == '\t' || (c) == '\n' || \
			    (c) == '\r')

int
jsonin_feed(struct jsonin *j, const char *p, size_t n, char *err,
    size_t errsz)
{
	size_t cap;
	char *b;

	if (n > JSONIN_MAX - j->len) {
		snprintf(err, errsz, "file larger than %zu MiB: JSON is read "
		    "whole, so not loaded", JSONIN_MAX >> 20);
		return (-1);
	}
	if (j->len + n > j->cap) {
		cap = j->cap ? j->cap : 65536;
		while (cap < j->len + n)
			cap = cap > JSONIN_MAX / 2 ? JSONIN_MAX : cap * 2;
		if ((b = realloc(j->buf, cap)) == NULL) {
			snprintf(err, errsz, "out of memory");
			return (-1);
		}
		j->buf = b;
		j->cap = cap;
	}
	memcpy(j->buf + j->len, p, n);
	j->len += n;
	return (0);
}

void
jsonin_free(struct jsonin *j)
{
	free(j->buf);
	memset(j, 0, sizeof(*j));
}

/*
 * number = [ "-" ] ( "0" | digit1-9 { digit } ) [ "." digit { digit } ]
 *          [ ( "e" | "E" ) [ "+" | "-" ] digit { digit } ]
 * Its length at p, or 0 when p starts no valid number.
 */
static size_t
number_len(const char *p, const char *e)
{
	const char *s = p;

	if (p < e && *p == '-')
		p++;
	if (p == e || !ISDIGIT(*p))
		return (0);
	if (*p == '0')
		p++;
	else
		while (p < e && ISDIGIT(*p))
			p++;
	if (p < e && *p == '.') {
		if (++p == e || !ISDIGIT(*p))
			return (0);
		while (p < e && ISDIGIT(*p))
			p++;
	}
	if (p < e && (*p == 'e' || *p == 'E')) {
		if (++p < e && (*p == '+' || *p == '-'))
			p++;
		if (p == e || !ISDIGIT(*p))
			return (0);
		while (p < e && ISDIGIT(*p))
			p++;
	}
	return ((size_t)(p - s));
}

/*
 * Copy [p, e) to out with each number outside strings quoted; with out
 * NULL only count.  The output's length, or 0 on a malformed number
 * (which the first parse has already refused).
 */
static size_t
quote_numbers(const char *p, const char *e, char *out)
{
	size_t n = 0, len;
	int instr = 0;

	while (p < e) {
		if (instr) {
			if (*p == '\\' && p + 1 < e) {
				if (out)
					out[n] = *p;
				n++;
				p++;
			} else if (*p == '"')
				instr = 0;
		} else if (*p == '"')
			instr = 1;
		else if (*p == '-' || ISDIGIT(*p)) {
			if ((len = number_len(p, e)) == 0)
				return (0);
			if (out) {
				out[n] = '"';
				memcpy(out + n + 1, p, len);
				out[n + 1 + len] = '"';
			}
			n += len + 2;
			p += len;
			continue;
		}
		if (out)
			out[n] = *p;
		n++;
		p++;
	}
	return (n);
}

json_t *
jsonin_load(struct jsonin *j, char *err, size_t errsz)
{
	const char *p = j->buf ? j->buf : "", *e = p + j->len;
	json_error_t je;
	json_t *root;
	size_t n;
	char *q;

	if (e - p >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	if ((root = json_loadb(p, (size_t)(e - p), 0, &je)) == NULL) {
		snprintf(err, errsz, "invalid JSON at line %d, column %d: %s",
		    je.line, je.column, je.text);
		return (NULL);
	}
	json_decref(root);
	if ((n = quote_numbers(p, e, NULL)) == 0) {
		snprintf(err, errsz, "numbers as text: a bad number (a bug)");
		return (NULL);
	}
	if ((q = malloc(n)) == NULL) {
		snprintf(err, errsz, "out of memory");
		return (NULL);
	}
	quote_numbers(p, e, q);
	root = json_loadb(q, n, 0, &je);
	free(q);
	if (root == NULL)
		snprintf(err, errsz, "numbers as text: %s (a bug)", je.text);
	return (root);
}

json_t *
jsonin_first(json_t *v)
{
	if (json_is_array(v))
		v = json_array_get(v, 0);
	return (json_is_object(v) ? v : NULL);
}

const char *
jsonin_str(json_t *o, const char *key)
{
	const char *s;

	if (!json_is_object(o) ||
	    (s = json_string_value(json_object_get(o, key))) == NULL)
		return (NULL);
	for (const char *p = s; *p; p++)
		if (!ISBLANK(*p))
			return (s);
	return (NULL);
}

int
jsonin_rec_take(struct jsonin_rec *r, const char *name, char *v)
{
	size_t n;
	char *p;

	if (v == NULL)
		return (0);
	for (p = v; ISBLANK(*p); p++)
		;
	n = strlen(p);
	while (n > 0 && ISBLANK(p[n - 1]))
		n--;
	memmove(v, p, n);
	v[n] = '\0';
	if (n == 0) {
		free(v);
		return (0);
	}
	if (r->n == JSONIN_MAXF) {
		free(v);
		return (-1);
	}
	r->names[r->n] = name;
	r->values[r->n++] = v;
	return (0);
}

int
jsonin_rec_set(struct jsonin_rec *r, const char *name, const char *v)
{
	char *c;

	if (v == NULL)
		return (0);
	if ((c = strdup(v)) == NULL)
		return (-1);
	return (jsonin_rec_take(r, name, c));
}

int
jsonin_rec_emit(const struct jsonin_rec *r, const char *kind, uint64_t line,
    placed_emit_fn emit, void *sink)
{
	struct placed_record rec = {
		.kind = kind,
		.nfields = r->n,
		.names = r->names,
		.values = (const char *const *)r->values,
		.line = line,
	};

	return (emit(sink, &rec));
}

void
jsonin_rec_clear(struct jsonin_rec *r)
{
	for (int i = 0; i < r->n; i++)
		free(r->values[i]);
	r->n = 0;
}

void
jsonin_skip(const struct placed_host_api *api, void *sink, uint64_t line,
    const char *fmt, ...)
{
	char why[256];
	va_list ap;

	if (api->size < offsetof(struct placed_host_api, skip) +
	    sizeof(api->skip) || api->skip == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	api->skip(sink, line, why);
}

void *
jsonin_imp_open(const char *kind, const char *want, const char *what,
    char *err, size_t errsz)
{
	struct jsonin *j;

	if (strcmp(kind, want) != 0) {
		snprintf(err, errsz, "%s load as %s, not %s", what, want, kind);
		return (NULL);
	}
	if ((j = calloc(1, sizeof(*j))) == NULL)
		snprintf(err, errsz, "out of memory");
	return (j);
}

int
jsonin_imp_feed(void *ctx, const char *buf, size_t n, placed_emit_fn emit,
    void *sink, char *err, size_t errsz)
{
	(void)emit;
	(void)sink;
	return (jsonin_feed(ctx, buf, n, err, errsz));
}

void
jsonin_imp_close(void *ctx)
{
	jsonin_free(ctx);
	free(ctx);
}

int
jsonin_emit_all(const struct placed_host_api *api, json_t *list,
    const char *kind, jsonin_item_fn fn, void *arg, placed_emit_fn emit,
    void *sink, char *err, size_t errsz)
{
	struct jsonin_rec r = { .n = 0 };
	const char *skip;
	char why[128];
	json_t *it;
	size_t i;
	int rc = 0, oom;

	json_array_foreach(list, i, it) {
		oom = 0;
		skip = fn(arg, it, i + 1, &r, why, sizeof(why), &oom);
		if (oom) {
			snprintf(err, errsz, "out of memory");
			rc = -1;
		} else if (skip != NULL)
			jsonin_skip(api, sink, i + 1, "%s", skip);
		else if (jsonin_rec_emit(&r, kind, i + 1, emit, sink) != 0)
			rc = 1;		/* the host says stop */
		jsonin_rec_clear(&r);
		if (rc != 0)
			break;
	}
	return (rc);
}
