/*
 * fsched_kv.h - tokenizer for Slurm-style "Key=Value" configuration files.
 *
 * Used for fsched.conf and, read-only, for the few slurm.conf settings
 * fsched-hook needs before the controller answers RPCs.  Syntax as Slurm's:
 * '#' starts a comment (a '\#' is a literal '#'), several Key=Value pairs
 * may share a line, values may be double-quoted, a trailing '\' continues
 * the line, "Include PATH" reads another file (relative to the including
 * file's directory, glob patterns allowed).  Keys are reported as written;
 * compare them case-insensitively.
 */
#ifndef FSCHED_KV_H
#define FSCHED_KV_H

#include <stdbool.h>
#include <stddef.h>

#include "fsched_err.h"

typedef struct fsched_kv_pair {
	const char *file;	/* borrowed: file the pair was read from */
	int line;		/* 1-based line number of the pair */
	int pos;		/* 0 for the first pair of the line, then 1.. */
	const char *first_key;	/* borrowed: key of the line's first pair */
	const char *key;	/* borrowed */
	const char *value;	/* borrowed, unquoted, may be "" */
} fsched_kv_pair_t;

/*
 * Called for every pair in file order.  Return 0 to continue, or -1 with
 * err set to stop parsing; fsched_kv_parse_file() then returns -1 with
 * that err.
 */
typedef int (*fsched_kv_fn)(void *arg, const fsched_kv_pair_t *pair,
			    fsched_err_t *err);

/*
 * Parse path.  A missing file is ENOENT (the caller decides whether that
 * is an error).  Syntax errors name file and line.  Include directives
 * are followed only if allow_include (nesting is bounded).
 */
int fsched_kv_parse_file(const char *path, bool allow_include,
			 fsched_kv_fn fn, void *arg, fsched_err_t *err);

/* Parse an in-memory buffer named name (for tests and fuzzing). */
int fsched_kv_parse_buf(const char *name, const char *buf, size_t len,
			fsched_kv_fn fn, void *arg, fsched_err_t *err);

/*
 * Value parsers used by config readers.  Each returns 0 or -1 with err
 * describing the bad value (the caller prefixes file:line).
 */
int fsched_kv_bool(const char *value, bool *out, fsched_err_t *err);
int fsched_kv_long(const char *value, long min, long max, long *out,
		   fsched_err_t *err);

#endif /* FSCHED_KV_H */
