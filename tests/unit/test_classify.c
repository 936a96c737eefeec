/*
 * test_classify.c — classification at load (core/classify.c) with the
 * real cofog and cipfa plugins, the example local scheme and rules given
 * in memory: given codes checked by their scheme's owner, the order of
 * classifiers and rules, splits, classified_by, scopes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "classify.h"
#include "conf.h"
#include "plugin.h"
#include "rules.h"

#ifndef BUILDDIR
#error "BUILDDIR not set"
#endif

static struct plugins *ps;
static struct rules *rules;
static struct classify *cls;
static char err[2048];

static const char rules_text[] =
    "cofog  description  /(?i)street lighting/  04.5.1\n"
    "wales  service  /(?i)falls service/  secondary 25%, tertiary 75%\n"
    "wales  description  /(?i)ambulance/  acute\n";

static void
setup_with(const char *dirs)
{
	struct conf cf;

	conf_defaults(&cf);
	cr_assert_eq(conf_set(&cf, "plugin.cipfa.dir", SRCDIR
	    "/etc/prevention", err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(plugins_load(dirs, &cf, &ps, err, sizeof(err)), 0, "%s",
	    err);
	cr_assert_eq(ps->nfailed, 0, "%s", ps->nfailed ?
	    ps->failed[0].reason : "");
	cr_assert_eq(rules_parse("t.rules", rules_text, strlen(rules_text),
	    &rules, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(rules_check(rules, plugins_known_code, ps, err,
	    sizeof(err)), 0, "%s", err);
	cr_assert_eq(classify_new(ps, rules, KIND_SPEND, &cls), 0);
}

static void
setup(void)
{
	setup_with(BUILDDIR "/plugins/cofog/.libs:" BUILDDIR
	    "/plugins/cipfa/.libs");
}

static void
setup_example(void)
{
	setup_with(BUILDDIR "/plugins/cofog/.libs:" BUILDDIR
	    "/plugins/cipfa/.libs:" BUILDDIR "/tests/plugins/example/.libs");
}

static void
teardown(void)
{
	classify_free(cls);
	rules_free(rules);
	plugins_free(ps);
	cls = NULL;
	rules = NULL;
	ps = NULL;
}

/* A spend record from "field=value" pairs. */
static int
run(struct class_out *out, char *why, size_t whysz, ...)
{
	const char *v[SCHEMA_MAXCOLS] = { NULL };
	size_t l[SCHEMA_MAXCOLS] = { 0 };
	const char *kv;
	va_list ap;

	va_start(ap, whysz);
	while ((kv = va_arg(ap, const char *)) != NULL) {
		const char *eq = strchr(kv, '=');
		int f = schema_field_find(KIND_SPEND, kv, (size_t)(eq - kv));

		cr_assert_geq(f, 0, "no field in %s", kv);
		v[f] = eq + 1;
		l[f] = strlen(eq + 1);
	}
	va_end(ap);
	return (classify_record(cls, v, l, 7, out, why, whysz));
}

static const char *
val(const struct class_out *o, const char *field)
{
	static char buf[8][256];
	static int k;
	int f = schema_field_find(KIND_SPEND, field, strlen(field));

	if (o->val[f] == NULL)
		return ("(unset)");
	k = (k + 1) % 8;
	snprintf(buf[k], sizeof(buf[k]), "%.*s", (int)o->len[f], o->val[f]);
	return (buf[k]);
}

TestSuite(classify, .init = setup, .fini = teardown);

Test(classify, rules_fill_empty_fields_and_say_which)
{
	struct class_out o;
	char why[512];

	cr_assert_eq(run(&o, why, sizeof(why), "description=Street lighting "
	    "repairs", "amount=10.00", NULL), 0, "%s", why);
	cr_expect_str_eq(val(&o, "cofog"), "04.5.1");
	cr_expect_str_eq(val(&o, "prevention"), "(unset)");
	cr_expect_str_eq(val(&o, "shares"), "(unset)");
	cr_expect_str_eq(val(&o, "classified_by"), "cofog: rule t.rules:1");
	cr_expect(o.changed);
}

Test(classify, split_keeps_largest_share_and_the_split)
{
	struct class_out o;
	char why[512];

	cr_assert_eq(run(&o, why, sizeof(why), "service=Community falls "
	    "service", "amount=100.01", NULL), 0, "%s", why);
	cr_expect_str_eq(val(&o, "prevention"), "tertiary");
	cr_expect_str_eq(val(&o, "shares"),
	    "prevention: secondary 25%, tertiary 75%");
	cr_expect_str_eq(val(&o, "classified_by"),
	    "prevention: rule t.rules:2");
}

Test(classify, given_codes_are_checked_by_their_owner_and_kept)
{
	struct class_out o;
	char why[512];

	/* A given code beats a rule that would match. */
	cr_assert_eq(run(&o, why, sizeof(why), "description=Street lighting",
	    "cofog=10.2.0", "prevention=primary", NULL), 0, "%s", why);
	cr_expect_str_eq(val(&o, "cofog"), "10.2.0");
	cr_expect_str_eq(val(&o, "prevention"), "primary");
	cr_expect_str_eq(val(&o, "classified_by"), "(unset)");

	cr_expect_eq(run(&o, why, sizeof(why), "cofog=99.9.9", NULL), -1);
	cr_expect(strstr(why, "plugin \"cofog\": ") == why, "%s", why);
	cr_expect(strstr(why, "99.9.9") != NULL, "%s", why);

	cr_expect_eq(run(&o, why, sizeof(why), "prevention=sideways", NULL),
	    -1);
	cr_expect(strstr(why, "plugin \"cipfa\": ") == why, "%s", why);
}

