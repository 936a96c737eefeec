/* questions.c — load saved questions, bind their parameters, describe
 * them as JSON. */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ast.h"
#include "lexer.h"
#include "parser.h"
#include "questions.h"
#include "value.h"

#define MAXFILE		(1u << 20)
#define MAXPARAMS	32

/* Parameter types: how each reads its text (the evaluator's own rules). */
static int
check_string(const char *s)
{
	(void)s;
	return (0);
}

static int
check_int(const char *s)
{
	int64_t x;

	return (value_num_parse(s, strlen(s), &x) != 0 || x % NUM_SCALE != 0 ?
	    -EINVAL : 0);
}

static int
check_money(const char *s)
{
	int64_t x;

	return (value_money_parse(s, strlen(s), &x));
}

/* Dates are ISO here, though PQL reads more: a URL is no spreadsheet. */
static int
check_date(const char *s)
{
	int32_t d;

	for (int i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : !isdigit((unsigned char)s[i]))
			return (-EINVAL);
	return (s[10] != '\0' ? -EINVAL : value_date_parse(s, 10, &d));
}

static int
check_period(const char *s)
{
	int32_t lo, hi;

	return (pql_text_period(s, &lo, &hi));
}

static int
check_duration(const char *s)
{
	int64_t d;

	return (pql_text_days(s, &d));
}

static int
check_percent(const char *s)
{
	int64_t v;

	return (pql_text_percent(s, &v));
}

static const struct ptype {
	const char	*name;
	int		(*check)(const char *);
	const char	*is_not;
} ptypes[] = {
	{ "string",	check_string,	"" },
	{ "int",	check_int,	"is not a whole number" },
	{ "money",	check_money,	"is not an amount (1234.56, £1,234.56)" },
	{ "date",	check_date,	"is not a date (YYYY-MM-DD)" },
	{ "period",	check_period,	"is not a period (fy2025, fy2025q3 or "
					"YYYY-MM-DD)" },
	{ "duration",	check_duration,	"is not a number of days (30d)" },
	{ "percent",	check_percent,	"is not a percentage (5%, 2.5)" },
};

#define NPTYPES	(sizeof(ptypes) / sizeof(ptypes[0]))

static const struct ptype *
find_ptype(const char *name)
{
	for (size_t i = 0; i < NPTYPES; i++)
		if (strcmp(ptypes[i].name, name) == 0)
			return (&ptypes[i]);
	return (NULL);
}

int
qparam_check(const char *type, const char *value, char *err, size_t errsz)
{
	const struct ptype *pt = find_ptype(type);

	if (pt == NULL) {
		snprintf(err, errsz, "unknown type \"%s\"", type);
		return (-EINVAL);
	}
	if (pt->check(value) != 0) {
		snprintf(err, errsz, "\"%s\" %s", value, pt->is_not);
		return (-EINVAL);
	}
	return (0);
}

/* Loading ----------------------------------------------------------- */

/* One file's reading: where errors go, and the lines of its params. */
struct reader {
	const char	*path;
	char		*err;
	size_t		errsz;
	int		plines[MAXPARAMS];
};

static int
rerr(struct reader *r, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
rerr(struct reader *r, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = line > 0 ? snprintf(r->err, r->errsz, "%s:%d: ", r->path, line) :
	    snprintf(r->err, r->errsz, "%s: ", r->path);
	if (n < 0 || (size_t)n >= r->errsz)
		return (-EINVAL);
	va_start(ap, fmt);
	vsnprintf(r->err + n, r->errsz - (size_t)n, fmt, ap);
	va_end(ap);
	return (-EINVAL);
}

static void
question_clear(struct question *q)
{
	for (int i = 0; i < q->nparams; i++) {
		free(q->params[i].name);
		free(q->params[i].type);
		free(q->params[i].def);
		free(q->params[i].desc);
	}
	free(q->params);
	free(q->name);
	free(q->title);
	free(q->handbook);
	free(q->text);
	free(q->path);
	memset(q, 0, sizeof(*q));
}

static int
valid_name(const char *s, size_t n, int param)
{
	if (n == 0)
		return (0);
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!(islower((unsigned char)c) || c == '_' ||
		    (isdigit((unsigned char)c) && (i > 0 || !param)) ||
		    (c == '-' && !param)))
			return (0);
	}
	return (1);
}

