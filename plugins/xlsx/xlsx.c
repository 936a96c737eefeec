/*
 * xlsx.c — the "xlsx" importer: `placed load KIND --format xlsx FILE`.
 *
 * feed() keeps the workbook (up to XLSX_MAXSIZE: a zip is read from its
 * end), end() reads it with xlsx_read.c, sheet by sheet in workbook
 * order, or only the sheet named by the setting
 *
 *   plugin.xlsx.sheet = NAME
 *
 * In each sheet the first row naming two fields of the kind is the
 * header: canonical names for any kind, and for spend also the headings
 * of transparency files (header.c).  Rows after it are records; rows
 * above it, blank rows and headers again are skipped with a reason.  A
 * later row naming two fields in other columns is a new header: the
 * columns are read by it from there on (a sheet pasted from two exports).
 *
 * Lines: a record's line is its row number when one sheet is read; when
 * several are, sheet N (1 = the first in the workbook) row R is line
 * N * 10,000,000 + R, so line 30000005 is row 5 of the third sheet.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <placed/plugin.h>

#include "header.h"
#include "xlsx_read.h"

#define PLUGIN_NAME	"xlsx"
#define SHEET_LINES	10000000ULL	/* > Excel's 1,048,576 rows */
#define MAXCOLS		16384
#define MAXFIELDS	16

/* The fields of each kind, as placed's schema has them (DESIGN §3). */
struct kind {
	const char	*name;
	const char	*fields[MAXFIELDS];
	const char	*money;		/* "amount": £, (1.00) */
	const char	*dates[3];	/* Excel serials become dates */
};

static const struct kind kinds[] = {
	{ "spend", { "date", "org", "service", "supplier", "description",
	    "account", "amount", "place", "cohort", "person", "funder" },
	    "amount", { "date" } },
	{ "activity", { "date", "org", "service", "person", "place", "need",
	    "type", "episode", "cost" }, "cost", { "date" } },
	{ "outcome", { "period_start", "period_end", "place", "cohort",
	    "indicator", "value", "unit" }, NULL,
	    { "period_start", "period_end" } },
	{ "service", { "id", "org", "name", "need", "cohort", "place",
	    "capacity", "waiting" }, NULL, { NULL } },
};

static const struct placed_host_api *api;
static placed_host_t *host;
static const char *only_sheet;		/* plugin.xlsx.sheet, or NULL */

struct ctx {
	const struct kind *kd;
	char		*buf;		/* the workbook so far */
	size_t		len, cap;

	/* While end() reads the workbook: */
	xlsx_t		*x;
	placed_emit_fn	emit;
	void		*sink;
	const char	*sheet;		/* its name */
	uint64_t	base;		/* added to row numbers */
	const char	**map;		/* by column: the header's */
	const char	**try;		/* the same for this row */
	int		nmap;
	int		header;		/* this sheet has one */
	int		any_header;	/* some sheet had one */
	uint64_t	*before;	/* rows above any header yet */
	size_t		nbefore, capbefore;
	uint64_t	rows, records, skipped;	/* this sheet's */
	int		stopped;	/* emit() said stop */
	char		*err;
	size_t		errsz;
};

static int
has_skip(void)
{
	return (api->size >= offsetof(struct placed_host_api, skip) +
	    sizeof(api->skip));
}

static void
skip(struct ctx *c, uint64_t line, const char *why)
{
	c->skipped++;
	if (has_skip())
		api->skip(c->sink, line, why);
}

static int
is_field(const struct kind *kd, const char *name, const char *const *set,
    int n)
{
	for (int i = 0; i < n; i++)
		if (set[i] && strcmp(set[i], name) == 0)
			return (1);
	return (0);
}

/* The kind's field a heading names: its canonical name, or for spend a
 * transparency file's heading. */
static const char *
field_for(const struct kind *kd, const char *cell)
{
	char h[64], f[64];

	header_norm(cell, h, sizeof(h));
	for (int i = 0; i < MAXFIELDS && kd->fields[i]; i++) {
		header_norm(kd->fields[i], f, sizeof(f));
		if (strcmp(h, f) == 0)
			return (kd->fields[i]);
	}
	if (strcmp(kd->name, "spend") == 0)
		return (header_field(cell));
	return (NULL);
}

/* Map the row's columns to fields in c->try (the first column naming a
 * field wins); the number of fields named. */
static int
header_try(struct ctx *c, int ncells, const char *const *cells)
{
	int n = 0;

	for (int i = 0; i < ncells; i++) {
		const char *f = field_for(c->kd, cells[i]);

		c->try[i] = f && !is_field(c->kd, f, c->try, i) ? f : NULL;
		n += c->try[i] != NULL;
	}
	return (n);
}

static int
same_header(const struct ctx *c, int ncells)
{
	for (int i = 0; i < (ncells > c->nmap ? ncells : c->nmap); i++) {
		const char *a = i < c->nmap ? c->map[i] : NULL;
		const char *b = i < ncells ? c->try[i] : NULL;

		if ((a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0))
			return (0);
	}
	return (1);
}

