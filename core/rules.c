/* rules.c — rules files: parse, JIT-compile, memoised first-match, and
 * largest-remainder apportionment (see rules.h). */
#include "config.h"

#include <assert.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "etcfile.h"
#include "rules.h"
#include "schema.h"

#ifndef PCRE2_MATCH_INVALID_UTF
#define PCRE2_MATCH_INVALID_UTF	0
#endif

struct rule_int {
	struct rule	pub;
	pcre2_code	*re;
	int		chain;		/* index into rules.chains */
	unsigned	pat_col;
};

/* The rules of one scheme on one field, in file order. */
struct chain {
	const char	*scheme;
	const char	*field;
};

struct rules {
	struct rule_int	*v;
	size_t		n, cap;
	struct chain	*chains;
	int		nchains;
	pcre2_match_data *md;
	/* Memo: open addressing, key (chain << 32 | id), 0 = empty; value
	 * the index of the first matching rule, or -1. */
	uint64_t	*mkeys;
	int32_t		*mvals;
	size_t		mcap, mn;
	uint64_t	execs;
};

/* parse ------------------------------------------------------------- */

struct pctx {
	const char	*name;
	unsigned	line;
	const char	*bol;		/* start of the current line */
	char		*err;
	size_t		errsz;
};

__attribute__((format(printf, 3, 4)))
static int
perr(struct pctx *c, const char *at, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c->errsz > 0)
		snprintf(c->err, c->errsz, "%s:%u:%u: %s", c->name, c->line,
		    (unsigned)(at - c->bol) + 1, msg);
	return (-EINVAL);
}

static int
is_blank(int ch)
{
	return (ch == ' ' || ch == '\t');
}

static const char *
skip_blanks(const char *p, const char *e)
{
	while (p < e && is_blank((unsigned char)*p))
		p++;
	return (p);
}

