/*
 * test_journal.c - job run records (every field, arrays, het jobs,
 * requeue, resize, missing optional fields), run keys, the key index,
 * journal files (names, appends, torn-tail repair, scans with corrupt
 * lines, appends whose cut-back fails), sacct -c filters and counters
 * arithmetic.
 */
#include "config.h"

#include <sys/stat.h>

#include "fsched_counters.h"
#include "fsched_journal.h"
#include "fsched_json.h"
#include "fsched_keyindex.h"
#include "fsched_query.h"
#include "fsched_record.h"
#include "fsched_test.h"
#include "fsched_faults.h"

static char *dir;

static void setup(void)
{
	dir = test_mkdtemp();
}

static void teardown(void)
{
	test_rmdir(dir);
}

static void full_record(fsched_jobrec_t *r)
{
	fsched_jobrec_init(r);
	r->cluster = "alpha";
	r->user = "alice";
	r->group = "staff";
	r->account = "proj";
	r->partition = "debug";
	r->qos = "normal";
	r->name = "a \"quoted\" name\twith\ttabs";
	r->state = "COMPLETED";
	r->nodes = "n[1-2]";
	r->tres_req = "cpu=2,mem=200M,node=2";
	r->tres_alloc = "cpu=2,mem=200M,node=2,billing=2";
	r->reservation = "maint";
	r->work_dir = "/home/alice/run";
	r->controller = "ctl2";
	r->job_id = 42;
	r->array_job_id = 40;
	r->array_task_id = 2;
	r->het_job_id = 41;
	r->het_job_offset = 1;
	r->user_id = 1000;
	r->group_id = 100;
	r->state_code = 3;
	r->exit_status = 2 << 8;	/* exit 2 */
	r->derived_status = 9;		/* killed by signal 9 */
	r->submit_time = 1700000000;
	r->eligible_time = 1700000001;
	r->start_time = 1700000010;
	r->end_time = 1700000070;
	r->time_limit = 30;
	r->node_count = 2;
	r->cpus = 2;
	r->restart_count = 1;
	r->epoch = 7;
	r->logged_at = 1700000071;
	r->reconciled = true;
}

START_TEST(test_record_roundtrip)
{
	fsched_jobrec_t r, *copy, back;
	struct json_object *o, *v;
	fsched_err_t err;

	full_record(&r);
	copy = fsched_jobrec_dup(&r);
	ck_assert_ptr_nonnull(copy);
	/* One allocation: the strings live inside it. */
	ck_assert_ptr_ne(copy->name, r.name);
	ck_assert_str_eq(copy->name, r.name);
	ck_assert((char *)copy->work_dir > (char *)copy &&
		  (char *)copy->work_dir < (char *)copy + 4096);
	fsched_jobrec_key(copy, copy->run_key, sizeof(copy->run_key));
	ck_assert_str_eq(copy->run_key, "alpha:42:1700000010:1");

	o = fsched_jobrec_to_json(copy);
	ck_assert(json_object_object_get_ex(o, "exit_code", &v));
	ck_assert_str_eq(json_object_get_string(v), "2:0");
	ck_assert(json_object_object_get_ex(o, "derived_exit_code", &v));
	ck_assert_str_eq(json_object_get_string(v), "0:9");
	ck_assert(json_object_object_get_ex(o, "elapsed", &v));
	ck_assert_int_eq(json_object_get_int64(v), 60);
	ck_assert_int_eq(fsched_jobrec_from_json(o, "t", &back, &err), 0);
#define S(f) ck_assert_str_eq(back.f, r.f)
#define N(f) ck_assert_int_eq(back.f, r.f)
	S(cluster); S(user); S(group); S(account); S(partition); S(qos);
	S(name); S(state); S(nodes); S(tres_req); S(tres_alloc);
	S(reservation); S(work_dir); S(controller);
	N(job_id); N(array_job_id); N(array_task_id); N(het_job_id);
	N(het_job_offset); N(user_id); N(group_id); N(state_code);
	N(exit_status); N(derived_status); N(submit_time); N(eligible_time);
	N(start_time); N(end_time); N(time_limit); N(node_count); N(cpus);
	N(restart_count); N(epoch); N(logged_at); N(reconciled);
#undef S
#undef N
	ck_assert_str_eq(back.run_key, "alpha:42:1700000010:1");
	json_object_put(o);
	free(copy);
}
END_TEST

