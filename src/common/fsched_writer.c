/*
 * fsched_writer.c - the journal writer thread of jobcomp/fsched.
 *
 * Thread model: the queue, the stop/wake flags and the stats are under
 * w->mtx; everything else (index, counters, name cache, error state) is
 * owned by the writer thread.  Records taken off the queue are "in
 * flight" and still count against max_queue, so a failed batch can always
 * be put back at the head.
 */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fsched_active.h"
#include "fsched_counters.h"
#include "fsched_events.h"
#include "fsched_file.h"
#include "fsched_journal.h"
#include "fsched_json.h"
#include "fsched_keyindex.h"
#include "fsched_log.h"
#include "fsched_writer.h"

#define BATCH_MAX	8192	/* records per batch */
#define MAX_GROUPS	8	/* distinct days in one batch */
#define BACKOFF_MIN_MS	1000
#define BACKOFF_MAX_MS	30000
#define COUNTERS_MS	1000	/* counters.json at most this often */
#define EPOCH_MS	5000	/* active.json re-read interval */
#define NAME_CACHE	256
#define STOP_DRAIN_MS	10000	/* longest final drain at stop */

struct name_entry {
	int64_t id;		/* -1: empty */
	char name[64];
};

struct fsched_writer {
	/* configuration, read-only after new() */
	char *journal_dir;
	char *state_dir;
	char *host;
	mode_t file_mode;
	mode_t dir_mode;
	long flush_ms;
	size_t max_queue;
	long index_days;
	long events_max_bytes;
	fsched_writer_ops_t ops;
	void *arg;

	pthread_t thread;
	bool started;

	/* under mtx */
	pthread_mutex_t mtx;
	pthread_cond_t cond;		/* work for the thread */
	pthread_cond_t idle;		/* the thread made progress */
	fsched_jobrec_t **ring;
	size_t head, count, inflight;
	bool stop, wake;
	fsched_writer_stats_t st;
	time_t last_drop_log;
	int64_t drops_unlogged;

	/* writer thread only */
	fsched_jobrec_encoder_t *enc;
	fsched_keyindex_t *index;
	fsched_counters_t counters;
	bool counters_dirty;
	struct timespec counters_at;
	fsched_writer_stats_t folded;	/* stats already in counters */
	bool was_active;
	bool synced;
	int64_t epoch;
	struct timespec epoch_at;
	long backoff_ms;
	struct timespec retry_at;
	char last_err[FSCHED_ERR_MAX];
	char counters_err[FSCHED_ERR_MAX];
	int64_t err_series;
	uint32_t pruned_day;
	struct name_entry users[NAME_CACHE];
	struct name_entry groups[NAME_CACHE];
};

static void now_ts(struct timespec *ts)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
}

static long ms_between(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) * 1000 +
	       (b->tv_nsec - a->tv_nsec) / 1000000;
}

static void add_ms(struct timespec *ts, long ms)
{
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (ms % 1000) * 1000000;
	if (ts->tv_nsec >= 1000000000) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000;
	}
}

static void event(fsched_writer_t *w, const char *name,
		  struct json_object *detail)
{
	fsched_err_t err;

	if (fsched_event_append(w->state_dir, w->events_max_bytes, time(NULL),
				w->host, name, detail, &err) < 0)
		fsched_error("cannot record %s event: %s", name, err.msg);
}

/* A failure of a series: log it once per distinct message. */
static void report_error(fsched_writer_t *w, const char *msg)
{
	w->err_series++;
	if (!strcmp(msg, w->last_err))
		return;
	fsched_error("journal write failed, records kept queued and retried: %s",
		     msg);
	if (!w->last_err[0]) {
		struct json_object *d = json_object_new_object();

		json_object_object_add(d, "error", json_object_new_string(msg));
		event(w, "journal-write-error", d);
		json_object_put(d);
	}
	snprintf(w->last_err, sizeof(w->last_err), "%s", msg);
}

