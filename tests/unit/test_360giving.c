/*
 * test_360giving.c — the 360giving importer with the mock host: one
 * small fixture per quirk, each fed whole and a byte at a time, then
 * every grant file of the shared real data.
 */
#include <dirent.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <jansson.h>

#include "got_sink.h"
#include "mock_host.h"

#ifndef SHARED_DATA
#define SHARED_DATA	"../shared/data"
#endif

extern const struct placed_plugin placed_plugin;

static struct mock_host m;
static const struct placed_importer *imp;
static void *state;
static char err[512];

static void
setup(void)
{
	mock_host_init(&m);
	cr_assert_eq(mock_host_load(&m, &placed_plugin, &state, err,
	    sizeof(err)), 0, "%s", err);
	cr_assert_not_null(imp = mock_host_importer(&m, "360giving"));
}

static void
teardown(void)
{
	mock_host_unload(&placed_plugin, state);
}

TestSuite(giving360, .init = setup, .fini = teardown);

/* Import text whole and a byte at a time; both must agree.  g gets the
 * byte-at-a-time run. */
static int
import(struct got *g, const char *text)
{
	static struct got whole;
	int rc0, rc1;

	rc0 = got_import(&whole, imp, "spend", text, 0, err, sizeof(err));
	rc1 = got_import(g, imp, "spend", text, 1, err, sizeof(err));
	cr_assert_eq(rc0, rc1);
	cr_assert_eq(whole.nrec, g->nrec);
	cr_assert_eq(whole.nskip, g->nskip);
	for (int i = 0; i < g->nrec && i < GOT_MAX; i++)
		cr_assert_eq(memcmp(&whole.rec[i], &g->rec[i],
		    sizeof(g->rec[i])), 0, "record %d differs by chunk", i);
	return (rc1);
}

#define GRANT(extra) \
	"{\"id\": \"360G-x-1\", \"currency\": \"GBP\", " \
	"\"awardDate\": \"2019-03-01\", \"title\": \"T\", " \
	"\"fundingOrganization\": [{\"id\": \"GB-CHC-1\", \"name\": \"F\"}], " \
	"\"recipientOrganization\": [{\"id\": \"GB-CHC-2\", \"name\": \"R\"}]" \
	extra "}"

static const char *
amount_of(const char *num)
{
	static char text[1024];
	static struct got g;

	snprintf(text, sizeof(text), "{\"grants\": [" GRANT(
	    ", \"amountAwarded\": %s") "]}", num);
	cr_assert_eq(import(&g, text), 0, "%s", err);
	cr_assert_eq(g.nrec, 1, "%s: %d records", num, g.nrec);
	return (got_field(&g, 0, "amount"));
}

Test(giving360, registers)
{
	cr_expect_str_eq(placed_plugin.name, "360giving");
	cr_assert_eq(m.nimporters, 1);
	cr_expect_str_eq(m.importers[0].kinds, "spend");
}

Test(giving360, maps_fields)
{
	static struct got g;

	cr_assert_eq(import(&g, "{\"grants\": [{\"id\": \"360G-ocf-1\", "
	    "\"title\": \"Lunch club\", \"description\": \"Hot meals\", "
	    "\"currency\": \"GBP\", \"amountAwarded\": 2500.75, "
	    "\"awardDate\": \"05/06/2014\", "
	    "\"fundingOrganization\": [{\"id\": \"GB-CHC-1151621\", "
	    "\"name\": \"Oxfordshire Community Foundation\"}], "
	    "\"recipientOrganization\": [{\"id\": \"GB-CHC-9\", "
	    "\"name\": \"Cowley Lunch Club\"}], "
	    "\"grantProgramme\": [{\"title\": \"Surviving Winter\"}], "
	    "\"beneficiaryLocation\": [{\"name\": \"Oxford\"}, "
	    "{\"geoCode\": \"E07000178\", \"geoCodeType\": \"LAD\"}]}]}"), 0,
	    "%s", err);
	cr_assert_eq(g.nrec, 1);
	cr_expect_eq(g.nskip, 0);
	cr_expect_eq(g.rec[0].line, 1);
	cr_expect_str_eq(got_field(&g, 0, "date"), "2014-06-05");
	cr_expect_str_eq(got_field(&g, 0, "org"),
	    "Oxfordshire Community Foundation");
	cr_expect_str_eq(got_field(&g, 0, "funder"), "GB-CHC-1151621");
	cr_expect_str_eq(got_field(&g, 0, "supplier"), "Cowley Lunch Club");
	cr_expect_str_eq(got_field(&g, 0, "description"), "Lunch club");
	cr_expect_str_eq(got_field(&g, 0, "service"), "Surviving Winter");
	cr_expect_str_eq(got_field(&g, 0, "account"), "360G-ocf-1");
	cr_expect_str_eq(got_field(&g, 0, "amount"), "2500.75");
	cr_expect_str_eq(got_field(&g, 0, "place"), "E07000178");
	cr_expect_null(got_field(&g, 0, "person"));
}