static const char *
skip_blank(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return (s);
}

/* A word up to a blank: its length. */
static size_t
word_len(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0' && s[n] != ' ' && s[n] != '\t')
		n++;
	return (n);
}

/*
 * param = "param" NAME TYPE DEFAULT DESCRIPTION
 * DEFAULT = "required" | '"' { char | '\"' | '\\' } '"' | WORD
 */
static int
read_param(struct reader *r, int line, const char *s, struct question *q)
{
	struct qparam p = { 0 };
	char why[256], *d = NULL;
	size_t n;
	int rc = -ENOMEM;

	if (q->nparams == MAXPARAMS)
		return (rerr(r, line, "more than %d parameters", MAXPARAMS));
	s = skip_blank(s);
	n = word_len(s);
	if (!valid_name(s, n, 1))
		return (rerr(r, line, "param wants a name ([a-z_][a-z0-9_]*), "
		    "then a type, a default and a description, not \"%.*s\"",
		    (int)n, s));
	for (int i = 0; i < q->nparams; i++)
		if (strlen(q->params[i].name) == n &&
		    strncmp(q->params[i].name, s, n) == 0)
			return (rerr(r, line, "param %.*s is declared twice "
			    "(first on line %d)", (int)n, s, r->plines[i]));
	if ((p.name = strndup(s, n)) == NULL)
		goto fail;
	s = skip_blank(s + n);
	n = word_len(s);
	if ((p.type = strndup(s, n)) == NULL)
		goto fail;
	if (find_ptype(p.type) == NULL) {
		rc = rerr(r, line, "param %s: unknown type \"%s\" (string, "
		    "int, money, date, period, duration, percent)", p.name,
		    p.type);
		goto fail;
	}
	s = skip_blank(s + n);
	if (*s == '"') {
		size_t k = 0;

		if ((d = malloc(strlen(s))) == NULL)
			goto fail;
		for (s++; *s != '"'; s++) {
			if (*s == '\0') {
				rc = rerr(r, line, "param %s: the default's "
				    "quotes are not closed", p.name);
				goto fail;
			}
			if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
				s++;
			d[k++] = *s;
		}
		d[k] = '\0';
		s++;
		if (*s != '\0' && *s != ' ' && *s != '\t') {
			rc = rerr(r, line, "param %s: a blank must follow the "
			    "default's closing quote", p.name);
			goto fail;
		}
		p.def = d;
		d = NULL;
	} else {
		n = word_len(s);
		if (n == 0) {
			rc = rerr(r, line, "param %s: no default (give one, "
			    "\"\" for empty, or the word required)", p.name);
			goto fail;
		}
		if (!(n == 8 && strncmp(s, "required", 8) == 0) &&
		    (p.def = strndup(s, n)) == NULL)
			goto fail;
		s += n;
	}
	if (p.def && qparam_check(p.type, p.def, why, sizeof(why)) != 0) {
		rc = rerr(r, line, "param %s: default %s", p.name, why);
		goto fail;
	}
	s = skip_blank(s);
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	if (n == 0) {
		rc = rerr(r, line, "param %s: no description after the "
		    "default", p.name);
		goto fail;
	}
	if ((p.desc = strndup(s, n)) == NULL)
		goto fail;
	{
		struct qparam *v = realloc(q->params,
		    (size_t)(q->nparams + 1) * sizeof(*v));

		if (v == NULL)
			goto fail;
		q->params = v;
	}
	r->plines[q->nparams] = line;
	q->params[q->nparams++] = p;
	return (0);
fail:
	if (rc == -ENOMEM)
		rerr(r, line, "out of memory");
	free(d);
	free(p.name);
	free(p.type);
	free(p.def);
	free(p.desc);
	return (rc);
}

