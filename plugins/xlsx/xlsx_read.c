/*
 * xlsx_read.c — a workbook from memory: the zip (libzip), its sheet list,
 * shared strings and styles, and each sheet's rows streamed through expat
 * so that a sheet is never held whole.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <expat.h>
#include <zip.h>

#include "xlsx_read.h"

#define CHUNK		65536
#define MAXCOLS		16384		/* to XFD, Excel's last */
/* The most bytes of shared strings held. */
#define MAXSST		((size_t)1 << 30)

struct sheet {
	char		*name;
	char		*rid;		/* r:id, until resolved */
	char		*path;		/* xl/worksheets/sheet1.xml */
};

/* A growing byte buffer; text accumulates here. */
struct buf {
	char		*s;
	size_t		len, cap;
};

struct xlsx {
	zip_t		*zip;
	int		date1904;
	struct sheet	*sheets;
	int		nsheets;
	struct buf	sst;		/* shared strings, NUL-ended */
	size_t		*sstoff;
	size_t		nsst, sstcap;
	unsigned char	*xfkind;	/* each cellXfs's xlsx_numkind */
	size_t		nxf;
};

static void
seterr(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	if (errsz == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
}

static int
buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		if ((p = realloc(b->s, cap)) == NULL)
			return (-ENOMEM);
		b->s = p;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
	return (0);
}

/* A name without its namespace ("uri|row": see XML_ParserCreateNS). */
static const char *
local(const char *name)
{
	const char *p = strrchr(name, '|');

	return (p ? p + 1 : name);
}

static const char *
attr(const char **atts, const char *name)
{
	for (int i = 0; atts[i]; i += 2)
		if (strcmp(local(atts[i]), name) == 0)
			return (atts[i + 1]);
	return (NULL);
}

/* What every parse's user data starts with. */
struct pctx {
	XML_Parser	p;
	int		stop;		/* why a handler stopped it */
};

/*
 * Parse one member of the zip with expat and the given handlers, which
 * get ud, a struct starting with a struct pctx.  0, -1 when the member is
 * missing and optional, a handler's stop code, or a negative error with
 * err set.
 */
static int
parse_member(xlsx_t *x, const char *name, int optional,
    XML_StartElementHandler start, XML_EndElementHandler end,
    XML_CharacterDataHandler text, struct pctx *ud, char *err,
    size_t errsz)
{
	XML_Parser p;
	zip_file_t *zf;
	char *chunk;
	zip_int64_t n;
	int rc = 0, last = 0;

	if ((zf = zip_fopen(x->zip, name, ZIP_FL_NOCASE)) == NULL) {
		if (optional)
			return (-1);
		seterr(err, errsz, "not a workbook: no %s", name);
		return (-EINVAL);
	}
	if ((chunk = malloc(CHUNK)) == NULL ||
	    (p = XML_ParserCreateNS(NULL, '|')) == NULL) {
		free(chunk);
		zip_fclose(zf);
		return (-ENOMEM);
	}
	ud->p = p;
	ud->stop = 0;
	XML_SetUserData(p, ud);
	XML_SetElementHandler(p, start, end);
	if (text)
		XML_SetCharacterDataHandler(p, text);
	while (!last) {
		if ((n = zip_fread(zf, chunk, CHUNK)) < 0) {
			seterr(err, errsz, "%s: %s", name,
			    zip_file_strerror(zf));
			rc = -EINVAL;
			break;
		}
		last = n == 0;
		if (XML_Parse(p, chunk, (int)n, last) == XML_STATUS_ERROR) {
			if (XML_GetErrorCode(p) == XML_ERROR_ABORTED &&
			    ud->stop != 0)
				rc = ud->stop;
			else {
				seterr(err, errsz, "%s:%lu: %s", name,
				    (unsigned long)XML_GetCurrentLineNumber(p),
				    XML_ErrorString(XML_GetErrorCode(p)));
				rc = -EINVAL;
			}
			break;
		}
	}
	XML_ParserFree(p);
	free(chunk);
	zip_fclose(zf);
	return (rc);
}

