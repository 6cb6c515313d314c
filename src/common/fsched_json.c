/*
 * fsched_json.c - JSON reading and writing for fsched files, on json-c.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsched_file.h"
#include "fsched_json.h"

int fsched_json_parse(const char *buf, size_t len, const char *what,
		      struct json_object **out, fsched_err_t *err)
{
	struct json_tokener *tok;
	struct json_object *obj;
	enum json_tokener_error jerr;
	size_t used, i;

	*out = NULL;
	if (len == 0)
		return fsched_err_set(err, ENODATA, "%s is empty", what);
	if (len > (size_t)INT32_MAX)
		return fsched_err_set(err, EFBIG, "%s is too large", what);
	if (memchr(buf, '\0', len))
		return fsched_err_set(err, EINVAL, "%s contains a NUL byte",
				      what);
	if (!(tok = json_tokener_new()))
		return fsched_err_sys(err, ENOMEM, "%s", what);
	obj = json_tokener_parse_ex(tok, buf, (int)len);
	jerr = json_tokener_get_error(tok);
	used = (size_t)json_tokener_get_parse_end(tok);
	if (!obj && jerr == json_tokener_continue) {
		/* End of input: a NUL tells json-c to finish a bare value. */
		obj = json_tokener_parse_ex(tok, "", 1);
		jerr = json_tokener_get_error(tok);
		used = len;
	}
	json_tokener_free(tok);

	if (jerr == json_tokener_continue || jerr == json_tokener_error_parse_eof ||
	    (!obj && jerr == json_tokener_success)) {
		json_object_put(obj);
		return fsched_err_set(err, EINVAL, "%s is truncated (incomplete JSON)",
				      what);
	}
	if (jerr != json_tokener_success) {
		json_object_put(obj);
		return fsched_err_set(err, EINVAL, "%s is not valid JSON (%s at byte %zu)",
				      what, json_tokener_error_desc(jerr), used);
	}
	for (i = used; i < len; i++) {
		if (!strchr(" \t\r\n", buf[i])) {
			json_object_put(obj);
			return fsched_err_set(err, EINVAL, "%s has trailing data at byte %zu",
					      what, i);
		}
	}
	if (!json_object_is_type(obj, json_type_object)) {
		json_object_put(obj);
		return fsched_err_set(err, EINVAL, "%s is not a JSON object",
				      what);
	}
	*out = obj;
	return 0;
}

int fsched_json_read_file(const char *path, struct json_object **out,
			  fsched_err_t *err)
{
	char *buf;
	size_t len;
	int rc;

	*out = NULL;
	if (fsched_read_file(path, FSCHED_JSON_MAX_FILE, &buf, &len, err) < 0)
		return -1;
	rc = fsched_json_parse(buf, len, path, out, err);
	free(buf);
	return rc;
}

int fsched_json_load(const char *dir, const char *name,
		     fsched_json_decode_fn decode, void *out,
		     fsched_err_t *err)
{
	struct json_object *o;
	char *path;
	int rc;

	if (asprintf(&path, "%s/%s", dir, name) < 0)
		return fsched_err_sys(err, ENOMEM, "%s", name);
	rc = fsched_json_read_file(path, &o, err);
	if (rc == 0) {
		rc = decode(o, path, out, err);
		json_object_put(o);
	}
	free(path);
	return rc;
}

int fsched_json_write_file(const char *dir, const char *name,
			   struct json_object *obj, mode_t mode,
			   fsched_err_t *err)
{
	const char *s;
	size_t len;
	char *buf;
	int rc;

	s = json_object_to_json_string_length(obj, FSCHED_JSON_PLAIN,
					      &len);
	if (!s)
		return fsched_err_sys(err, ENOMEM, "cannot serialize %s", name);
	if (!(buf = malloc(len + 1)))
		return fsched_err_sys(err, ENOMEM, "cannot serialize %s", name);
	memcpy(buf, s, len);
	buf[len] = '\n';
	rc = fsched_atomic_write(dir, name, buf, len + 1, mode, err);
	free(buf);
	return rc;
}