static int
field_known(const char *s, size_t n)
{
	for (int k = 0; k < KIND_MAX; k++)
		if (schema_field_find((kind_t)k, s, n) >= 0)
			return (1);
	return (0);
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

static void
fmt_bp(uint32_t bp, char *buf, size_t n)
{
	if (bp % 100 == 0)
		snprintf(buf, n, "%u", bp / 100);
	else if (bp % 10 == 0)
		snprintf(buf, n, "%u.%u", bp / 100, bp % 100 / 10);
	else
		snprintf(buf, n, "%u.%02u", bp / 100, bp % 100);
}

static void
rule_clear(struct rule_int *ri)
{
	free((char *)ri->pub.scheme);
	free((char *)ri->pub.field);
	free((char *)ri->pub.pattern);
	free((char *)ri->pub.file);
	for (int i = 0; i < ri->pub.ncodes; i++)
		free((char *)ri->pub.shares[i].code);
	pcre2_code_free(ri->re);
	memset(ri, 0, sizeof(*ri));
}

static int
chain_find(const struct rules *r, const char *scheme, const char *field)
{
	for (int i = 0; i < r->nchains; i++)
		if (strcmp(r->chains[i].scheme, scheme) == 0 &&
		    strcasecmp(r->chains[i].field, field) == 0)
			return (i);
	return (-1);
}

static int
chain_add(struct rules *r, struct rule_int *ri)
{
	int c = chain_find(r, ri->pub.scheme, ri->pub.field);
	struct chain *nc;

	if (c >= 0)
		return (c);
	nc = realloc(r->chains, (size_t)(r->nchains + 1) * sizeof(*nc));
	if (nc == NULL)
		return (-ENOMEM);
	r->chains = nc;
	/* The chain borrows the first rule's strings; rules outlive it. */
	nc[r->nchains].scheme = ri->pub.scheme;
	nc[r->nchains].field = ri->pub.field;
	return (r->nchains++);
}

/* SHARE := DIGITS [ "." DIGIT [DIGIT] ] "%" ; 0 < SHARE <= 100 */
static int
parse_share(const char *s, size_t n, uint32_t *bp)
{
	uint32_t whole = 0, frac = 0;
	size_t i = 0, nd = 0, nf = 0;

	if (n < 2 || s[n - 1] != '%')
		return (-1);
	n--;
	for (; i < n && isdigit((unsigned char)s[i]); i++, nd++) {
		if (whole > 1000)
			return (-1);
		whole = whole * 10 + (uint32_t)(s[i] - '0');
	}
	if (nd == 0)
		return (-1);
	if (i < n && s[i] == '.') {
		for (i++; i < n && isdigit((unsigned char)s[i]); i++, nf++) {
			if (nf == 2)
				return (-1);
			frac = frac * 10 + (uint32_t)(s[i] - '0');
		}
		if (nf == 0)
			return (-1);
		if (nf == 1)
			frac *= 10;
	}
	if (i != n)
		return (-1);
	*bp = whole * 100 + frac;
	return (0);
}

/*
 * RULE := SCHEME FIELD "/" PATTERN "/" CODES [ "#" COMMENT ]
 * CODES := CODE [ SHARE ] { "," CODE SHARE }
 */
static int
parse_line(struct rules *r, struct pctx *c, const char *p, const char *e)
{
	struct rule_int ri;
	const char *t, *pat, *first_share = NULL;
	int have_share[RULES_MAXCODES];
	uint32_t sum = 0;
	PCRE2_SIZE eoff;
	int ecode, rc;

	memset(&ri, 0, sizeof(ri));
	/* SCHEME */
	for (t = p; p < e && !is_blank((unsigned char)*p); p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-' &&
		    *p != '.')
			return (perr(c, p, "bad character in scheme name"));
	ri.pub.scheme = dupn(t, (size_t)(p - t));
	/* FIELD */
	p = skip_blanks(p, e);
	for (t = p; p < e && !is_blank((unsigned char)*p); p++)
		;
	if (p == t) {
		rc = perr(c, p, "expected a field after the scheme");
		goto fail;
	}
	if (!field_known(t, (size_t)(p - t))) {
		rc = perr(c, t, "unknown field \"%.*s\"", (int)(p - t), t);
		goto fail;
	}
	ri.pub.field = dupn(t, (size_t)(p - t));
	for (char *f = (char *)ri.pub.field; f != NULL && *f != '\0'; f++)
		*f = (char)tolower((unsigned char)*f);
	/* /PATTERN/ */
	p = skip_blanks(p, e);
	if (p == e || *p != '/') {
		rc = perr(c, p, "expected /PATTERN/ after the field");
		goto fail;
	}
	t = p++;
	for (pat = p; p < e && *p != '/'; p++)
		if (*p == '\\' && p + 1 < e)
			p++;
	if (p >= e) {
		rc = perr(c, t, "unterminated pattern");
		goto fail;
	}
	if (p == pat) {
		rc = perr(c, t, "empty pattern");
		goto fail;
	}
	ri.pub.pattern = dupn(pat, (size_t)(p - pat));
	ri.pat_col = (unsigned)(pat - c->bol) + 1;
	ri.re = pcre2_compile((PCRE2_SPTR)pat, (PCRE2_SIZE)(p - pat),
	    PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &ecode, &eoff, NULL);
	if (ri.re == NULL) {
		PCRE2_UCHAR msg[256];

		pcre2_get_error_message(ecode, msg, sizeof(msg));
		rc = perr(c, pat + eoff, "bad pattern: %s", (char *)msg);
		goto fail;
	}
	(void)pcre2_jit_compile(ri.re, PCRE2_JIT_COMPLETE);
	p++;
	if (p < e && !is_blank((unsigned char)*p)) {
		rc = perr(c, p, "unexpected \"%c\" after the pattern (flags "
		    "go inside it, as (?i))", *p);
		goto fail;
	}
	/* CODES */
	for (;;) {
		int i = ri.pub.ncodes;

		p = skip_blanks(p, e);
		if (p == e || *p == '#' || *p == ',') {
			rc = perr(c, p, i == 0 ? "expected a code after the "
			    "pattern" : "expected a code after ','");
			goto fail;
		}
		for (t = p; p < e && !is_blank((unsigned char)*p) &&
		    *p != ','; p++)
			;
		if (p[-1] == '%') {
			rc = perr(c, t, "expected a code before the share "
			    "\"%.*s\"", (int)(p - t), t);
			goto fail;
		}
		if (i == RULES_MAXCODES) {
			rc = perr(c, t, "more than %d codes in one rule",
			    RULES_MAXCODES);
			goto fail;
		}
		for (int j = 0; j < i; j++)
			if (strlen(ri.pub.shares[j].code) == (size_t)(p - t) &&
			    memcmp(ri.pub.shares[j].code, t,
			    (size_t)(p - t)) == 0) {
				rc = perr(c, t, "duplicate code \"%.*s\"",
				    (int)(p - t), t);
				goto fail;
			}
		ri.pub.shares[i].code = dupn(t, (size_t)(p - t));
		ri.pub.code_col[i] = (unsigned)(t - c->bol) + 1;
		ri.pub.ncodes++;
		have_share[i] = 0;
		p = skip_blanks(p, e);
		if (p < e && (isdigit((unsigned char)*p) || *p == '.')) {
			for (t = p; p < e && !is_blank((unsigned char)*p) &&
			    *p != ','; p++)
				;
			if (p[-1] != '%') {
				rc = perr(c, t, "expected ',' or a share such "
				    "as 40%%, not \"%.*s\"", (int)(p - t), t);
				goto fail;
			}
			if (parse_share(t, (size_t)(p - t),
			    &ri.pub.shares[i].bp) != 0) {
				rc = perr(c, t, "bad share \"%.*s\" (a "
				    "percentage with at most 2 decimals)",
				    (int)(p - t), t);
				goto fail;
			}
			if (ri.pub.shares[i].bp == 0 ||
			    ri.pub.shares[i].bp > RULES_BP_WHOLE) {
				rc = perr(c, t, "share \"%.*s\" is not more "
				    "than 0%% and at most 100%%",
				    (int)(p - t), t);
				goto fail;
			}
			if (first_share == NULL)
				first_share = t;
			have_share[i] = 1;
			sum += ri.pub.shares[i].bp;
			p = skip_blanks(p, e);
		}
		if (p < e && *p == ',') {
			p++;
			continue;
		}
		if (p == e || *p == '#')
			break;
		rc = perr(c, p, "expected ',' or the end of the line");
		goto fail;
	}
	if (ri.pub.ncodes == 1 && !have_share[0]) {
		ri.pub.shares[0].bp = RULES_BP_WHOLE;
		sum = RULES_BP_WHOLE;
	}
	for (int i = 0; i < ri.pub.ncodes; i++)
		if (!have_share[i] && ri.pub.ncodes > 1) {
			rc = perr(c, c->bol + ri.pub.code_col[i] - 1,
			    "code \"%s\" needs a share", ri.pub.shares[i].code);
			goto fail;
		}
	if (sum != RULES_BP_WHOLE) {
		char s[16];

		fmt_bp(sum, s, sizeof(s));
		rc = perr(c, first_share, "shares sum to %s%%, not 100%%", s);
		goto fail;
	}
	ri.pub.file = strdup(c->name);
	ri.pub.line = c->line;
	if (ri.pub.file == NULL)
		goto nomem;
	if (r->n == r->cap) {
		size_t nc = r->cap ? r->cap * 2 : 16;
		struct rule_int *nv = realloc(r->v, nc * sizeof(*nv));

		if (nv == NULL)
			goto nomem;
		r->v = nv;
		r->cap = nc;
	}
	if ((ri.chain = chain_add(r, &ri)) < 0)
		goto nomem;
	r->v[r->n++] = ri;
	return (0);
nomem:
	rc = -ENOMEM;
	if (c->errsz > 0)
		snprintf(c->err, c->errsz, "%s:%u: out of memory", c->name,
		    c->line);
fail:
	rule_clear(&ri);
	return (rc);
}

static int
parse_into(struct rules *r, const char *name, const char *text, size_t n,
    char *err, size_t errsz)
{
	struct pctx c = { name, 0, text, err, errsz };
	const char *p = text, *e = text + n;

	while (p < e) {
		const char *eol = memchr(p, '\n', (size_t)(e - p));
		const char *le = eol ? eol : e;
		const char *s;
		int rc;

		c.line++;
		c.bol = p;
		if (le > p && le[-1] == '\r')
			le--;
		s = skip_blanks(p, le);
		if (s < le && *s != '#' &&
		    (rc = parse_line(r, &c, s, le)) != 0)
			return (rc);
		p = eol ? eol + 1 : e;
	}
	return (0);
}

static struct rules *
rules_new(void)
{
	struct rules *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return (NULL);
	r->md = pcre2_match_data_create(1, NULL);
	if (r->md == NULL) {
		free(r);
		return (NULL);
	}
	return (r);
}

void
rules_free(struct rules *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->n; i++)
		rule_clear(&r->v[i]);
	free(r->v);
	free(r->chains);
	free(r->mkeys);
	free(r->mvals);
	pcre2_match_data_free(r->md);
	free(r);
}

