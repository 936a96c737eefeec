/*
 * example_scheme.c — a council's own cost-centre scheme for placed: the
 * template to copy when you write a plugin.  See placed-plugin(3).
 *
 * Chigley County Council (the handbook's example place) codes its ledger
 * by cost centre: an account reads "C4410 Reablement".  This plugin
 *
 *   1. registers the council's cost centres as a classification scheme,
 *      "chigley-cc", so placed can show their titles and roll them up to
 *      directorates;
 *   2. registers three classifiers for spend records, all reading the
 *      account field: to the cost centre itself, to a COFOG class
 *      (scheme "cofog", from the cofog plugin) and to a prevention level
 *      (scheme "wales" by default, from the prevention plugin).
 *
 * Build it outside placed's tree with nothing but the installed header:
 *
 *   cc $(pkg-config --cflags placed-plugin) -fPIC -shared \
 *       -fvisibility=hidden -o example-scheme.so example_scheme.c
 *
 * and check it with `placed check --plugins .`.  Rename it (the file,
 * PLUGIN_NAME below and the scheme) before you change anything else.
 *
 * Settings, in placed.conf (all optional):
 *
 *   plugin.example-scheme.field = account     the field holding the code
 *   plugin.example-scheme.prevention = wales  the prevention scheme
 */
#include <stdio.h>
#include <string.h>

/* The only header a plugin needs; never include placed's own. */
#include <placed/plugin.h>

#define PLUGIN_NAME	"example-scheme"

/*
 * The scheme: every code with its parent (NULL at the top) and title.
 * Codes are text.  The host copies them when you register, so they
 * could as well be built at run time (from a file named in a setting,
 * say).
 */
static const struct placed_code cost_centres[] = {
	{ "C1",    NULL, "Communities" },
	{ "C1300", "C1", "Voluntary sector grants" },
	{ "C4",    NULL, "Adult social care" },
	{ "C4120", "C4", "Occupational therapy" },
	{ "C4410", "C4", "Reablement" },
	{ "C4500", "C4", "Residential care" },
	{ "C9",    NULL, "Corporate" },
	{ "C9100", "C9", "Finance" },
};

static const char *const levels[] = { "directorate", "cost centre", NULL };

/*
 * The mapping from cost centres to other schemes, as PCRE2 patterns on
 * the account's text, first match wins.  Shares are basis points (100%
 * = 10000) and must sum to 10000: one line of spend may be apportioned
 * across codes, as grants are here.
 */
struct rule {
	const char	*pattern;
	struct placed_share shares[2];
	int		nshares;
	void		*re;		/* compiled at init */
};

static struct rule to_cofog[] = {
	/* 10.1.2 Disability: reablement and occupational therapy. */
	{ "^C44\\d\\d\\b", { { "10.1.2", 10000 } }, 1, NULL },
	{ "^C41\\d\\d\\b", { { "10.1.2", 10000 } }, 1, NULL },
	/* 10.2.0 Old age: residential care. */
	{ "^C45\\d\\d\\b", { { "10.2.0", 10000 } }, 1, NULL },
	/* 10.9.0 Social protection n.e.c.: grants to the voluntary sector. */
	{ "^C13\\d\\d\\b", { { "10.9.0", 10000 } }, 1, NULL },
};

static struct rule to_prevention[] = {
	{ "^C44\\d\\d\\b", { { "secondary", 10000 } }, 1, NULL },
	{ "^C41\\d\\d\\b", { { "secondary", 10000 } }, 1, NULL },
	{ "^C45\\d\\d\\b", { { "acute", 10000 } }, 1, NULL },
	/* Grants fund mostly universal work: 60% primary, 40% secondary. */
	{ "^C13\\d\\d\\b", { { "primary", 6000 }, { "secondary", 4000 } }, 2,
	  NULL },
};

#define NRULES(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * The plugin's state: what init sets up and fini releases.  The host
 * gives it back to every callback.  It is read-only after init, because
 * classifiers may run on several threads at once.
 */
struct state {
	const struct placed_host_api *api;	/* the host's table */
	const char	*field;			/* "account" */
};

static struct state st;

/* The value of the configured field in r, or NULL. */
static const char *
account(const struct placed_record *r)
{
	for (int i = 0; i < r->nfields; i++)
		if (strcmp(r->names[i], st.field) == 0)
			return (r->values[i] && *r->values[i] ?
			    r->values[i] : NULL);
	return (NULL);
}

/*
 * A classifier: write up to max shares to out and return how many (0
 * when the record is none of ours), or -1 with a message in err, which
 * rejects the record (the host prefixes the plugin's name).  Code
 * strings must stay valid after the call; ours are static.
 */
