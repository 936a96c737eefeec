/*
 * test_pql_parse.c — PQL lexer and parser: tokens and their values, the
 * AST of every stage and verb, and the exact text of errors.
 *
 * Every query goes through a heap copy of exactly its length, so running
 * under AddressSanitizer catches any read past the end of the text.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "ast.h"
#include "lexer.h"
#include "parser.h"
#include "value.h"

#define POUND	"\xc2\xa3"

static char *
copy(const char *s, size_t *n)
{
	char *b;

	*n = strlen(s);
	b = malloc(*n ? *n : 1);
	cr_assert_not_null(b);
	memcpy(b, s, *n);
	return (b);
}

/* Lexer -------------------------------------------------------------- */

#define MAXTOK	64

struct toks {
	struct token	t[MAXTOK];
	int		n;
	int		r;
	char		err[1024];
};

/* All tokens of s up to and including T_EOF, or up to an error. */
static void
lex(const char *s, struct toks *out)
{
	struct lexer lx;
	size_t n;
	char *b = copy(s, &n);

	memset(out, 0, sizeof(*out));
	lex_init(&lx, b, n, out->err, sizeof(out->err));
	for (;;) {
		cr_assert_lt(out->n, MAXTOK);
		out->r = lex_next(&lx, &out->t[out->n]);
		if (out->r != 0)
			break;
		if (out->t[out->n++].t == T_EOF)
			break;
	}
	free(b);
}

static void
toks_free(struct toks *t)
{
	for (int i = 0; i < t->n; i++)
		free(t->t[i].s);
}

/* The one token of s (then T_EOF). */
static struct token
lex1(const char *s, enum tok want)
{
	struct toks t;
	struct token k;

	lex(s, &t);
	cr_assert_eq(t.r, 0, "lexing \"%s\": %s", s, t.err);
	cr_assert_eq(t.n, 2, "\"%s\": %d tokens", s, t.n);
	cr_assert_eq(t.t[0].t, want, "\"%s\" is %s, want %s", s,
	    tok_name(t.t[0].t), tok_name(want));
	cr_assert_eq(t.t[0].off, 0);
	cr_assert_eq(t.t[0].len, strlen(s), "\"%s\": len %zu", s,
	    t.t[0].len);
	cr_assert_eq(t.t[1].t, T_EOF);
	k = t.t[0];
	k.s = NULL;
	toks_free(&t);
	return (k);
}

static void
lex_bad(const char *s, const char *msg)
{
	struct toks t;

	lex(s, &t);
	cr_expect_neq(t.r, 0, "\"%s\" lexed", s);
	cr_expect_str_eq(t.err, msg);
	toks_free(&t);
}

static int64_t
money(const char *s)
{
	return (lex1(s, T_MONEY).i);
}

Test(lexer, identifiers)
{
	struct toks t;

	lex("spend cofog.division place.lad _x a1_b where", &t);
	cr_assert_eq(t.r, 0);
	cr_assert_eq(t.n, 7);
	cr_expect_str_eq(t.t[0].s, "spend");
	cr_expect_str_eq(t.t[1].s, "cofog.division");
	cr_expect_eq(t.t[1].off, 6);
	cr_expect_eq(t.t[1].len, 14);
	cr_expect_str_eq(t.t[2].s, "place.lad");
	cr_expect_str_eq(t.t[3].s, "_x");
	cr_expect_str_eq(t.t[4].s, "a1_b");
	cr_expect_str_eq(t.t[5].s, "where");
	for (int i = 0; i < 6; i++)
		cr_expect_eq(t.t[i].t, T_IDENT);
	cr_expect_eq(t.t[6].t, T_EOF);
	cr_expect_eq(t.t[6].off, 44);
	toks_free(&t);
}

Test(lexer, strings)
{
	struct toks t;

	lex("\"a \\\"b\\\" \\\\ \\n \\t\" \"\" \"£ é\"", &t);
	cr_assert_eq(t.r, 0, "%s", t.err);
	cr_assert_eq(t.n, 4);
	cr_expect_eq(t.t[0].t, T_STRING);
	cr_expect_str_eq(t.t[0].s, "a \"b\" \\ \n \t");
	cr_expect_eq(t.t[0].len, 18);
	cr_expect_str_eq(t.t[1].s, "");
	cr_expect_str_eq(t.t[2].s, "£ é");
	toks_free(&t);
}

Test(lexer, numbers)
{
	cr_expect_eq(lex1("0", T_INT).i, 0);
	cr_expect_eq(lex1("42", T_INT).i, 42);
	cr_expect_eq(lex1("9223372036854775807", T_INT).i, INT64_MAX);
	cr_expect_eq(lex1("12.5", T_DEC).i, 125000);
	cr_expect_eq(lex1("0.0001", T_DEC).i, 1);
	cr_expect_eq(lex1("3.14150", T_DEC).i, 31415);
	cr_expect_eq(lex1("5%", T_PERCENT).i, 50000);
	cr_expect_eq(lex1("2.5%", T_PERCENT).i, 25000);
	cr_expect_eq(lex1("100%", T_PERCENT).i, 1000000);
	cr_expect_eq(lex1("30d", T_DURATION).i, 30);
	cr_expect_eq(lex1("0d", T_DURATION).i, 0);
}

Test(lexer, money)
{
	cr_expect_eq(money(POUND "30"), 3000);
	cr_expect_eq(money(POUND "0.01"), 1);
	cr_expect_eq(money(POUND "1.23"), 123);
	cr_expect_eq(money(POUND "1.5"), 150);
	cr_expect_eq(money(POUND "2,500"), 250000);
	cr_expect_eq(money(POUND "1,234,567.89"), 123456789);
	cr_expect_eq(money(POUND "1.5k"), 150000);
	cr_expect_eq(money(POUND "2K"), 200000);
	cr_expect_eq(money(POUND "1.2m"), 120000000);
	cr_expect_eq(money(POUND "1.2345m"), 123450000);
	cr_expect_eq(money(POUND "1.23456789m"), 123456789);
	cr_expect_eq(money(POUND "0.00001k"), 1);
	cr_expect_eq(money(POUND "3bn"), 300000000000LL);
	cr_expect_eq(money(POUND "1.25bn"), 125000000000LL);
	cr_expect_eq(money(POUND "0.00000000001bn"), 1);
	cr_expect_eq(money(POUND "1.2300m"), 123000000);
}

