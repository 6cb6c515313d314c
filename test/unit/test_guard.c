/*
 * test_guard.c - the state guard's decisions (one row per case of
 * (marker, manifest, loaded jobs, job_state, mount facts, mode, override)
 * -> allow/refuse + reason), manifest.json encoding and corrupt manifests,
 * the host marker and the one-shot override.
 */
#include "config.h"

#include "fsched_guard.h"
#include "fsched_manifest.h"
#include "fsched_test.h"

#define ID_A "0123456789abcdef0123456789abcdef"
#define ID_B "fedcba9876543210fedcba9876543210"

enum { NONE = 0, SAME, OTHER };		/* marker */
enum { M_OK = 0, M_MISSING, M_BAD };	/* manifest */

static const struct {
	const char *name;
	enum fsched_guard_mode mode;
	bool require_shared, is_mount, is_network;
	int marker;
	int manifest;
	int64_t m_jobs;		/* jobs recorded */
	bool m_js;		/* manifest records job_state */
	bool js;		/* job_state present now */
	int64_t js_dt;		/* job_state mtime - recorded mtime */
	int64_t js_dsize;	/* job_state size - recorded size */
	int64_t loaded;
	bool allow_once;
	enum fsched_guard_code code;
	enum fsched_guard_code would;
	const char *reason;	/* expected reason prefix */
} rows[] = {
	{ "same state", FSCHED_GUARD_ENFORCE, true, true, false, SAME, M_OK,
	  3, true, true, 0, 0, 3, false, FSCHED_GUARD_ALLOW_OK,
	  FSCHED_GUARD_ALLOW_OK,
	  "state matches the manifest written by ctl1 at 1000 (3 jobs recorded, 3 loaded)" },
	{ "newer job_state, fewer jobs", FSCHED_GUARD_ENFORCE, true, false,
	  true, SAME, M_OK, 5, true, true, 30, -900, 0, false,
	  FSCHED_GUARD_ALLOW_OK, FSCHED_GUARD_ALLOW_OK, "state matches" },
	{ "nfs, not a mount point", FSCHED_GUARD_ENFORCE, true, false, true,
	  SAME, M_OK, 1, true, true, 0, 0, 1, false, FSCHED_GUARD_ALLOW_OK,
	  FSCHED_GUARD_ALLOW_OK, "state matches" },
	{ "local, not mounted", FSCHED_GUARD_ENFORCE, true, false, false,
	  SAME, M_OK, 3, true, true, 0, 0, 3, false,
	  FSCHED_GUARD_REFUSE_NOT_SHARED, FSCHED_GUARD_REFUSE_NOT_SHARED,
	  "StateSaveLocation /ssl is on a local ext4 file system and is not a mount point" },
	{ "local allowed when not required", FSCHED_GUARD_ENFORCE, false,
	  false, false, SAME, M_OK, 3, true, true, 0, 0, 3, false,
	  FSCHED_GUARD_ALLOW_OK, FSCHED_GUARD_ALLOW_OK, "state matches" },
	{ "first start", FSCHED_GUARD_ENFORCE, true, true, false, NONE,
	  M_MISSING, 0, false, false, 0, 0, 0, false,
	  FSCHED_GUARD_ALLOW_FIRST, FSCHED_GUARD_ALLOW_FIRST,
	  "no manifest in /ssl/fsched and no marker of an earlier run on this host: first start with fsched" },
	{ "enabling fsched on a running cluster", FSCHED_GUARD_ENFORCE, true,
	  true, false, NONE, M_MISSING, 0, false, true, 0, 0, 40, false,
	  FSCHED_GUARD_ALLOW_FIRST, FSCHED_GUARD_ALLOW_FIRST, "no manifest" },
	{ "empty share on a known host", FSCHED_GUARD_ENFORCE, true, true,
	  false, SAME, M_MISSING, 0, false, false, 0, 0, 0, false,
	  FSCHED_GUARD_REFUSE_MANIFEST_MISSING,
	  FSCHED_GUARD_REFUSE_MANIFEST_MISSING,
	  "this host has run cluster " ID_A " before (marker in /local), but /ssl/fsched has no manifest.json" },
	{ "corrupt manifest", FSCHED_GUARD_ENFORCE, true, true, false, SAME,
	  M_BAD, 0, false, true, 0, 0, 3, false,
	  FSCHED_GUARD_REFUSE_MANIFEST_BAD, FSCHED_GUARD_REFUSE_MANIFEST_BAD,
	  "cannot use the state manifest: manifest.json is truncated" },
	{ "another cluster's state", FSCHED_GUARD_ENFORCE, true, true, false,
	  OTHER, M_OK, 3, true, true, 0, 0, 3, false,
	  FSCHED_GUARD_REFUSE_FOREIGN, FSCHED_GUARD_REFUSE_FOREIGN,
	  "the manifest in /ssl/fsched is of cluster " ID_A ", but this host last ran cluster " ID_B },
	{ "new host sees any cluster", FSCHED_GUARD_ENFORCE, true, true,
	  false, NONE, M_OK, 3, true, true, 0, 0, 3, false,
	  FSCHED_GUARD_ALLOW_OK, FSCHED_GUARD_ALLOW_OK, "state matches" },
	{ "job_state gone", FSCHED_GUARD_ENFORCE, true, true, false, SAME,
	  M_OK, 3, true, false, 0, 0, 0, false,
	  FSCHED_GUARD_REFUSE_JOB_STATE_MISSING,
	  FSCHED_GUARD_REFUSE_JOB_STATE_MISSING,
	  "/ssl/job_state is missing, but the manifest written by ctl1 at 1000 recorded it (5000 bytes, 3 jobs)" },
	{ "stale copy", FSCHED_GUARD_ENFORCE, true, true, false, SAME, M_OK,
	  3, true, true, -600, 0, 3, false,
	  FSCHED_GUARD_REFUSE_JOB_STATE_OLDER,
	  FSCHED_GUARD_REFUSE_JOB_STATE_OLDER,
	  "/ssl/job_state (mtime 400) is older than the one the manifest written by ctl1 at 1000 recorded (mtime 1000)" },
	{ "truncated in place", FSCHED_GUARD_ENFORCE, true, true, false,
	  SAME, M_OK, 3, true, true, 0, -4000, 3, false,
	  FSCHED_GUARD_REFUSE_JOB_STATE_TRUNCATED,
	  FSCHED_GUARD_REFUSE_JOB_STATE_TRUNCATED,
	  "/ssl/job_state is 1000 bytes, but the manifest recorded 5000 bytes for the same mtime" },
	{ "jobs recorded, none loaded", FSCHED_GUARD_ENFORCE, true, true,
	  false, SAME, M_OK, 3, true, true, 0, 0, 0, false,
	  FSCHED_GUARD_REFUSE_NO_JOBS, FSCHED_GUARD_REFUSE_NO_JOBS,
	  "the manifest written by ctl1 at 1000 records 3 jobs, but none were loaded from /ssl/job_state" },
	{ "none loaded but job_state saved since", FSCHED_GUARD_ENFORCE, true,
	  true, false, SAME, M_OK, 3, true, true, 10, -4000, 0, false,
	  FSCHED_GUARD_ALLOW_OK, FSCHED_GUARD_ALLOW_OK, "state matches" },
	{ "clean start overridden", FSCHED_GUARD_ENFORCE, true, true, false,
	  SAME, M_OK, 3, true, true, 0, 0, 0, true,
	  FSCHED_GUARD_ALLOW_OVERRIDE, FSCHED_GUARD_REFUSE_NO_JOBS,
	  "the manifest written by ctl1 at 1000 records 3 jobs" },
	{ "warn mode", FSCHED_GUARD_WARN, true, false, false, SAME, M_OK, 3,
	  true, true, 0, 0, 3, false, FSCHED_GUARD_ALLOW_WARN,
	  FSCHED_GUARD_REFUSE_NOT_SHARED, "StateSaveLocation /ssl" },
	{ "off", FSCHED_GUARD_OFF, true, false, false, SAME, M_BAD, 3, true,
	  false, 0, 0, 0, false, FSCHED_GUARD_ALLOW_OFF,
	  FSCHED_GUARD_ALLOW_OFF, "StateGuard=off: state not checked" },
};