static void report_ok(fsched_writer_t *w)
{
	struct json_object *d;

	w->backoff_ms = 0;
	if (!w->last_err[0])
		return;
	fsched_info("journal writes work again after %lld failed attempts",
		    (long long)w->err_series);
	d = json_object_new_object();
	json_object_object_add(d, "failed_attempts",
			       json_object_new_int64(w->err_series));
	event(w, "journal-write-recovered", d);
	json_object_put(d);
	w->last_err[0] = '\0';
	w->err_series = 0;
}

static void backoff(fsched_writer_t *w)
{
	w->backoff_ms = w->backoff_ms ? w->backoff_ms * 2 : BACKOFF_MIN_MS;
	if (w->backoff_ms > BACKOFF_MAX_MS)
		w->backoff_ms = BACKOFF_MAX_MS;
	now_ts(&w->retry_at);
	add_ms(&w->retry_at, w->backoff_ms);
}

static bool may_retry(fsched_writer_t *w)
{
	struct timespec now;

	if (!w->backoff_ms)
		return true;
	now_ts(&now);
	return ms_between(&w->retry_at, &now) >= 0;
}

/* uid/gid to name through NSS, cached; never under a slurmctld lock. */
static const char *lookup(struct name_entry *cache, int64_t id, bool user)
{
	struct name_entry *e = &cache[(uint64_t)id % NAME_CACHE];
	char buf[4096];

	if (e->id == id)
		return e->name;
	e->id = id;
	e->name[0] = '\0';
	if (user) {
		struct passwd pw, *res = NULL;

		if (getpwuid_r((uid_t)id, &pw, buf, sizeof(buf), &res) == 0 &&
		    res)
			snprintf(e->name, sizeof(e->name), "%s", res->pw_name);
	} else {
		struct group gr, *res = NULL;

		if (getgrgid_r((gid_t)id, &gr, buf, sizeof(buf), &res) == 0 &&
		    res)
			snprintf(e->name, sizeof(e->name), "%s", res->gr_name);
	}
	if (!e->name[0])
		snprintf(e->name, sizeof(e->name), "%lld", (long long)id);
	return e->name;
}

static void refresh_epoch(fsched_writer_t *w, bool force)
{
	struct timespec now;
	fsched_active_t a;
	fsched_err_t err;

	now_ts(&now);
	if (!force && ms_between(&w->epoch_at, &now) < EPOCH_MS)
		return;
	w->epoch_at = now;
	if (fsched_active_read(w->state_dir, &a, &err) == 0 &&
	    !strcmp(a.host, w->host))
		w->epoch = a.epoch;
}

static uint32_t window_start(fsched_writer_t *w, uint32_t today)
{
	uint32_t days = (uint32_t)w->index_days;

	return today >= days ? today - days + 1 : 0;
}

static int write_counters(fsched_writer_t *w, bool force)
{
	struct timespec now;
	fsched_err_t err;

	now_ts(&now);
	if (!w->counters_dirty ||
	    (!force && ms_between(&w->counters_at, &now) < COUNTERS_MS))
		return 0;
	/* Cumulative across processes: add what happened since last time. */
	pthread_mutex_lock(&w->mtx);
	w->counters.queue_depth = (int64_t)(w->count + w->inflight);
	w->counters.dropped += w->st.dropped - w->folded.dropped;
	w->counters.write_errors += w->st.write_errors - w->folded.write_errors;
	w->counters.duplicates += w->st.duplicates - w->folded.duplicates;
	w->folded = w->st;
	pthread_mutex_unlock(&w->mtx);
	w->counters.updated = time(NULL);
	snprintf(w->counters.host, sizeof(w->counters.host), "%s", w->host);
	if (fsched_counters_write(w->state_dir, &w->counters, &err) < 0) {
		/* Retried at the next batch; logged once per distinct error. */
		if (strcmp(err.msg, w->counters_err))
			fsched_error("cannot write counters (retried): %s",
				     err.msg);
		snprintf(w->counters_err, sizeof(w->counters_err), "%s",
			 err.msg);
		w->counters_at = now;
		return -1;
	}
	if (w->counters_err[0])
		fsched_info("counters.json written again");
	w->counters_err[0] = '\0';
	w->counters_at = now;
	w->counters_dirty = false;
	return 0;
}

