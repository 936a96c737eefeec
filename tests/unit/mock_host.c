/* mock_host.c — a recording placed_host_api for plugin unit tests. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "mock_host.h"

static void
m_log(placed_host_t *h, enum placed_log_level l, const char *fmt, ...)
{
	static const char *names[] = { "error", "warning", "info", "debug" };
	struct mock_host *m = (struct mock_host *)h;
	size_t room = sizeof(m->log) - m->loglen;
	va_list ap;
	int n;

	if (room < 2)
		return;
	n = snprintf(m->log + m->loglen, room, "%s: ",
	    names[(unsigned)l <= PLACED_LOG_DEBUG ? (unsigned)l : 2]);
	if (n < 0 || (size_t)n >= room)
		return;
	m->loglen += (size_t)n;
	room -= (size_t)n;
	va_start(ap, fmt);
	n = vsnprintf(m->log + m->loglen, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= room - 1) {
		m->loglen = sizeof(m->log) - 1;
		return;
	}
	m->loglen += (size_t)n;
	m->log[m->loglen++] = '\n';
	m->log[m->loglen] = '\0';
}

static void *
m_alloc(size_t n)
{
	return (malloc(n ? n : 1));
}

static void
m_free(void *p)
{
	free(p);
}

static const char *
m_config(placed_host_t *h, const char *key)
{
	struct mock_host *m = (struct mock_host *)h;

	for (int i = 0; i < m->nconfig; i++)
		if (strcmp(m->config[i][0], key) == 0)
			return (m->config[i][1]);
	return (NULL);
}

#define REGISTER(fn, type, arr, n) \
static int \
fn(placed_host_t *h, const type *x) \
{ \
	struct mock_host *m = (struct mock_host *)h; \
 \
	if (m->fail_register || !m->in_init || x == NULL || \
	    m->n == MOCK_MAX) \
		return (-1); \
	m->arr[m->n++] = *x; \
	return (0); \
}

REGISTER(m_register_scheme, struct placed_scheme, schemes, nschemes)
REGISTER(m_register_classifier, struct placed_classifier, classifiers,
    nclassifiers)
REGISTER(m_register_importer, struct placed_importer, importers, nimporters)
REGISTER(m_register_function, struct placed_function, functions, nfunctions)

static void *
m_regex_compile(placed_host_t *h, const char *pattern, char *err,
    size_t errsz)
{
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE off;
	pcre2_code *re;
	int ecode;

	re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
	    PCRE2_UTF, &ecode, &off, NULL);
	if (re == NULL) {
		pcre2_get_error_message(ecode, msg, sizeof(msg));
		snprintf(err, errsz, "/%s/ at offset %zu: %s", pattern,
		    (size_t)off, (char *)msg);
	}
	return (re);
}

static int
m_regex_match(void *re, const char *s, size_t n)
{
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
	int rc;

	if (md == NULL)
		return (-1);
	rc = pcre2_match(re, (PCRE2_SPTR)s, n, 0, 0, md, NULL);
	pcre2_match_data_free(md);
	return (rc >= 0 ? 1 : rc == PCRE2_ERROR_NOMATCH ? 0 : -1);
}

static void
m_regex_free(void *re)
{
	pcre2_code_free(re);
}

static void
m_skip(void *sink, uint64_t line, const char *why)
{
	struct mock_sink *k = sink;

	if (k && k->skip)
		k->skip(k->arg, line, why);
}

static int
m_emit(void *sink, const struct placed_record *r)
{
	struct mock_sink *k = sink;

	return (k && k->record ? k->record(k->arg, r) : -1);
}

void
mock_host_init(struct mock_host *m)
{
	memset(m, 0, sizeof(*m));
	m->api = (struct placed_host_api){
		.size = sizeof(struct placed_host_api),
		.abi_major = PLACED_ABI_MAJOR,
		.abi_minor = PLACED_ABI_MINOR,
		.log = m_log,
		.alloc = m_alloc,
		.free = m_free,
		.config = m_config,
		.register_scheme = m_register_scheme,
		.register_classifier = m_register_classifier,
		.register_importer = m_register_importer,
		.register_function = m_register_function,
		.regex_compile = m_regex_compile,
		.regex_match = m_regex_match,
		.regex_free = m_regex_free,
		.skip = m_skip,
	};
}

int
mock_host_set_config(struct mock_host *m, const char *key, const char *value)
{
	if (m->nconfig == 32)
		return (-1);
	m->config[m->nconfig][0] = key;
	m->config[m->nconfig++][1] = value;
	return (0);
}

int
mock_host_load(struct mock_host *m, const struct placed_plugin *p,
    void **state, char *err, size_t errsz)
{
	int rc;

	if (p->abi_major != PLACED_ABI_MAJOR ||
	    p->abi_minor > PLACED_ABI_MINOR) {
		snprintf(err, errsz, "plugin \"%s\": built for ABI %u.%u, this "
		    "server speaks %u.%u", p->name, (unsigned)p->abi_major,
		    (unsigned)p->abi_minor, PLACED_ABI_MAJOR, PLACED_ABI_MINOR);
		return (-1);
	}
	if (p->size != sizeof(struct placed_plugin) || p->init == NULL) {
		snprintf(err, errsz, "plugin \"%s\": bad descriptor", p->name);
		return (-1);
	}
	*state = NULL;
	m->in_init = 1;
	rc = p->init((placed_host_t *)m, &m->api, state);
	m->in_init = 0;
	if (rc != 0) {
		snprintf(err, errsz, "plugin \"%s\": init failed (%d)",
		    p->name, rc);
		return (-1);
	}
	return (0);
}

void
mock_host_unload(const struct placed_plugin *p, void *state)
{
	if (p->fini)
		p->fini(state);
}

const struct placed_classifier *
mock_host_classifier(const struct mock_host *m, const char *scheme)
{
	for (size_t i = 0; i < m->nclassifiers; i++)
		if (strcmp(m->classifiers[i].scheme, scheme) == 0)
			return (&m->classifiers[i]);
	return (NULL);
}

int
mock_classify(const struct placed_classifier *c, const char *kind,
    const char *const *fields, int nfields, struct placed_share *out,
    int max, char *err, size_t errsz)
{
	char buf[32][256];
	const char *names[32], *values[32];
	struct placed_record r = { kind, 0, names, values, 1 };

	for (int i = 0; i < nfields && i < 32; i++) {
		char *eq;

		snprintf(buf[i], sizeof(buf[i]), "%s", fields[i]);
		if ((eq = strchr(buf[i], '=')) == NULL)
			continue;
		*eq = '\0';
		names[r.nfields] = buf[i];
		values[r.nfields++] = eq + 1;
	}
	return (c->classify(c->state, &r, out, max, err, errsz));
}

const struct placed_importer *
mock_host_importer(const struct mock_host *m, const char *format)
{
	for (size_t i = 0; i < m->nimporters; i++)
		if (strcmp(m->importers[i].format, format) == 0)
			return (&m->importers[i]);
	return (NULL);
}

int
mock_import(const struct placed_importer *imp, const char *kind,
    const char *data, size_t n, size_t chunk, struct mock_sink *sink,
    char *err, size_t errsz)
{
	void *ctx;
	int rc = 0;

	if ((ctx = imp->open(imp->state, kind, err, errsz)) == NULL)
		return (-1);
	if (chunk == 0)
		chunk = n ? n : 1;
	for (size_t o = 0; o < n && rc == 0; o += chunk)
		rc = imp->feed(ctx, data + o, n - o < chunk ? n - o : chunk,
		    m_emit, sink, err, errsz);
	if (rc == 0)
		rc = imp->end(ctx, m_emit, sink, err, errsz);
	imp->close(ctx);
	return (rc);
}
