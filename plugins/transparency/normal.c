/*
 * normal.c — header spellings, dates, amounts and redacted payees as UK
 * public bodies write them in Transparency Code spend files.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "normal.h"

const char *const tp_field_names[TP_NFIELDS] = {
	"date", "org", "service", "supplier", "description", "account",
	"amount",
};

/*
 * Header spellings after squeezing (lower case, ASCII letters and digits
 * only), each with the field and a rank: when a file has two columns for
 * one field the higher rank wins, the leftmost on a tie.  Every spelling
 * here was seen in a real file (or is in the brief's list); the ranks
 * encode "the more specific name wins":
 *   - a net amount beats a plain or total one, and a gross amount is a
 *     last resort; VAT columns are never the amount;
 *   - "Paid Date" beats "Date" beats "Transaction Date" (Whittington
 *     labels its transaction numbers "Transaction Date");
 *   - "Service Area" beats "Department Area" (Hyndburn has both);
 *   - "Entity" (the trust) beats "Department Family" (which is always
 *     "Department of Health" and so is not mapped at all);
 *   - "Expense Type" beats a free-text "Description" (NHS files that add
 *     one for a month keep the usual column).
 */
static const struct spelling {
	const char	*squeezed;
	int		field;
	int		rank;
} spellings[] = {
	/* amount */
	{ "netamount", TP_AMOUNT, 9 },
	{ "nettamount", TP_AMOUNT, 9 },
	{ "invoicenettamount", TP_AMOUNT, 9 },
	{ "invoicenetamount", TP_AMOUNT, 9 },
	{ "amountexclvat", TP_AMOUNT, 9 },
	{ "amountexcludingvat", TP_AMOUNT, 9 },
	{ "netvalue", TP_AMOUNT, 9 },
	{ "amount", TP_AMOUNT, 8 },
	{ "amountpaid", TP_AMOUNT, 8 },
	{ "amountinsterling", TP_AMOUNT, 8 },
	{ "paymentamount", TP_AMOUNT, 8 },
	{ "transactionamount", TP_AMOUNT, 8 },
	{ "lineamount", TP_AMOUNT, 8 },
	{ "sumofinvoicenettamount", TP_AMOUNT, 7 },
	{ "totalinvoiceamount", TP_AMOUNT, 6 },
	{ "totalamount", TP_AMOUNT, 6 },
	{ "value", TP_AMOUNT, 5 },
	{ "total", TP_AMOUNT, 4 },
	{ "grossamount", TP_AMOUNT, 2 },
	{ "amountinclvat", TP_AMOUNT, 2 },
	/* date */
	{ "paiddate", TP_DATE, 9 },
	{ "paymentdate", TP_DATE, 9 },
	{ "datepaid", TP_DATE, 9 },
	{ "dateofpayment", TP_DATE, 9 },
	{ "date", TP_DATE, 7 },
	{ "invoicedate", TP_DATE, 6 },
	{ "invoicecreationdate", TP_DATE, 6 },
	{ "postingdate", TP_DATE, 6 },
	{ "transactiondate", TP_DATE, 5 },
	/* supplier */
	{ "suppliername", TP_SUPPLIER, 9 },
	{ "payeename", TP_SUPPLIER, 9 },
	{ "vendorname", TP_SUPPLIER, 9 },
	{ "supplier", TP_SUPPLIER, 8 },
	{ "supplierfinal", TP_SUPPLIER, 8 },
	{ "payee", TP_SUPPLIER, 8 },
	{ "vendor", TP_SUPPLIER, 8 },
	{ "merchantname", TP_SUPPLIER, 8 },
	{ "beneficiary", TP_SUPPLIER, 7 },
	{ "name", TP_SUPPLIER, 6 },
	/* description */
	{ "expensetype", TP_DESCRIPTION, 8 },
	{ "expensestype", TP_DESCRIPTION, 8 },
	{ "expendituretype", TP_DESCRIPTION, 8 },
	{ "expenditurecategory", TP_DESCRIPTION, 8 },
	{ "expenditurecatergory", TP_DESCRIPTION, 8 },
	{ "expenditureunit", TP_DESCRIPTION, 7 },
	{ "subjdescription", TP_DESCRIPTION, 8 },
	{ "subjectivedescription", TP_DESCRIPTION, 8 },
	{ "level9accountname", TP_DESCRIPTION, 7 },
	{ "purpose", TP_DESCRIPTION, 7 },
	{ "description", TP_DESCRIPTION, 6 },
	{ "category", TP_DESCRIPTION, 5 },
	/* service */
	{ "servicearea", TP_SERVICE, 9 },
	{ "expensearea", TP_SERVICE, 8 },
	{ "expensesarea", TP_SERVICE, 8 },
	{ "organisationalunit", TP_SERVICE, 8 },
	{ "organisatonalunit", TP_SERVICE, 8 },
	{ "service", TP_SERVICE, 8 },
	{ "servicecostcentre", TP_SERVICE, 7 },
	{ "costcentrename", TP_SERVICE, 7 },
	{ "directorate", TP_SERVICE, 7 },
	{ "department", TP_SERVICE, 6 },
	{ "departmentarea", TP_SERVICE, 5 },
	/* org */
	{ "bodyname", TP_ORG, 9 },
	{ "organisationname", TP_ORG, 9 },
	{ "body", TP_ORG, 8 },
	{ "organisation", TP_ORG, 8 },
	{ "entity", TP_ORG, 8 },
	{ "entuty", TP_ORG, 8 },
	{ "client", TP_ORG, 6 },
	/* account */
	{ "expenditurecode", TP_ACCOUNT, 8 },
	{ "accountcode", TP_ACCOUNT, 8 },
	{ "ledgercode", TP_ACCOUNT, 8 },
	{ "nominalcode", TP_ACCOUNT, 8 },
	{ "subjectivecode", TP_ACCOUNT, 8 },
	{ "accountdetail", TP_ACCOUNT, 7 },
	{ "costcentre", TP_ACCOUNT, 5 },
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static void
squeeze(const char *s, char *out, size_t outsz)
{
	size_t n = 0;

	for (; *s && n + 1 < outsz; s++)
		if (isalnum((unsigned char)*s) && !((unsigned char)*s & 0x80))
			out[n++] = (char)tolower((unsigned char)*s);
	out[n] = '\0';
}

int
tp_header_field(const char *cell, int *rank)
{
	char sq[64];
	const char *dash;

	squeeze(cell, sq, sizeof(sq));
	for (size_t i = 0; i < NELEM(spellings); i++)
		if (strcmp(sq, spellings[i].squeezed) == 0) {
			*rank = spellings[i].rank;
			return (spellings[i].field);
		}
	/* "9AN - Level 9 Account Name": a ledger code before the name. */
	if ((dash = strstr(cell, " - ")) != NULL)
		return (tp_header_field(dash + 3, rank));
	return (-1);
}

/* A month's name or any prefix of it of 3 letters or more: "Sept". */
static int
month_name(const char *s, size_t n)
{
	static const char *const full[] = { "january", "february", "march",
	    "april", "may", "june", "july", "august", "september", "october",
	    "november", "december" };

	if (n < 3)
		return (0);
	for (int m = 0; m < 12; m++) {
		if (n > strlen(full[m]))
			continue;
		if (strncasecmp(s, full[m], n) == 0)
			return (m + 1);
	}
	return (0);
}

static int
leap(long y)
{
	return ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0);
}

