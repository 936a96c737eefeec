/* scheme.c — read prevention schemes from NAME.scheme files (see
 * scheme.h and etc/prevention/README.md). */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scheme.h"

#define PREV_MAXFILE	(1024 * 1024)
#define PREV_MAXCODE	32
#define EM_DASH		"\xe2\x80\x94"	/* "—", 3 bytes */

enum key { K_NAME, K_TITLE, K_SOURCE, K_PROVISIONAL, NKEYS };
static const char *const keys[NKEYS] = { "name", "title", "source",
    "provisional" };

struct pctx {
	const char	*file;
	char		*err;
	size_t		errsz;
	char		*val[NKEYS];
	unsigned	kline[NKEYS];
};

static int
perr(struct pctx *c, unsigned line, const char *fmt, ...)
{
	va_list ap;
	int o;

	o = snprintf(c->err, c->errsz, "%s:%u: ", c->file, line);
	if (o >= 0 && (size_t)o < c->errsz) {
		va_start(ap, fmt);
		vsnprintf(c->err + o, c->errsz - (size_t)o, fmt, ap);
		va_end(ap);
	}
	return (-EINVAL);
}

static int
is_blank(char ch)
{
	return (ch == ' ' || ch == '\t');
}

/* [a-z][a-z0-9_-]* of at most PREV_MAXCODE bytes. */
static int
ident_ok(const char *s, size_t n)
{
	if (n == 0 || n > PREV_MAXCODE || !(s[0] >= 'a' && s[0] <= 'z'))
		return (0);
	for (size_t i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '_'))
			return (0);
	return (1);
}

static char *
dupn(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d != NULL) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return (d);
}

/* *dst + " " + s[0..n), or s alone when *dst is empty. */
static int
append(char **dst, const char *s, size_t n)
{
	size_t o = strlen(*dst);
	char *d = realloc(*dst, o + 1 + n + 1);

	if (d == NULL)
		return (-ENOMEM);
	if (o > 0)
		d[o++] = ' ';
	memcpy(d + o, s, n);
	d[o + n] = '\0';
	*dst = d;
	return (0);
}

static void
trim(const char **s, const char **e)
{
	while (*s < *e && is_blank(**s))
		(*s)++;
	while (*e > *s && is_blank((*e)[-1]))
		(*e)--;
}

/* "KEY = VALUE": the key is at s, the line ends at e. */
static int
parse_setting(struct pctx *c, unsigned line, const char *s, const char *e,
    char ***cont)
{
	const char *k = s, *v;
	int i;

	while (s < e && ((*s >= 'a' && *s <= 'z') || *s == '_'))
		s++;
	v = s;
	while (v < e && is_blank(*v))
		v++;
	if (s == k || v == e || *v != '=')
		return (perr(c, line, "expected \"KEY = VALUE\" or "
		    "\"level CODE TITLE\""));
	for (i = 0; i < NKEYS; i++)
		if (strlen(keys[i]) == (size_t)(s - k) &&
		    memcmp(keys[i], k, (size_t)(s - k)) == 0)
			break;
	if (i == NKEYS)
		return (perr(c, line, "unknown setting \"%.*s\"", (int)(s - k),
		    k));
	if (c->val[i] != NULL)
		return (perr(c, line, "duplicate setting \"%s\" (first on line "
		    "%u)", keys[i], c->kline[i]));
	v++;
	trim(&v, &e);
	if ((c->val[i] = dupn(v, (size_t)(e - v))) == NULL)
		return (-ENOMEM);
	c->kline[i] = line;
	*cont = &c->val[i];
	return (0);
}

/* "level CODE TEXT": s is after "level" and its blank. */
static int
parse_level(struct pctx *c, struct prev_scheme *sc, unsigned line,
    const char *s, const char *e, char ***cont)
{
	struct prev_level *l;
	const char *code;
	size_t n;

	while (s < e && is_blank(*s))
		s++;
	code = s;
	while (s < e && !is_blank(*s))
		s++;
	n = (size_t)(s - code);
	if (n == 0)
		return (perr(c, line, "expected a code after \"level\""));
	if (!ident_ok(code, n))
		return (perr(c, line, "bad level code \"%.*s\": lower-case "
		    "letters, digits, - and _, at most %d", (int)n, code,
		    PREV_MAXCODE));
	for (size_t i = 0; i < sc->nlevels; i++)
		if (strlen(sc->levels[i].code) == n &&
		    memcmp(sc->levels[i].code, code, n) == 0)
			return (perr(c, line, "duplicate level \"%.*s\" "
			    "(first on line %u)", (int)n, code,
			    sc->levels[i].line));
	if (sc->nlevels == PREV_MAXLEVELS)
		return (perr(c, line, "more than %d levels", PREV_MAXLEVELS));
	l = &sc->levels[sc->nlevels];
	trim(&s, &e);
	if ((l->code = dupn(code, n)) == NULL ||
	    (l->title = dupn(s, (size_t)(e - s))) == NULL)
		return (-ENOMEM);
	l->line = line;
	sc->nlevels++;
	*cont = &l->title;
	return (0);
}