START_TEST(test_decide)
{
	fsched_manifest_t m;
	fsched_marker_t mk;
	fsched_guard_facts_t f;
	fsched_guard_result_t r;

	memset(&m, 0, sizeof(m));
	memset(&f, 0, sizeof(f));
	memcpy(m.cluster_id, ID_A, sizeof(ID_A));
	snprintf(m.host, sizeof(m.host), "ctl1");
	m.time = 1000;
	m.jobs = rows[_i].m_jobs;
	m.nfiles = 1;
	m.files[0].name = "job_state";
	m.files[0].present = rows[_i].m_js;
	m.files[0].size = 5000;
	m.files[0].mtime = 1000;
	memcpy(mk.cluster_id, rows[_i].marker == OTHER ? ID_B : ID_A,
	       sizeof(ID_A));

	f.mode = rows[_i].mode;
	f.require_shared = rows[_i].require_shared;
	f.ssl = "/ssl";
	f.state_dir = "/ssl/fsched";
	f.local_dir = "/local";
	f.ssl_is_mount = rows[_i].is_mount;
	f.ssl_is_network = rows[_i].is_network;
	f.ssl_fs_type = rows[_i].is_network ? "nfs" : "ext4";
	f.marker = rows[_i].marker == NONE ? NULL : &mk;
	if (rows[_i].manifest == M_OK) {
		f.manifest = &m;
	} else {
		f.manifest_errnum = rows[_i].manifest == M_MISSING ? ENOENT :
								    EINVAL;
		f.manifest_error = "manifest.json is truncated (incomplete JSON)";
	}
	f.job_state.name = "job_state";
	f.job_state.present = rows[_i].js;
	f.job_state.mtime = 1000 + rows[_i].js_dt;
	f.job_state.size = 5000 + rows[_i].js_dsize;
	f.loaded_jobs = rows[_i].loaded;
	f.allow_once = rows[_i].allow_once;

	fsched_guard_decide(&f, &r);
	ck_assert_msg(r.code == rows[_i].code, "%s: code %s, want %s (%s)",
		      rows[_i].name, fsched_guard_code_str(r.code),
		      fsched_guard_code_str(rows[_i].code), r.reason);
	ck_assert_msg(r.would == rows[_i].would, "%s: would %s",
		      rows[_i].name, fsched_guard_code_str(r.would));
	ck_assert_int_eq(r.refuse, fsched_guard_code_refuses(rows[_i].code));
	ck_assert_msg(!strncmp(r.reason, rows[_i].reason,
			       strlen(rows[_i].reason)),
		      "%s: reason \"%s\"", rows[_i].name, r.reason);
	if (fsched_guard_code_refuses(r.would))
		ck_assert_msg(strstr(r.remedy, "fsched-hook guard --allow-once"),
			      "%s: remedy \"%s\"", rows[_i].name, r.remedy);
}
END_TEST

