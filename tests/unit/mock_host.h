/*
 * mock_host.h — a mock of placed's host table for unit-testing a plugin
 * without the server: link your test with mock_host.c (and PCRE2,
 * `pkg-config --libs libpcre2-8`), hand the plugin's descriptor to
 * mock_host_load(), then look at what it registered and logged, and call
 * its classifiers with mock_classify().
 *
 * Unlike placed, the mock keeps shallow copies of what is registered: the
 * plugin's structs may be on its stack, but the strings and arrays they
 * point to must outlive the test (static data does).  Limits: 16 of each
 * kind of registration, 32 settings, 8 KiB of log.
 */
#ifndef PLACED_MOCK_HOST_H
#define PLACED_MOCK_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "placed/plugin.h"

#define MOCK_MAX	16

struct mock_host {
	struct placed_host_api api;	/* what init gets */
	const char	*config[32][2];	/* KEY, value */
	int		nconfig;
	struct placed_scheme schemes[MOCK_MAX];
	size_t		nschemes;
	struct placed_classifier classifiers[MOCK_MAX];
	size_t		nclassifiers;
	struct placed_importer importers[MOCK_MAX];
	size_t		nimporters;
	struct placed_function functions[MOCK_MAX];
	size_t		nfunctions;
	char		log[8192];	/* "error: ...\n", "info: ...\n" */
	size_t		loglen;
	int		fail_register;	/* register_* return -1 when set */
	int		in_init;
};

/* A fresh mock: nothing registered, no settings, an empty log. */
void mock_host_init(struct mock_host *m);
/* Set what api->config(h, key) answers (strings kept, not copied). */
int mock_host_set_config(struct mock_host *m, const char *key,
    const char *value);
/*
 * Check the descriptor's ABI as placed does, then call its init with the
 * mock.  0, or -1 with the reason in err ("plugin \"NAME\": built for ABI
 * 2.0, this server speaks 1.0", or "...: init failed").
 */
int mock_host_load(struct mock_host *m, const struct placed_plugin *p,
    void **state, char *err, size_t errsz);
/* Call the plugin's fini. */
void mock_host_unload(const struct placed_plugin *p, void *state);
/* The registered classifier for a scheme, or NULL. */
const struct placed_classifier *mock_host_classifier(
    const struct mock_host *m, const char *scheme);
/*
 * Run c on one record of kind made from "FIELD=VALUE" strings (up to
 * 32); returns what the classifier returns.
 */
int mock_classify(const struct placed_classifier *c, const char *kind,
    const char *const *fields, int nfields, struct placed_share *out,
    int max, char *err, size_t errsz);

/* The registered importer of a format, or NULL. */
const struct placed_importer *mock_host_importer(const struct mock_host *m,
    const char *format);

/* Where mock_import sends records and skipped lines (as placed does). */
struct mock_sink {
	int		(*record)(void *arg, const struct placed_record *r);
	void		(*skip)(void *arg, uint64_t line, const char *why);
	void		*arg;
};

/*
 * Run an importer over data[0..n) as placed does: open(kind), feed() in
 * pieces of chunk bytes (0: all at once; 1 shows that nothing depends on
 * where the reads fall), end(), close().  0, or -1 with err set.
 */
int mock_import(const struct placed_importer *imp, const char *kind,
    const char *data, size_t n, size_t chunk, struct mock_sink *sink,
    char *err, size_t errsz);
#endif
