/*
 * demo.h — Chigley, the handbook's falls example, as generated records.
 *
 * A fictional place with two neighbourhoods (prosperous Arden Grove,
 * deprived Ramstone), seven partners and their residents' spend, contacts,
 * outcomes and services.  Deterministic for a seed; --people scales it.
 * Areas carry made-up codes (CHG-…), never ONS codes.
 */
#ifndef PLACED_DEMO_H
#define PLACED_DEMO_H

#include <stdint.h>

#include "pseudo.h"
#include "store.h"

struct plugins;

struct demo_opts {
	uint64_t	people;
	uint64_t	seed;
	const pseudo_key_t *key;
	const char	*who;
	/* Classification as at load (load.h): NULL for none. */
	const struct plugins *plugins;
	const char	*rules;
	/* Partner files: spend paid to another partner is a transfer, as
	 * at load.  NULL: none. */
	const char	*partners;
};

struct demo_batch {
	const char	*source;
	uint32_t	id;		/* 0 when unchanged */
	uint32_t	same_as;
	uint64_t	rows;
};

#define DEMO_BATCHES	4

/* Generate and load the four batches (spend, activity, outcome, service);
 * each is one atomic batch, a no-op when the same content is live. */
int demo_load(store_t *st, const struct demo_opts *o,
    struct demo_batch out[DEMO_BATCHES], char *err, size_t errsz);

#endif
