/*
 * test_plugin.c — the plugin host (core/plugin.c) against the test
 * plugins of tests/plugins/test_abi.c: refusals with their exact reason,
 * a failed init leaving nothing behind, a plugin's error contained and
 * named, fini in reverse order, and the JSON listing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <jansson.h>

#include "conf.h"
#include "plugin.h"

#ifndef TEST_PLUGINS_DIR
#error "TEST_PLUGINS_DIR not set"
#endif

static struct plugins *ps;
static char err[2048];

static void
load(const char *dirs)
{
	struct conf cf;

	conf_defaults(&cf);
	cr_assert_eq(conf_set(&cf, "plugin.abi-good.greeting", "hello", err,
	    sizeof(err)), 0, "%s", err);
	cr_assert_eq(plugins_load(dirs, &cf, &ps, err, sizeof(err)), 0, "%s",
	    err);
}

static void
teardown(void)
{
	plugins_free(ps);
	ps = NULL;
}

TestSuite(plugin, .fini = teardown);

static const char *
reason_for(const char *stem)
{
	char want[256];

	snprintf(want, sizeof(want), "/%s.so", stem);
	for (size_t i = 0; i < ps->nfailed; i++) {
		const char *f = ps->failed[i].file;

		if (strlen(f) >= strlen(want) &&
		    strcmp(f + strlen(f) - strlen(want), want) == 0)
			return (ps->failed[i].reason);
	}
	return (NULL);
}

static const struct plugin *
loaded(const char *name)
{
	for (size_t i = 0; i < ps->n; i++)
		if (strcmp(ps->v[i]->name, name) == 0)
			return (ps->v[i]);
	return (NULL);
}

Test(plugin, good_ones_load_bad_ones_refused)
{
	load(TEST_PLUGINS_DIR);
	cr_expect_eq(ps->n, 2, "loaded %zu", ps->n);
	cr_expect_not_null(loaded("abi-good"));
	cr_expect_not_null(loaded("abi-classfail"));
	cr_expect_eq(ps->nfailed, 3);
}

Test(plugin, wrong_major_refused)
{
	char want[128];

	load(TEST_PLUGINS_DIR);
	snprintf(want, sizeof(want), "plugin \"abi-major\": built for ABI "
	    "%d.0, this server speaks %d.%d", PLACED_ABI_MAJOR + 1,
	    PLACED_ABI_MAJOR, PLACED_ABI_MINOR);
	cr_assert_not_null(reason_for("abi-major"));
	cr_expect_str_eq(reason_for("abi-major"), want);
}

Test(plugin, newer_minor_refused)
{
	char want[128];

	load(TEST_PLUGINS_DIR);
	snprintf(want, sizeof(want), "plugin \"abi-minor\": built for ABI "
	    "%d.%d, this server speaks %d.%d", PLACED_ABI_MAJOR,
	    PLACED_ABI_MINOR + 1, PLACED_ABI_MAJOR, PLACED_ABI_MINOR);
	cr_assert_not_null(reason_for("abi-minor"));
	cr_expect_str_eq(reason_for("abi-minor"), want);
}

Test(plugin, failed_init_undone)
{
	load(TEST_PLUGINS_DIR);
	cr_assert_not_null(reason_for("abi-initfail"));
	cr_expect_str_eq(reason_for("abi-initfail"), "plugin \"abi-initfail\": "
	    "init failed (-1); nothing it registered is kept");
	cr_expect_null(loaded("abi-initfail"));
	cr_expect_null(plugins_scheme(ps, "abi-initfail"));
	cr_expect_null(plugins_function(ps, "abiinitfail.twice"));
	for (size_t i = 0; i < ps->nclassifiers; i++)
		cr_expect_str_neq(ps->classifiers[i].c.scheme, "abi-initfail");
	/* The others are all there. */
	cr_expect_eq(ps->nschemes, 1);
	cr_expect_eq(ps->nclassifiers, 2);
	cr_expect_eq(ps->nfunctions, 2);
}

Test(plugin, registrations_copied_and_found)
{
	const struct plugin_scheme *s;
	const struct plugin_classifier *cl[4];

	load(TEST_PLUGINS_DIR);
	cr_assert_not_null(s = plugins_scheme(ps, "abi-good"));
	cr_expect_str_eq(s->s.title, "Test scheme");
	cr_expect_eq(s->s.ncodes, 3);
	cr_expect_str_eq(s->s.codes[1].parent, "a");
	cr_expect_str_eq(s->s.levels[1], "sub");
	cr_expect_null(s->s.levels[2]);
	cr_expect_str_eq(s->plugin->name, "abi-good");
	cr_expect_eq(plugins_classifiers(ps, "spend", cl, 4), 2);
	cr_expect_eq(plugins_classifiers(ps, "activity", cl, 4), 2);
	cr_expect_eq(plugins_classifiers(ps, "outcome", cl, 4), 0);
	cr_expect_null(plugins_importer(ps, "csv"));
	cr_expect_null(plugins_scheme(ps, "nope"));
}