START_TEST(test_record_minimal)
{
	fsched_jobrec_t r, back;
	struct json_object *o, *v;
	fsched_err_t err;

	fsched_jobrec_init(&r);
	r.state = "CANCELLED";
	r.job_id = 7;
	r.end_time = 1700000000;
	fsched_jobrec_key(&r, r.run_key, sizeof(r.run_key));
	/* A job that never started has start 0 in its key. */
	ck_assert_str_eq(r.run_key, ":7:0:0");
	o = fsched_jobrec_to_json(&r);
	ck_assert(!json_object_object_get_ex(o, "array_task_id", &v));
	ck_assert(!json_object_object_get_ex(o, "het_job_id", &v));
	ck_assert(!json_object_object_get_ex(o, "user", &v));
	ck_assert(!json_object_object_get_ex(o, "exit_status", &v));
	ck_assert(!json_object_object_get_ex(o, "reconciled", &v));
	ck_assert(json_object_object_get_ex(o, "exit_code", &v));
	ck_assert_str_eq(json_object_get_string(v), "0:0");
	ck_assert(json_object_object_get_ex(o, "time_limit", &v));
	ck_assert_int_eq(json_object_get_int64(v), FSCHED_UNLIMITED);
	ck_assert_int_eq(fsched_jobrec_from_json(o, "t", &back, &err), 0);
	ck_assert_int_eq(back.array_task_id, FSCHED_NO_TASK);
	ck_assert_int_eq(back.exit_status, -1);
	ck_assert_ptr_null(back.user);
	ck_assert(!back.reconciled);
	json_object_put(o);
}
END_TEST

/* The writer's reused encoder writes exactly what a fresh encoding does. */
START_TEST(test_encoder_same_as_fresh)
{
	fsched_jobrec_encoder_t *enc = fsched_jobrec_encoder_new();
	fsched_jobrec_t full, min;

	full_record(&full);
	fsched_jobrec_init(&min);
	min.state = "FAILED";
	min.job_id = 9;
	min.end_time = 1700000000;
	min.exit_status = 256;
	for (int i = 0; i < 6; i++) {
		fsched_jobrec_t *r = (i % 3 == 1) ? &min : &full;
		struct json_object *o;
		const char *s;
		size_t len;

		r->job_id += i;		/* values change, shape alternates */
		r->name = (i == 4) ? NULL : r->name;
		fsched_jobrec_key(r, r->run_key, sizeof(r->run_key));
		s = fsched_jobrec_encode(enc, r, &len);
		ck_assert_ptr_nonnull(s);
		o = fsched_jobrec_to_json(r);
		ck_assert_str_eq(s, json_object_to_json_string_ext(o,
							FSCHED_JSON_PLAIN));
		ck_assert_uint_eq(len, strlen(s));
		json_object_put(o);
	}
	fsched_jobrec_encoder_free(enc);
}
END_TEST

START_TEST(test_run_keys)
{
	fsched_jobrec_t a, b;

	fsched_jobrec_init(&a);
	a.cluster = "c";
	a.job_id = 5;
	a.start_time = 100;
	b = a;
	fsched_jobrec_key(&a, a.run_key, sizeof(a.run_key));
	/* The same run logged twice: same key. */
	fsched_jobrec_key(&b, b.run_key, sizeof(b.run_key));
	ck_assert_str_eq(a.run_key, b.run_key);
	/* Requeued and run again: new start, new restart count. */
	b.start_time = 200;
	b.restart_count = 1;
	fsched_jobrec_key(&b, b.run_key, sizeof(b.run_key));
	ck_assert_str_eq(b.run_key, "c:5:200:1");
	/* A resize record of the first run is not the run itself. */
	b = a;
	b.resize_time = 150;
	fsched_jobrec_key(&b, b.run_key, sizeof(b.run_key));
	ck_assert_str_eq(b.run_key, "c:5:100:0:r150");
}
END_TEST

