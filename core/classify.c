/* classify.c — cofog and prevention filled at load from plugins and rules. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "classify.h"
#include "plugin.h"
#include "rules.h"
#include "strmap.h"

#define MAXCL		32	/* classifiers of one field */
#define MAXSHARES	RULES_MAXCODES
#define TEXTMAX		(64u << 10)	/* one record's text, NUL-ended */
#define SHARESMAX	1024
/* Distinct values remembered per field before the memo starts over: a
 * file of a million distinct descriptions still loads in flat memory. */
#define MEMO_MAX	(1u << 14)

struct target {
	int		col;		/* the class field */
	const struct plugin_scheme *scheme;
	const struct plugin_classifier *cl[MAXCL];	/* owner's first */
	int		ncl, nowner;
	/* The rules' answer per tuple of the ruled fields' ids: one
	 * lookup a row instead of one a rule. */
	strmap_t	memo;
	const struct rule **hits;	/* memo value - 1 indexes this */
	size_t		nhits, caphits;
};

struct classify {
	const struct plugins *ps;
	struct rules	*rules;
	struct rules	*owned;		/* from classify_open */
	kind_t		kind;
	const struct kind_def *kd;
	struct target	t[SCHEMA_MAXCOLS];
	int		nt;
	int		shares_col, by_col;
	/* Local ids per field, so rules run once per distinct value. */
	strmap_t	ids[SCHEMA_MAXCOLS];
	int		ruled[SCHEMA_MAXCOLS];	/* a rule reads the field */
	uint32_t	next[SCHEMA_MAXCOLS];
	char		text[TEXTMAX];
	char		shares[SHARESMAX];
	char		by[SHARESMAX];
	char		code[SCHEMA_MAXCOLS][64];
};

int
classify_new(const struct plugins *ps, struct rules *rules, kind_t kind,
    struct classify **out)
{
	struct classify *c = calloc(1, sizeof(*c));
	const struct plugin_classifier *cl[MAXCL];
	size_t ncl;

	*out = NULL;
	if (c == NULL)
		return (-ENOMEM);
	c->ps = ps;
	c->rules = rules;
	c->kind = kind;
	c->kd = schema_kind(kind);
	c->shares_col = schema_field_find(kind, "shares", 6);
	c->by_col = schema_field_find(kind, "classified_by", 13);
	for (int i = 0; i < SCHEMA_MAXCOLS; i++)
		strmap_init(&c->ids[i]);
	for (size_t i = 0; rules && i < rules_count(rules); i++) {
		const struct rule *r = rules_get(rules, i);
		int f = schema_field_find(kind, r->field, strlen(r->field));

		if (f >= 0 && c->kd->fields[f].type == FT_STR)
			c->ruled[f] = 1;
	}
	for (int f = 0; ps && f < c->kd->nfields; f++) {
		struct target *t = &c->t[c->nt];

		if (!(c->kd->fields[f].flags & FD_CLASS))
			continue;
		for (size_t i = 0; i < ps->nschemes && !t->scheme; i++)
			if (ps->schemes[i].s.field && strcmp(ps->schemes[i].s.field,
			    c->kd->fields[f].name) == 0)
				t->scheme = &ps->schemes[i];
		if (t->scheme == NULL)
			continue;
		t->col = f;
		strmap_init(&t->memo);
		ncl = plugins_classifiers(ps, c->kd->name, cl, MAXCL);
		/* The owner's classifiers first: they judge given codes. */
		for (int pass = 0; pass < 2; pass++)
			for (size_t i = 0; i < ncl && i < MAXCL; i++) {
				int own = cl[i]->plugin == t->scheme->plugin;

				if (own != (pass == 0) || strcmp(cl[i]->c.scheme,
				    t->scheme->s.name) != 0)
					continue;
				t->cl[t->ncl++] = cl[i];
				t->nowner += own;
			}
		c->nt++;
	}
	*out = c;
	return (0);
}