/* field = "title" | "handbook" ":" TEXT */
static int
read_field(struct reader *r, int line, const char *key, size_t klen,
    const char *val, struct question *q)
{
	char **to;
	size_t n;

	if (klen == 5 && strncmp(key, "title", 5) == 0)
		to = &q->title;
	else if (klen == 8 && strncmp(key, "handbook", 8) == 0)
		to = &q->handbook;
	else
		return (rerr(r, line, "unknown header field \"%.*s\" (title, "
		    "handbook, param)", (int)klen, key));
	if (*to != NULL)
		return (rerr(r, line, "%.*s given twice", (int)klen, key));
	val = skip_blank(val);
	n = strlen(val);
	while (n > 0 && isspace((unsigned char)val[n - 1]))
		n--;
	if (n == 0)
		return (rerr(r, line, "%.*s is empty", (int)klen, key));
	if ((*to = strndup(val, n)) == NULL)
		return (rerr(r, line, "out of memory"));
	return (0);
}

/*
 * One header line, the "#" gone:
 * header = "title:" TEXT | "handbook:" TEXT | param | other prose
 */
static int
read_header(struct reader *r, int line, const char *s, struct question *q)
{
	size_t n;

	s = skip_blank(s);
	if (strncmp(s, "param", 5) == 0 && (s[5] == ' ' || s[5] == '\t'))
		return (read_param(r, line, s + 5, q));
	for (n = 0; islower((unsigned char)s[n]); n++)
		;
	if (n > 0 && s[n] == ':')
		return (read_field(r, line, s, n, s + n + 1, q));
	return (0);		/* prose for whoever reads the file */
}

/* A PQL error "line L, column C: msg\n…" as "PATH:LINE: msg\n…". */
static int
pql_err(struct reader *r, int line0, const char *e)
{
	int l, c, k = 0;

	if (sscanf(e, "line %d, column %d: %n", &l, &c, &k) == 2 && k > 0)
		return (rerr(r, line0 + l - 1, "column %d: %s", c, e + k));
	return (rerr(r, line0, "%s", e));
}

/* Every $name the query uses is declared; every declared one is used. */
static int
check_uses(struct reader *r, int line0, struct question *q)
{
	struct lexer lx;
	struct token t = { 0 };
	char lerr[512];
	int used[MAXPARAMS] = { 0 }, rc = 0, line, col;
	size_t len = strlen(q->text);

	lex_init(&lx, q->text, len, lerr, sizeof(lerr));
	while (rc == 0 && lex_next(&lx, &t) == 0 && t.t != T_EOF) {
		if (t.t == T_PARAM) {
			int i;

			for (i = 0; i < q->nparams; i++)
				if (strcmp(q->params[i].name, t.s) == 0)
					break;
			if (i < q->nparams) {
				used[i] = 1;
			} else {
				pql_where(q->text, len, t.off, &line, &col);
				rc = rerr(r, line0 + line - 1, "column %d: $%s "
				    "is not declared (add \"# param %s TYPE "
				    "DEFAULT DESCRIPTION\")", col, t.s, t.s);
			}
		}
		free(t.s);
		t.s = NULL;
	}
	free(t.s);
	for (int i = 0; rc == 0 && i < q->nparams; i++)
		if (!used[i])
			rc = rerr(r, r->plines[i], "param %s is declared but "
			    "the query never uses $%s", q->params[i].name,
			    q->params[i].name);
	return (rc);
}

/* file = { "#" header | blank } PQL */
static int
read_question(struct reader *r, const char *buf, struct question *q)
{
	const char *s = buf, *nl;
	char line[4096], perr[4096];
	struct query ast;
	int ln = 1, rc;

	for (;; ln++) {
		const char *t = skip_blank(s);
		size_t n;

		nl = strchr(s, '\n');
		n = nl ? (size_t)(nl - s) : strlen(s);
		if (*t != '#' && *t != '\n' && *t != '\r' && *t != '\0')
			break;
		if (*t == '#') {
			n -= (size_t)(t + 1 - s);
			if (n >= sizeof(line))
				return (rerr(r, ln, "header line too long"));
			memcpy(line, t + 1, n);
			line[n] = '\0';
			if (n > 0 && line[n - 1] == '\r')
				line[n - 1] = '\0';
			if ((rc = read_header(r, ln, line, q)) != 0)
				return (rc);
		}
		if (nl == NULL) {
			s += n;
			break;
		}
		s = nl + 1;
	}
	if (q->title == NULL)
		return (rerr(r, 1, "no \"# title:\" line in the header"));
	if (*s == '\0')
		return (rerr(r, ln, "no query after the header"));
	if ((q->text = strdup(s)) == NULL)
		return (rerr(r, ln, "out of memory"));
	if (pql_parse(q->text, strlen(q->text), &ast, perr, sizeof(perr)) != 0)
		return (pql_err(r, ln, perr));
	ast_free(&ast);
	return (check_uses(r, ln, q));
}