int
rules_parse(const char *name, const char *text, size_t n,
    struct rules **out, char *err, size_t errsz)
{
	struct rules *r = rules_new();
	int rc;

	if (r == NULL) {
		snprintf(err, errsz, "%s: out of memory", name);
		return (-ENOMEM);
	}
	if ((rc = parse_into(r, name, text, n, err, errsz)) != 0) {
		rules_free(r);
		return (rc);
	}
	*out = r;
	return (0);
}

int
rules_load(const char *path, struct rules **out, char *err, size_t errsz)
{
	char *text;
	size_t n;
	int rc;

	if ((rc = etc_slurp(path, &text, &n, err, errsz)) != 0)
		return (rc);
	rc = rules_parse(path, text, n, out, err, errsz);
	free(text);
	return (rc);
}

static int
parse_file(void *arg, const char *path, const char *text, size_t n,
    char *err, size_t errsz)
{
	return (parse_into(arg, path, text, n, err, errsz));
}

int
rules_load_dir(const char *dir, struct rules **out, char *err,
    size_t errsz)
{
	struct rules *r;
	int rc;

	if ((r = rules_new()) == NULL) {
		snprintf(err, errsz, "%s: out of memory", dir);
		return (-ENOMEM);
	}
	if ((rc = etc_each_file(dir, ".rules", parse_file, r, err,
	    errsz)) != 0) {
		rules_free(r);
		return (rc);
	}
	*out = r;
	return (0);
}