/* Requeue records at the head of the queue, in their order. */
static void requeue(fsched_writer_t *w, fsched_jobrec_t **recs, size_t n)
{
	pthread_mutex_lock(&w->mtx);
	for (size_t i = n; i-- > 0;) {
		w->head = (w->head + w->max_queue - 1) % w->max_queue;
		w->ring[w->head] = recs[i];
		w->count++;
	}
	w->inflight -= n;
	pthread_mutex_unlock(&w->mtx);
}

struct day_group {
	uint32_t day;
	char *buf;
	size_t len, cap;
	fsched_jobrec_t **recs;
	uint64_t *hashes;
	size_t n;
};

static int group_add(struct day_group *g, fsched_jobrec_t *rec, uint64_t h,
		     const char *line, size_t len, size_t max)
{
	if (g->len + len + 1 > g->cap) {
		size_t cap = (g->len + len + 1) * 2;
		char *nb = realloc(g->buf, cap);

		if (!nb)
			return -1;
		g->buf = nb;
		g->cap = cap;
	}
	if (!g->recs) {
		g->recs = malloc(max * sizeof(*g->recs));
		g->hashes = malloc(max * sizeof(*g->hashes));
		if (!g->recs || !g->hashes)
			return -1;
	}
	memcpy(g->buf + g->len, line, len);
	g->len += len;
	g->buf[g->len++] = '\n';
	g->recs[g->n] = rec;
	g->hashes[g->n++] = h;
	return 0;
}

/*
 * Write a batch of in-flight records.  Returns the number written, or -1
 * if a write failed (the unwritten records are back on the queue).
 */
static int write_batch(fsched_writer_t *w, fsched_jobrec_t **recs, size_t n)
{
	struct day_group groups[MAX_GROUPS];
	fsched_keyindex_t *seen = fsched_keyindex_new();
	size_t ngroups = 0, done = 0, dups = 0, written = 0;
	int64_t now = time(NULL);
	int rc = 0;

	memset(groups, 0, sizeof(groups));
	if (!seen) {
		requeue(w, recs, n);
		return -1;
	}
	refresh_epoch(w, false);
	for (size_t i = 0; i < n; i++) {
		fsched_jobrec_t *r = recs[i];
		struct day_group *g = NULL;
		const char *line;
		size_t len;
		uint32_t day = fsched_day_of(r->end_time ? r->end_time : now);
		uint64_t h;

		fsched_jobrec_key(r, r->run_key, sizeof(r->run_key));
		h = fsched_key_hash(r->run_key);
		if (fsched_keyindex_has(w->index, h) ||
		    fsched_keyindex_has(seen, h)) {
			free(r);
			recs[i] = NULL;
			dups++;
			continue;
		}
		for (size_t k = 0; k < ngroups; k++)
			if (groups[k].day == day)
				g = &groups[k];
		if (!g && ngroups < MAX_GROUPS) {
			g = &groups[ngroups++];
			g->day = day;
		}
		if (!g)
			break;	/* the rest waits for the next batch */
		r->controller = w->host;
		r->epoch = w->epoch;
		r->logged_at = now;
		{
			/* Names from the cache, for the encoding only. */
			char *user = r->user, *group = r->group;

			if (!user)
				r->user = (char *)lookup(w->users, r->user_id,
							 true);
			if (!group)
				r->group = (char *)lookup(w->groups,
							  r->group_id, false);
			line = fsched_jobrec_encode(w->enc, r, &len);
			r->user = user;
			r->group = group;
		}
		if (!line || fsched_keyindex_add(seen, h, day) < 0 ||
		    group_add(g, r, h, line, len, n) < 0)
			break;
		recs[i] = NULL;	/* now owned by its group */
		done = i + 1;
	}
	/* Records not placed in a group go back to the queue. */
	{
		size_t left = 0;

		for (size_t i = done; i < n; i++)
			if (recs[i])
				recs[left++] = recs[i];
		if (left)
			requeue(w, recs, left);
		pthread_mutex_lock(&w->mtx);
		w->inflight -= dups;
		w->st.duplicates += (int64_t)dups;
		pthread_mutex_unlock(&w->mtx);
	}

	for (size_t k = 0; k < ngroups; k++) {
		struct day_group *g = &groups[k];
		char name[FSCHED_JOURNAL_NAME_LEN];
		fsched_err_t err;
		off_t size;

		if (rc < 0) {
			requeue(w, g->recs, g->n);
			continue;
		}
		fsched_journal_name(g->day, name, sizeof(name));
		if (fsched_journal_append(w->journal_dir, name, g->buf, g->len,
					  w->file_mode, &size, &err) < 0) {
			pthread_mutex_lock(&w->mtx);
			w->st.write_errors++;
			pthread_mutex_unlock(&w->mtx);
			report_error(w, err.msg);
			backoff(w);
			requeue(w, g->recs, g->n);
			rc = -1;
			continue;
		}
		for (size_t i = 0; i < g->n; i++) {
			fsched_keyindex_add(w->index, g->hashes[i], g->day);
			fsched_counters_add(&w->counters, g->recs[i]);
			if (g->recs[i]->reconciled) {
				pthread_mutex_lock(&w->mtx);
				w->st.reconciled++;
				pthread_mutex_unlock(&w->mtx);
			}
			free(g->recs[i]);
		}
		fsched_counters_set_pos(&w->counters, name, size);
		w->counters_dirty = true;
		written += g->n;
		pthread_mutex_lock(&w->mtx);
		w->inflight -= g->n;
		w->st.written += (int64_t)g->n;
		pthread_mutex_unlock(&w->mtx);
	}
	for (size_t k = 0; k < MAX_GROUPS; k++) {
		free(groups[k].buf);
		free(groups[k].recs);
		free(groups[k].hashes);
	}
	fsched_keyindex_free(seen);
	if (rc == 0 && written)
		report_ok(w);
	return rc < 0 ? -1 : (int)written;
}