Test(lexer, money_errors)
{
	lex_bad(POUND "1.234",
	    "line 1, column 1: " POUND "1.234 is not exact to the penny\n"
	    POUND "1.234\n^^^^^^^");
	lex_bad(POUND "1.000005k",
	    "line 1, column 1: " POUND "1.000005k is not exact to the "
	    "penny\n" POUND "1.000005k\n^^^^^^^^^^^");
	lex_bad(POUND "0.000000000001bn",
	    "line 1, column 1: " POUND "0.000000000001bn is not exact to "
	    "the penny\n" POUND "0.000000000001bn\n^^^^^^^^^^^^^^^^^^");
	lex_bad("x " POUND "3x",
	    "line 1, column 3: bad money amount \"" POUND "3x\": use " POUND
	    "30, " POUND "2,500, " POUND "1.5k, " POUND "1.2m or " POUND
	    "3bn\nx " POUND "3x\n  ^^^^");
	lex_bad(POUND "1,23", "line 1, column 1: bad money amount \"" POUND
	    "1,23\"\n" POUND "1,23\n^^^^^^");
	lex_bad(POUND "2,500k", "line 1, column 1: bad money amount \""
	    POUND "2,500k\"\n" POUND "2,500k\n^^^^^^^^");
	lex_bad(POUND "99999999999999999999",
	    "line 1, column 1: money amount too large\n" POUND
	    "99999999999999999999\n^^^^^^^^^^^^^^^^^^^^^^");
	lex_bad(POUND "bn", "line 1, column 1: expected an amount after \""
	    POUND "\"\n" POUND "bn\n^^^^");
}

Test(lexer, dates)
{
	cr_expect_eq(lex1("2025-04-01", T_DATE).i, date_from_ymd(2025, 4, 1));
	cr_expect_eq(lex1("1970-01-01", T_DATE).i, 0);
	cr_expect_eq(lex1("2024-02-29", T_DATE).i,
	    date_from_ymd(2024, 2, 29));
	lex_bad("2025-02-29", "line 1, column 1: bad date \"2025-02-29\"\n"
	    "2025-02-29\n^^^^^^^^^^");
	lex_bad("2025-04-01x", "line 1, column 1: bad date \"2025-04-01x\"\n"
	    "2025-04-01x\n^^^^^^^^^^^");
}

static void
period(const char *s, int y0, int m0, int d0, int y1, int m1, int d1)
{
	struct toks t;

	lex(s, &t);
	cr_assert_eq(t.r, 0, "%s", t.err);
	cr_assert_eq(t.t[0].t, T_PERIOD, "\"%s\" is not a period", s);
	cr_expect_str_eq(t.t[0].s, s);
	cr_expect_eq(t.t[0].lo, date_from_ymd(y0, m0, d0), "%s lo", s);
	cr_expect_eq(t.t[0].hi, date_from_ymd(y1, m1, d1), "%s hi", s);
	toks_free(&t);
}

Test(lexer, fiscal_periods)
{
	period("fy2025", 2025, 4, 1, 2026, 3, 31);
	period("fy2023", 2023, 4, 1, 2024, 3, 31);
	period("fy2025q1", 2025, 4, 1, 2025, 6, 30);
	period("fy2025q2", 2025, 7, 1, 2025, 9, 30);
	period("fy2025q3", 2025, 10, 1, 2025, 12, 31);
	/* q4 is January to March of the next calendar year. */
	period("fy2025q4", 2026, 1, 1, 2026, 3, 31);
	period("fy2023q4", 2024, 1, 1, 2024, 3, 31);	/* leap February */
	cr_expect_eq(lex1("fy", T_IDENT).t, T_IDENT);
	cr_expect_eq(lex1("fy25", T_IDENT).t, T_IDENT);
	cr_expect_eq(lex1("fy2025x", T_IDENT).t, T_IDENT);
	lex_bad("fy2025q5", "line 1, column 1: bad fiscal quarter "
	    "\"fy2025q5\": quarters are q1 to q4\nfy2025q5\n^^^^^^^^");
	lex_bad("fy2025q12", "line 1, column 1: bad fiscal quarter "
	    "\"fy2025q12\": quarters are q1 to q4\nfy2025q12\n^^^^^^^^^");
}

Test(lexer, params_and_operators)
{
	static const enum tok want[] = {
		T_PARAM, T_EQ, T_NE, T_LT, T_LE, T_GT, T_GE, T_MATCH, T_PLUS,
		T_MINUS, T_STAR, T_SLASH, T_LP, T_RP, T_COMMA, T_ASSIGN,
		T_EOF
	};
	struct toks t;

	lex("$place == != < <= > >= ~ + - * / ( ) , =", &t);
	cr_assert_eq(t.r, 0, "%s", t.err);
	cr_assert_eq(t.n, (int)(sizeof(want) / sizeof(want[0])));
	for (int i = 0; i < t.n; i++)
		cr_expect_eq(t.t[i].t, want[i], "token %d is %s", i,
		    tok_name(t.t[i].t));
	cr_expect_str_eq(t.t[0].s, "place");
	cr_expect_eq(t.t[0].len, 6);
	cr_expect_eq(t.t[4].off, 15);
	cr_expect_eq(t.t[4].len, 2);
	toks_free(&t);
	lex("a<b>=c", &t);
	cr_assert_eq(t.n, 6);
	cr_expect_eq(t.t[1].t, T_LT);
	cr_expect_eq(t.t[3].t, T_GE);
	toks_free(&t);
}

Test(lexer, separators_and_comments)
{
	struct toks t;

	/* Runs of separators, blank lines and comments are one T_SEP. */
	lex("a | b\nc\n\n  # note\n| d # tail\n|", &t);
	cr_assert_eq(t.r, 0);
	cr_assert_eq(t.n, 9);
	cr_expect_eq(t.t[1].t, T_SEP);
	cr_expect_eq(t.t[1].off, 2);
	cr_expect_eq(t.t[3].t, T_SEP);
	cr_expect_eq(t.t[3].off, 5);
	cr_expect_eq(t.t[5].t, T_SEP);
	cr_expect_eq(t.t[5].off, 7);
	cr_expect_str_eq(t.t[6].s, "d");
	cr_expect_eq(t.t[7].t, T_SEP);
	cr_expect_eq(t.t[8].t, T_EOF);
	toks_free(&t);

	/* Inside parentheses a newline is only white space. */
	lex("f(a,\n b)\nc", &t);
	cr_assert_eq(t.r, 0);
	cr_assert_eq(t.n, 9);
	cr_expect_eq(t.t[3].t, T_COMMA);
	cr_expect_eq(t.t[4].t, T_IDENT);
	cr_expect_eq(t.t[5].t, T_RP);
	cr_expect_eq(t.t[6].t, T_SEP);
	toks_free(&t);

	lex("a\r\n\tb", &t);
	cr_assert_eq(t.n, 4);
	cr_expect_eq(t.t[1].t, T_SEP);
	cr_expect_eq(t.t[2].off, 4);
	toks_free(&t);
}

