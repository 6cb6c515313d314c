/*
 * fsched_events.c - events.jsonl appends, rotation and tail reading.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fsched_events.h"
#include "fsched_file.h"
#include "fsched_json.h"
#include "fsched_state.h"

void fsched_time_iso(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, len, "%lld", (long long)t);
}

int fsched_event_append(const char *dir, long max_bytes, time_t now,
			const char *host, const char *event,
			struct json_object *detail, fsched_err_t *err)
{
	struct json_object *o = json_object_new_object();
	char iso[32], *path = NULL, *old = NULL, *line = NULL;
	const char *s;
	struct stat st;
	size_t len;
	int rc = -1;

	if (!o)
		return fsched_err_sys(err, ENOMEM, "event");
	fsched_time_iso(now, iso, sizeof(iso));
	fsched_json_add_int64(o, "version", FSCHED_EVENTS_VERSION);
	fsched_json_add_int64(o, "time", (int64_t)now);
	fsched_json_add_string(o, "time_iso", iso);
	fsched_json_add_string(o, "host", host);
	fsched_json_add_string(o, "event", event);
	if (detail)
		json_object_object_add(o, "detail", json_object_get(detail));
	s = json_object_to_json_string_length(o, FSCHED_JSON_PLAIN, &len);
	if (!s || !(line = malloc(len + 2)) ||
	    !(path = fsched_path(dir, FSCHED_EVENTS_FILE)) ||
	    !(old = fsched_path(dir, FSCHED_EVENTS_FILE ".1"))) {
		fsched_err_sys(err, ENOMEM, "event");
		goto out;
	}
	memcpy(line, s, len);
	line[len++] = '\n';

	/* Rotate first, so that the file never exceeds max_bytes. */
	if (lstat(path, &st) == 0 && st.st_size > 0 &&
	    (long long)st.st_size + (long long)len > max_bytes &&
	    rename(path, old) < 0) {
		fsched_err_sys(err, errno, "cannot rotate %s", path);
		goto out;
	}
	rc = fsched_append_sync(path, line, len, FSCHED_STATE_FILE_MODE, err);
out:
	json_object_put(o);
	free(line);
	free(path);
	free(old);
	return rc;
}

/*
 * A valid event: an object with string "event" and "host", and "detail"
 * an object if present.  Readers may rely on these types.
 */
static int check_event(struct json_object *o, const char *what,
		       fsched_err_t *err)
{
	struct json_object *d;
	const char *s;

	if (fsched_json_get_string(o, what, "event", &s, err) < 0 ||
	    fsched_json_get_string(o, what, "host", &s, err) < 0)
		return -1;
	if (json_object_object_get_ex(o, "detail", &d) &&
	    !json_object_is_type(d, json_type_object))
		return fsched_err_set(err, EINVAL, "%s: field \"detail\" must be object",
				      what);
	return 0;
}

/* Append the valid events of path to arr. */
static int read_events(const char *path, struct json_object *arr,
		       size_t *corrupt, fsched_err_t *err)
{
	char *buf, *p, *nl;
	size_t len;

	if (fsched_read_file(path, 64u << 20, &buf, &len, err) < 0)
		return (errno == ENOENT) ? 0 : -1;
	for (p = buf; p < buf + len; p = nl + 1) {
		struct json_object *o;
		fsched_err_t perr;
		if (!(nl = memchr(p, '\n', (size_t)(buf + len - p))))
			nl = buf + len;	/* torn last line: parse fails */
		if (nl == p)
			continue;
		if (fsched_json_parse(p, (size_t)(nl - p), path, &o, &perr) < 0 ||
		    check_event(o, path, &perr) < 0) {
			if (corrupt)
				(*corrupt)++;
			if (o)
				json_object_put(o);
			continue;
		}
		json_object_array_add(arr, o);
	}
	free(buf);
	return 0;
}

int fsched_events_tail(const char *dir, size_t n, struct json_object **out,
		       size_t *corrupt, fsched_err_t *err)
{
	struct json_object *all = json_object_new_array(), *tail;
	char *path = fsched_path(dir, FSCHED_EVENTS_FILE);
	char *old = fsched_path(dir, FSCHED_EVENTS_FILE ".1");
	size_t cnt, i;
	int rc = -1;

	*out = NULL;
	if (corrupt)
		*corrupt = 0;
	if (!all || !path || !old) {
		fsched_err_sys(err, ENOMEM, "events");
		goto out;
	}
	if (read_events(old, all, corrupt, err) < 0 ||
	    read_events(path, all, corrupt, err) < 0)
		goto out;
	if (!(tail = json_object_new_array())) {
		fsched_err_sys(err, ENOMEM, "events");
		goto out;
	}
	cnt = json_object_array_length(all);
	for (i = cnt > n ? cnt - n : 0; i < cnt; i++)
		json_object_array_add(tail,
			json_object_get(json_object_array_get_idx(all, i)));
	*out = tail;
	rc = 0;
out:
	json_object_put(all);
	free(path);
	free(old);
	return rc;
}