static const struct {
	const char *line;
	const char *msg;	/* expected error, after "t: " */
} record_bad[] = {
	{ "{\"version\":2}", "format version 2 is newer than this fsched understands (1)" },
	{ "{\"version\":1,\"job_id\":1}", "missing field \"run_key\"" },
	{ "{\"version\":1,\"run_key\":\"k\",\"job_id\":0,\"end_time\":1,\"user_id\":0,\"group_id\":0,\"state_code\":3,\"state\":\"X\"}",
	  "field \"job_id\" out of range [1, 4294967295]" },
	{ "{\"version\":1,\"run_key\":\"k\",\"job_id\":1,\"end_time\":1,\"user_id\":0,\"group_id\":0,\"state_code\":3}",
	  "missing field \"state\"" },
	{ "{\"version\":1,\"run_key\":\"k\",\"job_id\":1,\"end_time\":1,\"user_id\":0,\"group_id\":0,\"state_code\":3,\"state\":\"X\",\"name\":5}",
	  "field \"name\" must be string" },
	{ "{\"version\":1,\"run_key\":\"k\",\"job_id\":1,\"end_time\":1,\"user_id\":-5,\"group_id\":0,\"state_code\":3,\"state\":\"X\"}",
	  "field \"user_id\" out of range [0, 4294967295]" },
};

START_TEST(test_record_bad)
{
	struct json_object *o;
	fsched_jobrec_t r;
	fsched_err_t err;
	char want[512];

	ck_assert_int_eq(fsched_json_parse(record_bad[_i].line,
					   strlen(record_bad[_i].line), "t",
					   &o, &err), 0);
	ck_assert_int_eq(fsched_jobrec_from_json(o, "t", &r, &err), -1);
	snprintf(want, sizeof(want), "t: %s", record_bad[_i].msg);
	ck_assert_str_eq(err.msg, want);
	json_object_put(o);
}
END_TEST

START_TEST(test_keyindex)
{
	fsched_keyindex_t *ix = fsched_keyindex_new();
	char key[64];

	ck_assert_ptr_nonnull(ix);
	ck_assert_uint_ne(fsched_key_hash(""), 0);
	ck_assert_uint_ne(fsched_key_hash("a:1:2:0"), fsched_key_hash("a:1:2:1"));
	for (int i = 0; i < 100000; i++) {
		snprintf(key, sizeof(key), "c:%d:%d:0", i, 1000 + i);
		ck_assert_int_eq(fsched_keyindex_add(ix, fsched_key_hash(key),
						     (uint32_t)(i % 10)), 1);
	}
	ck_assert_uint_eq(fsched_keyindex_count(ix), 100000);
	snprintf(key, sizeof(key), "c:%d:%d:0", 5, 1005);
	ck_assert(fsched_keyindex_has(ix, fsched_key_hash(key)));
	ck_assert_int_eq(fsched_keyindex_add(ix, fsched_key_hash(key), 5), 0);
	ck_assert(!fsched_keyindex_has(ix, fsched_key_hash("c:5:1005:1")));
	/* Forget days 0..6: 30% remain. */
	ck_assert_int_eq(fsched_keyindex_prune(ix, 7), 0);
	ck_assert_uint_eq(fsched_keyindex_count(ix), 30000);
	snprintf(key, sizeof(key), "c:%d:%d:0", 7, 1007);
	ck_assert(fsched_keyindex_has(ix, fsched_key_hash(key)));
	snprintf(key, sizeof(key), "c:%d:%d:0", 5, 1005);
	ck_assert(!fsched_keyindex_has(ix, fsched_key_hash(key)));
	fsched_keyindex_free(ix);
	fsched_keyindex_free(NULL);
}
END_TEST

static const struct {
	const char *name;
	int valid;
	uint32_t day;
} names[] = {
	{ "jobcomp-19700101.jsonl", 1, 0 },
	{ "jobcomp-20231114.jsonl", 1, 19675 },
	{ "jobcomp-20240229.jsonl", 1, 19782 },
	{ "jobcomp-20230229.jsonl", 0, 0 },	/* not a date */
	{ "jobcomp-20231314.jsonl", 0, 0 },
	{ "jobcomp-2023111.jsonl", 0, 0 },
	{ "jobcomp-20231114.json", 0, 0 },
	{ "jobcomp-20231114.jsonl.1", 0, 0 },
	{ ".jobcomp-20231114.jsonl", 0, 0 },
	{ "counters.json", 0, 0 },
};

