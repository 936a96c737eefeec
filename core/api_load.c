/*
 * api_load.c — POST /v1/load/{kind}: the body streams through a pipe into
 * the loader running on the pool, so no file is ever held whole.
 *
 * The loop writes body bytes to the pipe and stops reading the client
 * while the loader is more than PIPE_HIGH behind.  When the body ends the
 * pipe closes and the loader commits; when the request dies first (the
 * client goes, a timeout, shutdown past its grace) the cancel flag is set
 * before the pipe closes, so the loader sees it at end of input and
 * abandons the batch: a load is committed whole or not at all.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "emit.h"
#include "load.h"
#include "plugin.h"
#include "profile.h"
#include "log.h"
#include "server.h"

#define PIPE_HIGH	(1u << 20)
#define PIPE_LOW	(256u << 10)
#define MAX_ERRORS	20

struct load_job {
	struct server	*s;
	struct hreq	*r;		/* NULL once the request is gone */
	struct load_opts o;
	char		source[256], org[64], who[64];
	int		rfd;		/* the loader reads here */
	uv_pipe_t	pipe;		/* the loop writes here */
	int		pipe_open, pipe_closing, ended, done, fake_fd;
	size_t		writes;
	volatile int	cancel;
	uint64_t	errline[MAX_ERRORS];
	char		errmsg[MAX_ERRORS][256];
	int		nerr;
	int		rc;
	char		err[1024];
	struct load_result res;
	/* profile=NAME: the profile, and the importer it reads through. */
	struct profile	*prof;
	struct plugin	profplug;
	struct plugin_importer profimp;
	char		profname[96];
};

struct pwrite {
	uv_write_t	w;
	struct load_job	*j;
	char		*buf;
};

static void job_free_if_done(struct load_job *j);

static void
on_reject(void *arg, uint64_t line, const char *why)
{
	struct load_job *j = arg;

	if (j->nerr < MAX_ERRORS) {
		j->errline[j->nerr] = line;
		snprintf(j->errmsg[j->nerr], sizeof(j->errmsg[0]), "%s", why);
		j->nerr++;
	}
}

static void
pipe_closed(uv_handle_t *h)
{
	struct load_job *j = h->data;

	j->pipe_open = 0;
	job_free_if_done(j);
}

static void
pipe_close(struct load_job *j)
{
	if (j->fake_fd >= 0) {
		return;
	}
	if (j->pipe_open && !j->pipe_closing) {
		j->pipe_closing = 1;
		uv_close((uv_handle_t *)&j->pipe, pipe_closed);
	}
}

static void
load_run(void *arg)
{
	struct load_job *j = arg;

	if (j->fake_fd >= 0)
		lseek(j->fake_fd, 0, SEEK_SET);
	j->rc = load_fd(j->s->st, j->rfd, "body", &j->o, &j->res, j->err,
	    sizeof(j->err));
	close(j->rfd);
	j->rfd = -1;
}

/* {"lines": N, "reasons": {"header": 1, "blank": 3}}: what an importer
 * set aside. */
static json_t *
skipped_json(const struct load_result *res)
{
	json_t *why = json_object();

	for (int i = 0; why && i < res->nreasons; i++)
		json_object_set_new(why, res->reasons[i].why,
		    json_integer((json_int_t)res->reasons[i].n));
	return (json_pack("{s:I,s:o}", "lines", (json_int_t)res->skipped,
	    "reasons", why ? why : json_object()));
}

static json_t *
errors_json(const struct load_job *j)
{
	json_t *a = json_array();

	for (int i = 0; i < j->nerr; i++)
		json_array_append_new(a, json_pack("{s:I,s:s}", "line",
		    (json_int_t)j->errline[i], "message", j->errmsg[i]));
	return (a);
}

