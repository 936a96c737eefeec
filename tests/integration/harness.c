/*
 * harness.c — start a real placed server and talk to it (harness.h).
 */
#define _GNU_SOURCE	/* nftw(), pipe2(), memmem() */

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <criterion/criterion.h>

#include "harness.h"

struct srv S;

static const char *
placed_path(void)
{
	const char *p = getenv("PLACED");

	cr_assert(p != NULL && access(p, X_OK) == 0, "PLACED (the built placed "
	    "binary) is not set or not executable: '%s'", p ? p : "");
	return (p);
}

double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6);
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	cr_assert(f != NULL, "cannot write %s: %s", path, strerror(errno));
	fputs(text, f);
	cr_assert(fclose(f) == 0);
}

int
placed_run(char *out, size_t outsz, const char *arg, ...)
{
	const char *argv[32];
	int n = 0, fds[2], st;
	size_t got = 0;
	ssize_t k;
	va_list ap;
	pid_t pid;

	argv[n++] = "placed";
	va_start(ap, arg);
	for (const char *a = arg; a != NULL && n < 31; a = va_arg(ap,
	    const char *))
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	cr_assert(pipe2(fds, O_CLOEXEC) == 0);
	if ((pid = fork()) == 0) {
		int devnull = open("/dev/null", O_WRONLY);

		dup2(fds[1], 1);
		if (devnull >= 0)
			dup2(devnull, 2);
		execv(placed_path(), (char *const *)argv);
		_exit(127);
	}
	cr_assert(pid > 0);
	close(fds[1]);
	while (out && got + 1 < outsz &&
	    (k = read(fds[0], out + got, outsz - 1 - got)) > 0)
		got += (size_t)k;
	if (out) {
		out[got] = '\0';
		while (got > 0 && out[got - 1] == '\n')
			out[--got] = '\0';
	}
	close(fds[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return (WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
}

void
token_make(const char *name, const char *partner, const char *role,
    char *secret)
{
	int rc = placed_run(secret, 64, "token", "add", name, "--partner",
	    partner, "--role", role, "--tokens", S.tokens, (char *)NULL);

	cr_assert(rc == 0 && strncmp(secret, "plc_", 4) == 0, "placed token "
	    "add %s exited %d", name, rc);
}

void
fx_setup(void)
{
	const char *tmp = getenv("TMPDIR");
	int rc;

	memset(&S, 0, sizeof(S));
	S.outfd = -1;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	unsetenv("PLACED_DB");
	unsetenv("PLACED_KEY");
	unsetenv("PLACED_CONF");
	unsetenv("PLACED_TOKENS");
	signal(SIGPIPE, SIG_IGN);
	snprintf(S.dir, sizeof(S.dir), "%s/placed-http.XXXXXX",
	    tmp && *tmp ? tmp : "/tmp");
	cr_assert(mkdtemp(S.dir) != NULL, "mkdtemp: %s", strerror(errno));
	snprintf(S.db, sizeof(S.db), "%s/db", S.dir);
	snprintf(S.key, sizeof(S.key), "%s/key", S.dir);
	snprintf(S.tokens, sizeof(S.tokens), "%s/tokens", S.dir);
	snprintf(S.qdir, sizeof(S.qdir), "%s/questions", S.dir);
	snprintf(S.conf, sizeof(S.conf), "%s/placed.conf", S.dir);
	snprintf(S.log, sizeof(S.log), "%s/serve.log", S.dir);
	cr_assert(placed_run(NULL, 0, "key", "init", "--key", S.key,
	    (char *)NULL) == 0, "placed key init failed");
	rc = placed_run(NULL, 0, "demo", "--db", S.db, "--people",
	    DEMO_PEOPLE, "--key", S.key, (char *)NULL);
	cr_assert(rc == 0, "placed demo exited %d", rc);
	token_make("adm", PARTNER, "admin", S.admin);
	token_make("rdr", PARTNER, "reader", S.reader);
	token_make("ana", PARTNER, "analyst", S.analyst);
	token_make("ldr", PARTNER, "loader", S.loader);
	cr_assert(mkdir(S.qdir, 0755) == 0);
	{
		char p[400];

		snprintf(p, sizeof(p), "%s/by_org.pql", S.qdir);
		write_file(p, "# title: Spend by partner\n"
		    "# handbook: What are we spending?\n"
		    "# param year period fy2025 The financial year\n"
		    "spend | where date in $year | group org (n = count(), "
		    "total = sum(amount))\n");
		snprintf(p, sizeof(p), "%s/falls.pql", S.qdir);
		write_file(p, "# title: Falls contacts in one place\n"
		    "# handbook: Where does spend accumulate?\n"
		    "# param place string CHG-RS The place code\n"
		    "activity | where place == $place and need == \"falls\"\n"
		    "| group service (contacts = count())\n");
	}
}

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return (remove(path));
}

void
fx_teardown(void)
{
	if (S.pid > 0) {
		kill(S.pid, SIGKILL);
		waitpid(S.pid, NULL, 0);
		S.pid = 0;
	}
	if (S.outfd >= 0)
		close(S.outfd);
	S.outfd = -1;
	if (S.dir[0] && getenv("KEEP_TMP") == NULL)
		nftw(S.dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	curl_global_cleanup();
}

void
srv_start(const char *conf)
{
	int fds[2], logfd;
	char line[512];
	size_t got = 0;
	double t0 = now_ms();
	pid_t parent = getpid();

	write_file(S.conf, conf ? conf : "");
	/* The questions beside the config would be S.dir/questions anyway;
	 * --questions says so. */
	cr_assert(pipe2(fds, O_CLOEXEC) == 0);
	logfd = open(S.log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	cr_assert(logfd >= 0);
	if ((S.pid = fork()) == 0) {
		/* If the test process dies (a Criterion timeout), so do we. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
		dup2(fds[1], 1);
		dup2(logfd, 2);
		signal(SIGPIPE, SIG_DFL);
		execl(placed_path(), "placed", "serve", "--db", S.db,
		    "--listen", "127.0.0.1:0", "--tokens", S.tokens,
		    "--questions", S.qdir, "-c", S.conf, "--key", S.key,
		    (char *)NULL);
		_exit(127);
	}
	cr_assert(S.pid > 0);
	close(fds[1]);
	close(logfd);
	S.outfd = fds[0];
	for (;;) {
		struct pollfd p = { .fd = S.outfd, .events = POLLIN };
		ssize_t k;
		char *nl;

		cr_assert(now_ms() - t0 < 10000, "the server did not say it "
		    "was listening within 10 s (see %s)", S.log);
		if (poll(&p, 1, 100) <= 0)
			continue;
		k = read(S.outfd, line + got, sizeof(line) - 1 - got);
		cr_assert(k > 0, "the server exited before listening");
		got += (size_t)k;
		line[got] = '\0';
		if ((nl = strchr(line, '\n')) != NULL) {
			char *colon = strrchr(line, ':');

			cr_assert(strncmp(line, "listening on http://127.0.0.1:",
			    30) == 0 && colon, "unexpected first line: %s",
			    line);
			S.port = atoi(colon + 1);
			cr_assert(S.port > 0);
			return;
		}
	}
}

int
srv_signal_wait(int sig, int wait_ms)
{
	double t0 = now_ms();
	int st;

	cr_assert(S.pid > 0);
	if (sig)
		kill(S.pid, sig);
	while (now_ms() - t0 < wait_ms) {
		pid_t p = waitpid(S.pid, &st, WNOHANG);

		if (p == S.pid) {
			S.pid = 0;
			return (st);
		}
		usleep(10000);
	}
	return (-1);
}

/* curl plumbing. */
static size_t
grow(char **buf, size_t *len, const char *data, size_t n)
{
	char *nb = realloc(*buf, *len + n + 1);

	if (nb == NULL)
		return (0);
	memcpy(nb + *len, data, n);
	*len += n;
	nb[*len] = '\0';
	*buf = nb;
	return (n);
}

static size_t
body_cb(char *data, size_t size, size_t n, void *arg)
{
	struct resp *r = arg;

	return (grow(&r->body, &r->len, data, size * n));
}

static size_t
hdr_cb(char *data, size_t size, size_t n, void *arg)
{
	struct resp *r = arg;

	/* A new status line (after 100 Continue) starts the headers over. */
	if (size * n >= 5 && strncmp(data, "HTTP/", 5) == 0) {
		free(r->hdr);
		r->hdr = NULL;
		r->hlen = 0;
	}
	return (grow(&r->hdr, &r->hlen, data, size * n));
}

void
http_do(CURL *h, struct resp *r, const char *method, const char *path,
    const char *tok, const char *ctype, const char *body, size_t blen,
    const char *const *hdrs)
{
	struct curl_slist *hl = NULL;
	char url[16384], line[256];
	CURL *own = NULL;
	double t0;

	memset(r, 0, sizeof(*r));
	if (h == NULL)
		h = own = curl_easy_init();
	cr_assert(h != NULL);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", S.port, path);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, NULL);
	curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 15000L);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, body_cb);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, hdr_cb);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, r);
	if (body != NULL) {
		curl_easy_setopt(h, CURLOPT_POST, 1L);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)blen);
		curl_easy_setopt(h, CURLOPT_COPYPOSTFIELDS, body);
	}
	if (method && strcmp(method, "GET") != 0 &&
	    !(body && strcmp(method, "POST") == 0))
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	if (tok) {
		snprintf(line, sizeof(line), "Authorization: Bearer %s", tok);
		hl = curl_slist_append(hl, line);
	}
	if (ctype) {
		snprintf(line, sizeof(line), "Content-Type: %s", ctype);
		hl = curl_slist_append(hl, line);
	}
	for (int i = 0; hdrs && hdrs[i]; i++)
		hl = curl_slist_append(hl, hdrs[i]);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
	t0 = now_ms();
	r->curl_rc = (int)curl_easy_perform(h);
	r->secs = (now_ms() - t0) / 1e3;
	if (r->curl_rc == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
	curl_easy_getinfo(h, CURLINFO_NUM_CONNECTS, &r->nconnects);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, NULL);
	curl_slist_free_all(hl);
	if (own)
		curl_easy_cleanup(own);
	if (r->body == NULL)
		r->body = calloc(1, 1);
	if (r->hdr == NULL)
		r->hdr = calloc(1, 1);
}