Test(lexer, errors)
{
	lex_bad("a \"bc", "line 1, column 3: unterminated string\n"
	    "a \"bc\n  ^^^");
	lex_bad("x\n\"ab\ncd\"", "line 2, column 1: unterminated string\n"
	    "\"ab\n^^^");
	lex_bad("\"a\\qb\"", "line 1, column 3: unknown escape \"\\q\" in "
	    "string: use \\\", \\\\, \\n or \\t\n\"a\\qb\"\n  ^^");
	lex_bad("a @ b", "line 1, column 3: unexpected character \"@\"\n"
	    "a @ b\n  ^");
	lex_bad("a ! b", "line 1, column 3: unexpected \"!\": use \"!=\" "
	    "or \"not\"\na ! b\n  ^");
	lex_bad("$ x", "line 1, column 1: expected a parameter name after "
	    "\"$\"\n$ x\n^");
	lex_bad("12ab", "line 1, column 1: bad number \"12ab\"\n12ab\n^^^^");
	lex_bad("6w", "line 1, column 1: bad duration \"6w\": durations are "
	    "in days, like 30d\n6w\n^^");
	lex_bad("1.23456", "line 1, column 1: too many decimal places in "
	    "\"1.23456\" (at most 4)\n1.23456\n^^^^^^^");
	lex_bad("99999999999999999999", "line 1, column 1: number "
	    "\"99999999999999999999\" is too large\n99999999999999999999\n"
	    "^^^^^^^^^^^^^^^^^^^^");
	lex_bad("a \x01", "line 1, column 3: unexpected byte 0x01\na \x01\n"
	    "  ^");
}

Test(parser, no_error_buffer)
{
	struct query q;

	cr_expect_eq(pql_parse("spend | grup", 12, &q, NULL, 0), -1);
	cr_expect_eq(pql_parse("spend | @", 9, &q, NULL, 0), -1);
	cr_expect_null(q.source);
}

Test(lexer, nul_byte)
{
	struct query q;
	char err[256];

	cr_assert_eq(pql_parse("spend\0 | take 1", 15, &q, err, sizeof(err)),
	    -1);
	cr_expect_str_eq(err, "line 1, column 6: unexpected byte 0x00\n"
	    "spend? | take 1\n     ^");
}

Test(lexer, where)
{
	const char *s = "ab\ncd\n\nef";
	int line, col;

	pql_where(s, strlen(s), 0, &line, &col);
	cr_expect(line == 1 && col == 1);
	pql_where(s, strlen(s), 4, &line, &col);
	cr_expect(line == 2 && col == 2);
	pql_where(s, strlen(s), 6, &line, &col);
	cr_expect(line == 3 && col == 1);
	pql_where(s, strlen(s), 99, &line, &col);
	cr_expect(line == 4 && col == 3);
	cr_expect_str_eq(tok_name(T_EOF), "end of query");
	cr_expect_str_eq(tok_name(T_LP), "\"(\"");
}

/* Parser helpers ------------------------------------------------------ */

static struct query
parse(const char *s)
{
	struct query q;
	char err[1024] = "", *b;
	size_t n;
	int r;

	b = copy(s, &n);
	r = pql_parse(b, n, &q, err, sizeof(err));
	free(b);
	cr_assert_eq(r, 0, "query failed:\n%s\n%s", s, err);
	return (q);
}

static void
parse_bad(const char *s, const char *want)
{
	struct query q, zero;
	char err[1024] = "", *b;
	size_t n;
	int r;

	memset(&q, 0x55, sizeof(q));
	memset(&zero, 0, sizeof(zero));
	b = copy(s, &n);
	r = pql_parse(b, n, &q, err, sizeof(err));
	free(b);
	cr_assert_eq(r, -1, "query parsed:\n%s", s);
	cr_expect_str_eq(err, want, "query:\n%s\nerror:\n%s\nwanted:\n%s",
	    s, err, want);
	cr_expect(memcmp(&q, &zero, sizeof(q)) == 0, "*q not zeroed");
}

/* The text of e's span in s. */
static void
span_is(const char *s, const struct expr *e, const char *want)
{
	cr_expect_eq(e->len, strlen(want), "span \"%.*s\", want \"%s\"",
	    (int)e->len, s + e->off, want);
	cr_expect(strncmp(s + e->off, want, e->len) == 0,
	    "span \"%.*s\", want \"%s\"", (int)e->len, s + e->off, want);
}

static void
is_field(const struct expr *e, const char *name)
{
	cr_assert_not_null(e);
	cr_assert_eq(e->k, E_FIELD, "kind %d, want field %s", e->k, name);
	cr_expect_str_eq(e->name, name);
}

static void
is_int(const struct expr *e, int64_t v)
{
	cr_assert_not_null(e);
	cr_assert_eq(e->k, E_INT);
	cr_expect_eq(e->i, v);
}

static void
is_binop(const struct expr *e, enum binop op)
{
	cr_assert_not_null(e);
	cr_assert_eq(e->k, E_BINOP, "kind %d, want binop", e->k);
	cr_expect_eq(e->op, op, "op %d, want %d", e->op, op);
}

/* The condition of "spend | where COND". */
static struct query
where(const char *cond, struct expr **e)
{
	char buf[512];
	struct query q;

	snprintf(buf, sizeof(buf), "spend | where %s", cond);
	q = parse(buf);
	cr_assert_eq(q.nstages, 1);
	cr_assert_eq(q.stages[0].k, ST_WHERE);
	*e = q.stages[0].cond;
	return (q);
}

/* Query, sources, separators ------------------------------------------ */

Test(parser, sources)
{
	static const char *const src[] = {
		"spend", "activity", "outcome", "services"
	};
	struct query q;
	char buf[64];

	for (int i = 0; i < 4; i++) {
		q = parse(src[i]);
		cr_expect_str_eq(q.source, src[i]);
		cr_expect_eq(q.nstages, 0);
		ast_free(&q);
		snprintf(buf, sizeof(buf), "  from %s\n", src[i]);
		q = parse(buf);
		cr_expect_str_eq(q.source, src[i]);
		cr_expect_eq(q.srcoff, 7);
		cr_expect_eq(q.srclen, strlen(src[i]));
		ast_free(&q);
	}
}

