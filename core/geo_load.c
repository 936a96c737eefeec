/*
 * geo_load.c — placed load geo: ONS lookup CSVs into the geo db, in one
 * transaction.
 *
 * Files are read whole into memory first (a few tens of thousands of
 * codes), merged row by row, a later row or file winning; only then is
 * the write transaction opened, so a bad file leaves the store as it was
 * and readers wait on no parsing.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "csvin.h"
#include "geo.h"
#include "strmap.h"

/* What one file's header says: the column of each level's code and name
 * (-1: none). */
struct cols {
	int		code[GEO_NLEVEL];
	int		name[GEO_NLEVEL];
	int		nf;
	int		ncode;
};

struct gl {
	const struct geo_load_opts *o;
	const char	*file;
	strmap_t	idx;		/* code → index in ent */
	struct geo_place *ent;
	char		(*code)[GEO_CODEMAX];
	size_t		n, cap;
	struct cols	c;
	int		header;		/* the header has been read */
	uint64_t	rows, rejected, shown;
	char		*err;
	size_t		errsz;
};

/* Finest first, for an entry named at several levels (a unitary
 * authority as both district and county is a district). */
static int
rank(enum geo_level lv)
{
	static const enum geo_level fine[] = { GEO_LSOA, GEO_MSOA, GEO_WARD,
	    GEO_LAD, GEO_CSP, GEO_CCG, GEO_COUNTY, GEO_CAUTH, GEO_STP,
	    GEO_PFA, GEO_FRA, GEO_REGION, GEO_COUNTRY };

	for (size_t i = 0; i < sizeof(fine) / sizeof(fine[0]); i++)
		if (fine[i] == lv)
			return ((int)i);
	return (GEO_NLEVEL);
}