static char *dir;

static void setup(void)
{
	dir = test_mkdtemp();
}

static void teardown(void)
{
	test_rmdir(dir);
}

START_TEST(test_manifest_roundtrip)
{
	fsched_manifest_t m, back;
	fsched_err_t err;
	const fsched_statefile_t *js;

	memset(&m, 0, sizeof(m));
	ck_assert_int_eq(fsched_cluster_id_new(m.cluster_id, &err), 0);
	ck_assert_uint_eq(strlen(m.cluster_id), FSCHED_CLUSTER_ID_LEN);
	snprintf(m.cluster, sizeof(m.cluster), "alpha");
	snprintf(m.host, sizeof(m.host), "ctl2");
	m.index = 1;
	m.epoch = 4;
	m.time = 1700000000;
	snprintf(m.reason, sizeof(m.reason), "timer");
	m.jobs = 12;
	m.last_job_id = 345;
	free(test_write(dir, "job_state", "0123456789"));
	fsched_manifest_stat_files(dir, &m);
	js = fsched_manifest_file(&m, "job_state");
	ck_assert(js && js->present);
	ck_assert_int_eq(js->size, 10);
	ck_assert(!fsched_manifest_file(&m, "node_state")->present);

	ck_assert_int_eq(fsched_manifest_write(dir, &m, &err), 0);
	ck_assert_int_eq(fsched_manifest_read(dir, &back, &err), 0);
	ck_assert_str_eq(back.cluster_id, m.cluster_id);
	ck_assert_str_eq(back.cluster, "alpha");
	ck_assert_str_eq(back.host, "ctl2");
	ck_assert_int_eq(back.index, 1);
	ck_assert_int_eq(back.epoch, 4);
	ck_assert_int_eq(back.time, 1700000000);
	ck_assert_str_eq(back.reason, "timer");
	ck_assert_int_eq(back.jobs, 12);
	ck_assert_int_eq(back.last_job_id, 345);
	js = fsched_manifest_file(&back, "job_state");
	ck_assert(js->present);
	ck_assert_int_eq(js->size, 10);
	ck_assert_int_eq(js->mtime, fsched_manifest_file(&m, "job_state")->mtime);
	ck_assert_int_eq(js->mtime_ns,
			 fsched_manifest_file(&m, "job_state")->mtime_ns);
	ck_assert(!fsched_manifest_file(&back, "node_state")->present);
}
END_TEST

