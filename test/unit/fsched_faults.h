/*
 * fsched_faults.h - make fsync() and ftruncate() fail on chosen files in a
 * unit test program, as test/integration/tools/faultshim.c does in a real
 * slurmctld.  libfsched is a convenience library linked into the test
 * program, so these definitions replace libc's for its calls too.
 * Header-only, and it defines the two functions: include it in the one
 * source file of a test program, after fsched_test.h.
 *
 * A call fails with errno fault_fsync (fault_ftruncate) when that is not
 * 0 and the path of the descriptor contains "jobcomp-" (journal files
 * only: counters.json, events.jsonl and directories are left alone).
 * Set from the test thread, read by the writer thread: atomics.
 */
#ifndef FSCHED_FAULTS_H
#define FSCHED_FAULTS_H

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int fault_fsync;		/* errno to fail with, 0: work */
static int fault_ftruncate;
static int fault_fsync_made;	/* failures made so far */
static int fault_ftruncate_made;

static inline void fault_set(int *what, int err)
{
	__atomic_store_n(what, err, __ATOMIC_SEQ_CST);
}

static inline int fault_get(int *what)
{
	return __atomic_load_n(what, __ATOMIC_SEQ_CST);
}

/* The errno to fail a call on fd with, or 0. */
static inline int fault_for(int fd, int *what, int *made)
{
	char link[64], path[PATH_MAX];
	int err = fault_get(what), saved = errno;
	ssize_t n;

	if (!err)
		return 0;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	errno = saved;
	if (n < 0)
		return 0;
	path[n] = '\0';
	if (!strstr(path, "jobcomp-"))
		return 0;
	__atomic_add_fetch(made, 1, __ATOMIC_SEQ_CST);
	return err;
}

int fsync(int fd)
{
	int err = fault_for(fd, &fault_fsync, &fault_fsync_made);

	if (err) {
		errno = err;
		return -1;
	}
	return (int)syscall(SYS_fsync, fd);
}

int ftruncate(int fd, off_t len)
{
	int err = fault_for(fd, &fault_ftruncate, &fault_ftruncate_made);

	if (err) {
		errno = err;
		return -1;
	}
	return (int)syscall(SYS_ftruncate, fd, len);
}

#endif /* FSCHED_FAULTS_H */
