/*
 * test_readers.c — the CSV reader (core/csvin.c), the NDJSON object
 * scanner (core/ndjson.c) and pseudonymisation (core/pseudo.c).
 *
 * Input goes through heap copies of exactly the bytes given, so running
 * under AddressSanitizer catches a read past the end of a chunk or line.
 */
#define _GNU_SOURCE	/* nftw() */

#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "csvin.h"
#include "ndjson.h"
#include "pseudo.h"

/* A growing text buffer. */
struct text {
	char	*s;
	size_t	len, cap;
};

static void
text_add(struct text *t, const char *s, size_t n)
{
	if (t->len + n + 1 > t->cap) {
		size_t nc = t->cap ? t->cap : 256;

		while (nc < t->len + n + 1)
			nc *= 2;
		t->s = realloc(t->s, nc);
		cr_assert_not_null(t->s);
		t->cap = nc;
	}
	memcpy(t->s + t->len, s, n);
	t->len += n;
	t->s[t->len] = '\0';
}

static void
text_printf(struct text *t, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	text_add(t, buf, (size_t)n);
}

static void
text_free(struct text *t)
{
	free(t->s);
	memset(t, 0, sizeof(*t));
}

/* CSV ---------------------------------------------------------------- */

/*
 * Records as text: "LINE:field|field|...\n", with the bytes '|', '\\',
 * CR and LF in fields written as \|, \\, \r and \n.
 */
struct rec {
	struct text	out;
	int		nrec;
	int		stop_at;	/* return stop_val at this record */
	int		stop_val;
};

static int
rec_cb(void *arg, uint64_t line, int nf, char *const *f, const size_t *len)
{
	struct rec *r = arg;

	r->nrec++;
	text_printf(&r->out, "%llu:", (unsigned long long)line);
	for (int i = 0; i < nf; i++) {
		if (i)
			text_add(&r->out, "|", 1);
		for (size_t k = 0; k < len[i]; k++) {
			char c = f[i][k];

			if (c == '|' || c == '\\')
				text_printf(&r->out, "\\%c", c);
			else if (c == '\n')
				text_add(&r->out, "\\n", 2);
			else if (c == '\r')
				text_add(&r->out, "\\r", 2);
			else
				text_add(&r->out, &c, 1);
		}
	}
	text_add(&r->out, "\n", 1);
	if (r->stop_at && r->nrec == r->stop_at)
		return (r->stop_val);
	return (0);
}

/* Feed in in chunks of size chunk (0: all at once); returns csvin_end's or
 * the first non-zero csvin_feed's value; the error text in err. */
static int
csv_read(const char *in, size_t n, size_t chunk, struct rec *r, char *err,
    size_t errsz)
{
	csvin_t *c = csvin_new(rec_cb, r);
	int rc = 0;

	cr_assert_not_null(c);
	if (chunk == 0)
		chunk = n ? n : 1;
	for (size_t off = 0; off < n && rc == 0; off += chunk) {
		size_t k = n - off < chunk ? n - off : chunk;
		char *b = malloc(k);

		cr_assert_not_null(b);
		memcpy(b, in + off, k);
		rc = csvin_feed(c, b, k);
		free(b);
	}
	if (rc == 0)
		rc = csvin_end(c);
	if (err) {
		snprintf(err, errsz, "%s", csvin_error(c));
	}
	csvin_free(c);
	return (rc);
}

static void
csv_expect(const char *in, size_t n, const char *want)
{
	struct rec r = { 0 };
	char err[256];
	int rc = csv_read(in, n, 0, &r, err, sizeof(err));

	cr_expect_eq(rc, 0, "csvin: %d %s", rc, err);
	cr_expect_str_eq(r.out.s ? r.out.s : "", want);
	text_free(&r.out);
}

#define CSV_EXPECT(in, want)	csv_expect((in), sizeof(in) - 1, (want))

static const char mixed_csv[] =
	"id,name,note\r\n"			/* 1 */
	"1,Alice,\"multi\nline\"\r\n"		/* 2-3 */
	"\r\n"					/* 4 blank */
	"2,\"Bob \"\"B\"\"\",x\n"		/* 5 */
	"\n"					/* 6 blank */
	"3,Carol,\"cr\r\nlf\"\r"		/* 7-8, lone CR */
	"4,Dan,\"a,b\"\n"			/* 9 */
	"5,\"\",\n"				/* 10 */
	"\r"					/* 11 blank (CR) */
	"6,\"q\rr\",x\r\n"			/* 12-13 */
	"7,last,noeol";				/* 14 */

static const char mixed_want[] =
	"1:id|name|note\n"
	"2:1|Alice|multi\\nline\n"
	"5:2|Bob \"B\"|x\n"
	"7:3|Carol|cr\\r\\nlf\n"
	"9:4|Dan|a,b\n"
	"10:5||\n"
	"12:6|q\\rr|x\n"
	"14:7|last|noeol\n";

Test(csvin, whole)
{
	CSV_EXPECT(mixed_csv, mixed_want);
}

