/* pseudo.c — the key file and the keyed hash of person identifiers. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>

#include "pseudo.h"

const char *
pseudo_key_path(const char *arg, const char *conf)
{
	const char *env;

	if (arg && *arg)
		return (arg);
	if ((env = getenv("PLACED_KEY")) != NULL && *env)
		return (env);
	if (conf && *conf)
		return (conf);
	return ("placed.key");
}

int
pseudo_key_init(const char *path, char *err, size_t errsz)
{
	uint8_t key[PSEUDO_KEYLEN];
	char hex[PSEUDO_KEYLEN * 2 + 2];
	ssize_t w;
	int fd, e;

	if (sodium_init() < 0) {
		snprintf(err, errsz, "libsodium failed to initialise");
		return (-EIO);
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0) {
		e = errno;
		if (e == EEXIST)
			snprintf(err, errsz, "%s: a key file is already there; "
			    "it is never overwritten (data hashed with it "
			    "would no longer link)", path);
		else
			snprintf(err, errsz, "%s: %s", path, strerror(e));
		return (-e);
	}
	randombytes_buf(key, sizeof(key));
	sodium_bin2hex(hex, sizeof(hex), key, sizeof(key));
	sodium_memzero(key, sizeof(key));
	strcat(hex, "\n");
	w = write(fd, hex, strlen(hex));
	e = errno;
	sodium_memzero(hex, sizeof(hex));
	if (w != (ssize_t)(PSEUDO_KEYLEN * 2 + 1) || fsync(fd) != 0) {
		snprintf(err, errsz, "%s: %s", path, strerror(e ? e : EIO));
		close(fd);
		unlink(path);
		return (-EIO);
	}
	close(fd);
	return (0);
}

/* 1 when path lies inside dir, after resolving both; a path that does
 * not exist yet is judged by its directory. */
int
pseudo_inside(const char *path, const char *dir)
{
	char rp[PATH_MAX], rd[PATH_MAX], tmp[PATH_MAX], *slash;
	size_t n;

	if (realpath(dir, rd) == NULL)
		return (0);
	if (realpath(path, rp) == NULL) {
		snprintf(tmp, sizeof(tmp), "%s", path);
		if ((slash = strrchr(tmp, '/')) == NULL)
			snprintf(tmp, sizeof(tmp), ".");
		else if (slash == tmp)
			tmp[1] = '\0';
		else
			*slash = '\0';
		if (realpath(tmp, rp) == NULL)
			return (0);
		n = strlen(rp);
		if (n + 2 < sizeof(rp))
			strcat(rp, "/");
	}
	n = strlen(rd);
	return (strncmp(rp, rd, n) == 0 && (rp[n] == '/' || rp[n] == '\0'));
}

int
pseudo_key_load(pseudo_key_t *k, const char *path, const char *dbdir,
    char *err, size_t errsz)
{
	char hex[PSEUDO_KEYLEN * 2 + 8];
	struct stat sb;
	size_t len, bin;
	ssize_t r;
	int fd, e;

	if (sodium_init() < 0) {
		snprintf(err, errsz, "libsodium failed to initialise");
		return (-EIO);
	}
	if ((fd = open(path, O_RDONLY)) < 0) {
		e = errno;
		if (e == ENOENT)
			snprintf(err, errsz, "no pseudonymisation key at %s: "
			    "create one with \"placed key init\" or name one "
			    "with --key or $PLACED_KEY", path);
		else
			snprintf(err, errsz, "%s: %s", path, strerror(e));
		return (-e);
	}
	if (fstat(fd, &sb) == 0 && (sb.st_mode & 077) != 0) {
		snprintf(err, errsz, "%s: key file is readable by others "
		    "(mode %03o); chmod 600 it", path, sb.st_mode & 0777);
		close(fd);
		return (-EPERM);
	}
	r = read(fd, hex, sizeof(hex) - 1);
	close(fd);
	if (r < 0) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return (-EIO);
	}
	hex[r] = '\0';
	len = strcspn(hex, "\r\n");
	if (len != PSEUDO_KEYLEN * 2 ||
	    sodium_hex2bin(k->key, sizeof(k->key), hex, len, NULL, &bin,
	    NULL) != 0 || bin != PSEUDO_KEYLEN) {
		sodium_memzero(hex, sizeof(hex));
		snprintf(err, errsz, "%s: not a placed key file (want %d hex "
		    "digits)", path, PSEUDO_KEYLEN * 2);
		return (-EINVAL);
	}
	sodium_memzero(hex, sizeof(hex));
	if (dbdir && pseudo_inside(path, dbdir)) {
		sodium_memzero(k->key, sizeof(k->key));
		snprintf(err, errsz, "%s: the key must not live inside the "
		    "database directory %s, or a copy of the data carries it",
		    path, dbdir);
		return (-EPERM);
	}
	snprintf(k->path, sizeof(k->path), "%s", path);
	return (0);
}

int
pseudo_hash(const pseudo_key_t *k, const char *raw, size_t n,
    char out[PSEUDO_HEXLEN + 1])
{
	unsigned char norm[256], h[PSEUDO_HEXLEN / 2];
	size_t len = 0;

	/* "943 476 5919" and "9434765919" are the same NHS number. */
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)raw[i];

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (len == sizeof(norm))
			return (-ENAMETOOLONG);
		norm[len++] = (unsigned char)toupper(c);
	}
	if (len == 0)
		return (-EINVAL);
	crypto_generichash(h, sizeof(h), norm, len, k->key, sizeof(k->key));
	sodium_memzero(norm, sizeof(norm));
	sodium_bin2hex(out, PSEUDO_HEXLEN + 1, h, sizeof(h));
	return (0);
}

int
pseudo_is_hashed(const char *s, size_t n)
{
	if (n != PSEUDO_HEXLEN)
		return (0);
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]) &&
		    (s[i] < 'a' || s[i] > 'f'))
			return (0);
	return (1);
}