/* Take up to BATCH_MAX queued records and write them. */
static int drain_once(fsched_writer_t *w)
{
	fsched_jobrec_t **batch;
	size_t n;

	pthread_mutex_lock(&w->mtx);
	n = w->count < BATCH_MAX ? w->count : BATCH_MAX;
	if (!n) {
		pthread_mutex_unlock(&w->mtx);
		return 0;
	}
	if (!(batch = malloc(n * sizeof(*batch)))) {
		pthread_mutex_unlock(&w->mtx);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		batch[i] = w->ring[w->head];
		w->head = (w->head + 1) % w->max_queue;
	}
	w->count -= n;
	w->inflight += n;
	pthread_mutex_unlock(&w->mtx);
	n = (size_t)write_batch(w, batch, n);
	free(batch);
	return (int)n;
}

struct sync_scan {
	fsched_writer_t *w;
	fsched_keyindex_t *index;
	uint32_t day;
	bool index_it;
	bool count_it;
	off_t count_from;
};

static int sync_record(void *arg, struct json_object *o,
		       const fsched_jobrec_t *rec, off_t off)
{
	struct sync_scan *s = arg;

	if (s->index_it &&
	    fsched_keyindex_add(s->index, fsched_key_hash(rec->run_key),
				s->day) < 0)
		return -1;
	if (s->count_it && off >= s->count_from)
		fsched_counters_add(&s->w->counters, rec);
	return 0;
}

/* Reconcile: write finished jobs of the job list missing from the journal. */
static void reconcile(fsched_writer_t *w)
{
	fsched_jobrec_t **recs = NULL;
	size_t n = 0, queued = 0;

	if (!w->ops.finished_jobs || w->ops.finished_jobs(w->arg, &recs, &n) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		fsched_jobrec_t *r = recs[i];

		fsched_jobrec_key(r, r->run_key, sizeof(r->run_key));
		if (fsched_keyindex_has(w->index, fsched_key_hash(r->run_key))) {
			free(r);
			continue;
		}
		r->reconciled = true;
		if (fsched_writer_enqueue(w, r) == 0)
			queued++;
	}
	free(recs);
	if (queued) {
		struct json_object *d = json_object_new_object();

		fsched_info("reconciliation: %zu finished job runs missing from the journal will be written",
			    queued);
		json_object_object_add(d, "runs",
				       json_object_new_int64((int64_t)queued));
		event(w, "journal-reconciled", d);
		json_object_put(d);
	}
}

