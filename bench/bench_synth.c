/*
 * bench_synth.c - synthetic finished job runs for the fsched benchmarks
 * (see bench_synth.h), and two small helpers the harnesses share.
 *
 * Run i draws its fields from a splitmix64 stream seeded with i: no state,
 * so any harness regenerates exactly the same run for the same i.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <slurm/slurm.h>

#include "bench_synth.h"

#define POOL 512		/* strings per pool */
#define NODES_TOTAL 512		/* n001 .. n512 */
#define CPUS_PER_NODE 64

static char *names[POOL];
static char *work_dirs[POOL];
static char *accounts[32];
static const char *const partitions[] = { "batch", "debug", "gpu", "long" };

static char *xasprintf(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int rc;

	va_start(ap, fmt);
	rc = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (rc < 0) {
		perror("bench_synth");
		exit(2);
	}
	return s;
}

/* Node lists and TRES strings depend on the node count and first node. */
static char *node_lists[NODES_TOTAL][17];
static char *tres[17];

void bench_synth_init(void)
{
	static const char *const kinds[] = {
		"md_run", "train", "cfd_solve", "align", "render", "post",
		"sweep", "bench"
	};

	if (names[0])
		return;
	for (int i = 0; i < POOL; i++) {
		names[i] = xasprintf("%s_%03d", kinds[i % 8], i);
		work_dirs[i] = xasprintf("/home/user%03d/p%02d/run%04d",
					 i % 97, i % 13, i);
	}
	for (int i = 0; i < 32; i++)
		accounts[i] = xasprintf("proj%04d", 1000 + i * 7);
	for (int n = 1; n <= 16; n++) {
		tres[n] = xasprintf("cpu=%d,mem=%dG,node=%d,billing=%d",
				    n * CPUS_PER_NODE, n * 256, n,
				    n * CPUS_PER_NODE);
		for (int f = 0; f + n <= NODES_TOTAL; f++) {
			if (n == 1)
				node_lists[f][n] = xasprintf("n%03d", f + 1);
			else
				node_lists[f][n] = xasprintf("n[%03d-%03d]",
							     f + 1, f + n);
		}
	}
}

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void bench_synth_run(struct bench_run *r, uint64_t i, uint32_t first_id,
		     time_t end)
{
	uint64_t seed = i, a = splitmix64(&seed), b = splitmix64(&seed);
	uint32_t nodes = 1u << (a % 5);		/* 1, 2, 4, 8, 16 */
	uint32_t first = (uint32_t)(b % (NODES_TOTAL - nodes + 1));
	uint32_t pct = (uint32_t)((a >> 8) % 100);
	uint32_t limit = 30u * (1 + (uint32_t)((a >> 16) % 96));
	uint32_t run_s = 1 + (uint32_t)((b >> 16) % (limit * 60u));
	uint32_t wait_s = (uint32_t)((b >> 40) % 7200);

	memset(r, 0, sizeof(*r));
	r->job_id = first_id + (uint32_t)i;
	r->uid = 0;
	r->gid = 0;
	r->user = "root";
	r->name = names[(a >> 24) % POOL];
	r->work_dir = work_dirs[(a >> 33) % POOL];
	r->partition = partitions[(b >> 8) % 4];
	r->account = accounts[(a >> 42) % 32];
	r->nodes = node_lists[first][nodes];
	r->tres_req = tres[nodes];
	r->tres_alloc = tres[nodes];
	r->node_cnt = nodes;
	r->cpus = nodes * CPUS_PER_NODE;
	r->time_limit = limit;
	if (pct < 85) {
		r->state = JOB_COMPLETE;
		r->state_name = "COMPLETED";
	} else if (pct < 93) {
		r->state = JOB_FAILED;
		r->state_name = "FAILED";
		r->exit_status = 1 << 8;	/* exit(1) */
	} else if (pct < 97) {
		r->state = JOB_CANCELLED;
		r->state_name = "CANCELLED";
		r->exit_status = 15;		/* SIGTERM */
	} else {
		r->state = JOB_TIMEOUT;
		r->state_name = "TIMEOUT";
		run_s = limit * 60u;
	}
	r->end_time = end;
	r->start_time = end - run_s;
	r->eligible_time = r->start_time - wait_s;
	r->submit_time = r->eligible_time;
}

double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long long count_fd(int fd)
{
	static char buf[1 << 16];
	long long lines = 0;
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		for (char *p = buf; (p = memchr(p, '\n', buf + n - p)); p++)
			lines++;
	return n < 0 ? -1 : lines;
}

long long bench_count_lines(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	long long total = 0;

	if (!d)
		return errno == ENOENT ? 0 : -1;
	while ((e = readdir(d))) {
		long long n;
		int fd;

		if (strncmp(e->d_name, prefix, strlen(prefix)) ||
		    (fd = openat(dirfd(d), e->d_name, O_RDONLY)) < 0)
			continue;
		n = count_fd(fd);
		close(fd);
		if (n < 0) {
			total = -1;
			break;
		}
		total += n;
	}
	closedir(d);
	return total;
}
