/*
 * api.c — the routes of DESIGN §6: who may call what, queries and saved
 * questions with their cache and ETags, batches, schemes, plugins, health.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "batch.h"
#include "cache.h"
#include "emit.h"
#include "exec.h"
#include "log.h"
#include "plugin.h"
#include "questions.h"
#include "server.h"
#include "table.h"

#define R_READER	(1u << ROLE_READER)
#define R_ANALYST	(1u << ROLE_ANALYST)
#define R_LOADER	(1u << ROLE_LOADER)
#define R_ADMIN		(1u << ROLE_ADMIN)
#define R_ANY		(R_READER | R_ANALYST | R_LOADER | R_ADMIN)
#define R_QUERY		(R_READER | R_ANALYST | R_ADMIN)
#define MAXQPARAMS	32

/* What a query job carries to the pool and back. */
struct qjob {
	struct server	*s;
	struct hreq	*r;		/* NULL once the request is gone */
	char		*text;
	size_t		len;
	char		*pname[MAXQPARAMS], *pval[MAXQPARAMS];
	struct pql_param params[MAXQPARAMS];
	int		np;
	enum out_format	fmt;
	struct pql_limits lim;
	char		who[64], partner[64], what[80];
	enum role	role;
	volatile int	cancel;
	/* out */
	int		rc;
	enum pql_fail	fail;
	char		err[4096];
	char		*body;
	size_t		blen;
	uint64_t	rows, suppressed, dv;
};

static const char *const fmt_ctype[] = {
	[OUT_TABLE] = "text/plain; charset=utf-8",
	[OUT_CSV] = "text/csv; charset=utf-8",
	[OUT_JSON] = "application/json",
	[OUT_NDJSON] = "application/x-ndjson",
};

/* Requests running per token, so one token cannot take every slot. */
static struct { char name[64]; int n; } running[256];

static int *
running_slot(const char *name, int add)
{
	int free_at = -1;

	for (int i = 0; i < 256; i++) {
		if (running[i].n > 0 && strcmp(running[i].name, name) == 0)
			return (&running[i].n);
		if (running[i].n == 0 && free_at < 0)
			free_at = i;
	}
	if (!add || free_at < 0)
		return (NULL);
	snprintf(running[free_at].name, sizeof(running[0].name), "%s", name);
	return (&running[free_at].n);
}

/* A slot for one more request of token who, or NULL when it already holds
 * half of max_inflight (the caller answers 429). */
int *
api_slot_take(struct server *s, const char *who)
{
	int *run = running_slot(who, 1);

	if (run == NULL || *run >= (s->o.max_inflight > 1 ?
	    s->o.max_inflight / 2 : 1))
		return (NULL);
	(*run)++;
	return (run);
}

void
api_slot_give(const char *who)
{
	int *run = running_slot(who, 0);

	if (run != NULL && *run > 0)
		(*run)--;
}

void
api_respond_json(struct hreq *r, int status, json_t *o, const char *headers)
{
	char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;

	if (text == NULL) {
		http_error(r, 500, "internal", "out of memory");
	} else {
		size_t n = strlen(text);

		text[n] = '\0';
		http_respond(r, status, "application/json", headers, text, n);
		free(text);
	}
	json_decref(o);
}

/*
 * A PQL error is "line L, column C: message\n<line>\n<carets>": the JSON
 * error gives line and column as numbers and the caret text apart.
 */
static void
pql_error_respond(struct hreq *r, int status, const char *code,
    const char *err)
{
	int line = 0, col = 0, off = 0;
	const char *msg = err, *nl;
	json_t *e;

	if (sscanf(err, "line %d, column %d: %n", &line, &col, &off) == 2 &&
	    off > 0)
		msg = err + off;
	else
		line = col = 0;
	nl = strchr(msg, '\n');
	e = json_object();
	json_object_set_new(e, "code", json_string(code));
	json_object_set_new(e, "message", nl ? json_stringn(msg,
	    (size_t)(nl - msg)) : json_string(msg));
	json_object_set_new(e, "line", line ? json_integer(line) :
	    json_null());
	json_object_set_new(e, "column", col ? json_integer(col) :
	    json_null());
	if (nl && line)
		json_object_set_new(e, "caret", json_string(nl + 1));
	api_respond_json(r, status, json_pack("{s:o}", "error", e), NULL);
}

