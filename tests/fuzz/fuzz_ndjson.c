/* fuzz_ndjson.c — the flat-object scanner on any bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ndjson.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ndjson_field f[16];
	char err[160], *line = malloc(size ? size : 1);
	int n;

	memcpy(line, data, size);
	n = ndjson_object(line, size, f, 16, err, sizeof(err));
	for (int i = 0; i < n; i++)
		if (f[i].key < line || f[i].key + f[i].klen > line + size ||
		    (f[i].type != NDJ_BOOL && f[i].type != NDJ_NULL &&
		    (f[i].val < line || f[i].val + f[i].vlen > line + size)))
			abort();
	free(line);
	return (0);
}
