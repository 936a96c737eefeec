/* conf.c — read placed.conf: defaults, then "name = value" lines. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

enum conf_type {
	CT_PATH,	/* non-empty text */
	CT_TEXT,	/* any text, may be empty (plugins) */
	CT_HEADER,	/* printable ASCII, may be empty: an HTTP header value */
	CT_LISTEN,	/* ADDR:PORT */
	CT_COUNT,	/* plain decimal */
	CT_SIZE,	/* bytes, suffix k, m or g (powers of 1024) */
	CT_DURATION	/* ms, s or m; held in milliseconds */
};

#define KIB	UINT64_C(1024)
#define MIB	(1024 * KIB)
#define GIB	(1024 * MIB)
#define SEC	UINT64_C(1000)
#define MIN	(60 * SEC)

#define STR(f)	offsetof(struct conf, f), sizeof(((struct conf *)0)->f)
#define NUM(f)	offsetof(struct conf, f), sizeof(((struct conf *)0)->f)

/* Every setting, its type and its range; the defaults are in
 * conf_defaults(), the prose in contrib/man/placed.conf.5. */
static const struct setting {
	const char	*name;
	enum conf_type	type;
	size_t		off;
	size_t		size;
	uint64_t	min, max;
} settings[] = {
	{ "db",			CT_PATH,     STR(db), 0, 0 },
	{ "key",		CT_PATH,     STR(key), 0, 0 },
	{ "listen",		CT_LISTEN,   STR(listen), 0, 0 },
	{ "tokens",		CT_PATH,     STR(tokens), 0, 0 },
	{ "questions",		CT_PATH,     STR(questions), 0, 0 },
	{ "rules",		CT_PATH,     STR(rules), 0, 0 },
	{ "partners",		CT_PATH,     STR(partners), 0, 0 },
	{ "plugins",		CT_TEXT,     STR(plugins), 0, 0 },
	{ "suppress",		CT_COUNT,    NUM(suppress), 2, 1000 },
	{ "max_header_bytes",	CT_SIZE,     NUM(max_header_bytes),
	  1 * KIB, 1 * MIB },
	{ "max_url",		CT_SIZE,     NUM(max_url), 256, 1 * MIB },
	{ "max_body",		CT_SIZE,     NUM(max_body), 1 * KIB,
	  1024 * GIB },
	{ "header_timeout",	CT_DURATION, NUM(header_timeout_ms),
	  100, 60 * MIN },
	{ "idle_timeout",	CT_DURATION, NUM(idle_timeout_ms),
	  100, 24 * 60 * MIN },
	{ "max_connections",	CT_COUNT,    NUM(max_connections), 1, 1000000 },
	{ "max_inflight",	CT_COUNT,    NUM(max_inflight), 1, 4096 },
	{ "query_timeout",	CT_DURATION, NUM(query_timeout_ms),
	  100, 24 * 60 * MIN },
	{ "max_rows",		CT_COUNT,    NUM(max_rows), 1, UINT64_C(1000000000000) },
	{ "cache_bytes",	CT_SIZE,     NUM(cache_bytes), 0, 1024 * GIB },
	{ "cache_control",	CT_HEADER,   STR(cache_control), 0, 0 },
	{ "grace",		CT_DURATION, NUM(grace_ms), 0, 60 * MIN },
};

#define NSETTINGS	(sizeof(settings) / sizeof(settings[0]))

void
conf_defaults(struct conf *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->db, sizeof(c->db), "placed.db");
	snprintf(c->key, sizeof(c->key), "placed.key");
	snprintf(c->listen, sizeof(c->listen), "127.0.0.1:8080");
	snprintf(c->tokens, sizeof(c->tokens), "placed.tokens");
	snprintf(c->questions, sizeof(c->questions), "etc/questions");
	c->rules[0] = '\0';	/* etc_default_dir() */
	c->partners[0] = '\0';
	c->plugins[0] = '\0';
	c->suppress = 5;
	c->max_header_bytes = 16 * KIB;
	c->max_url = 8 * KIB;
	c->max_body = 1 * GIB;
	c->header_timeout_ms = 10 * SEC;
	c->idle_timeout_ms = 60 * SEC;
	c->max_connections = 1024;
	c->max_inflight = 16;
	c->query_timeout_ms = 30 * SEC;
	c->max_rows = 1000000;
	c->cache_bytes = 64 * MIB;
	snprintf(c->cache_control, sizeof(c->cache_control), "max-age=5");
	c->grace_ms = 10 * SEC;
}

