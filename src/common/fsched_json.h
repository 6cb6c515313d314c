/*
 * fsched_json.h - JSON reading and writing for fsched files, on json-c.
 *
 * Parsing uses a private json_tokener per call (thread-safe; json-c's
 * json_util_get_last_err() is not).  Readers treat missing, empty,
 * truncated or garbage input as a clear error and never crash.  Getters
 * validate the type and range of every field they return.
 */
#ifndef FSCHED_JSON_H
#define FSCHED_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <json.h>

#include "fsched_err.h"

/*
 * How fsched serializes: one line, paths without escaped slashes
 * (FSCHED_JSON_PRETTY for people).
 */
#define FSCHED_JSON_PLAIN (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)
#define FSCHED_JSON_PRETTY (JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | \
			    JSON_C_TO_STRING_NOSLASHESCAPE)

/* Largest JSON document fsched reads in one piece (manifest, counters). */
#define FSCHED_JSON_MAX_FILE (16u << 20)

/*
 * Parse exactly one JSON object from buf[0..len).  Trailing white space is
 * allowed, anything else is an error.  On success *out is a new reference
 * (caller puts it).  what names the input in error messages.
 */
int fsched_json_parse(const char *buf, size_t len, const char *what,
		      struct json_object **out, fsched_err_t *err);

/* Read and parse the file path (see fsched_json_parse()). */
int fsched_json_read_file(const char *path, struct json_object **out,
			  fsched_err_t *err);

/*
 * Decoder of one fsched file format: fill *out from o (borrowed); what
 * names the file in errors.
 */
typedef int (*fsched_json_decode_fn)(struct json_object *o, const char *what,
				     void *out, fsched_err_t *err);

/*
 * Read dir/name (fsched_json_read_file) and decode it into out.  Fails
 * with ENOENT when the file does not exist.  The one way fsched reads
 * its JSON files.
 */
int fsched_json_load(const char *dir, const char *name,
		     fsched_json_decode_fn decode, void *out,
		     fsched_err_t *err);

/*
 * Serialize obj (plain, one line) followed by '\n' and atomically replace
 * dir/name with it (fsched_atomic_write()).
 */
int fsched_json_write_file(const char *dir, const char *name,
			   struct json_object *obj, mode_t mode,
			   fsched_err_t *err);

/*
 * Typed getters.  Each returns 0 and sets *out, or -1 with err set naming
 * what and key.  A missing key is an error unless the getter is the _opt
 * variant, which then leaves *out untouched and returns 0.
 * Strings are borrowed from obj.
 */
int fsched_json_get_int64(struct json_object *obj, const char *what,
			  const char *key, int64_t min, int64_t max,
			  int64_t *out, fsched_err_t *err);
int fsched_json_get_int64_opt(struct json_object *obj, const char *what,
			      const char *key, int64_t min, int64_t max,
			      int64_t *out, fsched_err_t *err);
int fsched_json_get_string(struct json_object *obj, const char *what,
			   const char *key, const char **out,
			   fsched_err_t *err);
int fsched_json_get_string_opt(struct json_object *obj, const char *what,
			       const char *key, const char **out,
			       fsched_err_t *err);
int fsched_json_get_bool_opt(struct json_object *obj, const char *what,
			     const char *key, bool *out, fsched_err_t *err);

/*
 * Check the "version" field: present, an integer, and <= max_version
 * (newer formats are refused rather than misread).
 */
int fsched_json_check_version(struct json_object *obj, const char *what,
			      int64_t max_version, fsched_err_t *err);

/* Add helpers: take no ownership of s; NULL s adds nothing. */
void fsched_json_add_string(struct json_object *obj, const char *key,
			    const char *s);
void fsched_json_add_int64(struct json_object *obj, const char *key,
			   int64_t v);

#endif /* FSCHED_JSON_H */
