/*
 * fsched_journal.c - journal file names, durable batch appends, torn-tail
 * repair, listing and scanning.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fsched_file.h"
#include "fsched_journal.h"
#include "fsched_json.h"

#define SCAN_CHUNK (1u << 20)

uint32_t fsched_day_of(int64_t t)
{
	return t > 0 ? (uint32_t)(t / 86400) : 0;
}

void fsched_journal_name(uint32_t day, char *buf, size_t len)
{
	time_t t = (time_t)day * 86400;
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(buf, len, "jobcomp-%04d%02d%02d.jsonl", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday);
}

int fsched_journal_parse_name(const char *name, uint32_t *day)
{
	struct tm tm;
	int y, m, d;
	char tail[8];
	time_t t;

	if (strlen(name) != 22 ||
	    sscanf(name, "jobcomp-%4d%2d%2d.%6s", &y, &m, &d, tail) != 4 ||
	    strcmp(tail, "jsonl") || y < 1970 || m < 1 || m > 12 || d < 1 ||
	    d > 31)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	if ((t = timegm(&tm)) < 0)
		return -1;
	*day = (uint32_t)(t / 86400);
	/* Reject dates that timegm() normalised (e.g. Feb 31). */
	{
		char check[FSCHED_JOURNAL_NAME_LEN];

		fsched_journal_name(*day, check, sizeof(check));
		if (strcmp(check, name))
			return -1;
	}
	return 0;
}

static int open_at(const char *dir, const char *name, int flags, mode_t mode,
		   fsched_err_t *err)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	do {
		fd = open(path, flags | O_NOFOLLOW | O_CLOEXEC, mode);
	} while (fd < 0 && errno == EINTR);
	if (fd < 0)
		fsched_err_sys(err, errno, "cannot open %s", path);
	return fd;
}

ssize_t fsched_journal_repair(const char *dir, const char *name,
			      char **torn, fsched_err_t *err)
{
	char buf[4096];
	struct stat st;
	off_t pos, cut = -1;
	int fd;

	if (torn)
		*torn = NULL;
	if ((fd = open_at(dir, name, O_RDWR, 0, err)) < 0)
		return (errno == ENOENT) ? 0 : -1;
	if (fstat(fd, &st) < 0) {
		fsched_err_sys(err, errno, "cannot stat %s/%s", dir, name);
		goto fail;
	}
	/* Walk back from the end to the last newline. */
	for (pos = st.st_size; pos > 0 && cut < 0;) {
		size_t n = pos > (off_t)sizeof(buf) ? sizeof(buf) : (size_t)pos;
		ssize_t r;

		pos -= (off_t)n;
		r = pread(fd, buf, n, pos);
		if (r != (ssize_t)n) {
			fsched_err_sys(err, r < 0 ? errno : EIO, "cannot read %s/%s",
				       dir, name);
			goto fail;
		}
		for (ssize_t i = (ssize_t)n - 1; i >= 0; i--) {
			if (buf[i] == '\n') {
				cut = pos + i + 1;
				break;
			}
		}
	}
	if (cut < 0)
		cut = 0;
	if (cut == st.st_size) {
		close(fd);
		return 0;
	}
	if (torn) {
		size_t n = (size_t)(st.st_size - cut);

		if (n > 256)
			n = 256;
		if ((*torn = calloc(1, n + 1)) &&
		    pread(fd, *torn, n, cut) < 0)
			(*torn)[0] = '\0';
	}
	if (ftruncate(fd, cut) < 0 || fsync(fd) < 0) {
		fsched_err_sys(err, errno, "cannot repair %s/%s", dir, name);
		goto fail;
	}
	close(fd);
	return (ssize_t)(st.st_size - cut);
fail:
	close(fd);
	if (torn) {
		free(*torn);
		*torn = NULL;
	}
	return -1;
}

/* ftruncate, retried on EINTR. */
static int truncate_to(int fd, off_t size)
{
	int rc;

	do {
		rc = ftruncate(fd, size);
	} while (rc < 0 && errno == EINTR);
	return rc;
}

