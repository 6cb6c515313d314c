/*
 * fsched_storage.h - qualify the shared state storage: what file system a
 * directory is on, whether it is a mount point, and how fast it is.
 *
 * fsched_storage_measure() works in a private temporary subdirectory of
 * the measured directory (mode 0700) and removes it before returning,
 * whatever happens.  The minimums are those of the product manual for the
 * shared storage, per cluster: reads > 10/s and > 300 KB/s, writes > 100/s
 * and > 10000 KB/s, capacity > 10 GB.  Units are binary (KiB = 1024 bytes,
 * GiB = 2^30 bytes), which makes each minimum slightly stricter.
 */
#ifndef FSCHED_STORAGE_H
#define FSCHED_STORAGE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fsched_err.h"

/* The manual's minimums; a measured value must be strictly above. */
#define FSCHED_STORAGE_MIN_READ_OPS	10.0		/* reads/s */
#define FSCHED_STORAGE_MIN_READ_KIBS	300.0		/* KiB/s */
#define FSCHED_STORAGE_MIN_WRITE_OPS	100.0		/* writes/s */
#define FSCHED_STORAGE_MIN_WRITE_KIBS	10000.0		/* KiB/s */
#define FSCHED_STORAGE_MIN_CAPACITY	(10ULL << 30)	/* bytes free */

#define FSCHED_STORAGE_SMALL_SIZE	4096		/* small file */
#define FSCHED_STORAGE_BLOCK_SIZE	(1u << 20)	/* bulk I/O block */
#define FSCHED_STORAGE_MAX_BYTES	(256ULL << 20)	/* default cap */
#define FSCHED_STORAGE_DEFAULT_SECONDS	10.0

enum fsched_storage_metric {
	FSCHED_STORAGE_READ_OPS = 0,	/* small reads/s, uncached */
	FSCHED_STORAGE_READ_KIBS,	/* bulk read KiB/s */
	FSCHED_STORAGE_WRITE_OPS,	/* fsync'd 4 KiB file writes/s */
	FSCHED_STORAGE_WRITE_KIBS,	/* bulk write KiB/s, fsync included */
	FSCHED_STORAGE_CAPACITY,	/* bytes available to non-root */
	FSCHED_STORAGE_NMETRICS,
};

/* Minimums a measurement is compared with (see the defaults above). */
typedef struct fsched_storage_limits {
	double min[FSCHED_STORAGE_NMETRICS];
} fsched_storage_limits_t;

typedef struct fsched_storage_opts {
	double seconds;		/* time budget of the I/O phases, > 0 */
	uint64_t max_bytes;	/* cap on bytes written; 0: the default */
	/* borrowed, may be NULL: stop early once it is nonzero (signals) */
	const volatile sig_atomic_t *stop;
} fsched_storage_opts_t;

typedef struct fsched_storage_result {
	double write_ops;	/* 4 KiB file create+write+fsync per second */
	double write_small_kibs;	/* KiB/s of those */
	double write_kibs;	/* bulk write, 1 MiB blocks, with fsync */
	double read_ops;	/* 4 KiB file open+read+close per second */
	double read_small_kibs;	/* KiB/s of those */
	double read_kibs;	/* bulk read, 1 MiB blocks */
	uint64_t avail_bytes;	/* free for non-root, before the test */
	uint64_t total_bytes;	/* size of the file system */
	long small_files;	/* small files written */
	long small_reads;	/* small files read */
	uint64_t bytes_written;	/* in total */
	uint64_t bytes_read;	/* in total */
	double elapsed;		/* seconds, all phases */
	bool interrupted;	/* opts->stop was set: figures are partial */
} fsched_storage_result_t;

typedef struct fsched_storage_verdict {
	double measured[FSCHED_STORAGE_NMETRICS];
	double required[FSCHED_STORAGE_NMETRICS];	/* must be above */
	bool pass[FSCHED_STORAGE_NMETRICS];
	int failed;		/* number of metrics that do not pass */
} fsched_storage_verdict_t;

/* The manual's minimums (FSCHED_STORAGE_MIN_*). */
void fsched_storage_limits_default(fsched_storage_limits_t *lim);

/*
 * Compare r with lim (pure: no I/O).  A metric passes when its measured
 * value is strictly above the minimum.  Fills v; returns v->failed.
 */
int fsched_storage_check(const fsched_storage_result_t *r,
			 const fsched_storage_limits_t *lim,
			 fsched_storage_verdict_t *v);

/* Stable names ("read_ops"...) and units ("ops/s", "KiB/s", "bytes"). */
const char *fsched_storage_metric_name(enum fsched_storage_metric m);
const char *fsched_storage_metric_unit(enum fsched_storage_metric m);

/*
 * Measure dir within opts->seconds (plus the time of the last fsync and
 * of the cleanup), writing at most opts->max_bytes.  Refuses (ENOSPC)
 * when less than twice that is free.  The temporary subdirectory is gone
 * when this returns, also on error and when opts->stop was set (then
 * res->interrupted is true and 0 is returned).
 */
int fsched_storage_measure(const char *dir, const fsched_storage_opts_t *opts,
			   fsched_storage_result_t *res, fsched_err_t *err);

/*
 * The file system type of path (statfs): its name in name ("nfs", "xfs",
 * "tmpfs", "0x1234abcd" when unknown) and whether it is a network or
 * cluster file system, shared between hosts.  FUSE file systems are
 * reported as "fuse", not network (the type of the daemon is unknown).
 * Returns 0, or -1 with errno set.
 */
int fsched_fs_type(const char *path, char *name, size_t len, bool *network);

/*
 * Whether path (symlinks followed) is the root of a mount: statx's
 * STATX_ATTR_MOUNT_ROOT when the kernel reports it, else a different
 * device or the same inode than path/..  (which misses bind mounts).
 */
int fsched_is_mount_point(const char *path, bool *out, fsched_err_t *err);

#endif /* FSCHED_STORAGE_H */