static char *
read_file(struct reader *r)
{
	FILE *f = fopen(r->path, "r");
	char *buf;
	size_t n;

	if (f == NULL) {
		rerr(r, 0, "%s", strerror(errno));
		return (NULL);
	}
	if ((buf = malloc(MAXFILE + 1)) == NULL) {
		fclose(f);
		rerr(r, 0, "out of memory");
		return (NULL);
	}
	n = fread(buf, 1, MAXFILE + 1, f);
	if (ferror(f) || n > MAXFILE || memchr(buf, '\0', n) != NULL) {
		rerr(r, 0, ferror(f) ? "cannot read" : n > MAXFILE ?
		    "longer than %u bytes" : "a NUL byte: not text", MAXFILE);
		fclose(f);
		free(buf);
		return (NULL);
	}
	fclose(f);
	buf[n] = '\0';
	return (buf);
}

static int
load_one(const char *dir, const char *file, struct question *q, char *err,
    size_t errsz)
{
	struct reader r = { .err = err, .errsz = errsz };
	size_t n = strlen(file) - 4;
	char *buf;
	int rc;

	memset(q, 0, sizeof(*q));
	if (asprintf(&q->path, "%s/%s", dir, file) < 0) {
		q->path = NULL;
		snprintf(err, errsz, "out of memory");
		return (-ENOMEM);
	}
	r.path = q->path;
	if (!valid_name(file, n, 0))
		return (rerr(&r, 0, "a question's name is its file name "
		    "before .pql, made of a-z, 0-9, _ and -"));
	if ((q->name = strndup(file, n)) == NULL)
		return (rerr(&r, 0, "out of memory"));
	if ((buf = read_file(&r)) == NULL)
		return (-EINVAL);
	rc = read_question(&r, buf, q);
	free(buf);
	return (rc);
}

static int
by_name(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

static int
by_qname(const void *a, const void *b)
{
	return (strcmp(((const struct question *)a)->name,
	    ((const struct question *)b)->name));
}

int
questions_load(const char *dir, struct questions *out, char *err,
    size_t errsz)
{
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;

	out->v = NULL;
	out->n = 0;
	if ((d = opendir(dir)) == NULL) {
		rc = -errno;
		snprintf(err, errsz, "%s: %s", dir, strerror(errno));
		return (rc);
	}
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);

		if (de->d_name[0] == '.' || len <= 4 ||
		    strcmp(de->d_name + len - 4, ".pql") != 0)
			continue;
		if (n == cap) {
			char **v = realloc(names, (cap = cap ? 2 * cap : 32) *
			    sizeof(*v));

			if (v == NULL)
				goto nomem;
			names = v;
		}
		if ((names[n] = strdup(de->d_name)) == NULL)
			goto nomem;
		n++;
	}
	closedir(d);
	d = NULL;
	if (n > 1)
		qsort(names, n, sizeof(*names), by_name);
	if (n > 0 && (out->v = calloc(n, sizeof(*out->v))) == NULL)
		goto nomem;
	for (size_t i = 0; i < n; i++) {
		rc = load_one(dir, names[i], &out->v[i], err, errsz);
		out->n = i + 1;
		if (rc != 0)
			break;
	}
	/* "a-b.pql" sorts before "a.pql", but "a" before "a-b". */
	if (rc == 0 && out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), by_qname);
	goto done;
nomem:
	snprintf(err, errsz, "%s: out of memory", dir);
	rc = -ENOMEM;
done:
	if (d)
		closedir(d);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (rc != 0)
		questions_free(out);
	return (rc);
}

void
questions_free(struct questions *qs)
{
	for (size_t i = 0; i < qs->n; i++)
		question_clear(&qs->v[i]);
	free(qs->v);
	qs->v = NULL;
	qs->n = 0;
}

static int
cmp_find(const void *key, const void *elt)
{
	return (strcmp(key, ((const struct question *)elt)->name));
}

const struct question *
questions_find(const struct questions *qs, const char *name)
{
	if (qs->n == 0)
		return (NULL);
	return (bsearch(name, qs->v, qs->n, sizeof(*qs->v), cmp_find));
}

