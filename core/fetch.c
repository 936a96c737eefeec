/* fetch.c — http(s) downloads streamed into a pipe, on their own thread. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <curl/curl.h>

#include "fetch.h"

struct fetch {
	pthread_t	thread;
	CURL		*h;
	struct curl_slist *hdrs;
	int		wfd;		/* the pipe's write end */
	volatile int	failed;
	int		write_error;	/* the reader went away */
	CURLcode	code;
	char		curl_err[CURL_ERROR_SIZE];
	char		url[2048];
	struct fetch_result res;
};

static void
global_init(void)
{
	(void)curl_global_init(CURL_GLOBAL_DEFAULT);
}

int
fetch_is_url(const char *s)
{
	return (strncasecmp(s, "http://", 7) == 0 ||
	    strncasecmp(s, "https://", 8) == 0);
}

static size_t
on_body(char *p, size_t size, size_t n, void *arg)
{
	struct fetch *f = arg;
	size_t len = size * n, off = 0;

	while (off < len) {
		ssize_t w = write(f->wfd, p + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			f->write_error = 1;
			return (0);	/* curl stops: CURLE_WRITE_ERROR */
		}
		off += (size_t)w;
	}
	f->res.bytes += len;
	return (len);
}

/* Keep the validators of the final response for the next conditional
 * request. */
static size_t
on_header(char *p, size_t size, size_t n, void *arg)
{
	struct fetch *f = arg;
	size_t len = size * n, vl;
	const char *v;
	char *dst;
	size_t dsz;

	if (len > 5 && strncmp(p, "HTTP/", 5) == 0) {
		f->res.etag[0] = f->res.last_modified[0] = '\0';
		return (len);
	}
	if (len > 5 && strncasecmp(p, "ETag:", 5) == 0) {
		v = p + 5;
		dst = f->res.etag;
		dsz = sizeof(f->res.etag);
	} else if (len > 14 && strncasecmp(p, "Last-Modified:", 14) == 0) {
		v = p + 14;
		dst = f->res.last_modified;
		dsz = sizeof(f->res.last_modified);
	} else
		return (len);
	while (v < p + len && (*v == ' ' || *v == '\t'))
		v++;
	vl = (size_t)(p + len - v);
	while (vl > 0 && (v[vl - 1] == '\r' || v[vl - 1] == '\n' ||
	    v[vl - 1] == ' '))
		vl--;
	if (vl < dsz) {
		memcpy(dst, v, vl);
		dst[vl] = '\0';
	}
	return (len);
}

static void *
run(void *arg)
{
	struct fetch *f = arg;
	char *eff = NULL;
	sigset_t pipe_sig;

	/* A loader that stops reading early closes the pipe: this thread's
	 * write fails with EPIPE instead of killing the process. */
	sigemptyset(&pipe_sig);
	sigaddset(&pipe_sig, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_sig, NULL);
	f->code = curl_easy_perform(f->h);
	curl_easy_getinfo(f->h, CURLINFO_RESPONSE_CODE, &f->res.status);
	if (curl_easy_getinfo(f->h, CURLINFO_EFFECTIVE_URL, &eff) == CURLE_OK &&
	    eff)
		snprintf(f->res.effective_url, sizeof(f->res.effective_url),
		    "%s", eff);
	if (f->res.status == 304)
		f->res.not_modified = 1;
	/* The flag before the close: the reader sees EOF only after it. */
	if (f->code != CURLE_OK || f->res.not_modified ||
	    f->res.status >= 400)
		f->failed = 1;
	close(f->wfd);
	f->wfd = -1;
	return (NULL);
}

static void
fetch_free(struct fetch *f)
{
	if (f->h)
		curl_easy_cleanup(f->h);
	curl_slist_free_all(f->hdrs);
	if (f->wfd >= 0)
		close(f->wfd);
	free(f);
}

int
fetch_start(const char *url, const struct fetch_opts *o, struct fetch **out,
    int *fd, char *err, size_t errsz)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	struct fetch *f;
	char hdr[512];
	int p[2];

	*out = NULL;
	pthread_once(&once, global_init);
	if ((f = calloc(1, sizeof(*f))) == NULL) {
		snprintf(err, errsz, "%s: out of memory", url);
		return (-ENOMEM);
	}
	f->wfd = -1;
	snprintf(f->url, sizeof(f->url), "%s", url);
	if ((f->h = curl_easy_init()) == NULL || pipe2(p, O_CLOEXEC) != 0) {
		snprintf(err, errsz, "%s: cannot start the transfer", url);
		fetch_free(f);
		return (-EIO);
	}
	f->wfd = p[1];
	curl_easy_setopt(f->h, CURLOPT_URL, url);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(f->h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(f->h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(f->h, CURLOPT_PROTOCOLS,
	    (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
	curl_easy_setopt(f->h, CURLOPT_REDIR_PROTOCOLS,
	    (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	curl_easy_setopt(f->h, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(f->h, CURLOPT_MAXREDIRS, 10L);
	curl_easy_setopt(f->h, CURLOPT_CONNECTTIMEOUT, 30L);
	curl_easy_setopt(f->h, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(f->h, CURLOPT_LOW_SPEED_TIME, 60L);
	curl_easy_setopt(f->h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(f->h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(f->h, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(f->h, CURLOPT_USERAGENT, PACKAGE_NAME "/"
	    PACKAGE_VERSION);
	curl_easy_setopt(f->h, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(f->h, CURLOPT_ERRORBUFFER, f->curl_err);
	curl_easy_setopt(f->h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(f->h, CURLOPT_WRITEDATA, f);
	curl_easy_setopt(f->h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(f->h, CURLOPT_HEADERDATA, f);
	/* An error status is a failure, but its body is not the file. */
	curl_easy_setopt(f->h, CURLOPT_FAILONERROR, 1L);
	if (o && o->etag && *o->etag) {
		snprintf(hdr, sizeof(hdr), "If-None-Match: %s", o->etag);
		f->hdrs = curl_slist_append(f->hdrs, hdr);
	}
	if (o && o->last_modified && *o->last_modified) {
		snprintf(hdr, sizeof(hdr), "If-Modified-Since: %s",
		    o->last_modified);
		f->hdrs = curl_slist_append(f->hdrs, hdr);
	}
	if (f->hdrs)
		curl_easy_setopt(f->h, CURLOPT_HTTPHEADER, f->hdrs);
	if (pthread_create(&f->thread, NULL, run, f) != 0) {
		close(p[0]);
		snprintf(err, errsz, "%s: cannot start a thread", url);
		fetch_free(f);
		return (-EAGAIN);
	}
	*out = f;
	*fd = p[0];
	return (0);
}

const volatile int *
fetch_failed(const struct fetch *f)
{
	return (&f->failed);
}

int
fetch_finish(struct fetch *f, struct fetch_result *res, char *err,
    size_t errsz)
{
	int rc = 0;

	pthread_join(f->thread, NULL);
	*res = f->res;
	if (f->res.not_modified) {
		snprintf(err, errsz, "%s: not modified", f->url);
		rc = -EAGAIN;
	} else if (f->code == CURLE_HTTP_RETURNED_ERROR ||
	    (f->code == CURLE_OK && f->res.status >= 400)) {
		snprintf(err, errsz, "%s: HTTP %ld", f->url, f->res.status);
		rc = -EIO;
	} else if (f->code != CURLE_OK && !f->write_error) {
		snprintf(err, errsz, "%s: %s", f->url, f->curl_err[0] ?
		    f->curl_err : curl_easy_strerror(f->code));
		rc = -EIO;
	}
	fetch_free(f);
	return (rc);
}
