/*
 * test_questions.c — saved questions: reading the header, every load error
 * with its file and line, binding parameters, the JSON description.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <jansson.h>

#include "questions.h"

static char dir[64];

static void
mkdir_tmp(void)
{
	strcpy(dir, "/tmp/test_questions.XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

static void
rm_tmp(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(questions, .init = mkdir_tmp, .fini = rm_tmp);

static void
put(const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	cr_assert_not_null(f = fopen(path, "w"));
	fputs(text, f);
	cr_assert_eq(fclose(f), 0);
}

/* Load dir, expecting failure; err must end with want after the dir. */
static void
load_fails(const char *want)
{
	struct questions qs = { (void *)1, 99 };
	char err[4096], full[4200];
	int rc = questions_load(dir, &qs, err, sizeof(err));

	cr_assert_eq(rc, -EINVAL, "rc %d, err \"%s\"", rc, err);
	cr_assert_null(qs.v);
	cr_assert_eq(qs.n, 0);
	snprintf(full, sizeof(full), "%s/%s", dir, want);
	cr_assert_eq(strncmp(err, full, strlen(full)), 0,
	    "err \"%s\"\nwant \"%s...\"", err, full);
}

#define HDR "# title: T\n# handbook: H\n"

static const char good_a[] =
    "# title: Falls contacts by service\n"
    "# handbook: Who is using services, and how often?\n"
    "# param place   string  \"\"            Place code; empty for all\n"
    "# param period  period  fy2025         Fiscal year or quarter\n"
    "# param over    money   required       Least cost counted\n"
    "# param svc     string  \"A \\\"b\\\" c\"  A service, quoted\n"
    "#\n"
    "# Prose like this is for the reader.\n"
    "\n"
    "activity  # comments in the query stay\n"
    "| where ($place == \"\" or place == $place) and date in $period\n"
    "| where cost > $over and service != $svc\n"
    "| group service (n = count())\n";

Test(questions, loads_good_files_sorted)
{
	struct questions qs;
	const struct question *q;
	char err[1024];

	put("zeta.pql", HDR "spend | group org (n = count())\n");
	put("falls_by-svc2.pql", good_a);
	put("notes.txt", "not a question");
	put(".editor-swap.pql", "garbage");
	cr_assert_eq(questions_load(dir, &qs, err, sizeof(err)), 0, "%s",
	    err);
	cr_assert_eq(qs.n, 2);
	cr_assert_str_eq(qs.v[0].name, "falls_by-svc2");
	cr_assert_str_eq(qs.v[1].name, "zeta");
	q = questions_find(&qs, "falls_by-svc2");
	cr_assert_eq(q, &qs.v[0]);
	cr_assert_null(questions_find(&qs, "nope"));
	cr_assert_str_eq(q->title, "Falls contacts by service");
	cr_assert_str_eq(q->handbook,
	    "Who is using services, and how often?");
	cr_assert_eq(q->nparams, 4);
	cr_assert_str_eq(q->params[0].name, "place");
	cr_assert_str_eq(q->params[0].type, "string");
	cr_assert_str_eq(q->params[0].def, "");
	cr_assert_str_eq(q->params[0].desc, "Place code; empty for all");
	cr_assert_str_eq(q->params[1].def, "fy2025");
	cr_assert_str_eq(q->params[2].type, "money");
	cr_assert_null(q->params[2].def);
	cr_assert_str_eq(q->params[3].def, "A \"b\" c");
	cr_assert_str_eq(q->params[3].desc, "A service, quoted");
	cr_assert_eq(strncmp(q->text, "activity  # comments", 20), 0,
	    "text \"%s\"", q->text);
	cr_assert_not_null(strstr(q->path, "/falls_by-svc2.pql"));
	cr_assert_eq(qs.v[1].nparams, 0);
	questions_free(&qs);
	cr_assert_eq(qs.n, 0);
	cr_assert_null(qs.v);
}

