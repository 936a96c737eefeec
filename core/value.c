/*
 * value.c — exact field values: money in pence, dates in days, decimals.
 *
 * Nothing here goes through floating point and nothing is rounded.  Every
 * parser works on a [p, e) span and never reads past it.  The NULL
 * sentinels are never produced by a parser: magnitudes are capped at
 * INT64_MAX, so the most negative value is -INT64_MAX.  The formatters
 * write an empty string for a NULL sentinel.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "value.h"

#define ISDIGIT(c)	((c) >= '0' && (c) <= '9')
#define ISBLANK(c)	((c) == ' ' || (c) == '\t')
#define ISALPHA(c)	(((c) | 0x20) >= 'a' && ((c) | 0x20) <= 'z')

static void
trim(const char **pp, const char **ep)
{
	const char *p = *pp, *e = *ep;

	while (p < e && ISBLANK(*p))
		p++;
	while (e > p && ISBLANK(e[-1]))
		e--;
	*pp = p;
	*ep = e;
}

/* v = v * 10 + d, setting *ovf instead of passing INT64_MAX. */
static void
acc(uint64_t *v, unsigned d, int *ovf)
{
	if (*ovf)
		return;
	if (*v > ((uint64_t)INT64_MAX - d) / 10)
		*ovf = 1;
	else
		*v = *v * 10 + d;
}

/*
 * Unsigned decimal "1,234.5" in [p, e) scaled by 10^places.  Commas
 * group the integer part in threes after a first group of one to three
 * digits.  Fraction digits beyond places must be zeros.  Syntax errors
 * win over overflow, so "99999999999999999999x" is -EINVAL.
 */
static int
parse_fixed(const char *p, const char *e, int places, int64_t *out)
{
	uint64_t v = 0;
	int ovf = 0, ndig = 0, glen = 0, commas = 0, k;

	for (; p < e && (ISDIGIT(*p) || *p == ','); p++) {
		if (*p == ',') {
			if (glen == 0 || glen > 3 || (commas && glen != 3))
				return (-EINVAL);
			commas++;
			glen = 0;
		} else {
			acc(&v, (unsigned)(*p - '0'), &ovf);
			glen++;
			ndig++;
		}
	}
	if (commas && glen != 3)
		return (-EINVAL);
	k = 0;
	if (p < e && *p == '.') {
		for (p++; p < e && ISDIGIT(*p); p++, ndig++) {
			if (k < places) {
				acc(&v, (unsigned)(*p - '0'), &ovf);
				k++;
			} else if (*p != '0')
				return (-EINVAL);
		}
	}
	if (p != e || ndig == 0)
		return (-EINVAL);
	for (; k < places; k++)
		acc(&v, 0, &ovf);
	if (ovf)
		return (-ERANGE);
	*out = (int64_t)v;
	return (0);
}

int
value_money_parse(const char *s, size_t n, int64_t *pence)
{
	const char *p = s, *e = s + n;
	int64_t v;
	int neg = 0, signs = 0, pound = 0, r;

	trim(&p, &e);
	if (e - p >= 2 && *p == '(' && e[-1] == ')') {
		p++;
		e--;
		neg = !neg;
		signs++;
	}
	if (e > p && e[-1] == '-') {
		e--;
		neg = !neg;
		signs++;
	}
	/* Prefix: any order of one sign and one pound sign. */
	for (;;) {
		if (p < e && (*p == '-' || *p == '+')) {
			if (*p == '-')
				neg = !neg;
			signs++;
			p++;
		} else if (e - p >= 2 && (unsigned char)p[0] == 0xc2 &&
		    (unsigned char)p[1] == 0xa3) {
			pound++;
			p += 2;
		} else if (p < e && (unsigned char)*p == 0xa3) {
			pound++;
			p++;
		} else
			break;
	}
	if (signs > 1 || pound > 1)
		return (-EINVAL);
	r = parse_fixed(p, e, 2, &v);
	if (r != 0)
		return (r);
	*pence = neg ? -v : v;
	return (0);
}

/* "-12.3400": sign, integer part, then exactly places digits. */
static size_t
fmt_fixed(int64_t v, uint64_t scale, int places, char *buf)
{
	uint64_t u;

	u = v < 0 ? -(uint64_t)v : (uint64_t)v;
	return ((size_t)snprintf(buf, VALUE_BUFSZ, "%s%llu.%0*llu",
	    v < 0 ? "-" : "", (unsigned long long)(u / scale), places,
	    (unsigned long long)(u % scale)));
}

