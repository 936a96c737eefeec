/*
 * html.c — HTML to one line of text, for ORUK's names and descriptions.
 *
 * Not a parser: tags are dropped, the block-level ones (anything not in
 * the inline list) leaving a word break, so "<p>a</p><p>b</p>" is "a b"
 * while "a<b>c</b>" is "ac".  Nothing decoded is ever longer than what
 * it replaces, so the result fits in strlen(s) + 1 bytes.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "html.h"

#define ISALPHA(c)	(((c) | 0x20) >= 'a' && ((c) | 0x20) <= 'z')
#define ISDIGIT(c)	((c) >= '0' && (c) <= '9')
#define ISSPACE(c)	((c) == ' ' || (c) == '\t' || (c) == '\n' || \
			    (c) == '\r' || (c) == '\f')

static const char *const inline_tags[] = {
	"a", "abbr", "b", "code", "em", "font", "i", "mark", "s", "small",
	"span", "strike", "strong", "sub", "sup", "u",
};

/* Named entities: those the feeds use, and typographic ones. */
static const struct {
	const char	*name;
	const char	*text;
} entities[] = {
	{ "amp", "&" }, { "lt", "<" }, { "gt", ">" }, { "quot", "\"" },
	{ "apos", "'" }, { "nbsp", " " },
	{ "ndash", "\xe2\x80\x93" }, { "mdash", "\xe2\x80\x94" },
	{ "lsquo", "\xe2\x80\x98" }, { "rsquo", "\xe2\x80\x99" },
	{ "ldquo", "\xe2\x80\x9c" }, { "rdquo", "\xe2\x80\x9d" },
	{ "hellip", "\xe2\x80\xa6" }, { "pound", "\xc2\xa3" },
	{ "euro", "\xe2\x82\xac" }, { "copy", "\xc2\xa9" },
};

#define N(a)	(sizeof(a) / sizeof((a)[0]))

/* The end of the tag or comment at p ("<x", "</", "<!", "<?"), past its
 * ">", or NULL when it never closes; *brk when it breaks words. */
static const char *
tag_end(const char *p, int *brk)
{
	const char *n = p + 1 + (p[1] == '/');
	char q = 0;
	size_t len;

	if (strncmp(p, "<!--", 4) == 0) {
		*brk = 0;
		return ((p = strstr(p + 4, "-->")) ? p + 3 : NULL);
	}
	for (len = 0; ISALPHA(n[len]) || ISDIGIT(n[len]); len++)
		;
	*brk = 1;
	for (size_t i = 0; i < N(inline_tags); i++)
		if (len == strlen(inline_tags[i]) &&
		    strncasecmp(n, inline_tags[i], len) == 0)
			*brk = 0;
	for (p++; *p; p++) {
		if (q) {
			if (*p == q)
				q = 0;
		} else if (*p == '"' || *p == '\'')
			q = *p;
		else if (*p == '>')
			return (p + 1);
	}
	return (NULL);
}

static size_t
put_utf8(unsigned long c, char *o)
{
	if (c < 0x80) {
		o[0] = (char)c;
		return (1);
	}
	if (c < 0x800) {
		o[0] = (char)(0xc0 | c >> 6);
		o[1] = (char)(0x80 | (c & 0x3f));
		return (2);
	}
	if (c < 0x10000) {
		o[0] = (char)(0xe0 | c >> 12);
		o[1] = (char)(0x80 | (c >> 6 & 0x3f));
		o[2] = (char)(0x80 | (c & 0x3f));
		return (3);
	}
	o[0] = (char)(0xf0 | c >> 18);
	o[1] = (char)(0x80 | (c >> 12 & 0x3f));
	o[2] = (char)(0x80 | (c >> 6 & 0x3f));
	o[3] = (char)(0x80 | (c & 0x3f));
	return (4);
}

/*
 * The entity at p ("&...;") decoded into o: how many bytes of p it took
 * (0: not one we know, leave it), with *olen bytes written.
 *
 *   entity = "&" name ";" | "&#" digit { digit } ";" |
 *            "&#" ( "x" | "X" ) hexdigit { hexdigit } ";"
 */
static size_t
entity(const char *p, char *o, size_t *olen)
{
	unsigned long c = 0;
	const char *s = p + 1;
	size_t len;

	if (*s == '#') {
		int hex = s[1] == 'x' || s[1] == 'X';
		int nd = 0;

		for (s += 1 + hex; nd < 8; s++, nd++) {
			if (ISDIGIT(*s))
				c = c * (hex ? 16 : 10) + (unsigned long)(*s -
				    '0');
			else if (hex && ((*s | 0x20) >= 'a' &&
			    (*s | 0x20) <= 'f'))
				c = c * 16 + (unsigned long)((*s | 0x20) -
				    'a' + 10);
			else
				break;
		}
		/* No NUL, no surrogates, nothing past Unicode. */
		if (nd == 0 || *s != ';' || c == 0 || c > 0x10ffff ||
		    (c >= 0xd800 && c <= 0xdfff))
			return (0);
		*olen = c == 0xa0 ? put_utf8(' ', o) : put_utf8(c, o);
		return ((size_t)(s + 1 - p));
	}
	for (len = 0; len < 8 && (ISALPHA(s[len]) || ISDIGIT(s[len])); len++)
		;
	if (s[len] != ';')
		return (0);
	for (size_t i = 0; i < N(entities); i++)
		if (len == strlen(entities[i].name) &&
		    strncmp(s, entities[i].name, len) == 0) {
			*olen = strlen(entities[i].text);
			memcpy(o, entities[i].text, *olen);
			return (len + 2);
		}
	return (0);
}

char *
html_text(const char *s)
{
	char *out, *w, dec[4];
	const char *e;
	size_t took, n;
	int gap = 0, brk;

	if ((out = malloc(strlen(s) + 1)) == NULL)
		return (NULL);
	w = out;
	while (*s) {
		if (*s == '<' && (ISALPHA(s[1]) || s[1] == '/' ||
		    s[1] == '!' || s[1] == '?') &&
		    (e = tag_end(s, &brk)) != NULL) {
			gap |= brk;
			s = e;
			continue;
		}
		if (ISSPACE(*s)) {
			gap = 1;
			s++;
			continue;
		}
		if (*s == '&' && (took = entity(s, dec, &n)) != 0) {
			s += took;
			if (n == 1 && ISSPACE(dec[0])) {
				gap = 1;
				continue;
			}
		} else {
			dec[0] = *s++;
			n = 1;
		}
		if (gap && w > out)
			*w++ = ' ';
		gap = 0;
		memcpy(w, dec, n);
		w += n;
	}
	*w = '\0';
	return (out);
}
