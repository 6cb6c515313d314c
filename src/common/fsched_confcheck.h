/*
 * fsched_confcheck.h - the checks of "fsched-hook check-config": the
 * high-availability settings of slurm.conf and fsched.conf.
 *
 * fsched_confcheck() turns the parsed configurations plus facts about the
 * machine into a list of findings.  The facts come through callbacks
 * (fsched_confcheck_facts_t), so the checks themselves do no I/O and unit
 * tests can feed any machine.  Also here: the credentials of a user and
 * whether they allow running a program (mode bits, no ACLs).
 */
#ifndef FSCHED_CONFCHECK_H
#define FSCHED_CONFCHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "fsched_conf.h"
#include "fsched_err.h"
#include "fsched_slurmconf.h"

#define FSCHED_PRIMARY_ON_NAME	"fsched-primary-on"
#define FSCHED_PRIMARY_OFF_NAME	"fsched-primary-off"
#define FSCHED_SELECT_TYPE	"select/fsched_cons_tres"
#define FSCHED_SELECT_SO	"select_fsched_cons_tres.so"
#define FSCHED_JOBCOMP_TYPE	"jobcomp/fsched"
#define FSCHED_JOBCOMP_SO	"jobcomp_fsched.so"
/* Below this SlurmctldTimeout a short stall of the primary fails over. */
#define FSCHED_MIN_SLURMCTLD_TIMEOUT 10

enum fsched_severity {
	FSCHED_SEV_INFO = 0,
	FSCHED_SEV_WARNING,
	FSCHED_SEV_ERROR,
};

typedef struct fsched_finding {
	enum fsched_severity severity;
	char *file;		/* owned, may be NULL: where it is set */
	int line;		/* 0: unknown or not set */
	char *setting;		/* owned: the setting to change */
	char *message;		/* owned: what is wrong, or the fact */
	char *fix;		/* owned, may be NULL: what to do */
} fsched_finding_t;

typedef struct fsched_findings {
	fsched_finding_t *v;	/* owned array of n */
	size_t n;
	size_t cap;
} fsched_findings_t;

/*
 * The machine, as the checks see it.  Each callback returns 0, or -1 with
 * err set (and err->errnum, e.g. ENOENT).  arg is passed through.
 */
typedef struct fsched_confcheck_facts {
	void *arg;
	/* As fsched_fs_type(), but the error in err. */
	int (*fs_type)(void *arg, const char *path, char *name, size_t len,
		       bool *network, fsched_err_t *err);
	/* As fsched_is_mount_point(). */
	int (*is_mount_point)(void *arg, const char *path, bool *out,
			      fsched_err_t *err);
	/*
	 * 0 if user may run path; -1 with err saying why not, errnum ESRCH
	 * when user is unknown on this host (the check is then impossible).
	 */
	int (*can_exec)(void *arg, const char *path, const char *user,
			fsched_err_t *err);
	/* stat(path) (symlinks followed). */
	int (*stat)(void *arg, const char *path, struct stat *st,
		    fsched_err_t *err);
	/* borrowed: Slurm's PluginDir when slurm.conf sets none */
	const char *default_plugindir;
	/* borrowed, may be NULL: where the fsched-primary-* links are */
	const char *sbindir;
} fsched_confcheck_facts_t;

/*
 * Check sc and conf (both loaded) and append the findings to out (zeroed
 * before the first use; fsched_findings_free() it).  Returns 0, or -1 on
 * ENOMEM.
 */
int fsched_confcheck(const fsched_slurmconf_t *sc, const fsched_conf_t *conf,
		     const fsched_confcheck_facts_t *facts,
		     fsched_findings_t *out, fsched_err_t *err);

void fsched_findings_free(fsched_findings_t *f);

/* Number of findings of severity sev. */
size_t fsched_findings_count(const fsched_findings_t *f,
			     enum fsched_severity sev);

/* "error", "warning", "info" */
const char *fsched_severity_str(enum fsched_severity sev);

/*
 * One line, no newline: "error: FILE:LINE: SETTING: MESSAGE -> FIX" (no
 * ":LINE" when unknown, no "FILE: " when unknown, no " -> FIX" without a
 * fix).  Returns buf.
 */
char *fsched_finding_format(const fsched_finding_t *f, char *buf,
			    size_t len);

/* A user's credentials: uid, and every group (primary first). */
typedef struct fsched_cred {
	char name[64];
	uid_t uid;
	int ngroups;
	gid_t groups[256];
} fsched_cred_t;

/* Look user up (getpwnam_r, getgrouplist); ESRCH if unknown. */
int fsched_cred_lookup(const char *user, fsched_cred_t *cred,
		       fsched_err_t *err);

/*
 * Whether the permission bits of st give cred the access in want (a mask
 * of R_OK, W_OK, X_OK), as the kernel decides without ACLs.  Root gets
 * everything except execute when no x bit is set.  Pure.
 */
bool fsched_mode_allows(const struct stat *st, const fsched_cred_t *cred,
			int want);

/*
 * 0 if cred may execute path: every directory on the way is searchable
 * (also those of the symlink targets) and the final file is a regular
 * executable file.  Else -1 with err naming the first obstacle.
 */
int fsched_cred_can_exec(const fsched_cred_t *cred, const char *path,
			 fsched_err_t *err);

#endif /* FSCHED_CONFCHECK_H */
