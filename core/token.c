/* token.c — the token file: load, check a secret, add, revoke. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>

#include "token.h"

#define TOKEN_PREFIX	"plc_"
#define TOKEN_RAW	32		/* random bytes in a secret */
#define LINE_MAX_BYTES	1024
#define FILE_MAX_BYTES	(64 * 1024 * 1024)

static const char *const role_names[] = {
	[ROLE_READER] = "reader",
	[ROLE_ANALYST] = "analyst",
	[ROLE_LOADER] = "loader",
	[ROLE_ADMIN] = "admin",
};

#define NROLES	(sizeof(role_names) / sizeof(role_names[0]))

const char *
role_name(enum role r)
{
	return ((unsigned)r < NROLES ? role_names[r] : "?");
}

int
role_parse(const char *s, enum role *r)
{
	for (size_t i = 0; i < NROLES; i++)
		if (strcmp(s, role_names[i]) == 0) {
			*r = (enum role)i;
			return (0);
		}
	return (-1);
}

int
token_name_ok(const char *s)
{
	size_t n = 0;

	for (; s[n] != '\0'; n++) {
		char c = s[n];

		if (n == TOKEN_NAME_MAX)
			return (0);
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		    c == '-'))
			return (0);
	}
	return (n > 0);
}

const char *
token_path(const char *arg, const char *conf)
{
	const char *env;

	if (arg && *arg)
		return (arg);
	if ((env = getenv("PLACED_TOKENS")) != NULL && *env)
		return (env);
	if (conf && *conf)
		return (conf);
	return ("placed.tokens");
}

void
tokens_free(struct tokens *t)
{
	if (t->v)
		sodium_memzero(t->v, t->n * sizeof(*t->v));
	free(t->v);
	t->v = NULL;
	t->n = 0;
}

/*
 * The stored hash is plain BLAKE2b-256 of the secret.  A password hash
 * (Argon2) exists to slow down guessing low-entropy secrets; ours are 256
 * random bits, which no amount of fast guessing reaches, and a check on
 * every request must stay cheap.
 */
static void
secret_hash(uint8_t h[TOKEN_HASH_LEN], const char *secret, size_t n)
{
	crypto_generichash(h, TOKEN_HASH_LEN, (const unsigned char *)secret,
	    n, NULL, 0);
}

const struct token *
tokens_check(const struct tokens *t, const char *secret, size_t n)
{
	const struct token *found = NULL;
	uint8_t h[TOKEN_HASH_LEN];

	if (secret == NULL || n == 0)
		return (NULL);
	secret_hash(h, secret, n);
	for (size_t i = 0; i < t->n; i++) {
		int eq = sodium_memcmp(h, t->v[i].hash, sizeof(h)) == 0;

		/* No early exit: every stored hash is compared. */
		found = (eq && found == NULL) ? &t->v[i] : found;
	}
	sodium_memzero(h, sizeof(h));
	return (found);
}

/* line = name TAB partner TAB role TAB hash TAB created
 * The line is NUL-terminated without its newline; why says what is wrong. */
static int
parse_line(char *line, struct token *t, char *why, size_t whysz)
{
	char *f[5], *p = line, *end;
	size_t nf = 0, bin;
	long long created;

	for (;;) {
		char *tab = strchr(p, '\t');

		if (nf < 5)
			f[nf] = p;
		nf++;
		if (tab == NULL)
			break;
		*tab = '\0';
		p = tab + 1;
	}
	if (nf != 5) {
		snprintf(why, whysz, "expected 5 tab-separated fields (name, "
		    "partner, role, hash, created), found %zu", nf);
		return (-1);
	}
	if (!token_name_ok(f[0])) {
		snprintf(why, whysz, "bad token name \"%.80s\" (1 to %d of "
		    "A-Z a-z 0-9 . _ -)", f[0], TOKEN_NAME_MAX);
		return (-1);
	}
	if (!token_name_ok(f[1])) {
		snprintf(why, whysz, "bad partner \"%.80s\" (1 to %d of "
		    "A-Z a-z 0-9 . _ -)", f[1], TOKEN_NAME_MAX);
		return (-1);
	}
	if (role_parse(f[2], &t->role) != 0) {
		snprintf(why, whysz, "unknown role \"%.80s\" (reader, analyst, "
		    "loader or admin)", f[2]);
		return (-1);
	}
	if (strlen(f[3]) != TOKEN_HASH_LEN * 2 ||
	    sodium_hex2bin(t->hash, sizeof(t->hash), f[3], strlen(f[3]), NULL,
	    &bin, NULL) != 0 || bin != TOKEN_HASH_LEN) {
		snprintf(why, whysz, "hash is not %d hex digits",
		    TOKEN_HASH_LEN * 2);
		return (-1);
	}
	errno = 0;
	created = strtoll(f[4], &end, 10);
	if (f[4][0] < '0' || f[4][0] > '9' || *end != '\0' || errno != 0) {
		snprintf(why, whysz, "created \"%.80s\" is not a number of "
		    "seconds", f[4]);
		return (-1);
	}
	snprintf(t->name, sizeof(t->name), "%s", f[0]);
	snprintf(t->partner, sizeof(t->partner), "%s", f[1]);
	t->created = created;
	return (0);
}

