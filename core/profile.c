/* profile.c — column-mapping profiles: a CSV's rows → records by templates. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csvin.h"
#include "etcfile.h"
#include "plugin.h"
#include "profile.h"
#include "value.h"

#define MAXPARTS	16	/* pieces of one template */
#define MAXFNS		4	/* functions on one column */
#define MAXRECS		16	/* records a row */
#define MAXSETS		32
#define VALMAX		1024

enum part_kind { P_LIT, P_COL, P_SET };

struct part {
	enum part_kind	k;
	char		*text;		/* literal, column or setting name */
	int		col;		/* the file's column, at its header */
	char		*fn[MAXFNS], *arg[MAXFNS];
	int		nfn;
};

struct tmpl {
	int		field;
	struct part	parts[MAXPARTS];
	int		nparts;
};

struct rec {
	struct tmpl	*t;
	int		nt;
};

struct skip_rule {
	char		*column, *value, *why;	/* value NULL: if empty */
	int		col;
};

struct profile {
	char		*name;
	char		*text;		/* as read: part of a load's hash */
	size_t		ntext;
	kind_t		kind;
	int		have_kind;
	char		*set_name[MAXSETS], *set_val[MAXSETS];
	int		nsets;
	struct rec	common, recs[MAXRECS];
	int		nrecs;
	struct skip_rule *skips;
	int		nskips;
};

struct pctx {
	struct profile	*p;
	csvin_t		*csv;
	int		header_done;
	char		**hdr;
	int		nhdr;
	placed_emit_fn	emit;
	void		*sink;
	char		*err;
	size_t		errsz;
};

static const char *
blanks(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return (p);
}

/* A "quoted" string at p into *out; the end in *end.  -1 when unclosed. */
static int
quoted(const char *p, char **out, const char **end)
{
	const char *s = ++p;

	while (*p && *p != '"')
		p++;
	if (*p != '"')
		return (-1);
	*out = strndup(s, (size_t)(p - s));
	*end = p + 1;
	return (0);
}

static const char *
setting(const struct profile *p, const char *name)
{
	for (int i = 0; i < p->nsets; i++)
		if (strcmp(p->set_name[i], name) == 0)
			return (p->set_val[i]);
	return (NULL);
}

static int
known_fn(const char *f)
{
	static const char *const fns[] = { "month_end", "fy_start", "fy_end",
	    "icd10_chapter", "times", "round", "lower", "upper", "trim" };

	for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++)
		if (strcmp(f, fns[i]) == 0)
			return (1);
	return (0);
}

static int
parse_template(struct profile *pr, struct tmpl *t, const char *p,
    const char *file, unsigned ln, char *err, size_t errsz)
{
	for (p = blanks(p); *p && *p != '#'; p = blanks(p)) {
		struct part *pt;

		if (t->nparts == MAXPARTS)
			return (etc_error(err, errsz, file, ln, " more than %d pieces "
			    "in one template", MAXPARTS));
		pt = &t->parts[t->nparts];
		memset(pt, 0, sizeof(*pt));
		pt->col = -1;
		if (*p == '"') {
			pt->k = P_LIT;
			if (quoted(p, &pt->text, &p) != 0)
				return (etc_error(err, errsz, file, ln, " a literal "
				    "has no closing quote"));
		} else if (*p == '$') {
			const char *s = ++p;

			while (isalnum((unsigned char)*p) || *p == '_')
				p++;
			pt->k = P_SET;
			pt->text = strndup(s, (size_t)(p - s));
			if (setting(pr, pt->text) == NULL)
				return (etc_error(err, errsz, file, ln, " no setting "
				    "\"%s\" (set it first: set %s VALUE)",
				    pt->text, pt->text));
		} else if (*p == '{') {
			const char *s = ++p, *bar;
			char *inner;

			while (*p && *p != '}')
				p++;
			if (*p != '}')
				return (etc_error(err, errsz, file, ln, " a column "
				    "has no closing }"));
			inner = strndup(s, (size_t)(p - s));
			p++;
			pt->k = P_COL;
			bar = strchr(inner, '|');
			pt->text = strndup(inner, bar ? (size_t)(bar - inner) :
			    strlen(inner));
			while (bar) {
				const char *f = bar + 1, *colon;
				size_t fl;

				bar = strchr(f, '|');
				fl = bar ? (size_t)(bar - f) : strlen(f);
				if (pt->nfn == MAXFNS) {
					free(inner);
					return (etc_error(err, errsz, file, ln, " more "
					    "than %d functions", MAXFNS));
				}
				colon = memchr(f, ':', fl);
				pt->fn[pt->nfn] = strndup(f, colon ?
				    (size_t)(colon - f) : fl);
				pt->arg[pt->nfn] = colon ? strndup(colon + 1,
				    fl - (size_t)(colon + 1 - f)) : NULL;
				if (!known_fn(pt->fn[pt->nfn])) {
					int rc = etc_error(err, errsz, file, ln,
					    " unknown function \"%s\" (month_end, "
					    "fy_start, fy_end, icd10_chapter, "
					    "times:X, round:N, lower, upper, "
					    "trim)", pt->fn[pt->nfn]);

					free(pt->fn[pt->nfn]);
					free(pt->arg[pt->nfn]);
					free(inner);
					return (rc);
				}
				pt->nfn++;
			}
			free(inner);
		} else
			return (etc_error(err, errsz, file, ln, " expected \"text\", "
			    "{Column} or $setting, not \"%.20s\"", p));
		t->nparts++;
	}
	if (t->nparts == 0)
		return (etc_error(err, errsz, file, ln, " a field needs a value"));
	return (0);
}