static void
load_done(void *arg)
{
	struct load_job *j = arg;
	struct server *s = j->s;
	struct hreq *r = j->r;
	json_t *o, *ret;
	char audit[512];

	j->done = 1;
	s->inflight--;
	api_slot_give(j->who);
	if (j->rc == 0) {
		s->m.loads++;
		s->m.load_rows += j->res.br.rows;
		s->m.load_rejected += j->res.br.rejected;
	}
	if (r && r->conn) {
		r->load = NULL;
		if (j->rc == 0) {
			ret = json_array();
			for (int i = 0; i < j->res.br.nretired; i++)
				json_array_append_new(ret, json_integer(
				    j->res.br.retired[i]));
			o = json_pack("{s:I,s:s,s:s,s:I,s:I,s:I,s:o,s:I,"
			    "s:o,s:I,s:o}",
			    "batch", (json_int_t)(j->res.br.same_as ?
			    j->res.br.same_as : j->res.br.id),
			    "kind", schema_kind(j->o.kind)->name,
			    "source", j->source,
			    "accepted", (json_int_t)j->res.br.rows,
			    "rejected", (json_int_t)j->res.br.rejected,
			    "blank", (json_int_t)j->res.blank,
			    "skipped", skipped_json(&j->res),
			    "same_as", (json_int_t)j->res.br.same_as,
			    "retired", ret,
			    "data_version", (json_int_t)j->res.br.data_version,
			    "errors", errors_json(j));
			api_respond_json(r, j->res.br.same_as ? 200 : 201, o, NULL);
		} else {
			o = json_pack("{s:{s:s,s:s,s:n,s:n},s:I,s:o}",
			    "error", "code", "load_failed", "message", j->err,
			    "line", "column",
			    "rejected", (json_int_t)j->res.br.rejected,
			    "errors", errors_json(j));
			api_respond_json(r, 422, o, NULL);
		}
	}
	snprintf(audit, sizeof(audit), "{\"at\":%lld,\"what\":\"load-request\","
	    "\"who\":\"%s\",\"kind\":\"%s\",\"batch\":%u,\"rows\":%llu,"
	    "\"rejected\":%llu,\"ok\":%s}", (long long)time(NULL), j->who,
	    schema_kind(j->o.kind)->name,
	    j->rc == 0 ? j->res.br.id : 0,
	    (unsigned long long)j->res.br.rows,
	    (unsigned long long)j->res.br.rejected,
	    j->rc == 0 ? "true" : "false");
	srv_audit(s, audit);
	job_free_if_done(j);
}

static void
job_free_if_done(struct load_job *j)
{
	if (!j->done || j->pipe_open)
		return;
	if (j->fake_fd >= 0)
		close(j->fake_fd);
	profile_free(j->prof);
	free(j);
}

static int
truthy(const char *v)
{
	return (v && (strcmp(v, "1") == 0 || strcasecmp(v, "true") == 0 ||
	    strcasecmp(v, "yes") == 0));
}

/* profile=NAME: the profile NAME.profile of the server's profiles
 * directory (a name, never a path); NULL with *status and err. */
static struct profile *
load_profile(struct server *s, const char *name, kind_t kind, char *err,
    size_t errsz, int *status)
{
	struct profile *p;
	char path[2048], why[512];

	*status = 400;
	if (*name == '\0' || strlen(name) > 64 ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789-_") !=
	    strlen(name)) {
		snprintf(err, errsz, "profile=NAME: a-z, 0-9, - and _ only");
		return (NULL);
	}
	snprintf(path, sizeof(path), "%s/%s.profile", s->o.profiles_dir, name);
	if (profile_load(path, &p, why, sizeof(why)) != 0) {
		snprintf(err, errsz, "profile \"%s\": %s", name, why);
		return (NULL);
	}
	if (profile_kind(p) != kind) {
		snprintf(err, errsz, "profile \"%s\" makes %s records, not %s",
		    name, schema_kind(profile_kind(p))->name,
		    schema_kind(kind)->name);
		profile_free(p);
		return (NULL);
	}
	return (p);
}

/* Validate the request and start the loader; on failure *status and err
 * say what to answer. */
