/*
 * fsched_file.c - atomic replacement, bounded reads and durable appends.
 *
 * Every system call retries on EINTR, opens with O_CLOEXEC, and creates
 * files with an explicit mode.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fsched_file.h"

int fsched_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0) {
			errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int open_dir(const char *dir, fsched_err_t *err)
{
	int fd;

	do {
		fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	} while (fd < 0 && errno == EINTR);
	if (fd < 0)
		fsched_err_sys(err, errno, "cannot open directory %s", dir);
	return fd;
}

static int fsync_fd(int fd)
{
	int rc;

	do {
		rc = fsync(fd);
	} while (rc < 0 && errno == EINTR);
	return rc;
}

int fsched_fsync_dir(const char *dir, fsched_err_t *err)
{
	int fd = open_dir(dir, err);
	int rc = 0;

	if (fd < 0)
		return -1;
	/* EINVAL: the file system cannot sync directories; nothing to do. */
	if (fsync_fd(fd) < 0 && errno != EINVAL)
		rc = fsched_err_sys(err, errno, "cannot fsync directory %s",
				    dir);
	close(fd);
	return rc;
}

/* Unique temporary name in the target directory: .name.tmp.<pid>.<n> */
static void tmp_name(char *out, size_t size, const char *name)
{
	static unsigned int seq;
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(out, size, ".%s.tmp.%ld.%lx%x", name, (long)getpid(),
		 (unsigned long)ts.tv_nsec,
		 __atomic_fetch_add(&seq, 1, __ATOMIC_RELAXED));
}

int fsched_atomic_write(const char *dir, const char *name, const void *buf,
			size_t len, mode_t mode, fsched_err_t *err)
{
	char tmp[NAME_MAX + 1];
	int dfd, fd = -1, rc = -1, saved;

	if (!name[0] || strchr(name, '/') || strlen(name) > NAME_MAX - 40)
		return fsched_err_set(err, EINVAL, "invalid file name '%s'",
				      name);
	if ((dfd = open_dir(dir, err)) < 0)
		return -1;

	tmp_name(tmp, sizeof(tmp), name);
	do {
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL |
			    O_NOFOLLOW | O_CLOEXEC, mode & 07777);
	} while (fd < 0 && errno == EINTR);
	if (fd < 0) {
		fsched_err_sys(err, errno, "cannot write %s/%s: cannot create temporary file %s",
			       dir, name, tmp);
		goto out;
	}
	/* The mode must not depend on the caller's umask. */
	if (fchmod(fd, mode & 07777) < 0) {
		fsched_err_sys(err, errno, "cannot write %s/%s: cannot chmod temporary file %s",
			       dir, name, tmp);
		goto fail;
	}
	if (fsched_write_all(fd, buf, len) < 0) {
		fsched_err_sys(err, errno, "cannot write %s/%s: cannot write temporary file %s",
			       dir, name, tmp);
		goto fail;
	}
	if (fsync_fd(fd) < 0) {
		fsched_err_sys(err, errno, "cannot write %s/%s: cannot fsync temporary file %s",
			       dir, name, tmp);
		goto fail;
	}
	saved = close(fd);
	fd = -1;
	if (saved < 0) {
		fsched_err_sys(err, errno, "cannot write %s/%s: cannot close temporary file %s",
			       dir, name, tmp);
		goto fail;
	}
	if (renameat(dfd, tmp, dfd, name) < 0) {
		fsched_err_sys(err, errno, "cannot write %s/%s: cannot rename temporary file %s to it",
			       dir, name, tmp);
		goto fail;
	}
	if (fsync_fd(dfd) < 0 && errno != EINVAL) {
		/* The new content is in place; only its durability is unsure. */
		fsched_err_sys(err, errno, "%s/%s written, but cannot fsync directory %s",
			       dir, name, dir);
		goto out;
	}
	rc = 0;
	goto out;
fail:
	saved = errno;
	if (fd >= 0)
		close(fd);
	(void)unlinkat(dfd, tmp, 0);
	errno = saved;
out:
	saved = errno;
	close(dfd);
	errno = saved;
	return rc;
}

int fsched_atomic_write_path(const char *path, const void *buf, size_t len,
			     mode_t mode, fsched_err_t *err)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int rc;

	if (!slash)
		return fsched_atomic_write(".", path, buf, len, mode, err);
	if (slash == path)
		return fsched_atomic_write("/", slash + 1, buf, len, mode,
					   err);
	if (!(dir = strndup(path, (size_t)(slash - path))))
		return fsched_err_sys(err, ENOMEM, "%s", path);
	rc = fsched_atomic_write(dir, slash + 1, buf, len, mode, err);
	free(dir);
	return rc;
}

