/*
 * fsched_conf.h - fsched.conf, the settings of the fsched plugins and hook.
 *
 * The file lives next to slurm.conf (FSCHED_CONF in the environment
 * overrides the path, for tests).  Every key is optional; unknown keys,
 * keys set twice and bad values are errors naming file, line and key.  A
 * missing file means all defaults.  See fsched.conf(5).
 */
#ifndef FSCHED_CONF_H
#define FSCHED_CONF_H

#include <stdbool.h>

#include "fsched_err.h"

enum fsched_guard_mode {
	FSCHED_GUARD_ENFORCE = 0,	/* refuse a start on bad state */
	FSCHED_GUARD_WARN,		/* log and record, then allow */
	FSCHED_GUARD_OFF,		/* do not check */
};

enum fsched_tristate {
	FSCHED_AUTO = -1,
	FSCHED_NO = 0,
	FSCHED_YES = 1,
};

typedef struct fsched_conf {
	char *path;		/* owned: file read, or that would be read */
	char *state_dir;	/* owned; NULL: <StateSaveLocation>/fsched */
	char *local_dir;	/* owned: host-local marker directory */
	enum fsched_guard_mode state_guard;
	enum fsched_tristate require_shared_state;
	long journal_flush_ms;
	long journal_max_queue;
	long journal_index_days;	/* days of journal indexed at start */
	long journal_file_mode;	/* mode of journal files */
	char *metrics_file;	/* owned; NULL: none */
	char *hook_dir;		/* owned; NULL: no site hooks */
	long hook_timeout;	/* seconds */
	long events_max_bytes;	/* rotate events.jsonl beyond this */
	long manifest_interval;	/* seconds between manifest refreshes */
	char *status_file;	/* owned: fsched-hook watch output */
	long watch_interval;	/* seconds */
	bool mitigate_bug_17032;
	bool reexec_standby;	/* bug 16669 mitigation */
} fsched_conf_t;

/* Fill conf with the defaults (no allocation needed to free). */
void fsched_conf_init(fsched_conf_t *conf);

/* Free what conf owns; conf may then be re-initialised. */
void fsched_conf_free(fsched_conf_t *conf);

/*
 * The path of fsched.conf for a given slurm.conf: $FSCHED_CONF if set,
 * else "fsched.conf" in the directory of slurm_conf.  Caller frees.
 */
char *fsched_conf_path(const char *slurm_conf);

/*
 * Initialise conf with defaults and read path over them.  A missing file
 * is not an error (defaults are used, conf->path is still set).  On error
 * conf holds the defaults and err names file:line and key.
 */
int fsched_conf_load(fsched_conf_t *conf, const char *path,
		     fsched_err_t *err);

/* Text of a guard mode ("enforce", "warn", "off"). */
const char *fsched_guard_mode_str(enum fsched_guard_mode mode);

#endif /* FSCHED_CONF_H */