Test(parser, separators)
{
	const char *s =
	    "# spend by org\n"
	    "\n"
	    "from spend   # the source\n"
	    "| where amount > 0\n"
	    "\n"
	    "# a comment between stages\n"
	    "  | | sort -amount\n"
	    "take 3 |";
	struct query q = parse(s);

	cr_expect_str_eq(q.source, "spend");
	cr_assert_eq(q.nstages, 3);
	cr_expect_eq(q.stages[0].k, ST_WHERE);
	cr_expect_eq(q.stages[1].k, ST_SORT);
	cr_expect_eq(q.stages[2].k, ST_TAKE);
	cr_expect_eq(q.stages[2].take, 3);
	cr_expect_eq(q.stages[0].off, (size_t)(strstr(s, "where") - s));
	cr_expect_eq(q.stages[0].len, strlen("where amount > 0"));
	ast_free(&q);

	/* A newline inside parentheses does not end the stage. */
	q = parse("spend | where (amount > 0\n  and org == \"x\")\n| take 1");
	cr_assert_eq(q.nstages, 2);
	is_binop(q.stages[0].cond, OP_AND);
	ast_free(&q);

	q = parse("spend|where a|take 1");
	cr_expect_eq(q.nstages, 2);
	ast_free(&q);
}

Test(parser, design_example)
{
	const char *s =
	    "from spend\n"
	    "| where date in fy2025 and place within \"E07000120\" and not "
	    "transfer\n"
	    "| group org, cofog.division (total = sum(amount), lines = "
	    "count())\n"
	    "| sort -total\n"
	    "| take 10";
	struct query q = parse(s);
	struct expr *c, *e;
	struct stage *g;

	cr_assert_eq(q.nstages, 4);
	c = q.stages[0].cond;
	/* ((date in fy2025) and (place within ...)) and (not transfer) */
	is_binop(c, OP_AND);
	is_binop(c->a, OP_AND);
	e = c->a->a;
	cr_assert_eq(e->k, E_IN_PERIOD);
	is_field(e->a, "date");
	cr_assert_eq(e->b->k, E_PERIOD);
	cr_expect_str_eq(e->b->name, "fy2025");
	cr_expect_eq(e->b->lo, date_from_ymd(2025, 4, 1));
	cr_expect_eq(e->b->hi, date_from_ymd(2026, 3, 31));
	span_is(s, e, "date in fy2025");
	e = c->a->b;
	cr_assert_eq(e->k, E_WITHIN);
	is_field(e->a, "place");
	cr_assert_eq(e->b->k, E_STRING);
	cr_expect_str_eq(e->b->name, "E07000120");
	cr_assert_eq(c->b->k, E_NOT);
	is_field(c->b->a, "transfer");
	span_is(s, c->b, "not transfer");
	span_is(s, c, "date in fy2025 and place within \"E07000120\" and "
	    "not transfer");

	g = &q.stages[1];
	cr_assert_eq(g->k, ST_GROUP);
	cr_assert_eq(g->nkeys, 2);
	is_field(g->keys[0], "org");
	is_field(g->keys[1], "cofog.division");
	cr_assert_eq(g->ncols, 2);
	cr_expect_str_eq(g->cols[0].name, "total");
	cr_assert_eq(g->cols[0].e->k, E_CALL);
	cr_expect_str_eq(g->cols[0].e->name, "sum");
	cr_assert_eq(g->cols[0].e->nlist, 1);
	is_field(g->cols[0].e->list[0], "amount");
	span_is(s, g->cols[0].e, "sum(amount)");
	cr_expect_str_eq(g->cols[1].name, "lines");
	cr_expect_str_eq(g->cols[1].e->name, "count");
	cr_expect_eq(g->cols[1].e->nlist, 0);

	cr_assert_eq(q.stages[2].k, ST_SORT);
	cr_assert_eq(q.stages[2].nsort, 1);
	cr_expect_eq(q.stages[2].sort[0].desc, 1);
	is_field(q.stages[2].sort[0].e, "total");
	cr_expect_eq(q.stages[3].take, 10);
	cr_expect_eq(q.stages[3].take_pct, 0);
	ast_free(&q);
}

/* Expressions ---------------------------------------------------------- */

Test(parser, precedence)
{
	struct query q;
	struct expr *e, *m;

	/* a or (b and (not (c == (1 + (2 * -3))))) */
	q = where("a or b and not c == 1 + 2 * -3", &e);
	is_binop(e, OP_OR);
	is_field(e->a, "a");
	is_binop(e->b, OP_AND);
	is_field(e->b->a, "b");
	cr_assert_eq(e->b->b->k, E_NOT);
	m = e->b->b->a;
	is_binop(m, OP_EQ);
	is_field(m->a, "c");
	is_binop(m->b, OP_ADD);
	is_int(m->b->a, 1);
	is_binop(m->b->b, OP_MUL);
	is_int(m->b->b->a, 2);
	is_int(m->b->b->b, -3);
	ast_free(&q);

	/* Left associative: (a - b) - c, (a / b) * c. */
	q = where("a - b - c > a / b * c", &e);
	is_binop(e, OP_GT);
	is_binop(e->a, OP_SUB);
	is_binop(e->a->a, OP_SUB);
	is_field(e->a->b, "c");
	is_binop(e->b, OP_MUL);
	is_binop(e->b->a, OP_DIV);
	ast_free(&q);

	/* Parentheses override; "or" is left associative too. */
	q = where("(a or b) and (c or d or e)", &e);
	is_binop(e, OP_AND);
	is_binop(e->a, OP_OR);
	is_binop(e->b, OP_OR);
	is_binop(e->b->a, OP_OR);
	is_field(e->b->b, "e");
	ast_free(&q);

	q = where("x * (y + 1) != 0", &e);
	is_binop(e, OP_NE);
	is_binop(e->a, OP_MUL);
	is_binop(e->a->b, OP_ADD);
	ast_free(&q);

	q = where("not not a", &e);
	cr_assert_eq(e->k, E_NOT);
	cr_assert_eq(e->a->k, E_NOT);
	is_field(e->a->a, "a");
	ast_free(&q);
}

Test(parser, comparisons)
{
	static const struct {
		const char	*s;
		enum binop	op;
	} ops[] = {
		{ "a == 1", OP_EQ }, { "a != 1", OP_NE }, { "a < 1", OP_LT },
		{ "a <= 1", OP_LE }, { "a > 1", OP_GT }, { "a >= 1", OP_GE },
	};
	struct query q;
	struct expr *e;

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		q = where(ops[i].s, &e);
		is_binop(e, ops[i].op);
		ast_free(&q);
	}

	q = where("org in (\"a\", \"b\", $c)", &e);
	cr_assert_eq(e->k, E_IN);
	is_field(e->a, "org");
	cr_assert_eq(e->nlist, 3);
	cr_expect_str_eq(e->list[0]->name, "a");
	cr_expect_str_eq(e->list[1]->name, "b");
	cr_expect_eq(e->list[2]->k, E_PARAM);
	cr_expect_str_eq(e->list[2]->name, "c");
	ast_free(&q);

	q = where("date in fy2025q4", &e);
	cr_assert_eq(e->k, E_IN_PERIOD);
	cr_assert_eq(e->b->k, E_PERIOD);
	cr_expect_eq(e->b->lo, date_from_ymd(2026, 1, 1));
	cr_expect_eq(e->b->hi, date_from_ymd(2026, 3, 31));
	ast_free(&q);

	q = where("date in $period", &e);
	cr_assert_eq(e->k, E_IN_PERIOD);
	cr_assert_eq(e->b->k, E_PARAM);
	cr_expect_str_eq(e->b->name, "period");
	ast_free(&q);

	q = where("amount between " POUND "1k and " POUND "2.5k and x", &e);
	is_binop(e, OP_AND);
	cr_assert_eq(e->a->k, E_BETWEEN);
	is_field(e->a->a, "amount");
	cr_assert_eq(e->a->b->k, E_MONEY);
	cr_expect_eq(e->a->b->i, 100000);
	cr_expect_eq(e->a->c->i, 250000);
	is_field(e->b, "x");
	ast_free(&q);

	q = where("supplier ~ \"^acme\" or place within $place", &e);
	is_binop(e, OP_OR);
	cr_assert_eq(e->a->k, E_MATCH);
	cr_expect_str_eq(e->a->b->name, "^acme");
	cr_assert_eq(e->b->k, E_WITHIN);
	cr_expect_eq(e->b->b->k, E_PARAM);
	ast_free(&q);
}