int
load_job_start(struct hreq *r, char *err, size_t errsz, int *status)
{
	struct server *s = r->srv;
	const struct token *t = r->tok;
	const char *kname = r->path + strlen("/v1/load/");
	const char *src = http_param(r, "source"), *org = http_param(r, "org");
	const char *fmt = http_param(r, "format");
	const char *pname = http_param(r, "profile");
	struct profile *prof = NULL;
	struct load_job *j;
	int kind, fds[2];

	*status = 400;
	if ((kind = schema_kind_find(kname)) < 0) {
		*status = 404;
		snprintf(err, errsz, "no record kind \"%s\" (spend, activity, "
		    "outcome, service)", kname);
		return (-1);
	}
	if (src == NULL || *src == '\0' || strlen(src) >= 256) {
		snprintf(err, errsz, "source=NAME is required: the batch's "
		    "name, which replace=1 replaces next time");
		return (-1);
	}
	if (fmt == NULL && r->content_type)
		fmt = strstr(r->content_type, "json") ? "ndjson" : "csv";
	{
		struct load_opts lo = { .kind = (kind_t)kind };

		if (load_format(s->plugins, fmt, &lo, err, errsz) != 0) {
			*status = 415;
			return (-1);
		}
	}
	if (pname && http_param(r, "format")) {
		snprintf(err, errsz, "format= and profile= both say how to "
		    "read the body: give one");
		return (-1);
	}
	if (pname && (prof = load_profile(s, pname, (kind_t)kind, err,
	    errsz, status)) == NULL)
		return (-1);
	if (t->role == ROLE_LOADER && org && strcmp(org, t->partner) != 0) {
		*status = 403;
		snprintf(err, errsz, "a loader token loads for its own partner "
		    "\"%s\" only", t->partner);
		profile_free(prof);
		return (-1);
	}
	if (org && strlen(org) >= 64) {
		snprintf(err, errsz, "org is too long");
		profile_free(prof);
		return (-1);
	}
	/* Names go into batch records and JSON answers: UTF-8 only. */
	if (!utf8_valid(src, strlen(src)) ||
	    (org && !utf8_valid(org, strlen(org)))) {
		snprintf(err, errsz, "source and org must be UTF-8 text");
		profile_free(prof);
		return (-1);
	}
	if (s->inflight >= s->o.max_inflight) {
		*status = 503;
		snprintf(err, errsz, "the server is running as many queries "
		    "and loads as it allows; try again");
		profile_free(prof);
		return (-1);
	}
	if ((j = calloc(1, sizeof(*j))) == NULL) {
		profile_free(prof);
		*status = 500;
		snprintf(err, errsz, "out of memory");
		return (-1);
	}
	j->s = s;
	j->r = r;
	j->fake_fd = -1;
	snprintf(j->source, sizeof(j->source), "%s", src);
	snprintf(j->who, sizeof(j->who), "%s", t->name);
	if (t->role == ROLE_LOADER)
		snprintf(j->org, sizeof(j->org), "%s", t->partner);
	else if (org)
		snprintf(j->org, sizeof(j->org), "%s", org);
	j->o.kind = (kind_t)kind;
	(void)load_format(s->plugins, fmt, &j->o, err, errsz);
	if (prof) {
		/* A profile reads CSV through its templates, as an importer. */
		j->prof = prof;
		snprintf(j->profname, sizeof(j->profname), "profile %s",
		    profile_name(prof));
		j->profplug.name = j->profname;
		j->profimp.plugin = &j->profplug;
		profile_importer(prof, &j->profimp.i);
		j->o.format = LOAD_IMPORTER;
		j->o.importer = &j->profimp;
		j->o.hash_extra = profile_text(prof, &j->o.nhash_extra);
	}
	j->o.source = j->source;
	j->o.org = j->org[0] ? j->org : NULL;
	j->o.only_org = t->role == ROLE_LOADER;
	j->o.replace = truthy(http_param(r, "replace"));
	j->o.strict = truthy(http_param(r, "strict"));
	j->o.hashed = truthy(http_param(r, "hashed"));
	j->o.keypath = s->o.keypath;
	j->o.plugins = s->plugins;
	j->o.rules = s->o.rules_dir;
	j->o.partners = s->o.partners_dir;
	j->o.who = j->who;
	j->o.on_reject = on_reject;
	j->o.show_errors = -1;
	j->o.reject_arg = j;
	j->o.cancel = &j->cancel;
	if (s->loop == NULL) {
		/* No loop to stream with: gather the body in memory. */
		if ((j->fake_fd = memfd_create("placed-load", MFD_CLOEXEC)) < 0) {
			profile_free(j->prof);
			free(j);
			*status = 500;
			snprintf(err, errsz, "memfd: %s", strerror(errno));
			return (-1);
		}
		j->rfd = dup(j->fake_fd);
	} else {
		if (pipe2(fds, O_CLOEXEC) != 0) {
			profile_free(j->prof);
			free(j);
			*status = 500;
			snprintf(err, errsz, "pipe: %s", strerror(errno));
			return (-1);
		}
		j->rfd = fds[0];
		uv_pipe_init(s->loop, &j->pipe, 0);
		j->pipe.data = j;
		if (uv_pipe_open(&j->pipe, fds[1]) != 0) {
			close(fds[0]);
			close(fds[1]);
			uv_close((uv_handle_t *)&j->pipe, NULL);
			profile_free(j->prof);
			free(j);
			*status = 500;
			snprintf(err, errsz, "cannot stream the body");
			return (-1);
		}
		j->pipe_open = 1;
	}
	r->load = j;
	s->inflight++;
	if (s->loop != NULL &&
	    srv_work(s, j, load_run, load_done) != 0) {
		s->inflight--;
		r->load = NULL;
		j->done = 1;
		close(j->rfd);
		pipe_close(j);
		*status = 500;
		snprintf(err, errsz, "cannot start the loader");
		return (-1);
	}
	return (0);
}

