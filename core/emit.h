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

#endif
