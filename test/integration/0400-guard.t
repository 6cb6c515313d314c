#!/bin/bash
#
# 0400-guard.t - the state guard of select/fsched_cons_tres on real
# daemons, for the cases where it must NOT stand in the way, and the
# deliberate clean start:
#   - a fresh cluster's first start is allowed (and recorded);
#   - scontrol reconfigure never triggers the guard;
#   - kill -9 of the primary with running jobs: the backup's takeover is
#     allowed and the jobs' processes survive;
#   - a clean start (slurmctld -c) is refused while the manifest records
#     jobs, with the reason and the way out logged; after
#     "fsched-hook guard --allow-once" it is allowed once, logged, and the
#     override is consumed; the next normal start is checked again.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib/tap.sh"
. "$here/lib/cluster.sh"
. "$here/lib/fsched.sh"

plan 27
fsched_require
SELECT_TYPE=select/fsched_cons_tres
USE_FSCHED_HOOK=1
FSCHED_CONF_LINES="ManifestInterval=2"
cluster_setup || bail_out "cluster_setup failed"
cluster_start || bail_out "the cluster did not come up"

guard_events() {	# guard_events HOST -> their codes, one per line
	fsched_events | jq -r --arg h "$1" \
		'select(.host == $h and (.event | startswith("guard-"))) | .detail.code'
}
manifest_jobs() { fsched_json manifest.json .jobs; }
manifest_has_jobs() { [[ $(manifest_jobs) -ge $1 ]]; }
ctld_gone() { ! daemon_pid "$1" slurmctld >/dev/null 2>&1; }
guard_log() { grep 'select/fsched_cons_tres: state guard' "$(host_log "$1" ctld)"; }

# --- first start ----------------------------------------------------------
is "$(guard_events ctl1)" first-start "first start of a fresh cluster: allowed"
like "$(guard_log ctl1)" 'start allowed \(first-start\)' "... and logged"
ok "manifest written" wait_for 10 test -s "$(fsched_state_dir)/manifest.json"
ok "this host's marker written" \
	wait_for 10 test -s "$FS_T/hosts/ctl1/local/lib/fsched/cluster-fsched.json"

# --- reconfigure -------------------------------------------------------------
for i in 1 2 3; do
	client scontrol reconfigure >/dev/null 2>&1
done
sleep 2
ok "slurmctld survives three reconfigures" daemon_pid ctl1 slurmctld
is "$(guard_events ctl1 | wc -l)" 1 "reconfigure never runs the guard"
is "$(guard_log ctl1 | wc -l)" 1 "... nor logs it"

# --- takeover with the shared state ---------------------------------------------
a=$(submit -J g-a -w n1 -c 2 --wrap 'sleep 600')
b=$(submit -J g-b -w n2 -c 2 --wrap 'sleep 600')
ok "two jobs running" wait_job "$b" 30 RUNNING
ok "job A running" wait_job "$a" 30 RUNNING
ok "A's process on n1" wait_for 15 job_proc_alive n1 "$a" sleep
ok "B's process on n2" wait_for 15 job_proc_alive n2 "$b" sleep
pid_a=$(job_proc_pid n1 "$a" sleep)
pid_b=$(job_proc_pid n2 "$b" sleep)
ok "job state saved" ctld_save_jobs "$b"
ok "manifest records the jobs" wait_for 15 manifest_has_jobs 2
ctld_takeover
ok "ctl2 took over" test "$(ctld_active)" = ctl2
is "$(guard_events ctl2)" ok "the backup's takeover with the shared state is allowed"
like "$(guard_log ctl2)" 'start allowed \(ok\): state matches the manifest written by ctl1' \
	"... and says why"
ok "A's process survived the takeover" proc_is n1 "$pid_a" sleep
ok "B's process survived the takeover" proc_is n2 "$pid_b" sleep
is "$(job_state "$a")" RUNNING "ctl2 knows job A is running"

# --- a deliberate clean start ---------------------------------------------------
ctld_kill ctl2
ctld_start ctl1 -c
ok "slurmctld -c is refused: the manifest records running jobs" \
	wait_for 20 ctld_gone ctl1
like "$(grep 'state guard refused' "$(host_log ctl1 ctld)")" \
	"refused this start \\(no-jobs-loaded\\): the manifest written by ctl2 at [0-9]+ records [0-9]+ jobs, but none were loaded.*Way out: .*fsched-hook guard --allow-once" \
	"the refusal names the reason and the way out"
ok "the refusal is an event" wait_for 5 sh -c "grep -q '\"event\":\"guard-refused\"' '$(fsched_state_dir)/events.jsonl'"
ok "the jobs still run after the refusal" proc_is n1 "$pid_a" sleep

# As an administrator would: root, on the host that will start.
host_run ctl1 env SLURM_CONF="$SLURM_CONF" "$FSCHED_SBINDIR/fsched-hook" \
	guard --allow-once --reason "integration test clean start" >/dev/null
ok "override written on ctl1" test -s "$FS_T/hosts/ctl1/local/lib/fsched/allow-once.json"
ctld_start ctl1 -c
ok "slurmctld -c with the override comes up" wait_for 30 ctld_is_active ctl1
like "$(guard_log ctl1 | tail -n 1)" \
	'refusal \(no-jobs-loaded\) overridden once by allow-once.json \(by root: integration test clean start\)' \
	"the override is logged with who and why"
ok "the override was consumed" \
	wait_for 10 not test -e "$FS_T/hosts/ctl1/local/lib/fsched/allow-once.json"
done_testing
