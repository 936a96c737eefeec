/*
 * ndjson.h — one flat JSON object per line, numbers kept as their text.
 *
 * A general JSON library reads 1234.56 as a double; money must stay exact,
 * so records are scanned here: an object of string keys and string,
 * number, true/false or null values.  Strings are unescaped in place, so
 * the line must be writable; keys and values point into it.
 */
#ifndef PLACED_NDJSON_H
#define PLACED_NDJSON_H

#include <stddef.h>

enum ndjson_type { NDJ_STRING, NDJ_NUMBER, NDJ_BOOL, NDJ_NULL };

struct ndjson_field {
	const char	*key;
	size_t		klen;
	const char	*val;
	size_t		vlen;
	enum ndjson_type type;
};

/* Parse line[0..n) into at most max fields.  Returns the field count, or
 * -EBADMSG with the reason and its column in err. */
int ndjson_object(char *line, size_t n, struct ndjson_field *f, int max,
    char *err, size_t errsz);

#endif
