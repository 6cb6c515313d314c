/*
 * jobcomp_fsched.c - jobcomp/fsched: a durable JSON journal of finished
 * job runs in the shared state directory, exactly one record per run
 * across any number of failovers, readable with "sacct -c".
 *
 * Glue only: the journal writer, key index, counters and query logic are
 * in libfsched (fsched_writer.h, fsched_journal.h, fsched_query.h).
 *
 * - jobcomp_p_log_record() runs with slurmctld's job and node write locks
 *   held (and jobcomp's own context mutex): it copies the job's fields
 *   into one allocation and queues it.  No I/O, no NSS lookup, no lock of
 *   slurmctld's.
 * - jobcomp_p_set_location() runs inside read_slurm_conf() at every
 *   start, takeover and reconfigure (config write lock held): in
 *   slurmctld it starts the writer thread once.
 * - The writer thread calls back into finished_jobs() to reconcile after a
 *   start or takeover: that takes the job read lock itself (the only lock
 *   this plugin ever takes), copies, releases, and only then does I/O.
 * - jobcomp_p_get_jobs() serves sacct -c in the sacct process, where no
 *   slurmctld symbol exists.
 */
#include "config.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "slurm/slurm.h"
#include "slurm/slurm_errno.h"
#include "slurm/slurmdb.h"

#include "src/common/slurm_xlator.h"	/* error() is slurm_error() */
#include "src/common/list.h"
#include "src/common/log.h"
#include "src/common/read_config.h"
#include "src/common/run_in_daemon.h"
#include "src/common/slurm_jobcomp.h"
#include "src/common/slurm_protocol_defs.h"
#include "src/common/xmalloc.h"
#include "src/common/xstring.h"
#include "src/slurmctld/locks.h"
#include "src/slurmctld/slurmctld.h"

#include "fsched_conf.h"
#include "fsched_journal.h"
#include "fsched_log.h"
#include "slurm_log_sink.h"
#include "fsched_query.h"
#include "fsched_record.h"
#include "fsched_state.h"
#include "fsched_writer.h"

const char plugin_name[] = "fsched: durable JSON journal of job runs";
const char plugin_type[] = "jobcomp/fsched";
const uint32_t plugin_version = SLURM_VERSION_NUMBER;

/* slurmctld-only symbols: weak, absent in sacct (address NULL). */
extern time_t control_time;
extern int backup_inx;
extern bool test_config;
#pragma weak control_time
#pragma weak backup_inx
#pragma weak test_config
#pragma weak slurmctld_config
#pragma weak job_list
#pragma weak lock_slurmctld
#pragma weak unlock_slurmctld

/* Slurm's default JobCompLoc, which means "not set" for a directory. */
#define SLURM_DEFAULT_JOB_COMP_LOC "/var/log/slurm_jobcomp.log"

static pthread_mutex_t mtx = PTHREAD_MUTEX_INITIALIZER;
static fsched_writer_t *writer;		/* under mtx; slurmctld only */
static char *journal_dir;		/* under mtx, owned */
static fsched_conf_t fconf;		/* under mtx */

static void log_sink(enum fsched_log_level level, const char *msg)
{
	fsched_slurm_log(plugin_type, level, msg);
}

/*
 * Fill rec with borrowed pointers into job (caller holds the job lock).
 * now: time used when the job has no end time yet (resize records).
 */
