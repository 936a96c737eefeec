/*
 * columns.c — mapping a spend file's columns to placed's fields.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "columns.h"

int
tp_header_match(char *const *cells, int ncells, int col[TP_NFIELDS])
{
	int c[TP_NFIELDS], rank[TP_NFIELDS], nfound = 0;

	for (int f = 0; f < TP_NFIELDS; f++)
		c[f] = -1, rank[f] = -1;
	for (int i = 0; i < ncells; i++) {
		int r, f = tp_header_field(cells[i], &r);

		if (f < 0 || r <= rank[f])
			continue;
		if (c[f] < 0)
			nfound++;
		c[f] = i;
		rank[f] = r;
	}
	if (nfound < 2 || c[TP_AMOUNT] < 0)
		return (0);
	memcpy(col, c, sizeof(c));
	return (1);
}

struct colstat {
	int	nonempty, dates, serials, amounts, pence, refs, distinct;
	size_t	textlen;
};

/* A reference: one word of letters and digits with some digits. */
static int
is_ref(const char *s)
{
	int digits = 0;

	for (; *s; s++) {
		if (isspace((unsigned char)*s))
			return (0);
		digits += isdigit((unsigned char)*s) != 0;
	}
	return (digits > 0);
}

/* Pence: a decimal point followed by two digits at the end. */
static int
has_pence(const char *s)
{
	size_t n = strlen(s);

	while (n > 0 && (s[n - 1] == '-' || s[n - 1] == ')' ||
	    isspace((unsigned char)s[n - 1])))
		n--;
	return (n >= 3 && s[n - 3] == '.' && isdigit((unsigned char)s[n - 2])
	    && isdigit((unsigned char)s[n - 1]));
}

/* How many different values column i holds. */
static int
distinct(char **const *rows, const int *ncells, int nrows, int i)
{
	int n = 0;

	for (int r = 0; r < nrows; r++) {
		int seen = 0;

		if (i >= ncells[r])
			continue;
		for (int k = 0; k < r && !seen; k++)
			seen = i < ncells[k] && strcmp(rows[k][i],
			    rows[r][i]) == 0;
		n += !seen;
	}
	return (n);
}

static int
is_text(const struct colstat *s, int nrows)
{
	return (s->nonempty * 2 >= nrows && s->dates * 2 < s->nonempty &&
	    s->amounts * 2 < s->nonempty && s->refs * 5 < s->nonempty * 4);
}

int
tp_infer(char **const *rows, const int *ncells, int nrows,
    int col[TP_NFIELDS])
{
	struct colstat *st;
	int ncols = 0, best, bestscore;

	for (int f = 0; f < TP_NFIELDS; f++)
		col[f] = -1;
	for (int r = 0; r < nrows; r++)
		if (ncells[r] > ncols)
			ncols = ncells[r];
	if (ncols == 0 || (st = calloc((size_t)ncols, sizeof(*st))) == NULL)
		return (-1);
	for (int r = 0; r < nrows; r++)
		for (int i = 0; i < ncells[r]; i++) {
			const char *v = rows[r][i];
			char d[11], a[64];
			int serial;

			if (*v == '\0')
				continue;
			st[i].nonempty++;
			if (tp_date(v, 0, d, &serial) == 0) {
				/* A bare number is a date only in years a
				 * spend file could hold (1968-2064). */
				if (!serial)
					st[i].dates++;
				else if (atol(v) >= 25000 && atol(v) <= 60000)
					st[i].serials++;
			}
			if (tp_amount(v, a, sizeof(a)) == 0) {
				st[i].amounts++;
				st[i].pence += has_pence(v);
			}
			st[i].refs += is_ref(v);
			st[i].textlen += strlen(v);
		}
	/* The date: the most date-like column, most of it dates. */
	best = -1, bestscore = 0;
	for (int i = 0; i < ncols; i++) {
		int n = st[i].dates > st[i].serials ? st[i].dates :
		    st[i].serials;

		if (n * 10 >= st[i].nonempty * 8 && n * 2 >= nrows &&
		    n > bestscore)
			best = i, bestscore = n;
	}
	col[TP_DATE] = best;
	if (best >= 0 && st[best].serials > st[best].dates)
		st[best].amounts = 0;	/* serials are numbers too */
	/* The amount: mostly amounts; most pence, then the rightmost. */
	best = -1, bestscore = -1;
	for (int i = 0; i < ncols; i++) {
		int score = st[i].pence * 2 + st[i].amounts;

		if (i == col[TP_DATE] || st[i].amounts * 10 <
		    st[i].nonempty * 8 || st[i].amounts * 2 < nrows)
			continue;
		if (score >= bestscore)
			best = i, bestscore = score;
	}
	if ((col[TP_AMOUNT] = best) < 0) {
		free(st);
		return (-1);
	}
	/* The payee: the nearest text column left of the date. */
	for (int i = (col[TP_DATE] >= 0 ? col[TP_DATE] : ncols) - 1; i >= 0;
	    i--)
		if (i != col[TP_AMOUNT] && is_text(&st[i], nrows)) {
			col[TP_SUPPLIER] = i;
			break;
		}
	/* The description: of the rest, the text that varies most from
	 * row to row (services repeat), then the longest. */
	best = -1;
	for (int i = 0; i < ncols; i++) {
		if (i == col[TP_SUPPLIER] || i == col[TP_AMOUNT] ||
		    i == col[TP_DATE] || !is_text(&st[i], nrows))
			continue;
		st[i].distinct = distinct(rows, ncells, nrows, i);
		if (best < 0 || st[i].distinct > st[best].distinct ||
		    (st[i].distinct == st[best].distinct &&
		    st[i].textlen > st[best].textlen))
			best = i;
	}
	col[TP_DESCRIPTION] = best;
	/* The service: the nearest text left of the description. */
	for (int i = best - 1; best >= 0 && i >= 0; i--)
		if (i != col[TP_SUPPLIER] && is_text(&st[i], nrows)) {
			col[TP_SERVICE] = i;
			break;
		}
	free(st);
	return (0);
}