/*
 * An amount as placed reads it: "£1,234.56 " → "1234.56", "(1.00)" →
 * "-1.00", "12.00-" → "-12.00".  Anything else stays for the host to
 * judge (and reject with the value quoted).
 */
static const char *
amount_norm(const char *s, char *out, size_t outsz)
{
	const unsigned char *p = (const unsigned char *)s;
	char *b = out + 1;		/* out[0]: room for a '-' */
	size_t n = 0;
	int neg = 0;

	for (; *p; p++) {
		if (*p == ' ' || *p == ',' || *p == '\t' || *p == 0xa3)
			continue;
		if (p[0] == 0xc2 && (p[1] == 0xa3 || p[1] == 0xa0)) {
			p++;		/* "£", no-break space */
			continue;
		}
		if (n + 2 >= outsz)
			return (s);
		b[n++] = (char)*p;
	}
	b[n] = '\0';
	if (n > 2 && b[0] == '(' && b[n - 1] == ')') {
		b[--n] = '\0';
		b++;
		n--;
		neg = 1;
	}
	if (n > 1 && b[n - 1] == '-') {
		b[--n] = '\0';
		neg = !neg;
	}
	if (neg)
		*--b = '-';
	return (b);
}

/* 10000 is 1927-05-18: a bare number in a date column below it is more
 * likely a year or a code than a serial date. */
static const char *
date_norm(struct ctx *c, const char *s, char *out, size_t outsz)
{
	if (strspn(s, "0123456789.") != strlen(s) || atof(s) < 10000 ||
	    xlsx_serial_text(s, xlsx_date1904(c->x), XLSX_DATE, out,
	    outsz) != 0)
		return (s);
	return (out);
}

static int
record(struct ctx *c, uint64_t line, int ncells, const char *const *cells)
{
	const char *names[MAXFIELDS], *values[MAXFIELDS];
	char fix[MAXFIELDS][XLSX_NUMSZ * 2];
	struct placed_record r = { c->kd->name, 0, names, values, line };
	int full = 0;

	for (int i = 0; i < ncells && i < c->nmap; i++) {
		const char *f = c->map[i], *v = cells[i];

		if (f == NULL)
			continue;
		if (v[strspn(v, " \t\r\n")] != '\0')
			full = 1;
		if (c->kd->money && strcmp(f, c->kd->money) == 0)
			v = amount_norm(v, fix[r.nfields], sizeof(fix[0]));
		else if (is_field(c->kd, f, c->kd->dates, 3))
			v = date_norm(c, v, fix[r.nfields], sizeof(fix[0]));
		names[r.nfields] = f;
		values[r.nfields++] = v;
	}
	if (!full) {
		skip(c, line, "nothing under the header's columns");
		return (0);
	}
	c->records++;
	if (c->emit(c->sink, &r) != 0) {
		c->stopped = 1;
		return (1);
	}
	return (0);
}

static int
xlsx_row(void *arg, uint64_t rowno, int ncells, const char *const *cells)
{
	struct ctx *c = arg;
	uint64_t line = c->base + rowno;
	int blank = 1;

	c->rows++;
	for (int i = 0; i < ncells && blank; i++)
		blank = cells[i][strspn(cells[i], " \t\r\n")] == '\0';
	if (blank) {
		skip(c, line, "blank");
		return (0);
	}
	if (header_try(c, ncells, cells) >= 2) {
		if (!c->header) {
			for (size_t i = 0; i < c->nbefore; i++)
				skip(c, c->before[i], "above the header");
			c->nbefore = 0;
			skip(c, line, "header");
		} else if (same_header(c, ncells)) {
			skip(c, line, "repeated header");
			return (0);
		} else {
			api->log(host, PLACED_LOG_INFO, "sheet \"%s\" row "
			    "%llu: a new header, read from there on", c->sheet,
			    (unsigned long long)rowno);
			skip(c, line, "new header");
		}
		memcpy(c->map, c->try, (size_t)ncells * sizeof(*c->map));
		c->nmap = ncells;
		c->header = c->any_header = 1;
		return (0);
	}
	if (!c->header) {
		if (c->nbefore == c->capbefore) {
			size_t cap = c->capbefore ? c->capbefore * 2 : 64;
			uint64_t *b = realloc(c->before, cap * sizeof(*b));

			if (b == NULL) {
				snprintf(c->err, c->errsz, "out of memory");
				return (-ENOMEM);
			}
			c->before = b;
			c->capbefore = cap;
		}
		c->before[c->nbefore++] = line;
		return (0);
	}
	return (record(c, line, ncells, cells));
}

static void *
x_open(void *state, const char *kind, char *err, size_t errsz)
{
	struct ctx *c;

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (strcmp(kinds[i].name, kind) != 0)
			continue;
		if ((c = calloc(1, sizeof(*c))) == NULL) {
			snprintf(err, errsz, "out of memory");
			return (NULL);
		}
		c->kd = &kinds[i];
		return (c);
	}
	snprintf(err, errsz, "no fields known for kind \"%s\"", kind);
	return (NULL);
}