void
http_get(struct resp *r, const char *path, const char *tok)
{
	http_do(NULL, r, "GET", path, tok, NULL, NULL, 0, NULL);
}

void
resp_free(struct resp *r)
{
	free(r->body);
	free(r->hdr);
	memset(r, 0, sizeof(*r));
}

const char *
resp_header(const struct resp *r, const char *name, char *buf, size_t sz)
{
	size_t nl = strlen(name);
	const char *p = r->hdr;

	while (p && *p) {
		const char *e = strstr(p, "\r\n");
		size_t ll = e ? (size_t)(e - p) : strlen(p);

		if (ll > nl && strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
			const char *v = p + nl + 1;

			while (*v == ' ')
				v++;
			snprintf(buf, sz, "%.*s", (int)(ll - (size_t)(v - p)),
			    v);
			return (buf);
		}
		p = e ? e + 2 : NULL;
	}
	return (NULL);
}

json_t *
resp_json(const struct resp *r)
{
	json_error_t je;
	json_t *o = json_loadb(r->body, r->len, 0, &je);

	cr_assert(o != NULL, "the body is not JSON (%s): %.300s", je.text,
	    r->body);
	return (o);
}

const char *
resp_errcode(const struct resp *r)
{
	static char code[64];
	json_t *o = json_loadb(r->body, r->len, 0, NULL);
	const char *c = NULL;

	code[0] = '\0';
	if (o && json_unpack(o, "{s:{s:s}}", "error", "code", &c) == 0)
		snprintf(code, sizeof(code), "%s", c);
	json_decref(o);
	return (code);
}