START_TEST(test_journal_names)
{
	uint32_t day = 12345;
	char buf[FSCHED_JOURNAL_NAME_LEN];

	ck_assert_int_eq(fsched_journal_parse_name(names[_i].name, &day),
			 names[_i].valid ? 0 : -1);
	if (names[_i].valid) {
		ck_assert_uint_eq(day, names[_i].day);
		fsched_journal_name(day, buf, sizeof(buf));
		ck_assert_str_eq(buf, names[_i].name);
	}
}
END_TEST

struct scan_acc {
	int n;
	int64_t ids[16];
	off_t offs[16];
};

static int acc(void *arg, struct json_object *o, const fsched_jobrec_t *r,
	       off_t off)
{
	struct scan_acc *a = arg;

	a->offs[a->n] = off;
	a->ids[a->n++] = r->job_id;
	return 0;
}

static char *line_for(int64_t id, int64_t end)
{
	fsched_jobrec_t r;
	struct json_object *o;
	char *s;

	fsched_jobrec_init(&r);
	r.cluster = "c";
	r.state = "COMPLETED";
	r.partition = "debug";
	r.job_id = id;
	r.end_time = end;
	fsched_jobrec_key(&r, r.run_key, sizeof(r.run_key));
	o = fsched_jobrec_to_json(&r);
	ck_assert_int_ne(asprintf(&s, "%s\n",
		json_object_to_json_string_ext(o, FSCHED_JSON_PLAIN)), -1);
	json_object_put(o);
	return s;
}

START_TEST(test_journal_append_repair_scan)
{
	char *l1 = line_for(1, 1700000000), *l2 = line_for(2, 1700000001);
	char *l3 = line_for(3, 1700000002), *path, *torn = NULL;
	const char *name = "jobcomp-20231114.jsonl";
	struct scan_acc a = { 0 };
	fsched_err_t err;
	size_t corrupt = 0;
	struct stat st;
	off_t size = -1, end;
	FILE *f;

	ck_assert_int_ne(asprintf(&path, "%s/%s", dir, name), -1);
	ck_assert_int_eq(fsched_journal_append(dir, name, l1, strlen(l1), 0640,
					       &size, &err), 0);
	ck_assert_int_eq(size, (off_t)strlen(l1));
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0640);
	ck_assert_int_eq(fsched_journal_append(dir, name, l2, strlen(l2), 0640,
					       &size, &err), 0);
	/* A crash mid-write: garbage and a torn line. */
	f = fopen(path, "a");
	fputs("this is not json\n", f);
	fwrite(l3, 1, strlen(l3) / 2, f);
	fclose(f);

	ck_assert_int_eq(fsched_journal_scan(path, 0, NULL, acc, &a, &corrupt,
					     &end, &err), 0);
	ck_assert_int_eq(a.n, 2);
	ck_assert_int_eq(a.ids[1], 2);
	ck_assert_int_eq(a.offs[1], (off_t)strlen(l1));
	ck_assert_uint_eq(corrupt, 1);	/* the torn tail is not counted */
	ck_assert_int_eq(end, (off_t)(strlen(l1) + strlen(l2) + 17));

	/* Repair cuts the torn tail only. */
	ck_assert_int_eq(fsched_journal_repair(dir, name, &torn, &err),
			 (ssize_t)(strlen(l3) / 2));
	ck_assert_ptr_nonnull(torn);
	ck_assert(!strncmp(torn, l3, 20));
	free(torn);
	ck_assert_int_eq(fsched_journal_repair(dir, name, &torn, &err), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_size, end);
	/* Missing file: nothing to repair. */
	ck_assert_int_eq(fsched_journal_repair(dir, "jobcomp-20200101.jsonl",
					       NULL, &err), 0);

	/* Scanning from an offset (counters catch-up). */
	memset(&a, 0, sizeof(a));
	ck_assert_int_eq(fsched_journal_append(dir, name, l3, strlen(l3), 0640,
					       NULL, &err), 0);
	ck_assert_int_eq(fsched_journal_scan(path, end, NULL, acc, &a, NULL,
					     NULL, &err), 0);
	ck_assert_int_eq(a.n, 1);
	ck_assert_int_eq(a.ids[0], 3);
	free(l1);
	free(l2);
	free(l3);
	free(path);
}
END_TEST

