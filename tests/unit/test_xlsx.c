/*
 * test_xlsx.c — the xlsx reader and importer with the mock host.  The
 * workbooks are written here at run time with libzip, each quirk spelled
 * out in its XML, so no binary fixture lives in the tree; then the real
 * Lancashire police and fire workbooks of ../shared/data, when present.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <zip.h>

#include "header.h"
#include "mock_host.h"
#include "xlsx_read.h"

extern const struct placed_plugin placed_plugin;

static struct mock_host m;
static void *state;
static char err[1024];

/* ---- building workbooks ---- */

#define NS	"xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/" \
		"2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/" \
		"officeDocument/2006/relationships\""

/* Styles: 1 a custom date (d, m, y escaped with backslashes), 2 a number
 * whose [Red] must not read as a date, 3 built-in 14 (a date), 4 a
 * custom date and time.  The <xf> of cellStyleXfs is not a cell style. */
static const char styles[] =
    "<styleSheet " NS "><numFmts count=\"3\">"
    "<numFmt numFmtId=\"164\" formatCode=\"dd\\-mmm\\-yyyy\"/>"
    "<numFmt numFmtId=\"165\" formatCode=\"#,##0.00;[Red]\\(#,##0.00\\)\"/>"
    "<numFmt numFmtId=\"166\" formatCode=\"yyyy-mm-dd hh:mm\"/>"
    "</numFmts><cellStyleXfs count=\"1\"><xf numFmtId=\"14\"/>"
    "</cellStyleXfs><cellXfs count=\"5\"><xf numFmtId=\"0\"/>"
    "<xf numFmtId=\"164\" applyNumberFormat=\"1\"/><xf numFmtId=\"165\"/>"
    "<xf numFmtId=\"14\"/><xf numFmtId=\"166\"/></cellXfs></styleSheet>";

/* Shared strings: 2 and 3 are rich text; 3 has a phonetic run to drop. */
static const char sst[] =
    "<sst " NS " count=\"5\" uniqueCount=\"5\">"
    "<si><t>Date</t></si>"
    "<si><t>Supplier</t></si>"
    "<si><r><rPr><b/></rPr><t xml:space=\"preserve\">Net </t></r>"
    "<r><t>Amount</t></r></si>"
    "<si><r><t xml:space=\"preserve\">Acme </t></r><r><rPr><i/></rPr>"
    "<t>Ltd</t></r><rPh sb=\"0\" eb=\"1\"><t>ACME</t></rPh></si>"
    "<si><t>Spend over \xc2\xa3" "500, April 2025</t></si>"
    "</sst>";

#define IS(ref, text) \
	"<c r=\"" ref "\" t=\"inlineStr\"><is><t>" text "</t></is></c>"

/*
 * "Payments": a title on row 1, a blank row 3, the header on row 4 (no
 * heading over C, which is read but not a field), rows 7 missing, a
 * repeated header on row 9, a row of spaces on 12.
 */
static const char sheet_payments[] =
    "<worksheet " NS "><sheetData>"
    "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>4</v></c></row>"
    "<row r=\"3\"><c r=\"A3\" s=\"1\"/></row>"
    "<row r=\"4\"><c r=\"A4\" t=\"s\"><v>0</v></c><c r=\"B4\" t=\"s\">"
    "<v>1</v></c><c r=\"D4\" t=\"s\"><v>2</v></c></row>"
    "<row r=\"5\"><c r=\"A5\" s=\"1\"><v>45748</v></c><c r=\"B5\" t=\"s\">"
    "<v>3</v></c>" IS("C5", "aside") "<c r=\"D5\" s=\"2\">"
    "<v>1234.5600000000001</v></c></row>"
    "<row r=\"6\"><c r=\"A6\" s=\"3\"><v>45749.041666666664</v></c>"
    "<c r=\"B6\" t=\"inlineStr\"><is><r><t>Bee</t></r><r><rPr><b/></rPr>"
    "<t xml:space=\"preserve\"> Co</t></r></is></c>"
    "<c r=\"D6\" s=\"2\"><f>D5*2</f><v>0.30000000000000004</v></c></row>"
    "<row r=\"8\"><c r=\"A8\"><v>45750</v></c>"
    IS("D8", "\xc2\xa3" "1,234.50") "</row>"
    "<row r=\"9\"><c r=\"A9\" t=\"s\"><v>0</v></c><c r=\"B9\" t=\"s\">"
    "<v>1</v></c><c r=\"D9\" t=\"s\"><v>2</v></c></row>"
    "<row r=\"10\"><c r=\"A10\" s=\"4\"><v>45751.5</v></c>"
    "<c r=\"B10\" t=\"b\"><v>1</v></c>" IS("D10", "(1.00)") "</row>"
    "<row r=\"11\"><c r=\"A11\" s=\"1\"><v>45752</v></c>"
    "<c r=\"B11\" t=\"e\"><f>1/0</f><v>#DIV/0!</v></c>"
    IS("D11", "12.00-") "</row>"
    "<row r=\"12\"><c r=\"A12\" t=\"inlineStr\"><is><t xml:space=\""
    "preserve\">  </t></is></c></row>"
    "</sheetData></worksheet>";

