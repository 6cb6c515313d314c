/*
 * select_fsched.c - select/fsched_cons_tres: select/cons_tres with a state
 * guard.
 *
 * Every select_p_* operation is forwarded to select/cons_tres, loaded
 * through Slurm's own plugin context (the pattern of upstream select/other),
 * so scheduling results are those of cons_tres.  The type string contains
 * "cons_tres" because slurmctld and slurmd enable GRES heterogeneity,
 * dynamic nodes and MaxNodeCount by substring match on SelectType.
 *
 * Slurm 22.05 loads every select plugin in PluginDir into slurmctld and
 * into every client command, so init() does nothing: cons_tres is loaded on
 * first use, and nothing here logs in a client.  The state manifest and
 * guard (select_guard.c) act only inside slurmctld.
 */
#include "config.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "slurm/slurm.h"
#include "slurm/slurm_errno.h"

#include "src/common/slurm_xlator.h"	/* error() is slurm_error() */
#include "src/common/log.h"
#include "src/common/plugin.h"
#include "src/common/select.h"
#include "src/slurmctld/slurmctld.h"

#define FSCHED_SLURM_TYPES
#include "select_fsched.h"

/*
 * plugin_id is stored with every job in job_state and in the accounting
 * database (a 16-bit column), so it must stay below 65536, outside Slurm's
 * own table (101-110), and never change.  See select_fsched_cons_tres(8)
 * for leaving the plugin.
 */
const char plugin_name[] = "fsched: cons_tres with state manifest and guard";
const char plugin_type[] = "select/fsched_cons_tres";
const uint32_t plugin_id = FSCHED_SELECT_PLUGIN_ID;
const uint32_t plugin_version = SLURM_VERSION_NUMBER;

/* Must list the members of slurm_select_ops_t in order (select.h). */
static const char *syms[] = {
	"plugin_id",
	"select_p_state_save",
	"select_p_state_restore",
	"select_p_job_init",
	"select_p_node_init",
	"select_p_job_test",
	"select_p_job_begin",
	"select_p_job_ready",
	"select_p_job_expand",
	"select_p_job_resized",
	"select_p_job_signal",
	"select_p_job_fini",
	"select_p_job_suspend",
	"select_p_job_resume",
	"select_p_step_pick_nodes",
	"select_p_step_start",
	"select_p_step_finish",
	"select_p_select_nodeinfo_pack",
	"select_p_select_nodeinfo_unpack",
	"select_p_select_nodeinfo_alloc",
	"select_p_select_nodeinfo_free",
	"select_p_select_nodeinfo_set_all",
	"select_p_select_nodeinfo_set",
	"select_p_select_nodeinfo_get",
	"select_p_select_jobinfo_alloc",
	"select_p_select_jobinfo_free",
	"select_p_select_jobinfo_set",
	"select_p_select_jobinfo_get",
	"select_p_select_jobinfo_copy",
	"select_p_select_jobinfo_pack",
	"select_p_select_jobinfo_unpack",
	"select_p_select_jobinfo_sprint",
	"select_p_select_jobinfo_xstrdup",
	"select_p_get_info_from_plugin",
	"select_p_update_node_config",
	"select_p_reconfigure",
	"select_p_resv_test",
};

_Static_assert(sizeof(syms) == sizeof(slurm_select_ops_t),
	       "syms[] must match slurm_select_ops_t of this Slurm release");

static slurm_select_ops_t ops;		/* valid once loaded is true */
static plugin_context_t *context;	/* owned; NULL until first use */
static pthread_mutex_t context_lock = PTHREAD_MUTEX_INITIALIZER;
static bool loaded;			/* read with acquire semantics */

/*
 * Load select/cons_tres on first use.  Returns 0, or -1 after logging once
 * per failed attempt.  Safe from any thread.
 */
static int load_cons_tres(void)
{
	int rc = 0;

	if (__atomic_load_n(&loaded, __ATOMIC_ACQUIRE))
		return 0;
	pthread_mutex_lock(&context_lock);
	if (!loaded) {
		context = plugin_context_create("select", "select/cons_tres",
						(void **)&ops, syms,
						sizeof(syms));
		if (context)
			__atomic_store_n(&loaded, true, __ATOMIC_RELEASE);
		else {
			error("%s: cannot load select/cons_tres from PluginDir",
			      plugin_type);
			rc = -1;
		}
	}
	pthread_mutex_unlock(&context_lock);
	return rc;
}

