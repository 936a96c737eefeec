/* schema.c — the record kinds of DESIGN §3 as data. */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "schema.h"

/*
 * The fields classification fills at load (core/classify.c): a code of
 * the scheme whose field each is, the largest share where a record is
 * split, the split itself in "shares" ("prevention: secondary 25%,
 * tertiary 75%") when any scheme gave more than one code, and in
 * "classified_by" what filled each field that the input did not give
 * ("cofog: rule cofog.rules:12; prevention: plugin example-scheme"), so
 * reclassify knows what to recompute and an analyst can see why.
 */
#define CLASS_FIELDS \
	{ "cofog",	 FT_STR,    0, FD_CLASS }, \
	{ "prevention",	 FT_STR,    0, FD_CLASS }, \
	{ "shares",	 FT_STR,    0, FD_DERIVED }, \
	{ "classified_by", FT_STR,  0, FD_DERIVED },

static const struct field_def spend_fields[] = {
	{ "date",	 FT_DATE,   0, 0 },
	{ "org",	 FT_STR,    0, 0 },
	{ "service",	 FT_STR,    0, 0 },
	{ "supplier",	 FT_STR,    0, 0 },
	{ "description", FT_STR,    0, 0 },
	{ "account",	 FT_STR,    0, 0 },
	{ "amount",	 FT_MONEY,  1, 0 },
	{ "place",	 FT_STR,    0, 0 },
	{ "cohort",	 FT_STR,    0, 0 },
	{ "person",	 FT_PERSON, 0, 0 },
	{ "funder",	 FT_STR,    0, 0 },
	CLASS_FIELDS
	/* Set at load from the partner files (core/partners.h): "yes" and
	 * the partner paid when the supplier is another partner. */
	{ "transfer",	 FT_STR,    0, FD_DERIVED },
	{ "transfer_to", FT_STR,    0, FD_DERIVED },
};

static const struct field_def activity_fields[] = {
	{ "date",	 FT_DATE,   1, 0 },
	{ "org",	 FT_STR,    0, 0 },
	{ "service",	 FT_STR,    0, 0 },
	{ "person",	 FT_PERSON, 0, 0 },
	{ "place",	 FT_STR,    0, 0 },
	{ "need",	 FT_STR,    0, 0 },
	{ "type",	 FT_STR,    0, 0 },
	{ "episode",	 FT_STR,    0, 0 },
	{ "cost",	 FT_MONEY,  0, 0 },
	CLASS_FIELDS
};

static const struct field_def outcome_fields[] = {
	{ "period_start", FT_DATE,  1, 0 },
	{ "period_end",	  FT_DATE,  0, 0 },
	{ "place",	  FT_STR,   0, 0 },
	{ "cohort",	  FT_STR,   0, 0 },
	{ "indicator",	  FT_STR,   1, 0 },
	{ "value",	  FT_NUM,   1, 0 },
	{ "unit",	  FT_STR,   0, 0 },
};

static const struct field_def service_fields[] = {
	{ "id",		 FT_STR,    0, 0 },
	{ "org",	 FT_STR,    0, 0 },
	{ "name",	 FT_STR,    1, 0 },
	{ "need",	 FT_STR,    0, 0 },
	{ "cohort",	 FT_STR,    0, 0 },
	{ "place",	 FT_STR,    0, 0 },
	{ "capacity",	 FT_NUM,    0, 0 },
	{ "waiting",	 FT_NUM,    0, 0 },
	CLASS_FIELDS
};

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const struct kind_def kinds[KIND_MAX] = {
	[KIND_SPEND]	= { "spend",	spend_fields,	 N(spend_fields) },
	[KIND_ACTIVITY] = { "activity", activity_fields, N(activity_fields) },
	[KIND_OUTCOME]	= { "outcome",	outcome_fields,	 N(outcome_fields) },
	[KIND_SERVICE]	= { "service",	service_fields,	 N(service_fields) },
};

const struct kind_def *
schema_kind(kind_t k)
{
	return (k < KIND_MAX ? &kinds[k] : NULL);
}

int
schema_kind_find(const char *name)
{
	for (int k = 0; k < KIND_MAX; k++)
		if (strcasecmp(name, kinds[k].name) == 0)
			return (k);
	/* "services" reads naturally too, as PQL's source name. */
	if (strcasecmp(name, "services") == 0)
		return (KIND_SERVICE);
	return (-1);
}

int
schema_field_find(kind_t k, const char *name, size_t n)
{
	const struct kind_def *kd = schema_kind(k);

	while (n > 0 && (*name == ' ' || *name == '\t')) {
		name++;
		n--;
	}
	while (n > 0 && (name[n - 1] == ' ' || name[n - 1] == '\t'))
		n--;
	for (int i = 0; i < kd->nfields; i++)
		if (strlen(kd->fields[i].name) == n &&
		    strncasecmp(kd->fields[i].name, name, n) == 0)
			return (i);
	return (-1);
}

int
schema_ncols(kind_t k)
{
	return (kinds[k].nfields + 1);
}

size_t
schema_width(ftype_t t)
{
	switch (t) {
	case FT_MONEY:
	case FT_NUM:
		return (8);
	default:
		return (4);
	}
}

ftype_t
schema_coltype(kind_t k, int col)
{
	return (col == kinds[k].nfields ? FT_LINE : kinds[k].fields[col].type);
}

const char *
schema_colname(kind_t k, int col)
{
	return (col == kinds[k].nfields ? "line" : kinds[k].fields[col].name);
}

const char *
schema_type_name(ftype_t t)
{
	static const char *names[] = { "string", "person", "money", "date",
	    "number", "line" };
	return (names[t]);
}