Test(csvin, every_chunk_size)
{
	size_t n = sizeof(mixed_csv) - 1;

	for (size_t chunk = 1; chunk <= n; chunk++) {
		struct rec r = { 0 };
		char err[256];
		int rc = csv_read(mixed_csv, n, chunk, &r, err, sizeof(err));

		cr_expect_eq(rc, 0, "chunk %zu: %d %s", chunk, rc, err);
		cr_expect_str_eq(r.out.s ? r.out.s : "", mixed_want,
		    "chunk size %zu", chunk);
		text_free(&r.out);
	}
}

Test(csvin, line_ends)
{
	CSV_EXPECT("a\nb\nc\n", "1:a\n2:b\n3:c\n");
	CSV_EXPECT("a\nb\nc", "1:a\n2:b\n3:c\n");
	CSV_EXPECT("a\r\nb\r\nc\r\n", "1:a\n2:b\n3:c\n");
	CSV_EXPECT("a\rb\rc\r", "1:a\n2:b\n3:c\n");
	CSV_EXPECT("a\r\rb", "1:a\n3:b\n");
	CSV_EXPECT("a\n\r\nb", "1:a\n3:b\n");
	CSV_EXPECT("a\r\n\nb", "1:a\n3:b\n");
	CSV_EXPECT("a\r\n\r\n\r\nb", "1:a\n4:b\n");
	CSV_EXPECT("a\n\rb", "1:a\n3:b\n");
	CSV_EXPECT("a\rb\n\nc", "1:a\n2:b\n4:c\n");
	CSV_EXPECT("x,y\r\n1,2\r\n", "1:x|y\n2:1|2\n");
}

Test(csvin, blank_lines)
{
	CSV_EXPECT("\n\r\n\ra\n\n\nb\n\n", "4:a\n7:b\n");
	CSV_EXPECT("", "");
	CSV_EXPECT("\n\n\n", "");
	CSV_EXPECT("a\n   \nb", "1:a\n3:b\n");
	/* An empty field beside another is not a blank line. */
	CSV_EXPECT(",\n", "1:|\n");
}

Test(csvin, quoted_newlines)
{
	CSV_EXPECT("\"x\ny\nz\",1\nnext\n", "1:x\\ny\\nz|1\n4:next\n");
	CSV_EXPECT("\"x\r\ny\",1\r\nnext", "1:x\\r\\ny|1\n3:next\n");
	CSV_EXPECT("\"x\ry\",1\nnext", "1:x\\ry|1\n3:next\n");
	CSV_EXPECT("1,\"a\n\nb\",\"c\nd\"\nnext\n",
	    "1:1|a\\n\\nb|c\\nd\n5:next\n");
	/* A quoted field ending with a line end. */
	CSV_EXPECT("\"x\n\"\nnext\n", "1:x\\n\n3:next\n");
	CSV_EXPECT("\"x\r\"\nnext\n", "1:x\\r\n3:next\n");
	CSV_EXPECT("h\n\n\"a\nb\"\n\nz", "1:h\n3:a\\nb\n6:z\n");
}

Test(csvin, quotes)
{
	CSV_EXPECT("\"he said \"\"hi\"\"\",\"\"\"\"\n",
	    "1:he said \"hi\"|\"\n");
	CSV_EXPECT("\"a,b\",\"\",c\n", "1:a,b||c\n");
	CSV_EXPECT("\"\"\"\"\"\"\n", "1:\"\"\n");
}

Test(csvin, bom)
{
	CSV_EXPECT("\xef\xbb\xbf" "a,b\n1,2\n", "1:a|b\n2:1|2\n");
	CSV_EXPECT("\xef\xbb\xbf" "a", "1:a\n");
	CSV_EXPECT("\xef\xbb\xbf", "");
	/* Only at the start. */
	CSV_EXPECT("a\n\xef\xbb\xbf" "b\n", "1:a\n2:\xef\xbb\xbf" "b\n");
	/* An empty first chunk changes nothing. */
	{
		struct rec r = { 0 };
		csvin_t *c = csvin_new(rec_cb, &r);

		cr_assert_not_null(c);
		cr_expect_eq(csvin_feed(c, "", 0), 0);
		cr_expect_eq(csvin_feed(c, "\xef\xbb\xbf" "x\n", 5), 0);
		cr_expect_eq(csvin_end(c), 0);
		cr_expect_str_eq(r.out.s ? r.out.s : "", "1:x\n");
		csvin_free(c);
		text_free(&r.out);
	}
}

/* Input from a pipe arrives in reads of any size, the first included. */
Test(csvin, bom_split_across_chunks)
{
	static const char in[] = "\xef\xbb\xbf" "id,n\n1,2\n";

	for (size_t chunk = 1; chunk <= sizeof(in) - 1; chunk++) {
		struct rec r = { 0 };
		int rc = csv_read(in, sizeof(in) - 1, chunk, &r, NULL, 0);

		cr_expect_eq(rc, 0);
		cr_expect_str_eq(r.out.s ? r.out.s : "", "1:id|n\n2:1|2\n",
		    "BOM kept with chunks of %zu bytes", chunk);
		text_free(&r.out);
	}
}

static void
unclosed(const char *in, const char *want_line)
{
	size_t n = strlen(in);

	for (size_t chunk = 0; chunk <= n; chunk += (chunk < 3 ? 1 : n)) {
		struct rec r = { 0 };
		char err[256];
		int rc = csv_read(in, n, chunk, &r, err, sizeof(err));

		cr_expect_eq(rc, -EBADMSG, "unclosed quote accepted (chunk "
		    "%zu): %d", chunk, rc);
		cr_expect_not_null(strstr(err, want_line), "error \"%s\" does "
		    "not name %s (input \"%s\", chunk %zu)", err, want_line,
		    in, chunk);
		text_free(&r.out);
	}
}

