/*
 * placed/plugin.h — the plugin ABI of placed, the one header a plugin
 * includes.  Installed as $(includedir)/placed/plugin.h; build against it
 * with `pkg-config --cflags placed-plugin`.  A plugin never links against
 * the host: everything it may call arrives in struct placed_host_api.
 *
 * ABI changelog (append only; a minor adds at the end of a table, a major
 * changes or removes something):
 *
 *   1.0  2026-11-24  The descriptor (placed_plugin); the host table with
 *                    log, alloc/free, config, regex compile/match/free,
 *                    and registration of schemes, classifiers, importers
 *                    and PQL functions.
 *   1.1  2026-11-24  skip(): an importer says which input lines it sets
 *                    aside and why, so every line is accounted for.
 */
#ifndef PLACED_PLUGIN_H
#define PLACED_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PLACED_ABI_MAJOR	1
#define PLACED_ABI_MINOR	1

/* The exported symbol every plugin defines (see PLACED_PLUGIN below). */
#define PLACED_PLUGIN_SYMBOL	"placed_plugin"

/* The host's handle for one loaded plugin; opaque. */
typedef struct placed_host placed_host_t;

enum placed_log_level {
	PLACED_LOG_ERROR,
	PLACED_LOG_WARN,
	PLACED_LOG_INFO,
	PLACED_LOG_DEBUG
};

/* One code of a classification scheme. */
struct placed_code {
	const char	*code;		/* "07.2.1", "primary" */
	const char	*parent;	/* "07.2"; NULL at the top */
	const char	*title;
};

/*
 * A classification scheme: a code list with its hierarchy and titles.
 * The host copies what it needs at registration.
 */
struct placed_scheme {
	const char	*name;		/* "cofog", "wales" */
	const char	*title;
	const char	*field;		/* the record field it fills: "cofog",
					   "prevention" */
	const char *const *levels;	/* level names from the top, NULL-
					   ended: "division", "group", "class" */
	const struct placed_code *codes;
	size_t		ncodes;
	int		provisional;	/* not yet checked against its source */
};

/* A record as plugins see it: the kind, then field names and values
 * (NULL or "" for empty), all text. */
struct placed_record {
	const char	*kind;		/* "spend", "activity", "service", ... */
	int		nfields;
	const char *const *names;
	const char *const *values;
	uint64_t	line;		/* the source line, for messages */
};

/* A classifier's answer: codes with shares in basis points (100% =
 * 10000); the shares of one answer sum to 10000. */
struct placed_share {
	const char	*code;
	uint32_t	bp;
};

/*
 * A classifier runs at load for each record of the kinds it names.  It
 * returns the number of shares written to out (0: no class), or -1 with
 * a message in err: that record is rejected, the message prefixed with
 * the plugin's name.  The code strings must stay valid until the next
 * call.
 */
struct placed_classifier {
	const char	*scheme;	/* a registered scheme's name */
	const char	*kinds;		/* "spend,activity" */
	int		(*classify)(void *state, const struct placed_record *r,
			    struct placed_share *out, int max, char *err,
			    size_t errsz);
	void		*state;
};

/*
 * An importer reads a file format into records.  open() starts one file
 * of a kind; feed() gets its bytes in order and calls emit() for each
 * record complete so far; end() flushes the last.  emit() returns
 * non-zero to stop.  A failing call returns -1 with err set; the load
 * then fails with the plugin's name in the message.
 */
typedef int (*placed_emit_fn)(void *sink, const struct placed_record *r);

struct placed_importer {
	const char	*format;	/* --format NAME */
	const char	*kinds;		/* "spend", "any" */
	void		*(*open)(void *state, const char *kind, char *err,
			    size_t errsz);
	int		(*feed)(void *ctx, const char *buf, size_t n,
			    placed_emit_fn emit, void *sink, char *err,
			    size_t errsz);
	int		(*end)(void *ctx, placed_emit_fn emit, void *sink,
			    char *err, size_t errsz);
	void		(*close)(void *ctx);
	void		*state;
};

/* A PQL function of text arguments giving text ("" for null). */
struct placed_function {
	const char	*name;
	int		nargs;
	int		(*call)(void *state, const char *const *args,
			    char *out, size_t outsz);
	void		*state;
};

/*
 * What the host offers.  Appended to, never reordered: a plugin built for
 * minor N uses only what 1.N had, and checks size before anything newer.
 */
struct placed_host_api {
	uint32_t	size;		/* sizeof this table in the host */
	uint16_t	abi_major, abi_minor;
	void		(*log)(placed_host_t *h, enum placed_log_level l,
			    const char *fmt, ...)
			    __attribute__((format(printf, 3, 4)));
	void		*(*alloc)(size_t n);
	void		(*free)(void *p);
	/* A setting of this plugin's in the configuration (the line
	 * "plugin.NAME.KEY = value" for config(h, "KEY")), or NULL; the
	 * host owns the string, valid until fini. */
	const char	*(*config)(placed_host_t *h, const char *name);
	/* 0, or -1 with a reason logged (a duplicate name, a bad code). */
	int		(*register_scheme)(placed_host_t *h,
			    const struct placed_scheme *s);
	int		(*register_classifier)(placed_host_t *h,
			    const struct placed_classifier *c);
	int		(*register_importer)(placed_host_t *h,
			    const struct placed_importer *i);
	int		(*register_function)(placed_host_t *h,
			    const struct placed_function *f);
	/* PCRE2 (UTF, JIT when available); NULL with err on a bad pattern.
	 * Free with regex_free; a compiled pattern may be matched from
	 * several threads at once. */
	void		*(*regex_compile)(placed_host_t *h, const char *pattern,
			    char *err, size_t errsz);
	/* 1 match, 0 none, -1 error. */
	int		(*regex_match)(void *re, const char *s, size_t n);
	void		(*regex_free)(void *re);
	/* 1.1.  An importer's input line that holds no record (the header,
	 * padding, a repeated header, a total), with why: counted and
	 * reported as skipped, so accepted + rejected + skipped accounts
	 * for every line.  sink is the one feed() or end() was given.
	 * Check api->size before calling it (a 1.0 host has none). */
	void		(*skip)(void *sink, uint64_t line, const char *why);
};

/*
 * The descriptor.  abi_major, abi_minor and size come first and are all
 * the host reads before deciding whether to go on.  init() registers
 * what the plugin offers and may keep state; a failing init() returns
 * non-zero after undoing what it did (the host also drops whatever it
 * registered).  fini() releases the state.
 */
struct placed_plugin {
	uint16_t	abi_major, abi_minor;
	uint32_t	size;		/* sizeof(struct placed_plugin) */
	const char	*name;
	const char	*version;
	const char	*description;
	int		(*init)(placed_host_t *h,
			    const struct placed_host_api *api, void **state);
	void		(*fini)(void *state);
};

#if defined(__GNUC__)
#define PLACED_EXPORT	__attribute__((visibility("default")))
#else
#define PLACED_EXPORT
#endif

/* In a plugin: PLACED_PLUGIN = { PLACED_ABI_MAJOR, PLACED_ABI_MINOR,
 * sizeof(struct placed_plugin), "name", "1.0", "what it does", init,
 * fini }; */
#define PLACED_PLUGIN \
	PLACED_EXPORT const struct placed_plugin placed_plugin

#ifdef __cplusplus
}
#endif

#endif
