/*
 * transparency.c — the transparency plugin: an importer for the spend
 * files councils, police, fire and NHS bodies publish under the Local
 * Government Transparency Code, as published (`placed load spend
 * --format transparency FILE`).  See README.md beside this file.
 *
 * Each physical row of the file becomes one record or one skipped line:
 * the rows above the header (titles, padding), the header itself,
 * repeated headers, blank rows and total rows are skipped with a reason
 * (ABI 1.1 skip()), everything else is emitted and left to the host to
 * accept or reject.  A row whose quoted cells hold line ends counts
 * once, at the line it starts on: records + skipped = rows, which is
 * the number of lines when no cell spans lines.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <placed/plugin.h>

#include "columns.h"
#include "csv.h"
#include "normal.h"

#define PLUGIN_NAME	"transparency"

/* How many non-blank rows may come before the header. */
#define TP_SEEK_ROWS	30
/* How many rows may wait for a date that shows the order (4/30/2020 is
 * month first, 30/4/2020 day first) before day first is assumed. */
#define TP_ORDER_ROWS	5000

struct tp_state {
	placed_host_t	*h;
	const struct placed_host_api *api;
};

/* A row read before the columns were known, kept to be replayed. */
struct held {
	uint64_t	line;
	char		*copy;		/* the cells, NUL-ended; NULL: blank */
	int		ncells;
};

struct tp_ctx {
	struct tp_state	*st;
	struct tcsv	csv;
	int		mapped;		/* col[] is known */
	int		col[TP_NFIELDS];
	int		ncols;		/* the header's cells; 0: no header */
	int		order;		/* TP_DMY, TP_MDY; 0: not yet known */
	int		said_fused, said_short;
	struct held	*held;
	int		nheld, capheld, nseen;
	int		said_latin, stopped;
	char		*out;		/* the record's normalised values */
	size_t		outcap;
	/* The current feed() or end() call's arguments. */
	placed_emit_fn	emit;
	void		*sink;
	char		*err;
	size_t		errsz;
};

/* "00:00:00", "0:00": a time of day with no date. */
static int
time_only(const char *v)
{
	int digits = 0, colons = 0;

	for (; *v; v++) {
		if (*v >= '0' && *v <= '9')
			digits++;
		else if (*v == ':')
			colons++;
		else if (*v != ' ')
			return (0);
	}
	return (colons >= 1 && digits >= 3);
}

static struct tp_state state;

static void
skip(struct tp_ctx *c, uint64_t line, const char *why)
{
	const struct placed_host_api *api = c->st->api;

	if (api->size >= offsetof(struct placed_host_api, skip) +
	    sizeof(void *) && api->skip != NULL)
		api->skip(c->sink, line, why);
}

/* Trim spaces and no-break spaces (U+00A0) from both ends, in place. */
static char *
trim(char *s)
{
	size_t n;

	for (;;) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
			s++;
		else if ((unsigned char)s[0] == 0xc2 &&
		    (unsigned char)s[1] == 0xa0)
			s += 2;
		else
			break;
	}
	n = strlen(s);
	for (;;) {
		if (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
		    s[n - 1] == '\n' || s[n - 1] == '\r'))
			n--;
		else if (n > 1 && (unsigned char)s[n - 2] == 0xc2 &&
		    (unsigned char)s[n - 1] == 0xa0)
			n -= 2;
		else
			break;
	}
	s[n] = '\0';
	return (s);
}

/* Blank: no letter or digit anywhere (",,,", ", - ,"). */
static int
blank(char *const *cells, int n)
{
	for (int i = 0; i < n; i++)
		for (const char *p = cells[i]; *p; p++)
			if ((*p >= '0' && *p <= '9') || (*p >= 'a' &&
			    *p <= 'z') || (*p >= 'A' && *p <= 'Z'))
				return (0);
	return (1);
}

static const char *
cell(char *const *cells, int n, int col)
{
	return (col >= 0 && col < n ? cells[col] : "");
}