Test(csvin, unclosed_quote)
{
	unclosed("a,b\nc,\"unclosed\n", "line 2");
	unclosed("a,b\nc,\"unclosed\nmore\nlines", "line 2");
	/* The open quote begins the record. */
	unclosed("a,b\n\"unclosed,x\n", "line 2");
	unclosed("a,b\n\n\n\"unclosed\nmore", "line 4");
	unclosed("\"abc", "line 1");
	unclosed("x\n\"a\nb\"\n\"open", "line 4");
}

Test(csvin, callback_stops)
{
	static const char in[] = "a\nb\nc\nd\n";
	struct rec r = { 0 };
	csvin_t *c;

	r.stop_at = 2;
	r.stop_val = 7;
	c = csvin_new(rec_cb, &r);
	cr_assert_not_null(c);
	cr_expect_eq(csvin_feed(c, in, sizeof(in) - 1), 7);
	cr_expect_eq(r.nrec, 2, "callback called after it said stop");
	cr_expect_eq(csvin_feed(c, "e\nf\n", 4), 7);
	cr_expect_eq(r.nrec, 2);
	cr_expect_eq(csvin_end(c), 7);
	cr_expect_eq(r.nrec, 2);
	csvin_free(c);
	text_free(&r.out);

	/* The same in one-byte chunks, and with a negative value. */
	for (size_t chunk = 1; chunk <= 3; chunk++) {
		memset(&r, 0, sizeof(r));
		r.stop_at = 3;
		r.stop_val = -42;
		cr_expect_eq(csv_read(in, sizeof(in) - 1, chunk, &r, NULL, 0),
		    -42);
		cr_expect_eq(r.nrec, 3);
		cr_expect_str_eq(r.out.s, "1:a\n2:b\n3:c\n");
		text_free(&r.out);
	}
}

Test(csvin, field_limits)
{
	struct text t = { 0 };
	struct rec r = { 0 };
	char err[256];
	int rc;

	/* CSVIN_MAXFIELDS fields are fine, one more is an error. */
	for (int i = 0; i < CSVIN_MAXFIELDS; i++)
		text_add(&t, i ? ",x" : "x", i ? 2 : 1);
	text_add(&t, "\n", 1);
	rc = csv_read(t.s, t.len, 0, &r, err, sizeof(err));
	cr_expect_eq(rc, 0, "%s", err);
	cr_expect_eq(r.nrec, 1);
	text_free(&r.out);
	text_free(&t);

	text_add(&t, "ok\n", 3);
	for (int i = 0; i <= CSVIN_MAXFIELDS; i++)
		text_add(&t, i ? ",x" : "x", i ? 2 : 1);
	text_add(&t, "\n", 1);
	memset(&r, 0, sizeof(r));
	rc = csv_read(t.s, t.len, 0, &r, err, sizeof(err));
	cr_expect_eq(rc, -EBADMSG);
	cr_expect_not_null(strstr(err, "line 2"), "error \"%s\"", err);
	cr_expect_eq(r.nrec, 1);
	text_free(&r.out);
	text_free(&t);

	/* A long field, in small chunks. */
	text_add(&t, "\"", 1);
	for (int i = 0; i < 100000; i++)
		text_add(&t, i % 1000 == 999 ? "\n" : "y", 1);
	text_add(&t, "\",end\nnext\n", 11);
	memset(&r, 0, sizeof(r));
	rc = csv_read(t.s, t.len, 4093, &r, err, sizeof(err));
	cr_expect_eq(rc, 0, "%s", err);
	cr_expect_eq(r.nrec, 2);
	cr_expect_not_null(strstr(r.out.s, "\n102:next\n"), "next record "
	    "line wrong");
	text_free(&r.out);
	text_free(&t);
}

/*
 * "Records longer than CSVIN_MAXREC are an error: usually an unclosed
 * quote" — so an unclosed quote must fail once that much is buffered,
 * not after the whole input has been read into memory.
 */