static int
x_feed(void *vc, const char *buf, size_t n, placed_emit_fn emit, void *sink,
    char *err, size_t errsz)
{
	struct ctx *c = vc;

	if (n > XLSX_MAXSIZE - c->len) {
		snprintf(err, errsz, "workbook over %zu MiB: save the sheet "
		    "as CSV and load that", XLSX_MAXSIZE >> 20);
		return (-1);
	}
	if (c->len + n > c->cap) {
		size_t cap = c->cap ? c->cap : 1 << 20;
		char *p;

		while (cap < c->len + n)
			cap *= 2;
		if (cap > XLSX_MAXSIZE)
			cap = XLSX_MAXSIZE;
		if ((p = realloc(c->buf, cap)) == NULL) {
			snprintf(err, errsz, "out of memory");
			return (-1);
		}
		c->buf = p;
		c->cap = cap;
	}
	memcpy(c->buf + c->len, buf, n);
	c->len += n;
	return (0);
}

/* Read sheet i: its rows to records, then account for the rest. */
static int
one_sheet(struct ctx *c, int i, int several)
{
	char why[128];
	int rc;

	c->sheet = xlsx_sheet_name(c->x, i);
	c->base = several ? (uint64_t)(i + 1) * SHEET_LINES : 0;
	c->header = 0;
	c->nmap = 0;
	c->nbefore = 0;
	c->rows = c->records = c->skipped = 0;
	rc = xlsx_read_sheet(c->x, i, xlsx_row, c, c->err, c->errsz);
	if (rc != 0)
		return (rc);
	if (!c->header) {
		snprintf(why, sizeof(why), "no header in sheet %s", c->sheet);
		for (size_t k = 0; k < c->nbefore; k++)
			skip(c, c->before[k], why);
		if (c->rows)
			api->log(host, PLACED_LOG_WARN, "sheet \"%s\": no row "
			    "names two %s fields; its %llu rows skipped",
			    c->sheet, c->kd->name,
			    (unsigned long long)c->rows);
	}
	api->log(host, PLACED_LOG_DEBUG, "sheet \"%s\": %llu rows, %llu "
	    "records, %llu skipped", c->sheet, (unsigned long long)c->rows,
	    (unsigned long long)c->records, (unsigned long long)c->skipped);
	return (0);
}

static int
x_end(void *vc, placed_emit_fn emit, void *sink, char *err, size_t errsz)
{
	struct ctx *c = vc;
	int first = 0, last, rc = 0;

	c->emit = emit;
	c->sink = sink;
	c->err = err;
	c->errsz = errsz;
	if (xlsx_open(c->buf, c->len, &c->x, err, errsz) != 0)
		return (-1);
	last = xlsx_nsheets(c->x) - 1;
	if (only_sheet && (first = last = xlsx_sheet_find(c->x,
	    only_sheet)) < 0) {
		size_t n = (size_t)snprintf(err, errsz, "no sheet \"%s\" "
		    "(plugin.xlsx.sheet); the sheets are", only_sheet);

		for (int i = 0; i < xlsx_nsheets(c->x) && n < errsz; i++)
			n += (size_t)snprintf(err + n, errsz - n, "%s \"%s\"",
			    i ? "," : "", xlsx_sheet_name(c->x, i));
		return (-1);
	}
	if ((c->map = calloc(MAXCOLS, sizeof(*c->map))) == NULL ||
	    (c->try = calloc(MAXCOLS, sizeof(*c->try))) == NULL) {
		snprintf(err, errsz, "out of memory");
		return (-1);
	}
	for (int i = first; i <= last && rc == 0; i++)
		rc = one_sheet(c, i, first != last);
	if (c->stopped)
		return (-1);
	if (rc != 0) {
		/* The reader's message, then which sheet. */
		char msg[512];

		snprintf(msg, sizeof(msg), "%s", err);
		snprintf(err, errsz, "sheet \"%s\": %s", c->sheet, msg);
		return (-1);
	}
	if (!c->any_header) {
		snprintf(err, errsz, "no sheet has a header: a row naming "
		    "at least two %s fields (%s, %s, ...)", c->kd->name,
		    c->kd->fields[0], c->kd->fields[1]);
		return (-1);
	}
	return (0);
}

static void
x_close(void *vc)
{
	struct ctx *c = vc;

	xlsx_close(c->x);
	free(c->buf);
	free(c->map);
	free(c->try);
	free(c->before);
	free(c);
}

static int
init(placed_host_t *h, const struct placed_host_api *a, void **state)
{
	struct placed_importer im = {
		.format = "xlsx", .kinds = "any", .open = x_open,
		.feed = x_feed, .end = x_end, .close = x_close,
	};

	api = a;
	host = h;
	only_sheet = api->config(h, "sheet");
	*state = NULL;
	return (api->register_importer(h, &im));
}

static void
fini(void *state)
{
	only_sheet = NULL;
}

PLACED_PLUGIN = {
	PLACED_ABI_MAJOR, PLACED_ABI_MINOR, sizeof(struct placed_plugin),
	PLUGIN_NAME, "1.0",
	"Excel workbooks (.xlsx): every sheet, or plugin.xlsx.sheet",
	init, fini,
};
