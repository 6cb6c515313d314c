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

size_t fsched_jobrec_dup_size(const fsched_jobrec_t *rec)
{
	size_t total = sizeof(*rec);

#define LEN(f) if (rec->f) total += strlen(rec->f) + 1;
	STR_FIELDS(LEN)
#undef LEN
	return total;
}

fsched_jobrec_t *fsched_jobrec_copy_into(void *buf, const fsched_jobrec_t *rec)
{
	fsched_jobrec_t *copy = buf;
	char *p;

	memcpy(copy, rec, sizeof(*rec));
	copy->pool_class = 0;
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

fsched_jobrec_t *fsched_jobrec_dup(const fsched_jobrec_t *rec)
{
	void *buf = malloc(fsched_jobrec_dup_size(rec));

	return buf ? fsched_jobrec_copy_into(buf, rec) : NULL;
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

/*
 * The journal fields, in output order.  One table for fresh encodings
 * (fsched_jobrec_to_json) and for the writer's reused object
 * (fsched_jobrec_encode), so the two can never differ.
 */
enum fkind { F_STR, F_INT, F_BOOL };

static const struct field {
	const char *key;
	enum fkind kind;
} fields[] = {
	{ "version", F_INT }, { "run_key", F_STR }, { "cluster", F_STR },
	{ "job_id", F_INT }, { "array_job_id", F_INT },
	{ "array_task_id", F_INT }, { "het_job_id", F_INT },
	{ "het_job_offset", F_INT }, { "user_id", F_INT }, { "user", F_STR },
	{ "group_id", F_INT }, { "group", F_STR }, { "account", F_STR },
	{ "partition", F_STR }, { "qos", F_STR }, { "name", F_STR },
	{ "state", F_STR }, { "state_code", F_INT }, { "exit_code", F_STR },
	{ "derived_exit_code", F_STR }, { "exit_status", F_INT },
	{ "derived_status", F_INT }, { "submit_time", F_INT },
	{ "eligible_time", F_INT }, { "start_time", F_INT },
	{ "end_time", F_INT }, { "elapsed", F_INT }, { "time_limit", F_INT },
	{ "nodes", F_STR }, { "node_count", F_INT }, { "cpus", F_INT },
	{ "tres_req", F_STR }, { "tres_alloc", F_STR },
	{ "reservation", F_STR }, { "work_dir", F_STR },
	{ "restart_count", F_INT }, { "resize_time", F_INT },
	{ "controller", F_STR }, { "epoch", F_INT }, { "logged_at", F_INT },
	{ "reconciled", F_BOOL },
};

#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

struct fval {
	bool present;
	const char *s;
	int64_t i;
};

/* The values of rec, field by field; strings may point into ec. */
static void values(const fsched_jobrec_t *r, struct fval *v,
		   char ec[2][32])
{
	bool task = r->array_task_id != FSCHED_NO_TASK;
	bool het = r->het_job_id != 0;
	size_t k = 0;

	fsched_exit_code_str(r->exit_status, ec[0], sizeof(ec[0]));
	fsched_exit_code_str(r->derived_status, ec[1], sizeof(ec[1]));
#define I(cond, val) v[k++] = (struct fval){ (cond), NULL, (val) }
#define S(val) v[k] = (struct fval){ (val) != NULL, (val), 0 }, k++
	I(true, FSCHED_JOURNAL_VERSION);
	S(r->run_key);
	S(r->cluster);
	I(true, r->job_id);
	I(task, r->array_job_id);
	I(task, r->array_task_id);
	I(het, r->het_job_id);
	I(het, r->het_job_offset);
	I(true, r->user_id);
	S(r->user);
	I(true, r->group_id);
	S(r->group);
	S(r->account);
	S(r->partition);
	S(r->qos);
	S(r->name);
	S(r->state);
	I(true, r->state_code);
	S(ec[0]);
	S(ec[1]);
	I(r->exit_status >= 0, r->exit_status);
	I(r->derived_status >= 0, r->derived_status);
	I(true, r->submit_time);
	I(true, r->eligible_time);
	I(true, r->start_time);
	I(true, r->end_time);
	I(true, (r->start_time && r->end_time > r->start_time) ?
		r->end_time - r->start_time : 0);
	I(true, r->time_limit);
	S(r->nodes);
	I(true, r->node_count);
	I(true, r->cpus);
	S(r->tres_req);
	S(r->tres_alloc);
	S(r->reservation);
	S(r->work_dir);
	I(true, r->restart_count);
	I(r->resize_time != 0, r->resize_time);
	S(r->controller);
	I(true, r->epoch);
	I(true, r->logged_at);
	I(r->reconciled, 1);
#undef I
#undef S
}

static struct json_object *new_value(enum fkind kind, const struct fval *v)
{
	switch (kind) {
	case F_STR:
		return json_object_new_string(v->s);
	case F_INT:
		return json_object_new_int64(v->i);
	case F_BOOL:
		return json_object_new_boolean(v->i != 0);
	}
	return NULL;
}

/* A new object with the present fields, in table order; kids[i] set. */
static struct json_object *build(const struct fval *v,
				 struct json_object **kids)
{
	struct json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	for (size_t i = 0; i < NFIELDS; i++) {
		kids[i] = NULL;
		if (!v[i].present)
			continue;
		if (!(kids[i] = new_value(fields[i].kind, &v[i]))) {
			json_object_put(o);
			return NULL;
		}
		json_object_object_add(o, fields[i].key, kids[i]);
	}
	return o;
}

struct json_object *fsched_jobrec_to_json(const fsched_jobrec_t *r)
{
	struct json_object *kids[NFIELDS];
	struct fval v[NFIELDS];
	char ec[2][32];

	values(r, v, ec);
	return build(v, kids);
}

struct fsched_jobrec_encoder {
	struct json_object *obj;		/* owned */
	struct json_object *kids[NFIELDS];	/* borrowed from obj */
	bool present[NFIELDS];
};

fsched_jobrec_encoder_t *fsched_jobrec_encoder_new(void)
{
	return calloc(1, sizeof(struct fsched_jobrec_encoder));
}

void fsched_jobrec_encoder_free(fsched_jobrec_encoder_t *enc)
{
	if (!enc)
		return;
	json_object_put(enc->obj);
	free(enc);
}

const char *fsched_jobrec_encode(fsched_jobrec_encoder_t *enc,
				 const fsched_jobrec_t *r, size_t *len)
{
	struct fval v[NFIELDS];
	char ec[2][32];
	bool same = enc->obj != NULL;

	values(r, v, ec);
	for (size_t i = 0; same && i < NFIELDS; i++)
		same = (v[i].present == enc->present[i]);
	if (!same) {
		/* Another set of fields: build afresh, keep the order. */
		json_object_put(enc->obj);
		if (!(enc->obj = build(v, enc->kids)))
			return NULL;
		for (size_t i = 0; i < NFIELDS; i++)
			enc->present[i] = v[i].present;
	} else {
		for (size_t i = 0; i < NFIELDS; i++) {
			if (!v[i].present)
				continue;
			switch (fields[i].kind) {
			case F_STR:
				if (!json_object_set_string(enc->kids[i],
							    v[i].s))
					return NULL;
				break;
			case F_INT:
				json_object_set_int64(enc->kids[i], v[i].i);
				break;
			case F_BOOL:
				json_object_set_boolean(enc->kids[i],
							v[i].i != 0);
				break;
			}
		}
	}
	return json_object_to_json_string_length(enc->obj, FSCHED_JSON_PLAIN,
						 len);
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
