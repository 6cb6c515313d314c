/*
 * select_guard.c - the state manifest and state guard of
 * select/fsched_cons_tres, inside slurmctld.
 *
 * Guard: slurmctld calls select_p_job_init() from read_slurm_conf() at a
 * start, a takeover and every reconfigure.  Only the first call of a start
 * or takeover is checked: there slurmctld's control_time is still 0 (it
 * is set when the controller announces "Running as primary controller",
 * and reset at each switch to standby), and on a reconfigure it is not.
 * read_slurm_conf() holds the config, job, node and partition write locks
 * and has just read job_state from StateSaveLocation under them; the
 * guard's reads (a few stat() calls and two small files of the same
 * directory) happen at the same point, before any RPC or scheduler thread
 * exists to wait for those locks.  A refusal returns an error, and
 * slurmctld stops ("Clean start required") before it processes any node
 * registration: no running job is killed as an orphan.
 *
 * Manifest: a thread of this plugin (slurmctld only, started by the
 * guard) writes manifest.json every ManifestInterval seconds while this
 * controller is active, and select_p_state_save() writes it at each state
 * save.  The job count and highest job id are read under the job read
 * lock, which is released before any I/O.  The thread also records the
 * guard's decision and the host-local marker, and reports a suspected
 * split brain.
 */
#include "config.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "slurm/slurm.h"
#include "slurm/slurm_errno.h"

#include "src/common/slurm_xlator.h"	/* error() is slurm_error() */
#include "src/common/list.h"
#include "src/common/log.h"
#include "src/common/read_config.h"
#include "src/common/run_in_daemon.h"
#include "src/slurmctld/locks.h"
#include "src/slurmctld/slurmctld.h"

#include "fsched_active.h"
#include "fsched_conf.h"
#include "fsched_events.h"
#include "fsched_file.h"
#include "fsched_guard.h"
#include "fsched_log.h"
#include "slurm_log_sink.h"
#include "fsched_manifest.h"
#include "fsched_state.h"

#include "select_fsched.h"

/*
 * slurmctld-only symbols: weak, so that the plugin also loads into slurmd
 * and the client commands, where they do not exist (address NULL).
 */
extern time_t control_time;
extern bool test_config;
extern int backup_inx;
#pragma weak control_time
#pragma weak test_config
#pragma weak backup_inx
#pragma weak job_list
#pragma weak lock_slurmctld
#pragma weak unlock_slurmctld

static const char *ptype = "select/fsched_cons_tres";

/* Everything below is set by the guard, then used by the thread. */
static pthread_mutex_t mtx = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static pthread_mutex_t write_mtx = PTHREAD_MUTEX_INITIALIZER;
static pthread_t thread;
static long interval = 30;		/* under mtx: ManifestInterval */
static bool thread_started;		/* under mtx */
static bool thread_stop;		/* under mtx */
static bool kicked;			/* under mtx */
static bool startup_window;		/* under mtx: allowed, not yet active */
static bool allowed;			/* under mtx: guard allowed here */
static fsched_guard_state_t *pending;	/* under mtx, owned: to record */
static fsched_guard_result_t pending_result;	/* under mtx */
static fsched_conf_t fconf;		/* under write_mtx */
static char *state_dir;			/* under write_mtx, owned */
static char cluster_id[FSCHED_CLUSTER_ID_LEN + 1];
static char host[256];
static int my_index;

/* Owned by the writer (under write_mtx). */
static int64_t my_epoch;
static bool marker_written;
static char last_error[FSCHED_ERR_MAX];
static time_t last_split_event;

static void log_sink(enum fsched_log_level level, const char *msg)
{
	fsched_slurm_log(ptype, level, msg);
}

/* True on the job_init of a start or takeover, in slurmctld. */
static bool is_start(void)
{
	if (!running_in_slurmctld() || !&control_time)
		return false;
	return control_time == 0;
}

