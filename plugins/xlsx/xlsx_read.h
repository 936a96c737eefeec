/*
 * xlsx_read.h — a streaming reader of .xlsx workbooks (Office Open XML
 * SpreadsheetML) from a memory buffer, on libzip and expat.  Meant to be
 * shared by importers: it knows cells, not records.
 *
 * Every cell comes out as text:
 *
 *   shared and inline strings  their UTF-8 text (rich-text runs joined,
 *                              phonetic runs left out)
 *   booleans                   "TRUE", "FALSE"
 *   errors (#N/A, #DIV/0!)     ""
 *   formulas                   their cached value, typed as above
 *   numbers                    the decimal text Excel wrote, with binary
 *                              noise rounded off (xlsx_number_text)
 *   date-styled numbers        "YYYY-MM-DD", "YYYY-MM-DD HH:MM:SS" or
 *                              "HH:MM:SS" as the style shows a date, a
 *                              time or both (xlsx_serial_text)
 *
 * Errors follow placed's rule: 0, or a negative errno value with the
 * reason in err.  Ownership: the workbook keeps a pointer to the caller's
 * buffer, which must outlive it; everything else it allocates itself and
 * frees in xlsx_close().
 */
#ifndef XLSX_READ_H
#define XLSX_READ_H

#include <stddef.h>
#include <stdint.h>

/* The largest workbook read: it is held in memory whole. */
#define XLSX_MAXSIZE	((size_t)512 << 20)
/* Enough for any cell xlsx_number_text or xlsx_serial_text writes. */
#define XLSX_NUMSZ	64

typedef struct xlsx xlsx_t;

/*
 * One row of a sheet: rowno is the sheet's own row number (its "r"; rows
 * Excel did not write are never seen, so numbers may jump), cells[i] the
 * text of column i (A is 0), "" where the row has no cell.  The strings
 * are valid during the call.  Return non-zero to stop reading.
 */
typedef int (*xlsx_row_fn)(void *arg, uint64_t rowno, int ncells,
    const char *const *cells);

/*
 * Open the workbook in buf[0..n): read its sheet list, shared strings and
 * styles.  -EFBIG past XLSX_MAXSIZE, -EINVAL for what is not a workbook,
 * -ENOMEM.
 */
int xlsx_open(const void *buf, size_t n, xlsx_t **out, char *err,
    size_t errsz);
void xlsx_close(xlsx_t *x);

/* The sheets, in workbook order; names are valid until xlsx_close. */
int xlsx_nsheets(const xlsx_t *x);
const char *xlsx_sheet_name(const xlsx_t *x, int i);
/* The index of the sheet of that name (exactly, then ignoring case), or
 * -1. */
int xlsx_sheet_find(const xlsx_t *x, const char *name);
/* 1 when the workbook counts dates from 1904 (old Mac Excel). */
int xlsx_date1904(const xlsx_t *x);

/*
 * Stream sheet i's rows to fn in order.  0 at the end of the sheet, fn's
 * non-zero answer when it stopped, or a negative error with err set.
 */
int xlsx_read_sheet(xlsx_t *x, int i, xlsx_row_fn fn, void *arg, char *err,
    size_t errsz);

/* What a cell style shows a number as. */
enum xlsx_numkind {
	XLSX_NUMBER,
	XLSX_DATE,
	XLSX_DATETIME,
	XLSX_TIME
};

/*
 * Classify a number format: by built-in id (14-22, 27-36, 45-47 and
 * 50-58 are dates and times), else by its code (d, m, y, h or s outside
 * quotes, brackets and escapes).  code may be NULL.
 */
enum xlsx_numkind xlsx_format_kind(int id, const char *code);

/*
 * The number text v (as in <v>: "1234.5600000000001", "-1.5E-3") made
 * plain decimal with binary noise rounded off: at most 15 significant
 * digits, Excel's own precision, and at most 10 decimals, rounding half
 * away from zero on the text itself, trailing zeros dropped.  So
 * "0.30000000000000004" → "0.3", "4999.9999999999991" → "5000".  Text
 * that is not a number is copied as it is.  0, or -ENOSPC when out is
 * too small (XLSX_NUMSZ is enough unless v is).
 */
int xlsx_number_text(const char *v, char *out, size_t outsz);

/*
 * The serial date v (days since the epoch of the date system; 1900:
 * serial 1 = 1900-01-01, serial 60 = Excel's fictitious 1900-02-29,
 * 61 = 1900-03-01; 1904: serial 0 = 1904-01-01) as kind shows it: a
 * date drops the time of day (truncating, never rounding up to the next
 * day); a time rounds to the second.  0, or -EINVAL when v is not a
 * serial in range (0 to 2958465, 9999-12-31).
 */
int xlsx_serial_text(const char *v, int date1904, enum xlsx_numkind kind,
    char *out, size_t outsz);

#endif
