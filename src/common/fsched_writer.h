/*
 * fsched_writer.h - the journal writer of jobcomp/fsched.
 *
 * The plugin's log_record() hands each finished job run to
 * fsched_writer_enqueue(): a bounded queue, a mutex held for a few
 * instructions, never I/O, never a slurmctld lock.  One thread writes:
 *
 *  - only while this slurmctld is the active controller (ops.is_active);
 *  - on every change to active (start, takeover), first a sync: rebuild
 *    the index of run keys from the last JournalIndexDays journal files,
 *    cut torn last lines, bring counters.json up to the journal, then
 *    reconcile: finished jobs still in the job list (ops.finished_jobs,
 *    which the plugin gathers under the job read lock) whose run is not in
 *    the journal go to the writer's own backlog (not the bounded queue:
 *    never dropped) and are written in batches alongside the queue;
 *  - then in batches (group commit): everything queued is appended to the
 *    day files with one write() and one fsync per file, records whose run
 *    key is already journalled are skipped;
 *  - a failed batch is cut back off the file and requeued at the head,
 *    retried with a growing delay (1 s to 30 s); if the cut-back fails
 *    too, the file's last good end is remembered and nothing more is
 *    appended to it until it could be cut back to that end;
 *  - each distinct error is logged once, then at most once a minute with
 *    the number of failed attempts; the recovery is logged once;
 *  - drops (queue full) are counted by fsched_writer_enqueue() and logged
 *    by the thread: when dropping starts, every minute while it goes on,
 *    and when it stops, each line with the total;
 *  - counters.json is rewritten at most once a second, and at stop, only
 *    while active.
 */
#ifndef FSCHED_WRITER_H
#define FSCHED_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "fsched_err.h"
#include "fsched_record.h"

typedef struct fsched_writer_ops {
	/* Is this process the active controller now?  Required. */
	bool (*is_active)(void *arg);
	/*
	 * Copies of the finished jobs in the job list: *recs is a malloc'ed
	 * array of *n records from fsched_jobrec_dup() (caller frees all).
	 * May be NULL (no reconciliation).  Returns 0 or -1.
	 */
	int (*finished_jobs)(void *arg, fsched_jobrec_t ***recs, size_t *n);
} fsched_writer_ops_t;

typedef struct fsched_writer_cfg {
	const char *journal_dir;	/* copied */
	const char *state_dir;		/* copied: counters, events */
	const char *host;		/* copied: this controller */
	mode_t file_mode;		/* journal files (dirs get +x) */
	long flush_ms;			/* idle wake-up interval */
	long max_queue;			/* records queued at most */
	long index_days;		/* journal days indexed */
	long events_max_bytes;
} fsched_writer_cfg_t;

typedef struct fsched_writer_stats {
	int64_t enqueued;
	int64_t written;
	int64_t duplicates;
	int64_t dropped;
	int64_t write_errors;
	int64_t reconciled;
	int64_t syncs;
	size_t queue_depth;	/* queued and in flight */
	size_t backlog;		/* reconciled runs not written yet */
	bool synced;		/* index built since the last activation */
} fsched_writer_stats_t;

typedef struct fsched_writer fsched_writer_t;

/* Create (not started).  NULL with err on failure. */
fsched_writer_t *fsched_writer_new(const fsched_writer_cfg_t *cfg,
				   const fsched_writer_ops_t *ops, void *arg,
				   fsched_err_t *err);

/* Start the thread. */
int fsched_writer_start(fsched_writer_t *w, fsched_err_t *err);

/*
 * Copy rec (borrowed strings) like fsched_jobrec_dup(), into a buffer of
 * the writer's record pool when one is free.  The writer thread gives the
 * buffers of written records back to the pool (up to 16 MiB of them)
 * instead of free()ing them: a steady or bursty flow of job completions
 * then reuses memory that is already mapped, rather than making
 * slurmctld's thread (under its locks) fault in pages of a heap that
 * malloc trimmed as the queue emptied.  Pass the result to
 * fsched_writer_enqueue(), or free it with fsched_writer_release().
 * NULL on ENOMEM.
 */
fsched_jobrec_t *fsched_writer_dup(fsched_writer_t *w,
				   const fsched_jobrec_t *rec);

/* Free (or pool) a record of fsched_writer_dup() or fsched_jobrec_dup(). */
void fsched_writer_release(fsched_writer_t *w, fsched_jobrec_t *rec);

/*
 * Queue rec (from fsched_writer_dup() or fsched_jobrec_dup(); ownership is
 * taken in every case).  Returns 0, or -1 if the queue is full: the record is dropped and
 * counted (the writer thread logs drops).  No I/O, only the queue mutex:
 * safe from any thread, under slurmctld's locks.
 */
int fsched_writer_enqueue(fsched_writer_t *w, fsched_jobrec_t *rec);

/* Wake the thread now (e.g. this controller just became active). */
void fsched_writer_wake(fsched_writer_t *w);

/* Snapshot of the counters (any thread). */
void fsched_writer_get_stats(fsched_writer_t *w, fsched_writer_stats_t *s);

/*
 * Wait until the queue and the reconciliation backlog are empty and
 * written (and, while active, the sync with the journal is done), up to
 * timeout_ms.  Returns true if so.  For
 * tests and benchmarks.
 */
bool fsched_writer_flush(fsched_writer_t *w, long timeout_ms);

/* Stop the thread (writing what it can first) and free everything. */
void fsched_writer_free(fsched_writer_t *w);

#endif /* FSCHED_WRITER_H */
