/*
 * layout_probe.h - the Slurm struct members fsched's plugins read or
 * write, as an X-macro list: LAYOUT_STRUCT(type) for each struct size,
 * LAYOUT_MEMBER(type, member) for each member offset.
 *
 * Included by test_layout.c (compiled with fsched's config.h) and by
 * contrib/dev/gen-layout-golden (compiled with Slurm's own configured
 * config.h); the two must agree, or the plugins would read the wrong
 * bytes.  Add every member a plugin starts to use.
 */
#define LAYOUT_LIST							\
	LAYOUT_STRUCT(job_record_t)					\
	LAYOUT_MEMBER(job_record_t, magic)				\
	LAYOUT_MEMBER(job_record_t, account)				\
	LAYOUT_MEMBER(job_record_t, array_job_id)			\
	LAYOUT_MEMBER(job_record_t, array_task_id)			\
	LAYOUT_MEMBER(job_record_t, derived_ec)				\
	LAYOUT_MEMBER(job_record_t, details)				\
	LAYOUT_MEMBER(job_record_t, end_time)				\
	LAYOUT_MEMBER(job_record_t, exit_code)				\
	LAYOUT_MEMBER(job_record_t, group_id)				\
	LAYOUT_MEMBER(job_record_t, het_job_id)				\
	LAYOUT_MEMBER(job_record_t, het_job_offset)			\
	LAYOUT_MEMBER(job_record_t, job_id)				\
	LAYOUT_MEMBER(job_record_t, job_state)				\
	LAYOUT_MEMBER(job_record_t, name)				\
	LAYOUT_MEMBER(job_record_t, nodes)				\
	LAYOUT_MEMBER(job_record_t, node_cnt)				\
	LAYOUT_MEMBER(job_record_t, part_ptr)				\
	LAYOUT_MEMBER(job_record_t, partition)				\
	LAYOUT_MEMBER(job_record_t, qos_ptr)				\
	LAYOUT_MEMBER(job_record_t, resize_time)			\
	LAYOUT_MEMBER(job_record_t, restart_cnt)			\
	LAYOUT_MEMBER(job_record_t, resv_name)				\
	LAYOUT_MEMBER(job_record_t, start_time)				\
	LAYOUT_MEMBER(job_record_t, time_limit)				\
	LAYOUT_MEMBER(job_record_t, total_cpus)				\
	LAYOUT_MEMBER(job_record_t, tres_fmt_req_str)			\
	LAYOUT_MEMBER(job_record_t, tres_fmt_alloc_str)			\
	LAYOUT_MEMBER(job_record_t, user_id)				\
	LAYOUT_MEMBER(job_record_t, user_name)				\
	LAYOUT_STRUCT(struct job_details)					\
	LAYOUT_MEMBER(struct job_details, begin_time)			\
	LAYOUT_MEMBER(struct job_details, submit_time)			\
	LAYOUT_MEMBER(struct job_details, work_dir)				\
	LAYOUT_STRUCT(part_record_t)					\
	LAYOUT_MEMBER(part_record_t, max_time)				\
	LAYOUT_STRUCT(slurmdb_qos_rec_t)				\
	LAYOUT_MEMBER(slurmdb_qos_rec_t, name)				\
	LAYOUT_STRUCT(slurm_conf_t)					\
	LAYOUT_MEMBER(slurm_conf_t, cluster_name)			\
	LAYOUT_MEMBER(slurm_conf_t, control_addr)			\
	LAYOUT_MEMBER(slurm_conf_t, control_cnt)			\
	LAYOUT_MEMBER(slurm_conf_t, control_machine)			\
	LAYOUT_MEMBER(slurm_conf_t, job_comp_loc)			\
	LAYOUT_MEMBER(slurm_conf_t, job_comp_type)			\
	LAYOUT_MEMBER(slurm_conf_t, slurm_conf)				\
	LAYOUT_MEMBER(slurm_conf_t, slurmctld_timeout)			\
	LAYOUT_MEMBER(slurm_conf_t, state_save_location)		\
	LAYOUT_STRUCT(slurmctld_config_t)				\
	LAYOUT_MEMBER(slurmctld_config_t, shutdown_time)		\
	LAYOUT_MEMBER(slurmctld_config_t, resume_backup)		\
	LAYOUT_MEMBER(slurmctld_config_t, node_name_short)		\
	LAYOUT_STRUCT(slurm_selected_step_t)				\
	LAYOUT_MEMBER(slurm_selected_step_t, array_task_id)		\
	LAYOUT_MEMBER(slurm_selected_step_t, het_job_offset)		\
	LAYOUT_MEMBER(slurm_selected_step_t, step_id)			\
	LAYOUT_STRUCT(slurmdb_job_cond_t)				\
	LAYOUT_MEMBER(slurmdb_job_cond_t, cluster_list)			\
	LAYOUT_MEMBER(slurmdb_job_cond_t, groupid_list)			\
	LAYOUT_MEMBER(slurmdb_job_cond_t, partition_list)		\
	LAYOUT_MEMBER(slurmdb_job_cond_t, state_list)			\
	LAYOUT_MEMBER(slurmdb_job_cond_t, step_list)			\
	LAYOUT_MEMBER(slurmdb_job_cond_t, usage_end)			\
	LAYOUT_MEMBER(slurmdb_job_cond_t, usage_start)			\
	LAYOUT_MEMBER(slurmdb_job_cond_t, userid_list)			\
	LAYOUT_STRUCT(jobcomp_job_rec_t)				\
	LAYOUT_MEMBER(jobcomp_job_rec_t, derived_ec)			\
	LAYOUT_MEMBER(jobcomp_job_rec_t, exit_code)			\
	LAYOUT_MEMBER(jobcomp_job_rec_t, work_dir)
