/*
 * fuzz_jobrec.c - journal lines: fsched_json_parse() and
 * fsched_jobrec_from_json(), then the encoders and the sacct prefilter.
 *
 * Input: one or more journal lines ('\n'-separated, at most 16 used).
 * For each line that decodes, the record must round-trip:
 *   - fsched_jobrec_to_json() and fsched_jobrec_encode() (one encoder
 *     shared by the lines of the input, so that both its rebuild and its
 *     in-place update paths run) give the same bytes;
 *   - those bytes parse and decode again to the same record (fields the
 *     format omits on purpose compare to their "absent" values), and
 *     re-encode to the same bytes;
 *   - fsched_jobrec_dup() copies every field;
 *   - fsched_query_prefilter() never rejects a line that
 *     fsched_query_match() accepts (job id filters).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsched_json.h"
#include "fsched_query.h"
#include "fsched_record.h"
#include "fuzz_common.h"

static bool str_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return !strcmp(a, b);
}

#define INT_FIELDS(X)							\
	X(job_id) X(array_task_id) X(het_job_id) X(user_id)		\
	X(group_id) X(state_code) X(exit_status) X(derived_status)	\
	X(submit_time) X(eligible_time) X(start_time) X(end_time)	\
	X(time_limit) X(node_count) X(cpus) X(restart_count)		\
	X(resize_time) X(epoch) X(logged_at)
#define STR_FIELDS(X)							\
	X(cluster) X(user) X(group) X(account) X(partition) X(qos)	\
	X(name) X(state) X(nodes) X(tres_req) X(tres_alloc)		\
	X(reservation) X(work_dir) X(controller)

/*
 * b decoded from the encoding of a: equal up to what the format omits
 * (exact: b is a copy of a, every field equal).
 */
static void check_same(const fsched_jobrec_t *a, const fsched_jobrec_t *b,
		       const char *how, bool exact)
{
#define CI(f) FUZZ_CHECK(a->f == b->f, "%s: " #f " %lld != %lld", how, \
			 (long long)a->f, (long long)b->f);
#define CS(f) FUZZ_CHECK(str_eq(a->f, b->f), "%s: " #f " \"%s\" != \"%s\"", \
			 how, a->f ? a->f : "(null)", b->f ? b->f : "(null)");
	INT_FIELDS(CI)
	STR_FIELDS(CS)
#undef CI
#undef CS
	FUZZ_CHECK(!strcmp(a->run_key, b->run_key), "%s: run_key", how);
	FUZZ_CHECK(a->reconciled == b->reconciled, "%s: reconciled", how);
	/* Written only for array tasks and het job components. */
	if (exact || a->array_task_id != FSCHED_NO_TASK)
		FUZZ_CHECK(a->array_job_id == b->array_job_id,
			   "%s: array_job_id", how);
	else
		FUZZ_CHECK(b->array_job_id == 0, "%s: array_job_id", how);
	if (exact || a->het_job_id)
		FUZZ_CHECK(a->het_job_offset == b->het_job_offset,
			   "%s: het_job_offset", how);
	else
		FUZZ_CHECK(b->het_job_offset == 0, "%s: het_job_offset", how);
}

static void check_prefilter(const fsched_jobrec_t *rec, const char *line,
			    size_t len, int64_t job_id)
{
	fsched_query_job_t j = { job_id, -1, -1 };
	fsched_query_t q;

	memset(&q, 0, sizeof(q));
	q.jobs = &j;
	q.njobs = 1;
	if (fsched_query_match(&q, rec))
		FUZZ_CHECK(fsched_query_prefilter(&q, line, len),
			   "prefilter rejects a matching line (job %lld)",
			   (long long)job_id);
}