/* Split each level's text at " — " into title and definition. */
static int
split_levels(struct pctx *c, struct prev_scheme *sc)
{
	for (size_t i = 0; i < sc->nlevels; i++) {
		struct prev_level *l = &sc->levels[i];
		char *t = l->title, *dash = t, *d = NULL;

		/* The first em dash standing alone between blanks or ends. */
		while ((dash = strstr(dash, EM_DASH)) != NULL) {
			if ((dash == t || is_blank(dash[-1])) &&
			    (dash[3] == '\0' || is_blank(dash[3])))
				break;
			dash += 3;
		}
		if (dash != NULL) {
			d = dash + 3;
			while (is_blank(*d))
				d++;
			while (dash > t && is_blank(dash[-1]))
				dash--;
		}
		l->definition = strdup(d != NULL ? d : "");
		if (dash != NULL)
			*dash = '\0';
		if (l->definition == NULL)
			return (-ENOMEM);
		if (l->title[0] == '\0')
			return (perr(c, l->line, "level \"%s\" needs a title",
			    l->code));
		sc->codes[i] = l->code;
		sc->pcodes[i].code = l->code;
		sc->pcodes[i].parent = NULL;
		sc->pcodes[i].title = l->title;
	}
	sc->codes[sc->nlevels] = NULL;
	return (0);
}

/* The settings, once the whole file is read; eof is its last line. */
static int
check_settings(struct pctx *c, struct prev_scheme *sc, const char *stem,
    unsigned eof)
{
	const char *p;

	for (int i = 0; i < NKEYS; i++) {
		if (c->val[i] == NULL)
			return (perr(c, eof, "no \"%s = ...\" setting",
			    keys[i]));
		if (c->val[i][0] == '\0')
			return (perr(c, c->kline[i], "empty \"%s\"", keys[i]));
	}
	p = c->val[K_NAME];
	if (!ident_ok(p, strlen(p)))
		return (perr(c, c->kline[K_NAME], "bad name \"%s\": lower-case "
		    "letters, digits, - and _, at most %d", p, PREV_MAXCODE));
	if (stem != NULL && strcmp(p, stem) != 0)
		return (perr(c, c->kline[K_NAME], "name \"%s\" does not match "
		    "the file's name (%s.scheme)", p, stem));
	p = c->val[K_PROVISIONAL];
	if (strcmp(p, "yes") == 0)
		sc->provisional = 1;
	else if (strcmp(p, "no") == 0)
		sc->provisional = 0;
	else
		return (perr(c, c->kline[K_PROVISIONAL], "provisional is yes "
		    "or no, not \"%s\"", p));
	if (sc->nlevels < 2)
		return (perr(c, eof, "a scheme needs at least two levels"));
	sc->name = c->val[K_NAME];
	sc->title = c->val[K_TITLE];
	sc->source = c->val[K_SOURCE];
	c->val[K_NAME] = c->val[K_TITLE] = c->val[K_SOURCE] = NULL;
	return (0);
}

int
prev_scheme_parse(const char *file, const char *stem, const char *text,
    size_t n, struct prev_scheme **out, char *err, size_t errsz)
{
	struct pctx c = { .file = file, .err = err, .errsz = errsz };
	struct prev_scheme *sc;
	const char *p = text, *end = text + n, *nul = memchr(text, '\0', n);
	char **cont = NULL;
	unsigned line = 0;
	int rc = 0;

	if ((sc = calloc(1, sizeof(*sc))) == NULL)
		return (-ENOMEM);
	while (rc == 0 && p < end) {
		const char *e = memchr(p, '\n', (size_t)(end - p)), *s;

		if (e == NULL)
			e = end;
		line++;
		s = p;
		p = e < end ? e + 1 : end;
		if (e > s && e[-1] == '\r')
			e--;
		if (nul != NULL && nul >= s && nul < e) {
			rc = perr(&c, line, "NUL byte");
			break;
		}
		if (s < e && is_blank(*s)) {
			trim(&s, &e);
			if (s == e || *s == '#') {
				cont = NULL;
				continue;
			}
			if (cont == NULL)
				rc = perr(&c, line, "continuation line with "
				    "nothing to continue");
			else
				rc = append(cont, s, (size_t)(e - s));
			continue;
		}
		cont = NULL;
		if (s == e || *s == '#')
			continue;
		if (e - s > 5 && memcmp(s, "level", 5) == 0 && is_blank(s[5]))
			rc = parse_level(&c, sc, line, s + 5, e, &cont);
		else
			rc = parse_setting(&c, line, s, e, &cont);
	}
	if (rc == 0)
		rc = check_settings(&c, sc, stem, line > 0 ? line : 1);
	if (rc == 0)
		rc = split_levels(&c, sc);
	for (int i = 0; i < NKEYS; i++)
		free(c.val[i]);
	if (rc == -ENOMEM)
		snprintf(err, errsz, "%s: out of memory", file);
	if (rc != 0) {
		prev_scheme_free(sc);
		return (rc);
	}
	*out = sc;
	return (0);
}

