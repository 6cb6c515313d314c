/*
 * bench_jobcomp.c - jobcomp_p_log_record() of jobcomp/fsched against the
 * stock jobcomp/filetxt, both loaded in this one process.
 *
 * What it measures (mode "time", the default): the cost slurmctld pays in
 * jobcomp_g_write() for each finished job, i.e. the time jobcomp's context
 * mutex and slurmctld's job and node write locks are held.  N calls per
 * plugin on the same synthetic job records (bench_synth.h), wall ns per
 * call on CLOCK_MONOTONIC and CPU ns per call of the calling thread
 * (CLOCK_THREAD_CPUTIME_ID: perf counters are often unavailable in VMs).
 * filetxt formats a text line and write()s it to its file; fsched copies
 * the fields into one allocation and queues it, while its writer thread
 * journals the queue in the background (one write and one fsync per day
 * file and batch), as it does in slurmctld.
 *
 * How: Slurm's own configuration and plugin loader (libslurmfull).  The
 * harness writes a small slurm.conf (and fsched.conf next to it) in the
 * work directory, with PluginDir = the installed Slurm plugin directory
 * plus the build tree's plugins/jobcomp/fsched/.libs, calls
 * slurm_conf_init(), loads both plugins with plugin_context_create() and
 * calls jobcomp_p_set_location() on each, as slurmctld does.  It looks
 * like slurmctld to them: its log name is "slurmctld" (slurm_prog_name,
 * which running_in_slurmctld() compares, comes from log_init()), and it
 * defines control_time (non-zero: this is the active controller) and
 * backup_inx, which jobcomp/fsched reads through weak references.  The
 * select plugin filetxt asks for its job info string is loaded first.
 *
 * The calls go in batches of 1024 job records filled beforehand
 * (untimed); each batch is timed as a whole.  After a warm-up:
 *  - burst (the figure compared with the target): N calls per plugin in
 *    10 rounds alternating the two plugins (and which goes first), so that
 *    drift of the machine hits both alike; the ratio is the median of the
 *    per-round ratios;
 *  - paced: up to 50 rounds of one batch per plugin with a 20 ms pause
 *    after each, so that fsched's writer has emptied its queue.
 * Then jobcomp/fsched is unloaded (its fini() writes what is still
 * queued) and the harness checks that no record was lost: the journal and
 * counters.json hold every record, filetxt's file every line, and every
 * call returned SLURM_SUCCESS.
 *
 * Mode "generate" (-g): log N runs whose end times are spread evenly over
 * the D days before today (UTC) through both plugins, for the sacct -c
 * benchmark; same checks.
 *
 * Results go to stdout and, as "key value" lines, to the -r file.
 */
#include "config.h"

#include "src/common/slurm_xlator.h"	/* first: error() is slurm_error() */

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

#include "slurm/slurm.h"
#include "slurm/slurm_errno.h"

#include "src/common/log.h"
#include "src/common/plugin.h"
#include "src/common/read_config.h"
#include "src/common/select.h"
#include "src/common/xmalloc.h"
#include "src/common/xstring.h"
#include "src/slurmctld/slurmctld.h"

#include "bench_synth.h"

/* Read by jobcomp/fsched through weak references (slurmctld's globals). */
time_t control_time;
int backup_inx;

#define BATCH 1024
#define FIRST_JOB_ID 1000000
#define ROUNDS 10		/* burst: rounds of calls per plugin */
#define PACED_BATCHES 50	/* paced: rounds of one batch, at most */
#define PACED_PAUSE 20000	/* paced: us after each batch */
#define ROUNDS_MAX PACED_BATCHES	/* >= ROUNDS */

struct jobcomp_ops {
	int (*set_location)(char *loc);
	int (*log_record)(job_record_t *job);
	List (*get_jobs)(slurmdb_job_cond_t *cond);
};

static const char *syms[] = {
	"jobcomp_p_set_location",
	"jobcomp_p_log_record",
	"jobcomp_p_get_jobs",
};

struct timing {
	long calls;
	double wall, cpu;	/* seconds in the timed calls */
	double *batch_ns;	/* ns per call of each timed batch */
	size_t nbatch, maxbatch;
	double round_ns[ROUNDS_MAX];	/* ns per call of each round */
};

struct plugin {
	const char *type;
	char *loc;
	plugin_context_t *ctx;
	struct jobcomp_ops ops;
	long long errors;
	struct timing burst;	/* back to back */
	struct timing paced;	/* a pause after each batch */
};

