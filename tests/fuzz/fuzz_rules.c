/*
 * fuzz_rules.c — rules files: whatever the text, the parser accepts it
 * (and then every rule has shares summing to 100% and matches, or fails
 * to match with -EIO) or refuses it with "NAME:LINE:COLUMN: message".
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *names[] = { "service", "description", "account" };
	static const char *values[] = { "Falls prevention", "Café 07.2.1",
	    "\xff\xfe not UTF-8" };
	struct placed_record rec = { "spend", 3, names, values, 1 };
	struct rules *r = NULL;
	const struct rule *hit;
	char err[1024];

	if (rules_parse("fuzz", (const char *)data, size, &r, err,
	    sizeof(err)) != 0) {
		if (r != NULL || strncmp(err, "fuzz:", 5) != 0)
			abort();
		return (0);
	}
	for (size_t i = 0; i < rules_count(r); i++) {
		const struct rule *ru = rules_get(r, i);
		uint32_t sum = 0;

		for (int k = 0; k < ru->ncodes; k++)
			sum += ru->shares[k].bp;
		if (ru->ncodes < 1 || sum != RULES_BP_WHOLE)
			abort();
		int rc = rules_classify(r, ru->scheme, &rec, NULL, &hit);

		/* A pattern may fail at match time (PCRE2's recursion and
		 * match limits, e.g. "(?0)"): that is -EIO, nothing else. */
		if (rc < 0 && rc != -EIO)
			abort();
	}
	rules_free(r);
	return (0);
}