static off_t file_size(const char *path)
{
	struct stat st;

	ck_assert_int_eq(stat(path, &st), 0);
	return st.st_size;
}

/*
 * fsync() fails after write() worked, and the cut-back fails as well (the
 * same failing storage): the batch stays in the file, good_end says where
 * the file must end, and no later append goes after those bytes.
 */
START_TEST(test_journal_append_cut_back_fails)
{
	char *l1 = line_for(1, 1700000000), *l2 = line_for(2, 1700000001);
	char *l3 = line_for(3, 1700000002), *path, want[4096], cause[256];
	const char *name = "jobcomp-20231114.jsonl";
	off_t len1 = (off_t)strlen(l1), len2 = (off_t)strlen(l2);
	off_t len3 = (off_t)strlen(l3), good = -1;
	fsched_err_t err;

	fault_set(&fault_ftruncate_made, 0);
	ck_assert_int_ne(asprintf(&path, "%s/%s", dir, name), -1);
	ck_assert_int_eq(fsched_journal_append(dir, name, l1, len1, 0640,
					       &good, &err), 0);
	ck_assert_int_eq(good, len1);

	fault_set(&fault_fsync, EIO);
	fault_set(&fault_ftruncate, EIO);
	ck_assert_int_eq(fsched_journal_append(dir, name, l2, len2, 0640,
					       &good, &err), -1);
	snprintf(cause, sizeof(cause),
		 "cannot fsync %s: Input/output error; cutting it back to %lld bytes failed too: Input/output error",
		 path, (long long)len1);
	ck_assert_str_eq(err.msg, cause);
	ck_assert_int_eq(good, len1);
	ck_assert_int_eq(file_size(path), len1 + len2);	/* still there */

	/* Retried while the cut still fails: nothing is appended. */
	ck_assert_int_eq(fsched_journal_append(dir, name, l2, len2, 0640,
					       &good, &err), -1);
	ck_assert_msg(strstr(err.msg, "cannot cut") &&
		      strstr(err.msg, "not appending"), "%s", err.msg);
	ck_assert_int_eq(err.errnum, EIO);
	ck_assert_int_eq(good, len1);
	ck_assert_int_eq(file_size(path), len1 + len2);
	ck_assert_int_eq(fault_get(&fault_ftruncate_made), 2);

	/* Cured: cut back first, then the batch, once. */
	fault_set(&fault_fsync, 0);
	fault_set(&fault_ftruncate, 0);
	ck_assert_int_eq(fsched_journal_append(dir, name, l2, len2, 0640,
					       &good, &err), 0);
	ck_assert_int_eq(good, len1 + len2);
	snprintf(want, sizeof(want), "%s%s", l1, l2);
	ck_assert_str_eq(test_read(path), want);

	/* A failed write whose cut-back works leaves nothing to cut. */
	fault_set(&fault_fsync, EIO);
	ck_assert_int_eq(fsched_journal_append(dir, name, l3, len3, 0640,
					       &good, &err), -1);
	fault_set(&fault_fsync, 0);
	ck_assert_int_eq(good, -1);
	ck_assert_int_eq(file_size(path), len1 + len2);

	/* Shorter than its good end (cut by someone else): appended to. */
	good = len1 + len2 + 1000;
	ck_assert_int_eq(fsched_journal_append(dir, name, l3, len3, 0640,
					       &good, &err), 0);
	ck_assert_int_eq(good, len1 + len2 + len3);
	ck_assert_int_eq(file_size(path), len1 + len2 + len3);
	free(l1);
	free(l2);
	free(l3);
	free(path);
}
END_TEST

START_TEST(test_journal_append_fails_cleanly)
{
	fsched_err_t err;
	char *notdir = test_write(dir, "file", "x");

	/* The directory is a file: nothing can be appended. */
	ck_assert_int_eq(fsched_journal_append(notdir, "jobcomp-20231114.jsonl",
					       "x\n", 2, 0640, NULL, &err), -1);
	ck_assert_int_eq(err.errnum, ENOTDIR);
	free(notdir);
}
END_TEST