static void one_line(fsched_jobrec_encoder_t *enc, const char *line,
		     size_t len, int64_t extra_id)
{
	struct json_object *o = NULL, *j1, *o2 = NULL, *j2;
	fsched_jobrec_t rec, rec2, *dup;
	fsched_err_t err;
	const char *s1, *e;
	char *s1copy, key[FSCHED_RUN_KEY_MAX], small[8], ec[32];
	size_t elen;
	int rc;

	fuzz_err_poison(&err);
	rc = fsched_json_parse(line, len, "journal line", &o, &err);
	fuzz_check_err(rc, &err, "fsched_json_parse");
	if (rc < 0) {
		FUZZ_CHECK(o == NULL, "parse failed but returned an object");
		return;
	}
	FUZZ_CHECK(json_object_is_type(o, json_type_object), "not an object");

	fuzz_err_poison(&err);
	rc = fsched_jobrec_from_json(o, "journal line", &rec, &err);
	fuzz_check_err(rc, &err, "fsched_jobrec_from_json");
	if (rc < 0) {
		json_object_put(o);
		return;
	}
	FUZZ_CHECK(rec.state != NULL, "decoded record without state");
	FUZZ_CHECK(rec.job_id >= 1, "job_id %lld", (long long)rec.job_id);

	/* Fresh encoding vs the writer's reused encoder. */
	j1 = fsched_jobrec_to_json(&rec);
	FUZZ_CHECK(j1 != NULL, "to_json");
	s1 = json_object_to_json_string_ext(j1, FSCHED_JSON_PLAIN);
	FUZZ_CHECK(s1 != NULL, "to_json_string");
	s1copy = strdup(s1);
	FUZZ_CHECK(s1copy != NULL, "strdup");
	for (int pass = 0; pass < 2; pass++) {
		e = fsched_jobrec_encode(enc, &rec, &elen);
		FUZZ_CHECK(e != NULL, "encode");
		FUZZ_CHECK(elen == strlen(s1copy) && !memcmp(e, s1copy, elen),
			   "encoder differs from to_json (pass %d):\n%s\n%.*s",
			   pass, s1copy, (int)elen, e);
	}

	/* Parse the encoding back: the same record. */
	fuzz_err_poison(&err);
	rc = fsched_json_parse(s1copy, strlen(s1copy), "re-encoded", &o2,
			       &err);
	fuzz_check_err(rc, &err, "fsched_json_parse (re-encoded)");
	FUZZ_CHECK(rc == 0, "re-encoded line does not parse: %s\n%s", err.msg,
		   s1copy);
	fuzz_err_poison(&err);
	rc = fsched_jobrec_from_json(o2, "re-encoded", &rec2, &err);
	fuzz_check_err(rc, &err, "fsched_jobrec_from_json (re-encoded)");
	FUZZ_CHECK(rc == 0, "re-encoded line does not decode: %s\n%s",
		   err.msg, s1copy);
	check_same(&rec, &rec2, "roundtrip", false);
	j2 = fsched_jobrec_to_json(&rec2);
	FUZZ_CHECK(j2 != NULL, "to_json 2");
	FUZZ_CHECK(!strcmp(json_object_to_json_string_ext(j2, FSCHED_JSON_PLAIN),
			   s1copy), "second encoding differs");
	json_object_put(j2);

	/* The copy under slurmctld's locks. */
	dup = fsched_jobrec_dup(&rec);
	FUZZ_CHECK(dup != NULL, "dup");
	check_same(&rec, dup, "dup", true);
	free(dup);

	/* Run key and exit codes: always terminated, never overflow. */
	fsched_jobrec_key(&rec, key, sizeof(key));
	FUZZ_CHECK(memchr(key, '\0', sizeof(key)) != NULL, "key");
	fsched_jobrec_key(&rec, small, sizeof(small));
	FUZZ_CHECK(!strncmp(small, key, sizeof(small) - 1),
		   "truncated key differs");
	fsched_exit_code_str(rec.exit_status, ec, sizeof(ec));
	fsched_exit_code_str(rec.derived_status, ec, sizeof(ec));

	/* sacct's raw-line prefilter is never stricter than the match. */
	check_prefilter(&rec, line, len, rec.job_id);
	if (rec.array_job_id)
		check_prefilter(&rec, line, len, rec.array_job_id);
	if (rec.het_job_id)
		check_prefilter(&rec, line, len, rec.het_job_id);
	if (extra_id > 0)
		check_prefilter(&rec, line, len, extra_id);

	free(s1copy);
	json_object_put(j1);
	json_object_put(o2);
	json_object_put(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fsched_jobrec_encoder_t *enc = fsched_jobrec_encoder_new();
	const char *p = (const char *)data, *end = p + size;
	int64_t extra_id = 0;
	int lines = 0;

	FUZZ_CHECK(enc != NULL, "encoder_new");
	/* The whole input as one line (embedded newlines are garbage). */
	if (size >= 4)
		memcpy(&extra_id, data + size - 4, 4), extra_id &= 0xffffffff;
	one_line(enc, p, size, extra_id);
	/* Then each line, sharing the encoder. */
	while (p < end && lines++ < 16) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (nl)
			one_line(enc, p, n, extra_id);
		p += n + 1;
	}
	fsched_jobrec_encoder_free(enc);
	return 0;
}
