/*
 * test_cipfa.c — the cipfa plugin (plugins/cipfa), compiled in with a
 * stub host: the shipped schemes (etc/prevention), the active scheme and
 * its classifier, errors in scheme files, and the starter rules
 * (etc/rules/prevention.rules) against the Welsh levels.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "rules.h"
#include "scheme.h"

extern const struct placed_plugin placed_plugin;

/* stub host ---------------------------------------------------------- */

static struct placed_scheme got_scheme[8];
static int nscheme;
static struct placed_classifier got_classifier;
static int nclassifier;
static char last_error[1024];
static const char *conf_dir, *conf_scheme;

static void
stub_log(placed_host_t *h, enum placed_log_level l, const char *fmt, ...)
{
	va_list ap;

	(void)h;
	if (l != PLACED_LOG_ERROR)
		return;
	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
}

static const char *
stub_config(placed_host_t *h, const char *name)
{
	(void)h;
	if (strcmp(name, "dir") == 0)
		return (conf_dir);
	if (strcmp(name, "scheme") == 0)
		return (conf_scheme);
	return (NULL);
}

static int
stub_scheme(placed_host_t *h, const struct placed_scheme *s)
{
	(void)h;
	cr_assert_lt(nscheme, 8);
	got_scheme[nscheme++] = *s;
	return (0);
}

static int
stub_classifier(placed_host_t *h, const struct placed_classifier *c)
{
	(void)h;
	got_classifier = *c;
	nclassifier++;
	return (0);
}

static const struct placed_host_api api = {
	.size = sizeof(struct placed_host_api),
	.abi_major = PLACED_ABI_MAJOR,
	.abi_minor = PLACED_ABI_MINOR,
	.log = stub_log,
	.alloc = malloc,
	.free = free,
	.config = stub_config,
	.register_scheme = stub_scheme,
	.register_classifier = stub_classifier,
};

static void *state;
static char shipped[1024];

static const char *
shipped_dir(void)
{
	const char *top = getenv("TOP_SRCDIR");

	if (top == NULL)
		cr_skip_test("TOP_SRCDIR not set: run under make check");
	snprintf(shipped, sizeof(shipped), "%s/etc/prevention", top);
	return (shipped);
}

/* init with these settings (NULL: unset); its return. */
static int
start(const char *dir, const char *scheme)
{
	nscheme = nclassifier = 0;
	last_error[0] = '\0';
	state = NULL;
	conf_dir = dir;
	conf_scheme = scheme;
	return (placed_plugin.init(NULL, &api, &state));
}

static void
stop(void)
{
	if (state != NULL)
		placed_plugin.fini(state);
	state = NULL;
}

static const struct placed_scheme *
registered(const char *name)
{
	for (int i = 0; i < nscheme; i++)
		if (strcmp(got_scheme[i].name, name) == 0)
			return (&got_scheme[i]);
	cr_assert_fail("no scheme %s registered", name);
	return (NULL);
}

static void
expect_levels(const struct placed_scheme *s, const char *const *want)
{
	size_t n = 0;

	for (; want[n] != NULL; n++) {
		cr_assert_not_null(s->levels[n], "%s: level %zu missing",
		    s->name, n);
		cr_expect_str_eq(s->levels[n], want[n]);
		cr_expect_str_eq(s->codes[n].code, want[n]);
		cr_expect_null(s->codes[n].parent);
		cr_expect(s->codes[n].title != NULL &&
		    s->codes[n].title[0] != '\0');
	}
	cr_expect_null(s->levels[n], "%s: more levels than expected",
	    s->name);
	cr_expect_eq(s->ncodes, n);
}

TestSuite(cipfa, .fini = stop);

Test(cipfa, descriptor)
{
	cr_expect_eq(placed_plugin.abi_major, PLACED_ABI_MAJOR);
	cr_expect_eq(placed_plugin.abi_minor, PLACED_ABI_MINOR);
	cr_expect_eq(placed_plugin.size, sizeof(struct placed_plugin));
	cr_expect_str_eq(placed_plugin.name, "cipfa");
}

