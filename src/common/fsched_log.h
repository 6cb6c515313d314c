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

#endif /* FSCHED_LOG_H */