static int
add_tmpl(struct rec *r, struct tmpl **out)
{
	struct tmpl *nt = realloc(r->t, (size_t)(r->nt + 1) * sizeof(*nt));

	if (nt == NULL)
		return (-ENOMEM);
	r->t = nt;
	memset(&nt[r->nt], 0, sizeof(*nt));
	*out = &nt[r->nt++];
	return (0);
}

static int
parse_line(struct profile *pr, char *line, const char *file, unsigned ln,
    char *err, size_t errsz)
{
	const char *p = blanks(line), *eq;
	char word[64];
	size_t wl = 0;

	while (p[wl] && !isspace((unsigned char)p[wl]) && p[wl] != '=' &&
	    wl < sizeof(word) - 1)
		wl++;
	memcpy(word, p, wl);
	word[wl] = '\0';
	p = blanks(p + wl);
	if (strcmp(word, "kind") == 0) {
		char k[32] = "";
		int kind;

		sscanf(p, "%31s", k);
		if ((kind = schema_kind_find(k)) < 0)
			return (etc_error(err, errsz, file, ln, " kind \"%s\": spend, "
			    "activity, outcome or service", k));
		pr->kind = (kind_t)kind;
		pr->have_kind = 1;
		return (0);
	}
	if (strcmp(word, "set") == 0) {
		char n[64] = "", v[256] = "";

		if (sscanf(p, "%63s %255s", n, v) != 2 || pr->nsets == MAXSETS)
			return (etc_error(err, errsz, file, ln, " want set NAME "
			    "VALUE"));
		pr->set_name[pr->nsets] = strdup(n);
		pr->set_val[pr->nsets++] = strdup(v);
		return (0);
	}
	if (strcmp(word, "skip-if-empty") == 0 || strcmp(word, "skip-if") ==
	    0) {
		struct skip_rule sr = { 0 }, *ns;
		char c[256] = "";
		int wv = strcmp(word, "skip-if") == 0;

		sr.col = -1;
		if (*p == '"') {
			if (quoted(p, &sr.column, &p) != 0)
				return (etc_error(err, errsz, file, ln, " a column "
				    "has no closing quote"));
		} else {
			sscanf(p, "%255s", c);
			sr.column = strdup(c);
			p += strlen(c);
		}
		p = blanks(p);
		if ((wv && (*p != '"' || quoted(p, &sr.value, &p) != 0)) ||
		    (p = blanks(p), *p != '"') || quoted(p, &sr.why, &p) != 0) {
			free(sr.column);
			free(sr.value);
			return (etc_error(err, errsz, file, ln, wv ?
			    " want skip-if COLUMN \"VALUE\" \"REASON\"" :
			    " want skip-if-empty COLUMN \"REASON\""));
		}
		if ((ns = realloc(pr->skips, (size_t)(pr->nskips + 1) *
		    sizeof(*ns))) == NULL)
			return (-ENOMEM);
		pr->skips = ns;
		pr->skips[pr->nskips++] = sr;
		return (0);
	}
	if (strcmp(word, "record") == 0) {
		if (pr->nrecs == MAXRECS)
			return (etc_error(err, errsz, file, ln, " more than %d "
			    "records a row", MAXRECS));
		pr->nrecs++;
		return (0);
	}
	if ((eq = strchr(line, '=')) != NULL) {
		struct tmpl *t;
		int f;

		if (!pr->have_kind)
			return (etc_error(err, errsz, file, ln, " say the kind first "
			    "(kind spend|activity|outcome|service)"));
		if ((f = schema_field_find(pr->kind, word, strlen(word))) < 0)
			return (etc_error(err, errsz, file, ln, " \"%s\" is not a "
			    "field of %s", word, schema_kind(pr->kind)->name));
		if (add_tmpl(pr->nrecs ? &pr->recs[pr->nrecs - 1] :
		    &pr->common, &t) != 0)
			return (-ENOMEM);
		t->field = f;
		return (parse_template(pr, t, eq + 1, file, ln, err, errsz));
	}
	return (etc_error(err, errsz, file, ln, " expected kind, set, skip-if, "
	    "skip-if-empty, record or FIELD = TEMPLATE, not \"%s\"", word));
}