static struct {
	long calls;
	int days;
	bool generate;
	bool verbose;
	const char *workdir;
	const char *plugindir;
	const char *results;
} opt = { .calls = 200000, .days = 30 };

static FILE *results;

static void result(const char *key, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void result(const char *key, const char *fmt, ...)
{
	va_list ap;

	if (!results)
		return;
	fprintf(results, "%s ", key);
	va_start(ap, fmt);
	vfprintf(results, fmt, ap);
	va_end(ap);
	fputc('\n', results);
}

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("bench_jobcomp: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static double thread_cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static char *path_in(const char *dir, const char *name)
{
	char *p = NULL;

	xstrfmtcat(p, "%s/%s", dir, name);
	return p;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) == EOF || fclose(f) == EOF)
		die("%s: %s", path, strerror(errno));
}

/* slurm.conf and fsched.conf in the work directory; returns slurm.conf. */
static char *write_config(long records)
{
	char *conf = path_in(opt.workdir, "slurm.conf");
	char *fconf = path_in(opt.workdir, "fsched.conf");
	char *state = path_in(opt.workdir, "state");
	char *fstate = path_in(opt.workdir, "state/fsched");
	char *text = NULL;
	/* Room for every record: none may be dropped. */
	long queue = records + 1000;

	/*
	 * The fsched state directory: fsched-hook primary-on or
	 * select/fsched_cons_tres create it before jobcomp/fsched runs.
	 */
	if ((mkdir(state, 0700) < 0 && errno != EEXIST) ||
	    (mkdir(fstate, 0755) < 0 && errno != EEXIST))
		die("%s: %s", fstate, strerror(errno));
	xstrfmtcat(text,
		   "# bench_jobcomp: generated\n"
		   "ClusterName=bench\n"
		   "SlurmctldHost=benchctl\n"
		   "PluginDir=%s\n"
		   "StateSaveLocation=%s\n"
		   "SlurmdSpoolDir=%s/spool\n"
		   "SlurmctldPidFile=%s/slurmctld.pid\n"
		   "AuthType=auth/none\n"
		   "SelectType=select/cons_tres\n"
		   "JobCompType=jobcomp/fsched\n"
		   "JobCompLoc=%s/journal\n"
		   "NodeName=n[001-512] CPUs=64 State=UNKNOWN\n"
		   "PartitionName=batch Nodes=ALL Default=YES\n",
		   opt.plugindir, state, opt.workdir, opt.workdir,
		   opt.workdir);
	write_file(conf, text);
	xfree(text);
	xstrfmtcat(text, "# bench_jobcomp: generated\nJournalMaxQueue=%ld\n",
		   queue);
	write_file(fconf, text);
	xfree(text);
	xfree(fconf);
	xfree(fstate);
	xfree(state);
	return conf;
}

static void load(struct plugin *p)
{
	p->ctx = plugin_context_create("jobcomp", p->type, (void **)&p->ops,
				       syms, sizeof(syms));
	if (!p->ctx)
		die("cannot load %s from PluginDir=%s", p->type,
		    opt.plugindir);
	if (p->ops.set_location(p->loc) != SLURM_SUCCESS)
		die("%s: set_location(%s) failed", p->type, p->loc);
}

/* Pool of job records, refilled for each batch. */
static job_record_t jobs[BATCH];
static struct job_details details[BATCH];

