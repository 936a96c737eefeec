/*
 * server.h — what the HTTP server's parts share: the server, its limits,
 * and the request and response each route works with.
 *
 * One libuv loop thread owns every connection, the cache, the metrics and
 * the token and question sets; queries, retires and loads run on the
 * thread pool and hand their answer back to the loop.  A server made with
 * loop == NULL runs everything inline (the fuzz target's mode).
 */
#ifndef PLACED_SERVER_H
#define PLACED_SERVER_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>
#include <http_parser.h>

#include "store.h"
#include "token.h"

struct questions;
struct cache;
struct plugins;

struct srv_opts {
	char		listen[256];
	const char	*keypath;	/* pseudonymisation key for loads */
	const char	*tokens_path;
	const char	*questions_dir;
	const char	*rules_dir;	/* classification rules for loads */
	const char	*partners_dir;	/* partner files for loads */
	const char	*profiles_dir;	/* profile=NAME for loads */
	int		suppress_k;
	size_t		max_header_bytes;
	size_t		max_url;
	uint64_t	max_body;
	uint64_t	header_timeout_ms;
	uint64_t	idle_timeout_ms;
	int		max_connections;
	int		max_inflight;
	uint64_t	query_timeout_ms;
	uint64_t	max_rows;
	size_t		cache_bytes;
	char		cache_control[256];
	uint64_t	grace_ms;
};

/* Counters the loop thread keeps; /metrics prints them. */
#define MET_BUCKETS	12
struct metrics {
	uint64_t	requests[6];		/* by status class 1xx..5xx */
	uint64_t	status[600];
	uint64_t	lat_bucket[MET_BUCKETS + 1];	/* last is +Inf */
	double		lat_sum;
	uint64_t	lat_count;
	uint64_t	cache_hits, cache_misses, not_modified;
	uint64_t	queries, query_errors, loads, load_rows, load_rejected;
	uint64_t	retires, connections_total, connections_refused;
	uint64_t	timeouts;
};

struct server {
	uv_loop_t	*loop;
	store_t		*st;
	struct srv_opts	o;
	struct tokens	tokens;
	struct questions *questions;
	struct plugins	*plugins;	/* loaded at start; NULL: none */
	struct cache	*cache;
	struct metrics	m;
	uv_tcp_t	listener;
	uv_signal_t	sig[3];
	uv_timer_t	grace_timer, audit_timer;
	int		listening;
	int		nconns;
	int		inflight;
	int		stopping;
	uint64_t	next_conn;
	struct hconn	*conns;		/* every open connection */
	/* Query audit records, written in one transaction a second. */
	char		**audit;
	size_t		naudit, audit_cap;
	int		audit_busy;
	uint64_t	started;	/* uv_hrtime() */
};

struct hparam {
	char		*name;
	char		*value;
};

#define HREQ_MAXPARAMS	32

/* One request, as far as the routes need it. */
struct hreq {
	struct hconn	*conn;
	struct server	*srv;
	enum http_method method;
	char		*url;		/* raw, NUL-terminated */
	size_t		urllen;
	char		*path;		/* decoded, without the query */
	struct hparam	params[HREQ_MAXPARAMS];
	int		nparams;
	char		*auth, *accept, *if_none_match, *content_type, *expect;
	char		*body;		/* buffered body (not for loads) */
	size_t		bodylen, bodycap;
	uint64_t	content_length;	/* as sent, or UINT64_MAX */
	const struct token *tok;	/* after authentication */
	uint64_t	t0;		/* uv_hrtime() at the headers */
	int		keep_alive;
	struct load_job	*load;		/* the body streams here */
	/* A job on the pool answering this request, and how to tell it the
	 * request is gone (it then answers no one and cancels if it can). */
	void		*job;
	void		(*abandon)(void *job);
};

/*
 * Responses.  Each request gets exactly one: http_respond() with a whole
 * body, or http_stream_begin() and then the chunks (NDJSON).  headers are
 * extra header lines, each ending "\r\n", or NULL.
 */
void http_respond(struct hreq *r, int status, const char *ctype,
    const char *headers, const char *body, size_t len);
/* The JSON error shape: {"error":{"code","message","line","column"}}. */
void http_error(struct hreq *r, int status, const char *code,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* A body sent with chunked encoding in pieces; body is taken (freed). */
void http_respond_chunked(struct hreq *r, int status, const char *ctype,
    const char *headers, char *body, size_t len);
const char *http_param(const struct hreq *r, const char *name);

/* Limits as the connection layer checks them. */
int http_listen(struct server *s, char *err, size_t errsz);
void http_stop_listening(struct server *s);
/* Close connections that are idle between requests (shutdown). */
void http_close_idle(struct server *s);
void http_close_all(struct server *s);
/* Feed raw bytes to a connection with no socket (fuzzing); the answer
 * bytes are dropped. */
struct hconn *http_conn_fake(struct server *s);
void http_conn_fake_feed(struct hconn *c, const char *data, size_t n);
void http_conn_fake_free(struct hconn *c);

/* Routes (api.c).  api_headers() runs when the headers are in: it may
 * answer at once (an error, so the body is never read) or set r->load so
 * the body streams into a load; returns 0 to go on, -1 when answered. */
int api_headers(struct hreq *r);
void api_request(struct hreq *r);
/* The connection closed before the answer: forget r. */
void api_abandon(struct hreq *r);

/* Answer with a JSON value (taken); 500 when it cannot be written. */
struct json_t;
void api_respond_json(struct hreq *r, int status, struct json_t *o,
    const char *headers);

/* Per-token slots: at most half of max_inflight each (api.c). */
int *api_slot_take(struct server *s, const char *who);
void api_slot_give(const char *who);

/* Streaming loads (api_load.c). */
int load_job_start(struct hreq *r, char *err, size_t errsz, int *status);
/* Body bytes; returns 1 when the loader is behind and reading should
 * pause (the job resumes it). */
int load_job_body(struct load_job *j, const char *data, size_t n);
void load_job_end(struct load_job *j);	/* the whole body is in */
void load_job_cancel(struct load_job *j);	/* the request died */
void http_conn_pause(struct hconn *c);
void http_conn_resume(struct hconn *c);

/* Work off the loop: run fn on the pool, then done on the loop. */
typedef void (*srv_work_fn)(void *arg);
int srv_work(struct server *s, void *arg, srv_work_fn fn, srv_work_fn done);

/* Audit a request (queued; written with others once a second). */
void srv_audit(struct server *s, const char *json);
void srv_audit_flush(struct server *s, int sync);
void metrics_observe(struct server *s, int status, uint64_t t0);
char *metrics_text(struct server *s, size_t *len);

#endif