Test(classify, nothing_matches_nothing_set)
{
	struct class_out o;
	char why[512];

	cr_assert_eq(run(&o, why, sizeof(why), "description=Stationery",
	    "amount=1.00", NULL), 0, "%s", why);
	cr_expect_not(o.changed);
	cr_expect_str_eq(val(&o, "cofog"), "(unset)");
	cr_expect_str_eq(val(&o, "classified_by"), "(unset)");
}

Test(classify, rules_run_once_per_distinct_value)
{
	struct class_out o;
	char why[512];
	uint64_t before;

	cr_assert_eq(run(&o, why, sizeof(why), "description=Ambulance "
	    "charges", NULL), 0);
	before = rules_executions(rules);
	for (int i = 0; i < 100; i++)
		cr_assert_eq(run(&o, why, sizeof(why), "description=Ambulance "
		    "charges", NULL), 0);
	cr_expect_eq(rules_executions(rules), before);
	cr_expect_str_eq(val(&o, "prevention"), "acute");
}

Test(classify, scope_leaves_other_fields_alone)
{
	struct class_out o;
	char why[512];

	cr_assert_eq(classify_scope(cls, "wales"), 1);
	cr_expect(classify_fills(cls, schema_field_find(KIND_SPEND,
	    "prevention", 10)));
	cr_expect_not(classify_fills(cls, schema_field_find(KIND_SPEND,
	    "cofog", 5)));
	cr_assert_eq(run(&o, why, sizeof(why), "description=Street lighting "
	    "ambulance", NULL), 0, "%s", why);
	cr_expect_str_eq(val(&o, "cofog"), "(unset)");
	cr_expect_str_eq(val(&o, "prevention"), "acute");
	cr_expect_eq(classify_scope(cls, "scotland"), 0);
	cr_expect_not(classify_any(cls));
}

Test(classify, given_and_shares_texts)
{
	const char *by = "cofog: rule a.rules:1; prevention: plugin x";
	const char *sh = "cofog: 04.5.1 33.33%, 10.2.0 66.67%; "
	    "prevention: secondary 25%, tertiary 75%";
	const char *codes[4];
	uint32_t bp[4];
	char buf[128];

	cr_expect_not(classify_given(by, strlen(by), "cofog"));
	cr_expect_not(classify_given(by, strlen(by), "prevention"));
	cr_expect(classify_given("cofog: rule a:1", 15, "prevention"));
	cr_expect(classify_given("", 0, "cofog"));

	cr_assert_eq(classify_shares_parse(sh, strlen(sh), "prevention", buf,
	    sizeof(buf), codes, bp, 4), 2);
	cr_expect_str_eq(codes[0], "secondary");
	cr_expect_eq(bp[0], 2500);
	cr_expect_str_eq(codes[1], "tertiary");
	cr_expect_eq(bp[1], 7500);
	cr_assert_eq(classify_shares_parse(sh, strlen(sh), "cofog", buf,
	    sizeof(buf), codes, bp, 4), 2);
	cr_expect_eq(bp[0], 3333);
	cr_expect_eq(bp[1], 6667);
	cr_expect_eq(classify_shares_parse(sh, strlen(sh), "other", buf,
	    sizeof(buf), codes, bp, 4), 0);
	cr_expect_eq(classify_shares_parse("cofog: x", 8, "cofog", buf,
	    sizeof(buf), codes, bp, 4), -1);
}

/* The example scheme: a council's classifier between owner and rules. */
Test(classify, other_plugins_before_rules, .init = setup_example)
{
	struct class_out o;
	char why[512];

	cr_assert_eq(run(&o, why, sizeof(why), "account=C4410 Reablement",
	    "description=Ambulance", NULL), 0, "%s", why);
	cr_expect_str_eq(val(&o, "cofog"), "10.1.2");
	cr_expect_str_eq(val(&o, "prevention"), "secondary");
	cr_expect_str_eq(val(&o, "classified_by"), "cofog: plugin "
	    "example-scheme; prevention: plugin example-scheme");

	/* Its error rejects the line, named. */
	cr_expect_eq(run(&o, why, sizeof(why), "account=C7777 Unknown",
	    NULL), -1);
	cr_expect(strncmp(why, "plugin \"example-scheme\": cost centre "
	    "\"C7777\" has no rule", 51) == 0, "%s", why);
}

/* The answer is remembered per combination of values, not per value. */
Test(classify, memo_per_combination)
{
	struct class_out o;
	char why[512];

	for (int i = 0; i < 3; i++) {
		cr_assert_eq(run(&o, why, sizeof(why), "description=Ambulance",
		    "service=Community falls service", NULL), 0);
		cr_expect_str_eq(val(&o, "prevention"), "tertiary");
		cr_assert_eq(run(&o, why, sizeof(why), "description=Ambulance",
		    "service=Library", NULL), 0);
		cr_expect_str_eq(val(&o, "prevention"), "acute");
		cr_assert_eq(run(&o, why, sizeof(why), "description=Paper",
		    "service=Library", NULL), 0);
		cr_expect_str_eq(val(&o, "prevention"), "(unset)");
	}
}