/* Forward a call returning int; SLURM_ERROR if cons_tres cannot load. */
#define FORWARD_RC(fn, ...)						\
	do {								\
		if (load_cons_tres() < 0)				\
			return SLURM_ERROR;				\
		return (*(ops.fn))(__VA_ARGS__);			\
	} while (0)

/* Forward a call returning a pointer; NULL if cons_tres cannot load. */
#define FORWARD_PTR(fn, ...)						\
	do {								\
		if (load_cons_tres() < 0)				\
			return NULL;					\
		return (*(ops.fn))(__VA_ARGS__);			\
	} while (0)

extern int init(void)
{
	/* Nothing in clients; in slurmctld, the bug 16669 watchdog. */
	fsched_select_reexec_init();
	return SLURM_SUCCESS;
}

extern int fini(void)
{
	int rc = SLURM_SUCCESS;

	fsched_select_guard_fini();

	pthread_mutex_lock(&context_lock);
	if (context) {
		rc = plugin_context_destroy(context);
		context = NULL;
	}
	__atomic_store_n(&loaded, false, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&context_lock);
	return rc;
}

/* Called without slurmctld locks: also write the state manifest. */
extern int select_p_state_save(char *dir_name)
{
	int rc;

	if (load_cons_tres() < 0)
		return SLURM_ERROR;
	rc = (*(ops.state_save))(dir_name);
	fsched_select_state_saved();
	return rc;
}

extern int select_p_state_restore(char *dir_name)
{
	FORWARD_RC(state_restore, dir_name);
}

/* First call of a start or takeover: the state guard decides. */
extern int select_p_job_init(List job_list)
{
	if (fsched_select_guard(job_list) != SLURM_SUCCESS)
		return SLURM_ERROR;
	FORWARD_RC(job_init, job_list);
}

extern int select_p_node_init(void)
{
	FORWARD_RC(node_init);
}

extern int select_p_job_test(job_record_t *job_ptr, bitstr_t *bitmap,
			     uint32_t min_nodes, uint32_t max_nodes,
			     uint32_t req_nodes, uint16_t mode,
			     List preemptee_candidates,
			     List *preemptee_job_list,
			     bitstr_t *exc_core_bitmap)
{
	FORWARD_RC(job_test, job_ptr, bitmap, min_nodes, max_nodes,
			     req_nodes, mode, preemptee_candidates,
			     preemptee_job_list, exc_core_bitmap);
}

extern int select_p_job_begin(job_record_t *job_ptr)
{
	FORWARD_RC(job_begin, job_ptr);
}

extern int select_p_job_ready(job_record_t *job_ptr)
{
	FORWARD_RC(job_ready, job_ptr);
}

extern int select_p_job_expand(job_record_t *from_job_ptr,
			       job_record_t *to_job_ptr)
{
	FORWARD_RC(job_expand, from_job_ptr, to_job_ptr);
}

extern int select_p_job_resized(job_record_t *job_ptr,
				node_record_t *node_ptr)
{
	FORWARD_RC(job_resized, job_ptr, node_ptr);
}

extern int select_p_job_signal(job_record_t *job_ptr, int signal)
{
	FORWARD_RC(job_signal, job_ptr, signal);
}

extern int select_p_job_fini(job_record_t *job_ptr)
{
	FORWARD_RC(job_fini, job_ptr);
}

extern int select_p_job_suspend(job_record_t *job_ptr, bool indf_susp)
{
	FORWARD_RC(job_suspend, job_ptr, indf_susp);
}

extern int select_p_job_resume(job_record_t *job_ptr, bool indf_susp)
{
	FORWARD_RC(job_resume, job_ptr, indf_susp);
}

extern bitstr_t *select_p_step_pick_nodes(job_record_t *job_ptr,
					  select_jobinfo_t *jobinfo,
					  uint32_t node_count,
					  bitstr_t **avail_nodes)
{
	FORWARD_PTR(step_pick_nodes, job_ptr, jobinfo, node_count,
				     avail_nodes);
}

extern int select_p_step_start(step_record_t *step_ptr)
{
	FORWARD_RC(step_start, step_ptr);
}

