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
		fsched_err_sys(err, errno, "cannot create %s/%s", dir, tmp);
		goto out;
	}
	/* The mode must not depend on the caller's umask. */
	if (fchmod(fd, mode & 07777) < 0) {
		fsched_err_sys(err, errno, "cannot chmod %s/%s", dir, tmp);
		goto fail;
	}
	if (fsched_write_all(fd, buf, len) < 0) {
		fsched_err_sys(err, errno, "cannot write %s/%s", dir, tmp);
		goto fail;
	}
	if (fsync_fd(fd) < 0) {
		fsched_err_sys(err, errno, "cannot fsync %s/%s", dir, tmp);
		goto fail;
	}
	saved = close(fd);
	fd = -1;
	if (saved < 0) {
		fsched_err_sys(err, errno, "cannot close %s/%s", dir, tmp);
		goto fail;
	}
	if (renameat(dfd, tmp, dfd, name) < 0) {
		fsched_err_sys(err, errno, "cannot rename %s/%s to %s", dir,
			       tmp, name);
		goto fail;
	}
	if (fsync_fd(dfd) < 0 && errno != EINVAL) {
		/* The new content is in place; only its durability is unsure. */
		fsched_err_sys(err, errno, "cannot fsync directory %s", dir);
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
 * the umask) if it does not exist.  Never follows a final symlink.
 */
static int open_append(const char *path, mode_t mode)
{
	const int flags = O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC;
	int fd;

	for (;;) {
		fd = open(path, flags);
		if (fd >= 0 || (errno != ENOENT && errno != EINTR))
			return fd;
		if (errno == EINTR)
			continue;
		fd = open(path, flags | O_CREAT | O_EXCL, mode & 07777);
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

int fsched_append_sync(const char *path, const void *buf, size_t len,
		       mode_t mode, fsched_err_t *err)
{
	int fd, rc = -1;
	ssize_t n;

	if ((fd = open_append(path, mode)) < 0)
		return fsched_err_sys(err, errno, "cannot open %s", path);
	/* One write() so that concurrent appenders never interleave. */
	do {
		n = write(fd, buf, len);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		fsched_err_sys(err, errno, "cannot append to %s", path);
		goto out;
	}
	if ((size_t)n != len) {
		fsched_err_set(err, EIO, "short append to %s (%zd of %zu bytes)",
			       path, n, len);
		goto out;
	}
	if (fsync_fd(fd) < 0) {
		fsched_err_sys(err, errno, "cannot fsync %s", path);
		goto out;
	}
	rc = 0;
out:
	if (close(fd) < 0 && rc == 0)
		rc = fsched_err_sys(err, errno, "cannot close %s", path);
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