static void
free_rec(struct rec *r)
{
	for (int i = 0; i < r->nt; i++)
		for (int j = 0; j < r->t[i].nparts; j++) {
			struct part *pt = &r->t[i].parts[j];

			free(pt->text);
			for (int k = 0; k < pt->nfn; k++) {
				free(pt->fn[k]);
				free(pt->arg[k]);
			}
		}
	free(r->t);
}

void
profile_free(struct profile *p)
{
	if (p == NULL)
		return;
	free(p->name);
	free(p->text);
	for (int i = 0; i < p->nsets; i++) {
		free(p->set_name[i]);
		free(p->set_val[i]);
	}
	free_rec(&p->common);
	for (int i = 0; i < p->nrecs; i++)
		free_rec(&p->recs[i]);
	for (int i = 0; i < p->nskips; i++) {
		free(p->skips[i].column);
		free(p->skips[i].value);
		free(p->skips[i].why);
	}
	free(p->skips);
	free(p);
}

int
profile_load(const char *path, struct profile **out, char *err, size_t errsz)
{
	struct profile *p;
	char *text, *line;
	const char *base = strrchr(path, '/');
	unsigned ln = 0;
	size_t n;
	int rc;

	if ((rc = etc_slurp(path, &text, &n, err, errsz)) != 0)
		return (rc);
	if ((p = calloc(1, sizeof(*p))) == NULL) {
		free(text);
		return (-ENOMEM);
	}
	p->name = strdup(base ? base + 1 : path);
	text[n] = '\0';	/* etc_slurp leaves room */
	if ((p->text = malloc(n + 1)) != NULL) {
		memcpy(p->text, text, n + 1);
		p->ntext = n;
	}
	/* Lines one by one; strtok_r would skip empty ones and their
	 * numbers, so split by hand. */
	for (line = text; rc == 0 && line && line < text + n; ln++) {
		char *nl = memchr(line, '\n', (size_t)(text + n - line)), *h;

		if (nl)
			*nl = '\0';
		/* A '#' outside quotes starts a comment. */
		for (h = line; *h; h++) {
			if (*h == '"')
				while (*++h && *h != '"')
					;
			if (*h == '#' || *h == '\r') {
				*h = '\0';
				break;
			}
			if (*h == '\0')
				break;
		}
		if (*blanks(line) != '\0')
			rc = parse_line(p, line, path, ln + 1, err, errsz);
		line = nl ? nl + 1 : NULL;
	}
	free(text);
	if (rc == 0 && !p->have_kind)
		rc = etc_error(err, errsz, path, 1, " no kind line");
	if (rc == 0 && p->common.nt == 0 && p->nrecs == 0)
		rc = etc_error(err, errsz, path, ln, " no fields");
	if (rc != 0) {
		profile_free(p);
		return (rc);
	}
	*out = p;
	return (0);
}

