/*
 * hook_sitehooks.c - run the site's own hooks (HookDir) in run-parts
 * order.
 *
 * Each hook is executed directly with execve() (no shell) as
 * "HOOK ROLE", with the caller's environment plus FSCHED_* variables, in
 * its own process group, bounded by HookTimeout: after the timeout the
 * group gets SIGTERM, then SIGKILL two seconds later.  Names follow
 * run-parts(8): letters, digits, '_' and '-' only (so editor backups and
 * dpkg leftovers are ignored).  A hook, or the directory, that is writable
 * by group or others, or owned by someone other than root or the user we
 * run as, is refused: it would let others run code as SlurmUser.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fsched_log.h"
#include "hook.h"

extern char **environ;

#define KILL_GRACE_MS 2000

static bool valid_name(const char *name)
{
	if (!name[0])
		return false;
	for (const char *p = name; *p; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
			return false;
	}
	return true;
}

/* Refuse files and directories others could change. */
static bool trusted(const struct stat *st, const char *path)
{
	if (st->st_mode & (S_IWGRP | S_IWOTH)) {
		hook_err("site hook %s is writable by group or others: refused (chmod go-w)",
			 path);
		return false;
	}
	if (st->st_uid != 0 && st->st_uid != geteuid()) {
		hook_err("site hook %s is owned by uid %u, not root or uid %u: refused",
			 path, (unsigned)st->st_uid, (unsigned)geteuid());
		return false;
	}
	return true;
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 +
	       (t.tv_nsec - t0->tv_nsec) / 1000000;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Wait for pid until deadline_ms; 1 if it exited (status set), else 0. */
static int wait_until(pid_t pid, const struct timespec *t0, long deadline_ms,
		      int *status)
{
	for (;;) {
		pid_t r = waitpid(pid, status, WNOHANG);

		if (r == pid)
			return 1;
		if (r < 0 && errno != EINTR)
			return 1;	/* not our child any more */
		if (ms_since(t0) >= deadline_ms)
			return 0;
		sleep_ms(10);
	}
}

/* Environment: ours plus extra ("K=V"), extra wins.  Caller frees array. */
static char **build_env(char **extra)
{
	size_t n = 0, m = 0, k = 0;
	char **env;

	while (environ[n])
		n++;
	while (extra[m])
		m++;
	if (!(env = calloc(n + m + 1, sizeof(*env))))
		return NULL;
	for (size_t i = 0; i < n; i++) {
		const char *eq = strchr(environ[i], '=');
		bool overridden = false;

		for (size_t j = 0; eq && j < m; j++) {
			size_t klen = (size_t)(eq - environ[i]) + 1;

			if (!strncmp(environ[i], extra[j], klen))
				overridden = true;
		}
		if (!overridden)
			env[k++] = environ[i];
	}
	for (size_t j = 0; j < m; j++)
		env[k++] = extra[j];
	env[k] = NULL;
	return env;
}

static int run_one(const char *path, const char *role, char **env,
		   long timeout)
{
	char *argv[] = { (char *)path, (char *)role, NULL };
	struct timespec t0;
	int status = 0;
	pid_t pid;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0) {
		hook_err("site hook %s: fork: %s", path, strerror(errno));
		return -1;
	}
	if (pid == 0) {
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		setpgid(0, 0);
		execve(path, argv, env);
		_exit(127);
	}
	setpgid(pid, pid);	/* also here: no race with kill(-pid) */
	if (!wait_until(pid, &t0, timeout * 1000, &status)) {
		hook_err("site hook %s exceeded HookTimeout=%ld s: terminating it",
			 path, timeout);
		kill(-pid, SIGTERM);
		if (!wait_until(pid, &t0, timeout * 1000 + KILL_GRACE_MS,
				&status)) {
			kill(-pid, SIGKILL);
			waitpid(pid, &status, 0);
		}
		/* Whatever the hook left in its group goes too. */
		kill(-pid, SIGKILL);
		return -1;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		fsched_info("site hook %s %s: ok (%ld ms)", path, role,
			    ms_since(&t0));
		return 0;
	}
	if (WIFEXITED(status))
		hook_err("site hook %s %s: exit status %d", path, role,
			 WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		hook_err("site hook %s %s: killed by signal %d", path, role,
			 WTERMSIG(status));
	return -1;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int hook_run_site_hooks(const char *dir, const char *role, char **extra,
			long timeout)
{
	char **names = NULL, **env = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	struct stat st;
	int failed = 0;
	DIR *d;

	if (stat(dir, &st) < 0) {
		if (errno != ENOENT)
			hook_err("HookDir %s: %s", dir, strerror(errno));
		return errno == ENOENT ? 0 : 1;
	}
	if (!S_ISDIR(st.st_mode)) {
		hook_err("HookDir %s is not a directory", dir);
		return 1;
	}
	if (!trusted(&st, dir))
		return 1;
	if (!(d = opendir(dir))) {
		hook_err("HookDir %s: %s", dir, strerror(errno));
		return 1;
	}
	while ((de = readdir(d))) {
		if (!valid_name(de->d_name))
			continue;
		if (n == cap) {
			char **nn = realloc(names, (cap = cap ? cap * 2 : 16) *
						   sizeof(*names));
			if (!nn)
				break;
			names = nn;
		}
		if (!(names[n] = strdup(de->d_name)))
			break;
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_names);
	if (n && !(env = build_env(extra))) {
		hook_err("site hooks: out of memory");
		failed = 1;
	}
	for (size_t i = 0; env && i < n; i++) {
		char *path;

		if (asprintf(&path, "%s/%s", dir, names[i]) < 0) {
			failed++;
			continue;
		}
		/* lstat: a symlink is not run (its target is not checked). */
		if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode) ||
		    !(st.st_mode & S_IXUSR)) {
			free(path);
			continue;
		}
		if (!trusted(&st, path) ||
		    run_one(path, role, env, timeout) < 0)
			failed++;
		free(path);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(env);
	return failed;
}
