/*
 * fuzz_common.h - helpers shared by the libFuzzer targets of libfsched.
 *
 * Every target that reads files uses ONE private directory per process
 * (created on first use under $FUZZ_TMPDIR, else /dev/shm, else $TMPDIR,
 * else /tmp, and removed at exit), and rewrites the same few file names
 * in it on every iteration: nothing accumulates.
 *
 * Checks abort() with a message (libFuzzer reports that as a crash and
 * saves the input).
 */
#ifndef FSCHED_FUZZ_COMMON_H
#define FSCHED_FUZZ_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fsched_err.h"

/* The per-process scratch directory (absolute path, no trailing '/'). */
const char *fuzz_dir(void);

/* fuzz_dir()/name into a static buffer per slot (slot < 8). */
const char *fuzz_path(int slot, const char *name);

/* Write (replace) path with exactly size bytes; abort on failure. */
void fuzz_write(const char *path, const void *data, size_t size);

/* Remove path if present (ENOENT is fine); abort on other failures. */
void fuzz_unlink(const char *path);

/* Abort with a message if cond is false. */
#define FUZZ_CHECK(cond, ...)						\
	do {								\
		if (!(cond))						\
			fuzz_fail(__FILE__, __LINE__, #cond, __VA_ARGS__); \
	} while (0)

void fuzz_fail(const char *file, int line, const char *cond,
	       const char *fmt, ...)
	__attribute__((noreturn, format(printf, 4, 5)));

/* Fill err with garbage, so that an error return without a message shows. */
void fuzz_err_poison(fsched_err_t *err);

/*
 * The library's error contract: rc is 0 or -1; on -1 err->errnum is
 * non-zero and err->msg is one non-empty, NUL-terminated line.
 */
void fuzz_check_err(int rc, const fsched_err_t *err, const char *call);

/*
 * Known, reported findings that a long run may skip so as to look for
 * others: true if id is listed in $FUZZ_KNOWN (comma-separated).  Nothing
 * is skipped by default (run-fuzz does not set it).  Ids:
 *   err-multiline          an error message holding a newline
 *   slurmconf-legacy-dup   ControlMachine == BackupController accepted
 */
bool fuzz_known(const char *id);

#endif /* FSCHED_FUZZ_COMMON_H */
