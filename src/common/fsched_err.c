/*
 * fsched_err.c - error reports of the fsched internal library.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
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
		/*
		 * Last line of defence of "one line": a control character
		 * that a caller let through unquoted becomes '?'.
		 */
		for (char *p = err->msg; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				*p = '?';
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

/* Escape c into e (4 bytes); returns the length. */
static size_t quote_char(unsigned char c, char *e)
{
	static const char hex[] = "0123456789abcdef";

	if (c == '"' || c == '\\') {
		e[0] = '\\';
		e[1] = (char)c;
		return 2;
	}
	if (c == '\n' || c == '\r' || c == '\t') {
		e[0] = '\\';
		e[1] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
		return 2;
	}
	if (c < 0x20 || c > 0x7e) {
		e[0] = '\\';
		e[1] = 'x';
		e[2] = hex[c >> 4];
		e[3] = hex[c & 15];
		return 4;
	}
	e[0] = (char)c;
	return 1;
}

const char *fsched_err_quote(const char *s, char *buf, size_t size)
{
	size_t o = 0, need = 3;	/* the quotes and the NUL */
	char e[4];
	bool cut;

	if (size < 8) {
		if (size)
			buf[0] = '\0';
		return buf;
	}
	if (!s) {
		snprintf(buf, size, "null");
		return buf;
	}
	for (const char *p = s; *p; p++)
		need += quote_char((unsigned char)*p, e);
	cut = need > size;
	buf[o++] = '"';
	for (; *s; s++) {
		size_t n = quote_char((unsigned char)*s, e);

		/* Cut: keep room for "...", the quote and the NUL. */
		if (cut && o + n + 5 > size) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		memcpy(buf + o, e, n);
		o += n;
	}
	buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}