static void
log_columns(struct tp_ctx *c, uint64_t line, const char *how)
{
	char buf[256];
	size_t o = 0;

	for (int f = 0; f < TP_NFIELDS && o < sizeof(buf); f++)
		if (c->col[f] >= 0)
			o += (size_t)snprintf(buf + o, sizeof(buf) - o, " %s=%d",
			    tp_field_names[f], c->col[f] + 1);
	c->st->api->log(c->st->h, how[0] == 'h' ? PLACED_LOG_DEBUG :
	    PLACED_LOG_WARN, "line %llu: %s; columns:%s",
	    (unsigned long long)line, how, buf);
	if (c->col[TP_DATE] < 0)
		c->st->api->log(c->st->h, PLACED_LOG_WARN, "no date column "
		    "(a table of supplier totals?): every record lacks a date");
}

static int
emit_record(struct tp_ctx *c, char *const *cells, int n, uint64_t line)
{
	const char *names[TP_NFIELDS], *values[TP_NFIELDS];
	struct placed_record r = { "spend", 0, names, values, line };
	size_t need = 0, o = 0;
	int shifted = 0;

	/*
	 * A row cells short of its header, with a field beyond its end, has
	 * lost a comma somewhere: its values are not where the header says,
	 * so none is normalised ("24000.00" under the date is not an Excel
	 * date) and the host rejects the record.
	 */
	for (int f = 0; f < TP_NFIELDS && c->ncols > n; f++)
		shifted |= c->col[f] >= n;
	if (shifted && !c->said_short) {
		c->said_short = 1;
		c->st->api->log(c->st->h, PLACED_LOG_WARN, "line %llu: %d "
		    "cells where the header has %d: left as they are",
		    (unsigned long long)line, n, c->ncols);
	}

	for (int f = 0; f < TP_NFIELDS; f++)
		need += strlen(cell(cells, n, c->col[f])) + 32;
	if (need > c->outcap) {
		char *p = realloc(c->out, need);

		if (p == NULL) {
			snprintf(c->err, c->errsz, "out of memory");
			return (-1);
		}
		c->out = p;
		c->outcap = need;
	}
	for (int f = 0; f < TP_NFIELDS; f++) {
		const char *v = cell(cells, n, c->col[f]);
		char *dst = c->out + o;
		int serial;

		if (c->col[f] < 0)
			continue;
		if (shifted)
			strcpy(dst, v);
		/* What cannot be normalised goes on as it is, for the
		 * host to reject with its own message. */
		else if (f == TP_DATE && *v && tp_date(v, c->order == TP_MDY,
		    dst, &serial) == 0)
			;
		/* A date that only reads the other way round ("28/02/21"
		 * among "2/28/2021": NHS Redbridge) is read that way. */
		else if (f == TP_DATE && *v && tp_date(v, tp_date_order(v) ==
		    TP_MDY, dst, &serial) == 0)
			;
		/* A time with no date ("00:00:00": Oxford, April-June
		 * 2014, lost every date on export) is no date: the line
		 * loads undated rather than not at all. */
		else if (f == TP_DATE && time_only(v))
			dst[0] = '\0';
		else if (f == TP_AMOUNT && *v && tp_amount(v, dst,
		    strlen(v) + 32) == 0)
			;
		else if (f == TP_SUPPLIER && tp_redacted(v))
			strcpy(dst, "(redacted)");
		else
			strcpy(dst, v);
		names[r.nfields] = tp_field_names[f];
		values[r.nfields++] = dst;
		o += strlen(dst) + 1;
	}
	if (c->emit(c->sink, &r) != 0)
		c->stopped = 1;
	return (0);
}

/*
 * Lambeth, June 2012: "25/06/2012900" where the date and the amount ran
 * together and the row lost a cell.  With a header one cell longer than
 * the row and the amount column just after the date, split them.
 */