/* Authenticate; answer 401 or 403 and return NULL when not allowed. */
static const struct token *
authorize(struct hreq *r, unsigned roles, const char *what)
{
	const char *a = r->auth, *sec;
	const struct token *t;
	size_t n;

	if (a == NULL) {
		http_error(r, 401, "unauthorized", "this endpoint needs "
		    "\"Authorization: Bearer TOKEN\"");
		return (NULL);
	}
	if (strncasecmp(a, "Bearer ", 7) != 0) {
		http_error(r, 401, "unauthorized", "the Authorization header "
		    "must be \"Bearer TOKEN\"");
		return (NULL);
	}
	for (sec = a + 7; *sec == ' '; sec++)
		;
	n = strlen(sec);
	while (n > 0 && sec[n - 1] == ' ')
		n--;
	if ((t = tokens_check(&r->srv->tokens, sec, n)) == NULL) {
		http_error(r, 401, "unauthorized", "the token is not valid "
		    "(unknown or revoked)");
		return (NULL);
	}
	if (!(roles & (1u << t->role))) {
		http_error(r, 403, "forbidden", "a %s token may not %s",
		    role_name(t->role), what);
		return (NULL);
	}
	r->tok = t;
	return (t);
}

/* Blanks collapse (a newline stays one, it separates stages) and comments
 * go, outside string literals, so spacing does not split the cache. */
static char *
normalise(const char *s, size_t n, size_t *outlen)
{
	char *out = malloc(n + 1), *o = out;
	int instr = 0, blank = 0, nl = 0;

	if (out == NULL)
		return (NULL);
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];

		if (instr) {
			*o++ = ch;
			if (ch == '\\' && i + 1 < n)
				*o++ = s[++i];
			else if (ch == '"')
				instr = 0;
			continue;
		}
		if (ch == '#') {
			while (i + 1 < n && s[i + 1] != '\n')
				i++;
			continue;
		}
		if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n') {
			blank = 1;
			nl |= ch == '\n';
			continue;
		}
		if (blank && o > out)
			*o++ = nl ? '\n' : ' ';
		blank = nl = 0;
		if (ch == '"')
			instr = 1;
		*o++ = ch;
	}
	*o = '\0';
	*outlen = (size_t)(o - out);
	return (out);
}

static int
param_cmp(const void *a, const void *b)
{
	const struct pql_param *x = a, *y = b;

	return (strcmp(x->name, y->name));
}

/* The cache key and ETag of a query's answer at a data version. */
static void
answer_key(const struct qjob *j, uint64_t dv, uint8_t key[CACHE_KEYLEN])
{
	crypto_generichash_state h;
	struct pql_param ps[MAXQPARAMS];
	char *norm;
	size_t nlen = 0;
	uint8_t fmt = (uint8_t)j->fmt, role = (uint8_t)j->role;

	crypto_generichash_init(&h, NULL, 0, CACHE_KEYLEN);
	crypto_generichash_update(&h, (const uint8_t *)&dv, sizeof(dv));
	if ((norm = normalise(j->text, j->len, &nlen)) != NULL) {
		crypto_generichash_update(&h, (uint8_t *)norm, nlen + 1);
		free(norm);
	}
	memcpy(ps, j->params, sizeof(ps[0]) * (size_t)j->np);
	qsort(ps, (size_t)j->np, sizeof(ps[0]), param_cmp);
	for (int i = 0; i < j->np; i++) {
		crypto_generichash_update(&h, (const uint8_t *)ps[i].name,
		    strlen(ps[i].name) + 1);
		crypto_generichash_update(&h, (const uint8_t *)ps[i].value,
		    strlen(ps[i].value) + 1);
	}
	crypto_generichash_update(&h, &fmt, 1);
	crypto_generichash_update(&h, &role, 1);
	/* An analyst's record-level rows are its own partner's. */
	if (j->role == ROLE_ANALYST)
		crypto_generichash_update(&h, (const uint8_t *)j->partner,
		    strlen(j->partner) + 1);
	crypto_generichash_final(&h, key, CACHE_KEYLEN);
}

