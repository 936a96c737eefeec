/*
 * test_import.c — a test importer for the host's import path (see
 * tests/integration/import.sh).  Format "pairs", kind spend: one record
 * a line, "DATE;AMOUNT[;SUPPLIER]".  A line starting with '#' is skipped
 * ("comment"), an empty one too ("blank"); "FAIL" fails the import;
 * "BOGUS" gives a field spend does not have.  Lines may arrive split
 * across feed() calls.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "placed/plugin.h"

static const struct placed_host_api *api;

struct ctx {
	char		line[1024];
	size_t		len;
	unsigned long long lineno;
};

static void *
i_open(void *state, const char *kind, char *err, size_t errsz)
{
	(void)state;
	(void)kind;
	(void)err;
	(void)errsz;
	return (calloc(1, sizeof(struct ctx)));
}

static int
one(struct ctx *c, placed_emit_fn emit, void *sink, char *err, size_t errsz)
{
	const char *names[3] = { "date", "amount", "supplier" };
	const char *values[3];
	struct placed_record r = { "spend", 0, names, values, ++c->lineno };
	char *p = c->line, *semi;

	c->line[c->len] = '\0';
	c->len = 0;
	if (*p == '\0' || *p == '#') {
		if (api->size >= offsetof(struct placed_host_api, skip) +
		    sizeof(api->skip))
			api->skip(sink, r.line, *p ? "comment" : "blank");
		return (0);
	}
	if (strcmp(p, "FAIL") == 0) {
		snprintf(err, errsz, "line %llu: told to fail", c->lineno);
		return (-1);
	}
	if (strcmp(p, "BOGUS") == 0) {
		names[0] = "bogus";
		values[0] = "x";
		r.nfields = 1;
		return (emit(sink, &r) ? -1 : 0);
	}
	while (p && r.nfields < 3) {
		if ((semi = strchr(p, ';')) != NULL)
			*semi++ = '\0';
		values[r.nfields++] = p;
		p = semi;
	}
	return (emit(sink, &r) ? -1 : 0);
}

static int
i_feed(void *vc, const char *buf, size_t n, placed_emit_fn emit, void *sink,
    char *err, size_t errsz)
{
	struct ctx *c = vc;

	for (size_t i = 0; i < n; i++) {
		if (buf[i] == '\n') {
			if (one(c, emit, sink, err, errsz) != 0)
				return (-1);
		} else if (c->len < sizeof(c->line) - 1)
			c->line[c->len++] = buf[i];
	}
	return (0);
}

static int
i_end(void *vc, placed_emit_fn emit, void *sink, char *err, size_t errsz)
{
	struct ctx *c = vc;

	return (c->len ? one(c, emit, sink, err, errsz) : 0);
}

static void
i_close(void *vc)
{
	free(vc);
}

static int
init(placed_host_t *h, const struct placed_host_api *a, void **state)
{
	struct placed_importer im = {
		.format = "pairs", .kinds = "spend", .open = i_open,
		.feed = i_feed, .end = i_end, .close = i_close,
	};

	api = a;
	*state = NULL;
	return (api->register_importer(h, &im));
}

static void
fini(void *state)
{
	(void)state;
}

PLACED_PLUGIN = {
	PLACED_ABI_MAJOR, PLACED_ABI_MINOR, sizeof(struct placed_plugin),
	"abi-import", "0.1", "a test importer", init, fini
};
