/*
 * fsched_storage.c - file system type, mount point test and the storage
 * measurement of "fsched-hook check-storage".
 *
 * The measurement creates DIR/.fsched-check-storage.XXXXXX (mode 0700),
 * writes small.NNNNN files (4 KiB each, mode 0600) and one "bulk" file in
 * it, reads them back with their pages dropped from the page cache, and
 * removes the directory.  Nothing outside it is written.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "fsched_file.h"
#include "fsched_storage.h"

#ifndef STATX_ATTR_MOUNT_ROOT
#define STATX_ATTR_MOUNT_ROOT 0x00002000
#endif

#define TMP_PREFIX	".fsched-check-storage."
#define BULK_NAME	"bulk"
/* fdatasync the bulk file this often: bounds the final fsync's time. */
#define BULK_SYNC_BYTES	(16u << 20)

/* Shares of the time budget: small writes, bulk write, small/bulk reads. */
#define SHARE_SMALL_WRITE	0.3
#define SHARE_BULK_WRITE	0.3
#define SHARE_SMALL_READ	0.2
#define SHARE_BULK_READ		0.2

void fsched_storage_limits_default(fsched_storage_limits_t *lim)
{
	lim->min[FSCHED_STORAGE_READ_OPS] = FSCHED_STORAGE_MIN_READ_OPS;
	lim->min[FSCHED_STORAGE_READ_KIBS] = FSCHED_STORAGE_MIN_READ_KIBS;
	lim->min[FSCHED_STORAGE_WRITE_OPS] = FSCHED_STORAGE_MIN_WRITE_OPS;
	lim->min[FSCHED_STORAGE_WRITE_KIBS] = FSCHED_STORAGE_MIN_WRITE_KIBS;
	lim->min[FSCHED_STORAGE_CAPACITY] = (double)FSCHED_STORAGE_MIN_CAPACITY;
}

int fsched_storage_check(const fsched_storage_result_t *r,
			 const fsched_storage_limits_t *lim,
			 fsched_storage_verdict_t *v)
{
	v->measured[FSCHED_STORAGE_READ_OPS] = r->read_ops;
	v->measured[FSCHED_STORAGE_READ_KIBS] = r->read_kibs;
	v->measured[FSCHED_STORAGE_WRITE_OPS] = r->write_ops;
	v->measured[FSCHED_STORAGE_WRITE_KIBS] = r->write_kibs;
	v->measured[FSCHED_STORAGE_CAPACITY] = (double)r->avail_bytes;
	v->failed = 0;
	for (int m = 0; m < FSCHED_STORAGE_NMETRICS; m++) {
		v->required[m] = lim->min[m];
		v->pass[m] = v->measured[m] > lim->min[m];
		if (!v->pass[m])
			v->failed++;
	}
	return v->failed;
}

const char *fsched_storage_metric_name(enum fsched_storage_metric m)
{
	static const char *const names[] = {
		"read_ops", "read_kibs", "write_ops", "write_kibs", "capacity",
	};

	return (m >= 0 && m < FSCHED_STORAGE_NMETRICS) ? names[m] : "?";
}

const char *fsched_storage_metric_unit(enum fsched_storage_metric m)
{
	static const char *const units[] = {
		"ops/s", "KiB/s", "ops/s", "KiB/s", "bytes",
	};

	return (m >= 0 && m < FSCHED_STORAGE_NMETRICS) ? units[m] : "?";
}

static const struct fs_magic {
	unsigned long magic;
	const char *name;
	bool network;		/* network or cluster file system */
} fs_magics[] = {
	{ 0x00006969, "nfs", true },		/* NFS v2, v3 and v4 */
	{ 0xff534d42, "cifs", true },
	{ 0xfe534d42, "smb2", true },
	{ 0x0000517b, "smb", true },
	{ 0x0bd00bd0, "lustre", true },
	{ 0x47504653, "gpfs", true },
	{ 0x19830326, "beegfs", true },
	{ 0x00c36400, "cephfs", true },
	{ 0x01161970, "gfs2", true },
	{ 0x7461636f, "ocfs2", true },
	{ 0x5346414f, "afs", true },
	{ 0x6b414653, "afs", true },		/* kAFS */
	{ 0x0000ef53, "ext2/3/4", false },
	{ 0x58465342, "xfs", false },
	{ 0x9123683e, "btrfs", false },
	{ 0x2fc12fc1, "zfs", false },
	{ 0x01021994, "tmpfs", false },
	{ 0x858458f6, "ramfs", false },
	{ 0x794c7630, "overlay", false },
	{ 0x65735546, "fuse", false },
	{ 0x01021997, "9p", false },
	{ 0x73717368, "squashfs", false },
	{ 0x00004d44, "vfat", false },
	{ 0x00009fa0, "proc", false },
	{ 0x62656572, "sysfs", false },
};