int fsched_journal_append(const char *dir, const char *name,
			  const char *buf, size_t len, mode_t mode,
			  off_t *good_end, fsched_err_t *err)
{
	off_t want = good_end ? *good_end : -1;
	struct stat st;
	int fd, created = 0;

	fd = open_at(dir, name, O_WRONLY | O_APPEND, 0, err);
	if (fd < 0 && errno == ENOENT) {
		fd = open_at(dir, name, O_WRONLY | O_APPEND | O_CREAT | O_EXCL,
			     mode & 07777, err);
		if (fd >= 0) {
			created = 1;
			if (fchmod(fd, mode & 07777) < 0) {
				fsched_err_sys(err, errno, "cannot chmod %s/%s",
					       dir, name);
				close(fd);
				return -1;
			}
		} else if (errno == EEXIST) {
			fd = open_at(dir, name, O_WRONLY | O_APPEND, 0, err);
		}
	}
	if (fd < 0)
		return -1;	/* nothing written: *good_end stands */
	if (fstat(fd, &st) < 0) {
		fsched_err_sys(err, errno, "cannot stat %s/%s", dir, name);
		close(fd);
		return -1;
	}
	/*
	 * Bytes beyond the good end are an earlier failed batch whose records
	 * are still queued: cut them off first, or they would be written
	 * twice.  A file shorter than that was cut or replaced by someone
	 * else: nothing of ours is beyond its end.
	 */
	if (want >= 0 && st.st_size > want) {
		if (truncate_to(fd, want) < 0) {
			fsched_err_sys(err, errno,
				       "cannot cut %s/%s back to %lld bytes (a failed write left %lld bytes there), not appending",
				       dir, name, (long long)want,
				       (long long)(st.st_size - want));
			close(fd);
			return -1;
		}
		st.st_size = want;
	}
	if (fsched_write_all(fd, buf, len) < 0) {
		fsched_err_sys(err, errno, "cannot append to %s/%s", dir, name);
		goto undo;
	}
	if (fsync(fd) < 0) {
		fsched_err_sys(err, errno, "cannot fsync %s/%s", dir, name);
		goto undo;
	}
	if (close(fd) < 0) {
		fd = -1;
		fsched_err_sys(err, errno, "cannot close %s/%s", dir, name);
		goto undo;
	}
	/* A new file's directory entry must be durable too. */
	if (created && fsched_fsync_dir(dir, err) < 0) {
		fd = -1;
		goto undo;
	}
	if (good_end)
		*good_end = st.st_size + (off_t)len;
	return 0;
undo:
	{
		int saved = errno, cut_errno = 0;

		/* Never leave half a batch: cut back to the old size. */
		if (fd < 0)
			fd = open_at(dir, name, O_WRONLY, 0, NULL);
		if (fd < 0) {
			if (errno != ENOENT)	/* gone: nothing to cut */
				cut_errno = errno;
		} else {
			if (truncate_to(fd, st.st_size) == 0)
				(void)fsync(fd);
			else
				cut_errno = errno;
			close(fd);
		}
		if (good_end)
			*good_end = cut_errno ? st.st_size : -1;
		if (cut_errno && err) {
			size_t n = strlen(err->msg);

			snprintf(err->msg + n, sizeof(err->msg) - n,
				 "; cutting it back to %lld bytes failed too: %s",
				 (long long)st.st_size, strerror(cut_errno));
		}
		errno = saved;
	}
	return -1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void fsched_journal_list_free(char **names)
{
	if (!names)
		return;
	for (char **p = names; *p; p++)
		free(*p);
	free(names);
}

int fsched_journal_list(const char *dir, uint32_t from, uint32_t to,
			char ***names, size_t *count, fsched_err_t *err)
{
	size_t n = 0, cap = 16;
	char **v = calloc(cap + 1, sizeof(*v));
	struct dirent *de;
	DIR *d;

	*names = NULL;
	*count = 0;
	if (!v)
		return fsched_err_sys(err, ENOMEM, "journal list");
	if (!(d = opendir(dir))) {
		if (errno == ENOENT) {
			*names = v;
			return 0;
		}
		free(v);
		return fsched_err_sys(err, errno, "cannot open directory %s",
				      dir);
	}
	while ((de = readdir(d))) {
		uint32_t day;

		if (fsched_journal_parse_name(de->d_name, &day) < 0 ||
		    day < from || day > to)
			continue;
		if (n == cap) {
			char **nv = realloc(v, (cap * 2 + 1) * sizeof(*v));

			if (!nv)
				goto nomem;
			v = nv;
			cap *= 2;
		}
		if (!(v[n] = strdup(de->d_name)))
			goto nomem;
		v[++n] = NULL;
	}
	closedir(d);
	qsort(v, n, sizeof(*v), cmp_str);
	*names = v;
	*count = n;
	return 0;
nomem:
	closedir(d);
	fsched_journal_list_free(v);
	return fsched_err_sys(err, ENOMEM, "journal list");
}

/* Parse and deliver one complete line; corrupt lines are counted. */
static int one_line(const char *path, const char *line, size_t len,
		    off_t off, fsched_journal_prefilter prefilter,
		    fsched_journal_fn fn, void *arg, size_t *corrupt)
{
	struct json_object *o;
	fsched_jobrec_t rec;
	fsched_err_t e;
	int rc;

	if (len == 0)
		return 0;
	if (prefilter && !prefilter(arg, line, len))
		return 0;
	if (fsched_json_parse(line, len, path, &o, &e) < 0) {
		(*corrupt)++;
		return 0;
	}
	if (fsched_jobrec_from_json(o, path, &rec, &e) < 0) {
		(*corrupt)++;
		json_object_put(o);
		return 0;
	}
	rc = fn(arg, o, &rec, off);
	json_object_put(o);
	return rc;
}

int fsched_journal_scan(const char *path, off_t from,
			fsched_journal_prefilter prefilter,
			fsched_journal_fn fn, void *arg, size_t *corrupt,
			off_t *end, fsched_err_t *err)
{
	char *buf = malloc(SCAN_CHUNK);
	size_t have = 0, dummy = 0;
	bool skipping = false;	/* inside an over-long line */
	off_t pos = from, done = from;
	int fd, rc = 0;

	if (!corrupt)
		corrupt = &dummy;
	if (end)
		*end = from;
	if (!buf)
		return fsched_err_sys(err, ENOMEM, "%s", path);
	do {
		fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	} while (fd < 0 && errno == EINTR);
	if (fd < 0) {
		free(buf);
		return fsched_err_sys(err, errno, "cannot open %s", path);
	}
	while (rc == 0) {
		ssize_t r = pread(fd, buf + have, SCAN_CHUNK - have, pos);
		size_t start = 0;
		off_t base;	/* file offset of buf[0] */

		if (r < 0) {
			if (errno == EINTR)
				continue;
			rc = fsched_err_sys(err, errno, "cannot read %s", path);
			break;
		}
		if (r == 0)
			break;
		base = pos - (off_t)have;
		pos += r;
		have += (size_t)r;
		for (size_t i = 0; i < have && rc == 0; i++) {
			if (buf[i] != '\n')
				continue;
			if (skipping) {
				(*corrupt)++;
				skipping = false;
			} else {
				rc = one_line(path, buf + start, i - start,
					      base + (off_t)start, prefilter,
					      fn, arg, corrupt);
			}
			start = i + 1;
			done = base + (off_t)start;
		}
		memmove(buf, buf + start, have - start);
		have -= start;
		if (have == SCAN_CHUNK) {
			/* A line longer than the chunk: corrupt, skip it. */
			skipping = true;
			have = 0;
		}
	}
	close(fd);
	free(buf);
	if (end)
		*end = done;
	return rc < 0 ? -1 : 0;
}
