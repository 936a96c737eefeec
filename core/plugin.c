/* plugin.c — load plugins, check their ABI, keep what they register. */
#include "config.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <glob.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <jansson.h>
#include <pcre2.h>

#include "conf.h"
#include "log.h"
#include "plugin.h"

#ifndef PLUGINSDIR
#define PLUGINSDIR	"/usr/local/lib/placed/plugins"
#endif
#ifndef PLACEDCONFDIR
#define PLACEDCONFDIR	"/usr/local/etc/placed"
#endif

/* The smallest descriptor any 1.x plugin may have: ABI 1.0's. */
#define DESC_MIN_SIZE	sizeof(struct placed_plugin)

/* ---- search path ---- */

#ifdef PLACED_BUILDDIR
/* Whether dir holds a module (a .libs may hold only objects). */
static int
has_modules(const char *dir)
{
	char pat[PATH_MAX + 8];
	glob_t g;
	int n;

	if ((size_t)snprintf(pat, sizeof(pat), "%s/*.so", dir) >= sizeof(pat))
		return (0);
	n = glob(pat, 0, NULL, &g) == 0 && g.gl_pathc > 0;
	globfree(&g);
	return (n);
}

/* TOP/plugins/.libs, then TOP/plugins/SUB/.libs for each SUB that has
 * one (a module named plugins/SUB/NAME.la), in name order. */
static const char *
build_dirs(const char *top, char *dirs, size_t dsz)
{
	struct dirent **de = NULL;
	char base[PATH_MAX + 16], sub[PATH_MAX + 300];
	size_t len;
	int n;

	if (snprintf(base, sizeof(base), "%s/plugins", top) >=
	    (int)sizeof(base) ||
	    (len = (size_t)snprintf(dirs, dsz, "%s/.libs", base)) >= dsz)
		return (PLUGINSDIR);
	if ((n = scandir(base, &de, NULL, alphasort)) < 0)
		return (dirs);
	for (int i = 0; i < n; i++) {
		if (de[i]->d_name[0] != '.' && len < dsz &&
		    (size_t)snprintf(sub, sizeof(sub), "%s/%s/.libs", base,
		    de[i]->d_name) < sizeof(sub) && has_modules(sub))
			len += (size_t)snprintf(dirs + len, dsz - len, ":%s",
			    sub);
		free(de[i]);
	}
	free(de);
	if (len >= dsz &&	/* too long: the first only */
	    snprintf(dirs, dsz, "%s/.libs", base) >= (int)dsz)
		return (PLUGINSDIR);
	return (dirs);
}
#endif

const char *
plugins_default_dirs(void)
{
#ifdef PLACED_BUILDDIR
	static char dirs[4096];
	char exe[PATH_MAX], top[PATH_MAX], *slash;
	ssize_t n;

	/* The build tree's placed sees the build tree's plugins only. */
	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) > 0 &&
	    realpath(PLACED_BUILDDIR, top) != NULL) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL)
			*slash = '\0';
		if ((slash = strrchr(exe, '/')) != NULL &&
		    strcmp(slash, "/.libs") == 0)
			*slash = '\0';
		if (strcmp(exe, top) == 0)
			return (build_dirs(top, dirs, sizeof(dirs)));
	}
#endif
	return (PLUGINSDIR);
}

const char *
etc_default_dir(const char *name, char *buf, size_t bufsz)
{
	struct stat sb;

	/* ./etc/NAME, as in the source tree or a copy of its etc/. */
	if (snprintf(buf, bufsz, "etc/%s", name) < (int)bufsz &&
	    stat(buf, &sb) == 0 && S_ISDIR(sb.st_mode))
		return (buf);
#if defined(PLACED_BUILDDIR) && defined(PLACED_SRCDIR)
	/* The build tree's placed uses the tree's etc/, as its plugins. */
	if (strcmp(plugins_default_dirs(), PLUGINSDIR) != 0 &&
	    snprintf(buf, bufsz, "%s/etc/%s", PLACED_SRCDIR, name) <
	    (int)bufsz)
		return (buf);
#endif
	snprintf(buf, bufsz, "%s/%s", PLACEDCONFDIR, name);
	return (buf);
}

/* ---- small helpers ---- */

