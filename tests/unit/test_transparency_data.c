/*
 * test_transparency_data.c — the transparency importer over every CSV of
 * the real published spend files in ../shared/data (skipped, saying so,
 * when that is absent).  For each file: records + skipped = the file's
 * rows, counted here by a CSV row counter of its own; every date is
 * YYYY-MM-DD and every amount ^-?[0-9]+(\.[0-9]{1,2})?$ but for the
 * values the files themselves lack (listed below, with why); and for a
 * few files the sum of the amounts, in pence, equals a total computed
 * independently.  TP_VERBOSE=1 prints every value left as it was.
 */
#define _XOPEN_SOURCE 700
#include <ctype.h>
#include <ftw.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <criterion/criterion.h>

#include "test_transparency.h"

#define NFILES	512

static const char *const dirs[] = {
	"hyndburn_bc_spend_over250", "lambeth_council_payments_2011_12",
	"lancashire_pcc_spend", "lancashire_fire_spend",
	"nhs_london_spend_over25k_2020_21", "oxford_city_council_over500",
};

/*
 * Values the files lack, by file (a path suffix; the last match wins):
 * dates and amounts that no reading could normalise, passed through for
 * the host to reject.  -1: every record.  Every other file must have
 * none.
 */
static const struct known {
	const char	*file;
	int		bad_dates, bad_amounts;
	const char	*why;
} known[] = {
	{ "oxford_city_council_over500/expenditure-over-500-apr-jun-2014.csv",
	  3836, 0, "every Paid Date is \"00:00:00\": loaded undated" },
	{ "oxford_city_council_over500/expenditure-over-500-jan-mar-2014.csv",
	  1, 1, "one row with no date and no amount" },
	{ "-payments.csv", -1, 0, "Lambeth 2011-12: totals per supplier, "
	  "no dates" },
	{ "2011-10-payments.csv", -1, 1, "and a blank Total" },
	{ "2011-11-payments.csv", -1, 1, "and, from line 912, rows that lost "
	  "their line ends" },
	{ "2012-02-payments.csv", -1, 1, "and a blank Total" },
	{ "2012-06-payments.csv", 4, 4, "transactions; 4 rows lost a comma "
	  "between supplier and date (\"Catch2212/06/2012\")" },
	{ "LNWU 11 - Febuary.csv", 1, 0, "a blank date" },
	{ "LNWU 12 - March.csv", 1, 0, "a blank date" },
};

/*
 * Independent totals in pence, computed once with Python's csv and
 * decimal modules (not this importer):
 *
 *   python3 -c 'import csv,decimal,sys; r=list(csv.reader(open(sys.argv[1],
 *     encoding=sys.argv[2], newline=""))); i=[c.strip().lower() for c in
 *     r[0]].index(sys.argv[3]); print(sum(decimal.Decimal(x[i].replace(
 *     ",","").replace("£","").strip()) for x in r[1:] if len(x) > i and
 *     x[i].strip()) * 100)' FILE ENCODING AMOUNT-HEADER
 *
 * (ENCODING utf-8 for Oxford, cp1252 for the others; AMOUNT-HEADER
 * "amount", or "net amount(£)" for Hyndburn), the header row being the
 * first in each of these files.
 */
static const struct total {
	const char	*file;
	int64_t		pence;
} totals[] = {
	{ "oxford_city_council_over500/expenditure-over-500-jan-mar-2015.csv",
	  1388057457 },
	{ "nhs_london_spend_over25k_2020_21/EPSH/EPSH 01 - April.csv",
	  2342753398 },
	{ "hyndburn_bc_spend_over250/1701.csv", 53827219 },
	{ "nhs_london_spend_over25k_2020_21/CROY/CROY 01 - April.csv",
	  835714800 },
};

static char *files[NFILES];
static int nfiles;

static int
add_file(const char *path, const struct stat *sb, int type, struct FTW *f)
{
	size_t n = strlen(path);

	/* Lambeth's locations/ are service counts and addresses, not spend:
	 * another importer's. */
	if (type == FTW_F && n > 4 && strcasecmp(path + n - 4, ".csv") == 0 &&
	    strstr(path, "/locations/") == NULL && nfiles < NFILES)
		files[nfiles++] = strdup(path);
	return (0);
}

static int
cmp_str(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

/* Rows as any CSV reader counts them: line ends outside quotes, CRLF as
 * one, a last row without a line end still a row. */
static long
count_rows(const char *s, size_t n)
{
	long rows = 0;
	int q = 0, open = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			q = !q;
		if (!q && (s[i] == '\n' || s[i] == '\r')) {
			if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n')
				i++;
			rows++;
			open = 0;
		} else
			open = 1;
	}
	return (rows + open);
}

struct tally {
	long		records, skipped, bad_dates, bad_amounts;
	int64_t		pence;
	char		first_bad[128];
};

static int
is_date(const char *s)
{
	return (strlen(s) == 10 && s[4] == '-' && s[7] == '-' &&
	    strspn(s, "0123456789-") == 10);
}

/* ^-?[0-9]+(\.[0-9]{1,2})?$ as pence, or -1 when it is not. */
static int
pence(const char *s, int64_t *out)
{
	int neg = *s == '-';
	int64_t v = 0;
	size_t d, f = 0;

	s += neg;
	if ((d = strspn(s, "0123456789")) == 0)
		return (-1);
	for (size_t i = 0; i < d; i++)
		v = v * 10 + (s[i] - '0');
	s += d;
	if (*s == '.') {
		f = strspn(s + 1, "0123456789");
		if (f < 1 || f > 2)
			return (-1);
		v = v * 100 + (s[1] - '0') * 10 + (f == 2 ? s[2] - '0' : 0);
		s += f + 1;
	} else
		v *= 100;
	if (*s != '\0')
		return (-1);
	*out = neg ? -v : v;
	return (0);
}