/*
 * Sync after becoming active: index, torn tails, counters, reconcile.
 * Returns 0, or -1 (retried later) when the journal cannot be read.
 */
static int sync_state(fsched_writer_t *w)
{
	uint32_t today = fsched_day_of(time(NULL));
	uint32_t win = window_start(w, today), from;
	fsched_keyindex_t *ix = fsched_keyindex_new();
	fsched_counters_t fresh;
	char **names = NULL;
	size_t count = 0;
	fsched_err_t err;
	int rc = -1;

	if (!ix || fsched_counters_init(&fresh) < 0) {
		fsched_keyindex_free(ix);
		return -1;
	}
	/* Nobody else may have made the state directory yet. */
	if (fsched_mkdir_p(w->state_dir, 0755, &err) < 0 ||
	    fsched_mkdir_p(w->journal_dir, w->dir_mode, &err) < 0) {
		report_error(w, err.msg);
		goto out;
	}
	if (fsched_counters_read(w->state_dir, &fresh, &err) < 0) {
		fsched_counters_free(&fresh);
		fsched_counters_init(&fresh);
		if (err.errnum != ENOENT) {
			struct json_object *d = json_object_new_object();

			fsched_error("%s: counting the whole journal again", err.msg);
			json_object_object_add(d, "error",
					       json_object_new_string(err.msg));
			event(w, "counters-rebuilt", d);
			json_object_put(d);
		}
	}
	from = fresh.counted_before_day < win ? fresh.counted_before_day : win;
	if (fsched_journal_list(w->journal_dir, from, UINT32_MAX, &names,
				&count, &err) < 0) {
		report_error(w, err.msg);
		goto out;
	}
	fsched_counters_free(&w->counters);
	w->counters = fresh;
	memset(&fresh, 0, sizeof(fresh));
	/* The file's totals stand; count our events from now on. */
	pthread_mutex_lock(&w->mtx);
	w->folded = w->st;
	pthread_mutex_unlock(&w->mtx);
	for (size_t i = 0; i < count; i++) {
		struct sync_scan s = { .w = w, .index = ix };
		char path[4096];
		off_t end;

		if (fsched_journal_parse_name(names[i], &s.day) < 0)
			continue;
		s.index_it = s.day >= win;
		s.count_it = s.day >= w->counters.counted_before_day;
		s.count_from = fsched_counters_pos(&w->counters, names[i]);
		if (s.index_it) {
			char *torn = NULL;
			ssize_t cut = fsched_journal_repair(w->journal_dir,
							    names[i], &torn,
							    &err);

			if (cut > 0) {
				struct json_object *d = json_object_new_object();

				fsched_info("%s/%s: removed a torn last line of %zd bytes (a crash during a write)",
					    w->journal_dir, names[i], cut);
				fsched_json_add_string(d, "file", names[i]);
				json_object_object_add(d, "bytes_removed",
						json_object_new_int64(cut));
				fsched_json_add_string(d, "torn", torn);
				event(w, "journal-repaired", d);
				json_object_put(d);
			} else if (cut < 0) {
				report_error(w, err.msg);
			}
			free(torn);
		}
		if (!s.index_it && !s.count_it)
			continue;
		snprintf(path, sizeof(path), "%s/%s", w->journal_dir, names[i]);
		if (fsched_journal_scan(path, s.index_it ? 0 : s.count_from,
					NULL, sync_record, &s, NULL, &end,
					&err) < 0) {
			report_error(w, err.msg);
			goto out;
		}
		if (s.count_it)
			fsched_counters_set_pos(&w->counters, names[i], end);
	}
	if (win > w->counters.counted_before_day)
		fsched_counters_forget_before(&w->counters, win);
	fsched_keyindex_free(w->index);
	w->index = ix;
	ix = NULL;
	w->pruned_day = today;
	w->counters_dirty = true;
	write_counters(w, true);
	refresh_epoch(w, true);
	reconcile(w);
	pthread_mutex_lock(&w->mtx);
	w->st.syncs++;
	pthread_mutex_unlock(&w->mtx);
	rc = 0;
out:
	fsched_journal_list_free(names);
	fsched_keyindex_free(ix);
	fsched_counters_free(&fresh);
	return rc;
}

