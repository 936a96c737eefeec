/*
 * test_cofog.c — the cofog plugin (plugins/cofog), compiled in with a stub
 * host: its code table against the shared COFOG 1999 list, validation of
 * explicit codes, and the roll-up functions.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "cofog.h"
#include "rules.h"

extern const struct placed_plugin placed_plugin;

/* stub host ---------------------------------------------------------- */

static struct placed_scheme got_scheme;
static struct placed_classifier got_classifier;
static struct placed_function got_fn[8];
static int nfn;

static void
stub_log(placed_host_t *h, enum placed_log_level l, const char *fmt, ...)
{
	(void)h;
	(void)l;
	(void)fmt;
}

static int
stub_scheme(placed_host_t *h, const struct placed_scheme *s)
{
	got_scheme = *s;
	return (0);
}

static int
stub_classifier(placed_host_t *h, const struct placed_classifier *c)
{
	got_classifier = *c;
	return (0);
}

static int
stub_function(placed_host_t *h, const struct placed_function *f)
{
	cr_assert_lt(nfn, 8);
	got_fn[nfn++] = *f;
	return (0);
}

static const struct placed_host_api api = {
	.size = sizeof(struct placed_host_api),
	.abi_major = PLACED_ABI_MAJOR,
	.abi_minor = PLACED_ABI_MINOR,
	.log = stub_log,
	.alloc = malloc,
	.free = free,
	.register_scheme = stub_scheme,
	.register_classifier = stub_classifier,
	.register_function = stub_function,
};

static void *state;

static void
setup(void)
{
	nfn = 0;
	cr_assert_eq(placed_plugin.abi_major, PLACED_ABI_MAJOR);
	cr_assert_eq(placed_plugin.size, sizeof(struct placed_plugin));
	cr_assert_str_eq(placed_plugin.name, "cofog");
	cr_assert_eq(placed_plugin.init(NULL, &api, &state), 0);
}

static void
teardown(void)
{
	placed_plugin.fini(state);
}

TestSuite(cofog, .init = setup, .fini = teardown);

Test(cofog, registers)
{
	cr_expect_str_eq(got_scheme.name, "cofog");
	cr_expect_str_eq(got_scheme.field, "cofog");
	cr_expect_str_eq(got_scheme.levels[0], "division");
	cr_expect_str_eq(got_scheme.levels[1], "group");
	cr_expect_str_eq(got_scheme.levels[2], "class");
	cr_expect_null(got_scheme.levels[3]);
	cr_expect_eq(got_scheme.ncodes, 188);
	cr_expect_str_eq(got_classifier.scheme, "cofog");
	cr_expect_eq(nfn, 4);
}

Test(cofog, table)
{
	int by_level[4] = { 0 };

	cr_assert_eq(cofog_ncodes, 188);
	for (size_t i = 0; i < cofog_ncodes; i++) {
		const struct placed_code *c = &cofog_codes[i];
		int l = cofog_level(c);

		cr_assert(l >= 1 && l <= 3);
		by_level[l]++;
		if (i > 0)
			cr_expect_gt(strcmp(c->code, cofog_codes[i - 1].code),
			    0, "out of order at %s", c->code);
		if (l == 1) {
			cr_expect_null(c->parent);
			continue;
		}
		const struct placed_code *p = cofog_find(c->parent,
		    strlen(c->parent));

		cr_expect_not_null(p, "%s: no parent %s", c->code, c->parent);
		if (p != NULL)
			cr_expect_eq(cofog_level(p), l - 1);
		cr_expect_eq(strncmp(c->code, c->parent, strlen(c->parent)), 0);
		cr_expect(c->title != NULL && c->title[0] != '\0');
	}
	cr_expect_eq(by_level[1], 10);
	cr_expect_eq(by_level[2], 69);
	cr_expect_eq(by_level[3], 109);
}

/* One CSV record of the shared list into fields (quotes, "" escapes). */
static int
csv_split(char *line, char **f, int max)
{
	int n = 0;
	char *w = line, *p = line;

	line[strcspn(line, "\r\n")] = '\0';
	while (n < max) {
		f[n++] = w;
		if (*p == '"') {
			for (p++; *p != '\0'; p++) {
				if (*p == '"' && p[1] == '"')
					*w++ = *p++;
				else if (*p == '"') {
					p++;
					break;
				} else
					*w++ = *p;
			}
		} else {
			while (*p != '\0' && *p != ',')
				*w++ = *p++;
		}
		if (*p != ',') {
			*w = '\0';
			break;
		}
		*w++ = '\0';
		p++;
	}
	return (n);
}