static int
days_in(long y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
	    31 };

	return (m == 2 && leap(y) ? 29 : d[m - 1]);
}

static int
ymd(long y, long m, long d, char out[11])
{
	char t[40];

	if (y < 1000 || y > 9999 || m < 1 || m > 12 || d < 1 ||
	    d > days_in(y, (int)m))
		return (-1);
	snprintf(t, sizeof(t), "%04ld-%02ld-%02ld", y, m, d);
	memcpy(out, t, 11);
	return (0);
}

/* Two-digit years: 00-69 are 2000-2069, 70-99 are 1970-1999. */
static long
year4(long y, size_t ndigits)
{
	if (ndigits == 2)
		return (y < 70 ? 2000 + y : 1900 + y);
	return (ndigits == 4 ? y : -1);
}

/*
 * Excel's 1900 date system: serial 1 is 1900-01-01, and Excel believes
 * 1900 was a leap year, so serial 60 is a 29 February 1900 that never
 * was (refused) and every later serial is one day ahead of the count.
 */
static int
excel_serial(long n, char out[11])
{
	long y = 1900, m = 1, d;

	if (n < 1 || n == 60 || n > 2958465)
		return (-1);
	d = n > 60 ? n - 1 : n;
	for (;;) {
		long ylen = leap(y) ? 366 : 365;

		if (d <= ylen)
			break;
		d -= ylen;
		y++;
	}
	while (d > days_in(y, (int)m))
		d -= days_in(y, (int)m++);
	return (ymd(y, m, d, out));
}