/* A new UTC day: forget keys and positions that left the window. */
static void day_change(fsched_writer_t *w)
{
	uint32_t today = fsched_day_of(time(NULL));
	uint32_t win;

	if (today == w->pruned_day)
		return;
	win = window_start(w, today);
	if (fsched_keyindex_prune(w->index, win) == 0) {
		fsched_counters_forget_before(&w->counters, win);
		w->counters_dirty = true;
		w->pruned_day = today;
	}
}

static void *writer_main(void *arg)
{
	fsched_writer_t *w = arg;

	for (;;) {
		struct timespec deadline;
		bool stopping, active;

		pthread_mutex_lock(&w->mtx);
		clock_gettime(CLOCK_REALTIME, &deadline);
		add_ms(&deadline, w->backoff_ms && w->backoff_ms < w->flush_ms ?
				  w->backoff_ms : w->flush_ms);
		while (!w->stop && !w->wake && (w->count == 0 || !may_retry(w)))
			if (pthread_cond_timedwait(&w->cond, &w->mtx,
						   &deadline) == ETIMEDOUT)
				break;
		w->wake = false;
		stopping = w->stop;
		pthread_mutex_unlock(&w->mtx);

		active = w->ops.is_active(w->arg);
		if (active && !w->was_active)
			w->synced = false;
		w->was_active = active;
		if (active && !w->synced && may_retry(w)) {
			if (sync_state(w) == 0) {
				w->synced = true;
			} else {
				backoff(w);
			}
		}
		if (active && w->synced) {
			struct timespec t0, now;

			day_change(w);
			/*
			 * While stopping, keep going as long as it progresses,
			 * for at most STOP_DRAIN_MS: slurmctld's exit must not
			 * wait on a slow file system (what is left is
			 * reconciled by the next controller).
			 */
			now_ts(&t0);
			while (may_retry(w) && drain_once(w) > 0 && stopping) {
				now_ts(&now);
				if (ms_between(&t0, &now) >= STOP_DRAIN_MS)
					break;
			}
		}
		pthread_mutex_lock(&w->mtx);
		w->st.synced = w->synced;
		pthread_cond_broadcast(&w->idle);
		pthread_mutex_unlock(&w->mtx);
		if (w->synced)
			write_counters(w, stopping);
		if (stopping)
			break;
	}
	return NULL;
}

fsched_writer_t *fsched_writer_new(const fsched_writer_cfg_t *cfg,
				   const fsched_writer_ops_t *ops, void *arg,
				   fsched_err_t *err)
{
	fsched_writer_t *w = calloc(1, sizeof(*w));

	if (!w) {
		fsched_err_sys(err, ENOMEM, "journal writer");
		return NULL;
	}
	w->journal_dir = strdup(cfg->journal_dir);
	w->state_dir = strdup(cfg->state_dir);
	w->host = strdup(cfg->host);
	w->max_queue = cfg->max_queue > 0 ? (size_t)cfg->max_queue : 1;
	w->ring = calloc(w->max_queue, sizeof(*w->ring));
	if (!w->journal_dir || !w->state_dir || !w->host || !w->ring ||
	    !(w->index = fsched_keyindex_new()) ||
	    !(w->enc = fsched_jobrec_encoder_new()) ||
	    fsched_counters_init(&w->counters) < 0) {
		fsched_err_sys(err, ENOMEM, "journal writer");
		fsched_writer_free(w);
		return NULL;
	}
	w->file_mode = cfg->file_mode & 0666;
	/* Directories: searchable by whoever may read the files. */
	w->dir_mode = 0700 | (w->file_mode & 0066) |
		      ((w->file_mode & 0044) >> 2);
	w->flush_ms = cfg->flush_ms > 0 ? cfg->flush_ms : 100;
	w->index_days = cfg->index_days > 0 ? cfg->index_days : 3;
	w->events_max_bytes = cfg->events_max_bytes > 0 ?
			      cfg->events_max_bytes : (1L << 20);
	w->ops = *ops;
	w->arg = arg;
	for (int i = 0; i < NAME_CACHE; i++)
		w->users[i].id = w->groups[i].id = -1;
	pthread_mutex_init(&w->mtx, NULL);
	pthread_cond_init(&w->cond, NULL);
	pthread_cond_init(&w->idle, NULL);
	return w;
}

