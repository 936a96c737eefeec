/*
 * csvin.h — streaming RFC 4180 reader over libcsv, with line numbers.
 *
 * Feed it chunks of any size; it calls back once per record with the
 * physical line the record starts on (quoted newlines counted, CRLF, LF and
 * lone CR all one line end).  Blank lines are skipped.  Field pointers are
 * valid only during the callback.  A callback returning non-zero stops the
 * reader; csvin_feed() then returns that value.
 */
#ifndef PLACED_CSVIN_H
#define PLACED_CSVIN_H

#include <stddef.h>
#include <stdint.h>

typedef int (*csvin_row_cb)(void *arg, uint64_t line, int nf,
    char *const *f, const size_t *len);

typedef struct csvin csvin_t;

/* Records longer than this are an error: usually an unclosed quote. */
#define CSVIN_MAXREC	(16u << 20)
#define CSVIN_MAXFIELDS	1024

csvin_t *csvin_new(csvin_row_cb cb, void *arg);
void csvin_free(csvin_t *c);
/* 0, the callback's non-zero value, or -EBADMSG with csvin_error(). */
int csvin_feed(csvin_t *c, const char *buf, size_t n);
int csvin_end(csvin_t *c);
const char *csvin_error(const csvin_t *c);

#endif
