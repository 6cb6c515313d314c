/*
 * fsched_guard.h - the state guard's decision: can the state a controller
 * has just loaded be the cluster's real state?
 *
 * A pure function of facts gathered by the select plugin (file system of
 * StateSaveLocation, host-local marker, manifest.json, job_state, jobs
 * loaded, override) so that every decision has a unit test.  A refusal
 * makes slurmctld stop before it processes any node registration, so no
 * running job is killed as an orphan.
 */
#ifndef FSCHED_GUARD_H
#define FSCHED_GUARD_H

#include <stdbool.h>
#include <stdint.h>

#include "fsched_conf.h"
#include <json.h>

#include "fsched_manifest.h"

enum fsched_guard_code {
	FSCHED_GUARD_ALLOW_OK = 0,	/* state matches the manifest */
	FSCHED_GUARD_ALLOW_FIRST,	/* no manifest, no marker */
	FSCHED_GUARD_ALLOW_OVERRIDE,	/* refusal overridden once */
	FSCHED_GUARD_ALLOW_WARN,	/* refusal downgraded: warn mode */
	FSCHED_GUARD_ALLOW_OFF,		/* StateGuard=off */
	FSCHED_GUARD_REFUSE_NOT_SHARED,
	FSCHED_GUARD_REFUSE_MANIFEST_BAD,
	FSCHED_GUARD_REFUSE_MANIFEST_MISSING,
	FSCHED_GUARD_REFUSE_FOREIGN,
	FSCHED_GUARD_REFUSE_JOB_STATE_MISSING,
	FSCHED_GUARD_REFUSE_JOB_STATE_OLDER,
	FSCHED_GUARD_REFUSE_JOB_STATE_TRUNCATED,
	FSCHED_GUARD_REFUSE_NO_JOBS,
};

typedef struct fsched_guard_facts {
	enum fsched_guard_mode mode;
	bool require_shared;		/* RequireSharedState, resolved */
	const char *ssl;		/* StateSaveLocation */
	const char *state_dir;		/* fsched state directory */
	const char *local_dir;		/* LocalStateDir */
	bool ssl_is_mount;		/* a mount point */
	bool ssl_is_network;		/* network/cluster file system */
	const char *ssl_fs_type;	/* e.g. "ext4", "nfs" */
	const fsched_marker_t *marker;	/* NULL: this host has no marker */
	int manifest_errnum;		/* 0 read, ENOENT none, else bad */
	const char *manifest_error;	/* message when manifest_errnum */
	const fsched_manifest_t *manifest;	/* valid if errnum == 0 */
	fsched_statefile_t job_state;	/* job_state as it is now */
	int64_t loaded_jobs;		/* jobs slurmctld loaded */
	bool allow_once;		/* a valid, unexpired override */
	int64_t now;
} fsched_guard_facts_t;

typedef struct fsched_guard_result {
	enum fsched_guard_code code;	/* what was decided */
	enum fsched_guard_code would;	/* refusal behind an override/warn */
	bool refuse;
	char reason[1024];		/* one line, names paths */
	char remedy[512];		/* the way out, for a refusal */
} fsched_guard_result_t;

void fsched_guard_decide(const fsched_guard_facts_t *f,
			 fsched_guard_result_t *r);

/* "ok", "first-start", ..., "not-shared", "manifest-missing", ... */
const char *fsched_guard_code_str(enum fsched_guard_code code);

/* true for the FSCHED_GUARD_REFUSE_* codes */
bool fsched_guard_code_refuses(enum fsched_guard_code code);

#endif /* FSCHED_GUARD_H */

/*
 * Everything the guard looked at, gathered from disk by
 * fsched_guard_evaluate() (fsched_guard_run.c).
 */
typedef struct fsched_guard_state {
	fsched_guard_facts_t facts;
	fsched_manifest_t manifest;	/* valid if facts.manifest */
	fsched_marker_t marker;		/* valid if facts.marker */
	fsched_allow_once_t allow_once;	/* valid if facts.allow_once */
	char fs_type[32];
	char manifest_error[FSCHED_ERR_MAX];
	char ssl[1024];
	char state_dir[1024];
	char local_dir[1024];
} fsched_guard_state_t;

/*
 * Gather the facts for a start or takeover (StateSaveLocation ssl, fsched
 * state directory state_dir, ctld_cnt SlurmctldHost, loaded_jobs jobs
 * loaded by slurmctld) and decide.  Reads only: nothing is written.
 */
void fsched_guard_evaluate(const fsched_conf_t *conf, const char *ssl,
			   const char *state_dir, const char *cluster,
			   int ctld_cnt, int64_t loaded_jobs, int64_t now,
			   fsched_guard_state_t *st, fsched_guard_result_t *r);

/*
 * Record a decision: guard.json in local_dir (always) and in the state
 * directory and an event (guard-refused, guard-override, guard-warn,
 * guard-first-start) there, but only if the state directory already
 * exists (never create it on a file system the guard distrusts).  A
 * pending override is consumed, whether it was needed or not.  Returns 0, or -1 with err for the first failure
 * (the others are still attempted).
 */
int fsched_guard_record(const fsched_conf_t *conf, const char *host,
			const fsched_guard_state_t *st,
			const fsched_guard_result_t *r, fsched_err_t *err);

/* The last decision recorded in dir (guard.json); caller puts *out. */
int fsched_guard_read_record(const char *dir, struct json_object **out,
			     fsched_err_t *err);
