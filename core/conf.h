/*
 * conf.h — the configuration file: "name = value" lines, # comments.
 *
 * Only the settings the CLI needs so far are read (db, key); an unknown
 * name is an error with its line, so a typo never passes silently.
 */
#ifndef PLACED_CONF_H
#define PLACED_CONF_H

#include <stddef.h>

struct conf {
	char	db[1024];
	char	key[1024];
};

int conf_read(const char *path, struct conf *c, char *err, size_t errsz);

#endif