int
conf_listen_split(const char *s, char *addr, size_t addrsz, int *port)
{
	const char *colon, *a = s;
	unsigned char bin[16];
	size_t alen;
	char *end, tmp[64];
	long p;

	if (s[0] == '[') {
		const char *rb = strchr(s, ']');

		if (rb == NULL || rb[1] != ':')
			return (-EINVAL);
		a = s + 1;
		alen = (size_t)(rb - a);
		colon = rb + 1;
	} else {
		if ((colon = strrchr(s, ':')) == NULL)
			return (-EINVAL);
		alen = (size_t)(colon - s);
	}
	if (alen == 0 || alen >= sizeof(tmp))
		return (-EINVAL);
	memcpy(tmp, a, alen);
	tmp[alen] = '\0';
	if (inet_pton(s[0] == '[' ? AF_INET6 : AF_INET, tmp, bin) != 1)
		return (-EINVAL);
	if (colon[1] < '0' || colon[1] > '9')
		return (-EINVAL);
	errno = 0;
	p = strtol(colon + 1, &end, 10);
	if (errno != 0 || *end != '\0' || p < 1 || p > 65535)
		return (-EINVAL);
	if (addr) {
		if (alen >= addrsz)
			return (-EINVAL);
		memcpy(addr, tmp, alen + 1);
	}
	if (port)
		*port = (int)p;
	return (0);
}

/* number = digit { digit } ; no sign, no blanks, no separators. */
static int
parse_digits(const char **sp, uint64_t *v)
{
	const char *s = *sp;
	uint64_t n = 0;

	if (*s < '0' || *s > '9')
		return (-1);
	for (; *s >= '0' && *s <= '9'; s++) {
		if (n > (UINT64_MAX - 9) / 10)
			return (-1);
		n = n * 10 + (uint64_t)(*s - '0');
	}
	*sp = s;
	*v = n;
	return (0);
}

/* size = number [ "k" | "m" | "g" ] ; case does not matter. */
static int
parse_size(const char *s, uint64_t *v)
{
	uint64_t n, mul = 1;

	if (parse_digits(&s, &n) != 0)
		return (-1);
	switch (*s) {
	case '\0': break;
	case 'k': case 'K': mul = KIB; s++; break;
	case 'm': case 'M': mul = MIB; s++; break;
	case 'g': case 'G': mul = GIB; s++; break;
	default: return (-1);
	}
	if (*s != '\0' || (n != 0 && n > UINT64_MAX / mul))
		return (-1);
	*v = n * mul;
	return (0);
}

/* duration = number ( "ms" | "s" | "m" ) */
static int
parse_duration(const char *s, uint64_t *v)
{
	uint64_t n, mul;

	if (parse_digits(&s, &n) != 0)
		return (-1);
	if (strcmp(s, "ms") == 0)
		mul = 1;
	else if (strcmp(s, "s") == 0)
		mul = SEC;
	else if (strcmp(s, "m") == 0)
		mul = MIN;
	else
		return (-1);
	if (n != 0 && n > UINT64_MAX / mul)
		return (-1);
	*v = n * mul;
	return (0);
}

/* A size or duration as it would be written: the largest exact unit. */
static const char *
fmt_unit(enum conf_type t, uint64_t v, char buf[32])
{
	if (t == CT_SIZE) {
		if (v != 0 && v % GIB == 0)
			snprintf(buf, 32, "%" PRIu64 "g", v / GIB);
		else if (v != 0 && v % MIB == 0)
			snprintf(buf, 32, "%" PRIu64 "m", v / MIB);
		else if (v != 0 && v % KIB == 0)
			snprintf(buf, 32, "%" PRIu64 "k", v / KIB);
		else
			snprintf(buf, 32, "%" PRIu64, v);
	} else if (t == CT_DURATION) {
		if (v != 0 && v % MIN == 0)
			snprintf(buf, 32, "%" PRIu64 "m", v / MIN);
		else if (v != 0 && v % SEC == 0)
			snprintf(buf, 32, "%" PRIu64 "s", v / SEC);
		else
			snprintf(buf, 32, "%" PRIu64 "ms", v);
	} else
		snprintf(buf, 32, "%" PRIu64, v);
	return (buf);
}