static int
unfuse(struct tp_ctx *c, char *const *cells, int n, uint64_t line)
{
	int dc = c->col[TP_DATE], serial, rc;
	const char *v;
	char d[11], a[64], date[11], **fixed;

	if (c->ncols == 0 || n != c->ncols - 1 || dc < 0 || dc >= n ||
	    c->col[TP_AMOUNT] != dc + 1 || strlen(v = cells[dc]) <= 10)
		return (1);
	memcpy(date, v, 10);
	date[10] = '\0';
	if (tp_date(date, c->order == TP_MDY, d, &serial) != 0 ||
	    tp_amount(v + 10, a, sizeof(a)) != 0)
		return (1);
	if ((fixed = malloc((size_t)(n + 1) * sizeof(*fixed))) == NULL) {
		snprintf(c->err, c->errsz, "out of memory");
		return (-1);
	}
	for (int i = 0, o = 0; i < n; i++)
		if (i == dc) {
			fixed[o++] = date;
			fixed[o++] = (char *)(uintptr_t)(v + 10);
		} else
			fixed[o++] = cells[i];
	if (!c->said_fused) {
		c->said_fused = 1;
		c->st->api->log(c->st->h, PLACED_LOG_WARN, "line %llu: date "
		    "and amount run together (\"%s\"), split",
		    (unsigned long long)line, v);
	}
	rc = emit_record(c, fixed, n + 1, line);
	free(fixed);
	return (rc);
}

/* A row once the columns and the date order are known. */
static int
record_row(struct tp_ctx *c, char *const *cells, int n, uint64_t line)
{
	int col[TP_NFIELDS], serial, rc;
	const char *first = "";
	char d[11];

	if (blank(cells, n)) {
		skip(c, line, "blank");
		return (0);
	}
	if (tp_header_match(cells, n, col)) {
		skip(c, line, "repeated header");
		return (0);
	}
	for (int i = 0; i < n && *first == '\0'; i++)
		first = cells[i];
	/* "Total" where a date would be (or first, when there is none). */
	if (tp_total_label(first) && tp_date(cell(cells, n, c->col[TP_DATE]),
	    0, d, &serial) != 0) {
		skip(c, line, "total");
		return (0);
	}
	if ((rc = unfuse(c, cells, n, line)) <= 0)
		return (rc);
	return (emit_record(c, cells, n, line));
}

static int
hold(struct tp_ctx *c, char *const *cells, int n, uint64_t line)
{
	struct held *h;
	size_t len = 0;

	if (c->nheld == c->capheld) {
		int cap = c->capheld ? c->capheld * 2 : 32;

		if ((h = realloc(c->held, (size_t)cap * sizeof(*h))) == NULL)
			goto oom;
		c->held = h;
		c->capheld = cap;
	}
	h = &c->held[c->nheld];
	h->line = line;
	h->ncells = n;
	h->copy = NULL;
	if (!blank(cells, n)) {
		for (int i = 0; i < n; i++)
			len += strlen(cells[i]) + 1;
		if ((h->copy = malloc(len)) == NULL)
			goto oom;
		len = 0;
		for (int i = 0; i < n; i++) {
			strcpy(h->copy + len, cells[i]);
			len += strlen(cells[i]) + 1;
		}
	}
	c->nheld++;
	return (0);
oom:
	snprintf(c->err, c->errsz, "out of memory");
	return (-1);
}

/* The cells of a held row, pointing into its copy. */
static char **
unpack(const struct held *h)
{
	char **cells = malloc((size_t)(h->ncells ? h->ncells : 1) *
	    sizeof(*cells));
	char *p = h->copy;

	if (cells == NULL)
		return (NULL);
	for (int i = 0; i < h->ncells; i++) {
		cells[i] = p;
		p += strlen(p) + 1;
	}
	return (cells);
}

static void
drop_held(struct tp_ctx *c)
{
	for (int i = 0; i < c->nheld; i++)
		free(c->held[i].copy);
	c->nheld = 0;
}