/* 1 for a line that holds no token: blank, or a # comment. */
static int
line_is_note(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
		i++;
	return (i == n || s[i] == '#');
}

/* Parse the len bytes of buf (not modified) into out. */
static int
parse_buf(const char *path, const char *buf, size_t len, struct tokens *out,
    char *err, size_t errsz)
{
	char line[LINE_MAX_BYTES + 1], why[256];
	size_t cap = 0, off = 0;
	unsigned lineno = 0;

	out->v = NULL;
	out->n = 0;
	while (off < len) {
		const char *nl = memchr(buf + off, '\n', len - off);
		size_t n = nl ? (size_t)(nl - (buf + off)) : len - off;
		struct token *t;

		lineno++;
		if (n > 0 && buf[off + n - 1] == '\r')
			n--;
		if (line_is_note(buf + off, n))
			goto next;
		if (n > LINE_MAX_BYTES) {
			snprintf(err, errsz, "%s:%u: line longer than %d bytes",
			    path, lineno, LINE_MAX_BYTES);
			goto bad;
		}
		memcpy(line, buf + off, n);
		line[n] = '\0';
		if (strlen(line) != n) {
			snprintf(err, errsz, "%s:%u: NUL byte in line", path,
			    lineno);
			goto bad;
		}
		if (out->n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			struct token *nv = realloc(out->v, ncap * sizeof(*nv));

			if (nv == NULL) {
				snprintf(err, errsz, "%s: out of memory", path);
				tokens_free(out);
				return (-ENOMEM);
			}
			out->v = nv;
			cap = ncap;
		}
		t = &out->v[out->n];
		if (parse_line(line, t, why, sizeof(why)) != 0) {
			snprintf(err, errsz, "%s:%u: %s", path, lineno, why);
			goto bad;
		}
		for (size_t i = 0; i < out->n; i++)
			if (strcmp(out->v[i].name, t->name) == 0) {
				snprintf(err, errsz, "%s:%u: token name \"%s\" "
				    "appears twice", path, lineno, t->name);
				goto bad;
			}
		out->n++;
next:
		off += (nl ? (size_t)(nl - (buf + off)) + 1 : len - off);
	}
	sodium_memzero(line, sizeof(line));
	return (0);
bad:
	sodium_memzero(line, sizeof(line));
	tokens_free(out);
	return (-EINVAL);
}

