/*
 * reaper - run a command as a child subreaper and reap every descendant.
 *
 * Usage: reaper [-t SECONDS] [-g GRACE] -- cmd [args...]
 *
 * PID 1 on the test machines does not reap orphans, so processes that
 * double-fork (slurmd -> slurmstepd, munged, job steps ...) stay zombies
 * forever once they exit.  reaper marks itself PR_SET_CHILD_SUBREAPER, so
 * every orphan of the command's process tree is re-parented to it instead,
 * and it reaps them as they exit.
 *
 * When the command exits, every descendant still alive is sent SIGTERM,
 * then SIGKILL after GRACE seconds (default 5), and reaper exits with the
 * command's status (128 + signal number if it was killed by a signal).
 *
 * With -t SECONDS, the command is given that much time; after that every
 * descendant (the command included) gets SIGTERM once, so that a shell
 * blocked in a foreground command can run its cleanup trap, and after
 * another 30 seconds (or GRACE if larger) SIGKILL.  The exit status is then
 * 124, as with timeout(1).
 *
 * SIGTERM and SIGHUP received by reaper, and SIGINT sent by kill(2) (not
 * the one from the terminal, which the command already receives since it
 * stays in the same process group), are forwarded to the command.
 *
 * Build: cc -O2 -Wall -Wextra -o reaper reaper.c
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TIMEOUT_GRACE	30	/* seconds for the command's own cleanup */
#define MAX_PROCS	65536

struct proc {
	pid_t pid;
	pid_t ppid;
};

static struct proc procs[MAX_PROCS];
static int verbose;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Parse the pid, parent pid and state of one /proc/PID/stat entry. */
static int read_stat(pid_t pid, pid_t *ppid, char *state, char *comm,
		     size_t comm_len)
{
	char path[64], buf[1024], *open_paren, *close_paren;
	FILE *f;
	size_t n;
	int parent;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';

	/* comm may contain spaces and parentheses: use the last ')' */
	open_paren = strchr(buf, '(');
	close_paren = strrchr(buf, ')');
	if (!open_paren || !close_paren || close_paren < open_paren)
		return -1;
	if (comm) {
		n = close_paren - open_paren - 1;
		if (n >= comm_len)
			n = comm_len - 1;
		memcpy(comm, open_paren + 1, n);
		comm[n] = '\0';
	}
	if (sscanf(close_paren + 1, " %c %d", state, &parent) != 2)
		return -1;
	*ppid = parent;
	return 0;
}

/* Snapshot (pid, ppid) of every process; returns the count. */
static int scan_procs(void)
{
	DIR *dir;
	struct dirent *de;
	int count = 0;

	dir = opendir("/proc");
	if (!dir)
		return 0;
	while ((de = readdir(dir)) && count < MAX_PROCS) {
		pid_t pid, ppid;
		char state;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid = (pid_t)atoi(de->d_name);
		if (read_stat(pid, &ppid, &state, NULL, 0))
			continue;
		procs[count].pid = pid;
		procs[count].ppid = ppid;
		count++;
	}
	closedir(dir);
	return count;
}

static pid_t parent_of(pid_t pid, int count)
{
	int i;

	for (i = 0; i < count; i++)
		if (procs[i].pid == pid)
			return procs[i].ppid;
	return 0;
}

/* Is pid a (possibly indirect) descendant of ancestor? */
static int descends_from(pid_t pid, pid_t ancestor, int count)
{
	int depth;

	for (depth = 0; pid > 1 && depth < 4096; depth++) {
		pid = parent_of(pid, count);
		if (pid == ancestor)
			return 1;
	}
	return 0;
}

/*
 * Send sig to every live descendant of this process; returns how many were
 * signalled.  Zombies are skipped (they are dead already and are reaped by
 * the main loop).
 */
static int signal_descendants(int sig, int report)
{
	pid_t self = getpid();
	int count, i, sent = 0;

	count = scan_procs();
	for (i = 0; i < count; i++) {
		pid_t ppid;
		char state, comm[64];

		if (procs[i].pid == self ||
		    !descends_from(procs[i].pid, self, count))
			continue;
		if (read_stat(procs[i].pid, &ppid, &state, comm, sizeof(comm)))
			continue;
		if (state == 'Z' || state == 'X')
			continue;
		if (report)
			fprintf(stderr, "reaper: leftover process %d (%s): %s\n",
				(int)procs[i].pid, comm, strsignal(sig));
		if (kill(procs[i].pid, sig) == 0)
			sent++;
	}
	return sent;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: reaper [-v] [-t SECONDS] [-g GRACE] -- cmd [args...]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	sigset_t set, old;
	struct timespec tick = { 0, 200 * 1000 * 1000 };
	double timeout = 0, grace = 5, deadline = 0, kill_at = 0;
	double last_term = 0;
	int opt, status = 0, exit_code = 0;
	int child_done = 0, timed_out = 0, cleanup = 0;
	pid_t child;

	while ((opt = getopt(argc, argv, "+t:g:vh")) != -1) {
		switch (opt) {
		case 't':
			timeout = atof(optarg);
			break;
		case 'g':
			grace = atof(optarg);
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			usage();
		}
	}
	if (optind >= argc)
		usage();

	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)) {
		perror("reaper: prctl(PR_SET_CHILD_SUBREAPER)");
		return 1;
	}

	/* Signals are consumed synchronously with sigtimedwait() below. */
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, &old);

	child = fork();
	if (child < 0) {
		perror("reaper: fork");
		return 1;
	}
	if (child == 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		execvp(argv[optind], argv + optind);
		fprintf(stderr, "reaper: cannot run %s: %s\n", argv[optind],
			strerror(errno));
		_exit(127);
	}
	if (timeout > 0)
		deadline = now() + timeout;

	for (;;) {
		siginfo_t info;
		pid_t pid;
		int st, sig;

		/* Reap everything that has exited. */
		while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
			if (pid != child)
				continue;
			child_done = 1;
			status = st;
		}
		if (pid < 0 && errno == ECHILD && child_done)
			break;

		if (child_done && !cleanup) {
			/* The command is gone: end whatever it left behind. */
			cleanup = 1;
			kill_at = now() + grace;
			last_term = now();
			signal_descendants(SIGTERM, 1);
		} else if (cleanup && now() >= kill_at) {
			signal_descendants(SIGKILL, verbose);
		} else if (cleanup && now() - last_term >= 1) {
			/* orphans newly adopted since the last round */
			last_term = now();
			signal_descendants(SIGTERM, verbose);
		}

		if (!child_done && deadline && !timed_out && now() >= deadline) {
			fprintf(stderr, "reaper: timeout after %g s, terminating\n",
				timeout);
			timed_out = 1;
			kill_at = now() + (grace > TIMEOUT_GRACE ?
					   grace : TIMEOUT_GRACE);
			signal_descendants(SIGTERM, 0);
		} else if (!child_done && timed_out && now() >= kill_at) {
			signal_descendants(SIGKILL, 1);
		}

		sig = sigtimedwait(&set, &info, &tick);
		if (sig == SIGTERM || sig == SIGHUP ||
		    (sig == SIGINT && (info.si_code == SI_USER ||
				       info.si_code == SI_QUEUE))) {
			if (!child_done)
				kill(child, sig);
		}
	}

	if (timed_out)
		exit_code = 124;
	else if (WIFEXITED(status))
		exit_code = WEXITSTATUS(status);
	else if (WIFSIGNALED(status))
		exit_code = 128 + WTERMSIG(status);
	return exit_code;
}
