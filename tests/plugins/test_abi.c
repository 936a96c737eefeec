/*
 * test_abi.c — one source, several test plugins (tests/unit/test_plugin.c
 * loads them), chosen by -D:
 *
 *   ABI_GOOD       registers scheme "abi-good", a classifier and a function;
 *                  built for ABI 1.0 (the others too), so it shows that a
 *                  newer host loads a plugin of an older minor
 *   ABI_MAJOR      declares ABI major + 1: refused
 *   ABI_MINOR      declares a minor newer than the header's: refused
 *   ABI_INITFAIL   registers a scheme, a classifier and a function, then
 *                  fails its init: none of them may stay
 *   ABI_CLASSFAIL  a classifier that fails on every record, and a function
 *                  that fails
 *
 * PLUGIN_NAME is the descriptor's name (the file's stem).
 */
#include <stdio.h>
#include <string.h>

#include "placed/plugin.h"

#ifndef PLUGIN_NAME
#error "PLUGIN_NAME not set"
#endif

/* Each variant uses only some of what follows. */
#define MAYBE_UNUSED	__attribute__((unused))

static const struct placed_host_api *api;

MAYBE_UNUSED static const struct placed_code codes[] = {
	{ "a", NULL, "A" },
	{ "a.1", "a", "A one" },
	{ "b", NULL, "B" },
};
MAYBE_UNUSED static const char *const levels[] = { "top", "sub", NULL };

/* A field's value in r, or "". */
static const char *
field(const struct placed_record *r, const char *name)
{
	for (int i = 0; i < r->nfields; i++)
		if (strcmp(r->names[i], name) == 0 && r->values[i])
			return (r->values[i]);
	return ("");
}

/* x=a1 → a.1; x=split → a.1 25%, b 75%; x=bad → "zz" (not a code);
 * else nothing. */
MAYBE_UNUSED static int
good_classify(void *state, const struct placed_record *r,
    struct placed_share *out, int max, char *err, size_t errsz)
{
	const char *x = field(r, "x");

	if (strcmp(x, "a1") == 0 && max >= 1) {
		out[0] = (struct placed_share){ "a.1", 10000 };
		return (1);
	}
	if (strcmp(x, "split") == 0 && max >= 2) {
		out[0] = (struct placed_share){ "a.1", 2500 };
		out[1] = (struct placed_share){ "b", 7500 };
		return (2);
	}
	if (strcmp(x, "bad") == 0 && max >= 1) {
		out[0] = (struct placed_share){ "zz", 10000 };
		return (1);
	}
	return (0);
}

MAYBE_UNUSED static int
fail_classify(void *state, const struct placed_record *r,
    struct placed_share *out, int max, char *err, size_t errsz)
{
	snprintf(err, errsz, "no rule for x \"%s\" (line %llu)",
	    field(r, "x"), (unsigned long long)r->line);
	return (-1);
}

/* abigood.twice(s) = s s; abiclassfail.fail writes its reason to out. */
MAYBE_UNUSED static int
good_call(void *state, const char *const *args, char *out, size_t outsz)
{
	snprintf(out, outsz, "%s%s", args[0], args[0]);
	return (0);
}

MAYBE_UNUSED static int
fail_call(void *state, const char *const *args, char *out, size_t outsz)
{
	snprintf(out, outsz, "cannot do \"%s\"", args[0]);
	return (-1);
}

static int state_token = 42;

static int
init(placed_host_t *h, const struct placed_host_api *a, void **state)
{
	MAYBE_UNUSED struct placed_scheme s = { 0 };
	struct placed_classifier c = { 0 };
	struct placed_function f = { 0 };
	static char fname[64];
	size_t o = 0;
	const char *g;

	api = a;
	*state = &state_token;
	if ((g = api->config(h, "greeting")) != NULL)
		api->log(h, PLACED_LOG_INFO, "greeting %s", g);
#if defined(ABI_GOOD) || defined(ABI_INITFAIL)
	s.name = PLUGIN_NAME;
	s.title = "Test scheme";
	s.field = "abi";
	s.levels = levels;
	s.codes = codes;
	s.ncodes = sizeof(codes) / sizeof(codes[0]);
	if (api->register_scheme(h, &s) != 0)
		return (-1);
#endif
	c.scheme = PLUGIN_NAME;
	c.kinds = "spend,activity";
	/* PQL calls a plugin's function by a dotted name: the plugin's
	 * name without its hyphens, a dot, the function. */
	for (const char *n = PLUGIN_NAME; *n && o < sizeof(fname) - 8; n++)
		if (*n != '-')
			fname[o++] = *n;
#ifdef ABI_CLASSFAIL
	c.classify = fail_classify;
	f.call = fail_call;
	snprintf(fname + o, sizeof(fname) - o, ".fail");
#else
	c.classify = good_classify;
	f.call = good_call;
	snprintf(fname + o, sizeof(fname) - o, ".twice");
#endif
	f.name = fname;
	f.nargs = 1;
	if (api->register_classifier(h, &c) != 0 ||
	    api->register_function(h, &f) != 0)
		return (-1);
#ifdef ABI_INITFAIL
	api->log(h, PLACED_LOG_ERROR, "giving up on purpose");
	return (-1);
#else
	return (0);
#endif
}

static void
fini(void *state)
{
	(void)state;
}

#if defined(ABI_MAJOR)
#define MAJOR	(PLACED_ABI_MAJOR + 1)
#define MINOR	0
#elif defined(ABI_MINOR)
#define MAJOR	PLACED_ABI_MAJOR
#define MINOR	(PLACED_ABI_MINOR + 1)
#else
/* The oldest minor: a plugin built for 1.0 loads into every 1.x host. */
#define MAJOR	PLACED_ABI_MAJOR
#define MINOR	0
#endif

PLACED_PLUGIN = {
	MAJOR, MINOR, sizeof(struct placed_plugin),
	PLUGIN_NAME, "0.1", "a test of the plugin ABI", init, fini
};
