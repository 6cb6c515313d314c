/*
 * bench_exec.c - wall time of a command, exec to exit, over many runs.
 *
 * What it measures: for each run, CLOCK_MONOTONIC from just before
 * posix_spawn() to the return of waitpid(): process creation, dynamic
 * loading, the command's work and its exit, as its caller (slurmctld, a
 * shell) waits for it.  It prints and records min, median, p90 and max.
 *
 * How: the command runs RUNS times after WARMUP untimed runs, with stdout
 * to OUT (truncated at each run, so it holds the last run's output) or to
 * /dev/null, and stderr inherited.  With -e VAR=V1,V2,... run i gets
 * VAR=V[i mod n] in its environment (e.g. FSCHED_HOSTNAME alternating
 * between two controllers, so that every fsched-primary-on run is a
 * takeover).  Any run that does not exit 0 fails the benchmark.
 *
 * Results go to stdout and, as "KEY.stat value" lines (milliseconds), to
 * the -r file.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define VALUES_MAX 16

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void usage(void)
{
	fprintf(stderr,
"Usage: bench_exec [-n RUNS] [-w WARMUP] [-o OUT] [-e VAR=V1,V2,...]\n"
"                  [-r RESULTS -k KEY] -- COMMAND [ARGS...]\n");
	exit(2);
}

/* environ with name=value replacing any name=...; NULL-terminated. */
static char **make_env(const char *name, const char *value)
{
	size_t n = 0, len = strlen(name), k = 0;
	char **env;

	while (environ[n])
		n++;
	if (!(env = calloc(n + 2, sizeof(*env))))
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], name, len) || environ[i][len] != '=')
			env[k++] = environ[i];
	if (asprintf(&env[k], "%s=%s", name, value) < 0)
		return NULL;
	return env;
}

/* One run: seconds, or -1 if it could not run or did not exit 0. */
static double run_once(char **argv, char **env, const char *out)
{
	posix_spawn_file_actions_t fa;
	double t0, t1;
	pid_t pid;
	int status, rc;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO,
					 out ? out : "/dev/null",
					 O_WRONLY | O_CREAT | O_TRUNC, 0644);
	t0 = now();
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, env);
	if (rc == 0) {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	t1 = now();
	posix_spawn_file_actions_destroy(&fa);
	if (rc) {
		fprintf(stderr, "bench_exec: %s: %s\n", argv[0], strerror(rc));
		return -1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "bench_exec: %s: exit status 0x%x\n", argv[0],
			status);
		return -1;
	}
	return t1 - t0;
}

int main(int argc, char **argv)
{
	const char *out = NULL, *results = NULL, *key = "exec";
	char *var = NULL, *values[VALUES_MAX];
	char **envs[VALUES_MAX];
	int runs = 10, warmup = 1, nvalues = 0, c;
	double *t, median;
	FILE *res;

	while ((c = getopt(argc, argv, "+n:w:o:e:r:k:")) != -1) {
		switch (c) {
		case 'n':
			runs = atoi(optarg);
			break;
		case 'w':
			warmup = atoi(optarg);
			break;
		case 'o':
			out = optarg;
			break;
		case 'e':
			var = optarg;
			break;
		case 'r':
			results = optarg;
			break;
		case 'k':
			key = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind >= argc || runs < 1 || warmup < 0)
		usage();
	argv += optind;

	if (var) {
		char *eq = strchr(var, '='), *save = NULL, *v;

		if (!eq)
			usage();
		*eq = '\0';
		for (v = strtok_r(eq + 1, ",", &save); v;
		     v = strtok_r(NULL, ",", &save))
			if (nvalues < VALUES_MAX)
				values[nvalues++] = v;
		if (!nvalues)
			usage();
		for (int i = 0; i < nvalues; i++)
			if (!(envs[i] = make_env(var, values[i]))) {
				perror("bench_exec");
				return 1;
			}
	} else {
		nvalues = 1;
		envs[0] = environ;
	}

	if (!(t = calloc((size_t)runs, sizeof(*t)))) {
		perror("bench_exec");
		return 1;
	}
	for (int i = 0; i < warmup + runs; i++) {
		double s = run_once(argv, envs[i % nvalues], out);

		if (s < 0)
			return 1;
		if (i >= warmup)
			t[i - warmup] = s * 1e3;
	}
	qsort(t, (size_t)runs, sizeof(*t), cmp_double);
	median = (runs % 2) ? t[runs / 2] :
			      (t[runs / 2 - 1] + t[runs / 2]) / 2;
#define P90 t[(runs * 9 + 9) / 10 - 1]	/* nearest rank */
	printf("%s: %d runs: min %.2f ms, median %.2f ms, p90 %.2f ms, "
	       "max %.2f ms\n", key, runs, t[0], median, P90, t[runs - 1]);
	if (results) {
		if (!(res = fopen(results, "a"))) {
			perror(results);
			return 1;
		}
		fprintf(res, "%s.runs %d\n%s.min_ms %.3f\n%s.median_ms %.3f\n",
			key, runs, key, t[0], key, median);
		fprintf(res, "%s.p90_ms %.3f\n%s.max_ms %.3f\n", key, P90, key,
			t[runs - 1]);
		fclose(res);
	}
#undef P90
	free(t);
	return 0;
}
