/*
 * test_rules.c — rules files (core/rules.c): the grammar and each error's
 * "FILE:LINE:COL:", first-match order, the memo, rules_check, and exact
 * largest-remainder apportionment as a property over random inputs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "rules.h"

static char err[1024];

static struct rules *
parse_ok(const char *text)
{
	struct rules *r = NULL;
	int rc = rules_parse("t.rules", text, strlen(text), &r, err,
	    sizeof(err));

	cr_assert_eq(rc, 0, "%s", err);
	return (r);
}

static void
expect_error(const char *text, const char *msg)
{
	struct rules *r = NULL;

	err[0] = '\0';
	cr_expect_eq(rules_parse("t.rules", text, strlen(text), &r, err,
	    sizeof(err)), -EINVAL, "accepted: %s", text);
	cr_expect_null(r);
	cr_expect_str_eq(err, msg, "for %s", text);
}

Test(rules, grammar)
{
	struct rules *r = parse_ok(
	    "# a comment\n"
	    "\n"
	    "   \t\n"
	    "cipfa  service  /(?i)falls? (prevention|clinic)/  primary 60%, "
	    "secondary 40%\r\n"
	    "cofog description /a\\/b/ 07.2.1   # trailing comment\n"
	    "cofog account /x/ 01.1.1 33.33%, 01.1.2 33.33%,01.1.3 33.34%\n"
	    "cofog Supplier /y/ 09.1.1 100%");
	const struct rule *u;

	cr_assert_eq(rules_count(r), 4);
	u = rules_get(r, 0);
	cr_expect_str_eq(u->scheme, "cipfa");
	cr_expect_str_eq(u->field, "service");
	cr_expect_str_eq(u->pattern, "(?i)falls? (prevention|clinic)");
	cr_expect_str_eq(u->file, "t.rules");
	cr_expect_eq(u->line, 4);
	cr_expect_eq(u->ncodes, 2);
	cr_expect_str_eq(u->shares[0].code, "primary");
	cr_expect_eq(u->shares[0].bp, 6000);
	cr_expect_str_eq(u->shares[1].code, "secondary");
	cr_expect_eq(u->shares[1].bp, 4000);
	u = rules_get(r, 1);
	cr_expect_str_eq(u->pattern, "a\\/b");
	cr_expect_eq(u->shares[0].bp, 10000);
	u = rules_get(r, 2);
	cr_expect_eq(u->ncodes, 3);
	cr_expect_eq(u->shares[2].bp, 3334);
	cr_expect_str_eq(rules_get(r, 3)->field, "supplier");
	cr_expect_null(rules_get(r, 4));
	rules_free(r);
}

Test(rules, errors)
{
	expect_error("cofog\n", "t.rules:1:6: expected a field after the "
	    "scheme");
	expect_error("\ncofog  colour /x/ 01\n",
	    "t.rules:2:8: unknown field \"colour\"");
	expect_error("cofog service x 01\n",
	    "t.rules:1:15: expected /PATTERN/ after the field");
	expect_error("cofog service /abc 01\n",
	    "t.rules:1:15: unterminated pattern");
	expect_error("cofog service /abc\\/ 01\n",
	    "t.rules:1:15: unterminated pattern");
	expect_error("cofog service // 01\n", "t.rules:1:15: empty pattern");
	/* PCRE2's own message at the pattern's offset, as a file column. */
	expect_error("cofog service /ab(c/ 01\n",
	    "t.rules:1:20: bad pattern: missing closing parenthesis");
	expect_error("cofog service /a[b/ 01\n",
	    "t.rules:1:19: bad pattern: missing terminating ] for character "
	    "class");
	expect_error("cofog service /a/i 01\n", "t.rules:1:18: unexpected "
	    "\"i\" after the pattern (flags go inside it, as (?i))");
	expect_error("cofog service /a/\n",
	    "t.rules:1:18: expected a code after the pattern");
	expect_error("cofog service /a/   # nothing\n",
	    "t.rules:1:21: expected a code after the pattern");
	expect_error("cofog service /a/ 01 50%,\n",
	    "t.rules:1:26: expected a code after ','");
	expect_error("cofog service /a/ 01 50%, 50%\n",
	    "t.rules:1:27: expected a code before the share \"50%\"");
	expect_error("cofog service /a/ 01 60%, 02 30%\n",
	    "t.rules:1:22: shares sum to 90%, not 100%");
	expect_error("cofog service /a/ 01 60%, 02 40.5%\n",
	    "t.rules:1:22: shares sum to 100.5%, not 100%");
	expect_error("cofog service /a/ 01 99.99%\n",
	    "t.rules:1:22: shares sum to 99.99%, not 100%");
	expect_error("cofog service /a/ 01 50%, 01 50%\n",
	    "t.rules:1:27: duplicate code \"01\"");
	expect_error("cofog service /a/ 01, 02 50%\n",
	    "t.rules:1:19: code \"01\" needs a share");
	expect_error("cofog service /a/ 01 1.234%\n", "t.rules:1:22: bad "
	    "share \"1.234%\" (a percentage with at most 2 decimals)");
	expect_error("cofog service /a/ 01 50\n", "t.rules:1:22: expected "
	    "',' or a share such as 40%, not \"50\"");
	expect_error("cofog service /a/ 01 0%, 02 100%\n", "t.rules:1:22: "
	    "share \"0%\" is not more than 0% and at most 100%");
	expect_error("cofog service /a/ 07.2.1 07.2.2\n", "t.rules:1:26: "
	    "expected ',' or a share such as 40%, not \"07.2.2\"");
	expect_error("cofog service /a/ 01 x\n",
	    "t.rules:1:22: expected ',' or the end of the line");
	expect_error("cofog service /a/ 01 50% x\n",
	    "t.rules:1:26: expected ',' or the end of the line");
	expect_error("co/fog service /a/ 01\n",
	    "t.rules:1:3: bad character in scheme name");
}

