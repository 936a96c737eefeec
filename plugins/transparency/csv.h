/*
 * csv.h — a CSV reader fed in pieces of any size, giving whole rows as
 * UTF-8 cells with the physical line each row starts on.
 *
 * Rows end at LF, CRLF or a lone CR outside quotes; a piece may end
 * anywhere (mid-quote, mid-CRLF, mid-UTF-8 sequence).  A leading UTF-8
 * BOM is dropped.  Each row is decoded on its own: a row that is valid
 * UTF-8 is taken as UTF-8, any other as Windows-1252 (a file of Latin
 * text is seldom valid UTF-8 by chance, and this way a file mixing both,
 * as concatenated exports do, comes out right).
 */
#ifndef TRANSPARENCY_CSV_H
#define TRANSPARENCY_CSV_H

#include <stddef.h>
#include <stdint.h>

/* A row longer than this is an unclosed quote, not data. */
#define TCSV_MAXROW	(1024 * 1024)

/*
 * Called with each row: its cells (NUL-terminated UTF-8, untrimmed,
 * valid during the call), how many, and the line it starts on (from 1).
 * Returns 0 to go on, non-zero to stop the reader with that value.
 */
typedef int tcsv_row_cb(void *arg, char **cells, int ncells, uint64_t line,
    int cp1252);

struct tcsv {
	char		*raw;		/* the row's bytes, cells NUL-ended */
	size_t		len, cap;
	size_t		*off;		/* where each cell starts in raw */
	int		ncells, capcells;
	char		*dec;		/* the row decoded from Windows-1252 */
	size_t		deccap;
	char		**cells;	/* the row's cells, decoded */
	size_t		capptrs;
	int		state;
	int		cr;		/* the last byte was a CR */
	int		bom;		/* BOM bytes matched; -1: past it */
	int		inrow;		/* a byte of this row has been seen */
	uint64_t	line;		/* the line being read */
	uint64_t	rowline;	/* the line the row started on */
};

void tcsv_init(struct tcsv *c);
void tcsv_free(struct tcsv *c);
/* 0, or the callback's non-zero value, or -1 with err set. */
int tcsv_feed(struct tcsv *c, const char *buf, size_t n, tcsv_row_cb *cb,
    void *arg, char *err, size_t errsz);
/* Delivers a last row that had no line end. */
int tcsv_end(struct tcsv *c, tcsv_row_cb *cb, void *arg, char *err,
    size_t errsz);
#endif