int fsched_fs_type(const char *path, char *name, size_t len, bool *network)
{
	struct statfs st;
	unsigned long magic;
	int rc;

	do {
		rc = statfs(path, &st);
	} while (rc < 0 && errno == EINTR);
	if (rc < 0)
		return -1;
	/* f_type is signed on some ABIs; the magic numbers are 32 bits. */
	magic = (unsigned long)st.f_type & 0xffffffffUL;
	for (size_t i = 0; i < sizeof(fs_magics) / sizeof(fs_magics[0]); i++) {
		if (fs_magics[i].magic == magic) {
			snprintf(name, len, "%s", fs_magics[i].name);
			*network = fs_magics[i].network;
			return 0;
		}
	}
	snprintf(name, len, "0x%lx", magic);
	*network = false;
	return 0;
}

int fsched_is_mount_point(const char *path, bool *out, fsched_err_t *err)
{
	struct stat st, parent;
	struct statx stx;
	char *up;
	int rc;

	do {
		rc = statx(AT_FDCWD, path, 0, STATX_BASIC_STATS, &stx);
	} while (rc < 0 && errno == EINTR);
	if (rc == 0 && (stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT)) {
		*out = (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT) != 0;
		return 0;
	}
	if (rc < 0 && errno != ENOSYS)
		return fsched_err_sys(err, errno, "%s", path);

	/* Kernels before 5.8: compare with the parent directory. */
	if (stat(path, &st) < 0)
		return fsched_err_sys(err, errno, "%s", path);
	if (asprintf(&up, "%s/..", path) < 0)
		return fsched_err_sys(err, ENOMEM, "%s", path);
	rc = stat(up, &parent);
	free(up);
	if (rc < 0)
		return fsched_err_sys(err, errno, "%s/..", path);
	*out = st.st_dev != parent.st_dev || st.st_ino == parent.st_ino;
	return 0;
}

/* One measurement in progress. */
struct run {
	const fsched_storage_opts_t *opts;
	fsched_storage_result_t *res;
	char *tmp;		/* owned: the temporary directory */
	int dfd;		/* open on tmp */
	char *buf;		/* owned: FSCHED_STORAGE_BLOCK_SIZE bytes */
	long small_max;		/* small files to write at most */
	uint64_t bulk_max;	/* bulk bytes to write at most */
};

static double now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Seconds since t0, never 0 (rates divide by it). */
static double since(double t0)
{
	double t = now_sec() - t0;

	return t > 1e-9 ? t : 1e-9;
}

static bool stopped(const struct run *r)
{
	return r->opts->stop && *r->opts->stop;
}

static int open_at(int dfd, const char *name, int flags, mode_t mode)
{
	int fd;

	do {
		fd = openat(dfd, name, flags | O_CLOEXEC | O_NOFOLLOW, mode);
	} while (fd < 0 && errno == EINTR);
	return fd;
}

static int sync_fd(int fd, bool data_only)
{
	int rc;

	do {
		rc = data_only ? fdatasync(fd) : fsync(fd);
	} while (rc < 0 && errno == EINTR);
	return rc;
}

/* read() up to len bytes, retrying on EINTR and short reads; 0 at EOF. */
static ssize_t read_full(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, p + got, len - got);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/* Close fd; -1 with err naming tmp/name if close or an earlier step failed. */
static int close_checked(struct run *r, int fd, const char *name,
			 const char *what, int failed_errno, fsched_err_t *err)
{
	if (close(fd) < 0 && !failed_errno) {
		failed_errno = errno;
		what = "close";
	}
	if (failed_errno)
		return fsched_err_sys(err, failed_errno, "%s/%s: %s", r->tmp,
				      name, what);
	return 0;
}

static void small_name(char *name, size_t len, long i)
{
	snprintf(name, len, "small.%05ld", i);
}

