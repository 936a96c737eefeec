/*
 * parse_verb.c — the stages of the question verbs (accumulate,
 * duplication, gaps, balance, frequency, journeys, trend, quality), each
 * parsed after the verb's name.
 */
#include "config.h"

#include <string.h>

#include "ast.h"
#include "lexer.h"
#include "parse.h"

/* fields = field { "," field } */
static int
p_fields(struct parser *p, struct verb *v, const char *what)
{
	struct expr *e;

	for (;;) {
		if ((e = p_field(p, what)) == NULL ||
		    push_expr(p, &v->by, &v->nby, e) != 0)
			return (-1);
		if (p->tok.t != T_COMMA)
			return (0);
		if (advance(p) != 0)
			return (-1);
	}
}

/* [ "with" "transfers" ]: money moving between partners is left out of
 * pooled totals unless asked for. */
static int
p_transfers(struct parser *p, struct verb *v)
{
	if (!is_word(p, "with"))
		return (0);
	if (advance(p) != 0 || p_word(p, "transfers", "\"transfers\" after "
	    "\"with\"") != 0)
		return (-1);
	v->transfers = 1;
	return (0);
}

static const char *const subjects[] = { "person", "place", "cohort", "org" };

/* accumulate = "accumulate" "by" SUBJECT [ "across" field ]
 *     [ "with" "transfers" ] */
int
p_accumulate(struct parser *p, struct stage *st)
{
	struct verb *v = &st->verb;

	if (p_word(p, "by", "\"by\" after \"accumulate\"") != 0 ||
	    p_choice(p, subjects, NELEM(subjects),
	    "person, place, cohort or org after \"accumulate by\"",
	    &v->mode) != 0)
		return (-1);
	if (is_word(p, "across")) {
		if (advance(p) != 0 ||
		    (v->across = p_field(p, "a field after \"across\"")) ==
		    NULL)
			return (-1);
	}
	return (p_transfers(p, v));
}

static const char *const dup_modes[] = { "provision", "contact" };

/*
 * duplication = "duplication" ( "provision" [ "by" fields ]
 *                             | "contact" "on" field "within" DURATION )
 */
int
p_duplication(struct parser *p, struct stage *st)
{
	struct verb *v = &st->verb;

	if (p_choice(p, dup_modes, NELEM(dup_modes),
	    "\"provision\" or \"contact\" after \"duplication\"",
	    &v->mode) != 0)
		return (-1);
	if (strcmp(v->mode, "provision") == 0) {
		if (!is_word(p, "by"))
			return (0);
		if (advance(p) != 0)
			return (-1);
		return (p_fields(p, v, "a field after \"by\""));
	}
	if (p_word(p, "on", "\"on\" after \"duplication contact\"") != 0 ||
	    (v->on = p_field(p, "a field after \"on\"")) == NULL ||
	    p_word(p, "within", "\"within\" and a number of days") != 0 ||
	    (v->within = p_duration(p,
	    "a duration such as 30d after \"within\"")) == NULL)
		return (-1);
	return (0);
}

/* gaps = "gaps" "by" ( "place" | "place." LEVEL ) "," field */
int
p_gaps(struct parser *p, struct stage *st)
{
	struct verb *v = &st->verb;
	struct expr *e;

	if (p_word(p, "by", "\"by\" after \"gaps\"") != 0)
		return (-1);
	if (!is_word(p, "place") && (p->tok.t != T_IDENT ||
	    strncmp(p->tok.s, "place.", 6) != 0))
		return (expected(p, "place or place.LEVEL after \"gaps by\""));
	if (p->tok.s[5] == '.' && (v->level = strdup(p->tok.s + 6)) == NULL)
		return (oom(p));
	if (advance(p) != 0)
		return (-1);
	if (p->tok.t != T_COMMA)
		return (expected(p, "\",\" and the field to grid places by"));
	if (advance(p) != 0 || (e = p_field(p, "a field after \",\"")) ==
	    NULL)
		return (-1);
	return (push_expr(p, &v->by, &v->nby, e));
}

static const char *const balances[] = { "prevention" };

/* balance = "balance" "prevention" [ "by" fields ] [ "with" "transfers" ] */
int
p_balance(struct parser *p, struct stage *st)
{
	struct verb *v = &st->verb;

	if (p_choice(p, balances, NELEM(balances),
	    "\"prevention\" after \"balance\"", &v->mode) != 0)
		return (-1);
	if (is_word(p, "by") && (advance(p) != 0 ||
	    p_fields(p, v, "a field after \"by\"") != 0))
		return (-1);
	return (p_transfers(p, v));
}

/* frequency = "frequency" [ "by" "service" ] */
int
p_frequency(struct parser *p, struct stage *st)
{
	struct verb *v = &st->verb;
	struct expr *e;

	if (!is_word(p, "by"))
		return (0);
	if (advance(p) != 0)
		return (-1);
	if (!is_word(p, "service"))
		return (expected(p, "\"service\" after \"frequency by\""));
	if ((e = p_field(p, "service")) == NULL)
		return (-1);
	return (push_expr(p, &v->by, &v->nby, e));
}

/* journeys = "journeys" [ "from" STRING ] [ "within" DURATION ] */
int
p_journeys(struct parser *p, struct stage *st)
{
	struct verb *v = &st->verb;

	if (is_word(p, "from")) {
		if (advance(p) != 0 || (v->from = p_string(p,
		    "a service name string after \"from\"")) == NULL)
			return (-1);
	}
	if (is_word(p, "within")) {
		if (advance(p) != 0 || (v->within = p_duration(p,
		    "a duration such as 30d after \"within\"")) == NULL)
			return (-1);
	}
	return (0);
}

static const char *const units[] = { "month", "quarter", "fy" };

/* trend = "trend" "by" ( "month" | "quarter" | "fy" ) [ "," field ]
 *     [ "with" "transfers" ] */
int
p_trend(struct parser *p, struct stage *st)
{
	struct verb *v = &st->verb;
	struct expr *e;

	if (p_word(p, "by", "\"by\" after \"trend\"") != 0 ||
	    p_choice(p, units, NELEM(units),
	    "month, quarter or fy after \"trend by\"", &v->mode) != 0)
		return (-1);
	if (p->tok.t == T_COMMA) {
		if (advance(p) != 0 ||
		    (e = p_field(p, "a field after \",\"")) == NULL ||
		    push_expr(p, &v->by, &v->nby, e) != 0)
			return (-1);
	}
	return (p_transfers(p, v));
}

/* quality = "quality" */
int
p_quality(struct parser *p, struct stage *st)
{
	(void)p;
	(void)st;
	return (0);
}
