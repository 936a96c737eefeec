/*
 * cipfa.c — the cipfa plugin: prevention schemes held as data
 * (etc/prevention/NAME.scheme), every one registered, the active one
 * filling the "prevention" field and validating explicit values in
 * records.  Rules files naming the active scheme, applied by the host's
 * rules engine, classify records without a value.
 *
 * Settings ([plugin cipfa]): dir, the directory of *.scheme files
 * (default PREVENTIONDIR, else ./etc/prevention); scheme, the active one
 * (default wales).
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "scheme.h"

#ifndef PREVENTIONDIR
#define PREVENTIONDIR	"/etc/placed/prevention"
#endif
#define CIPFA_FALLBACK_DIR	"etc/prevention"
#define CIPFA_DEFAULT	"wales"
#define CIPFA_FIELD	"prevention"

struct cipfa {
	struct prev_scheme **v;
	size_t		n;
	const struct prev_scheme *active;
	struct placed_classifier classifier;
};

static int
is_dir(const char *path)
{
	struct stat st;

	return (stat(path, &st) == 0 && S_ISDIR(st.st_mode));
}

/* "primary, secondary, tertiary, acute" into buf. */
static void
level_list(const struct prev_scheme *s, char *buf, size_t sz)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < s->nlevels && o < sz; i++) {
		int w = snprintf(buf + o, sz - o, "%s%s", i ? ", " : "",
		    s->levels[i].code);

		if (w < 0)
			break;
		o += (size_t)w;
	}
}

/* An explicit prevention value: its level at 100%, nothing when empty, a
 * reject when the active scheme has no such level. */
static int
classify(void *state, const struct placed_record *r,
    struct placed_share *out, int max, char *err, size_t errsz)
{
	const struct cipfa *st = state;

	for (int i = 0; i < r->nfields; i++) {
		const char *v = r->values[i];
		const struct prev_level *l;
		size_t n;

		if (strcasecmp(r->names[i], CIPFA_FIELD) != 0 || v == NULL)
			continue;
		while (isspace((unsigned char)*v))
			v++;
		n = strlen(v);
		while (n > 0 && isspace((unsigned char)v[n - 1]))
			n--;
		if (n == 0)
			return (0);
		if ((l = prev_level_find(st->active, v, n)) == NULL) {
			char levels[512];

			level_list(st->active, levels, sizeof(levels));
			snprintf(err, errsz, "unknown prevention level "
			    "\"%.*s\" in scheme %s (%s)", (int)n, v,
			    st->active->name, levels);
			return (-1);
		}
		if (max < 1)
			return (0);
		out[0].code = l->code;
		out[0].bp = 10000;
		return (1);
	}
	return (0);
}

static void
cipfa_free(struct cipfa *st)
{
	if (st == NULL)
		return;
	prev_schemes_free(st->v, st->n);
	free(st);
}

/* The schemes' names, "cipfa2025, scotland, wales", into buf. */
static void
scheme_list(const struct cipfa *st, char *buf, size_t sz)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < st->n && o < sz; i++) {
		int w = snprintf(buf + o, sz - o, "%s%s", i ? ", " : "",
		    st->v[i]->name);

		if (w < 0)
			break;
		o += (size_t)w;
	}
}

static int
cipfa_init(placed_host_t *h, const struct placed_host_api *api,
    void **state)
{
	const char *dir = NULL, *want = NULL;
	struct cipfa *st;
	char err[1024];

	*state = NULL;
	if (api->abi_major != PLACED_ABI_MAJOR ||
	    api->size < sizeof(struct placed_host_api))
		return (-1);
	if (api->config != NULL) {
		dir = api->config(h, "dir");
		want = api->config(h, "scheme");
	}
	if (dir == NULL || dir[0] == '\0')
		dir = is_dir(PREVENTIONDIR) ? PREVENTIONDIR :
#ifdef PREVENTION_SRCDIR
		    /* Built in a tree and not installed: the tree's data. */
		    is_dir(PREVENTION_SRCDIR) ? PREVENTION_SRCDIR :
#endif
		    CIPFA_FALLBACK_DIR;
	if (want == NULL || want[0] == '\0')
		want = CIPFA_DEFAULT;
	if ((st = calloc(1, sizeof(*st))) == NULL) {
		api->log(h, PLACED_LOG_ERROR, "out of memory");
		return (-1);
	}
	if (prev_schemes_load_dir(dir, &st->v, &st->n, err,
	    sizeof(err)) != 0) {
		api->log(h, PLACED_LOG_ERROR, "%s", err);
		cipfa_free(st);
		return (-1);
	}
	for (size_t i = 0; i < st->n; i++)
		if (strcmp(st->v[i]->name, want) == 0)
			st->active = st->v[i];
	if (st->active == NULL) {
		scheme_list(st, err, sizeof(err));
		api->log(h, PLACED_LOG_ERROR, "unknown prevention scheme \"%s\" "
		    "(schemes in %s: %s)", want, dir, err);
		cipfa_free(st);
		return (-1);
	}
	for (size_t i = 0; i < st->n; i++) {
		const struct prev_scheme *s = st->v[i];
		struct placed_scheme ps = {
			.name = s->name,
			.title = s->title,
			.field = s == st->active ? CIPFA_FIELD : NULL,
			.levels = s->codes,
			.codes = s->pcodes,
			.ncodes = s->nlevels,
			.provisional = s->provisional,
		};

		if (api->register_scheme(h, &ps) != 0) {
			cipfa_free(st);
			return (-1);
		}
	}
	st->classifier.scheme = st->active->name;
	st->classifier.kinds = "spend,activity,service";
	st->classifier.classify = classify;
	st->classifier.state = st;
	if (api->register_classifier(h, &st->classifier) != 0) {
		cipfa_free(st);
		return (-1);
	}
	scheme_list(st, err, sizeof(err));
	api->log(h, PLACED_LOG_DEBUG, "schemes %s from %s; active: %s", err,
	    dir, st->active->name);
	if (st->active->provisional)
		api->log(h, PLACED_LOG_WARN, "the active scheme %s is "
		    "provisional: not yet checked against its source",
		    st->active->name);
	*state = st;
	return (0);
}

static void
cipfa_fini(void *state)
{
	cipfa_free(state);
}

PLACED_PLUGIN = {
	PLACED_ABI_MAJOR, PLACED_ABI_MINOR, sizeof(struct placed_plugin),
	"cipfa", "1.0",
	"Prevention levels as data: Wales, Scotland, CIPFA 2025 (provisional)",
	cipfa_init, cipfa_fini
};
