/*
 * Golden struct layouts of Slurm 22.05.8, computed by
 * contrib/dev/gen-layout-golden from Slurm's own configured build (Debian's
 * configure options).  Do not edit; regenerate.
 */
static const struct layout_golden {
	const char *what;
	size_t value;
} layout_golden[] = {
	{ "sizeof(job_record_t)", 1048 },
	{ "offsetof(job_record_t, magic)", 0 },
	{ "offsetof(job_record_t, account)", 8 },
	{ "offsetof(job_record_t, array_job_id)", 48 },
	{ "offsetof(job_record_t, array_task_id)", 52 },
	{ "offsetof(job_record_t, derived_ec)", 204 },
	{ "offsetof(job_record_t, details)", 208 },
	{ "offsetof(job_record_t, end_time)", 224 },
	{ "offsetof(job_record_t, exit_code)", 244 },
	{ "offsetof(job_record_t, group_id)", 312 },
	{ "offsetof(job_record_t, het_job_id)", 328 },
	{ "offsetof(job_record_t, het_job_offset)", 344 },
	{ "offsetof(job_record_t, job_id)", 360 },
	{ "offsetof(job_record_t, job_state)", 408 },
	{ "offsetof(job_record_t, name)", 488 },
	{ "offsetof(job_record_t, nodes)", 512 },
	{ "offsetof(job_record_t, node_cnt)", 544 },
	{ "offsetof(job_record_t, partition)", 584 },
	{ "offsetof(job_record_t, qos_ptr)", 688 },
	{ "offsetof(job_record_t, restart_cnt)", 706 },
	{ "offsetof(job_record_t, resv_name)", 736 },
	{ "offsetof(job_record_t, start_time)", 816 },
	{ "offsetof(job_record_t, time_limit)", 872 },
	{ "offsetof(job_record_t, total_cpus)", 888 },
	{ "offsetof(job_record_t, tres_fmt_req_str)", 960 },
	{ "offsetof(job_record_t, tres_fmt_alloc_str)", 984 },
	{ "offsetof(job_record_t, user_id)", 992 },
	{ "offsetof(job_record_t, user_name)", 1000 },
	{ "sizeof(struct job_details)", 504 },
	{ "offsetof(struct job_details, begin_time)", 40 },
	{ "offsetof(struct job_details, submit_time)", 440 },
	{ "offsetof(struct job_details, work_dir)", 464 },
	{ "sizeof(slurmdb_qos_rec_t)", 328 },
	{ "offsetof(slurmdb_qos_rec_t, name)", 256 },
	{ "sizeof(slurm_conf_t)", 1544 },
	{ "offsetof(slurm_conf_t, cluster_name)", 232 },
	{ "offsetof(slurm_conf_t, control_addr)", 256 },
	{ "offsetof(slurm_conf_t, control_cnt)", 264 },
	{ "offsetof(slurm_conf_t, control_machine)", 272 },
	{ "offsetof(slurm_conf_t, job_comp_loc)", 488 },
	{ "offsetof(slurm_conf_t, slurm_conf)", 1160 },
	{ "offsetof(slurm_conf_t, slurmctld_timeout)", 1274 },
	{ "offsetof(slurm_conf_t, state_save_location)", 1368 },
	{ "sizeof(slurmctld_config_t)", 360 },
	{ "offsetof(slurmctld_config_t, shutdown_time)", 200 },
	{ "offsetof(slurmctld_config_t, resume_backup)", 188 },
	{ "offsetof(slurmctld_config_t, node_name_short)", 124 },
};
#define LAYOUT_GOLDEN_VERSION "22.05.8"
