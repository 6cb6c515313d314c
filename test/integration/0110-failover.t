#!/bin/bash
#
# 0110-failover.t - kill -9 of the controller in control (ctl1): the backup
# (ctl2) takes over within SlurmctldTimeout + 15 s, running jobs survive
# (their processes on the compute hosts are untouched), a pending job runs
# once resources free up, new jobs are accepted; then ctl1 restarts and
# takes control back, with the jobs still there.
#
# Timings (kill -> backup in control, restart -> primary back in control)
# are printed as TAP diagnostics.
#
# No "set -e": a failing assertion must not stop the script.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib/tap.sh"
. "$here/lib/cluster.sh"

SLURMCTLD_TIMEOUT=10
TAKEOVER_BOUND=$((SLURMCTLD_TIMEOUT + 15))

plan 36

cluster_setup || bail_out "cluster_setup failed"
cluster_start || bail_out "the cluster did not come up"
is "$(ctld_active)" ctl1 "ctl1 is in control at start"

# --- jobs: A fills n1, B half of n2, C (a whole node) must wait -------------
a=$(submit -J fs-a -w n1 -c 4 --wrap 'sleep 600')
b=$(submit -J fs-b -w n2 -c 2 --wrap 'sleep 600')
ok "job A ($a) running" wait_job "$a" 30 RUNNING
ok "job B ($b) running" wait_job "$b" 30 RUNNING
c=$(submit -J fs-c -c 4 --wrap 'sleep 600')
ok "job C ($c) pending" wait_job "$c" 15 PENDING
ok "job C waits for resources" wait_for 15 job_reason_is "$c" Resources

ok "A's sleep process runs on n1" wait_for 15 job_proc_alive n1 "$a" sleep
ok "B's sleep process runs on n2" wait_for 15 job_proc_alive n2 "$b" sleep
pid_a=$(job_proc_pid n1 "$a" sleep)
pid_b=$(job_proc_pid n2 "$b" sleep)
diag "A's sleep is pid $pid_a on n1, B's is pid $pid_b on n2"

ok "job state saved by ctl1" ctld_save_jobs "$c"

# --- takeover --------------------------------------------------------------
if ctld_takeover; then
	pass "ctl2 takes over after kill -9 of ctl1"
else
	fail "ctl2 takes over after kill -9 of ctl1"
fi
diag "takeover: $FS_TAKEOVER_SECS s until ctl2 in control," \
	"$FS_TAKEOVER_CLIENT_SECS s until squeue answers (SlurmctldTimeout=$SLURMCTLD_TIMEOUT)"
cmp_ok "${FS_TAKEOVER_SECS:-999}" '<=' "$TAKEOVER_BOUND" \
	"takeover within SlurmctldTimeout + 15 s"
is "$(ctld_active)" ctl2 "ctl2 is in control"
ok "ctl1's slurmctld is dead" not daemon_pid ctl1 slurmctld
ping=$(ctld_ping 2>&1)
like "$ping" 'Slurmctld\(primary\) at ctl1 is DOWN' "scontrol ping: ctl1 DOWN"
like "$ping" 'Slurmctld\(backup\) at ctl2 is UP' "scontrol ping: ctl2 UP"

is "$(job_state "$a")" RUNNING "ctl2 knows job A is running"
is "$(job_state "$b")" RUNNING "ctl2 knows job B is running"
is "$(job_state "$c")" PENDING "ctl2 knows job C is pending"
ok "A's very sleep process is still alive on n1" proc_is n1 "$pid_a" sleep
ok "B's very sleep process is still alive on n2" proc_is n2 "$pid_b" sleep

# a new job fits on n2 beside B
# shellcheck disable=SC2016 # expanded by the job
d=$(submit -J fs-d -c 2 --wrap 'echo "new $SLURM_JOB_ID on $(hostname)"')
ok "new job D ($d) accepted and completed under ctl2" \
	wait_job "$d" 30 COMPLETED
is "$(job_output "$d")" "new $d on n2" "job D output is right"

# freeing n1 lets C run (by backfill if the main scheduler did not restart)
client scancel "$a"
ok "job A cancelled" wait_job "$a" 30 CANCELLED
ok "A's sleep process is gone from n1" wait_for 20 not proc_is n1 "$pid_a" sleep
ok "pending job C starts once n1 is free" wait_job "$c" 30 RUNNING
is "$(job_field "$c" %N)" n1 "job C runs on n1"
ok "C's sleep process runs on n1" wait_for 15 job_proc_alive n1 "$c" sleep
pid_c=$(job_proc_pid n1 "$c" sleep)

# --- failback --------------------------------------------------------------
if ctld_failback ctl1; then
	pass "ctl1 takes control back after restart"
else
	fail "ctl1 takes control back after restart"
fi
diag "failback: $FS_FAILBACK_SECS s from starting ctl1 until it is in control"
is "$(ctld_active)" ctl1 "ctl1 is in control again"
ok "ctl2 is back in standby" not ctld_is_active ctl2
ok "scontrol ping shows both UP" fs_both_ctlds_up
ok "both nodes registered with ctl1" wait_for 30 nodes_ready
is "$(job_state "$b")" RUNNING "ctl1 knows job B is running"
is "$(job_state "$c")" RUNNING "ctl1 knows job C is running"
ok "B's very sleep process is still alive on n2" proc_is n2 "$pid_b" sleep
ok "C's very sleep process is still alive on n1" proc_is n1 "$pid_c" sleep
is "$(client_stdout srun -w n2 -c 2 hostname)" n2 \
	"srun works under ctl1 again" || client_err

client scancel "$b" "$c"

done_testing