char *
query_path(const char *q, const char *extra)
{
	char *e = curl_easy_escape(NULL, q, 0), *out;

	cr_assert(e != NULL);
	cr_assert(asprintf(&out, "/v1/query?q=%s%s%s", e,
	    extra && *extra ? "&" : "", extra ? extra : "") > 0);
	curl_free(e);
	return (out);
}

long long
metric(const char *name)
{
	struct resp r;
	size_t nl = strlen(name);
	long long v = -1;

	http_get(&r, "/metrics", S.admin);
	cr_assert_eq(r.status, 200, "GET /metrics: %ld", r.status);
	for (const char *p = r.body; p && *p; p = strchr(p, '\n'),
	    p = p ? p + 1 : NULL)
		if (strncmp(p, name, nl) == 0 && p[nl] == ' ') {
			v = atoll(p + nl + 1);
			break;
		}
	resp_free(&r);
	cr_assert(v >= 0, "no metric %s", name);
	return (v);
}

long
vm_hwm_kb(void)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)S.pid);
	if ((f = fopen(path, "r")) == NULL)
		return (-1);
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "VmHWM:", 6) == 0)
			kb = atol(line + 6);
	fclose(f);
	return (kb);
}

int
raw_connect(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	cr_assert(fd >= 0);
	a.sin_port = htons((uint16_t)S.port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert(connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0,
	    "connect: %s", strerror(errno));
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return (fd);
}

void
raw_send(int fd, const char *data, size_t n)
{
	while (n > 0) {
		ssize_t k = send(fd, data, n, MSG_NOSIGNAL);

		if (k < 0 && errno == EINTR)
			continue;
		cr_assert(k > 0, "send: %s", strerror(errno));
		data += k;
		n -= (size_t)k;
	}
}

size_t
raw_read(int fd, char *buf, size_t sz, int timeout_ms, int *eof)
{
	double t0 = now_ms();
	size_t got = 0;

	*eof = 0;
	while (got + 1 < sz) {
		int left = timeout_ms - (int)(now_ms() - t0);
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t k;

		if (left <= 0 || poll(&p, 1, left) <= 0)
			break;
		k = recv(fd, buf + got, sz - 1 - got, 0);
		if (k <= 0) {
			*eof = 1;
			break;
		}
		got += (size_t)k;
	}
	buf[got] = '\0';
	return (got);
}

int
raw_status(const char *s)
{
	int st = 0;

	if (s == NULL || sscanf(s, "HTTP/1.1 %d", &st) != 1)
		return (0);
	return (st);
}

json_t *
cli_batches(long long *data_version)
{
	static char out[1 << 16];
	json_t *o, *rows;
	json_int_t dv = -1;
	int rc = placed_run(out, sizeof(out), "batches", "--db", S.db,
	    "--format", "json", (char *)NULL);

	cr_assert(rc == 0, "placed batches exited %d", rc);
	o = json_loads(out, 0, NULL);
	cr_assert(o != NULL, "placed batches: not JSON: %.200s", out);
	cr_assert(json_unpack(o, "{s:o,s:{s:I}}", "rows", &rows, "meta",
	    "data_version", &dv) == 0);
	if (data_version)
		*data_version = dv;
	json_incref(rows);
	json_decref(o);
	return (rows);
}

json_t *
get_json(const char *path, const char *tok, int want)
{
	struct resp r;
	json_t *o;

	http_get(&r, path, tok);
	expect_status(&r, want);
	o = resp_json(&r);
	resp_free(&r);
	return (o);
}

json_t *
query_rows(const char *q, const char *tok, int want, json_t **root)
{
	char *p = query_path(q, "");

	*root = get_json(p, tok, want);
	free(p);
	return (json_object_get(*root, "rows"));
}

void
load(const char *tok, const char *kind, const char *args, const char *body,
    int want, json_t **out)
{
	char path[512];
	struct resp r;

	snprintf(path, sizeof(path), "/v1/load/%s?%s", kind, args);
	http_do(NULL, &r, "POST", path, tok, "text/csv", body, strlen(body),
	    NULL);
	expect_status(&r, want);
	if (out)
		*out = resp_json(&r);
	resp_free(&r);
}

void
wait_inflight(long long n)
{
	double t0 = now_ms();

	while (metric("placed_inflight") < n)
		cr_assert(now_ms() - t0 < 5000, "the server never ran %lld "
		    "jobs at once", n);
}