#define GOOD_HEAD "{\"version\":1,\"cluster_id\":\"" ID_A "\",\"host\":\"c\",\"index\":0,\"epoch\":1,\"time\":5"
static const struct {
	const char *text;
	const char *msg;	/* after "<dir>/manifest.json" */
} manifest_bad[] = {
	{ "", " is empty" },
	{ "{\"version\":1,\"clus", " is truncated (incomplete JSON)" },
	{ "\x7f" "ELF\x02\x01", " is not valid JSON (unexpected character at byte 0)" },
	{ "{\"version\":9}", ": format version 9 is newer than this fsched understands (1)" },
	{ "{\"version\":1,\"cluster_id\":\"xyz\"}",
	  ": field \"cluster_id\" is not 32 lowercase hex digits" },
	{ GOOD_HEAD ",\"jobs\":1,\"last_job_id\":1}", ": missing field \"files\" (object)" },
	{ GOOD_HEAD ",\"jobs\":-1,\"last_job_id\":1,\"files\":{}}",
	  ": field \"jobs\" out of range [0, 4611686018427387903]" },
	{ GOOD_HEAD ",\"jobs\":1,\"last_job_id\":1,\"files\":{\"job_state\":7}}",
	  ": files.job_state must be object" },
	{ GOOD_HEAD ",\"jobs\":1,\"last_job_id\":1,\"files\":{\"job_state\":{\"size\":1}}}",
	  ": files.job_state: missing field \"mtime\"" },
};

START_TEST(test_manifest_bad)
{
	fsched_manifest_t m;
	fsched_err_t err;
	char *want;

	free(test_write(dir, "manifest.json", manifest_bad[_i].text));
	ck_assert_int_eq(fsched_manifest_read(dir, &m, &err), -1);
	ck_assert_int_ne(asprintf(&want, "%s/manifest.json%s", dir,
				  manifest_bad[_i].msg), -1);
	ck_assert_str_eq(err.msg, want);
	free(want);
}
END_TEST

START_TEST(test_marker_and_override)
{
	fsched_marker_t mk = { .time = 7 }, back;
	fsched_allow_once_t ao = { .created = 1, .expires = 2 }, ab;
	fsched_err_t err;
	char *p;

	ck_assert_int_eq(fsched_marker_read(dir, "alpha", &back, &err), -1);
	ck_assert_int_eq(err.errnum, ENOENT);
	memcpy(mk.cluster_id, ID_B, sizeof(ID_B));
	snprintf(mk.state_dir, sizeof(mk.state_dir), "/ssl/fsched");
	ck_assert_int_eq(fsched_marker_write(dir, "alpha", &mk, &err), 0);
	ck_assert_int_ne(asprintf(&p, "%s/cluster-alpha.json", dir), -1);
	ck_assert_int_eq(access(p, R_OK), 0);
	free(p);
	ck_assert_int_eq(fsched_marker_read(dir, "alpha", &back, &err), 0);
	ck_assert_str_eq(back.cluster_id, ID_B);
	ck_assert_str_eq(back.state_dir, "/ssl/fsched");
	/* Cluster names cannot escape the directory. */
	ck_assert_int_eq(fsched_marker_write(dir, "../x", &mk, &err), 0);
	ck_assert_int_ne(asprintf(&p, "%s/cluster-.._x.json", dir), -1);
	ck_assert_int_eq(access(p, R_OK), 0);
	free(p);

	snprintf(ao.by, sizeof(ao.by), "root");
	snprintf(ao.reason, sizeof(ao.reason), "new storage");
	ck_assert_int_eq(fsched_allow_once_write(dir, &ao, &err), 0);
	ck_assert_int_eq(fsched_allow_once_read(dir, &ab, &err), 0);
	ck_assert_int_eq(ab.expires, 2);
	ck_assert_str_eq(ab.by, "root");
	ck_assert_str_eq(ab.reason, "new storage");
	ck_assert_int_eq(fsched_allow_once_consume(dir, &err), 0);
	ck_assert_int_eq(fsched_allow_once_read(dir, &ab, &err), -1);
	ck_assert_int_eq(err.errnum, ENOENT);
	ck_assert_int_eq(fsched_allow_once_consume(dir, &err), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("guard");
	TCase *tc = tcase_create("decide"), *io = tcase_create("files");

	tcase_add_loop_test(tc, test_decide, 0, sizeof(rows) / sizeof(rows[0]));
	tcase_add_checked_fixture(io, setup, teardown);
	tcase_add_test(io, test_manifest_roundtrip);
	tcase_add_loop_test(io, test_manifest_bad, 0,
			    sizeof(manifest_bad) / sizeof(manifest_bad[0]));
	tcase_add_test(io, test_marker_and_override);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, io);
	return test_run(s);
}
