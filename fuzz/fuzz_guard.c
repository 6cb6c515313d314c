/*
 * fuzz_guard.c - the state guard's files: the host-local marker
 * (fsched_marker_read), the one-shot override (fsched_allow_once_read) and
 * the last decision (fsched_guard_read_record), each on a file holding the
 * input; what reads back is written again and must read back the same.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsched_guard.h"
#include "fsched_json.h"
#include "fsched_manifest.h"
#include "fsched_state.h"
#include "fuzz_common.h"

#define CLUSTER "fuzz"

static void marker(void)
{
	fsched_marker_t mk, mk2;
	fsched_err_t err;
	int rc;

	fuzz_err_poison(&err);
	rc = fsched_marker_read(fuzz_dir(), CLUSTER, &mk, &err);
	fuzz_check_err(rc, &err, "fsched_marker_read");
	if (rc < 0)
		return;
	FUZZ_CHECK(strlen(mk.cluster_id) == FSCHED_CLUSTER_ID_LEN &&
		   memchr(mk.state_dir, '\0', sizeof(mk.state_dir)) &&
		   mk.time >= 0, "decoded marker");
	fuzz_err_poison(&err);
	rc = fsched_marker_write(fuzz_dir(), CLUSTER, &mk, &err);
	fuzz_check_err(rc, &err, "fsched_marker_write");
	FUZZ_CHECK(rc == 0, "marker write: %s", err.msg);
	rc = fsched_marker_read(fuzz_dir(), CLUSTER, &mk2, &err);
	FUZZ_CHECK(rc == 0, "rewritten marker does not read: %s", err.msg);
	FUZZ_CHECK(!strcmp(mk.cluster_id, mk2.cluster_id) &&
		   !strcmp(mk.state_dir, mk2.state_dir) && mk.time == mk2.time,
		   "marker round trip");
}

static void allow_once(void)
{
	fsched_allow_once_t ao, ao2;
	fsched_err_t err;
	int rc;

	fuzz_err_poison(&err);
	rc = fsched_allow_once_read(fuzz_dir(), &ao, &err);
	fuzz_check_err(rc, &err, "fsched_allow_once_read");
	if (rc < 0)
		return;
	FUZZ_CHECK(memchr(ao.by, '\0', sizeof(ao.by)) &&
		   memchr(ao.reason, '\0', sizeof(ao.reason)) &&
		   ao.created >= 0 && ao.expires >= 0, "decoded override");
	fuzz_err_poison(&err);
	rc = fsched_allow_once_write(fuzz_dir(), &ao, &err);
	fuzz_check_err(rc, &err, "fsched_allow_once_write");
	FUZZ_CHECK(rc == 0, "override write: %s", err.msg);
	rc = fsched_allow_once_read(fuzz_dir(), &ao2, &err);
	FUZZ_CHECK(rc == 0, "rewritten override does not read: %s", err.msg);
	FUZZ_CHECK(ao.created == ao2.created && ao.expires == ao2.expires &&
		   !strcmp(ao.by, ao2.by) && !strcmp(ao.reason, ao2.reason),
		   "override round trip");
	rc = fsched_allow_once_consume(fuzz_dir(), &err);
	FUZZ_CHECK(rc == 0, "consume: %s", err.msg);
	rc = fsched_allow_once_read(fuzz_dir(), &ao2, &err);
	FUZZ_CHECK(rc < 0, "override still there after consume");
}

static void guard_record(void)
{
	struct json_object *o = NULL;
	fsched_err_t err;
	int rc;

	fuzz_err_poison(&err);
	rc = fsched_guard_read_record(fuzz_dir(), &o, &err);
	fuzz_check_err(rc, &err, "fsched_guard_read_record");
	FUZZ_CHECK((rc == 0) == (o != NULL), "record and return code");
	if (rc == 0) {
		FUZZ_CHECK(json_object_is_type(o, json_type_object),
			   "guard record is not an object");
		/* fsched-hook guard --show prints it. */
		FUZZ_CHECK(json_object_to_json_string_ext(o, FSCHED_JSON_PRETTY),
			   "print");
		json_object_put(o);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *mpath = fuzz_path(0, "cluster-" CLUSTER ".json");
	const char *apath = fuzz_path(1, FSCHED_ALLOW_ONCE_FILE);
	const char *gpath = fuzz_path(2, FSCHED_GUARD_FILE);

	fuzz_write(mpath, data, size);
	fuzz_write(apath, data, size);
	fuzz_write(gpath, data, size);
	marker();
	allow_once();
	guard_record();
	fuzz_unlink(mpath);
	fuzz_unlink(apath);
	fuzz_unlink(gpath);
	return 0;
}
