/*
 * server.c — the server's life: start, work on the pool, the query audit,
 * metrics, SIGHUP reload and a graceful stop on SIGTERM or SIGINT.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "log.h"
#include "questions.h"
#include "serve.h"
#include "server.h"

#define AUDIT_MAX	100000	/* records waiting; beyond, the oldest go */

struct work {
	uv_work_t	w;
	void		*arg;
	srv_work_fn	fn, done;
};

static void
work_run(uv_work_t *w)
{
	struct work *k = w->data;

	k->fn(k->arg);
}

static void
work_done(uv_work_t *w, int status)
{
	struct work *k = w->data;

	(void)status;
	k->done(k->arg);
	free(k);
}

int
srv_work(struct server *s, void *arg, srv_work_fn fn, srv_work_fn done)
{
	struct work *k;

	if (s->loop == NULL) {
		fn(arg);
		done(arg);
		return (0);
	}
	if ((k = calloc(1, sizeof(*k))) == NULL)
		return (-ENOMEM);
	k->w.data = k;
	k->arg = arg;
	k->fn = fn;
	k->done = done;
	if (uv_queue_work(s->loop, &k->w, work_run, work_done) != 0) {
		free(k);
		return (-EAGAIN);
	}
	return (0);
}

/* Query audit: each answer adds a record; they are written to the
 * store's audit db together, so polling does not cost a commit each. */
void
srv_audit(struct server *s, const char *json)
{
	char *copy;

	if (s->naudit == AUDIT_MAX) {
		log_warn("audit", "%d records waiting: dropping the oldest",
		    AUDIT_MAX);
		free(s->audit[0]);
		memmove(s->audit, s->audit + 1, sizeof(char *) *
		    (s->naudit - 1));
		s->naudit--;
	}
	if (s->naudit == s->audit_cap) {
		size_t cap = s->audit_cap ? s->audit_cap * 2 : 64;
		char **na = realloc(s->audit, cap * sizeof(char *));

		if (na == NULL)
			return;
		s->audit = na;
		s->audit_cap = cap;
	}
	if ((copy = strdup(json)) != NULL)
		s->audit[s->naudit++] = copy;
}

struct audit_job {
	struct server	*s;
	char		**recs;
	size_t		n;
	int		rc;
};

static void
audit_write(void *arg)
{
	struct audit_job *a = arg;
	MDB_txn *txn;

	if ((a->rc = store_txn_begin(a->s->st, 0, &txn)) != 0)
		return;
	for (size_t i = 0; i < a->n && a->rc == 0; i++)
		a->rc = store_audit(a->s->st, txn, a->recs[i]);
	if (a->rc == 0)
		a->rc = store_txn_commit(txn);
	else
		store_txn_abort(txn);
}

static void
audit_written(void *arg)
{
	struct audit_job *a = arg;

	if (a->rc != 0)
		log_error("audit", "cannot write %zu audit records: %s", a->n,
		    store_strerror(a->rc));
	for (size_t i = 0; i < a->n; i++)
		free(a->recs[i]);
	free(a->recs);
	a->s->audit_busy = 0;
	free(a);
}

void
srv_audit_flush(struct server *s, int sync)
{
	struct audit_job *a;

	if (s->naudit == 0 || s->audit_busy ||
	    (a = calloc(1, sizeof(*a))) == NULL)
		return;
	a->s = s;
	a->recs = s->audit;
	a->n = s->naudit;
	s->audit = NULL;
	s->naudit = s->audit_cap = 0;
	s->audit_busy = 1;
	if (sync || s->loop == NULL) {
		audit_write(a);
		audit_written(a);
	} else if (srv_work(s, a, audit_write, audit_written) != 0) {
		audit_write(a);
		audit_written(a);
	}
}

static void
audit_tick(uv_timer_t *t)
{
	srv_audit_flush(t->data, 0);
}

/* Metrics. */
static const double bucket_le[MET_BUCKETS] = {
	0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
	5
};

