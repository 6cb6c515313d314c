/*
 * test_storage.c - fsched_storage: threshold comparison, file system type,
 * mount point detection and a short real measurement in a temp directory.
 */
#include "config.h"

#include <stdint.h>

#include "fsched_storage.h"
#include "fsched_test.h"

static char *dir;

static void setup(void)
{
	dir = test_mkdtemp();
}

static void teardown(void)
{
	test_rmdir(dir);
}

/* A result that passes every default minimum by far. */
static void good_result(fsched_storage_result_t *r)
{
	memset(r, 0, sizeof(*r));
	r->read_ops = 1000;
	r->read_kibs = 100000;
	r->write_ops = 1000;
	r->write_kibs = 100000;
	r->avail_bytes = 100ULL << 30;
}

static void set_metric(fsched_storage_result_t *r,
		       enum fsched_storage_metric m, double v)
{
	switch (m) {
	case FSCHED_STORAGE_READ_OPS:
		r->read_ops = v;
		break;
	case FSCHED_STORAGE_READ_KIBS:
		r->read_kibs = v;
		break;
	case FSCHED_STORAGE_WRITE_OPS:
		r->write_ops = v;
		break;
	case FSCHED_STORAGE_WRITE_KIBS:
		r->write_kibs = v;
		break;
	default:
		r->avail_bytes = (uint64_t)v;
		break;
	}
}

static const struct {
	enum fsched_storage_metric m;
	double value;
	bool pass;
} limit_cases[] = {
	{ FSCHED_STORAGE_READ_OPS, 9.9, false },
	{ FSCHED_STORAGE_READ_OPS, 10.0, false },
	{ FSCHED_STORAGE_READ_OPS, 10.1, true },
	{ FSCHED_STORAGE_READ_KIBS, 299.9, false },
	{ FSCHED_STORAGE_READ_KIBS, 300.0, false },
	{ FSCHED_STORAGE_READ_KIBS, 300.1, true },
	{ FSCHED_STORAGE_WRITE_OPS, 99.9, false },
	{ FSCHED_STORAGE_WRITE_OPS, 100.0, false },
	{ FSCHED_STORAGE_WRITE_OPS, 100.1, true },
	{ FSCHED_STORAGE_WRITE_KIBS, 9999.9, false },
	{ FSCHED_STORAGE_WRITE_KIBS, 10000.0, false },
	{ FSCHED_STORAGE_WRITE_KIBS, 10000.1, true },
	{ FSCHED_STORAGE_CAPACITY, (double)((10ULL << 30) - 1), false },
	{ FSCHED_STORAGE_CAPACITY, (double)(10ULL << 30), false },
	{ FSCHED_STORAGE_CAPACITY, (double)((10ULL << 30) + 1), true },
	{ FSCHED_STORAGE_WRITE_OPS, 0.0, false },
};

START_TEST(test_limits)
{
	fsched_storage_limits_t lim;
	fsched_storage_result_t r;
	fsched_storage_verdict_t v;
	enum fsched_storage_metric m = limit_cases[_i].m;
	int failed;

	fsched_storage_limits_default(&lim);
	good_result(&r);
	set_metric(&r, m, limit_cases[_i].value);
	failed = fsched_storage_check(&r, &lim, &v);
	ck_assert_int_eq(failed, limit_cases[_i].pass ? 0 : 1);
	ck_assert_int_eq(v.failed, failed);
	ck_assert_int_eq(v.pass[m], limit_cases[_i].pass);
	ck_assert(v.measured[m] == limit_cases[_i].value);
	for (int o = 0; o < FSCHED_STORAGE_NMETRICS; o++)
		if (o != (int)m)
			ck_assert(v.pass[o]);
}
END_TEST