/* Small synchronous writes: what slurmctld's state saves and journal do. */
static int small_writes(struct run *r, double budget, fsched_err_t *err)
{
	double t0 = now_sec(), t;
	char name[32];
	long n = 0;

	do {
		int fd, e = 0;
		const char *what = NULL;

		small_name(name, sizeof(name), n);
		fd = open_at(r->dfd, name, O_WRONLY | O_CREAT | O_EXCL, 0600);
		if (fd < 0)
			return fsched_err_sys(err, errno, "cannot create %s/%s",
					      r->tmp, name);
		if (fsched_write_all(fd, r->buf,
				     FSCHED_STORAGE_SMALL_SIZE) < 0) {
			e = errno;
			what = "write";
		} else if (sync_fd(fd, false) < 0) {
			e = errno;
			what = "fsync";
		} else {
			/* Clean pages now: the reads must hit the storage. */
			(void)posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
		}
		if (close_checked(r, fd, name, what, e, err) < 0)
			return -1;
		n++;
		t = since(t0);
	} while (n < r->small_max && t < budget && !stopped(r));

	r->res->small_files = n;
	r->res->bytes_written += (uint64_t)n * FSCHED_STORAGE_SMALL_SIZE;
	r->res->write_ops = (double)n / t;
	r->res->write_small_kibs = (double)n * FSCHED_STORAGE_SMALL_SIZE /
				   1024.0 / t;
	return 0;
}

/* One file in 1 MiB blocks, synced every BULK_SYNC_BYTES and at the end. */
static int bulk_write(struct run *r, double budget, fsched_err_t *err)
{
	double t0 = now_sec(), t;
	uint64_t done = 0;
	const char *what = NULL;
	int fd, e = 0;

	fd = open_at(r->dfd, BULK_NAME, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0)
		return fsched_err_sys(err, errno, "cannot create %s/%s",
				      r->tmp, BULK_NAME);
	do {
		if (fsched_write_all(fd, r->buf,
				     FSCHED_STORAGE_BLOCK_SIZE) < 0) {
			e = errno;
			what = "write";
			break;
		}
		done += FSCHED_STORAGE_BLOCK_SIZE;
		if (done % BULK_SYNC_BYTES == 0 && sync_fd(fd, true) < 0) {
			e = errno;
			what = "fdatasync";
			break;
		}
	} while (done < r->bulk_max && since(t0) < budget && !stopped(r));
	if (!e && sync_fd(fd, false) < 0) {
		e = errno;
		what = "fsync";
	}
	t = since(t0);
	if (!e)
		(void)posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	r->res->bytes_written += done;
	if (close_checked(r, fd, BULK_NAME, what, e, err) < 0)
		return -1;
	r->res->write_kibs = (double)done / 1024.0 / t;
	return 0;
}

/* open + read 4 KiB + close, each file's cached pages dropped first. */
static int small_reads(struct run *r, double budget, fsched_err_t *err)
{
	double t0 = now_sec(), t;
	char name[32];
	long n = 0;

	do {
		const char *what = NULL;
		ssize_t got;
		int fd, e = 0;

		small_name(name, sizeof(name), n % r->res->small_files);
		fd = open_at(r->dfd, name, O_RDONLY, 0);
		if (fd < 0)
			return fsched_err_sys(err, errno, "cannot open %s/%s",
					      r->tmp, name);
		(void)posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
		got = read_full(fd, r->buf, FSCHED_STORAGE_SMALL_SIZE);
		if (got < 0) {
			e = errno;
			what = "read";
		} else if (got != FSCHED_STORAGE_SMALL_SIZE) {
			e = EIO;
			what = "short read";
		}
		if (close_checked(r, fd, name, what, e, err) < 0)
			return -1;
		n++;
		t = since(t0);
	} while (t < budget && !stopped(r));

	r->res->small_reads = n;
	r->res->bytes_read += (uint64_t)n * FSCHED_STORAGE_SMALL_SIZE;
	r->res->read_ops = (double)n / t;
	r->res->read_small_kibs = (double)n * FSCHED_STORAGE_SMALL_SIZE /
				  1024.0 / t;
	return 0;
}

