/*
 * test_partners.c — partner files (core/partners.c): the format, errors
 * with file, line and column, which supplier is which partner, and the
 * shipped files in etc/partners.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "partners.h"

#ifndef SRCDIR
#error "SRCDIR not set"
#endif

static struct partners *ps;
static char err[512];

static int
parse(const char *text)
{
	partners_free(ps);
	ps = NULL;
	err[0] = '\0';
	return (partners_parse("t.partners", text, strlen(text), &ps, err,
	    sizeof(err)));
}

/* The partner a supplier or an org names; lengths from the text. */
static const struct partner *
pm(const char *s)
{
	return (partners_match(ps, s, strlen(s)));
}

static const struct partner *
pf(const char *s)
{
	return (partners_find(ps, s, strlen(s)));
}

static void
teardown(void)
{
	partners_free(ps);
	ps = NULL;
}

TestSuite(partners, .fini = teardown);

Test(partners, a_file)
{
	const struct partner *p;

	cr_assert_eq(parse("# comment\n\n"
	    "hyndburn council E07000120 \"Hyndburn Borough Council\" "
	    "/(?i)^hyndburn (borough )?council\\b/ /(?i)^hbc$/\n"
	    "lancs-cc  council  E10000017  \"Lancashire County Council\"  "
	    "/(?i)^lancashire county council\\b/   # the county\n"), 0, "%s",
	    err);
	cr_assert_eq(partners_count(ps), 2);
	p = partners_get(ps, 0);
	cr_expect_str_eq(p->id, "hyndburn");
	cr_expect_str_eq(p->type, "council");
	cr_expect_str_eq(p->ons, "E07000120");
	cr_expect_str_eq(p->name, "Hyndburn Borough Council");
	cr_expect_eq(p->line, 3);

	cr_expect_eq(pm("HYNDBURN BOROUGH COUNCIL"), p);
	cr_expect_eq(pm("HBC"), p);
	cr_expect_eq(pm("Lancashire County Council (Direct "
	    "Debit Payments)"), partners_get(ps, 1));
	/* Anchored: a firm with the name inside is not the council. */
	cr_expect_null(pm("Friends of Lancashire County "
	    "Council Parks"));
	cr_expect_null(pm("HBC Ltd"));
	/* Remembered answers are the same answers. */
	cr_expect_eq(pm("HBC"), p);
	cr_expect_null(pm("HBC Ltd"));

	cr_expect_eq(pf("HYNDBURN"), p);
	cr_expect_eq(pf("hyndburn borough council"), p);
	cr_expect_eq(pf("E10000017"), partners_get(ps, 1));
	cr_expect_null(pf("-"));
}

Test(partners, errors_say_where)
{
	cr_expect_eq(parse("x council\n"), -EINVAL);
	cr_expect_str_eq(err, "t.partners:1:10: want ID TYPE ONS \"NAME\" "
	    "/PATTERN/...");
	cr_expect_eq(parse("X council - \"N\" /a/\n"), -EINVAL);
	cr_expect_str_eq(err, "t.partners:1:1: partner id \"X\": use a-z, "
	    "0-9, - and _");
	cr_expect_eq(parse("x council - N /a/\n"), -EINVAL);
	cr_expect_str_eq(err, "t.partners:1:13: want the partner's name in "
	    "double quotes");
	cr_expect_eq(parse("x council - \"N\"\n"), -EINVAL);
	cr_expect_str_eq(err, "t.partners:1:16: want at least one supplier "
	    "pattern, /.../");
	cr_expect_eq(parse("x council - \"N\" /a(/\n"), -EINVAL);
	cr_expect(strncmp(err, "t.partners:1:18: bad pattern: ", 30) == 0,
	    "%s", err);
	cr_expect_eq(parse("x council - \"N\" /a/\nx fire - \"M\" /b/\n"),
	    -EINVAL);
	cr_expect_str_eq(err, "t.partners:2:1: partner \"x\" again (first at "
	    "t.partners:1)");
	cr_expect_eq(parse("x council - \"N\" /a\\/b/\n"), 0, "%s", err);
	cr_expect_not_null(pm("a/b"));
}

Test(partners, shipped_files)
{
	cr_assert_eq(partners_load_dir(SRCDIR "/etc/partners", &ps, err,
	    sizeof(err)), 0, "%s", err);
	cr_expect_geq(partners_count(ps), 15);
	cr_expect_str_eq(pm("LANCASHIRE COUNTY COUNCIL")->id,
	    "lancashire-cc");
	cr_expect_str_eq(pm("Lancashire County Council "
	    "(Direct Debit Payments)")->id, "lancashire-cc");
	cr_expect_str_eq(pm("THAMES VALLEY POLICE AUTHORITY")->id,
	    "thames-valley-police");
	cr_expect_str_eq(pm("WEST OXFORDSHIRE DISTRICT "
	    "COUNCIL GENERAL A/C")->id, "west-oxfordshire");
	cr_expect_null(pm("KENT COUNTY COUNCIL"));
	cr_expect_null(pm("Full Circuit Fire & Security Ltd"));
	/* A directory that is not there is no partners, not an error. */
	partners_free(ps);
	cr_expect_eq(partners_load_dir("/nonexistent", &ps, err, sizeof(err)),
	    0);
	cr_expect_eq(partners_count(ps), 0);
}