static void capture(job_record_t *job, fsched_jobrec_t *r, time_t now)
{
	uint32_t base = job->job_state & JOB_STATE_BASE;

	fsched_jobrec_init(r);
	r->cluster = slurm_conf.cluster_name;
	r->user = job->user_name;
	r->account = job->account;
	r->partition = job->partition;
	r->qos = job->qos_ptr ? job->qos_ptr->name : NULL;
	r->name = job->name;
	r->nodes = job->nodes;
	r->tres_req = job->tres_fmt_req_str;
	r->tres_alloc = job->tres_fmt_alloc_str;
	r->reservation = job->resv_name;
	if (job->details) {
		r->work_dir = job->details->work_dir;
		r->submit_time = job->details->submit_time;
		r->eligible_time = job->details->begin_time;
	}
	r->job_id = job->job_id;
	if (job->array_task_id != NO_VAL) {
		r->array_job_id = job->array_job_id;
		r->array_task_id = job->array_task_id;
	}
	if (job->het_job_id) {
		r->het_job_id = job->het_job_id;
		r->het_job_offset = job->het_job_offset;
	}
	r->user_id = job->user_id;
	r->group_id = job->group_id;
	r->state_code = base;
	/* state_code is what sacct -s compares (job_state_num()). */
	if (IS_JOB_RESIZING(job)) {
		r->state = "RESIZING";
		r->state_code = JOB_RESIZING;
		r->resize_time = job->resize_time ? job->resize_time : now;
	} else if (job->job_state & JOB_REQUEUE) {
		r->state = "REQUEUED";
		r->state_code = JOB_REQUEUE;
	} else {
		r->state = job_state_string(base);
	}
	r->exit_status = (job->exit_code == NO_VAL) ?
			 -1 : (int64_t)job->exit_code;
	r->derived_status = (job->derived_ec == NO_VAL) ?
			    -1 : (int64_t)job->derived_ec;
	/* A job that never got nodes never started: its run has start 0. */
	if (job->nodes && job->nodes[0])
		r->start_time = job->start_time;
	r->end_time = job->end_time ? job->end_time : now;
	if (r->resize_time)
		r->end_time = r->resize_time;
	if (job->time_limit == INFINITE)
		r->time_limit = FSCHED_UNLIMITED;
	else if (job->time_limit == NO_VAL && job->part_ptr)
		r->time_limit = (job->part_ptr->max_time == INFINITE) ?
				FSCHED_UNLIMITED :
				(int64_t)job->part_ptr->max_time;
	else if (job->time_limit != NO_VAL)
		r->time_limit = job->time_limit;
	r->node_count = job->node_cnt;
	r->cpus = job->total_cpus;
	r->restart_count = job->restart_cnt;
}

/* Writer callback: is this slurmctld the active controller? */
static bool is_active(void *arg)
{
	return &control_time && control_time != 0;
}

/*
 * Writer callback (writer thread, no lock held on entry): copies of the
 * finished jobs in the job list, for reconciliation.
 */
static int finished_jobs(void *arg, fsched_jobrec_t ***out, size_t *n)
{
	slurmctld_lock_t job_read = {
		READ_LOCK, READ_LOCK, NO_LOCK, READ_LOCK, NO_LOCK
	};
	fsched_jobrec_t **v = NULL;
	size_t cnt = 0, cap = 0;
	job_record_t *job;
	ListIterator it;
	time_t now = time(NULL);
	int rc = 0;

	*out = NULL;
	*n = 0;
	if (!lock_slurmctld || !&job_list)
		return -1;
	lock_slurmctld(job_read);
	if (!job_list) {
		unlock_slurmctld(job_read);
		return -1;
	}
	it = list_iterator_create(job_list);
	while ((job = list_next(it))) {
		fsched_jobrec_t tmpl, *copy;

		if (!IS_JOB_FINISHED(job) || IS_JOB_RESIZING(job))
			continue;
		if (cnt == cap) {
			fsched_jobrec_t **nv = realloc(v, (cap = cap ? cap * 2 : 64) *
							  sizeof(*v));
			if (!nv) {
				rc = -1;
				break;
			}
			v = nv;
		}
		capture(job, &tmpl, now);
		if (!(copy = fsched_jobrec_dup(&tmpl))) {
			rc = -1;
			break;
		}
		v[cnt++] = copy;
	}
	list_iterator_destroy(it);
	unlock_slurmctld(job_read);
	if (rc < 0) {
		for (size_t i = 0; i < cnt; i++)
			free(v[i]);
		free(v);
		return -1;
	}
	*out = v;
	*n = cnt;
	return 0;
}

/*
 * Read fsched.conf and work out the journal directory: JobCompLoc if set,
 * else <state dir>/jobcomp.  Caller holds mtx.
 */
static int configure(const char *location)
{
	fsched_err_t err;
	char *path = fsched_conf_path(slurm_conf.slurm_conf), *sdir, *dir;

	fsched_conf_free(&fconf);
	if (!path || fsched_conf_load(&fconf, path, &err) < 0) {
		/* Keep journaling with the defaults rather than lose runs. */
		error("%s: %s; using the defaults", plugin_type,
		      path ? err.msg : "out of memory");
	}
	free(path);
	if (location && location[0] &&
	    strcmp(location, SLURM_DEFAULT_JOB_COMP_LOC)) {
		if (location[0] != '/') {
			error("%s: JobCompLoc must be an absolute directory, not \"%s\"",
			      plugin_type, location);
			return -1;
		}
		dir = strdup(location);
	} else {
		if (!(sdir = fsched_state_dir(&fconf,
					      slurm_conf.state_save_location)))
			return -1;
		dir = fsched_path(sdir, FSCHED_JOURNAL_DIR);
		free(sdir);
	}
	if (!dir)
		return -1;
	free(journal_dir);
	journal_dir = dir;
	return 0;
}

