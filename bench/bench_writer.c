/*
 * bench_writer.c - durable throughput of the jobcomp/fsched journal
 * writer (libfsched's fsched_writer), batched fsync included.
 *
 * What it measures: records per second from the first
 * fsched_writer_enqueue() until fsched_writer_flush() returns, i.e. until
 * the last record is in its day file and fsync'ed: M records (default
 * 500,000) queued as fast as one thread can, the writer thread encoding
 * them as JSON lines and appending them in batches with one write() and
 * one fsync per day file and batch (group commit).  The figure is the
 * sustained rate a slurmctld burst of job completions is made durable at;
 * the enqueue rate alone is reported too.
 *
 * How: the writer is created with an is_active op that always says yes
 * and no reconciliation op, in a fresh journal and state directory (use a
 * directory on the disk to be measured: fsync on tmpfs costs nothing); the
 * clock starts once its start-up sync is done.  The records are the
 * synthetic runs of bench_synth.h (ended over the last hour, so one or two
 * day files), copied with fsched_writer_dup() as the plugin does.  At the
 * end it checks that the writer wrote M records, dropped none, the
 * journal has M lines and counters.json counts M records.
 *
 * Results go to stdout and, as "key value" lines, to the -r file.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fsched_counters.h"
#include "fsched_record.h"
#include "fsched_writer.h"

#include "bench_synth.h"

#define FIRST_JOB_ID 5000000

static bool always_active(void *arg)
{
	return true;
}

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("bench_writer: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static char *path_in(const char *dir, const char *name)
{
	char *p;

	if (asprintf(&p, "%s/%s", dir, name) < 0)
		die("out of memory");
	return p;
}

static void usage(void)
{
	fprintf(stderr,
"Usage: bench_writer -w WORKDIR [-n RECORDS] [-r RESULTS]\n"
"  -w  empty work directory on the disk to measure\n"
"  -n  records (default 500000)\n"
"  -r  append \"key value\" result lines to RESULTS\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *workdir = NULL, *results_path = NULL;
	long m = 500000;
	fsched_writer_ops_t ops = { .is_active = always_active };
	fsched_writer_cfg_t cfg = { 0 };
	fsched_writer_stats_t st;
	fsched_counters_t counters;
	fsched_writer_t *w;
	fsched_err_t err;
	char *journal, *state;
	double t0, t_enq, t_end, deadline;
	long long lines;
	time_t base;
	FILE *res = NULL;
	int c, rc = 0;

	while ((c = getopt(argc, argv, "w:n:r:")) != -1) {
		switch (c) {
		case 'w':
			workdir = optarg;
			break;
		case 'n':
			m = atol(optarg);
			break;
		case 'r':
			results_path = optarg;
			break;
		default:
			usage();
		}
	}
	if (!workdir || m < 1)
		usage();
	if (results_path && !(res = fopen(results_path, "a")))
		die("%s: %s", results_path, strerror(errno));
	setvbuf(stdout, NULL, _IOLBF, 0);

	journal = path_in(workdir, "journal");
	state = path_in(workdir, "state");
	if (mkdir(state, 0755) < 0 && errno != EEXIST)
		die("%s: %s", state, strerror(errno));
	cfg.journal_dir = journal;
	cfg.state_dir = state;
	cfg.host = "benchctl";
	cfg.file_mode = 0640;
	cfg.flush_ms = 100;			/* fsched.conf defaults */
	cfg.index_days = 3;
	cfg.events_max_bytes = 1L << 20;
	cfg.max_queue = m + 16;			/* nothing may be dropped */
	if (!(w = fsched_writer_new(&cfg, &ops, NULL, &err)) ||
	    fsched_writer_start(w, &err) < 0)
		die("%s", err.msg);

	/* Start-up sync (index, counters) first: it is not the steady state. */
	deadline = bench_now() + 10;
	do {
		fsched_writer_get_stats(w, &st);
		if (!st.synced)
			usleep(1000);
	} while (!st.synced && bench_now() < deadline);
	if (!st.synced)
		die("the writer did not sync in 10 s");

	bench_synth_init();
	base = time(NULL) - 3600;
	printf("writer: %ld records into %s\n", m, journal);
	t0 = bench_now();
	for (long i = 0; i < m; i++) {
		struct bench_run r;
		fsched_jobrec_t tmpl, *copy;
		time_t end = base + (time_t)(3600.0 * (double)i / (double)m);

		bench_synth_run(&r, (uint64_t)i, FIRST_JOB_ID, end);
		fsched_jobrec_init(&tmpl);
		tmpl.cluster = "bench";
		tmpl.user = (char *)r.user;
		tmpl.account = (char *)r.account;
		tmpl.partition = (char *)r.partition;
		tmpl.name = (char *)r.name;
		tmpl.state = (char *)r.state_name;
		tmpl.nodes = (char *)r.nodes;
		tmpl.tres_req = (char *)r.tres_req;
		tmpl.tres_alloc = (char *)r.tres_alloc;
		tmpl.work_dir = (char *)r.work_dir;
		tmpl.job_id = r.job_id;
		tmpl.user_id = r.uid;
		tmpl.group_id = r.gid;
		tmpl.state_code = r.state;
		tmpl.exit_status = r.exit_status;
		tmpl.derived_status = 0;
		tmpl.submit_time = r.submit_time;
		tmpl.eligible_time = r.eligible_time;
		tmpl.start_time = r.start_time;
		tmpl.end_time = r.end_time;
		tmpl.time_limit = r.time_limit;
		tmpl.node_count = r.node_cnt;
		tmpl.cpus = r.cpus;
		if (!(copy = fsched_writer_dup(w, &tmpl)))
			die("out of memory");
		if (fsched_writer_enqueue(w, copy) < 0)
			die("record %ld dropped: queue full", i);
	}
	t_enq = bench_now();
	if (!fsched_writer_flush(w, 600000))
		die("the writer did not flush in 600 s");
	t_end = bench_now();
	fsched_writer_get_stats(w, &st);
	/* Stop: writes counters.json. */
	fsched_writer_free(w);

	lines = bench_count_lines(journal, "jobcomp-");
	if (fsched_counters_init(&counters) < 0 ||
	    fsched_counters_read(state, &counters, &err) < 0)
		die("counters.json: %s", err.msg);

	printf("  enqueue: %.3f s (%.0f records/s)\n", t_enq - t0,
	       m / (t_enq - t0));
	printf("  durable: %.3f s end to end, %.0f records/s\n", t_end - t0,
	       m / (t_end - t0));
	printf("  written %lld, dropped %lld, duplicates %lld, write errors "
	       "%lld; journal %lld lines, counters.json %lld records\n",
	       (long long)st.written, (long long)st.dropped,
	       (long long)st.duplicates, (long long)st.write_errors, lines,
	       (long long)counters.records);
	if (st.written != m || st.dropped || st.duplicates || lines != m ||
	    counters.records != m) {
		fprintf(stderr, "bench_writer: FAILED: expected %ld records "
			"written, journalled and counted\n", m);
		rc = 1;
	}
	if (res) {
		fprintf(res, "writer.records %ld\n", m);
		fprintf(res, "writer.enqueue_rate %.0f\n", m / (t_enq - t0));
		fprintf(res, "writer.seconds %.3f\n", t_end - t0);
		fprintf(res, "writer.rate %.0f\n", m / (t_end - t0));
		fprintf(res, "writer.lines %lld\n", lines);
		fprintf(res, "writer.counters %lld\n",
			(long long)counters.records);
		fprintf(res, "writer.valid %d\n", rc == 0);
		fclose(res);
	}
	fsched_counters_free(&counters);
	free(journal);
	free(state);
	return rc;
}