Test(parser, literals)
{
	static const struct {
		const char	*s;
		enum expr_kind	k;
		int64_t		i;
	} lit[] = {
		{ "7", E_INT, 7 },
		{ "-7", E_INT, -7 },
		{ "12.5", E_DEC, 125000 },
		{ "-0.5", E_DEC, -5000 },
		{ "5%", E_PERCENT, 50000 },
		{ POUND "1.2m", E_MONEY, 120000000 },
		{ "-" POUND "30", E_MONEY, -3000 },
		{ "2025-04-01", E_DATE, 20179 },
		{ "30d", E_DURATION, 30 },
	};
	struct query q;
	struct expr *e;
	char buf[64];

	for (size_t i = 0; i < sizeof(lit) / sizeof(lit[0]); i++) {
		snprintf(buf, sizeof(buf), "x == %s", lit[i].s);
		q = where(buf, &e);
		cr_assert_eq(e->b->k, lit[i].k, "%s: kind %d", lit[i].s,
		    e->b->k);
		cr_expect_eq(e->b->i, lit[i].i, "%s: %lld", lit[i].s,
		    (long long)e->b->i);
		cr_expect_eq(e->b->off, 19, "%s: off %zu", lit[i].s,
		    e->b->off);
		cr_expect_eq(e->b->len, strlen(lit[i].s));
		ast_free(&q);
	}
	cr_expect_eq(date_from_ymd(2025, 4, 1), 20179);

	q = where("-amount < -(a)", &e);
	cr_assert_eq(e->a->k, E_NEG);
	is_field(e->a->a, "amount");
	cr_assert_eq(e->b->k, E_NEG);
	ast_free(&q);
}

Test(parser, calls)
{
	struct query q;
	struct expr *e;
	const char *s = "spend | where month(date) == 4 and fy( date ) > 2024";

	q = parse(s);
	e = q.stages[0].cond;
	cr_assert_eq(e->a->a->k, E_CALL);
	cr_expect_str_eq(e->a->a->name, "month");
	cr_assert_eq(e->a->a->nlist, 1);
	is_field(e->a->a->list[0], "date");
	span_is(s, e->a->a, "month(date)");
	cr_expect_str_eq(e->b->a->name, "fy");
	span_is(s, e->b->a, "fy( date )");
	ast_free(&q);

	q = where("quarter (date) == 1", &e);
	cr_assert_eq(e->a->k, E_CALL);
	cr_expect_str_eq(e->a->name, "quarter");
	ast_free(&q);
}

/* Stages ---------------------------------------------------------------- */

Test(parser, group)
{
	struct query q;
	struct stage *g;

	q = parse("spend | group month(date), org (sum(amount), n = count(), "
	    "count_distinct(person), avg(amount * 2), median(amount), "
	    "share(amount), min(date), max(date))");
	g = &q.stages[0];
	cr_assert_eq(g->nkeys, 2);
	cr_expect_eq(g->keys[0]->k, E_CALL);
	cr_expect_str_eq(g->keys[0]->name, "month");
	is_field(g->keys[1], "org");
	cr_assert_eq(g->ncols, 8);
	cr_expect_str_eq(g->cols[0].name, "sum_amount");
	cr_expect_str_eq(g->cols[1].name, "n");
	cr_expect_str_eq(g->cols[2].name, "count_distinct_person");
	cr_expect_str_eq(g->cols[3].name, "avg");
	is_binop(g->cols[3].e->list[0], OP_MUL);
	cr_expect_str_eq(g->cols[4].name, "median_amount");
	cr_expect_str_eq(g->cols[5].name, "share_amount");
	cr_expect_str_eq(g->cols[6].name, "min_date");
	cr_expect_str_eq(g->cols[7].e->name, "max");
	ast_free(&q);

	/* No aggregates: a row count called "rows". */
	q = parse("activity | group place.ward, need");
	g = &q.stages[0];
	cr_assert_eq(g->nkeys, 2);
	is_field(g->keys[0], "place.ward");
	cr_assert_eq(g->ncols, 1);
	cr_expect_str_eq(g->cols[0].name, "rows");
	cr_expect_str_eq(g->cols[0].e->name, "count");
	cr_expect_eq(g->cols[0].e->nlist, 0);
	ast_free(&q);

	/* "org(" among keys is the field, then its aggregates. */
	q = parse("spend | group org(n = count())");
	cr_assert_eq(q.stages[0].nkeys, 1);
	is_field(q.stages[0].keys[0], "org");
	cr_expect_str_eq(q.stages[0].cols[0].name, "n");
	ast_free(&q);
	parse_bad("spend | group mnth(date)", "line 1, column 15: unknown "
	    "function \"mnth\" — did you mean \"month\"?\n"
	    "spend | group mnth(date)\n              ^^^^");

	/* No keys: one row of totals. */
	q = parse("spend | group (total = sum(amount))");
	cr_expect_eq(q.stages[0].nkeys, 0);
	cr_expect_eq(q.stages[0].ncols, 1);
	ast_free(&q);

	/* Aggregates may run over several lines. */
	q = parse("spend\n| group org (\n  total = sum(amount),\n"
	    "  lines = count()\n)\n| take 1");
	cr_expect_eq(q.stages[0].ncols, 2);
	cr_expect_eq(q.nstages, 2);
	ast_free(&q);
}