/* Amounts are the JSON number's own text: nothing goes through a
 * double, so what a double would mangle reaches the host as written
 * (and the host rejects more than two decimals). */
Test(giving360, amounts_exact)
{
	cr_expect_str_eq(amount_of("1000"), "1000");
	cr_expect_str_eq(amount_of("1000.5"), "1000.5");
	cr_expect_str_eq(amount_of("2500.75"), "2500.75");
	cr_expect_str_eq(amount_of("1000.0"), "1000.0");
	cr_expect_str_eq(amount_of("0.30000000000000004"),
	    "0.30000000000000004");
	cr_expect_str_eq(amount_of("90071992547409.93"), "90071992547409.93");
	cr_expect_str_eq(amount_of("-250.10"), "-250.10");
	cr_expect_str_eq(amount_of("\"1,250.00\""), "1,250.00");
	cr_expect_str_eq(amount_of("1e3"), "1e3");
}

Test(giving360, dates)
{
	static const char *const cases[][2] = {
		{ "2019-03-01T00:00:00+00:00", "2019-03-01" },
		{ "2019-03-01", "2019-03-01" },
		{ "2019-03", "2019-03-01" },
		{ "05/06/2014", "2014-06-05" },
		{ "5/6/2014", "2014-06-05" },
		{ "26/03/2001 00:00", "2001-03-26" },
		{ "08/2013", "2013-08-01" },
		{ "29/02/2016", "2016-02-29" },
		/* Not dates: left as written, for the host to reject. */
		{ "29/02/2015", "29/02/2015" },
		{ "2019-13-01", "2019-13-01" },
		{ "19 April 2013", "19 April 2013" },
	};
	char text[512];
	static struct got g;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text), "[{\"currency\": \"GBP\", "
		    "\"amountAwarded\": 1, \"awardDate\": \"%s\"}]",
		    cases[i][0]);
		cr_assert_eq(import(&g, text), 0, "%s", err);
		cr_assert_eq(g.nrec, 1);
		cr_expect_str_eq(got_field(&g, 0, "date"), cases[i][1], "%s",
		    cases[i][0]);
	}
}

Test(giving360, skips_with_reasons)
{
	static struct got g;

	cr_assert_eq(import(&g, "{\"grants\": ["
	    GRANT(", \"amountAwarded\": 10") ",\n"
	    "{\"id\": \"u\", \"currency\": \"USD\", \"amountAwarded\": 5},\n"
	    "{\"id\": \"n\", \"currency\": \"GBP\"},\n"
	    "{\"id\": \"z\", \"currency\": \"GBP\", \"amountAwarded\": null},\n"
	    "{\"id\": \"b\", \"currency\": \"gbp\", \"amountAwarded\": true},\n"
	    "[1, 2],\n"
	    "{\"id\": \"ok\", \"currency\": \" gbp \", \"amountAwarded\": 7}"
	    "]}"), 0, "%s", err);
	cr_assert_eq(g.nrec, 2);
	cr_expect_eq(g.rec[0].line, 1);
	cr_expect_eq(g.rec[1].line, 7);
	cr_assert_eq(g.nskip, 5);
	cr_expect_eq(g.skip_line[0], 2);
	cr_expect_str_eq(g.skip_why[0], "currency USD, not GBP");
	cr_expect_str_eq(g.skip_why[1], "no amountAwarded");
	cr_expect_str_eq(g.skip_why[2], "no amountAwarded");
	cr_expect_str_eq(g.skip_why[3], "amountAwarded is not a number");
	cr_expect_str_eq(g.skip_why[4], "not a grant (no JSON object)");
	cr_expect_eq(g.skip_line[4], 6);
}