/* "Notes": no header at all. */
static const char sheet_notes[] =
    "<worksheet " NS "><sheetData>"
    "<row r=\"1\">" IS("A1", "Published under the OGL") "</row>"
    "<row r=\"2\">" IS("A2", "Questions to foi@example.org") "</row>"
    "</sheetData></worksheet>";

/* "More": canonical headings; cells without r (positions follow on). */
static const char sheet_more[] =
    "<worksheet " NS "><sheetData>"
    "<row>" IS("A1", "date") IS("B1", "AMOUNT") "</row>"
    "<row><c s=\"3\"><v>45748</v></c><c><v>4999.9999999999991</v></c>"
    "</row></sheetData></worksheet>";

struct part {
	const char	*name;
	const char	*xml;
};

/* Zip parts into a workbook in memory; *n its size. */
static char *
zip_parts(const struct part *parts, int nparts, size_t *n)
{
	char path[] = "/tmp/test_xlsx.XXXXXX", *buf;
	zip_t *z;
	FILE *f;
	struct stat sb;
	int fd, zerr;

	cr_assert_neq(fd = mkstemp(path), -1);
	close(fd);
	z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
	cr_assert_not_null(z);
	for (int i = 0; i < nparts; i++) {
		zip_source_t *s = zip_source_buffer(z, parts[i].xml,
		    strlen(parts[i].xml), 0);

		cr_assert_not_null(s);
		cr_assert_geq(zip_file_add(z, parts[i].name, s,
		    ZIP_FL_ENC_UTF_8), 0);
	}
	cr_assert_eq(zip_close(z), 0);
	cr_assert_eq(stat(path, &sb), 0);
	cr_assert_not_null(buf = malloc((size_t)sb.st_size));
	cr_assert_not_null(f = fopen(path, "rb"));
	cr_assert_eq(fread(buf, 1, (size_t)sb.st_size, f),
	    (size_t)sb.st_size);
	fclose(f);
	unlink(path);
	*n = (size_t)sb.st_size;
	return (buf);
}

/*
 * A workbook of the three sheets above (or of one given sheet, named
 * "Only"), in the 1900 or 1904 date system.  Relationship ids are out of
 * order and one target absolute, as writers other than Excel make them.
 */
static char *
workbook(const char *one, int date1904, size_t *n)
{
	char wb[1024];
	struct part parts[] = {
		{ "[Content_Types].xml", "<Types xmlns=\"http://schemas."
		    "openxmlformats.org/package/2006/content-types\"/>" },
		{ "xl/workbook.xml", wb },
		{ "xl/_rels/workbook.xml.rels", "<Relationships xmlns=\""
		    "http://schemas.openxmlformats.org/package/2006/"
		    "relationships\"><Relationship Id=\"rId3\" Target=\""
		    "worksheets/sheet3.xml\"/><Relationship Id=\"rId1\" "
		    "Target=\"worksheets/sheet1.xml\"/><Relationship Id=\""
		    "rId2\" Target=\"/xl/worksheets/sheet2.xml\"/>"
		    "<Relationship Id=\"rId9\" Target=\"styles.xml\"/>"
		    "</Relationships>" },
		{ "xl/styles.xml", styles },
		{ "xl/sharedStrings.xml", sst },
		{ "xl/worksheets/sheet1.xml", one ? one : sheet_payments },
		{ "xl/worksheets/sheet2.xml", sheet_notes },
		{ "xl/worksheets/sheet3.xml", sheet_more },
	};

	snprintf(wb, sizeof(wb), "<workbook " NS "><workbookPr%s/><sheets>"
	    "%s</sheets></workbook>", date1904 ? " date1904=\"1\"" : "",
	    one ? "<sheet name=\"Only\" sheetId=\"1\" r:id=\"rId1\"/>" :
	    "<sheet name=\"Payments\" sheetId=\"1\" r:id=\"rId1\"/>"
	    "<sheet name=\"Notes\" sheetId=\"2\" r:id=\"rId2\" "
	    "state=\"hidden\"/><sheet name=\"More\" sheetId=\"7\" "
	    "r:id=\"rId3\"/>");
	return (zip_parts(parts, one ? 6 : 8, n));
}

/* ---- the value rules ---- */