static int start_writer(void)
{
	fsched_writer_ops_t ops = {
		.is_active = is_active,
		.finished_jobs = finished_jobs,
	};
	fsched_writer_cfg_t cfg = { 0 };
	fsched_err_t err;
	char *sdir;
	int idx = (&backup_inx && backup_inx >= 0 &&
		   (uint32_t)backup_inx < slurm_conf.control_cnt) ?
		  backup_inx : 0;
	int rc = -1;

	if (!(sdir = fsched_state_dir(&fconf, slurm_conf.state_save_location)))
		return -1;
	cfg.journal_dir = journal_dir;
	cfg.state_dir = sdir;
	cfg.host = slurm_conf.control_machine[idx];
	cfg.file_mode = (mode_t)fconf.journal_file_mode;
	cfg.flush_ms = fconf.journal_flush_ms;
	cfg.max_queue = fconf.journal_max_queue;
	cfg.index_days = fconf.journal_index_days;
	cfg.events_max_bytes = fconf.events_max_bytes;
	if (!(writer = fsched_writer_new(&cfg, &ops, NULL, &err)) ||
	    fsched_writer_start(writer, &err) < 0) {
		error("%s: %s", plugin_type, err.msg);
		fsched_writer_free(writer);
		writer = NULL;
		goto out;
	}
	info("%s: journal in %s (files mode %04o, flush %ld ms, queue %ld records)",
	     plugin_type, journal_dir, (unsigned)cfg.file_mode, cfg.flush_ms,
	     cfg.max_queue);
	rc = 0;
out:
	free(sdir);
	return rc;
}

extern int init(void)
{
	return SLURM_SUCCESS;
}

extern int fini(void)
{
	pthread_mutex_lock(&mtx);
	/* Writes what is queued (if still active) before it returns. */
	fsched_writer_free(writer);
	writer = NULL;
	free(journal_dir);
	journal_dir = NULL;
	fsched_conf_free(&fconf);
	pthread_mutex_unlock(&mtx);
	return SLURM_SUCCESS;
}

#ifdef FSCHED_HAVE_BUG_17032
/*
 * Slurm bug 17032 (fixed in 23.02.4): when a backup takes over, its
 * standby signal thread has set slurmctld_config.shutdown_time (that is
 * how run_backup() stops it), and read_slurm_conf() then calls
 * sched_g_init(), whose main scheduler thread exits at once because
 * shutdown_time is still set: only backfill starts jobs afterwards.
 * 22.05 clears shutdown_time right AFTER read_slurm_conf(); upstream's fix
 * clears it before.  read_slurm_conf() calls jobcomp_g_init(), hence this
 * function, immediately before sched_g_init(): clearing it here is
 * upstream's fix, moved by a few instructions, and masks no shutdown
 * request that 22.05 would not clear anyway.  Only on the set_location of
 * a start or takeover (control_time == 0) of a process whose
 * shutdown_time is set, i.e. a takeover.  MitigateBug17032=no disables it.
 */
static void mitigate_bug_17032(void)
{
	if (!fconf.mitigate_bug_17032 || !&control_time || control_time ||
	    !&slurmctld_config || !slurmctld_config.shutdown_time ||
	    (&test_config && test_config))
		return;
	info("%s: takeover: clearing the standby shutdown time before the scheduler starts, so that the main scheduler runs (Slurm bug 17032, MitigateBug17032)",
	     plugin_type);
	slurmctld_config.shutdown_time = 0;
}
#endif

/*
 * Called by read_slurm_conf() at every start, takeover and reconfigure of
 * slurmctld (config write lock held), and by sacct -c.
 */
