/*
 * http.c — connections: read, parse (http-parser), enforce the limits,
 * hand whole requests to the routes, write the answers.
 *
 * A connection answers one request at a time.  When a request is complete
 * the parser pauses and reading stops; bytes already read that belong to
 * the next requests (pipelining) wait in pend and are parsed once the
 * answer is written, so answers go out in request order.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "emit.h"
#include "log.h"
#include "server.h"

#define READ_SIZE	(64u << 10)
#define CHUNK_SIZE	(64u << 10)
#define QUERY_BODY_MAX	(1u << 20)	/* a query text, not a file */
#define LINGER_MS	2000	/* reading after an early answer */

enum tmode { T_NONE, T_IDLE, T_HEADER, T_BODY };

struct hconn {
	struct server	*srv;
	uv_tcp_t	tcp;
	uv_timer_t	timer;
	enum tmode	tmode;
	http_parser	p;
	struct hconn	*next, *prev;
	struct hreq	req;
	int		in_msg;		/* a request has begun */
	int		busy;		/* its answer is not yet written */
	int		answered;	/* the answer is queued */
	int		close_after;
	int		closing;
	int		paused;		/* the loader asked to wait */
	int		reading;
	int		fake;
	int		handles;	/* open libuv handles */
	int		writes;		/* uv_write requests in flight */
	size_t		hdrbytes;
	int		errstatus;	/* a limit found by a callback */
	const char	*errcode;
	char		errmsg[160];
	char		*hf, *hv;	/* the header being read */
	size_t		hflen, hvlen;
	int		hstate;		/* 0, in a field, in a value */
	char		*pend;		/* read but not yet parsed */
	size_t		npend, pendcap;
	/* A chunked answer still being sent. */
	char		*chunk;
	size_t		chunklen, chunkoff;
	uint64_t	id;
};

struct wreq {
	uv_write_t	w;
	struct hconn	*c;
	char		*buf;
};

static http_parser_settings settings;

static void conn_close(struct hconn *c);
static void send_buf(struct hconn *c, char *buf, size_t n);
static void send_chunk(struct hconn *c);
static void read_stop(struct hconn *c);
static void read_start(struct hconn *c);
static void conn_feed(struct hconn *c, const char *data, size_t n);
static void alloc_cb(uv_handle_t *h, size_t hint, uv_buf_t *b);

static const char *
reason(int status)
{
	switch (status) {
	case 200: return ("OK");
	case 201: return ("Created");
	case 204: return ("No Content");
	case 304: return ("Not Modified");
	case 400: return ("Bad Request");
	case 401: return ("Unauthorized");
	case 403: return ("Forbidden");
	case 404: return ("Not Found");
	case 405: return ("Method Not Allowed");
	case 408: return ("Request Timeout");
	case 409: return ("Conflict");
	case 413: return ("Payload Too Large");
	case 414: return ("URI Too Long");
	case 415: return ("Unsupported Media Type");
	case 422: return ("Unprocessable Entity");
	case 429: return ("Too Many Requests");
	case 431: return ("Request Header Fields Too Large");
	case 500: return ("Internal Server Error");
	case 503: return ("Service Unavailable");
	default:  return ("Unknown");
	}
}

/* Timers.  The header timeout runs from a request's first byte and is
 * not reset by more bytes, so a client sending a byte a second is cut off
 * after header_timeout whatever it does. */
static void
timer_cb(uv_timer_t *t)
{
	struct hconn *c = t->data;
	enum tmode m = c->tmode;

	c->tmode = T_NONE;
	switch (m) {
	case T_HEADER:
	case T_BODY:
		c->srv->m.timeouts++;
		if (!c->busy) {
			c->busy = 1;
			c->close_after = 1;
			read_stop(c);
			if (c->req.load) {
				load_job_cancel(c->req.load);
				c->req.load = NULL;
			}
			http_error(&c->req, 408, "timeout", "the request was "
			    "not received in time (%s %llu ms)",
			    m == T_BODY ? "the body must keep coming, at most "
			    "a gap of" : "headers must arrive within",
			    (unsigned long long)(m == T_BODY ?
			    c->srv->o.idle_timeout_ms :
			    c->srv->o.header_timeout_ms));
		} else {
			conn_close(c);
		}
		break;
	case T_IDLE:
		conn_close(c);
		break;
	default:
		break;
	}
}

