/*
 * oruk.c — the oruk plugin: `placed load service --format oruk FILE`
 * reads an Open Referral UK /services dump (JSON), one service record
 * per service.  The mapping, the shapes read, and what is skipped and
 * why, are in plugins/oruk/README.md.
 *
 * A record's line is the service's 1-based position in its list:
 * jansson keeps no source positions.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include <placed/plugin.h>

#include "html.h"
#include "jsonin.h"

#define PLUGIN_NAME	"oruk"

/* Read-only after init: files may load on several threads at once. */
static const struct placed_host_api *api;

/* The first text in array a: of its elements themselves (k1 NULL), or
 * of their member k1, or of k1's member k2. */
static const char *
first_in(json_t *a, const char *k1, const char *k2)
{
	const char *s;
	size_t i;
	json_t *e;

	json_array_foreach(a, i, e) {
		if (k1 == NULL)
			s = json_string_value(e);
		else if (k2 != NULL)
			s = jsonin_str(json_object_get(e, k1), k2);
		else
			s = jsonin_str(e, k1);
		if (s != NULL && *s != '\0')
			return (s);
	}
	return (NULL);
}

/*
 * need: the first taxonomy term's name, from ORUK 1's service_taxonomys,
 * HSDS 3's taxonomy_terms or attributes, or a plain categories list.
 */
static const char *
need(json_t *svc)
{
	const char *s;

	if ((s = first_in(json_object_get(svc, "service_taxonomys"),
	    "taxonomy", "name")) != NULL ||
	    (s = first_in(json_object_get(svc, "taxonomy_terms"), "name",
	    NULL)) != NULL ||
	    (s = first_in(json_object_get(svc, "attributes"),
	    "taxonomy_term", "name")) != NULL ||
	    (s = first_in(json_object_get(svc, "categories"), "name",
	    NULL)) != NULL)
		return (s);
	return (first_in(json_object_get(svc, "categories"), NULL, NULL));
}

/* cohort: ORUK 1's eligibilitys, HSDS 3's eligibility_description, or
 * the Placecube feeds' pc_targetAudience. */
static const char *
cohort(json_t *svc)
{
	const char *s;

	if ((s = first_in(json_object_get(svc, "eligibilitys"),
	    "eligibility", NULL)) != NULL ||
	    (s = jsonin_str(svc, "eligibility_description")) != NULL)
		return (s);
	return (first_in(json_object_get(svc, "pc_targetAudience"),
	    "audienceType", NULL));
}

/* A location's first postcode (ORUK 1 physical_addresses, HSDS 3
 * addresses). */
static const char *
postcode(json_t *loc)
{
	const char *s;

	if ((s = first_in(json_object_get(loc, "physical_addresses"),
	    "postal_code", NULL)) != NULL)
		return (s);
	return (first_in(json_object_get(loc, "addresses"), "postal_code",
	    NULL));
}

/* "E08000003": an ONS GSS code, as service areas' URIs end in. */
static const char *
ons_code(const char *uri)
{
	const char *s;

	if (uri == NULL)
		return (NULL);
	s = (s = strrchr(uri, '/')) != NULL ? s + 1 : uri;
	if (strlen(s) != 9 || strchr("ENSWK", s[0]) == NULL ||
	    strspn(s + 1, "0123456789") != 8)
		return (NULL);
	return (s);
}

/* place: the given location's postcode, else the first located one,
 * else a service area's ONS code. */
static const char *
place(json_t *svc, json_t *loc)
{
	const char *s;
	json_t *e;
	size_t i;

	if (loc != NULL && (s = postcode(loc)) != NULL)
		return (s);
	json_array_foreach(json_object_get(svc, "service_at_locations"), i,
	    e)
		if ((s = postcode(json_object_get(e, "location"))) != NULL)
			return (s);
	json_array_foreach(json_object_get(svc, "service_areas"), i, e)
		if ((s = ons_code(jsonin_str(e, "uri"))) != NULL)
			return (s);
	return (NULL);
}

/* Set name to v as text (see html.h); 0, or -1 when out of memory. */
static int
set_text(struct jsonin_rec *r, const char *name, const char *v)
{
	char *t;

	if (v == NULL)
		return (0);
	if ((t = html_text(v)) == NULL)
		return (-1);
	return (jsonin_rec_take(r, name, t));
}