static int
tally_record(void *arg, const struct placed_record *r)
{
	struct tally *t = arg;
	const char *date = "", *amount = "";
	int64_t p;

	t->records++;
	for (int i = 0; i < r->nfields; i++) {
		if (strcmp(r->names[i], "date") == 0)
			date = r->values[i];
		else if (strcmp(r->names[i], "amount") == 0)
			amount = r->values[i];
	}
	if (!is_date(date)) {
		if (t->bad_dates++ == 0 && t->first_bad[0] == '\0')
			snprintf(t->first_bad, sizeof(t->first_bad),
			    "line %llu date \"%.40s\"",
			    (unsigned long long)r->line, date);
	}
	if (getenv("TP_VERBOSE") && (!is_date(date) || pence(amount, &p)))
		printf("  line %llu: date \"%s\" amount \"%s\"\n",
		    (unsigned long long)r->line, date, amount);
	if (pence(amount, &p) != 0) {
		if (t->bad_amounts++ == 0 && t->first_bad[0] == '\0')
			snprintf(t->first_bad, sizeof(t->first_bad),
			    "line %llu amount \"%.40s\"",
			    (unsigned long long)r->line, amount);
	} else
		t->pence += p;
	return (0);
}

static void
tally_skip(void *arg, uint64_t line, const char *why)
{
	((struct tally *)arg)->skipped++;
}

static char *
slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long len;

	if (f == NULL)
		return (NULL);
	if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)len + 1)))
		*n = fread(buf, 1, (size_t)len, f);
	fclose(f);
	return (buf);
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return (n >= k && strcmp(s + n - k, suffix) == 0);
}

Test(transparency_data, every_published_csv, .timeout = 300)
{
	struct mock_host m;
	const struct placed_importer *imp;
	struct stat sb;
	char path[4096];
	int checked_totals = 0;
	long all_rows = 0, all_records = 0;
	/* make check exports SHARED_DATA; the build's path otherwise. */
	const char *data = getenv("SHARED_DATA") ? getenv("SHARED_DATA") :
	    SHARED_DATA;

	/* Skip before any assertion: Criterion fails a test that asserted
	 * and then skipped. */
	if (stat(data, &sb) != 0)
		cr_skip_test("%s is absent: the real-data test is skipped",
		    data);
	cr_assert_not_null(imp = tp_load(&m));
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", data, dirs[i]);
		if (stat(path, &sb) == 0)
			nftw(path, add_file, 16, FTW_PHYS);
	}
	qsort(files, (size_t)nfiles, sizeof(*files), cmp_str);
	cr_assert_gt(nfiles, 0, "no CSV under %s", data);
	printf("%-72s %6s %6s %6s %16s\n", "file", "rows", "recs", "skip",
	    "total");
	for (int i = 0; i < nfiles; i++) {
		const char *name = files[i] + strlen(data) + 1;
		struct tally t = { 0 }, t2 = { 0 };
		struct mock_sink sink = { tally_record, tally_skip, &t };
		struct mock_sink sink2 = { tally_record, tally_skip, &t2 };
		const struct known *k = NULL;
		char err[512] = "";
		size_t n = 0;
		char *buf = slurp(files[i], &n);
		long rows;
		int rc;

		cr_assert_not_null(buf, "%s", files[i]);
		rows = count_rows(buf, n);
		rc = mock_import(imp, "spend", buf, n, 0, &sink, err,
		    sizeof(err));
		/* In odd pieces, as reads fall: the same answer. */
		mock_import(imp, "spend", buf, n, 4093, &sink2, err,
		    sizeof(err));
		free(buf);
		fflush(stdout);
		printf("%-72s %6ld %6ld %6ld %13" PRId64 ".%02d%s%s\n", name,
		    rows, t.records, t.skipped, t.pence / 100,
		    (int)llabs(t.pence % 100), rc ? " FAILED: " : "",
		    rc ? err : "");
		fflush(stdout);
		cr_expect_eq(rc, 0, "%s: %s", name, err);
		cr_expect_eq(t.records + t.skipped, rows, "%s: %ld records + %ld "
		    "skipped != %ld rows", name, t.records, t.skipped, rows);
		cr_expect(t.records == t2.records && t.skipped == t2.skipped &&
		    t.pence == t2.pence, "%s: reading in pieces differs", name);
		for (size_t j = 0; j < sizeof(known) / sizeof(known[0]); j++)
			if (ends_with(name, known[j].file))
				k = &known[j];
		cr_expect_eq(t.bad_dates, !k ? 0 : k->bad_dates < 0 ?
		    t.records : k->bad_dates, "%s: %ld "
		    "dates not YYYY-MM-DD (first: %s)", name, t.bad_dates,
		    t.first_bad);
		cr_expect_eq(t.bad_amounts, k ? k->bad_amounts : 0, "%s: %ld "
		    "amounts not normalised (first: %s)", name, t.bad_amounts,
		    t.first_bad);
		for (size_t j = 0; j < sizeof(totals) / sizeof(totals[0]); j++)
			if (ends_with(name, totals[j].file)) {
				cr_expect_eq(t.pence, totals[j].pence, "%s: total "
				    "%" PRId64 " pence, expected %" PRId64, name,
				    t.pence, totals[j].pence);
				checked_totals++;
			}
		all_rows += rows;
		all_records += t.records;
		free(files[i]);
	}
	printf("%d files, %ld rows, %ld records\n", nfiles, all_rows,
	    all_records);
	cr_expect_eq(checked_totals, (int)(sizeof(totals) /
	    sizeof(totals[0])), "a file with a known total is missing");
}
