/*
 * fsched_file.h - the file primitives every fsched writer and reader uses.
 *
 * fsched_atomic_write() is THE way fsched replaces a file: temporary file
 * in the target directory (O_EXCL, O_NOFOLLOW, explicit mode), full write
 * loop, fsync, checked close, rename over the target, fsync of the
 * directory.  A reader sees the old file or the new one, never a torn or
 * missing one, and the new one survives a crash once this returns 0.  No
 * fcntl/flock locks: they are unreliable on network file systems, and
 * every fsched file has exactly one writer.
 */
#ifndef FSCHED_FILE_H
#define FSCHED_FILE_H

#include <stddef.h>
#include <sys/types.h>

#include "fsched_err.h"

/*
 * Atomically and durably replace dir/name with len bytes of buf, file mode
 * mode (not subject to umask).  name must be a plain file name.  A symlink
 * planted at dir/name is replaced, never followed.  Returns 0, or -1 with
 * errno and err set; on failure the old file is untouched and no temporary
 * file is left behind.
 */
int fsched_atomic_write(const char *dir, const char *name, const void *buf,
			size_t len, mode_t mode, fsched_err_t *err);

/* fsched_atomic_write() on a full path (split at the last '/'). */
int fsched_atomic_write_path(const char *path, const void *buf, size_t len,
			     mode_t mode, fsched_err_t *err);

/*
 * Read the whole regular file path (not through a final symlink) into a
 * NUL-terminated buffer.  Fails with EFBIG if it is larger than max bytes.
 * On success *buf (caller frees) and *len are set.
 */
int fsched_read_file(const char *path, size_t max, char **buf, size_t *len,
		     fsched_err_t *err);

/* write() all of buf to fd, retrying on EINTR and short writes. */
int fsched_write_all(int fd, const void *buf, size_t len);

/*
 * Append one record (buf, which ends with '\n') to path with a single
 * write() on an O_APPEND descriptor, then fsync.  Creates the file with
 * mode if missing; never follows a final symlink.
 *
 * Records stay whole lines: if the file does not end with '\n' (a torn
 * record, e.g. from a crash), a '\n' is written first, so that the torn
 * bytes make one corrupt line of their own that readers skip.  If the
 * write is short or the fsync fails, the file is cut back (ftruncate) to
 * where this record began, and -1 is returned with err naming path and
 * the cause (for a short write, the errno of the following write(), e.g.
 * ENOSPC).  The cut is skipped, and said in err, if another process
 * appended meanwhile (it would cut their record too).
 */
int fsched_append_sync(const char *path, const void *buf, size_t len,
		       mode_t mode, fsched_err_t *err);

/* Create path and missing parents with mode (existing dirs are kept). */
int fsched_mkdir_p(const char *path, mode_t mode, fsched_err_t *err);

/* fsync the directory that holds path's entry (or path if a directory). */
int fsched_fsync_dir(const char *dir, fsched_err_t *err);

#endif /* FSCHED_FILE_H */
