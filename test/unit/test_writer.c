/*
 * test_writer.c - the journal writer: group commit, exactly once across a
 * "failover" (a second writer over the same journal, with a torn tail and
 * uncounted lines left by the first), reconciliation, writing only while
 * active, a real write failure (the journal directory is a file) with
 * records kept and written once it is fixed, a failed write whose
 * cut-back fails too (no record twice), reconciliation beyond the queue's
 * room, a full queue (every drop counted and logged) and the rate limit
 * of repeated errors.
 */
#include "config.h"

#include <pthread.h>
#include <regex.h>
#include <time.h>

#include "fsched_counters.h"
#include "fsched_journal.h"
#include "fsched_log.h"
#include "fsched_writer.h"
#include "fsched_test.h"
#include "fsched_faults.h"

static char *dir;	/* state dir */
static char *jdir;	/* journal dir */
static bool active;
static int64_t recon_from, recon_to;	/* finished_jobs() range */
/*
 * Run times: fixed for the whole test, so that the same job id always
 * makes the same run key, and all in one UTC day (00:01 of the day the
 * test started), inside the writer's index window (today and the two
 * days before) even if the test runs across midnight.
 */
static int64_t base;

/* What the writer logged (any thread). */
static pthread_mutex_t log_mtx = PTHREAD_MUTEX_INITIALIZER;
static char logbuf[1 << 16];
static size_t loglen;

static void capture_log(enum fsched_log_level level, const char *msg)
{
	pthread_mutex_lock(&log_mtx);
	loglen += (size_t)snprintf(logbuf + loglen, sizeof(logbuf) - loglen,
				   "%s\n", msg);
	if (loglen >= sizeof(logbuf))
		loglen = sizeof(logbuf) - 1;
	pthread_mutex_unlock(&log_mtx);
}