static void fill(job_record_t *job, struct job_details *d,
		 const struct bench_run *r)
{
	memset(job, 0, sizeof(*job));
	memset(d, 0, sizeof(*d));
	job->magic = JOB_MAGIC;
	job->details = d;
	job->job_id = r->job_id;
	job->array_task_id = NO_VAL;
	job->user_id = r->uid;
	job->group_id = r->gid;
	job->user_name = (char *)r->user;
	job->name = (char *)r->name;
	job->partition = (char *)r->partition;
	job->account = (char *)r->account;
	job->nodes = (char *)r->nodes;
	job->tres_fmt_req_str = (char *)r->tres_req;
	job->tres_fmt_alloc_str = (char *)r->tres_alloc;
	/* As in job_completion_logger(): still COMPLETING. */
	job->job_state = r->state | JOB_COMPLETING;
	job->exit_code = r->exit_status;
	job->derived_ec = 0;
	job->time_limit = r->time_limit;
	job->node_cnt = r->node_cnt;
	job->total_nodes = r->node_cnt;
	job->total_cpus = r->cpus;
	job->cpu_cnt = r->cpus;
	job->start_time = r->start_time;
	job->end_time = r->end_time;
	d->submit_time = r->submit_time;
	d->begin_time = r->eligible_time;
	d->work_dir = (char *)r->work_dir;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void timing_init(struct timing *t, long calls)
{
	t->maxbatch = (size_t)(calls / BATCH + 2);
	t->batch_ns = xcalloc(t->maxbatch, sizeof(double));
}

static double median_batch(struct timing *t)
{
	if (!t->nbatch)
		return 0;
	qsort(t->batch_ns, t->nbatch, sizeof(double), cmp_double);
	return t->batch_ns[t->nbatch / 2];
}

/*
 * Call p's log_record on runs first .. first + count - 1 (run i ends at
 * base + i * step), in batches; time them into t (NULL: untimed) and
 * sleep pause_us after each batch.
 */
static void run_calls(struct plugin *p, uint64_t first, long count,
		      time_t base, double step, struct timing *t,
		      useconds_t pause_us)
{
	long done = 0;

	while (done < count) {
		long n = (count - done < BATCH) ? count - done : BATCH;
		double w0, c0, w1, c1;

		for (long j = 0; j < n; j++) {
			struct bench_run r;
			uint64_t i = first + (uint64_t)(done + j);

			bench_synth_run(&r, i, FIRST_JOB_ID,
					base + (time_t)(step * (double)i));
			fill(&jobs[j], &details[j], &r);
		}
		w0 = bench_now();
		c0 = thread_cpu();
		for (long j = 0; j < n; j++)
			if (p->ops.log_record(&jobs[j]) != SLURM_SUCCESS)
				p->errors++;
		c1 = thread_cpu();
		w1 = bench_now();
		if (t) {
			t->calls += n;
			t->wall += w1 - w0;
			t->cpu += c1 - c0;
			if (t->nbatch < t->maxbatch)
				t->batch_ns[t->nbatch++] =
					(w1 - w0) * 1e9 / (double)n;
		}
		if (pause_us)
			usleep(pause_us);
		done += n;
	}
}

/* counters.json "records", or -1. */
static long long counters_records(const char *state_dir)
{
	char *path = path_in(state_dir, "fsched/counters.json");
	char buf[1 << 16], *p;
	FILE *f = fopen(path, "r");
	size_t n;

	xfree(path);
	if (!f)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	if (!(p = strstr(buf, "\"records\"")) || !(p = strchr(p, ':')))
		return -1;
	return strtoll(p + 1, NULL, 10);
}

static void usage(void)
{
	fprintf(stderr,
"Usage: bench_jobcomp -w WORKDIR -p PLUGINDIRS [-n CALLS] [-g [-d DAYS]]\n"
"                     [-r RESULTS] [-v]\n"
"  -w  empty work directory (slurm.conf, state, journal, filetxt log)\n"
"  -p  PluginDir: installed Slurm plugins and the build's jobcomp/fsched\n"
"  -n  log_record calls per plugin (default 200000)\n"
"  -g  generate mode: runs spread over the DAYS days before today (UTC)\n"
"  -r  append \"key value\" result lines to RESULTS\n"
"  -v  Slurm log messages up to info\n");
	exit(2);
}

/*
 * Time round r of both plugins: `count` calls each from run `first`, the
 * order alternating between rounds so that drift hits both alike.
 */
static void round_both(struct plugin *ft, struct plugin *fs, bool paced,
		       int r, uint64_t first, long count, time_t base,
		       double step)
{
	struct plugin *order[2] = { ft, fs };

	if (r % 2) {
		order[0] = fs;
		order[1] = ft;
	}
	for (int k = 0; k < 2; k++) {
		struct plugin *p = order[k];
		struct timing *t = paced ? &p->paced : &p->burst;
		double before = t->wall;

		run_calls(p, first, count, base, step, t,
			  paced ? PACED_PAUSE : 0);
		t->round_ns[r] = (t->wall - before) * 1e9 / (double)count;
	}
}

static void report(const char *what, struct plugin *ft, struct plugin *fs,
		   struct timing *a, struct timing *b, int rounds)
{
	double ratios[ROUNDS_MAX], med_ratio;
	double a_ns = a->wall * 1e9 / (double)a->calls;
	double b_ns = b->wall * 1e9 / (double)b->calls;
	double a_cpu = a->cpu * 1e9 / (double)a->calls;
	double b_cpu = b->cpu * 1e9 / (double)b->calls;
	double a_med = median_batch(a), b_med = median_batch(b);
	char key[64];

	for (int r = 0; r < rounds; r++)
		ratios[r] = b->round_ns[r] / a->round_ns[r];
	qsort(ratios, (size_t)rounds, sizeof(double), cmp_double);
	med_ratio = ratios[rounds / 2];
	printf("  %s: %ld calls per plugin in %d interleaved rounds\n", what,
	       a->calls, rounds);
	printf("    %-16s %12s %14s %12s\n", "plugin", "wall ns/call",
	       "median batch", "cpu ns/call");
	printf("    %-16s %12.0f %14.0f %12.0f\n", ft->type, a_ns, a_med,
	       a_cpu);
	printf("    %-16s %12.0f %14.0f %12.0f\n", fs->type, b_ns, b_med,
	       b_cpu);
	printf("    ratio fsched/filetxt: median of the rounds %.3f "
	       "(%.3f .. %.3f); overall wall %.3f, cpu %.3f\n",
	       med_ratio, ratios[0], ratios[rounds - 1], b_ns / a_ns,
	       b_cpu / a_cpu);
#define KEY(k) (snprintf(key, sizeof(key), "jobcomp.%s.%s", what, k), key)
	result(KEY("calls"), "%ld", a->calls);
	result(KEY("filetxt_ns"), "%.1f", a_ns);
	result(KEY("fsched_ns"), "%.1f", b_ns);
	result(KEY("filetxt_median_ns"), "%.1f", a_med);
	result(KEY("fsched_median_ns"), "%.1f", b_med);
	result(KEY("filetxt_cpu_ns"), "%.1f", a_cpu);
	result(KEY("fsched_cpu_ns"), "%.1f", b_cpu);
	result(KEY("ratio"), "%.4f", med_ratio);
	result(KEY("ratio_min"), "%.4f", ratios[0]);
	result(KEY("ratio_max"), "%.4f", ratios[rounds - 1]);
	result(KEY("mean_ratio"), "%.4f", b_ns / a_ns);
	result(KEY("cpu_ratio"), "%.4f", b_cpu / a_cpu);
#undef KEY
}

int main(int argc, char **argv)
{
	log_options_t lopts = LOG_OPTS_STDERR_ONLY;
	struct plugin ft = { .type = "jobcomp/filetxt" };
	struct plugin fs = { .type = "jobcomp/fsched" };
	char *conf, *state, *journal;
	long long ft_lines, fs_lines, fs_counted;
	long warmup = 0, total;
	int paced_rounds = 0;
	time_t base;
	double step, t0, drain;
	int c, rc = 0;

	while ((c = getopt(argc, argv, "w:p:n:gd:r:v")) != -1) {
		switch (c) {
		case 'w':
			opt.workdir = optarg;
			break;
		case 'p':
			opt.plugindir = optarg;
			break;
		case 'n':
			opt.calls = atol(optarg);
			break;
		case 'g':
			opt.generate = true;
			break;
		case 'd':
			opt.days = atoi(optarg);
			break;
		case 'r':
			opt.results = optarg;
			break;
		case 'v':
			opt.verbose = true;
			break;
		default:
			usage();
		}
	}
	if (!opt.workdir || !opt.plugindir || opt.calls < 1 || opt.days < 1)
		usage();
	if (opt.results && !(results = fopen(opt.results, "a")))
		die("%s: %s", opt.results, strerror(errno));
	setvbuf(stdout, NULL, _IOLBF, 0);

	/* Look like slurmctld, the active controller. */
	lopts.stderr_level = opt.verbose ? LOG_LEVEL_INFO : LOG_LEVEL_ERROR;
	log_init("slurmctld", lopts, 0, NULL);
	control_time = time(NULL);
	backup_inx = 0;

	if (!opt.generate) {
		/* Whole rounds of whole batches. */
		opt.calls = (opt.calls + ROUNDS * BATCH - 1) /
			    (ROUNDS * BATCH) * (ROUNDS * BATCH);
		warmup = opt.calls / 20 > BATCH ? opt.calls / 20 : BATCH;
		paced_rounds = (int)(opt.calls / 4 / BATCH);
		if (paced_rounds > PACED_BATCHES)
			paced_rounds = PACED_BATCHES;
	}
	total = warmup + opt.calls + (long)paced_rounds * BATCH;
	conf = write_config(total);
	if (slurm_conf_init(conf) != SLURM_SUCCESS)
		die("slurm_conf_init(%s) failed", conf);
	/* filetxt prints the select plugin's job info: load it now. */
	if (select_g_init(true) != SLURM_SUCCESS)
		die("select_g_init failed");

	state = path_in(opt.workdir, "state");
	journal = path_in(opt.workdir, "journal");
	ft.loc = path_in(opt.workdir, "filetxt.log");
	fs.loc = xstrdup(journal);
	load(&ft);
	load(&fs);

	bench_synth_init();
	if (opt.generate) {
		time_t midnight = time(NULL) / 86400 * 86400;

		base = midnight - (time_t)opt.days * 86400;
		step = (double)opt.days * 86400 / (double)total;
	} else {
		/* Runs that ended over the last hour. */
		base = time(NULL) - 3600;
		step = 3600.0 / (double)total;
	}
	timing_init(&ft.burst, total);
	timing_init(&fs.burst, total);
	timing_init(&ft.paced, (long)paced_rounds * BATCH);
	timing_init(&fs.paced, (long)paced_rounds * BATCH);

	printf("jobcomp: both plugins loaded in pid %d, %ld records each\n",
	       (int)getpid(), total);
	t0 = bench_now();
	if (opt.generate) {
		/* Interleaved, so that both see the runs in end order. */
		for (long done = 0; done < total; done += BATCH) {
			long n = total - done < BATCH ? total - done : BATCH;

			run_calls(&ft, (uint64_t)done, n, base, step, NULL, 0);
			run_calls(&fs, (uint64_t)done, n, base, step, NULL, 0);
		}
	} else {
		/* The same runs for both. */
		uint64_t next = (uint64_t)warmup;
		long per = opt.calls / ROUNDS;

		run_calls(&ft, 0, warmup, base, step, NULL, 0);
		run_calls(&fs, 0, warmup, base, step, NULL, 0);
		for (int r = 0; r < ROUNDS; r++, next += (uint64_t)per)
			round_both(&ft, &fs, false, r, next, per, base, step);
		for (int r = 0; r < paced_rounds; r++, next += BATCH)
			round_both(&ft, &fs, true, r, next, BATCH, base, step);
	}

	/* fini() of jobcomp/fsched writes what is still queued. */
	t0 = bench_now() - t0;
	drain = bench_now();
	plugin_context_destroy(fs.ctx);
	drain = bench_now() - drain;
	plugin_context_destroy(ft.ctx);

	ft_lines = bench_count_lines(opt.workdir, "filetxt.log");
	fs_lines = bench_count_lines(journal, "jobcomp-");
	fs_counted = counters_records(state);

	if (opt.generate) {
		printf("  generated over %d days in %.1f s\n", opt.days, t0);
	} else {
		report("burst", &ft, &fs, &ft.burst, &fs.burst, ROUNDS);
		report("paced", &ft, &fs, &ft.paced, &fs.paced, paced_rounds);
	}
	printf("  fsched: queue journalled %.3f s after the last call\n",
	       drain);
	printf("  records: filetxt file %lld lines, fsched journal %lld "
	       "lines, counters.json %lld; errors: filetxt %lld, fsched %lld\n",
	       ft_lines, fs_lines, fs_counted, ft.errors, fs.errors);
	result("jobcomp.drain_s", "%.3f", drain);
	result("jobcomp.records", "%ld", total);
	result("jobcomp.filetxt_lines", "%lld", ft_lines);
	result("jobcomp.fsched_lines", "%lld", fs_lines);
	result("jobcomp.fsched_counters", "%lld", fs_counted);
	if (ft.errors || fs.errors || ft_lines != total || fs_lines != total ||
	    fs_counted != total) {
		fprintf(stderr, "bench_jobcomp: FAILED: expected %ld "
			"records in each log, no errors\n", total);
		rc = 1;
	}
	result("jobcomp.valid", "%d", rc == 0);
	if (results)
		fclose(results);
	xfree(ft.burst.batch_ns);
	xfree(fs.burst.batch_ns);
	xfree(ft.paced.batch_ns);
	xfree(fs.paced.batch_ns);
	xfree(ft.loc);
	xfree(fs.loc);
	xfree(journal);
	xfree(state);
	xfree(conf);
	return rc;
}