static void
timer_set(struct hconn *c, enum tmode m)
{
	uint64_t ms = 0;

	c->tmode = m;
	if (c->fake)
		return;
	switch (m) {
	case T_IDLE:	ms = c->srv->o.idle_timeout_ms; break;
	case T_HEADER:	ms = c->srv->o.header_timeout_ms; break;
	case T_BODY:	ms = c->srv->o.idle_timeout_ms; break;
	default:	break;
	}
	if (m == T_NONE || ms == 0)
		uv_timer_stop(&c->timer);
	else
		uv_timer_start(&c->timer, timer_cb, ms, 0);
}

static void
req_reset(struct hreq *r)
{
	free(r->url);
	free(r->path);
	for (int i = 0; i < r->nparams; i++) {
		free(r->params[i].name);
		free(r->params[i].value);
	}
	free(r->auth);
	free(r->accept);
	free(r->if_none_match);
	free(r->content_type);
	free(r->expect);
	free(r->body);
	memset(r, 0, sizeof(*r));
}

/* Parser callbacks: each returns non-zero (with errstatus set) to stop. */
static int
fail(struct hconn *c, int status, const char *code, const char *msg)
{
	c->errstatus = status;
	c->errcode = code;
	snprintf(c->errmsg, sizeof(c->errmsg), "%s", msg);
	return (1);
}

static int
append(char **buf, size_t *len, const char *at, size_t n)
{
	char *nb = realloc(*buf, *len + n + 1);

	if (nb == NULL)
		return (-1);
	memcpy(nb + *len, at, n);
	*len += n;
	nb[*len] = '\0';
	*buf = nb;
	return (0);
}

static int
on_message_begin(http_parser *p)
{
	struct hconn *c = p->data;

	req_reset(&c->req);
	c->req.conn = c;
	c->req.srv = c->srv;
	c->req.content_length = UINT64_MAX;
	c->in_msg = 1;
	c->hdrbytes = 0;
	c->hstate = 0;
	timer_set(c, T_HEADER);
	return (0);
}

static int
on_url(http_parser *p, const char *at, size_t n)
{
	struct hconn *c = p->data;

	if (c->req.urllen + n > c->srv->o.max_url)
		return (fail(c, 414, "uri_too_long", "the URL is longer than "
		    "the server allows"));
	return (append(&c->req.url, &c->req.urllen, at, n) ? fail(c, 500,
	    "internal", "out of memory") : 0);
}

/* A header is complete: keep the ones the routes read. */
static void
header_done(struct hconn *c)
{
	static const struct { const char *name; size_t off; } keep[] = {
		{ "authorization", offsetof(struct hreq, auth) },
		{ "accept", offsetof(struct hreq, accept) },
		{ "if-none-match", offsetof(struct hreq, if_none_match) },
		{ "content-type", offsetof(struct hreq, content_type) },
		{ "expect", offsetof(struct hreq, expect) },
	};

	if (c->hf == NULL)
		return;
	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		char **slot = (char **)((char *)&c->req + keep[i].off);

		if (strcasecmp(c->hf, keep[i].name) == 0 && *slot == NULL) {
			*slot = c->hv ? c->hv : strdup("");
			c->hv = NULL;
		}
	}
	free(c->hf);
	free(c->hv);
	c->hf = c->hv = NULL;
	c->hflen = c->hvlen = 0;
}

static int
header_bytes(struct hconn *c, size_t n)
{
	c->hdrbytes += n;
	if (c->hdrbytes > c->srv->o.max_header_bytes)
		return (fail(c, 431, "headers_too_large", "the request's "
		    "headers are larger than the server allows"));
	return (0);
}

