/* verb.c — the question verbs by name. */
#include "config.h"

#include <string.h>

#include "verb.h"

static const struct {
	const char	*name;
	verb_fn		fn;
} verbs[] = {
	{ "accumulate", verb_accumulate },
	{ "balance", verb_balance },
	{ "duplication", verb_duplication },
	{ "frequency", verb_frequency },
	{ "gaps", verb_gaps },
	{ "journeys", verb_journeys },
	{ "quality", verb_quality },
	{ "trend", verb_trend },
	{ NULL, NULL }
};

verb_fn
verb_find(const char *name)
{
	for (size_t i = 0; verbs[i].name; i++)
		if (strcmp(verbs[i].name, name) == 0)
			return (verbs[i].fn);
	return (NULL);
}