/* May the manifest be written now: active, or just allowed to start. */
static bool may_write(void)
{
	bool ok;

	if (!&control_time)
		return false;
	pthread_mutex_lock(&mtx);
	if (__atomic_load_n(&control_time, __ATOMIC_RELAXED) != 0) {
		/* Active: from now on a return to 0 means standby. */
		startup_window = false;
		ok = allowed;
	} else {
		ok = allowed && startup_window;
	}
	pthread_mutex_unlock(&mtx);
	return ok;
}

/* Job count and highest job id, under the job read lock (no I/O). */
static void count_jobs(int64_t *jobs, int64_t *last_id)
{
	slurmctld_lock_t job_read = {
		NO_LOCK, READ_LOCK, NO_LOCK, NO_LOCK, NO_LOCK
	};
	job_record_t *job;
	ListIterator it;

	*jobs = 0;
	*last_id = 0;
	if (!lock_slurmctld || !&job_list)
		return;
	lock_slurmctld(job_read);
	if (job_list) {
		*jobs = list_count(job_list);
		it = list_iterator_create(job_list);
		while ((job = list_next(it))) {
			if ((int64_t)job->job_id > *last_id)
				*last_id = job->job_id;
		}
		list_iterator_destroy(it);
	}
	unlock_slurmctld(job_read);
}

/* Log an error once until it changes or clears; NULL clears. */
static void report(const char *msg)
{
	if (!msg) {
		if (last_error[0])
			info("%s: manifest writes work again", ptype);
		last_error[0] = '\0';
		return;
	}
	if (strcmp(msg, last_error)) {
		error("%s: %s", ptype, msg);
		snprintf(last_error, sizeof(last_error), "%s", msg);
	}
}

/*
 * Another controller is active while we are: active.json or the manifest
 * on disk names another host with a newer epoch.  Needs our own epoch,
 * which our primary-on hook records.
 */
static void check_split_brain(time_t now)
{
	fsched_active_t a;
	fsched_manifest_t disk;
	fsched_err_t err;
	char why[768] = "";

	if (fsched_active_read(state_dir, &a, &err) == 0) {
		if (!strcmp(a.host, host) && a.epoch > my_epoch)
			my_epoch = a.epoch;
		else if (my_epoch > 0 && strcmp(a.host, host) &&
			 a.epoch > my_epoch)
			snprintf(why, sizeof(why), "active.json names %s (epoch %lld) while %s (epoch %lld) is active",
				 a.host, (long long)a.epoch, host,
				 (long long)my_epoch);
	}
	if (!why[0] && my_epoch > 0 &&
	    fsched_manifest_read(state_dir, &disk, &err) == 0 &&
	    strcmp(disk.host, host) && disk.epoch > my_epoch)
		snprintf(why, sizeof(why), "manifest.json was written by %s (epoch %lld) at %lld while %s (epoch %lld) is active",
			 disk.host, (long long)disk.epoch,
			 (long long)disk.time, host, (long long)my_epoch);
	if (!why[0])
		return;
	error("%s: split brain suspected: %s", ptype, why);
	if (now - last_split_event >= 300) {
		struct json_object *d = json_object_new_object();

		json_object_object_add(d, "why", json_object_new_string(why));
		if (fsched_event_append(state_dir, fconf.events_max_bytes, now,
					host, "split-brain-suspected", d,
					&err) < 0)
			error("%s: %s", ptype, err.msg);
		json_object_put(d);
		last_split_event = now;
	}
}

