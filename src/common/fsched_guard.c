/*
 * fsched_guard.c - the state guard's decision table.
 *
 * Checks, in order (the first that fails decides):
 *  1. RequireSharedState: StateSaveLocation must be a mount point or on a
 *     network/cluster file system (an unmounted share is neither);
 *  2. a manifest that exists must be readable;
 *  3. no manifest: refuse if this host has run the cluster before (its
 *     marker), else this is a first start (or fsched was just enabled);
 *  4. the manifest's cluster id must be the one in this host's marker;
 *  5. job_state must exist, and not be older than (or, with the same
 *     mtime, smaller than) what the manifest recorded;
 *  6. if the manifest recorded jobs and job_state was not written since,
 *     some jobs must have been loaded.
 * A refusal becomes an allow with StateGuard=warn or a one-shot override.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fsched_guard.h"

const char *fsched_guard_code_str(enum fsched_guard_code code)
{
	switch (code) {
	case FSCHED_GUARD_ALLOW_OK:
		return "ok";
	case FSCHED_GUARD_ALLOW_FIRST:
		return "first-start";
	case FSCHED_GUARD_ALLOW_OVERRIDE:
		return "override";
	case FSCHED_GUARD_ALLOW_WARN:
		return "warn-only";
	case FSCHED_GUARD_ALLOW_OFF:
		return "off";
	case FSCHED_GUARD_REFUSE_NOT_SHARED:
		return "not-shared";
	case FSCHED_GUARD_REFUSE_MANIFEST_BAD:
		return "manifest-unreadable";
	case FSCHED_GUARD_REFUSE_MANIFEST_MISSING:
		return "manifest-missing";
	case FSCHED_GUARD_REFUSE_FOREIGN:
		return "other-cluster";
	case FSCHED_GUARD_REFUSE_JOB_STATE_MISSING:
		return "job-state-missing";
	case FSCHED_GUARD_REFUSE_JOB_STATE_OLDER:
		return "job-state-older";
	case FSCHED_GUARD_REFUSE_JOB_STATE_TRUNCATED:
		return "job-state-truncated";
	case FSCHED_GUARD_REFUSE_NO_JOBS:
		return "no-jobs-loaded";
	}
	return "?";
}

bool fsched_guard_code_refuses(enum fsched_guard_code code)
{
	return code >= FSCHED_GUARD_REFUSE_NOT_SHARED;
}

/* (a_s, a_ns) < (b_s, b_ns) */
static bool older(int64_t a_s, int64_t a_ns, int64_t b_s, int64_t b_ns)
{
	return a_s < b_s || (a_s == b_s && a_ns < b_ns);
}

static bool same_time(int64_t a_s, int64_t a_ns, int64_t b_s, int64_t b_ns)
{
	return a_s == b_s && a_ns == b_ns;
}

