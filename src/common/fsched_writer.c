/*
 * fsched_writer.c - the journal writer thread of jobcomp/fsched.
 *
 * Thread model: the queue, the stop/wake flags and the stats are under
 * w->mtx; everything else (index, counters, name cache, error state,
 * reconciliation backlog, pending cut-backs) is owned by the writer
 * thread.  Records taken off the queue are "in flight" and still count
 * against max_queue, so a failed batch can always be put back at the head.
 * fsched_writer_enqueue() runs under slurmctld's job write lock: it only
 * counts a drop; the writer thread logs drops (report_drops()).
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
#define MAX_CUTS	16	/* files with a pending cut-back */
#define ERR_REPEAT_MS	60000	/* the same failure logged again after */
#define DROP_REPEAT_MS	60000	/* "still dropping" at most this often */
#define DROP_RESTART_MS	10000	/* a new "dropping" line at most this often */
#define DROP_QUIET_MS	1000	/* no drop for this long: dropping stopped */

struct name_entry {
	int64_t id;		/* -1: empty */
	char name[64];
};

/*
 * A journal file that holds bytes of a failed batch beyond `size` (its cut
 * back failed): cut before anything else is appended to it.
 */
struct cut_back {
	uint32_t day;
	off_t size;		/* -1: free slot */
};

/*
 * Record pool: classes of 1, 2 and 4 KiB (a usual record takes 600-900
 * bytes: the struct and its strings); bigger records are malloc()ed and
 * free()d.  At most POOL_BYTES of free buffers are kept.
 */
#define POOL_CLASSES 3
#define POOL_MIN_SHIFT 10
#define POOL_BYTES (16L << 20)

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
	fsched_writer_stats_t st;	/* st.backlog mirrors backlog_n */

	/*
	 * The record pool (fsched_writer_dup()): free buffers of each size
	 * class, LIFO, linked through their first bytes; pool_bytes in all,
	 * at most POOL_BYTES.  Under pool_mtx.
	 */
	pthread_mutex_t pool_mtx;
	void *pool[POOL_CLASSES];
	size_t pool_bytes;

	/* writer thread only */
	fsched_jobrec_encoder_t *enc;
	fsched_keyindex_t *index;
	fsched_counters_t counters;
	bool counters_dirty;
	struct timespec counters_at;
	fsched_writer_stats_t folded;	/* stats already in counters */
	fsched_writer_stats_t saved;	/* ... in a counters.json we wrote */
	bool was_active;
	bool synced;
	int64_t epoch;
	struct timespec epoch_at;
	long backoff_ms;
	struct timespec retry_at;
	fsched_loglimit_t err_log;	/* journal write errors */
	fsched_loglimit_t counters_log;	/* counters.json errors */
	int64_t err_series;		/* failed attempts since the last ok */
	/* reconciled runs to write: backlog[head .. head + n), owned */
	fsched_jobrec_t **backlog;
	size_t backlog_head, backlog_n, backlog_cap;
	struct cut_back cuts[MAX_CUTS];
	/* drops, as logged (report_drops()) */
	int64_t drop_seen, drop_logged;	/* st.dropped seen / logged */
	int64_t drop_seen_ms, drop_line_ms;
	bool dropping;
	uint32_t pruned_day;
	struct name_entry users[NAME_CACHE];
	struct name_entry groups[NAME_CACHE];
};

static size_t pool_size(int cls)
{
	return (size_t)1 << (POOL_MIN_SHIFT + cls - 1);
}

fsched_jobrec_t *fsched_writer_dup(fsched_writer_t *w,
				   const fsched_jobrec_t *rec)
{
	size_t size = fsched_jobrec_dup_size(rec);
	fsched_jobrec_t *copy;
	void *buf;
	int cls;

	for (cls = 1; cls <= POOL_CLASSES && pool_size(cls) < size; cls++)
		;
	if (cls > POOL_CLASSES)
		return fsched_jobrec_dup(rec);
	pthread_mutex_lock(&w->pool_mtx);
	if ((buf = w->pool[cls - 1])) {
		w->pool[cls - 1] = *(void **)buf;
		w->pool_bytes -= pool_size(cls);
	}
	pthread_mutex_unlock(&w->pool_mtx);
	if (!buf && !(buf = malloc(pool_size(cls))))
		return NULL;
	copy = fsched_jobrec_copy_into(buf, rec);
	copy->pool_class = (uint8_t)cls;
	return copy;
}