Test(giving360, recipients_and_funders)
{
	static struct got g;

	cr_assert_eq(import(&g, "[{\"currency\": \"GBP\", "
	    "\"amountAwarded\": 1},\n"
	    "{\"currency\": \"GBP\", \"amountAwarded\": 2, "
	    "\"recipientIndividual\": {\"id\": \"360G-x-ind-1\", "
	    "\"name\": \"A Person\"}},\n"
	    "{\"currency\": \"GBP\", \"amountAwarded\": 3, "
	    "\"recipientOrganization\": [{\"id\": \"GB-COH-123\"}], "
	    "\"fundingOrganization\": {\"id\": \"360G-dulverton\"}, "
	    "\"description\": \"No title\"}]"), 0, "%s", err);
	cr_assert_eq(g.nrec, 3);
	cr_expect_null(got_field(&g, 0, "supplier"));
	cr_expect_null(got_field(&g, 0, "org"));
	cr_expect_null(got_field(&g, 0, "date"));
	cr_expect_str_eq(got_field(&g, 1, "supplier"), "(redacted)");
	cr_expect_str_eq(got_field(&g, 2, "supplier"), "GB-COH-123");
	cr_expect_str_eq(got_field(&g, 2, "org"), "360G-dulverton");
	cr_expect_str_eq(got_field(&g, 2, "funder"), "360G-dulverton");
	cr_expect_str_eq(got_field(&g, 2, "description"), "No title");
}

Test(giving360, beneficiary_location)
{
	static struct got g;

	cr_assert_eq(import(&g, "[" GRANT(", \"amountAwarded\": 1, "
	    "\"beneficiaryLocation\": {\"geoCode\": \"E08000003\"}") ", "
	    GRANT(", \"amountAwarded\": 1, \"beneficiaryLocation\": "
	    "[{\"geoCode\": \"  \"}, {\"geoCode\": \"Oxford 008A\", "
	    "\"geoCodeType\": \"LSOA\"}]") ", "
	    GRANT(", \"amountAwarded\": 1, \"beneficiaryLocation\": "
	    "[{\"countryCode\": \"GB\"}]") "]"), 0, "%s", err);
	cr_assert_eq(g.nrec, 3);
	cr_expect_str_eq(got_field(&g, 0, "place"), "E08000003");
	cr_expect_str_eq(got_field(&g, 1, "place"), "Oxford 008A");
	cr_expect_null(got_field(&g, 2, "place"));
}

Test(giving360, bad_files)
{
	static struct got g;

	cr_expect_eq(import(&g, "{\"grants\": [\n {\"id\": 1,}\n]}"), -1);
	cr_expect_eq(strncmp(err, "invalid JSON at line 2, column ", 31), 0,
	    "%s", err);
	cr_expect_eq(import(&g, "{\"funder\": 1}"), -1);
	cr_expect_str_eq(err, "no \"grants\" array: not a 360Giving package");
	cr_expect_eq(import(&g, "{\"grants\": {}}"), -1);
	cr_expect_str_eq(err, "\"grants\" is not an array");
	cr_expect_eq(import(&g, ""), -1);
	cr_expect_eq(import(&g, "[01]"), -1);
	cr_expect_eq(g.nrec, 0);
	/* A number's text in a string is no number. */
	cr_expect_eq(import(&g, "[{\"x\": \"1\\\"2\", \"amountAwarded\": "
	    "\"3\"}]"), 0, "%s", err);
	cr_expect_str_eq(got_field(&g, 0, "amount"), "3");
	cr_expect_eq(got_import(&g, imp, "service", "[]", 0, err,
	    sizeof(err)), -1);
	cr_expect_str_eq(err, "grants load as spend, not service");
}

Test(giving360, bom_and_stop)
{
	static const char two[] = "[{\"amountAwarded\": 1}, "
	    "{\"amountAwarded\": 2}]";
	static struct got g;

	cr_assert_eq(import(&g, "\xef\xbb\xbf[" GRANT(", \"amountAwarded\": 1")
	    "]"), 0, "%s", err);
	cr_expect_eq(g.nrec, 1);
	got_init(&g);
	g.stop_after = 1;
	cr_expect_eq(mock_import(imp, "spend", two, strlen(two), 0, &g.sink,
	    err, sizeof(err)), 0);
	cr_expect_eq(g.nrec, 1);
}

/* A 1.0 host has no skip(): the plugin must not call past the table. */
Test(giving360, old_host)
{
	static struct got g;

	m.api.size = offsetof(struct placed_host_api, skip);
	m.api.skip = NULL;
	cr_assert_eq(import(&g, "[{\"currency\": \"EUR\", \"amountAwarded\": "
	    "1}]"), 0, "%s", err);
	cr_expect_eq(g.nrec, 0);
	cr_expect_eq(g.nskip, 0);
}

/* The real files: every grant emitted or skipped; amounts and dates
 * well-formed; totals to the penny. */

struct real {
	regex_t		amount, date;
	long long	pence;
	int		bad;
};

