/* log.c — "placed: store: message" lines on stderr. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include "log.h"

static enum log_level level = LOG_INFO;

void
log_set_level(enum log_level l)
{
	level = l;
}

void
log_msg(enum log_level l, const char *sub, const char *fmt, ...)
{
	static const char *names[] = { "error", "warning", "", "debug" };
	va_list ap;

	if (l > level)
		return;
	fprintf(stderr, "placed: ");
	if (sub)
		fprintf(stderr, "%s: ", sub);
	if (*names[l])
		fprintf(stderr, "%s: ", names[l]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