/* Stop the parser from a handler, parse_member to return rc. */
static void
stop(struct pctx *h, int rc)
{
	if (h->stop == 0)
		h->stop = rc;
	XML_StopParser(h->p, XML_FALSE);
}

/* ---- xl/workbook.xml and its relationships ---- */

struct wbctx {
	struct pctx	h;		/* first: the parser's user data */
	xlsx_t		*x;
};

static void
wb_start(void *ud, const char *el, const char **atts)
{
	struct wbctx *w = ud;
	xlsx_t *x = w->x;
	const char *name = local(el), *v, *rid;
	struct sheet *s;

	if (strcmp(name, "workbookPr") == 0) {
		v = attr(atts, "date1904");
		x->date1904 = v && (strcmp(v, "1") == 0 ||
		    strcasecmp(v, "true") == 0);
	} else if (strcmp(name, "sheet") == 0) {
		if ((v = attr(atts, "name")) == NULL ||
		    (rid = attr(atts, "id")) == NULL)
			return;
		if ((s = realloc(x->sheets, (size_t)(x->nsheets + 1) *
		    sizeof(*s))) == NULL) {
			stop(&w->h, -ENOMEM);
			return;
		}
		x->sheets = s;
		s += x->nsheets;
		s->path = NULL;
		s->name = strdup(v);
		s->rid = strdup(rid);
		x->nsheets++;
		if (s->name == NULL || s->rid == NULL)
			stop(&w->h, -ENOMEM);
	}
}

/* A relationship's target, relative to xl/ unless it starts with '/'. */
static void
rel_start(void *ud, const char *el, const char **atts)
{
	struct wbctx *w = ud;
	xlsx_t *x = w->x;
	const char *id, *target;

	if (strcmp(local(el), "Relationship") != 0 ||
	    (id = attr(atts, "Id")) == NULL ||
	    (target = attr(atts, "Target")) == NULL)
		return;
	for (int i = 0; i < x->nsheets; i++) {
		struct sheet *s = &x->sheets[i];
		size_t n;

		if (s->path || strcmp(s->rid, id) != 0)
			continue;
		n = strlen(target) + 4;
		if ((s->path = malloc(n)) == NULL) {
			stop(&w->h, -ENOMEM);
			return;
		}
		if (target[0] == '/')
			snprintf(s->path, n, "%s", target + 1);
		else
			snprintf(s->path, n, "xl/%s", target);
	}
}

static void
no_end(void *ud, const char *el)
{
}

static int
read_workbook(xlsx_t *x, char *err, size_t errsz)
{
	struct wbctx w = { .x = x };
	int rc;

	rc = parse_member(x, "xl/workbook.xml", 0, wb_start, no_end, NULL,
	    &w.h, err, errsz);
	if (rc != 0)
		return (rc);
	if (x->nsheets == 0) {
		seterr(err, errsz, "the workbook has no sheets");
		return (-EINVAL);
	}
	rc = parse_member(x, "xl/_rels/workbook.xml.rels", 0, rel_start,
	    no_end, NULL, &w.h, err, errsz);
	if (rc != 0)
		return (rc);
	for (int i = 0; i < x->nsheets; i++)
		if (x->sheets[i].path == NULL) {
			seterr(err, errsz, "sheet \"%s\": no part for "
			    "relationship %s", x->sheets[i].name,
			    x->sheets[i].rid);
			return (-EINVAL);
		}
	return (0);
}

/* ---- xl/sharedStrings.xml ---- */

/*
 * si	= ( t | r* ) rPh* ...
 * r	= rPr? t			a rich-text run
 * One string a <si>: its <t> texts joined, those of phonetic runs (<rPh>,
 * the reading of Japanese text) left out.
 */
