/*
 * faultshim.c - LD_PRELOAD library that makes write(), pwrite(), fsync(),
 * fdatasync() and ftruncate() fail on chosen files, on demand, for fault
 * injection into a real daemon (slurmctld) without touching its code.
 *
 * A call fails (returns -1 with errno set, nothing done) when
 *   - the control file FAULTSHIM_CONTROL exists, and
 *   - the call is enabled by the control file's content: words among
 *     "write" (write and pwrite), "fsync" (fsync and fdatasync) and
 *     "ftruncate"; an empty file enables write and fsync, and
 *   - the path of the file descriptor (readlink of /proc/self/fd/N)
 *     contains FAULTSHIM_PATTERN (default "jobcomp-").
 * errno is FAULTSHIM_ERRNO (a number, default EIO).  With FAULTSHIM_LOG
 * set, each failure made is appended there as one line "CALL PATH" (the
 * log file itself never fails: its path must not match the pattern).
 *
 * Everything else goes straight to the real function.  Without the
 * control file the cost is one access() per call.
 *
 * Build: cc -shared -fPIC -O2 -Wall -Wextra -o faultshim.so faultshim.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

typedef ssize_t (*write_fn)(int, const void *, size_t);
typedef ssize_t (*pwrite_fn)(int, const void *, size_t, off_t);
typedef int (*sync_fn)(int);
typedef int (*trunc_fn)(int, off_t);

static write_fn real_write;
static pwrite_fn real_pwrite;
static pwrite_fn real_pwrite64;
static sync_fn real_fsync;
static sync_fn real_fdatasync;
static trunc_fn real_ftruncate;
static trunc_fn real_ftruncate64;

static void resolve(void)
{
	if (!real_write)
		real_write = (write_fn)dlsym(RTLD_NEXT, "write");
	if (!real_pwrite)
		real_pwrite = (pwrite_fn)dlsym(RTLD_NEXT, "pwrite");
	if (!real_pwrite64)
		real_pwrite64 = (pwrite_fn)dlsym(RTLD_NEXT, "pwrite64");
	if (!real_fsync)
		real_fsync = (sync_fn)dlsym(RTLD_NEXT, "fsync");
	if (!real_fdatasync)
		real_fdatasync = (sync_fn)dlsym(RTLD_NEXT, "fdatasync");
	if (!real_ftruncate)
		real_ftruncate = (trunc_fn)dlsym(RTLD_NEXT, "ftruncate");
	if (!real_ftruncate64)
		real_ftruncate64 = (trunc_fn)dlsym(RTLD_NEXT, "ftruncate64");
}

__attribute__((constructor)) static void faultshim_init(void)
{
	resolve();
}

/*
 * Is kind ("write", "fsync" or "ftruncate") enabled by the control file's
 * content?  An empty file means write and fsync.
 */
static int enabled(const char *control, const char *kind)
{
	char buf[256];
	ssize_t n;
	int fd, any = 0;
	char *tok, *save;

	fd = open(control, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;	/* removed meanwhile: no fault */
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return 0;
	buf[n] = '\0';
	for (tok = strtok_r(buf, " \t\n,", &save); tok;
	     tok = strtok_r(NULL, " \t\n,", &save)) {
		any = 1;
		if (!strcmp(tok, kind))
			return 1;
	}
	return !any && strcmp(kind, "ftruncate");
}

static void note(const char *call, const char *path)
{
	const char *log = getenv("FAULTSHIM_LOG");
	char line[PATH_MAX + 64];
	int fd, len;

	if (!log || !*log || !real_write)
		return;
	len = snprintf(line, sizeof(line), "%s %s\n", call, path);
	if (len < 0 || (size_t)len >= sizeof(line))
		return;
	fd = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	(void)real_write(fd, line, (size_t)len);
	close(fd);
}

/*
 * Should this call on fd fail?  Returns the errno to fail with, or 0.
 * errno is preserved when the call goes through.
 */
static int should_fail(int fd, const char *call, const char *kind)
{
	const char *control = getenv("FAULTSHIM_CONTROL");
	const char *pattern = getenv("FAULTSHIM_PATTERN");
	const char *err = getenv("FAULTSHIM_ERRNO");
	char link[64], path[PATH_MAX];
	int saved = errno, rc = 0;
	ssize_t n;

	if (!control || !*control || access(control, F_OK) < 0)
		goto out;
	if (!pattern || !*pattern)
		pattern = "jobcomp-";
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n < 0)
		goto out;
	path[n] = '\0';
	if (!strstr(path, pattern) || !enabled(control, kind))
		goto out;
	rc = (err && *err) ? atoi(err) : EIO;
	if (rc <= 0)
		rc = EIO;
	note(call, path);
out:
	errno = saved;
	return rc;
}

ssize_t write(int fd, const void *buf, size_t len)
{
	int e;

	resolve();
	e = should_fail(fd, "write", "write");
	if (e) {
		errno = e;
		return -1;
	}
	return real_write(fd, buf, len);
}

ssize_t pwrite(int fd, const void *buf, size_t len, off_t off)
{
	int e;

	resolve();
	e = should_fail(fd, "pwrite", "write");
	if (e) {
		errno = e;
		return -1;
	}
	return real_pwrite(fd, buf, len, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t len, off_t off)
{
	int e;

	resolve();
	e = should_fail(fd, "pwrite64", "write");
	if (e) {
		errno = e;
		return -1;
	}
	return real_pwrite64(fd, buf, len, off);
}

int fsync(int fd)
{
	int e;

	resolve();
	e = should_fail(fd, "fsync", "fsync");
	if (e) {
		errno = e;
		return -1;
	}
	return real_fsync(fd);
}

int fdatasync(int fd)
{
	int e;

	resolve();
	e = should_fail(fd, "fdatasync", "fsync");
	if (e) {
		errno = e;
		return -1;
	}
	return real_fdatasync(fd);
}

int ftruncate(int fd, off_t len)
{
	int e;

	resolve();
	e = should_fail(fd, "ftruncate", "ftruncate");
	if (e) {
		errno = e;
		return -1;
	}
	return real_ftruncate(fd, len);
}

int ftruncate64(int fd, off_t len)
{
	int e;

	resolve();
	e = should_fail(fd, "ftruncate64", "ftruncate");
	if (e) {
		errno = e;
		return -1;
	}
	return real_ftruncate64(fd, len);
}
