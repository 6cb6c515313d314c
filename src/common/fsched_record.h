/*
 * fsched_record.h - one finished job run, as jobcomp/fsched journals it.
 *
 * The plugin's log_record() fills a record with borrowed pointers into the
 * job (under slurmctld's locks) and hands fsched_jobrec_dup() a copy in
 * ONE allocation; the journal writer thread adds who logged it, derives
 * the run key, and encodes it as one JSON line.  Readers (sacct -c, the
 * key index, counters) decode lines back.  Journal format: jobcomp_fsched(8).
 */
#ifndef FSCHED_RECORD_H
#define FSCHED_RECORD_H

#include <stdbool.h>
#include <stdint.h>

#include <json.h>

#include "fsched_err.h"

#define FSCHED_JOURNAL_VERSION 1
#define FSCHED_RUN_KEY_MAX 192
#define FSCHED_NO_TASK (-1)	/* array_task_id of a job that is no task */
#define FSCHED_UNLIMITED (-1)	/* time_limit without limit */

typedef struct fsched_jobrec {
	/* Strings: owned in a dup'ed record, borrowed in a template. */
	char *cluster;
	char *user;		/* may be NULL: resolved by the writer */
	char *group;		/* may be NULL: resolved by the writer */
	char *account;
	char *partition;
	char *qos;
	char *name;
	char *state;		/* "COMPLETED", "FAILED", ... */
	char *nodes;
	char *tres_req;
	char *tres_alloc;
	char *reservation;
	char *work_dir;
	char *controller;	/* host that logged it (writer) */

	int64_t job_id;
	int64_t array_job_id;	/* 0 if not an array task */
	int64_t array_task_id;	/* FSCHED_NO_TASK if not an array task */
	int64_t het_job_id;	/* 0 if not a heterogeneous job */
	int64_t het_job_offset;
	int64_t user_id;
	int64_t group_id;
	int64_t state_code;	/* Slurm base job state */
	int64_t exit_status;	/* wait(2) status, -1 if unknown */
	int64_t derived_status;	/* wait(2) status, -1 if unknown */
	int64_t submit_time;
	int64_t eligible_time;
	int64_t start_time;	/* 0 if the job never started */
	int64_t end_time;
	int64_t time_limit;	/* minutes, FSCHED_UNLIMITED */
	int64_t node_count;
	int64_t cpus;
	int64_t restart_count;
	int64_t resize_time;	/* a resize record, else 0 */
	int64_t epoch;		/* of the controller that logged it */
	int64_t logged_at;
	bool reconciled;	/* written by the takeover reconciliation */
	uint8_t pool_class;	/* 0: malloc()ed; else the writer's pool */

	char run_key[FSCHED_RUN_KEY_MAX];
} fsched_jobrec_t;

/* Zero a template (numbers to their "none" values). */
void fsched_jobrec_init(fsched_jobrec_t *rec);

/*
 * Copy rec (borrowed strings) into one new allocation; caller frees it
 * with free().  NULL on ENOMEM.  Cheap: it runs under slurmctld's locks.
 */
fsched_jobrec_t *fsched_jobrec_dup(const fsched_jobrec_t *rec);

/* The size fsched_jobrec_dup() allocates for rec. */
size_t fsched_jobrec_dup_size(const fsched_jobrec_t *rec);
/* The copy of fsched_jobrec_dup() into buf (fsched_jobrec_dup_size()). */
fsched_jobrec_t *fsched_jobrec_copy_into(void *buf, const fsched_jobrec_t *rec);

/*
 * The run key: cluster, job id, start time (0 for a job that never ran),
 * restart count, and for a resize record its time.  A requeued job that
 * runs again gets a new key; the same run logged by two controllers
 * gets the same key.
 */
void fsched_jobrec_key(const fsched_jobrec_t *rec, char *buf, size_t len);

/* "0:0" style exit code from a wait(2) status (-1: "0:0"). */
void fsched_exit_code_str(int64_t status, char *buf, size_t len);

/* Encode as a JSON object (new reference) with every field. */
struct json_object *fsched_jobrec_to_json(const fsched_jobrec_t *rec);

/*
 * The writer's encoder: one json-c object reused for every record (values
 * updated in place; rebuilt only when the set of present fields changes),
 * which avoids building and freeing some forty objects per record.
 * Encodes exactly as fsched_jobrec_to_json().  Not thread-safe.
 */
typedef struct fsched_jobrec_encoder fsched_jobrec_encoder_t;

fsched_jobrec_encoder_t *fsched_jobrec_encoder_new(void);
void fsched_jobrec_encoder_free(fsched_jobrec_encoder_t *enc);

/*
 * One line of JSON (no newline) for rec; borrowed, valid until the next
 * call.  NULL on ENOMEM.
 */
const char *fsched_jobrec_encode(fsched_jobrec_encoder_t *enc,
				 const fsched_jobrec_t *rec, size_t *len);

/*
 * Decode a journal line into rec; the strings in rec are borrowed from o
 * and live as long as o.  what names the line in errors.
 */
int fsched_jobrec_from_json(struct json_object *o, const char *what,
			    fsched_jobrec_t *rec, fsched_err_t *err);

#endif /* FSCHED_RECORD_H */