static char *
xstrdup(const char *s)
{
	return (strdup(s ? s : ""));
}

/* Grow *v (of *n elements of size sz) by one; NULL when out of memory. */
static void *
grow(void *vp, size_t n, size_t sz)
{
	void **v = vp;
	void *nv = realloc(*v, (n + 1) * sz);

	if (nv == NULL)
		return (NULL);
	*v = nv;
	return ((char *)nv + n * sz);
}

static bool
name_ok(const char *s)
{
	if (s == NULL || *s == '\0' || strlen(s) > 63)
		return (false);
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		    *s == '_' || *s == '-' || *s == '.'))
			return (false);
	return (true);
}

/* "plugin \"NAME\": " */
#define PFX	"plugin \"%s\": "

/* ---- the host table ---- */

static void
h_log(placed_host_t *h, enum placed_log_level l, const char *fmt, ...)
{
	struct plugin *p = (struct plugin *)h;
	char sub[96], msg[2048];
	va_list ap;

	if ((unsigned)l > PLACED_LOG_DEBUG)
		l = PLACED_LOG_INFO;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(sub, sizeof(sub), "plugin \"%s\"", p->name);
	log_msg((enum log_level)l, sub, "%s", msg);
}

/* Sizes are the caller's business; malloc(0) may give NULL. */
static void *
h_alloc(size_t n)
{
	return (malloc(n ? n : 1));
}

static void
h_free(void *ptr)
{
	free(ptr);
}

static const char *
h_config(placed_host_t *h, const char *key)
{
	struct plugin *p = (struct plugin *)h;

	if (key == NULL || p->owner->cf == NULL)
		return (NULL);
	return (conf_plugin(p->owner->cf, p->name, key));
}

static bool
may_register(struct plugin *p, const char *what)
{
	if (p->in_init)
		return (true);
	log_error("plugin", PFX "register_%s outside init refused", p->name,
	    what);
	return (false);
}

static const struct plugin_scheme *
find_scheme(const struct plugins *ps, const char *name)
{
	for (size_t i = 0; i < ps->nschemes; i++)
		if (strcmp(ps->schemes[i].s.name, name) == 0)
			return (&ps->schemes[i]);
	return (NULL);
}

static void
scheme_free(struct placed_scheme *s)
{
	free((void *)s->name);
	free((void *)s->title);
	free((void *)s->field);
	if (s->levels)
		for (size_t i = 0; s->levels[i]; i++)
			free((void *)s->levels[i]);
	free((void *)s->levels);
	for (size_t i = 0; i < s->ncodes && s->codes; i++) {
		free((void *)s->codes[i].code);
		free((void *)s->codes[i].parent);
		free((void *)s->codes[i].title);
	}
	free((void *)s->codes);
	memset(s, 0, sizeof(*s));
}

/* Check a scheme and copy it into d; -1 with the reason in why. */
static int
scheme_copy(struct placed_scheme *d, const struct placed_scheme *s,
    char *why, size_t whysz)
{
	struct placed_code *codes;
	const char **levels;
	size_t nl = 0;

	memset(d, 0, sizeof(*d));
	if (s->ncodes > 0 && s->codes == NULL) {
		snprintf(why, whysz, "scheme \"%s\": %zu codes but no code "
		    "list", s->name, s->ncodes);
		return (-1);
	}
	for (size_t i = 0; i < s->ncodes; i++) {
		const struct placed_code *c = &s->codes[i];
		bool parent = c->parent == NULL;

		if (c->code == NULL || *c->code == '\0') {
			snprintf(why, whysz, "scheme \"%s\": code %zu is empty",
			    s->name, i + 1);
			return (-1);
		}
		for (size_t j = 0; j < s->ncodes; j++) {
			if (j < i && strcmp(s->codes[j].code, c->code) == 0) {
				snprintf(why, whysz, "scheme \"%s\": code "
				    "\"%s\" twice", s->name, c->code);
				return (-1);
			}
			if (!parent && s->codes[j].code &&
			    strcmp(s->codes[j].code, c->parent) == 0)
				parent = true;
		}
		if (!parent) {
			snprintf(why, whysz, "scheme \"%s\": code \"%s\" has "
			    "parent \"%s\", which is not in the scheme",
			    s->name, c->code, c->parent);
			return (-1);
		}
	}
	while (s->levels && s->levels[nl])
		nl++;
	levels = calloc(nl + 1, sizeof(*levels));
	codes = calloc(s->ncodes ? s->ncodes : 1, sizeof(*codes));
	d->levels = levels;
	d->codes = codes;
	d->ncodes = s->ncodes;
	d->name = strdup(s->name);
	d->title = xstrdup(s->title);
	/* A scheme may fill no field: listed and served, not applied. */
	d->field = s->field && *s->field ? strdup(s->field) : NULL;
	d->provisional = s->provisional;
	if (!levels || !codes || !d->name || !d->title ||
	    (!d->field && s->field && *s->field))
		goto nomem;
	for (size_t i = 0; i < nl; i++)
		if ((levels[i] = strdup(s->levels[i])) == NULL)
			goto nomem;
	for (size_t i = 0; i < s->ncodes; i++) {
		codes[i].code = strdup(s->codes[i].code);
		codes[i].parent = s->codes[i].parent ?
		    strdup(s->codes[i].parent) : NULL;
		codes[i].title = xstrdup(s->codes[i].title);
		if (!codes[i].code || !codes[i].title ||
		    (s->codes[i].parent && !codes[i].parent))
			goto nomem;
	}
	return (0);
nomem:
	scheme_free(d);
	snprintf(why, whysz, "out of memory");
	return (-1);
}

