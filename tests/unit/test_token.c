/*
 * test_token.c — roles and the token file (core/token.c): add, check,
 * revoke, the file's mode and format, bad lines, concurrent adds.
 *
 * Every test gets a fresh directory from mkdtemp() under /tmp and a umask
 * of 0, so a mode of 0600 comes from the code and not from the umask.
 */
#define _GNU_SOURCE	/* RTLD_NEXT */

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sodium.h>

#include <criterion/criterion.h>

#include "token.h"

/*
 * Count the comparisons tokens_check() makes: this definition is found
 * before libsodium's, and passes each call on to it.
 */
static unsigned memcmp_calls;

int
sodium_memcmp(const void *const b1, const void *const b2, size_t len)
{
	static int (*real)(const void *, const void *, size_t);

	if (real == NULL)
		*(void **)&real = dlsym(RTLD_NEXT, "sodium_memcmp");
	memcmp_calls++;
	return (real(b1, b2, len));
}

static char tmpdir[64];
static char path[128];
static char err[1024];

static void
setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/placed-token.XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
	snprintf(path, sizeof(path), "%s/placed.tokens", tmpdir);
	umask(0);
	err[0] = '\0';
}

static void
teardown(void)
{
	char cmd[160];

	umask(022);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	cr_expect_eq(system(cmd), 0);
}

TestSuite(token, .init = setup, .fini = teardown);

static void
write_file(const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f);
	fputs(text, f);
	cr_assert_eq(fclose(f), 0);
	cr_assert_eq(chmod(path, mode), 0);
}

static char *
slurp(void)
{
	static char buf[65536];
	FILE *f = fopen(path, "r");
	size_t n;

	cr_assert_not_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return (buf);
}

static void
add_ok(const char *name, const char *partner, enum role r, char *secret)
{
	int rc = token_add(path, name, partner, r, secret, TOKEN_SECRET_SIZE,
	    err, sizeof(err));

	cr_assert_eq(rc, 0, "token_add %s: %d %s", name, rc, err);
}

Test(token, roles_round_trip)
{
	static const char *names[] = { "reader", "analyst", "loader", "admin" };
	enum role r;

	for (int i = 0; i < 4; i++) {
		cr_assert_eq(role_parse(names[i], &r), 0);
		cr_expect_eq((int)r, i);
		cr_expect_str_eq(role_name(r), names[i]);
	}
	cr_expect_eq(role_parse("Admin", &r), -1);
	cr_expect_eq(role_parse("", &r), -1);
	cr_expect_eq(role_parse("root", &r), -1);
	cr_expect_str_eq(role_name((enum role)42), "?");
}

Test(token, names)
{
	char s[80];

	cr_expect(token_name_ok("grafana-1"));
	cr_expect(token_name_ok("NHS.trust_2"));
	cr_expect(!token_name_ok(""));
	cr_expect(!token_name_ok("a b"));
	cr_expect(!token_name_ok("a/b"));
	cr_expect(!token_name_ok("a\tb"));
	cr_expect(!token_name_ok("caf\xc3\xa9"));
	memset(s, 'x', 63);
	s[63] = '\0';
	cr_expect(token_name_ok(s));
	s[63] = 'x';
	s[64] = '\0';
	cr_expect(!token_name_ok(s));
}

