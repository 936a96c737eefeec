/*
 * conf.h — the configuration file: "name = value" lines, # comments.
 *
 * Every setting has a default (conf_defaults(), listed in placed.conf(5)
 * and etc/placed.conf); a file only changes what it names.  An unknown
 * name or a value out of range is an error "FILE:LINE: ...", so a typo
 * never passes silently.  The struct holds no pointers: copy it freely.
 *
 * "plugin.NAME.KEY = value" lines are settings for the plugin NAME; they
 * are kept as text, unchecked, and read with conf_plugin() (a plugin sees
 * them through its host table's config()).
 */
#ifndef PLACED_CONF_H
#define PLACED_CONF_H

#include <stddef.h>
#include <stdint.h>

struct conf {
	char		db[1024];	/* database directory; "placed.db" */
	char		key[1024];	/* pseudonymisation key; "placed.key" */
	/* The HTTP server (placed serve). */
	char		listen[256];	/* "ADDR:PORT", ADDR numeric IPv4 or
					   [IPv6]; "127.0.0.1:8080" */
	char		tokens[1024];	/* token file; "placed.tokens" */
	char		questions[1024];/* saved questions; "questions" beside
					   the config file, or "etc/questions" */
	char		rules[1024];	/* rules files; "rules" beside the
					   config file, or "": ./etc/rules,
					   else the installed ones
					   (etc_default_dir()) */
	char		partners[1024];	/* partner files; as rules */
	char		plugins[4096];	/* plugin dirs, ':'-separated; "" is
					   the build tree's or the installed
					   directory (see plugin.h) */
	unsigned	suppress;	/* K: person counts below K are null;
					   2..1000, 5 */
	uint64_t	max_header_bytes;	/* request line + headers; 16 KiB */
	uint64_t	max_url;	/* request target; 8 KiB */
	uint64_t	max_body;	/* request body; 1 GiB */
	uint64_t	header_timeout_ms;	/* whole header must arrive; 10 s */
	uint64_t	idle_timeout_ms;	/* keep-alive idle; 60 s */
	unsigned	max_connections;	/* open connections; 1024 */
	unsigned	max_inflight;	/* queries+loads executing, then 429; 16 */
	uint64_t	query_timeout_ms;	/* one query's run time; 30 s */
	uint64_t	max_rows;	/* rows in one answer; 1,000,000 */
	uint64_t	cache_bytes;	/* result cache; 64 MiB, 0 = none */
	char		cache_control[256];	/* "max-age=5"; "" = no header */
	uint64_t	grace_ms;	/* shutdown grace; 10 s */
	/* Plugin settings: packed "NAME.KEY\0value\0" pairs, later lines
	 * replacing earlier ones; see conf_plugin(). */
	char		plugin_kv[8192];
	size_t		plugin_kv_len;
};

/* Fill c with every default; questions is "etc/questions". */
void conf_defaults(struct conf *c);

/*
 * Read the file at path over the defaults.  When the file does not name
 * questions, it is the directory "questions" beside the file.  Returns 0,
 * or a negative errno with "FILE:LINE: message" (or "FILE: message") in
 * err.  On failure *c is undefined.
 */
int conf_read(const char *path, struct conf *c, char *err, size_t errsz);

/*
 * Set one setting from its text, with the same checks as a config line
 * (for command-line overrides such as serve --listen); a name
 * "plugin.NAME.KEY" (NAME and KEY of letters, digits, '_', '-' and, in
 * KEY, '.') sets a plugin setting.  Returns 0, -ENOENT
 * for an unknown name or -EINVAL for a bad value, with the reason (not
 * prefixed by a file or line) in err.
 */
int conf_set(struct conf *c, const char *name, const char *val, char *err,
    size_t errsz);

/*
 * The value of "plugin.PLUGIN.KEY", or NULL when it is not set.  The
 * string lives in c.
 */
const char *conf_plugin(const struct conf *c, const char *plugin,
    const char *key);

/*
 * Split a valid listen value into the address (without brackets) and the
 * port.  Returns 0, or -EINVAL when s is not "IPv4:PORT" or "[IPv6]:PORT"
 * with PORT 1..65535.
 */
int conf_listen_split(const char *s, char *addr, size_t addrsz, int *port);

#endif