size_t
value_money_format(int64_t pence, char *buf)
{
	if (pence == MONEY_NULL) {
		buf[0] = '\0';
		return (0);
	}
	return (fmt_fixed(pence, 100, 2, buf));
}

int
value_num_parse(const char *s, size_t n, int64_t *v)
{
	const char *p = s, *e = s + n;
	int64_t x;
	int neg = 0, r;

	trim(&p, &e);
	if (p < e && (*p == '-' || *p == '+'))
		neg = *p++ == '-';
	r = parse_fixed(p, e, 4, &x);
	if (r != 0)
		return (r);
	*v = neg ? -x : x;
	return (0);
}

size_t
value_num_format(int64_t v, char *buf)
{
	size_t len;

	if (v == NUM_NULL) {
		buf[0] = '\0';
		return (0);
	}
	/* All four places, then drop trailing zeros and a bare point. */
	len = fmt_fixed(v, NUM_SCALE, 4, buf);
	while (buf[len - 1] == '0')
		len--;
	if (buf[len - 1] == '.')
		len--;
	buf[len] = '\0';
	return (len);
}

/* Civil calendar: Howard Hinnant's days_from_civil / civil_from_days. */

int32_t
date_from_ymd(int y, int m, int d)
{
	int64_t yy, era, yoe, doy, doe;

	yy = (int64_t)y - (m <= 2);
	era = (yy >= 0 ? yy : yy - 399) / 400;
	yoe = yy - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return ((int32_t)(era * 146097 + doe - 719468));
}