Test(cofog, against_shared_list)
{
	const char *dir = getenv("SHARED_DATA");
	char path[1024], line[1024], *f[8];
	int rows = 0;
	FILE *in;

	if (dir == NULL)
		cr_skip_test("SHARED_DATA not set: run under make check");
	snprintf(path, sizeof(path), "%s/cofog/derived_cofog1999_levels.csv",
	    dir);
	if ((in = fopen(path, "r")) == NULL)
		cr_skip_test("%s absent: skipped", path);
	cr_assert_not_null(fgets(line, sizeof(line), in));
	cr_assert_eq(strncmp(line, "code,level,level_name,parent_code,title_en",
	    42), 0);
	while (fgets(line, sizeof(line), in) != NULL) {
		int n = csv_split(line, f, 8);
		const struct placed_code *c;

		cr_assert_geq(n, 5);
		c = cofog_find(f[0], strlen(f[0]));
		cr_expect_not_null(c, "missing %s", f[0]);
		if (c == NULL)
			continue;
		rows++;
		cr_expect_str_eq(c->code, f[0]);
		cr_expect_eq(cofog_level(c), atoi(f[1]), "%s", f[0]);
		cr_expect_str_eq(got_scheme.levels[cofog_level(c) - 1], f[2]);
		if (f[3][0] == '\0')
			cr_expect_null(c->parent);
		else
			cr_expect_str_eq(c->parent ? c->parent : "", f[3]);
		cr_expect_str_eq(c->title, f[4]);
	}
	fclose(in);
	cr_expect_eq(rows, 188);
	cr_expect_eq((size_t)rows, cofog_ncodes);
}

static int
classify1(const char *value, struct placed_share *out, char *err)
{
	const char *names[] = { "service", "cofog" };
	const char *values[] = { "Parks", value };
	struct placed_record r = { "spend", 2, names, values, 12 };

	err[0] = '\0';
	return (got_classifier.classify(got_classifier.state, &r, out, 4, err,
	    256));
}

Test(cofog, validation)
{
	struct placed_share out[4];
	char err[256];

	cr_expect_eq(classify1("07.2.1", out, err), 1);
	cr_expect_str_eq(out[0].code, "07.2.1");
	cr_expect_eq(out[0].bp, 10000);
	cr_expect_eq(classify1(" 0721 ", out, err), 1);
	cr_expect_str_eq(out[0].code, "07.2.1");
	cr_expect_eq(classify1("7.2.1", out, err), 1);
	cr_expect_str_eq(out[0].code, "07.2.1");
	cr_expect_eq(classify1("10", out, err), 1);
	cr_expect_str_eq(out[0].code, "10");
	cr_expect_eq(classify1("072", out, err), 1);
	cr_expect_str_eq(out[0].code, "07.2");
	cr_expect_eq(classify1("", out, err), 0);
	cr_expect_eq(classify1(NULL, out, err), 0);
	cr_expect_eq(classify1("07.9.9", out, err), -1);
	cr_expect_str_eq(err, "unknown COFOG code \"07.9.9\"");
	static const char *bad[] = { "11", "07.2.", "07..2", "0.7", "07.21",
	    "X7", "07.2.1.1", "123", "00", "07,2" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_expect_eq(classify1(bad[i], out, err), -1, "%s", bad[i]);
		cr_expect_not_null(strstr(err, "unknown COFOG code"));
	}
}

static const char *
call(const char *name, const char *arg)
{
	static char out[256];
	const char *args[] = { arg };

	for (int i = 0; i < nfn; i++)
		if (strcmp(got_fn[i].name, name) == 0) {
			cr_assert_eq(got_fn[i].nargs, 1);
			cr_assert_eq(got_fn[i].call(got_fn[i].state, args, out,
			    sizeof(out)), 0);
			return (out);
		}
	cr_assert_fail("no function %s", name);
	return (NULL);
}

Test(cofog, rollups)
{
	cr_expect_str_eq(call("cofog.division", "07.2.1"), "07");
	cr_expect_str_eq(call("cofog.group", "07.2.1"), "07.2");
	cr_expect_str_eq(call("cofog.class", "0721"), "07.2.1");
	cr_expect_str_eq(call("cofog.title", "07.2"),
	    "Outpatient services");
	cr_expect_str_eq(call("cofog.title", "07"), "Health");
	cr_expect_str_eq(call("cofog.division", "07.2"), "07");
	cr_expect_str_eq(call("cofog.group", "07"), "");
	cr_expect_str_eq(call("cofog.class", "07.2"), "");
	cr_expect_str_eq(call("cofog.division", "07.9.9"), "");
	cr_expect_str_eq(call("cofog.title", ""), "");
	cr_expect_str_eq(call("cofog.title", NULL), "");
}

/* The starter rules name only COFOG codes; rules_check refuses others. */
static int
known(void *arg, const char *scheme, const char *code)
{
	(void)arg;
	if (strcmp(scheme, "cofog") != 0)
		return (-1);
	return (cofog_find(code, strlen(code)) != NULL);
}

Test(cofog, starter_rules)
{
	const char *top = getenv("TOP_SRCDIR");
	char path[1024], err[1024];
	struct rules *r = NULL;

	if (top == NULL)
		cr_skip_test("TOP_SRCDIR not set: run under make check");
	snprintf(path, sizeof(path), "%s/etc/rules/cofog.rules", top);
	cr_assert_eq(rules_load(path, &r, err, sizeof(err)), 0, "%s", err);
	cr_expect_gt(rules_count(r), 0);
	cr_expect_eq(rules_check(r, known, NULL, err, sizeof(err)), 0, "%s",
	    err);
	rules_free(r);
	cr_assert_eq(rules_parse("x.rules", "cofog service /a/ 07.9.9\n", 25,
	    &r, err, sizeof(err)), 0);
	cr_expect_eq(rules_check(r, known, NULL, err, sizeof(err)), -EINVAL);
	cr_expect_str_eq(err, "x.rules:1:19: unknown cofog code \"07.9.9\"");
	rules_free(r);
}