void fsched_writer_release(fsched_writer_t *w, fsched_jobrec_t *rec)
{
	int cls;

	if (!rec)
		return;
	cls = rec->pool_class;
	if (cls >= 1 && cls <= POOL_CLASSES) {
		pthread_mutex_lock(&w->pool_mtx);
		if (w->pool_bytes + pool_size(cls) <= POOL_BYTES) {
			*(void **)rec = w->pool[cls - 1];
			w->pool[cls - 1] = rec;
			w->pool_bytes += pool_size(cls);
			rec = NULL;
		}
		pthread_mutex_unlock(&w->pool_mtx);
	}
	free(rec);
}

static void pool_free(fsched_writer_t *w)
{
	for (int i = 0; i < POOL_CLASSES; i++) {
		while (w->pool[i]) {
			void *next = *(void **)w->pool[i];

			free(w->pool[i]);
			w->pool[i] = next;
		}
	}
	w->pool_bytes = 0;
}

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

/*
 * A failed attempt (write, cut-back, sync).  The first of a series is an
 * event; each distinct message is logged the first time and then at most
 * once every ERR_REPEAT_MS with the number of attempts in between, so
 * that neither a retry loop nor errors that alternate flood the log.
 */
static void report_error(fsched_writer_t *w, const char *msg)
{
	int64_t skipped;

	if (w->err_series++ == 0) {
		struct json_object *d = json_object_new_object();

		json_object_object_add(d, "error", json_object_new_string(msg));
		event(w, "journal-write-error", d);
		json_object_put(d);
	}
	switch (fsched_loglimit_check(&w->err_log, msg, fsched_now_ms(),
				      &skipped)) {
	case FSCHED_LOGLIMIT_FIRST:
		fsched_error("journal write failed, records kept queued and retried: %s",
			     msg);
		break;
	case FSCHED_LOGLIMIT_REPEAT:
		fsched_error("journal write still failing (%lld times since last logged), records kept queued and retried: %s",
			     (long long)skipped + 1, msg);
		break;
	case FSCHED_LOGLIMIT_SUPPRESS:
		break;
	}
}

/* A batch was written: the end of a series of failures, logged once. */
static void report_ok(fsched_writer_t *w)
{
	struct json_object *d;

	w->backoff_ms = 0;
	if (!w->err_series)
		return;
	fsched_info("journal writes work again after %lld failed attempts",
		    (long long)w->err_series);
	d = json_object_new_object();
	json_object_object_add(d, "failed_attempts",
			       json_object_new_int64(w->err_series));
	event(w, "journal-write-recovered", d);
	json_object_put(d);
	fsched_loglimit_reset(&w->err_log);
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
	bool changed;

	now_ts(&now);
	pthread_mutex_lock(&w->mtx);
	changed = w->st.dropped != w->folded.dropped ||
		  w->st.write_errors != w->folded.write_errors ||
		  w->st.duplicates != w->folded.duplicates;
	pthread_mutex_unlock(&w->mtx);
	if ((!w->counters_dirty && !changed) ||
	    (!force && ms_between(&w->counters_at, &now) < COUNTERS_MS))
		return 0;
	/* Cumulative across processes: add what happened since last time. */
	pthread_mutex_lock(&w->mtx);
	w->counters.queue_depth = (int64_t)(w->count + w->inflight +
					    w->st.backlog);
	w->counters.dropped += w->st.dropped - w->folded.dropped;
	w->counters.write_errors += w->st.write_errors - w->folded.write_errors;
	w->counters.duplicates += w->st.duplicates - w->folded.duplicates;
	w->folded = w->st;
	pthread_mutex_unlock(&w->mtx);
	w->counters_dirty = true;
	w->counters.updated = time(NULL);
	snprintf(w->counters.host, sizeof(w->counters.host), "%s", w->host);
	w->counters_at = now;
	if (fsched_counters_write(w->state_dir, &w->counters, &err) < 0) {
		int64_t skipped;

		/* Retried at the next batch; rate-limited like write errors. */
		switch (fsched_loglimit_check(&w->counters_log, err.msg,
					      fsched_now_ms(), &skipped)) {
		case FSCHED_LOGLIMIT_FIRST:
			fsched_error("cannot write counters (retried): %s",
				     err.msg);
			break;
		case FSCHED_LOGLIMIT_REPEAT:
			fsched_error("cannot write counters (retried, %lld times since last logged): %s",
				     (long long)skipped + 1, err.msg);
			break;
		case FSCHED_LOGLIMIT_SUPPRESS:
			break;
		}
		return -1;
	}
	if (fsched_loglimit_active(&w->counters_log))
		fsched_info("counters.json written again");
	fsched_loglimit_reset(&w->counters_log);
	w->saved = w->folded;
	w->counters_dirty = false;
	return 0;
}

