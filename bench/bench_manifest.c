/*
 * bench_manifest.c - the cost of one state manifest of
 * select/fsched_cons_tres with N jobs (default 100,000).
 *
 * What the plugin does at each state save and manifest timer tick
 * (plugins/select/fsched/select_guard.c, write_manifest()):
 *   1. under slurmctld's job read lock: list_count() and a walk of the job
 *      list for the highest job id (count_jobs());
 *   2. without any slurmctld lock: stat() of every Slurm state file
 *      (fsched_manifest_stat_files()) and the atomic write of
 *      manifest.json (temporary file, write, fsync, rename, fsync of the
 *      directory: fsched_manifest_write()).
 * This program does the same with Slurm's own List (libslurmfull) holding
 * N zeroed job_record_t of the real size, a StateSaveLocation with a
 * job_state file of realistic size (about 1.2 KB per job) and the state
 * directory in -d (put it on the disk to be measured).  The lock itself is
 * not taken: it is uncontended here and costs nanoseconds; step 1 is the
 * time the job read lock is held.
 *
 * Results: median and maximum of R runs of each step and of the whole, on
 * stdout and as "key value" lines in the -r file.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "slurm/slurm.h"
#include "src/common/list.h"
#include "src/slurmctld/slurmctld.h"

#include "fsched_err.h"
#include "fsched_manifest.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* What count_jobs() does, without the (uncontended) lock. */
static void walk(List jobs, int64_t *count, int64_t *last_id)
{
	ListIterator it = list_iterator_create(jobs);
	job_record_t *job;

	*count = list_count(jobs);
	*last_id = 0;
	while ((job = list_next(it)))
		if ((int64_t)job->job_id > *last_id)
			*last_id = job->job_id;
	list_iterator_destroy(it);
}

static int make_file(const char *dir, const char *name, off_t size)
{
	char path[8192];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0)
		return -1;
	if (ftruncate(fd, size) < 0) {
		close(fd);
		return -1;
	}
	return close(fd);
}

int main(int argc, char **argv)
{
	const char *dir = NULL, *results = NULL;
	long njobs = 100000, runs = 20;
	char ssl[2048], sdir[2048];
	double *t_walk, *t_stat, *t_write, *t_all;
	fsched_manifest_t m;
	fsched_err_t err;
	List jobs;
	int opt;
	FILE *rf;

	while ((opt = getopt(argc, argv, "d:n:R:r:")) != -1) {
		switch (opt) {
		case 'd': dir = optarg; break;
		case 'n': njobs = strtol(optarg, NULL, 10); break;
		case 'R': runs = strtol(optarg, NULL, 10); break;
		case 'r': results = optarg; break;
		default:
			fprintf(stderr, "usage: bench_manifest -d DIR [-n JOBS] [-R RUNS] [-r RESULTS]\n");
			return 2;
		}
	}
	if (!dir || njobs < 1 || runs < 1) {
		fprintf(stderr, "bench_manifest: -d DIR is required\n");
		return 2;
	}
	snprintf(ssl, sizeof(ssl), "%s/statesave", dir);
	snprintf(sdir, sizeof(sdir), "%s/statesave/fsched", dir);
	if ((mkdir(ssl, 0700) < 0 && errno != EEXIST) ||
	    (mkdir(sdir, 0755) < 0 && errno != EEXIST)) {
		perror("bench_manifest: mkdir");
		return 1;
	}
	for (int i = 0; fsched_state_file_names[i]; i++) {
		off_t size = !strcmp(fsched_state_file_names[i], "job_state") ?
			     (off_t)njobs * 1200 : 4096;

		if (make_file(ssl, fsched_state_file_names[i], size) < 0) {
			perror("bench_manifest: state file");
			return 1;
		}
	}

	jobs = list_create(free);
	for (long i = 0; i < njobs; i++) {
		job_record_t *job = calloc(1, sizeof(*job));

		if (!job) {
			fprintf(stderr, "bench_manifest: out of memory\n");
			return 1;
		}
		job->job_id = (uint32_t)(1000 + i);
		list_append(jobs, job);
	}

	t_walk = calloc((size_t)runs, sizeof(double));
	t_stat = calloc((size_t)runs, sizeof(double));
	t_write = calloc((size_t)runs, sizeof(double));
	t_all = calloc((size_t)runs, sizeof(double));
	if (!t_walk || !t_stat || !t_write || !t_all)
		return 1;
	for (long r = 0; r < runs; r++) {
		double t0, t1, t2, t3;

		memset(&m, 0, sizeof(m));
		snprintf(m.cluster_id, sizeof(m.cluster_id), "%032d", 0);
		snprintf(m.host, sizeof(m.host), "bench");
		snprintf(m.reason, sizeof(m.reason), "timer");
		t0 = now_ms();
		walk(jobs, &m.jobs, &m.last_job_id);
		t1 = now_ms();
		m.time = time(NULL);
		fsched_manifest_stat_files(ssl, &m);
		t2 = now_ms();
		if (fsched_manifest_write(sdir, &m, &err) < 0) {
			fprintf(stderr, "bench_manifest: %s\n", err.msg);
			return 1;
		}
		t3 = now_ms();
		t_walk[r] = t1 - t0;
		t_stat[r] = t2 - t1;
		t_write[r] = t3 - t2;
		t_all[r] = t3 - t0;
	}
	/* Correctness: what the manifest says is what is there. */
	if (fsched_manifest_read(sdir, &m, &err) < 0 || m.jobs != njobs ||
	    m.last_job_id != 1000 + njobs - 1 ||
	    !fsched_manifest_file(&m, "job_state") ||
	    fsched_manifest_file(&m, "job_state")->size != njobs * 1200) {
		fprintf(stderr, "bench_manifest: the manifest read back is wrong\n");
		return 1;
	}
	{
		double all_max = 0, walk_max = 0;
		double mw, ms, mwr, ma;

		for (long r = 0; r < runs; r++) {
			if (t_all[r] > all_max)
				all_max = t_all[r];
			if (t_walk[r] > walk_max)
				walk_max = t_walk[r];
		}
		mw = median(t_walk, (int)runs);
		ms = median(t_stat, (int)runs);
		mwr = median(t_write, (int)runs);
		ma = median(t_all, (int)runs);
		printf("%ld jobs, %ld runs (median / max ms):\n", njobs, runs);
		printf("  job list walk (job read lock held)  %8.3f / %8.3f\n",
		       mw, walk_max);
		printf("  stat of the state files (no lock)   %8.3f\n", ms);
		printf("  atomic write + fsync (no lock)      %8.3f\n", mwr);
		printf("  whole manifest                      %8.3f / %8.3f\n",
		       ma, all_max);
		if (results && (rf = fopen(results, "a"))) {
			fprintf(rf, "manifest.walk_ms %.3f\n", mw);
			fprintf(rf, "manifest.walk_max_ms %.3f\n", walk_max);
			fprintf(rf, "manifest.stat_ms %.3f\n", ms);
			fprintf(rf, "manifest.write_ms %.3f\n", mwr);
			fprintf(rf, "manifest.median_ms %.3f\n", ma);
			fprintf(rf, "manifest.valid 1\n");
			fclose(rf);
		}
	}
	FREE_NULL_LIST(jobs);
	return 0;
}