static int
h_register_scheme(placed_host_t *h, const struct placed_scheme *s)
{
	struct plugin *p = (struct plugin *)h;
	struct plugins *ps = p->owner;
	struct plugin_scheme *slot;
	const struct plugin_scheme *old;
	char why[512];

	if (!may_register(p, "scheme"))
		return (-1);
	if (s == NULL || !name_ok(s->name)) {
		log_error("plugin", PFX "a scheme's name is 1 to 63 of a-z, "
		    "0-9, '_', '-', '.' (\"%s\")", p->name,
		    s && s->name ? s->name : "(null)");
		return (-1);
	}
	if ((old = find_scheme(ps, s->name)) != NULL) {
		log_error("plugin", PFX "scheme \"%s\" is already registered "
		    "by plugin \"%s\"", p->name, s->name, old->plugin->name);
		return (-1);
	}
	if ((slot = grow(&ps->schemes, ps->nschemes, sizeof(*slot))) == NULL) {
		log_error("plugin", PFX "out of memory", p->name);
		return (-1);
	}
	if (scheme_copy(&slot->s, s, why, sizeof(why)) != 0) {
		log_error("plugin", PFX "%s", p->name, why);
		return (-1);
	}
	slot->plugin = p;
	ps->nschemes++;
	return (0);
}

static int
h_register_classifier(placed_host_t *h, const struct placed_classifier *c)
{
	struct plugin *p = (struct plugin *)h;
	struct plugins *ps = p->owner;
	struct plugin_classifier *slot;

	if (!may_register(p, "classifier"))
		return (-1);
	if (c == NULL || c->classify == NULL || !name_ok(c->scheme) ||
	    c->kinds == NULL || *c->kinds == '\0') {
		log_error("plugin", PFX "a classifier needs a scheme name, "
		    "kinds and a classify function", p->name);
		return (-1);
	}
	if ((slot = grow(&ps->classifiers, ps->nclassifiers,
	    sizeof(*slot))) == NULL)
		goto nomem;
	slot->c = *c;
	slot->c.scheme = strdup(c->scheme);
	slot->c.kinds = strdup(c->kinds);
	slot->plugin = p;
	if (!slot->c.scheme || !slot->c.kinds) {
		free((void *)slot->c.scheme);
		free((void *)slot->c.kinds);
		goto nomem;
	}
	ps->nclassifiers++;
	return (0);
nomem:
	log_error("plugin", PFX "out of memory", p->name);
	return (-1);
}