int
prev_scheme_load(const char *path, struct prev_scheme **out, char *err,
    size_t errsz)
{
	const char *base = strrchr(path, '/'), *dot;
	char stem[PREV_MAXCODE + 1], *buf;
	size_t n;
	FILE *f;
	int rc;

	base = base != NULL ? base + 1 : path;
	dot = strrchr(base, '.');
	if (dot == NULL || strcmp(dot, ".scheme") != 0 ||
	    (size_t)(dot - base) > PREV_MAXCODE)
		dot = NULL;
	else
		snprintf(stem, sizeof(stem), "%.*s", (int)(dot - base), base);
	if ((f = fopen(path, "r")) == NULL) {
		rc = -errno;
		snprintf(err, errsz, "%s: %s", path, strerror(-rc));
		return (rc);
	}
	if ((buf = malloc(PREV_MAXFILE + 1)) == NULL) {
		fclose(f);
		snprintf(err, errsz, "%s: out of memory", path);
		return (-ENOMEM);
	}
	n = fread(buf, 1, PREV_MAXFILE + 1, f);
	if (ferror(f)) {
		rc = -EIO;
		snprintf(err, errsz, "%s: read error", path);
	} else if (n > PREV_MAXFILE) {
		rc = -EFBIG;
		snprintf(err, errsz, "%s: larger than %d bytes", path,
		    PREV_MAXFILE);
	} else {
		rc = prev_scheme_parse(path, dot != NULL ? stem : NULL, buf, n,
		    out, err, errsz);
	}
	fclose(f);
	free(buf);
	return (rc);
}

void
prev_scheme_free(struct prev_scheme *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < PREV_MAXLEVELS; i++) {
		free(s->levels[i].code);
		free(s->levels[i].title);
		free(s->levels[i].definition);
	}
	free(s->name);
	free(s->title);
	free(s->source);
	free(s);
}

static int
cmp_str(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

static int
is_scheme_file(const char *name)
{
	size_t n = strlen(name);

	return (name[0] != '.' && n > 7 && strcmp(name + n - 7,
	    ".scheme") == 0);
}

int
prev_schemes_load_dir(const char *dir, struct prev_scheme ***out,
    size_t *nout, char *err, size_t errsz)
{
	struct prev_scheme **v = NULL;
	char **names = NULL, **nn, path[4096];
	size_t nnames = 0, cap = 0, nv = 0;
	struct dirent *de;
	DIR *d;
	int rc = 0;

	if ((d = opendir(dir)) == NULL) {
		rc = -errno;
		snprintf(err, errsz, "%s: %s", dir, strerror(-rc));
		return (rc);
	}
	while ((de = readdir(d)) != NULL) {
		if (!is_scheme_file(de->d_name))
			continue;
		if (nnames == cap) {
			cap = cap ? cap * 2 : 8;
			if ((nn = realloc(names, cap * sizeof(*nn))) == NULL) {
				rc = -ENOMEM;
				break;
			}
			names = nn;
		}
		if ((names[nnames] = strdup(de->d_name)) == NULL) {
			rc = -ENOMEM;
			break;
		}
		nnames++;
	}
	closedir(d);
	if (rc == 0 && nnames == 0) {
		snprintf(err, errsz, "%s: no *.scheme files", dir);
		rc = -ENOENT;
	}
	if (rc == 0 && (v = calloc(nnames, sizeof(*v))) == NULL)
		rc = -ENOMEM;
	if (rc == 0)
		qsort(names, nnames, sizeof(*names), cmp_str);
	for (size_t i = 0; rc == 0 && i < nnames; i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
		    names[i]) >= sizeof(path)) {
			snprintf(err, errsz, "%s/%s: path too long", dir,
			    names[i]);
			rc = -ENAMETOOLONG;
		} else if ((rc = prev_scheme_load(path, &v[nv], err,
		    errsz)) == 0)
			nv++;
	}
	if (rc == -ENOMEM)
		snprintf(err, errsz, "%s: out of memory", dir);
	for (size_t i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	if (rc != 0) {
		prev_schemes_free(v, nv);
		return (rc);
	}
	*out = v;
	*nout = nv;
	return (0);
}

void
prev_schemes_free(struct prev_scheme **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		prev_scheme_free(v[i]);
	free(v);
}

const struct prev_level *
prev_level_find(const struct prev_scheme *s, const char *v, size_t n)
{
	while (n > 0 && isspace((unsigned char)*v))
		v++, n--;
	while (n > 0 && isspace((unsigned char)v[n - 1]))
		n--;
	for (size_t i = 0; i < s->nlevels; i++)
		if (strlen(s->levels[i].code) == n &&
		    strncasecmp(s->levels[i].code, v, n) == 0)
			return (&s->levels[i]);
	return (NULL);
}