int
classify_open(const struct plugins *ps, const char *rules_dir, kind_t kind,
    struct classify **out, char *err, size_t errsz)
{
	struct rules *r = NULL;
	int rc;

	*out = NULL;
	/* Rules name schemes, so without plugins there is nothing to do. */
	if (ps && rules_dir && *rules_dir &&
	    (rc = rules_load_dir(rules_dir, &r, err, errsz)) != 0) {
		if (rc != -ENOENT)
			return (rc);
		r = NULL;
	}
	if (r && (rc = rules_check(r, plugins_known_code, (void *)ps, err,
	    errsz)) != 0) {
		rules_free(r);
		return (rc);
	}
	if ((rc = classify_new(ps, r, kind, out)) != 0) {
		rules_free(r);
		snprintf(err, errsz, "classify: out of memory");
		return (rc);
	}
	(*out)->owned = r;
	return (0);
}

void
classify_free(struct classify *c)
{
	if (c == NULL)
		return;
	rules_free(c->owned);
	for (int i = 0; i < c->nt; i++) {
		strmap_free(&c->t[i].memo);
		free(c->t[i].hits);
	}
	for (int i = 0; i < SCHEMA_MAXCOLS; i++)
		strmap_free(&c->ids[i]);
	free(c);
}

int
classify_scope(struct classify *c, const char *scheme)
{
	int n = 0;

	for (int i = 0; i < c->nt; i++) {
		if (strcmp(c->t[i].scheme->s.name, scheme) == 0) {
			c->t[n++] = c->t[i];
			continue;
		}
		strmap_free(&c->t[i].memo);
		free(c->t[i].hits);
	}
	c->nt = n;
	return (n);
}

int
classify_fills(const struct classify *c, int col)
{
	for (int i = 0; i < c->nt; i++)
		if (c->t[i].col == col)
			return (1);
	return (0);
}

int
classify_any(const struct classify *c)
{
	return (c != NULL && c->nt > 0);
}

/* A local id for a value of field f (0 when the memo is full). */
static uint32_t
local_id(struct classify *c, int f, const char *s, size_t n)
{
	uint32_t id;

	if (n == 0)
		return (0);
	if (strmap_get(&c->ids[f], s, n, &id))
		return (id);
	if (strmap_len(&c->ids[f]) >= MEMO_MAX) {
		/* Many distinct values: forget them all, memo included. */
		for (int i = 0; i < SCHEMA_MAXCOLS; i++)
			strmap_clear(&c->ids[i]);
		if (c->rules)
			rules_memo_reset(c->rules);
	}
	id = ++c->next[f];
	if (strmap_put(&c->ids[f], s, n, id) != 0)
		return (0);
	return (id);
}

static void
add_shares(struct classify *c, size_t *o, const char *field,
    const struct placed_share *sh, int n)
{
	size_t sz = sizeof(c->shares);

	if (*o < sz)
		*o += (size_t)snprintf(c->shares + *o, sz - *o, "%s%s:",
		    *o ? "; " : "", field);
	for (int i = 0; i < n && *o < sz; i++) {
		if (sh[i].bp % 100 == 0)
			*o += (size_t)snprintf(c->shares + *o, sz - *o,
			    "%s %s %u%%", i ? "," : "", sh[i].code,
			    sh[i].bp / 100);
		else
			*o += (size_t)snprintf(c->shares + *o, sz - *o,
			    "%s %s %u.%02u%%", i ? "," : "", sh[i].code,
			    sh[i].bp / 100, sh[i].bp % 100);
	}
}

/*
 * rules_classify, remembered per tuple of the ids of the fields rules
 * read (ids are local to this classify, so the tuple names the values).
 */