static void
etag_text(const uint8_t key[CACHE_KEYLEN], char out[40])
{
	out[0] = '"';
	sodium_bin2hex(out + 1, 2 * CACHE_KEYLEN + 1, key, CACHE_KEYLEN);
	out[1 + 2 * CACHE_KEYLEN] = '"';
	out[2 + 2 * CACHE_KEYLEN] = '\0';
}

/* If-None-Match: a list of entity tags, weak or strong, or "*". */
static int
etag_matches(const char *inm, const char *etag)
{
	size_t el = strlen(etag);

	if (inm == NULL)
		return (0);
	while (*inm) {
		while (*inm == ' ' || *inm == ',' || *inm == '\t')
			inm++;
		if (*inm == '*')
			return (1);
		if (strncmp(inm, "W/", 2) == 0)
			inm += 2;
		if (strncmp(inm, etag, el) == 0 &&
		    (inm[el] == '\0' || inm[el] == ',' || inm[el] == ' '))
			return (1);
		while (*inm && *inm != ',')
			inm++;
	}
	return (0);
}

static void
qjob_free(struct qjob *j)
{
	for (int i = 0; i < j->np; i++) {
		free(j->pname[i]);
		free(j->pval[i]);
	}
	free(j->text);
	free(j->body);
	free(j);
}

static void
audit_query(struct server *s, const struct qjob *j, int status,
    const char *how)
{
	/* Every query is recorded, whatever bytes it holds. */
	char *q = utf8_clean(j->text, j->len > 4096 ? 4096 : j->len);
	json_t *o = q ? json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:i,s:I,s:s}",
	    "at", (json_int_t)time(NULL), "what", "query", "who", j->who,
	    "role", role_name(j->role), "partner", j->partner,
	    "name", j->what, "q", q, "status", status, "rows",
	    (json_int_t)j->rows, "answer", how) : NULL;
	char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;

	if (text)
		srv_audit(s, text);
	else
		log_error("audit", "cannot record a query by %s", j->who);
	free(text);
	free(q);
	json_decref(o);
}

static void
qjob_abandon(void *arg)
{
	struct qjob *j = arg;

	__atomic_store_n(&j->cancel, 1, __ATOMIC_SEQ_CST);
	j->r = NULL;
}