static const char *
num(const char *v)
{
	static char out[XLSX_NUMSZ];

	cr_assert_eq(xlsx_number_text(v, out, sizeof(out)), 0, "%s", v);
	return (out);
}

Test(xlsx_value, numbers)
{
	cr_expect_str_eq(num("1234.5600000000001"), "1234.56");
	cr_expect_str_eq(num("0.30000000000000004"), "0.3");
	cr_expect_str_eq(num("4999.9999999999991"), "5000");
	cr_expect_str_eq(num("-610.80999999999995"), "-610.81");
	/* 15 significant digits: noise in a big sum... */
	cr_expect_str_eq(num("127615.9700000002"), "127615.97");
	cr_expect_str_eq(num("2094915.9600000002"), "2094915.96");
	/* ...and 10 decimals: noise of a few units in the last place. */
	cr_expect_str_eq(num("6471.6000000000058"), "6471.6");
	cr_expect_str_eq(num("45078.041666666664"), "45078.0416666667");
	/* Exact text stays exact; integers are never cut. */
	cr_expect_str_eq(num("7740"), "7740");
	cr_expect_str_eq(num("107639310"), "107639310");
	cr_expect_str_eq(num("1234567890123456789"), "1234567890123456789");
	cr_expect_str_eq(num("0.125"), "0.125");
	cr_expect_str_eq(num("-0.01"), "-0.01");
	cr_expect_str_eq(num("1.5E-3"), "0.0015");
	cr_expect_str_eq(num("1.2345E+5"), "123450");
	cr_expect_str_eq(num("9.9999999999999995E-2"), "0.1");
	cr_expect_str_eq(num("-1E-12"), "0");
	cr_expect_str_eq(num("0.99999999999"), "1");
	cr_expect_str_eq(num("not a number"), "not a number");
}

static const char *
serial(const char *v, int d1904, enum xlsx_numkind k)
{
	static char out[XLSX_NUMSZ];

	if (xlsx_serial_text(v, d1904, k, out, sizeof(out)) != 0)
		return ("(none)");
	return (out);
}

Test(xlsx_value, serial_dates)
{
	cr_expect_str_eq(serial("1", 0, XLSX_DATE), "1900-01-01");
	cr_expect_str_eq(serial("59", 0, XLSX_DATE), "1900-02-28");
	/* Excel's 1900-02-29, which never was; then the days line up. */
	cr_expect_str_eq(serial("60", 0, XLSX_DATE), "1900-02-29");
	cr_expect_str_eq(serial("61", 0, XLSX_DATE), "1900-03-01");
	/* 43101 is 2018-01-01 (and 43193 2018-04-03, whatever the data's
	 * SOURCE.txt says). */
	cr_expect_str_eq(serial("43101", 0, XLSX_DATE), "2018-01-01");
	cr_expect_str_eq(serial("43193", 0, XLSX_DATE), "2018-04-03");
	cr_expect_str_eq(serial("0", 1, XLSX_DATE), "1904-01-01");
	cr_expect_str_eq(serial("43193", 1, XLSX_DATE), "2022-04-04");
	/* 01:00 BST shows as the day: truncated, never rounded up. */
	cr_expect_str_eq(serial("45078.041666666664", 0, XLSX_DATE),
	    "2023-06-01");
	cr_expect_str_eq(serial("45078.999999", 0, XLSX_DATE), "2023-06-01");
	cr_expect_str_eq(serial("45078.041666666664", 0, XLSX_DATETIME),
	    "2023-06-01 01:00:00");
	cr_expect_str_eq(serial("0.75", 0, XLSX_TIME), "18:00:00");
	cr_expect_str_eq(serial("0", 0, XLSX_DATE), "(none)");
	cr_expect_str_eq(serial("-1", 0, XLSX_DATE), "(none)");
	cr_expect_str_eq(serial("2958465", 0, XLSX_DATE), "9999-12-31");
	cr_expect_str_eq(serial("2958466", 0, XLSX_DATE), "(none)");
	cr_expect_str_eq(serial("12x", 0, XLSX_DATE), "(none)");
}

