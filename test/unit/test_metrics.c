/*
 * test_metrics.c - Prometheus text of the job counters: label escaping,
 * every family with its type, counters.json as the writer writes it,
 * empty and unreadable counters.
 */
#include "config.h"

#include <stdint.h>

#include "fsched_counters.h"
#include "fsched_metrics.h"
#include "fsched_record.h"
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

/* The text for c (NULL: unreadable); caller frees. */
static char *prom(const fsched_counters_t *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fsched_counters_prom(f, c), 0);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_ptr_nonnull(buf);
	return buf;
}

static char *escaped(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	fsched_prom_label_value(f, s);
	ck_assert_int_eq(fclose(f), 0);
	return buf;
}

static const struct {
	const char *in, *out;
} esc[] = {
	{ "debug", "debug" },
	{ "", "" },
	{ "a\"b", "a\\\"b" },
	{ "a\\b", "a\\\\b" },
	{ "a\nb", "a\\nb" },
	{ "\\\"\n", "\\\\\\\"\\n" },
	{ "p1,p2 {x}=\ty", "p1,p2 {x}=\ty" },	/* nothing else escaped */
	{ "gr\xc3\xbcn", "gr\xc3\xbcn" },		/* UTF-8 as is */
};

START_TEST(test_label_escape)
{
	char *s = escaped(esc[_i].in);

	ck_assert_str_eq(s, esc[_i].out);
	free(s);
}
END_TEST

START_TEST(test_unreadable)
{
	char *s = prom(NULL);

	ck_assert_str_eq(s,
		"# HELP fsched_counters_readable 1 if counters.json (jobcomp/fsched's job counters) could be read, else 0.\n"
		"# TYPE fsched_counters_readable gauge\n"
		"fsched_counters_readable 0\n");
	free(s);
}
END_TEST

/* Sample lines (no comments) of text, in order, joined by '\n'. */
static char *samples(const char *text)
{
	char *out = calloc(1, strlen(text) + 1), *o = out;
	const char *p = text;

	ck_assert_ptr_nonnull(out);
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n;

		ck_assert_msg(nl != NULL, "last line without newline");
		n = (size_t)(nl - p) + 1;
		if (*p != '#') {
			memcpy(o, p, n);
			o += n;
		}
		p += n;
	}
	return out;
}