/* A time after a date: " 00:00:00", "T12:30", " 12:30:00.000". */
static int
time_tail(const char *p)
{
	if (*p == '\0')
		return (1);
	if (*p != ' ' && *p != 'T')
		return (0);
	while (*p == ' ' || *p == 'T')
		p++;
	for (; *p; p++)
		if (!isdigit((unsigned char)*p) && *p != ':' && *p != '.')
			return (0);
	return (1);
}

/*
 * date := D{1,2} sep M{1,2} sep Y{2,4} [time]    (UK: day first)
 *       | D{1,2} sep MONTHNAME sep Y{2,4} [time]
 *       | Y{4} sep M{1,2} sep D{1,2} [time]
 *       | SERIAL [ "." D* ]
 * sep := "/" | "-" | "." | " "
 */
int
tp_date(const char *s, int mdy, char out[11], int *serial)
{
	int named = 0;

	const char *p = s, *q;
	long a, b, c;
	size_t na, nb, nc;
	char *end;

	*serial = 0;
	while (*p == ' ')
		p++;
	if (!isdigit((unsigned char)*p))
		return (-1);
	a = strtol(p, &end, 10);
	na = (size_t)(end - p);
	p = end;
	if (*p == '\0' || (*p == '.' && strspn(p + 1, "0123456789") ==
	    strlen(p + 1) && na >= 4)) {
		/* A bare number (a fraction is the time of day, and then
		 * the number must be a recent date: "8755.20" is money). */
		*serial = 1;
		if (*p == '.' && (a < 20000 || a > 80000))
			return (-1);
		return (excel_serial(a, out));
	}
	if (strchr("/-. ", *p) == NULL || na > 4)
		return (-1);
	p++;
	while (*p == ' ')
		p++;
	if (isdigit((unsigned char)*p)) {
		b = strtol(p, &end, 10);
		nb = (size_t)(end - p);
		p = end;
		if (nb > 2)
			return (-1);
	} else {
		for (q = p; isalpha((unsigned char)*q); q++)
			;
		if ((b = month_name(p, (size_t)(q - p))) == 0)
			return (-1);
		named = 1;
		p = q;
	}
	if (strchr("/-. ", *p) == NULL || *p == '\0')
		return (-1);
	p++;
	while (*p == ' ')
		p++;
	if (!isdigit((unsigned char)*p))
		return (-1);
	c = strtol(p, &end, 10);
	nc = (size_t)(end - p);
	p = end;
	if (!time_tail(p))
		return (-1);
	if (na == 4) {
		if (nc > 2)
			return (-1);
		return (ymd(a, b, c, out));
	}
	if (na > 2)
		return (-1);
	if (mdy && !named)
		return (ymd(year4(c, nc), a, b, out));
	return (ymd(year4(c, nc), b, a, out));
}

int
tp_date_order(const char *s)
{
	char *end;
	long a, b;

	while (*s == ' ')
		s++;
	if (!isdigit((unsigned char)*s))
		return (0);
	a = strtol(s, &end, 10);
	if (end - s > 2 || strchr("/-.", *end) == NULL || *end == '\0' ||
	    !isdigit((unsigned char)end[1]))
		return (0);
	s = end + 1;
	b = strtol(s, &end, 10);
	if (end - s > 2 || a < 1 || b < 1 || a > 31 || b > 31)
		return (0);
	if (a > 12 && b <= 12)
		return (TP_DMY);
	if (b > 12 && a <= 12)
		return (TP_MDY);
	return (0);
}

/*
 * amount := ["'"] [sign] ["£"] [sign] number [sign | "CR"]
 *         | "(" ["£"] number ")"
 * number := digits with optional thousands commas, [ "." digits ]
 * Spaces anywhere are ignored.  A credit is negative however written.
 */
