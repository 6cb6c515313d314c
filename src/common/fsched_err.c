/*
 * fsched_err.c - error reports of the fsched internal library.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fsched_err.h"

static int vset(fsched_err_t *err, int errnum, int with_strerror,
		const char *fmt, va_list ap)
{
	if (err) {
		int n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);

		if (n < 0)
			err->msg[0] = '\0';
		if (with_strerror && n >= 0 && (size_t)n < sizeof(err->msg)) {
			char buf[128];
			const char *s = strerror_r(errnum, buf, sizeof(buf));

			snprintf(err->msg + n, sizeof(err->msg) - n, ": %s",
				 s);
		}
		err->errnum = errnum;
	}
	errno = errnum;
	return -1;
}

int fsched_err_set(fsched_err_t *err, int errnum, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vset(err, errnum, 0, fmt, ap);
	va_end(ap);
	return rc;
}

int fsched_err_sys(fsched_err_t *err, int errnum, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vset(err, errnum, 1, fmt, ap);
	va_end(ap);
	return rc;
}

void fsched_err_clear(fsched_err_t *err)
{
	if (err) {
		err->errnum = 0;
		err->msg[0] = '\0';
	}
}
