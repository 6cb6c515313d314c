/*
 * fsched_err.h - error reports of the fsched internal library.
 *
 * Library functions return 0 on success or -1 with errno set, and describe
 * the failure in a caller-provided fsched_err_t (never logged by the
 * library: the caller logs once, where it handles the error).
 */
#ifndef FSCHED_ERR_H
#define FSCHED_ERR_H

#include <stddef.h>

#define FSCHED_ERR_MAX 512

typedef struct fsched_err {
	int errnum;			/* errno value of the failure */
	char msg[FSCHED_ERR_MAX];	/* one line, no trailing newline */
} fsched_err_t;

/*
 * Record an error: format the message, set err->errnum and errno to
 * errnum.  err may be NULL.  Always returns -1 so that callers can write
 * "return fsched_err_set(err, EINVAL, ...);".
 */
int fsched_err_set(fsched_err_t *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Like fsched_err_set(), appending ": strerror(errnum)". */
int fsched_err_sys(fsched_err_t *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Clear err (may be NULL). */
void fsched_err_clear(fsched_err_t *err);

/* Room for a quoted string of fsched_err_quote(), truncation included. */
#define FSCHED_ERR_QUOTE_MAX 128

/*
 * Quote s (NULL: null) for a message: in double quotes, with '"', '\\'
 * escaped, \n \r \t as such and every other byte outside printable
 * ASCII as \xHH; cut with "..." to fit size bytes.  Use it for every
 * string a file supplies (JSON keys and values, configuration values)
 * that goes into an error message: messages are one line of plain text
 * in syslog and slurmctld's log, and must not let a damaged or forged
 * file add lines or terminal escapes there.  Returns buf (size >= 8).
 */
const char *fsched_err_quote(const char *s, char *buf, size_t size);

#endif /* FSCHED_ERR_H */
