/*
 * fuzz_counters.c - counters.json: fsched_counters_read() of the input
 * into initialised counters, then an encode/decode round trip, counting
 * one more run, positions and fsched_counters_forget_before().
 *
 * Input: the file content; its last byte picks the day to forget before.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsched_counters.h"
#include "fsched_journal.h"
#include "fsched_json.h"
#include "fsched_state.h"
#include "fuzz_common.h"

static char *encode(const fsched_counters_t *c)
{
	struct json_object *o = fsched_counters_to_json(c);
	char *s;

	FUZZ_CHECK(o != NULL, "to_json");
	s = strdup(json_object_to_json_string_ext(o, FSCHED_JSON_PLAIN));
	FUZZ_CHECK(s != NULL, "strdup");
	json_object_put(o);
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_path(0, FSCHED_COUNTERS_FILE);
	fsched_counters_t c, c2;
	struct json_object *o;
	fsched_jobrec_t rec;
	fsched_err_t err;
	char *s1, *s2, name[FSCHED_JOURNAL_NAME_LEN];
	uint32_t day = 19700 + (size ? data[size - 1] : 0);
	int64_t before;
	int rc;

	fuzz_write(path, data, size);
	FUZZ_CHECK(fsched_counters_init(&c) == 0, "init");
	fuzz_err_poison(&err);
	rc = fsched_counters_read(fuzz_dir(), &c, &err);
	fuzz_check_err(rc, &err, "fsched_counters_read");
	if (rc < 0) {
		/* A failed read leaves usable (freeable) counters. */
		fsched_counters_free(&c);
		return 0;
	}
	FUZZ_CHECK(c.records >= 0 && c.by_state && c.by_partition &&
		   c.positions && memchr(c.host, '\0', sizeof(c.host)),
		   "decoded counters");

	/* Encode, decode, encode: the same text. */
	s1 = encode(&c);
	FUZZ_CHECK(fsched_json_parse(s1, strlen(s1), "enc", &o, &err) == 0,
		   "encoding does not parse: %s", err.msg);
	FUZZ_CHECK(fsched_counters_init(&c2) == 0, "init 2");
	fuzz_err_poison(&err);
	rc = fsched_counters_from_json(o, "enc", &c2, &err);
	fuzz_check_err(rc, &err, "fsched_counters_from_json");
	FUZZ_CHECK(rc == 0, "encoding does not decode: %s\n%s", err.msg, s1);
	json_object_put(o);
	s2 = encode(&c2);
	FUZZ_CHECK(!strcmp(s1, s2), "counters do not round-trip:\n%s\n%s", s1,
		   s2);
	free(s2);
	fsched_counters_free(&c2);

	/* Count one more run, of a partition and state the file may name. */
	fsched_jobrec_init(&rec);
	rec.state = "COMPLETED";
	rec.partition = size ? "debug" : NULL;
	rec.reconciled = size & 1;
	before = c.records;
	fsched_counters_add(&c, &rec);
	FUZZ_CHECK(c.records == before + 1 || before == INT64_MAX,
		   "records not counted");
	json_object_object_foreach(c.by_state, k, v) {
		(void)k;
		FUZZ_CHECK(json_object_is_type(v, json_type_int),
			   "by_state value type");
	}

	/* Positions and forgetting. */
	fsched_journal_name(day, name, sizeof(name));
	fsched_counters_set_pos(&c, name, 1234);
	FUZZ_CHECK(fsched_counters_pos(&c, name) == 1234, "set_pos");
	(void)fsched_counters_pos(&c, "jobcomp-19700101.jsonl");
	fsched_counters_forget_before(&c, day);
	FUZZ_CHECK(fsched_counters_pos(&c, name) == 1234, "forgot today's file");
	FUZZ_CHECK(c.counted_before_day >= day, "counted_before_day");
	json_object_object_foreach(c.positions, pn, pv) {
		uint32_t d;

		(void)pv;
		FUZZ_CHECK(fsched_journal_parse_name(pn, &d) == 0 && d >= day,
			   "kept position of %s", pn);
	}
	free(s1);
	fsched_counters_free(&c);
	fuzz_unlink(path);
	return 0;
}