Test(parser, select_derive_sort)
{
	struct query q;
	struct stage *st;

	q = parse("spend | select org, pounds = amount / 100, month(date), "
	    "amount * 2 | derive unit = amount / n, big = amount > "
	    POUND "1m | sort -amount, org, -month(date)");
	st = &q.stages[0];
	cr_assert_eq(st->k, ST_SELECT);
	cr_assert_eq(st->ncols, 4);
	cr_expect_str_eq(st->cols[0].name, "org");
	cr_expect_str_eq(st->cols[1].name, "pounds");
	is_binop(st->cols[1].e, OP_DIV);
	cr_expect_str_eq(st->cols[2].name, "month_date");
	cr_expect_null(st->cols[3].name);
	is_binop(st->cols[3].e, OP_MUL);

	st = &q.stages[1];
	cr_assert_eq(st->k, ST_DERIVE);
	cr_assert_eq(st->ncols, 2);
	cr_expect_str_eq(st->cols[0].name, "unit");
	cr_expect_str_eq(st->cols[1].name, "big");
	is_binop(st->cols[1].e, OP_GT);
	cr_expect_eq(st->cols[1].e->b->i, 100000000);

	st = &q.stages[2];
	cr_assert_eq(st->k, ST_SORT);
	cr_assert_eq(st->nsort, 3);
	cr_expect_eq(st->sort[0].desc, 1);
	is_field(st->sort[0].e, "amount");
	cr_expect_eq(st->sort[1].desc, 0);
	cr_expect_eq(st->sort[2].desc, 1);
	cr_expect_eq(st->sort[2].e->k, E_CALL);
	ast_free(&q);
}

Test(parser, take_and_join)
{
	struct query q;

	q = parse("spend | take 10 | take 5% | take 2.5% | take 20 offset 40 "
	    "| join activity on person | join services on place "
	    "| join outcome on service");
	cr_assert_eq(q.nstages, 7);
	cr_expect_eq(q.stages[0].take, 10);
	cr_expect_eq(q.stages[0].take_pct, 0);
	cr_expect_eq(q.stages[0].offset, 0);
	cr_expect_eq(q.stages[1].take, 50000);
	cr_expect_eq(q.stages[1].take_pct, 1);
	cr_expect_eq(q.stages[2].take, 25000);
	cr_expect_eq(q.stages[3].take, 20);
	cr_expect_eq(q.stages[3].offset, 40);
	cr_expect_eq(q.stages[4].k, ST_JOIN);
	cr_expect_str_eq(q.stages[4].join_kind, "activity");
	cr_expect_str_eq(q.stages[4].join_on, "person");
	cr_expect_str_eq(q.stages[5].join_kind, "services");
	cr_expect_str_eq(q.stages[5].join_on, "place");
	cr_expect_str_eq(q.stages[6].join_on, "service");
	ast_free(&q);
}

/* Verbs ------------------------------------------------------------------ */

static const struct verb *
verb(const struct query *q, int i, const char *name)
{
	cr_assert_gt(q->nstages, i);
	cr_assert_eq(q->stages[i].k, ST_VERB);
	cr_assert_str_eq(q->stages[i].verb.name, name);
	return (&q->stages[i].verb);
}

Test(parser, accumulate)
{
	struct query q;
	const struct verb *v;

	q = parse("spend | accumulate by person | take 5%");
	v = verb(&q, 0, "accumulate");
	cr_expect_str_eq(v->mode, "person");
	cr_expect_null(v->across);
	cr_expect_eq(v->nby, 0);
	cr_expect_eq(q.stages[1].take_pct, 1);
	ast_free(&q);

	q = parse("spend | accumulate by cohort across service");
	v = verb(&q, 0, "accumulate");
	cr_expect_str_eq(v->mode, "cohort");
	is_field(v->across, "service");
	ast_free(&q);

	q = parse("spend | accumulate by place\n| accumulate by org");
	cr_expect_str_eq(verb(&q, 0, "accumulate")->mode, "place");
	cr_expect_str_eq(verb(&q, 1, "accumulate")->mode, "org");
	ast_free(&q);
}

Test(parser, duplication)
{
	struct query q;
	const struct verb *v;

	q = parse("spend | duplication provision");
	v = verb(&q, 0, "duplication");
	cr_expect_str_eq(v->mode, "provision");
	cr_expect_eq(v->nby, 0);
	ast_free(&q);

	q = parse("spend | duplication provision by cofog.group, cohort, "
	    "place.lad");
	v = verb(&q, 0, "duplication");
	cr_assert_eq(v->nby, 3);
	is_field(v->by[0], "cofog.group");
	is_field(v->by[2], "place.lad");
	ast_free(&q);

	q = parse("activity | duplication contact on need within 30d");
	v = verb(&q, 0, "duplication");
	cr_expect_str_eq(v->mode, "contact");
	is_field(v->on, "need");
	cr_assert_eq(v->within->k, E_DURATION);
	cr_expect_eq(v->within->i, 30);
	ast_free(&q);

	q = parse("activity | duplication contact on need within $days");
	v = verb(&q, 0, "duplication");
	cr_expect_eq(v->within->k, E_PARAM);
	ast_free(&q);
}

Test(parser, gaps_balance_frequency)
{
	struct query q;
	const struct verb *v;

	q = parse("outcome | gaps by place.ward, need");
	v = verb(&q, 0, "gaps");
	cr_expect_str_eq(v->level, "ward");
	cr_assert_eq(v->nby, 1);
	is_field(v->by[0], "need");
	ast_free(&q);

	q = parse("outcome | gaps by place, cohort");
	v = verb(&q, 0, "gaps");
	cr_expect_null(v->level);
	is_field(v->by[0], "cohort");
	ast_free(&q);

	q = parse("spend | balance prevention");
	v = verb(&q, 0, "balance");
	cr_expect_str_eq(v->mode, "prevention");
	cr_expect_eq(v->nby, 0);
	ast_free(&q);

	q = parse("spend | balance prevention by org, cofog.division");
	v = verb(&q, 0, "balance");
	cr_assert_eq(v->nby, 2);
	is_field(v->by[1], "cofog.division");
	ast_free(&q);
}

Test(parser, frequency_journeys_trend_quality)
{
	struct query q;
	const struct verb *v;

	q = parse("activity | frequency | frequency by service");
	v = verb(&q, 0, "frequency");
	cr_expect_eq(v->nby, 0);
	v = verb(&q, 1, "frequency");
	cr_assert_eq(v->nby, 1);
	is_field(v->by[0], "service");
	ast_free(&q);

	q = parse("activity | journeys | journeys from \"A&E\" | journeys "
	    "within 90d | journeys from \"GP\" within 7d");
	v = verb(&q, 0, "journeys");
	cr_expect_null(v->from);
	cr_expect_null(v->within);
	v = verb(&q, 1, "journeys");
	cr_assert_eq(v->from->k, E_STRING);
	cr_expect_str_eq(v->from->name, "A&E");
	v = verb(&q, 2, "journeys");
	cr_expect_eq(v->within->i, 90);
	v = verb(&q, 3, "journeys");
	cr_expect_str_eq(v->from->name, "GP");
	cr_expect_eq(v->within->i, 7);
	ast_free(&q);

	q = parse("spend | trend by month | trend by quarter, org "
	    "| trend by fy | quality");
	v = verb(&q, 0, "trend");
	cr_expect_str_eq(v->mode, "month");
	cr_expect_eq(v->nby, 0);
	v = verb(&q, 1, "trend");
	cr_expect_str_eq(v->mode, "quarter");
	cr_assert_eq(v->nby, 1);
	is_field(v->by[0], "org");
	cr_expect_str_eq(verb(&q, 2, "trend")->mode, "fy");
	v = verb(&q, 3, "quality");
	cr_expect_null(v->mode);
	ast_free(&q);
}