Test(csvin, record_limit, .timeout = 60)
{
	enum { CHUNK = 1 << 16 };
	size_t total = (size_t)CSVIN_MAXREC + 4 * CHUNK, fed = 0;
	char *buf = malloc(CHUNK);
	struct rec r = { 0 };
	csvin_t *c;
	int rc = 0;

#ifdef __SANITIZE_ADDRESS__
	/* libcsv grows its field buffer 128 bytes at a time; ASan's realloc
	 * always copies, which makes 16 MiB quadratic (minutes). */
	free(buf);
	cr_skip_test("too slow under AddressSanitizer");
#endif
	cr_assert_not_null(buf);
	memset(buf, 'z', CHUNK);

	/* A closed field that is too long. */
	c = csvin_new(rec_cb, &r);
	cr_assert_not_null(c);
	rc = csvin_feed(c, "ok\n\"", 4);
	for (fed = 0; rc == 0 && fed < total; fed += CHUNK)
		rc = csvin_feed(c, buf, CHUNK);
	if (rc == 0)
		rc = csvin_feed(c, "\"\n", 2);
	if (rc == 0)
		rc = csvin_end(c);
	cr_expect_eq(rc, -EBADMSG, "a %zu-byte field accepted", total);
	cr_expect_not_null(strstr(csvin_error(c), "line 2"), "error \"%s\"",
	    csvin_error(c));
	cr_expect_eq(r.nrec, 1);
	csvin_free(c);
	text_free(&r.out);

	/* An unclosed one. */
	memset(&r, 0, sizeof(r));
	c = csvin_new(rec_cb, &r);
	cr_assert_not_null(c);
	rc = csvin_feed(c, "ok\n\"", 4);
	for (fed = 0; rc == 0 && fed < total; fed += CHUNK)
		rc = csvin_feed(c, buf, CHUNK);
	cr_expect_eq(rc, -EBADMSG, "%zu bytes of an unclosed quoted field "
	    "buffered without an error (limit %u)", fed, CSVIN_MAXREC);
	if (rc == 0)
		rc = csvin_end(c);
	cr_expect_eq(rc, -EBADMSG, "an unclosed quote of %zu bytes accepted",
	    fed);
	csvin_free(c);
	text_free(&r.out);
	free(buf);
}

/* NDJSON ------------------------------------------------------------- */

struct nd {
	char			*line;	/* heap copy, exactly n bytes */
	struct ndjson_field	f[16];
	int			nf;
	char			err[256];
};

static int
nd_parse(struct nd *d, const char *s, int max)
{
	size_t n = strlen(s);

	d->line = malloc(n ? n : 1);
	cr_assert_not_null(d->line);
	memcpy(d->line, s, n);
	d->err[0] = '\0';
	d->nf = ndjson_object(d->line, n, d->f, max, d->err, sizeof(d->err));
	return (d->nf);
}

static void
nd_free(struct nd *d)
{
	free(d->line);
	d->line = NULL;
}

static void
field_is(const struct nd *d, int i, const char *key, enum ndjson_type type,
    const char *val, size_t vlen)
{
	const struct ndjson_field *x = &d->f[i];

	cr_assert_lt(i, d->nf);
	cr_expect(x->klen == strlen(key) && memcmp(x->key, key, x->klen) == 0,
	    "field %d key \"%.*s\", want \"%s\"", i, (int)x->klen, x->key,
	    key);
	cr_expect_eq(x->type, type, "field %d (%s) type %d, want %d", i, key,
	    x->type, type);
	cr_expect(x->vlen == vlen && memcmp(x->val, val, vlen) == 0,
	    "field %d (%s) value \"%.*s\" (%zu bytes), want \"%.*s\"", i,
	    key, (int)x->vlen, x->val, x->vlen, (int)vlen, val);
}

#define FIELD_IS(d, i, k, t, v)	field_is((d), (i), (k), (t), (v), \
	sizeof(v) - 1)

Test(ndjson, values)
{
	struct nd d;

	cr_assert_eq(nd_parse(&d,
	    "{\"name\":\"Al \\\"x\\\" \\\\ y\\nz \\u00e9 \\ud83d\\ude00\","
	    "\"amt\":1234.56,\"neg\":-0.01,\"e\":1e3,\"t\":true,"
	    "\"f\":false,\"n\":null,\"zero\":0,\"big\":-12345678901234567890.5E+10}",
	    16), 9, "%d: %s", d.nf, d.err);
	FIELD_IS(&d, 0, "name", NDJ_STRING,
	    "Al \"x\" \\ y\nz \xc3\xa9 \xf0\x9f\x98\x80");
	FIELD_IS(&d, 1, "amt", NDJ_NUMBER, "1234.56");
	FIELD_IS(&d, 2, "neg", NDJ_NUMBER, "-0.01");
	FIELD_IS(&d, 3, "e", NDJ_NUMBER, "1e3");
	FIELD_IS(&d, 4, "t", NDJ_BOOL, "true");
	FIELD_IS(&d, 5, "f", NDJ_BOOL, "false");
	FIELD_IS(&d, 6, "n", NDJ_NULL, "");
	FIELD_IS(&d, 7, "zero", NDJ_NUMBER, "0");
	FIELD_IS(&d, 8, "big", NDJ_NUMBER, "-12345678901234567890.5E+10");
	nd_free(&d);
}

Test(ndjson, escapes)
{
	struct nd d;

	cr_assert_eq(nd_parse(&d, "{\"k\\u0041\\/\":"
	    "\"\\b\\f\\r\\t\\/\\u0041\\u07ff\\uffff\\uD83D\\uDE00\\u20AC\"}",
	    4), 1, "%s", d.err);
	FIELD_IS(&d, 0, "kA/", NDJ_STRING,
	    "\b\f\r\t/A\xdf\xbf\xef\xbf\xbf\xf0\x9f\x98\x80\xe2\x82\xac");
	nd_free(&d);
	/* UTF-8 passes through; an empty key and value are fine. */
	cr_assert_eq(nd_parse(&d, "{\"\":\"\",\"caf\xc3\xa9\":\"\xe2\x82\xac"
	    "5\"}", 4), 2, "%s", d.err);
	FIELD_IS(&d, 0, "", NDJ_STRING, "");
	FIELD_IS(&d, 1, "caf\xc3\xa9", NDJ_STRING, "\xe2\x82\xac" "5");
	nd_free(&d);
	/* The highest code point. */
	cr_assert_eq(nd_parse(&d, "{\"a\":\"\\udbff\\udfff\"}", 4), 1, "%s",
	    d.err);
	FIELD_IS(&d, 0, "a", NDJ_STRING, "\xf4\x8f\xbf\xbf");
	nd_free(&d);
}