static int data_row(struct tp_ctx *, char *const *, int, uint64_t);

/* Read the held rows as data (they may be held again, for the order). */
static int
replay(struct tp_ctx *c)
{
	struct held *h = c->held;
	int n = c->nheld, rc = 0;

	c->held = NULL;
	c->nheld = c->capheld = 0;
	for (int i = 0; i < n; i++) {
		char **cells;

		if (rc == 0 && !c->stopped && h[i].copy == NULL)
			skip(c, h[i].line, "blank");
		else if (rc == 0 && !c->stopped) {
			if ((cells = unpack(&h[i])) == NULL) {
				snprintf(c->err, c->errsz, "out of memory");
				rc = -1;
			} else {
				rc = data_row(c, cells, h[i].ncells, h[i].line);
				free(cells);
			}
		}
		free(h[i].copy);
	}
	free(h);
	return (rc);
}

static void
set_order(struct tp_ctx *c, int order, uint64_t line, const char *v)
{
	c->order = order;
	if (order == TP_MDY)
		c->st->api->log(c->st->h, PLACED_LOG_WARN, "line %llu: dates "
		    "are written month first (\"%s\")",
		    (unsigned long long)line, v);
}

/*
 * A row once the columns are known.  Until a date shows whether the
 * file writes days or months first, rows wait; then they all go on.
 */
static int
data_row(struct tp_ctx *c, char *const *cells, int n, uint64_t line)
{
	const char *v = cell(cells, n, c->col[TP_DATE]);
	int o;

	if (c->order == 0) {
		o = c->col[TP_DATE] < 0 ? TP_DMY : tp_date_order(v);
		if (o == 0 && c->nheld < TP_ORDER_ROWS)
			return (hold(c, cells, n, line));
		set_order(c, o ? o : TP_DMY, line, v);
		if (replay(c) != 0)
			return (-1);
	}
	return (record_row(c, cells, n, line));
}

/* No header in sight: guess the columns from the held rows, then read
 * them as data. */
static int
infer(struct tp_ctx *c)
{
	char ***rows;
	int *ncells, nrows = 0, rc = 0;

	rows = calloc((size_t)c->nheld + 1, sizeof(*rows));
	ncells = calloc((size_t)c->nheld + 1, sizeof(*ncells));
	if (rows == NULL || ncells == NULL)
		goto oom;
	for (int i = 0; i < c->nheld; i++) {
		if (c->held[i].copy == NULL)
			continue;
		if ((rows[nrows] = unpack(&c->held[i])) == NULL)
			goto oom;
		ncells[nrows++] = c->held[i].ncells;
	}
	if (tp_infer(rows, ncells, nrows, c->col) != 0) {
		snprintf(c->err, c->errsz, "no amount column could be found: no "
		    "header row among the first %d rows, and no column of "
		    "amounts", TP_SEEK_ROWS);
		rc = -1;
		goto out;
	}
	c->mapped = 1;
	log_columns(c, c->held[0].line, "no header row; guessed from the "
	    "cells");
	for (int i = 0; i < nrows; i++)
		free(rows[i]);
	free(rows);
	free(ncells);
	return (replay(c));
oom:
	snprintf(c->err, c->errsz, "out of memory");
	rc = -1;
out:
	for (int i = 0; rows && i < nrows; i++)
		free(rows[i]);
	free(rows);
	free(ncells);
	drop_held(c);
	return (rc);
}