static int
on_header_field(http_parser *p, const char *at, size_t n)
{
	struct hconn *c = p->data;

	if (header_bytes(c, n))
		return (1);
	if (c->hstate == 2)
		header_done(c);
	c->hstate = 1;
	return (append(&c->hf, &c->hflen, at, n) ? fail(c, 500, "internal",
	    "out of memory") : 0);
}

static int
on_header_value(http_parser *p, const char *at, size_t n)
{
	struct hconn *c = p->data;

	if (header_bytes(c, n))
		return (1);
	c->hstate = 2;
	return (append(&c->hv, &c->hvlen, at, n) ? fail(c, 500, "internal",
	    "out of memory") : 0);
}

static int
hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return (ch - '0');
	if (ch >= 'a' && ch <= 'f')
		return (ch - 'a' + 10);
	if (ch >= 'A' && ch <= 'F')
		return (ch - 'A' + 10);
	return (-1);
}

/* Percent-decoding (and + as space in a query string); NULL when a
 * percent escape is malformed or decodes to NUL. */
static char *
decode(const char *s, size_t n, int plus)
{
	char *out = malloc(n + 1), *o = out;

	if (out == NULL)
		return (NULL);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%') {
			int h, l;

			if (i + 2 >= n || (h = hexval(s[i + 1])) < 0 ||
			    (l = hexval(s[i + 2])) < 0 || (h | l) == 0)
				goto bad;
			*o++ = (char)(h << 4 | l);
			i += 2;
		} else if (plus && s[i] == '+') {
			*o++ = ' ';
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return (out);
bad:
	free(out);
	return (NULL);
}

static int
parse_url(struct hconn *c)
{
	struct hreq *r = &c->req;
	struct http_parser_url u;
	const char *q, *e;

	http_parser_url_init(&u);
	if (r->url == NULL || http_parser_parse_url(r->url, r->urllen, 0,
	    &u) != 0 || !(u.field_set & (1 << UF_PATH)))
		return (fail(c, 400, "bad_request", "the URL is not valid"));
	if ((r->path = decode(r->url + u.field_data[UF_PATH].off,
	    u.field_data[UF_PATH].len, 0)) == NULL)
		return (fail(c, 400, "bad_request", "the URL's path has a bad "
		    "percent escape"));
	if (!(u.field_set & (1 << UF_QUERY)))
		return (0);
	q = r->url + u.field_data[UF_QUERY].off;
	e = q + u.field_data[UF_QUERY].len;
	while (q < e) {
		const char *amp = memchr(q, '&', (size_t)(e - q)), *eq;
		struct hparam *hp;

		if (amp == NULL)
			amp = e;
		if (amp == q) {
			q++;
			continue;
		}
		if (r->nparams == HREQ_MAXPARAMS)
			return (fail(c, 400, "bad_request", "too many "
			    "parameters in the URL"));
		hp = &r->params[r->nparams];
		eq = memchr(q, '=', (size_t)(amp - q));
		hp->name = decode(q, (size_t)((eq ? eq : amp) - q), 1);
		hp->value = eq ? decode(eq + 1, (size_t)(amp - eq - 1), 1) :
		    strdup("");
		if (hp->name == NULL || hp->value == NULL) {
			free(hp->name);
			free(hp->value);
			hp->name = hp->value = NULL;
			return (fail(c, 400, "bad_request", "a URL parameter "
			    "has a bad percent escape"));
		}
		r->nparams++;
		q = amp + 1;
	}
	return (0);
}

