/*
 * fuzz_active.c - active.json: fsched_active_read() of the input, then
 * encode/decode round trips and the epoch rule of fsched_active_next().
 *
 * Input: the file content.  The last bytes also pick the host that runs
 * primary-on next (one of: the recorded host, the previous host, "ctlX").
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsched_active.h"
#include "fsched_json.h"
#include "fsched_state.h"
#include "fuzz_common.h"

static void check_same(const fsched_active_t *a, const fsched_active_t *b,
		       const char *how)
{
	FUZZ_CHECK(!strcmp(a->host, b->host), "%s: host", how);
	FUZZ_CHECK(a->index == b->index, "%s: index", how);
	FUZZ_CHECK(a->epoch == b->epoch, "%s: epoch", how);
	FUZZ_CHECK(a->since == b->since, "%s: since", how);
	FUZZ_CHECK(a->last_start == b->last_start, "%s: last_start", how);
	FUZZ_CHECK(a->starts == b->starts, "%s: starts", how);
	FUZZ_CHECK(!strcmp(a->prev_host, b->prev_host), "%s: prev_host", how);
	FUZZ_CHECK(a->prev_index == b->prev_index, "%s: prev_index", how);
	FUZZ_CHECK(a->prev_since == b->prev_since, "%s: prev_since", how);
}

/* Encode a, decode it again: the same record. */
static void roundtrip(const fsched_active_t *a, const char *how)
{
	struct json_object *o = fsched_active_to_json(a), *o2 = NULL;
	fsched_active_t b;
	fsched_err_t err;
	const char *s;
	int rc;

	FUZZ_CHECK(o != NULL, "to_json");
	s = json_object_to_json_string_ext(o, FSCHED_JSON_PLAIN);
	rc = fsched_json_parse(s, strlen(s), how, &o2, &err);
	FUZZ_CHECK(rc == 0, "%s: encoding does not parse: %s", how, err.msg);
	fuzz_err_poison(&err);
	rc = fsched_active_from_json(o2, how, &b, &err);
	fuzz_check_err(rc, &err, "fsched_active_from_json");
	FUZZ_CHECK(rc == 0, "%s: encoding does not decode: %s\n%s", how,
		   err.msg, s);
	check_same(a, &b, how);
	json_object_put(o2);
	json_object_put(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_path(0, FSCHED_ACTIVE_FILE);
	fsched_active_t a, next;
	enum fsched_primary_kind kind;
	fsched_err_t err;
	const char *host;
	uint8_t pick = size ? data[size - 1] : 0;
	time_t now = 1700000000 + (time_t)pick;
	int rc, index = pick % 16;

	fuzz_write(path, data, size);
	fuzz_err_poison(&err);
	rc = fsched_active_read(fuzz_dir(), &a, &err);
	fuzz_check_err(rc, &err, "fsched_active_read");
	if (rc < 0)
		return 0;
	FUZZ_CHECK(a.host[0] && a.index >= 0 && a.index < 16 && a.epoch >= 1 &&
		   a.starts >= 1, "decoded record out of its ranges");
	roundtrip(&a, "roundtrip");

	switch (pick % 3) {
	case 0:
		host = a.host;
		break;
	case 1:
		host = a.prev_host[0] ? a.prev_host : "ctlX";
		break;
	default:
		host = "ctlX";
		break;
	}
	kind = fsched_active_next(&a, host, index, now, &next);
	if (!strcmp(host, a.host)) {
		FUZZ_CHECK(kind == FSCHED_PRIMARY_RESTART, "restart kind");
		FUZZ_CHECK(next.epoch == a.epoch && next.since == a.since &&
			   next.starts == a.starts + 1, "restart rule");
	} else {
		FUZZ_CHECK(kind == FSCHED_PRIMARY_TAKEOVER, "takeover kind");
		FUZZ_CHECK(next.epoch == a.epoch + 1 && next.since == now &&
			   next.starts == 1 && !strcmp(next.prev_host, a.host) &&
			   next.prev_index == a.index, "takeover rule");
	}
	FUZZ_CHECK(strcmp(fsched_primary_kind_str(kind), "?"), "kind string");
	/* The next record is written and read back by the next hook run. */
	if (next.epoch <= INT64_MAX / 2 && next.starts <= INT64_MAX / 2)
		roundtrip(&next, "next");
	return 0;
}
