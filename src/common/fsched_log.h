/*
 * fsched_log.h - logging shim of the fsched internal library.
 *
 * The library itself almost never logs (it returns errors); the few places
 * that run on their own (the journal writer thread) log through this shim.
 * Each program installs its sink once: the plugins route to Slurm's
 * error()/info()/debug() with their plugin_type as prefix, fsched-hook to
 * syslog or stderr.  Without a sink, messages go to stderr.
 */
#ifndef FSCHED_LOG_H
#define FSCHED_LOG_H

#include <stdint.h>

#include "fsched_err.h"

enum fsched_log_level {
	FSCHED_LOG_ERROR = 0,
	FSCHED_LOG_WARNING,
	FSCHED_LOG_INFO,
	FSCHED_LOG_DEBUG,
};

/* msg is borrowed for the duration of the call; one line, no newline. */
typedef void (*fsched_log_fn)(enum fsched_log_level level, const char *msg);

/* Install the sink (NULL: stderr).  Call before starting threads. */
void fsched_log_set_sink(fsched_log_fn fn);

void fsched_log(enum fsched_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define fsched_error(...)	fsched_log(FSCHED_LOG_ERROR, __VA_ARGS__)
#define fsched_warning(...)	fsched_log(FSCHED_LOG_WARNING, __VA_ARGS__)
#define fsched_info(...)	fsched_log(FSCHED_LOG_INFO, __VA_ARGS__)
#define fsched_debug(...)	fsched_log(FSCHED_LOG_DEBUG, __VA_ARGS__)

/*
 * Rate limit for the log lines of a recurring condition (e.g. the journal
 * writer's errors, retried with a backoff): each distinct message is
 * logged the first time, then at most once per interval, with the number
 * of repeats that were not logged in between.  Distinct messages are
 * tracked separately (FSCHED_LOGLIMIT_SLOTS of them; a new one beyond that
 * replaces the one seen least recently), so conditions that alternate do
 * not flood the log.  One owner, no locking.  Times are milliseconds of a
 * monotonic clock (fsched_now_ms()), passed in so that tests control them.
 */
#define FSCHED_LOGLIMIT_SLOTS 8

struct fsched_loglimit_slot {
	char msg[FSCHED_ERR_MAX];	/* "": free */
	int64_t logged_ms;		/* when last logged */
	int64_t seen_ms;		/* when last seen */
	int64_t suppressed;		/* repeats not logged since logged_ms */
};

typedef struct fsched_loglimit {
	int64_t interval_ms;
	struct fsched_loglimit_slot slot[FSCHED_LOGLIMIT_SLOTS];
} fsched_loglimit_t;

enum fsched_loglimit_verdict {
	FSCHED_LOGLIMIT_SUPPRESS = 0,	/* a repeat within the interval */
	FSCHED_LOGLIMIT_FIRST,		/* not seen since the last reset */
	FSCHED_LOGLIMIT_REPEAT,		/* seen again after the interval */
};

void fsched_loglimit_init(fsched_loglimit_t *l, int64_t interval_ms);

/*
 * Account one occurrence of msg at now_ms and say whether to log it.  For
 * FSCHED_LOGLIMIT_REPEAT, *suppressed (may be NULL) receives the repeats
 * not logged since msg was last logged (else 0).
 */
enum fsched_loglimit_verdict fsched_loglimit_check(fsched_loglimit_t *l,
						   const char *msg,
						   int64_t now_ms,
						   int64_t *suppressed);

/* Anything seen since the last reset? */
int fsched_loglimit_active(const fsched_loglimit_t *l);

/* Forget every message (the condition is over): the next one is FIRST. */
void fsched_loglimit_reset(fsched_loglimit_t *l);

/* Milliseconds of CLOCK_MONOTONIC. */
int64_t fsched_now_ms(void);

#endif /* FSCHED_LOG_H */
