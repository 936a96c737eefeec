/* got_sink.c — a recording sink for importer tests. */
#include <stdio.h>
#include <string.h>

#include "got_sink.h"

static int
got_record(void *arg, const struct placed_record *r)
{
	struct got *g = arg;

	if (g->nrec < GOT_MAX) {
		struct got_rec *k = &g->rec[g->nrec];

		k->n = r->nfields < 16 ? r->nfields : 16;
		k->line = r->line;
		for (int i = 0; i < k->n; i++) {
			snprintf(k->names[i], sizeof(k->names[i]), "%s",
			    r->names[i]);
			snprintf(k->values[i], sizeof(k->values[i]), "%s",
			    r->values[i] ? r->values[i] : "");
		}
	}
	if (g->hook)
		g->hook(g, r);
	g->nrec++;
	return (g->stop_after > 0 && g->nrec >= g->stop_after);
}

static void
got_skip(void *arg, uint64_t line, const char *why)
{
	struct got *g = arg;

	if (g->nskip < GOT_MAX) {
		g->skip_line[g->nskip] = line;
		snprintf(g->skip_why[g->nskip], sizeof(g->skip_why[0]), "%s",
		    why);
	}
	g->nskip++;
}

void
got_init(struct got *g)
{
	memset(g, 0, sizeof(*g));
	g->sink.record = got_record;
	g->sink.skip = got_skip;
	g->sink.arg = g;
}

const char *
got_field(const struct got *g, int i, const char *name)
{
	if (i >= g->nrec || i >= GOT_MAX)
		return (NULL);
	for (int f = 0; f < g->rec[i].n; f++)
		if (strcmp(g->rec[i].names[f], name) == 0)
			return (g->rec[i].values[f]);
	return (NULL);
}

int
got_import(struct got *g, const struct placed_importer *imp,
    const char *kind, const char *text, size_t chunk, char *err,
    size_t errsz)
{
	got_init(g);
	err[0] = '\0';
	return (mock_import(imp, kind, text, strlen(text), chunk, &g->sink,
	    err, errsz));
}