Test(cipfa, shipped_schemes)
{
	static const char *const wales[] = { "primary", "secondary",
	    "tertiary", "acute", NULL };
	static const char *const scotland[] = { "primary", "secondary",
	    "tertiary", "responsive", NULL };
	static const char *const cipfa2025[] = { "foundational", "primary",
	    "secondary", "tertiary", "acute", NULL };
	const struct placed_scheme *s;

	cr_assert_eq(start(shipped_dir(), NULL), 0, "%s", last_error);
	cr_expect_eq(nscheme, 3);
	/* In file-name order. */
	cr_expect_str_eq(got_scheme[0].name, "cipfa2025");
	cr_expect_str_eq(got_scheme[1].name, "scotland");
	cr_expect_str_eq(got_scheme[2].name, "wales");

	s = registered("wales");
	expect_levels(s, wales);
	cr_expect_eq(s->provisional, 0);
	cr_expect_str_eq(s->codes[0].title, "Primary prevention");
	cr_expect_str_eq(s->codes[3].title, "Acute spending");
	cr_expect_not_null(strstr(s->title, "2018"));

	s = registered("scotland");
	expect_levels(s, scotland);
	cr_expect_eq(s->provisional, 0);

	s = registered("cipfa2025");
	expect_levels(s, cipfa2025);
	cr_expect_eq(s->provisional, 1);
}

Test(cipfa, default_active_is_wales)
{
	cr_assert_eq(start(shipped_dir(), NULL), 0, "%s", last_error);
	cr_expect_str_eq(registered("wales")->field, "prevention");
	cr_expect_null(registered("scotland")->field);
	cr_expect_null(registered("cipfa2025")->field);
	cr_expect_eq(nclassifier, 1);
	cr_expect_str_eq(got_classifier.scheme, "wales");
	cr_expect_not_null(strstr(got_classifier.kinds, "spend"));
}

/* With no dir setting: PREVENTIONDIR, the source tree's in this test. */
Test(cipfa, default_dir)
{
	cr_assert_eq(start(NULL, NULL), 0, "%s", last_error);
	cr_expect_eq(nscheme, 3);
	cr_expect_str_eq(got_classifier.scheme, "wales");
}

Test(cipfa, active_by_config)
{
	cr_assert_eq(start(shipped_dir(), "scotland"), 0, "%s", last_error);
	cr_expect_str_eq(registered("scotland")->field, "prevention");
	cr_expect_null(registered("wales")->field);
	cr_expect_str_eq(got_classifier.scheme, "scotland");
	stop();
	cr_assert_eq(start(shipped_dir(), "cipfa2025"), 0, "%s", last_error);
	cr_expect_str_eq(registered("cipfa2025")->field, "prevention");
	cr_expect_str_eq(got_classifier.scheme, "cipfa2025");
}

Test(cipfa, unknown_active)
{
	char want[2048];

	cr_expect_neq(start(shipped_dir(), "england"), 0);
	cr_expect_null(state);
	snprintf(want, sizeof(want), "unknown prevention scheme \"england\" "
	    "(schemes in %s: cipfa2025, scotland, wales)", shipped);
	cr_expect_str_eq(last_error, want);
	cr_expect_neq(start(shipped_dir(), "Wales"), 0);
}

static int
classify1(const char *value, struct placed_share *out, char *err)
{
	const char *names[] = { "service", "Prevention" };
	const char *values[] = { "Reablement", value };
	struct placed_record r = { "spend", 2, names, values, 12 };

	err[0] = '\0';
	return (got_classifier.classify(got_classifier.state, &r, out, 4, err,
	    256));
}

Test(cipfa, validation)
{
	struct placed_share out[4];
	char err[256];

	cr_assert_eq(start(shipped_dir(), NULL), 0, "%s", last_error);
	cr_expect_eq(classify1("tertiary", out, err), 1);
	cr_expect_str_eq(out[0].code, "tertiary");
	cr_expect_eq(out[0].bp, 10000);
	cr_expect_eq(classify1(" Primary ", out, err), 1);
	cr_expect_str_eq(out[0].code, "primary");
	cr_expect_eq(classify1("ACUTE", out, err), 1);
	cr_expect_str_eq(out[0].code, "acute");
	cr_expect_eq(classify1("", out, err), 0);
	cr_expect_eq(classify1("  ", out, err), 0);
	cr_expect_eq(classify1(NULL, out, err), 0);
	cr_expect_eq(classify1("responsive", out, err), -1);
	cr_expect_str_eq(err, "unknown prevention level \"responsive\" in "
	    "scheme wales (primary, secondary, tertiary, acute)");
	cr_expect_eq(classify1("primary 60%", out, err), -1);
	cr_expect_str_eq(err, "unknown prevention level \"primary 60%\" in "
	    "scheme wales (primary, secondary, tertiary, acute)");
	stop();

	cr_assert_eq(start(shipped_dir(), "scotland"), 0, "%s", last_error);
	cr_expect_eq(classify1("Responsive", out, err), 1);
	cr_expect_str_eq(out[0].code, "responsive");
	cr_expect_eq(classify1("acute", out, err), -1);
	cr_expect_str_eq(err, "unknown prevention level \"acute\" in scheme "
	    "scotland (primary, secondary, tertiary, responsive)");
}