void
date_to_ymd(int32_t days, int *y, int *m, int *d)
{
	int64_t z, era, doe, yoe, doy, mp;

	z = (int64_t)days + 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static int
leap(int y)
{
	return (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
}

int
date_valid(int y, int m, int d)
{
	static const int mdays[12] =
	    { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m < 1 || m > 12 || d < 1)
		return (0);
	return (d <= mdays[m - 1] + (m == 2 && leap(y)));
}

int
date_fy(int32_t days)
{
	int y, m, d;

	date_to_ymd(days, &y, &m, &d);
	return (m >= 4 ? y : y - 1);
}

size_t
value_date_format(int32_t days, char *buf)
{
	int y, m, d;

	if (days == DATE_NULL) {
		buf[0] = '\0';
		return (0);
	}
	date_to_ymd(days, &y, &m, &d);
	return ((size_t)snprintf(buf, VALUE_BUFSZ, "%04d-%02d-%02d", y, m, d));
}

/* Digits at *pp into *val; returns how many (values capped, not counts). */
static int
digits(const char **pp, const char *e, int *val)
{
	const char *p = *pp;
	int nd = 0;

	*val = 0;
	for (; p < e && ISDIGIT(*p); p++, nd++)
		if (nd < 6)
			*val = *val * 10 + (*p - '0');
	*pp = p;
	return (nd);
}

/* Month name or abbreviation ("Sep", "Sept", "September"); 0 if none. */
static int
month_name(const char *p, size_t len)
{
	static const char *names[12] = { "january", "february", "march",
	    "april", "may", "june", "july", "august", "september", "october",
	    "november", "december" };
	size_t i, k;

	for (i = 0; i < 12; i++) {
		if (len != 3 && len != strlen(names[i]) &&
		    !(i == 8 && len == 4))
			continue;
		for (k = 0; k < len; k++)
			if ((p[k] | 0x20) != names[i][k])
				break;
		if (k == len)
			return ((int)i + 1);
	}
	return (0);
}

/* hh:mm[:ss[.fff]] at *pp; -EINVAL when not. */
static int
clock_part(const char **pp, const char *e)
{
	const char *p = *pp;
	int h, mi, sec = 0;

	if (digits(&p, e, &h) < 1 || h > 23 || p == e || *p++ != ':' ||
	    digits(&p, e, &mi) != 2 || mi > 59)
		return (-EINVAL);
	if (p < e && *p == ':') {
		p++;
		if (digits(&p, e, &sec) != 2 || sec > 60)
			return (-EINVAL);
		if (p < e && *p == '.') {
			p++;
			if (digits(&p, e, &sec) < 1)
				return (-EINVAL);
		}
	}
	*pp = p;
	return (0);
}

/* Optional time after a date: blanks, hh:mm[:ss[.fff]], end of span; or
 * ISO's Thh:mm[:ss[.fff]] with Z or an offset. */
static int
time_tail(const char *p, const char *e)
{
	int oh, om;

	if (p == e)
		return (0);
	if (*p == 'T') {
		p++;
		if (clock_part(&p, e) != 0)
			return (-EINVAL);
		if (p < e && *p == 'Z')
			p++;
		else if (p < e && (*p == '+' || *p == '-')) {
			p++;
			if (digits(&p, e, &oh) != 2 || oh > 23)
				return (-EINVAL);
			if (p < e && *p == ':')
				p++;
			if (digits(&p, e, &om) != 2 || om > 59)
				return (-EINVAL);
		}
		return (p == e ? 0 : -EINVAL);
	}
	if (!ISBLANK(*p))
		return (-EINVAL);
	while (p < e && ISBLANK(*p))
		p++;
	if (clock_part(&p, e) != 0)
		return (-EINVAL);
	return (p == e ? 0 : -EINVAL);
}

/* Day-month-year separator: one of / - . or a run of blanks. */
static int
date_sep(const char **pp, const char *e, int sep)
{
	const char *p = *pp;

	if (p == e)
		return (-1);
	if (sep == ' ' || (sep == 0 && ISBLANK(*p))) {
		if (!ISBLANK(*p))
			return (-1);
		while (p < e && ISBLANK(*p))
			p++;
		*pp = p;
		return (' ');
	}
	if ((sep == 0 && (*p == '/' || *p == '-' || *p == '.')) || *p == sep) {
		*pp = p + 1;
		return (*p);
	}
	return (-1);
}

int
value_date_parse(const char *s, size_t n, int32_t *days)
{
	static const char *ord[4] = { "th", "st", "nd", "rd" };
	const char *p = s, *e = s + n, *q, *o;
	int y, m, d, nd, sep, named = 0, ordinal = 0;

	trim(&p, &e);
	nd = digits(&p, e, &y);
	if (nd == 4 && p < e && *p == '-') {
		/* ISO 8601, optionally followed by "T..." or " hh:mm". */
		p++;
		nd = digits(&p, e, &m);
		if (nd < 1 || nd > 2 || p == e || *p++ != '-')
			return (-EINVAL);
		nd = digits(&p, e, &d);
		if (nd < 1 || nd > 2 || time_tail(p, e) != 0)
			return (-EINVAL);
	} else {
		if (nd < 1 || nd > 2)
			return (-EINVAL);
		d = y;
		if (e - p >= 2 && ISALPHA(p[0]) && ISALPHA(p[1])) {
			o = ord[(d % 10 <= 3 && d / 10 != 1) ? d % 10 : 0];
			if ((p[0] | 0x20) != o[0] || (p[1] | 0x20) != o[1])
				return (-EINVAL);
			p += 2;
			ordinal = 1;
		}
		if ((sep = date_sep(&p, e, 0)) < 0)
			return (-EINVAL);
		for (q = p; q < e && ISALPHA(*q); q++)
			continue;
		if (q > p) {
			if ((m = month_name(p, (size_t)(q - p))) == 0)
				return (-EINVAL);
			p = q;
			named = 1;
		} else if ((nd = digits(&p, e, &m)) < 1 || nd > 2)
			return (-EINVAL);
		/* "1 4 2025" and "1st/4/2025" are not dates. */
		if (!named && (sep == ' ' || ordinal))
			return (-EINVAL);
		if (date_sep(&p, e, sep) < 0)
			return (-EINVAL);
		nd = digits(&p, e, &y);
		if (nd == 2)
			y += y < 70 ? 2000 : 1900;
		else if (nd != 4)
			return (-EINVAL);
		if (time_tail(p, e) != 0)
			return (-EINVAL);
	}
	if (y < 1900 || y > 2199 || !date_valid(y, m, d))
		return (-EINVAL);
	*days = date_from_ymd(y, m, d);
	return (0);
}

__int128
value_div_even(__int128 n, __int128 d)
{
	int neg = (n < 0) != (d < 0);
	__int128 an = n < 0 ? -n : n, ad = d < 0 ? -d : d;
	__int128 qt = an / ad, r = an % ad;

	if (2 * r > ad || (2 * r == ad && (qt & 1)))
		qt++;
	return (neg ? -qt : qt);
}