static int
on_headers_complete(http_parser *p)
{
	struct hconn *c = p->data;
	struct hreq *r = &c->req;

	if (c->hstate == 2)
		header_done(c);
	r->method = (enum http_method)p->method;
	r->keep_alive = http_should_keep_alive(p);
	r->t0 = c->fake ? 0 : uv_hrtime();
	if (p->flags & F_CONTENTLENGTH)
		r->content_length = p->content_length;
	/* Here 1 would mean "no body": an error must be another value. */
	if (parse_url(c))
		return (-1);
	if (r->content_length != UINT64_MAX &&
	    r->content_length > c->srv->o.max_body) {
		fail(c, 413, "body_too_large", "the body is larger than the "
		    "server allows");
		return (-1);
	}
	timer_set(c, T_BODY);
	/* The routes may answer now, so a refused body is never read. */
	if (api_headers(r) != 0) {
		c->close_after = 1;
		return (-1);
	}
	/* curl and others wait for this before sending a large body. */
	if (r->expect && strcasecmp(r->expect, "100-continue") == 0 &&
	    p->http_major == 1 && p->http_minor >= 1 &&
	    ((p->flags & F_CHUNKED) || (r->content_length != UINT64_MAX &&
	    r->content_length > 0))) {
		char *cont = strdup("HTTP/1.1 100 Continue\r\n\r\n");

		if (cont)
			send_buf(c, cont, strlen(cont));
	}
	return (0);
}

static int
on_body(http_parser *p, const char *at, size_t n)
{
	struct hconn *c = p->data;
	struct hreq *r = &c->req;

	timer_set(c, T_BODY);
	if (c->answered)
		return (0);	/* answered early: the rest is drained */
	if (r->load) {
		if (load_job_body(r->load, at, n))
			http_conn_pause(c);
		return (0);
	}
	if (r->bodylen + n > QUERY_BODY_MAX)
		return (fail(c, 413, "body_too_large", "a query body is "
		    "limited to 1 MiB"));
	return (append(&r->body, &r->bodylen, at, n) ? fail(c, 500,
	    "internal", "out of memory") : 0);
}

static int
on_message_complete(http_parser *p)
{
	struct hconn *c = p->data;

	timer_set(c, T_NONE);
	c->in_msg = 0;
	c->busy = 1;
	http_parser_pause(p, 1);
	if (c->req.load) {
		load_job_end(c->req.load);
		return (0);
	}
	api_request(&c->req);
	return (0);
}

/* Writing. */
static void done_request(struct hconn *c);

static void
write_cb(uv_write_t *w, int status)
{
	struct wreq *wr = (struct wreq *)w;
	struct hconn *c = wr->c;

	free(wr->buf);
	free(wr);
	c->writes--;
	if (status < 0 && !c->closing) {
		conn_close(c);
		return;
	}
	if (c->closing) {
		if (c->writes == 0 && c->handles == 0)
			free(c);
		return;
	}
	if (c->chunk) {
		send_chunk(c);
		return;
	}
	if (c->writes == 0 && c->answered)
		done_request(c);
}

static void
send_buf(struct hconn *c, char *buf, size_t n)
{
	struct wreq *wr;
	uv_buf_t b;

	if (c->fake || c->closing) {
		/* A fake connection's answer is done when conn_feed returns
		 * from the parser (fake_settle). */
		free(buf);
		free(c->chunk);
		c->chunk = NULL;
		return;
	}
	if ((wr = malloc(sizeof(*wr))) == NULL) {
		free(buf);
		conn_close(c);
		return;
	}
	wr->c = c;
	wr->buf = buf;
	b = uv_buf_init(buf, (unsigned)n);
	c->writes++;
	if (uv_write(&wr->w, (uv_stream_t *)&c->tcp, &b, 1, write_cb) != 0) {
		c->writes--;
		free(buf);
		free(wr);
		conn_close(c);
	}
}

/* The next piece of a chunked answer, or its end; each goes out after the
 * last is written, so a slow reader holds one piece, not a copy of all. */
