/*
 * fsched_state.h - the fsched state directory and its file names.
 *
 * <StateSaveLocation>/fsched by default (fsched.conf StateDir).  Every file
 * in it has one writer at a time (the active controller, or the host taking
 * over) and is replaced with fsched_atomic_write() or appended with
 * fsched_append_sync().  Files are mode 0644 except the journal (see
 * fsched_journal.h): they name hosts and times, nothing secret.
 */
#ifndef FSCHED_STATE_H
#define FSCHED_STATE_H

#include "fsched_conf.h"
#include "fsched_err.h"

#define FSCHED_ACTIVE_FILE	"active.json"
#define FSCHED_EVENTS_FILE	"events.jsonl"
#define FSCHED_MANIFEST_FILE	"manifest.json"
#define FSCHED_COUNTERS_FILE	"counters.json"
#define FSCHED_GUARD_FILE	"guard.json"
#define FSCHED_ALLOW_ONCE_FILE	"allow-once.json"
#define FSCHED_JOURNAL_DIR	"jobcomp"
#define FSCHED_HEARTBEAT_FILE	"heartbeat"	/* Slurm's, in StateSaveLocation */

#define FSCHED_STATE_FILE_MODE	0644
#define FSCHED_STATE_DIR_MODE	0755

/*
 * The state directory: conf->state_dir if set, else
 * <state_save_location>/fsched.  Caller frees.  NULL on ENOMEM.
 */
char *fsched_state_dir(const fsched_conf_t *conf,
		       const char *state_save_location);

/* dir/name, caller frees; NULL on ENOMEM. */
char *fsched_path(const char *dir, const char *name);

/* Create the state directory (and parents) if missing. */
int fsched_state_dir_prepare(const char *dir, fsched_err_t *err);

/*
 * This host's short name (up to the first '.') and full name, as slurmctld
 * compares them with SlurmctldHost.  FSCHED_HOSTNAME overrides both (tests).
 */
int fsched_hostnames(char *short_name, size_t short_len, char *long_name,
		     size_t long_len);

#endif /* FSCHED_STATE_H */
