/*
 * csv.c — the transparency importer's byte-level CSV reader: quotes,
 * three kinds of line end, a BOM and two encodings, fed in pieces.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

enum { S_START, S_PLAIN, S_QUOTED, S_QUOTE };

static const unsigned char bom[3] = { 0xef, 0xbb, 0xbf };

/* Windows-1252's 0x80-0x9f; 0 where it has no character. */
static const uint16_t cp1252[32] = {
	0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
	0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
};

void
tcsv_init(struct tcsv *c)
{
	memset(c, 0, sizeof(*c));
	c->line = 1;
	c->rowline = 1;
}

void
tcsv_free(struct tcsv *c)
{
	free(c->raw);
	free(c->off);
	free(c->dec);
	free(c->cells);
	memset(c, 0, sizeof(*c));
}

static int
grow(void **p, size_t *cap, size_t need, size_t elt)
{
	size_t n = *cap ? *cap : 64;
	void *q;

	if (need <= *cap)
		return (0);
	while (n < need)
		n *= 2;
	if ((q = realloc(*p, n * elt)) == NULL)
		return (-1);
	*p = q;
	*cap = n;
	return (0);
}

static int
put(struct tcsv *c, char ch)
{
	if (c->len + 2 > TCSV_MAXROW)
		return (-1);
	if (grow((void **)&c->raw, &c->cap, c->len + 2, 1) != 0)
		return (-1);
	/* A NUL in the data would cut the cell short. */
	c->raw[c->len++] = ch == '\0' ? ' ' : ch;
	return (0);
}

static int
cell_start(struct tcsv *c)
{
	size_t cap = (size_t)c->capcells;

	if (grow((void **)&c->off, &cap, (size_t)c->ncells + 1,
	    sizeof(*c->off)) != 0)
		return (-1);
	c->capcells = (int)cap;
	c->off[c->ncells++] = c->len;
	return (0);
}

static int
cell_end(struct tcsv *c)
{
	if (grow((void **)&c->raw, &c->cap, c->len + 1, 1) != 0)
		return (-1);
	c->raw[c->len++] = '\0';
	return (0);
}

/* 1 when s[0..n) is well-formed UTF-8 (no overlongs, no surrogates). */
static int
utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char b = s[i];
		size_t k;
		uint32_t cp;

		if (b < 0x80) {
			i++;
			continue;
		}
		if (b >= 0xc2 && b <= 0xdf)
			k = 1, cp = b & 0x1f;
		else if (b >= 0xe0 && b <= 0xef)
			k = 2, cp = b & 0x0f;
		else if (b >= 0xf0 && b <= 0xf4)
			k = 3, cp = b & 0x07;
		else
			return (0);
		for (size_t j = 1; j <= k; j++) {
			if (i + j >= n || (s[i + j] & 0xc0) != 0x80)
				return (0);
			cp = (cp << 6) | (s[i + j] & 0x3f);
		}
		if ((k == 2 && cp < 0x800) || (k == 3 && (cp < 0x10000 ||
		    cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff))
			return (0);
		i += k + 1;
	}
	return (1);
}

static size_t
put_utf8(char *o, uint32_t cp)
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
	o[0] = (char)(0xe0 | cp >> 12);
	o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[2] = (char)(0x80 | (cp & 0x3f));
	return (3);
}

/* The row is complete: decode it and hand it on. */
static int
row_end(struct tcsv *c, tcsv_row_cb *cb, void *arg, char *err, size_t errsz)
{
	int rc, latin = 0;

	if (cell_end(c) != 0 || grow((void **)&c->cells, &c->capptrs,
	    (size_t)c->ncells, sizeof(*c->cells)) != 0) {
		snprintf(err, errsz, "out of memory");
		return (-1);
	}
	if (!utf8_valid((unsigned char *)c->raw, c->len)) {
		size_t o = 0;

		latin = 1;
		if (grow((void **)&c->dec, &c->deccap, c->len * 3, 1) != 0) {
			snprintf(err, errsz, "out of memory");
			return (-1);
		}
		for (int i = 0; i < c->ncells; i++) {
			const unsigned char *p = (unsigned char *)c->raw +
			    c->off[i];

			c->cells[i] = c->dec + o;
			for (; *p; p++) {
				uint32_t cp = *p;

				if (cp >= 0x80 && cp < 0xa0)
					cp = cp1252[cp - 0x80] ?
					    cp1252[cp - 0x80] : 0xfffd;
				o += put_utf8(c->dec + o, cp);
			}
			c->dec[o++] = '\0';
		}
	} else
		for (int i = 0; i < c->ncells; i++)
			c->cells[i] = c->raw + c->off[i];
	rc = cb(arg, c->cells, c->ncells, c->rowline, latin);
	c->len = 0;
	c->ncells = 0;
	c->inrow = 0;
	c->state = S_START;
	return (rc);
}

