/*
 * fuzz_common.c - helpers shared by the libFuzzer targets (see the header).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <glob.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz_common.h"

static char dir[PATH_MAX];

void fuzz_fail(const char *file, int line, const char *cond,
	       const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "FUZZ CHECK FAILED at %s:%d: %s: ", file, line, cond);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

static int rm_entry(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	(void)remove(path);
	return 0;
}

static void cleanup(void)
{
	if (dir[0])
		(void)nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static bool usable(const char *d)
{
	struct stat st;

	return d && d[0] == '/' && stat(d, &st) == 0 && S_ISDIR(st.st_mode) &&
	       access(d, W_OK | X_OK) == 0;
}

const char *fuzz_dir(void)
{
	const char *base;

	if (dir[0])
		return dir;
	base = getenv("FUZZ_TMPDIR");
	if (!usable(base))
		base = "/dev/shm";
	if (!usable(base))
		base = getenv("TMPDIR");
	if (!usable(base))
		base = "/tmp";
	snprintf(dir, sizeof(dir), "%s/fsched-fuzz.XXXXXX", base);
	if (!mkdtemp(dir)) {
		perror("fuzz: mkdtemp");
		abort();
	}
	atexit(cleanup);
	return dir;
}

const char *fuzz_path(int slot, const char *name)
{
	static char paths[8][PATH_MAX];

	FUZZ_CHECK(slot >= 0 && slot < 8, "slot %d", slot);
	snprintf(paths[slot], sizeof(paths[slot]), "%s/%s", fuzz_dir(), name);
	return paths[slot];
}

void fuzz_write(const char *path, const void *data, size_t size)
{
	const char *p = data;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0) {
		perror(path);
		abort();
	}
	while (size > 0) {
		ssize_t n = write(fd, p, size);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			perror(path);
			abort();
		}
		p += n;
		size -= (size_t)n;
	}
	if (close(fd) < 0) {
		perror(path);
		abort();
	}
}

void fuzz_unlink(const char *path)
{
	if (unlink(path) < 0 && errno != ENOENT) {
		perror(path);
		abort();
	}
}

void fuzz_err_poison(fsched_err_t *err)
{
	memset(err, 0xa5, sizeof(*err));
}

void fuzz_check_err(int rc, const fsched_err_t *err, const char *call)
{
	const char *nul;

	FUZZ_CHECK(rc == 0 || rc == -1, "%s returned %d", call, rc);
	if (rc == 0)
		return;
	nul = memchr(err->msg, '\0', sizeof(err->msg));
	FUZZ_CHECK(nul != NULL, "%s: error message not NUL-terminated", call);
	FUZZ_CHECK(err->errnum != 0, "%s: errnum 0 (msg \"%s\")", call,
		   err->msg);
	FUZZ_CHECK(err->msg[0] != '\0', "%s: empty error message", call);
	if (!fuzz_known("err-multiline"))
		FUZZ_CHECK(!strchr(err->msg, '\n'),
			   "%s: message is not one line: %s", call, err->msg);
}

bool fuzz_known(const char *id)
{
	const char *list = getenv("FUZZ_KNOWN"), *p;
	size_t n = strlen(id);

	for (p = list; p && (p = strstr(p, id)); p += n) {
		if ((p == list || p[-1] == ',') && (p[n] == ',' || !p[n]))
			return true;
	}
	return false;
}

/*
 * Linked with -Wl,--wrap=glob: the "Include" directive of fsched_kv
 * expands globs, and fuzzed slurm.conf files must not make the fuzzer
 * read (or walk) the whole file system.  Patterns outside the scratch
 * directory, or that climb out of it, match nothing (the same result as
 * a pattern that matches no file: GLOB_NOCHECK is not applied, so the
 * caller sees GLOB_NOMATCH, one of glob()'s documented results).
 */
int __real_glob(const char *pattern, int flags,
		int (*errfunc)(const char *, int), glob_t *pglob);
int __wrap_glob(const char *pattern, int flags,
		int (*errfunc)(const char *, int), glob_t *pglob);

int __wrap_glob(const char *pattern, int flags,
		int (*errfunc)(const char *, int), glob_t *pglob)
{
	const char *d = fuzz_dir();
	size_t n = strlen(d);

	if (strncmp(pattern, d, n) || pattern[n] != '/' ||
	    strstr(pattern, "..")) {
		memset(pglob, 0, sizeof(*pglob));
		return GLOB_NOMATCH;
	}
	return __real_glob(pattern, flags, errfunc, pglob);
}