static int
classify_rules(const struct rule *rules, size_t n,
    const struct placed_record *r, struct placed_share *out, int max,
    char *err, size_t errsz)
{
	const char *a = account(r);

	if (a == NULL)
		return (0);		/* no account: not ours to judge */
	for (size_t i = 0; i < n; i++) {
		int m = st.api->regex_match(rules[i].re, a, strlen(a));

		if (m < 0) {
			snprintf(err, errsz, "matching \"%s\" failed", a);
			return (-1);
		}
		if (m == 0)
			continue;
		if (rules[i].nshares > max) {
			snprintf(err, errsz, "room for %d shares, need %d",
			    max, rules[i].nshares);
			return (-1);
		}
		memcpy(out, rules[i].shares,
		    (size_t)rules[i].nshares * sizeof(*out));
		return (rules[i].nshares);
	}
	/*
	 * A council account ("C" and four digits) that no rule knows is an
	 * error worth stopping for: it is a new cost centre this plugin
	 * must learn.  Anything else belongs to another partner.
	 */
	if (a[0] == 'C' && strspn(a + 1, "0123456789") == 4) {
		snprintf(err, errsz, "cost centre \"%.5s\" has no rule (line "
		    "%llu)", a, (unsigned long long)r->line);
		return (-1);
	}
	return (0);
}

static int
classify_cofog(void *state, const struct placed_record *r,
    struct placed_share *out, int max, char *err, size_t errsz)
{
	return (classify_rules(to_cofog, NRULES(to_cofog), r, out, max, err,
	    errsz));
}

static int
classify_prevention(void *state, const struct placed_record *r,
    struct placed_share *out, int max, char *err, size_t errsz)
{
	return (classify_rules(to_prevention, NRULES(to_prevention), r, out,
	    max, err, errsz));
}

/* "C4410 Reablement" → the cost centre C4410, when it is one of ours. */
static int
classify_cost_centre(void *state, const struct placed_record *r,
    struct placed_share *out, int max, char *err, size_t errsz)
{
	const char *a = account(r);
	size_t n = NRULES(cost_centres);

	if (a == NULL || max < 1)
		return (0);
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(cost_centres[i].code);

		if (cost_centres[i].parent && strncmp(a,
		    cost_centres[i].code, len) == 0 &&
		    (a[len] == '\0' || a[len] == ' ')) {
			out[0].code = cost_centres[i].code;
			out[0].bp = 10000;
			return (1);
		}
	}
	return (0);
}

static void
free_rules(struct rule *rules, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (rules[i].re)
			st.api->regex_free(rules[i].re);
		rules[i].re = NULL;
	}
}

static int
compile_rules(placed_host_t *h, struct rule *rules, size_t n)
{
	char err[256];

	for (size_t i = 0; i < n; i++)
		if ((rules[i].re = st.api->regex_compile(h, rules[i].pattern,
		    err, sizeof(err))) == NULL) {
			st.api->log(h, PLACED_LOG_ERROR, "%s", err);
			return (-1);
		}
	return (0);
}

static void fini(void *state);

/*
 * init: called once, after the host has checked the ABI.  Keep the api
 * pointer (it stays valid until fini), read settings, register.  On
 * failure undo what you did and return non-zero; the host then drops
 * whatever you registered and unloads you, and placed goes on without
 * you.
 */
static int
init(placed_host_t *h, const struct placed_host_api *api, void **state)
{
	struct placed_scheme scheme = {
		.name = "chigley-cc",
		.title = "Chigley County Council cost centres",
		.field = "cost_centre",
		.levels = levels,
		.codes = cost_centres,
		.ncodes = NRULES(cost_centres),
	};
	struct placed_classifier cc = {
		.scheme = "chigley-cc", .kinds = "spend",
		.classify = classify_cost_centre, .state = &st,
	};
	struct placed_classifier cofog = {
		.scheme = "cofog", .kinds = "spend",
		.classify = classify_cofog, .state = &st,
	};
	struct placed_classifier prevention = {
		.scheme = "wales", .kinds = "spend",
		.classify = classify_prevention, .state = &st,
	};
	const char *v;

	/* A newer host has a longer table; an older one is refused by the
	 * host before init is called, so everything of 1.0 is here. */
	st.api = api;
	st.field = (v = api->config(h, "field")) != NULL ? v : "account";
	if ((v = api->config(h, "prevention")) != NULL)
		prevention.scheme = v;
	if (compile_rules(h, to_cofog, NRULES(to_cofog)) != 0 ||
	    compile_rules(h, to_prevention, NRULES(to_prevention)) != 0)
		goto fail;
	if (api->register_scheme(h, &scheme) != 0 ||
	    api->register_classifier(h, &cc) != 0 ||
	    api->register_classifier(h, &cofog) != 0 ||
	    api->register_classifier(h, &prevention) != 0)
		goto fail;
	api->log(h, PLACED_LOG_DEBUG, "classifying spend by %s", st.field);
	*state = &st;
	return (0);
fail:
	fini(&st);
	return (-1);
}

/* fini: release what init made.  Called once, in reverse load order. */
static void
fini(void *state)
{
	free_rules(to_cofog, NRULES(to_cofog));
	free_rules(to_prevention, NRULES(to_prevention));
}

/*
 * The descriptor: the one exported symbol.  The first three fields are
 * the ABI this was built for and the descriptor's size; the host reads
 * them before anything else and refuses a plugin it cannot speak to.
 */
PLACED_PLUGIN = {
	PLACED_ABI_MAJOR, PLACED_ABI_MINOR, sizeof(struct placed_plugin),
	PLUGIN_NAME, "1.0",
	"Chigley County Council cost centres, to COFOG and prevention levels",
	init, fini,
};
