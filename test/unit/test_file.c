/*
 * test_file.c - fsched_file: atomic replacement, bounded reads, appends.
 */
#include "config.h"

#include <dirent.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "fsched_file.h"
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

START_TEST(test_atomic_creates_with_mode)
{
	fsched_err_t err;
	struct stat st;
	char *path;
	mode_t old = umask(0077);

	ck_assert_int_eq(fsched_atomic_write(dir, "a.json", "hello\n", 6,
					     0644, &err), 0);
	umask(old);
	ck_assert_int_ne(asprintf(&path, "%s/a.json", dir), -1);
	ck_assert_int_eq(stat(path, &st), 0);
	/* Explicit mode, whatever the umask. */
	ck_assert_uint_eq(st.st_mode & 07777, 0644);
	ck_assert_str_eq(test_read(path), "hello\n");
	ck_assert_int_eq(test_count_entries(dir), 1);
	free(path);
}
END_TEST

START_TEST(test_atomic_replaces)
{
	fsched_err_t err;
	char *path = test_write(dir, "b", "old content that is longer\n");

	ck_assert_int_eq(fsched_atomic_write_path(path, "new\n", 4, 0600,
						  &err), 0);
	ck_assert_str_eq(test_read(path), "new\n");
	ck_assert_int_eq(test_count_entries(dir), 1);
	free(path);
}
END_TEST

START_TEST(test_atomic_symlink_not_followed)
{
	fsched_err_t err;
	char *victim = test_write(dir, "victim", "keep\n");
	char *link;

	ck_assert_int_ne(asprintf(&link, "%s/planted", dir), -1);
	ck_assert_int_eq(symlink(victim, link), 0);
	ck_assert_int_eq(fsched_atomic_write(dir, "planted", "x\n", 2, 0644,
					     &err), 0);
	/* The link was replaced by a file; its target is untouched. */
	ck_assert_str_eq(test_read(victim), "keep\n");
	ck_assert_str_eq(test_read(link), "x\n");
	{
		struct stat st;

		ck_assert_int_eq(lstat(link, &st), 0);
		ck_assert(S_ISREG(st.st_mode));
	}
	free(victim);
	free(link);
}
END_TEST

static const struct {
	const char *dir;	/* NULL: the test directory */
	const char *name;
	int errnum;
	const char *msg;	/* expected prefix of err.msg */
} atomic_bad[] = {
	{ NULL, "", EINVAL, "invalid file name ''" },
	{ NULL, "a/b", EINVAL, "invalid file name 'a/b'" },
	{ "/nonexistent-fsched-dir", "x", ENOENT,
	  "cannot open directory /nonexistent-fsched-dir: No such file" },
};

START_TEST(test_atomic_bad)
{
	fsched_err_t err;
	const char *d = atomic_bad[_i].dir ? atomic_bad[_i].dir : dir;

	ck_assert_int_eq(fsched_atomic_write(d, atomic_bad[_i].name, "x", 1,
					     0644, &err), -1);
	ck_assert_int_eq(err.errnum, atomic_bad[_i].errnum);
	ck_assert_int_eq(errno, atomic_bad[_i].errnum);
	ck_assert_msg(!strncmp(err.msg, atomic_bad[_i].msg,
			       strlen(atomic_bad[_i].msg)),
		      "got \"%s\"", err.msg);
	if (!atomic_bad[_i].dir)
		ck_assert_int_eq(test_count_entries(dir), 0);
}
END_TEST

START_TEST(test_read_file)
{
	fsched_err_t err;
	char *path = test_write(dir, "r", "0123456789");
	char *buf;
	size_t len;

	ck_assert_int_eq(fsched_read_file(path, 10, &buf, &len, &err), 0);
	ck_assert_uint_eq(len, 10);
	ck_assert_str_eq(buf, "0123456789");
	free(buf);
	ck_assert_int_eq(fsched_read_file(path, 9, &buf, &len, &err), -1);
	ck_assert_int_eq(err.errnum, EFBIG);
	ck_assert_ptr_null(buf);
	free(path);
}
END_TEST

START_TEST(test_read_refuses_symlink_and_dir)
{
	fsched_err_t err;
	char *target = test_write(dir, "t", "x");
	char *link;
	char *buf;
	size_t len;

	ck_assert_int_ne(asprintf(&link, "%s/l", dir), -1);
	ck_assert_int_eq(symlink(target, link), 0);
	ck_assert_int_eq(fsched_read_file(link, 100, &buf, &len, &err), -1);
	ck_assert_int_eq(err.errnum, ELOOP);
	ck_assert_int_eq(fsched_read_file(dir, 100, &buf, &len, &err), -1);
	ck_assert_int_eq(err.errnum, EINVAL);
	ck_assert_msg(strstr(err.msg, "is not a regular file"), "%s", err.msg);
	free(target);
	free(link);
}
END_TEST

START_TEST(test_append)
{
	fsched_err_t err;
	struct stat st;
	char *path;

	ck_assert_int_ne(asprintf(&path, "%s/events.jsonl", dir), -1);
	umask(0077);
	ck_assert_int_eq(fsched_append_sync(path, "a\n", 2, 0640, &err), 0);
	ck_assert_int_eq(fsched_append_sync(path, "b\n", 2, 0640, &err), 0);
	ck_assert_str_eq(test_read(path), "a\nb\n");
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0640);
	free(path);
}
END_TEST

/*
 * A file torn by a crash (no final '\n'): the next record starts a line
 * of its own, so the torn bytes stay one corrupt line and the record is
 * whole.
 */