/* Write manifest.json (and the marker once).  No slurmctld lock held. */
static void write_manifest(const char *reason)
{
	fsched_manifest_t m;
	fsched_err_t err;
	time_t now;

	memset(&m, 0, sizeof(m));
	count_jobs(&m.jobs, &m.last_job_id);

	pthread_mutex_lock(&write_mtx);
	now = time(NULL);
	check_split_brain(now);
	memcpy(m.cluster_id, cluster_id, sizeof(m.cluster_id));
	snprintf(m.cluster, sizeof(m.cluster), "%s",
		 slurm_conf.cluster_name ? slurm_conf.cluster_name : "");
	snprintf(m.host, sizeof(m.host), "%s", host);
	m.index = my_index;
	m.epoch = my_epoch;
	m.time = now;
	snprintf(m.reason, sizeof(m.reason), "%s", reason);
	fsched_manifest_stat_files(slurm_conf.state_save_location, &m);
	if (fsched_state_dir_prepare(state_dir, &err) < 0 ||
	    fsched_manifest_write(state_dir, &m, &err) < 0) {
		report(err.msg);
		goto out;
	}
	report(NULL);
	if (!marker_written) {
		fsched_marker_t mk = { .time = now };

		memcpy(mk.cluster_id, cluster_id, sizeof(mk.cluster_id));
		snprintf(mk.state_dir, sizeof(mk.state_dir), "%s", state_dir);
		if (fsched_mkdir_p(fconf.local_dir, 0755, &err) < 0 ||
		    fsched_marker_write(fconf.local_dir,
					slurm_conf.cluster_name, &mk,
					&err) < 0)
			error("%s: cannot record this host's marker (the guard will not recognise this host's earlier runs): %s",
			      ptype, err.msg);
		else
			marker_written = true;
	}
out:
	pthread_mutex_unlock(&write_mtx);
}

static void *manifest_thread(void *arg)
{
	fsched_guard_state_t *st;
	fsched_guard_result_t r;
	fsched_err_t err;

	for (;;) {
		struct timespec ts;

		pthread_mutex_lock(&mtx);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += interval;
		while (!thread_stop && !kicked &&
		       pthread_cond_timedwait(&cond, &mtx, &ts) == 0)
			;
		kicked = false;
		st = pending;
		pending = NULL;
		r = pending_result;
		pthread_mutex_unlock(&mtx);
		if (thread_stop) {
			free(st);
			break;
		}
		if (st) {
			pthread_mutex_lock(&write_mtx);
			/*
			 * The start was allowed: on a cluster's very first
			 * start nobody has made the state directory yet.
			 * (A refusal records only into an existing one: it
			 * must not create directories in what may be an
			 * unmounted mount point.)
			 */
			if (fsched_state_dir_prepare(state_dir, &err) < 0 ||
			    fsched_guard_record(&fconf, host, st, &r, &err) < 0)
				error("%s: cannot record the guard's decision: %s",
				      ptype, err.msg);
			pthread_mutex_unlock(&write_mtx);
			free(st);
		}
		if (may_write())
			write_manifest("timer");
	}
	return NULL;
}

/* Load fsched.conf once per start or takeover. */
static int load_conf(void)
{
	fsched_err_t err;
	char *path = fsched_conf_path(slurm_conf.slurm_conf);

	if (!path) {
		error("%s: out of memory", ptype);
		return -1;
	}
	fsched_conf_free(&fconf);
	if (fsched_conf_load(&fconf, path, &err) < 0) {
		error("%s: %s", ptype, err.msg);
		free(path);
		return -1;
	}
	free(path);
	free(state_dir);
	if (!(state_dir = fsched_state_dir(&fconf,
					   slurm_conf.state_save_location))) {
		error("%s: out of memory", ptype);
		return -1;
	}
	return 0;
}

