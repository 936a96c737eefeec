/*
 * table.h — a query result: named, typed columns and rows of values.
 *
 * The result shape of DESIGN §6 and every output format come from here.
 * Strings are copied into the table's arena, so a table outlives the read
 * transaction it was computed in.
 */
#ifndef PLACED_PQL_TABLE_H
#define PLACED_PQL_TABLE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum vtype {
	V_NULL,		/* only as a value, never a column type */
	V_INT,		/* counts, line numbers */
	V_MONEY,	/* pence */
	V_DATE,		/* days */
	V_NUM,		/* × 10000 */
	V_PCT,		/* percent × 10000, printed with one decimal */
	V_STR,
	V_BOOL,
	V_MONTH,	/* months since year 0: printed 2025-04 */
	V_QUARTER,	/* fiscal quarters since year 0: 2025-26 Q1 */
	V_FY		/* fiscal year start: 2025-26 */
};

struct value {
	enum vtype	t;
	int64_t		i;
	const char	*s;		/* V_STR */
};

struct column {
	char		*name;
	enum vtype	type;
	const char	*dict;		/* strings are this dictionary field's,
					   with their ids in value.i */
	int		hidden;		/* carried, never printed (support) */
	int		key;		/* a group key: never suppressed */
	int		person;		/* holds person pseudonyms */
};

struct table {
	int		ncols;
	struct column	*cols;
	size_t		nrows, cap;
	struct value	*cells;		/* row-major: nrows × ncols */
	char		**arena;	/* string blocks */
	size_t		narena;
	char		*anext;		/* free space in the last block */
	size_t		afree;
	uint64_t	suppressed;
};

struct table *table_new(int ncols);
void table_free(struct table *t);
int table_set_col(struct table *t, int c, const char *name, enum vtype type);
/* Column c of t as column sc of src: name, type and flags. */
int table_copy_col(struct table *t, int c, const struct table *src, int sc);
/* The hidden column called name, or -1. */
int table_hidden_col(const struct table *t, const char *name);
/* Append a row; returns its cells (ncols of V_NULL) or NULL. */
struct value *table_add_row(struct table *t);
struct value *table_row(const struct table *t, size_t r);
const char *table_strdup(struct table *t, const char *s, size_t n);
/* Move src's strings to dst's keeping, so tables made from src may keep
 * pointing at them after src is freed. */
int table_give_strings(struct table *src, struct table *dst);

const char *vtype_name(enum vtype t);
/* Text of one value as the formats print it ("" for null). */
size_t value_text(const struct value *v, char *buf, size_t bufsz);
int value_cmp(const struct value *a, const struct value *b);

enum out_format { OUT_TABLE, OUT_CSV, OUT_JSON, OUT_NDJSON };
int out_format_parse(const char *s, enum out_format *f);
/* meta: data version and elapsed time for JSON.  Hidden columns are
 * left out of every format. */
int table_write(FILE *f, const struct table *t, enum out_format fmt,
    uint64_t data_version, double elapsed_ms);

#endif