struct sstctx {
	struct pctx	h;		/* first: the parser's user data */
	xlsx_t		*x;
	int		in_si, in_t, rph;
	size_t		start;		/* where this <si> starts */
};

static void
sst_start(void *ud, const char *el, const char **atts)
{
	struct sstctx *c = ud;
	const char *name = local(el);

	if (strcmp(name, "si") == 0) {
		c->in_si = 1;
		c->start = c->x->sst.len;
	} else if (strcmp(name, "rPh") == 0)
		c->rph++;
	else if (strcmp(name, "t") == 0 && c->in_si && c->rph == 0)
		c->in_t = 1;
}

static void
sst_end(void *ud, const char *el)
{
	struct sstctx *c = ud;
	xlsx_t *x = c->x;
	const char *name = local(el);

	if (strcmp(name, "t") == 0)
		c->in_t = 0;
	else if (strcmp(name, "rPh") == 0)
		c->rph--;
	else if (strcmp(name, "si") == 0) {
		c->in_si = 0;
		if (x->nsst == x->sstcap) {
			size_t cap = x->sstcap ? x->sstcap * 2 : 1024;
			size_t *o = realloc(x->sstoff, cap * sizeof(*o));

			if (o == NULL) {
				stop(&c->h, -ENOMEM);
				return;
			}
			x->sstoff = o;
			x->sstcap = cap;
		}
		x->sstoff[x->nsst++] = c->start;
		/* The NUL that ends this string. */
		if (buf_add(&x->sst, "", 1) != 0)
			stop(&c->h, -ENOMEM);
	}
}

static void
sst_text(void *ud, const char *s, int n)
{
	struct sstctx *c = ud;

	if (!c->in_t)
		return;
	if (c->x->sst.len + (size_t)n > MAXSST)
		stop(&c->h, -EFBIG);
	else if (buf_add(&c->x->sst, s, (size_t)n) != 0)
		stop(&c->h, -ENOMEM);
}

static int
read_sst(xlsx_t *x, char *err, size_t errsz)
{
	struct sstctx c = { .x = x };
	int rc;

	rc = parse_member(x, "xl/sharedStrings.xml", 1, sst_start, sst_end,
	    sst_text, &c.h, err, errsz);
	if (rc == -EFBIG)
		seterr(err, errsz, "shared strings over %zu MiB", MAXSST >> 20);
	return (rc == -1 ? 0 : rc);
}

/* ---- xl/styles.xml ---- */

struct fmt {
	int		id;
	char		*code;
};

struct stylectx {
	struct pctx	h;		/* first: the parser's user data */
	xlsx_t		*x;
	int		in_xfs;		/* inside <cellXfs> */
	struct fmt	*fmts;
	int		nfmts;
};

static enum xlsx_numkind
style_kind(const struct stylectx *c, int id)
{
	for (int i = 0; i < c->nfmts; i++)
		if (c->fmts[i].id == id)
			return (xlsx_format_kind(id, c->fmts[i].code));
	return (xlsx_format_kind(id, NULL));
}

static void
style_start(void *ud, const char *el, const char **atts)
{
	struct stylectx *c = ud;
	xlsx_t *x = c->x;
	const char *name = local(el), *id, *code;

	if (strcmp(name, "numFmt") == 0) {
		struct fmt *f;

		if ((id = attr(atts, "numFmtId")) == NULL ||
		    (code = attr(atts, "formatCode")) == NULL)
			return;
		if ((f = realloc(c->fmts, (size_t)(c->nfmts + 1) *
		    sizeof(*f))) == NULL) {
			stop(&c->h, -ENOMEM);
			return;
		}
		c->fmts = f;
		f[c->nfmts].id = atoi(id);
		if ((f[c->nfmts].code = strdup(code)) == NULL) {
			stop(&c->h, -ENOMEM);
			return;
		}
		c->nfmts++;
	} else if (strcmp(name, "cellXfs") == 0)
		c->in_xfs = 1;
	else if (strcmp(name, "xf") == 0 && c->in_xfs) {
		unsigned char *k;

		if ((k = realloc(x->xfkind, x->nxf + 1)) == NULL) {
			stop(&c->h, -ENOMEM);
			return;
		}
		x->xfkind = k;
		id = attr(atts, "numFmtId");
		k[x->nxf++] = (unsigned char)style_kind(c, id ? atoi(id) : 0);
	}
}