int
rules_check(const struct rules *r, rules_known_cb known, void *arg,
    char *err, size_t errsz)
{
	for (size_t i = 0; i < r->n; i++) {
		const struct rule *ru = &r->v[i].pub;

		for (int j = 0; j < ru->ncodes; j++) {
			int k = known(arg, ru->scheme, ru->shares[j].code);

			if (k == 1)
				continue;
			if (k < 0)
				snprintf(err, errsz, "%s:%u:1: unknown scheme "
				    "\"%s\"", ru->file, ru->line, ru->scheme);
			else
				snprintf(err, errsz, "%s:%u:%u: unknown %s "
				    "code \"%s\"", ru->file, ru->line,
				    ru->code_col[j], ru->scheme,
				    ru->shares[j].code);
			return (-EINVAL);
		}
	}
	return (0);
}

size_t
rules_count(const struct rules *r)
{
	return (r->n);
}

const struct rule *
rules_get(const struct rules *r, size_t i)
{
	return (i < r->n ? &r->v[i].pub : NULL);
}

/* match ------------------------------------------------------------- */

static size_t
memo_slot(const struct rules *r, uint64_t key)
{
	uint64_t h = key * 0x9E3779B97F4A7C15ull;
	size_t i = (size_t)(h >> 32) & (r->mcap - 1);

	while (r->mkeys[i] != 0 && r->mkeys[i] != key)
		i = (i + 1) & (r->mcap - 1);
	return (i);
}

static int
memo_grow(struct rules *r)
{
	size_t ocap = r->mcap, ncap = ocap ? ocap * 2 : 1024;
	uint64_t *ok = r->mkeys;
	int32_t *ov = r->mvals;

	r->mkeys = calloc(ncap, sizeof(*r->mkeys));
	r->mvals = malloc(ncap * sizeof(*r->mvals));
	if (r->mkeys == NULL || r->mvals == NULL) {
		free(r->mkeys);
		free(r->mvals);
		r->mkeys = ok;
		r->mvals = ov;
		return (-ENOMEM);
	}
	r->mcap = ncap;
	for (size_t i = 0; i < ocap; i++)
		if (ok[i] != 0) {
			size_t s = memo_slot(r, ok[i]);

			r->mkeys[s] = ok[i];
			r->mvals[s] = ov[i];
		}
	free(ok);
	free(ov);
	return (0);
}