int fsched_read_file(const char *path, size_t max, char **buf, size_t *len,
		     fsched_err_t *err)
{
	struct stat st;
	char *data = NULL;
	size_t used = 0, cap;
	int fd, rc = -1;

	*buf = NULL;
	*len = 0;
	do {
		fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	} while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return fsched_err_sys(err, errno, "cannot open %s", path);
	if (fstat(fd, &st) < 0) {
		fsched_err_sys(err, errno, "cannot stat %s", path);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		fsched_err_set(err, EINVAL, "%s is not a regular file", path);
		goto out;
	}
	if ((size_t)st.st_size > max) {
		fsched_err_set(err, EFBIG, "%s is too large (%lld bytes, limit %zu)",
			       path, (long long)st.st_size, max);
		goto out;
	}
	/* The file may grow while we read: read until EOF, within max. */
	cap = (size_t)st.st_size + 1;
	if (!(data = malloc(cap + 1))) {
		fsched_err_sys(err, ENOMEM, "cannot read %s", path);
		goto out;
	}
	for (;;) {
		ssize_t n;

		if (used == cap) {
			char *p;

			if (cap > max) {
				fsched_err_set(err, EFBIG, "%s is too large (limit %zu bytes)",
					       path, max);
				goto out;
			}
			cap *= 2;
			if (!(p = realloc(data, cap + 1))) {
				fsched_err_sys(err, ENOMEM, "cannot read %s",
					       path);
				goto out;
			}
			data = p;
		}
		n = read(fd, data + used, cap - used);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fsched_err_sys(err, errno, "cannot read %s", path);
			goto out;
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	if (used > max) {
		fsched_err_set(err, EFBIG, "%s is too large (limit %zu bytes)",
			       path, max);
		goto out;
	}
	data[used] = '\0';
	*buf = data;
	*len = used;
	data = NULL;
	rc = 0;
out:
	free(data);
	close(fd);
	return rc;
}

/*
 * Open path for appending; create it with exactly mode (not subject to
 * the umask) if it does not exist.  Never follows a final symlink.  Opened
 * for reading too, to look at the last byte; where that is not allowed,
 * write-only (*readable false).
 */
static int open_append(const char *path, mode_t mode, bool *readable)
{
	const int flags = O_APPEND | O_NOFOLLOW | O_CLOEXEC;
	int fd, acc = O_RDWR;

	*readable = true;
	for (;;) {
		fd = open(path, flags | acc);
		if (fd < 0 && errno == EACCES && acc == O_RDWR) {
			acc = O_WRONLY;
			*readable = false;
			continue;
		}
		if (fd >= 0 || (errno != ENOENT && errno != EINTR))
			return fd;
		if (errno == EINTR)
			continue;
		fd = open(path, flags | acc | O_CREAT | O_EXCL, mode & 07777);
		if (fd >= 0) {
			if (fchmod(fd, mode & 07777) < 0) {
				int saved = errno;

				close(fd);
				errno = saved;
				return -1;
			}
			return fd;
		}
		if (errno != EEXIST && errno != EINTR)
			return -1;
		/* Created by someone else meanwhile: open it. */
	}
}

/*
 * Does the file end in the middle of a line (its last byte is not '\n':
 * a torn append, from a crash or an older fsched)?  0 and *torn, or -1.
 */
static int ends_torn(int fd, bool *torn)
{
	struct stat st;
	ssize_t n;
	char c;

	*torn = false;
	if (fstat(fd, &st) < 0)
		return -1;
	if (st.st_size == 0)
		return 0;
	do {
		n = pread(fd, &c, 1, st.st_size - 1);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	*torn = (n == 1 && c != '\n');
	return 0;
}

static ssize_t write_once(int fd, const void *buf, size_t len)
{
	ssize_t n;

	do {
		n = write(fd, buf, len);
	} while (n < 0 && errno == EINTR);
	return n;
}

/* Add "; <what>" to err's message, as room allows. */
static void err_append(fsched_err_t *err, const char *what, int errnum)
{
	size_t used;

	if (!err)
		return;
	used = strlen(err->msg);
	snprintf(err->msg + used, sizeof(err->msg) - used, "; %s: %s", what,
		 strerror(errnum));
}

/*
 * Undo a failed append: cut the file back to start, where our bytes
 * begin, if they end at end and the file too (O_APPEND: the offset is the
 * end of our last write); otherwise someone appended meanwhile, whose
 * record we would cut too.  Best effort: the reason of the failure is
 * already in err.
 */
static void cut_back(int fd, off_t start, off_t end, const char *path,
		     fsched_err_t *err)
{
	struct stat st;
	int rc;

	if (fstat(fd, &st) < 0) {
		err_append(err, "cannot check for a torn record", errno);
		return;
	}
	if (st.st_size != end || lseek(fd, 0, SEEK_CUR) != end) {
		if (err) {
			size_t used = strlen(err->msg);

			snprintf(err->msg + used, sizeof(err->msg) - used,
				 "; %s grew meanwhile: torn record left at byte %lld",
				 path, (long long)start);
		}
		return;
	}
	do {
		rc = ftruncate(fd, start);
	} while (rc < 0 && errno == EINTR);
	if (rc < 0) {
		err_append(err, "cannot cut back the torn record", errno);
		return;
	}
	(void)fsync_fd(fd);
}

int fsched_append_sync(const char *path, const void *buf, size_t len,
		       mode_t mode, fsched_err_t *err)
{
	const char *p = buf;
	char *joined = NULL;
	size_t total = len, written;
	bool readable, torn = false;
	off_t start;
	int fd, rc = -1, saved;
	ssize_t n;

	if ((fd = open_append(path, mode, &readable)) < 0)
		return fsched_err_sys(err, errno, "cannot open %s", path);
	if (readable && ends_torn(fd, &torn) < 0) {
		fsched_err_sys(err, errno, "cannot read the end of %s", path);
		goto out;
	}
	if (torn) {
		/* Start on a line of our own: the torn one stays corrupt. */
		if (!(joined = malloc(len + 1))) {
			fsched_err_sys(err, ENOMEM, "cannot append to %s",
				       path);
			goto out;
		}
		joined[0] = '\n';
		memcpy(joined + 1, buf, len);
		p = joined;
		total = len + 1;
	}
	/* One write() so that concurrent appenders never interleave. */
	if ((n = write_once(fd, p, total)) < 0) {
		/* Nothing written. */
		fsched_err_sys(err, errno, "cannot append to %s", path);
		goto out;
	}
	written = (size_t)n;
	start = lseek(fd, 0, SEEK_CUR);
	if (start >= 0)
		start -= n;
	if (written != total) {
		/*
		 * Short (disk full, file size limit): the next write() says
		 * why; whatever it does, the record is undone.
		 */
		ssize_t m = write_once(fd, p + n, total - written);
		int e = m < 0 ? errno : EIO;

		if (m > 0)
			written += (size_t)m;
		fsched_err_sys(err, e, "short append to %s (%zd of %zu bytes)",
			       path, n, total);
		goto cut;
	}
	if (fsync_fd(fd) < 0) {
		fsched_err_sys(err, errno, "cannot fsync %s", path);
		goto cut;
	}
	rc = 0;
	goto out;
cut:
	saved = errno;
	if (start >= 0)
		cut_back(fd, start, start + (off_t)written, path, err);
	errno = saved;
out:
	saved = errno;
	free(joined);
	if (close(fd) < 0 && rc == 0)
		return fsched_err_sys(err, errno, "cannot close %s", path);
	errno = saved;
	return rc;
}

int fsched_mkdir_p(const char *path, mode_t mode, fsched_err_t *err)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);
	char *p;

	if (len == 0 || len >= sizeof(buf))
		return fsched_err_set(err, ENAMETOOLONG, "invalid directory path '%s'",
				      path);
	memcpy(buf, path, len + 1);
	for (p = buf + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;
			struct stat st;

			*p = '\0';
			if (mkdir(buf, mode) < 0 && errno != EEXIST)
				return fsched_err_sys(err, errno, "cannot create directory %s",
						      buf);
			if (stat(buf, &st) < 0)
				return fsched_err_sys(err, errno, "cannot stat %s", buf);
			if (!S_ISDIR(st.st_mode))
				return fsched_err_set(err, ENOTDIR, "%s is not a directory",
						      buf);
			*p = c;
			if (c == '\0')
				break;
		}
	}
	return 0;
}
