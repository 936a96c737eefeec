/* partners.c — partner files, and which supplier is another partner. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "etcfile.h"
#include "partners.h"
#include "strmap.h"

#ifndef PCRE2_MATCH_INVALID_UTF
#define PCRE2_MATCH_INVALID_UTF	0
#endif

#define MEMO_MAX	(1u << 16)

struct pattern {
	pcre2_code	*re;
	size_t		partner;
};

struct partners {
	struct partner	*v;
	size_t		n;
	struct pattern	*pat;
	size_t		npat;
	pcre2_match_data *md;
	strmap_t	memo;		/* supplier → partner index + 1, 0 */
};

static const char *
blanks(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t' || *p == '\r'))
		p++;
	return (p);
}

/* A word up to the next blank; NULL when none. */
static char *
word(const char **pp, const char *e)
{
	const char *p = blanks(*pp, e), *s = p;

	while (p < e && *p != ' ' && *p != '\t' && *p != '\r')
		p++;
	*pp = p;
	return (p > s ? strndup(s, (size_t)(p - s)) : NULL);
}

static int
parse_line(struct partners *ps, const char *file, unsigned ln,
    const char *bol, const char *e, char *err, size_t errsz)
{
	struct partner pt = { 0 };
	const char *p = bol, *s;
	int npat = 0, rc;

#define COL(at)	((unsigned)((at) - bol) + 1)
	s = blanks(p, e);
	if ((pt.id = word(&p, e)) == NULL || (pt.type = word(&p, e)) == NULL ||
	    (pt.ons = word(&p, e)) == NULL) {
		rc = etc_error(err, errsz, file, ln, "%u: want ID TYPE ONS \"NAME\" "
		    "/PATTERN/...", COL(blanks(p, e)));
		goto fail;
	}
	for (const char *c = pt.id; *c; c++)
		if (!islower((unsigned char)*c) && !isdigit((unsigned char)*c) &&
		    *c != '-' && *c != '_') {
			rc = etc_error(err, errsz, file, ln, "%u: partner id \"%s\": "
			    "use a-z, 0-9, - and _", COL(s), pt.id);
			goto fail;
		}
	for (size_t i = 0; i < ps->n; i++)
		if (strcmp(ps->v[i].id, pt.id) == 0) {
			rc = etc_error(err, errsz, file, ln, "%u: partner \"%s\" "
			    "again (first at %s:%u)", COL(s), pt.id,
			    ps->v[i].file, ps->v[i].line);
			goto fail;
		}
	p = blanks(p, e);
	if (p == e || *p != '"') {
		rc = etc_error(err, errsz, file, ln, "%u: want the partner's name in "
		    "double quotes", COL(p));
		goto fail;
	}
	for (s = ++p; p < e && *p != '"'; p++)
		;
	if (p == e) {
		rc = etc_error(err, errsz, file, ln, "%u: the name has no closing "
		    "quote", COL(s - 1));
		goto fail;
	}
	pt.name = strndup(s, (size_t)(p - s));
	p++;
	for (;;) {
		char pat[1024];
		size_t pl = 0;
		int ecode;
		PCRE2_SIZE eoff;
		struct pattern *np;
		pcre2_code *re;

		p = blanks(p, e);
		if (p == e || *p == '#')
			break;
		if (*p != '/') {
			rc = etc_error(err, errsz, file, ln, "%u: want a supplier "
			    "pattern between slashes", COL(p));
			goto fail;
		}
		for (s = ++p; p < e && *p != '/'; p++) {
			if (*p == '\\' && p + 1 < e && p[1] == '/')
				p++;
			if (pl < sizeof(pat) - 1)
				pat[pl++] = *p;
		}
		if (p == e) {
			rc = etc_error(err, errsz, file, ln, "%u: the pattern has no "
			    "closing slash", COL(s - 1));
			goto fail;
		}
		pat[pl] = '\0';
		p++;
		re = pcre2_compile((PCRE2_SPTR)pat, pl, PCRE2_UTF |
		    PCRE2_MATCH_INVALID_UTF, &ecode, &eoff, NULL);
		if (re == NULL) {
			PCRE2_UCHAR msg[256];

			pcre2_get_error_message(ecode, msg, sizeof(msg));
			rc = etc_error(err, errsz, file, ln, "%u: bad pattern: %s",
			    COL(s), (char *)msg);
			goto fail;
		}
		(void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
		if ((np = realloc(ps->pat, (ps->npat + 1) *
		    sizeof(*np))) == NULL) {
			pcre2_code_free(re);
			rc = -ENOMEM;
			goto fail;
		}
		ps->pat = np;
		ps->pat[ps->npat].re = re;
		ps->pat[ps->npat++].partner = ps->n;
		npat++;
	}
	if (npat == 0) {
		rc = etc_error(err, errsz, file, ln, "%u: want at least one supplier "
		    "pattern, /.../", COL(p));
		goto fail;
	}
	{
		struct partner *nv = realloc(ps->v, (ps->n + 1) * sizeof(*nv));

		if (nv == NULL) {
			rc = -ENOMEM;
			goto fail;
		}
		ps->v = nv;
	}
	pt.file = strdup(file);
	pt.line = ln;
	ps->v[ps->n++] = pt;
	return (0);
fail:
	/* Patterns of this line stay with the partner index n, which no
	 * partner has: they never match, and partners_free frees them. */
	free(pt.id);
	free(pt.type);
	free(pt.ons);
	free(pt.name);
	return (rc);
#undef COL
}

static int
parse_into(void *arg, const char *file, const char *text, size_t n,
    char *err, size_t errsz)
{
	struct partners *ps = arg;
	const char *p = text, *e = text + n;
	unsigned ln = 0;
	int rc;

	while (p < e) {
		const char *eol = memchr(p, '\n', (size_t)(e - p)), *q;

		if (eol == NULL)
			eol = e;
		ln++;
		q = blanks(p, eol);
		if (q < eol && *q != '#' &&
		    (rc = parse_line(ps, file, ln, p, eol, err, errsz)) != 0)
			return (rc);
		p = eol + 1;
	}
	return (0);
}

static struct partners *
partners_new(void)
{
	struct partners *ps = calloc(1, sizeof(*ps));

	if (ps)
		strmap_init(&ps->memo);
	return (ps);
}

int
partners_parse(const char *name, const char *text, size_t n,
    struct partners **out, char *err, size_t errsz)
{
	struct partners *ps = partners_new();
	int rc;

	if (ps == NULL)
		return (-ENOMEM);
	if ((rc = parse_into(ps, name, text, n, err, errsz)) != 0) {
		partners_free(ps);
		return (rc);
	}
	*out = ps;
	return (0);
}

int
partners_load_dir(const char *dir, struct partners **out, char *err,
    size_t errsz)
{
	struct partners *ps = partners_new();
	int rc;

	if (ps == NULL)
		return (-ENOMEM);
	rc = etc_each_file(dir, ".partners", parse_into, ps, err, errsz);
	if (rc != 0 && rc != -ENOENT) {
		partners_free(ps);
		return (rc);
	}
	*out = ps;
	return (0);
}

void
partners_free(struct partners *ps)
{
	if (ps == NULL)
		return;
	for (size_t i = 0; i < ps->n; i++) {
		free(ps->v[i].id);
		free(ps->v[i].type);
		free(ps->v[i].ons);
		free(ps->v[i].name);
		free(ps->v[i].file);
	}
	for (size_t i = 0; i < ps->npat; i++)
		pcre2_code_free(ps->pat[i].re);
	if (ps->md)
		pcre2_match_data_free(ps->md);
	strmap_free(&ps->memo);
	free(ps->v);
	free(ps->pat);
	free(ps);
}

size_t
partners_count(const struct partners *ps)
{
	return (ps ? ps->n : 0);
}

const struct partner *
partners_get(const struct partners *ps, size_t i)
{
	return (ps && i < ps->n ? &ps->v[i] : NULL);
}

const struct partner *
partners_match(struct partners *ps, const char *s, size_t n)
{
	uint32_t v;
	size_t hit = 0;

	if (ps == NULL || ps->n == 0 || n == 0)
		return (NULL);
	if (strmap_get(&ps->memo, s, n, &v))
		return (v ? &ps->v[v - 1] : NULL);
	if (ps->md == NULL &&
	    (ps->md = pcre2_match_data_create(1, NULL)) == NULL)
		return (NULL);
	for (size_t i = 0; i < ps->npat && hit == 0; i++)
		if (ps->pat[i].partner < ps->n &&
		    pcre2_match(ps->pat[i].re, (PCRE2_SPTR)s, n, 0, 0, ps->md,
		    NULL) >= 0)
			hit = ps->pat[i].partner + 1;
	if (strmap_len(&ps->memo) >= MEMO_MAX)
		strmap_clear(&ps->memo);
	(void)strmap_put(&ps->memo, s, n, (uint32_t)hit);
	return (hit ? &ps->v[hit - 1] : NULL);
}

static int
same(const char *a, const char *s, size_t n)
{
	return (a && strlen(a) == n && strncasecmp(a, s, n) == 0);
}

const struct partner *
partners_find(const struct partners *ps, const char *s, size_t n)
{
	for (size_t i = 0; ps && i < ps->n; i++)
		if (same(ps->v[i].id, s, n) || same(ps->v[i].name, s, n) ||
		    (strcmp(ps->v[i].ons, "-") != 0 &&
		    same(ps->v[i].ons, s, n)))
			return (&ps->v[i]);
	return (NULL);
}

const struct partner *
partners_transfer(struct partners *ps, const char *org, size_t on,
    const char *sup, size_t sn)
{
	const struct partner *to, *from = NULL;

	if (sn == 0 || (to = partners_match(ps, sup, sn)) == NULL)
		return (NULL);
	if (on > 0 && (from = partners_find(ps, org, on)) == NULL)
		from = partners_match(ps, org, on);
	/* Paid to itself: a council's own account, not a transfer. */
	return (from == to ? NULL : to);
}