/* Read the whole of an open token file, refusing one others may write. */
static int
read_fd(int fd, const char *path, char **bufp, size_t *lenp, char *err,
    size_t errsz)
{
	struct stat sb;
	size_t len = 0;
	char *buf;
	ssize_t r;

	if (fstat(fd, &sb) != 0) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return (-EIO);
	}
	if (!S_ISREG(sb.st_mode)) {
		snprintf(err, errsz, "%s: not a regular file", path);
		return (-EINVAL);
	}
	if ((sb.st_mode & 022) != 0) {
		snprintf(err, errsz, "%s: token file is writable by others "
		    "(mode %03o), who could add an admin token; chmod 600 it",
		    path, (unsigned)(sb.st_mode & 0777));
		return (-EPERM);
	}
	if (sb.st_size > FILE_MAX_BYTES) {
		snprintf(err, errsz, "%s: larger than %d MiB", path,
		    FILE_MAX_BYTES >> 20);
		return (-EFBIG);
	}
	if ((buf = malloc((size_t)sb.st_size + 1)) == NULL) {
		snprintf(err, errsz, "%s: out of memory", path);
		return (-ENOMEM);
	}
	while (len < (size_t)sb.st_size) {
		r = read(fd, buf + len, (size_t)sb.st_size - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			snprintf(err, errsz, "%s: %s", path, strerror(errno));
			free(buf);
			return (-EIO);
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	buf[len] = '\0';
	*bufp = buf;
	*lenp = len;
	return (0);
}

int
tokens_load(const char *path, struct tokens *out, char *err, size_t errsz)
{
	size_t len;
	char *buf;
	int fd, rc;

	out->v = NULL;
	out->n = 0;
	if (sodium_init() < 0) {
		snprintf(err, errsz, "libsodium failed to initialise");
		return (-EIO);
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		if (errno == ENOENT)
			return (0);
		rc = -errno;
		snprintf(err, errsz, "%s: %s", path, strerror(-rc));
		return (rc);
	}
	rc = read_fd(fd, path, &buf, &len, err, errsz);
	close(fd);
	if (rc != 0)
		return (rc);
	rc = parse_buf(path, buf, len, out, err, errsz);
	free(buf);
	return (rc);
}

/*
 * Open and flock the file at path.  The lock is on the inode; a writer
 * renames a new file over the old one, so a waiter that then gets the
 * lock on the old inode must let go and lock the new file instead.
 */
static int
lock_path(const char *path, bool create, int *fdp, char *err, size_t errsz)
{
	struct stat a, b;
	int fd, e;

	for (;;) {
		fd = open(path, O_RDONLY | O_CLOEXEC | (create ? O_CREAT : 0),
		    0600);
		if (fd < 0) {
			e = errno;
			snprintf(err, errsz, "%s: %s", path, strerror(e));
			return (-e);
		}
		while (flock(fd, LOCK_EX) != 0)
			if (errno != EINTR) {
				e = errno;
				snprintf(err, errsz, "%s: lock: %s", path,
				    strerror(e));
				close(fd);
				return (-e);
			}
		if (fstat(fd, &a) == 0 && stat(path, &b) == 0 &&
		    a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
			*fdp = fd;
			return (0);
		}
		close(fd);
	}
}

static int
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return (-1);
		p += w;
		n -= (size_t)w;
	}
	return (0);
}

/* Replace path by head then tail: a temporary file in the same directory,
 * mode 0600, fsync, rename, then (best effort) fsync of the directory. */
static int
write_atomic(const char *path, const char *head, size_t hlen,
    const char *tail, size_t tlen, char *err, size_t errsz)
{
	char tmp[4096], dir[4096];
	const char *slash;
	int fd, dfd, e;

	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >=
	    (int)sizeof(tmp)) {
		snprintf(err, errsz, "%s: path too long", path);
		return (-ENAMETOOLONG);
	}
	if ((fd = mkstemp(tmp)) < 0) {
		e = errno;
		snprintf(err, errsz, "%s: %s", tmp, strerror(e));
		return (-e);
	}
	if (fchmod(fd, 0600) != 0 || write_all(fd, head, hlen) != 0 ||
	    write_all(fd, tail, tlen) != 0 || fsync(fd) != 0) {
		e = errno;
		snprintf(err, errsz, "%s: %s", tmp, strerror(e));
		close(fd);
		unlink(tmp);
		return (-e);
	}
	if (close(fd) != 0 || rename(tmp, path) != 0) {
		e = errno;
		snprintf(err, errsz, "%s: %s", path, strerror(e));
		unlink(tmp);
		return (-e);
	}
	if ((slash = strrchr(path, '/')) == NULL)
		snprintf(dir, sizeof(dir), ".");
	else
		snprintf(dir, sizeof(dir), "%.*s",
		    slash == path ? 1 : (int)(slash - path), path);
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		(void)fsync(dfd);
		close(dfd);
	}
	return (0);
}

static const char file_head[] =
    "# placed tokens: name, partner, role, BLAKE2b-256 of the secret, "
    "created\n# (Unix seconds), separated by tabs.  Edit with "
    "\"placed token\".\n";

