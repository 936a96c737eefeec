/*
 * test_value.c — money, dates and decimals in core/value.c.
 *
 * Every parse goes through a heap copy of exactly n bytes, so running
 * under AddressSanitizer catches any read of s[n].
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "value.h"

typedef int parse_f(const char *, size_t, int64_t *);

static int
span64(parse_f *f, const char *s, int64_t *out)
{
	size_t n = strlen(s);
	char *b = malloc(n ? n : 1);
	int r;

	cr_assert_not_null(b);
	memcpy(b, s, n);
	r = f(b, n, out);
	free(b);
	return (r);
}

static int
money(const char *s, int64_t *out)
{
	return (span64(value_money_parse, s, out));
}

static int
num(const char *s, int64_t *out)
{
	return (span64(value_num_parse, s, out));
}

static int
date(const char *s, int32_t *out)
{
	size_t n = strlen(s);
	char *b = malloc(n ? n : 1);
	int r;

	cr_assert_not_null(b);
	memcpy(b, s, n);
	r = value_date_parse(b, n, out);
	free(b);
	return (r);
}

/* Money ------------------------------------------------------------- */

static void
money_ok(const char *s, int64_t want)
{
	int64_t v = 12345;

	cr_expect_eq(money(s, &v), 0, "money \"%s\" rejected", s);
	cr_expect_eq(v, want, "money \"%s\" = %lld, want %lld", s,
	    (long long)v, (long long)want);
}

static void
money_bad(const char *s, int err)
{
	int64_t v = 12345;

	cr_expect_eq(money(s, &v), -err, "money \"%s\" accepted", s);
	cr_expect_eq(v, 12345, "money \"%s\" wrote *out on error", s);
}

Test(money, accepted)
{
	money_ok("1234.56", 123456);
	money_ok("\xc2\xa3" "1,234.56", 123456);
	money_ok("\xa3" "1,234.56", 123456);
	money_ok(" 49,521.52 ", 4952152);
	money_ok("\t49,521.52\t ", 4952152);
	money_ok("77,041", 7704100);
	money_ok("-0.01", -1);
	money_ok("(1,234.56)", -123456);
	money_ok("106,392.99-", -10639299);
	money_ok("-\xc2\xa3" "5", -500);
	money_ok("\xc2\xa3" "-5", -500);
	money_ok("\xc2\xa3" "-5.", -500);
	money_ok("5.", 500);
	money_ok(".5", 50);
	money_ok("+12", 1200);
	money_ok("0", 0);
	money_ok("-0", 0);
	money_ok("0.05", 5);
	money_ok("1.230", 123);
	money_ok("1.2300000", 123);
	money_ok("1,000,000", 100000000);
	money_ok("123,456,789.01", 12345678901);
	money_ok("(\xc2\xa3" "5)", -500);
	money_ok("\xc2\xa3" "5-", -500);
	money_ok("1.5", 150);
	money_ok("92233720368547758.07", INT64_MAX);
	money_ok("-92233720368547758.07", -INT64_MAX);
}

Test(money, rejected)
{
	money_bad("", EINVAL);
	money_bad("   ", EINVAL);
	money_bad("\t", EINVAL);
	money_bad("1,23", EINVAL);
	money_bad("12,3x", EINVAL);
	money_bad("1234,567", EINVAL);
	money_bad(",123", EINVAL);
	money_bad("1,", EINVAL);
	money_bad("1,,234", EINVAL);
	money_bad("1,234,56", EINVAL);
	money_bad("1.234", EINVAL);
	money_bad("1.2301", EINVAL);
	money_bad("1.2.3", EINVAL);
	money_bad("1.2,3", EINVAL);
	money_bad("--5", EINVAL);
	money_bad("+-5", EINVAL);
	money_bad("-5-", EINVAL);
	money_bad("(-5)", EINVAL);
	money_bad("(5)-", EINVAL);
	money_bad("-\xc2\xa3-5", EINVAL);
	money_bad("\xc2\xa3\xc2\xa3" "5", EINVAL);
	money_bad("-", EINVAL);
	money_bad("\xc2\xa3", EINVAL);
	money_bad("()", EINVAL);
	money_bad("(5", EINVAL);
	money_bad(".", EINVAL);
	money_bad("abc", EINVAL);
	money_bad("12a", EINVAL);
	money_bad("1e3", EINVAL);
	money_bad("5 5", EINVAL);
	money_bad("\xc2" "5", EINVAL);
	money_bad("$5", EINVAL);
	money_bad("5\xc2\xa3", EINVAL);
	money_bad("12%", EINVAL);
	money_bad("92233720368547758.08", ERANGE);
	money_bad("-92233720368547758.08", ERANGE);
	money_bad("99999999999999999999", ERANGE);
	money_bad("99999999999999999999x", EINVAL);
}