static int get(struct json_object *obj, const char *what, const char *key,
	       enum json_type type, bool required, struct json_object **val,
	       fsched_err_t *err)
{
	bool present = json_object_object_get_ex(obj, key, val);

	if (!present || !*val) {
		/* An optional field set to null counts as absent. */
		*val = NULL;
		if (required && present)
			return fsched_err_set(err, EINVAL, "%s: field \"%s\" must be %s, not null",
					      what, key, json_type_to_name(type));
		if (required)
			return fsched_err_set(err, EINVAL, "%s: missing field \"%s\"",
					      what, key);
		return 0;
	}
	if (!json_object_is_type(*val, type))
		return fsched_err_set(err, EINVAL, "%s: field \"%s\" must be %s",
				      what, key, json_type_to_name(type));
	return 0;
}

static int get_int64(struct json_object *obj, const char *what,
		     const char *key, int64_t min, int64_t max, bool required,
		     int64_t *out, fsched_err_t *err)
{
	struct json_object *val;
	int64_t v;

	if (get(obj, what, key, json_type_int, required, &val, err) < 0)
		return -1;
	if (!val)
		return 0;
	errno = 0;
	v = json_object_get_int64(val);
	/* json-c clamps out-of-range numbers and reports ERANGE. */
	if (errno == ERANGE || v < min || v > max)
		return fsched_err_set(err, ERANGE, "%s: field \"%s\" out of range [%lld, %lld]",
				      what, key, (long long)min,
				      (long long)max);
	*out = v;
	return 0;
}

int fsched_json_get_int64(struct json_object *obj, const char *what,
			  const char *key, int64_t min, int64_t max,
			  int64_t *out, fsched_err_t *err)
{
	return get_int64(obj, what, key, min, max, true, out, err);
}

int fsched_json_get_int64_opt(struct json_object *obj, const char *what,
			      const char *key, int64_t min, int64_t max,
			      int64_t *out, fsched_err_t *err)
{
	return get_int64(obj, what, key, min, max, false, out, err);
}

static int get_string(struct json_object *obj, const char *what,
		      const char *key, bool required, const char **out,
		      fsched_err_t *err)
{
	struct json_object *val;

	if (get(obj, what, key, json_type_string, required, &val, err) < 0)
		return -1;
	if (val)
		*out = json_object_get_string(val);
	return 0;
}

int fsched_json_get_string(struct json_object *obj, const char *what,
			   const char *key, const char **out,
			   fsched_err_t *err)
{
	return get_string(obj, what, key, true, out, err);
}

int fsched_json_get_string_opt(struct json_object *obj, const char *what,
			       const char *key, const char **out,
			       fsched_err_t *err)
{
	return get_string(obj, what, key, false, out, err);
}

int fsched_json_get_bool_opt(struct json_object *obj, const char *what,
			     const char *key, bool *out, fsched_err_t *err)
{
	struct json_object *val;

	if (get(obj, what, key, json_type_boolean, false, &val, err) < 0)
		return -1;
	if (val)
		*out = json_object_get_boolean(val);
	return 0;
}

int fsched_json_check_version(struct json_object *obj, const char *what,
			      int64_t max_version, fsched_err_t *err)
{
	int64_t v;

	if (fsched_json_get_int64(obj, what, "version", 1, INT32_MAX, &v,
				  err) < 0)
		return -1;
	if (v > max_version)
		return fsched_err_set(err, ENOTSUP, "%s: format version %lld is newer than this fsched understands (%lld)",
				      what, (long long)v,
				      (long long)max_version);
	return 0;
}

void fsched_json_add_string(struct json_object *obj, const char *key,
			    const char *s)
{
	if (s)
		json_object_object_add(obj, key, json_object_new_string(s));
}

void fsched_json_add_int64(struct json_object *obj, const char *key,
			   int64_t v)
{
	json_object_object_add(obj, key, json_object_new_int64(v));
}