START_TEST(test_limits_override)
{
	fsched_storage_limits_t lim;
	fsched_storage_result_t r;
	fsched_storage_verdict_t v;

	fsched_storage_limits_default(&lim);
	ck_assert(lim.min[FSCHED_STORAGE_READ_OPS] == 10.0);
	ck_assert(lim.min[FSCHED_STORAGE_READ_KIBS] == 300.0);
	ck_assert(lim.min[FSCHED_STORAGE_WRITE_OPS] == 100.0);
	ck_assert(lim.min[FSCHED_STORAGE_WRITE_KIBS] == 10000.0);
	ck_assert(lim.min[FSCHED_STORAGE_CAPACITY] == 10737418240.0);
	good_result(&r);
	lim.min[FSCHED_STORAGE_WRITE_OPS] = 5000;
	lim.min[FSCHED_STORAGE_READ_OPS] = 5000;
	ck_assert_int_eq(fsched_storage_check(&r, &lim, &v), 2);
	ck_assert(!v.pass[FSCHED_STORAGE_WRITE_OPS]);
	ck_assert(!v.pass[FSCHED_STORAGE_READ_OPS]);
	ck_assert(v.required[FSCHED_STORAGE_WRITE_OPS] == 5000);
	ck_assert_str_eq(fsched_storage_metric_name(FSCHED_STORAGE_WRITE_KIBS),
			 "write_kibs");
	ck_assert_str_eq(fsched_storage_metric_unit(FSCHED_STORAGE_CAPACITY),
			 "bytes");
}
END_TEST