int fsched_writer_start(fsched_writer_t *w, fsched_err_t *err)
{
	int rc = pthread_create(&w->thread, NULL, writer_main, w);

	if (rc)
		return fsched_err_sys(err, rc, "cannot start the journal writer thread");
	w->started = true;
	return 0;
}

int fsched_writer_enqueue(fsched_writer_t *w, fsched_jobrec_t *rec)
{
	time_t now;

	pthread_mutex_lock(&w->mtx);
	if (w->count + w->inflight >= w->max_queue) {
		w->st.dropped++;
		w->drops_unlogged++;
		now = time(NULL);
		if (now - w->last_drop_log >= 10) {
			/* Loud, but at most every 10 s under the lock. */
			fsched_error("journal queue full (JournalMaxQueue=%zu): %lld job completion records DROPPED, %lld in total; is the journal storage failing or too slow?",
				     w->max_queue, (long long)w->drops_unlogged,
				     (long long)w->st.dropped);
			w->last_drop_log = now;
			w->drops_unlogged = 0;
		}
		pthread_mutex_unlock(&w->mtx);
		free(rec);
		return -1;
	}
	w->ring[(w->head + w->count) % w->max_queue] = rec;
	w->count++;
	w->st.enqueued++;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->mtx);
	return 0;
}

void fsched_writer_wake(fsched_writer_t *w)
{
	pthread_mutex_lock(&w->mtx);
	w->wake = true;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->mtx);
}

void fsched_writer_get_stats(fsched_writer_t *w, fsched_writer_stats_t *s)
{
	pthread_mutex_lock(&w->mtx);
	*s = w->st;
	s->queue_depth = w->count + w->inflight;
	pthread_mutex_unlock(&w->mtx);
}

bool fsched_writer_flush(fsched_writer_t *w, long timeout_ms)
{
	struct timespec deadline;
	bool empty;

	clock_gettime(CLOCK_REALTIME, &deadline);
	add_ms(&deadline, timeout_ms);
	pthread_mutex_lock(&w->mtx);
	w->wake = true;
	pthread_cond_signal(&w->cond);
	/* Empty, and synced if active (reconciliation queues records). */
	while ((w->count + w->inflight > 0 ||
		(!w->st.synced && w->ops.is_active(w->arg))) &&
	       pthread_cond_timedwait(&w->idle, &w->mtx, &deadline) == 0)
		;
	empty = (w->count + w->inflight == 0) &&
		(w->st.synced || !w->ops.is_active(w->arg));
	pthread_mutex_unlock(&w->mtx);
	return empty;
}

void fsched_writer_free(fsched_writer_t *w)
{
	if (!w)
		return;
	if (w->started) {
		pthread_mutex_lock(&w->mtx);
		w->stop = true;
		pthread_cond_signal(&w->cond);
		pthread_mutex_unlock(&w->mtx);
		pthread_join(w->thread, NULL);
		pthread_mutex_destroy(&w->mtx);
		pthread_cond_destroy(&w->cond);
		pthread_cond_destroy(&w->idle);
	}
	if (w->ring) {
		for (size_t i = 0; i < w->count; i++)
			free(w->ring[(w->head + i) % w->max_queue]);
		free(w->ring);
	}
	fsched_keyindex_free(w->index);
	fsched_jobrec_encoder_free(w->enc);
	fsched_counters_free(&w->counters);
	free(w->journal_dir);
	free(w->state_dir);
	free(w->host);
	free(w);
}
