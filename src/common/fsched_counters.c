/*
 * fsched_counters.c - counters.json arithmetic, encoding and files.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsched_counters.h"
#include "fsched_events.h"
#include "fsched_journal.h"
#include "fsched_json.h"
#include "fsched_state.h"

int fsched_counters_init(fsched_counters_t *c)
{
	memset(c, 0, sizeof(*c));
	c->by_state = json_object_new_object();
	c->by_partition = json_object_new_object();
	c->positions = json_object_new_object();
	if (!c->by_state || !c->by_partition || !c->positions) {
		fsched_counters_free(c);
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

void fsched_counters_free(fsched_counters_t *c)
{
	json_object_put(c->by_state);
	json_object_put(c->by_partition);
	json_object_put(c->positions);
	c->by_state = c->by_partition = c->positions = NULL;
}

static void inc(struct json_object *map, const char *key)
{
	struct json_object *v;

	if (json_object_object_get_ex(map, key, &v))
		json_object_int_inc(v, 1);
	else
		json_object_object_add(map, key, json_object_new_int64(1));
}

void fsched_counters_add(fsched_counters_t *c, const fsched_jobrec_t *rec)
{
	const char *state = rec->state ? rec->state : "UNKNOWN";
	const char *part = (rec->partition && rec->partition[0]) ?
			   rec->partition : "(none)";
	struct json_object *p;

	c->records++;
	inc(c->by_state, state);
	if (!json_object_object_get_ex(c->by_partition, part, &p)) {
		p = json_object_new_object();
		json_object_object_add(c->by_partition, part, p);
	}
	inc(p, state);
	if (rec->reconciled)
		c->reconciled++;
}

off_t fsched_counters_pos(const fsched_counters_t *c, const char *name)
{
	struct json_object *v;

	if (json_object_object_get_ex(c->positions, name, &v))
		return (off_t)json_object_get_int64(v);
	return 0;
}

void fsched_counters_set_pos(fsched_counters_t *c, const char *name,
			     off_t off)
{
	json_object_object_add(c->positions, name,
			       json_object_new_int64((int64_t)off));
}

void fsched_counters_forget_before(fsched_counters_t *c, uint32_t day)
{
	struct json_object *keep = json_object_new_object();

	if (!keep)
		return;
	json_object_object_foreach(c->positions, name, v) {
		uint32_t d;

		if (fsched_journal_parse_name(name, &d) == 0 && d >= day)
			json_object_object_add(keep, name, json_object_get(v));
	}
	json_object_put(c->positions);
	c->positions = keep;
	if (day > c->counted_before_day)
		c->counted_before_day = day;
}

struct json_object *fsched_counters_to_json(const fsched_counters_t *c)
{
	struct json_object *o = json_object_new_object();
	char iso[32];

	if (!o)
		return NULL;
	fsched_json_add_int64(o, "version", FSCHED_COUNTERS_VERSION);
	fsched_json_add_int64(o, "updated", c->updated);
	fsched_time_iso((time_t)c->updated, iso, sizeof(iso));
	fsched_json_add_string(o, "updated_iso", iso);
	fsched_json_add_string(o, "host", c->host);
	fsched_json_add_int64(o, "records", c->records);
	json_object_object_add(o, "by_state", json_object_get(c->by_state));
	json_object_object_add(o, "by_partition",
			       json_object_get(c->by_partition));
	fsched_json_add_int64(o, "duplicates_skipped", c->duplicates);
	fsched_json_add_int64(o, "reconciled", c->reconciled);
	fsched_json_add_int64(o, "dropped", c->dropped);
	fsched_json_add_int64(o, "write_errors", c->write_errors);
	fsched_json_add_int64(o, "queue_depth", c->queue_depth);
	fsched_json_add_int64(o, "counted_before_day", c->counted_before_day);
	json_object_object_add(o, "positions", json_object_get(c->positions));
	return o;
}

/*
 * A {"name": non-negative int} map (or map of such maps if nested).  key
 * names m in messages, quoted (fsched_err_quote()): keys come from the
 * file.
 */
