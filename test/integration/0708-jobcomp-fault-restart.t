#!/bin/bash
#
# 0708-jobcomp-fault-restart.t - slurmctld restarted while its journal
# cannot be written: the queued records live only in its memory.
#
# JobCompLoc is on a tmpfs in ctl1's mount namespace, remounted read-only;
# runs finish and their records are queued; ctl1's slurmctld is stopped
# (SIGTERM: its writer tries a last drain, which fails) and started again
# at once (well within SlurmctldTimeout, so ctl2 does not take over), the
# file system still read-only.  The new writer must get those runs back
# from the job list (reconciliation: finished jobs stay MinJobAge=300 s)
# and write them once the file system is read-write again.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib/tap.sh"
. "$here/lib/cluster.sh"
. "$here/lib/fsched.sh"
. "$here/lib/jcfaults.sh"

plan 13
fsched_require
jf_cluster_up jf_mount_tmpfs size=4m,mode=0755 ||
	bail_out "the cluster did not come up"

remount() {
	wait_for 10 jf_ctl1 mount -o "remount,$1" "$JF_MNT" ||
		diag "remount,$1 of $JF_MNT failed"
}

jf_submit 5 >/dev/null
wait_for 60 jf_idle
ok "before the fault, every run is journalled" wait_for 30 jf_written_all

JF_FAULTS=1
remount ro
off=$(jf_log_size)
jf_submit 20 >/dev/null
ok "runs during the fault complete" wait_for 90 jf_idle
ok "the write error is logged" \
	wait_for 30 jf_has_err "$off" 'Read-only file system'
before=$(jf_lines)
runs=$(jf_runs)
cmp_ok "$before" "<" "$runs" "their records are queued ($before lines, $runs runs)"

# Stop ctl1's slurmctld (SIGTERM) and start it again at once.
pid=$(daemon_pid ctl1 slurmctld)
t0=$(fs_now_us)
kill -TERM "$pid"
ok "slurmctld on ctl1 stops on SIGTERM despite the fault" \
	wait_for 30 fs_none_alive "$pid"
diag "slurmctld stopped in $(fs_secs_since "$t0") s"
off=$(jf_log_size)
ctld_start ctl1
ok "ctl1 is in control again" wait_for 30 ctld_is_active ctl1
ok "ctl2 did not take over" not ctld_is_active ctl2
reconciled() {
	jf_log_since "$off" |
		grep -q 'jobcomp/fsched: reconciliation: [0-9]* finished job runs missing'
}
ok "the new writer reconciles the queued runs from the job list" \
	wait_for 30 reconciled
diag "$(jf_log_since "$off" | grep -o 'reconciliation: .*' | head -n 1)"
ok "... and cannot write them yet" \
	wait_for 30 jf_has_err "$off" 'Read-only file system'

remount rw
ok "after the fault, every run is written" wait_for 45 jf_written_all
is "$(jf_keys | sort | uniq -d | wc -l)" 0 "no run key twice"
is "$(jf_journal_jobs | paste -sd' ')" "$(jf_slurm_runs | paste -sd' ')" \
	"the journal's runs are exactly Slurm's finished runs"
lost=$(($(jf_runs) - $(jf_keys | sort -u | grep -c .)))
((lost > 0)) || lost=0
JF_LOST=$lost
diag "runs $(jf_runs), journal lines $(jf_lines), reconciled $(jf_journal | jq -R -r 'fromjson? | select(.reconciled == true) | .job_id' | grep -c .)"
jf_summary
done_testing
