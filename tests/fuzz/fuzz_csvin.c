/* fuzz_csvin.c — the CSV reader on any bytes, in chunks of any size. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csvin.h"

static int
row(void *arg, uint64_t line, int nf, char *const *f, const size_t *len)
{
	uint64_t *last = arg;

	/* Records come in order and never before line 1. */
	if (line < *last || line == 0)
		abort();
	*last = line;
	for (int i = 0; i < nf; i++)
		if (f[i][len[i]] != '\0')
			abort();
	return (0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t last = 1;
	size_t chunk = size ? (size_t)data[0] % 17 + 1 : 1;
	csvin_t *c = csvin_new(row, &last);

	for (size_t i = 0; i < size; i += chunk)
		if (csvin_feed(c, (const char *)data + i,
		    size - i < chunk ? size - i : chunk) != 0)
			break;
	(void)csvin_end(c);
	csvin_free(c);
	return (0);
}