Test(money, span_not_terminated)
{
	int64_t v = 0;

	/* Only the first 4 bytes belong to the span. */
	cr_expect_eq(value_money_parse("12.345", 4, &v), 0);
	cr_expect_eq(v, 1230);
	cr_expect_eq(value_money_parse("12,3456", 4, &v), -EINVAL);
	cr_expect_eq(value_money_parse("5x", 1, &v), 0);
	cr_expect_eq(v, 500);
}

static void
money_fmt(int64_t v, const char *want)
{
	char buf[VALUE_BUFSZ];
	size_t n;

	n = value_money_format(v, buf);
	cr_expect_str_eq(buf, want);
	cr_expect_eq(n, strlen(want));
}

Test(money, format)
{
	money_fmt(-123456, "-1234.56");
	money_fmt(5, "0.05");
	money_fmt(-1, "-0.01");
	money_fmt(1200, "12.00");
	money_fmt(0, "0.00");
	money_fmt(-100, "-1.00");
	money_fmt(INT64_MAX, "92233720368547758.07");
	money_fmt(INT64_MIN + 1, "-92233720368547758.07");
	money_fmt(MONEY_NULL, "");
}

Test(money, round_trip)
{
	static const char *in[] = { "1234.56", "0.05", "-0.01", "12.00",
	    "0.00", "-92233720368547758.07", "92233720368547758.07" };
	char buf[VALUE_BUFSZ];
	int64_t v, w;
	size_t i;

	for (i = 0; i < sizeof in / sizeof in[0]; i++) {
		cr_assert_eq(money(in[i], &v), 0);
		value_money_format(v, buf);
		cr_expect_str_eq(buf, in[i]);
	}
	/* Messy forms come back canonical and parse to the same value. */
	cr_assert_eq(money("(\xc2\xa3" "1,234.5)", &v), 0);
	value_money_format(v, buf);
	cr_expect_str_eq(buf, "-1234.50");
	cr_assert_eq(money(buf, &w), 0);
	cr_expect_eq(v, w);
	srand(1234);
	for (i = 0; i < 10000; i++) {
		v = ((int64_t)rand() << 31 | rand()) - ((int64_t)1 << 60);
		value_money_format(v, buf);
		cr_assert_eq(money(buf, &w), 0, "%s", buf);
		cr_assert_eq(v, w, "%s", buf);
	}
}

/* Decimals ---------------------------------------------------------- */

static void
num_ok(const char *s, int64_t want)
{
	int64_t v = 12345;

	cr_expect_eq(num(s, &v), 0, "num \"%s\" rejected", s);
	cr_expect_eq(v, want, "num \"%s\" = %lld, want %lld", s,
	    (long long)v, (long long)want);
}

static void
num_bad(const char *s, int err)
{
	int64_t v = 12345;

	cr_expect_eq(num(s, &v), -err, "num \"%s\" accepted", s);
	cr_expect_eq(v, 12345, "num \"%s\" wrote *out on error", s);
}

Test(num, accepted)
{
	num_ok("12.5", 125000);
	num_ok("3", 30000);
	num_ok("-0.0005", -5);
	num_ok("+1.25", 12500);
	num_ok(" 1,234.5678 ", 12345678);
	num_ok("1.23450000", 12345);
	num_ok(".5", 5000);
	num_ok("5.", 50000);
	num_ok("0", 0);
	num_ok("-1,000", -10000000);
	num_ok("922337203685477.5807", INT64_MAX);
	num_ok("-922337203685477.5807", -INT64_MAX);
}

Test(num, rejected)
{
	num_bad("", EINVAL);
	num_bad("  ", EINVAL);
	num_bad("12%", EINVAL);
	num_bad("1.23456", EINVAL);
	num_bad("1,23", EINVAL);
	num_bad("--1", EINVAL);
	num_bad("+-1", EINVAL);
	num_bad("1-", EINVAL);
	num_bad("(1)", EINVAL);
	num_bad("\xc2\xa3" "1", EINVAL);
	num_bad("abc", EINVAL);
	num_bad("1e5", EINVAL);
	num_bad("-", EINVAL);
	num_bad(".", EINVAL);
	num_bad("922337203685477.5808", ERANGE);
}