Test(xlsx_value, formats)
{
	cr_expect_eq(xlsx_format_kind(0, NULL), XLSX_NUMBER);
	cr_expect_eq(xlsx_format_kind(14, NULL), XLSX_DATE);
	cr_expect_eq(xlsx_format_kind(22, NULL), XLSX_DATETIME);
	cr_expect_eq(xlsx_format_kind(20, NULL), XLSX_TIME);
	cr_expect_eq(xlsx_format_kind(31, NULL), XLSX_DATE);
	cr_expect_eq(xlsx_format_kind(44, NULL), XLSX_NUMBER);
	cr_expect_eq(xlsx_format_kind(47, NULL), XLSX_TIME);
	cr_expect_eq(xlsx_format_kind(57, NULL), XLSX_DATE);
	cr_expect_eq(xlsx_format_kind(164, "dd\\-mmm\\-yyyy"), XLSX_DATE);
	cr_expect_eq(xlsx_format_kind(164, "dd/mm/yyyy hh:mm"),
	    XLSX_DATETIME);
	cr_expect_eq(xlsx_format_kind(164, "mmm"), XLSX_DATE);
	cr_expect_eq(xlsx_format_kind(164, "h:mm"), XLSX_TIME);
	cr_expect_eq(xlsx_format_kind(164, "[$-809]dd mmmm yyyy"),
	    XLSX_DATE);
	cr_expect_eq(xlsx_format_kind(164, "#,###.00"), XLSX_NUMBER);
	cr_expect_eq(xlsx_format_kind(164, "#,##0.00;[Red]\\(#,##0.00\\)"),
	    XLSX_NUMBER);
	cr_expect_eq(xlsx_format_kind(164,
	    "_-\"\xc2\xa3\"* #,##0.00_-;\\-\"\xc2\xa3\"* #,##0.00_-;"
	    "_-\"\xc2\xa3\"* \"-\"??_-;_-@_-"), XLSX_NUMBER);
	cr_expect_eq(xlsx_format_kind(164, "0\" days\""), XLSX_NUMBER);
	cr_expect_eq(xlsx_format_kind(164, "General"), XLSX_NUMBER);
}

Test(xlsx_value, headings)
{
	char h[64];

	header_norm("* SUPPLIER  FINAL ", h, sizeof(h));
	cr_expect_str_eq(h, "supplier final");
	cr_expect_str_eq(header_field("* SUPPLIER FINAL"), "supplier");
	cr_expect_str_eq(header_field("Amount (\xc2\xa3)"), "amount");
	cr_expect_str_eq(header_field("TOTAL"), "amount");
	cr_expect_str_eq(header_field("Total Invoice Amount"), "amount");
	cr_expect_str_eq(header_field("Payment Date"), "date");
	cr_expect_str_eq(header_field("Expenditure Category"), "description");
	cr_expect_str_eq(header_field("expense_type"), "description");
	cr_expect_str_eq(header_field("Service Area"), "service");
	cr_expect_str_eq(header_field("Body Name"), "org");
	cr_expect_str_eq(header_field("Payee"), "supplier");
	cr_expect_null(header_field("Column1"));
	cr_expect_null(header_field("Transaction Number"));
	cr_expect_null(header_field(""));
}

/* ---- the reader ---- */

struct rows {
	char		text[32][160];
	int		n;
};

static int
keep_row(void *arg, uint64_t rowno, int ncells, const char *const *cells)
{
	struct rows *r = arg;
	char *p;
	size_t room;

	if (r->n == 32)
		return (1);
	p = r->text[r->n++];
	room = sizeof(r->text[0]);
	p += snprintf(p, room, "%llu:%d:", (unsigned long long)rowno,
	    ncells);
	for (int i = 0; i < ncells; i++) {
		room = (size_t)(r->text[r->n - 1] + sizeof(r->text[0]) - p);
		p += snprintf(p, room, "%s%s", i ? "|" : "", cells[i]);
	}
	return (0);
}

