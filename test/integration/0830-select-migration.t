#!/bin/bash
#
# 0830-select-migration.t - doc/upgrade.md's sections 2 and 3 on real
# daemons, with running jobs: from select/cons_tres to
# select/fsched_cons_tres and back.
#
#   - slurmctld restarted with the new SelectType while n1's slurmd still
#     runs the old one: a job termination sent to n1 carries the new plugin
#     id, which that slurmd cannot unpack ("unknown select plugin id:
#     16109"); once n1's slurmd restarts with the new slurm.conf the job
#     ends.  Running jobs survive the switch (same processes).
#   - slurmctld converts every job to SelectType's id at its first start:
#     job_state holds id 16109 after the switch, none after the switch
#     back, and then slurmctld starts and serves the running job without
#     select_fsched_cons_tres.so in PluginDir.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib/tap.sh"
. "$here/lib/cluster.sh"
. "$here/lib/fsched.sh"
. "$here/lib/ops.sh"

plan 19
fsched_require
ops_require_cmd od

SELECT_TYPE=select/cons_tres	# FSCHED_PLUGIN_DIR is in PluginDir already
cluster_setup || bail_out "cluster_setup failed"
cluster_start || bail_out "the cluster did not come up"

# conf_set KEY VALUE - replace KEY's line in every slurm.conf of the run.
conf_set() {
	local f
	for f in "$SLURM_CONF" "$FS_T"/etc/only-*/slurm.conf; do
		sed -i "s|^$1=.*|$1=$2|" "$f" || return 1
	done
}
# restart_ctlds - kill -9 both controllers (state saved first), start ctl1
# then ctl2 with the slurm.conf now on disk.
restart_ctlds() {
	ctld_kill ctl2 && ctld_kill ctl1 && ctld_start ctl1 &&
		fs_wait_daemons 60 ctl1:slurmctld ctld_is_active ctl1 &&
		ctld_start ctl2 &&
		fs_wait_daemons 60 "ctl1:slurmctld ctl2:slurmctld" fs_both_ctlds_up
}
restart_slurmd() {	# restart_slurmd HOST
	slurmd_kill "$1" && slurmd_start "$1"
}
# state_has_id ID - job_state on the shared disk holds the 32-bit
# big-endian ID, as Slurm packs a plugin id.
state_has_id() {
	od -An -v -tx1 "$FS_STATE_EXPORT/job_state" | tr -d ' \n' |
		grep -q "$(printf '%08x' "$1")"
}
save_state() {	# save_state JOBID - a fresh job_state on disk
	ctld_save_jobs "$1"
}

j1=$(submit -w n1 -c 1 --wrap 'sleep 600')
j2=$(submit -w n2 -c 1 --wrap 'sleep 600')
{ wait_job "$j1" 30 RUNNING && wait_job "$j2" 30 RUNNING; } ||
	bail_out "jobs did not start"
{ wait_for 15 job_proc_alive n1 "$j1" sleep &&
	wait_for 15 job_proc_alive n2 "$j2" sleep; } ||
	bail_out "no job processes"
p1=$(job_proc_pid n1 "$j1" sleep)
p2=$(job_proc_pid n2 "$j2" sleep)
save_state "$j2" || bail_out "state not saved"
ok "job_state holds no id 16109 under select/cons_tres" not state_has_id 16109

# --- to select/fsched_cons_tres: controllers first, n1's slurmd left old ------
conf_set SelectType select/fsched_cons_tres || bail_out "cannot edit slurm.conf"
restart_ctlds || bail_out "controllers did not come back"
is "$(client scontrol show config | sed -n 's/^SelectType *= //p')" \
	select/fsched_cons_tres "slurmctld runs select/fsched_cons_tres"
restart_slurmd n2 || bail_out "slurmd n2 did not restart"
ok "nodes registered" wait_for 30 nodes_ready
is "$(job_state "$j1") $(job_state "$j2")" "RUNNING RUNNING" "both jobs still running"
ok "their processes are the same" eval "proc_is n1 $p1 sleep && proc_is n2 $p2 sleep"
save_state "$j2" || bail_out "state not saved"
ok "the first start converted the jobs: job_state holds id 16109" state_has_id 16109

client scancel "$j1"
ok "n1's slurmd (old SelectType) cannot unpack the termination" \
	wait_for 20 grep -q 'unknown select plugin id: 16109' "$(host_log n1 d)"
ok "... so j1's process still runs" proc_is n1 "$p1" sleep
restart_slurmd n1 || bail_out "slurmd n1 did not restart"
ok "after n1's slurmd restarted with the new slurm.conf, j1 ends" \
	wait_job "$j1" 40 CANCELLED
ok "... and its process is gone" wait_for 20 eval "! proc_is n1 $p1 sleep"
j3=$(submit -N2 --wrap 'srun hostname')
ok "a new job (batch and srun step on both nodes) completes" \
	wait_job "$j3" 40 COMPLETED
is "$(job_output "$j3" | sort | paste -sd' ')" "n1 n2" "... on n1 and n2"

# --- back to select/cons_tres, the plugin still installed ---------------------
conf_set SelectType select/cons_tres || bail_out "cannot edit slurm.conf"
restart_ctlds || bail_out "controllers did not come back"
{ restart_slurmd n1 && restart_slurmd n2; } || bail_out "slurmd did not restart"
ok "nodes registered" wait_for 30 nodes_ready
is "$(job_state "$j2")" RUNNING "j2 still running under select/cons_tres"
save_state "$j2" || bail_out "state not saved"
ok "job_state holds no id 16109 any more" not state_has_id 16109

# --- then without select_fsched_cons_tres.so in PluginDir ---------------------
sysdir=$(fs_find_plugin_dir) || bail_out "no system plugin dir"
conf_set PluginDir "$sysdir" || bail_out "cannot edit slurm.conf"
restart_ctlds || bail_out "slurmctld does not start without the plugin"
pass "slurmctld starts without select_fsched_cons_tres.so"
{ restart_slurmd n1 && restart_slurmd n2; } || bail_out "slurmd did not restart"
ok "nodes registered" wait_for 30 nodes_ready
is "$(job_state "$j2")" RUNNING "j2 still running"
client scancel "$j2"
ok "j2 cancelled" wait_job "$j2" 40 CANCELLED
done_testing
