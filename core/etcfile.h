/*
 * etcfile.h — the text files placed reads from a directory of its own
 * (etc/rules: NAME.rules, etc/partners: NAME.partners): each file whole, the
 * files of a directory in name order.
 */
#ifndef PLACED_ETCFILE_H
#define PLACED_ETCFILE_H

#include <stddef.h>

/* The whole file in *text (the caller frees), its length in *n.  0, or
 * a negative errno with "PATH: reason" in err. */
int etc_slurp(const char *path, char **text, size_t *n, char *err,
    size_t errsz);

/*
 * fn(arg, path, text, n) for every file of dir whose name ends in suffix
 * (".rules") and does not start with '.', in strcmp order of names;
 * stops at and returns fn's first non-zero.  -errno with "DIR: reason"
 * in err when dir cannot be read (-ENOENT when it does not exist).
 */
typedef int (*etc_file_fn)(void *arg, const char *path, const char *text,
    size_t n, char *err, size_t errsz);
int etc_each_file(const char *dir, const char *suffix, etc_file_fn fn,
    void *arg, char *err, size_t errsz);

/* "FILE:LINE:" then fmt in err (fmt goes on with " message" or
 * "COL: message"); returns -EINVAL, for errors in these files. */
int etc_error(char *err, size_t errsz, const char *file, unsigned line,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#endif