/* Put records back at the head of the queue, in their order (mtx held). */
static void requeue_locked(fsched_writer_t *w, fsched_jobrec_t **recs,
			   size_t n)
{
	for (size_t i = n; i-- > 0;) {
		w->head = (w->head + w->max_queue - 1) % w->max_queue;
		w->ring[w->head] = recs[i];
		w->count++;
	}
}

/* The pending cut-back of a day's file, or NULL. */
static struct cut_back *cut_find(fsched_writer_t *w, uint32_t day)
{
	for (int i = 0; i < MAX_CUTS; i++)
		if (w->cuts[i].size >= 0 && w->cuts[i].day == day)
			return &w->cuts[i];
	return NULL;
}

static struct cut_back *cut_slot(fsched_writer_t *w, uint32_t day)
{
	struct cut_back *c = cut_find(w, day);

	for (int i = 0; !c && i < MAX_CUTS; i++)
		if (w->cuts[i].size < 0)
			c = &w->cuts[i];
	return c;
}

static void cuts_clear(fsched_writer_t *w)
{
	for (int i = 0; i < MAX_CUTS; i++)
		w->cuts[i].size = -1;
}

/*
 * Append a group to its day file.  If an earlier batch's cut-back failed,
 * the file is cut back to its last good end first, and nothing is
 * appended unless that works (fsched_journal_append()): the records of
 * that batch are still queued, a second copy must not follow the first.
 * A file is only appended to if its cut-back could be remembered.
 */
static int append_day(fsched_writer_t *w, uint32_t day, const char *name,
		      const char *buf, size_t len, off_t *size,
		      fsched_err_t *err)
{
	struct cut_back *c = cut_slot(w, day);
	off_t good;

	if (!c)
		return fsched_err_set(err, EBUSY,
				      "%s/%s: %d journal files wait to be cut back after failed writes, not appending to another",
				      w->journal_dir, name, MAX_CUTS);
	good = c->size;
	if (fsched_journal_append(w->journal_dir, name, buf, len,
				  w->file_mode, &good, err) == 0) {
		c->size = -1;
		*size = good;
		return 0;
	}
	c->day = day;
	c->size = good;		/* -1: nothing to cut */
	return -1;
}

struct day_group {
	uint32_t day;
	bool written;
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

static void batch_failed(fsched_writer_t *w, const char *msg)
{
	pthread_mutex_lock(&w->mtx);
	w->st.write_errors++;
	pthread_mutex_unlock(&w->mtx);
	report_error(w, msg);
	backoff(w);
}

/*
 * Write a batch of records (owned by the caller's array).  Records written
 * or skipped as duplicates are freed; the others are moved to recs[0 ..
 * *left), for the caller to keep.  Returns the number of records written
 * or skipped, or -1 if a write failed (logged, backoff set).
 */
static int write_batch(fsched_writer_t *w, fsched_jobrec_t **recs, size_t n,
		       size_t *left)
{
	struct day_group groups[MAX_GROUPS];
	fsched_keyindex_t *seen = fsched_keyindex_new();
	size_t ngroups = 0, dups = 0, written = 0, reconciled = 0, k = 0;
	int64_t now = time(NULL);
	int rc = 0;

	memset(groups, 0, sizeof(groups));
	*left = n;
	if (!seen) {
		batch_failed(w, "journal batch: out of memory");
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
			fsched_writer_release(w, r);
			recs[i] = NULL;
			dups++;
			continue;
		}
		for (size_t j = 0; j < ngroups; j++)
			if (groups[j].day == day)
				g = &groups[j];
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
	}