Test(token, missing_file_is_no_tokens)
{
	struct tokens t = { (void *)1, 7 };

	cr_assert_eq(tokens_load(path, &t, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(t.n, 0);
	cr_expect_null(t.v);
	cr_expect_null(tokens_check(&t, "plc_x", 5));
	tokens_free(&t);
}

Test(token, add_check)
{
	char s1[TOKEN_SECRET_SIZE], s2[TOKEN_SECRET_SIZE],
	    s3[TOKEN_SECRET_SIZE], bad[TOKEN_SECRET_SIZE];
	const struct token *k;
	struct tokens t;

	add_ok("dash", "chigley-council", ROLE_READER, s1);
	add_ok("ana", "chigley-nhs", ROLE_ANALYST, s2);
	add_ok("root", "chigley-council", ROLE_ADMIN, s3);
	cr_expect_eq(strncmp(s1, "plc_", 4), 0);
	cr_expect_eq(strlen(s1), TOKEN_SECRET_SIZE - 1);
	cr_expect_eq(strspn(s1 + 4, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn"
	    "opqrstuvwxyz0123456789-_"), strlen(s1) - 4);
	cr_expect_str_neq(s1, s2);

	cr_assert_eq(tokens_load(path, &t, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(t.n, 3);
	k = tokens_check(&t, s2, strlen(s2));
	cr_assert_not_null(k);
	cr_expect_str_eq(k->name, "ana");
	cr_expect_str_eq(k->partner, "chigley-nhs");
	cr_expect_eq(k->role, ROLE_ANALYST);
	cr_expect(k->created > 1600000000);
	k = tokens_check(&t, s3, strlen(s3));
	cr_assert_not_null(k);
	cr_expect_str_eq(k->name, "root");
	cr_expect_eq(k->role, ROLE_ADMIN);
	k = tokens_check(&t, s1, strlen(s1));
	cr_assert_not_null(k);
	cr_expect_str_eq(k->name, "dash");

	/* Wrong secrets: one character off, a prefix, nothing. */
	memcpy(bad, s1, sizeof(bad));
	bad[10] = bad[10] == 'A' ? 'B' : 'A';
	cr_expect_null(tokens_check(&t, bad, strlen(bad)));
	cr_expect_null(tokens_check(&t, s1, strlen(s1) - 1));
	cr_expect_null(tokens_check(&t, "", 0));
	cr_expect_null(tokens_check(&t, NULL, 0));
	cr_expect_null(tokens_check(&t, "plc_", 4));
	tokens_free(&t);
	cr_expect_eq(t.n, 0);
}

/* The file holds the hash, never the secret. */
Test(token, stores_only_the_hash)
{
	char s[TOKEN_SECRET_SIZE], hex[65], line[256];
	uint8_t h[32];
	char *text;

	add_ok("dash", "council", ROLE_READER, s);
	text = slurp();
	cr_expect_null(strstr(text, s));
	cr_expect_null(strstr(text, s + 4));
	crypto_generichash(h, sizeof(h), (const unsigned char *)s, strlen(s),
	    NULL, 0);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	snprintf(line, sizeof(line), "dash\tcouncil\treader\t%s\t", hex);
	cr_expect_not_null(strstr(text, line), "no line \"%s\" in:\n%s", line,
	    text);
}

Test(token, right_token_among_many)
{
	char s[TOKEN_SECRET_SIZE], first[TOKEN_SECRET_SIZE],
	    mid[TOKEN_SECRET_SIZE], name[16];
	const struct token *k;
	struct tokens t;

	for (int i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "t%02d", i);
		add_ok(name, "p", (enum role)(i % 4), s);
		if (i == 0)
			memcpy(first, s, sizeof(s));
		if (i == 17)
			memcpy(mid, s, sizeof(s));
	}
	cr_assert_eq(tokens_load(path, &t, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(t.n, 40);
	k = tokens_check(&t, s, strlen(s));
	cr_assert_not_null(k);
	cr_expect_str_eq(k->name, "t39");
	cr_expect_eq(k->role, ROLE_ADMIN);
	/* Every stored hash is compared, wherever the match is, or none. */
	memcmp_calls = 0;
	k = tokens_check(&t, first, strlen(first));
	cr_expect_eq(memcmp_calls, 40, "%u comparisons, want 40", memcmp_calls);
	cr_assert_not_null(k);
	cr_expect_str_eq(k->name, "t00");
	memcmp_calls = 0;
	cr_expect_null(tokens_check(&t, "plc_nothing", 11));
	cr_expect_eq(memcmp_calls, 40, "%u comparisons, want 40", memcmp_calls);
	k = tokens_check(&t, mid, strlen(mid));
	cr_assert_not_null(k);
	cr_expect_str_eq(k->name, "t17");
	cr_expect_eq(k->role, ROLE_ANALYST);
	tokens_free(&t);
}

Test(token, duplicate_name_refused)
{
	char s[TOKEN_SECRET_SIZE], s2[TOKEN_SECRET_SIZE], before[4096];
	struct tokens t;
	int rc;

	add_ok("dash", "council", ROLE_READER, s);
	snprintf(before, sizeof(before), "%s", slurp());
	memset(s2, 'z', sizeof(s2));
	rc = token_add(path, "dash", "nhs", ROLE_ADMIN, s2, sizeof(s2), err,
	    sizeof(err));
	cr_expect_eq(rc, -EEXIST);
	cr_expect_not_null(strstr(err, "\"dash\""), "%s", err);
	cr_expect_eq(s2[0], '\0', "secret not wiped on failure");
	cr_expect_str_eq(slurp(), before);
	cr_assert_eq(tokens_load(path, &t, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(t.n, 1);
	cr_expect_not_null(tokens_check(&t, s, strlen(s)));
	tokens_free(&t);
}

Test(token, bad_arguments)
{
	char s[TOKEN_SECRET_SIZE];
	struct stat sb;

	cr_expect_eq(token_add(path, "a b", "p", ROLE_READER, s, sizeof(s),
	    err, sizeof(err)), -EINVAL);
	cr_expect_eq(token_add(path, "a", "p/q", ROLE_READER, s, sizeof(s),
	    err, sizeof(err)), -EINVAL);
	cr_expect_not_null(strstr(err, "partner"), "%s", err);
	cr_expect_eq(token_add(path, "a", "p", (enum role)9, s, sizeof(s),
	    err, sizeof(err)), -EINVAL);
	cr_expect_eq(token_add(path, "a", "p", ROLE_READER, s, 20, err,
	    sizeof(err)), -EINVAL);
	cr_expect_neq(stat(path, &sb), 0, "a refused add made the file");
}

Test(token, revoke)
{
	char s1[TOKEN_SECRET_SIZE], s2[TOKEN_SECRET_SIZE],
	    s3[TOKEN_SECRET_SIZE];
	struct tokens t;

	cr_expect_eq(token_revoke(path, "ghost", err, sizeof(err)), -ENOENT);
	add_ok("a", "p", ROLE_READER, s1);
	add_ok("b", "p", ROLE_LOADER, s2);
	add_ok("c", "p", ROLE_ADMIN, s3);
	cr_assert_eq(token_revoke(path, "b", err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(tokens_load(path, &t, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(t.n, 2);
	cr_expect_null(tokens_check(&t, s2, strlen(s2)));
	cr_expect_not_null(tokens_check(&t, s1, strlen(s1)));
	cr_expect_not_null(tokens_check(&t, s3, strlen(s3)));
	tokens_free(&t);
	cr_expect_eq(token_revoke(path, "b", err, sizeof(err)), -ENOENT);
	cr_expect_not_null(strstr(err, "\"b\""), "%s", err);
	/* A name that is a prefix of another is not that other. */
	add_ok("ab", "p", ROLE_READER, s2);
	cr_expect_eq(token_revoke(path, "a", err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(tokens_load(path, &t, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(t.n, 2);
	cr_expect_not_null(tokens_check(&t, s2, strlen(s2)));
	tokens_free(&t);
	/* The name may be added again, with a new secret. */
	add_ok("b", "q", ROLE_READER, s1);
}

Test(token, mode_0600)
{
	char s[TOKEN_SECRET_SIZE];
	struct stat sb;

	add_ok("a", "p", ROLE_READER, s);
	cr_assert_eq(stat(path, &sb), 0);
	cr_expect_eq(sb.st_mode & 0777, 0600, "mode %o", sb.st_mode & 0777);
	add_ok("b", "p", ROLE_READER, s);
	cr_assert_eq(token_revoke(path, "a", err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(stat(path, &sb), 0);
	cr_expect_eq(sb.st_mode & 0777, 0600, "mode %o", sb.st_mode & 0777);
}

Test(token, writable_by_others_refused)
{
	char s[TOKEN_SECRET_SIZE];
	struct tokens t;

	add_ok("a", "p", ROLE_READER, s);
	cr_assert_eq(chmod(path, 0622), 0);
	cr_expect_eq(tokens_load(path, &t, err, sizeof(err)), -EPERM);
	cr_expect_not_null(strstr(err, "chmod 600"), "%s", err);
	cr_expect_eq(token_add(path, "b", "p", ROLE_ADMIN, s, sizeof(s), err,
	    sizeof(err)), -EPERM);
	/* Readable by others is allowed: hashes of 256-bit secrets. */
	cr_assert_eq(chmod(path, 0644), 0);
	cr_expect_eq(tokens_load(path, &t, err, sizeof(err)), 0, "%s", err);
	tokens_free(&t);
}

Test(token, comments_kept)
{
	char s[TOKEN_SECRET_SIZE];
	struct tokens t;
	char *text;

	write_file("# ours\n\n  # indented\n", 0600);
	cr_assert_eq(tokens_load(path, &t, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(t.n, 0);
	add_ok("a", "p", ROLE_READER, s);
	add_ok("b", "p", ROLE_READER, s);
	cr_assert_eq(token_revoke(path, "a", err, sizeof(err)), 0, "%s", err);
	text = slurp();
	cr_expect_eq(strncmp(text, "# ours\n\n  # indented\nb\tp\treader\t",
	    32), 0, "%s", text);
}

Test(token, file_without_final_newline)
{
	char s[TOKEN_SECRET_SIZE];
	struct tokens t;

	write_file("x\tp\tadmin\t"
	    "0000000000000000000000000000000000000000000000000000000000000000"
	    "\t1700000000", 0600);
	add_ok("y", "p", ROLE_READER, s);
	cr_assert_eq(tokens_load(path, &t, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(t.n, 2);
	cr_expect_str_eq(t.v[0].name, "x");
	cr_expect_eq(t.v[0].created, 1700000000);
	cr_expect_str_eq(t.v[1].name, "y");
	tokens_free(&t);
}

#define H64	"0123456789abcdef0123456789abcdef0123456789ABCDEF0123456789abcdef"

Test(token, bad_lines)
{
	static const struct {
		const char	*line;
		const char	*why;
	} cases[] = {
		{ "a\tp\treader\t" H64, "expected 5" },
		{ "a\tp\treader\t" H64 "\t1\textra", "found 6" },
		{ "a p reader " H64 " 1", "found 1" },
		{ "a/b\tp\treader\t" H64 "\t1", "bad token name" },
		{ "a\t\treader\t" H64 "\t1", "bad partner" },
		{ "a\tp\tRoot\t" H64 "\t1", "unknown role \"Root\"" },
		{ "a\tp\treader\t0123\t1", "hash is not 64 hex" },
		{ "a\tp\treader\t" "zz23456789abcdef0123456789abcdef0123456789abc"
		  "def0123456789abcdef\t1", "hash is not 64 hex" },
		{ "a\tp\treader\t" H64 "\tyesterday", "created" },
		{ "a\tp\treader\t" H64 "\t-5", "created" },
		{ "a\tp\treader\t" H64 "\t", "created" },
		{ "keep\tp\treader\t" H64 "\t1", "appears twice" },
	};
	char text[1024], want[256];
	struct tokens t;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text), "# comment\n\nkeep\tp\tadmin\t" H64
		    "\t1700000000\n%s\n", cases[i].line);
		write_file(text, 0600);
		t.n = 99;
		cr_expect_eq(tokens_load(path, &t, err, sizeof(err)), -EINVAL,
		    "case %zu accepted", i);
		cr_expect_eq(t.n, 0);
		snprintf(want, sizeof(want), "%s:4: ", path);
		cr_expect_eq(strncmp(err, want, strlen(want)), 0,
		    "case %zu: \"%s\" does not start with \"%s\"", i, err, want);
		cr_expect_not_null(strstr(err, cases[i].why),
		    "case %zu: \"%s\" lacks \"%s\"", i, err, cases[i].why);
		/* And a bad file is never rewritten. */
		cr_expect_neq(token_add(path, "new", "p", ROLE_READER, want,
		    sizeof(want), err, sizeof(err)), 0);
		cr_expect_str_eq(slurp(), text);
	}
	/* CRLF line ends are read. */
	write_file("keep\tp\tadmin\t" H64 "\t1700000000\r\n", 0600);
	cr_expect_eq(tokens_load(path, &t, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(t.n, 1);
	tokens_free(&t);
}

/* Processes adding at once must not lose each other's tokens. */
Test(token, concurrent_adds_all_kept)
{
	enum { PROCS = 6, EACH = 8 };
	struct tokens t;
	pid_t pids[PROCS];
	int status;

	for (int p = 0; p < PROCS; p++) {
		pids[p] = fork();
		cr_assert_neq(pids[p], -1);
		if (pids[p] == 0) {
			char s[TOKEN_SECRET_SIZE], name[16], e[512];

			for (int i = 0; i < EACH; i++) {
				snprintf(name, sizeof(name), "p%d-%d", p, i);
				if (token_add(path, name, "p", ROLE_READER, s,
				    sizeof(s), e, sizeof(e)) != 0)
					_exit(1);
			}
			_exit(0);
		}
	}
	for (int p = 0; p < PROCS; p++) {
		cr_assert_eq(waitpid(pids[p], &status, 0), pids[p]);
		cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	cr_assert_eq(tokens_load(path, &t, err, sizeof(err)), 0, "%s", err);
	cr_expect_eq(t.n, PROCS * EACH, "%zu tokens, want %d", t.n,
	    PROCS * EACH);
	tokens_free(&t);
}
