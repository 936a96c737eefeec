/*
 * verb_balance.c — balance prevention [by F, ...]: spend split by the
 * levels of a prevention scheme.
 *
 * XXX: no scheme exists until the plugin issue adds prevention
 * classification; it fills this verb in (F..., level, amount, share, one
 * row per level plus unclassified).  Until then the stage says so.
 */
#include "config.h"

#include <string.h>

#include "verb.h"

struct table *
verb_balance(struct qctx *q, const struct stage *st, const struct table *in)
{
	(void)in;
	if (strcmp(st->verb.mode, "prevention") != 0)
		q_error(q, st->off, st->len, "balance supports only "
		    "prevention, not \"%s\"", st->verb.mode);
	else
		q_error(q, st->off, st->len, "balance prevention needs a "
		    "prevention scheme, and no plugin provides one yet");
	return (NULL);
}