START_TEST(test_fs_type)
{
	char name[32];
	bool net = true;

	if (access("/dev/shm", F_OK) == 0) {
		ck_assert_int_eq(fsched_fs_type("/dev/shm", name, sizeof(name),
						&net), 0);
		ck_assert_str_eq(name, "tmpfs");
		ck_assert(!net);
	}
	ck_assert_int_eq(fsched_fs_type("/proc", name, sizeof(name), &net), 0);
	ck_assert_str_eq(name, "proc");
	ck_assert(!net);
	ck_assert_int_eq(fsched_fs_type(dir, name, sizeof(name), &net), 0);
	ck_assert(name[0] != '\0');
	/* Truncated, never overflowed. */
	ck_assert_int_eq(fsched_fs_type("/proc", name, 3, &net), 0);
	ck_assert_str_eq(name, "pr");
	errno = 0;
	ck_assert_int_eq(fsched_fs_type("/nonexistent/x", name, sizeof(name),
					&net), -1);
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(test_mount_point)
{
	fsched_err_t err;
	char *sub, *want;
	bool mp;

	ck_assert_int_eq(fsched_is_mount_point("/", &mp, &err), 0);
	ck_assert(mp);
	ck_assert_int_eq(fsched_is_mount_point("/proc", &mp, &err), 0);
	ck_assert(mp);
	ck_assert_int_ne(asprintf(&sub, "%s/sub", dir), -1);
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	mp = true;
	ck_assert_int_eq(fsched_is_mount_point(sub, &mp, &err), 0);
	ck_assert(!mp);
	free(sub);
	ck_assert_int_ne(asprintf(&sub, "%s/missing", dir), -1);
	ck_assert_int_eq(fsched_is_mount_point(sub, &mp, &err), -1);
	ck_assert_int_ne(asprintf(&want, "%s: No such file or directory", sub),
			 -1);
	ck_assert_str_eq(err.msg, want);
	ck_assert_int_eq(err.errnum, ENOENT);
	free(want);
	free(sub);
}
END_TEST

START_TEST(test_measure)
{
	fsched_storage_opts_t o = { .seconds = 1.0, .max_bytes = 32ULL << 20 };
	fsched_storage_result_t r;
	fsched_err_t err;

	ck_assert_int_eq(test_count_entries(dir), 0);
	ck_assert_msg(fsched_storage_measure(dir, &o, &r, &err) == 0, "%s",
		      err.msg);
	ck_assert(!r.interrupted);
	ck_assert(r.write_ops > 0);
	ck_assert(r.write_small_kibs > 0);
	ck_assert(r.write_kibs > 0);
	ck_assert(r.read_ops > 0);
	ck_assert(r.read_small_kibs > 0);
	ck_assert(r.read_kibs > 0);
	ck_assert(r.total_bytes > 0);
	ck_assert(r.avail_bytes > 0 && r.avail_bytes <= r.total_bytes);
	ck_assert(r.small_files > 0 && r.small_reads > 0);
	ck_assert(r.bytes_written > 0 && r.bytes_written <= o.max_bytes);
	ck_assert(r.elapsed > 0 && r.elapsed < 5.0);
	/* The temporary subdirectory is gone and nothing else was left. */
	ck_assert_int_eq(test_count_entries(dir), 0);
}
END_TEST

START_TEST(test_measure_stop)
{
	static volatile sig_atomic_t stop = 1;
	fsched_storage_opts_t o = { .seconds = 5.0, .max_bytes = 8ULL << 20,
				    .stop = &stop };
	fsched_storage_result_t r;
	fsched_err_t err;

	ck_assert_msg(fsched_storage_measure(dir, &o, &r, &err) == 0, "%s",
		      err.msg);
	ck_assert(r.interrupted);
	ck_assert_int_eq(r.bytes_written, 0);
	ck_assert_int_eq(test_count_entries(dir), 0);
}
END_TEST

enum bad_kind { BAD_MISSING, BAD_FILE, BAD_TOO_BIG, BAD_SECONDS, BAD_CAP };

static const struct {
	enum bad_kind kind;
	int errnum;
	const char *msg;	/* "@" stands for the test directory */
	const char *suffix;	/* exact end when the middle varies */
} measure_bad[] = {
	{ BAD_MISSING, ENOENT,
	  "cannot measure @/missing: No such file or directory", NULL },
	{ BAD_FILE, ENOTDIR, "cannot measure @/file: Not a directory", NULL },
	{ BAD_TOO_BIG, ENOSPC, "cannot measure @: only ",
	  " free, the test needs 1073741824.0 GiB (twice what it may write)" },
	{ BAD_SECONDS, EINVAL,
	  "check-storage: the time budget must be positive", NULL },
	{ BAD_CAP, EINVAL,
	  "check-storage: a size cap of 1048576 bytes is out of range (2 MiB to 4 EiB)",
	  NULL },
};

/* tmpl with its '@' replaced by d; caller frees. */
static char *subst(const char *tmpl, const char *d)
{
	const char *at = strchr(tmpl, '@');
	char *s;

	if (!at)
		return strdup(tmpl);
	if (asprintf(&s, "%.*s%s%s", (int)(at - tmpl), tmpl, d, at + 1) < 0)
		ck_abort_msg("asprintf");
	return s;
}

START_TEST(test_measure_bad)
{
	fsched_storage_opts_t o = { .seconds = 1.0 };
	fsched_storage_result_t r;
	fsched_err_t err;
	char *path = NULL, *want;
	const char *d = dir;

	switch (measure_bad[_i].kind) {
	case BAD_MISSING:
		ck_assert_int_ne(asprintf(&path, "%s/missing", dir), -1);
		break;
	case BAD_FILE:
		path = test_write(dir, "file", "x");
		break;
	case BAD_TOO_BIG:
		o.max_bytes = 1ULL << 59;	/* 2x: 1 EiB */
		break;
	case BAD_SECONDS:
		o.seconds = 0;
		break;
	case BAD_CAP:
		o.max_bytes = 1ULL << 20;
		break;
	}
	if (path)
		d = path;
	errno = 0;
	ck_assert_int_eq(fsched_storage_measure(d, &o, &r, &err), -1);
	ck_assert_int_eq(errno, measure_bad[_i].errnum);
	ck_assert_int_eq(err.errnum, measure_bad[_i].errnum);
	want = subst(measure_bad[_i].msg, dir);
	if (measure_bad[_i].suffix) {
		size_t n = strlen(err.msg), s = strlen(measure_bad[_i].suffix);

		ck_assert_msg(!strncmp(err.msg, want, strlen(want)),
			      "got \"%s\"", err.msg);
		ck_assert_msg(n > s &&
			      !strcmp(err.msg + n - s, measure_bad[_i].suffix),
			      "got \"%s\"", err.msg);
	} else {
		ck_assert_str_eq(err.msg, want);
	}
	/* Nothing created. */
	ck_assert_int_eq(test_count_entries(dir),
			 measure_bad[_i].kind == BAD_FILE ? 1 : 0);
	free(want);
	free(path);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("storage");
	TCase *tc = tcase_create("storage");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_limits, 0,
			    sizeof(limit_cases) / sizeof(limit_cases[0]));
	tcase_add_test(tc, test_limits_override);
	tcase_add_test(tc, test_fs_type);
	tcase_add_test(tc, test_mount_point);
	tcase_add_test(tc, test_measure);
	tcase_add_test(tc, test_measure_stop);
	tcase_add_loop_test(tc, test_measure_bad, 0,
			    sizeof(measure_bad) / sizeof(measure_bad[0]));
	suite_add_tcase(s, tc);
	return test_run(s);
}