kind_t
profile_kind(const struct profile *p)
{
	return (p->kind);
}

const char *
profile_name(const struct profile *p)
{
	return (p->name);
}

const char *
profile_text(const struct profile *p, size_t *n)
{
	*n = p->ntext;
	return (p->text ? p->text : "");
}

/* ---- functions ---- */

static const struct { char lo, hi; int lo_n, hi_n; const char *name; }
chapters[] = {
	{ 'A', 'B', 0, 99, "infectious" },
	{ 'C', 'C', 0, 99, "neoplasms" }, { 'D', 'D', 0, 48, "neoplasms" },
	{ 'D', 'D', 50, 89, "blood" },
	{ 'E', 'E', 0, 90, "endocrine" },
	{ 'F', 'F', 0, 99, "mental" },
	{ 'G', 'G', 0, 99, "nervous" },
	{ 'H', 'H', 0, 59, "eye" }, { 'H', 'H', 60, 95, "ear" },
	{ 'I', 'I', 0, 99, "circulatory" },
	{ 'J', 'J', 0, 99, "respiratory" },
	{ 'K', 'K', 0, 93, "digestive" },
	{ 'L', 'L', 0, 99, "skin" },
	{ 'M', 'M', 0, 99, "musculoskeletal" },
	{ 'N', 'N', 0, 99, "genitourinary" },
	{ 'O', 'O', 0, 99, "pregnancy" },
	{ 'P', 'P', 0, 96, "perinatal" },
	{ 'Q', 'Q', 0, 99, "congenital" },
	{ 'R', 'R', 0, 99, "symptoms" },
	{ 'S', 'T', 0, 98, "injury" },
	{ 'V', 'Y', 0, 98, "external" },
	{ 'Z', 'Z', 0, 99, "health-status" },
	{ 'U', 'U', 0, 99, "special" },
};

static const char *
icd10_chapter(const char *code)
{
	char c = (char)toupper((unsigned char)code[0]);
	int n;

	if (!isalpha((unsigned char)c) || !isdigit((unsigned char)code[1]) ||
	    !isdigit((unsigned char)code[2]))
		return (NULL);
	n = (code[1] - '0') * 10 + (code[2] - '0');
	for (size_t i = 0; i < sizeof(chapters) / sizeof(chapters[0]); i++) {
		/* A range over letters covers the whole of the middle ones. */
		if (c < chapters[i].lo || c > chapters[i].hi)
			continue;
		if ((c == chapters[i].lo && n < chapters[i].lo_n) ||
		    (c == chapters[i].hi && n > chapters[i].hi_n))
			continue;
		return (chapters[i].name);
	}
	return (NULL);
}

/* "0.3333333333333353" to n places, half away from zero, as text. */
static int
round_dec(const char *in, int places, char *out, size_t outsz)
{
	char d[160];		/* the digits, integer part then places + 1 */
	const char *p = in, *frac = "";
	size_t ni = 0, nd = 0, o = 0;
	int neg = 0, carry;

	while (*p == ' ')
		p++;
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	while (isdigit((unsigned char)p[ni]))
		ni++;
	if (p[ni] == '.') {
		frac = p + ni + 1;
		for (size_t i = 0; frac[i]; i++)
			if (!isdigit((unsigned char)frac[i]))
				return (-1);
	} else if (p[ni] != '\0')
		return (-1);
	if ((ni == 0 && *frac == '\0') || ni + (size_t)places + 2 >= sizeof(d))
		return (-1);
	d[nd++] = '0';		/* room for a carry out of the top */
	memcpy(d + nd, p, ni);
	nd += ni;
	for (int i = 0; i <= places; i++) {
		char c = *frac ? *frac++ : '0';

		d[nd++] = c;
	}
	carry = d[--nd] >= '5';
	for (size_t i = nd; carry && i-- > 0; ) {
		if (d[i] == '9')
			d[i] = '0';
		else {
			d[i]++;
			carry = 0;
		}
	}
	/* d[0..nd): the integer digits (with the carry digit first), then
	 * places decimals. */
	{
		size_t ilen = nd - (size_t)places, i = 0;

		while (i + 1 < ilen && d[i] == '0')
			i++;	/* leading zeros, keeping one */
		if (neg && o < outsz)
			out[o++] = '-';
		for (; i < ilen && o < outsz - 1; i++)
			out[o++] = d[i];
		if (places > 0 && o < outsz - 1)
			out[o++] = '.';
		for (i = ilen; i < nd && o < outsz - 1; i++)
			out[o++] = d[i];
		out[o] = '\0';
	}
	return (0);
}

