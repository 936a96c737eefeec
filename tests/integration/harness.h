/*
 * harness.h — a real placed server on loopback for test_http.c: a private
 * directory holding a key, the Chigley demo, a token of each role and two
 * saved questions; `placed serve` started on a free port; curl and
 * raw-socket clients.
 *
 * Everything here fails the running Criterion test (cr_assert) rather than
 * returning errors: a harness that cannot start a server has nothing to
 * report but that.  Memory: a struct resp owns its body and headers until
 * resp_free().
 */
#ifndef PLACED_TEST_HARNESS_H
#define PLACED_TEST_HARNESS_H

#include <stddef.h>
#include <sys/types.h>

#include <curl/curl.h>
#include <jansson.h>

#define PARTNER		"chigley-council"	/* a demo org */
#define DEMO_PEOPLE	"300"
#define DEMO_DV		4			/* data version after demo */
#define DEMO_ORGS	7

/* About a second of work on the demo: a join and eight sorts. */
#define SLOW_Q	"activity | join activity on place " \
	"| sort person, date, cost | sort -cost, date | sort date, -person " \
	"| sort cost, person | sort -date, cost | sort person, -cost " \
	"| sort -person, date | sort date, person | group (n = count())"
#define BY_ORG	"spend | group org (n = count())"

struct srv {
	char	dir[256];
	char	db[320], key[320], tokens[320], qdir[320], conf[320];
	char	log[320];
	pid_t	pid;		/* 0 when not running */
	int	port;
	int	outfd;		/* the server's stdout */
	char	admin[64], reader[64], analyst[64], loader[64];
};

extern struct srv S;

/* Criterion .init and .fini: curl, the directory, demo and tokens; then
 * stop any server still running (SIGKILL) and remove the directory. */
void fx_setup(void);
void fx_teardown(void);

/* Write conf (NULL: an empty file) and start placed serve with it; returns
 * once the "listening on" line names the port. */
void srv_start(const char *conf);
/* Send sig and wait up to wait_ms for the server to exit: its wait status,
 * or -1 when it is still running. */
int srv_signal_wait(int sig, int wait_ms);

/* Run placed with a NULL-terminated argument list; stdout (NUL-terminated,
 * trailing newline removed) into out.  Returns the exit status. */
int placed_run(char *out, size_t outsz, const char *arg, ...)
    __attribute__((sentinel));
/* Make a token; its secret goes into secret (64 bytes). */
void token_make(const char *name, const char *partner, const char *role,
    char *secret);

struct resp {
	long	status;		/* 0 when the transfer failed */
	int	curl_rc;
	char	*body;
	size_t	len;
	char	*hdr;		/* every header line of the last answer */
	size_t	hlen;
	long	nconnects;	/* connections curl opened for this request */
	double	secs;
};

/* One request.  h is a handle to reuse (keep-alive) or NULL for a fresh
 * one; tok a bearer secret or NULL; hdrs extra "Name: value" lines,
 * NULL-terminated, or NULL. */
void http_do(CURL *h, struct resp *r, const char *method, const char *path,
    const char *tok, const char *ctype, const char *body, size_t blen,
    const char *const *hdrs);
void http_get(struct resp *r, const char *path, const char *tok);
void resp_free(struct resp *r);
/* The value of header name (case-insensitive) in buf, or NULL. */
const char *resp_header(const struct resp *r, const char *name, char *buf,
    size_t sz);
/* The body as JSON (asserts that it parses); the caller decrefs. */
json_t *resp_json(const struct resp *r);
/* error.code of a JSON error body, or "" (static storage). */
const char *resp_errcode(const struct resp *r);
/* "/v1/query?q=<escaped>" plus extra (already escaped, may be ""). */
char *query_path(const char *q, const char *extra);
/* A gauge or counter from /metrics, read with the admin token. */
long long metric(const char *name);
/* The server's VmHWM in kB. */
long vm_hwm_kb(void);

/* Raw sockets to the server: connected, blocking, SO_NOSIGPIPE-safe. */
int raw_connect(void);
void raw_send(int fd, const char *data, size_t n);
/* Read until EOF, sz-1 bytes or timeout_ms; NUL-terminates.  *eof is set
 * when the server closed (or reset) the connection. */
size_t raw_read(int fd, char *buf, size_t sz, int timeout_ms, int *eof);
/* The status of the HTTP answer at s ("HTTP/1.1 NNN"), or 0. */
int raw_status(const char *s);

/* Fail the test unless r has status want, showing the body. */
#define expect_status(r, want) cr_assert_eq((r)->status, (want), \
	"%s:%d: status %ld, want %d (curl %d): %.400s", __FILE__, __LINE__, \
	(r)->status, (want), (r)->curl_rc, (r)->body)

/* GET path with tok, expect status want: the body as JSON. */
json_t *get_json(const char *path, const char *tok, int want);
/* A query answered as JSON: its rows, borrowed from *root. */
json_t *query_rows(const char *q, const char *tok, int want, json_t **root);
/* POST a CSV body to /v1/load/KIND?args, expect want; the answer's JSON
 * into *out when out is not NULL. */
void load(const char *tok, const char *kind, const char *args,
    const char *body, int want, json_t **out);
/* Wait (at most 5 s) until the server runs n jobs on its pool. */
void wait_inflight(long long n);

/* Monotonic milliseconds. */
double now_ms(void);

/* The live batch list via placed batches --format json after the server
 * has stopped: rows of [id, source, kind, rows, rejected, state, at]. */
json_t *cli_batches(long long *data_version);

#endif