	for (size_t j = 0; j < ngroups && rc == 0; j++) {
		struct day_group *g = &groups[j];
		char name[FSCHED_JOURNAL_NAME_LEN];
		fsched_err_t err;
		off_t size = 0;

		if (!g->n)
			continue;
		fsched_journal_name(g->day, name, sizeof(name));
		if (append_day(w, g->day, name, g->buf, g->len, &size,
			       &err) < 0) {
			batch_failed(w, err.msg);
			rc = -1;
			break;
		}
		g->written = true;
		for (size_t i = 0; i < g->n; i++) {
			fsched_keyindex_add(w->index, g->hashes[i], g->day);
			fsched_counters_add(&w->counters, g->recs[i]);
			reconciled += g->recs[i]->reconciled;
			fsched_writer_release(w, g->recs[i]);
		}
		fsched_counters_set_pos(&w->counters, name, size);
		w->counters_dirty = true;
		written += g->n;
	}

	/* Left: the records not placed, then those of unwritten groups. */
	for (size_t i = 0; i < n; i++)
		if (recs[i])
			recs[k++] = recs[i];
	for (size_t j = 0; j < ngroups; j++) {
		if (!groups[j].written)
			for (size_t i = 0; i < groups[j].n; i++)
				recs[k++] = groups[j].recs[i];
		free(groups[j].buf);
		free(groups[j].recs);
		free(groups[j].hashes);
	}
	*left = k;
	fsched_keyindex_free(seen);
	pthread_mutex_lock(&w->mtx);
	w->st.duplicates += (int64_t)dups;
	w->st.written += (int64_t)written;
	w->st.reconciled += (int64_t)reconciled;
	pthread_mutex_unlock(&w->mtx);
	if (rc == 0 && k && !written && !dups) {
		/* Not even one record could be encoded: do not spin. */
		batch_failed(w, "journal batch: out of memory");
		return -1;
	}
	if (rc == 0 && written)
		report_ok(w);
	return rc < 0 ? -1 : (int)(written + dups);
}

/* Take up to BATCH_MAX queued records and write them. */
static int drain_queue(fsched_writer_t *w)
{
	fsched_jobrec_t **batch;
	size_t n, left;
	int rc;

	pthread_mutex_lock(&w->mtx);
	n = w->count < BATCH_MAX ? w->count : BATCH_MAX;
	if (!n) {
		pthread_mutex_unlock(&w->mtx);
		return 0;
	}
	if (!(batch = malloc(n * sizeof(*batch)))) {
		pthread_mutex_unlock(&w->mtx);
		batch_failed(w, "journal batch: out of memory");
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		batch[i] = w->ring[w->head];
		w->head = (w->head + 1) % w->max_queue;
	}
	w->count -= n;
	w->inflight += n;
	pthread_mutex_unlock(&w->mtx);
	rc = write_batch(w, batch, n, &left);
	pthread_mutex_lock(&w->mtx);
	requeue_locked(w, batch, left);
	w->inflight -= n;
	pthread_mutex_unlock(&w->mtx);
	free(batch);
	return rc;
}

static void backlog_publish(fsched_writer_t *w)
{
	if (!w->backlog_n) {
		free(w->backlog);
		w->backlog = NULL;
		w->backlog_head = w->backlog_cap = 0;
	}
	pthread_mutex_lock(&w->mtx);
	w->st.backlog = w->backlog_n;
	pthread_mutex_unlock(&w->mtx);
}

/* Write up to BATCH_MAX reconciled runs; the unwritten stay first. */
static int drain_backlog(fsched_writer_t *w)
{
	fsched_jobrec_t **batch = w->backlog + w->backlog_head;
	size_t n = w->backlog_n < BATCH_MAX ? w->backlog_n : BATCH_MAX, left;
	int rc;

	if (!n)
		return 0;
	rc = write_batch(w, batch, n, &left);
	/* batch[0 .. left) go right before the rest, at batch[n - left]. */
	memmove(batch + (n - left), batch, left * sizeof(*batch));
	w->backlog_head += n - left;
	w->backlog_n -= n - left;
	backlog_publish(w);
	return rc;
}

/*
 * One round: a batch of the queue, then one of the reconciliation
 * backlog, so that neither waits for the other.  Returns the records done
 * (written or duplicates) or -1 if a write failed.
 */
static int drain_once(fsched_writer_t *w)
{
	int a, b = 0;

	if ((a = drain_queue(w)) < 0)
		return -1;
	if (w->backlog_n && may_retry(w) && (b = drain_backlog(w)) < 0)
		return -1;
	return a + b;
}