int
profile_apply(const char *fn, const char *arg, const char *in, char *out,
    size_t outsz, char *why, size_t whysz)
{
	int y, m, d;

	if (strcmp(fn, "trim") == 0) {
		size_t n;

		while (isspace((unsigned char)*in))
			in++;
		n = strlen(in);
		while (n > 0 && isspace((unsigned char)in[n - 1]))
			n--;
		snprintf(out, outsz, "%.*s", (int)n, in);
		return (0);
	}
	if (*in == '\0') {		/* empty stays empty */
		out[0] = '\0';
		return (0);
	}
	if (strcmp(fn, "lower") == 0 || strcmp(fn, "upper") == 0) {
		size_t i;

		for (i = 0; in[i] && i < outsz - 1; i++)
			out[i] = (char)(fn[0] == 'l' ?
			    tolower((unsigned char)in[i]) :
			    toupper((unsigned char)in[i]));
		out[i] = '\0';
		return (0);
	}
	if (strcmp(fn, "month_end") == 0) {
		int32_t days;

		if (value_date_parse(in, strlen(in), &days) != 0) {
			snprintf(why, whysz, "month_end: \"%s\" is not a date",
			    in);
			return (-1);
		}
		date_to_ymd(days, &y, &m, &d);
		m = m == 12 ? 1 : m + 1;
		y = m == 1 ? y + 1 : y;
		value_date_format(date_from_ymd(y, m, 1) - 1, out);
		return (0);
	}
	if (strcmp(fn, "fy_start") == 0 || strcmp(fn, "fy_end") == 0) {
		int y2;

		if (sscanf(in, "%4d-%2d", &y, &y2) != 2 || strlen(in) != 7 ||
		    (y + 1) % 100 != y2) {
			snprintf(why, whysz, "%s: \"%s\" is not a financial "
			    "year such as 2016-17", fn, in);
			return (-1);
		}
		if (fn[3] == 's')
			snprintf(out, outsz, "%04d-04-01", y);
		else
			snprintf(out, outsz, "%04d-03-31", y + 1);
		return (0);
	}
	if (strcmp(fn, "icd10_chapter") == 0) {
		const char *c = icd10_chapter(in);

		if (c == NULL) {
			snprintf(why, whysz, "icd10_chapter: \"%s\" is not an "
			    "ICD-10 code", in);
			return (-1);
		}
		snprintf(out, outsz, "%s", c);
		return (0);
	}
	if (strcmp(fn, "round") == 0) {
		int places = arg ? atoi(arg) : 0;

		if (places < 0 || places > 10 ||
		    round_dec(in, places, out, outsz) != 0) {
			snprintf(why, whysz, "round: \"%s\" is not a number",
			    in);
			return (-1);
		}
		return (0);
	}
	if (strcmp(fn, "times") == 0) {
		int64_t count, pence;
		__int128 v;

		if (value_num_parse(in, strlen(in), &count) != 0) {
			snprintf(why, whysz, "times: \"%s\" is not a number",
			    in);
			return (-1);
		}
		if (arg == NULL || value_money_parse(arg, strlen(arg),
		    &pence) != 0) {
			snprintf(why, whysz, "times: \"%s\" is not an amount",
			    arg ? arg : "");
			return (-1);
		}
		/* count is × NUM_SCALE: round the product half away from
		 * zero to whole pence. */
		v = (__int128)count * pence;
		v = (v >= 0 ? v + NUM_SCALE / 2 : v - NUM_SCALE / 2) / NUM_SCALE;
		if (v > INT64_MAX / 2 || v < -(INT64_MAX / 2)) {
			snprintf(why, whysz, "times: too large");
			return (-1);
		}
		value_money_format((int64_t)v, out);
		return (0);
	}
	snprintf(why, whysz, "unknown function \"%s\"", fn);
	return (-1);
}

/* ---- the importer ---- */