/* Errors: the exact message, source line and carets --------------------- */

Test(errors, sources_and_stages)
{
	parse_bad("spnd", "line 1, column 1: unknown source \"spnd\" — did "
	    "you mean \"spend\"?\nspnd\n^^^^");
	parse_bad("from spnd | take 1", "line 1, column 6: unknown source "
	    "\"spnd\" — did you mean \"spend\"?\nfrom spnd | take 1\n"
	    "     ^^^^");
	parse_bad("from things", "line 1, column 6: unknown source "
	    "\"things\"; sources are spend, activity, outcome and services\n"
	    "from things\n     ^^^^^^");
	parse_bad("", "line 1, column 1: expected a source (spend, activity, "
	    "outcome or services), found end of query\n\n^");
	parse_bad("from\n", "line 1, column 5: expected a source after "
	    "\"from\", found end of line\nfrom\n    ^");
	parse_bad("from spend\n| grup org (n = count())",
	    "line 2, column 3: unknown stage \"grup\" — did you mean "
	    "\"group\"?\n| grup org (n = count())\n  ^^^^");
	parse_bad("spend\n| frobnicate", "line 2, column 3: unknown stage "
	    "\"frobnicate\"\n| frobnicate\n  ^^^^^^^^^^");
	parse_bad("spend | 42", "line 1, column 9: expected a stage, found "
	    "\"42\"\nspend | 42\n        ^^");
	parse_bad("spend where x", "line 1, column 7: expected \"|\" or a new "
	    "line after the source, found \"where\"\nspend where x\n"
	    "      ^^^^^");
	parse_bad("spend | take 10 20", "line 1, column 17: expected \"|\" or "
	    "a new line after the take stage, found \"20\"\n"
	    "spend | take 10 20\n                ^^");
}

Test(errors, expressions)
{
	parse_bad("spend\n| where", "line 2, column 8: expected a condition "
	    "after \"where\", found end of query\n| where\n       ^");
	parse_bad("spend | where amount >\n| take 1", "line 1, column 23: "
	    "expected an expression, found end of line\n"
	    "spend | where amount >\n                      ^");
	parse_bad("spend | where x = 3", "line 1, column 17: \"=\" names a "
	    "column; compare with \"==\"\nspend | where x = 3\n"
	    "                ^");
	parse_bad("spend | where a < b < c", "line 1, column 21: comparisons "
	    "do not chain; join them with \"and\"\nspend | where a < b < c\n"
	    "                    ^");
	parse_bad("spend | where (a or b", "line 1, column 22: expected \")\" "
	    "to close \"(\", found end of query\nspend | where (a or b\n"
	    "                     ^");
	parse_bad("spend | where org in \"x\"", "line 1, column 22: expected "
	    "\"(\", a fiscal period or a $parameter after \"in\", found "
	    "string \"x\"\nspend | where org in \"x\"\n"
	    "                     ^^^");
	parse_bad("spend | where org in (\"a\" \"b\")", "line 1, column 27: "
	    "expected \",\" or \")\" in the list after \"in\", found string "
	    "\"b\"\nspend | where org in (\"a\" \"b\")\n"
	    "                          ^^^");
	parse_bad("spend | where amount between 1 or 2", "line 1, column 32: "
	    "expected \"and\" after the lower bound of \"between\", found "
	    "\"or\"\nspend | where amount between 1 or 2\n"
	    "                               ^^");
	parse_bad("spend | where supplier ~ acme", "line 1, column 26: "
	    "expected a pattern string after \"~\", found \"acme\"\n"
	    "spend | where supplier ~ acme\n                         ^^^^");
	parse_bad("spend | where mnth(date) == 4", "line 1, column 15: unknown "
	    "function \"mnth\" — did you mean \"month\"?\n"
	    "spend | where mnth(date) == 4\n              ^^^^");
	parse_bad("spend | where sum(amount) > 0", "line 1, column 15: "
	    "aggregate \"sum\" is only allowed in group (...)\n"
	    "spend | where sum(amount) > 0\n              ^^^");
	parse_bad("spend | where month(date, org) == 4", "line 1, column 15: "
	    "month() takes one argument\nspend | where month(date, org) == 4\n"
	    "              ^^^^^^^^^^^^^^^^");
	parse_bad("spend | where and", "line 1, column 15: expected an "
	    "expression, found \"and\"\nspend | where and\n              ^^^");
	parse_bad("spend | where a ==\t" POUND "1.001", "line 1, column 20: "
	    POUND "1.001 is not exact to the penny\nspend | where a ==\t"
	    POUND "1.001\n                   ^^^^^^^");
}

Test(errors, group)
{
	parse_bad("spend | group org (n = count()", "line 1, column 31: "
	    "expected \")\" after aggregates, found end of query\n"
	    "spend | group org (n = count()\n                              ^");
	parse_bad("spend | group org (n = count() | take 1",
	    "line 1, column 32: expected \")\" after aggregates, found "
	    "\"|\"\nspend | group org (n = count() | take 1\n"
	    "                               ^");
	parse_bad("spend | group org (total = summ(amount))", "line 1, column "
	    "28: unknown aggregate \"summ\" — did you mean \"sum\"?\n"
	    "spend | group org (total = summ(amount))\n"
	    "                           ^^^^");
	parse_bad("spend | group org (n = count(person))", "line 1, column "
	    "30: count() takes no argument\n"
	    "spend | group org (n = count(person))\n"
	    "                             ^^^^^^");
	parse_bad("spend | group org (n = sum(max(amount)))", "line 1, column "
	    "28: aggregates cannot be nested\n"
	    "spend | group org (n = sum(max(amount)))\n"
	    "                           ^^^");
	parse_bad("spend | group org (n = month(date))", "line 1, column 24: "
	    "\"month\" is not an aggregate; use sum, count, count_distinct, "
	    "avg, min, max, median or share\n"
	    "spend | group org (n = month(date))\n"
	    "                       ^^^^^");
	parse_bad("spend | group org ()", "line 1, column 20: expected an "
	    "aggregate such as sum(amount), found \")\"\n"
	    "spend | group org ()\n                   ^");
}

