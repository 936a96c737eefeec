/* xlsx_value.c — cell numbers as text: number formats, noise, dates. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xlsx_read.h"

enum xlsx_numkind
xlsx_format_kind(int id, const char *code)
{
	int date = 0, month = 0, time = 0;

	if ((id >= 14 && id <= 17) || (id >= 27 && id <= 36) ||
	    (id >= 50 && id <= 58))
		return (XLSX_DATE);
	if ((id >= 18 && id <= 21) || (id >= 45 && id <= 47))
		return (XLSX_TIME);
	if (id == 22)
		return (XLSX_DATETIME);
	if (id < 164 || code == NULL)
		return (XLSX_NUMBER);
	/*
	 * Letters in quotes are literal text ("£", "Total"), in brackets a
	 * colour, locale or condition ([Red], [$-809], [>=100]); after a
	 * backslash, '_' (a space as wide as) or '*' (fill with) a literal
	 * character.  [h] and [mm] are elapsed time, which we leave as
	 * numbers too: a duration is not a date.
	 */
	for (const char *p = code; *p; p++) {
		switch (*p) {
		case '"':
			while (p[1] && p[1] != '"')
				p++;
			if (p[1])
				p++;
			break;
		case '[':
			while (p[1] && p[1] != ']')
				p++;
			if (p[1])
				p++;
			break;
		case '\\':
		case '_':
		case '*':
			if (p[1])
				p++;
			break;
		case 'd': case 'D': case 'y': case 'Y':
			date = 1;
			break;
		case 'm': case 'M':
			month = 1;
			break;
		case 'h': case 'H': case 's': case 'S':
			time = 1;
			break;
		}
	}
	/* "m" is a minute beside h or s, else a month. */
	if (month && !time)
		date = 1;
	if (date && time)
		return (XLSX_DATETIME);
	return (date ? XLSX_DATE : time ? XLSX_TIME : XLSX_NUMBER);
}

/*
 * number	= [ "-" | "+" ] digits [ "." digits ] [ ( "e" | "E" )
 *		  [ "-" | "+" ] digits ]
 * into its digits without leading zeros and the decimal point's position
 * in them (pt may be negative or past the end).  0, or -1 when s is not
 * one, or its exponent is absurd.
 */
static int
number_parse(const char *s, int *neg, char *dig, size_t digsz, size_t *nd,
    long *pt)
{
	const char *p = s;
	long exp = 0, ip = 0;
	int any = 0, eneg = 0;

	*neg = 0;
	*nd = 0;
	if (*p == '-' || *p == '+')
		*neg = *p++ == '-';
	for (; *p >= '0' && *p <= '9'; p++, any = 1, ip++) {
		if (*nd == digsz)
			return (-1);
		dig[(*nd)++] = *p;
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++, any = 1) {
			if (*nd == digsz)
				return (-1);
			dig[(*nd)++] = *p;
		}
	}
	if (!any)
		return (-1);
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '-' || *p == '+')
			eneg = *p++ == '-';
		if (*p < '0' || *p > '9')
			return (-1);
		for (; *p >= '0' && *p <= '9'; p++)
			if ((exp = exp * 10 + (*p - '0')) > 400)
				return (-1);
	}
	if (*p != '\0')
		return (-1);
	*pt = ip + (eneg ? -exp : exp);
	while (*nd > 0 && dig[0] == '0') {
		memmove(dig, dig + 1, --*nd);
		(*pt)--;
	}
	return (0);
}