/* A column of the file by name, ignoring case; -1 after the error. */
static int
find_col(struct pctx *c, const char *name, const char *have)
{
	for (int i = 0; i < c->nhdr; i++)
		if (strcasecmp(c->hdr[i], name) == 0)
			return (i);
	snprintf(c->err, c->errsz, "profile %s: no column \"%s\" in the "
	    "header (it has: %s)", c->p->name, name, have);
	return (-1);
}

static int
header(struct pctx *c, int nf, char *const *f, const size_t *len)
{
	struct profile *p = c->p;
	char have[512];
	size_t o = 0;

	if ((c->hdr = calloc((size_t)nf, sizeof(*c->hdr))) == NULL)
		return (-1);
	c->nhdr = nf;
	for (int i = 0; i < nf; i++) {
		const char *s = f[i];
		size_t n = len[i];

		if (i == 0 && n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) {
			s += 3;
			n -= 3;
		}
		while (n > 0 && isspace((unsigned char)*s))
			s++, n--;
		while (n > 0 && isspace((unsigned char)s[n - 1]))
			n--;
		c->hdr[i] = strndup(s, n);
		if (o < sizeof(have))
			o += (size_t)snprintf(have + o, sizeof(have) - o,
			    "%s%s", i ? ", " : "", c->hdr[i]);
	}
	for (int i = 0; i < p->nskips; i++)
		if ((p->skips[i].col = find_col(c, p->skips[i].column,
		    have)) < 0)
			return (-1);
	for (int r = -1; r < p->nrecs; r++) {
		struct rec *rc = r < 0 ? &p->common : &p->recs[r];

		for (int t = 0; t < rc->nt; t++)
			for (int k = 0; k < rc->t[t].nparts; k++)
				if (rc->t[t].parts[k].k == P_COL &&
				    (rc->t[t].parts[k].col = find_col(c,
				    rc->t[t].parts[k].text, have)) < 0)
					return (-1);
	}
	c->header_done = 1;
	return (0);
}

static void
skip(struct pctx *c, uint64_t line, const char *why)
{
	struct plugin_sink *k = c->sink;

	if (k && k->skip)
		k->skip(k->arg, line, why);
}

/* The value of template t for the row f; -1 with why. */
static int
fill(struct pctx *c, const struct tmpl *t, char *const *f,
    const size_t *len, int nf, char *out, size_t outsz, char *why,
    size_t whysz)
{
	size_t o = 0;

	out[0] = '\0';
	for (int k = 0; k < t->nparts; k++) {
		const struct part *pt = &t->parts[k];
		char a[VALMAX], b[VALMAX];
		const char *v = "";

		if (pt->k == P_LIT)
			v = pt->text;
		else if (pt->k == P_SET)
			v = setting(c->p, pt->text);
		else {
			snprintf(a, sizeof(a), "%.*s", pt->col < nf ?
			    (int)len[pt->col] : 0, pt->col < nf ?
			    f[pt->col] : "");
			for (int i = 0; i < pt->nfn; i++) {
				const char *arg = pt->arg[i];

				if (arg && arg[0] == '$')
					arg = setting(c->p, arg + 1);
				if (profile_apply(pt->fn[i], arg, a, b,
				    sizeof(b), why, whysz) != 0)
					return (-1);
				memcpy(a, b, strlen(b) + 1);
			}
			v = a;
		}
		o += (size_t)snprintf(out + o, o < outsz ? outsz - o : 0, "%s",
		    v);
	}
	return (0);
}