static void
real_hook(struct got *g, const struct placed_record *r)
{
	struct real *x = g->arg;
	const char *a = NULL, *d = NULL, *dot;
	long long p;

	for (int i = 0; i < r->nfields; i++)
		if (strcmp(r->names[i], "amount") == 0)
			a = r->values[i];
		else if (strcmp(r->names[i], "date") == 0)
			d = r->values[i];
	if (a == NULL || regexec(&x->amount, a, 0, NULL, 0) != 0 ||
	    d == NULL || regexec(&x->date, d, 0, NULL, 0) != 0) {
		if (x->bad++ < 5)
			cr_log_error("line %llu: amount \"%s\" date \"%s\"",
			    (unsigned long long)r->line, a ? a : "",
			    d ? d : "");
		return;
	}
	/* Pence from the checked text: -?D+(.D{1,2})? */
	p = llabs(strtoll(a, NULL, 10)) * 100;
	if ((dot = strchr(a, '.')) != NULL)
		p += (dot[1] - '0') * 10 + (dot[2] ? dot[2] - '0' : 0);
	x->pence += a[0] == '-' ? -p : p;
}

static char *
slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *b;
	long len;

	cr_assert_not_null(f, "%s", path);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	cr_assert_not_null(b = malloc((size_t)len + 1));
	cr_assert_eq(fread(b, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	b[len] = '\0';
	*n = (size_t)len;
	return (b);
}

Test(giving360, real_files, .timeout = 120)
{
	/*
	 * The expected totals, computed independently with Python over the
	 * raw JSON (no floats):
	 *   python3 -c 'import json,sys; from decimal import Decimal as D;
	 *     g = json.load(open(sys.argv[1]), parse_float=D)["grants"];
	 *     print(sum(D(x["amountAwarded"]) for x in g
	 *       if x.get("currency", "GBP") == "GBP") * 100)' FILE
	 */
	static const struct { const char *file; long long pence; } want[] = {
		{ "baring.json",	208693700LL },
		{ "dulverton.json",	3044259100LL },
		{ "indigo.json",	805354540LL },
		{ "nominet.json",	1830397701LL },
		{ "ocf1.json",		16982167LL },
		{ "ocf2.json",		62711593LL },
		{ "ocf3.json",		27684573LL },
		{ "wolfson.json",	3117845600LL },
	};
	const char *top = getenv("SHARED_DATA");
	char dir[1024], path[1200];
	static struct got g;
	struct dirent *de;
	struct real x;
	int files = 0, checked = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/360giving_grants_json",
	    top ? top : SHARED_DATA);
	if ((d = opendir(dir)) == NULL)
		cr_skip_test("no real data: %s is absent", dir);
	cr_assert_eq(regcomp(&x.amount, "^-?[0-9]+(\\.[0-9]{1,2})?$",
	    REG_EXTENDED | REG_NOSUB), 0);
	cr_assert_eq(regcomp(&x.date, "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
	    REG_EXTENDED | REG_NOSUB), 0);
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name), n, items;
		json_error_t je;
		json_t *root;
		char *buf;

		if (len < 6 || strcmp(de->d_name + len - 5, ".json") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		buf = slurp(path, &n);
		cr_assert_not_null(root = json_loadb(buf, n, 0, &je), "%s: %s",
		    path, je.text);
		items = json_array_size(json_object_get(root, "grants"));
		json_decref(root);
		x.pence = 0;
		x.bad = 0;
		got_init(&g);
		g.hook = real_hook;
		g.arg = &x;
		cr_assert_eq(mock_import(imp, "spend", buf, n, 65536, &g.sink,
		    err, sizeof(err)), 0, "%s: %s", path, err);
		free(buf);
		printf("360giving %-15s grants %5zu emitted %5d skipped %3d "
		    "total %lld.%02lld\n", de->d_name, items, g.nrec, g.nskip,
		    x.pence / 100, x.pence % 100);
		cr_expect_eq((size_t)(g.nrec + g.nskip), items, "%s",
		    de->d_name);
		cr_expect_eq(x.bad, 0, "%s: %d malformed", de->d_name, x.bad);
		for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
			if (strcmp(want[i].file, de->d_name) == 0) {
				cr_expect_eq(x.pence, want[i].pence, "%s",
				    de->d_name);
				checked++;
			}
		files++;
	}
	closedir(d);
	regfree(&x.amount);
	regfree(&x.date);
	cr_expect_geq(files, 1);
	cr_expect_geq(checked, 3, "totals checked for %d files", checked);
}
