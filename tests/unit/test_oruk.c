/*
 * test_oruk.c — the oruk importer with the mock host: HTML to text, each
 * JSON shape, missing fields, each fed whole and a byte at a time; then
 * every file of the shared ORUK dumps.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <jansson.h>

#include "got_sink.h"
#include "html.h"
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
	cr_assert_not_null(imp = mock_host_importer(&m, "oruk"));
}

static void
teardown(void)
{
	mock_host_unload(&placed_plugin, state);
}

TestSuite(oruk, .init = setup, .fini = teardown);

/* Import text whole and a byte at a time; both must agree.  g gets the
 * byte-at-a-time run. */
static int
import(struct got *g, const char *text)
{
	static struct got whole;
	int rc0, rc1;

	rc0 = got_import(&whole, imp, "service", text, 0, err, sizeof(err));
	rc1 = got_import(g, imp, "service", text, 1, err, sizeof(err));
	cr_assert_eq(rc0, rc1);
	cr_assert_eq(whole.nrec, g->nrec);
	cr_assert_eq(whole.nskip, g->nskip);
	for (int i = 0; i < g->nrec && i < GOT_MAX; i++)
		cr_assert_eq(memcmp(&whole.rec[i], &g->rec[i],
		    sizeof(g->rec[i])), 0, "record %d differs by chunk", i);
	return (rc1);
}

static void
expect_text(const char *html, const char *want)
{
	char *t = html_text(html);

	cr_assert_not_null(t);
	cr_expect_str_eq(t, want, "html \"%s\"", html);
	free(t);
}

Test(oruk, registers)
{
	cr_expect_str_eq(placed_plugin.name, "oruk");
	cr_assert_eq(m.nimporters, 1);
	cr_expect_str_eq(m.importers[0].kinds, "service");
}

Test(oruk, html_to_text)
{
	expect_text("<p>Drug &amp; Alcohol</p><p>support&nbsp;</p>",
	    "Drug & Alcohol support");
	expect_text("<div><ul><li>One</li><li>Two <b>bold</b>er</li></ul>"
	    "</div>", "One Two bolder");
	expect_text("&lt;b&gt; is &quot;bold&quot; &#39;x&#39; &apos;y&apos;",
	    "<b> is \"bold\" 'x' 'y'");
	expect_text("caf&#233; &#xE9; &#x2013; &pound;5 &rsquo;",
	    "caf\xc3\xa9 \xc3\xa9 \xe2\x80\x93 \xc2\xa3" "5 \xe2\x80\x99");
	expect_text("<p><br></p>", "");
	expect_text("  a \n\t b  ", "a b");
	expect_text("<a href=\"x?a=1&b=2\" title='a>b'>link</a> text",
	    "link text");
	expect_text("a<!-- <p>hidden</p> -->b", "ab");
	/* Not entities, not tags: as written. */
	expect_text("H&Me R&D &bogus; &#0; &#xD800; &amp", "H&Me R&D &bogus; "
	    "&#0; &#xD800; &amp");
	expect_text("1 < 2 and 3 > 2, <unclosed", "1 < 2 and 3 > 2, <unclosed");
	/* One level of decoding: &amp;nbsp; is the text "&nbsp;". */
	expect_text("&amp;nbsp;", "&nbsp;");
}

/* Placecube's list view, as in the Bristol and North Lincolnshire
 * dumps: a bare array. */
Test(oruk, bare_array)
{
	static struct got g;

	cr_assert_eq(import(&g, "[{\"id\": \"s1\", \"name\": "
	    "\"Coffee &amp; Cake\", \"description\": \"<p>x</p>\", "
	    "\"status\": \"active\", \"organization\": {\"id\": \"o1\", "
	    "\"name\": \"St Peter &amp; St Paul\"}, \"pc_targetAudience\": "
	    "[{\"id\": \"ChronicallyIll\", \"audienceType\": \"Dementia\"}]},"
	    "{\"id\": \"s2\", \"name\": \"Gardening club\", "
	    "\"organization\": {\"id\": \"o2\", \"name\": \"\"}}]"), 0, "%s",
	    err);
	cr_assert_eq(g.nrec, 2);
	cr_expect_eq(g.nskip, 0);
	cr_expect_str_eq(got_field(&g, 0, "id"), "s1");
	cr_expect_str_eq(got_field(&g, 0, "name"), "Coffee & Cake");
	cr_expect_str_eq(got_field(&g, 0, "org"), "St Peter & St Paul");
	cr_expect_str_eq(got_field(&g, 0, "cohort"), "Dementia");
	cr_expect_null(got_field(&g, 0, "need"));
	cr_expect_null(got_field(&g, 0, "place"));
	cr_expect_null(got_field(&g, 0, "capacity"));
	cr_expect_str_eq(got_field(&g, 1, "org"), "o2");
	cr_expect_eq(g.rec[1].line, 2);
}