void
metrics_observe(struct server *s, int status, uint64_t t0)
{
	double sec;
	int b;

	if (status >= 100 && status < 600) {
		s->m.requests[status / 100]++;
		s->m.status[status]++;
	}
	if (t0 == 0 || s->loop == NULL)
		return;
	sec = (double)(uv_hrtime() - t0) / 1e9;
	for (b = 0; b < MET_BUCKETS && sec > bucket_le[b]; b++)
		;
	s->m.lat_bucket[b]++;
	s->m.lat_sum += sec;
	s->m.lat_count++;
}

char *
metrics_text(struct server *s, size_t *len)
{
	struct batch_info *bs = NULL;
	size_t nb = 0, live = 0;
	uint64_t rows = 0, cum = 0;
	MDB_txn *txn;
	char *buf = NULL;
	FILE *f;

	if (store_txn_begin(s->st, 1, &txn) == 0) {
		if (store_batch_list(s->st, txn, &bs, &nb) == 0)
			for (size_t i = 0; i < nb; i++)
				if (bs[i].state == BATCH_LIVE) {
					live++;
					rows += bs[i].rows;
				}
		store_txn_abort(txn);
	}
	free(bs);
	if ((f = open_memstream(&buf, len)) == NULL)
		return (NULL);
	fputs("# HELP placed_requests_total HTTP requests answered, by "
	    "status.\n# TYPE placed_requests_total counter\n", f);
	for (int st = 100; st < 600; st++)
		if (s->m.status[st])
			fprintf(f, "placed_requests_total{code=\"%d\"} %" PRIu64
			    "\n", st, s->m.status[st]);
	fputs("# HELP placed_request_duration_seconds Time from the end of "
	    "the headers to the answer.\n"
	    "# TYPE placed_request_duration_seconds histogram\n", f);
	for (int b = 0; b <= MET_BUCKETS; b++) {
		cum += s->m.lat_bucket[b];
		if (b < MET_BUCKETS)
			fprintf(f, "placed_request_duration_seconds_bucket"
			    "{le=\"%g\"} %" PRIu64 "\n", bucket_le[b], cum);
		else
			fprintf(f, "placed_request_duration_seconds_bucket"
			    "{le=\"+Inf\"} %" PRIu64 "\n", cum);
	}
	fprintf(f, "placed_request_duration_seconds_sum %.6f\n"
	    "placed_request_duration_seconds_count %" PRIu64 "\n",
	    s->m.lat_sum, s->m.lat_count);
#define C(name, help, v) fprintf(f, "# HELP placed_" name " " help "\n" \
	"# TYPE placed_" name " counter\nplaced_" name " %" PRIu64 "\n", \
	(uint64_t)(v))
#define G(name, help, v) fprintf(f, "# HELP placed_" name " " help "\n" \
	"# TYPE placed_" name " gauge\nplaced_" name " %" PRIu64 "\n", \
	(uint64_t)(v))
	C("cache_hits_total", "Answers served from the cache.",
	    s->m.cache_hits);
	C("cache_misses_total", "Answers computed.", s->m.cache_misses);
	C("not_modified_total", "304 answers to If-None-Match.",
	    s->m.not_modified);
	C("queries_total", "Queries run on the pool.", s->m.queries);
	C("query_errors_total", "Queries that failed.", s->m.query_errors);
	C("loads_total", "Loads committed over HTTP.", s->m.loads);
	C("load_rows_total", "Rows committed by HTTP loads.",
	    s->m.load_rows);
	C("load_rejected_total", "Lines rejected by HTTP loads.",
	    s->m.load_rejected);
	C("retires_total", "Batches retired over HTTP.", s->m.retires);
	C("connections_total", "Connections accepted.",
	    s->m.connections_total);
	C("connections_refused_total", "Connections refused at the limit.",
	    s->m.connections_refused);
	C("timeouts_total", "Requests cut off by the header or body "
	    "timeout.", s->m.timeouts);
	G("connections", "Connections open.", s->nconns);
	G("inflight", "Queries and loads running.", s->inflight);
	G("cache_bytes", "Bytes held by the answer cache.",
	    cache_bytes(s->cache));
	G("cache_entries", "Answers held by the cache.",
	    cache_count(s->cache));
	G("data_version", "The store's data version.",
	    store_data_version(s->st));
	G("batches_live", "Live batches.", live);
	G("rows_live", "Rows in live batches.", rows);
	G("uptime_seconds", "Seconds since the server started.",
	    (uv_hrtime() - s->started) / 1000000000u);
