/*
 * cofog.c — the cofog plugin: the UN COFOG 1999 scheme, validation of
 * explicit codes in records, and the PQL functions cofog.division,
 * cofog.group and cofog.title.  Rules files (etc/rules/cofog.rules),
 * applied by the host's rules engine, classify records without a code.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cofog.h"

static int
cmp_code(const void *key, const void *elt)
{
	return (strcmp(key, ((const struct placed_code *)elt)->code));
}

const struct placed_code *
cofog_find(const char *s, size_t n)
{
	char canon[16], digits[5];
	size_t nd = 0, i;
	int dotted = 0;

	while (n > 0 && isspace((unsigned char)*s))
		s++, n--;
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	if (n == 0 || n > 7)
		return (NULL);
	for (i = 0; i < n; i++) {
		if (s[i] == '.') {
			dotted = 1;
			continue;
		}
		if (!isdigit((unsigned char)s[i]) || nd == sizeof(digits) - 1)
			return (NULL);
		digits[nd++] = s[i];
	}
	digits[nd] = '\0';
	if (dotted) {
		/* D[D] { "." D }: the division may lack its leading zero. */
		const char *dot = memchr(s, '.', n);
		size_t dl = (size_t)(dot - s);

		if (dl < 1 || dl > 2)
			return (NULL);
		for (const char *p = dot; p < s + n; p += 2)
			if (p[0] != '.' || p + 1 >= s + n ||
			    !isdigit((unsigned char)p[1]))
				return (NULL);
		if (dl == 1)
			snprintf(canon, sizeof(canon), "0%.*s", (int)(n), s);
		else
			snprintf(canon, sizeof(canon), "%.*s", (int)n, s);
	} else if (nd == 1) {
		snprintf(canon, sizeof(canon), "0%c", digits[0]);
	} else {
		/* DD [G [C]] */
		size_t o = 0;

		canon[o++] = digits[0];
		canon[o++] = digits[1];
		for (i = 2; i < nd; i++) {
			canon[o++] = '.';
			canon[o++] = digits[i];
		}
		canon[o] = '\0';
	}
	return (bsearch(canon, cofog_codes, cofog_ncodes,
	    sizeof(cofog_codes[0]), cmp_code));
}

int
cofog_level(const struct placed_code *c)
{
	int l = 1;

	for (const char *p = c->code; *p != '\0'; p++)
		l += *p == '.';
	return (l);
}

/* plugin ------------------------------------------------------------ */

static const char *const levels[] = { "division", "group", "class", NULL };

static const struct placed_scheme scheme = {
	.name = "cofog",
	.title = "UN Classification of the Functions of Government (1999)",
	.field = "cofog",
	.levels = levels,
	.codes = cofog_codes,
	.ncodes = 0,			/* set in init: not a constant */
	.provisional = 0,
};

/* An explicit cofog value: its code at 100%, nothing when empty, a reject
 * when it is not a COFOG code. */
static int
classify(void *state, const struct placed_record *r,
    struct placed_share *out, int max, char *err, size_t errsz)
{
	(void)state;
	for (int i = 0; i < r->nfields; i++) {
		const char *v = r->values[i];
		const struct placed_code *c;

		if (strcasecmp(r->names[i], "cofog") != 0 || v == NULL)
			continue;
		while (isspace((unsigned char)*v))
			v++;
		if (*v == '\0')
			return (0);
		if ((c = cofog_find(v, strlen(v))) == NULL) {
			snprintf(err, errsz, "unknown COFOG code \"%s\"", v);
			return (-1);
		}
		if (max < 1)
			return (0);
		out[0].code = c->code;
		out[0].bp = 10000;
		return (1);
	}
	return (0);
}

/* A function's answer: the code's ancestor at a level, or its title; ""
 * for an unknown code or a code above that level. */
enum fn { FN_DIVISION = 1, FN_GROUP, FN_CLASS, FN_TITLE };

static int
fn_call(void *state, const char *const *args, char *out, size_t outsz)
{
	int which = (int)(intptr_t)state;
	const struct placed_code *c;
	const char *ans = "";

	c = args[0] ? cofog_find(args[0], strlen(args[0])) : NULL;
	if (c != NULL && which == FN_TITLE) {
		ans = c->title;
	} else if (c != NULL) {
		int want = which == FN_DIVISION ? 1 : which == FN_GROUP ? 2 : 3;

		while (c != NULL && cofog_level(c) > want)
			c = cofog_find(c->parent, strlen(c->parent));
		if (c != NULL && cofog_level(c) == want)
			ans = c->code;
	}
	if (snprintf(out, outsz, "%s", ans) >= (int)outsz)
		return (-1);
	return (0);
}

static const struct placed_function functions[] = {
	{ "cofog.division", 1, fn_call, (void *)(intptr_t)FN_DIVISION },
	{ "cofog.group",    1, fn_call, (void *)(intptr_t)FN_GROUP },
	{ "cofog.class",    1, fn_call, (void *)(intptr_t)FN_CLASS },
	{ "cofog.title",    1, fn_call, (void *)(intptr_t)FN_TITLE },
};

static const struct placed_classifier classifier = {
	.scheme = "cofog",
	.kinds = "spend,activity,service",
	.classify = classify,
	.state = NULL,
};

static int
cofog_init(placed_host_t *h, const struct placed_host_api *api,
    void **state)
{
	struct placed_scheme s = scheme;

	*state = NULL;
	if (api->abi_major != PLACED_ABI_MAJOR ||
	    api->size < sizeof(struct placed_host_api))
		return (-1);
	s.ncodes = cofog_ncodes;
	if (api->register_scheme(h, &s) != 0 ||
	    api->register_classifier(h, &classifier) != 0)
		return (-1);
	for (size_t i = 0; i < sizeof(functions) / sizeof(functions[0]); i++)
		if (api->register_function(h, &functions[i]) != 0)
			return (-1);
	api->log(h, PLACED_LOG_DEBUG, "%zu codes", cofog_ncodes);
	return (0);
}

static void
cofog_fini(void *state)
{
	(void)state;
}

PLACED_PLUGIN = {
	PLACED_ABI_MAJOR, PLACED_ABI_MINOR, sizeof(struct placed_plugin),
	"cofog", "1.0",
	"UN COFOG 1999: codes, validation and roll-ups",
	cofog_init, cofog_fini
};