START_TEST(test_append_after_torn_line)
{
	fsched_err_t err;
	char *path = test_write(dir, "events.jsonl", "a\n{\"tor");

	ck_assert_int_eq(fsched_append_sync(path, "b\n", 2, 0644, &err), 0);
	ck_assert_str_eq(test_read(path), "a\n{\"tor\nb\n");
	ck_assert_int_eq(fsched_append_sync(path, "c\n", 2, 0644, &err), 0);
	ck_assert_str_eq(test_read(path), "a\n{\"tor\nb\nc\n");
	free(path);
}
END_TEST

/*
 * A short write (here: RLIMIT_FSIZE, as a full disk) is undone: the file
 * is cut back to where the record began, and the error says why (the
 * errno of the next write()).  Loop 0: a whole file; loop 1: a torn file,
 * whose added '\n' is undone too.
 */
START_TEST(test_append_short_is_cut_back)
{
	static const char *const before[] = { "line1\n", "line1\ntorn" };
	struct rlimit old, lim;
	fsched_err_t err;
	char *path = test_write(dir, "events.jsonl", before[_i]);
	void (*oldsig)(int);
	int rc;

	ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = strlen(before[_i]) + 4;
	oldsig = signal(SIGXFSZ, SIG_IGN);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
	rc = fsched_append_sync(path, "0123456789\n", 11, 0644, &err);
	/* Restore first: CK_FORK=no runs every test in one process. */
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, oldsig);
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err.errnum, EFBIG);
	ck_assert_msg(strstr(err.msg, "short append to ") &&
		      strstr(err.msg, "(4 of "),
		      "%s", err.msg);
	ck_assert_str_eq(test_read(path), before[_i]);
	/* Then the next append is whole. */
	ck_assert_int_eq(fsched_append_sync(path, "next\n", 5, 0644, &err), 0);
	ck_assert_str_eq(test_read(path), _i ? "line1\ntorn\nnext\n" :
					       "line1\nnext\n");
	free(path);
}
END_TEST

/* Nothing written (ENOSPC right away): the file is unchanged. */
START_TEST(test_append_fails_whole)
{
	struct rlimit old, lim;
	fsched_err_t err;
	char *path = test_write(dir, "events.jsonl", "line1\n");
	void (*oldsig)(int);
	int rc;

	ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = 6;
	oldsig = signal(SIGXFSZ, SIG_IGN);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
	rc = fsched_append_sync(path, "x\n", 2, 0644, &err);
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, oldsig);
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(err.errnum, EFBIG);
	ck_assert_msg(strstr(err.msg, "cannot append to "), "%s", err.msg);
	ck_assert_str_eq(test_read(path), "line1\n");
	free(path);
}
END_TEST

/* Temporary files (".NAME.tmp.*") in d. */
static int count_tmp(const char *d)
{
	DIR *dp = opendir(d);
	struct dirent *de;
	int n = 0;

	ck_assert_ptr_nonnull(dp);
	while ((de = readdir(dp)))
		if (de->d_name[0] == '.' && strstr(de->d_name, ".tmp."))
			n++;
	closedir(dp);
	return n;
}

/* A failed replacement names the file it was replacing, leaves no temp. */
START_TEST(test_atomic_error_names_target)
{
	fsched_err_t err;
	char *target;

	/* A directory in the way: the rename fails, nothing is left. */
	ck_assert_int_ne(asprintf(&target, "%s/active.json", dir), -1);
	ck_assert_int_eq(mkdir(target, 0755), 0);
	free(test_write(target, "keep", "x"));
	ck_assert_int_eq(fsched_atomic_write(dir, "active.json", "{}\n", 3,
					     0644, &err), -1);
	ck_assert_msg(!strncmp(err.msg, "cannot write ", 13) &&
		      strstr(err.msg, "/active.json: cannot rename"),
		      "%s", err.msg);
	ck_assert_int_eq(count_tmp(dir), 0);
	free(target);
}
END_TEST

START_TEST(test_mkdir_p)
{
	fsched_err_t err;
	char *p, *f;

	ck_assert_int_ne(asprintf(&p, "%s/a/b/c", dir), -1);
	ck_assert_int_eq(fsched_mkdir_p(p, 0755, &err), 0);
	ck_assert_int_eq(fsched_mkdir_p(p, 0755, &err), 0);
	f = test_write(p, "file", "x");
	ck_assert_int_eq(fsched_mkdir_p(f, 0755, &err), -1);
	ck_assert_int_eq(err.errnum, ENOTDIR);
	free(p);
	free(f);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("file");
	TCase *tc = tcase_create("file");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_atomic_creates_with_mode);
	tcase_add_test(tc, test_atomic_replaces);
	tcase_add_test(tc, test_atomic_symlink_not_followed);
	tcase_add_loop_test(tc, test_atomic_bad, 0,
			    sizeof(atomic_bad) / sizeof(atomic_bad[0]));
	tcase_add_test(tc, test_read_file);
	tcase_add_test(tc, test_read_refuses_symlink_and_dir);
	tcase_add_test(tc, test_append);
	tcase_add_test(tc, test_append_after_torn_line);
	tcase_add_loop_test(tc, test_append_short_is_cut_back, 0, 2);
	tcase_add_test(tc, test_append_fails_whole);
	tcase_add_test(tc, test_atomic_error_names_target);
	tcase_add_test(tc, test_mkdir_p);
	suite_add_tcase(s, tc);
	return test_run(s);
}