#undef C
#undef G
	if (fclose(f) != 0) {
		free(buf);
		return (NULL);
	}
	return (buf);
}

/* Reload what SIGHUP reloads; on a bad file keep the old set. */
int
serve_reload(struct server *s, char *err, size_t errsz)
{
	struct tokens nt = { 0 };
	struct questions *nq;

	if ((nq = calloc(1, sizeof(*nq))) == NULL) {
		snprintf(err, errsz, "out of memory");
		return (-ENOMEM);
	}
	if (tokens_load(s->o.tokens_path, &nt, err, errsz) != 0) {
		free(nq);
		return (-EINVAL);
	}
	if (questions_load(s->o.questions_dir, nq, err, errsz) != 0) {
		tokens_free(&nt);
		free(nq);
		return (-EINVAL);
	}
	tokens_free(&s->tokens);
	s->tokens = nt;
	if (s->questions) {
		questions_free(s->questions);
		free(s->questions);
	}
	s->questions = nq;
	return (0);
}

static void
grace_over(uv_timer_t *t)
{
	struct server *s = t->data;

	log_warn("serve", "grace period over: cancelling what is still "
	    "running");
	http_close_all(s);
}

static void
walk_close(uv_handle_t *h, void *arg)
{
	(void)arg;
	if (!uv_is_closing(h))
		uv_close(h, NULL);
}

void
serve_stop(struct server *s)
{
	if (s->stopping)
		return;
	s->stopping = 1;
	log_info("serve", "stopping: %d connections, %d running; grace %llu "
	    "ms", s->nconns, s->inflight, (unsigned long long)s->o.grace_ms);
	http_stop_listening(s);
	http_close_idle(s);
	for (int i = 0; i < 3; i++)
		uv_signal_stop(&s->sig[i]);
	uv_timer_stop(&s->audit_timer);
	uv_timer_start(&s->grace_timer, grace_over, s->o.grace_ms, 0);
	uv_unref((uv_handle_t *)&s->grace_timer);
}

static void
on_signal(uv_signal_t *h, int signum)
{
	struct server *s = h->data;
	char err[1024];

	if (signum == SIGHUP) {
		if (serve_reload(s, err, sizeof(err)) != 0)
			log_error("serve", "SIGHUP: keeping the old tokens and "
			    "questions: %s", err);
		else
			log_info("serve", "SIGHUP: %zu tokens, %zu questions",
			    s->tokens.n, s->questions->n);
		return;
	}
	serve_stop(s);
}

int
serve_run(struct server *s, FILE *ready)
{
	static const int sigs[3] = { SIGTERM, SIGINT, SIGHUP };
	char err[1024];
	int rc;

	s->loop = uv_default_loop();
	s->started = uv_hrtime();
	if ((s->cache = cache_new(s->o.cache_bytes)) == NULL)
		return (-ENOMEM);
	if ((rc = http_listen(s, err, sizeof(err))) != 0) {
		log_error("serve", "%s", err);
		return (rc);
	}
	for (int i = 0; i < 3; i++) {
		uv_signal_init(s->loop, &s->sig[i]);
		s->sig[i].data = s;
		uv_signal_start(&s->sig[i], on_signal, sigs[i]);
	}
	uv_timer_init(s->loop, &s->grace_timer);
	s->grace_timer.data = s;
	uv_timer_init(s->loop, &s->audit_timer);
	s->audit_timer.data = s;
	uv_timer_start(&s->audit_timer, audit_tick, 1000, 1000);
	if (ready) {
		fprintf(ready, "listening on http://%s\n", s->o.listen);
		fflush(ready);
	}
	log_info("serve", "listening on http://%s (%zu tokens, %zu questions)",
	    s->o.listen, s->tokens.n, s->questions ? s->questions->n : 0);
	uv_run(s->loop, UV_RUN_DEFAULT);
	/* Everything has answered or been cancelled; the pool is idle. */
	srv_audit_flush(s, 1);
	uv_walk(s->loop, walk_close, NULL);
	uv_run(s->loop, UV_RUN_DEFAULT);
	uv_loop_close(s->loop);
	cache_free(s->cache);
	s->cache = NULL;
	log_info("serve", "stopped");
	return (0);
}
