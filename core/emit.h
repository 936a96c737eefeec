/*
 * emit.h — writing values as CSV fields and JSON strings.
 *
 * CSV fields are quoted only when they must be (RFC 4180: a comma, quote,
 * CR or LF inside), so plain values stay plain for spreadsheets and diff.
 */
#ifndef PLACED_EMIT_H
#define PLACED_EMIT_H

#include <stddef.h>
#include <stdio.h>

void emit_csv(FILE *f, const char *s, size_t n);
void emit_json_str(FILE *f, const char *s, size_t n);

/* Text bound for JSON and the store must be UTF-8. */
/* The length of the valid, non-NUL UTF-8 sequence at s (n bytes left),
 * or 0 when it is not one (overlong forms and surrogates included). */
size_t utf8_seq(const char *s, size_t n);
int utf8_valid(const char *s, size_t n);
/* A copy of s[0..n) with each byte that starts no valid sequence made
 * U+FFFD; NUL-terminated, the caller frees it; NULL without memory. */
char *utf8_clean(const char *s, size_t n);

#endif