int
token_add(const char *path, const char *name, const char *partner,
    enum role role, char *secret_out, size_t secret_sz, char *err,
    size_t errsz)
{
	uint8_t raw[TOKEN_RAW], h[TOKEN_HASH_LEN];
	char line[LINE_MAX_BYTES], hex[TOKEN_HASH_LEN * 2 + 1];
	struct tokens cur;
	const char *old;
	size_t len;
	char *buf = NULL;
	int fd, rc, n;

	if (secret_sz < TOKEN_SECRET_SIZE) {
		snprintf(err, errsz, "secret buffer too small");
		return (-EINVAL);
	}
	secret_out[0] = '\0';
	if (!token_name_ok(name) || !token_name_ok(partner)) {
		snprintf(err, errsz, "bad %s \"%s\": 1 to %d of A-Z a-z 0-9 . "
		    "_ -", token_name_ok(name) ? "partner" : "token name",
		    token_name_ok(name) ? partner : name, TOKEN_NAME_MAX);
		return (-EINVAL);
	}
	if ((unsigned)role >= NROLES) {
		snprintf(err, errsz, "bad role %d", (int)role);
		return (-EINVAL);
	}
	if (sodium_init() < 0) {
		snprintf(err, errsz, "libsodium failed to initialise");
		return (-EIO);
	}
	if ((rc = lock_path(path, true, &fd, err, errsz)) != 0)
		return (rc);
	if ((rc = read_fd(fd, path, &buf, &len, err, errsz)) != 0)
		goto out;
	if ((rc = parse_buf(path, buf, len, &cur, err, errsz)) != 0)
		goto out;
	for (size_t i = 0; i < cur.n; i++)
		if (strcmp(cur.v[i].name, name) == 0) {
			snprintf(err, errsz, "%s: a token called \"%s\" is "
			    "already there (partner %s, role %s); revoke it "
			    "first", path, name, cur.v[i].partner,
			    role_name(cur.v[i].role));
			rc = -EEXIST;
			break;
		}
	tokens_free(&cur);
	if (rc != 0)
		goto out;

	randombytes_buf(raw, sizeof(raw));
	memcpy(secret_out, TOKEN_PREFIX, sizeof(TOKEN_PREFIX) - 1);
	sodium_bin2base64(secret_out + sizeof(TOKEN_PREFIX) - 1,
	    secret_sz - (sizeof(TOKEN_PREFIX) - 1), raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
	secret_hash(h, secret_out, strlen(secret_out));
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	n = snprintf(line, sizeof(line), "%s%s\t%s\t%s\t%s\t%lld\n",
	    len > 0 && buf[len - 1] != '\n' ? "\n" : "", name, partner,
	    role_name(role), hex, (long long)time(NULL));
	old = len > 0 ? buf : file_head;
	rc = write_atomic(path, old, len > 0 ? len : strlen(file_head), line,
	    (size_t)n, err, errsz);
out:
	if (rc != 0)
		sodium_memzero(secret_out, secret_sz);
	free(buf);
	close(fd);	/* and the lock with it */
	return (rc);
}

int
token_revoke(const char *path, const char *name, char *err, size_t errsz)
{
	struct tokens cur;
	size_t len, off = 0, nl, olen = 0;
	char *buf = NULL, *outb = NULL;
	bool found = false;
	int fd, rc;

	if (!token_name_ok(name)) {
		snprintf(err, errsz, "bad token name \"%s\"", name);
		return (-EINVAL);
	}
	if ((rc = lock_path(path, false, &fd, err, errsz)) != 0) {
		if (rc == -ENOENT)
			snprintf(err, errsz, "%s: no token called \"%s\" (no "
			    "token file)", path, name);
		return (rc);
	}
	if ((rc = read_fd(fd, path, &buf, &len, err, errsz)) != 0)
		goto out;
	if ((rc = parse_buf(path, buf, len, &cur, err, errsz)) != 0)
		goto out;
	tokens_free(&cur);
	if ((outb = malloc(len + 1)) == NULL) {
		snprintf(err, errsz, "%s: out of memory", path);
		rc = -ENOMEM;
		goto out;
	}
	/* Keep every line (comments too) but the token's own. */
	for (; off < len; off += nl) {
		const char *p = buf + off, *e = memchr(p, '\n', len - off);
		size_t nlen = strlen(name);

		nl = e ? (size_t)(e - p) + 1 : len - off;
		if (!line_is_note(p, nl - (e ? 1 : 0)) && nl > nlen &&
		    memcmp(p, name, nlen) == 0 && p[nlen] == '\t') {
			found = true;
			continue;
		}
		memcpy(outb + olen, p, nl);
		olen += nl;
	}
	if (!found) {
		snprintf(err, errsz, "%s: no token called \"%s\"", path, name);
		rc = -ENOENT;
		goto out;
	}
	rc = write_atomic(path, outb, olen, "", 0, err, errsz);
out:
	free(outb);
	free(buf);
	close(fd);
	return (rc);
}
