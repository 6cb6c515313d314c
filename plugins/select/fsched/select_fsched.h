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

#endif /* SELECT_FSCHED_H */