int
tp_amount(const char *s, char *out, size_t outsz)
{
	char t[128], ip[64], fp[64];
	size_t n = 0, ni = 0, nf = 0, i = 0, group = 0;
	int neg = 0, seen_comma = 0, dot = 0, carry;

	for (const char *p = s; *p; p++) {
		if (*p == ' ' || *p == '\t')
			continue;
		if ((unsigned char)p[0] == 0xc2 && (unsigned char)p[1] == 0xa0) {
			p++;		/* no-break space */
			continue;
		}
		if ((unsigned char)p[0] == 0xc2 && (unsigned char)p[1] == 0xa3) {
			p++;		/* £ */
			continue;
		}
		if (n + 1 >= sizeof(t))
			return (-1);
		t[n++] = *p;
	}
	t[n] = '\0';
	if (n > 0 && t[0] == '\'')
		memmove(t, t + 1, n--);
	if (n >= 2 && t[0] == '(' && t[n - 1] == ')') {
		neg = 1;
		memmove(t, t + 1, n - 2);
		t[n -= 2] = '\0';
	}
	if (n >= 2 && strcasecmp(t + n - 2, "CR") == 0) {
		neg = !neg;
		t[n -= 2] = '\0';
	} else if (n > 0 && t[n - 1] == '-') {
		neg = !neg;
		t[--n] = '\0';
	}
	if (n > 0 && (t[0] == '-' || t[0] == '+')) {
		neg ^= t[0] == '-';
		i = 1;
	}
	if (n == i)
		return (-1);
	for (; i < n; i++) {
		char ch = t[i];

		if (isdigit((unsigned char)ch)) {
			if (dot) {
				if (nf + 1 >= sizeof(fp))
					return (-1);
				fp[nf++] = ch;
			} else {
				if (ni + 1 >= sizeof(ip))
					return (-1);
				ip[ni++] = ch;
				group++;
			}
		} else if (ch == ',' && !dot) {
			/* Thousands: 1-3 digits first, then exactly 3. */
			if (group == 0 || group > 3 || (seen_comma &&
			    group != 3))
				return (-1);
			seen_comma = 1;
			group = 0;
		} else if (ch == '.' && !dot) {
			dot = 1;
		} else
			return (-1);
	}
	if ((seen_comma && group != 3) || ni + nf == 0)
		return (-1);
	/* Round to pence, half away from zero, on the text. */
	if (nf > 2) {
		carry = fp[2] >= '5';
		nf = 2;
		for (size_t k = nf; k-- > 0 && carry;) {
			if (fp[k] == '9')
				fp[k] = '0';
			else {
				fp[k]++;
				carry = 0;
			}
		}
		for (size_t k = ni; k-- > 0 && carry;) {
			if (ip[k] == '9')
				ip[k] = '0';
			else {
				ip[k]++;
				carry = 0;
			}
		}
		if (carry) {
			if (ni + 2 >= sizeof(ip))
				return (-1);
			memmove(ip + 1, ip, ni++);
			ip[0] = '1';
		}
	}
	ip[ni] = '\0';
	fp[nf] = '\0';
	i = 0;
	while (i + 1 < ni && ip[i] == '0')
		i++;
	if (ni == 0)
		ip[0] = '0', ip[1] = '\0', i = 0;
	if (strspn(ip + i, "0") == strlen(ip + i) && strspn(fp, "0") == nf)
		neg = 0;		/* no "-0.00" */
	if ((size_t)snprintf(out, outsz, "%s%s%s%s", neg ? "-" : "", ip + i,
	    nf ? "." : "", fp) >= outsz)
		return (-1);
	return (0);
}

/* Lower case, runs of anything but letters and digits as one space. */
static void
words(const char *s, char *out, size_t outsz)
{
	size_t n = 0;
	int gap = 0;

	for (; *s && n + 2 < outsz; s++) {
		if (isalnum((unsigned char)*s) || ((unsigned char)*s & 0x80)) {
			if (gap && n > 0)
				out[n++] = ' ';
			out[n++] = (char)tolower((unsigned char)*s);
			gap = 0;
		} else
			gap = 1;
	}
	out[n] = '\0';
}

/*
 * A withheld payee, judged on the whole value, never a substring:
 * "Redacted", "REDACTED - personal data", "Withheld" (the word first, as
 * a whole word: "Redactive Publishing Ltd" is a supplier), or one of a
 * few whole phrases ("Third Party", "Personal Information"), so that
 * "Third Sector Partnership" and "Third Party Forensics Ltd" stay.
 */
int
tp_redacted(const char *s)
{
	static const char *const whole[] = {
		"third party", "third party payment", "third party payments",
		"third party supplier", "third party suppliers",
		"personal information", "personal data", "personal details",
		"name withheld", "payee withheld", "supplier withheld",
		"data protection", "data protection act",
	};
	char w[256];

	words(s, w, sizeof(w));
	if (strcmp(w, "redacted") == 0 || strncmp(w, "redacted ", 9) == 0 ||
	    strcmp(w, "withheld") == 0 || strncmp(w, "withheld ", 9) == 0)
		return (1);
	for (size_t i = 0; i < NELEM(whole); i++)
		if (strcmp(w, whole[i]) == 0)
			return (1);
	return (0);
}

int
tp_total_label(const char *s)
{
	char w[32];

	words(s, w, sizeof(w));
	return (strcmp(w, "total") == 0 || strcmp(w, "grand total") == 0 ||
	    strcmp(w, "totals") == 0 || strcmp(w, "sub total") == 0 ||
	    strcmp(w, "subtotal") == 0);
}