/*
 * The queue is bounded because slurmctld fills it under its job write
 * lock, where the only thing to do when it is full is to count a drop.
 * That is done in fsched_writer_enqueue(); this reports them, from the
 * writer thread: one line when dropping starts, one when it stops (the
 * queue has room again and nothing was dropped for DROP_QUIET_MS) or the
 * writer stops, one every DROP_REPEAT_MS while it goes on, each with the
 * drops since the previous line and the total, so that the lines add up
 * to every record dropped.  A new start within DROP_RESTART_MS of the
 * last line waits (and then reports everything since).
 */
static void report_drops(fsched_writer_t *w, bool final)
{
	int64_t now = fsched_now_ms(), total, fresh;
	bool room;

	pthread_mutex_lock(&w->mtx);
	total = w->st.dropped;
	room = w->count + w->inflight < w->max_queue;
	pthread_mutex_unlock(&w->mtx);
	if (total != w->drop_seen) {
		w->drop_seen = total;
		w->drop_seen_ms = now;
	}
	fresh = total - w->drop_logged;
	if (!w->dropping) {
		if (!fresh || (!final && w->drop_line_ms &&
			       now - w->drop_line_ms < DROP_RESTART_MS))
			return;
		fsched_error("journal queue full (JournalMaxQueue=%zu): %lld job completion record(s) DROPPED, %lld in total since this slurmctld started; is the journal storage failing or too slow?",
			     w->max_queue, (long long)fresh, (long long)total);
		w->dropping = !final;
	} else if (final || (room && now - w->drop_seen_ms >= DROP_QUIET_MS)) {
		fsched_error("journal queue full (JournalMaxQueue=%zu): %s: %lld more job completion record(s) DROPPED, %lld in total since this slurmctld started",
			     w->max_queue,
			     final ? "the writer stops" :
				     "no more drops, the queue has room again",
			     (long long)fresh, (long long)total);
		w->dropping = false;
	} else if (fresh && now - w->drop_line_ms >= DROP_REPEAT_MS) {
		fsched_error("journal queue full (JournalMaxQueue=%zu): still dropping: %lld more job completion record(s) DROPPED, %lld in total since this slurmctld started",
			     w->max_queue, (long long)fresh, (long long)total);
	} else {
		return;
	}
	w->drop_logged = total;
	w->drop_line_ms = now;
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

/*
 * Reconcile: finished jobs of the job list missing from the journal go to
 * the writer's own backlog, written in batches like the queue (and kept
 * there while writes fail), never to the bounded queue.  That queue is
 * bounded because slurmctld fills it under its job write lock, where a
 * full queue can only drop; reconciled runs would take its room (and be
 * dropped beyond it).  The backlog costs no more memory than the copies
 * finished_jobs() already made, and is bounded by the job list itself
 * (MaxJobCount).  Reconciling in rounds as the queue drains instead would
 * take the job read lock and copy the whole job list once per round.
 * Returns 0, or -1 (out of memory: the sync is retried).
 */
static int reconcile(fsched_writer_t *w)
{
	fsched_jobrec_t **recs = NULL;
	fsched_keyindex_t *have;
	size_t n = 0, added = 0;

	if (!w->ops.finished_jobs || w->ops.finished_jobs(w->arg, &recs, &n) < 0)
		return 0;
	/* Room for all first: from here on nothing can be lost. */
	if (w->backlog_head) {
		memmove(w->backlog, w->backlog + w->backlog_head,
			w->backlog_n * sizeof(*w->backlog));
		w->backlog_head = 0;
	}
	have = fsched_keyindex_new();
	if (n && w->backlog_n + n > w->backlog_cap) {
		fsched_jobrec_t **nb = realloc(w->backlog, (w->backlog_n + n) *
							   sizeof(*nb));

		if (nb) {
			w->backlog = nb;
			w->backlog_cap = w->backlog_n + n;
		}
	}
	if (!have || w->backlog_n + n > w->backlog_cap) {
		for (size_t i = 0; i < n; i++)
			fsched_writer_release(w, recs[i]);
		free(recs);
		fsched_keyindex_free(have);
		report_error(w, "reconciliation: out of memory");
		return -1;
	}
	/* Runs still in the backlog from an earlier activation. */
	for (size_t i = 0; i < w->backlog_n; i++)
		fsched_keyindex_add(have,
				    fsched_key_hash(w->backlog[i]->run_key), 0);
	for (size_t i = 0; i < n; i++) {
		fsched_jobrec_t *r = recs[i];
		uint64_t h;

		fsched_jobrec_key(r, r->run_key, sizeof(r->run_key));
		h = fsched_key_hash(r->run_key);
		if (fsched_keyindex_has(w->index, h) ||
		    fsched_keyindex_has(have, h)) {
			fsched_writer_release(w, r);
			continue;
		}
		fsched_keyindex_add(have, h, 0);
		r->reconciled = true;
		w->backlog[w->backlog_n++] = r;
		added++;
	}
	free(recs);
	fsched_keyindex_free(have);
	backlog_publish(w);
	if (added) {
		struct json_object *d = json_object_new_object();

		fsched_info("reconciliation: %zu finished job runs missing from the journal will be written",
			    added);
		json_object_object_add(d, "runs",
				       json_object_new_int64((int64_t)added));
		event(w, "journal-reconciled", d);
		json_object_put(d);
	}
	return 0;
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
	/*
	 * The file's totals stand.  They hold our events up to our last
	 * write of it (another controller's sync read them too), not those
	 * since: they are added at the next write.
	 */
	pthread_mutex_lock(&w->mtx);
	w->folded = w->saved;
	pthread_mutex_unlock(&w->mtx);
	/*
	 * What is in the files now is the journal: bytes a failed batch of
	 * ours left (its cut-back failed) are indexed like any others and
	 * may have been built on by another controller since; our queued
	 * copies of those runs are skipped as duplicates.
	 */
	cuts_clear(w);
	for (size_t i = 0; i < count; i++) {
		struct sync_scan s = { .w = w, .index = ix };
		bool repair_failed = false;
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
				repair_failed = true;
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
		/* The torn line must go before the next append to it. */
		if (repair_failed) {
			struct cut_back *c = cut_slot(w, s.day);

			if (!c)
				goto out;
			c->day = s.day;
			c->size = end;
		}
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
	if (reconcile(w) < 0)
		goto out;
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
		/* Nothing to write unless active and synced: poll is_active. */
		bool can_write = w->was_active && w->synced;
		struct timespec deadline;
		bool stopping, active;

		pthread_mutex_lock(&w->mtx);
		clock_gettime(CLOCK_REALTIME, &deadline);
		add_ms(&deadline, w->backoff_ms && w->backoff_ms < w->flush_ms ?
				  w->backoff_ms : w->flush_ms);
		while (!w->stop && !w->wake &&
		       (!can_write || (w->count == 0 && !w->backlog_n) ||
			!may_retry(w)))
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
		report_drops(w, stopping);
		/* counters.json belongs to the active controller. */
		if (active && w->synced)
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
	pthread_mutex_init(&w->pool_mtx, NULL);
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
	cuts_clear(w);
	fsched_loglimit_init(&w->err_log, ERR_REPEAT_MS);
	fsched_loglimit_init(&w->counters_log, ERR_REPEAT_MS);
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
	pthread_mutex_lock(&w->mtx);
	if (w->count + w->inflight >= w->max_queue) {
		/* Counted only: the writer thread logs it (report_drops()). */
		w->st.dropped++;
		pthread_mutex_unlock(&w->mtx);
		fsched_writer_release(w, rec);
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
	/* Empty, and synced if active (reconciliation fills the backlog). */
	while ((w->count + w->inflight + w->st.backlog > 0 ||
		(!w->st.synced && w->ops.is_active(w->arg))) &&
	       pthread_cond_timedwait(&w->idle, &w->mtx, &deadline) == 0)
		;
	empty = (w->count + w->inflight + w->st.backlog == 0) &&
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
			fsched_writer_release(w,
				w->ring[(w->head + i) % w->max_queue]);
		free(w->ring);
	}
	for (size_t i = 0; i < w->backlog_n; i++)
		fsched_writer_release(w, w->backlog[w->backlog_head + i]);
	free(w->backlog);
	pool_free(w);
	pthread_mutex_destroy(&w->pool_mtx);
	fsched_keyindex_free(w->index);
	fsched_jobrec_encoder_free(w->enc);
	fsched_counters_free(&w->counters);
	free(w->journal_dir);
	free(w->state_dir);
	free(w->host);
	free(w);
}