/* A page of the paginated API, and ORUK 1's full service detail. */
Test(oruk, page_with_detail)
{
	static struct got g;

	cr_assert_eq(import(&g, "{\"totalElements\": 2, \"totalPages\": 1, "
	    "\"number\": 1, \"content\": [{\"id\": \"d1\", "
	    "\"name\": \"Falls clinic\", "
	    "\"organization\": {\"id\": \"o9\", \"name\": \"NHS Trust\"}, "
	    "\"service_taxonomys\": [{\"id\": \"t\", \"taxonomy\": "
	    "{\"id\": \"x\", \"name\": \"Falls prevention\", "
	    "\"vocabulary\": \"esdServiceTypes\"}}], "
	    "\"eligibilitys\": [{\"eligibility\": \"Adults 65+\", "
	    "\"minimum_age\": 65}], "
	    "\"service_at_locations\": [{\"location\": {\"name\": \"Hub\", "
	    "\"physical_addresses\": [{\"address_1\": \"1 High St\", "
	    "\"postal_code\": \"BS1 5TR\"}]}}]}, "
	    "{\"id\": \"d2\", \"name\": \"Area service\", \"categories\": "
	    "[\"Housing\"], \"service_areas\": [{\"service_area\": "
	    "\"Bristol\", \"uri\": "
	    "\"http://statistics.data.gov.uk/id/statistical-geography/"
	    "E06000023\"}]}]}"), 0, "%s", err);
	cr_assert_eq(g.nrec, 2);
	cr_expect_str_eq(got_field(&g, 0, "need"), "Falls prevention");
	cr_expect_str_eq(got_field(&g, 0, "cohort"), "Adults 65+");
	cr_expect_str_eq(got_field(&g, 0, "place"), "BS1 5TR");
	cr_expect_str_eq(got_field(&g, 0, "org"), "NHS Trust");
	cr_expect_str_eq(got_field(&g, 1, "need"), "Housing");
	cr_expect_str_eq(got_field(&g, 1, "place"), "E06000023");
}

/* HSDS 3: "contents" pages; service_at_locations items; one service. */
Test(oruk, other_shapes)
{
	static struct got g;

	cr_assert_eq(import(&g, "{\"total_items\": 1, \"contents\": [{\"id\": "
	    "\"h1\", \"name\": \"Carers group\", \"organization_id\": \"o3\", "
	    "\"taxonomy_terms\": [{\"name\": \"Carers\"}], "
	    "\"eligibility_description\": \"<p>Unpaid carers</p>\"}]}"), 0,
	    "%s", err);
	cr_assert_eq(g.nrec, 1);
	cr_expect_str_eq(got_field(&g, 0, "org"), "o3");
	cr_expect_str_eq(got_field(&g, 0, "need"), "Carers");
	cr_expect_str_eq(got_field(&g, 0, "cohort"), "Unpaid carers");

	cr_assert_eq(import(&g, "[{\"id\": \"sal1\", \"service\": {\"id\": "
	    "\"s7\", \"name\": \"Stay and play\"}, \"location\": {\"addresses\": "
	    "[{\"postal_code\": \"DN15 6NL\"}]}}]"), 0, "%s", err);
	cr_assert_eq(g.nrec, 1);
	cr_expect_str_eq(got_field(&g, 0, "id"), "s7");
	cr_expect_str_eq(got_field(&g, 0, "name"), "Stay and play");
	cr_expect_str_eq(got_field(&g, 0, "place"), "DN15 6NL");

	cr_assert_eq(import(&g, "{\"id\": 42, \"name\": \"Solo\"}"), 0, "%s",
	    err);
	cr_assert_eq(g.nrec, 1);
	cr_expect_str_eq(got_field(&g, 0, "id"), "42");
}

