/*
 * test_transparency.c — the transparency importer on small files written
 * for it, one per quirk of the published files, each read whole and a
 * byte at a time (which must give the same).
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "test_transparency.h"
#include "normal.h"

extern const struct placed_plugin placed_plugin;

static struct mock_host m;
static const struct placed_importer *imp;
static struct got g, g1;

static int
got_record(void *arg, const struct placed_record *r)
{
	struct got *x = arg;
	size_t o;

	if (x->nrec == GOT_MAX)
		return (-1);
	o = (size_t)snprintf(x->rec[x->nrec], sizeof(x->rec[0]), "L%llu",
	    (unsigned long long)r->line);
	for (int i = 0; i < r->nfields && o < sizeof(x->rec[0]); i++)
		o += (size_t)snprintf(x->rec[x->nrec] + o,
		    sizeof(x->rec[0]) - o, "%s%s=%s", i ? "; " : " ",
		    r->names[i], r->values[i] ? r->values[i] : "");
	x->nrec++;
	return (0);
}

static void
got_skip(void *arg, uint64_t line, const char *why)
{
	struct got *x = arg;

	if (x->nskip < GOT_MAX)
		snprintf(x->skip[x->nskip++], sizeof(x->skip[0]), "L%llu %s",
		    (unsigned long long)line, why);
}

const struct placed_importer *
tp_load(struct mock_host *mh)
{
	char err[256];
	void *st;

	mock_host_init(mh);
	if (mock_host_load(mh, &placed_plugin, &st, err, sizeof(err)) != 0)
		return (NULL);
	return (mock_host_importer(mh, "transparency"));
}

int
tp_run(const struct placed_importer *i, const char *data, size_t n,
    size_t chunk, struct got *x)
{
	struct mock_sink sink = { got_record, got_skip, x };

	memset(x, 0, sizeof(*x));
	return (mock_import(i, "spend", data, n, chunk, &sink, x->err,
	    sizeof(x->err)));
}

static void
setup(void)
{
	imp = tp_load(&m);
	cr_assert_not_null(imp, "no transparency importer");
}

TestSuite(transparency, .init = setup);

/* Run s whole and byte by byte; the two must agree.  Returns rc. */
static int
run(const char *s)
{
	size_t n = strlen(s);
	int rc = tp_run(imp, s, n, 0, &g), rc1 = tp_run(imp, s, n, 1, &g1);

	cr_assert_eq(rc, rc1, "whole: %d (%s), bytewise: %d (%s)", rc, g.err,
	    rc1, g1.err);
	cr_assert_eq(g.nrec, g1.nrec);
	cr_assert_eq(g.nskip, g1.nskip);
	for (int i = 0; i < g.nrec; i++)
		cr_assert_str_eq(g.rec[i], g1.rec[i]);
	for (int i = 0; i < g.nskip; i++)
		cr_assert_str_eq(g.skip[i], g1.skip[i]);
	return (rc);
}

#define REC(i, s)	cr_expect_str_eq(g.rec[i], s)
#define SKIP(i, s)	cr_expect_str_eq(g.skip[i], s)

Test(transparency, registers)
{
	cr_expect_str_eq(placed_plugin.name, "transparency");
	cr_expect_str_eq(imp->kinds, "spend");
	cr_expect_eq(m.nimporters, 1);
}

Test(transparency, plain_lf)
{
	cr_assert_eq(run("Date,Supplier,Amount\n01/04/2019,Acme Ltd,12.50\n"),
	    0, "%s", g.err);
	cr_assert_eq(g.nrec, 1);
	REC(0, "L2 date=2019-04-01; supplier=Acme Ltd; amount=12.50");
	cr_assert_eq(g.nskip, 1);
	SKIP(0, "L1 header");
}

Test(transparency, refuses_other_kinds)
{
	struct mock_sink sink = { NULL, NULL, NULL };
	char err[128] = "";

	cr_expect_eq(mock_import(imp, "activity", "", 0, 0, &sink, err,
	    sizeof(err)), -1);
	cr_expect(strstr(err, "spend") != NULL, "%s", err);
}

Test(transparency, header_below_title_and_padding)
{
	cr_assert_eq(run("Spend over \xc2\xa3""500,,\n"
	    ",,\n"
	    "Report date: 02/07/2012,,\n"
	    "\n"
	    "Paid Date,Supplier Name,Amount\n"
	    "02/05/2014,Acme,1\n"), 0);
	cr_assert_eq(g.nrec, 1);
	REC(0, "L6 date=2014-05-02; supplier=Acme; amount=1");
	cr_assert_eq(g.nskip, 5);
	SKIP(0, "L1 before the header");
	SKIP(1, "L2 blank");
	SKIP(2, "L3 before the header");
	SKIP(3, "L4 blank");
	SKIP(4, "L5 header");
}