static int
set_text(const struct setting *s, struct conf *c, const char *val,
    char *err, size_t errsz)
{
	size_t n = strlen(val);

	if (s->type == CT_PATH && n == 0) {
		snprintf(err, errsz, "%s: needs a value", s->name);
		return (-EINVAL);
	}
	if (n >= s->size) {
		snprintf(err, errsz, "%s: value longer than %zu bytes",
		    s->name, s->size - 1);
		return (-EINVAL);
	}
	if (s->type == CT_LISTEN &&
	    conf_listen_split(val, NULL, 0, NULL) != 0) {
		snprintf(err, errsz, "%s: \"%s\" is not ADDR:PORT (a numeric "
		    "IPv4 address or [IPv6] address, and a port 1 to 65535)",
		    s->name, val);
		return (-EINVAL);
	}
	if (s->type == CT_HEADER)
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)val[i] < 0x20 ||
			    (unsigned char)val[i] > 0x7e) {
				snprintf(err, errsz, "%s: only printable ASCII "
				    "may go in an HTTP header", s->name);
				return (-EINVAL);
			}
	memcpy((char *)c + s->off, val, n + 1);
	return (0);
}

/* NAME.KEY of "plugin.NAME.KEY": [A-Za-z0-9_-]+ "." [A-Za-z0-9_.-]+ */
static bool
plugin_key_ok(const char *s)
{
	const char *dot = strchr(s, '.');

	if (dot == NULL || dot == s || dot[1] == '\0')
		return (false);
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' ||
		    (*p == '.' && p >= dot)))
			return (false);
	return (true);
}

/* The entry "NAME.KEY\0value\0" for nk in c->plugin_kv, or NULL. */
static char *
plugin_find(const struct conf *c, const char *nk)
{
	const char *p = c->plugin_kv, *end = p + c->plugin_kv_len;

	while (p < end) {
		const char *v = p + strlen(p) + 1;

		if (strcmp(p, nk) == 0)
			return ((char *)(uintptr_t)p);
		p = v + strlen(v) + 1;
	}
	return (NULL);
}

static int
plugin_set(struct conf *c, const char *nk, const char *val, char *err,
    size_t errsz)
{
	size_t nn = strlen(nk) + 1, nv = strlen(val) + 1;
	char *old;

	if (!plugin_key_ok(nk)) {
		snprintf(err, errsz, "plugin.%s: a plugin setting is "
		    "plugin.NAME.KEY (letters, digits, _ and -)", nk);
		return (-EINVAL);
	}
	if ((old = plugin_find(c, nk)) != NULL) {
		size_t on = strlen(old) + 1;
		size_t olen = on + strlen(old + on) + 1;
		size_t tail = c->plugin_kv_len - (size_t)(old - c->plugin_kv) -
		    olen;

		memmove(old, old + olen, tail);
		c->plugin_kv_len -= olen;
	}
	if (nn + nv > sizeof(c->plugin_kv) - c->plugin_kv_len) {
		snprintf(err, errsz, "plugin.%s: plugin settings longer than "
		    "%zu bytes in all", nk, sizeof(c->plugin_kv));
		return (-EINVAL);
	}
	memcpy(c->plugin_kv + c->plugin_kv_len, nk, nn);
	memcpy(c->plugin_kv + c->plugin_kv_len + nn, val, nv);
	c->plugin_kv_len += nn + nv;
	return (0);
}

const char *
conf_plugin(const struct conf *c, const char *plugin, const char *key)
{
	char nk[512];
	const char *e;

	if (snprintf(nk, sizeof(nk), "%s.%s", plugin, key) >= (int)sizeof(nk))
		return (NULL);
	if ((e = plugin_find(c, nk)) == NULL)
		return (NULL);
	return (e + strlen(e) + 1);
}