static void
style_end(void *ud, const char *el)
{
	struct stylectx *c = ud;

	if (strcmp(local(el), "cellXfs") == 0)
		c->in_xfs = 0;
}

static int
read_styles(xlsx_t *x, char *err, size_t errsz)
{
	struct stylectx c = { .x = x };
	int rc;

	rc = parse_member(x, "xl/styles.xml", 1, style_start, style_end,
	    NULL, &c.h, err, errsz);
	for (int i = 0; i < c.nfmts; i++)
		free(c.fmts[i].code);
	free(c.fmts);
	return (rc == -1 ? 0 : rc);
}

/* ---- the workbook ---- */

int
xlsx_open(const void *buf, size_t n, xlsx_t **out, char *err, size_t errsz)
{
	zip_error_t ze;
	zip_source_t *src;
	xlsx_t *x;
	int rc;

	*out = NULL;
	if (n > XLSX_MAXSIZE) {
		seterr(err, errsz, "workbook of %zu MiB: the most read is "
		    "%zu MiB (save the sheet as CSV)", n >> 20,
		    XLSX_MAXSIZE >> 20);
		return (-EFBIG);
	}
	if ((x = calloc(1, sizeof(*x))) == NULL)
		return (-ENOMEM);
	zip_error_init(&ze);
	if ((src = zip_source_buffer_create(buf, n, 0, &ze)) == NULL) {
		seterr(err, errsz, "%s", zip_error_strerror(&ze));
		zip_error_fini(&ze);
		free(x);
		return (-ENOMEM);
	}
	if ((x->zip = zip_open_from_source(src, ZIP_RDONLY, &ze)) == NULL) {
		seterr(err, errsz, "not a workbook (an .xlsx is a zip): %s",
		    zip_error_strerror(&ze));
		zip_error_fini(&ze);
		zip_source_free(src);
		free(x);
		return (-EINVAL);
	}
	zip_error_fini(&ze);
	if ((rc = read_workbook(x, err, errsz)) != 0 ||
	    (rc = read_sst(x, err, errsz)) != 0 ||
	    (rc = read_styles(x, err, errsz)) != 0) {
		if (rc == -ENOMEM)
			seterr(err, errsz, "out of memory");
		xlsx_close(x);
		return (rc);
	}
	*out = x;
	return (0);
}

void
xlsx_close(xlsx_t *x)
{
	if (x == NULL)
		return;
	if (x->zip)
		zip_discard(x->zip);
	for (int i = 0; i < x->nsheets; i++) {
		free(x->sheets[i].name);
		free(x->sheets[i].rid);
		free(x->sheets[i].path);
	}
	free(x->sheets);
	free(x->sst.s);
	free(x->sstoff);
	free(x->xfkind);
	free(x);
}

int
xlsx_nsheets(const xlsx_t *x)
{
	return (x->nsheets);
}

const char *
xlsx_sheet_name(const xlsx_t *x, int i)
{
	return (i >= 0 && i < x->nsheets ? x->sheets[i].name : NULL);
}

int
xlsx_sheet_find(const xlsx_t *x, const char *name)
{
	for (int i = 0; i < x->nsheets; i++)
		if (strcmp(x->sheets[i].name, name) == 0)
			return (i);
	for (int i = 0; i < x->nsheets; i++)
		if (strcasecmp(x->sheets[i].name, name) == 0)
			return (i);
	return (-1);
}

