/*
 * rules_coverage.c — how much of a set of spend files a rules set
 * classifies: lines and money, with the memo in use as the loader uses it.
 *
 *   rules_coverage RULES SCHEME LABEL MIN% FILE.csv...
 *
 * RULES is a file or a directory of *.rules.  Columns are found by header
 * name (placed's own and the transparency-code variants); every field
 * the rules may use is passed.  Prints one line of figures; exits 1 when
 * fewer than MIN% of the lines classify, 2 on an error.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "csvin.h"
#include "rules.h"
#include "strmap.h"
#include "value.h"

enum { F_SERVICE, F_DESCRIPTION, F_ACCOUNT, F_SUPPLIER, F_AMOUNT, NF };

static const char *const field_names[NF] = { "service", "description",
    "account", "supplier", "amount" };

/* Header synonyms, compared lower case with '_' as ' ' and blanks
 * trimmed. */
static const struct {
	const char	*header;
	int		field;
} synonyms[] = {
	{ "service", F_SERVICE },
	{ "service area", F_SERVICE },
	{ "organisational unit", F_SERVICE },
	{ "organisatonal unit", F_SERVICE },
	{ "description", F_DESCRIPTION },
	{ "expenditure category", F_DESCRIPTION },
	{ "expenditure catergory", F_DESCRIPTION },
	{ "expenditure unit", F_DESCRIPTION },
	{ "account", F_ACCOUNT },
	{ "expenditure code", F_ACCOUNT },
	{ "supplier", F_SUPPLIER },
	{ "supplier name", F_SUPPLIER },
	{ "amount", F_AMOUNT },
};

struct run {
	struct rules	*rules;
	const char	*scheme;
	strmap_t	dict;
	uint32_t	next_id;
	int		col[NF];
	int		header_done;
	uint64_t	lines, hit;
	int64_t		money, money_hit;
	int		failed;
};

static void
norm(const char *s, size_t n, char *out, size_t outsz)
{
	size_t o = 0;

	while (n > 0 && isspace((unsigned char)*s))
		s++, n--;
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	for (size_t i = 0; i < n && o + 1 < outsz; i++)
		out[o++] = s[i] == '_' ? ' ' : (char)tolower((unsigned char)s[i]);
	out[o] = '\0';
}

static uint32_t
intern(struct run *r, const char *s, size_t n)
{
	uint32_t id;

	if (n == 0)
		return (0);
	if (strmap_get(&r->dict, s, n, &id))
		return (id);
	id = ++r->next_id;
	if (strmap_put(&r->dict, s, n, id) != 0)
		return (0);
	return (id);
}

static int
row(void *arg, uint64_t line, int nf, char *const *f, const size_t *len)
{
	struct run *r = arg;
	const char *names[NF], *values[NF];
	char *bufs[NF];
	uint32_t ids[NF];
	struct placed_record rec = { "spend", 0, names, values, line };
	const struct rule *hit;
	int64_t pence = 0;
	int rc;

	if (!r->header_done) {
		for (int i = 0; i < NF; i++)
			r->col[i] = -1;
		for (int c = 0; c < nf; c++) {
			char h[64];

			norm(f[c], len[c], h, sizeof(h));
			for (size_t s = 0; s < sizeof(synonyms) /
			    sizeof(synonyms[0]); s++)
				if (strcmp(h, synonyms[s].header) == 0 &&
				    r->col[synonyms[s].field] < 0)
					r->col[synonyms[s].field] = c;
		}
		r->header_done = 1;
		return (0);
	}
	for (int i = 0; i < NF; i++) {
		int c = r->col[i];

		bufs[i] = NULL;
		if (c < 0 || c >= nf)
			continue;
		if (i == F_AMOUNT) {
			if (value_money_parse(f[c], len[c], &pence) != 0)
				pence = 0;
			continue;
		}
		bufs[i] = strndup(f[c], len[c]);
		names[rec.nfields] = field_names[i];
		values[rec.nfields] = bufs[i];
		ids[rec.nfields] = intern(r, f[c], len[c]);
		rec.nfields++;
	}
	rc = rules_classify(r->rules, r->scheme, &rec, ids, &hit);
	r->lines++;
	r->money += pence;
	if (rc == 1) {
		r->hit++;
		r->money_hit += pence;
	} else if (rc < 0) {
		fprintf(stderr, "line %llu: match error %d\n",
		    (unsigned long long)line, rc);
		r->failed = 1;
	}
	for (int i = 0; i < NF; i++)
		free(bufs[i]);
	return (r->failed);
}

static int
feed_file(struct run *r, const char *path)
{
	FILE *in = fopen(path, "rb");
	csvin_t *c;
	char buf[65536];
	size_t n;
	int rc = 0;

	if (in == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return (-1);
	}
	r->header_done = 0;
	c = csvin_new(row, r);
	while (rc == 0 && (n = fread(buf, 1, sizeof(buf), in)) > 0)
		rc = csvin_feed(c, buf, n);
	if (rc == 0)
		rc = csvin_end(c);
	if (rc < 0)
		fprintf(stderr, "%s: %s\n", path, csvin_error(c));
	csvin_free(c);
	fclose(in);
	return (rc != 0 ? -1 : 0);
}

int
main(int argc, char **argv)
{
	struct run r;
	struct stat st;
	char err[1024], m1[VALUE_BUFSZ], m2[VALUE_BUFSZ];
	double pct, mpct;
	int rc;

	if (argc < 6) {
		fprintf(stderr, "usage: rules_coverage RULES SCHEME LABEL MIN%% "
		    "FILE.csv...\n");
		return (2);
	}
	memset(&r, 0, sizeof(r));
	r.scheme = argv[2];
	rc = stat(argv[1], &st) == 0 && S_ISDIR(st.st_mode) ?
	    rules_load_dir(argv[1], &r.rules, err, sizeof(err)) :
	    rules_load(argv[1], &r.rules, err, sizeof(err));
	if (rc != 0) {
		fprintf(stderr, "%s\n", err);
		return (2);
	}
	strmap_init(&r.dict);
	for (int i = 5; i < argc; i++)
		if (feed_file(&r, argv[i]) != 0 || r.failed) {
			rules_free(r.rules);
			strmap_free(&r.dict);
			return (2);
		}
	pct = r.lines ? 100.0 * (double)r.hit / (double)r.lines : 0;
	mpct = r.money ? 100.0 * (double)r.money_hit / (double)r.money : 0;
	value_money_format(r.money_hit, m1);
	value_money_format(r.money, m2);
	printf("%s: %llu of %llu lines classified (%.1f%%), %s of %s "
	    "(%.1f%%); %zu distinct values, %llu pattern runs\n", argv[3],
	    (unsigned long long)r.hit, (unsigned long long)r.lines, pct, m1,
	    m2, mpct, strmap_len(&r.dict),
	    (unsigned long long)rules_executions(r.rules));
	rules_free(r.rules);
	strmap_free(&r.dict);
	return (pct > atof(argv[4]) ? 0 : 1);
}