Test(transparency, crlf_and_quoted_crlf)
{
	cr_assert_eq(run("Date,Supplier,Description,Amount\r\n"
	    "01/04/2019,Acme,\"two\r\nlines\",\"1,234.56\"\r\n"
	    "02/04/2019,B,x,2\r\n"), 0);
	cr_assert_eq(g.nrec, 2);
	REC(0, "L2 date=2019-04-01; supplier=Acme; description=two\nlines; "
	    "amount=1234.56");
	/* The quoted line end is still a line. */
	REC(1, "L4 date=2019-04-02; supplier=B; description=x; amount=2");
}

Test(transparency, lone_cr)
{
	/* Hyndburn: the header ends CRLF, the data rows lone CR. */
	cr_assert_eq(run("Name,Payment date,Net Amount\r\n"
	    "A,01/08/2019,1.5\rB,02/08/2019,2\r\rC,03/08/2019,3"), 0);
	cr_assert_eq(g.nrec, 3);
	REC(0, "L2 date=2019-08-01; supplier=A; amount=1.5");
	REC(1, "L3 date=2019-08-02; supplier=B; amount=2");
	REC(2, "L5 date=2019-08-03; supplier=C; amount=3");
	cr_assert_eq(g.nskip, 2);
	SKIP(1, "L4 blank");
}

Test(transparency, bom)
{
	cr_assert_eq(run("\xef\xbb\xbf\"Date\",Supplier,Amount\n"
	    "1/4/19,Acme,1\n"), 0);
	cr_assert_eq(g.nrec, 1);
	REC(0, "L2 date=2019-04-01; supplier=Acme; amount=1");
}

Test(transparency, bom_like_start_is_data)
{
	/* 0xEF alone is Windows-1252 'i' with diaeresis, not a BOM. */
	cr_assert_eq(run("\xef,Date,Supplier,Amount\n"
	    "x,1/4/19,Acme,1\n"), 0);
	cr_assert_eq(g.nrec, 1);
	REC(0, "L2 date=2019-04-01; supplier=Acme; amount=1");
}

Test(transparency, windows_1252)
{
	cr_assert_eq(run("Name,Payment date,Net Amount(\xa3)\r\n"
	    "Caf\xe9 Rouge,01/08/2019,\"\xa3""1,000.00\"\r\n"
	    "\x93Quoted\x94 Ltd,01/08/2019,2\r\n"), 0);
	cr_assert_eq(g.nrec, 2);
	REC(0, "L2 date=2019-08-01; supplier=Caf\xc3\xa9 Rouge; "
	    "amount=1000.00");
	REC(1, "L3 date=2019-08-01; supplier=\xe2\x80\x9cQuoted\xe2\x80\x9d "
	    "Ltd; amount=2");
}

Test(transparency, utf8_pound)
{
	cr_assert_eq(run("Supplier,Date,Amount\n"
	    "Caf\xc3\xa9,01/08/2019,\xc2\xa3""5\n"), 0);
	REC(0, "L2 date=2019-08-01; supplier=Caf\xc3\xa9; amount=5");
}

Test(transparency, excel_serial_dates)
{
	cr_assert_eq(run("Name,Payment date,Net Amount\n"
	    "A,43556,1\nB,43658,1\nC,60,1\nD,61,1\nE,59,1\nF,1,1\n"
	    "G,43556.5,1\n"), 0);
	cr_assert_eq(g.nrec, 7);
	REC(0, "L2 date=2019-04-01; supplier=A; amount=1");
	REC(1, "L3 date=2019-07-12; supplier=B; amount=1");
	/* Excel's 29 February 1900 never was: left for the host. */
	REC(2, "L4 date=60; supplier=C; amount=1");
	REC(3, "L5 date=1900-03-01; supplier=D; amount=1");
	REC(4, "L6 date=1900-02-28; supplier=E; amount=1");
	REC(5, "L7 date=1900-01-01; supplier=F; amount=1");
	REC(6, "L8 date=2019-04-01; supplier=G; amount=1");
}

static const char *
date(const char *s)
{
	static char out[11];
	int serial;

	return (tp_date(s, 0, out, &serial) == 0 ? out : "BAD");
}