static void
num_fmt(int64_t v, const char *want)
{
	char buf[VALUE_BUFSZ];
	size_t n;

	n = value_num_format(v, buf);
	cr_expect_str_eq(buf, want);
	cr_expect_eq(n, strlen(want));
}

Test(num, format)
{
	num_fmt(125000, "12.5");
	num_fmt(30000, "3");
	num_fmt(-5, "-0.0005");
	num_fmt(0, "0");
	num_fmt(-30000, "-3");
	num_fmt(12345678, "1234.5678");
	num_fmt(1200, "0.12");
	num_fmt(-1000, "-0.1");
	num_fmt(INT64_MAX, "922337203685477.5807");
	num_fmt(INT64_MIN + 1, "-922337203685477.5807");
	num_fmt(NUM_NULL, "");
}

Test(num, round_trip)
{
	static const char *in[] = { "12.5", "3", "-0.0005", "0", "-3",
	    "1234.5678", "0.12", "-922337203685477.5807" };
	char buf[VALUE_BUFSZ];
	int64_t v, w;
	size_t i;

	for (i = 0; i < sizeof in / sizeof in[0]; i++) {
		cr_assert_eq(num(in[i], &v), 0);
		value_num_format(v, buf);
		cr_expect_str_eq(buf, in[i]);
	}
	srand(99);
	for (i = 0; i < 10000; i++) {
		v = ((int64_t)rand() << 31 | rand()) - ((int64_t)1 << 60);
		if (i % 3 == 0)
			v -= v % 100;
		value_num_format(v, buf);
		cr_assert_eq(num(buf, &w), 0, "%s", buf);
		cr_assert_eq(v, w, "%s", buf);
	}
}

/* Dates ------------------------------------------------------------- */

static void
date_ok(const char *s, int y, int m, int d)
{
	int32_t v = 12345;

	cr_expect_eq(date(s, &v), 0, "date \"%s\" rejected", s);
	cr_expect_eq(v, date_from_ymd(y, m, d),
	    "date \"%s\" = %d, want %04d-%02d-%02d", s, v, y, m, d);
}

static void
date_bad(const char *s)
{
	int32_t v = 12345;

	cr_expect_eq(date(s, &v), -EINVAL, "date \"%s\" accepted", s);
	cr_expect_eq(v, 12345, "date \"%s\" wrote *out on error", s);
}

Test(date, known_days)
{
	cr_expect_eq(date_from_ymd(1970, 1, 1), 0);
	cr_expect_eq(date_from_ymd(1969, 12, 31), -1);
	cr_expect_eq(date_from_ymd(1900, 1, 1), -25567);
	cr_expect_eq(date_from_ymd(2000, 3, 1), 11017);
	cr_expect_eq(date_from_ymd(2024, 2, 29), 19782);
	cr_expect_eq(date_from_ymd(2025, 4, 1), 20179);
	cr_expect_eq(date_from_ymd(2199, 12, 31), 84005);
}

