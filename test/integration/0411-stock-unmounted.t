#!/bin/bash
#
# 0411-stock-unmounted.t - the same scenario as 0410 with stock Slurm 22.05
# (select/cons_tres, nothing of fsched): the backup takes over the empty
# StateSaveLocation, starts without jobs and kills every job the compute
# nodes report.  This is what fsched's guard prevents; the test documents
# it (and fails if stock Slurm ever stops doing it, so that the comparison
# stays true).
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib/tap.sh"
. "$here/lib/cluster.sh"
. "$here/lib/unmounted.sh"

plan 4
SELECT_TYPE=select/cons_tres
SLURMCTLD_TIMEOUT=10
unmounted_setup
all_dead() { [[ $(um_alive) -eq 0 ]]; }

ok "stock ctl2 takes over the empty state" \
	wait_for $((SLURMCTLD_TIMEOUT + 30)) ctld_is_active ctl2
is "$(client squeue -h | wc -l)" 0 "it knows no job"
ok "it kills every job process the nodes report" wait_for 60 all_dead
diag "stock Slurm killed $((3 - $(um_alive))) of 3 running jobs, $(($(date +%s) - UM_KILL_TIME)) s after the kill of ctl1"
is "$(grep -c 'error: Orphan StepId=[0-9]*.batch reported on node' "$(host_log ctl2 ctld)")" 3 \
	"slurmctld killed them as orphans"
done_testing
