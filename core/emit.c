/* emit.c — CSV fields and JSON strings on a stdio stream. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"

void
emit_csv(FILE *f, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
			break;
	if (i == n) {
		fwrite(s, 1, n, f);
		return;
	}
	fputc('"', f);
	for (i = 0; i < n; i++) {
		if (s[i] == '"')
			fputc('"', f);
		fputc(s[i], f);
	}
	fputc('"', f);
}

void
emit_json_str(FILE *f, const char *s, size_t n)
{
	fputc('"', f);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

size_t
utf8_seq(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned char c = p[0];
	size_t k;
	uint32_t cp;

	if (n == 0 || c == 0)
		return (0);	/* a NUL would end the string later */
	if (c < 0x80)
		return (1);
	if ((c & 0xe0) == 0xc0) {
		k = 1;
		cp = c & 0x1f;
	} else if ((c & 0xf0) == 0xe0) {
		k = 2;
		cp = c & 0x0f;
	} else if ((c & 0xf8) == 0xf0) {
		k = 3;
		cp = c & 0x07;
	} else
		return (0);
	if (k >= n)
		return (0);
	for (size_t j = 1; j <= k; j++) {
		if ((p[j] & 0xc0) != 0x80)
			return (0);
		cp = cp << 6 | (p[j] & 0x3f);
	}
	if ((k == 1 && cp < 0x80) || (k == 2 && cp < 0x800) ||
	    (k == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp < 0xe000))
		return (0);
	return (k + 1);
}

int
utf8_valid(const char *s, size_t n)
{
	for (size_t i = 0, k; i < n; i += k)
		if ((k = utf8_seq(s + i, n - i)) == 0)
			return (0);
	return (1);
}

char *
utf8_clean(const char *s, size_t n)
{
	char *out = malloc(n * 3 + 1), *o = out;

	if (out == NULL)
		return (NULL);
	for (size_t i = 0, k; i < n; i += k ? k : 1) {
		if ((k = utf8_seq(s + i, n - i)) == 0) {
			memcpy(o, "\xef\xbf\xbd", 3);
			o += 3;
		} else {
			memcpy(o, s + i, k);
			o += k;
		}
	}
	*o = '\0';
	return (out);
}
