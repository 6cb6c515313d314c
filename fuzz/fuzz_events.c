/*
 * fuzz_events.c - events.jsonl: fsched_events_tail() on a state
 * directory whose events.jsonl (and events.jsonl.1) hold the input, then
 * fsched_event_append() and tail again.
 *
 * Input: [0] n, the number of events asked for; [1] bit 0: split the
 * content at offset [2] (modulo its size) into events.jsonl.1 and
 * events.jsonl, bits 1..4: rotation size of the append (64 << k bytes);
 * the rest is the content.
 * Checked against a plain re-implementation: how many events come back,
 * in which order, and how many lines are corrupt.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fsched_events.h"
#include "fsched_json.h"
#include "fsched_state.h"
#include "fuzz_common.h"

/* Valid events of buf[0..len) appended to arr; corrupt lines counted. */
static void expect(const char *buf, size_t len, struct json_object *arr,
		   size_t *corrupt)
{
	const char *p = buf, *end = buf + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		struct json_object *o, *ev, *host, *d;
		fsched_err_t err;

		if (n > 0) {
			if (fsched_json_parse(p, n, "x", &o, &err) == 0 &&
			    json_object_object_get_ex(o, "event", &ev) &&
			    json_object_is_type(ev, json_type_string) &&
			    json_object_object_get_ex(o, "host", &host) &&
			    json_object_is_type(host, json_type_string) &&
			    (!json_object_object_get_ex(o, "detail", &d) ||
			     json_object_is_type(d, json_type_object))) {
				json_object_array_add(arr, o);
			} else {
				(*corrupt)++;
				json_object_put(o);
			}
		}
		p += n + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *cur = fuzz_path(0, FSCHED_EVENTS_FILE);
	const char *old = fuzz_path(1, FSCHED_EVENTS_FILE ".1");
	struct json_object *out = NULL, *all, *detail, *last, *v;
	const char *body, *s;
	size_t blen, split, n, corrupt = 0, want_corrupt = 0, cnt, first;
	long max_bytes;
	fsched_err_t err;
	int rc;

	if (size < 3)
		return 0;
	n = data[0];
	body = (const char *)data + 3;
	blen = size - 3;
	split = (data[1] & 1) ? data[2] % (blen + 1) : 0;
	max_bytes = 64L << (data[1] >> 1 & 15);
	if (data[1] & 1)
		fuzz_write(old, body, split);
	fuzz_write(cur, body + split, blen - split);

	fuzz_err_poison(&err);
	rc = fsched_events_tail(fuzz_dir(), n, &out, &corrupt, &err);
	fuzz_check_err(rc, &err, "fsched_events_tail");
	FUZZ_CHECK(rc == 0 && out, "tail failed: %s", err.msg);

	all = json_object_new_array();
	expect(body, split, all, &want_corrupt);
	expect(body + split, blen - split, all, &want_corrupt);
	cnt = json_object_array_length(all);
	first = cnt > n ? cnt - n : 0;
	FUZZ_CHECK(corrupt == want_corrupt, "corrupt %zu, expected %zu",
		   corrupt, want_corrupt);
	FUZZ_CHECK(json_object_array_length(out) == cnt - first,
		   "%zu events, expected %zu", json_object_array_length(out),
		   cnt - first);
	for (size_t i = 0; i < cnt - first; i++)
		FUZZ_CHECK(json_object_equal(json_object_array_get_idx(out, i),
					     json_object_array_get_idx(all, first + i)),
			   "event %zu differs", i);
	json_object_put(out);
	json_object_put(all);

	/*
	 * Append one event, then it is the last one read back, even after
	 * a torn last line (fsched_append_sync() starts a new line).
	 */
	detail = json_object_new_object();
	fsched_json_add_string(detail, "note", "fuzz");
	fsched_json_add_int64(detail, "n", (int64_t)n);
	fuzz_err_poison(&err);
	rc = fsched_event_append(fuzz_dir(), max_bytes, 1700000000, "fuzzhost",
				 "fuzz-event", detail, &err);
	fuzz_check_err(rc, &err, "fsched_event_append");
	FUZZ_CHECK(rc == 0, "append: %s", err.msg);
	json_object_put(detail);
	rc = fsched_events_tail(fuzz_dir(), 1, &out, NULL, &err);
	FUZZ_CHECK(rc == 0, "tail after append: %s", err.msg);
	FUZZ_CHECK(json_object_array_length(out) == 1, "appended event missing");
	last = json_object_array_get_idx(out, 0);
	FUZZ_CHECK(json_object_object_get_ex(last, "event", &v) &&
		   (s = json_object_get_string(v)) &&
		   !strcmp(s, "fuzz-event"), "last event is not ours");
	json_object_put(out);
	fuzz_unlink(cur);
	fuzz_unlink(old);
	return 0;
}