static void
qjob_run(void *arg)
{
	struct qjob *j = arg;
	struct table *t = NULL;
	struct timespec t0, t1;
	FILE *f;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	j->rc = pql_run_limited(j->s->st, j->text, j->len, j->params, j->np,
	    &j->lim, &t, &j->dv, &j->fail, j->err, sizeof(j->err));
	if (j->rc != 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	j->rows = t->nrows;
	j->suppressed = t->suppressed;
	if ((f = open_memstream(&j->body, &j->blen)) == NULL ||
	    table_write(f, t, j->fmt, j->dv, (double)(t1.tv_sec -
	    t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6) != 0) {
		j->rc = -1;
		j->fail = PQL_FAIL_INTERNAL;
		snprintf(j->err, sizeof(j->err), "cannot write the answer");
	}
	if (f)
		fclose(f);
	table_free(t);
}

static void
answer_headers(struct server *s, const uint8_t key[CACHE_KEYLEN],
    uint64_t dv, char *buf, size_t sz)
{
	char etag[40];

	etag_text(key, etag);
	snprintf(buf, sz, "ETag: %s\r\nCache-Control: %s\r\n"
	    "X-Placed-Data-Version: %" PRIu64 "\r\nVary: Authorization, "
	    "Accept\r\n", etag, s->o.cache_control, dv);
}

static void
send_answer(struct hreq *r, int status, enum out_format fmt,
    const char *headers, const char *body, size_t len)
{
	if (fmt == OUT_NDJSON) {
		char *copy = malloc(len ? len : 1);

		if (copy == NULL) {
			http_error(r, 500, "internal", "out of memory");
			return;
		}
		memcpy(copy, body, len);
		http_respond_chunked(r, status, fmt_ctype[fmt], headers, copy,
		    len);
	} else {
		http_respond(r, status, fmt_ctype[fmt], headers, body, len);
	}
}

static void
qjob_done(void *arg)
{
	struct qjob *j = arg;
	struct server *s = j->s;
	struct hreq *r = j->r;
	uint8_t key[CACHE_KEYLEN];
	char hdr[512];
	int status = 200;

	s->inflight--;
	if (r)
		r->job = NULL;
	api_slot_give(j->who);
	s->m.queries++;
	if (j->rc != 0) {
		static const struct { int status; const char *code; } map[] = {
			[PQL_OK] = { 500, "internal" },
			[PQL_FAIL_QUERY] = { 400, "query" },
			[PQL_FAIL_FORBIDDEN] = { 403, "forbidden" },
			[PQL_FAIL_ROWS] = { 413, "too_many_rows" },
			[PQL_FAIL_TIME] = { 503, "query_timeout" },
			[PQL_FAIL_INTERNAL] = { 500, "internal" },
		};

		s->m.query_errors++;
		status = map[j->fail].status;
		if (r)
			pql_error_respond(r, status, map[j->fail].code, j->err);
		audit_query(s, j, status, "error");
		qjob_free(j);
		return;
	}
	answer_key(j, j->dv, key);
	cache_put(s->cache, key, j->body, j->blen, fmt_ctype[j->fmt], j->rows,
	    j->suppressed);
	s->m.cache_misses++;
	if (r) {
		answer_headers(s, key, j->dv, hdr, sizeof(hdr));
		send_answer(r, status, j->fmt, hdr, j->body, j->blen);
	}
	audit_query(s, j, status, "run");
	qjob_free(j);
}

static int
out_format(struct hreq *r, enum out_format *fmt)
{
	const char *f = http_param(r, "format");

	*fmt = OUT_JSON;
	if (f) {
		if (out_format_parse(f, fmt) != 0 || *fmt == OUT_TABLE) {
			http_error(r, 400, "bad_request", "format \"%s\": "
			    "json, csv or ndjson", f);
			return (-1);
		}
		return (0);
	}
	if (r->accept && strstr(r->accept, "text/csv"))
		*fmt = OUT_CSV;
	else if (r->accept && strstr(r->accept, "ndjson"))
		*fmt = OUT_NDJSON;
	return (0);
}

static int
add_param(struct qjob *j, const char *name, const char *value)
{
	if (j->np == MAXQPARAMS)
		return (-1);
	j->pname[j->np] = strdup(name[0] == '$' ? name + 1 : name);
	j->pval[j->np] = strdup(value);
	if (j->pname[j->np] == NULL || j->pval[j->np] == NULL)
		return (-1);
	j->params[j->np].name = j->pname[j->np];
	j->params[j->np].value = j->pval[j->np];
	j->np++;
	return (0);
}

static struct qjob *
qjob_new(struct hreq *r, const struct token *t, const char *text, size_t len)
{
	struct qjob *j = calloc(1, sizeof(*j));

	if (j == NULL || (j->text = malloc(len + 1)) == NULL) {
		free(j);
		http_error(r, 500, "internal", "out of memory");
		return (NULL);
	}
	memcpy(j->text, text, len);
	j->text[len] = '\0';
	j->len = len;
	j->s = r->srv;
	j->r = r;
	j->role = t->role;
	snprintf(j->who, sizeof(j->who), "%s", t->name);
	snprintf(j->partner, sizeof(j->partner), "%s", t->partner);
	return (j);
}

/*
 * Answer a query: 304 when the client has this answer, the cached bytes
 * when the server has them, else run it on the pool.  The key is made at
 * the data version now; the job keys its answer at the version it read.
 */
static void
run_query(struct hreq *r, struct qjob *j)
{
	struct server *s = r->srv;
	const struct cache_entry *e;
	uint8_t key[CACHE_KEYLEN];
	char etag[40], hdr[512];
	uint64_t dv = store_data_version(s->st);
	struct timespec now;
	int *run;

	answer_key(j, dv, key);
	etag_text(key, etag);
	answer_headers(s, key, dv, hdr, sizeof(hdr));
	if (etag_matches(r->if_none_match, etag)) {
		s->m.not_modified++;
		http_respond(r, 304, NULL, hdr, NULL, 0);
		audit_query(s, j, 304, "not-modified");
		qjob_free(j);
		return;
	}
	if ((e = cache_get(s->cache, key)) != NULL) {
		s->m.cache_hits++;
		j->rows = e->rows;
		send_answer(r, 200, j->fmt, hdr, e->body, e->len);
		audit_query(s, j, 200, "cache");
		qjob_free(j);
		return;
	}
	if (s->inflight >= s->o.max_inflight) {
		http_error(r, 503, "busy", "the server is running as many "
		    "queries and loads as it allows; try again");
		qjob_free(j);
		return;
	}
	if ((run = api_slot_take(s, j->who)) == NULL) {
		http_error(r, 429, "too_many_requests", "this token already "
		    "has as many queries and loads running as it may");
		qjob_free(j);
		return;
	}
	j->lim.max_rows = s->o.max_rows;
	if (j->role != ROLE_ADMIN)
		j->lim.suppress_k = s->o.suppress_k;
	j->lim.aggregates_only = j->role == ROLE_READER;
	j->lim.own_org = j->role == ROLE_ANALYST ? j->partner : NULL;
	j->lim.cancel = &j->cancel;
	j->lim.plugins = s->plugins;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (s->o.query_timeout_ms)
		j->lim.deadline_ns = (int64_t)now.tv_sec * 1000000000 +
		    now.tv_nsec + (int64_t)s->o.query_timeout_ms * 1000000;
	s->inflight++;
	r->job = j;
	r->abandon = qjob_abandon;
	if (srv_work(s, j, qjob_run, qjob_done) != 0) {
		s->inflight--;
		(*run)--;
		r->job = NULL;
		http_error(r, 500, "internal", "cannot start the query");
		qjob_free(j);
	}
}

static void
route_query(struct hreq *r)
{
	const struct token *t;
	struct qjob *j;
	enum out_format fmt;
	const char *text = NULL;
	size_t len = 0;
	json_t *root = NULL, *q, *ps, *v;
	const char *k;

	if ((t = authorize(r, R_QUERY, "run queries")) == NULL ||
	    out_format(r, &fmt) != 0)
		return;
	if (r->method == HTTP_GET) {
		if ((text = http_param(r, "q")) == NULL || *text == '\0') {
			http_error(r, 400, "bad_request", "q=PQL is required");
			return;
		}
		len = strlen(text);
	} else if (r->content_type && strstr(r->content_type, "json")) {
		json_error_t je;

		root = json_loadb(r->body ? r->body : "", r->bodylen, 0, &je);
		if (root == NULL || !json_is_object(root) ||
		    !json_is_string(q = json_object_get(root, "q"))) {
			http_error(r, 400, "bad_request", "the body must be "
			    "{\"q\": \"PQL\", \"params\": {...}}%s%s",
			    root ? "" : ": ", root ? "" : je.text);
			json_decref(root);
			return;
		}
		text = json_string_value(q);
		len = json_string_length(q);
	} else {
		text = r->body ? r->body : "";
		len = r->bodylen;
		if (len == 0) {
			http_error(r, 400, "bad_request", "the body is empty: "
			    "send PQL text");
			return;
		}
	}
	if ((j = qjob_new(r, t, text, len)) == NULL) {
		json_decref(root);
		return;
	}
	j->fmt = fmt;
	snprintf(j->what, sizeof(j->what), "query");
	for (int i = 0; i < r->nparams; i++) {
		if (strcmp(r->params[i].name, "q") == 0 ||
		    strcmp(r->params[i].name, "format") == 0)
			continue;
		if (add_param(j, r->params[i].name, r->params[i].value) != 0)
			goto toomany;
	}
	if (root && json_is_object(ps = json_object_get(root, "params"))) {
		json_object_foreach(ps, k, v) {
			char num[64];
			const char *val = num;

			if (json_is_string(v))
				val = json_string_value(v);
			else if (json_is_integer(v))
				snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
				    json_integer_value(v));
			else if (json_is_real(v))
				snprintf(num, sizeof(num), "%.17g",
				    json_real_value(v));
			else if (json_is_boolean(v))
				snprintf(num, sizeof(num), "%s",
				    json_is_true(v) ? "true" : "false");
			else {
				http_error(r, 400, "bad_request", "parameter "
				    "\"%s\": a string, number or boolean", k);
				qjob_free(j);
				json_decref(root);
				return;
			}
			if (add_param(j, k, val) != 0)
				goto toomany;
		}
	}
	json_decref(root);
	run_query(r, j);
	return;
toomany:
	http_error(r, 400, "bad_request", "at most %d parameters", MAXQPARAMS);
	qjob_free(j);
	json_decref(root);
}

static void
route_questions(struct hreq *r, const char *name)
{
	struct server *s = r->srv;
	const struct token *t;
	const struct question *q;
	struct pql_param given[HREQ_MAXPARAMS], bound[MAXQPARAMS];
	struct qjob *j;
	enum out_format fmt;
	char err[1024], *text;
	int ng = 0, nb;

	if ((t = authorize(r, R_QUERY, "read saved questions")) == NULL)
		return;
	if (name == NULL) {
		if ((text = questions_json(s->questions)) == NULL) {
			http_error(r, 500, "internal", "out of memory");
			return;
		}
		http_respond(r, 200, "application/json", NULL, text,
		    strlen(text));
		free(text);
		return;
	}
	if ((q = questions_find(s->questions, name)) == NULL) {
		http_error(r, 404, "not_found", "no saved question \"%s\" "
		    "(GET /v1/questions lists them)", name);
		return;
	}
	if (out_format(r, &fmt) != 0)
		return;
	for (int i = 0; i < r->nparams; i++) {
		if (strcmp(r->params[i].name, "format") == 0)
			continue;
		given[ng].name = r->params[i].name;
		given[ng++].value = r->params[i].value;
	}
	if ((nb = question_bind(q, given, ng, bound, MAXQPARAMS, err,
	    sizeof(err))) < 0) {
		http_error(r, 400, "bad_parameter", "%s", err);
		return;
	}
	if ((j = qjob_new(r, t, q->text, strlen(q->text))) == NULL)
		return;
	j->fmt = fmt;
	snprintf(j->what, sizeof(j->what), "question:%s", q->name);
	for (int i = 0; i < nb; i++)
		if (add_param(j, bound[i].name, bound[i].value) != 0) {
			http_error(r, 500, "internal", "out of memory");
			qjob_free(j);
			return;
		}
	run_query(r, j);
}

static void
route_batches(struct hreq *r)
{
	struct server *s = r->srv;
	struct batch_info *bs = NULL;
	size_t n = 0;
	MDB_txn *txn;
	json_t *a;
	int rc;

	if (authorize(r, R_ANY, "list batches") == NULL)
		return;
	if ((rc = store_txn_begin(s->st, 1, &txn)) != 0 ||
	    (rc = store_batch_list(s->st, txn, &bs, &n)) != 0) {
		if (rc == 0)
			store_txn_abort(txn);
		http_error(r, 500, "internal", "%s", store_strerror(rc));
		return;
	}
	store_txn_abort(txn);
	a = json_array();
	for (size_t i = 0; i < n; i++) {
		char hash[65];

		char *src = utf8_clean(bs[i].source, strlen(bs[i].source));

		sodium_bin2hex(hash, sizeof(hash), bs[i].hash, 32);
		json_array_append_new(a, json_pack("{s:I,s:s,s:s,s:s,s:I,s:I,"
		    "s:I,s:I,s:s}", "id", (json_int_t)bs[i].id, "kind",
		    schema_kind(bs[i].kind)->name, "state",
		    batch_state_name(bs[i].state), "source", src ? src : "",
		    "rows", (json_int_t)bs[i].rows, "rejected",
		    (json_int_t)bs[i].rejected, "loaded_at",
		    (json_int_t)bs[i].loaded_at, "retired_at",
		    (json_int_t)bs[i].retired_at, "hash", hash));
		free(src);
	}
	free(bs);
	api_respond_json(r, 200, json_pack("{s:o,s:I}", "batches", a,
	    "data_version", (json_int_t)store_data_version(s->st)), NULL);
}

struct rjob {
	struct server	*s;
	struct hreq	*r;
	uint32_t	id;
	char		who[64];
	int		rc;
	char		err[512];
};

static void
retire_run(void *arg)
{
	struct rjob *j = arg;

	j->rc = batch_retire(j->s->st, j->id, j->who, j->err, sizeof(j->err));
}

static void
retire_done(void *arg)
{
	struct rjob *j = arg;
	struct server *s = j->s;

	s->inflight--;
	if (j->rc == 0)
		s->m.retires++;
	if (j->r) {
		j->r->job = NULL;
		if (j->rc == 0)
			api_respond_json(j->r, 200, json_pack("{s:I,s:I}",
			    "retired", (json_int_t)j->id, "data_version",
			    (json_int_t)store_data_version(s->st)), NULL);
		else
			http_error(j->r, j->rc == -EINVAL ? 409 :
			    strncmp(j->err, "no batch", 8) == 0 ? 404 : 500,
			    j->rc == -EINVAL ? "conflict" :
			    strncmp(j->err, "no batch", 8) == 0 ? "not_found" :
			    "internal", "%s", j->err);
	}
	free(j);
}

static void
retire_abandon(void *arg)
{
	((struct rjob *)arg)->r = NULL;
}

static void
route_retire(struct hreq *r, const char *idtext)
{
	struct server *s = r->srv;
	const struct token *t;
	struct rjob *j;
	char *end;
	unsigned long id;

	if ((t = authorize(r, R_ADMIN, "retire batches")) == NULL)
		return;
	errno = 0;
	id = strtoul(idtext, &end, 10);
	if (*idtext == '\0' || *end != '\0' || errno || id == 0 ||
	    id > UINT32_MAX) {
		http_error(r, 404, "not_found", "no batch \"%s\"", idtext);
		return;
	}
	if (s->inflight >= s->o.max_inflight) {
		http_error(r, 503, "busy", "the server is busy; try again");
		return;
	}
	if ((j = calloc(1, sizeof(*j))) == NULL) {
		http_error(r, 500, "internal", "out of memory");
		return;
	}
	j->s = s;
	j->r = r;
	j->id = (uint32_t)id;
	snprintf(j->who, sizeof(j->who), "%s", t->name);
	s->inflight++;
	r->job = j;
	r->abandon = retire_abandon;
	if (srv_work(s, j, retire_run, retire_done) != 0) {
		s->inflight--;
		r->job = NULL;
		free(j);
		http_error(r, 500, "internal", "cannot retire now");
	}
}

static json_t *
scheme_json(const struct placed_scheme *sc, int with_codes)
{
	json_t *o = json_pack("{s:s,s:s,s:s?,s:b,s:I}", "name", sc->name,
	    "title", sc->title ? sc->title : "", "field", sc->field,
	    "provisional", sc->provisional, "codes", (json_int_t)sc->ncodes);
	json_t *lv = json_array(), *cs;

	for (int i = 0; sc->levels && sc->levels[i]; i++)
		json_array_append_new(lv, json_string(sc->levels[i]));
	json_object_set_new(o, "levels", lv);
	if (!with_codes)
		return (o);
	cs = json_array();
	for (size_t i = 0; i < sc->ncodes; i++)
		json_array_append_new(cs, json_pack("{s:s,s:s?,s:s?}", "code",
		    sc->codes[i].code, "parent", sc->codes[i].parent, "title",
		    sc->codes[i].title));
	json_object_set_new(o, "codes", cs);
	return (o);
}

static void
route_schemes(struct hreq *r, const char *name)
{
	const struct plugins *ps = r->srv->plugins;
	const struct plugin_scheme *sc;
	json_t *a;

	if (authorize(r, R_ANY, "list schemes") == NULL)
		return;
	if (name) {
		if ((sc = ps ? plugins_scheme(ps, name) : NULL) == NULL) {
			http_error(r, 404, "not_found", "no classification "
			    "scheme \"%s\" (GET /v1/schemes lists them)",
			    name);
			return;
		}
		api_respond_json(r, 200, scheme_json(&sc->s, 1), NULL);
		return;
	}
	a = json_array();
	for (size_t i = 0; ps && i < ps->nschemes; i++) {
		json_t *o = scheme_json(&ps->schemes[i].s, 0);

		json_object_set_new(o, "plugin",
		    json_string(ps->schemes[i].plugin->name));
		json_array_append_new(a, o);
	}
	api_respond_json(r, 200, json_pack("{s:o}", "schemes", a), NULL);
}

static void
route_plugins(struct hreq *r)
{
	char *text;

	if (authorize(r, R_ANY, "list plugins") == NULL)
		return;
	if (r->srv->plugins == NULL) {
		api_respond_json(r, 200, json_pack("{s:[],s:[],s:[]}", "plugins",
		    "failed", "plugin_dirs"), NULL);
		return;
	}
	if ((text = plugins_json(r->srv->plugins)) == NULL) {
		http_error(r, 500, "internal", "out of memory");
		return;
	}
	http_respond(r, 200, "application/json", NULL, text, strlen(text));
	free(text);
}

static void
route_health(struct hreq *r)
{
	struct server *s = r->srv;

	api_respond_json(r, s->stopping ? 503 : 200, json_pack("{s:s,s:I}",
	    "status", s->stopping ? "stopping" : "ok", "data_version",
	    (json_int_t)store_data_version(s->st)), NULL);
}

static void
route_metrics(struct hreq *r)
{
	char *text;
	size_t n;

	if (authorize(r, R_ANY, "read metrics") == NULL)
		return;
	if ((text = metrics_text(r->srv, &n)) == NULL) {
		http_error(r, 500, "internal", "out of memory");
		return;
	}
	http_respond(r, 200, "text/plain; version=0.0.4", NULL, text, n);
	free(text);
}

/* The path after prefix, when path starts with it and a name follows. */
static const char *
tail(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);

	if (strncmp(path, prefix, n) != 0 || path[n] == '\0' ||
	    strchr(path + n, '/') != NULL)
		return (NULL);
	return (path + n);
}