Test(xlsx_read, cells)
{
	struct rows r = { .n = 0 };
	size_t n;
	char *wb = workbook(NULL, 0, &n);
	xlsx_t *x;

	cr_assert_eq(xlsx_open(wb, n, &x, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(xlsx_nsheets(x), 3);
	cr_expect_str_eq(xlsx_sheet_name(x, 0), "Payments");
	cr_expect_str_eq(xlsx_sheet_name(x, 2), "More");
	cr_expect_eq(xlsx_sheet_find(x, "more"), 2);
	cr_expect_eq(xlsx_sheet_find(x, "Nope"), -1);
	cr_expect_eq(xlsx_date1904(x), 0);
	cr_assert_eq(xlsx_read_sheet(x, 0, keep_row, &r, err, sizeof(err)),
	    0, "%s", err);
	cr_assert_eq(r.n, 10);
	cr_expect_str_eq(r.text[0],
	    "1:1:Spend over \xc2\xa3" "500, April 2025");
	cr_expect_str_eq(r.text[1], "3:1:");
	cr_expect_str_eq(r.text[2], "4:4:Date|Supplier||Net Amount");
	/* Rich text joined, the phonetic run left out; a custom date. */
	cr_expect_str_eq(r.text[3], "5:4:2025-04-01|Acme Ltd|aside|1234.56");
	/* Built-in date 14 drops 01:00; a formula's cached value. */
	cr_expect_str_eq(r.text[4], "6:4:2025-04-02|Bee Co||0.3");
	/* Row 7 was never written; an unstyled serial stays a number. */
	cr_expect_str_eq(r.text[5], "8:4:45750|||\xc2\xa3" "1,234.50");
	cr_expect_str_eq(r.text[7], "10:4:2025-04-04 12:00:00|TRUE||(1.00)");
	cr_expect_str_eq(r.text[8], "11:4:2025-04-05|||12.00-");
	cr_expect_str_eq(r.text[9], "12:1:  ");
	/* Cells and rows without r follow on from the last. */
	r.n = 0;
	cr_assert_eq(xlsx_read_sheet(x, 2, keep_row, &r, err, sizeof(err)),
	    0, "%s", err);
	cr_assert_eq(r.n, 2);
	cr_expect_str_eq(r.text[0], "1:2:date|AMOUNT");
	cr_expect_str_eq(r.text[1], "2:2:2025-04-01|5000");
	/* The callback stops the sheet, and its answer comes back. */
	r.n = 31;
	cr_expect_eq(xlsx_read_sheet(x, 0, keep_row, &r, err, sizeof(err)),
	    1);
	xlsx_close(x);
	free(wb);
}

Test(xlsx_read, date1904)
{
	static const char sheet[] = "<worksheet " NS "><sheetData>"
	    "<row r=\"1\"><c r=\"A1\" s=\"3\"><v>0</v></c><c r=\"B1\" s=\"1\">"
	    "<v>60</v></c><c r=\"C1\" s=\"3\"><v>45748</v></c></row>"
	    "</sheetData></worksheet>";
	struct rows r = { .n = 0 };
	size_t n;
	char *wb = workbook(sheet, 1, &n);
	xlsx_t *x;

	cr_assert_eq(xlsx_open(wb, n, &x, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(xlsx_date1904(x), 1);
	cr_assert_eq(xlsx_read_sheet(x, 0, keep_row, &r, err, sizeof(err)),
	    0, "%s", err);
	/* No fictitious leap day in 1904; 1462 days on from 1900's. */
	cr_expect_str_eq(r.text[0], "1:3:1904-01-01|1904-03-01|2029-04-02");
	xlsx_close(x);
	free(wb);
	/* The same cells in the 1900 system. */
	wb = workbook(sheet, 0, &n);
	r.n = 0;
	cr_assert_eq(xlsx_open(wb, n, &x, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(xlsx_read_sheet(x, 0, keep_row, &r, err, sizeof(err)),
	    0, "%s", err);
	cr_expect_str_eq(r.text[0], "1:3:0|1900-02-29|2025-04-01");
	xlsx_close(x);
	free(wb);
}

Test(xlsx_read, refuses)
{
	struct part bare[] = { { "hello.txt", "hello" } };
	size_t n;
	char *wb;
	xlsx_t *x;

	cr_expect_eq(xlsx_open("PK\3\4 not really", 16, &x, err,
	    sizeof(err)), -EINVAL);
	cr_expect(strstr(err, "not a workbook") != NULL, "%s", err);
	cr_expect_eq(xlsx_open("x", XLSX_MAXSIZE + 1, &x, err, sizeof(err)),
	    -EFBIG);
	cr_expect(strstr(err, "512 MiB") != NULL, "%s", err);
	wb = zip_parts(bare, 1, &n);
	cr_expect_eq(xlsx_open(wb, n, &x, err, sizeof(err)), -EINVAL);
	cr_expect_str_eq(err, "not a workbook: no xl/workbook.xml");
	free(wb);
}

/* ---- the importer ---- */

struct got {
	char		rec[64][200];
	int		nrec;
	char		skip[64][80];
	int		nskip;
};

static int
got_record(void *arg, const struct placed_record *r)
{
	struct got *g = arg;
	char *p = g->rec[g->nrec];
	size_t room = sizeof(g->rec[0]);
	int k;

	cr_assert_lt(g->nrec, 64);
	k = snprintf(p, room, "%llu", (unsigned long long)r->line);
	for (int i = 0; i < r->nfields && k > 0 && (size_t)k < room; i++)
		k += snprintf(p + k, room - (size_t)k, " %s=%s",
		    r->names[i], r->values[i]);
	g->nrec++;
	return (0);
}

static void
got_skip(void *arg, uint64_t line, const char *why)
{
	struct got *g = arg;

	cr_assert_lt(g->nskip, 64);
	snprintf(g->skip[g->nskip++], sizeof(g->skip[0]), "%llu %s",
	    (unsigned long long)line, why);
}

static const struct placed_importer *
importer(void)
{
	const struct placed_importer *imp;

	cr_assert_eq(mock_host_load(&m, &placed_plugin, &state, err,
	    sizeof(err)), 0, "%s", err);
	cr_assert_not_null(imp = mock_host_importer(&m, "xlsx"));
	return (imp);
}

static int
import(const char *kind, const char *wb, size_t n, size_t chunk,
    struct got *g)
{
	struct mock_sink sink = { got_record, got_skip, g };

	memset(g, 0, sizeof(*g));
	err[0] = '\0';
	return (mock_import(importer(), kind, wb, n, chunk, &sink, err,
	    sizeof(err)));
}

static void
setup(void)
{
	mock_host_init(&m);
}

static void
teardown(void)
{
	mock_host_unload(&placed_plugin, state);
}

TestSuite(xlsx, .init = setup, .fini = teardown);

Test(xlsx, registers)
{
	const struct placed_importer *imp = importer();

	cr_expect_str_eq(placed_plugin.name, "xlsx");
	cr_expect_str_eq(imp->kinds, "any");
}

static const char *const all_records[] = {
	"10000005 date=2025-04-01 supplier=Acme Ltd amount=1234.56",
	"10000006 date=2025-04-02 supplier=Bee Co amount=0.3",
	"10000008 date=2025-04-03 supplier= amount=1234.50",
	"10000010 date=2025-04-04 12:00:00 supplier=TRUE amount=-1.00",
	"10000011 date=2025-04-05 supplier= amount=-12.00",
	"30000002 date=2025-04-01 amount=5000",
};

static const char *const all_skips[] = {
	"10000003 blank",
	"10000001 above the header",
	"10000004 header",
	"10000009 repeated header",
	"10000012 blank",
	"20000001 no header in sheet Notes",
	"20000002 no header in sheet Notes",
	"30000001 header",
};

static void
expect_all(const struct got *g)
{
	cr_assert_eq(g->nrec, 6);
	for (int i = 0; i < 6; i++)
		cr_expect_str_eq(g->rec[i], all_records[i]);
	cr_assert_eq(g->nskip, 8);
	for (int i = 0; i < 8; i++)
		cr_expect_str_eq(g->skip[i], all_skips[i]);
}

Test(xlsx, every_sheet)
{
	struct got g;
	size_t n;
	char *wb = workbook(NULL, 0, &n);

	cr_assert_eq(import("spend", wb, n, 0, &g), 0, "%s", err);
	expect_all(&g);
	cr_expect(strstr(m.log, "warning: sheet \"Notes\": no row names two "
	    "spend fields; its 2 rows skipped") != NULL, "%s", m.log);
	free(wb);
}

Test(xlsx, byte_at_a_time)
{
	struct got g;
	size_t n;
	char *wb = workbook(NULL, 0, &n);

	cr_assert_eq(import("spend", wb, n, 1, &g), 0, "%s", err);
	expect_all(&g);
	free(wb);
}

Test(xlsx, one_sheet)
{
	struct got g;
	size_t n;
	char *wb = workbook(NULL, 0, &n);

	/* One sheet: lines are its row numbers. */
	mock_host_set_config(&m, "sheet", "more");
	cr_assert_eq(import("spend", wb, n, 0, &g), 0, "%s", err);
	cr_assert_eq(g.nrec, 1);
	cr_expect_str_eq(g.rec[0], "2 date=2025-04-01 amount=5000");
	cr_assert_eq(g.nskip, 1);
	cr_expect_str_eq(g.skip[0], "1 header");
	free(wb);
}

Test(xlsx, no_such_sheet)
{
	struct got g;
	size_t n;
	char *wb = workbook(NULL, 0, &n);

	mock_host_set_config(&m, "sheet", "Summary");
	cr_assert_eq(import("spend", wb, n, 0, &g), -1);
	cr_expect_str_eq(err, "no sheet \"Summary\" (plugin.xlsx.sheet); the "
	    "sheets are \"Payments\", \"Notes\", \"More\"");
	free(wb);
}

/* Kinds other than spend know only their canonical names. */
Test(xlsx, other_kinds)
{
	static const char sheet[] = "<worksheet " NS "><sheetData>"
	    "<row r=\"2\">" IS("A2", "Period_Start") IS("B2", "indicator")
	    IS("C2", "Value") IS("D2", "Amount") "</row>"
	    "<row r=\"3\"><c r=\"A3\" s=\"1\"><v>45748</v></c>"
	    IS("B3", "falls") "<c r=\"C3\"><v>12.300000000000001</v></c>"
	    IS("D3", "x") "</row></sheetData></worksheet>";
	struct got g;
	size_t n;
	char *wb = workbook(sheet, 0, &n);

	cr_assert_eq(import("outcome", wb, n, 0, &g), 0, "%s", err);
	cr_assert_eq(g.nrec, 1);
	cr_expect_str_eq(g.rec[0],
	    "3 period_start=2025-04-01 indicator=falls value=12.3");
	cr_expect_str_eq(g.skip[0], "2 header");
	free(wb);
}

Test(xlsx, no_header_anywhere)
{
	struct got g;
	size_t n;
	char *wb = workbook(sheet_notes, 0, &n);

	cr_assert_eq(import("spend", wb, n, 0, &g), -1);
	cr_expect_str_eq(err, "no sheet has a header: a row naming at least "
	    "two spend fields (date, org, ...)");
	cr_expect_eq(g.nskip, 2);
	free(wb);
}

Test(xlsx, too_big)
{
	const struct placed_importer *imp = importer();
	struct got g = { .nrec = 0 };
	struct mock_sink sink = { got_record, got_skip, &g };
	void *ctx = imp->open(imp->state, "spend", err, sizeof(err));

	cr_assert_not_null(ctx);
	/* Refused before a byte is read. */
	cr_expect_eq(imp->feed(ctx, "", XLSX_MAXSIZE + 1, NULL, &sink, err,
	    sizeof(err)), -1);
	cr_expect_str_eq(err, "workbook over 512 MiB: save the sheet as CSV "
	    "and load that");
	imp->close(ctx);
}

Test(xlsx, not_a_workbook)
{
	struct got g;

	cr_assert_eq(import("spend", "date,amount\n", 12, 0, &g), -1);
	cr_expect(strncmp(err, "not a workbook", 14) == 0, "%s", err);
}

/* ---- the real workbooks ---- */

/*
 * Expected figures, computed independently on 2025-11-24 with Python's
 * zipfile, xml.etree and Decimal: per sheet, the first row whose folded
 * cells name two of date/amount/supplier/description is the header (and
 * any later such row a new one); records are the other non-blank rows;
 * each amount's <v> text quantized with ROUND_HALF_UP to min(10, 15 -
 * integer digits) decimals, then summed.  Rows: the <row> elements.
 */
static const struct {
	const char	*file;
	int		sheets;
	uint64_t	rows, records, skipped;
	int64_t		pence;
} real[] = {
	{ "lancashire_fire_spend/fire-2022-23.xlsx", 1, 2910, 2908, 2,
	    1509461484 },
	{ "lancashire_fire_spend/fire-2023-24.xlsx", 1, 7000, 6999, 1,
	    2452516932 },
	{ "lancashire_fire_spend/fire-2024-25.xlsx", 1, 3377, 3376, 1,
	    2462238891 },
	{ "lancashire_fire_spend/fire-2025-26-q1.xlsx", 1, 920, 919, 1,
	    715257877 },
	{ "lancashire_fire_spend/fire-2025-26-q2.xlsx", 1, 865, 864, 1,
	    645977230 },
	{ "lancashire_fire_spend/fire-2025-26-q3.xlsx", 1, 882, 881, 1,
	    570296085 },
	{ "lancashire_pcc_spend/pcc-2018-19.xlsx", 12, 7986, 7974, 12,
	    6220868377 },
	{ "lancashire_pcc_spend/pcc-2019-20.xlsx", 12, 7223, 7211, 12,
	    5026767595 },
	{ "lancashire_pcc_spend/pcc-2020-21.xlsx", 12, 5262, 5250, 12,
	    5340123875 },
	{ "lancashire_pcc_spend/pcc-2021-22.xlsx", 12, 6753, 6741, 12,
	    7466154584 },
	{ "lancashire_pcc_spend/pcc-2022-23.xlsx", 12, 7667, 7654, 13,
	    7622898650 },
	{ "lancashire_pcc_spend/pcc-2023-24.xlsx", 12, 9391, 9289, 102,
	    10432277362 },
	{ "lancashire_pcc_spend/pcc-2024-25.xlsx", 10, 7867, 7857, 10,
	    11096228483 },
};

struct tally {
	uint64_t	rows, records, skipped, bad;
	int64_t		pence;
	char		first_bad[200];
};

static int
count_row(void *arg, uint64_t rowno, int ncells, const char *const *cells)
{
	((struct tally *)arg)->rows++;
	return (0);
}

/* ^\d{4}-\d\d-\d\d */
static int
is_date(const char *s)
{
	for (int i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : s[i] < '0' || s[i] > '9')
			return (0);
	return (1);
}

/* ^-?[0-9]+(\.[0-9]{1,2})?$ into pence, or -1. */
static int
pence(const char *s, int64_t *out)
{
	int64_t v = 0;
	int neg = *s == '-', nd = 0, nf = -1;

	for (s += neg; *s >= '0' && *s <= '9'; s++, nd++)
		v = v * 10 + (*s - '0');
	if (nd == 0)
		return (-1);
	v *= 100;
	if (*s == '.') {
		for (nf = 0, s++; *s >= '0' && *s <= '9' && nf < 3; s++, nf++)
			v += (*s - '0') * (nf ? 1 : 10);
		if (nf < 1 || nf > 2)
			return (-1);
	}
	if (*s != '\0')
		return (-1);
	*out = neg ? -v : v;
	return (0);
}

static int
tally_record(void *arg, const struct placed_record *r)
{
	struct tally *t = arg;
	const char *date = NULL, *amount = NULL;
	int64_t p;

	t->records++;
	for (int i = 0; i < r->nfields; i++) {
		if (strcmp(r->names[i], "date") == 0)
			date = r->values[i];
		if (strcmp(r->names[i], "amount") == 0)
			amount = r->values[i];
	}
	if (date && is_date(date) && amount && pence(amount, &p) == 0) {
		t->pence += p;
		return (0);
	}
	if (t->bad++ == 0)
		snprintf(t->first_bad, sizeof(t->first_bad), "line %llu: "
		    "date \"%s\" amount \"%s\"", (unsigned long long)r->line,
		    date ? date : "(none)", amount ? amount : "(none)");
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
	struct stat sb;
	FILE *f;
	char *buf;

	if (stat(path, &sb) != 0 || (f = fopen(path, "rb")) == NULL)
		return (NULL);
	cr_assert_not_null(buf = malloc((size_t)sb.st_size + 1));
	*n = fread(buf, 1, (size_t)sb.st_size, f);
	fclose(f);
	return (buf);
}

Test(xlsx, real_workbooks, .timeout = 120)
{
	const char *dir = getenv("SHARED_DATA");
	const struct placed_importer *imp = importer();
	struct stat sb;
	char path[4096];
	int seen = 0;

	if (dir == NULL || stat(dir, &sb) != 0)
		dir = SHARED_DATA;
	if (stat(dir, &sb) != 0) {
		cr_skip_test("no shared data at %s: real workbooks not read",
		    dir);
		return;
	}
	for (size_t i = 0; i < sizeof(real) / sizeof(real[0]); i++) {
		struct tally seen_rows = { 0 }, t = { 0 };
		struct mock_sink sink = { tally_record, tally_skip, &t };
		size_t n;
		char *wb;
		xlsx_t *x;

		snprintf(path, sizeof(path), "%s/%s", dir, real[i].file);
		if ((wb = slurp(path, &n)) == NULL) {
			cr_log_warn("%s: not there, not read", path);
			continue;
		}
		seen++;
		/* The rows the reader sees, counted apart from the importer. */
		cr_assert_eq(xlsx_open(wb, n, &x, err, sizeof(err)), 0,
		    "%s: %s", path, err);
		cr_expect_eq(xlsx_nsheets(x), real[i].sheets, "%s", path);
		for (int s = 0; s < xlsx_nsheets(x); s++)
			cr_assert_eq(xlsx_read_sheet(x, s, count_row,
			    &seen_rows, err, sizeof(err)), 0, "%s", err);
		xlsx_close(x);
		cr_assert_eq(mock_import(imp, "spend", wb, n, 0, &sink, err,
		    sizeof(err)), 0, "%s: %s", path, err);
		printf("%-40s %2d sheets %6llu rows %6llu records %4llu "
		    "skipped  total \xc2\xa3%lld.%02lld\n", real[i].file,
		    real[i].sheets, (unsigned long long)seen_rows.rows,
		    (unsigned long long)t.records,
		    (unsigned long long)t.skipped,
		    (long long)(t.pence / 100), (long long)(t.pence % 100));
		cr_expect_eq(t.records + t.skipped, seen_rows.rows,
		    "%s: %llu records + %llu skipped != %llu rows", path,
		    (unsigned long long)t.records,
		    (unsigned long long)t.skipped,
		    (unsigned long long)seen_rows.rows);
		cr_expect_eq(t.bad, 0, "%s: %llu records without a date or "
		    "an amount in pence, first %s", path,
		    (unsigned long long)t.bad, t.first_bad);
		cr_expect_eq(seen_rows.rows, real[i].rows, "%s", path);
		cr_expect_eq(t.records, real[i].records, "%s", path);
		cr_expect_eq(t.skipped, real[i].skipped, "%s", path);
		cr_expect_eq(t.pence, real[i].pence, "%s: %lld pence, "
		    "expected %lld", path, (long long)t.pence,
		    (long long)real[i].pence);
		free(wb);
	}
	fflush(stdout);
	cr_expect_gt(seen, 0, "no workbook found under %s", dir);
}