extern int fsched_select_guard(List jobs)
{
	fsched_guard_state_t *st;
	fsched_guard_result_t r;
	fsched_err_t err;
	int64_t loaded = jobs ? list_count(jobs) : 0;

	if (!is_start())
		return SLURM_SUCCESS;
	if (&test_config && test_config) {
		info("%s: configuration test: state guard not run", ptype);
		return SLURM_SUCCESS;
	}
	fsched_log_set_sink(log_sink);
	/* The manifest thread may be writing (a second takeover). */
	pthread_mutex_lock(&write_mtx);
	if (load_conf() < 0) {
		pthread_mutex_unlock(&write_mtx);
		error("%s: state guard refused this start: fsched.conf is invalid (see above); fix it and restart slurmctld",
		      ptype);
		return SLURM_ERROR;
	}
	my_index = (&backup_inx && backup_inx >= 0 &&
		    (uint32_t)backup_inx < slurm_conf.control_cnt) ?
		   backup_inx : 0;
	snprintf(host, sizeof(host), "%s",
		 slurm_conf.control_machine[my_index]);

	if (!(st = calloc(1, sizeof(*st)))) {
		pthread_mutex_unlock(&write_mtx);
		error("%s: out of memory", ptype);
		return SLURM_ERROR;
	}
	fsched_guard_evaluate(&fconf, slurm_conf.state_save_location, state_dir,
			      slurm_conf.cluster_name, slurm_conf.control_cnt,
			      loaded, time(NULL), st, &r);
	if (r.refuse) {
		error("%s: state guard refused this start (%s): %s. Way out: %s",
		      ptype, fsched_guard_code_str(r.code), r.reason,
		      r.remedy);
		/* slurmctld stops next: record now, nothing waits on us. */
		if (fsched_guard_record(&fconf, host, st, &r, &err) < 0)
			error("%s: cannot record the refusal: %s", ptype,
			      err.msg);
		pthread_mutex_unlock(&write_mtx);
		free(st);
		return SLURM_ERROR;
	}
	switch (r.code) {
	case FSCHED_GUARD_ALLOW_OVERRIDE:
		info("%s: state guard: refusal (%s) overridden once by allow-once.json (by %s: %s): %s",
		     ptype, fsched_guard_code_str(r.would),
		     st->allow_once.by, st->allow_once.reason, r.reason);
		break;
	case FSCHED_GUARD_ALLOW_WARN:
		error("%s: state guard (StateGuard=warn) would refuse this start (%s): %s",
		      ptype, fsched_guard_code_str(r.would), r.reason);
		break;
	default:
		info("%s: state guard: start allowed (%s): %s", ptype,
		     fsched_guard_code_str(r.code), r.reason);
		break;
	}

	if (st->facts.manifest) {
		memcpy(cluster_id, st->manifest.cluster_id, sizeof(cluster_id));
	} else if (fsched_cluster_id_new(cluster_id, &err) < 0) {
		pthread_mutex_unlock(&write_mtx);
		error("%s: %s", ptype, err.msg);
		free(st);
		return SLURM_ERROR;
	}
	marker_written = false;
	my_epoch = 0;
	pthread_mutex_unlock(&write_mtx);

	/* Recording and the first manifest happen in the thread. */
	pthread_mutex_lock(&mtx);
	interval = fconf.manifest_interval;
	free(pending);
	pending = st;
	pending_result = r;
	allowed = true;
	startup_window = true;
	kicked = true;
	if (!thread_started) {
		if (pthread_create(&thread, NULL, manifest_thread, NULL)) {
			error("%s: cannot start the manifest thread: %m", ptype);
		} else {
			thread_started = true;
		}
	}
	pthread_cond_signal(&cond);
	pthread_mutex_unlock(&mtx);
	return SLURM_SUCCESS;
}

extern void fsched_select_state_saved(void)
{
	if (running_in_slurmctld() && may_write())
		write_manifest("save");
}

extern void fsched_select_guard_fini(void)
{
	bool join;

	pthread_mutex_lock(&mtx);
	thread_stop = true;
	join = thread_started;
	pthread_cond_signal(&cond);
	pthread_mutex_unlock(&mtx);
	if (join)
		pthread_join(thread, NULL);
	pthread_mutex_lock(&mtx);
	thread_started = false;
	thread_stop = false;
	free(pending);
	pending = NULL;
	pthread_mutex_unlock(&mtx);
	fsched_conf_free(&fconf);
	free(state_dir);
	state_dir = NULL;
}
