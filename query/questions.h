/*
 * questions.h — saved questions: etc/questions/NAME.pql, a header of
 * comment lines (title, handbook row, typed parameters) and then a PQL
 * query.  etc/questions/README.md describes the format.
 *
 * Memory: a struct questions owns every string and array it reaches;
 * questions_free() releases all of it.  question_bind() copies nothing:
 * the values it writes point into the question and into given[], so use
 * them while both live.  The JSON functions return malloc'd text for the
 * caller to free().
 */
#ifndef PLACED_PQL_QUESTIONS_H
#define PLACED_PQL_QUESTIONS_H

#include <stddef.h>

#include "exec.h"

struct qparam {
	char	*name;		/* [a-z_][a-z0-9_]*, used as $name */
	char	*type;		/* string int money date period duration
				   percent */
	char	*def;		/* default value; NULL when required */
	char	*desc;
};

struct question {
	char		*name;		/* the file's base name, [a-z0-9_-]+ */
	char		*title;
	char		*handbook;	/* the Table 1 question it answers */
	char		*text;		/* the PQL, after the header */
	struct qparam	*params;	/* in the order declared */
	int		nparams;
	char		*path;		/* DIR/NAME.pql */
};

struct questions {
	struct question	*v;		/* sorted by name */
	size_t		n;
};

/*
 * Load every DIR/NAME.pql (names starting with "." are skipped) into
 * *out, sorted by name.  All or nothing: 0 with *out filled (perhaps
 * empty), or a negative errno (-EINVAL a bad file, -ENOENT no DIR, -ENOMEM) with
 * *out empty and err holding "PATH:LINE: what is wrong" — a bad header,
 * a default that does not fit its type, a $name the header does not
 * declare, a declared parameter the query never uses, a PQL syntax error
 * (its line counted in the file).  A server keeps its old set when a
 * reload fails.
 */
int questions_load(const char *dir, struct questions *out, char *err,
    size_t errsz);
void questions_free(struct questions *qs);

/* The question called name, or NULL. */
const struct question *questions_find(const struct questions *qs,
    const char *name);

/*
 * The parameters to run q with: each of given[] (name=value pairs, as
 * from a URL query string or the command line) checked against its
 * declared type, then the default of each parameter not given.  Writes
 * one entry per declared parameter, in declared order, to out[] and
 * returns how many (at most max); or a negative errno with err naming the
 * parameter: -EINVAL unknown, given twice, ill-typed or required and
 * missing; -ENOSPC more than max.
 */
int question_bind(const struct question *q, const struct pql_param *given,
    int ngiven, struct pql_param *out, int max, char *err, size_t errsz);

/*
 * Check value as a parameter of type (a name struct qparam allows): 0, or
 * -EINVAL with err saying what was wrong ("is not a period (fy2025,
 * fy2025q3 or YYYY-MM-DD)").  Every value that passes is one PQL reads
 * the same way where the type is used.
 */
int qparam_check(const char *type, const char *value, char *err,
    size_t errsz);

/*
 * JSON text describing every question ({"questions":[…]}) or one:
 * {"name","title","handbook","params":[{"name","type","default",
 * "required","description"}…],"pql"}, with "default" null when the
 * parameter is required.  NULL when out of memory.
 */
char *questions_json(const struct questions *qs);
char *question_json(const struct question *q);

#endif
