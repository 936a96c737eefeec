/* csvin.c — libcsv callbacks gathered into whole records. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <csv.h>

#include "csvin.h"

struct csvin {
	struct csv_parser p;
	csvin_row_cb	cb;
	void		*arg;
	uint64_t	line;		/* physical line being read */
	uint64_t	recline;	/* line the current record started on */
	int		prev_cr;	/* last line end seen was a CR */
	int		started;	/* past the byte-order mark */
	char		bom[3];		/* first bytes, held to spot a BOM */
	size_t		nbom;
	char		*buf;		/* the record's fields, NUL-separated */
	size_t		blen, bcap;
	size_t		off[CSVIN_MAXFIELDS];
	size_t		len[CSVIN_MAXFIELDS];
	char		*ptr[CSVIN_MAXFIELDS];
	int		nf;
	int		stop;		/* callback's or our own error */
	char		err[160];
};

/* Line ends inside a quoted field. */
static uint64_t
count_lines(const char *s, size_t n)
{
	uint64_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (s[i] == '\n' || (s[i] == '\r' &&
		    (i + 1 == n || s[i + 1] != '\n')))
			k++;
	return (k);
}

static void
field_cb(void *data, size_t n, void *arg)
{
	csvin_t *c = arg;

	if (c->stop)
		return;
	if (c->nf == 0)
		c->recline = c->line;
	if (c->nf == CSVIN_MAXFIELDS || c->blen + n + 1 > CSVIN_MAXREC) {
		snprintf(c->err, sizeof(c->err), "line %llu: record has more "
		    "than %d fields or %u bytes (an unclosed quote?)",
		    (unsigned long long)c->recline, CSVIN_MAXFIELDS,
		    CSVIN_MAXREC);
		c->stop = -EBADMSG;
		return;
	}
	if (c->blen + n + 1 > c->bcap) {
		size_t nc = c->bcap ? c->bcap : 4096;
		char *nb;

		while (nc < c->blen + n + 1)
			nc *= 2;
		if ((nb = realloc(c->buf, nc)) == NULL) {
			snprintf(c->err, sizeof(c->err), "out of memory");
			c->stop = -ENOMEM;
			return;
		}
		c->buf = nb;
		c->bcap = nc;
	}
	if (n)
		memcpy(c->buf + c->blen, data, n);
	c->buf[c->blen + n] = '\0';
	c->off[c->nf] = c->blen;
	c->len[c->nf] = n;
	c->nf++;
	c->blen += n + 1;
	c->line += count_lines(data, n);
}

static void
row_cb(int term, void *arg)
{
	csvin_t *c = arg;
	int nf = c->nf;

	if (term == '\n' && nf == 0 && c->prev_cr) {
		/* The LF of a CRLF, reported as an empty row. */
		c->prev_cr = 0;
		return;
	}
	c->prev_cr = (term == '\r');
	if (c->stop) {
		c->nf = 0;
		c->blen = 0;
		return;
	}
	if (nf > 0 && !(nf == 1 && c->len[0] == 0)) {
		for (int i = 0; i < nf; i++)
			c->ptr[i] = c->buf + c->off[i];
		c->stop = c->cb(c->arg, c->recline, nf, c->ptr, c->len);
	}
	c->nf = 0;
	c->blen = 0;
	if (term == '\n' || term == '\r')
		c->line++;
}

csvin_t *
csvin_new(csvin_row_cb cb, void *arg)
{
	csvin_t *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return (NULL);
	/* Not CSV_STRICT: a stray quote inside a field (12" pipe) is data in
	 * real files.  An unclosed quote at the end is caught in csvin_end. */
	if (csv_init(&c->p, CSV_REPALL_NL) != 0) {
		free(c);
		return (NULL);
	}
	c->cb = cb;
	c->arg = arg;
	c->line = 1;
	return (c);
}

void
csvin_free(csvin_t *c)
{
	if (c == NULL)
		return;
	csv_free(&c->p);
	free(c->buf);
	free(c);
}

static int
parse(csvin_t *c, const char *buf, size_t n)
{
	if (csv_parse(&c->p, buf, n, field_cb, row_cb, c) != n &&
	    c->stop == 0) {
		snprintf(c->err, sizeof(c->err), "line %llu: %s",
		    (unsigned long long)c->line,
		    csv_strerror(csv_error(&c->p)));
		c->stop = -EBADMSG;
	}
	/* An unclosed quote would otherwise swallow the rest of the file. */
	if (c->stop == 0 && c->p.entry_pos > CSVIN_MAXREC) {
		snprintf(c->err, sizeof(c->err), "line %llu: a field longer "
		    "than %u bytes (an unclosed quote?)", (unsigned long long)
		    (c->nf ? c->recline : c->line), CSVIN_MAXREC);
		c->stop = -EBADMSG;
	}
	return (c->stop);
}

int
csvin_feed(csvin_t *c, const char *buf, size_t n)
{
	if (!c->started) {
		/* Hold the first bytes until a BOM can be told apart, even
		 * when they arrive one read at a time. */
		while (n > 0 && c->nbom < 3) {
			c->bom[c->nbom++] = *buf++;
			n--;
			if (memcmp(c->bom, "\xef\xbb\xbf", c->nbom) != 0)
				break;
		}
		if (c->nbom < 3 && memcmp(c->bom, "\xef\xbb\xbf",
		    c->nbom) == 0)
			return (0);
		c->started = 1;
		if (memcmp(c->bom, "\xef\xbb\xbf", 3) != 0 || c->nbom < 3)
			if (parse(c, c->bom, c->nbom) != 0)
				return (c->stop);
	}
	return (n ? parse(c, buf, n) : c->stop);
}

int
csvin_end(csvin_t *c)
{
	enum { FIELD_BEGUN = 2 };	/* libcsv's parser state */

	if (c->stop)
		return (c->stop);
	if (!c->started && c->nbom > 0 && memcmp(c->bom, "\xef\xbb\xbf",
	    c->nbom) != 0 && parse(c, c->bom, c->nbom) != 0)
		return (c->stop);
	if (c->p.pstate == FIELD_BEGUN && c->p.quoted) {
		snprintf(c->err, sizeof(c->err), "line %llu: a quoted field "
		    "is never closed", (unsigned long long)
		    (c->nf ? c->recline : c->line));
		return (c->stop = -EBADMSG);
	}
	if (csv_fini(&c->p, field_cb, row_cb, c) != 0 && c->stop == 0) {
		snprintf(c->err, sizeof(c->err), "line %llu: %s",
		    (unsigned long long)c->line,
		    csv_strerror(csv_error(&c->p)));
		c->stop = -EBADMSG;
	}
	return (c->stop);
}

const char *
csvin_error(const csvin_t *c)
{
	return (c->err);
}
