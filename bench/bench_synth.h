/*
 * bench_synth.h - synthetic finished job runs for the fsched benchmarks.
 *
 * Every benchmark feeds the SAME synthetic runs to the plugins under test
 * (jobcomp/fsched and the stock jobcomp/filetxt) or to libfsched: run i is
 * a pure function of i and of its end time, so two harnesses (or two
 * plugins in one harness) see identical fields.  The values look like a
 * production cluster's: a few hundred job names and working directories,
 * node lists of 1 to 16 nodes out of 512, TRES strings, 85% COMPLETED and
 * the rest FAILED, CANCELLED or TIMEOUT.  Strings live in pools built once
 * by bench_synth_init() and are borrowed by the runs.  Every run belongs to
 * uid 0 and gid 0 (user "root"), which always resolve through NSS.
 */
#ifndef BENCH_SYNTH_H
#define BENCH_SYNTH_H

#include <stdint.h>
#include <time.h>

struct bench_run {
	uint32_t job_id;
	uint32_t uid, gid;
	const char *user;
	const char *name;
	const char *partition;
	const char *account;
	const char *nodes;
	const char *work_dir;
	const char *tres_req;
	const char *tres_alloc;
	uint32_t state;		/* Slurm's enum job_states (base state) */
	const char *state_name;	/* "COMPLETED", ... as Slurm prints it */
	uint32_t exit_status;	/* wait(2) status */
	uint32_t time_limit;	/* minutes */
	uint32_t node_cnt;
	uint32_t cpus;
	time_t submit_time;
	time_t eligible_time;
	time_t start_time;
	time_t end_time;
};

/* Build the string pools (once; exits on ENOMEM). */
void bench_synth_init(void);

/* Fill run for index i (job id first_id + i) ending at end. */
void bench_synth_run(struct bench_run *run, uint64_t i, uint32_t first_id,
		     time_t end);

/* Seconds on CLOCK_MONOTONIC. */
double bench_now(void);

/* Lines of every regular file in dir whose name starts with prefix. */
long long bench_count_lines(const char *dir, const char *prefix);

#endif /* BENCH_SYNTH_H */
