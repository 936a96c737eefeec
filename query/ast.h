/*
 * ast.h — the parsed form of a PQL query.
 *
 * query = source { SEP stage }.  Every node keeps its byte span in the
 * query text so that any later error (unknown field in the planner, a
 * regex that fails at run time) can point at it.  The parser allocates
 * everything; ast_free() releases a whole query.
 */
#ifndef PLACED_PQL_AST_H
#define PLACED_PQL_AST_H

#include <stddef.h>
#include <stdint.h>

enum expr_kind {
	E_FIELD,	/* name: "amount", "cofog.division", "place.lad" */
	E_INT,		/* i */
	E_DEC,		/* i: value × 10000 */
	E_MONEY,	/* i: pence (£1.2m, £30) */
	E_DATE,		/* i: days since 1970-01-01 */
	E_PERIOD,	/* lo..hi days inclusive: fy2025, fy2025q3; name: label */
	E_DURATION,	/* i: days (30d) */
	E_STRING,	/* name: the unescaped text */
	E_PARAM,	/* name without the $ */
	E_BINOP,	/* op a b: == != < <= > >= + - * / and or */
	E_NOT,		/* a */
	E_NEG,		/* a */
	E_IN,		/* a in (list) */
	E_IN_PERIOD,	/* a in b (b is E_PERIOD or E_PARAM) */
	E_BETWEEN,	/* a between b and c */
	E_MATCH,	/* a ~ b (b is E_STRING: a PCRE2 pattern) */
	E_WITHIN,	/* a within b (b is E_STRING: a place code) */
	E_CALL,		/* name(list): month(date), sum(amount), count() */
	E_PERCENT	/* i: percent × 10000 (5% → 50000) */
};

enum binop {
	OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE,
	OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_AND, OP_OR
};

struct expr {
	enum expr_kind	k;
	size_t		off, len;	/* span in the query text */
	enum binop	op;
	struct expr	*a, *b, *c;
	struct expr	**list;
	int		nlist;
	char		*name;
	int64_t		i;
	int32_t		lo, hi;
};

enum stage_kind {
	ST_WHERE,	/* where EXPR */
	ST_GROUP,	/* group K, K (name = agg(expr), ...) */
	ST_SELECT,	/* select [name =] expr, ... */
	ST_DERIVE,	/* derive name = expr [, name = expr] */
	ST_SORT,	/* sort [-]expr, ... */
	ST_TAKE,	/* take N [offset M] | take N% */
	ST_JOIN,	/* join KIND on person|place|service */
	ST_VERB		/* accumulate, duplication, gaps, balance, ... */
};

/* One named expression: a group aggregate, a select column, a derive. */
struct named {
	char		*name;		/* NULL: derived from the expression */
	struct expr	*e;
	size_t		off, len;
};

struct sortkey {
	struct expr	*e;
	int		desc;
};

/* Arguments of a question verb; which are used depends on the verb. */
struct verb {
	char		*name;		/* "accumulate", "duplication", ... */
	char		*mode;		/* "provision"|"contact"|"prevention"|
					   subject of accumulate: "person"... */
	struct expr	**by;		/* by F, ... */
	int		nby;
	struct expr	*across;	/* across F */
	struct expr	*on;		/* on F */
	struct expr	*within;	/* within 30d */
	struct expr	*from;		/* from "service" */
	char		*level;		/* by place.ward → "ward" */
	int		transfers;	/* with transfers: count payments
					   between partners too */
};

struct stage {
	enum stage_kind	k;
	size_t		off, len;
	struct expr	*cond;		/* where */
	struct expr	**keys;		/* group keys */
	int		nkeys;
	struct named	*cols;		/* group aggs, select, derive */
	int		ncols;
	struct sortkey	*sort;
	int		nsort;
	int64_t		take;		/* rows, or percent × 10000 */
	int		take_pct;
	int64_t		offset;
	char		*join_kind;	/* join: source name */
	char		*join_on;	/* person, place, service */
	struct verb	verb;
};

struct query {
	char		*source;	/* spend, activity, outcome, services */
	size_t		srcoff, srclen;
	struct stage	*stages;
	int		nstages;
};

void ast_free(struct query *q);
void expr_free(struct expr *e);

#endif