static int
h_register_importer(placed_host_t *h, const struct placed_importer *i)
{
	struct plugin *p = (struct plugin *)h;
	struct plugins *ps = p->owner;
	struct plugin_importer *slot;
	const struct plugin_importer *old;

	if (!may_register(p, "importer"))
		return (-1);
	if (i == NULL || !name_ok(i->format) || i->open == NULL ||
	    i->feed == NULL || i->end == NULL || i->close == NULL) {
		log_error("plugin", PFX "an importer needs a format name and "
		    "open, feed, end and close", p->name);
		return (-1);
	}
	if (strcmp(i->format, "csv") == 0 || strcmp(i->format, "ndjson") == 0 ||
	    (old = plugins_importer(ps, i->format)) != NULL) {
		log_error("plugin", PFX "format \"%s\" is already taken",
		    p->name, i->format);
		return (-1);
	}
	if ((slot = grow(&ps->importers, ps->nimporters, sizeof(*slot))) ==
	    NULL)
		goto nomem;
	slot->i = *i;
	slot->i.format = strdup(i->format);
	slot->i.kinds = xstrdup(i->kinds && *i->kinds ? i->kinds : "any");
	slot->plugin = p;
	if (!slot->i.format || !slot->i.kinds) {
		free((void *)slot->i.format);
		free((void *)slot->i.kinds);
		goto nomem;
	}
	ps->nimporters++;
	return (0);
nomem:
	log_error("plugin", PFX "out of memory", p->name);
	return (-1);
}

static int
h_register_function(placed_host_t *h, const struct placed_function *f)
{
	struct plugin *p = (struct plugin *)h;
	struct plugins *ps = p->owner;
	struct plugin_function *slot;
	const struct plugin_function *old;

	if (!may_register(p, "function"))
		return (-1);
	if (f == NULL || !name_ok(f->name) || f->call == NULL ||
	    f->nargs < 0 || f->nargs > 16) {
		log_error("plugin", PFX "a function needs a name, 0 to 16 "
		    "arguments and a call", p->name);
		return (-1);
	}
	if ((old = plugins_function(ps, f->name)) != NULL) {
		log_error("plugin", PFX "function \"%s\" is already registered "
		    "by plugin \"%s\"", p->name, f->name, old->plugin->name);
		return (-1);
	}
	if ((slot = grow(&ps->functions, ps->nfunctions, sizeof(*slot))) ==
	    NULL)
		goto nomem;
	slot->f = *f;
	slot->plugin = p;
	if ((slot->f.name = strdup(f->name)) == NULL)
		goto nomem;
	ps->nfunctions++;
	return (0);
nomem:
	log_error("plugin", PFX "out of memory", p->name);
	return (-1);
}

static void *
h_regex_compile(placed_host_t *h, const char *pattern, char *err,
    size_t errsz)
{
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE off;
	pcre2_code *re;
	int ecode;

	if (pattern == NULL) {
		snprintf(err, errsz, "no pattern");
		return (NULL);
	}
	re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
	    PCRE2_UTF, &ecode, &off, NULL);
	if (re == NULL) {
		pcre2_get_error_message(ecode, msg, sizeof(msg));
		snprintf(err, errsz, "/%s/ at offset %zu: %s", pattern,
		    (size_t)off, (char *)msg);
		return (NULL);
	}
	(void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	return (re);
}

/* Safe from any thread: the match data is the call's own. */
static int
h_regex_match(void *re, const char *s, size_t n)
{
	pcre2_match_data *md;
	int rc;

	if (re == NULL || s == NULL)
		return (-1);
	if ((md = pcre2_match_data_create_from_pattern(re, NULL)) == NULL)
		return (-1);
	rc = pcre2_match(re, (PCRE2_SPTR)s, n, 0, 0, md, NULL);
	pcre2_match_data_free(md);
	if (rc >= 0)
		return (1);
	return (rc == PCRE2_ERROR_NOMATCH ? 0 : -1);
}

static void
h_regex_free(void *re)
{
	pcre2_code_free(re);
}

static void
h_skip(void *sink, uint64_t line, const char *why)
{
	struct plugin_sink *k = sink;

	if (k && k->skip)
		k->skip(k->arg, line, why ? why : "skipped");
}

int
plugins_emit(void *sink, const struct placed_record *r)
{
	struct plugin_sink *k = sink;

	return (k && k->record ? k->record(k->arg, r) : -1);
}