static void
pwrite_cb(uv_write_t *w, int status)
{
	struct pwrite *pw = (struct pwrite *)w;
	struct load_job *j = pw->j;

	(void)status;
	free(pw->buf);
	free(pw);
	j->writes--;
	if (j->r && j->r->conn &&
	    uv_stream_get_write_queue_size((uv_stream_t *)&j->pipe) <
	    PIPE_LOW)
		http_conn_resume(j->r->conn);
	if (j->ended && j->writes == 0)
		pipe_close(j);
}

int
load_job_body(struct load_job *j, const char *data, size_t n)
{
	struct pwrite *pw;
	uv_buf_t b;

	if (j->fake_fd >= 0)
		return (write(j->fake_fd, data, n) == (ssize_t)n ? 0 : 0);
	if (!j->pipe_open || j->pipe_closing)
		return (0);
	if ((pw = malloc(sizeof(*pw))) == NULL ||
	    (pw->buf = malloc(n)) == NULL) {
		free(pw);
		load_job_cancel(j);
		return (0);
	}
	memcpy(pw->buf, data, n);
	pw->j = j;
	b = uv_buf_init(pw->buf, (unsigned)n);
	j->writes++;
	if (uv_write(&pw->w, (uv_stream_t *)&j->pipe, &b, 1, pwrite_cb) != 0) {
		j->writes--;
		free(pw->buf);
		free(pw);
		load_job_cancel(j);
		return (0);
	}
	return (uv_stream_get_write_queue_size((uv_stream_t *)&j->pipe) >
	    PIPE_HIGH);
}

void
load_job_end(struct load_job *j)
{
	j->ended = 1;
	if (j->fake_fd >= 0) {
		load_run(j);
		load_done(j);
		return;
	}
	if (j->writes == 0)
		pipe_close(j);
}

void
load_job_cancel(struct load_job *j)
{
	__atomic_store_n(&j->cancel, 1, __ATOMIC_SEQ_CST);
	j->r = NULL;
	if (j->fake_fd >= 0) {
		if (!j->done) {
			close(j->rfd);
			j->done = 1;
			j->s->inflight--;
			job_free_if_done(j);
		}
		return;
	}
	pipe_close(j);
}
