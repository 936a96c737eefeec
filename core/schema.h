/*
 * schema.h — the kinds of record and their fields (DESIGN §3).
 *
 * Each field is a column.  Column numbers are the field's index in its
 * kind; the column after the last field holds the source line number.
 */
#ifndef PLACED_SCHEMA_H
#define PLACED_SCHEMA_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
	KIND_SPEND,
	KIND_ACTIVITY,
	KIND_OUTCOME,
	KIND_SERVICE,
	KIND_MAX
} kind_t;

typedef enum {
	FT_STR,		/* dictionary id, uint32, 0 = empty */
	FT_PERSON,	/* dictionary id of the keyed hash, uint32 */
	FT_MONEY,	/* int64 pence */
	FT_DATE,	/* int32 days */
	FT_NUM,		/* int64 fixed point, NUM_SCALE */
	FT_LINE		/* uint32 source line */
} ftype_t;

/* Field flags. */
#define FD_CLASS	1	/* a classification: given or filled at load */
#define FD_DERIVED	2	/* computed at load, never read from input */

struct field_def {
	const char	*name;
	ftype_t		type;
	int		required;
	int		flags;
};

struct kind_def {
	const char		*name;
	const struct field_def	*fields;
	int			nfields;
};

#define SCHEMA_MAXCOLS	24

const struct kind_def *schema_kind(kind_t k);
/* Kind by name ("spend", ...), case-insensitive; -1 when unknown. */
int schema_kind_find(const char *name);
/* Field index by name, case-insensitive and blank-trimmed; -1 when none. */
int schema_field_find(kind_t k, const char *name, size_t n);
/* Column count including the line column. */
int schema_ncols(kind_t k);
/* Bytes per stored value of a field type. */
size_t schema_width(ftype_t t);
ftype_t schema_coltype(kind_t k, int col);
const char *schema_colname(kind_t k, int col);
const char *schema_type_name(ftype_t t);

#endif