/* Logged lines that contain needle. */
static int log_count(const char *needle)
{
	int n = 0;

	pthread_mutex_lock(&log_mtx);
	for (char *p = logbuf; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	pthread_mutex_unlock(&log_mtx);
	return n;
}

static void setup(void)
{
	dir = test_mkdtemp();
	ck_assert_int_ne(asprintf(&jdir, "%s/jobcomp", dir), -1);
	active = true;
	recon_from = recon_to = 0;
	base = time(NULL) / 86400 * 86400 + 60;
	loglen = 0;
	logbuf[0] = '\0';
	fsched_log_set_sink(capture_log);
	fault_set(&fault_fsync, 0);
	fault_set(&fault_ftruncate, 0);
	fault_set(&fault_fsync_made, 0);
	fault_set(&fault_ftruncate_made, 0);
}

static void teardown(void)
{
	free(jdir);
	test_rmdir(dir);
}

static fsched_jobrec_t *rec(int64_t id)
{
	fsched_jobrec_t t;

	fsched_jobrec_init(&t);
	t.cluster = "c";
	t.state = (id % 3) ? "COMPLETED" : "FAILED";
	t.partition = "debug";
	t.name = "job";
	t.job_id = id;
	t.start_time = base + id;
	t.end_time = base + id + 60;
	return fsched_jobrec_dup(&t);
}

static bool is_active(void *arg)
{
	return active;
}

static int finished(void *arg, fsched_jobrec_t ***out, size_t *n)
{
	size_t k = 0;

	*out = calloc((size_t)(recon_to - recon_from + 1), sizeof(**out));
	for (int64_t id = recon_from; id && id <= recon_to; id++)
		(*out)[k++] = rec(id);
	*n = k;
	return 0;
}

static fsched_writer_t *writer(long max_queue)
{
	fsched_writer_cfg_t cfg = {
		.journal_dir = jdir, .state_dir = dir, .host = "ctl1",
		.file_mode = 0640, .flush_ms = 50, .max_queue = max_queue,
		.index_days = 3, .events_max_bytes = 1 << 20,
	};
	fsched_writer_ops_t ops = {
		.is_active = is_active, .finished_jobs = finished,
	};
	fsched_err_t err;
	fsched_writer_t *w = fsched_writer_new(&cfg, &ops, NULL, &err);

	ck_assert_ptr_nonnull(w);
	ck_assert_int_eq(fsched_writer_start(w, &err), 0);
	return w;
}

/* Journal lines by job id: counts[id] = lines with that id. */
static int journal_lines(int *counts, int max_id, int *reconciled)
{
	char **names, *path;
	size_t n;
	fsched_err_t err;
	int total = 0;

	memset(counts, 0, sizeof(int) * (size_t)(max_id + 1));
	if (reconciled)
		*reconciled = 0;
	ck_assert_int_eq(fsched_journal_list(jdir, 0, UINT32_MAX, &names, &n,
					     &err), 0);
	for (size_t i = 0; i < n; i++) {
		static char line[65536];	/* longer than any test line */
		FILE *f;

		ck_assert_int_ne(asprintf(&path, "%s/%s", jdir, names[i]), -1);
		f = fopen(path, "r");
		while (f && fgets(line, sizeof(line), f)) {
			char *p = strstr(line, "\"job_id\":");
			int id = p ? atoi(p + 9) : -1;

			if (id >= 0 && id <= max_id)
				counts[id]++;
			if (reconciled && strstr(line, "\"reconciled\":true"))
				(*reconciled)++;
			total++;
		}
		if (f)
			fclose(f);
		free(path);
	}
	fsched_journal_list_free(names);
	return total;
}

static int64_t counters_records(void)
{
	fsched_counters_t c;
	fsched_err_t err;
	int64_t n;

	ck_assert_int_eq(fsched_counters_init(&c), 0);
	ck_assert_msg(fsched_counters_read(dir, &c, &err) == 0, "%s", err.msg);
	n = c.records;
	fsched_counters_free(&c);
	return n;
}

static int events_named(const char *name)
{
	char *path, line[8192], pat[128];
	int n = 0;
	FILE *f;

	ck_assert_int_ne(asprintf(&path, "%s/events.jsonl", dir), -1);
	snprintf(pat, sizeof(pat), "\"event\":\"%s\"", name);
	if ((f = fopen(path, "r"))) {
		while (fgets(line, sizeof(line), f))
			n += strstr(line, pat) != NULL;
		fclose(f);
	}
	free(path);
	return n;
}

START_TEST(test_group_commit_and_duplicates)
{
	fsched_writer_t *w = writer(100000);
	fsched_writer_stats_t st;
	int counts[1001], total;

	for (int id = 1; id <= 1000; id++)
		ck_assert_int_eq(fsched_writer_enqueue(w, rec(id)), 0);
	/* The same runs again: in the queue and after they are written. */
	for (int id = 1; id <= 10; id++)
		ck_assert_int_eq(fsched_writer_enqueue(w, rec(id)), 0);
	ck_assert(fsched_writer_flush(w, 10000));
	for (int id = 1; id <= 10; id++)
		ck_assert_int_eq(fsched_writer_enqueue(w, rec(id)), 0);
	ck_assert(fsched_writer_flush(w, 10000));
	fsched_writer_get_stats(w, &st);
	ck_assert_int_eq(st.written, 1000);
	ck_assert_int_eq(st.duplicates, 20);
	ck_assert_int_eq(st.dropped, 0);
	fsched_writer_free(w);
	total = journal_lines(counts, 1000, NULL);
	ck_assert_int_eq(total, 1000);
	for (int id = 1; id <= 1000; id++)
		ck_assert_int_eq(counts[id], 1);
	ck_assert_int_eq(counters_records(), 1000);
}
END_TEST

/*
 * The record pool: records of every size class and beyond it are copied
 * whole, journalled, and the buffers of written records are reused (LIFO
 * per class); duplicates and drops give their buffers back too.
 */
START_TEST(test_record_pool)
{
	/* Strings making records of each class, and one too big for any. */
	static const size_t sizes[] = { 10, 900, 1800, 3500, 20000 };
	fsched_writer_t *w = writer(100000);
	fsched_writer_stats_t st;
	fsched_jobrec_t t, *a, *b;
	int counts[51], total;
	char *big = malloc(20001);

	ck_assert_ptr_nonnull(big);
	for (int id = 1; id <= 50; id++) {
		size_t n = sizes[id % 5];

		memset(big, 'a' + id % 26, n);
		big[n] = '\0';
		fsched_jobrec_init(&t);
		t.cluster = "c";
		t.state = "COMPLETED";
		t.partition = "debug";
		t.work_dir = big;
		t.job_id = id;
		t.start_time = base + id;
		t.end_time = base + id + 60;
		a = fsched_writer_dup(w, &t);
		ck_assert_ptr_nonnull(a);
		ck_assert_str_eq(a->work_dir, big);
		ck_assert_str_eq(a->partition, "debug");
		n = fsched_jobrec_dup_size(&t);
		ck_assert_int_eq(a->pool_class, n <= 1024 ? 1 : n <= 2048 ? 2 :
				 n <= 4096 ? 3 : 0);
		ck_assert_int_eq(fsched_writer_enqueue(w, a), 0);
	}
	ck_assert(fsched_writer_flush(w, 10000));
	fsched_writer_get_stats(w, &st);
	ck_assert_int_eq(st.written, 50);
	/* Given back: the next small copy is the last small buffer freed. */
	fsched_jobrec_init(&t);
	t.cluster = "c";
	t.job_id = 1;
	a = fsched_writer_dup(w, &t);
	b = fsched_writer_dup(w, &t);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(a->pool_class, 1);
	fsched_writer_release(w, b);
	fsched_writer_release(w, a);
	ck_assert_ptr_eq(fsched_writer_dup(w, &t), a);
	fsched_writer_release(w, a);
	/* A malloc()ed record is freed by release(). */
	fsched_writer_release(w, fsched_jobrec_dup(&t));
	fsched_writer_free(w);
	free(big);
	total = journal_lines(counts, 50, NULL);
	ck_assert_int_eq(total, 50);
	for (int id = 1; id <= 50; id++)
		ck_assert_int_eq(counts[id], 1);
}
END_TEST

START_TEST(test_failover_exactly_once)
{
	fsched_writer_t *w = writer(100000);
	int counts[101], total, reconciled;
	char name[FSCHED_JOURNAL_NAME_LEN], *path;
	FILE *f;

	/* Controller 1 journals runs 1..50 ... */
	for (int id = 1; id <= 50; id++)
		fsched_writer_enqueue(w, rec(id));
	ck_assert(fsched_writer_flush(w, 10000));
	fsched_writer_free(w);
	/* ... appends 51..52 and dies mid-line, before counters.json. */
	fsched_journal_name(fsched_day_of(base), name, sizeof(name));
	ck_assert_int_ne(asprintf(&path, "%s/%s", jdir, name), -1);
	f = fopen(path, "a");
	for (int id = 51; id <= 52; id++) {
		fsched_jobrec_t *r = rec(id);
		struct json_object *o;

		fsched_jobrec_key(r, r->run_key, sizeof(r->run_key));
		o = fsched_jobrec_to_json(r);
		fprintf(f, "%s\n", json_object_to_json_string(o));
		json_object_put(o);
		free(r);
	}
	fputs("{\"version\":1,\"run_key\":\"c:53:", f);
	fclose(f);
	free(path);

	/*
	 * Controller 2 takes over.  Its job list (older state) still has
	 * runs 40..60 finished: 40..52 are journalled, 53..60 are not.
	 */
	recon_from = 40;
	recon_to = 60;
	w = writer(100000);
	ck_assert(fsched_writer_flush(w, 10000));
	/* It then completes runs it thinks are still running: 55..70. */
	for (int id = 55; id <= 70; id++)
		fsched_writer_enqueue(w, rec(id));
	ck_assert(fsched_writer_flush(w, 10000));
	fsched_writer_free(w);

	total = journal_lines(counts, 100, &reconciled);
	ck_assert_int_eq(total, 70);
	for (int id = 1; id <= 70; id++)
		ck_assert_msg(counts[id] == 1, "run %d journalled %d times", id,
			      counts[id]);
	ck_assert_int_eq(reconciled, 8);	/* 53..60 */
	/* The counters equal the journal, lines 51..52 included. */
	ck_assert_int_eq(counters_records(), 70);
	ck_assert_int_eq(events_named("journal-repaired"), 1);
	{
		/* Writer counters add up across writers (55..60 twice). */
		fsched_counters_t c;
		fsched_err_t err;

		ck_assert_int_eq(fsched_counters_init(&c), 0);
		ck_assert_int_eq(fsched_counters_read(dir, &c, &err), 0);
		ck_assert_int_eq(c.duplicates, 6);
		fsched_counters_free(&c);
	}
	ck_assert_int_eq(events_named("journal-reconciled"), 1);
}
END_TEST

START_TEST(test_writes_only_while_active)
{
	fsched_writer_t *w;
	fsched_writer_stats_t st;
	int counts[11];

	active = false;
	w = writer(100000);
	for (int id = 1; id <= 10; id++)
		fsched_writer_enqueue(w, rec(id));
	ck_assert(!fsched_writer_flush(w, 300));
	ck_assert_int_eq(journal_lines(counts, 10, NULL), 0);
	active = true;
	fsched_writer_wake(w);
	ck_assert(fsched_writer_flush(w, 10000));
	fsched_writer_get_stats(w, &st);
	ck_assert_int_eq(st.written, 10);
	ck_assert_int_eq(st.syncs, 1);
	fsched_writer_free(w);
	ck_assert_int_eq(journal_lines(counts, 10, NULL), 10);
}
END_TEST

START_TEST(test_write_failure_keeps_records)
{
	fsched_writer_t *w;
	fsched_writer_stats_t st;
	int counts[21];
	char *cmd;

	w = writer(100000);
	fsched_writer_enqueue(w, rec(1));
	ck_assert(fsched_writer_flush(w, 10000));
	/* The journal directory vanishes and a file takes its name. */
	ck_assert_int_ne(asprintf(&cmd, "rm -rf '%s' && touch '%s'", jdir, jdir),
			 -1);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
	for (int id = 2; id <= 20; id++)
		ck_assert_int_eq(fsched_writer_enqueue(w, rec(id)), 0);
	ck_assert(!fsched_writer_flush(w, 1500));
	fsched_writer_get_stats(w, &st);
	ck_assert_int_ge(st.write_errors, 1);
	ck_assert_int_eq(st.queue_depth, 19);
	ck_assert_int_eq(st.dropped, 0);
	ck_assert_int_eq(events_named("journal-write-error"), 1);
	/* Fixed: the records are written, once. */
	ck_assert_int_ne(asprintf(&cmd, "rm -f '%s' && mkdir '%s'", jdir, jdir),
			 -1);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
	ck_assert(fsched_writer_flush(w, 20000));
	fsched_writer_get_stats(w, &st);
	ck_assert_int_eq(st.written, 20);
	fsched_writer_free(w);
	ck_assert_int_eq(journal_lines(counts, 20, NULL), 19);	/* 1 was lost with the dir */
	for (int id = 2; id <= 20; id++)
		ck_assert_int_eq(counts[id], 1);
	ck_assert_int_eq(events_named("journal-write-recovered"), 1);
}
END_TEST

START_TEST(test_queue_full)
{
	fsched_writer_t *w;
	fsched_writer_stats_t st;
	int dropped = 0;

	active = false;
	w = writer(16);
	for (int id = 1; id <= 20; id++)
		dropped += fsched_writer_enqueue(w, rec(id)) < 0;
	ck_assert_int_eq(dropped, 4);
	fsched_writer_get_stats(w, &st);
	ck_assert_int_eq(st.dropped, 4);
	ck_assert_int_eq(st.queue_depth, 16);
	fsched_writer_free(w);
}
END_TEST

/*
 * fsync() of the journal fails after write() worked, and the cut-back
 * fails too: the failed batch stays in the file.  The writer must not
 * append anything to that file (the retry would write those records a
 * second time) until it could cut the file back to its last good end.
 */
START_TEST(test_cut_back_fails)
{
	fsched_writer_t *w = writer(100000);
	fsched_writer_stats_t st;
	int counts[21], total;

	fsched_writer_enqueue(w, rec(1));
	ck_assert(fsched_writer_flush(w, 10000));
	fault_set(&fault_fsync, EIO);
	fault_set(&fault_ftruncate, EIO);
	for (int id = 2; id <= 20; id++)
		ck_assert_int_eq(fsched_writer_enqueue(w, rec(id)), 0);
	/* Attempts at about 0, 1 and 3 s. */
	ck_assert(!fsched_writer_flush(w, 3500));
	fsched_writer_get_stats(w, &st);
	ck_assert_int_ge(st.write_errors, 3);
	ck_assert_int_eq(st.queue_depth, 19);
	ck_assert_int_eq(st.written, 1);
	/* The first failed batch is in the file, and only it. */
	total = journal_lines(counts, 20, NULL);
	ck_assert_int_gt(total, 1);
	for (int id = 1; id <= 20; id++)
		ck_assert_int_le(counts[id], 1);
	ck_assert_int_ge(fault_get(&fault_ftruncate_made), 3);
	fault_set(&fault_fsync, 0);
	fault_set(&fault_ftruncate, 0);
	ck_assert(fsched_writer_flush(w, 20000));
	fsched_writer_get_stats(w, &st);
	ck_assert_int_eq(st.written, 20);
	ck_assert_int_eq(st.dropped, 0);
	fsched_writer_free(w);
	total = journal_lines(counts, 20, NULL);
	ck_assert_int_eq(total, 20);
	for (int id = 1; id <= 20; id++)
		ck_assert_msg(counts[id] == 1, "run %d journalled %d times", id,
			      counts[id]);
	ck_assert_int_eq(counters_records(), 20);
	/* Two distinct errors (fsync, then the cut), each logged once. */
	ck_assert_int_eq(log_count("journal write failed"), 2);
	ck_assert_int_eq(log_count("cannot fsync"), 1);
	ck_assert_int_eq(log_count("cannot cut"), 1);
	ck_assert_int_eq(log_count("journal write still failing"), 0);
	ck_assert_int_eq(log_count("journal writes work again after"), 1);
	ck_assert_int_eq(events_named("journal-write-error"), 1);
	ck_assert_int_eq(events_named("journal-write-recovered"), 1);
}
END_TEST

/* Reconciled runs are never dropped for lack of queue room. */
START_TEST(test_reconcile_beyond_queue_room)
{
	fsched_writer_t *w;
	fsched_writer_stats_t st;
	int counts[111], reconciled;

	/* The journal fails at first: the runs wait, none is lost. */
	fault_set(&fault_fsync, EIO);
	recon_from = 1;
	recon_to = 100;
	w = writer(16);
	ck_assert(!fsched_writer_flush(w, 1500));
	for (int id = 101; id <= 110; id++)
		ck_assert_int_eq(fsched_writer_enqueue(w, rec(id)), 0);
	fsched_writer_get_stats(w, &st);
	ck_assert_int_eq(st.backlog + st.queue_depth, 110);
	ck_assert_int_eq(st.dropped, 0);
	ck_assert_int_eq(journal_lines(counts, 110, NULL), 0);
	fault_set(&fault_fsync, 0);
	ck_assert(fsched_writer_flush(w, 20000));
	fsched_writer_get_stats(w, &st);
	ck_assert_int_eq(st.written, 110);
	ck_assert_int_eq(st.reconciled, 100);
	ck_assert_int_eq(st.dropped, 0);
	ck_assert_int_eq(st.backlog, 0);
	fsched_writer_free(w);
	ck_assert_int_eq(journal_lines(counts, 110, &reconciled), 110);
	for (int id = 1; id <= 110; id++)
		ck_assert_int_eq(counts[id], 1);
	ck_assert_int_eq(reconciled, 100);
	ck_assert_int_eq(counters_records(), 110);
	ck_assert_int_eq(events_named("journal-reconciled"), 1);
	ck_assert_int_eq(log_count("reconciliation: 100 finished job runs missing"),
			 1);
	ck_assert_int_eq(log_count("DROPPED"), 0);
}
END_TEST

/*
 * Drop lines: "N ... DROPPED, T in total"; the Ns add up to every drop and
 * the last T is the total.
 */
static void drop_lines(int *lines, int64_t *sum, int64_t *last_total)
{
	regex_t re;
	regmatch_t m[5];
	char *copy, *line, *save;

	ck_assert_int_eq(regcomp(&re, "journal queue full \\(JournalMaxQueue=16\\): (.*[^0-9])?([0-9]+) (more )?job completion record\\(s\\) DROPPED, ([0-9]+) in total",
				 REG_EXTENDED), 0);
	*lines = 0;
	*sum = *last_total = 0;
	pthread_mutex_lock(&log_mtx);
	copy = strdup(logbuf);
	pthread_mutex_unlock(&log_mtx);
	for (line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (regexec(&re, line, 5, m, 0))
			continue;
		(*lines)++;
		*sum += atoll(line + m[2].rm_so);
		*last_total = atoll(line + m[4].rm_so);
	}
	free(copy);
	regfree(&re);
}

/* Every drop is counted, in the log and in counters.json. */
START_TEST(test_drops_reported)
{
	fsched_writer_t *w;
	fsched_writer_stats_t st;
	fsched_counters_t c;
	fsched_err_t err;
	int dropped = 0, lines;
	int64_t sum, total;

	active = false;
	w = writer(16);
	for (int id = 1; id <= 40; id++) {
		dropped += fsched_writer_enqueue(w, rec(id)) < 0;
		if (id == 20)
			usleep(200000);	/* the writer logs the start */
	}
	ck_assert_int_eq(dropped, 24);
	active = true;
	fsched_writer_wake(w);
	ck_assert(fsched_writer_flush(w, 10000));
	/* The queue has room again: the summary, with the total. */
	for (int i = 0; i < 50 && !log_count("no more drops"); i++)
		usleep(100000);
	ck_assert_int_eq(log_count("no more drops"), 1);
	fsched_writer_get_stats(w, &st);
	ck_assert_int_eq(st.dropped, 24);
	ck_assert_int_eq(st.written, 16);
	fsched_writer_free(w);
	drop_lines(&lines, &sum, &total);
	ck_assert_int_eq(lines, 2);	/* dropping starts, stops */
	ck_assert_int_eq(sum, 24);
	ck_assert_int_eq(total, 24);
	ck_assert_int_eq(fsched_counters_init(&c), 0);
	ck_assert_int_eq(fsched_counters_read(dir, &c, &err), 0);
	ck_assert_int_eq(c.records, 16);
	ck_assert_int_eq(c.dropped, 24);
	fsched_counters_free(&c);
}
END_TEST

/* Each distinct error once, then at most once an interval, with counts. */
START_TEST(test_loglimit)
{
	fsched_loglimit_t l;
	int64_t n;
	char m[16];

	fsched_loglimit_init(&l, 60000);
	ck_assert(!fsched_loglimit_active(&l));
	ck_assert_int_eq(fsched_loglimit_check(&l, "A", 0, &n),
			 FSCHED_LOGLIMIT_FIRST);
	ck_assert_int_eq(fsched_loglimit_check(&l, "B", 10, &n),
			 FSCHED_LOGLIMIT_FIRST);
	/* Two errors alternate: neither is logged again within a minute. */
	for (int i = 1; i <= 100; i++)
		ck_assert_int_eq(fsched_loglimit_check(&l, (i % 2) ? "A" : "B",
						       10 + i * 100, &n),
				 FSCHED_LOGLIMIT_SUPPRESS);
	ck_assert_int_eq(fsched_loglimit_check(&l, "A", 60000, &n),
			 FSCHED_LOGLIMIT_REPEAT);
	ck_assert_int_eq(n, 50);
	ck_assert_int_eq(fsched_loglimit_check(&l, "A", 60001, &n),
			 FSCHED_LOGLIMIT_SUPPRESS);
	ck_assert_int_eq(fsched_loglimit_check(&l, "B", 60009, &n),
			 FSCHED_LOGLIMIT_SUPPRESS);
	ck_assert_int_eq(fsched_loglimit_check(&l, "B", 60010, &n),
			 FSCHED_LOGLIMIT_REPEAT);
	ck_assert_int_eq(n, 51);
	ck_assert(fsched_loglimit_active(&l));
	/* Over (recovered): the same error is new again. */
	fsched_loglimit_reset(&l);
	ck_assert(!fsched_loglimit_active(&l));
	ck_assert_int_eq(fsched_loglimit_check(&l, "A", 60020, &n),
			 FSCHED_LOGLIMIT_FIRST);
	/* More distinct errors than slots: the least recently seen goes. */
	fsched_loglimit_init(&l, 60000);
	for (int i = 0; i <= FSCHED_LOGLIMIT_SLOTS; i++) {
		snprintf(m, sizeof(m), "m%d", i);
		ck_assert_int_eq(fsched_loglimit_check(&l, m, i, &n),
				 FSCHED_LOGLIMIT_FIRST);
	}
	ck_assert_int_eq(fsched_loglimit_check(&l, "m1", 100, &n),
			 FSCHED_LOGLIMIT_SUPPRESS);
	ck_assert_int_eq(fsched_loglimit_check(&l, "m0", 101, &n),
			 FSCHED_LOGLIMIT_FIRST);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("writer");
	TCase *tc = tcase_create("writer");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_group_commit_and_duplicates);
	tcase_add_test(tc, test_record_pool);
	tcase_add_test(tc, test_failover_exactly_once);
	tcase_add_test(tc, test_writes_only_while_active);
	tcase_add_test(tc, test_write_failure_keeps_records);
	tcase_add_test(tc, test_queue_full);
	tcase_add_test(tc, test_cut_back_fails);
	tcase_add_test(tc, test_reconcile_beyond_queue_room);
	tcase_add_test(tc, test_drops_reported);
	tcase_add_test(tc, test_loglimit);
	suite_add_tcase(s, tc);
	return test_run(s);
}