static void
send_chunk(struct hconn *c)
{
	size_t n = c->chunklen - c->chunkoff;
	char *buf;
	int hn;

	if (n > CHUNK_SIZE)
		n = CHUNK_SIZE;
	if ((buf = malloc(n + 32)) == NULL) {
		conn_close(c);
		return;
	}
	if (n == 0) {
		free(c->chunk);
		c->chunk = NULL;
		memcpy(buf, "0\r\n\r\n", 5);
		send_buf(c, buf, 5);
		return;
	}
	hn = snprintf(buf, 32, "%zx\r\n", n);
	memcpy(buf + hn, c->chunk + c->chunkoff, n);
	memcpy(buf + hn + n, "\r\n", 2);
	c->chunkoff += n;
	send_buf(c, buf, (size_t)hn + n + 2);
}

static char *
head(struct hreq *r, int status, const char *ctype, const char *headers,
    const char *framing, size_t *n)
{
	struct hconn *c = r->conn;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL)
		return (NULL);
	/* An answer before the request's end (a refusal at the headers, a
	 * load that failed mid-body) ends the connection: say so. */
	if (!r->keep_alive || c->srv->stopping || c->in_msg)
		c->close_after = 1;
	fprintf(f, "HTTP/1.1 %d %s\r\nServer: placed/" PACKAGE_VERSION "\r\n"
	    "%s%s%s%s%s%s", status, reason(status),
	    ctype ? "Content-Type: " : "", ctype ? ctype : "",
	    ctype ? "\r\n" : "", framing, headers ? headers : "",
	    c->close_after ? "Connection: close\r\n" : "");
	fputs("\r\n", f);
	if (fclose(f) != 0) {
		free(buf);
		return (NULL);
	}
	*n = len;
	return (buf);
}

void
http_respond(struct hreq *r, int status, const char *ctype,
    const char *headers, const char *body, size_t len)
{
	struct hconn *c = r->conn;
	char framing[64], *h, *buf;
	size_t hn;

	if (c == NULL || c->answered)
		return;
	c->answered = 1;
	metrics_observe(c->srv, status, r->t0);
	if (status == 304 || status == 204)
		framing[0] = '\0';
	else
		snprintf(framing, sizeof(framing), "Content-Length: %zu\r\n",
		    len);
	if ((h = head(r, status, ctype, headers, framing, &hn)) == NULL ||
	    (buf = realloc(h, hn + len + 1)) == NULL) {
		free(h);
		conn_close(c);
		return;
	}
	if (status != 304 && status != 204 && len)
		memcpy(buf + hn, body, len);
	else
		len = 0;
	send_buf(c, buf, hn + len);
}

void
http_respond_chunked(struct hreq *r, int status, const char *ctype,
    const char *headers, char *body, size_t len)
{
	struct hconn *c = r->conn;
	char *h;
	size_t hn;

	if (c == NULL || c->answered) {
		free(body);
		return;
	}
	c->answered = 1;
	metrics_observe(c->srv, status, r->t0);
	if ((h = head(r, status, ctype, headers,
	    "Transfer-Encoding: chunked\r\n", &hn)) == NULL) {
		free(body);
		conn_close(c);
		return;
	}
	/* write_cb sends the chunks one by one, each after the last is out,
	 * so a slow reader holds one chunk in memory, not a copy of all. */
	c->chunk = body ? body : strdup("");
	c->chunklen = body ? len : 0;
	c->chunkoff = 0;
	send_buf(c, h, hn);
}

void
http_error(struct hreq *r, int status, const char *code, const char *fmt,
    ...)
{
	char msg[4096], *buf = NULL;
	size_t n = 0;
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if ((f = open_memstream(&buf, &n)) == NULL)
		return;
	fprintf(f, "{\"error\":{\"code\":\"%s\",\"message\":", code);
	emit_json_str(f, msg, strlen(msg));
	fputs(",\"line\":null,\"column\":null}}\n", f);
	fclose(f);
	http_respond(r, status, "application/json", status == 401 ?
	    "WWW-Authenticate: Bearer realm=\"placed\"\r\n" : status == 405 ?
	    "Allow: GET, POST, DELETE\r\n" : (status == 503 || status == 429) ?
	    "Retry-After: 1\r\n" : NULL, buf, n);
	free(buf);
}