static int check_map(struct json_object *m, const char *what,
		     const char *key, int nested, fsched_err_t *err)
{
	if (!json_object_is_type(m, json_type_object))
		return fsched_err_set(err, EINVAL, "%s: field %s must be object",
				      what, key);
	json_object_object_foreach(m, k, v) {
		char qk[FSCHED_ERR_QUOTE_MAX];

		fsched_err_quote(k, qk, sizeof(qk));
		if (nested) {
			char sub[2 * FSCHED_ERR_QUOTE_MAX];

			snprintf(sub, sizeof(sub), "%s.%s", key, qk);
			if (check_map(v, what, sub, 0, err) < 0)
				return -1;
		} else if (!json_object_is_type(v, json_type_int) ||
			   json_object_get_int64(v) < 0) {
			return fsched_err_set(err, EINVAL, "%s: field %s.%s must be a non-negative integer",
					      what, key, qk);
		}
	}
	return 0;
}

int fsched_counters_from_json(struct json_object *o, const char *what,
			      fsched_counters_t *c, fsched_err_t *err)
{
	struct json_object *bs, *bp, *pos;
	const char *host = "";
	int64_t day = 0;
	const int64_t M = INT64_MAX / 2;

	if (fsched_json_check_version(o, what, FSCHED_COUNTERS_VERSION, err) < 0 ||
	    fsched_json_get_int64(o, what, "records", 0, M, &c->records,
				  err) < 0 ||
	    fsched_json_get_int64_opt(o, what, "updated", 0, M, &c->updated,
				      err) < 0 ||
	    fsched_json_get_int64_opt(o, what, "duplicates_skipped", 0, M,
				      &c->duplicates, err) < 0 ||
	    fsched_json_get_int64_opt(o, what, "reconciled", 0, M,
				      &c->reconciled, err) < 0 ||
	    fsched_json_get_int64_opt(o, what, "dropped", 0, M, &c->dropped,
				      err) < 0 ||
	    fsched_json_get_int64_opt(o, what, "write_errors", 0, M,
				      &c->write_errors, err) < 0 ||
	    fsched_json_get_int64_opt(o, what, "queue_depth", 0, M,
				      &c->queue_depth, err) < 0 ||
	    fsched_json_get_int64_opt(o, what, "counted_before_day", 0,
				      UINT32_MAX, &day, err) < 0 ||
	    fsched_json_get_string_opt(o, what, "host", &host, err) < 0)
		return -1;
	c->counted_before_day = (uint32_t)day;
	snprintf(c->host, sizeof(c->host), "%s", host);
	if (!json_object_object_get_ex(o, "by_state", &bs) ||
	    !json_object_object_get_ex(o, "by_partition", &bp) ||
	    !json_object_object_get_ex(o, "positions", &pos))
		return fsched_err_set(err, EINVAL, "%s: missing by_state, by_partition or positions",
				      what);
	if (check_map(bs, what, "\"by_state\"", 0, err) < 0 ||
	    check_map(bp, what, "\"by_partition\"", 1, err) < 0 ||
	    check_map(pos, what, "\"positions\"", 0, err) < 0)
		return -1;
	json_object_put(c->by_state);
	json_object_put(c->by_partition);
	json_object_put(c->positions);
	c->by_state = json_object_get(bs);
	c->by_partition = json_object_get(bp);
	c->positions = json_object_get(pos);
	return 0;
}

static int decode(struct json_object *o, const char *what, void *out,
		  fsched_err_t *err)
{
	return fsched_counters_from_json(o, what, out, err);
}

int fsched_counters_read(const char *dir, fsched_counters_t *c,
			 fsched_err_t *err)
{
	return fsched_json_load(dir, FSCHED_COUNTERS_FILE, decode, c, err);
}

int fsched_counters_write(const char *dir, fsched_counters_t *c,
			  fsched_err_t *err)
{
	struct json_object *o = fsched_counters_to_json(c);
	int rc;

	if (!o)
		return fsched_err_sys(err, ENOMEM, "counters.json");
	rc = fsched_json_write_file(dir, FSCHED_COUNTERS_FILE, o,
				    FSCHED_STATE_FILE_MODE, err);
	json_object_put(o);
	return rc;
}
