#!/bin/bash
#
# 0410-guard-unmounted.t - the backup takes over while its view of the
# shared StateSaveLocation is empty (file system not mounted there).
#
# Stock Slurm 22.05 then starts with no jobs and kills every job the nodes
# report (0411 shows it).  With select/fsched_cons_tres the backup refuses
# to start: slurmctld stops before it processes any node registration, and
# every job process on the compute nodes is still running a minute later.
# Once the file system is back and the backup is restarted, it takes over
# with the real state, and the jobs finish and are recorded by
# jobcomp/fsched.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib/tap.sh"
. "$here/lib/cluster.sh"
. "$here/lib/fsched.sh"
. "$here/lib/unmounted.sh"

plan 15
fsched_require
fsched_use_all
SLURMCTLD_TIMEOUT=10
UM_SLEEP=150
unmounted_setup
ctld_gone() { ! daemon_pid "$1" slurmctld >/dev/null 2>&1; }

ok "the backup stops instead of taking over the empty state" \
	wait_for $((SLURMCTLD_TIMEOUT + 30)) ctld_gone ctl2
diag "ctl2 stopped $(($(date +%s) - UM_KILL_TIME)) s after the kill of ctl1"
refusal=$(grep 'state guard refused' "$(host_log ctl2 ctld)")
like "$refusal" "refused this start \\(not-shared\\): StateSaveLocation $FS_STATE is on a local .* file system and is not a mount point" \
	"the refusal names StateSaveLocation and why"
like "$refusal" 'Way out: .*fsched-hook guard --allow-once' "... and the way out"
like "$(cat "$(host_log ctl2 ctld)")" 'Clean start required' \
	"slurmctld stopped on the guard's error"
ok "ctl2 never registered a node" \
	not grep -q 'Node n[12] now responding' "$(host_log ctl2 ctld)"
ok "the guard recorded its decision on ctl2" \
	jq -e '.decision == "refuse" and .code == "not-shared"' \
	"$FS_T/hosts/ctl2/local/lib/fsched/guard.json"
# Slurm itself writes last_config_lite there before any plugin runs;
# fsched must not add to it (it never creates its directory on a file
# system the guard distrusts).
ok "fsched wrote nothing into the empty mount point of ctl2" \
	not test -e "$FS_STATE/fsched"
diag "what slurmctld wrote into the empty mount point: $(find "$FS_STATE" -mindepth 1 -printf '%f ')"

is "$(um_alive)" 3 "all 3 job processes alive right after the refusal"
sleep 60
is "$(um_alive)" 3 "all 3 job processes still alive a minute later"

# The file system is back: restart the backup (ctl1 is still dead).
host_mount_state ctl2 || bail_out "cannot mount the state on ctl2"
ctld_start ctl2
ok "ctl2 takes over with the real state" wait_for 60 ctld_is_active ctl2
like "$(grep 'state guard' "$(host_log ctl2 ctld)" | tail -n 1)" \
	'start allowed \(ok\)' "the guard allows it"
for id in "${UM_JOBS[@]}"; do
	wait_job "$id" 200 COMPLETED >/dev/null
done
is "$(for id in "${UM_JOBS[@]}"; do job_state "$id"; done | sort -u)" \
	COMPLETED "the three jobs ran to completion"
ok "journal flushed" wait_for 10 sh -c \
	"test \$(cat '$(fsched_state_dir)'/jobcomp/*.jsonl | grep -c '\"state\":\"COMPLETED\"') -ge 3"
recorded=$(cat "$(fsched_state_dir)"/jobcomp/*.jsonl |
	jq -r 'select(.state == "COMPLETED") | .job_id' | sort -n | paste -sd' ')
is "$recorded" "${UM_JOBS[*]}" "each job recorded once by jobcomp/fsched"
sacct=$(client sacct -c -a -n -X -o jobid,state 2>/dev/null | awk '{print $1, $2}' | sort -n)
is "$(grep -c COMPLETED <<<"$sacct")" 3 "sacct -c shows the three COMPLETED runs"
done_testing