Test(rules, load_and_dir)
{
	char dir[] = "/tmp/placed-rules.XXXXXX", path[256];
	struct rules *r = NULL;
	FILE *f;

	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/b.rules", dir);
	f = fopen(path, "w");
	fputs("cofog service /b/ 02\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/a.rules", dir);
	f = fopen(path, "w");
	fputs("cofog service /a/ 01\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/c.txt", dir);
	f = fopen(path, "w");
	fputs("not rules\n", f);
	fclose(f);
	cr_assert_eq(rules_load_dir(dir, &r, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(rules_count(r), 2);
	cr_expect_str_eq(rules_get(r, 0)->shares[0].code, "01");
	cr_expect_str_eq(rules_get(r, 1)->shares[0].code, "02");
	snprintf(path, sizeof(path), "%s/a.rules", dir);
	cr_expect_str_eq(rules_get(r, 0)->file, path);
	rules_free(r);

	/* An error names the file it is in. */
	snprintf(path, sizeof(path), "%s/b.rules", dir);
	f = fopen(path, "w");
	fputs("# b\ncofog service /b( 02\n", f);
	fclose(f);
	r = NULL;
	cr_expect_eq(rules_load_dir(dir, &r, err, sizeof(err)), -EINVAL);
	cr_expect_null(r);
	snprintf(path, sizeof(path), "%s/b.rules:2:15: unterminated pattern",
	    dir);
	cr_expect_str_eq(err, path);
	snprintf(path, sizeof(path), "%s/a.rules", dir);
	cr_expect_eq(rules_load(path, &r, err, sizeof(err)), 0);
	rules_free(r);
	snprintf(path, sizeof(path), "%s/none.rules", dir);
	cr_expect_eq(rules_load(path, &r, err, sizeof(err)), -ENOENT);
	unlink(path);
	snprintf(path, sizeof(path), "rm -r %s", dir);
	cr_expect_eq(system(path), 0);
}

static int
known_cofog(void *arg, const char *scheme, const char *code)
{
	(void)arg;
	if (strcmp(scheme, "cofog") != 0)
		return (-1);
	return (strcmp(code, "07.9.9") != 0);
}

Test(rules, check)
{
	struct rules *r = parse_ok("cofog service /a/ 07.2.1\n"
	    "cofog service /b/   07.2.1 50%, 07.9.9 50%\n");

	cr_expect_eq(rules_check(r, known_cofog, NULL, err, sizeof(err)),
	    -EINVAL);
	cr_expect_str_eq(err, "t.rules:2:33: unknown cofog code \"07.9.9\"");
	rules_free(r);
	r = parse_ok("cofog service /a/ 07.2.1\nmystery service /b/ x\n");
	cr_expect_eq(rules_check(r, known_cofog, NULL, err, sizeof(err)),
	    -EINVAL);
	cr_expect_str_eq(err, "t.rules:2:1: unknown scheme \"mystery\"");
	rules_free(r);
	r = parse_ok("cofog service /a/ 07.2.1\n");
	cr_expect_eq(rules_check(r, known_cofog, NULL, err, sizeof(err)), 0);
	rules_free(r);
}

Test(rules, first_match_and_memo)
{
	struct rules *r = parse_ok(
	    "cofog service /(?i)falls/ 07.2.1\n"
	    "other service /./ x\n"
	    "cofog service /(?i)fall/ 07.3.1\n"
	    "cofog service /clinic/ 07.2.2\n");
	const struct rule *hit;
	const char *v = "Falls clinic";

	cr_expect_eq(rules_match(r, "cofog", "service", 0, v, strlen(v),
	    &hit), 1);
	cr_expect_str_eq(hit->shares[0].code, "07.2.1");
	cr_expect_eq(rules_executions(r), 1);
	v = "community fall";
	cr_expect_eq(rules_match(r, "cofog", "service", 0, v, strlen(v),
	    &hit), 1);
	cr_expect_str_eq(hit->shares[0].code, "07.3.1");
	cr_expect_eq(rules_executions(r), 3);
	cr_expect_eq(rules_match(r, "cofog", "service", 0, "none", 4, &hit),
	    0);
	cr_expect_null(hit);
	cr_expect_eq(rules_executions(r), 6);
	cr_expect_eq(rules_match(r, "cofog", "description", 0, "falls", 5,
	    &hit), 0);
	cr_expect_eq(rules_executions(r), 6);

	/* 10000 rows over 3 distinct values: each pattern runs at most once
	 * per value, however many rows carry it. */
	static const char *vals[] = { "Falls clinic", "nothing", "a clinic" };
	uint64_t before = rules_executions(r);

	for (int i = 0; i < 10000; i++) {
		const char *s = vals[i % 3];
		int rc = rules_match(r, "cofog", "service", (uint32_t)(i % 3) + 1,
		    s, strlen(s), &hit);

		cr_assert_eq(rc, i % 3 == 1 ? 0 : 1);
	}
	/* 1 (Falls) + 3 (nothing) + 3 (a clinic: falls, fall, clinic). */
	cr_expect_eq(rules_executions(r) - before, 7);
	cr_expect_str_eq(hit->shares[0].code, "07.2.1");	/* row 9999 */
	rules_memo_reset(r);
	cr_expect_eq(rules_match(r, "cofog", "service", 1, "Falls", 5, &hit),
	    1);
	cr_expect_eq(rules_executions(r) - before, 8);
	/* Invalid UTF-8 in a value is no match, not an error. */
	cr_expect_eq(rules_match(r, "cofog", "service", 0, "\xff\xfe", 2,
	    &hit), 0);
	rules_free(r);
}

Test(rules, classify_across_fields)
{
	struct rules *r = parse_ok(
	    "cofog description /(?i)reablement/ 10.1.2\n"
	    "cofog service /(?i)social care/ 10.1.1\n"
	    "cofog account /^C4/ 10.9.0\n");
	const char *names[] = { "service", "description", "account", "amount" };
	const char *values[] = { "Adult social care", "Reablement package",
	    "C4410 Reablement", "12.00" };
	struct placed_record rec = { "spend", 4, names, values, 7 };
	const uint32_t ids[] = { 5, 6, 7, 0 };
	const struct rule *hit;

	cr_expect_eq(rules_classify(r, "cofog", &rec, NULL, &hit), 1);
	cr_expect_str_eq(hit->shares[0].code, "10.1.2");
	values[1] = "Home care";
	cr_expect_eq(rules_classify(r, "cofog", &rec, NULL, &hit), 1);
	cr_expect_str_eq(hit->shares[0].code, "10.1.1");
	values[0] = "";
	cr_expect_eq(rules_classify(r, "cofog", &rec, NULL, &hit), 1);
	cr_expect_str_eq(hit->shares[0].code, "10.9.0");
	values[2] = NULL;
	cr_expect_eq(rules_classify(r, "cofog", &rec, NULL, &hit), 0);
	cr_expect_null(hit);
	cr_expect_eq(rules_classify(r, "cipfa", &rec, NULL, &hit), 0);

	/* With ids, a row repeated runs nothing the second time. */
	values[0] = "Adult social care";
	values[2] = "C4410";
	cr_expect_eq(rules_classify(r, "cofog", &rec, ids, &hit), 1);
	uint64_t n = rules_executions(r);

	for (int i = 0; i < 100; i++)
		cr_expect_eq(rules_classify(r, "cofog", &rec, ids, &hit), 1);
	cr_expect_eq(rules_executions(r), n);
	cr_expect_str_eq(hit->shares[0].code, "10.1.1");
	rules_free(r);
}

/* apportion --------------------------------------------------------- */

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint64_t
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (rng);
}

static void
expect_split(int64_t amount, const uint32_t *bp, int n,
    const int64_t *want)
{
	int64_t out[RULES_MAXCODES];

	rules_apportion(amount, bp, n, out);
	for (int i = 0; i < n; i++)
		cr_expect_eq(out[i], want[i], "amount %lld part %d: %lld",
		    (long long)amount, i, (long long)out[i]);
}

Test(apportion, examples)
{
	expect_split(100, (uint32_t[]){ 6000, 4000 }, 2, (int64_t[]){ 60, 40 });
	expect_split(1, (uint32_t[]){ 6000, 4000 }, 2, (int64_t[]){ 1, 0 });
	expect_split(-1, (uint32_t[]){ 6000, 4000 }, 2, (int64_t[]){ -1, 0 });
	/* Ties go to the lowest index. */
	expect_split(100, (uint32_t[]){ 3333, 3333, 3334 }, 3,
	    (int64_t[]){ 33, 33, 34 });
	expect_split(1, (uint32_t[]){ 5000, 5000 }, 2, (int64_t[]){ 1, 0 });
	expect_split(3, (uint32_t[]){ 2500, 2500, 2500, 2500 }, 4,
	    (int64_t[]){ 1, 1, 1, 0 });
	expect_split(-3, (uint32_t[]){ 2500, 2500, 2500, 2500 }, 4,
	    (int64_t[]){ -1, -1, -1, 0 });
	expect_split(0, (uint32_t[]){ 2500, 7500 }, 2, (int64_t[]){ 0, 0 });
	expect_split(INT64_MIN, (uint32_t[]){ 5000, 5000 }, 2,
	    (int64_t[]){ INT64_MIN / 2, INT64_MIN / 2 });
	expect_split(INT64_MAX, (uint32_t[]){ 10000 }, 1,
	    (int64_t[]){ INT64_MAX });
	/* 1001 pence at 33.33/33.33/33.34: exact quotas 333.6333,
	 * 333.6333, 333.7334 -> 333, 333, 333 and 2 pence left for the
	 * largest remainders: index 2 then index 0. */
	expect_split(1001, (uint32_t[]){ 3333, 3333, 3334 }, 3,
	    (int64_t[]){ 334, 333, 334 });
}

Test(apportion, property)
{
	for (int iter = 0; iter < 200000; iter++) {
		uint32_t bp[RULES_MAXCODES];
		int64_t out[RULES_MAXCODES], amount, sum = 0;
		int n = 1 + (int)(next() % RULES_MAXCODES), left = 10000;

		/* Random shares summing to 10000, some zero-free. */
		for (int i = 0; i < n - 1; i++) {
			bp[i] = left > n - i ? 1 + (uint32_t)(next() %
			    (uint64_t)(left - (n - i - 1))) : 1;
			if ((int)bp[i] > left - (n - i - 1))
				bp[i] = (uint32_t)(left - (n - i - 1));
			left -= (int)bp[i];
		}
		bp[n - 1] = (uint32_t)left;
		switch (iter % 4) {
		case 0:
			amount = (int64_t)(next() % 2000001) - 1000000;
			break;
		case 1:
			amount = (int64_t)(next() % 41) - 20;
			break;
		case 2:
			amount = (int64_t)next();
			break;
		default:
			amount = -(int64_t)(next() >> 1);
			break;
		}
		rules_apportion(amount, bp, n, out);
		for (int i = 0; i < n; i++) {
			__int128 exact = (__int128)amount * bp[i];
			__int128 lo = (__int128)out[i] * 10000;

			sum += out[i];
			/* Each part is its exact quota rounded one way or the
			 * other, never further. */
			cr_assert(lo - exact < 10000 && exact - lo < 10000,
			    "amount %lld bp %u part %lld", (long long)amount,
			    bp[i], (long long)out[i]);
			cr_assert(amount >= 0 ? out[i] >= 0 : out[i] <= 0);
		}
		cr_assert_eq(sum, amount, "n %d amount %lld", n,
		    (long long)amount);
		/* A credit mirrors its debit. */
		if (amount != INT64_MIN) {
			int64_t neg[RULES_MAXCODES];

			rules_apportion(-amount, bp, n, neg);
			for (int i = 0; i < n; i++)
				cr_assert_eq(neg[i], -out[i]);
		}
	}
}