extern int select_p_step_finish(step_record_t *step_ptr, bool killing_step)
{
	FORWARD_RC(step_finish, step_ptr, killing_step);
}

extern int select_p_select_nodeinfo_pack(select_nodeinfo_t *nodeinfo,
					 buf_t *buffer,
					 uint16_t protocol_version)
{
	FORWARD_RC(nodeinfo_pack, nodeinfo, buffer, protocol_version);
}

extern int select_p_select_nodeinfo_unpack(select_nodeinfo_t **nodeinfo,
					   buf_t *buffer,
					   uint16_t protocol_version)
{
	FORWARD_RC(nodeinfo_unpack, nodeinfo, buffer, protocol_version);
}

extern select_nodeinfo_t *select_p_select_nodeinfo_alloc(void)
{
	FORWARD_PTR(nodeinfo_alloc);
}

extern int select_p_select_nodeinfo_free(select_nodeinfo_t *nodeinfo)
{
	FORWARD_RC(nodeinfo_free, nodeinfo);
}

extern int select_p_select_nodeinfo_set_all(void)
{
	FORWARD_RC(nodeinfo_set_all);
}

extern int select_p_select_nodeinfo_set(job_record_t *job_ptr)
{
	FORWARD_RC(nodeinfo_set, job_ptr);
}

extern int select_p_select_nodeinfo_get(select_nodeinfo_t *nodeinfo,
					enum select_nodedata_type dinfo,
					enum node_states state, void *data)
{
	FORWARD_RC(nodeinfo_get, nodeinfo, dinfo, state, data);
}

extern select_jobinfo_t *select_p_select_jobinfo_alloc(void)
{
	FORWARD_PTR(jobinfo_alloc);
}

extern int select_p_select_jobinfo_free(select_jobinfo_t *jobinfo)
{
	FORWARD_RC(jobinfo_free, jobinfo);
}

extern int select_p_select_jobinfo_set(select_jobinfo_t *jobinfo,
				       enum select_jobdata_type data_type,
				       void *data)
{
	FORWARD_RC(jobinfo_set, jobinfo, data_type, data);
}

extern int select_p_select_jobinfo_get(select_jobinfo_t *jobinfo,
				       enum select_jobdata_type data_type,
				       void *data)
{
	FORWARD_RC(jobinfo_get, jobinfo, data_type, data);
}

extern select_jobinfo_t *select_p_select_jobinfo_copy(select_jobinfo_t *jobinfo)
{
	FORWARD_PTR(jobinfo_copy, jobinfo);
}

extern int select_p_select_jobinfo_pack(select_jobinfo_t *jobinfo,
					buf_t *buffer,
					uint16_t protocol_version)
{
	FORWARD_RC(jobinfo_pack, jobinfo, buffer, protocol_version);
}

extern int select_p_select_jobinfo_unpack(select_jobinfo_t **jobinfo,
					  buf_t *buffer,
					  uint16_t protocol_version)
{
	FORWARD_RC(jobinfo_unpack, jobinfo, buffer, protocol_version);
}

extern char *select_p_select_jobinfo_sprint(select_jobinfo_t *jobinfo,
					    char *buf, size_t size, int mode)
{
	FORWARD_PTR(jobinfo_sprint, jobinfo, buf, size, mode);
}

extern char *select_p_select_jobinfo_xstrdup(select_jobinfo_t *jobinfo,
					     int mode)
{
	FORWARD_PTR(jobinfo_xstrdup, jobinfo, mode);
}

extern int select_p_get_info_from_plugin(enum select_plugindata_info dinfo,
					 job_record_t *job_ptr, void *data)
{
	FORWARD_RC(get_info_from_plugin, dinfo, job_ptr, data);
}

extern int select_p_update_node_config(int index)
{
	FORWARD_RC(update_node_config, index);
}

extern int select_p_reconfigure(void)
{
	FORWARD_RC(reconfigure);
}

extern bitstr_t *select_p_resv_test(resv_desc_msg_t *resv_desc_ptr,
				    uint32_t node_cnt,
				    bitstr_t *avail_bitmap,
				    bitstr_t **core_bitmap)
{
	FORWARD_PTR(resv_test, resv_desc_ptr, node_cnt, avail_bitmap,
			       core_bitmap);
}
