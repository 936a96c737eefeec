/*
 * fuzz_pqlrun.c — whole queries, parsed, planned and run against a small
 * store of every kind: whatever the text, placed answers or explains the
 * error, and never crashes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch.h"
#include "exec.h"
#include "schema.h"
#include "store.h"
#include "table.h"
#include "value.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static store_t *st;
static char dir[] = "/tmp/placed-fuzz-XXXXXX";

static void
put(batch_t *b, kind_t k, const char *field, const char *s)
{
	int c = schema_field_find(k, field, strlen(field));

	switch (schema_coltype(k, c)) {
	case FT_MONEY:
	case FT_NUM: {
		int64_t v;

		if ((k == KIND_SPEND || k == KIND_ACTIVITY ?
		    value_money_parse(s, strlen(s), &v) :
		    value_num_parse(s, strlen(s), &v)) == 0)
			batch_i64(b, c, v);
		break;
	}
	case FT_DATE: {
		int32_t d;

		if (value_date_parse(s, strlen(s), &d) == 0)
			batch_i32(b, c, d);
		break;
	}
	default:
		(void)batch_str(b, c, s, strlen(s));
	}
}

/* A few records of each kind, with nulls and repeats. */
static void
fill(void)
{
	static const char *rows[][5] = {
		{ "2025-04-01", "council", "Falls", "P1", "100.00" },
		{ "2025-05-02", "icb", "Falls", "P2", "-2.50" },
		{ "2026-01-31", "acute", "ED", "P1", "15000" },
		{ "2024-12-25", "council", "Housing", "", "0.01" },
	};
	static const char *people[] = { "0000000000000000000000000000000a",
	    "0000000000000000000000000000000b" };
	struct batch_opts bo = { .source = "fuzz" };
	struct batch_result res;
	char err[256];
	batch_t *b;

	for (int k = 0; k < KIND_MAX; k++) {
		if (batch_begin(st, (kind_t)k, &bo, &b, err, sizeof(err)))
			abort();
		for (int r = 0; r < 4; r++) {
			if (k == KIND_SPEND || k == KIND_ACTIVITY) {
				put(b, k, "date", rows[r][0]);
				put(b, k, "org", rows[r][1]);
				put(b, k, "service", rows[r][2]);
				put(b, k, "place", rows[r][3]);
				put(b, k, k == KIND_SPEND ? "amount" : "cost",
				    rows[r][4]);
				put(b, k, "person", people[r % 2]);
				if (k == KIND_ACTIVITY)
					put(b, k, "need", "falls");
			} else if (k == KIND_OUTCOME) {
				put(b, k, "period_start", rows[r][0]);
				put(b, k, "place", rows[r][3]);
				put(b, k, "indicator", "falls");
				put(b, k, "value", "12.5");
			} else {
				put(b, k, "org", rows[r][1]);
				put(b, k, "name", rows[r][2]);
				put(b, k, "need", "falls");
				put(b, k, "place", rows[r][3]);
			}
			if (batch_row(b, (uint32_t)r + 2))
				abort();
		}
		if (batch_commit(b, &res, err, sizeof(err)))
			abort();
	}
}

static void
cleanup(void)
{
	char cmd[128];

	store_close(st);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct pql_param params[] = { { "year", "fy2025" },
	    { "place", "P1" }, { "n", "3" } };
	char err[8192];
	struct table *t = NULL;
	uint64_t dv;
	FILE *devnull;

	if (st == NULL) {
		if (mkdtemp(dir) == NULL ||
		    store_open(dir, STORE_CREATE, &st, err, sizeof(err)))
			abort();
		atexit(cleanup);
		fill();
	}
	if (pql_run(st, (const char *)data, size, params, 3, &t, &dv, err,
	    sizeof(err)) == 0) {
		if (t == NULL)
			abort();
		if ((devnull = fopen("/dev/null", "w")) != NULL) {
			table_write(devnull, t, OUT_JSON, dv, 0);
			table_write(devnull, t, OUT_TABLE, dv, 0);
			fclose(devnull);
		}
	} else if (t != NULL || (strncmp(err, "line ", 5) != 0 &&
	    strncmp(err, "reading", 7) != 0)) {
		/* Every failure is explained, with its place. */
		abort();
	}
	table_free(t);
	return (0);
}
