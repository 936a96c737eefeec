/*
 * verb_util.h — small helpers the question verbs share (internal to
 * query/).
 */
#ifndef PLACED_PQL_VERB_UTIL_H
#define PLACED_PQL_VERB_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "ast.h"
#include "eval.h"
#include "strmap.h"
#include "table.h"

/* n / d rounded half to even; d must not be 0. */
int64_t verb_rdiv(__int128 n, __int128 d);

/*
 * The distinct texts of some values, numbered 0, 1, ... in the order they
 * are first seen.  The texts are copied into arena (q->strings, say), so
 * they outlive the input table; the map itself is the caller's to free.
 */
struct verb_names {
	strmap_t	map;
	const char	**s;		/* id → text */
	size_t		n, cap;
	struct table	*arena;
};

void verb_names_init(struct verb_names *nm, struct table *arena);
void verb_names_free(struct verb_names *nm);
/* The id of v's text (added if new), or -1 when out of memory.  v must
 * not be null. */
int64_t verb_names_id(struct verb_names *nm, const struct value *v);

/*
 * Column number of the field e names in t; else -1 after an error at e
 * ("unknown field "x" after across — did you mean "org"?").  after says
 * where the field was written, e.g. "across".
 */
int verb_field(struct qctx *q, const struct table *t, const struct expr *e,
    const char *after);

/* The id of v's text, or -1 when it has none (nothing is added). */
int64_t verb_names_find(const struct verb_names *nm, const struct value *v);

/* One contact of a person, for the verbs that follow people through
 * time; names are verb_names ids, f the compared field's (if any). */
struct verb_contact {
	uint32_t	person, service, f;
	int32_t		date;
	size_t		row;		/* input order breaks ties */
};

/* qsort order: person, then date, then input row. */
int verb_by_person_date(const void *a, const void *b);

/* The column name of in, of type type unless that is V_NULL; else -1
 * after the error "VERB needs a NAME column: it reads activity". */
int verb_need(struct qctx *q, const struct stage *st, const struct table *in,
    const char *verb, const char *name, enum vtype type);

/* A sum as a value of type t: null when it is beyond int64 (no amount
 * in any real place comes near; nothing wraps silently). */
struct value verb_fit(enum vtype t, __int128 v);

/* The V_MONTH, V_QUARTER or V_FY value of a day. */
int64_t verb_period_of(enum vtype pt, int32_t days);
/* A number of days written as 30d or as a $parameter; 0, or -1 after
 * an error at e. */
int verb_days(struct qctx *q, const struct expr *e, int64_t *days);
/* A string written in quotes or as a $parameter; NULL after an error. */
const char *verb_text(struct qctx *q, const struct expr *e);

/*
 * The column of in flagging transfers between partners ("transfer" =
 * "yes"), when the stage leaves them out (no "with transfers") and the
 * table has it; else -1.  verb_is_transfer tells a row.
 */
int verb_transfer_col(const struct stage *st, const struct table *in);
int verb_is_transfer(const struct value *row, int col);

/*
 * gaps by place.LEVEL: each row's place in t at st's level (place.ward of
 * an LSOA is its ward; null where the hierarchy has none), malloc'd, one
 * per row; NULL after an error at st.
 */
struct value *verb_place_level(struct qctx *q, const struct stage *st,
    const struct table *t);

#endif
