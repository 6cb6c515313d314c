/*
 * fsched_events.h - events.jsonl, the audit trail of the fsched state
 * directory.
 *
 * One JSON object per line:
 *   {"version":1,"time":T,"time_iso":"...Z","host":"ctl2",
 *    "event":"primary-on","detail":{...}}
 * Events: primary-on, primary-off, guard-refused, guard-allowed,
 * guard-override, split-brain-suspected, journal-repaired, ...
 * Appended with one write() and fsync (fsched_append_sync).  When the file
 * would exceed max_bytes it is first renamed to events.jsonl.1 (one older
 * generation is kept), so its size stays bounded.
 */
#ifndef FSCHED_EVENTS_H
#define FSCHED_EVENTS_H

#include <stddef.h>
#include <time.h>

#include <json.h>

#include "fsched_err.h"

#define FSCHED_EVENTS_VERSION 1

/*
 * Append one event to dir/events.jsonl.  detail may be NULL; it is
 * borrowed (not consumed).  host and event are required.
 */
int fsched_event_append(const char *dir, long max_bytes, time_t now,
			const char *host, const char *event,
			struct json_object *detail, fsched_err_t *err);

/*
 * Read the last n events (oldest first, both generations) into *out, a
 * new json array (caller puts).  Corrupt lines are skipped and counted in
 * *corrupt (may be NULL): lines that are not a JSON object with string
 * "event" and "host" and, if present, an object "detail" (a torn append
 * is one such line).  A missing file gives an empty array.
 */
int fsched_events_tail(const char *dir, size_t n, struct json_object **out,
		       size_t *corrupt, fsched_err_t *err);

/* Format t as "YYYY-MM-DDTHH:MM:SSZ" into buf (at least 21 bytes). */
void fsched_time_iso(time_t t, char *buf, size_t len);

#endif /* FSCHED_EVENTS_H */