void
rules_memo_reset(struct rules *r)
{
	if (r->mcap > 0)
		memset(r->mkeys, 0, r->mcap * sizeof(*r->mkeys));
	r->mn = 0;
}

uint64_t
rules_executions(const struct rules *r)
{
	return (r->execs);
}

/* *idx = the first rule of chain ch matching value, or -1; 0, or -EIO
 * on a match error. */
static int
chain_first(struct rules *r, int ch, uint32_t id, const char *value,
    size_t n, int32_t *idx)
{
	uint64_t key = ((uint64_t)(uint32_t)ch << 32) | id;
	size_t slot = 0;

	if (id != 0 && r->mcap > 0) {
		slot = memo_slot(r, key);
		if (r->mkeys[slot] == key) {
			*idx = r->mvals[slot];
			return (0);
		}
	}
	*idx = -1;
	for (size_t i = 0; i < r->n; i++) {
		int m;

		if (r->v[i].chain != ch)
			continue;
		r->execs++;
		m = pcre2_match(r->v[i].re, (PCRE2_SPTR)value, n, 0, 0, r->md,
		    NULL);
		if (m >= 0) {
			*idx = (int32_t)i;
			break;
		}
		if (m != PCRE2_ERROR_NOMATCH)
			return (-EIO);
	}
	if (id == 0)
		return (0);
	/* A failure to grow only costs the memo entry. */
	if ((r->mn + 1) * 2 > r->mcap && memo_grow(r) != 0)
		return (0);
	slot = memo_slot(r, key);
	r->mkeys[slot] = key;
	r->mvals[slot] = *idx;
	r->mn++;
	return (0);
}

int
rules_match(struct rules *r, const char *scheme, const char *field,
    uint32_t dict_id, const char *value, size_t n, const struct rule **hit)
{
	int ch = chain_find(r, scheme, field);
	int32_t idx = -1;
	int rc;

	*hit = NULL;
	if (ch < 0 || value == NULL)
		return (0);
	if ((rc = chain_first(r, ch, dict_id, value, n, &idx)) != 0)
		return (rc);
	if (idx < 0)
		return (0);
	*hit = &r->v[idx].pub;
	return (1);
}

int
rules_classify(struct rules *r, const char *scheme,
    const struct placed_record *rec, const uint32_t *ids,
    const struct rule **hit)
{
	int32_t best = -1;

	*hit = NULL;
	/* The first rule in file order across fields is the least of each
	 * field's first match; a field's chain stops at its own first. */
	for (int f = 0; f < rec->nfields; f++) {
		const char *v = rec->values[f];
		int32_t idx;
		int ch, rc;

		if (v == NULL || *v == '\0' ||
		    (ch = chain_find(r, scheme, rec->names[f])) < 0)
			continue;
		rc = chain_first(r, ch, ids ? ids[f] : 0, v, strlen(v), &idx);
		if (rc != 0)
			return (rc);
		if (idx >= 0 && (best < 0 || idx < best))
			best = idx;
	}
	if (best < 0)
		return (0);
	*hit = &r->v[best].pub;
	return (1);
}

/* apportion --------------------------------------------------------- */

void
rules_apportion(int64_t amount, const uint32_t *bp, int n, int64_t *out)
{
	__int128 mag = amount < 0 ? -(__int128)amount : (__int128)amount;
	__int128 total = 0, given = 0, left;

	assert(n > 0);
	for (int i = 0; i < n; i++)
		total += bp[i];
	assert(total > 0);
	for (int i = 0; i < n; i++)
		given += mag * bp[i] / total;
	left = mag - given;			/* < n */
	for (int i = 0; i < n; i++) {
		__int128 ri = mag * bp[i] % total;
		__int128 rank = 0;

		for (int j = 0; j < n && rank < left; j++) {
			__int128 rj = mag * bp[j] % total;

			if (rj > ri || (rj == ri && j < i))
				rank++;
		}
		/* In 128 bits: mag is 2^63 for INT64_MIN. */
		__int128 part = mag * bp[i] / total + (rank < left ? 1 : 0);

		out[i] = (int64_t)(amount < 0 ? -part : part);
	}
}