static const struct placed_host_api host_api = {
	.size = sizeof(struct placed_host_api),
	.abi_major = PLACED_ABI_MAJOR,
	.abi_minor = PLACED_ABI_MINOR,
	.log = h_log,
	.alloc = h_alloc,
	.free = h_free,
	.config = h_config,
	.register_scheme = h_register_scheme,
	.register_classifier = h_register_classifier,
	.register_importer = h_register_importer,
	.register_function = h_register_function,
	.regex_compile = h_regex_compile,
	.regex_match = h_regex_match,
	.regex_free = h_regex_free,
	.skip = h_skip,
};

/* ---- loading ---- */

static void
plugin_free(struct plugin *p)
{
	if (p == NULL)
		return;
	free(p->name);
	free(p->version);
	free(p->description);
	free(p->file);
	free(p);
}

/* Drop every registration past the given counts (a failed init's). */
static void
truncate_to(struct plugins *ps, size_t ns, size_t nc, size_t ni, size_t nf)
{
	while (ps->nschemes > ns)
		scheme_free(&ps->schemes[--ps->nschemes].s);
	while (ps->nclassifiers > nc) {
		struct plugin_classifier *c = &ps->classifiers[--ps->nclassifiers];

		free((void *)c->c.scheme);
		free((void *)c->c.kinds);
	}
	while (ps->nimporters > ni) {
		struct plugin_importer *i = &ps->importers[--ps->nimporters];

		free((void *)i->i.format);
		free((void *)i->i.kinds);
	}
	while (ps->nfunctions > nf)
		free((void *)ps->functions[--ps->nfunctions].f.name);
}

static int
add_failure(struct plugins *ps, const char *file, const char *reason)
{
	struct plugin_failure *f = grow(&ps->failed, ps->nfailed, sizeof(*f));

	log_error("plugin", "%s (%s)", reason, file);
	if (f == NULL)
		return (-ENOMEM);
	f->file = strdup(file);
	f->reason = strdup(reason);
	if (!f->file || !f->reason) {
		free(f->file);
		free(f->reason);
		return (-ENOMEM);
	}
	ps->nfailed++;
	return (0);
}

/* "dir/abi-major.so" → "abi-major": the name used until the descriptor
 * has been found good. */
static void
file_stem(const char *path, char *out, size_t outsz)
{
	const char *b = strrchr(path, '/');
	size_t n;

	b = b ? b + 1 : path;
	n = strlen(b);
	if (n > 3 && strcmp(b + n - 3, ".so") == 0)
		n -= 3;
	if (n >= outsz)
		n = outsz - 1;
	memcpy(out, b, n);
	out[n] = '\0';
}

/*
 * Load one file.  Returns 0 (loaded or refused: see ps->failed) or
 * -ENOMEM.
 */