START_TEST(test_from_file)
{
	/* counters.json as fsched_writer.c writes it. */
	static const char doc[] =
		"{\"version\":1,\"updated\":1700000123,"
		"\"updated_iso\":\"2023-11-14T22:15:23Z\",\"host\":\"ctl2\","
		"\"records\":7,\"by_state\":{\"COMPLETED\":4,\"FAILED\":2,"
		"\"TIMEOUT\":1},\"by_partition\":{\"debug\":{\"COMPLETED\":3,"
		"\"FAILED\":2},\"(none)\":{\"COMPLETED\":1},"
		"\"we\\\"ird\\\\p\\nq\":{\"TIMEOUT\":1}},"
		"\"duplicates_skipped\":5,\"reconciled\":2,\"dropped\":3,"
		"\"write_errors\":4,\"queue_depth\":6,"
		"\"counted_before_day\":19670,\"positions\":{}}\n";
	fsched_counters_t c;
	fsched_err_t err;
	char *s, *smp;

	free(test_write(dir, "counters.json", doc));
	ck_assert_int_eq(fsched_counters_init(&c), 0);
	ck_assert_int_eq(fsched_counters_read(dir, &c, &err), 0);
	s = prom(&c);
	smp = samples(s);
	ck_assert_str_eq(smp,
		"fsched_counters_readable 1\n"
		"fsched_jobs_finished_total{partition=\"debug\",state=\"COMPLETED\"} 3\n"
		"fsched_jobs_finished_total{partition=\"debug\",state=\"FAILED\"} 2\n"
		"fsched_jobs_finished_total{partition=\"(none)\",state=\"COMPLETED\"} 1\n"
		"fsched_jobs_finished_total{partition=\"we\\\"ird\\\\p\\nq\",state=\"TIMEOUT\"} 1\n"
		"fsched_jobs_journalled_total 7\n"
		"fsched_jobs_reconciled_total 2\n"
		"fsched_journal_duplicates_skipped_total 5\n"
		"fsched_journal_records_dropped_total 3\n"
		"fsched_journal_write_errors_total 4\n"
		"fsched_journal_queue_depth 6\n"
		"fsched_counters_updated_seconds 1700000123\n");
	/* Each family once, HELP and TYPE before its samples. */
	ck_assert_ptr_nonnull(strstr(s,
		"# TYPE fsched_jobs_finished_total counter\n"
		"fsched_jobs_finished_total{partition=\"debug\""));
	for (const char *const *t = (const char *const[]){
		     "fsched_counters_readable gauge",
		     "fsched_jobs_finished_total counter",
		     "fsched_jobs_journalled_total counter",
		     "fsched_jobs_reconciled_total counter",
		     "fsched_journal_duplicates_skipped_total counter",
		     "fsched_journal_records_dropped_total counter",
		     "fsched_journal_write_errors_total counter",
		     "fsched_journal_queue_depth gauge",
		     "fsched_counters_updated_seconds gauge", NULL }; *t; t++) {
		char want[256], *first;
		size_t nlen = strcspn(*t, " ");

		snprintf(want, sizeof(want), "# TYPE %s\n", *t);
		first = strstr(s, want);
		ck_assert_msg(first, "no \"%s\" in\n%s", want, s);
		ck_assert_msg(!strstr(first + 1, want), "\"%s\" twice", want);
		snprintf(want, sizeof(want), "# HELP %.*s ", (int)nlen, *t);
		first = strstr(s, want);
		ck_assert_msg(first, "no \"%s\"", want);
		ck_assert_msg(!strstr(first + 1, want), "\"%s\" twice", want);
	}
	free(smp);
	free(s);
	fsched_counters_free(&c);
}
END_TEST

START_TEST(test_empty_and_added)
{
	fsched_counters_t c;
	fsched_jobrec_t r;
	char *s, *smp;

	ck_assert_int_eq(fsched_counters_init(&c), 0);
	s = prom(&c);
	/* No run counted: no sample, and no family without samples. */
	ck_assert_ptr_null(strstr(s, "fsched_jobs_finished_total"));
	smp = samples(s);
	ck_assert_str_eq(smp,
		"fsched_counters_readable 1\n"
		"fsched_jobs_journalled_total 0\n"
		"fsched_jobs_reconciled_total 0\n"
		"fsched_journal_duplicates_skipped_total 0\n"
		"fsched_journal_records_dropped_total 0\n"
		"fsched_journal_write_errors_total 0\n"
		"fsched_journal_queue_depth 0\n"
		"fsched_counters_updated_seconds 0\n");
	free(smp);
	free(s);

	/* Counted in memory, as the writer does. */
	fsched_jobrec_init(&r);
	r.state = "COMPLETED";
	r.partition = "batch";
	fsched_counters_add(&c, &r);
	fsched_counters_add(&c, &r);
	r.partition = "";
	r.reconciled = true;
	fsched_counters_add(&c, &r);
	s = prom(&c);
	ck_assert_ptr_nonnull(strstr(s,
		"\nfsched_jobs_finished_total{partition=\"batch\",state=\"COMPLETED\"} 2\n"));
	ck_assert_ptr_nonnull(strstr(s,
		"\nfsched_jobs_finished_total{partition=\"(none)\",state=\"COMPLETED\"} 1\n"));
	ck_assert_ptr_nonnull(strstr(s, "\nfsched_jobs_journalled_total 3\n"));
	ck_assert_ptr_nonnull(strstr(s, "\nfsched_jobs_reconciled_total 1\n"));
	free(s);
	fsched_counters_free(&c);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("metrics");
	TCase *tc = tcase_create("metrics");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_label_escape, 0,
			    sizeof(esc) / sizeof(esc[0]));
	tcase_add_test(tc, test_unreadable);
	tcase_add_test(tc, test_from_file);
	tcase_add_test(tc, test_empty_and_added);
	suite_add_tcase(s, tc);
	return test_run(s);
}