int
xlsx_number_text(const char *v, char *out, size_t outsz)
{
	char dig[64], *o = out;
	size_t nd, i;
	long pt, keep, q, intd;
	int neg;

	if (number_parse(v, &neg, dig, sizeof(dig) - 1, &nd, &pt) != 0 ||
	    pt > 40) {
		if (strlen(v) >= outsz)
			return (-ENOSPC);
		memcpy(out, v, strlen(v) + 1);
		return (0);
	}
	/* Keep 15 significant digits, and no more than 10 decimals. */
	intd = pt > 0 ? pt : 0;
	q = 15 - intd;
	if (q > 10)
		q = 10;
	if (q < 0)
		q = 0;
	keep = pt + q;
	if (keep < 0)
		nd = 0;
	else if ((size_t)keep < nd) {
		int up = dig[keep] >= '5';

		nd = (size_t)keep;
		for (i = nd; up && i > 0; i--) {
			if (dig[i - 1] == '9')
				dig[i - 1] = '0';
			else {
				dig[i - 1]++;
				up = 0;
			}
		}
		if (up) {
			memmove(dig + 1, dig, nd);
			dig[0] = '1';
			nd++;
			pt++;
		}
	}
	/* Drop trailing zeros of the fraction (those right of pt). */
	while (nd > 0 && (long)nd > pt && dig[nd - 1] == '0')
		nd--;
	while (nd > 0 && dig[0] == '0') {
		memmove(dig, dig + 1, --nd);
		pt--;
	}
	if (nd == 0) {
		if (outsz < 2)
			return (-ENOSPC);
		strcpy(out, "0");
		return (0);
	}
	/* Sign, integer digits, point, leading zeros, the rest. */
	if ((size_t)(nd + (pt > 0 ? pt : 0) + (pt < 0 ? -pt : 0) + 4) > outsz)
		return (-ENOSPC);
	if (neg)
		*o++ = '-';
	if (pt <= 0) {
		*o++ = '0';
		*o++ = '.';
		for (long z = pt; z < 0; z++)
			*o++ = '0';
		memcpy(o, dig, nd);
		o += nd;
	} else {
		for (long k = 0; k < pt; k++)
			*o++ = (size_t)k < nd ? dig[k] : '0';
		if ((size_t)pt < nd) {
			*o++ = '.';
			memcpy(o, dig + pt, nd - (size_t)pt);
			o += nd - (size_t)pt;
		}
	}
	*o = '\0';
	return (0);
}

/* Days since 1970-01-01 to a civil date (H. Hinnant's algorithm). */
static void
civil(long z, int *y, int *m, int *d)
{
	long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/* 1899-12-31, 1899-12-30 and 1904-01-01 as days since 1970-01-01. */
#define EPOCH_1900	(-25568L)
#define EPOCH_1900_61	(-25569L)
#define EPOCH_1904	(-24107L)
#define SERIAL_MAX	2958465.0	/* 9999-12-31 */

int
xlsx_serial_text(const char *v, int date1904, enum xlsx_numkind kind,
    char *out, size_t outsz)
{
	char *end;
	double s = strtod(v, &end), fday;
	long day, sec;
	int y, m, d, n;

	if (end == v || *end != '\0' || !(s >= 0.0 && s < SERIAL_MAX + 1))
		return (-EINVAL);
	day = (long)floor(s);
	fday = s - (double)day;
	sec = lround(fday * 86400.0);
	if (kind != XLSX_DATE && sec >= 86400) {
		day++;
		sec -= 86400;
	}
	if (kind == XLSX_TIME && day == 0) {
		n = snprintf(out, outsz, "%02ld:%02ld:%02ld", sec / 3600,
		    sec / 60 % 60, sec % 60);
		return (n < 0 || (size_t)n >= outsz ? -ENOSPC : 0);
	}
	if (date1904)
		civil(EPOCH_1904 + day, &y, &m, &d);
	else if (day == 0)
		return (-EINVAL);	/* Excel's "1900-01-00" */
	else if (day == 60) {
		/* Lotus 1-2-3 took 1900 for a leap year, and Excel kept it. */
		y = 1900;
		m = 2;
		d = 29;
	} else
		civil((day < 60 ? EPOCH_1900 : EPOCH_1900_61) + day, &y, &m,
		    &d);
	if (kind == XLSX_DATE)
		n = snprintf(out, outsz, "%04d-%02d-%02d", y, m, d);
	else
		n = snprintf(out, outsz, "%04d-%02d-%02d %02ld:%02ld:%02ld",
		    y, m, d, sec / 3600, sec / 60 % 60, sec % 60);
	return (n < 0 || (size_t)n >= outsz ? -ENOSPC : 0);
}