static int
load_one(struct plugins *ps, const char *path)
{
	const struct placed_plugin *d;
	struct plugin *p = NULL, **slot;
	size_t ns = ps->nschemes, nc = ps->nclassifiers, ni = ps->nimporters,
	    nf = ps->nfunctions;
	char stem[256], why[1024];
	const char *e;
	void *dl;
	int rc;

	file_stem(path, stem, sizeof(stem));
	if ((dl = dlopen(path, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		e = dlerror();
		snprintf(why, sizeof(why), PFX "cannot load: %s", stem,
		    e ? e : "dlopen failed");
		return (add_failure(ps, path, why));
	}
	(void)dlerror();
	if ((d = dlsym(dl, PLACED_PLUGIN_SYMBOL)) == NULL) {
		snprintf(why, sizeof(why), PFX "no symbol %s: not a placed "
		    "plugin", stem, PLACED_PLUGIN_SYMBOL);
		goto refuse;
	}
	/* The ABI and the size, before anything else. */
	if (d->abi_major != PLACED_ABI_MAJOR || d->abi_minor > PLACED_ABI_MINOR) {
		snprintf(why, sizeof(why), PFX "built for ABI %u.%u, this "
		    "server speaks %u.%u", stem, (unsigned)d->abi_major,
		    (unsigned)d->abi_minor, PLACED_ABI_MAJOR, PLACED_ABI_MINOR);
		goto refuse;
	}
	if (d->size < DESC_MIN_SIZE || d->size > sizeof(struct placed_plugin)) {
		snprintf(why, sizeof(why), PFX "descriptor of %u bytes, ABI "
		    "%u.%u's is %zu", stem, (unsigned)d->size,
		    (unsigned)d->abi_major, (unsigned)d->abi_minor,
		    sizeof(struct placed_plugin));
		goto refuse;
	}
	if (!name_ok(d->name)) {
		snprintf(why, sizeof(why), PFX "the descriptor's name is not "
		    "1 to 63 of a-z, 0-9, '_', '-', '.'", stem);
		goto refuse;
	}
	for (size_t i = 0; i < ps->n; i++)
		if (strcmp(ps->v[i]->name, d->name) == 0) {
			snprintf(why, sizeof(why), PFX "already loaded from %s",
			    d->name, ps->v[i]->file);
			goto refuse;
		}
	if (d->init == NULL) {
		snprintf(why, sizeof(why), PFX "no init function", d->name);
		goto refuse;
	}
	if ((p = calloc(1, sizeof(*p))) == NULL)
		goto nomem;
	p->name = strdup(d->name);
	p->version = xstrdup(d->version);
	p->description = xstrdup(d->description);
	p->file = strdup(path);
	if (!p->name || !p->version || !p->description || !p->file)
		goto nomem;
	p->abi_major = d->abi_major;
	p->abi_minor = d->abi_minor;
	p->dl = dl;
	p->desc = d;
	p->owner = ps;
	if ((slot = grow(&ps->v, ps->n, sizeof(*slot))) == NULL)
		goto nomem;
	p->in_init = 1;
	rc = d->init((placed_host_t *)p, &host_api, &p->state);
	p->in_init = 0;
	if (rc != 0) {
		/* Its init undid its own work; we undo its registrations. */
		truncate_to(ps, ns, nc, ni, nf);
		snprintf(why, sizeof(why), PFX "init failed (%d); nothing it "
		    "registered is kept", d->name, rc);
		plugin_free(p);
		p = NULL;
		goto refuse;
	}
	*slot = p;
	ps->n++;
	log_debug("plugin", PFX "%s loaded from %s", p->name, p->version,
	    path);
	return (0);
refuse:
	dlclose(dl);
	return (add_failure(ps, path, why));
nomem:
	truncate_to(ps, ns, nc, ni, nf);
	plugin_free(p);
	dlclose(dl);
	return (-ENOMEM);
}

static int
by_name(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

/* Load every *.so in dir, in name order; a missing dir is skipped. */
static int
load_dir(struct plugins *ps, const char *dir)
{
	struct dirent *de;
	char **names = NULL, path[PATH_MAX];
	size_t n = 0;
	DIR *d;
	int rc = 0;

	if ((d = opendir(dir)) == NULL) {
		log_debug("plugin", "%s: %s (skipped)", dir, strerror(errno));
		return (0);
	}
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		char **slot;

		if (len < 4 || strcmp(de->d_name + len - 3, ".so") != 0 ||
		    de->d_name[0] == '.')
			continue;
		if ((slot = grow(&names, n, sizeof(*slot))) == NULL ||
		    (*slot = strdup(de->d_name)) == NULL) {
			rc = -ENOMEM;
			break;
		}
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (snprintf(path, sizeof(path), "%s/%s", dir, names[i]) >=
		    (int)sizeof(path))
			continue;
		rc = load_one(ps, path);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return (rc);
}

int
plugins_load(const char *dirs, const struct conf *cf,
    struct plugins **out, char *err, size_t errsz)
{
	struct plugins *ps;
	char *copy, *dir, *save = NULL;
	int rc = 0;

	*out = NULL;
	if (dirs == NULL || *dirs == '\0')
		dirs = plugins_default_dirs();
	if ((ps = calloc(1, sizeof(*ps))) == NULL ||
	    (ps->cf = malloc(sizeof(*ps->cf))) == NULL ||
	    (ps->dirs = strdup(dirs)) == NULL ||
	    (copy = strdup(dirs)) == NULL) {
		plugins_free(ps);
		snprintf(err, errsz, "plugins: out of memory");
		return (-ENOMEM);
	}
	if (cf)
		*ps->cf = *cf;
	else
		conf_defaults(ps->cf);
	for (dir = strtok_r(copy, ":", &save); dir && rc == 0;
	    dir = strtok_r(NULL, ":", &save))
		rc = load_dir(ps, dir);
	free(copy);
	if (rc != 0) {
		plugins_free(ps);
		snprintf(err, errsz, "plugins: out of memory");
		return (rc);
	}
	*out = ps;
	return (0);
}

void
plugins_free(struct plugins *ps)
{
	if (ps == NULL)
		return;
	truncate_to(ps, 0, 0, 0, 0);
	for (size_t i = ps->n; i-- > 0;) {
		struct plugin *p = ps->v[i];

		if (p->desc->fini)
			p->desc->fini(p->state);
		dlclose(p->dl);
		plugin_free(p);
	}
	for (size_t i = 0; i < ps->nfailed; i++) {
		free(ps->failed[i].file);
		free(ps->failed[i].reason);
	}
	free(ps->v);
	free(ps->schemes);
	free(ps->classifiers);
	free(ps->importers);
	free(ps->functions);
	free(ps->failed);
	free(ps->dirs);
	free(ps->cf);
	free(ps);
}

/* ---- lookups and calls ---- */

const struct plugin_scheme *
plugins_scheme(const struct plugins *ps, const char *name)
{
	return (ps && name ? find_scheme(ps, name) : NULL);
}

bool
plugins_kind_in(const char *list, const char *kind)
{
	size_t n = strlen(kind);

	for (const char *p = list; *p;) {
		const char *c = strchr(p, ',');
		size_t len = c ? (size_t)(c - p) : strlen(p);

		while (len && *p == ' ')
			p++, len--;
		while (len && p[len - 1] == ' ')
			len--;
		if ((len == n && strncmp(p, kind, n) == 0) ||
		    (len == 3 && strncmp(p, "any", 3) == 0))
			return (true);
		if (c == NULL)
			break;
		p = c + 1;
	}
	return (false);
}

size_t
plugins_classifiers(const struct plugins *ps, const char *kind,
    const struct plugin_classifier **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; ps && i < ps->nclassifiers; i++)
		if (plugins_kind_in(ps->classifiers[i].c.kinds, kind)) {
			if (n < max)
				out[n] = &ps->classifiers[i];
			n++;
		}
	return (n);
}

const struct plugin_importer *
plugins_importer(const struct plugins *ps, const char *format)
{
	for (size_t i = 0; ps && format && i < ps->nimporters; i++)
		if (strcmp(ps->importers[i].i.format, format) == 0)
			return (&ps->importers[i]);
	return (NULL);
}

const struct plugin_function *
plugins_function(const struct plugins *ps, const char *name)
{
	for (size_t i = 0; ps && name && i < ps->nfunctions; i++)
		if (strcmp(ps->functions[i].f.name, name) == 0)
			return (&ps->functions[i]);
	return (NULL);
}

static bool
scheme_has(const struct plugin_scheme *s, const char *code)
{
	for (size_t i = 0; i < s->s.ncodes; i++)
		if (strcmp(s->s.codes[i].code, code) == 0)
			return (true);
	return (false);
}

int
plugins_classify(const struct plugin_classifier *c,
    const struct placed_record *r, struct placed_share *out, int max,
    char *err, size_t errsz)
{
	const char *name = c->plugin->name;
	const struct plugin_scheme *s = find_scheme(c->plugin->owner,
	    c->c.scheme);
	char why[1024];
	uint64_t sum = 0;
	int n;

	why[0] = '\0';
	n = c->c.classify(c->c.state, r, out, max, why, sizeof(why));
	if (n < 0) {
		why[sizeof(why) - 1] = '\0';
		snprintf(err, errsz, PFX "%s", name, why[0] ? why :
		    "classifier failed");
		return (-1);
	}
	if (n > max) {
		snprintf(err, errsz, PFX "classifier for %s gave %d shares, "
		    "room for %d", name, c->c.scheme, n, max);
		return (-1);
	}
	for (int i = 0; i < n; i++) {
		if (out[i].code == NULL || *out[i].code == '\0') {
			snprintf(err, errsz, PFX "classifier for %s gave an "
			    "empty code", name, c->c.scheme);
			return (-1);
		}
		if (s && !scheme_has(s, out[i].code)) {
			snprintf(err, errsz, PFX "classifier for %s gave "
			    "\"%s\", not a code of the scheme", name,
			    c->c.scheme, out[i].code);
			return (-1);
		}
		sum += out[i].bp;
	}
	if (n > 0 && sum != 10000) {
		snprintf(err, errsz, PFX "classifier for %s gave shares "
		    "summing to %llu basis points, not 10000", name,
		    c->c.scheme, (unsigned long long)sum);
		return (-1);
	}
	return (n);
}

int
plugins_call(const struct plugin_function *f, const char *const *args,
    char *out, size_t outsz, char *err, size_t errsz)
{
	if (outsz == 0)
		return (-1);
	out[0] = '\0';
	if (f->f.call(f->f.state, args, out, outsz) != 0) {
		out[outsz - 1] = '\0';
		snprintf(err, errsz, PFX "%s(): %s", f->plugin->name,
		    f->f.name, out[0] ? out : "failed");
		out[0] = '\0';
		return (-1);
	}
	out[outsz - 1] = '\0';
	return (0);
}

/* ---- JSON ---- */

static json_t *
plugin_json(const struct plugins *ps, const struct plugin *p)
{
	json_t *o, *sc, *cl, *im, *fn;
	char abi[32];

	snprintf(abi, sizeof(abi), "%u.%u", p->abi_major, p->abi_minor);
	sc = json_array();
	cl = json_array();
	im = json_array();
	fn = json_array();
	o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:o,s:o}", "name",
	    p->name, "version", p->version, "description", p->description,
	    "abi", abi, "file", p->file, "schemes", sc, "classifiers", cl,
	    "importers", im, "functions", fn);
	if (o == NULL)
		return (NULL);
	for (size_t i = 0; i < ps->nschemes; i++)
		if (ps->schemes[i].plugin == p)
			json_array_append_new(sc, json_pack(
			    "{s:s,s:s,s:s?,s:I,s:b}", "name",
			    ps->schemes[i].s.name, "title",
			    ps->schemes[i].s.title, "field",
			    ps->schemes[i].s.field, "codes",
			    (json_int_t)ps->schemes[i].s.ncodes,
			    "provisional", ps->schemes[i].s.provisional));
	for (size_t i = 0; i < ps->nclassifiers; i++)
		if (ps->classifiers[i].plugin == p)
			json_array_append_new(cl, json_pack("{s:s,s:s}",
			    "scheme", ps->classifiers[i].c.scheme, "kinds",
			    ps->classifiers[i].c.kinds));
	for (size_t i = 0; i < ps->nimporters; i++)
		if (ps->importers[i].plugin == p)
			json_array_append_new(im, json_pack("{s:s,s:s}",
			    "format", ps->importers[i].i.format, "kinds",
			    ps->importers[i].i.kinds));
	for (size_t i = 0; i < ps->nfunctions; i++)
		if (ps->functions[i].plugin == p)
			json_array_append_new(fn, json_pack("{s:s,s:i}",
			    "name", ps->functions[i].f.name, "nargs",
			    ps->functions[i].f.nargs));
	return (o);
}