/* Apply checks 1-6; returns the code and fills reason. */
static enum fsched_guard_code check(const fsched_guard_facts_t *f,
				    char *reason, size_t len)
{
	const fsched_manifest_t *m = f->manifest;
	const fsched_statefile_t *rec, *js = &f->job_state;

	if (f->require_shared && !f->ssl_is_mount && !f->ssl_is_network) {
		snprintf(reason, len, "StateSaveLocation %s is on a local %s file system and is not a mount point, but it must be shared by every SlurmctldHost (shared file system not mounted?)",
			 f->ssl, f->ssl_fs_type ? f->ssl_fs_type : "");
		return FSCHED_GUARD_REFUSE_NOT_SHARED;
	}
	if (f->manifest_errnum && f->manifest_errnum != ENOENT) {
		snprintf(reason, len, "cannot use the state manifest: %s",
			 f->manifest_error ? f->manifest_error : "unknown error");
		return FSCHED_GUARD_REFUSE_MANIFEST_BAD;
	}
	if (f->manifest_errnum == ENOENT) {
		if (f->marker) {
			snprintf(reason, len, "this host has run cluster %s before (marker in %s), but %s has no manifest.json: StateSaveLocation %s is empty or not the cluster's",
				 f->marker->cluster_id, f->local_dir,
				 f->state_dir, f->ssl);
			return FSCHED_GUARD_REFUSE_MANIFEST_MISSING;
		}
		snprintf(reason, len, "no manifest in %s and no marker of an earlier run on this host: first start with fsched",
			 f->state_dir);
		return FSCHED_GUARD_ALLOW_FIRST;
	}
	if (f->marker && strcmp(f->marker->cluster_id, m->cluster_id)) {
		snprintf(reason, len, "the manifest in %s is of cluster %s, but this host last ran cluster %s (marker in %s): StateSaveLocation %s holds another cluster's state",
			 f->state_dir, m->cluster_id, f->marker->cluster_id,
			 f->local_dir, f->ssl);
		return FSCHED_GUARD_REFUSE_FOREIGN;
	}
	rec = fsched_manifest_file(m, "job_state");
	if (rec && rec->present && !js->present) {
		snprintf(reason, len, "%s/job_state is missing, but the manifest written by %s at %lld recorded it (%lld bytes, %lld jobs)",
			 f->ssl, m->host, (long long)m->time,
			 (long long)rec->size, (long long)m->jobs);
		return FSCHED_GUARD_REFUSE_JOB_STATE_MISSING;
	}
	if (rec && rec->present &&
	    older(js->mtime, js->mtime_ns, rec->mtime, rec->mtime_ns)) {
		snprintf(reason, len, "%s/job_state (mtime %lld) is older than the one the manifest written by %s at %lld recorded (mtime %lld): a stale copy of the state",
			 f->ssl, (long long)js->mtime, m->host,
			 (long long)m->time, (long long)rec->mtime);
		return FSCHED_GUARD_REFUSE_JOB_STATE_OLDER;
	}
	if (rec && rec->present &&
	    same_time(js->mtime, js->mtime_ns, rec->mtime, rec->mtime_ns) &&
	    js->size < rec->size) {
		snprintf(reason, len, "%s/job_state is %lld bytes, but the manifest recorded %lld bytes for the same mtime: the file was truncated",
			 f->ssl, (long long)js->size, (long long)rec->size);
		return FSCHED_GUARD_REFUSE_JOB_STATE_TRUNCATED;
	}
	if (m->jobs > 0 && f->loaded_jobs == 0 &&
	    (!rec || !rec->present ||
	     !older(rec->mtime, rec->mtime_ns, js->mtime, js->mtime_ns))) {
		snprintf(reason, len, "the manifest written by %s at %lld records %lld jobs, but none were loaded from %s/job_state (unreadable state, or a clean start)",
			 m->host, (long long)m->time, (long long)m->jobs,
			 f->ssl);
		return FSCHED_GUARD_REFUSE_NO_JOBS;
	}
	snprintf(reason, len, "state matches the manifest written by %s at %lld (%lld jobs recorded, %lld loaded)",
		 m->host, (long long)m->time, (long long)m->jobs,
		 (long long)f->loaded_jobs);
	return FSCHED_GUARD_ALLOW_OK;
}

void fsched_guard_decide(const fsched_guard_facts_t *f,
			 fsched_guard_result_t *r)
{
	memset(r, 0, sizeof(*r));
	if (f->mode == FSCHED_GUARD_OFF) {
		r->code = r->would = FSCHED_GUARD_ALLOW_OFF;
		snprintf(r->reason, sizeof(r->reason), "StateGuard=off: state not checked");
		return;
	}
	r->code = r->would = check(f, r->reason, sizeof(r->reason));
	if (!fsched_guard_code_refuses(r->code))
		return;
	snprintf(r->remedy, sizeof(r->remedy), "fix StateSaveLocation and restart slurmctld; to start with this state anyway (jobs missing from it will be killed), run 'fsched-hook guard --allow-once' on this host first, or set StateGuard=warn in fsched.conf");
	if (f->allow_once) {
		r->code = FSCHED_GUARD_ALLOW_OVERRIDE;
	} else if (f->mode == FSCHED_GUARD_WARN) {
		r->code = FSCHED_GUARD_ALLOW_WARN;
	} else {
		r->refuse = true;
	}
}