/* Binding ----------------------------------------------------------- */

int
question_bind(const struct question *q, const struct pql_param *given,
    int ngiven, struct pql_param *out, int max, char *err, size_t errsz)
{
	char why[256];
	int i, j;

	for (i = 0; i < ngiven; i++) {
		for (j = 0; j < q->nparams; j++)
			if (strcmp(q->params[j].name, given[i].name) == 0)
				break;
		if (j == q->nparams) {
			int n = snprintf(err, errsz, "%s: unknown parameter "
			    "\"%s\"", q->name, given[i].name);

			for (j = 0; j < q->nparams && n >= 0 &&
			    (size_t)n < errsz; j++)
				n += snprintf(err + n, errsz - (size_t)n,
				    "%s%s", j ? ", " : " (it takes ",
				    q->params[j].name);
			if (n >= 0 && (size_t)n < errsz)
				snprintf(err + n, errsz - (size_t)n, "%s",
				    q->nparams ? ")" : " (it takes none)");
			return (-EINVAL);
		}
		for (int k = 0; k < i; k++)
			if (strcmp(given[k].name, given[i].name) == 0) {
				snprintf(err, errsz, "%s: parameter %s given "
				    "twice", q->name, given[i].name);
				return (-EINVAL);
			}
		if (qparam_check(q->params[j].type, given[i].value, why,
		    sizeof(why)) != 0) {
			snprintf(err, errsz, "%s: parameter %s: %s", q->name,
			    given[i].name, why);
			return (-EINVAL);
		}
	}
	if (q->nparams > max) {
		snprintf(err, errsz, "%s: more than %d parameters", q->name,
		    max);
		return (-ENOSPC);
	}
	for (j = 0; j < q->nparams; j++) {
		const struct qparam *p = &q->params[j];

		out[j].name = p->name;
		out[j].value = p->def;
		for (i = 0; i < ngiven; i++)
			if (strcmp(given[i].name, p->name) == 0)
				out[j].value = given[i].value;
		if (out[j].value == NULL) {
			snprintf(err, errsz, "%s: parameter %s is required "
			    "(%s: %s)", q->name, p->name, p->type, p->desc);
			return (-EINVAL);
		}
	}
	return (q->nparams);
}

/* JSON -------------------------------------------------------------- */

static json_t *
question_obj(const struct question *q)
{
	json_t *o = json_object(), *ps = json_array();

	if (o == NULL || ps == NULL)
		goto fail;
	for (int i = 0; i < q->nparams; i++) {
		const struct qparam *p = &q->params[i];
		json_t *po = json_pack("{s:s, s:s, s:o, s:b, s:s}",
		    "name", p->name, "type", p->type,
		    "default", p->def ? json_string(p->def) : json_null(),
		    "required", p->def == NULL, "description", p->desc);

		if (po == NULL || json_array_append_new(ps, po) != 0)
			goto fail;
	}
	if (json_object_set_new(o, "name", json_string(q->name)) != 0 ||
	    json_object_set_new(o, "title", json_string(q->title)) != 0 ||
	    json_object_set_new(o, "handbook", q->handbook ?
	    json_string(q->handbook) : json_null()) != 0)
		goto fail;
	/* json_object_set_new() takes ps even when it fails. */
	if (json_object_set_new(o, "params", ps) != 0) {
		json_decref(o);
		return (NULL);
	}
	if (json_object_set_new(o, "pql", json_string(q->text)) != 0) {
		json_decref(o);
		return (NULL);
	}
	return (o);
fail:
	json_decref(ps);
	json_decref(o);
	return (NULL);
}

static char *
dump(json_t *o)
{
	char *s = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;

	json_decref(o);
	return (s);
}

char *
question_json(const struct question *q)
{
	return (dump(question_obj(q)));
}

char *
questions_json(const struct questions *qs)
{
	json_t *a = json_array(), *o;

	if (a == NULL)
		return (NULL);
	for (size_t i = 0; i < qs->n; i++)
		if ((o = question_obj(&qs->v[i])) == NULL ||
		    json_array_append_new(a, o) != 0) {
			json_decref(a);
			return (NULL);
		}
	return (dump(json_pack("{s:o}", "questions", a)));
}
