/*
 * fsched_record.c - job run records: copy, run key, JSON encode/decode.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "fsched_json.h"
#include "fsched_record.h"

void fsched_jobrec_init(fsched_jobrec_t *rec)
{
	memset(rec, 0, sizeof(*rec));
	rec->array_task_id = FSCHED_NO_TASK;
	rec->exit_status = -1;
	rec->derived_status = -1;
	rec->time_limit = FSCHED_UNLIMITED;
}

#define STR_FIELDS(X)							\
	X(cluster) X(user) X(group) X(account) X(partition) X(qos)	\
	X(name) X(state) X(nodes) X(tres_req) X(tres_alloc)		\
	X(reservation) X(work_dir) X(controller)

fsched_jobrec_t *fsched_jobrec_dup(const fsched_jobrec_t *rec)
{
	size_t total = sizeof(*rec);
	fsched_jobrec_t *copy;
	char *p;

#define LEN(f) if (rec->f) total += strlen(rec->f) + 1;
	STR_FIELDS(LEN)
#undef LEN
	if (!(copy = malloc(total)))
		return NULL;
	memcpy(copy, rec, sizeof(*rec));
	p = (char *)(copy + 1);
#define CPY(f)								\
	if (rec->f) {							\
		size_t n = strlen(rec->f) + 1;				\
		memcpy(p, rec->f, n);					\
		copy->f = p;						\
		p += n;							\
	}
	STR_FIELDS(CPY)
#undef CPY
	return copy;
}

void fsched_jobrec_key(const fsched_jobrec_t *rec, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s:%lld:%lld:%lld",
			 rec->cluster ? rec->cluster : "",
			 (long long)rec->job_id, (long long)rec->start_time,
			 (long long)rec->restart_count);

	if (rec->resize_time && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, ":r%lld",
			 (long long)rec->resize_time);
}

void fsched_exit_code_str(int64_t status, char *buf, size_t len)
{
	int code = 0, sig = 0;

	if (status >= 0) {
		int st = (int)status;

		if (WIFSIGNALED(st))
			sig = WTERMSIG(st);
		else if (WIFEXITED(st))
			code = WEXITSTATUS(st);
	}
	snprintf(buf, len, "%d:%d", code, sig);
}

struct json_object *fsched_jobrec_to_json(const fsched_jobrec_t *r)
{
	struct json_object *o = json_object_new_object();
	char ec[32];

	if (!o)
		return NULL;
	fsched_json_add_int64(o, "version", FSCHED_JOURNAL_VERSION);
	fsched_json_add_string(o, "run_key", r->run_key);
	fsched_json_add_string(o, "cluster", r->cluster);
	fsched_json_add_int64(o, "job_id", r->job_id);
	if (r->array_task_id != FSCHED_NO_TASK) {
		fsched_json_add_int64(o, "array_job_id", r->array_job_id);
		fsched_json_add_int64(o, "array_task_id", r->array_task_id);
	}
	if (r->het_job_id) {
		fsched_json_add_int64(o, "het_job_id", r->het_job_id);
		fsched_json_add_int64(o, "het_job_offset", r->het_job_offset);
	}
	fsched_json_add_int64(o, "user_id", r->user_id);
	fsched_json_add_string(o, "user", r->user);
	fsched_json_add_int64(o, "group_id", r->group_id);
	fsched_json_add_string(o, "group", r->group);
	fsched_json_add_string(o, "account", r->account);
	fsched_json_add_string(o, "partition", r->partition);
	fsched_json_add_string(o, "qos", r->qos);
	fsched_json_add_string(o, "name", r->name);
	fsched_json_add_string(o, "state", r->state);
	fsched_json_add_int64(o, "state_code", r->state_code);
	fsched_exit_code_str(r->exit_status, ec, sizeof(ec));
	fsched_json_add_string(o, "exit_code", ec);
	fsched_exit_code_str(r->derived_status, ec, sizeof(ec));
	fsched_json_add_string(o, "derived_exit_code", ec);
	if (r->exit_status >= 0)
		fsched_json_add_int64(o, "exit_status", r->exit_status);
	if (r->derived_status >= 0)
		fsched_json_add_int64(o, "derived_status", r->derived_status);
	fsched_json_add_int64(o, "submit_time", r->submit_time);
	fsched_json_add_int64(o, "eligible_time", r->eligible_time);
	fsched_json_add_int64(o, "start_time", r->start_time);
	fsched_json_add_int64(o, "end_time", r->end_time);
	fsched_json_add_int64(o, "elapsed", (r->start_time &&
					     r->end_time > r->start_time) ?
				r->end_time - r->start_time : 0);
	fsched_json_add_int64(o, "time_limit", r->time_limit);
	fsched_json_add_string(o, "nodes", r->nodes);
	fsched_json_add_int64(o, "node_count", r->node_count);
	fsched_json_add_int64(o, "cpus", r->cpus);
	fsched_json_add_string(o, "tres_req", r->tres_req);
	fsched_json_add_string(o, "tres_alloc", r->tres_alloc);
	fsched_json_add_string(o, "reservation", r->reservation);
	fsched_json_add_string(o, "work_dir", r->work_dir);
	fsched_json_add_int64(o, "restart_count", r->restart_count);
	if (r->resize_time)
		fsched_json_add_int64(o, "resize_time", r->resize_time);
	fsched_json_add_string(o, "controller", r->controller);
	fsched_json_add_int64(o, "epoch", r->epoch);
	fsched_json_add_int64(o, "logged_at", r->logged_at);
	if (r->reconciled)
		json_object_object_add(o, "reconciled",
				       json_object_new_boolean(1));
	return o;
}

/* Optional string: borrowed from o. */
static int ostr(struct json_object *o, const char *what, const char *key,
		char **out, fsched_err_t *err)
{
	const char *s = NULL;

	if (fsched_json_get_string_opt(o, what, key, &s, err) < 0)
		return -1;
	*out = (char *)s;
	return 0;
}

