/*
 * fuzz_manifest.c - manifest.json: fsched_manifest_read() of the input,
 * then fsched_manifest_write() + read back (atomic write path) and an
 * encode/decode round trip.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fsched_json.h"
#include "fsched_manifest.h"
#include "fsched_state.h"
#include "fuzz_common.h"

static void check_same(const fsched_manifest_t *a, const fsched_manifest_t *b,
		       const char *how)
{
	FUZZ_CHECK(!strcmp(a->cluster_id, b->cluster_id), "%s: cluster_id", how);
	FUZZ_CHECK(!strcmp(a->cluster, b->cluster), "%s: cluster", how);
	FUZZ_CHECK(!strcmp(a->host, b->host), "%s: host", how);
	FUZZ_CHECK(a->index == b->index, "%s: index", how);
	FUZZ_CHECK(a->epoch == b->epoch, "%s: epoch", how);
	FUZZ_CHECK(a->time == b->time, "%s: time", how);
	FUZZ_CHECK(!strcmp(a->reason, b->reason), "%s: reason", how);
	FUZZ_CHECK(a->jobs == b->jobs, "%s: jobs", how);
	FUZZ_CHECK(a->last_job_id == b->last_job_id, "%s: last_job_id", how);
	FUZZ_CHECK(a->nfiles == b->nfiles, "%s: nfiles", how);
	for (int i = 0; i < a->nfiles; i++) {
		const fsched_statefile_t *f = &a->files[i], *g = &b->files[i];

		FUZZ_CHECK(!strcmp(f->name, g->name), "%s: file name", how);
		FUZZ_CHECK(f->present == g->present, "%s: %s present", how,
			   f->name);
		if (!f->present)
			continue;
		FUZZ_CHECK(f->size == g->size && f->mtime == g->mtime &&
			   f->mtime_ns == g->mtime_ns, "%s: %s stat", how,
			   f->name);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_path(0, FSCHED_MANIFEST_FILE);
	fsched_manifest_t m, m2;
	fsched_err_t err;
	int rc;

	fuzz_write(path, data, size);
	fuzz_err_poison(&err);
	rc = fsched_manifest_read(fuzz_dir(), &m, &err);
	fuzz_check_err(rc, &err, "fsched_manifest_read");
	if (rc < 0)
		return 0;
	FUZZ_CHECK(strlen(m.cluster_id) == FSCHED_CLUSTER_ID_LEN &&
		   m.nfiles > 0 && m.nfiles <= FSCHED_MAX_STATE_FILES &&
		   m.time >= 1, "decoded manifest out of its ranges");
	FUZZ_CHECK(fsched_manifest_file(&m, "job_state") == &m.files[0],
		   "job_state entry");
	FUZZ_CHECK(fsched_manifest_file(&m, "no_such_file") == NULL,
		   "unknown entry");

	/* What the controller writes, the guard reads back identically. */
	fuzz_err_poison(&err);
	rc = fsched_manifest_write(fuzz_dir(), &m, &err);
	fuzz_check_err(rc, &err, "fsched_manifest_write");
	FUZZ_CHECK(rc == 0, "write: %s", err.msg);
	fuzz_err_poison(&err);
	rc = fsched_manifest_read(fuzz_dir(), &m2, &err);
	fuzz_check_err(rc, &err, "fsched_manifest_read (rewritten)");
	FUZZ_CHECK(rc == 0, "rewritten manifest does not read: %s", err.msg);
	check_same(&m, &m2, "roundtrip");
	fuzz_unlink(path);
	return 0;
}