int
xlsx_date1904(const xlsx_t *x)
{
	return (x->date1904);
}

/* ---- a sheet's rows ---- */

/*
 * sheetData	= row*
 * row		= c*				r="7"
 * c		= f? ( v | is )?		r="B7" s="3"
 *						t="s|str|inlineStr|b|e|n|d"
 * is		= t | r*			rich runs as in si
 */
struct rowctx {
	struct pctx	h;		/* first: the parser's user data */
	xlsx_t		*x;
	xlsx_row_fn	fn;
	void		*arg;
	uint64_t	rowno;
	int		col;		/* the current cell's column */
	char		type[12];	/* its t */
	int		style;		/* its s */
	int		in_v, in_t, rph, in_is;
	struct buf	text;		/* this cell's <v> or <is> */
	struct buf	cells;		/* the row's texts, NUL-ended */
	size_t		*off;		/* by column: 1 + offset */
	int		ncols;
	const char	**vec;
	char		*err;
	size_t		errsz;
};

/* "BC12" → 54 (A is 0), or -1. */
static int
column(const char *ref)
{
	int c = 0, n = 0;

	for (; (*ref >= 'A' && *ref <= 'Z') || (*ref >= 'a' && *ref <= 'z');
	    ref++, n++) {
		c = c * 26 + ((*ref | 0x20) - 'a' + 1);
		if (c > MAXCOLS)
			return (-1);
	}
	return (n ? c - 1 : -1);
}

static void
row_start(void *ud, const char *el, const char **atts)
{
	struct rowctx *c = ud;
	const char *name = local(el), *v;

	if (strcmp(name, "row") == 0) {
		v = attr(atts, "r");
		c->rowno = v ? strtoull(v, NULL, 10) : c->rowno + 1;
		c->cells.len = 0;
		for (int i = 0; i < c->ncols; i++)
			c->off[i] = 0;
		c->ncols = 0;
		c->col = -1;
	} else if (strcmp(name, "c") == 0) {
		v = attr(atts, "r");
		c->col = v ? column(v) : c->col + 1;
		if (c->col < 0 || c->col >= MAXCOLS) {
			seterr(c->err, c->errsz, "row %llu: bad cell "
			    "reference \"%s\"", (unsigned long long)c->rowno,
			    v ? v : "");
			stop(&c->h, -EINVAL);
			return;
		}
		v = attr(atts, "t");
		snprintf(c->type, sizeof(c->type), "%s", v ? v : "n");
		v = attr(atts, "s");
		c->style = v ? atoi(v) : 0;
		c->text.len = 0;
		if (c->text.s)
			c->text.s[0] = '\0';
	} else if (strcmp(name, "v") == 0)
		c->in_v = 1;
	else if (strcmp(name, "is") == 0)
		c->in_is = 1;
	else if (strcmp(name, "rPh") == 0)
		c->rph++;
	else if (strcmp(name, "t") == 0 && c->in_is && c->rph == 0)
		c->in_t = 1;
}

static void
row_text(void *ud, const char *s, int n)
{
	struct rowctx *c = ud;

	if ((c->in_v || c->in_t) && buf_add(&c->text, s, (size_t)n) != 0)
		stop(&c->h, -ENOMEM);
}