static const struct plugin_classifier *
classifier_of(const char *plugin)
{
	for (size_t i = 0; i < ps->nclassifiers; i++)
		if (strcmp(ps->classifiers[i].plugin->name, plugin) == 0)
			return (&ps->classifiers[i]);
	return (NULL);
}

static int
classify(const char *plugin, const char *x, struct placed_share *sh)
{
	static const char *const names[] = { "x" };
	const char *values[] = { x };
	struct placed_record r = { "spend", 1, names, values, 7 };
	const struct plugin_classifier *c = classifier_of(plugin);

	cr_assert_not_null(c);
	err[0] = '\0';
	return (plugins_classify(c, &r, sh, 4, err, sizeof(err)));
}

Test(plugin, classify_through_host)
{
	struct placed_share sh[4];

	load(TEST_PLUGINS_DIR);
	cr_assert_eq(classify("abi-good", "a1", sh), 1, "%s", err);
	cr_expect_str_eq(sh[0].code, "a.1");
	cr_expect_eq(sh[0].bp, 10000);
	cr_assert_eq(classify("abi-good", "split", sh), 2, "%s", err);
	cr_expect_eq(sh[1].bp, 7500);
	cr_expect_eq(classify("abi-good", "other", sh), 0);
	/* An answer outside the scheme is the plugin's error. */
	cr_expect_eq(classify("abi-good", "bad", sh), -1);
	cr_expect_str_eq(err, "plugin \"abi-good\": classifier for abi-good "
	    "gave \"zz\", not a code of the scheme");
}

Test(plugin, plugin_error_contained)
{
	struct placed_share sh[4];
	char out[64];
	const char *args[] = { "ab" };

	load(TEST_PLUGINS_DIR);
	cr_expect_eq(classify("abi-classfail", "q", sh), -1);
	cr_expect_str_eq(err, "plugin \"abi-classfail\": no rule for x \"q\" "
	    "(line 7)");
	/* The host goes on: the other plugin still answers. */
	cr_expect_eq(classify("abi-good", "a1", sh), 1, "%s", err);
	cr_expect_eq(plugins_call(plugins_function(ps, "abiclassfail.fail"), args, out,
	    sizeof(out), err, sizeof(err)), -1);
	cr_expect_str_eq(err, "plugin \"abi-classfail\": abiclassfail.fail(): cannot "
	    "do \"ab\"");
	cr_expect_eq(plugins_call(plugins_function(ps, "abigood.twice"),
	    args, out, sizeof(out), err, sizeof(err)), 0, "%s", err);
	cr_expect_str_eq(out, "abab");
}

Test(plugin, missing_dir_and_empty_path)
{
	load("/nonexistent/placed-plugins:" TEST_PLUGINS_DIR);
	cr_expect_eq(ps->n, 2);
	teardown();
	load("/nonexistent/placed-plugins");
	cr_expect_eq(ps->n, 0);
	cr_expect_eq(ps->nfailed, 0);
}

Test(plugin, same_plugin_twice_refused)
{
	load(TEST_PLUGINS_DIR ":" TEST_PLUGINS_DIR);
	cr_expect_eq(ps->n, 2);
	cr_expect_eq(ps->nfailed, 3 * 2 + 2);
	cr_expect_eq(ps->nschemes, 1);
}

Test(plugin, json_listing)
{
	json_t *o, *pl, *g = NULL;
	char *s;

	load(TEST_PLUGINS_DIR);
	cr_assert_not_null(s = plugins_json(ps));
	cr_assert_not_null(o = json_loads(s, 0, NULL));
	free(s);
	pl = json_object_get(o, "plugins");
	cr_assert_eq(json_array_size(pl), 2);
	for (size_t i = 0; i < 2; i++)
		if (strcmp(json_string_value(json_object_get(
		    json_array_get(pl, i), "name")), "abi-good") == 0)
			g = json_array_get(pl, i);
	cr_assert_not_null(g);
	cr_expect_str_eq(json_string_value(json_object_get(g, "abi")), "1.0");
	cr_expect_eq(json_integer_value(json_object_get(json_array_get(
	    json_object_get(g, "schemes"), 0), "codes")), 3);
	cr_expect_eq(json_array_size(json_object_get(o, "failed")), 3);
	cr_expect_eq(json_array_size(json_object_get(o, "plugin_dirs")), 1);
	json_decref(o);
}

Test(plugin, config_section)
{
	struct conf cf;

	conf_defaults(&cf);
	cr_assert_eq(conf_set(&cf, "plugin.x.a", "1", err, sizeof(err)), 0);
	cr_assert_eq(conf_set(&cf, "plugin.x.b.c", "2", err, sizeof(err)), 0);
	cr_assert_eq(conf_set(&cf, "plugin.x.a", "3", err, sizeof(err)), 0);
	cr_expect_str_eq(conf_plugin(&cf, "x", "a"), "3");
	cr_expect_str_eq(conf_plugin(&cf, "x", "b.c"), "2");
	cr_expect_null(conf_plugin(&cf, "y", "a"));
	cr_expect_eq(conf_set(&cf, "plugin.x", "1", err, sizeof(err)), -EINVAL);
	cr_expect_eq(conf_set(&cf, "plugin.x y.a", "1", err, sizeof(err)),
	    -EINVAL);
}