extern int jobcomp_p_set_location(char *location)
{
	int rc = SLURM_SUCCESS;

	pthread_mutex_lock(&mtx);
	if (running_in_slurmctld()) {
		fsched_log_set_sink(log_sink);
		if (writer) {
			/* Reconfigure or takeover: the writer stays. */
			if (location && journal_dir &&
			    strcmp(location, SLURM_DEFAULT_JOB_COMP_LOC) &&
			    strcmp(location, journal_dir))
				info("%s: JobCompLoc changed to %s; the journal stays in %s until slurmctld restarts",
				     plugin_type, location, journal_dir);
			fsched_writer_wake(writer);
		} else if (configure(location) < 0 || start_writer() < 0) {
			rc = SLURM_ERROR;
		}
#ifdef FSCHED_HAVE_BUG_17032
		mitigate_bug_17032();
#endif
	} else if (configure(location) < 0) {
		rc = SLURM_ERROR;
	}
	pthread_mutex_unlock(&mtx);
	return rc;
}

/*
 * Called with slurmctld's job and node write locks held: copy and queue,
 * nothing else.
 */
extern int jobcomp_p_log_record(job_record_t *job_ptr)
{
	fsched_jobrec_t tmpl, *copy;
	fsched_writer_t *w;

	pthread_mutex_lock(&mtx);
	w = writer;
	pthread_mutex_unlock(&mtx);
	if (!w) {
		error("%s: journal writer not running: %pJ not recorded",
		      plugin_type, job_ptr);
		return SLURM_ERROR;
	}
	capture(job_ptr, &tmpl, time(NULL));
	if (!(copy = fsched_writer_dup(w, &tmpl))) {
		error("%s: out of memory: %pJ not recorded", plugin_type,
		      job_ptr);
		return SLURM_ERROR;
	}
	return fsched_writer_enqueue(w, copy) == 0 ? SLURM_SUCCESS :
						      SLURM_ERROR;
}

/* sacct -c: build the query from sacct's job condition. */
struct get_ctx {
	fsched_query_t q;
	List out;
	size_t matched;
};

static void add_int(int64_t **v, size_t *n, const char *s)
{
	char *end;
	long long x = strtoll(s, &end, 10);

	if (*s && !*end) {
		*v = xrealloc(*v, (*n + 1) * sizeof(**v));
		(*v)[(*n)++] = x;
	}
}

static void add_str(char ***v, size_t *n, char *s)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = s;
}

static void build_query(slurmdb_job_cond_t *c, fsched_query_t *q)
{
	ListIterator it;
	void *x;

	memset(q, 0, sizeof(*q));
	if (!c)
		return;
	if (c->step_list && list_count(c->step_list)) {
		it = list_iterator_create(c->step_list);
		while ((x = list_next(it))) {
			slurm_selected_step_t *s = x;
			fsched_query_job_t *j;

			q->jobs = xrealloc(q->jobs, (q->njobs + 1) *
						    sizeof(*q->jobs));
			j = &q->jobs[q->njobs++];
			j->job_id = s->step_id.job_id;
			j->array_task_id = (s->array_task_id == NO_VAL) ?
					   -1 : (int64_t)s->array_task_id;
			j->het_offset = (s->het_job_offset == NO_VAL) ?
					-1 : (int64_t)s->het_job_offset;
		}
		list_iterator_destroy(it);
	}
#define EACH(list, stmt)						\
	if ((list) && list_count(list)) {				\
		it = list_iterator_create(list);			\
		while ((x = list_next(it)))				\
			stmt;						\
		list_iterator_destroy(it);				\
	}
	EACH(c->userid_list, add_int(&q->uids, &q->nuids, x));
	EACH(c->groupid_list, add_int(&q->gids, &q->ngids, x));
	EACH(c->state_list, add_int(&q->states, &q->nstates, x));
	EACH(c->partition_list, add_str(&q->partitions, &q->npartitions, x));
	EACH(c->cluster_list, add_str(&q->clusters, &q->nclusters, x));
#undef EACH
	q->start = c->usage_start;
	q->end = c->usage_end;
}

static void free_query(fsched_query_t *q)
{
	xfree(q->jobs);
	xfree(q->uids);
	xfree(q->gids);
	xfree(q->states);
	xfree(q->partitions);
	xfree(q->clusters);
}

