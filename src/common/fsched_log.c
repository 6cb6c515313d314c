/*
 * fsched_log.c - logging shim of the fsched internal library.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

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

void fsched_loglimit_init(fsched_loglimit_t *l, int64_t interval_ms)
{
	memset(l, 0, sizeof(*l));
	l->interval_ms = interval_ms;
}

enum fsched_loglimit_verdict fsched_loglimit_check(fsched_loglimit_t *l,
						   const char *msg,
						   int64_t now_ms,
						   int64_t *suppressed)
{
	struct fsched_loglimit_slot *s, *victim = &l->slot[0];

	if (suppressed)
		*suppressed = 0;
	for (int i = 0; i < FSCHED_LOGLIMIT_SLOTS; i++) {
		s = &l->slot[i];
		if (s->msg[0] && !strncmp(s->msg, msg, sizeof(s->msg) - 1)) {
			s->seen_ms = now_ms;
			if (now_ms - s->logged_ms < l->interval_ms) {
				s->suppressed++;
				return FSCHED_LOGLIMIT_SUPPRESS;
			}
			if (suppressed)
				*suppressed = s->suppressed;
			s->suppressed = 0;
			s->logged_ms = now_ms;
			return FSCHED_LOGLIMIT_REPEAT;
		}
		/* A free slot, else the one seen least recently. */
		if (victim->msg[0] &&
		    (!s->msg[0] || s->seen_ms < victim->seen_ms))
			victim = s;
	}
	snprintf(victim->msg, sizeof(victim->msg), "%s", msg);
	victim->logged_ms = victim->seen_ms = now_ms;
	victim->suppressed = 0;
	return FSCHED_LOGLIMIT_FIRST;
}

int fsched_loglimit_active(const fsched_loglimit_t *l)
{
	for (int i = 0; i < FSCHED_LOGLIMIT_SLOTS; i++)
		if (l->slot[i].msg[0])
			return 1;
	return 0;
}

void fsched_loglimit_reset(fsched_loglimit_t *l)
{
	fsched_loglimit_init(l, l->interval_ms);
}

int64_t fsched_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