static int
method_is(struct hreq *r, enum http_method m)
{
	if (r->method == m)
		return (1);
	http_error(r, 405, "method_not_allowed", "%s is not allowed on %s",
	    http_method_str(r->method), r->path);
	return (0);
}

int
api_headers(struct hreq *r)
{
	char err[512];
	int status;

	if (strncmp(r->path, "/v1/load/", 9) != 0)
		return (0);
	if (r->method != HTTP_POST) {
		http_error(r, 405, "method_not_allowed", "loads are POST");
		return (-1);
	}
	if (authorize(r, R_LOADER | R_ADMIN, "load data") == NULL)
		return (-1);
	if (api_slot_take(r->srv, r->tok->name) == NULL) {
		http_error(r, 429, "too_many_requests", "this token already "
		    "has as many queries and loads running as it may");
		return (-1);
	}
	if (load_job_start(r, err, sizeof(err), &status) != 0) {
		api_slot_give(r->tok->name);
		http_error(r, status, status == 404 ? "not_found" :
		    status == 403 ? "forbidden" : status == 503 ? "busy" :
		    "bad_request", "%s", err);
		return (-1);
	}
	return (0);
}

void
api_request(struct hreq *r)
{
	const char *p = r->path, *name;

	if (strcmp(p, "/healthz") == 0) {
		if (method_is(r, HTTP_GET))
			route_health(r);
	} else if (strcmp(p, "/metrics") == 0) {
		if (method_is(r, HTTP_GET))
			route_metrics(r);
	} else if (strcmp(p, "/v1/query") == 0) {
		if (r->method == HTTP_GET || r->method == HTTP_POST)
			route_query(r);
		else
			method_is(r, HTTP_POST);
	} else if (strcmp(p, "/v1/questions") == 0) {
		if (method_is(r, HTTP_GET))
			route_questions(r, NULL);
	} else if ((name = tail(p, "/v1/questions/")) != NULL) {
		if (method_is(r, HTTP_GET))
			route_questions(r, name);
	} else if (strcmp(p, "/v1/batches") == 0) {
		if (method_is(r, HTTP_GET))
			route_batches(r);
	} else if ((name = tail(p, "/v1/batches/")) != NULL) {
		if (method_is(r, HTTP_DELETE))
			route_retire(r, name);
	} else if (strcmp(p, "/v1/schemes") == 0) {
		if (method_is(r, HTTP_GET))
			route_schemes(r, NULL);
	} else if ((name = tail(p, "/v1/schemes/")) != NULL) {
		if (method_is(r, HTTP_GET))
			route_schemes(r, name);
	} else if (strcmp(p, "/v1/plugins") == 0) {
		if (method_is(r, HTTP_GET))
			route_plugins(r);
	} else {
		http_error(r, 404, "not_found", "no such endpoint: %s", p);
	}
}

void
api_abandon(struct hreq *r)
{
	if (r->load) {
		load_job_cancel(r->load);
		r->load = NULL;
	}
	if (r->job) {
		r->abandon(r->job);
		r->job = NULL;
	}
}
