/*
 * select_reexec.c - mitigation of Slurm bug 16669 (fixed in 23.02.3):
 * replace a standby slurmctld that has been the primary with a fresh one.
 *
 * job_scheduler.c keeps the main scheduler thread's id in a static that
 * is never reset.  A slurmctld process that was primary, handed control
 * back and takes over again therefore never restarts its main scheduler,
 * and handing back a second time can hang in pthread_join() on the stale
 * id.  A plugin cannot reach that static; but only a process that has
 * been primary once is affected, so such a process is replaced by a fresh
 * one while it is a mere standby: it re-executes itself.
 *
 * Why here: 22.05 loads every select plugin into slurmctld at start, after
 * it daemonized and became SlurmUser, and a thread started there lives as
 * long as the process.  The thread:
 *   - waits until this process has been active (control_time != 0) and is
 *     back in standby: control_time == 0, shutdown_time == 0 (no shutdown
 *     or takeover under way), and the heartbeat says another controller is
 *     active, continuously for REEXEC_SETTLE seconds;
 *   - then takes the config read lock (a takeover holds the write lock),
 *     checks again, and execs /proc/self/exe with the original arguments
 *     (-D added so that it does not daemonize: the pid, hence the pid file,
 *     stay the same; -c removed), every descriptor above 2 close-on-exec
 *     (the listening port, the log and the pid file lock are reopened by
 *     the new image), and FSCHED_REEXEC_REAP naming this process's
 *     children (the old slurmscriptd exits when its socket closes);
 *   - in the new image, reaper() collects those children, which would
 *     otherwise stay zombies (slurmctld does not wait for them).
 * ReexecStandby=no in fsched.conf disables it; built only for affected
 * releases (FSCHED_HAVE_BUG_16669).
 */
#include "config.h"

#ifdef FSCHED_HAVE_BUG_16669

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "slurm/slurm.h"

#include "src/common/slurm_xlator.h"	/* error() is slurm_error() */
#include "src/common/log.h"
#include "src/common/read_config.h"
#include "src/common/run_in_daemon.h"
#include "src/slurmctld/locks.h"
#include "src/slurmctld/slurmctld.h"

#include "fsched_conf.h"
#include "fsched_heartbeat.h"

#define FSCHED_SLURM_TYPES
#include "select_fsched.h"

#define REEXEC_SETTLE 5		/* seconds of stable standby */
#define REAP_ENV "FSCHED_REEXEC_REAP"
#define COUNT_ENV "FSCHED_REEXEC_COUNT"

extern time_t control_time;
extern int backup_inx;
extern char **environ;
#pragma weak control_time
#pragma weak backup_inx
#pragma weak slurmctld_config
#pragma weak lock_slurmctld
#pragma weak unlock_slurmctld

static const char *ptype = "select/fsched_cons_tres";

/* New image: wait for the children the previous image left behind. */
static void *reaper(void *arg)
{
	char *list = arg, *save = NULL;

	for (char *t = strtok_r(list, " ", &save); t;
	     t = strtok_r(NULL, " ", &save)) {
		pid_t pid = (pid_t)atol(t);

		if (pid > 0)
			while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
				;
	}
	free(list);
	return NULL;
}

/* Children of this process, from /proc: "pid pid ..." (caller frees). */
static char *children(void)
{
	char *out = NULL, buf[4096];
	size_t len = 0;
	struct dirent *de;
	DIR *d = opendir("/proc/self/task");
	FILE *mem;

	if (!d || !(mem = open_memstream(&out, &len))) {
		if (d)
			closedir(d);
		return NULL;
	}
	while ((de = readdir(d))) {
		char path[300];
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/children",
			 de->d_name);
		if ((f = fopen(path, "r"))) {
			while (fgets(buf, sizeof(buf), f))
				fputs(buf, mem);
			fclose(f);
		}
	}
	closedir(d);
	fclose(mem);
	return out;
}