Test(ndjson, whitespace_and_empty)
{
	struct nd d;

	cr_assert_eq(nd_parse(&d, " \t{ \"a\" : 1 ,\t\"b\" :\t\"x\" , \"c\""
	    ":null }\r", 4), 3, "%s", d.err);
	FIELD_IS(&d, 0, "a", NDJ_NUMBER, "1");
	FIELD_IS(&d, 1, "b", NDJ_STRING, "x");
	FIELD_IS(&d, 2, "c", NDJ_NULL, "");
	nd_free(&d);
	cr_expect_eq(nd_parse(&d, "{}", 4), 0, "%s", d.err);
	nd_free(&d);
	cr_expect_eq(nd_parse(&d, "  {  }  ", 4), 0, "%s", d.err);
	nd_free(&d);
	cr_expect_eq(nd_parse(&d, "{}", 0), 0, "%s", d.err);
	nd_free(&d);
	cr_expect_eq(nd_parse(&d, "{\"a\":true}\n", 4), 1, "%s", d.err);
	nd_free(&d);
	/* Exactly max fields is fine. */
	cr_expect_eq(nd_parse(&d, "{\"a\":1,\"b\":2}", 2), 2, "%s", d.err);
	nd_free(&d);
}

static void
nd_bad(const char *s, const char *col)
{
	struct nd d;
	int rc = nd_parse(&d, s, 8);

	cr_expect_eq(rc, -EBADMSG, "accepted: %s (%d)", s, rc);
	cr_expect_not_null(strstr(d.err, "column"), "no column in \"%s\" "
	    "for %s", d.err, s);
	if (col)
		cr_expect_not_null(strstr(d.err, col), "\"%s\" for %s, want "
		    "%s", d.err, s, col);
	nd_free(&d);
}

Test(ndjson, errors)
{
	/* Nested values. */
	nd_bad("{\"a\":{\"b\":1}}", "column 6");
	nd_bad("{\"a\":[1,2]}", "column 6");
	nd_bad("{\"a\":1,\"b\":[]}", "column 12");
	/* Missing colon, comma, brace. */
	nd_bad("{\"a\" 1}", "column 6");
	nd_bad("{\"a\"}", "column 5");
	nd_bad("{\"a\":1 \"b\":2}", "column 8");
	nd_bad("{\"a\":1,}", NULL);
	nd_bad("{\"a\":1", "column 7");
	nd_bad("{\"a\":", NULL);
	nd_bad("{\"a\":}", NULL);
	nd_bad("{", NULL);
	/* Trailing text. */
	nd_bad("{\"a\":1} x", "column 9");
	nd_bad("{\"a\":1}}", "column 8");
	nd_bad("{}{}", "column 3");
	/* Strings. */
	nd_bad("{\"a\":\"abc", NULL);
	nd_bad("{\"a\":\"abc\\", NULL);
	nd_bad("{\"a\":\"abc\\\"}", NULL);
	nd_bad("{\"abc", NULL);
	nd_bad("{\"a\":\"\\x\"}", NULL);
	nd_bad("{\"a\":\"\\u12G4\"}", NULL);
	nd_bad("{\"a\":\"\\u12\"}", NULL);
	nd_bad("{\"a\":\"tab\there\"}", NULL);
	/* Lone surrogates. */
	nd_bad("{\"a\":\"\\ud83d\"}", NULL);
	nd_bad("{\"a\":\"\\ud83dx\"}", NULL);
	nd_bad("{\"a\":\"\\ud83d\\u0041\"}", NULL);
	nd_bad("{\"a\":\"\\ud83d\\ud83d\"}", NULL);
	nd_bad("{\"a\":\"\\ude00\"}", NULL);
	nd_bad("{\"a\":\"\\ude00\\ud83d\"}", NULL);
	nd_bad("{\"a\":\"\\ud83d", NULL);
	/* Not an object, bad keys and words. */
	nd_bad("", "column 1");
	nd_bad("   ", NULL);
	nd_bad("[]", "column 1");
	nd_bad("\"a\"", NULL);
	nd_bad("{a:1}", "column 2");
	nd_bad("{1:1}", NULL);
	nd_bad("{\"a\":tru}", NULL);
	nd_bad("{\"a\":nul}", NULL);
	nd_bad("{\"a\":TRUE}", NULL);
	nd_bad("{\"a\":truex}", NULL);
	nd_bad("{\"a\":-}", NULL);
	nd_bad("{\"a\":.5}", NULL);
	nd_bad("{\"a\":+1}", NULL);
	nd_bad("{\"a\":'x'}", NULL);
	/* More fields than room. */
	nd_bad("{\"a\":1,\"b\":2,\"c\":3,\"d\":4,\"e\":5,\"f\":6,\"g\":7,"
	    "\"h\":8,\"i\":9}", NULL);
}

