/* ndjson.c — a scanner for flat JSON objects, exact numbers kept as text. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ndjson.h"

struct scan {
	char		*s;
	size_t		n, i;
	char		*err;
	size_t		errsz;
};

static int
fail(struct scan *sc, const char *what)
{
	snprintf(sc->err, sc->errsz, "column %zu: %s", sc->i + 1, what);
	return (-EBADMSG);
}

static void
blanks(struct scan *sc)
{
	while (sc->i < sc->n && (sc->s[sc->i] == ' ' || sc->s[sc->i] == '\t' ||
	    sc->s[sc->i] == '\r' || sc->s[sc->i] == '\n'))
		sc->i++;
}

static int
hex4(const char *p, uint32_t *v)
{
	*v = 0;
	for (int k = 0; k < 4; k++) {
		char c = p[k];

		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*v |= (uint32_t)(c - 'A' + 10);
		else
			return (-1);
	}
	return (0);
}

static size_t
utf8_put(char *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return (1);
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return (2);
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return (3);
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return (4);
}

/* string = '"' chars '"'; unescaped in place, never longer than the input */
static int
string(struct scan *sc, const char **out, size_t *len)
{
	char *o;

	if (sc->i >= sc->n || sc->s[sc->i] != '"')
		return (fail(sc, "expected a string"));
	o = sc->s + ++sc->i;
	*out = o;
	while (sc->i < sc->n) {
		char c = sc->s[sc->i++];
		uint32_t cp, lo;

		if (c == '"') {
			*len = (size_t)(o - *out);
			return (0);
		}
		if ((unsigned char)c < 0x20)
			return (fail(sc, "control character in a string"));
		if (c != '\\') {
			*o++ = c;
			continue;
		}
		if (sc->i >= sc->n)
			break;
		switch (c = sc->s[sc->i++]) {
		case '"': case '\\': case '/': *o++ = c; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u':
			if (sc->i + 4 > sc->n || hex4(sc->s + sc->i, &cp))
				return (fail(sc, "bad \\u escape"));
			sc->i += 4;
			if (cp >= 0xd800 && cp < 0xdc00) {
				if (sc->i + 6 > sc->n || sc->s[sc->i] != '\\' ||
				    sc->s[sc->i + 1] != 'u' ||
				    hex4(sc->s + sc->i + 2, &lo) ||
				    lo < 0xdc00 || lo > 0xdfff)
					return (fail(sc, "lone surrogate"));
				sc->i += 6;
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				    (lo - 0xdc00);
			} else if (cp >= 0xdc00 && cp < 0xe000)
				return (fail(sc, "lone surrogate"));
			o += utf8_put(o, cp);
			break;
		default:
			return (fail(sc, "bad escape"));
		}
	}
	return (fail(sc, "string never closed"));
}

/* number = '-'? int frac? exp? — kept as text */
static int
number(struct scan *sc, const char **out, size_t *len)
{
	size_t st = sc->i;

	if (sc->i < sc->n && sc->s[sc->i] == '-')
		sc->i++;
	if (sc->i >= sc->n || sc->s[sc->i] < '0' || sc->s[sc->i] > '9')
		return (fail(sc, "bad value"));
	while (sc->i < sc->n && ((sc->s[sc->i] >= '0' && sc->s[sc->i] <= '9') ||
	    sc->s[sc->i] == '.' || sc->s[sc->i] == 'e' ||
	    sc->s[sc->i] == 'E' || sc->s[sc->i] == '+' || sc->s[sc->i] == '-'))
		sc->i++;
	*out = sc->s + st;
	*len = sc->i - st;
	return (0);
}

static int
word(struct scan *sc, const char *w)
{
	size_t l = strlen(w);

	if (sc->n - sc->i < l || memcmp(sc->s + sc->i, w, l) != 0)
		return (0);
	sc->i += l;
	return (1);
}

int
ndjson_object(char *line, size_t n, struct ndjson_field *f, int max,
    char *err, size_t errsz)
{
	struct scan sc = { line, n, 0, err, errsz };
	int nf = 0, rc;

	blanks(&sc);
	if (sc.i >= n || line[sc.i] != '{')
		return (fail(&sc, "expected an object"));
	sc.i++;
	blanks(&sc);
	if (sc.i < n && line[sc.i] == '}')
		goto end;
	for (;;) {
		struct ndjson_field *x;
		char c;

		if (nf == max)
			return (fail(&sc, "too many fields"));
		x = &f[nf++];
		blanks(&sc);
		if ((rc = string(&sc, &x->key, &x->klen)) != 0)
			return (rc);
		blanks(&sc);
		if (sc.i >= n || line[sc.i] != ':')
			return (fail(&sc, "expected ':'"));
		sc.i++;
		blanks(&sc);
		c = sc.i < n ? line[sc.i] : '\0';
		if (c == '"') {
			x->type = NDJ_STRING;
			rc = string(&sc, &x->val, &x->vlen);
		} else if (c == '{' || c == '[') {
			return (fail(&sc, "nested objects and arrays are not "
			    "fields"));
		} else if (word(&sc, "null")) {
			x->type = NDJ_NULL;
			x->val = "";
			x->vlen = 0;
		} else if (word(&sc, "true") || word(&sc, "false")) {
			x->type = NDJ_BOOL;
			x->val = line[sc.i - 1] == 'e' &&
			    line[sc.i - 2] == 'u' ? "true" : "false";
			x->vlen = strlen(x->val);
		} else {
			x->type = NDJ_NUMBER;
			rc = number(&sc, &x->val, &x->vlen);
		}
		if (rc)
			return (rc);
		blanks(&sc);
		if (sc.i < n && line[sc.i] == ',') {
			sc.i++;
			continue;
		}
		if (sc.i < n && line[sc.i] == '}')
			break;
		return (fail(&sc, "expected ',' or '}'"));
	}
end:
	sc.i++;
	blanks(&sc);
	if (sc.i != n)
		return (fail(&sc, "text after the object"));
	return (nf);
}
