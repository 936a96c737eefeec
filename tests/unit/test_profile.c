/*
 * test_profile.c — column-mapping profiles (core/profile.c): the
 * functions templates apply, exact in pence and in decimals, and the
 * errors a profile gets, with file and line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "profile.h"

static char out[256], why[256];

static const char *
ap(const char *fn, const char *arg, const char *in)
{
	why[0] = '\0';
	if (profile_apply(fn, arg, in, out, sizeof(out), why,
	    sizeof(why)) != 0)
		return (why);
	return (out);
}

Test(profile, functions)
{
	cr_expect_str_eq(ap("month_end", NULL, "2016-04-01"), "2016-04-30");
	cr_expect_str_eq(ap("month_end", NULL, "2024-02-10"), "2024-02-29");
	cr_expect_str_eq(ap("month_end", NULL, "2023-12-01"), "2023-12-31");
	cr_expect_str_eq(ap("fy_start", NULL, "2016-17"), "2016-04-01");
	cr_expect_str_eq(ap("fy_end", NULL, "2016-17"), "2017-03-31");
	cr_expect_str_eq(ap("fy_end", NULL, "1999-00"), "2000-03-31");
	cr_expect_str_eq(ap("fy_start", NULL, "2016-18"),
	    "fy_start: \"2016-18\" is not a financial year such as 2016-17");
	cr_expect_str_eq(ap("icd10_chapter", NULL, "S72"), "injury");
	cr_expect_str_eq(ap("icd10_chapter", NULL, "T98"), "injury");
	cr_expect_str_eq(ap("icd10_chapter", NULL, "W19"), "external");
	cr_expect_str_eq(ap("icd10_chapter", NULL, "I50"), "circulatory");
	cr_expect_str_eq(ap("icd10_chapter", NULL, "D48"), "neoplasms");
	cr_expect_str_eq(ap("icd10_chapter", NULL, "D50"), "blood");
	cr_expect_str_eq(ap("icd10_chapter", NULL, "H59"), "eye");
	cr_expect_str_eq(ap("icd10_chapter", NULL, "H60"), "ear");
	cr_expect_str_eq(ap("icd10_chapter", NULL, "799"),
	    "icd10_chapter: \"799\" is not an ICD-10 code");
	cr_expect_str_eq(ap("round", "4", "0.3333333333333353"), "0.3333");
	cr_expect_str_eq(ap("round", "4", "31.02719999999"), "31.0272");
	cr_expect_str_eq(ap("round", "2", "-2.345"), "-2.35");
	cr_expect_str_eq(ap("round", "1", "9.96"), "10.0");
	cr_expect_str_eq(ap("round", "0", "2059.5"), "2060");
	cr_expect_str_eq(ap("round", "2", "7"), "7.00");
	cr_expect_str_eq(ap("round", "2", ".5"), "0.50");
	cr_expect_str_eq(ap("round", "2", "x1"),
	    "round: \"x1\" is not a number");
	/* A count of bed days times a cost, exact in pence. */
	cr_expect_str_eq(ap("times", "400.00", "3"), "1200.00");
	cr_expect_str_eq(ap("times", "333.33", "1.5"), "500.00");
	cr_expect_str_eq(ap("times", "0.01", "0.5"), "0.01");
	cr_expect_str_eq(ap("times", "123.45", "0"), "0.00");
	cr_expect_str_eq(ap("times", "400.00", "two"),
	    "times: \"two\" is not a number");
	cr_expect_str_eq(ap("upper", NULL, "rf4"), "RF4");
	cr_expect_str_eq(ap("trim", NULL, "  a b "), "a b");
	/* Empty stays empty: a missing value is the host's to judge. */
	cr_expect_str_eq(ap("month_end", NULL, ""), "");
}

static int
load_text(const char *text, struct profile **p, char *err, size_t errsz)
{
	char path[] = "/tmp/placed-profile-XXXXXX";
	int fd = mkstemp(path), rc;

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	rc = profile_load(path, p, err, errsz);
	/* messages name the file: keep only what follows it */
	if (rc != 0) {
		char *c = strstr(err, ":");

		memmove(err, c + 1, strlen(c + 1) + 1);
	}
	unlink(path);
	return (rc);
}

Test(profile, errors_say_where)
{
	struct profile *p = NULL;
	char err[512];

	cr_expect_eq(load_text("date = {a}\n", &p, err, sizeof(err)), -EINVAL);
	cr_expect_str_eq(err, "1: say the kind first (kind "
	    "spend|activity|outcome|service)");
	cr_expect_eq(load_text("kind nope\n", &p, err, sizeof(err)), -EINVAL);
	cr_expect_str_eq(err, "1: kind \"nope\": spend, activity, outcome or "
	    "service");
	cr_expect_eq(load_text("kind spend\n\n# c\nbogus = {a}\n", &p, err,
	    sizeof(err)), -EINVAL);
	cr_expect_str_eq(err, "4: \"bogus\" is not a field of spend");
	cr_expect_eq(load_text("kind spend\ndate = {a|when}\n", &p, err,
	    sizeof(err)), -EINVAL);
	cr_expect(strncmp(err, "2: unknown function \"when\"", 26) == 0, "%s",
	    err);
	cr_expect_eq(load_text("kind spend\namount = {a|times:$x}\n", &p, err,
	    sizeof(err)), 0, "%s", err);
	profile_free(p);
	p = NULL;
	cr_expect_eq(load_text("kind spend\namount = $x\n", &p, err,
	    sizeof(err)), -EINVAL);
	cr_expect_str_eq(err, "2: no setting \"x\" (set it first: set x VALUE)");
	cr_expect_eq(load_text("kind spend\nsupplier = \"open\n", &p, err,
	    sizeof(err)), -EINVAL);
	cr_expect_str_eq(err, "2: a literal has no closing quote");
	cr_expect_eq(load_text("kind spend\n", &p, err, sizeof(err)), -EINVAL);
	cr_expect_str_eq(err, "1: no fields");
	cr_expect_eq(load_text("kind outcome\nskip-if-empty Value\n", &p, err,
	    sizeof(err)), -EINVAL);
	cr_expect_str_eq(err, "2: want skip-if-empty COLUMN \"REASON\"");
}