Test(transparency, date_forms)
{
	cr_expect_str_eq(date("01/04/2019"), "2019-04-01");
	cr_expect_str_eq(date("1/4/19"), "2019-04-01");
	cr_expect_str_eq(date("04-Aug-20"), "2020-08-04");
	cr_expect_str_eq(date("01-JUN-2012"), "2012-06-01");
	cr_expect_str_eq(date("3 Apr 2023"), "2023-04-03");
	cr_expect_str_eq(date("25 August 2023"), "2023-08-25");
	cr_expect_str_eq(date("5 Sept 2023"), "2023-09-05");
	cr_expect_str_eq(date("31.12.2020"), "2020-12-31");
	cr_expect_str_eq(date("2019-04-01"), "2019-04-01");
	cr_expect_str_eq(date("2019-04-01 00:00:00"), "2019-04-01");
	cr_expect_str_eq(date("01/04/2019 13:45"), "2019-04-01");
	cr_expect_str_eq(date("29/02/2020"), "2020-02-29");
	cr_expect_str_eq(date("29/02/2019"), "BAD");
	cr_expect_str_eq(date("13/13/2019"), "BAD");
	cr_expect_str_eq(date("00:00:00"), "BAD");
	cr_expect_str_eq(date("25/06/2012900"), "BAD");
	cr_expect_str_eq(date("Jun-20"), "BAD");
	cr_expect_str_eq(date(""), "BAD");
	cr_expect_str_eq(date("43831"), "2020-01-01");
}

static const char *
amount(const char *s)
{
	static char out[64];

	return (tp_amount(s, out, sizeof(out)) == 0 ? out : "BAD");
}

Test(transparency, amount_forms)
{
	cr_expect_str_eq(amount("\xc2\xa3""1,234.56"), "1234.56");
	cr_expect_str_eq(amount("1234.5"), "1234.5");
	cr_expect_str_eq(amount("-1,234.56"), "-1234.56");
	cr_expect_str_eq(amount("(1,234.56)"), "-1234.56");
	cr_expect_str_eq(amount("(\xc2\xa3""5.00)"), "-5.00");
	cr_expect_str_eq(amount("1,234.56-"), "-1234.56");
	cr_expect_str_eq(amount("106,392.99-"), "-106392.99");
	cr_expect_str_eq(amount("1,234.56 CR"), "-1234.56");
	cr_expect_str_eq(amount("12cr"), "-12");
	cr_expect_str_eq(amount(" 49,521.52 "), "49521.52");
	cr_expect_str_eq(amount("1 234.56"), "1234.56");
	cr_expect_str_eq(amount("'1234.56"), "1234.56");
	cr_expect_str_eq(amount("\xc2\xa3-5"), "-5");
	cr_expect_str_eq(amount("-\xc2\xa3""5"), "-5");
	cr_expect_str_eq(amount("77,041"), "77041");
	cr_expect_str_eq(amount(".5"), "0.5");
	cr_expect_str_eq(amount("0007"), "7");
	cr_expect_str_eq(amount("-0.00"), "0.00");
	cr_expect_str_eq(amount("+3"), "3");
	/* Floats written out by spreadsheets: rounded on the text. */
	cr_expect_str_eq(amount("75093.289999999994"), "75093.29");
	cr_expect_str_eq(amount("4999.9999999999991"), "5000.00");
	cr_expect_str_eq(amount("-0.005"), "-0.01");
	cr_expect_str_eq(amount("99.994"), "99.99");
	/* Left for the host to reject. */
	cr_expect_str_eq(amount("1,23.45"), "BAD");
	cr_expect_str_eq(amount("1234,56"), "BAD");
	cr_expect_str_eq(amount("12.3.4"), "BAD");
	cr_expect_str_eq(amount("n/a"), "BAD");
	cr_expect_str_eq(amount(""), "BAD");
	cr_expect_str_eq(amount("-"), "BAD");
	cr_expect_str_eq(amount("1e5"), "BAD");
}

Test(transparency, amounts_through_the_importer)
{
	cr_assert_eq(run("Supplier,Date,Amount\n"
	    "A,01/04/2019,\"(1,234.56)\"\n"
	    "B,01/04/2019,\"106,392.99-\"\n"
	    "C,01/04/2019,1.00 CR\n"
	    "D,01/04/2019,n/a\n"), 0);
	cr_assert_eq(g.nrec, 4);
	REC(0, "L2 date=2019-04-01; supplier=A; amount=-1234.56");
	REC(1, "L3 date=2019-04-01; supplier=B; amount=-106392.99");
	REC(2, "L4 date=2019-04-01; supplier=C; amount=-1.00");
	/* Not ours to judge: the host rejects it with its message. */
	REC(3, "L5 date=2019-04-01; supplier=D; amount=n/a");
}

