/*
 * hook_main.c - fsched-hook: entry point, role selection, configuration.
 *
 * Roles by argv[0]: "fsched-primary-on" and "fsched-primary-off" (links to
 * this program, named in slurm.conf as SlurmctldPrimaryOnProg and
 * SlurmctldPrimaryOffProg).  Otherwise the first argument is a command.
 * Reads slurm.conf ($SLURM_CONF or the built-in default, or -f FILE) and
 * fsched.conf next to it.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "fsched_log.h"
#include "hook.h"

static void usage(FILE *f)
{
	fprintf(f,
"Usage: fsched-hook [-f SLURM_CONF] COMMAND [OPTIONS]\n"
"\n"
"Commands:\n"
"  primary-on          record that this host became the active controller\n"
"  primary-off         record that this host is (back) in standby\n"
"                      (run by slurmctld through the fsched-primary-on and\n"
"                      fsched-primary-off links, with no arguments)\n"
"  status [--json] [--warn SEC] [--crit SEC]\n"
"                      active controller, heartbeat age, takeovers; exit\n"
"                      0 ok, 1 warning, 2 critical, 3 unknown\n"
"  watch [--once] [--interval SEC]\n"
"                      refresh the local status file and metrics file\n"
"  check-storage [--json] [--seconds N] [DIR]\n"
"                      measure DIR against the shared storage minimums\n"
"  check-config [--json]\n"
"                      check the slurm.conf high-availability settings\n"
"  guard [--show] | --allow-once [--reason TEXT] [--minutes N] | --cancel\n"
"                      show the state guard's last decision on this host,\n"
"                      or allow the next start here once despite it\n"
"  version             print the version\n"
"\n"
"See fsched-hook(8).\n");
}

/* slurmctld closes every descriptor: give 0-2 to /dev/null first. */
static void ensure_std_fds(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF) {
			int nfd = open("/dev/null", O_RDWR);

			if (nfd >= 0 && nfd != fd) {
				dup2(nfd, fd);
				close(nfd);
			}
		}
	}
}

static void syslog_sink(enum fsched_log_level level, const char *msg)
{
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };

	syslog(prio[level], "%s", msg);
}

void hook_log_to_syslog(const char *ident)
{
	openlog(ident, LOG_PID, LOG_DAEMON);
	fsched_log_set_sink(syslog_sink);
}

static void stderr_sink(enum fsched_log_level level, const char *msg)
{
	static const char *const names[] = {
		"error", "warning", "info", "debug"
	};

	if (level == FSCHED_LOG_DEBUG && !getenv("FSCHED_DEBUG"))
		return;
	fprintf(stderr, "fsched-hook: %s: %s\n", names[level], msg);
}

int hook_ctx_load(hook_ctx_t *ctx, fsched_err_t *err)
{
	fsched_err_t e;
	char *cpath;

	if (fsched_slurmconf_load(&ctx->sc, ctx->slurm_conf_path, err) < 0)
		return -1;
	if (!(cpath = fsched_conf_path(ctx->slurm_conf_path)))
		return fsched_err_sys(err, ENOMEM, "fsched.conf");
	if (fsched_conf_load(&ctx->conf, cpath, &e) < 0) {
		free(cpath);
		return fsched_err_set(err, e.errnum, "%s", e.msg);
	}
	free(cpath);
	if (!(ctx->state_dir = fsched_state_dir(&ctx->conf,
					       ctx->sc.state_save_location)))
		return fsched_err_sys(err, ENOMEM, "state dir");
	if (fsched_hostnames(ctx->host_short, sizeof(ctx->host_short),
			     ctx->host_long, sizeof(ctx->host_long)) < 0)
		return fsched_err_sys(err, errno, "gethostname");
	ctx->index = fsched_slurmconf_ctld_index(&ctx->sc, ctx->host_short,
						 ctx->host_long);
	return 0;
}

void hook_ctx_free(hook_ctx_t *ctx)
{
	fsched_slurmconf_free(&ctx->sc);
	fsched_conf_free(&ctx->conf);
	free(ctx->state_dir);
	ctx->state_dir = NULL;
	free(ctx->load_error);
	ctx->load_error = NULL;
}

int main(int argc, char **argv)
{
	hook_ctx_t ctx = { 0 };
	const char *slash, *cmd = NULL;
	fsched_err_t err;
	bool primary_role;
	int rc, opt;

	ensure_std_fds();
	slash = strrchr(argv[0], '/');
	ctx.prog = slash ? slash + 1 : argv[0];
	ctx.slurm_conf_path = fsched_slurmconf_default_path();
	ctx.index = -1;

	if (!strcmp(ctx.prog, "fsched-primary-on")) {
		cmd = "primary-on";
	} else if (!strcmp(ctx.prog, "fsched-primary-off")) {
		cmd = "primary-off";
	} else {
		/* "+": stop at the command; its options are its own. */
		while ((opt = getopt(argc, argv, "+f:h")) != -1) {
			switch (opt) {
			case 'f':
				ctx.slurm_conf_path = optarg;
				break;
			case 'h':
				usage(stdout);
				return 0;
			default:
				usage(stderr);
				return HOOK_UNKNOWN;
			}
		}
		if (optind >= argc) {
			usage(stderr);
			return HOOK_UNKNOWN;
		}
		cmd = argv[optind];
		argc -= optind;
		argv += optind;
		optind = 1;
	}

	if (!strcmp(cmd, "version")) {
		printf("fsched-hook %s (built for Slurm %s)\n", PACKAGE_VERSION,
		       FSCHED_SLURM_VERSION);
		return 0;
	}
	if (!strcmp(cmd, "help") || !strcmp(cmd, "--help")) {
		usage(stdout);
		return 0;
	}

	primary_role = !strcmp(cmd, "primary-on") || !strcmp(cmd, "primary-off");
	if (primary_role)
		hook_log_to_syslog("fsched-hook");
	else
		fsched_log_set_sink(stderr_sink);

	if (hook_ctx_load(&ctx, &err) < 0) {
		/* check-storage DIR can work without any configuration. */
		if (strcmp(cmd, "check-storage")) {
			hook_err("%s", err.msg);
			hook_ctx_free(&ctx);
			return primary_role ? 1 : HOOK_UNKNOWN;
		}
		ctx.load_error = strdup(err.msg);
	}

	if (!strcmp(cmd, "primary-on"))
		rc = hook_primary(&ctx, true);
	else if (!strcmp(cmd, "primary-off"))
		rc = hook_primary(&ctx, false);
	else if (!strcmp(cmd, "status"))
		rc = hook_status_cmd(&ctx, argc, argv);
	else if (!strcmp(cmd, "watch"))
		rc = hook_watch_cmd(&ctx, argc, argv);
	else if (!strcmp(cmd, "check-storage"))
		rc = hook_check_storage_cmd(&ctx, argc, argv);
	else if (!strcmp(cmd, "check-config"))
		rc = hook_check_config_cmd(&ctx, argc, argv);
	else if (!strcmp(cmd, "guard"))
		rc = hook_guard_cmd(&ctx, argc, argv);
	else {
		fprintf(stderr, "fsched-hook: unknown command \"%s\"\n", cmd);
		usage(stderr);
		rc = HOOK_UNKNOWN;
	}
	hook_ctx_free(&ctx);
	return rc;
}