static int
on_row(void *arg, char **cells, int n, uint64_t line, int latin)
{
	struct tp_ctx *c = arg;

	if (c->stopped)
		return (0);
	for (int i = 0; i < n; i++)
		cells[i] = trim(cells[i]);
	if (latin && !c->said_latin) {
		c->said_latin = 1;
		c->st->api->log(c->st->h, PLACED_LOG_DEBUG, "line %llu: not "
		    "UTF-8, read as Windows-1252", (unsigned long long)line);
	}
	if (c->mapped)
		return (data_row(c, cells, n, line));
	if (!blank(cells, n) && tp_header_match(cells, n, c->col)) {
		c->mapped = 1;
		c->ncols = n;
		for (int i = 0; i < c->nheld; i++)
			skip(c, c->held[i].line, c->held[i].copy ?
			    "before the header" : "blank");
		drop_held(c);
		skip(c, line, "header");
		log_columns(c, line, "header");
		return (0);
	}
	if (hold(c, cells, n, line) != 0)
		return (-1);
	if (!blank(cells, n) && ++c->nseen == TP_SEEK_ROWS)
		return (infer(c));
	return (0);
}

static void *
tp_open(void *st, const char *kind, char *err, size_t errsz)
{
	struct tp_ctx *c;

	if (strcmp(kind, "spend") != 0) {
		snprintf(err, errsz, "reads spend files, not %s", kind);
		return (NULL);
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		snprintf(err, errsz, "out of memory");
		return (NULL);
	}
	c->st = st;
	tcsv_init(&c->csv);
	for (int f = 0; f < TP_NFIELDS; f++)
		c->col[f] = -1;
	return (c);
}

static void
bind(struct tp_ctx *c, placed_emit_fn emit, void *sink, char *err,
    size_t errsz)
{
	c->emit = emit;
	c->sink = sink;
	c->err = err;
	c->errsz = errsz;
}

static int
tp_feed(void *ctx, const char *buf, size_t n, placed_emit_fn emit,
    void *sink, char *err, size_t errsz)
{
	struct tp_ctx *c = ctx;

	if (c->stopped)
		return (0);
	bind(c, emit, sink, err, errsz);
	return (tcsv_feed(&c->csv, buf, n, on_row, c, err, errsz) < 0 ? -1 :
	    0);
}

static int
tp_end(void *ctx, placed_emit_fn emit, void *sink, char *err, size_t errsz)
{
	struct tp_ctx *c = ctx;

	if (c->stopped)
		return (0);
	bind(c, emit, sink, err, errsz);
	if (tcsv_end(&c->csv, on_row, c, err, errsz) < 0)
		return (-1);
	if (c->stopped)
		return (0);
	if (c->mapped) {
		/* No date showed the order: day first, as UK bodies write. */
		if (c->order == 0 && c->nheld > 0) {
			c->order = TP_DMY;
			return (replay(c) != 0 ? -1 : 0);
		}
		return (0);
	}
	if (c->nseen == 0) {
		/* Nothing but blank rows: nothing to load. */
		for (int i = 0; i < c->nheld; i++)
			skip(c, c->held[i].line, "blank");
		drop_held(c);
		return (0);
	}
	if (infer(c) != 0)
		return (-1);
	if (c->order == 0 && c->nheld > 0 && !c->stopped) {
		c->order = TP_DMY;
		return (replay(c) != 0 ? -1 : 0);
	}
	return (0);
}

static void
tp_close(void *ctx)
{
	struct tp_ctx *c = ctx;

	drop_held(c);
	free(c->held);
	free(c->out);
	tcsv_free(&c->csv);
	free(c);
}

static int
init(placed_host_t *h, const struct placed_host_api *api, void **st)
{
	struct placed_importer imp = {
		.format = "transparency", .kinds = "spend",
		.open = tp_open, .feed = tp_feed, .end = tp_end,
		.close = tp_close, .state = &state,
	};

	state.h = h;
	state.api = api;
	if (api->register_importer(h, &imp) != 0)
		return (-1);
	*st = &state;
	return (0);
}

static void
fini(void *st)
{
	(void)st;
}

PLACED_PLUGIN = {
	PLACED_ABI_MAJOR, PLACED_ABI_MINOR, sizeof(struct placed_plugin),
	PLUGIN_NAME, "1.0",
	"Spend files published under the Local Government Transparency Code",
	init, fini,
};