Test(transparency, redaction)
{
	static const char *const yes[] = { "Redacted", "REDACTED",
	    "REDACTED - personal data", "Redacted, personal data",
	    "Redacted Personal Data", "redacted personal details",
	    "THIRD PARTY", "Third Party Payment", "Third party payments",
	    "Personal Information", "Withheld", "Name withheld",
	    "(redacted)", " Redacted " };
	static const char *const no[] = { "REDACTIVE PUBLISHING LTD",
	    "Redactive Publishing Limited", "Third Sector Partnership",
	    "Third Party Forensics Ltd", "Personal Information Management "
	    "Systems Ltd", "Withheldon Farms", "The Withheld Tax Co",
	    "Party Hire Third Ltd", "" };

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		cr_expect(tp_redacted(yes[i]), "\"%s\" is redacted", yes[i]);
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		cr_expect(!tp_redacted(no[i]), "\"%s\" is a supplier", no[i]);
	cr_assert_eq(run("Supplier Name,Paid Date,Amount\n"
	    "\"Redacted, personal data\",01/04/2014,600\n"
	    "REDACTIVE PUBLISHING LIMITED,01/04/2014,700\n"), 0);
	REC(0, "L2 date=2014-04-01; supplier=(redacted); amount=600");
	REC(1, "L3 date=2014-04-01; supplier=REDACTIVE PUBLISHING LIMITED; "
	    "amount=700");
}

Test(transparency, repeated_header_blank_and_total)
{
	cr_assert_eq(run("Date,Supplier,Amount\n"
	    "01/04/2019,A,1\n"
	    ",,\n"
	    "  , ,\n"
	    "Date,Supplier,Amount\n"
	    "DATE,SUPPLIER,AMOUNT\n"
	    "02/04/2019,B,2\n"
	    "Total,,3\n"
	    "Grand Total,,3\n"
	    "03/04/2019,Total,4\n"), 0);
	cr_assert_eq(g.nrec, 3);
	REC(2, "L10 date=2019-04-03; supplier=Total; amount=4");
	cr_assert_eq(g.nskip, 7);
	SKIP(1, "L3 blank");
	SKIP(2, "L4 blank");
	SKIP(3, "L5 repeated header");
	SKIP(4, "L6 repeated header");
	SKIP(5, "L8 total");
	SKIP(6, "L9 total");
}

Test(transparency, spacer_columns)
{
	/* Hyndburn 2024-: merged Excel cells leave empty columns. */
	cr_assert_eq(run("Department Area,,Service Area,,Description,,,Line,,"
	    "HBC Ref No.,,Name:  ,,,Payment Date,,Amount Paid\n"
	    "ENVH - Environmental Health,,BAA - Housing Standards,,Agency Costs"
	    ",,,1,,CRINV0012676,,Oyster Partnership,,,02/09/2025,,"
	    "\"1,450.18\"\n"), 0);
	cr_assert_eq(g.nrec, 1);
	REC(0, "L2 date=2025-09-02; service=BAA - Housing Standards; "
	    "supplier=Oyster Partnership; description=Agency Costs; "
	    "amount=1450.18");
}

Test(transparency, more_specific_columns_win)
{
	cr_assert_eq(run("Transaction Date,Date,Gross Amount,VAT,Net Amount,"
	    "Department Area,Service Area,Supplier ID,Supplier Name\n"
	    "123456,01/04/2019,120,20,100,Dept,Svc,S1,Acme\n"), 0);
	REC(0, "L2 date=2019-04-01; service=Svc; supplier=Acme; amount=100");
}

