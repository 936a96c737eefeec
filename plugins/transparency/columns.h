/*
 * columns.h — which column holds which spend field: from a header row,
 * or, in a file without one, guessed from the cells.
 */
#ifndef TRANSPARENCY_COLUMNS_H
#define TRANSPARENCY_COLUMNS_H

#include "normal.h"

/*
 * 1 when cells look like a header row (at least two cells spell known
 * fields, one of them the amount), with col[f] the column of field f or
 * -1; else 0 and col untouched.
 */
int tp_header_match(char *const *cells, int ncells, int col[TP_NFIELDS]);

/*
 * Guess the columns from rows of data (trimmed cells): a column of
 * dates, a column of amounts (the one with the most pence, then the
 * rightmost), and among the text columns the payee (the nearest left of
 * the date), the description (the most varied, then the longest) and
 * the service (the nearest left of the description).  0, or -1 when no column holds
 * amounts.  A reference column (digits without spaces) is no text.
 */
int tp_infer(char **const *rows, const int *ncells, int nrows,
    int col[TP_NFIELDS]);
#endif