const char *
http_param(const struct hreq *r, const char *name)
{
	for (int i = 0; i < r->nparams; i++)
		if (strcmp(r->params[i].name, name) == 0)
			return (r->params[i].value);
	return (NULL);
}

static void
shutdown_cb(uv_shutdown_t *req, int status)
{
	(void)status;
	free(req);
}

static void
linger_read_cb(uv_stream_t *s, ssize_t nread, const uv_buf_t *b)
{
	free(b->base);
	if (nread < 0)
		conn_close(s->data);
}

/*
 * An answer sent before the request was read to its end (a refused body,
 * a timeout): closing now, with the client's bytes unread, would reset
 * the connection and could destroy the answer before the client reads
 * it.  Send FIN instead and discard what still comes, for a while.
 */
static void
conn_linger(struct hconn *c)
{
	uv_shutdown_t *sr = malloc(sizeof(*sr));

	c->in_msg = 0;
	if (sr == NULL || uv_shutdown(sr, (uv_stream_t *)&c->tcp,
	    shutdown_cb) != 0) {
		free(sr);
		conn_close(c);
		return;
	}
	read_stop(c);
	if (uv_read_start((uv_stream_t *)&c->tcp, alloc_cb,
	    linger_read_cb) == 0)
		c->reading = 1;
	c->tmode = T_IDLE;
	uv_timer_start(&c->timer, timer_cb, LINGER_MS, 0);
}

/* The answer is out: ready for the next request, or close. */
static void
done_request(struct hconn *c)
{
	char *pend;
	size_t n;

	c->answered = 0;
	c->busy = 0;
	req_reset(&c->req);
	if (c->close_after || c->srv->stopping) {
		if (c->in_msg && !c->fake)
			conn_linger(c);
		else
			conn_close(c);
		return;
	}
	http_parser_pause(&c->p, 0);
	timer_set(c, T_IDLE);
	pend = c->pend;
	n = c->npend;
	c->pend = NULL;
	c->npend = c->pendcap = 0;
	if (n)
		conn_feed(c, pend, n);
	free(pend);
	if (!c->busy && !c->paused)
		read_start(c);
}

/* Without a socket, an answer is complete as soon as it is made. */
static void
fake_settle(struct hconn *c)
{
	if (c->fake && !c->closing && c->answered)
		done_request(c);
}

static void
keep_pending(struct hconn *c, const char *data, size_t n)
{
	if (n == 0)
		return;
	if (c->npend + n > c->pendcap) {
		size_t cap = c->pendcap ? c->pendcap : 4096;
		char *nb;

		while (cap < c->npend + n)
			cap *= 2;
		if ((nb = realloc(c->pend, cap)) == NULL) {
			conn_close(c);
			return;
		}
		c->pend = nb;
		c->pendcap = cap;
	}
	memcpy(c->pend + c->npend, data, n);
	c->npend += n;
}

static void
conn_feed(struct hconn *c, const char *data, size_t n)
{
	size_t done;
	enum http_errno e;

	if (c->closing)
		return;
	if (c->busy) {
		keep_pending(c, data, n);
		read_stop(c);
		return;
	}
	done = http_parser_execute(&c->p, &settings, data, n);
	e = HTTP_PARSER_ERRNO(&c->p);
	if (e == HPE_PAUSED) {
		keep_pending(c, data + done, n - done);
		if (c->busy)
			read_stop(c);
		fake_settle(c);
		return;
	}
	if (e == HPE_OK && done == n)
		return;
	if (c->closing)
		return;
	/* The routes answered at the headers: drop the body, close. */
	if (c->answered) {
		c->busy = 1;
		c->close_after = 1;
		read_stop(c);
		fake_settle(c);
		return;
	}
	c->busy = 1;
	c->close_after = 1;
	read_stop(c);
	if (c->req.load) {
		load_job_cancel(c->req.load);
		c->req.load = NULL;
	}
	if (c->req.conn == NULL) {
		c->req.conn = c;
		c->req.srv = c->srv;
	}
	if (c->errstatus)
		http_error(&c->req, c->errstatus, c->errcode, "%s",
		    c->errmsg);
	else
		http_error(&c->req, 400, "bad_request", "malformed request: "
		    "%s", http_errno_description(e));
	fake_settle(c);
}

