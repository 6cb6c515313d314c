/*
 * fsched_test.h - helpers shared by the Check unit tests: a private
 * temporary directory per test and small file utilities.  Header-only.
 */
#ifndef FSCHED_TEST_H
#define FSCHED_TEST_H

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A fresh directory (caller frees the string; test_rmdir() removes it). */
static inline char *test_mkdtemp(void)
{
	const char *base = getenv("TMPDIR");
	char *d;

	if (asprintf(&d, "%s/fsched-unit.XXXXXX", base ? base : "/tmp") < 0)
		ck_abort_msg("asprintf");
	ck_assert_ptr_nonnull(mkdtemp(d));
	return d;
}

static inline void test_rmdir(char *d)
{
	char *cmd;

	if (asprintf(&cmd, "rm -rf '%s'", d) >= 0) {
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", d);
		free(cmd);
	}
	free(d);
}

/* Write s to dir/name (plain, non-atomic: test fixtures only). */
static inline char *test_write(const char *dir, const char *name,
			       const char *s)
{
	char *path;
	FILE *f;

	if (asprintf(&path, "%s/%s", dir, name) < 0)
		ck_abort_msg("asprintf");
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fputs(s, f) >= 0, 1);
	ck_assert_int_eq(fclose(f), 0);
	return path;
}

static inline char *test_read(const char *path)
{
	static char buf[65536];
	FILE *f = fopen(path, "r");
	size_t n;

	ck_assert_ptr_nonnull(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Number of entries in dir, "." and ".." excluded. */
static inline int test_count_entries(const char *dir)
{
	char *cmd;
	FILE *p;
	int n = -1;

	if (asprintf(&cmd, "ls -A '%s' | wc -l", dir) < 0)
		ck_abort_msg("asprintf");
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(fscanf(p, "%d", &n), 1);
	pclose(p);
	free(cmd);
	return n;
}

/* Run a suite, return the process exit status for automake. */
static inline int test_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}

#endif /* FSCHED_TEST_H */