/* bad files ---------------------------------------------------------- */

static const char good_head[] =
    "# a test scheme\n"
    "name = t\n"
    "title = Test\n"
    "source = nowhere\n"
    "provisional = no\n";

/* The error parsing text as "t.scheme" (stem t), or "" when it parses. */
static const char *
parse_err(const char *text)
{
	static char err[512];
	struct prev_scheme *s = NULL;

	err[0] = '\0';
	if (prev_scheme_parse("t.scheme", "t", text, strlen(text), &s, err,
	    sizeof(err)) == 0) {
		prev_scheme_free(s);
		return ("");
	}
	cr_expect_null(s);
	return (err);
}

Test(cipfa, parse_good)
{
	static const char text[] =
	    "name = t\n"
	    "title = Test\n"
	    "source = one\n"
	    "  two\n"
	    "provisional = yes\n"
	    "\n"
	    "level aa  Aa — the first\n"
	    "\tlevel, continued\n"
	    "  # a comment inside\n"
	    "level b-2 B\r\n"
	    "level c   — \n";
	struct prev_scheme *s = NULL;
	char err[256];

	cr_assert_eq(prev_scheme_parse("t.scheme", "t", text, strlen(text),
	    &s, err, sizeof(err)), -EINVAL);
	cr_expect_str_eq(err, "t.scheme:11: level \"c\" needs a title");
	cr_assert_eq(prev_scheme_parse("t.scheme", "t", text,
	    strlen(text) - 15, &s, err, sizeof(err)), 0, "%s", err);
	cr_expect_str_eq(s->name, "t");
	cr_expect_str_eq(s->source, "one two");
	cr_expect_eq(s->provisional, 1);
	cr_expect_eq(s->nlevels, 2);
	cr_expect_str_eq(s->levels[0].code, "aa");
	cr_expect_str_eq(s->levels[0].title, "Aa");
	cr_expect_str_eq(s->levels[0].definition, "the first level, continued");
	cr_expect_eq(s->levels[0].line, 7);
	cr_expect_str_eq(s->levels[1].title, "B");
	cr_expect_str_eq(s->levels[1].definition, "");
	cr_expect_str_eq(s->codes[1], "b-2");
	cr_expect_null(s->codes[2]);
	cr_expect_eq(prev_level_find(s, " AA ", 4), &s->levels[0]);
	cr_expect_null(prev_level_find(s, "a", 1));
	prev_scheme_free(s);
}