int fsched_jobrec_from_json(struct json_object *o, const char *what,
			    fsched_jobrec_t *r, fsched_err_t *err)
{
	const char *key;
	bool b = false;
	const int64_t T = INT64_MAX / 2;

	fsched_jobrec_init(r);
	if (fsched_json_check_version(o, what, FSCHED_JOURNAL_VERSION, err) < 0 ||
	    fsched_json_get_string(o, what, "run_key", &key, err) < 0)
		return -1;
	if (strlen(key) >= sizeof(r->run_key))
		return fsched_err_set(err, EINVAL, "%s: field \"run_key\" is too long",
				      what);
	memcpy(r->run_key, key, strlen(key) + 1);
	if (fsched_json_get_int64(o, what, "job_id", 1, UINT32_MAX, &r->job_id,
				  err) < 0 ||
	    fsched_json_get_int64(o, what, "end_time", 0, T, &r->end_time,
				  err) < 0 ||
	    fsched_json_get_int64(o, what, "user_id", 0, UINT32_MAX,
				  &r->user_id, err) < 0 ||
	    fsched_json_get_int64(o, what, "group_id", 0, UINT32_MAX,
				  &r->group_id, err) < 0 ||
	    fsched_json_get_int64(o, what, "state_code", 0, UINT32_MAX,
				  &r->state_code, err) < 0)
		return -1;
	if (fsched_json_get_int64_opt(o, what, "array_job_id", 0, UINT32_MAX,
				      &r->array_job_id, err) < 0 ||
	    fsched_json_get_int64_opt(o, what, "array_task_id", 0, UINT32_MAX,
				      &r->array_task_id, err) < 0 ||
	    fsched_json_get_int64_opt(o, what, "het_job_id", 0, UINT32_MAX,
				      &r->het_job_id, err) < 0 ||
	    fsched_json_get_int64_opt(o, what, "het_job_offset", 0, UINT32_MAX,
				      &r->het_job_offset, err) < 0 ||
	    fsched_json_get_int64_opt(o, what, "exit_status", 0, INT32_MAX,
				      &r->exit_status, err) < 0 ||
	    fsched_json_get_int64_opt(o, what, "derived_status", 0, INT32_MAX,
				      &r->derived_status, err) < 0 ||
	    fsched_json_get_int64_opt(o, what, "submit_time", 0, T,
				      &r->submit_time, err) < 0 ||
	    fsched_json_get_int64_opt(o, what, "eligible_time", 0, T,
				      &r->eligible_time, err) < 0 ||
	    fsched_json_get_int64_opt(o, what, "start_time", 0, T,
				      &r->start_time, err) < 0 ||
	    fsched_json_get_int64_opt(o, what, "time_limit", -1, UINT32_MAX,
				      &r->time_limit, err) < 0 ||
	    fsched_json_get_int64_opt(o, what, "node_count", 0, UINT32_MAX,
				      &r->node_count, err) < 0 ||
	    fsched_json_get_int64_opt(o, what, "cpus", 0, UINT32_MAX,
				      &r->cpus, err) < 0 ||
	    fsched_json_get_int64_opt(o, what, "restart_count", 0, UINT32_MAX,
				      &r->restart_count, err) < 0 ||
	    fsched_json_get_int64_opt(o, what, "resize_time", 0, T,
				      &r->resize_time, err) < 0 ||
	    fsched_json_get_int64_opt(o, what, "epoch", 0, T, &r->epoch,
				      err) < 0 ||
	    fsched_json_get_int64_opt(o, what, "logged_at", 0, T,
				      &r->logged_at, err) < 0 ||
	    fsched_json_get_bool_opt(o, what, "reconciled", &b, err) < 0)
		return -1;
	r->reconciled = b;
	if (ostr(o, what, "cluster", &r->cluster, err) < 0 ||
	    ostr(o, what, "user", &r->user, err) < 0 ||
	    ostr(o, what, "group", &r->group, err) < 0 ||
	    ostr(o, what, "account", &r->account, err) < 0 ||
	    ostr(o, what, "partition", &r->partition, err) < 0 ||
	    ostr(o, what, "qos", &r->qos, err) < 0 ||
	    ostr(o, what, "name", &r->name, err) < 0 ||
	    ostr(o, what, "state", &r->state, err) < 0 ||
	    ostr(o, what, "nodes", &r->nodes, err) < 0 ||
	    ostr(o, what, "tres_req", &r->tres_req, err) < 0 ||
	    ostr(o, what, "tres_alloc", &r->tres_alloc, err) < 0 ||
	    ostr(o, what, "reservation", &r->reservation, err) < 0 ||
	    ostr(o, what, "work_dir", &r->work_dir, err) < 0 ||
	    ostr(o, what, "controller", &r->controller, err) < 0)
		return -1;
	if (!r->state)
		return fsched_err_set(err, EINVAL, "%s: missing field \"state\"",
				      what);
	return 0;
}