int
conf_set(struct conf *c, const char *name, const char *val, char *err,
    size_t errsz)
{
	const struct setting *s = NULL;
	const char *p = val;
	char lo[32], hi[32];
	uint64_t v = 0;
	int rc;

	if (strncmp(name, "plugin.", 7) == 0)
		return (plugin_set(c, name + 7, val, err, errsz));
	for (size_t i = 0; i < NSETTINGS; i++)
		if (strcmp(settings[i].name, name) == 0)
			s = &settings[i];
	if (s == NULL) {
		snprintf(err, errsz, "unknown setting \"%s\"", name);
		return (-ENOENT);
	}
	switch (s->type) {
	case CT_PATH: case CT_TEXT: case CT_HEADER: case CT_LISTEN:
		return (set_text(s, c, val, err, errsz));
	case CT_COUNT:
		rc = parse_digits(&p, &v) == 0 && *p == '\0' ? 0 : -1;
		if (rc != 0) {
			snprintf(err, errsz, "%s: \"%s\" is not a whole number",
			    s->name, val);
			return (-EINVAL);
		}
		break;
	case CT_SIZE:
		if (parse_size(val, &v) != 0) {
			snprintf(err, errsz, "%s: \"%s\" is not a size (bytes, "
			    "or a number followed by k, m or g)", s->name, val);
			return (-EINVAL);
		}
		break;
	case CT_DURATION:
		if (parse_duration(val, &v) != 0) {
			snprintf(err, errsz, "%s: \"%s\" is not a duration (a "
			    "number followed by ms, s or m)", s->name, val);
			return (-EINVAL);
		}
		break;
	}
	if (v < s->min || v > s->max) {
		snprintf(err, errsz, "%s: %s is out of range (%s to %s)",
		    s->name, val, fmt_unit(s->type, s->min, lo),
		    fmt_unit(s->type, s->max, hi));
		return (-EINVAL);
	}
	if (s->size == sizeof(unsigned))
		*(unsigned *)(void *)((char *)c + s->off) = (unsigned)v;
	else
		*(uint64_t *)(void *)((char *)c + s->off) = v;
	return (0);
}

static char *
strip(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' ||
	    e[-1] == '\r'))
		*--e = '\0';
	return (s);
}

/* The directory NAME beside the config file at path. */
static int
beside(const char *path, const char *name, char *out, size_t outsz,
    char *err, size_t errsz)
{
	const char *slash = strrchr(path, '/');
	int n;

	if (slash == NULL)
		n = snprintf(out, outsz, "%s", name);
	else
		n = snprintf(out, outsz, "%.*s/%s", (int)(slash - path), path,
		    name);
	if (n < 0 || (size_t)n >= outsz) {
		snprintf(err, errsz, "%s: path too long", path);
		return (-1);
	}
	return (0);
}

int
conf_read(const char *path, struct conf *c, char *err, size_t errsz)
{
	char line[8192], why[512];
	unsigned lineno = 0;
	bool questions = false, rules = false, partners = false;
	FILE *f;
	int rc, e;

	conf_defaults(c);
	if ((f = fopen(path, "r")) == NULL) {
		e = errno;
		snprintf(err, errsz, "%s: %s", path, strerror(e));
		return (-e);
	}
	while (fgets(line, sizeof(line), f)) {
		char *s, *eq, *name, *val;

		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			snprintf(err, errsz, "%s:%u: line longer than %zu bytes",
			    path, lineno, sizeof(line) - 2);
			fclose(f);
			return (-EINVAL);
		}
		s = strip(line);
		if (*s == '\0' || *s == '#')
			continue;
		if ((eq = strchr(s, '=')) == NULL) {
			snprintf(err, errsz, "%s:%u: expected \"name = value\"",
			    path, lineno);
			fclose(f);
			return (-EINVAL);
		}
		*eq = '\0';
		name = strip(s);
		val = strip(eq + 1);
		if ((rc = conf_set(c, name, val, why, sizeof(why))) != 0) {
			snprintf(err, errsz, "%s:%u: %s", path, lineno, why);
			fclose(f);
			return (rc == -ENOENT ? -EINVAL : rc);
		}
		if (strcmp(name, "questions") == 0)
			questions = true;
		if (strcmp(name, "rules") == 0)
			rules = true;
		if (strcmp(name, "partners") == 0)
			partners = true;
	}
	if (ferror(f)) {
		e = errno;
		snprintf(err, errsz, "%s: %s", path, strerror(e));
		fclose(f);
		return (-EIO);
	}
	fclose(f);
	if ((!questions && beside(path, "questions", c->questions,
	    sizeof(c->questions), err, errsz) != 0) ||
	    (!rules && beside(path, "rules", c->rules, sizeof(c->rules), err,
	    errsz) != 0) ||
	    (!partners && beside(path, "partners", c->partners,
	    sizeof(c->partners), err, errsz) != 0))
		return (-ENAMETOOLONG);
	return (0);
}