static int
rules_memo(struct classify *c, struct target *t,
    const struct placed_record *rec, const uint32_t *ids,
    const struct rule **hit)
{
	uint32_t key[SCHEMA_MAXCOLS], v;
	size_t nk = 0;
	int rc;

	for (int f = 0; f < c->kd->nfields; f++) {
		if (!c->ruled[f])
			continue;
		if (ids[f] == 0 && rec->values[f] != NULL)	/* no id */
			return (rules_classify(c->rules, t->scheme->s.name,
			    rec, ids, hit));
		key[nk++] = ids[f];
	}
	if (strmap_get(&t->memo, (const char *)key, nk * sizeof(key[0]), &v)) {
		*hit = v ? t->hits[v - 1] : NULL;
		return (v ? 1 : 0);
	}
	if ((rc = rules_classify(c->rules, t->scheme->s.name, rec, ids,
	    hit)) < 0)
		return (rc);
	if (strmap_len(&t->memo) >= MEMO_MAX) {
		strmap_clear(&t->memo);
		t->nhits = 0;
	}
	v = 0;
	if (rc == 1) {
		if (t->nhits == t->caphits) {
			size_t nc = t->caphits ? t->caphits * 2 : 64;
			const struct rule **nh = realloc(t->hits,
			    nc * sizeof(*nh));

			if (nh == NULL)
				return (rc);	/* unremembered, still right */
			t->hits = nh;
			t->caphits = nc;
		}
		t->hits[t->nhits++] = *hit;
		v = (uint32_t)t->nhits;
	}
	(void)strmap_put(&t->memo, (const char *)key, nk * sizeof(key[0]), v);
	return (rc);
}

/* One "FIELD: WHAT[:LINE]" part of classified_by. */
static size_t
add_by(struct classify *c, size_t o, const char *field, const char *how,
    const char *what, unsigned line)
{
	size_t sz = sizeof(c->by);

	if (o < sz)
		o += (size_t)snprintf(c->by + o, sz - o, "%s%s: %s%s",
		    o ? "; " : "", field, how, what);
	if (line && o < sz)
		o += (size_t)snprintf(c->by + o, sz - o, ":%u", line);
	return (o);
}

int
classify_given(const char *by, size_t n, const char *field)
{
	size_t fl = strlen(field);

	for (size_t i = 0; i + fl < n; i++)
		if ((i == 0 || (i >= 2 && by[i - 2] == ';')) &&
		    memcmp(by + i, field, fl) == 0 && by[i + fl] == ':')
			return (0);
	return (1);
}