Test(date, accepted)
{
	date_ok("2025-04-01", 2025, 4, 1);
	date_ok("2025-4-1", 2025, 4, 1);
	date_ok("2025-04-01T00:00:00", 2025, 4, 1);
	date_ok("2025-04-01T10:30:00Z", 2025, 4, 1);
	date_ok("2025-04-01 10:30", 2025, 4, 1);
	date_ok("2025-04-01 10:30:59", 2025, 4, 1);
	date_ok("2025-04-01 00:00:00.000", 2025, 4, 1);
	date_ok("01/04/2025", 2025, 4, 1);
	date_ok("1/4/25", 2025, 4, 1);
	date_ok("01-04-2025", 2025, 4, 1);
	date_ok("01.04.2025", 2025, 4, 1);
	date_ok("01-Apr-25", 2025, 4, 1);
	date_ok("1-Apr-2025", 2025, 4, 1);
	date_ok("01 Apr 2025", 2025, 4, 1);
	date_ok("1 April 2025", 2025, 4, 1);
	date_ok("1st April 2025", 2025, 4, 1);
	date_ok("2nd Apr 2025", 2025, 4, 2);
	date_ok("3rd Apr 2025", 2025, 4, 3);
	date_ok("4th Apr 2025", 2025, 4, 4);
	date_ok("11th Apr 2025", 2025, 4, 11);
	date_ok("12TH Apr 2025", 2025, 4, 12);
	date_ok("13th Apr 2025", 2025, 4, 13);
	date_ok("21st Apr 2025", 2025, 4, 21);
	date_ok("22nd Apr 2025", 2025, 4, 22);
	date_ok("23rd Apr 2025", 2025, 4, 23);
	date_ok("1  April   2025", 2025, 4, 1);
	date_ok("  01/04/2025\t", 2025, 4, 1);
	date_ok("01/04/2025 00:00", 2025, 4, 1);
	date_ok("1 april 2025", 2025, 4, 1);
	date_ok("1 APRIL 2025", 2025, 4, 1);
	date_ok("1 aPr 2025", 2025, 4, 1);
	date_ok("30 Sept 2025", 2025, 9, 30);
	date_ok("30 Sep 2025", 2025, 9, 30);
	date_ok("30 september 2025", 2025, 9, 30);
	date_ok("1 Jan 2025", 2025, 1, 1);
	date_ok("1 February 2025", 2025, 2, 1);
	date_ok("1 Mar 2025", 2025, 3, 1);
	date_ok("1 May 2025", 2025, 5, 1);
	date_ok("1 June 2025", 2025, 6, 1);
	date_ok("1 July 2025", 2025, 7, 1);
	date_ok("1 Aug 2025", 2025, 8, 1);
	date_ok("1 October 2025", 2025, 10, 1);
	date_ok("1 Nov 2025", 2025, 11, 1);
	date_ok("25 December 2025", 2025, 12, 25);
	/* Day first, always: never the US reading. */
	date_ok("12/01/2025", 2025, 1, 12);
	date_ok("05/06/2025", 2025, 6, 5);
	date_ok("13/12/2025", 2025, 12, 13);
	/* Two-digit years pivot at 70. */
	date_ok("1/1/00", 2000, 1, 1);
	date_ok("1/1/69", 2069, 1, 1);
	date_ok("1/1/70", 1970, 1, 1);
	date_ok("1/1/99", 1999, 1, 1);
	/* Leap years. */
	date_ok("29/02/2024", 2024, 2, 29);
	date_ok("29/02/2000", 2000, 2, 29);
	date_ok("2096-02-29", 2096, 2, 29);
	/* Before 1970 and the ends of the range. */
	date_ok("1900-01-01", 1900, 1, 1);
	date_ok("31/12/1969", 1969, 12, 31);
	date_ok("5 Nov 1955", 1955, 11, 5);
	date_ok("31 Dec 2199", 2199, 12, 31);
}

Test(date, rejected)
{
	date_bad("");
	date_bad("   ");
	date_bad("31/02/2025");
	date_bad("29/02/2023");
	date_bad("29/02/1900");
	date_bad("29/02/2100");
	date_bad("31/04/2025");
	date_bad("00/04/2025");
	date_bad("01/00/2025");
	date_bad("01/13/2025");
	date_bad("32/01/2025");
	date_bad("2025-13-01");
	date_bad("2025-02-30");
	date_bad("2025-004-01");
	date_bad("2025-04-001");
	date_bad("31/12/1899");
	date_bad("1899-12-31");
	date_bad("01/01/2200");
	date_bad("2200-01-01");
	date_bad("45748");		/* Excel serial */
	date_bad("45748.5");
	date_bad("01/04/2025x");
	date_bad("01/04/2025 x");
	date_bad("2025-04-01x");
	date_bad("2025-04-01 10");
	date_bad("2025-04-01 25:00");
	date_bad("01/04/2025 10:60");
	date_bad("01/04/202");
	date_bad("01/04/20255");
	date_bad("01/04/5");
	date_bad("01/04-2025");
	date_bad("01-04/2025");
	date_bad("01 04 2025");
	date_bad("1st/4/2025");
	date_bad("1st 4 2025");
	date_bad("1nd April 2025");
	date_bad("11st April 2025");
	date_bad("1 Aprl 2025");
	date_bad("1 Ap 2025");
	date_bad("1 Septe 2025");
	date_bad("April 1 2025");
	date_bad("April 1, 2025");
	date_bad("04/01/2025/");
	date_bad("001/04/2025");
	date_bad("2025/04/01");
	date_bad("2025.04.01");
	date_bad("1/4");
	date_bad("1 April");
	date_bad("-1/4/2025");
	date_bad("today");
}

