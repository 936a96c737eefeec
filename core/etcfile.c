/* etcfile.c — whole text files, and a directory's files in name order. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "etcfile.h"

int
etc_slurp(const char *path, char **text, size_t *n, char *err, size_t errsz)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL, *nb;
	size_t len = 0, cap = 0, got;
	int rc;

	if (f == NULL)
		goto ioerr;
	do {
		if (cap - len < 65536) {
			cap = cap ? cap * 2 : 65536;
			if ((nb = realloc(buf, cap)) == NULL) {
				errno = ENOMEM;
				goto ioerr;
			}
			buf = nb;
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
	} while (got > 0);
	if (ferror(f)) {
		errno = EIO;
		goto ioerr;
	}
	fclose(f);
	*text = buf;
	*n = len;
	return (0);
ioerr:
	rc = -errno;
	snprintf(err, errsz, "%s: %s", path, strerror(errno));
	if (f != NULL)
		fclose(f);
	free(buf);
	return (rc);
}

static int
cmp_str(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

int
etc_each_file(const char *dir, const char *suffix, etc_file_fn fn, void *arg,
    char *err, size_t errsz)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL, **nn;
	size_t nnames = 0, sl = strlen(suffix);
	int rc = 0;

	if (d == NULL) {
		rc = -errno;
		snprintf(err, errsz, "%s: %s", dir, strerror(errno));
		return (rc);
	}
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);

		if (de->d_name[0] == '.' || l <= sl ||
		    strcmp(de->d_name + l - sl, suffix) != 0)
			continue;
		if ((nn = realloc(names, (nnames + 1) * sizeof(*nn))) == NULL ||
		    (nn[nnames] = strdup(de->d_name)) == NULL) {
			if (nn != NULL)
				names = nn;
			rc = -ENOMEM;
			snprintf(err, errsz, "%s: out of memory", dir);
			goto out;
		}
		names = nn;
		nnames++;
	}
	qsort(names, nnames, sizeof(*names), cmp_str);
	for (size_t i = 0; i < nnames && rc == 0; i++) {
		char path[4096], *text;
		size_t n;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if ((rc = etc_slurp(path, &text, &n, err, errsz)) != 0)
			break;
		rc = fn(arg, path, text, n, err, errsz);
		free(text);
	}
out:
	closedir(d);
	for (size_t i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	return (rc);
}

int
etc_error(char *err, size_t errsz, const char *file, unsigned line,
    const char *fmt, ...)
{
	size_t o = (size_t)snprintf(err, errsz, "%s:%u:", file, line);
	va_list ap;

	va_start(ap, fmt);
	if (o < errsz)
		vsnprintf(err + o, errsz - o, fmt, ap);
	va_end(ap);
	return (-EINVAL);
}