static void
trim(const char **s, size_t *n)
{
	while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
	while (*n > 0 && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
}

static int
header(struct gl *g, int nf, char *const *f, const size_t *len)
{
	enum geo_level lv;
	int isname, *slot;

	for (int l = 0; l < GEO_NLEVEL; l++)
		g->c.code[l] = g->c.name[l] = -1;
	g->c.nf = nf;
	g->c.ncode = 0;
	for (int i = 0; i < nf; i++) {
		if (!geo_column(f[i], len[i], &lv, &isname))
			continue;
		slot = isname ? &g->c.name[lv] : &g->c.code[lv];
		if (*slot >= 0) {
			snprintf(g->err, g->errsz, "%s: columns %d and %d "
			    "both give %s %ss", g->file, *slot + 1, i + 1,
			    geo_level_name(lv), isname ? "name" : "code");
			return (-EINVAL);
		}
		*slot = i;
		g->c.ncode += !isname;
	}
	if (g->c.ncode == 0) {
		snprintf(g->err, g->errsz, "%s: no ONS code column in the "
		    "header (such as LSOA11CD, WD19CD, LAD20CD)", g->file);
		return (-EINVAL);
	}
	return (0);
}

static void bad(struct gl *g, uint64_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A bad row: counted, and printed while there are few. */
static void
bad(struct gl *g, uint64_t line, const char *fmt, ...)
{
	va_list ap;

	g->rejected++;
	if (g->o->errs == NULL || g->shown++ >= (uint64_t)g->o->show_errors)
		return;
	fprintf(g->o->errs, "placed: %s:%llu: ", g->file,
	    (unsigned long long)line);
	va_start(ap, fmt);
	vfprintf(g->o->errs, fmt, ap);
	va_end(ap);
	fputc('\n', g->o->errs);
}

/* The entry of code, added empty when new; NULL when out of memory. */
static struct geo_place *
entry(struct gl *g, const char *s, size_t n)
{
	uint32_t i;

	if (strmap_get(&g->idx, s, n, &i))
		return (&g->ent[i]);
	if (g->n == g->cap) {
		size_t nc = g->cap ? g->cap * 2 : 1024;
		struct geo_place *ne = realloc(g->ent, nc * sizeof(*ne));
		char (*nk)[GEO_CODEMAX];

		if (ne == NULL)
			return (NULL);
		g->ent = ne;
		if ((nk = realloc(g->code, nc * sizeof(*nk))) == NULL)
			return (NULL);
		g->code = nk;
		g->cap = nc;
	}
	if (strmap_put(&g->idx, s, n, (uint32_t)g->n) != 0)
		return (NULL);
	memset(&g->ent[g->n], 0, sizeof(g->ent[0]));
	memcpy(g->code[g->n], s, n);
	g->code[g->n][n] = '\0';
	return (&g->ent[g->n++]);
}

static int
row_cb(void *arg, uint64_t line, int nf, char *const *f, const size_t *len)
{
	struct gl *g = arg;
	const char *cs[GEO_NLEVEL] = { 0 }, *ns[GEO_NLEVEL] = { 0 };
	size_t cn[GEO_NLEVEL] = { 0 }, nn[GEO_NLEVEL] = { 0 };
	struct geo_place *p;
	int any = 0;

	if (!g->header) {
		g->header = 1;
		return (header(g, nf, f, len));
	}
	g->rows++;
	if (nf != g->c.nf) {
		bad(g, line, "%d fields where the header has %d", nf,
		    g->c.nf);
		return (0);
	}
	for (int lv = 1; lv < GEO_NLEVEL; lv++) {
		int c = g->c.code[lv], m = g->c.name[lv];

		if (c < 0)
			continue;
		cs[lv] = f[c];
		cn[lv] = len[c];
		trim(&cs[lv], &cn[lv]);
		if (cn[lv] == 0)
			continue;
		if (!geo_code_ok(cs[lv], cn[lv])) {
			bad(g, line, "%s code \"%.*s\" is not a code (letters "
			    "and digits)", geo_level_name((enum geo_level)lv),
			    (int)(cn[lv] > 40 ? 40 : cn[lv]), cs[lv]);
			return (0);
		}
		if (m >= 0) {
			ns[lv] = f[m];
			nn[lv] = len[m];
			trim(&ns[lv], &nn[lv]);
			if (nn[lv] >= GEO_NAMEMAX) {
				bad(g, line, "%s name longer than %d bytes",
				    geo_level_name((enum geo_level)lv),
				    GEO_NAMEMAX - 1);
				return (0);
			}
		}
		any = 1;
	}
	if (!any) {
		bad(g, line, "no code in any of the %d code columns",
		    g->c.ncode);
		return (0);
	}
	for (int lv = 1; lv < GEO_NLEVEL; lv++) {
		if (cn[lv] == 0)
			continue;
		if ((p = entry(g, cs[lv], cn[lv])) == NULL) {
			snprintf(g->err, g->errsz, "out of memory");
			return (-ENOMEM);
		}
		if (p->level == GEO_NONE || rank((enum geo_level)lv) <
		    rank(p->level))
			p->level = (enum geo_level)lv;
		if (nn[lv]) {
			memcpy(p->name, ns[lv], nn[lv]);
			p->name[nn[lv]] = '\0';
		}
		for (int up = 1; up < GEO_NLEVEL; up++)
			if (cn[up] && geo_nests((enum geo_level)lv,
			    (enum geo_level)up) && (cn[up] != cn[lv] ||
			    memcmp(cs[up], cs[lv], cn[lv]) != 0)) {
				memcpy(p->up[up], cs[up], cn[up]);
				p->up[up][cn[up]] = '\0';
			}
	}
	return (0);
}

static int
read_file(struct gl *g, const char *path)
{
	char buf[65536];
	csvin_t *c;
	ssize_t r;
	int fd, rc = 0;

	g->file = strcmp(path, "-") ? path : "stdin";
	g->header = 0;
	g->shown = 0;
	fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : 0;
	if (fd < 0) {
		snprintf(g->err, g->errsz, "%s: %s", path, strerror(errno));
		return (-errno);
	}
	if ((c = csvin_new(row_cb, g)) == NULL) {
		if (fd)
			close(fd);
		return (-ENOMEM);
	}
	while (rc == 0 && (r = read(fd, buf, sizeof(buf))) != 0) {
		if (r < 0) {
			rc = -errno;
			snprintf(g->err, g->errsz, "%s: %s", g->file,
			    strerror(errno));
			break;
		}
		rc = csvin_feed(c, buf, (size_t)r);
	}
	if (rc == 0)
		rc = csvin_end(c);
	if (rc == -EBADMSG && g->err[0] == '\0')
		snprintf(g->err, g->errsz, "%s: %s", g->file, csvin_error(c));
	if (rc == 0 && !g->header) {
		snprintf(g->err, g->errsz, "%s: empty: no header", g->file);
		rc = -EINVAL;
	}
	if (rc == 0 && g->o->errs && g->shown > (uint64_t)g->o->show_errors)
		fprintf(g->o->errs, "placed: %s: %llu more bad rows not "
		    "shown\n", g->file, (unsigned long long)(g->shown -
		    (uint64_t)g->o->show_errors));
	csvin_free(c);
	if (fd)
		close(fd);
	return (rc);
}

/* What the files say of a code over what the store knew. */
static void
merge(struct geo_place *old, const struct geo_place *p)
{
	if (old->level == GEO_NONE || (p->level != GEO_NONE &&
	    rank(p->level) < rank(old->level)))
		old->level = p->level;
	if (p->name[0])
		memcpy(old->name, p->name, sizeof(old->name));
	for (int lv = 1; lv < GEO_NLEVEL; lv++)
		if (p->up[lv][0])
			memcpy(old->up[lv], p->up[lv], GEO_CODEMAX);
}

static int
count_cb(void *arg, const char *code, size_t n, const void *data,
    size_t len)
{
	struct geo_load_result *res = arg;
	struct geo_place p;

	(void)code;
	(void)n;
	if (geo_decode(data, len, &p) == 0)
		res->known[p.level]++;
	res->total++;
	return (0);
}

static char *
audit_text(const struct geo_load_opts *o, const char *const *files,
    int nfiles, const struct geo_load_result *res)
{
	json_t *j, *fa = json_array();
	char *text;

	for (int i = 0; fa && i < nfiles; i++) {
		json_t *s = json_string(files[i]);

		json_array_append_new(fa, s ? s : json_string("(not UTF-8)"));
	}
	j = json_pack("{s:I,s:s,s:s,s:s,s:o,s:I,s:I,s:I}",
	    "at", (json_int_t)time(NULL), "who", o->who ? o->who : "cli",
	    "what", "load", "kind", "geo", "files", fa,
	    "rows", (json_int_t)res->rows,
	    "rejected", (json_int_t)res->rejected,
	    "codes", (json_int_t)res->codes);
	text = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	return (text);
}

static int
commit(store_t *st, struct gl *g, const char *const *files, int nfiles,
    struct geo_load_result *res)
{
	uint8_t buf[GEO_NLEVEL * GEO_CODEMAX + GEO_NAMEMAX + 8];
	struct geo_place old;
	MDB_txn *txn;
	char *text;
	size_t len;
	int rc;

	if ((rc = store_txn_begin(st, 0, &txn)) != 0)
		return (rc);
	if (g->o->replace && (rc = store_geo_clear(st, txn)) != 0)
		goto fail;
	for (size_t i = 0; i < g->n; i++) {
		rc = geo_get(st, txn, g->code[i], &old);
		if (rc == -ENOENT)
			memset(&old, 0, sizeof(old));
		else if (rc != 0)
			goto fail;
		merge(&old, &g->ent[i]);
		len = geo_encode(&old, buf, sizeof(buf));
		if ((rc = store_geo_put(st, txn, g->code[i],
		    strlen(g->code[i]), buf, len)) != 0)
			goto fail;
	}
	if ((rc = store_geo_each(st, txn, count_cb, res)) != 0 ||
	    (rc = store_version_bump(st, txn)) != 0)
		goto fail;
	if ((text = audit_text(g->o, files, nfiles, res)) == NULL) {
		rc = -ENOMEM;
		goto fail;
	}
	rc = store_audit(st, txn, text);
	free(text);
	if (rc)
		goto fail;
	res->data_version = store_txn_version(st, txn);
	return (store_txn_commit(txn));
fail:
	store_txn_abort(txn);
	return (rc);
}

int
geo_load(store_t *st, const char *const *files, int nfiles,
    const struct geo_load_opts *o, struct geo_load_result *res, char *err,
    size_t errsz)
{
	struct gl g = { 0 };
	int rc = 0;

	memset(res, 0, sizeof(*res));
	err[0] = '\0';
	g.o = o;
	g.err = err;
	g.errsz = errsz;
	strmap_init(&g.idx);
	for (int i = 0; i < nfiles && rc == 0; i++)
		rc = read_file(&g, files[i]);
	res->rows = g.rows;
	res->rejected = g.rejected;
	res->codes = g.n;
	if (rc == 0 && o->strict && g.rejected) {
		snprintf(err, errsz, "%llu bad row%s (--strict)",
		    (unsigned long long)g.rejected, g.rejected == 1 ? "" : "s");
		rc = -EINVAL;
	}
	if (rc == 0 && (rc = commit(st, &g, files, nfiles, res)) != 0)
		snprintf(err, errsz, "cannot commit: %s", store_strerror(rc));
	if (rc && err[0] == '\0')
		snprintf(err, errsz, "%s", store_strerror(rc));
	strmap_free(&g.idx);
	free(g.ent);
	free(g.code);
	return (rc);
}
