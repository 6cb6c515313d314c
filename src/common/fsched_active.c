/*
 * fsched_active.c - active.json encode, decode and the epoch rule.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsched_active.h"
#include "fsched_events.h"
#include "fsched_json.h"
#include "fsched_slurmconf.h"
#include "fsched_state.h"

const char *fsched_primary_kind_str(enum fsched_primary_kind kind)
{
	switch (kind) {
	case FSCHED_PRIMARY_FIRST:
		return "first";
	case FSCHED_PRIMARY_TAKEOVER:
		return "takeover";
	case FSCHED_PRIMARY_RESTART:
		return "restart";
	}
	return "?";
}

enum fsched_primary_kind fsched_active_next(const fsched_active_t *prev,
					    const char *host, int index,
					    time_t now, fsched_active_t *next)
{
	memset(next, 0, sizeof(*next));
	snprintf(next->host, sizeof(next->host), "%s", host);
	next->index = index;
	next->last_start = now;
	next->prev_index = -1;

	if (!prev) {
		next->epoch = 1;
		next->since = now;
		next->starts = 1;
		return FSCHED_PRIMARY_FIRST;
	}
	if (!strcmp(prev->host, host)) {
		next->epoch = prev->epoch;
		next->since = prev->since;
		next->starts = prev->starts + 1;
		snprintf(next->prev_host, sizeof(next->prev_host), "%s",
			 prev->prev_host);
		next->prev_index = prev->prev_index;
		next->prev_since = prev->prev_since;
		return FSCHED_PRIMARY_RESTART;
	}
	next->epoch = prev->epoch + 1;
	next->since = now;
	next->starts = 1;
	snprintf(next->prev_host, sizeof(next->prev_host), "%s", prev->host);
	next->prev_index = prev->index;
	next->prev_since = prev->since;
	return FSCHED_PRIMARY_TAKEOVER;
}

struct json_object *fsched_active_to_json(const fsched_active_t *a)
{
	struct json_object *o = json_object_new_object();
	char iso[32];

	if (!o)
		return NULL;
	fsched_json_add_int64(o, "version", FSCHED_ACTIVE_VERSION);
	fsched_json_add_string(o, "host", a->host);
	fsched_json_add_int64(o, "index", a->index);
	fsched_json_add_int64(o, "epoch", a->epoch);
	fsched_json_add_int64(o, "since", (int64_t)a->since);
	fsched_time_iso(a->since, iso, sizeof(iso));
	fsched_json_add_string(o, "since_iso", iso);
	fsched_json_add_int64(o, "last_start", (int64_t)a->last_start);
	fsched_json_add_int64(o, "starts", a->starts);
	if (a->prev_host[0]) {
		struct json_object *p = json_object_new_object();

		fsched_json_add_string(p, "host", a->prev_host);
		fsched_json_add_int64(p, "index", a->prev_index);
		fsched_json_add_int64(p, "since", (int64_t)a->prev_since);
		json_object_object_add(o, "previous", p);
	}
	return o;
}

static int copy_host(char *dst, const char *src, const char *what,
		     const char *key, fsched_err_t *err)
{
	size_t n = strlen(src);

	if (n == 0 || n >= FSCHED_HOST_MAX || strpbrk(src, " \t\r\n/"))
		return fsched_err_set(err, EINVAL, "%s: field \"%s\" is not a host name",
				      what, key);
	memcpy(dst, src, n + 1);
	return 0;
}

int fsched_active_from_json(struct json_object *o, const char *what,
			    fsched_active_t *a, fsched_err_t *err)
{
	struct json_object *p;
	const char *host;
	int64_t v;

	memset(a, 0, sizeof(*a));
	a->prev_index = -1;
	if (fsched_json_check_version(o, what, FSCHED_ACTIVE_VERSION, err) < 0 ||
	    fsched_json_get_string(o, what, "host", &host, err) < 0 ||
	    copy_host(a->host, host, what, "host", err) < 0)
		return -1;
	if (fsched_json_get_int64(o, what, "index", 0, FSCHED_MAX_CTLD - 1,
				  &v, err) < 0)
		return -1;
	a->index = (int)v;
	if (fsched_json_get_int64(o, what, "epoch", 1, INT64_MAX / 2,
				  &a->epoch, err) < 0)
		return -1;
	if (fsched_json_get_int64(o, what, "since", 0, INT64_MAX / 2, &v,
				  err) < 0)
		return -1;
	a->since = (time_t)v;
	v = a->since;
	if (fsched_json_get_int64_opt(o, what, "last_start", 0, INT64_MAX / 2,
				      &v, err) < 0)
		return -1;
	a->last_start = (time_t)v;
	a->starts = 1;
	if (fsched_json_get_int64_opt(o, what, "starts", 1, INT64_MAX / 2,
				      &a->starts, err) < 0)
		return -1;
	if (json_object_object_get_ex(o, "previous", &p) && p) {
		char pwhat[300];

		snprintf(pwhat, sizeof(pwhat), "%s: previous", what);
		if (!json_object_is_type(p, json_type_object))
			return fsched_err_set(err, EINVAL, "%s: field \"previous\" must be object",
					      what);
		if (fsched_json_get_string(p, pwhat, "host", &host, err) < 0 ||
		    copy_host(a->prev_host, host, pwhat, "host", err) < 0 ||
		    fsched_json_get_int64(p, pwhat, "index", 0,
					  FSCHED_MAX_CTLD - 1, &v, err) < 0)
			return -1;
		a->prev_index = (int)v;
		v = 0;
		if (fsched_json_get_int64_opt(p, pwhat, "since", 0,
					      INT64_MAX / 2, &v, err) < 0)
			return -1;
		a->prev_since = (time_t)v;
	}
	return 0;
}

static int decode(struct json_object *o, const char *what, void *out,
		  fsched_err_t *err)
{
	return fsched_active_from_json(o, what, out, err);
}

int fsched_active_read(const char *dir, fsched_active_t *a,
		       fsched_err_t *err)
{
	return fsched_json_load(dir, FSCHED_ACTIVE_FILE, decode, a, err);
}

int fsched_active_write(const char *dir, const fsched_active_t *a,
			fsched_err_t *err)
{
	struct json_object *o = fsched_active_to_json(a);
	int rc;

	if (!o)
		return fsched_err_sys(err, ENOMEM, "active.json");
	rc = fsched_json_write_file(dir, FSCHED_ACTIVE_FILE, o,
				    FSCHED_STATE_FILE_MODE, err);
	json_object_put(o);
	return rc;
}
