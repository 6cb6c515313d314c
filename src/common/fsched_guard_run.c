/*
 * fsched_guard_run.c - the state guard's reads (gathering facts) and
 * writes (recording decisions).
 *
 * Reads: the file system of StateSaveLocation, <local_dir>/cluster-*.json,
 * <state_dir>/manifest.json, StateSaveLocation/job_state,
 * <local_dir>/allow-once.json.  Writes: guard.json (local and shared),
 * events.jsonl, and removes a used allow-once.json.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fsched_events.h"
#include "fsched_file.h"
#include "fsched_guard.h"
#include "fsched_json.h"
#include "fsched_state.h"
#include "fsched_storage.h"

#define GUARD_RECORD_VERSION 1

void fsched_guard_evaluate(const fsched_conf_t *conf, const char *ssl,
			   const char *state_dir, const char *cluster,
			   int ctld_cnt, int64_t loaded_jobs, int64_t now,
			   fsched_guard_state_t *st, fsched_guard_result_t *r)
{
	fsched_guard_facts_t *f = &st->facts;
	fsched_err_t err;
	bool b;

	memset(st, 0, sizeof(*st));
	snprintf(st->ssl, sizeof(st->ssl), "%s", ssl);
	snprintf(st->state_dir, sizeof(st->state_dir), "%s", state_dir);
	snprintf(st->local_dir, sizeof(st->local_dir), "%s", conf->local_dir);
	f->mode = conf->state_guard;
	f->require_shared = conf->require_shared_state == FSCHED_AUTO ?
			    ctld_cnt >= 2 :
			    conf->require_shared_state == FSCHED_YES;
	f->ssl = st->ssl;
	f->state_dir = st->state_dir;
	f->local_dir = st->local_dir;
	f->loaded_jobs = loaded_jobs;
	f->now = now;

	if (fsched_fs_type(ssl, st->fs_type, sizeof(st->fs_type), &b) == 0)
		f->ssl_is_network = b;
	else
		snprintf(st->fs_type, sizeof(st->fs_type), "unknown");
	f->ssl_fs_type = st->fs_type;
	if (fsched_is_mount_point(ssl, &b, &err) == 0)
		f->ssl_is_mount = b;

	/* An unreadable marker cannot prove anything: treat as none. */
	if (fsched_marker_read(conf->local_dir, cluster, &st->marker, &err) == 0)
		f->marker = &st->marker;

	if (fsched_manifest_read(state_dir, &st->manifest, &err) == 0) {
		f->manifest = &st->manifest;
	} else {
		f->manifest_errnum = err.errnum ? err.errnum : EIO;
		snprintf(st->manifest_error, sizeof(st->manifest_error), "%s",
			 err.msg);
		f->manifest_error = st->manifest_error;
	}

	{
		fsched_manifest_t now_files;
		const fsched_statefile_t *js;

		memset(&now_files, 0, sizeof(now_files));
		fsched_manifest_stat_files(ssl, &now_files);
		if ((js = fsched_manifest_file(&now_files, "job_state")))
			f->job_state = *js;
	}

	if (fsched_allow_once_read(conf->local_dir, &st->allow_once,
				   &err) == 0 &&
	    st->allow_once.expires > now)
		f->allow_once = true;

	fsched_guard_decide(f, r);
}

static const char *event_name(const fsched_guard_result_t *r)
{
	switch (r->code) {
	case FSCHED_GUARD_ALLOW_OVERRIDE:
		return "guard-override";
	case FSCHED_GUARD_ALLOW_WARN:
		return "guard-warn";
	case FSCHED_GUARD_ALLOW_FIRST:
		return "guard-first-start";
	case FSCHED_GUARD_ALLOW_OK:
	case FSCHED_GUARD_ALLOW_OFF:
		return "guard-allowed";
	default:
		return "guard-refused";
	}
}