Test(transparency, header_spellings)
{
	static const struct { const char *h; const char *field; } t[] = {
		{ "Net Amount(\xc2\xa3)", "amount" },
		{ "Net Amount (\xc2\xa3)", "amount" },
		{ " Amount ", "amount" }, { "Amount Paid", "amount" },
		{ "TOTAL", "amount" }, { "* Total Invoice Amount", "amount" },
		{ " Amount in Sterling \xc2\xa3", "amount" },
		{ "Invoice Nett Amount", "amount" }, { "Value", "amount" },
		{ "paid_date", "date" }, { "Payment date", "date" },
		{ "Date Paid", "date" }, { "Transaction Date", "date" },
		{ "Name:  ", "supplier" }, { "Supplier Name ", "supplier" },
		{ "Payee", "supplier" }, { "Vendor Name", "supplier" },
		{ "Beneficiary", "supplier" }, { "* SUPPLIER FINAL", "supplier" },
		{ "Expense Type ", "description" },
		{ "Expenditure Catergory", "description" },
		{ "Purpose", "description" }, { "Subj Description", "description" },
		{ "9AN - Level 9 Account Name", "description" },
		{ "Service Area", "service" }, { "Organisatonal Unit", "service" },
		{ "Expenses Area", "service" }, { "Directorate", "service" },
		{ "Body_Name", "org" }, { "Client", "org" }, { "Entuty", "org" },
		{ "Expenditure Code", "account" }, { "Ledger code", "account" },
		{ "Cost Centre", "account" },
		{ "Supplier ID", NULL }, { "VAT", NULL }, { "Trans No", NULL },
		{ "Department Family", NULL }, { "", NULL }, { "+", NULL },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int r, f = tp_header_field(t[i].h, &r);

		if (t[i].field == NULL)
			cr_expect_eq(f, -1, "\"%s\" maps to %s", t[i].h,
			    f >= 0 ? tp_field_names[f] : "");
		else
			cr_expect(f >= 0 && strcmp(tp_field_names[f],
			    t[i].field) == 0, "\"%s\" should be %s", t[i].h,
			    t[i].field);
	}
}

Test(transparency, no_header_inferred)
{
	/* Hyndburn March 2025: no header row, spacer columns. */
	cr_assert_eq(run(
	    "REGN - Regeneration & Housing,,FAF - Strategic Housing,,Affordable "
	    "Warmth Grant,,,1,,CRINV0008145,,Rhea Projects,,,04/03/2025,,"
	    "\"2,730.00\"\n"
	    ",,,,,,,,,,,,,,,,\n"
	    "ENVH - Environmental Health,,BAA - Housing Standards,,Agency Costs "
	    "w/c 27/01/25,,,1,,CRINV0008147,,Oyster Partnership,,,04/03/2025,,"
	    "\"1,294.80\"\n"
	    "ENVH - Environmental Health,,BAA - Housing Standards,,Agency Costs "
	    "w/c 03/02/25,,,2,,CRINV0008148,,Oyster Partnership,,,05/03/2025,,"
	    "\"1,581.84-\"\n"), 0, "%s", g.err);
	cr_assert_eq(g.nrec, 3);
	REC(0, "L1 date=2025-03-04; service=FAF - Strategic Housing; "
	    "supplier=Rhea Projects; description=Affordable Warmth Grant; "
	    "amount=2730.00");
	REC(2, "L4 date=2025-03-05; service=BAA - Housing Standards; "
	    "supplier=Oyster Partnership; description=Agency Costs w/c "
	    "03/02/25; amount=-1581.84");
	cr_assert_eq(g.nskip, 1);
	SKIP(0, "L2 blank");
	cr_expect(strstr(m.log, "no header row") != NULL, "%s", m.log);
}

Test(transparency, no_amount_is_fatal)
{
	cr_expect_eq(run("a,b\nc,d\n"), -1);
	cr_expect(strstr(g.err, "no amount column") != NULL, "%s", g.err);
}

Test(transparency, only_blank_rows)
{
	cr_expect_eq(run(",,,\n\n,,\n"), 0);
	cr_expect_eq(g.nrec, 0);
	cr_expect_eq(g.nskip, 3);
}

Test(transparency, supplier_totals_have_no_date)
{
	/* Lambeth 2011: a pivot table of totals per supplier. */
	cr_assert_eq(run("Sum of Invoice Nett Amount,\n"
	    "Supplier Name,Total\n"
	    "Veolia ES (UK) Ltd,2037315.80\n"
	    "Grand Total,2037315.80\n"), 0);
	cr_assert_eq(g.nrec, 1);
	REC(0, "L3 supplier=Veolia ES (UK) Ltd; amount=2037315.80");
	SKIP(0, "L1 before the header");
	SKIP(1, "L2 header");
	SKIP(2, "L4 total");
	cr_expect(strstr(m.log, "no date column") != NULL, "%s", m.log);
}

Test(transparency, older_host_without_skip)
{
	/* A 1.0 host's table ends before skip(): it must not be called. */
	m.api.size = offsetof(struct placed_host_api, skip);
	m.api.skip = NULL;
	cr_assert_eq(run("Title\nDate,Supplier,Amount\n01/04/2019,A,1\n"), 0);
	cr_expect_eq(g.nrec, 1);
	cr_expect_eq(g.nskip, 0);
}