Test(questions, sorted_by_name_not_file_name)
{
	static const char *const names[] = { "a", "a-b", "a0", "a_b", "b" };
	struct questions qs;
	char err[1024], file[32];

	for (int i = 4; i >= 0; i--) {
		snprintf(file, sizeof(file), "%s.pql", names[i]);
		put(file, HDR "spend\n");
	}
	cr_assert_eq(questions_load(dir, &qs, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(qs.n, 5);
	for (int i = 0; i < 5; i++) {
		cr_expect_str_eq(qs.v[i].name, names[i]);
		cr_expect_eq(questions_find(&qs, names[i]), &qs.v[i], "%s",
		    names[i]);
	}
	questions_free(&qs);
}

Test(questions, empty_dir_and_missing_dir)
{
	struct questions qs;
	char err[1024], missing[128];

	cr_assert_eq(questions_load(dir, &qs, err, sizeof(err)), 0);
	cr_assert_eq(qs.n, 0);
	questions_free(&qs);
	snprintf(missing, sizeof(missing), "%s/none", dir);
	cr_assert_eq(questions_load(missing, &qs, err, sizeof(err)), -ENOENT);
	cr_assert_not_null(strstr(err, "none: No such file"), "%s", err);
}

Test(questions, error_no_title)
{
	put("q.pql", "# handbook: H\nspend\n");
	load_fails("q.pql:1: no \"# title:\" line in the header");
}

/* A council's own question need not answer a row of the handbook. */
Test(questions, handbook_optional)
{
	struct questions qs = { 0 };
	char err[1024];

	put("q.pql", "# title: T\nspend\n");
	cr_assert_eq(questions_load(dir, &qs, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(qs.n, 1);
	cr_expect_null(qs.v[0].handbook);
	questions_free(&qs);
}

Test(questions, error_unknown_field)
{
	put("q.pql", HDR "# titel: x\nspend\n");
	load_fails("q.pql:3: unknown header field \"titel\"");
}

Test(questions, error_field_twice)
{
	put("q.pql", HDR "\n# title: again\nspend\n");
	load_fails("q.pql:4: title given twice");
}

Test(questions, error_empty_title)
{
	put("q.pql", "# handbook: H\n# title:   \nspend\n");
	load_fails("q.pql:2: title is empty");
}

Test(questions, error_no_query)
{
	put("q.pql", HDR "#\n\n");
	load_fails("q.pql:5: no query after the header");
}

Test(questions, error_bad_param_name)
{
	put("q.pql", HDR "# param 2x string a Desc\nspend\n");
	load_fails("q.pql:3: param wants a name");
}

Test(questions, error_unknown_type)
{
	put("q.pql", HDR "# param p float 1 Desc\nspend | where amount > $p\n");
	load_fails("q.pql:3: param p: unknown type \"float\"");
}

Test(questions, error_bad_default)
{
	put("q.pql", HDR "# param y period fy20 Year\n"
	    "spend | where date in $y\n");
	load_fails("q.pql:3: param y: default \"fy20\" is not a period");
}

Test(questions, error_no_default)
{
	put("q.pql", HDR "# param y period\nspend | where date in $y\n");
	load_fails("q.pql:3: param y: no default");
}

Test(questions, error_no_description)
{
	put("q.pql", HDR "# param y period fy2025   \n"
	    "spend | where date in $y\n");
	load_fails("q.pql:3: param y: no description after the default");
}

Test(questions, error_unclosed_quote)
{
	put("q.pql", HDR "# param s string \"abc Desc\nspend\n");
	load_fails("q.pql:3: param s: the default's quotes are not closed");
}

Test(questions, error_param_twice)
{
	put("q.pql", HDR "# param y period fy2025 Year\n"
	    "# param y period fy2024 Year\nspend | where date in $y\n");
	load_fails("q.pql:4: param y is declared twice (first on line 3)");
}

Test(questions, error_undeclared_use)
{
	put("q.pql", HDR "# param y period fy2025 Year\n\nspend\n"
	    "| where date in $y\n| where place == $place\n");
	load_fails("q.pql:7: column 18: $place is not declared");
}

Test(questions, error_declared_unused)
{
	put("q.pql", HDR "# param y period fy2025 Year\n"
	    "# param p string \"\" Place\nspend | where date in $y\n"
	    "# $p in a comment is no use\n");
	load_fails("q.pql:4: param p is declared but the query never uses $p");
}

Test(questions, error_pql_syntax_line_in_file)
{
	put("q.pql", HDR "# about the query\n\nspend\n| wher amount > 1\n");
	load_fails("q.pql:6: column 3: ");
}

Test(questions, error_bad_file_name)
{
	put("Bad Name.pql", HDR "spend\n");
	load_fails("Bad Name.pql: a question's name is its file name");
}

Test(questions, one_bad_file_fails_the_set)
{
	put("a.pql", HDR "spend\n");
	put("b.pql", HDR "# param x int 1 X\nspend\n");
	put("c.pql", HDR "spend\n");
	load_fails("b.pql:3: param x is declared but");
}

/* Binding ----------------------------------------------------------- */

static struct questions bq;

static const struct question *
bind_q(void)
{
	char err[1024];

	put("b.pql", good_a);
	cr_assert_eq(questions_load(dir, &bq, err, sizeof(err)), 0, "%s", err);
	return (&bq.v[0]);
}

static const char *
val(const struct pql_param *out, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(out[i].name, name) == 0)
			return (out[i].value);
	return (NULL);
}

Test(questions, bind_defaults_and_override)
{
	const struct question *q = bind_q();
	struct pql_param given[] = { { "over", "£40" }, { "place", "CHG-RS" } };
	struct pql_param out[8];
	char err[512];
	int n = question_bind(q, given, 2, out, 8, err, sizeof(err));

	cr_assert_eq(n, 4, "%d %s", n, err);
	cr_assert_str_eq(out[0].name, "place");		/* declared order */
	cr_assert_str_eq(val(out, n, "place"), "CHG-RS");
	cr_assert_str_eq(val(out, n, "period"), "fy2025");
	cr_assert_str_eq(val(out, n, "over"), "£40");
	cr_assert_str_eq(val(out, n, "svc"), "A \"b\" c");
	questions_free(&bq);
}

Test(questions, bind_missing_required)
{
	const struct question *q = bind_q();
	struct pql_param out[8];
	char err[512];

	cr_assert_eq(question_bind(q, NULL, 0, out, 8, err, sizeof(err)),
	    -EINVAL);
	cr_assert_str_eq(err, "b: parameter over is required (money: Least "
	    "cost counted)");
	questions_free(&bq);
}

Test(questions, bind_bad_type)
{
	const struct question *q = bind_q();
	struct pql_param given[] = { { "over", "1" }, { "period", "2025" } };
	struct pql_param out[8];
	char err[512];

	cr_assert_eq(question_bind(q, given, 2, out, 8, err, sizeof(err)),
	    -EINVAL);
	cr_assert_str_eq(err, "b: parameter period: \"2025\" is not a period "
	    "(fy2025, fy2025q3 or YYYY-MM-DD)");
	given[1].value = "fy2025q3";
	given[0].value = "lots";
	cr_assert_eq(question_bind(q, given, 2, out, 8, err, sizeof(err)),
	    -EINVAL);
	cr_assert_str_eq(err, "b: parameter over: \"lots\" is not an amount "
	    "(1234.56, £1,234.56)");
	questions_free(&bq);
}

Test(questions, bind_unknown_and_twice)
{
	const struct question *q = bind_q();
	struct pql_param given[] = { { "over", "1" }, { "plaec", "X" } };
	struct pql_param out[8];
	char err[512];

	cr_assert_eq(question_bind(q, given, 2, out, 8, err, sizeof(err)),
	    -EINVAL);
	cr_assert_str_eq(err, "b: unknown parameter \"plaec\" (it takes "
	    "place, period, over, svc)");
	given[1].name = "over";
	cr_assert_eq(question_bind(q, given, 2, out, 8, err, sizeof(err)),
	    -EINVAL);
	cr_assert_str_eq(err, "b: parameter over given twice");
	questions_free(&bq);
}

Test(questions, bind_out_too_small)
{
	const struct question *q = bind_q();
	struct pql_param given[] = { { "over", "1" } };
	struct pql_param out[2];
	char err[512];

	cr_assert_eq(question_bind(q, given, 1, out, 2, err, sizeof(err)),
	    -ENOSPC);
	questions_free(&bq);
}

Test(questions, types)
{
	static const struct { const char *type, *v; int ok; } cases[] = {
		{ "string", "", 1 }, { "string", "any thing", 1 },
		{ "int", "12", 1 }, { "int", "1,000", 1 }, { "int", "-3", 1 },
		{ "int", "1.5", 0 }, { "int", "x", 0 }, { "int", "", 0 },
		{ "money", "£1,234.56", 1 }, { "money", "40000", 1 },
		{ "money", "1.234", 0 }, { "money", "lots", 0 },
		{ "date", "2025-04-01", 1 }, { "date", "2025-02-30", 0 },
		{ "date", "01/04/2025", 0 }, { "date", "2025-04-01x", 0 },
		{ "period", "fy2025", 1 }, { "period", "fy2025q3", 1 },
		{ "period", "2025-04-01", 1 }, { "period", "fy2025q5", 0 },
		{ "period", "fy25", 0 }, { "period", "fy2025 fy2026", 0 },
		{ "duration", "30d", 1 }, { "duration", "30", 0 },
		{ "duration", "4w", 0 }, { "duration", "d", 0 },
		{ "percent", "5%", 1 }, { "percent", "2.5", 1 },
		{ "percent", "-1%", 1 }, { "percent", "%", 0 },
		{ "percent", "5%%", 0 }, { "percent", "x%", 0 },
	};
	char err[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		cr_expect_eq(qparam_check(cases[i].type, cases[i].v, err,
		    sizeof(err)) == 0, cases[i].ok, "%s \"%s\"",
		    cases[i].type, cases[i].v);
	cr_assert_eq(qparam_check("float", "1", err, sizeof(err)), -EINVAL);
	qparam_check("duration", "30", err, sizeof(err));
	cr_assert_str_eq(err, "\"30\" is not a number of days (30d)");
}

/* JSON -------------------------------------------------------------- */

Test(questions, json)
{
	const struct question *q = bind_q();
	json_error_t je;
	json_t *o, *p;
	char *s;

	cr_assert_not_null(s = question_json(q));
	cr_assert_not_null(o = json_loads(s, 0, &je), "%s", s);
	free(s);
	cr_assert_str_eq(json_string_value(json_object_get(o, "name")), "b");
	cr_assert_str_eq(json_string_value(json_object_get(o, "title")),
	    "Falls contacts by service");
	cr_assert_eq(json_array_size(json_object_get(o, "params")), 4);
	p = json_array_get(json_object_get(o, "params"), 2);
	cr_assert_str_eq(json_string_value(json_object_get(p, "type")),
	    "money");
	cr_assert(json_is_null(json_object_get(p, "default")));
	cr_assert(json_is_true(json_object_get(p, "required")));
	p = json_array_get(json_object_get(o, "params"), 0);
	cr_assert_str_eq(json_string_value(json_object_get(p, "default")), "");
	cr_assert(json_is_false(json_object_get(p, "required")));
	cr_assert_str_eq(json_string_value(json_object_get(o, "pql")), q->text);
	json_decref(o);

	cr_assert_not_null(s = questions_json(&bq));
	cr_assert_not_null(o = json_loads(s, 0, &je), "%s", s);
	free(s);
	cr_assert_eq(json_array_size(json_object_get(o, "questions")), 1);
	json_decref(o);
	questions_free(&bq);
}