Test(date, span_not_terminated)
{
	int32_t v = 0;

	cr_expect_eq(value_date_parse("2025-04-01xyz", 10, &v), 0);
	cr_expect_eq(v, 20179);
	cr_expect_eq(value_date_parse("1/4/25123", 6, &v), 0);
	cr_expect_eq(v, 20179);
	cr_expect_eq(value_date_parse("1/4/2", 5, &v), -EINVAL);
}

Test(date, format_and_round_trip)
{
	static const char *in[] = { "2025-04-01", "1900-01-01", "1969-12-31",
	    "1970-01-01", "2024-02-29", "2199-12-31" };
	char buf[VALUE_BUFSZ];
	int32_t v;
	size_t i, n;

	for (i = 0; i < sizeof in / sizeof in[0]; i++) {
		cr_assert_eq(date(in[i], &v), 0);
		n = value_date_format(v, buf);
		cr_expect_str_eq(buf, in[i]);
		cr_expect_eq(n, strlen(in[i]));
	}
	cr_assert_eq(date("1st Apr 25", &v), 0);
	value_date_format(v, buf);
	cr_expect_str_eq(buf, "2025-04-01");
	value_date_format(DATE_NULL, buf);
	cr_expect_str_eq(buf, "");
}

Test(date, valid)
{
	cr_expect_eq(date_valid(2024, 2, 29), 1);
	cr_expect_eq(date_valid(2023, 2, 29), 0);
	cr_expect_eq(date_valid(2000, 2, 29), 1);
	cr_expect_eq(date_valid(1900, 2, 29), 0);
	cr_expect_eq(date_valid(2025, 2, 31), 0);
	cr_expect_eq(date_valid(2025, 4, 31), 0);
	cr_expect_eq(date_valid(2025, 12, 31), 1);
	cr_expect_eq(date_valid(2025, 0, 1), 0);
	cr_expect_eq(date_valid(2025, 13, 1), 0);
	cr_expect_eq(date_valid(2025, 1, 0), 0);
	cr_expect_eq(date_valid(2025, 1, 32), 0);
}

Test(date, fiscal_year)
{
	cr_expect_eq(date_fy(date_from_ymd(2025, 4, 1)), 2025);
	cr_expect_eq(date_fy(date_from_ymd(2026, 3, 31)), 2025);
	cr_expect_eq(date_fy(date_from_ymd(2025, 3, 31)), 2024);
	cr_expect_eq(date_fy(date_from_ymd(2026, 4, 1)), 2026);
	cr_expect_eq(date_fy(date_from_ymd(2025, 12, 31)), 2025);
	cr_expect_eq(date_fy(date_from_ymd(2026, 1, 1)), 2025);
	cr_expect_eq(date_fy(date_from_ymd(2024, 2, 29)), 2023);
	cr_expect_eq(date_fy(date_from_ymd(1970, 1, 1)), 1969);
	cr_expect_eq(date_fy(date_from_ymd(1900, 1, 1)), 1899);
	cr_expect_eq(date_fy(date_from_ymd(1900, 4, 1)), 1900);
}

/* Every day of 1900..2199 in order, then random dates back and forth. */
Test(date, ymd_round_trip)
{
	int32_t first, last, z;
	int y, m, d, py = 1899, pm = 12, pd = 31, i;

	first = date_from_ymd(1900, 1, 1);
	last = date_from_ymd(2199, 12, 31);
	for (z = first; z <= last; z++) {
		date_to_ymd(z, &y, &m, &d);
		cr_assert(date_valid(y, m, d), "%d: %d-%d-%d", z, y, m, d);
		if (d == 1)
			cr_assert(m == pm % 12 + 1 && !date_valid(py, pm, pd + 1),
			    "%d: %d-%d-%d", z, y, m, d);
		else
			cr_assert(y == py && m == pm && d == pd + 1,
			    "%d: %d-%d-%d", z, y, m, d);
		cr_assert_eq(date_from_ymd(y, m, d), z);
		py = y;
		pm = m;
		pd = d;
	}
	cr_expect_eq(last - first + 1, 300 * 365 + 73);
	srand(20250401);
	for (i = 0; i < 100000; i++) {
		y = 1900 + rand() % 300;
		m = 1 + rand() % 12;
		d = 1 + rand() % 31;
		if (!date_valid(y, m, d))
			continue;
		z = date_from_ymd(y, m, d);
		cr_assert(z >= first && z <= last);
		date_to_ymd(z, &py, &pm, &pd);
		cr_assert(py == y && pm == m && pd == d,
		    "%d-%d-%d -> %d -> %d-%d-%d", y, m, d, z, py, pm, pd);
	}
}
