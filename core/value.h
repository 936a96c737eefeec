/*
 * value.h — exact field values: money in pence, dates in days, decimals.
 *
 * Every parser takes a byte span (not NUL-terminated), tolerates surrounding
 * blanks, and returns 0 or -EINVAL / -ERANGE without touching *out on error.
 * A blank span is an error here: callers decide what an empty cell means.
 * Formatters write a NUL-terminated string and return its length.
 */
#ifndef PLACED_VALUE_H
#define PLACED_VALUE_H

#include <stddef.h>
#include <stdint.h>

#define MONEY_NULL	INT64_MIN	/* no amount */
#define DATE_NULL	INT32_MIN	/* no date */
#define NUM_NULL	INT64_MIN	/* no number */
#define NUM_SCALE	10000		/* numbers are fixed point, 4 decimals */
#define VALUE_BUFSZ	32		/* enough for any formatted value */

/* Amounts: 1234.56  £1,234.56  " 49,521.52 "  77,041  -0.01  (1,234.56)
 * 106,392.99-  -£5  £-5.  More than two decimals is an error unless the
 * extra digits are zeros: nothing is ever rounded. */
int value_money_parse(const char *s, size_t n, int64_t *pence);
size_t value_money_format(int64_t pence, char *buf);	/* "-1234.56" */

/* Dates: 2025-04-01 (optionally followed by a time), 01/04/2025, 1/4/25,
 * 01-Apr-25, 1 April 2025, 1-Apr-2025.  Day first always (UK).  Two-digit
 * years are 2000+yy below 70 and 1900+yy otherwise. */
int value_date_parse(const char *s, size_t n, int32_t *days);
size_t value_date_format(int32_t days, char *buf);	/* "2025-04-01" */

/* Decimals with at most 4 places, optional sign and thousands commas;
 * stored as value * NUM_SCALE. */
int value_num_parse(const char *s, size_t n, int64_t *v);
size_t value_num_format(int64_t v, char *buf);		/* "12.5", "3" */

/* n / d rounded half to even (banker's rounding), the one rounding rule
 * for money and numbers everywhere; d must not be 0. */
__int128 value_div_even(__int128 n, __int128 d);

/* Civil calendar helpers; days are since 1970-01-01. */
int32_t date_from_ymd(int y, int m, int d);
void date_to_ymd(int32_t days, int *y, int *m, int *d);
int date_valid(int y, int m, int d);
/* UK fiscal year (April to March) containing days: 2025 for 2025-04-01
 * through 2026-03-31. */
int date_fy(int32_t days);

#endif