Test(ndjson, span_not_terminated)
{
	/* Only the first n bytes are the line: the rest must not be read. */
	char buf[] = "{\"a\":12}34";
	struct ndjson_field f[2];
	char err[128];

	cr_expect_eq(ndjson_object(buf, 8, f, 2, err, sizeof(err)), 1, "%s",
	    err);
	cr_expect_eq(f[0].vlen, 2);
	cr_expect_eq(memcmp(f[0].val, "12", 2), 0);
	/* A number cut by the end of the span. */
	cr_expect_eq(ndjson_object(buf, 7, f, 2, err, sizeof(err)), -EBADMSG);
}

/* Pseudonyms --------------------------------------------------------- */

static char tmpdir[64];
static char err[1024];

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return (remove(path));
}

static void
psetup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/placed-ut-XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
	err[0] = '\0';
}

static void
pteardown(void)
{
	if (tmpdir[0])
		nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	tmpdir[0] = '\0';
}

static const char *
tpath(const char *name)
{
	static char buf[4][256];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", tmpdir, name);
	return (buf[i]);
}

static void
write_file(const char *path, const char *s, size_t n, mode_t mode)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	cr_assert_eq(fwrite(s, 1, n, f), n);
	cr_assert_eq(fclose(f), 0);
	cr_assert_eq(chmod(path, mode), 0);
}

#define KEY_HEX	"000102030405060708090a0b0c0d0e0f" \
		"101112131415161718191a1b1c1d1e1f"

static void
load_fixed_key(pseudo_key_t *k, const char *name)
{
	const char *p = tpath(name);
	int rc;

	write_file(p, KEY_HEX "\n", sizeof(KEY_HEX), 0600);
	rc = pseudo_key_load(k, p, NULL, err, sizeof(err));
	cr_assert_eq(rc, 0, "pseudo_key_load: %d %s", rc, err);
}

TestSuite(pseudo, .init = psetup, .fini = pteardown);

Test(pseudo, key_init)
{
	const char *p = tpath("placed.key");
	char buf[200], before[200];
	pseudo_key_t k;
	struct stat sb;
	FILE *f;
	size_t n;
	int rc;

	rc = pseudo_key_init(p, err, sizeof(err));
	cr_assert_eq(rc, 0, "pseudo_key_init: %d %s", rc, err);
	cr_assert_eq(stat(p, &sb), 0);
	cr_expect(S_ISREG(sb.st_mode));
	cr_expect_eq(sb.st_mode & 0777, 0600, "mode %03o",
	    (unsigned)(sb.st_mode & 0777));
	f = fopen(p, "r");
	cr_assert_not_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	cr_expect_eq(n, 65, "key file is %zu bytes", n);
	cr_expect_eq(strspn(buf, "0123456789abcdef"), 64, "\"%s\"", buf);
	cr_expect_eq(buf[64], '\n');
	memcpy(before, buf, sizeof(buf));

	/* Never overwritten. */
	err[0] = '\0';
	rc = pseudo_key_init(p, err, sizeof(err));
	cr_expect_eq(rc, -EEXIST, "second init: %d", rc);
	cr_expect_neq(err[0], '\0');
	cr_expect_not_null(strstr(err, p), "message \"%s\"", err);
	f = fopen(p, "r");
	cr_assert_not_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	cr_expect_str_eq(buf, before, "the key changed");

	/* It loads; two new keys differ. */
	rc = pseudo_key_load(&k, p, NULL, err, sizeof(err));
	cr_expect_eq(rc, 0, "%s", err);
	cr_expect_str_eq(k.path, p);
	cr_assert_eq(pseudo_key_init(tpath("other.key"), err, sizeof(err)),
	    0);
	f = fopen(tpath("other.key"), "r");
	cr_assert_not_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	cr_expect_str_neq(buf, before, "two keys are the same");

	/* A directory that does not exist. */
	rc = pseudo_key_init(tpath("nodir/placed.key"), err, sizeof(err));
	cr_expect_eq(rc, -ENOENT);
}

Test(pseudo, key_init_umask_irrelevant)
{
	const char *p = tpath("k");
	struct stat sb;
	mode_t old = umask(0);

	cr_assert_eq(pseudo_key_init(p, err, sizeof(err)), 0, "%s", err);
	umask(old);
	cr_assert_eq(stat(p, &sb), 0);
	cr_expect_eq(sb.st_mode & 0777, 0600);
}

static void
load_bad(const char *content, size_t n, mode_t mode, int want,
    const char *msg)
{
	const char *p = tpath("bad.key");
	pseudo_key_t k;
	int rc;

	unlink(p);
	write_file(p, content, n, mode);
	err[0] = '\0';
	rc = pseudo_key_load(&k, p, NULL, err, sizeof(err));
	cr_expect_eq(rc, want, "key file \"%.*s\" mode %03o: rc %d, want %d",
	    (int)(n > 70 ? 70 : n), content, (unsigned)mode, rc, want);
	cr_expect_neq(err[0], '\0');
	if (msg)
		cr_expect_not_null(strstr(err, msg), "message \"%s\"", err);
}