/* The finished cell's text, as the header says. */
static int
cell_value(struct rowctx *c, char *num, size_t numsz, const char **out)
{
	xlsx_t *x = c->x;
	const char *v = c->text.s ? c->text.s : "";
	enum xlsx_numkind k;

	if (strcmp(c->type, "s") == 0) {
		char *end;
		unsigned long i = strtoul(v, &end, 10);

		if (end == v || *end != '\0' || i >= x->nsst) {
			seterr(c->err, c->errsz, "row %llu: shared string "
			    "\"%s\" of %zu", (unsigned long long)c->rowno, v,
			    x->nsst);
			return (-EINVAL);
		}
		*out = x->sst.s + x->sstoff[i];
	} else if (strcmp(c->type, "b") == 0)
		*out = strcmp(v, "1") == 0 ? "TRUE" : "FALSE";
	else if (strcmp(c->type, "e") == 0 || *v == '\0')
		*out = "";
	else if (strcmp(c->type, "n") == 0) {
		k = c->style >= 0 && (size_t)c->style < x->nxf ?
		    (enum xlsx_numkind)x->xfkind[c->style] : XLSX_NUMBER;
		if (k == XLSX_NUMBER || xlsx_serial_text(v, x->date1904, k,
		    num, numsz) != 0)
			if (xlsx_number_text(v, num, numsz) != 0)
				return (-ENOSPC);
		*out = num;
	} else if (strcmp(c->type, "d") == 0) {
		/* ISO 8601 already: "2025-04-01T00:00:00" → a space. */
		snprintf(num, numsz, "%.19s", v);
		if (strlen(num) > 10 && num[10] == 'T')
			num[10] = ' ';
		*out = num;
	} else
		*out = v;		/* str, inlineStr */
	return (0);
}

static int
row_put(struct rowctx *c, const char *s)
{
	if (c->col >= c->ncols) {
		/* off[] has room for every column up to MAXCOLS. */
		for (int i = c->ncols; i <= c->col; i++)
			c->off[i] = 0;
		c->ncols = c->col + 1;
	}
	c->off[c->col] = c->cells.len + 1;
	return (buf_add(&c->cells, s, strlen(s) + 1));
}

static void
row_end(void *ud, const char *el)
{
	struct rowctx *c = ud;
	const char *name = local(el), *v;
	char num[XLSX_NUMSZ];
	int rc;

	if (strcmp(name, "v") == 0)
		c->in_v = 0;
	else if (strcmp(name, "t") == 0)
		c->in_t = 0;
	else if (strcmp(name, "rPh") == 0)
		c->rph--;
	else if (strcmp(name, "is") == 0)
		c->in_is = 0;
	else if (strcmp(name, "c") == 0) {
		if ((rc = cell_value(c, num, sizeof(num), &v)) != 0 ||
		    (rc = row_put(c, v) != 0 ? -ENOMEM : 0) != 0)
			stop(&c->h, rc);
	} else if (strcmp(name, "row") == 0) {
		for (int i = 0; i < c->ncols; i++)
			c->vec[i] = c->off[i] ? c->cells.s + c->off[i] - 1 :
			    "";
		if ((rc = c->fn(c->arg, c->rowno, c->ncols, c->vec)) != 0)
			stop(&c->h, rc);
	}
}

int
xlsx_read_sheet(xlsx_t *x, int i, xlsx_row_fn fn, void *arg, char *err,
    size_t errsz)
{
	struct rowctx c = { .x = x, .fn = fn, .arg = arg, .err = err,
	    .errsz = errsz };
	int rc;

	if (i < 0 || i >= x->nsheets) {
		seterr(err, errsz, "no sheet %d", i);
		return (-EINVAL);
	}
	if ((c.off = calloc(MAXCOLS, sizeof(*c.off))) == NULL ||
	    (c.vec = calloc(MAXCOLS, sizeof(*c.vec))) == NULL) {
		free(c.off);
		return (-ENOMEM);
	}
	rc = parse_member(x, x->sheets[i].path, 0, row_start, row_end,
	    row_text, &c.h, err, errsz);
	if (rc == -ENOMEM)
		seterr(err, errsz, "out of memory");
	if (rc < 0 && rc != -ENOMEM && rc != -EINVAL)
		seterr(err, errsz, "sheet \"%s\": %s", x->sheets[i].name,
		    strerror(-rc));
	free(c.off);
	free(c.vec);
	free(c.text.s);
	free(c.cells.s);
	return (rc);
}