static void
alloc_cb(uv_handle_t *h, size_t hint, uv_buf_t *b)
{
	(void)h;
	(void)hint;
	b->base = malloc(READ_SIZE);
	b->len = b->base ? READ_SIZE : 0;
}

static void
read_cb(uv_stream_t *s, ssize_t nread, const uv_buf_t *b)
{
	struct hconn *c = s->data;

	if (nread < 0) {
		free(b->base);
		/* A client that stops sending mid-request abandons it. */
		conn_close(c);
		return;
	}
	if (nread > 0)
		conn_feed(c, b->base, (size_t)nread);
	free(b->base);
}

static void
read_stop(struct hconn *c)
{
	if (c->reading && !c->fake)
		uv_read_stop((uv_stream_t *)&c->tcp);
	c->reading = 0;
}

static void
read_start(struct hconn *c)
{
	if (!c->reading && !c->fake && !c->closing &&
	    uv_read_start((uv_stream_t *)&c->tcp, alloc_cb, read_cb) == 0)
		c->reading = 1;
}

/* While the loader is behind, the client is not the one keeping the body
 * from coming: no body timeout until reading resumes. */
void
http_conn_pause(struct hconn *c)
{
	c->paused = 1;
	read_stop(c);
	if (c->tmode == T_BODY)
		timer_set(c, T_NONE);
}

void
http_conn_resume(struct hconn *c)
{
	if (!c->paused)
		return;
	c->paused = 0;
	if (c->in_msg && c->tmode == T_NONE)
		timer_set(c, T_BODY);
	if (!c->busy)
		read_start(c);
}

static void
close_cb(uv_handle_t *h)
{
	struct hconn *c = h->data;

	if (--c->handles == 0 && c->writes == 0)
		free(c);
}

static void
conn_close(struct hconn *c)
{
	struct server *s = c->srv;

	if (c->closing)
		return;
	c->closing = 1;
	api_abandon(&c->req);
	req_reset(&c->req);
	free(c->hf);
	free(c->hv);
	free(c->pend);
	free(c->chunk);
	c->chunk = NULL;
	c->pend = NULL;
	if (c->prev)
		c->prev->next = c->next;
	else if (s->conns == c)
		s->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	s->nconns--;
	if (c->fake)
		return;
	uv_close((uv_handle_t *)&c->timer, close_cb);
	uv_close((uv_handle_t *)&c->tcp, close_cb);
}

static void
settings_init(void)
{
	settings.on_message_begin = on_message_begin;
	settings.on_url = on_url;
	settings.on_header_field = on_header_field;
	settings.on_header_value = on_header_value;
	settings.on_headers_complete = on_headers_complete;
	settings.on_body = on_body;
	settings.on_message_complete = on_message_complete;
}

static struct hconn *
conn_new(struct server *s)
{
	struct hconn *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return (NULL);
	c->srv = s;
	c->id = ++s->next_conn;
	http_parser_init(&c->p, HTTP_REQUEST);
	c->p.data = c;
	c->req.conn = c;
	c->req.srv = s;
	c->next = s->conns;
	if (s->conns)
		s->conns->prev = c;
	s->conns = c;
	s->nconns++;
	return (c);
}