START_TEST(test_journal_list)
{
	char **v;
	size_t n;
	fsched_err_t err;

	free(test_write(dir, "jobcomp-20231113.jsonl", ""));
	free(test_write(dir, "jobcomp-20231115.jsonl", ""));
	free(test_write(dir, "jobcomp-20231114.jsonl", ""));
	free(test_write(dir, "counters.json", ""));
	ck_assert_int_eq(fsched_journal_list(dir, 0, UINT32_MAX, &v, &n, &err), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(v[0], "jobcomp-20231113.jsonl");
	ck_assert_str_eq(v[2], "jobcomp-20231115.jsonl");
	ck_assert_ptr_null(v[3]);
	fsched_journal_list_free(v);
	ck_assert_int_eq(fsched_journal_list(dir, 19675, 19675, &v, &n, &err), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(v[0], "jobcomp-20231114.jsonl");
	fsched_journal_list_free(v);
	ck_assert_int_eq(fsched_journal_list("/nonexistent-fsched", 0, 10, &v,
					     &n, &err), 0);
	ck_assert_uint_eq(n, 0);
	fsched_journal_list_free(v);
}
END_TEST

START_TEST(test_query)
{
	fsched_jobrec_t r;
	fsched_query_job_t jobs[] = { { 40, 2, -1 }, { 99, -1, -1 } };
	int64_t uids[] = { 1000 }, gids[] = { 5 }, states[] = { 3, 5 };
	char *parts[] = { "gpu" }, *clusters[] = { "alpha" };
	fsched_query_t q;
	uint32_t from, to;

	full_record(&r);	/* job 42 = task 40_2, het 41+1 */
	r.partition = "debug,gpu";
	memset(&q, 0, sizeof(q));
	ck_assert(fsched_query_match(&q, &r));
	q.jobs = jobs;
	q.njobs = 2;
	ck_assert(fsched_query_match(&q, &r));	/* array task 40_2 */
	jobs[0].array_task_id = 3;
	ck_assert(!fsched_query_match(&q, &r));
	jobs[0].array_task_id = -1;
	ck_assert(fsched_query_match(&q, &r));	/* whole array 40 */
	jobs[0].job_id = 41;
	ck_assert(fsched_query_match(&q, &r));	/* het leader 41 */
	jobs[0].het_offset = 0;
	ck_assert(!fsched_query_match(&q, &r));
	jobs[0].het_offset = 1;
	ck_assert(fsched_query_match(&q, &r));
	q.njobs = 0;
	q.uids = uids;
	q.nuids = 1;
	ck_assert(fsched_query_match(&q, &r));
	q.gids = gids;
	q.ngids = 1;
	ck_assert(!fsched_query_match(&q, &r));
	q.ngids = 0;
	q.partitions = parts;
	q.npartitions = 1;
	ck_assert(fsched_query_match(&q, &r));	/* one of "debug,gpu" */
	q.states = states;
	q.nstates = 2;
	ck_assert(fsched_query_match(&q, &r));
	q.states = states + 1;
	q.nstates = 1;
	ck_assert(!fsched_query_match(&q, &r));
	q.nstates = 0;
	q.clusters = clusters;
	q.nclusters = 1;
	ck_assert(fsched_query_match(&q, &r));
	q.start = r.end_time;
	q.end = r.end_time;
	ck_assert(fsched_query_match(&q, &r));
	q.start = r.end_time + 1;
	ck_assert(!fsched_query_match(&q, &r));
	q.start = 0;
	q.end = r.end_time - 1;
	ck_assert(!fsched_query_match(&q, &r));

	memset(&q, 0, sizeof(q));
	fsched_query_days(&q, 1700000000, &from, &to);
	ck_assert_uint_eq(from, 0);
	ck_assert_uint_eq(to, UINT32_MAX);
	q.start = 1699920000;	/* 2023-11-14T00:00:00Z */
	q.end = 1700006399;
	fsched_query_days(&q, 1700000000, &from, &to);
	ck_assert_uint_eq(from, 19675);
	ck_assert_uint_eq(to, 19675);

	/* The prefilter never rejects a line that would match. */
	q.jobs = jobs;
	q.njobs = 1;
	jobs[0].job_id = 42;
	ck_assert(fsched_query_prefilter(&q, "{\"job_id\":42}", 13));
	ck_assert(!fsched_query_prefilter(&q, "{\"job_id\":7}", 12));
}
END_TEST

START_TEST(test_counters)
{
	fsched_counters_t c, back;
	fsched_jobrec_t r;
	struct json_object *o, *v;
	fsched_err_t err;

	ck_assert_int_eq(fsched_counters_init(&c), 0);
	fsched_jobrec_init(&r);
	r.state = "COMPLETED";
	r.partition = "debug";
	fsched_counters_add(&c, &r);
	fsched_counters_add(&c, &r);
	r.state = "FAILED";
	r.reconciled = true;
	fsched_counters_add(&c, &r);
	r.partition = NULL;
	r.reconciled = false;
	fsched_counters_add(&c, &r);
	ck_assert_int_eq(c.records, 4);
	ck_assert_int_eq(c.reconciled, 1);
	ck_assert(json_object_object_get_ex(c.by_state, "FAILED", &v));
	ck_assert_int_eq(json_object_get_int64(v), 2);
	ck_assert(json_object_object_get_ex(c.by_partition, "(none)", &v));
	fsched_counters_set_pos(&c, "jobcomp-20231113.jsonl", 10);
	fsched_counters_set_pos(&c, "jobcomp-20231114.jsonl", 20);
	ck_assert_int_eq(fsched_counters_pos(&c, "jobcomp-20231114.jsonl"), 20);
	ck_assert_int_eq(fsched_counters_pos(&c, "jobcomp-20231115.jsonl"), 0);
	fsched_counters_forget_before(&c, 19675);
	ck_assert_int_eq(fsched_counters_pos(&c, "jobcomp-20231113.jsonl"), 0);
	ck_assert_int_eq(fsched_counters_pos(&c, "jobcomp-20231114.jsonl"), 20);
	ck_assert_uint_eq(c.counted_before_day, 19675);

	c.dropped = 3;
	snprintf(c.host, sizeof(c.host), "ctl1");
	ck_assert_int_eq(fsched_counters_write(dir, &c, &err), 0);
	ck_assert_int_eq(fsched_counters_init(&back), 0);
	ck_assert_int_eq(fsched_counters_read(dir, &back, &err), 0);
	ck_assert_int_eq(back.records, 4);
	ck_assert_int_eq(back.dropped, 3);
	ck_assert_uint_eq(back.counted_before_day, 19675);
	ck_assert_int_eq(fsched_counters_pos(&back, "jobcomp-20231114.jsonl"), 20);
	ck_assert(json_object_object_get_ex(back.by_partition, "debug", &o));
	ck_assert(json_object_object_get_ex(o, "COMPLETED", &v));
	ck_assert_int_eq(json_object_get_int64(v), 2);
	fsched_counters_free(&back);

	/* Corrupt counters are an error naming the problem. */
	free(test_write(dir, "counters.json",
		"{\"version\":1,\"records\":1,\"by_state\":{\"X\":-1},\"by_partition\":{},\"positions\":{}}"));
	ck_assert_int_eq(fsched_counters_init(&back), 0);
	ck_assert_int_eq(fsched_counters_read(dir, &back, &err), -1);
	ck_assert_msg(strstr(err.msg, "\"by_state\".\"X\" must be a non-negative integer"),
		      "%s", err.msg);
	fsched_counters_free(&back);
	fsched_counters_free(&c);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("journal");
	TCase *tc = tcase_create("journal");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_record_roundtrip);
	tcase_add_test(tc, test_record_minimal);
	tcase_add_test(tc, test_encoder_same_as_fresh);
	tcase_add_test(tc, test_run_keys);
	tcase_add_loop_test(tc, test_record_bad, 0,
			    sizeof(record_bad) / sizeof(record_bad[0]));
	tcase_add_test(tc, test_keyindex);
	tcase_add_loop_test(tc, test_journal_names, 0,
			    sizeof(names) / sizeof(names[0]));
	tcase_add_test(tc, test_journal_append_repair_scan);
	tcase_add_test(tc, test_journal_append_cut_back_fails);
	tcase_add_test(tc, test_journal_append_fails_cleanly);
	tcase_add_test(tc, test_journal_list);
	tcase_add_test(tc, test_query);
	tcase_add_test(tc, test_counters);
	suite_add_tcase(s, tc);
	return test_run(s);
}