Test(pseudo, key_load_rejects)
{
	static const char h63[] = "000102030405060708090a0b0c0d0e0f"
	    "101112131415161718191a1b1c1d1e1";
	static const char h65[] = KEY_HEX "2";
	static const char h128[] = KEY_HEX KEY_HEX;
	static const char nothex[] = "zz0102030405060708090a0b0c0d0e0f"
	    "101112131415161718191a1b1c1d1e1f\n";
	pseudo_key_t k;
	int rc;

	load_bad(h63, sizeof(h63) - 1, 0600, -EINVAL, "64 hex");
	load_bad(h63, sizeof(h63) - 1, 0600, -EINVAL, NULL);
	load_bad(h65, sizeof(h65) - 1, 0600, -EINVAL, NULL);
	load_bad(h128, sizeof(h128) - 1, 0600, -EINVAL, NULL);
	load_bad("", 0, 0600, -EINVAL, NULL);
	load_bad("\n", 1, 0600, -EINVAL, NULL);
	load_bad(nothex, sizeof(nothex) - 1, 0600, -EINVAL, NULL);
	load_bad(KEY_HEX " \n", sizeof(KEY_HEX) + 1, 0600, -EINVAL, NULL);
	/* Readable by others. */
	load_bad(KEY_HEX "\n", sizeof(KEY_HEX), 0640, -EPERM, "chmod 600");
	load_bad(KEY_HEX "\n", sizeof(KEY_HEX), 0604, -EPERM, NULL);
	load_bad(KEY_HEX "\n", sizeof(KEY_HEX), 0620, -EPERM, NULL);
	load_bad(KEY_HEX "\n", sizeof(KEY_HEX), 0644, -EPERM, NULL);
	/* Good ones: with and without the newline, CRLF, mode 0400. */
	write_file(tpath("a"), KEY_HEX, sizeof(KEY_HEX) - 1, 0600);
	cr_expect_eq(pseudo_key_load(&k, tpath("a"), NULL, err, sizeof(err)),
	    0, "%s", err);
	write_file(tpath("b"), KEY_HEX "\r\n", sizeof(KEY_HEX) + 1, 0400);
	cr_expect_eq(pseudo_key_load(&k, tpath("b"), NULL, err, sizeof(err)),
	    0, "%s", err);
	cr_expect_eq(k.key[0], 0);
	cr_expect_eq(k.key[31], 0x1f);
	/* Missing. */
	err[0] = '\0';
	rc = pseudo_key_load(&k, tpath("missing.key"), NULL, err,
	    sizeof(err));
	cr_expect_eq(rc, -ENOENT);
	cr_expect_not_null(strstr(err, "missing.key"), "message \"%s\"", err);
}

Test(pseudo, key_not_in_db_dir)
{
	char db[256], p[300];
	pseudo_key_t k;
	int rc;

	snprintf(db, sizeof(db), "%s/db", tmpdir);
	cr_assert_eq(mkdir(db, 0700), 0);
	cr_assert_eq(mkdir(tpath("db/sub"), 0700), 0);
	cr_assert_eq(mkdir(tpath("db2"), 0700), 0);
	write_file(tpath("db/placed.key"), KEY_HEX "\n", sizeof(KEY_HEX),
	    0600);
	write_file(tpath("db/sub/placed.key"), KEY_HEX "\n",
	    sizeof(KEY_HEX), 0600);
	write_file(tpath("db2/placed.key"), KEY_HEX "\n", sizeof(KEY_HEX),
	    0600);
	write_file(tpath("placed.key"), KEY_HEX "\n", sizeof(KEY_HEX), 0600);

	memset(&k, 0xaa, sizeof(k));
	rc = pseudo_key_load(&k, tpath("db/placed.key"), db, err,
	    sizeof(err));
	cr_expect_eq(rc, -EPERM, "a key inside the db dir: %d", rc);
	cr_expect_not_null(strstr(err, "inside"), "message \"%s\"", err);
	{
		static const uint8_t zero[PSEUDO_KEYLEN];

		cr_expect_eq(memcmp(k.key, zero, sizeof(zero)), 0,
		    "key bytes left behind after a refusal");
	}
	rc = pseudo_key_load(&k, tpath("db/sub/placed.key"), db, err,
	    sizeof(err));
	cr_expect_eq(rc, -EPERM, "a key in a subdirectory of the db dir");
	/* Spelled differently. */
	snprintf(p, sizeof(p), "%s/db/../db/./placed.key", tmpdir);
	cr_expect_eq(pseudo_key_load(&k, p, db, err, sizeof(err)), -EPERM);
	snprintf(p, sizeof(p), "%s/db/", tmpdir);
	cr_expect_eq(pseudo_key_load(&k, tpath("db/placed.key"), p, err,
	    sizeof(err)), -EPERM, "db dir with a trailing slash");
	/* Through a symbolic link to the db dir. */
	cr_assert_eq(symlink(db, tpath("link")), 0);
	cr_expect_eq(pseudo_key_load(&k, tpath("link/placed.key"), db, err,
	    sizeof(err)), -EPERM, "through a symlink");
	/* Next to it, or in a directory whose name starts the same. */
	cr_expect_eq(pseudo_key_load(&k, tpath("placed.key"), db, err,
	    sizeof(err)), 0, "%s", err);
	cr_expect_eq(pseudo_key_load(&k, tpath("db2/placed.key"), db, err,
	    sizeof(err)), 0, "db2 is not inside db: %s", err);
	/* The db dir may not exist yet. */
	cr_expect_eq(pseudo_key_load(&k, tpath("placed.key"),
	    tpath("nodb"), err, sizeof(err)), 0, "%s", err);
}