int
classify_record(struct classify *c, const char *const *vals,
    const size_t *lens, uint64_t line, struct class_out *out, char *why,
    size_t whysz)
{
	const char *names[SCHEMA_MAXCOLS], *v[SCHEMA_MAXCOLS];
	uint32_t ids[SCHEMA_MAXCOLS] = { 0 };
	struct placed_record rec;
	size_t o = 0, so = 0, bo = 0;

	memset(out, 0, sizeof(*out));
	if (c->nt == 0)
		return (0);
	for (int f = 0; f < c->kd->nfields; f++) {
		size_t n = vals[f] ? lens[f] : 0;

		names[f] = c->kd->fields[f].name;
		v[f] = NULL;
		if (n == 0 || c->kd->fields[f].type == FT_PERSON ||
		    (c->kd->fields[f].flags & FD_DERIVED))
			continue;
		if (o + n + 1 > sizeof(c->text)) {
			snprintf(why, whysz, "field \"%s\": too long to "
			    "classify", names[f]);
			return (-1);
		}
		memcpy(c->text + o, vals[f], n);
		c->text[o + n] = '\0';
		v[f] = c->text + o;
		o += n + 1;
		if (c->ruled[f])
			ids[f] = local_id(c, f, v[f], n);
	}
	rec.kind = c->kd->name;
	rec.nfields = c->kd->nfields;
	rec.names = names;
	rec.values = v;
	rec.line = line;

	for (int i = 0; i < c->nt; i++) {
		const struct target *t = &c->t[i];
		struct placed_share sh[MAXSHARES];
		const char *field = c->kd->fields[t->col].name;
		int given = v[t->col] != NULL, n = 0, best = 0, k;

		/* A given code: only its scheme's owner judges it. */
		for (k = 0; k < (given ? t->nowner : t->ncl) && n == 0; k++)
			if ((n = plugins_classify(t->cl[k], &rec, sh, MAXSHARES,
			    why, whysz)) < 0)
				return (-1);
		if (n > 0 && !given)
			bo = add_by(c, bo, field, "plugin ",
			    t->cl[k - 1]->plugin->name, 0);
		if (n == 0 && !given && c->rules) {
			const struct rule *hit;
			int rc = rules_memo(c, &c->t[i], &rec, ids, &hit);

			if (rc < 0) {
				snprintf(why, whysz, "rules for %s: a pattern "
				    "failed to match (a resource limit)",
				    t->scheme->s.name);
				return (-1);
			}
			if (rc == 1) {
				const char *base = strrchr(hit->file, '/');

				bo = add_by(c, bo, field, "rule ",
				    base ? base + 1 : hit->file, hit->line);
				n = hit->ncodes;
				memcpy(sh, hit->shares, (size_t)n *
				    sizeof(sh[0]));
			}
		}
		if (n == 0)
			continue;
		for (int j = 1; j < n; j++)
			if (sh[j].bp > sh[best].bp)
				best = j;
		snprintf(c->code[i], sizeof(c->code[i]), "%s", sh[best].code);
		out->val[t->col] = c->code[i];
		out->len[t->col] = strlen(c->code[i]);
		out->changed = 1;
		if (n > 1)
			add_shares(c, &so, field, sh, n);
	}
	if (so > 0 && c->shares_col >= 0) {
		if (so >= sizeof(c->shares)) {
			snprintf(why, whysz, "field \"shares\": the split is "
			    "longer than %zu bytes", sizeof(c->shares) - 1);
			return (-1);
		}
		out->val[c->shares_col] = c->shares;
		out->len[c->shares_col] = so;
	}
	if (bo > 0 && c->by_col >= 0) {
		if (bo >= sizeof(c->by))
			bo = sizeof(c->by) - 1;
		out->val[c->by_col] = c->by;
		out->len[c->by_col] = bo;
	}
	return (0);
}

/* "FIELD: CODE PCT%, CODE PCT%; FIELD2: ..." → the part of field. */
int
classify_shares_parse(const char *s, size_t n, const char *field,
    char *buf, size_t bufsz, const char **codes, uint32_t *bp, int max)
{
	size_t fl = strlen(field), i = 0, bo = 0;
	int k = 0;

	while (i < n) {
		size_t part = i, end = i;

		while (end < n && s[end] != ';')
			end++;
		while (part < end && s[part] == ' ')
			part++;
		if (end - part > fl && memcmp(s + part, field, fl) == 0 &&
		    s[part + fl] == ':') {
			size_t p = part + fl + 1;

			while (p < end) {
				size_t cs, ce;
				unsigned long whole = 0, frac = 0;
				int fd = 0;

				while (p < end && (s[p] == ' ' || s[p] == ','))
					p++;
				if (p == end)
					break;
				cs = p;
				while (p < end && s[p] != ' ')
					p++;
				ce = p;
				while (p < end && s[p] == ' ')
					p++;
				if (p == end || s[p] < '0' || s[p] > '9')
					return (-1);
				while (p < end && s[p] >= '0' && s[p] <= '9')
					whole = whole * 10 + (unsigned long)
					    (s[p++] - '0');
				if (p < end && s[p] == '.')
					for (p++; p < end && s[p] >= '0' &&
					    s[p] <= '9' && fd < 2; fd++)
						frac = frac * 10 +
						    (unsigned long)(s[p++] - '0');
				if (fd == 1)
					frac *= 10;
				if (p == end || s[p] != '%' || k == max ||
				    bo + (ce - cs) + 1 > bufsz ||
				    whole > 100)
					return (-1);
				p++;
				memcpy(buf + bo, s + cs, ce - cs);
				buf[bo + (ce - cs)] = '\0';
				codes[k] = buf + bo;
				bp[k++] = (uint32_t)(whole * 100 + frac);
				bo += ce - cs + 1;
			}
			return (k);
		}
		i = end + 1;
	}
	return (0);
}