static int
byte(struct tcsv *c, char ch, tcsv_row_cb *cb, void *arg, char *err,
    size_t errsz)
{
	int wascr = c->cr;

	c->cr = ch == '\r';
	if (c->state == S_QUOTED) {
		/* A line end inside quotes is data, and still a line. */
		if (ch == '\n' && wascr)
			return (0);
		if (ch == '\r' || ch == '\n') {
			c->line++;
			ch = '\n';
		} else if (ch == '"') {
			c->state = S_QUOTE;
			return (0);
		}
		goto data;
	}
	if (ch == '\n' && wascr)
		return (0);		/* the LF of a CRLF */
	if (!c->inrow) {
		c->inrow = 1;
		c->rowline = c->line;
		if (cell_start(c) != 0)
			goto oom;
	}
	if (ch == '\r' || ch == '\n') {
		c->line++;
		return (row_end(c, cb, arg, err, errsz));
	}
	if (ch == ',') {
		if (cell_end(c) != 0 || cell_start(c) != 0)
			goto oom;
		c->state = S_START;
		return (0);
	}
	if (ch == '"') {
		if (c->state == S_START) {
			c->state = S_QUOTED;
			return (0);
		}
		if (c->state == S_QUOTE) {
			/* "" inside quotes */
			c->state = S_QUOTED;
			goto data;
		}
	}
	/* After a closing quote: `"a"b` reads as ab, leniently. */
	c->state = S_PLAIN;
data:
	if (put(c, ch) != 0) {
		if (c->len + 2 > TCSV_MAXROW) {
			snprintf(err, errsz, "line %llu: a row longer than %d "
			    "bytes (an unclosed quote?)",
			    (unsigned long long)c->rowline, TCSV_MAXROW);
			return (-1);
		}
		goto oom;
	}
	return (0);
oom:
	snprintf(err, errsz, "out of memory");
	return (-1);
}

int
tcsv_feed(struct tcsv *c, const char *buf, size_t n, tcsv_row_cb *cb,
    void *arg, char *err, size_t errsz)
{
	int rc;

	for (size_t i = 0; i < n; i++) {
		unsigned char b = (unsigned char)buf[i];

		if (c->bom >= 0) {
			if (b == bom[c->bom]) {
				if (++c->bom == 3)
					c->bom = -1;
				continue;
			}
			/* Not a BOM after all: read what was held. */
			for (int k = 0, held = c->bom; k < held; k++)
				if ((rc = byte(c, (char)bom[k], cb, arg, err,
				    errsz)) != 0)
					return (rc);
			c->bom = -1;
		}
		if ((rc = byte(c, (char)b, cb, arg, err, errsz)) != 0)
			return (rc);
	}
	return (0);
}

int
tcsv_end(struct tcsv *c, tcsv_row_cb *cb, void *arg, char *err,
    size_t errsz)
{
	int rc;

	for (int k = 0, held = c->bom > 0 ? c->bom : 0; k < held; k++)
		if ((rc = byte(c, (char)bom[k], cb, arg, err, errsz)) != 0)
			return (rc);
	c->bom = -1;
	if (c->state == S_QUOTED && c->inrow) {
		/* An unclosed quote at the end: keep what was read. */
		c->state = S_PLAIN;
	}
	if (c->inrow)
		return (row_end(c, cb, arg, err, errsz));
	return (0);
}
