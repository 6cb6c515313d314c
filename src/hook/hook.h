/*
 * hook.h - fsched-hook internals shared by its subcommands.
 *
 * fsched-hook is one program with several roles: SlurmctldPrimaryOnProg /
 * SlurmctldPrimaryOffProg (selected by argv[0], slurmctld passes no
 * arguments and closes every descriptor), and admin/monitoring commands.
 * It reads slurm.conf itself: the controller does not answer RPCs yet
 * when the primary hooks run.
 */
#ifndef FSCHED_HOOK_H
#define FSCHED_HOOK_H

#include <stdbool.h>
#include <time.h>

#include <json.h>

#include "fsched_conf.h"
#include "fsched_err.h"
#include "fsched_slurmconf.h"
#include "fsched_state.h"

/* Exit codes of the monitoring commands (Nagios/Icinga convention). */
enum {
	HOOK_OK = 0,
	HOOK_WARNING = 1,
	HOOK_CRITICAL = 2,
	HOOK_UNKNOWN = 3,
};

typedef struct hook_ctx {
	const char *prog;		/* borrowed: basename of argv[0] */
	const char *slurm_conf_path;	/* borrowed */
	fsched_slurmconf_t sc;		/* slurm.conf subset */
	fsched_conf_t conf;		/* fsched.conf */
	char *state_dir;		/* owned */
	char host_short[256];
	char host_long[256];
	int index;			/* SlurmctldHost index, -1: none */
	char *load_error;		/* owned: why loading failed, or NULL */
} hook_ctx_t;

/*
 * Read slurm.conf and fsched.conf, resolve the state directory and this
 * host's controller index.  Errors are returned in err.
 */
int hook_ctx_load(hook_ctx_t *ctx, fsched_err_t *err);
void hook_ctx_free(hook_ctx_t *ctx);

/* Report: syslog in the primary roles, stderr for commands. */
void hook_log_to_syslog(const char *ident);
#define hook_err(...)	fsched_error(__VA_ARGS__)
#define hook_info(...)	fsched_info(__VA_ARGS__)

/* primary-on / primary-off (hook_primary.c). */
int hook_primary(hook_ctx_t *ctx, bool on);

/*
 * Run the site hooks of dir in run-parts order with the extra environment
 * env (NULL-terminated "K=V" strings), each bounded by timeout seconds.
 * Returns the number of hooks that failed (0 if none ran).
 */
int hook_run_site_hooks(const char *dir, const char *role, char **env,
			long timeout);

/* status / watch (hook_status.c). */
int hook_status_cmd(hook_ctx_t *ctx, int argc, char **argv);
int hook_watch_cmd(hook_ctx_t *ctx, int argc, char **argv);

/*
 * Build the status report: a new JSON object (caller puts) and the
 * monitoring verdict.  warn/crit: heartbeat age thresholds in seconds
 * (<= 0: derived from SlurmctldTimeout).
 */
struct json_object *hook_status_build(hook_ctx_t *ctx, long warn, long crit,
				      int *verdict);

/* guard (hook_guard.c). */
int hook_guard_cmd(hook_ctx_t *ctx, int argc, char **argv);

/* check-storage (hook_storage.c), check-config (hook_config.c). */
int hook_check_storage_cmd(hook_ctx_t *ctx, int argc, char **argv);
int hook_check_config_cmd(hook_ctx_t *ctx, int argc, char **argv);

#endif /* FSCHED_HOOK_H */
