/*
 * fsched_log.c - logging shim of the fsched internal library.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include "fsched_log.h"

static fsched_log_fn sink;	/* set once before threads start */

void fsched_log_set_sink(fsched_log_fn fn)
{
	sink = fn;
}

void fsched_log(enum fsched_log_level level, const char *fmt, ...)
{
	static const char *const names[] = {
		"error", "warning", "info", "debug"
	};
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);

	if (sink)
		sink(level, buf);
	else if (level <= FSCHED_LOG_INFO)
		fprintf(stderr, "fsched: %s: %s\n", names[level], buf);
}