static void
on_connection(uv_stream_t *ls, int status)
{
	struct server *s = ls->data;
	struct hconn *c;

	if (status < 0 || (c = conn_new(s)) == NULL)
		return;
	uv_tcp_init(s->loop, &c->tcp);
	uv_timer_init(s->loop, &c->timer);
	c->tcp.data = c->timer.data = c;
	c->handles = 2;
	if (uv_accept(ls, (uv_stream_t *)&c->tcp) != 0) {
		conn_close(c);
		return;
	}
	uv_tcp_nodelay(&c->tcp, 1);
	s->m.connections_total++;
	if (s->nconns > s->o.max_connections || s->stopping) {
		s->m.connections_refused++;
		c->busy = 1;
		c->close_after = 1;
		http_error(&c->req, 503, "too_many_connections", "%s",
		    s->stopping ? "the server is shutting down" :
		    "the server has as many connections as it allows");
		return;
	}
	timer_set(c, T_IDLE);
	read_start(c);
}

int
http_listen(struct server *s, char *err, size_t errsz)
{
	struct sockaddr_storage ss;
	char host[256], *colon;
	int port, rc;

	settings_init();
	snprintf(host, sizeof(host), "%s", s->o.listen);
	if ((colon = strrchr(host, ':')) == NULL) {
		snprintf(err, errsz, "listen: \"%s\" is not HOST:PORT",
		    s->o.listen);
		return (-EINVAL);
	}
	*colon = '\0';
	port = atoi(colon + 1);
	if (host[0] == '[') {
		memmove(host, host + 1, strlen(host));
		host[strcspn(host, "]")] = '\0';
		rc = uv_ip6_addr(host, port, (struct sockaddr_in6 *)&ss);
	} else {
		rc = uv_ip4_addr(host[0] ? host : "0.0.0.0", port,
		    (struct sockaddr_in *)&ss);
	}
	if (rc != 0 || port < 0 || port > 65535) {
		snprintf(err, errsz, "listen: \"%s\" is not HOST:PORT",
		    s->o.listen);
		return (-EINVAL);
	}
	uv_tcp_init(s->loop, &s->listener);
	s->listener.data = s;
	if ((rc = uv_tcp_bind(&s->listener, (struct sockaddr *)&ss, 0)) ||
	    (rc = uv_listen((uv_stream_t *)&s->listener, 511,
	    on_connection))) {
		snprintf(err, errsz, "listen %s: %s", s->o.listen,
		    uv_strerror(rc));
		uv_close((uv_handle_t *)&s->listener, NULL);
		return (rc);
	}
	s->listening = 1;
	{
		int len = sizeof(ss);

		uv_tcp_getsockname(&s->listener, (struct sockaddr *)&ss, &len);
		if (ss.ss_family == AF_INET6) {
			uv_ip6_name((struct sockaddr_in6 *)&ss, host,
			    sizeof(host));
			port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
			snprintf(s->o.listen, sizeof(s->o.listen), "[%s]:%d",
			    host, port);
		} else {
			uv_ip4_name((struct sockaddr_in *)&ss, host,
			    sizeof(host));
			port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
			snprintf(s->o.listen, sizeof(s->o.listen), "%s:%d",
			    host, port);
		}
	}
	return (0);
}

void
http_stop_listening(struct server *s)
{
	if (s->listening) {
		uv_close((uv_handle_t *)&s->listener, NULL);
		s->listening = 0;
	}
}

void
http_close_idle(struct server *s)
{
	struct hconn *c, *next;

	for (c = s->conns; c; c = next) {
		next = c->next;
		if (!c->busy && !c->in_msg)
			conn_close(c);
	}
}

void
http_close_all(struct server *s)
{
	while (s->conns)
		conn_close(s->conns);
}

struct hconn *
http_conn_fake(struct server *s)
{
	struct hconn *c;

	settings_init();
	if ((c = conn_new(s)) != NULL)
		c->fake = 1;
	return (c);
}

void
http_conn_fake_feed(struct hconn *c, const char *data, size_t n)
{
	conn_feed(c, data, n);
}

void
http_conn_fake_free(struct hconn *c)
{
	conn_close(c);
	free(c);
}
