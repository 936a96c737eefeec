/*
 * giving360.c — the 360giving plugin: `placed load spend --format
 * 360giving FILE` reads a 360Giving Data Standard grants file (JSON),
 * one spend record per grant.  The mapping, and what is skipped and why,
 * are in plugins/giving360/README.md.
 *
 * A record's line is the grant's 1-based position in the grants array:
 * jansson keeps no source positions.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include <placed/plugin.h>

#include "jsonin.h"

#define PLUGIN_NAME	"360giving"

#define ISDIGIT(c)	((c) >= '0' && (c) <= '9')

/* Read-only after init: files may load on several threads at once. */
static const struct placed_host_api *api;

/* Between min and max digits at p into *v; the end, or NULL. */
static const char *
num(const char *p, int min, int max, int *v, int *len)
{
	int n = 0;

	*v = 0;
	while (n < max && ISDIGIT(p[n])) {
		*v = *v * 10 + (p[n] - '0');
		n++;
	}
	if (n < min || ISDIGIT(p[n]))
		return (NULL);
	if (len)
		*len = n;
	return (p + n);
}

static int
valid_date(int y, int m, int d)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	if (y < 1 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return (0);
	if (m == 2 && d == 29)
		return (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
	return (1);
}

/*
 * An awardDate as YYYY-MM-DD in out.  What publishers write:
 *
 *   YYYY-MM-DD [ ( "T" | " " ) rest ]	the standard's date or date-time:
 *					the date as written, zone ignored
 *   YYYY-MM				the 1st of the month
 *   D[D]/M[M]/YYYY [ " " rest ]	day first, a time ignored
 *   M[M]/YYYY				the 1st of the month (Nominet)
 *
 * 0, or -1 for anything else or a date that cannot be.
 */
static int
award_date(const char *s, char out[16])
{
	const char *p, *q;
	int y, m, d = 1, a, len;

	while (*s == ' ')
		s++;
	if ((p = num(s, 4, 4, &y, NULL)) != NULL && *p == '-') {
		if ((q = num(p + 1, 2, 2, &m, NULL)) == NULL)
			return (-1);
		if (*q == '-') {
			if ((q = num(q + 1, 2, 2, &d, NULL)) == NULL ||
			    (*q != '\0' && *q != 'T' && *q != ' '))
				return (-1);
		} else if (*q != '\0' && *q != ' ')
			return (-1);
	} else if ((p = num(s, 1, 2, &a, NULL)) != NULL && *p == '/') {
		if ((q = num(p + 1, 1, 4, &m, &len)) == NULL)
			return (-1);
		if (len == 4 && (*q == '\0' || *q == ' ')) {
			y = m;
			m = a;
		} else if (len <= 2 && *q == '/') {
			d = a;
			if ((q = num(q + 1, 4, 4, &y, NULL)) == NULL ||
			    (*q != '\0' && *q != ' '))
				return (-1);
		} else
			return (-1);
	} else
		return (-1);
	if (!valid_date(y, m, d))
		return (-1);
	/* The moduli only tell the compiler what num() has made sure of. */
	snprintf(out, 16, "%04u-%02u-%02u", (unsigned)y % 10000,
	    (unsigned)m % 100, (unsigned)d % 100);
	return (0);
}

/* "GBP" give or take case and blanks; an absent currency counts too. */
static int
is_gbp(const char *c)
{
	if (c == NULL)
		return (1);
	while (*c == ' ')
		c++;
	if (strncasecmp(c, "GBP", 3) != 0)
		return (0);
	for (c += 3; *c == ' '; c++)
		;
	return (*c == '\0');
}

/* The first beneficiary location with a geoCode. */
static const char *
geocode(json_t *locs)
{
	const char *s;
	size_t i;
	json_t *l;

	if (json_is_object(locs))
		return (jsonin_str(locs, "geoCode"));
	json_array_foreach(locs, i, l)
		if ((s = jsonin_str(l, "geoCode")) != NULL)
			return (s);
	return (NULL);
}

/*
 * Fill r from grant g, or return the reason it is skipped.  *oom is set
 * when a copy failed.
 */
static const char *
grant_record(void *arg, json_t *g, size_t line, struct jsonin_rec *r,
    char *why, size_t whysz, int *oom)
{
	json_t *fund, *recip, *amount;
	const char *s, *cur, *supplier;
	char date[16];
	int rc = 0;

	(void)arg;
	(void)line;
	if (!json_is_object(g))
		return ("not a grant (no JSON object)");
	cur = jsonin_str(g, "currency");
	if (!is_gbp(cur)) {
		snprintf(why, whysz, "currency %.16s, not GBP", cur);
		return (why);
	}
	amount = json_object_get(g, "amountAwarded");
	if (amount == NULL || json_is_null(amount))
		return ("no amountAwarded");
	if (!json_is_string(amount))
		return ("amountAwarded is not a number");
	if (jsonin_str(g, "amountAwarded") == NULL)
		return ("no amountAwarded");

	fund = jsonin_first(json_object_get(g, "fundingOrganization"));
	recip = jsonin_first(json_object_get(g, "recipientOrganization"));
	if ((supplier = jsonin_str(recip, "name")) == NULL &&
	    (supplier = jsonin_str(recip, "id")) == NULL &&
	    json_object_get(g, "recipientIndividual") != NULL)
		supplier = "(redacted)";
	if ((s = jsonin_str(g, "awardDate")) != NULL && award_date(s,
	    date) == 0)
		s = date;
	rc |= jsonin_rec_set(r, "date", s);
	if ((s = jsonin_str(fund, "name")) == NULL)
		s = jsonin_str(fund, "id");
	rc |= jsonin_rec_set(r, "org", s);
	rc |= jsonin_rec_set(r, "service", jsonin_str(jsonin_first(
	    json_object_get(g, "grantProgramme")), "title"));
	rc |= jsonin_rec_set(r, "supplier", supplier);
	if ((s = jsonin_str(g, "title")) == NULL)
		s = jsonin_str(g, "description");
	rc |= jsonin_rec_set(r, "description", s);
	rc |= jsonin_rec_set(r, "account", jsonin_str(g, "id"));
	rc |= jsonin_rec_set(r, "amount", json_string_value(amount));
	rc |= jsonin_rec_set(r, "place",
	    geocode(json_object_get(g, "beneficiaryLocation")));
	rc |= jsonin_rec_set(r, "funder", jsonin_str(fund, "id"));
	*oom = rc != 0;
	return (NULL);
}

/* The grants: a package's "grants", or a bare array of them. */
static json_t *
grants(json_t *root, char *err, size_t errsz)
{
	json_t *g = root;

	if (json_is_object(root) && (g = json_object_get(root, "grants")) ==
	    NULL) {
		snprintf(err, errsz, "no \"grants\" array: not a 360Giving "
		    "package");
		return (NULL);
	}
	if (!json_is_array(g)) {
		snprintf(err, errsz, "\"grants\" is not an array");
		return (NULL);
	}
	return (g);
}

static int
g_end(void *ctx, placed_emit_fn emit, void *sink, char *err, size_t errsz)
{
	json_t *root, *list;
	int rc;

	if ((root = jsonin_load(ctx, err, errsz)) == NULL)
		return (-1);
	jsonin_free(ctx);
	if ((list = grants(root, err, errsz)) == NULL) {
		json_decref(root);
		return (-1);
	}
	rc = jsonin_emit_all(api, list, "spend", grant_record, NULL, emit,
	    sink, err, errsz);
	json_decref(root);
	return (rc < 0 ? -1 : 0);
}

static void *
g_open(void *state, const char *kind, char *err, size_t errsz)
{
	(void)state;
	return (jsonin_imp_open(kind, "spend", "grants", err, errsz));
}

static int
init(placed_host_t *h, const struct placed_host_api *a, void **state)
{
	struct placed_importer imp = {
		.format = "360giving",
		.kinds = "spend",
		.open = g_open,
		.feed = jsonin_imp_feed,
		.end = g_end,
		.close = jsonin_imp_close,
	};

	api = a;
	*state = NULL;
	return (a->register_importer(h, &imp) != 0 ? -1 : 0);
}

static void
fini(void *state)
{
	(void)state;
}

PLACED_PLUGIN = {
	PLACED_ABI_MAJOR, PLACED_ABI_MINOR, sizeof(struct placed_plugin),
	PLUGIN_NAME, "1.0",
	"360Giving grants (JSON) as spend: funder, recipient, amount, date",
	init, fini,
};
