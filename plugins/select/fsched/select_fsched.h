/*
 * select_fsched.h - constants of select/fsched_cons_tres shared with the
 * tests (the plugin exports no other symbol than Slurm's plugin API).
 */
#ifndef SELECT_FSCHED_H
#define SELECT_FSCHED_H

/*
 * Permanent: stored with every job in job_state and in slurmdbd's
 * plugin_id_select column (smallint unsigned).  Never change it.
 */
#define FSCHED_SELECT_PLUGIN_ID 16109

#ifdef FSCHED_SLURM_TYPES
/*
 * The state guard and manifest (select_guard.c).  fsched_select_guard()
 * is called by select_p_job_init() before cons_tres sees the job list;
 * it returns SLURM_ERROR to refuse a start or takeover.
 */
extern int fsched_select_guard(List job_list);
extern void fsched_select_state_saved(void);
extern void fsched_select_guard_fini(void);
/* The Slurm bug 16669 mitigation (select_reexec.c); slurmctld only. */
extern void fsched_select_reexec_init(void);
#endif

#endif /* SELECT_FSCHED_H */
