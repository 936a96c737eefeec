/*
 * plugin.h — the host side of the plugin ABI (placed/plugin.h): find,
 * check, load and unload plugins, and hold what they registered.
 *
 * Search path: the dirs given to plugins_load(), ':'-separated; an empty
 * string means the default, which is the build tree's plugins/.libs and
 * plugins/SUB/.libs when the running placed is the build tree's own (so
 * `./placed` sees the plugins just built and never the installed ones),
 * else the installed
 * PLUGINSDIR ($(pkglibdir)/plugins).  The config's plugins setting and
 * --plugins replace the default; they do not add to it.  A directory that
 * does not exist is skipped.  Every "*.so" in each directory is loaded,
 * in name order within a directory, directories in the order given.
 *
 * One plugin that cannot load (no descriptor, another ABI, a bad name, a
 * name already loaded, a failing init) is refused: it leaves nothing
 * registered, it is logged and listed in failed[], and the others load.
 *
 * Ownership: struct plugins owns every string below; the function
 * pointers and state of classifiers, importers and functions are the
 * plugin's, valid until plugins_free().  Registration happens only
 * during a plugin's init; afterwards the registries are read-only and
 * may be read from any thread.
 */
#ifndef PLACED_HOST_PLUGIN_H
#define PLACED_HOST_PLUGIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "placed/plugin.h"

struct conf;

struct plugin {
	char		*name, *version, *description;
	char		*file;		/* the path it was loaded from */
	unsigned	abi_major, abi_minor;	/* as the plugin declared */
	void		*dl;		/* dlopen handle */
	void		*state;		/* from its init */
	const struct placed_plugin *desc;
	struct plugins	*owner;
	int		in_init;	/* registration allowed */
};

/* A registered scheme: a deep copy, every string owned here. */
struct plugin_scheme {
	struct placed_scheme s;
	const struct plugin *plugin;
};

/* Registered callbacks; the name and kinds strings are copies. */
struct plugin_classifier {
	struct placed_classifier c;
	const struct plugin *plugin;
};

struct plugin_importer {
	struct placed_importer i;
	const struct plugin *plugin;
};

struct plugin_function {
	struct placed_function f;
	const struct plugin *plugin;
};

/* A plugin that did not load: its file, and why ("plugin \"x\": ..."). */
struct plugin_failure {
	char		*file;
	char		*reason;
};

struct plugins {
	struct plugin	**v;		/* loaded, in load order */
	size_t		n;
	struct plugin_scheme *schemes;
	size_t		nschemes;
	struct plugin_classifier *classifiers;
	size_t		nclassifiers;
	struct plugin_importer *importers;
	size_t		nimporters;
	struct plugin_function *functions;
	size_t		nfunctions;
	struct plugin_failure *failed;
	size_t		nfailed;
	char		*dirs;		/* the search path used */
	struct conf	*cf;		/* a copy of the config given */
};

/* The search path an empty dirs stands for (see above); static storage. */
const char *plugins_default_dirs(void);
/* A data directory the config does not name (NAME "rules", "partners"):
 * ./etc/NAME when it exists, else the build tree's etc/NAME for the build
 * tree's placed, else the installed $(sysconfdir)/placed/NAME; in buf. */
const char *etc_default_dir(const char *name, char *buf, size_t bufsz);

/*
 * Load every plugin in dirs (':'-separated; NULL or "" for the default)
 * with the settings in cf (copied; NULL for the defaults).  Returns 0
 * with *out set, even when some plugins were refused (see failed[]), or
 * a negative errno (-ENOMEM) with the reason in err and *out NULL.
 */
int plugins_load(const char *dirs, const struct conf *cf,
    struct plugins **out, char *err, size_t errsz);

/* Call each plugin's fini in reverse load order, dlclose, free all.
 * NULL is allowed. */
void plugins_free(struct plugins *ps);

/* Lookups; NULL (or 0) when there is none. */
const struct plugin_scheme *plugins_scheme(const struct plugins *ps,
    const char *name);
/* Up to max classifiers that take records of kind, in registration
 * order, into out; returns how many there are in all. */
size_t plugins_classifiers(const struct plugins *ps, const char *kind,
    const struct plugin_classifier **out, size_t max);
const struct plugin_importer *plugins_importer(const struct plugins *ps,
    const char *format);
/* Whether kind is in a comma-separated kinds list, or the list is "any". */
bool plugins_kind_in(const char *list, const char *kind);
const struct plugin_function *plugins_function(const struct plugins *ps,
    const char *name);

/*
 * Run a classifier on one record.  Returns the number of shares in out
 * (0: no class), or -1 with "plugin \"NAME\": ..." in err: the plugin's
 * own error, or an answer that breaks the contract (more than max
 * shares, a NULL or unknown code, shares not summing to 10000).
 */
int plugins_classify(const struct plugin_classifier *c,
    const struct placed_record *r, struct placed_share *out, int max,
    char *err, size_t errsz);

/* For rules_check: 1 when scheme (registered in the struct plugins at
 * arg) has code, 0 when it has not, -1 when no such scheme. */
int plugins_known_code(void *arg, const char *scheme, const char *code);

/*
 * What an importer's records go to: the sink handed to its feed() and
 * end(), with plugins_emit as their emit function.  record returns
 * non-zero to stop the import; skip counts a line set aside, with why.
 */
struct plugin_sink {
	int		(*record)(void *arg, const struct placed_record *r);
	void		(*skip)(void *arg, uint64_t line, const char *why);
	void		*arg;
	/* Built-in importers (profiles) only: a line rejected with why. */
	void		(*reject)(void *arg, uint64_t line, const char *why);
};
int plugins_emit(void *sink, const struct placed_record *r);

/* Call a PQL function: 0 with the text in out, or -1 with
 * "plugin \"NAME\": ..." in err. */
int plugins_call(const struct plugin_function *f, const char *const *args,
    char *out, size_t outsz, char *err, size_t errsz);

/*
 * Everything loaded, as the HTTP API's GET /v1/plugins answers it:
 * {"plugins": [{name, version, description, abi, file, schemes:
 * [{name, title, field, codes}], classifiers: [{scheme, kinds}],
 * importers: [{format, kinds}], functions: [{name, nargs}]}],
 * "failed": [{file, reason}], "plugin_dirs": [...]}.  A string the caller
 * frees, or NULL when out of memory.
 */
char *plugins_json(const struct plugins *ps);

#endif