Test(oruk, skips_with_reasons)
{
	static struct got g;

	cr_assert_eq(import(&g, "[{\"id\": \"a\", \"name\": \"\", "
	    "\"description\": \"<p><br></p>\"},\n"
	    "{\"id\": \"b\", \"name\": \"<p> </p>\"},\n"
	    "{\"id\": \"c\", \"name\": \"Kept\"},\n"
	    "{\"id\": \"c\", \"name\": \"Kept again\"},\n"
	    "{\"id\": \"d\", \"name\": \"Gone\", \"status\": \"defunct\"},\n"
	    "\"text\",\n"
	    "{\"name\": \"No id\"}]"), 0, "%s", err);
	cr_assert_eq(g.nrec, 2);
	cr_expect_eq(g.rec[0].line, 3);
	cr_expect_eq(g.rec[1].line, 7);
	cr_expect_null(got_field(&g, 1, "id"));
	cr_assert_eq(g.nskip, 5);
	cr_expect_str_eq(g.skip_why[0], "no name");
	cr_expect_eq(g.skip_line[0], 1);
	cr_expect_str_eq(g.skip_why[1], "no name");
	cr_expect_str_eq(g.skip_why[2], "duplicate id c (item 3)");
	cr_expect_eq(g.skip_line[2], 4);
	cr_expect_str_eq(g.skip_why[3], "status defunct");
	cr_expect_str_eq(g.skip_why[4], "not a service (no JSON object)");
}

Test(oruk, bad_files)
{
	static struct got g;

	cr_expect_eq(import(&g, "[\n{\"name\": \"x\"\n"), -1);
	cr_expect_eq(strncmp(err, "invalid JSON at line ", 21), 0, "%s", err);
	cr_expect_eq(import(&g, "{\"totalElements\": 0}"), -1);
	cr_expect_eq(strncmp(err, "no services", 11), 0, "%s", err);
	cr_expect_eq(got_import(&g, imp, "spend", "[]", 0, err, sizeof(err)),
	    -1);
	cr_expect_str_eq(err, "ORUK services load as service, not spend");
	cr_expect_eq(import(&g, "[]"), 0);
	cr_expect_eq(g.nrec + g.nskip, 0);
}

/* The real dumps: every service emitted or skipped, names clean.  A
 * ">" may stay: Placecube's audiences are paths ("Parents>Grandparents"). */
static void
real_hook(struct got *g, const struct placed_record *r)
{
	int *bad = g->arg;

	for (int i = 0; i < r->nfields; i++)
		if (strchr(r->values[i], '<') != NULL ||
		    strstr(r->values[i], "&amp;") != NULL ||
		    strstr(r->values[i], "&nbsp;") != NULL ||
		    strstr(r->values[i], "  ") != NULL) {
			if ((*bad)++ < 5)
				cr_log_error("line %llu: %s \"%s\"",
				    (unsigned long long)r->line, r->names[i],
				    r->values[i]);
		}
}

Test(oruk, real_files, .timeout = 120)
{
	const char *top = getenv("SHARED_DATA");
	char dir[1024], path[1200];
	static struct got g;
	struct dirent *de;
	int files = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/openreferral_uk_service_directories",
	    top ? top : SHARED_DATA);
	if ((d = opendir(dir)) == NULL)
		cr_skip_test("no real data: %s is absent", dir);
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name), items;
		json_error_t je;
		json_t *root;
		FILE *f;
		char *buf;
		long n;
		int bad = 0;

		if (len < 6 || strcmp(de->d_name + len - 5, ".json") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		cr_assert_not_null(root = json_load_file(path, 0, &je),
		    "%s: %s", path, je.text);
		items = json_is_array(root) ? json_array_size(root) :
		    json_array_size(json_object_get(root, "content"));
		json_decref(root);
		cr_assert_not_null(f = fopen(path, "rb"));
		fseek(f, 0, SEEK_END);
		n = ftell(f);
		rewind(f);
		cr_assert_not_null(buf = malloc((size_t)n));
		cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
		fclose(f);
		got_init(&g);
		g.hook = real_hook;
		g.arg = &bad;
		cr_assert_eq(mock_import(imp, "service", buf, (size_t)n, 65536,
		    &g.sink, err, sizeof(err)), 0, "%s: %s", path, err);
		free(buf);
		printf("oruk %-32s services %4zu emitted %4d skipped %2d\n",
		    de->d_name, items, g.nrec, g.nskip);
		for (int i = 0; i < g.nskip && i < GOT_MAX; i++)
			printf("oruk   skipped item %llu: %s\n",
			    (unsigned long long)g.skip_line[i], g.skip_why[i]);
		cr_expect_eq((size_t)(g.nrec + g.nskip), items, "%s",
		    de->d_name);
		cr_expect_eq(bad, 0, "%s: %d values not plain text",
		    de->d_name, bad);
		files++;
	}
	closedir(d);
	cr_expect_geq(files, 1);
}