static char *time_str(int64_t t)
{
	struct tm tm;
	time_t tt = (time_t)t;
	char buf[32];

	if (!t)
		return xstrdup("Unknown");
	localtime_r(&tt, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	return xstrdup(buf);
}

static bool prefilter(void *arg, const char *line, size_t len)
{
	return fsched_query_prefilter(&((struct get_ctx *)arg)->q, line, len);
}

/* One matching journal record to sacct's jobcomp_job_rec_t. */
static int collect(void *arg, struct json_object *o,
		   const fsched_jobrec_t *r, off_t off)
{
	struct get_ctx *g = arg;
	jobcomp_job_rec_t *j;
	char ec[32];

	if (!fsched_query_match(&g->q, r))
		return 0;
	j = xmalloc(sizeof(*j));
	j->jobid = (uint32_t)r->job_id;
	j->partition = xstrdup(r->partition);
	j->start_time = time_str(r->start_time);
	j->end_time = time_str(r->end_time);
	j->elapsed_time = (r->start_time && r->end_time > r->start_time) ?
			  r->end_time - r->start_time : 0;
	j->uid = (uint32_t)r->user_id;
	j->uid_name = xstrdup(r->user);
	j->gid = (uint32_t)r->group_id;
	j->gid_name = xstrdup(r->group);
	j->node_cnt = (uint32_t)r->node_count;
	j->proc_cnt = (uint32_t)r->cpus;
	j->nodelist = xstrdup(r->nodes);
	j->jobname = xstrdup(r->name);
	j->state = xstrdup(r->state);
	if (r->time_limit == FSCHED_UNLIMITED)
		j->timelimit = xstrdup("UNLIMITED");
	else
		j->timelimit = xstrdup_printf("%lld", (long long)r->time_limit);
	j->work_dir = xstrdup(r->work_dir);
	j->resv_name = xstrdup(r->reservation);
	j->tres_fmt_req_str = xstrdup(r->tres_req);
	j->account = xstrdup(r->account);
	j->qos_name = xstrdup(r->qos);
	j->cluster = xstrdup(r->cluster);
	j->submit_time = time_str(r->submit_time);
	j->eligible_time = time_str(r->eligible_time);
	fsched_exit_code_str(r->exit_status, ec, sizeof(ec));
	j->exit_code = xstrdup(ec);
	fsched_exit_code_str(r->derived_status, ec, sizeof(ec));
	j->derived_ec = xstrdup(ec);
	list_append(g->out, j);
	g->matched++;
	return 0;
}

extern List jobcomp_p_get_jobs(slurmdb_job_cond_t *job_cond)
{
	struct get_ctx g = { .out = list_create(jobcomp_destroy_job) };
	char **names = NULL, *dir;
	size_t count = 0, corrupt = 0, files_read = 0;
	uint32_t from, to;
	fsched_err_t err;

	pthread_mutex_lock(&mtx);
	if (!journal_dir)
		configure(slurm_conf.job_comp_loc);
	dir = journal_dir ? xstrdup(journal_dir) : NULL;
	pthread_mutex_unlock(&mtx);
	if (!dir) {
		error("%s: no journal directory", plugin_type);
		return g.out;
	}
	build_query(job_cond, &g.q);
	fsched_query_days(&g.q, time(NULL), &from, &to);
	debug("%s: query: %zu job ids (first %lld), %zu users, %zu groups, %zu partitions, %zu states, %zu clusters, ended in [%lld, %lld], days %u-%u",
	      plugin_type, g.q.njobs,
	      g.q.njobs ? (long long)g.q.jobs[0].job_id : -1LL, g.q.nuids,
	      g.q.ngids, g.q.npartitions, g.q.nstates, g.q.nclusters,
	      (long long)g.q.start, (long long)g.q.end, from, to);
	if (fsched_journal_list(dir, from, to, &names, &count, &err) < 0) {
		error("%s: %s", plugin_type, err.msg);
		goto out;
	}
	for (size_t i = 0; i < count; i++) {
		char *path = xstrdup_printf("%s/%s", dir, names[i]);

		if (fsched_journal_scan(path, 0, prefilter, collect, &g,
					&corrupt, NULL, &err) < 0)
			error("%s: %s", plugin_type, err.msg);
		else
			files_read++;
		xfree(path);
	}
	if (corrupt)
		error("%s: skipped %zu corrupt journal lines in %s", plugin_type,
		      corrupt, dir);
	debug("%s: %zu runs from %zu of the journal files in %s", plugin_type,
	      g.matched, files_read, dir);
out:
	fsched_journal_list_free(names);
	free_query(&g.q);
	xfree(dir);
	return g.out;
}