Test(cipfa, parse_errors)
{
	static const struct {
		const char	*body;	/* after good_head (5 lines) */
		const char	*err;
	} cases[] = {
		{ "level a A\n", "t.scheme:6: a scheme needs at least two "
		    "levels" },
		{ "level a A\nlevel b B\nlevel a C\n", "t.scheme:8: duplicate "
		    "level \"a\" (first on line 6)" },
		{ "level a A\nlevel B B\n", "t.scheme:7: bad level code "
		    "\"B\": lower-case letters, digits, - and _, at most 32" },
		{ "level a A\nlevel\n", "t.scheme:7: expected \"KEY = VALUE\" "
		    "or \"level CODE TITLE\"" },
		{ "level a A\nlevel  \n", "t.scheme:7: expected a code after "
		    "\"level\"" },
		{ "level a A\nlevel b\n", "t.scheme:7: level \"b\" needs a "
		    "title" },
		{ "colour = red\n", "t.scheme:6: unknown setting \"colour\"" },
		{ "title = again\n", "t.scheme:6: duplicate setting \"title\" "
		    "(first on line 3)" },
		{ "level a A\nlevel b B\n\n  stray\n", "t.scheme:9: "
		    "continuation line with nothing to continue" },
		{ "just words\n", "t.scheme:6: expected \"KEY = VALUE\" or "
		    "\"level CODE TITLE\"" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[512];

		snprintf(text, sizeof(text), "%s%s", good_head, cases[i].body);
		cr_expect_str_eq(parse_err(text), cases[i].err, "case %zu",
		    i);
	}
	cr_expect_str_eq(parse_err("name = t\ntitle = T\nsource = s\n"
	    "provisional = maybe\nlevel a A\nlevel b B\n"),
	    "t.scheme:4: provisional is yes or no, not \"maybe\"");
	cr_expect_str_eq(parse_err("name = u\ntitle = T\nsource = s\n"
	    "provisional = no\nlevel a A\nlevel b B\n"),
	    "t.scheme:1: name \"u\" does not match the file's name "
	    "(t.scheme)");
	cr_expect_str_eq(parse_err("name = t\ntitle =\nsource = s\n"
	    "provisional = no\nlevel a A\nlevel b B\n"),
	    "t.scheme:2: empty \"title\"");
	cr_expect_str_eq(parse_err("name = t\ntitle = T\nprovisional = no\n"
	    "level a A\nlevel b B\n"),
	    "t.scheme:5: no \"source = ...\" setting");
	cr_expect_str_eq(parse_err(""), "t.scheme:1: no \"name = ...\" "
	    "setting");
	{
		static const char nul[] = "name = t\n\0\n";
		struct prev_scheme *s = NULL;
		char err[256];

		cr_expect_eq(prev_scheme_parse("t.scheme", "t", nul,
		    sizeof(nul) - 1, &s, err, sizeof(err)), -EINVAL);
		cr_expect_str_eq(err, "t.scheme:2: NUL byte");
	}
}

/* A temporary directory holding the given NAME, TEXT pairs. */
static void
write_dir(char *dir, size_t sz, const char *const *files)
{
	char path[1200];

	snprintf(dir, sz, "/tmp/test_cipfa.XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	for (; files[0] != NULL; files += 2) {
		FILE *f;

		snprintf(path, sizeof(path), "%s/%s", dir, files[0]);
		cr_assert_not_null(f = fopen(path, "w"));
		fputs(files[1], f);
		fclose(f);
	}
}

static void
remove_dir(const char *dir, const char *const *files)
{
	char path[1200];

	for (; files[0] != NULL; files += 2) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[0]);
		unlink(path);
	}
	rmdir(dir);
}

Test(cipfa, bad_file_fails_init)
{
	static const char *const files[] = {
		"a.scheme", "name = a\ntitle = A\nsource = s\n"
		    "provisional = no\nlevel x X\nlevel y Y\n",
		"wales.scheme", "name = wales\ntitle = W\nsource = s\n"
		    "provisional = no\n\nlevel primary P\n"
		    "level secondary S\nlevel primary Q\n",
		"notes.txt", "not a scheme\n",
		NULL
	};
	char dir[64], want[512];

	write_dir(dir, sizeof(dir), files);
	cr_expect_neq(start(dir, NULL), 0);
	cr_expect_null(state);
	snprintf(want, sizeof(want), "%s/wales.scheme:8: duplicate level "
	    "\"primary\" (first on line 6)", dir);
	cr_expect_str_eq(last_error, want);
	remove_dir(dir, files);
}