Test(errors, stages_and_verbs)
{
	parse_bad("spend | take ten", "line 1, column 14: expected a number "
	    "of rows or a percentage after \"take\", found \"ten\"\n"
	    "spend | take ten\n             ^^^");
	parse_bad("spend | take 150%", "line 1, column 14: cannot take more "
	    "than 100%\nspend | take 150%\n             ^^^^");
	parse_bad("spend | take 5 offset", "line 1, column 22: expected a "
	    "number of rows after \"offset\", found end of query\n"
	    "spend | take 5 offset\n                     ^");
	parse_bad("spend | derive total amount", "line 1, column 22: expected "
	    "\"=\" after \"total\", found \"amount\"\n"
	    "spend | derive total amount\n                     ^^^^^^");
	parse_bad("spend | join activity on persn", "line 1, column 26: "
	    "expected person, place or service after \"on\", found "
	    "\"persn\" — did you mean \"person\"?\n"
	    "spend | join activity on persn\n                         ^^^^^");
	parse_bad("spend | accumulate person", "line 1, column 20: expected "
	    "\"by\" after \"accumulate\", found \"person\"\n"
	    "spend | accumulate person\n                   ^^^^^^");
	parse_bad("activity | duplication contact on need", "line 1, column "
	    "39: expected \"within\" and a number of days, found end of query"
	    "\nactivity | duplication contact on need\n"
	    "                                      ^");
	parse_bad("activity | duplication contact on need within 30",
	    "line 1, column 47: expected a duration such as 30d after "
	    "\"within\", found \"30\"\n"
	    "activity | duplication contact on need within 30\n"
	    "                                              ^^");
	parse_bad("outcome | gaps by ward, need", "line 1, column 19: "
	    "expected place or place.LEVEL after \"gaps by\", found "
	    "\"ward\"\noutcome | gaps by ward, need\n                  ^^^^");
	parse_bad("spend | balance preventoin", "line 1, column 17: expected "
	    "\"prevention\" after \"balance\", found \"preventoin\" — did you "
	    "mean \"prevention\"?\nspend | balance preventoin\n"
	    "                ^^^^^^^^^^");
	parse_bad("spend | trend by week", "line 1, column 18: expected month, "
	    "quarter or fy after \"trend by\", found \"week\"\n"
	    "spend | trend by week\n                 ^^^^");
	parse_bad("activity | journeys from GP", "line 1, column 26: expected "
	    "a service name string after \"from\", found \"GP\"\n"
	    "activity | journeys from GP\n                         ^^");
}

Test(errors, first_error_only)
{
	char deep[256], want[1024];
	int n;

	/* The lexical error comes later than the syntax error: not shown. */
	parse_bad("spend | group org (bogus @)", "line 1, column 20: "
	    "unknown aggregate \"bogus\"; use sum, count, count_distinct, "
	    "avg, min, max, median or share\n"
	    "spend | group org (bogus @)\n"
	    "                   ^^^^^");
	/* A field followed by a bad token: the bad token is the error. */
	parse_bad("spend | where a @", "line 1, column 17: unexpected "
	    "character \"@\"\nspend | where a @\n                ^");
	parse_bad("spend | where a == \"x", "line 1, column 20: unterminated "
	    "string\nspend | where a == \"x\n                   ^^");
	parse_bad("spend\n| where a\n| take 1 1\n| grup", "line 3, column 10: "
	    "expected \"|\" or a new line after the take stage, found \"1\"\n"
	    "| take 1 1\n         ^");
	/* Nesting stops at 128 levels, at the parenthesis past them. */
	memcpy(deep, "spend | where ", 14);
	memset(deep + 14, '(', 200);
	strcpy(deep + 214, "a");
	n = snprintf(want, sizeof(want), "line 1, column 143: expression "
	    "nested too deeply\n%s\n", deep);
	memset(want + n, ' ', 142);
	strcpy(want + n + 142, "^");
	parse_bad(deep, want);
}

/* pql_error and pql_suggest ----------------------------------------------- */

Test(pql_error, format)
{
	const char *s = "one\r\ntwo words\n\tthree";
	char err[256], small[16];

	pql_error(err, sizeof(err), s, strlen(s), 9, 5, "bad %s", "thing");
	cr_expect_str_eq(err, "line 2, column 5: bad thing\ntwo words\n"
	    "    ^^^^^");
	/* Span clipped to the end of the line, CR dropped. */
	pql_error(err, sizeof(err), s, strlen(s), 1, 50, "m");
	cr_expect_str_eq(err, "line 1, column 2: m\none\n ^^");
	/* A tab is one column; the caret line uses spaces. */
	pql_error(err, sizeof(err), s, strlen(s), 16, 5, "m");
	cr_expect_str_eq(err, "line 3, column 2: m\n\tthree\n ^^^^^");
	/* Zero span and offset at end of line: one caret. */
	pql_error(err, sizeof(err), s, strlen(s), 3, 0, "m");
	cr_expect_str_eq(err, "line 1, column 4: m\none\n   ^");
	pql_error(err, sizeof(err), s, strlen(s), 999, 3, "m");
	cr_expect_str_eq(err, "line 3, column 7: m\n\tthree\n      ^");
	pql_error(small, sizeof(small), s, strlen(s), 0, 1, "long message");
	cr_expect_str_eq(small, "line 1, column ");
	pql_error(NULL, 0, s, strlen(s), 0, 1, "m");
	/* A NUL cannot be printed inside a C string. */
	pql_error(err, sizeof(err), "a\0b", 3, 1, 1, "m");
	cr_expect_str_eq(err, "line 1, column 2: m\na?b\n ^");
}

Test(pql_suggest, distance)
{
	static const char *const c[] = {
		"where", "group", "select", "derive", "sort", "take", "join"
	};
	static const char *const f[] = { "place", "person", "cohort" };

	cr_expect_str_eq(pql_suggest("grup", c, 7), "group");
	cr_expect_str_eq(pql_suggest("GROUP", c, 7), "group");
	cr_expect_str_eq(pql_suggest("wher", c, 7), "where");
	cr_expect_str_eq(pql_suggest("sleect", c, 7), "select");
	cr_expect_null(pql_suggest("tk", c, 7));
	cr_expect_null(pql_suggest("sot", f, 3));
	cr_expect_null(pql_suggest("xyz", c, 7));
	cr_expect_null(pql_suggest("t", c, 7));
	cr_expect_str_eq(pql_suggest("plase", f, 3), "place");
	cr_expect_str_eq(pql_suggest("persn", f, 3), "person");
	cr_expect_null(pql_suggest("", c, 0));
}