static void
hash(const pseudo_key_t *k, const char *s, char out[PSEUDO_HEXLEN + 1])
{
	size_t n = strlen(s);
	char *b = malloc(n ? n : 1);
	int rc;

	cr_assert_not_null(b);
	memcpy(b, s, n);
	memset(out, 'Z', PSEUDO_HEXLEN + 1);
	rc = pseudo_hash(k, b, n, out);
	free(b);
	cr_assert_eq(rc, 0, "pseudo_hash(\"%s\"): %d", s, rc);
	cr_assert_eq(out[PSEUDO_HEXLEN], '\0');
	cr_expect_eq(strlen(out), PSEUDO_HEXLEN);
	cr_expect_eq(strspn(out, "0123456789abcdef"), PSEUDO_HEXLEN,
	    "\"%s\" is not lower-case hex", out);
}

Test(pseudo, hash)
{
	char a[PSEUDO_HEXLEN + 1], b[PSEUDO_HEXLEN + 1];
	pseudo_key_t k, k2;

	load_fixed_key(&k, "k1");
	hash(&k, "943 476 5919", a);
	hash(&k, "9434765919", b);
	cr_expect_str_eq(a, b);
	hash(&k, " 943\t476\r\n5919 ", b);
	cr_expect_str_eq(a, b);
	/* BLAKE2b-128 keyed with the file's key, of the normalised form. */
	cr_expect_str_eq(a, "772bf4b0422ebc3f48a5ef4e6906d85e");

	hash(&k, "ab12", a);
	hash(&k, "AB12", b);
	cr_expect_str_eq(a, b);
	cr_expect_str_eq(a, "2ae4eb3825e8c321eae1af02182ba9f3");
	hash(&k, "aB 1 2", b);
	cr_expect_str_eq(a, b);
	hash(&k, "ab13", b);
	cr_expect_str_neq(a, b);
	hash(&k, "ab1", b);
	cr_expect_str_neq(a, b);

	/* Another key, another pseudonym. */
	cr_assert_eq(pseudo_key_init(tpath("k2"), err, sizeof(err)), 0);
	cr_assert_eq(pseudo_key_load(&k2, tpath("k2"), NULL, err,
	    sizeof(err)), 0, "%s", err);
	hash(&k2, "ab12", b);
	cr_expect_str_neq(a, b);
	cr_expect(pseudo_is_hashed(a, strlen(a)));
	cr_expect(pseudo_is_hashed(b, strlen(b)));
}

Test(pseudo, hash_rejects_blank)
{
	char out[PSEUDO_HEXLEN + 1];
	char big[300];
	pseudo_key_t k;

	load_fixed_key(&k, "k");
	cr_expect_eq(pseudo_hash(&k, "", 0, out), -EINVAL);
	cr_expect_eq(pseudo_hash(&k, "   ", 3, out), -EINVAL);
	cr_expect_eq(pseudo_hash(&k, " \t\r\n", 4, out), -EINVAL);
	/* The span is n bytes, not up to a NUL. */
	cr_expect_eq(pseudo_hash(&k, "x", 0, out), -EINVAL);
	memset(big, '7', sizeof(big));
	cr_expect_lt(pseudo_hash(&k, big, sizeof(big), out), 0,
	    "300-character identifier");
	cr_expect_eq(pseudo_hash(&k, big, 256, out), 0);
}

Test(pseudo, is_hashed)
{
	cr_expect(pseudo_is_hashed("0123456789abcdef0123456789abcdef", 32));
	cr_expect(pseudo_is_hashed("772bf4b0422ebc3f48a5ef4e6906d85e", 32));
	cr_expect(!pseudo_is_hashed("0123456789ABCDEF0123456789abcdef", 32));
	cr_expect(!pseudo_is_hashed("0123456789abcdef0123456789abcde", 31));
	cr_expect(!pseudo_is_hashed("0123456789abcdef0123456789abcdef0",
	    33));
	cr_expect(!pseudo_is_hashed("0123456789abcdeg0123456789abcdef", 32));
	cr_expect(!pseudo_is_hashed("0123456789abcdef 123456789abcdef", 32));
	cr_expect(!pseudo_is_hashed("9434765919", 10));
	cr_expect(!pseudo_is_hashed("", 0));
	/* n, not the NUL, bounds it. */
	cr_expect(pseudo_is_hashed("0123456789abcdef0123456789abcdefXYZ",
	    32));
}

Test(pseudo, key_path_order)
{
	unsetenv("PLACED_KEY");
	cr_expect_str_eq(pseudo_key_path(NULL, NULL), "placed.key");
	cr_expect_str_eq(pseudo_key_path("", ""), "placed.key");
	cr_expect_str_eq(pseudo_key_path(NULL, "/etc/k"), "/etc/k");
	setenv("PLACED_KEY", "/env/k", 1);
	cr_expect_str_eq(pseudo_key_path(NULL, "/etc/k"), "/env/k");
	cr_expect_str_eq(pseudo_key_path("/arg/k", "/etc/k"), "/arg/k");
	setenv("PLACED_KEY", "", 1);
	cr_expect_str_eq(pseudo_key_path(NULL, "/etc/k"), "/etc/k");
	unsetenv("PLACED_KEY");
}