static int
row(void *arg, uint64_t line, int nf, char *const *f, const size_t *len)
{
	struct pctx *c = arg;
	struct profile *p = c->p;
	const struct kind_def *kd = schema_kind(p->kind);
	int nrec = p->nrecs ? p->nrecs : 1;

	if (!c->header_done) {
		if (header(c, nf, f, len) != 0)
			return (-1);
		skip(c, line, "header");
		return (0);
	}
	for (int i = 0; i < p->nskips; i++) {
		const struct skip_rule *s = &p->skips[i];
		size_t n = s->col < nf ? len[s->col] : 0;
		const char *v = s->col < nf ? f[s->col] : "";

		while (n > 0 && isspace((unsigned char)*v))
			v++, n--;
		while (n > 0 && isspace((unsigned char)v[n - 1]))
			n--;
		if (s->value ? (strlen(s->value) == n &&
		    memcmp(s->value, v, n) == 0) : n == 0) {
			skip(c, line, s->why);
			return (0);
		}
	}
	for (int r = 0; r < nrec; r++) {
		const char *names[SCHEMA_MAXCOLS], *values[SCHEMA_MAXCOLS];
		char vals[SCHEMA_MAXCOLS][VALMAX], why[256];
		struct placed_record rec = { kd->name, 0, names, values, line };
		const struct rec *parts[2] = { &p->common,
		    p->nrecs ? &p->recs[r] : NULL };
		int bad = 0;
		char msg[400];

		for (int g = 0; g < 2 && !bad; g++)
			for (int t = 0; parts[g] && t < parts[g]->nt; t++) {
				const struct tmpl *tp = &parts[g]->t[t];
				int slot = rec.nfields;

				for (int j = 0; j < rec.nfields; j++)
					if (strcmp(names[j],
					    kd->fields[tp->field].name) == 0)
						slot = j;	/* a block's own */
				if (slot == SCHEMA_MAXCOLS)
					continue;
				if (fill(c, tp, f, len, nf, vals[slot],
				    sizeof(vals[slot]), why,
				    sizeof(why)) != 0) {
					snprintf(msg, sizeof(msg), "field "
					    "\"%s\": %s",
					    kd->fields[tp->field].name, why);
					bad = 1;
					break;
				}
				names[slot] = kd->fields[tp->field].name;
				values[slot] = vals[slot];
				if (slot == rec.nfields)
					rec.nfields++;
			}
		if (bad) {
			/* A value a function cannot read rejects the record,
			 * as the host rejects one it cannot read. */
			struct plugin_sink *k = c->sink;

			if (k && k->reject)
				k->reject(k->arg, line, msg);
			continue;
		}
		if (c->emit(c->sink, &rec) != 0)
			return (-1);
	}
	return (0);
}

static void *
p_open(void *state, const char *kind, char *err, size_t errsz)
{
	struct profile *p = state;
	struct pctx *c;

	if (strcmp(kind, schema_kind(p->kind)->name) != 0) {
		snprintf(err, errsz, "profile %s makes %s records, not %s",
		    p->name, schema_kind(p->kind)->name, kind);
		return (NULL);
	}
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->csv = csvin_new(row, c)) == NULL) {
		free(c);
		snprintf(err, errsz, "out of memory");
		return (NULL);
	}
	c->p = p;
	return (c);
}

static int
p_step(struct pctx *c, const char *buf, size_t n, placed_emit_fn emit,
    void *sink, char *err, size_t errsz)
{
	int rc;

	c->emit = emit;
	c->sink = sink;
	c->err = err;
	c->errsz = errsz;
	rc = buf ? csvin_feed(c->csv, buf, n) : csvin_end(c->csv);
	if (rc == -EBADMSG)
		snprintf(err, errsz, "%s", csvin_error(c->csv));
	return (rc ? -1 : 0);
}

static int
p_feed(void *ctx, const char *buf, size_t n, placed_emit_fn emit, void *sink,
    char *err, size_t errsz)
{
	return (p_step(ctx, buf, n, emit, sink, err, errsz));
}

static int
p_end(void *ctx, placed_emit_fn emit, void *sink, char *err, size_t errsz)
{
	struct pctx *c = ctx;

	if (p_step(c, NULL, 0, emit, sink, err, errsz) != 0)
		return (-1);
	if (!c->header_done) {
		snprintf(err, errsz, "empty file: no header line");
		return (-1);
	}
	return (0);
}

static void
p_close(void *ctx)
{
	struct pctx *c = ctx;

	csvin_free(c->csv);
	for (int i = 0; i < c->nhdr; i++)
		free(c->hdr[i]);
	free(c->hdr);
	free(c);
}

void
profile_importer(struct profile *p, struct placed_importer *out)
{
	memset(out, 0, sizeof(*out));
	out->format = "profile";
	out->kinds = schema_kind(p->kind)->name;
	out->open = p_open;
	out->feed = p_feed;
	out->end = p_end;
	out->close = p_close;
	out->state = p;
}