/* The bulk file in 1 MiB blocks, from the start again (uncached) at EOF. */
static int bulk_read(struct run *r, double budget, fsched_err_t *err)
{
	double t0 = now_sec(), t;
	uint64_t done = 0;
	const char *what = NULL;
	int fd, e = 0;

	fd = open_at(r->dfd, BULK_NAME, O_RDONLY, 0);
	if (fd < 0)
		return fsched_err_sys(err, errno, "cannot open %s/%s", r->tmp,
				      BULK_NAME);
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	do {
		ssize_t got = read_full(fd, r->buf, FSCHED_STORAGE_BLOCK_SIZE);

		if (got < 0) {
			e = errno;
			what = "read";
			break;
		}
		if (got == 0) {
			if (done == 0) {
				e = EIO;
				what = "empty file";
				break;
			}
			if (lseek(fd, 0, SEEK_SET) < 0) {
				e = errno;
				what = "lseek";
				break;
			}
			(void)posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
			continue;
		}
		done += (uint64_t)got;
	} while (since(t0) < budget && !stopped(r));
	t = since(t0);
	if (close_checked(r, fd, BULK_NAME, what, e, err) < 0)
		return -1;
	r->res->bytes_read += done;
	r->res->read_kibs = (double)done / 1024.0 / t;
	return 0;
}

/*
 * Unlink the entries of the temporary directory; returns how many were
 * found, or -1 with errno.  Only this process writes there (mode 0700,
 * fresh mkdtemp name), so every entry is ours.
 */
static long unlink_entries(int dfd)
{
	int fd = dup(dfd), e = 0;
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;
	long found = 0;

	if (!d) {
		e = errno;
		if (fd >= 0)
			close(fd);
		errno = e;
		return -1;
	}
	for (;;) {
		errno = 0;
		if (!(de = readdir(d))) {
			if (errno)
				e = errno;
			break;
		}
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		found++;
		if (unlinkat(dfd, de->d_name, 0) < 0 && errno != ENOENT)
			e = errno;
	}
	closedir(d);
	if (e) {
		errno = e;
		return -1;
	}
	return found;
}

/* Remove the temporary directory and everything in it. */
static int remove_tmp(struct run *r, fsched_err_t *err)
{
	int e = 0;

	if (r->dfd >= 0) {
		long n;

		/* Another pass if readdir skipped entries unlinked under it. */
		for (int pass = 0; pass < 4; pass++) {
			if ((n = unlink_entries(r->dfd)) < 0)
				e = errno;
			if (n <= 0)
				break;
		}
		close(r->dfd);
		r->dfd = -1;
	}
	if (rmdir(r->tmp) < 0 && errno != ENOENT)
		e = e ? e : errno;
	if (e)
		return fsched_err_sys(err, e, "cannot remove the temporary directory %s",
				      r->tmp);
	return 0;
}

/* Fill buf with a pseudo-random pattern (no compression or dedup gain). */
static void fill_pattern(char *buf, size_t len)
{
	uint64_t x = 0x9e3779b97f4a7c15ULL ^ (uint64_t)getpid();

	for (size_t i = 0; i + sizeof(x) <= len; i += sizeof(x)) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memcpy(buf + i, &x, sizeof(x));
	}
}

static void human_bytes(uint64_t b, char *out, size_t len)
{
	if (b >= (1ULL << 30))
		snprintf(out, len, "%.1f GiB", (double)b / (1ULL << 30));
	else
		snprintf(out, len, "%.1f MiB", (double)b / (1ULL << 20));
}