/* The original argv, -D ensured, -c removed.  NULL-terminated; free both. */
static char **original_argv(char **buf)
{
	size_t len = 0, cap = 4096, n = 0;
	bool have_d = false;
	char **argv;
	int fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
	ssize_t r;

	*buf = NULL;
	if (fd < 0 || !(*buf = malloc(cap)))
		goto fail;
	while ((r = read(fd, *buf + len, cap - len)) > 0) {
		len += (size_t)r;
		if (len == cap) {
			char *nb = realloc(*buf, cap *= 2);

			if (!nb)
				goto fail;
			*buf = nb;
		}
	}
	close(fd);
	fd = -1;
	if (!len)
		goto fail;
	for (size_t i = 0; i < len; i++)
		n += (*buf)[i] == '\0';
	if (!(argv = calloc(n + 2, sizeof(*argv))))
		goto fail;
	n = 0;
	for (char *p = *buf; p < *buf + len; p += strlen(p) + 1) {
		if (p != *buf && p[0] == '-' && p[1] != '-') {
			/* Short options: drop c, notice D. */
			char *w = p + 1;

			for (char *q = p + 1; *q; q++) {
				if (*q == 'D')
					have_d = true;
				if (*q != 'c')
					*w++ = *q;
			}
			*w = '\0';
			if (!p[1])
				continue;	/* it was just "-c" */
		}
		argv[n++] = p;
	}
	if (!have_d)
		argv[n++] = "-D";
	argv[n] = NULL;
	return argv;
fail:
	if (fd >= 0)
		close(fd);
	free(*buf);
	*buf = NULL;
	return NULL;
}

/* Environment for the new image: ours plus REAP_ENV and COUNT_ENV. */
static char **new_environ(const char *reap, long count)
{
	size_t n = 0, k = 0;
	char **env;

	while (environ[n])
		n++;
	if (!(env = calloc(n + 3, sizeof(*env))))
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (strncmp(environ[i], REAP_ENV "=", sizeof(REAP_ENV)) &&
		    strncmp(environ[i], COUNT_ENV "=", sizeof(COUNT_ENV)))
			env[k++] = environ[i];
	}
	if (asprintf(&env[k++], "%s=%s", REAP_ENV, reap ? reap : "") < 0 ||
	    asprintf(&env[k++], "%s=%ld", COUNT_ENV, count) < 0) {
		free(env);
		return NULL;
	}
	env[k] = NULL;
	return env;
}

static void cloexec_all(void);

/*
 * Descriptors for the new image: 0-2 kept (slurmctld marks them
 * close-on-exec at start, controller.c, so clear that: the new image sets
 * it again), everything above 2 close-on-exec.  std_flags receives the
 * flags of 0-2, for restore_std() if the exec fails.
 */
static void prepare_fds(int std_flags[3])
{
	for (int fd = 0; fd <= 2; fd++) {
		std_flags[fd] = fcntl(fd, F_GETFD);
		if (std_flags[fd] >= 0)
			(void)fcntl(fd, F_SETFD, std_flags[fd] & ~FD_CLOEXEC);
	}
	cloexec_all();
}

static void restore_std(const int std_flags[3])
{
	for (int fd = 0; fd <= 2; fd++)
		if (std_flags[fd] >= 0)
			(void)fcntl(fd, F_SETFD, std_flags[fd]);
}

/* Mark every descriptor above 2 close-on-exec. */
static void cloexec_all(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		int fd = atoi(de->d_name);
		int fl;

		if (fd <= 2 || fd == dirfd(d))
			continue;
		if ((fl = fcntl(fd, F_GETFD)) >= 0)
			(void)fcntl(fd, F_SETFD, fl | FD_CLOEXEC);
	}
	closedir(d);
}

/* Another controller writes the heartbeat, recently: we are standby. */
static bool other_active(void)
{
	fsched_heartbeat_t hb;
	fsched_err_t err;

	if (fsched_heartbeat_read(slurm_conf.state_save_location,
				  slurm_conf.control_cnt, &hb, &err) < 0)
		return false;
	return hb.index != backup_inx &&
	       time(NULL) - hb.time <= (time_t)slurm_conf.slurmctld_timeout;
}

