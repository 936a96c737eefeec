/*
 * fetch.h — a file from where a partner publishes it (http:// or
 * https://), streamed with libcurl into a descriptor the loader reads.
 *
 * fetch_start() starts the transfer on its own thread and gives the read
 * end of a pipe; the body arrives there as it downloads, so a file of any
 * size loads in flat memory.  When the transfer fails (an HTTP status of
 * 400 or more, a timeout, a TLS or DNS failure), *fetch_failed() becomes
 * non-zero before the pipe is closed, so a loader that checks it after
 * the end of its input abandons the batch rather than commit a short
 * file.  Redirects are followed (http and https only, at most 10), TLS
 * peers and host names are verified, a connection has 30 s to open and a
 * transfer is abandoned after 60 s below 1 byte/s.
 */
#ifndef PLACED_FETCH_H
#define PLACED_FETCH_H

#include <stddef.h>
#include <stdint.h>

struct fetch;

struct fetch_opts {
	/* Conditional request: the validators of the copy already loaded
	 * (NULL: none).  A 304 answer counts as failed with not_modified
	 * set. */
	const char	*etag;
	const char	*last_modified;
};

struct fetch_result {
	long		status;		/* the final HTTP status; 0: none */
	int		not_modified;	/* 304 to a conditional request */
	uint64_t	bytes;
	char		etag[256];
	char		last_modified[64];
	char		effective_url[1024];	/* after redirects */
};

/* Whether s names something to fetch rather than a file. */
int fetch_is_url(const char *s);

/* 0 with *out and *fd (the read end, the caller closes it), or a negative
 * errno with the reason in err. */
int fetch_start(const char *url, const struct fetch_opts *o,
    struct fetch **out, int *fd, char *err, size_t errsz);
/* Set when the transfer failed; valid once the pipe has reached EOF. */
const volatile int *fetch_failed(const struct fetch *f);
/* Wait for the transfer (after reading the pipe to its end or closing
 * it), free f, fill res.  0, or -EIO with "URL: HTTP 404" or "URL:
 * Couldn't resolve host name ..." in err (-EAGAIN for a 304). */
int fetch_finish(struct fetch *f, struct fetch_result *res, char *err,
    size_t errsz);

#endif
