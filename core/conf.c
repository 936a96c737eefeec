/* conf.c — read placed.conf. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "conf.h"

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

int
conf_read(const char *path, struct conf *c, char *err, size_t errsz)
{
	char line[2048];
	unsigned lineno = 0;
	FILE *f;

	memset(c, 0, sizeof(*c));
	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return (-errno);
	}
	while (fgets(line, sizeof(line), f)) {
		char *s = strip(line), *eq, *name, *val;

		lineno++;
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
		if (strcmp(name, "db") == 0)
			snprintf(c->db, sizeof(c->db), "%s", val);
		else if (strcmp(name, "key") == 0)
			snprintf(c->key, sizeof(c->key), "%s", val);
		else {
			snprintf(err, errsz, "%s:%u: unknown setting \"%s\"",
			    path, lineno, name);
			fclose(f);
			return (-EINVAL);
		}
	}
	fclose(f);
	return (0);
}
