/*
 * fsched_slurmconf.h - the few slurm.conf settings fsched-hook needs.
 *
 * fsched-hook runs when slurmctld becomes primary or standby, before the
 * controller answers RPCs, and as a monitoring command; it reads
 * slurm.conf itself (through fsched_kv, Include supported) instead of
 * asking the controller.  Only the keys below are interpreted; the rest of
 * the file is tokenized and ignored.  Defaults are Slurm 22.05's.
 */
#ifndef FSCHED_SLURMCONF_H
#define FSCHED_SLURMCONF_H

#include "fsched_err.h"

#define FSCHED_MAX_CTLD 16	/* SlurmctldHost entries kept */

/* Settings whose location in the files is kept (check-config). */
enum fsched_slurmconf_key {
	FSCHED_SC_STATE_SAVE_LOCATION = 0,
	FSCHED_SC_SLURMCTLD_TIMEOUT,
	FSCHED_SC_SLURM_USER,
	FSCHED_SC_PRIMARY_ON_PROG,
	FSCHED_SC_PRIMARY_OFF_PROG,
	FSCHED_SC_SELECT_TYPE,
	FSCHED_SC_JOBCOMP_TYPE,
	FSCHED_SC_PLUGIN_DIR,
	FSCHED_SC_NKEYS,
};

/* Where a setting was read (the last time, if set twice). */
typedef struct fsched_slurmconf_loc {
	char *file;		/* owned; NULL: not set, default applies */
	int line;
} fsched_slurmconf_loc_t;

typedef struct fsched_slurmconf {
	char *path;			/* owned: the file read */
	char *cluster_name;		/* owned, may be NULL */
	int ctld_cnt;			/* SlurmctldHost entries */
	char *ctld_host[FSCHED_MAX_CTLD];	/* owned: host names */
	char *ctld_addr[FSCHED_MAX_CTLD];	/* owned: addresses */
	int ctld_line[FSCHED_MAX_CTLD];	/* line of each entry */
	char *state_save_location;	/* owned; default "/var/spool" */
	long slurmctld_timeout;		/* seconds; default 120 */
	char *slurm_user;		/* owned; default "root" */
	char *primary_on_prog;		/* owned, may be NULL */
	char *primary_off_prog;		/* owned, may be NULL */
	char *select_type;		/* owned, may be NULL */
	char *jobcomp_type;		/* owned, may be NULL */
	char *jobcomp_loc;		/* owned, may be NULL */
	char *plugin_dir;		/* owned, may be NULL */
	char *ctld_file[FSCHED_MAX_CTLD];	/* owned: file of each entry */
	fsched_slurmconf_loc_t loc[FSCHED_SC_NKEYS];	/* of those keys */
} fsched_slurmconf_t;

/*
 * Read path into sc (which must be zeroed or freed before).  Errors name
 * file and line.  On error sc is freed.
 */
int fsched_slurmconf_load(fsched_slurmconf_t *sc, const char *path,
			  fsched_err_t *err);

/* Free what sc owns and zero it. */
void fsched_slurmconf_free(fsched_slurmconf_t *sc);

/*
 * The SlurmctldHost index of this host, as slurmctld decides it: its short
 * or full host name equals a SlurmctldHost name.  -1 if not a controller.
 * host_short and host_long are the names to compare (gethostname()).
 */
int fsched_slurmconf_ctld_index(const fsched_slurmconf_t *sc,
				const char *host_short, const char *host_long);

/* The path of slurm.conf: $SLURM_CONF, else the built-in default. */
const char *fsched_slurmconf_default_path(void);

#endif /* FSCHED_SLURMCONF_H */