Test(cipfa, dir_errors)
{
	static const char *const none[] = { "README.md", "# none\n", NULL };
	static const char *const one[] = {
		"a.scheme", "name = a\ntitle = A\nsource = s\n"
		    "provisional = yes\nlevel x X\nlevel y Y\n",
		NULL
	};
	char dir[64], want[512];

	cr_expect_neq(start("/nonexistent/prevention", NULL), 0);
	cr_expect_str_eq(last_error, "/nonexistent/prevention: No such file "
	    "or directory");

	write_dir(dir, sizeof(dir), none);
	cr_expect_neq(start(dir, NULL), 0);
	snprintf(want, sizeof(want), "%s: no *.scheme files", dir);
	cr_expect_str_eq(last_error, want);
	remove_dir(dir, none);

	/* A scheme of one's own, active by config. */
	write_dir(dir, sizeof(dir), one);
	cr_expect_neq(start(dir, NULL), 0);
	snprintf(want, sizeof(want), "unknown prevention scheme \"wales\" "
	    "(schemes in %s: a)", dir);
	cr_expect_str_eq(last_error, want);
	cr_expect_eq(start(dir, "a"), 0, "%s", last_error);
	cr_expect_eq(nscheme, 1);
	cr_expect_eq(got_scheme[0].provisional, 1);
	cr_expect_str_eq(got_scheme[0].field, "prevention");
	remove_dir(dir, one);
}

/* the starter rules -------------------------------------------------- */

static int
known(void *arg, const char *scheme, const char *code)
{
	const struct prev_scheme *s = arg;

	if (strcmp(scheme, s->name) != 0)
		return (-1);
	return (prev_level_find(s, code, strlen(code)) != NULL);
}

Test(cipfa, starter_rules)
{
	char path[1200], err[1024];
	struct prev_scheme *wales = NULL;
	struct rules *r = NULL;
	size_t nwales = 0;

	snprintf(path, sizeof(path), "%s/wales.scheme", shipped_dir());
	cr_assert_eq(prev_scheme_load(path, &wales, err, sizeof(err)), 0, "%s",
	    err);
	snprintf(path, sizeof(path), "%s/etc/rules/prevention.rules",
	    getenv("TOP_SRCDIR"));
	cr_assert_eq(rules_load(path, &r, err, sizeof(err)), 0, "%s", err);
	cr_expect_gt(rules_count(r), 0);
	cr_expect_eq(rules_check(r, known, wales, err, sizeof(err)), 0, "%s",
	    err);
	for (size_t i = 0; i < rules_count(r); i++)
		nwales += strcmp(rules_get(r, i)->scheme, "wales") == 0;
	cr_expect_eq(nwales, rules_count(r));
	rules_free(r);
	static const char bad[] = "wales service /a/ responsive\n";

	cr_assert_eq(rules_parse("x.rules", bad, sizeof(bad) - 1, &r, err,
	    sizeof(err)), 0, "%s", err);
	cr_expect_eq(rules_check(r, known, wales, err, sizeof(err)), -EINVAL);
	cr_expect_str_eq(err, "x.rules:1:19: unknown wales code "
	    "\"responsive\"");
	rules_free(r);
	prev_scheme_free(wales);
}

/* Each demo service lands where prevention.rules says, by the first
 * matching rule. */
Test(cipfa, starter_rules_demo)
{
	static const struct {
		const char	*service;
		const char	*code;		/* first code */
		uint32_t	bp;
	} want[] = {
		{ "Home fire safety visits", "secondary", 10000 },
		{ "Strength and balance classes", "primary", 5000 },
		{ "Prevention grants", "primary", 5000 },
		{ "Falls call-outs", "acute", 10000 },
		{ "Emergency department", "acute", 10000 },
		{ "Acute admissions", "acute", 10000 },
		{ "Hip fracture surgery", "acute", 10000 },
		{ "Acute commissioning", "acute", 10000 },
		{ "Reablement", "tertiary", 10000 },
		{ "Adult social care - reablement", "tertiary", 10000 },
		{ "Falls assessment (council OT)", "tertiary", 10000 },
		{ "Community falls service", "secondary", 2500 },
		{ "Concern for welfare", "acute", 10000 },
		{ "Befriending", "secondary", 10000 },
	};
	char path[1200], err[1024];
	struct rules *r = NULL;

	snprintf(path, sizeof(path), "%s/../rules/prevention.rules",
	    shipped_dir());
	cr_assert_eq(rules_load(path, &r, err, sizeof(err)), 0, "%s", err);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const char *s = want[i].service;
		const struct rule *hit = NULL;

		cr_assert_eq(rules_match(r, "wales", "service", 0, s,
		    strlen(s), &hit), 1, "%s: no rule", s);
		cr_expect_str_eq(hit->shares[0].code, want[i].code, "%s", s);
		cr_expect_eq(hit->shares[0].bp, want[i].bp, "%s", s);
	}
	rules_free(r);
}
