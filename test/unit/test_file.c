/*
 * test_file.c - fsched_file: atomic replacement, bounded reads, appends.
 */
#include "config.h"

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
	tcase_add_test(tc, test_mkdir_p);
	suite_add_tcase(s, tc);
	return test_run(s);
}