/* Check dir, its free space, and plan the sizes; no writes yet. */
static int prepare(struct run *r, const char *dir, fsched_err_t *err)
{
	uint64_t max = r->opts->max_bytes ? r->opts->max_bytes :
					    FSCHED_STORAGE_MAX_BYTES;
	struct statvfs vfs;
	struct stat st;
	size_t dlen = strlen(dir);
	char have[32], need[32];

	if (!(r->opts->seconds > 0))
		return fsched_err_set(err, EINVAL, "check-storage: the time budget must be positive");
	if (max < 2 * (uint64_t)FSCHED_STORAGE_BLOCK_SIZE || max > (1ULL << 62))
		return fsched_err_set(err, EINVAL, "check-storage: a size cap of %" PRIu64 " bytes is out of range (2 MiB to 4 EiB)",
				      max);
	if (stat(dir, &st) < 0)
		return fsched_err_sys(err, errno, "cannot measure %s", dir);
	if (!S_ISDIR(st.st_mode))
		return fsched_err_sys(err, ENOTDIR, "cannot measure %s", dir);
	if (statvfs(dir, &vfs) < 0)
		return fsched_err_sys(err, errno, "cannot measure %s: statvfs",
				      dir);
	r->res->avail_bytes = (uint64_t)vfs.f_bavail * vfs.f_frsize;
	r->res->total_bytes = (uint64_t)vfs.f_blocks * vfs.f_frsize;

	/* 1/16 of the cap for the small files, the rest in whole blocks. */
	r->small_max = (long)(max / 16 / FSCHED_STORAGE_SMALL_SIZE);
	if (r->small_max < 1)
		r->small_max = 1;
	r->bulk_max = max - (uint64_t)r->small_max * FSCHED_STORAGE_SMALL_SIZE;
	r->bulk_max -= r->bulk_max % FSCHED_STORAGE_BLOCK_SIZE;
	if (r->res->avail_bytes / 2 < max) {
		human_bytes(r->res->avail_bytes, have, sizeof(have));
		human_bytes(2 * max, need, sizeof(need));
		return fsched_err_set(err, ENOSPC, "cannot measure %s: only %s free, the test needs %s (twice what it may write)",
				      dir, have, need);
	}

	while (dlen > 1 && dir[dlen - 1] == '/')
		dlen--;
	if (asprintf(&r->tmp, "%.*s/" TMP_PREFIX "XXXXXX",
		     (int)(dlen == 1 && dir[0] == '/' ? 0 : dlen), dir) < 0) {
		r->tmp = NULL;
		return fsched_err_sys(err, ENOMEM, "cannot measure %s", dir);
	}
	if (!(r->buf = malloc(FSCHED_STORAGE_BLOCK_SIZE)))
		return fsched_err_sys(err, ENOMEM, "cannot measure %s", dir);
	fill_pattern(r->buf, FSCHED_STORAGE_BLOCK_SIZE);
	return 0;
}

int fsched_storage_measure(const char *dir, const fsched_storage_opts_t *opts,
			   fsched_storage_result_t *res, fsched_err_t *err)
{
	struct run r = { .opts = opts, .res = res, .dfd = -1 };
	double s = opts->seconds, t0;
	fsched_err_t e, cerr;
	bool created = false;
	int rc = -1;

	memset(res, 0, sizeof(*res));
	if (prepare(&r, dir, &e) < 0)
		goto out;
	if (!mkdtemp(r.tmp)) {	/* mode 0700 */
		fsched_err_sys(&e, errno, "cannot create a temporary directory in %s",
			       dir);
		goto out;
	}
	created = true;
	do {
		r.dfd = open(r.tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC |
				    O_NOFOLLOW);
	} while (r.dfd < 0 && errno == EINTR);
	if (r.dfd < 0) {
		fsched_err_sys(&e, errno, "cannot open %s", r.tmp);
		goto out;
	}

	t0 = now_sec();
	if (!stopped(&r) && small_writes(&r, s * SHARE_SMALL_WRITE, &e) < 0)
		goto out;
	if (!stopped(&r) && bulk_write(&r, s * SHARE_BULK_WRITE, &e) < 0)
		goto out;
	if (!stopped(&r) && small_reads(&r, s * SHARE_SMALL_READ, &e) < 0)
		goto out;
	if (!stopped(&r) && bulk_read(&r, s * SHARE_BULK_READ, &e) < 0)
		goto out;
	res->elapsed = since(t0);
	res->interrupted = stopped(&r);
	rc = 0;
out:
	if (created && remove_tmp(&r, &cerr) < 0) {
		/* Keep the first error, and say what is left behind. */
		if (rc == 0) {
			e = cerr;
			rc = -1;
		} else {
			size_t n = strlen(e.msg), m;

			if (n + 2 < sizeof(e.msg)) {
				memcpy(e.msg + n, "; ", 2);
				n += 2;
				m = strnlen(cerr.msg, sizeof(e.msg) - 1 - n);
				memcpy(e.msg + n, cerr.msg, m);
				e.msg[n + m] = '\0';
			}
		}
	}
	free(r.tmp);
	free(r.buf);
	if (rc < 0)
		return fsched_err_set(err, e.errnum, "%s", e.msg);
	return 0;
}