static struct json_object *record_json(const char *host,
				       const fsched_guard_state_t *st,
				       const fsched_guard_result_t *r)
{
	struct json_object *o = json_object_new_object();
	char iso[32];

	fsched_json_add_int64(o, "version", GUARD_RECORD_VERSION);
	fsched_json_add_int64(o, "time", st->facts.now);
	fsched_time_iso((time_t)st->facts.now, iso, sizeof(iso));
	fsched_json_add_string(o, "time_iso", iso);
	fsched_json_add_string(o, "host", host);
	fsched_json_add_string(o, "decision", r->refuse ? "refuse" : "allow");
	fsched_json_add_string(o, "code", fsched_guard_code_str(r->code));
	if (r->would != r->code)
		fsched_json_add_string(o, "would",
				       fsched_guard_code_str(r->would));
	fsched_json_add_string(o, "mode",
			       fsched_guard_mode_str(st->facts.mode));
	fsched_json_add_string(o, "reason", r->reason);
	if (r->remedy[0])
		fsched_json_add_string(o, "remedy", r->remedy);
	fsched_json_add_int64(o, "loaded_jobs", st->facts.loaded_jobs);
	if (st->facts.manifest) {
		fsched_json_add_int64(o, "manifest_jobs", st->manifest.jobs);
		fsched_json_add_int64(o, "manifest_time", st->manifest.time);
		fsched_json_add_string(o, "cluster_id",
				       st->manifest.cluster_id);
	}
	if (r->code == FSCHED_GUARD_ALLOW_OVERRIDE) {
		fsched_json_add_string(o, "override_by", st->allow_once.by);
		fsched_json_add_string(o, "override_reason",
				       st->allow_once.reason);
	}
	return o;
}

int fsched_guard_record(const fsched_conf_t *conf, const char *host,
			const fsched_guard_state_t *st,
			const fsched_guard_result_t *r, fsched_err_t *err)
{
	struct json_object *o = record_json(host, st, r);
	fsched_err_t e;
	struct stat sb;
	int rc = 0;

	if (!o)
		return fsched_err_sys(err, ENOMEM, "guard record");
	if (fsched_mkdir_p(st->local_dir, 0755, &e) < 0 ||
	    fsched_json_write_file(st->local_dir, FSCHED_GUARD_FILE, o,
				   FSCHED_STATE_FILE_MODE, &e) < 0) {
		rc = fsched_err_set(err, e.errnum, "%s", e.msg);
	}
	if (stat(st->state_dir, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		if (fsched_json_write_file(st->state_dir, FSCHED_GUARD_FILE, o,
					   FSCHED_STATE_FILE_MODE, &e) < 0 &&
		    rc == 0)
			rc = fsched_err_set(err, e.errnum, "%s", e.msg);
		/* The event says what was decided; guard.json says it all. */
		struct json_object *d = json_object_new_object();

		fsched_json_add_string(d, "code", fsched_guard_code_str(r->code));
		if (r->would != r->code)
			fsched_json_add_string(d, "would",
					       fsched_guard_code_str(r->would));
		fsched_json_add_int64(d, "loaded_jobs", st->facts.loaded_jobs);
		if (st->facts.manifest)
			fsched_json_add_int64(d, "manifest_jobs",
					      st->manifest.jobs);
		if (fsched_event_append(st->state_dir, conf->events_max_bytes,
					(time_t)st->facts.now, host,
					event_name(r), d, &e) < 0 && rc == 0)
			rc = fsched_err_set(err, e.errnum, "%s", e.msg);
		json_object_put(d);
	}
	/*
	 * An override serves the next start only, used or not: left pending
	 * it would silently allow a later start the guard should refuse.
	 */
	if (st->facts.allow_once &&
	    fsched_allow_once_consume(st->local_dir, &e) < 0 && rc == 0)
		rc = fsched_err_set(err, e.errnum, "%s", e.msg);
	json_object_put(o);
	return rc;
}

int fsched_guard_read_record(const char *dir, struct json_object **out,
			     fsched_err_t *err)
{
	char *path = fsched_path(dir, FSCHED_GUARD_FILE);
	int rc;

	if (!path)
		return fsched_err_sys(err, ENOMEM, "guard.json");
	rc = fsched_json_read_file(path, out, err);
	free(path);
	return rc;
}