char *
plugins_json(const struct plugins *ps)
{
	json_t *o, *pl, *fl, *dirs;
	char *copy, *d, *save = NULL, *s;

	pl = json_array();
	fl = json_array();
	dirs = json_array();
	if ((o = json_pack("{s:o,s:o,s:o}", "plugins", pl, "failed", fl,
	    "plugin_dirs", dirs)) == NULL)
		return (NULL);
	for (size_t i = 0; ps && i < ps->n; i++)
		json_array_append_new(pl, plugin_json(ps, ps->v[i]));
	for (size_t i = 0; ps && i < ps->nfailed; i++)
		json_array_append_new(fl, json_pack("{s:s,s:s}", "file",
		    ps->failed[i].file, "reason", ps->failed[i].reason));
	if (ps && (copy = strdup(ps->dirs)) != NULL) {
		for (d = strtok_r(copy, ":", &save); d;
		    d = strtok_r(NULL, ":", &save))
			json_array_append_new(dirs, json_string(d));
		free(copy);
	}
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return (s);
}

int
plugins_known_code(void *arg, const char *scheme, const char *code)
{
	const struct plugin_scheme *ps = plugins_scheme(arg, scheme);

	if (ps == NULL)
		return (-1);
	for (size_t i = 0; i < ps->s.ncodes; i++)
		if (strcmp(ps->s.codes[i].code, code) == 0)
			return (1);
	return (0);
}