static int
stop_after_one(void *arg, const struct placed_record *r)
{
	(*(int *)arg)++;
	return (1);
}

Test(transparency, emit_nonzero_stops)
{
	static const char s[] = "Date,Supplier,Amount\n01/04/2019,A,1\n"
	    "02/04/2019,B,2\n";
	int n = 0;
	struct mock_sink sink = { stop_after_one, NULL, &n };
	char err[128];

	cr_expect_eq(mock_import(imp, "spend", s, sizeof(s) - 1, 1, &sink,
	    err, sizeof(err)), 0);
	cr_expect_eq(n, 1);
}

Test(transparency, fixtures_on_disk)
{
	static const struct { const char *name; int nrec, nskip; } t[] = {
		{ "hyndburn-like-cp1252-cr.csv", 4, 3 },
		{ "nhs-like-crlf.csv", 3, 2 },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char path[1024], buf[8192];
		size_t n;
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s", FIXTURES, t[i].name);
		cr_assert_not_null(f = fopen(path, "rb"), "%s", path);
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[n] = '\0';
		cr_assert_eq(run(buf), 0, "%s: %s", t[i].name, g.err);
		cr_expect_eq(g.nrec, t[i].nrec, "%s: %d records", t[i].name,
		    g.nrec);
		cr_expect_eq(g.nskip, t[i].nskip, "%s: %d skipped",
		    t[i].name, g.nskip);
		for (int k = 0; k < g.nrec; k++)
			cr_expect(strstr(g.rec[k], "date=20") != NULL &&
			    strstr(g.rec[k], "amount=") != NULL, "%s",
			    g.rec[k]);
	}
}

Test(transparency, month_first_file)
{
	/* Some NHS exports: month first, shown by the first day past 12;
	 * the rows before it wait and are read the same way. */
	cr_assert_eq(run("Date,Supplier,Amount\n"
	    "4/1/2020,A,1\n"
	    "4/30/2020,B,2\n"
	    "5/2/2020,C,3\n"), 0);
	REC(0, "L2 date=2020-04-01; supplier=A; amount=1");
	REC(1, "L3 date=2020-04-30; supplier=B; amount=2");
	REC(2, "L4 date=2020-05-02; supplier=C; amount=3");
	cr_expect(strstr(m.log, "month first") != NULL, "%s", m.log);
	cr_expect_eq(tp_date_order("30/4/2020"), TP_DMY);
	cr_expect_eq(tp_date_order("4/30/2020"), TP_MDY);
	cr_expect_eq(tp_date_order("4/5/2020"), 0);
	cr_expect_eq(tp_date_order("04-Aug-20"), 0);
}

Test(transparency, ambiguous_dates_are_day_first)
{
	cr_assert_eq(run("Date,Supplier,Amount\n4/1/2020,A,1\n,,\n"), 0);
	REC(0, "L2 date=2020-01-04; supplier=A; amount=1");
	SKIP(1, "L3 blank");
}

Test(transparency, fused_date_and_amount)
{
	/* Lambeth June 2012: a comma lost between date and amount. */
	cr_assert_eq(run("Body,Department,Supplier Name,Invoice Creation Date,"
	    "Invoice Nett Amount,Subj Description\n"
	    "Lambeth,CYPS,A A GuestHouses,25/06/2012900,PRIVATE CARE\n"
	    "Lambeth,CYPS,B Ltd,25/06/2012,1.50,GRANTS\n"), 0);
	REC(0, "L2 date=2012-06-25; org=Lambeth; service=CYPS; "
	    "supplier=A A GuestHouses; description=PRIVATE CARE; amount=900");
	REC(1, "L3 date=2012-06-25; org=Lambeth; service=CYPS; "
	    "supplier=B Ltd; description=GRANTS; amount=1.50");
	cr_expect(strstr(m.log, "run together") != NULL, "%s", m.log);
}

Test(transparency, a_date_that_reads_one_way_only)
{
	cr_assert_eq(run("Date,Supplier,Amount\n"
	    "2/28/2021,A,1\n28/02/21,B,2\n3/4/2021,C,3\n"), 0);
	REC(0, "L2 date=2021-02-28; supplier=A; amount=1");
	REC(1, "L3 date=2021-02-28; supplier=B; amount=2");
	REC(2, "L4 date=2021-03-04; supplier=C; amount=3");
}
