#!/bin/bash
#
# 0100-cluster-up.t - the test cluster comes up and runs jobs: both
# controllers answer (ctl1 in control, ctl2 standby), both nodes are idle,
# sbatch and srun jobs run with the right output, and a GRES configured
# without any device file can be requested, is consumed and is bounded.
#
# No "set -e": a failing assertion must not stop the script.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib/tap.sh"
. "$here/lib/cluster.sh"

plan 19

cluster_setup || bail_out "cluster_setup failed"
cluster_start || bail_out "the cluster did not come up"

# --- controllers -----------------------------------------------------------
ping=$(ctld_ping 2>&1)
like "$ping" 'Slurmctld\(primary\) at ctl1 is UP' "scontrol ping: primary ctl1 UP"
like "$ping" 'Slurmctld\(backup\) at ctl2 is UP' "scontrol ping: backup ctl2 UP"
is "$(ctld_active)" ctl1 "ctl1 is the controller in control"
ok "ctl2 is in standby (refuses non-ping RPCs)" not ctld_is_active ctl2

# --- nodes -----------------------------------------------------------------
is "$(node_state n1)" idle "n1 is idle"
is "$(node_state n2)" idle "n2 is idle"
like "$(client scontrol show node n1)" 'CPUTot=4 .*RealMemory=2000 ' \
	"n1 has the configured size (config_overrides)"

# --- sbatch ----------------------------------------------------------------
# shellcheck disable=SC2016 # expanded by the job
id=$(submit -J fs-hello \
	--wrap 'echo "hello from $(hostname) job $SLURM_JOB_ID"')
like "$id" '^[0-9]+$' "sbatch returns a job id"
ok "batch job $id completes" wait_job "$id" 30 COMPLETED
node=$(job_field "$id" %N)
like "$node" '^n[12]$' "batch job ran on a compute node"
is "$(job_output "$id")" "hello from $node job $id" "batch job output is right"

# --- srun ------------------------------------------------------------------
out=$(client_stdout srun -N2 -n2 -l hostname | sort)
is "$out" $'0: n1\n1: n2' "srun -N2 runs one task on each node" || client_err
client srun -N1 -n1 sh -c 'exit 3' >/dev/null 2>&1
is "$?" 3 "srun returns the task's exit code"

# --- GRES without device (Gres=bandwidth:100 in slurm.conf, no gres.conf) --
id=$(submit -J fs-gres -w n1 --gres=bandwidth:10 --wrap 'sleep 120')
ok "job with --gres=bandwidth:10 runs" wait_job "$id" 30 RUNNING
like "$(client scontrol show job -d "$id")" 'GRES=bandwidth\(CNT:10\)' \
	"the job holds 10 units of bandwidth on n1"
ok "a job needing 95 more units on n1 cannot start now" \
	not client srun --immediate=1 -w n1 --gres=bandwidth:95 true
is "$(client_stdout srun -w n1 --gres=bandwidth:90 hostname)" n1 \
	"a job needing 90 more units runs" || client_err
ok "a request over the configured count is rejected" \
	not client sbatch --gres=bandwidth:101 --wrap true
client scancel "$id"
ok "gres job cancelled" wait_job "$id" 30 CANCELLED

done_testing