static bool in_standby(void)
{
	return control_time == 0 && slurmctld_config.shutdown_time == 0;
}

static void reexec(void)
{
	slurmctld_lock_t config_read = {
		READ_LOCK, NO_LOCK, NO_LOCK, NO_LOCK, NO_LOCK
	};
	char *buf = NULL, *reap = NULL, **argv = NULL, **env = NULL;
	const char *cnt = getenv(COUNT_ENV);
	long count = (cnt ? atol(cnt) : 0) + 1;
	int std_flags[3];

	if (!(argv = original_argv(&buf)) || !(env = new_environ(
			(reap = children()), count))) {
		error("%s: cannot prepare the re-exec of slurmctld (Slurm bug 16669 mitigation not applied)",
		      ptype);
		goto out;
	}
	/* A takeover would hold the write lock: never exec during one. */
	lock_slurmctld(config_read);
	if (!in_standby()) {
		unlock_slurmctld(config_read);
		goto out;
	}
	info("%s: this slurmctld was primary and is in standby again: re-executing it (same pid %ld) so that a later takeover starts a fresh main scheduler (Slurm bug 16669, ReexecStandby)",
	     ptype, (long)getpid());
	prepare_fds(std_flags);
	execve("/proc/self/exe", argv, env);
	error("%s: re-exec of slurmctld failed: %m", ptype);
	restore_std(std_flags);
	unlock_slurmctld(config_read);
out:
	free(buf);
	free(argv);
	if (env) {
		/* Only the two strings we added are ours. */
		for (char **e = env; *e; e++)
			if (!strncmp(*e, REAP_ENV "=", sizeof(REAP_ENV)) ||
			    !strncmp(*e, COUNT_ENV "=", sizeof(COUNT_ENV)))
				free(*e);
		free(env);
	}
	free(reap);
}

static void *watchdog(void *arg)
{
	bool was_active = false, tried = false;
	time_t standby_since = 0;

	for (;;) {
		struct timespec ts = { 1, 0 };

		nanosleep(&ts, NULL);
		if (control_time != 0) {
			was_active = true;
			tried = false;
			standby_since = 0;
			continue;
		}
		if (!was_active || tried || !in_standby() || !other_active()) {
			standby_since = 0;
			continue;
		}
		if (!standby_since)
			standby_since = time(NULL);
		if (time(NULL) - standby_since < REEXEC_SETTLE)
			continue;
		tried = true;	/* once per standby period */
		reexec();
	}
	return NULL;
}

/* Read ReexecStandby from fsched.conf; errors: the guard reports them. */
static bool enabled(void)
{
	fsched_conf_t conf;
	fsched_err_t err;
	char *path = fsched_conf_path(slurm_conf.slurm_conf);
	bool on = true;

	fsched_conf_init(&conf);
	if (path && fsched_conf_load(&conf, path, &err) == 0)
		on = conf.reexec_standby;
	fsched_conf_free(&conf);
	free(path);
	return on;
}

extern void fsched_select_reexec_init(void)
{
	const char *reap = getenv(REAP_ENV);
	pthread_attr_t attr;
	pthread_t tid;

	if (!running_in_slurmctld() || !&control_time ||
	    !&slurmctld_config || !lock_slurmctld)
		return;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (reap && reap[0]) {
		char *list = strdup(reap);

		info("%s: slurmctld re-executed in standby (%s of this process); reaping the previous image's children: %s",
		     ptype, getenv(COUNT_ENV) ? getenv(COUNT_ENV) : "?", reap);
		if (!list || pthread_create(&tid, &attr, reaper, list))
			free(list);
	}
	unsetenv(REAP_ENV);
	if (enabled() && pthread_create(&tid, &attr, watchdog, NULL))
		error("%s: cannot start the standby watchdog (Slurm bug 16669 mitigation): %m",
		      ptype);
	pthread_attr_destroy(&attr);
}

#else

extern void fsched_select_reexec_init(void);
extern void fsched_select_reexec_init(void)
{
}

#endif /* FSCHED_HAVE_BUG_16669 */
