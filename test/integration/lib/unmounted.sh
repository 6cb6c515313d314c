# shellcheck shell=bash
#
# unmounted.sh - the "shared file system not mounted on the backup"
# scenario, shared by 0410 (with fsched's guard) and 0411 (stock Slurm).
#
# unmounted_setup: cluster up, three running jobs (sleep $UM_SLEEP) whose
# sleep processes are recorded in UM_PIDS (host:pid), their state saved;
# then the shared state is unmounted on ctl2 only (ctl2 is in standby and
# now sees the empty mount point), and ctl1 is killed with SIGKILL.
# um_alive: how many of the recorded job processes are alive.

: "${UM_SLEEP:=600}"
UM_JOBS=()
UM_PIDS=()

unmounted_setup() {
	local id h pid i
	cluster_setup || bail_out "cluster_setup failed"
	cluster_start || bail_out "the cluster did not come up"
	for i in 1 2 3; do
		h=n$(((i - 1) % 2 + 1))
		id=$(submit -J "um-$i" -w "$h" -c 1 --wrap "sleep $UM_SLEEP") ||
			bail_out "submit failed"
		UM_JOBS+=("$id")
	done
	for id in "${UM_JOBS[@]}"; do
		wait_job "$id" 30 RUNNING || bail_out "job $id did not start"
	done
	for i in 0 1 2; do
		h=n$((i % 2 + 1))
		wait_for 15 job_proc_alive "$h" "${UM_JOBS[$i]}" sleep ||
			bail_out "no process for job ${UM_JOBS[$i]}"
		pid=$(job_proc_pid "$h" "${UM_JOBS[$i]}" sleep)
		UM_PIDS+=("$h:$pid")
	done
	ctld_save_jobs "${UM_JOBS[2]}" || bail_out "job state not saved"
	host_unmount_state ctl2 || bail_out "cannot unmount the state on ctl2"
	host_run ctl2 sh -c "test -z \"\$(ls -A '$FS_STATE')\"" ||
		bail_out "ctl2 still sees the state"
	# shellcheck disable=SC2034 # read by the tests
	UM_KILL_TIME=$(date +%s)
	ctld_kill ctl1 || bail_out "cannot kill ctl1"
}

um_alive() {
	local hp n=0
	for hp in "${UM_PIDS[@]}"; do
		proc_is "${hp%%:*}" "${hp#*:}" sleep && n=$((n + 1))
	done
	echo "$n"
}