/*
 * Fill r from list item it, or return the reason it is skipped; *oom is
 * set when a copy failed.  seen maps ids to the item that had them.
 */
static const char *
service_record(void *seen, json_t *it, size_t line, struct jsonin_rec *r,
    char *why, size_t whysz, int *oom)
{
	json_t *svc = it, *loc = NULL, *org, *prev;
	const char *id, *s;
	int rc = 0;

	if (!json_is_object(it))
		return ("not a service (no JSON object)");
	/* A service_at_location: {service: {...}, location: {...}}. */
	if (json_is_object(json_object_get(it, "service")) &&
	    json_object_get(it, "name") == NULL) {
		svc = json_object_get(it, "service");
		loc = json_object_get(it, "location");
	}
	if ((s = jsonin_str(svc, "status")) != NULL &&
	    (strcasecmp(s, "inactive") == 0 || strcasecmp(s, "defunct") == 0)) {
		snprintf(why, whysz, "status %s", s);
		return (why);
	}
	if ((id = jsonin_str(svc, "id")) != NULL) {
		if ((prev = json_object_get(seen, id)) != NULL) {
			snprintf(why, whysz, "duplicate id %.64s (item %s)", id,
			    json_string_value(prev));
			return (why);
		}
		snprintf(why, whysz, "%zu", line);
		if (json_object_set_new(seen, id, json_string(why)) != 0) {
			*oom = 1;
			return (NULL);
		}
	}
	if ((rc = set_text(r, "name", jsonin_str(svc, "name"))) != 0 ||
	    r->n == 0) {
		*oom = rc != 0;
		return (rc != 0 ? NULL : "no name");
	}
	rc |= set_text(r, "id", id);
	org = json_object_get(svc, "organization");
	if ((s = jsonin_str(org, "name")) == NULL &&
	    (s = jsonin_str(org, "id")) == NULL)
		s = jsonin_str(svc, "organization_id");
	rc |= set_text(r, "org", s);
	rc |= set_text(r, "need", need(svc));
	rc |= set_text(r, "cohort", cohort(svc));
	rc |= set_text(r, "place", place(svc, loc));
	*oom = rc != 0;
	return (NULL);
}

/*
 * The services: a bare array; a page's "content" (Placecube, Spring) or
 * "contents" (HSDS 3) or "items"; or one service on its own.  A new
 * reference, or NULL with err set.
 */
static json_t *
services(json_t *root, char *err, size_t errsz)
{
	static const char *const keys[] = { "content", "contents", "items" };
	json_t *l;

	if (json_is_array(root))
		return (json_incref(root));
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (json_is_array(l = json_object_get(root, keys[i])))
			return (json_incref(l));
	if (json_object_get(root, "name") != NULL ||
	    json_object_get(root, "service") != NULL)
		return (json_pack("[O]", root));
	snprintf(err, errsz, "no services: want an array, a page with "
	    "\"content\" or \"contents\", or one service");
	return (NULL);
}

static void *
o_open(void *state, const char *kind, char *err, size_t errsz)
{
	(void)state;
	return (jsonin_imp_open(kind, "service", "ORUK services", err,
	    errsz));
}

static int
o_end(void *ctx, placed_emit_fn emit, void *sink, char *err, size_t errsz)
{
	json_t *root, *list, *seen;
	int rc;

	if ((root = jsonin_load(ctx, err, errsz)) == NULL)
		return (-1);
	jsonin_free(ctx);
	list = services(root, err, errsz);
	json_decref(root);
	if (list == NULL)
		return (-1);
	if ((seen = json_object()) == NULL) {
		json_decref(list);
		snprintf(err, errsz, "out of memory");
		return (-1);
	}
	rc = jsonin_emit_all(api, list, "service", service_record, seen, emit,
	    sink, err, errsz);
	json_decref(seen);
	json_decref(list);
	return (rc < 0 ? -1 : 0);
}

static int
init(placed_host_t *h, const struct placed_host_api *a, void **state)
{
	struct placed_importer imp = {
		.format = "oruk",
		.kinds = "service",
		.open = o_open,
		.feed = jsonin_imp_feed,
		.end = o_end,
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
	"Open Referral UK /services (JSON) as service records",
	init, fini,
};
