/*
 * normal.h — the transparency importer's cell rules: header spellings,
 * dates, amounts and redacted payees.  Pure functions on UTF-8 text, no
 * state, so the unit tests call them directly.
 */
#ifndef TRANSPARENCY_NORMAL_H
#define TRANSPARENCY_NORMAL_H

#include <stddef.h>

/* The canonical spend fields the importer fills, in record order. */
enum tp_field {
	TP_DATE, TP_ORG, TP_SERVICE, TP_SUPPLIER, TP_DESCRIPTION,
	TP_ACCOUNT, TP_AMOUNT, TP_NFIELDS
};

extern const char *const tp_field_names[TP_NFIELDS];

/*
 * The field a header cell names and how specific that spelling is (a
 * higher rank wins when two columns name one field), or -1 for a cell
 * naming nothing we keep.  Case, spacing and punctuation are ignored:
 * "Net Amount(£)", "net_amount" and " NET AMOUNT " are one spelling.
 */
int tp_header_field(const char *cell, int *rank);

/*
 * A date as "YYYY-MM-DD" in out (11 bytes), day first unless mdy (a
 * file written month first, as some NHS exports are); 0, or -1 when s
 * is not a date we know.  *serial is set when s was an Excel serial
 * number (a bare number in an unknown column is more likely an amount).
 */
int tp_date(const char *s, int mdy, char out[11], int *serial);

/* Which order a numeric date proves: TP_DMY ("30/4/2020"), TP_MDY
 * ("4/30/2020"), or 0 when it could be either or is no such date. */
#define TP_DMY	1
#define TP_MDY	2
int tp_date_order(const char *s);

/*
 * An amount as a plain decimal in pounds ("-1234.56", at most two
 * decimals, rounded half away from zero) in out; 0, or -1 when s is
 * not an amount we know (out untouched).  No floating point: the
 * digits are kept as text.
 */
int tp_amount(const char *s, char *out, size_t outsz);

/* 1 when a supplier value stands for a withheld payee's name. */
int tp_redacted(const char *s);

/* 1 when a row's first cell marks a total ("Total", "Grand Total"). */
int tp_total_label(const char *s);
#endif
