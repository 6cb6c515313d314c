/*
 * fsched_counters.h - counters.json: cumulative counts of journalled job
 * runs, by final state and by partition and state, plus the writer's own
 * counters (duplicates skipped, runs reconciled, records dropped, write
 * errors) and queue depth.
 *
 * Counts never reset on failover: the writer of a new active controller
 * reads counters.json and then counts the journal lines the previous
 * writer appended after its last counters.json (counters.json records,
 * for each recent journal file, the offset up to which it is counted, and
 * the day before which every file is fully counted).  So the counts equal
 * the journal, even after kill -9.
 */
#ifndef FSCHED_COUNTERS_H
#define FSCHED_COUNTERS_H

#include <stdint.h>
#include <sys/types.h>

#include <json.h>

#include "fsched_err.h"
#include "fsched_record.h"

#define FSCHED_COUNTERS_VERSION 1

typedef struct fsched_counters {
	int64_t records;		/* job runs in the journal */
	struct json_object *by_state;	/* {"COMPLETED": n, ...} */
	struct json_object *by_partition;	/* {"p": {"COMPLETED": n}} */
	int64_t duplicates;		/* runs already journalled, skipped */
	int64_t reconciled;		/* runs written at takeover */
	int64_t dropped;		/* records lost: queue full */
	int64_t write_errors;		/* failed batch writes (retried) */
	int64_t queue_depth;		/* at the last update */
	uint32_t counted_before_day;	/* files of earlier days: all counted */
	struct json_object *positions;	/* {"jobcomp-D.jsonl": offset} */
	int64_t updated;
	char host[256];			/* writer of the last update */
} fsched_counters_t;

/* Initialise empty counters; free with fsched_counters_free(). */
int fsched_counters_init(fsched_counters_t *c);
void fsched_counters_free(fsched_counters_t *c);

/* Count one journalled run. */
void fsched_counters_add(fsched_counters_t *c, const fsched_jobrec_t *rec);

/* Offset up to which journal file name is counted (0 if not known). */
off_t fsched_counters_pos(const fsched_counters_t *c, const char *name);
void fsched_counters_set_pos(fsched_counters_t *c, const char *name,
			     off_t off);
/* Forget positions of files before day (they are fully counted). */
void fsched_counters_forget_before(fsched_counters_t *c, uint32_t day);

/* dir/counters.json.  Read fails with ENOENT when there is none. */
int fsched_counters_read(const char *dir, fsched_counters_t *c,
			 fsched_err_t *err);
int fsched_counters_write(const char *dir, fsched_counters_t *c,
			  fsched_err_t *err);

/* Encode (new reference), decode into an initialised c. */
struct json_object *fsched_counters_to_json(const fsched_counters_t *c);
int fsched_counters_from_json(struct json_object *o, const char *what,
			      fsched_counters_t *c, fsched_err_t *err);

#endif /* FSCHED_COUNTERS_H */
