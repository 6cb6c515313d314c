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

#endif /* FSCHED_ERR_H */
