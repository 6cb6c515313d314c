#!/bin/bash
#
# 0820-metrics.t - fsched's Prometheus metrics, scraped for real: Debian's
# prometheus-node-exporter runs on each head node with only its textfile
# collector, reading the directory of that host's MetricsFile; curl on
# the login host scrapes /metrics.  "fsched-hook watch --once" on each head
# node: the fsched_* samples appear with their types, node_exporter parses
# the file without error, exactly one head node says it is active.  Job
# runs with jobcomp/fsched: the active head node (only) exports the job
# counters of counters.json with the right values.  After kill -9 of the
# active controller and the takeover, fsched_takeovers_total has gone up
# on both head nodes (not reset, not doubled); more runs: the new active
# head node exports fsched_jobs_finished_total = before + new (not reset),
# the old one no job counter.  Then the watcher runs as
# fsched-watch.service runs it (its ExecStart, User= and Environment=) on
# both head nodes; at failback the exporters show the change by
# themselves, job counters included.  Last, an unreadable counters.json:
# fsched_counters_readable 0, the other metrics stay, logged once.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib/tap.sh"
. "$here/lib/cluster.sh"
. "$here/lib/fsched.sh"
. "$here/lib/ops.sh"

plan 73
fsched_require
ops_require_cmd prometheus-node-exporter curl
id prometheus >/dev/null 2>&1 ||
	bail_out "no user prometheus (installed with prometheus-node-exporter)"
unit_in=$(ops_src)/contrib/systemd/fsched-watch.service.in
[[ -r $unit_in ]] || bail_out "missing $unit_in"

PORT=9100
SLURMCTLD_TIMEOUT=10
fsched_use_all
cluster_setup || bail_out "cluster_setup failed"
# Each head node's MetricsFile on its own disk: $FS_T/local/metrics.
for h in "${FS_CTLDS[@]}"; do
	install -d -o slurm -g slurm -m 0755 "$FS_T/hosts/$h/local/metrics" \
		"$FS_T/hosts/$h/local/run/fsched" || bail_out "mkdir failed"
done
ops_fsched_conf_append "MetricsFile=$FS_T/local/metrics/fsched.prom" \
	"StatusFile=$FS_T/local/run/fsched/status.json" "WatchInterval=1" ||
	bail_out "cannot extend fsched.conf"
cluster_start || bail_out "the cluster did not come up"

# node_exporter as Debian runs it (user prometheus), textfile collector
# only, on the head node's address.
for h in "${FS_CTLDS[@]}"; do
	host_bg "$h" node_exporter runuser -u prometheus -- \
		prometheus-node-exporter --collector.disable-defaults \
		--collector.textfile \
		--collector.textfile.directory="$FS_T/local/metrics" \
		--web.listen-address="${FS_ADDR[$h]}:$PORT"
	fs_wait_daemons 20 "$h:node_exporter" host_listening "$h" "$PORT" ||
		bail_out "node_exporter on $h does not listen: $(tail -n 5 "$FS_T/hosts/$h/node_exporter.out")"
done

# scrape HOST - node_exporter's page of HOST into $FS_T/scrape.HOST (a
# file: "ok" and "wait_for" may run it in a subshell); page HOST prints it.
scrape() {
	ops_scrape "$1" "$PORT" >"$FS_T/scrape.$1.tmp" &&
		mv "$FS_T/scrape.$1.tmp" "$FS_T/scrape.$1"
}
page() { cat "$FS_T/scrape.$1" 2>/dev/null; }
val() { ops_metric "$2" "$(page "$1")"; }	# val HOST NAME
# fin HOST STATE - fsched_jobs_finished_total of partition debug, STATE.
fin() {
	val "$1" "fsched_jobs_finished_total{partition=\"debug\",state=\"$2\"}"
}
# job_counters HOST - how many job counter samples HOST's page has.
job_counters() {
	page "$1" | grep -c -E '^fsched_(jobs_|journal_|counters_)'
}
# run_jobs OK FAIL - OK runs of "true", FAIL of "exit 3", until finished.
run_jobs() {
	local ids=() id i
	for ((i = 0; i < $1; i++)); do ids+=("$(submit -J ok --wrap true)"); done
	for ((i = 0; i < $2; i++)); do ids+=("$(submit -J fail --wrap 'exit 3')"); done
	for id in "${ids[@]}"; do
		[[ -n $id ]] && wait_job "$id" 60 COMPLETED FAILED || return 1
	done
}
records_are() { [[ $(fsched_json counters.json .records) == "$1" ]]; }
journal() { cat "$(fsched_state_dir)"/jobcomp/jobcomp-*.jsonl 2>/dev/null; }
# in_journal STATE - runs of partition debug that ended in STATE.
in_journal() {
	journal | jq -r 'select(.partition == "debug") | .state' | grep -c -x "$1"
}

# --- before any failover ----------------------------------------------------
for h in "${FS_CTLDS[@]}"; do
	ok "watch --once on $h (as SlurmUser)" fsched_hook_on "$h" watch --once
done
ok "scrape ctl1's node_exporter" scrape ctl1
ok "scrape ctl2's node_exporter" scrape ctl2
is "$(val ctl1 node_textfile_scrape_error)" 0 "node_exporter parsed fsched.prom without error"
like "$(page ctl1)" 'node_textfile_mtime_seconds\{file="[^"]*fsched\.prom"\}' \
	"... and reports its mtime"
for t in "fsched_takeovers_total counter" "fsched_epoch gauge" \
	"fsched_status gauge" "fsched_this_host_active gauge" \
	"fsched_heartbeat_age_seconds gauge" \
	"fsched_active_controller_index gauge"; do
	like "$(page ctl1)" "# TYPE $t" "/metrics has ${t% *} as a ${t#* }"
done
is "$(val ctl1 fsched_takeovers_total) $(val ctl2 fsched_takeovers_total)" "0 0" \
	"fsched_takeovers_total 0 on both head nodes"
is "$(val ctl1 fsched_epoch)" 1 "fsched_epoch 1"
is "$(val ctl1 fsched_this_host_active)/$(val ctl2 fsched_this_host_active)" 1/0 \
	"fsched_this_host_active: ctl1 1, ctl2 0"
is "$(val ctl2 fsched_active_controller_index)" 0 "ctl2 reports controller index 0 active"
is "$(val ctl1 fsched_status)" 0 "fsched_status 0 (OK)"
before=$(val ctl1 fsched_takeovers_total)

# --- job counters: only the active head node exports them -------------------
ok "3 runs complete, 2 fail" run_jobs 3 2
ok "counters.json counts the 5 runs" wait_for 20 records_are 5
# The backup must not run them again from an older job_state (slurmctld
# saves it lazily): a held job, never run, to request a save.
held=$(submit -J held --hold --wrap true)
ok "job state saved by ctl1" ctld_save_jobs "$held"
for h in "${FS_CTLDS[@]}"; do
	fsched_hook_on "$h" watch --once
	scrape "$h"
done
is "$(fin ctl1 COMPLETED)/$(fin ctl1 FAILED)" 3/2 \
	"ctl1: fsched_jobs_finished_total{partition=\"debug\"}: COMPLETED 3, FAILED 2"
is "$(val ctl1 fsched_jobs_journalled_total) $(val ctl1 fsched_counters_readable)" \
	"5 1" "... fsched_jobs_journalled_total 5, fsched_counters_readable 1"
is "$(val ctl1 fsched_journal_records_dropped_total) $(val ctl1 fsched_journal_write_errors_total) $(val ctl1 fsched_journal_queue_depth)" \
	"0 0 0" "... no record dropped, no write error, queue empty"
is "$(val ctl1 fsched_jobs_reconciled_total) $(val ctl1 fsched_journal_duplicates_skipped_total)" \
	"0 0" "... nothing reconciled or skipped"
upd=$(val ctl1 fsched_counters_updated_seconds)	# 1.7e+09: a float
ok "fsched_counters_updated_seconds is recent ($upd)" \
	awk -v u="$upd" -v n="$(date +%s)" 'BEGIN { exit !(u > n - 300 && u <= n + 5) }'
for t in "fsched_jobs_finished_total counter" \
	"fsched_jobs_journalled_total counter" \
	"fsched_jobs_reconciled_total counter" \
	"fsched_journal_duplicates_skipped_total counter" \
	"fsched_journal_records_dropped_total counter" \
	"fsched_journal_write_errors_total counter" \
	"fsched_journal_queue_depth gauge" \
	"fsched_counters_updated_seconds gauge" \
	"fsched_counters_readable gauge"; do
	like "$(page ctl1)" "# TYPE $t" "/metrics has ${t% *} as a ${t#* }"
done
is "$(val ctl1 node_textfile_scrape_error)" 0 "node_exporter parses the job counters"
is "$(job_counters ctl2)" 0 "ctl2 (standby) exports no job counter"
before_ok=$(fin ctl1 COMPLETED) before_fail=$(fin ctl1 FAILED)

# --- kill -9 of the active controller, takeover ------------------------------
ctld_takeover || bail_out "no takeover"
diag "takeover in $FS_TAKEOVER_SECS s"
active_is() { [[ $(fsched_json active.json .host) == "$1" ]]; }
ok "fsched-primary-on recorded ctl2" wait_for 15 active_is ctl2
fsched_hook_on ctl2 watch --once
ok "scrape ctl2 after the takeover" scrape ctl2
after=$(val ctl2 fsched_takeovers_total)
cmp_ok "$after" '>' "$before" "fsched_takeovers_total went up: $before -> $after"
is "$after" 1 "... by exactly one"
is "$(val ctl2 fsched_this_host_active) $(val ctl2 fsched_active_controller_index)" "1 1" \
	"ctl2: this host active, controller index 1"
is "$(val ctl2 fsched_epoch)" 2 "fsched_epoch 2"
# ctl1's host is up, its slurmctld is not: its watcher reports the same
# counter, and not active.
fsched_hook_on ctl1 watch --once
ok "scrape ctl1 after the takeover" scrape ctl1
is "$(val ctl1 fsched_takeovers_total)" "$after" "ctl1 reports the same takeover count"
is "$(val ctl1 fsched_this_host_active)" 0 "ctl1: not active"

# --- job counters after the takeover: not reset, exported by ctl2 -----------
ok "2 more runs complete, 1 fails (ctl2 in control)" run_jobs 2 1
ok "counters.json counts 8 runs" wait_for 30 records_are 8
is "$(fsched_json counters.json .host)" ctl2 "... written by ctl2's journal writer"
for h in "${FS_CTLDS[@]}"; do
	fsched_hook_on "$h" watch --once
	scrape "$h"
done
cmp_ok "$(fin ctl2 COMPLETED)" '>=' $((before_ok + 2)) \
	"ctl2: COMPLETED not reset: $before_ok before, $(fin ctl2 COMPLETED) after 2 more"
cmp_ok "$(fin ctl2 FAILED)" '>=' $((before_fail + 1)) \
	"ctl2: FAILED not reset: $before_fail before, $(fin ctl2 FAILED) after 1 more"
is "$(fin ctl2 COMPLETED)/$(fin ctl2 FAILED) $(val ctl2 fsched_jobs_journalled_total)" \
	"$(in_journal COMPLETED)/$(in_journal FAILED) $(journal | wc -l)" \
	"... exactly the journal (COMPLETED/FAILED journalled)"
is "$(in_journal COMPLETED)/$(in_journal FAILED) $(journal | wc -l)" "5/3 8" \
	"... which has COMPLETED 5, FAILED 3, 8 runs (none run twice)"
is "$(val ctl2 fsched_counters_readable) $(val ctl2 node_textfile_scrape_error)" \
	"1 0" "... counters readable, file parsed"
is "$(job_counters ctl1)" 0 "ctl1 (controller killed) no longer exports job counters"

# --- the watcher as fsched-watch.service runs it ----------------------------
unit_get() {	# unit_get KEY - value of KEY= in the unit (first one)
	sed -n "s/^$1=//p" "$unit_in" | head -n 1
}
exec_start=$(unit_get ExecStart)
unit_user=$(unit_get User)
unit_env=$(unit_get Environment)
is "$exec_start" "@SBINDIR@/fsched-hook watch" "the unit runs fsched-hook watch"
is "$unit_user $unit_env" "slurm SLURM_CONF=@SLURM_CONF@" "... as slurm, with SLURM_CONF"
like "$(cat "$unit_in")" $'\nRestart=on-failure\n' "... restarted on failure"
exec_start=${exec_start//@SBINDIR@/$FSCHED_SBINDIR}
unit_env=${unit_env//@SLURM_CONF@/$SLURM_CONF}
for h in "${FS_CTLDS[@]}"; do
	# shellcheck disable=SC2086 # the command line is split into words
	host_bg "$h" fsched-watch runuser -u "$unit_user" -- env "$unit_env" \
		$exec_start
done
ctld_failback ctl1 || bail_out "no failback"
shows() {	# shows HOST NAME VALUE - HOST's exporter has NAME VALUE
	scrape "$1" && [[ $(val "$1" "$2") == "$3" ]]
}
ok "ctl1's exporter shows ctl1 active again (watch refreshed by itself)" \
	wait_for 20 shows ctl1 fsched_this_host_active 1
is "$(val ctl1 fsched_takeovers_total)" 2 "fsched_takeovers_total 2 after the failback"
ok "... and fsched_jobs_journalled_total 8" \
	wait_for 20 shows ctl1 fsched_jobs_journalled_total 8
is "$(fin ctl1 COMPLETED)/$(fin ctl1 FAILED)" 5/3 \
	"... fsched_jobs_finished_total COMPLETED 5, FAILED 3: never reset"
ok "ctl2's exporter shows ctl2 in standby" \
	wait_for 20 shows ctl2 fsched_this_host_active 0
is "$(val ctl2 fsched_takeovers_total)" 2 "... with the same count: 0, 1, 2, never reset"
is "$(job_counters ctl2)" 0 "... and no job counter"

# --- an unreadable counters.json -------------------------------------------
# ctl1's writer has synced (it rewrote the file) and, with no job running,
# does not rewrite it: replace it with a torn one, then put it back.
written_by() { [[ $(fsched_json counters.json .host) == "$1" ]]; }
ok "ctl1's journal writer took counters.json over" wait_for 30 written_by ctl1
sleep 2	# its reconciliation: duplicates only, no rewrite
cnt=$(fsched_state_dir)/counters.json
cp -p "$cnt" "$FS_T/counters.saved" &&
	printf '{"version":1,"records":' >"$cnt.tmp" &&
	chown --reference="$cnt" "$cnt.tmp" && mv "$cnt.tmp" "$cnt"
watch_log=$FS_T/hosts/ctl1/fsched-watch.out
ok "ctl1's exporter: fsched_counters_readable 0" \
	wait_for 20 shows ctl1 fsched_counters_readable 0
is "$(job_counters ctl1)" 1 "... the only job counter sample"
is "$(val ctl1 fsched_this_host_active) $(val ctl1 fsched_takeovers_total) $(val ctl1 node_textfile_scrape_error)" \
	"1 2 0" "... the other metrics are there, the file parses"
sleep 3	# three more refreshes
is "$(grep -c 'job counters not exported' "$watch_log")" 1 \
	"the watcher logged it once: $(grep 'job counters not exported' "$watch_log" | head -n 1)"
cp -p "$FS_T/counters.saved" "$cnt.tmp" && mv "$cnt.tmp" "$cnt"
ok "readable again: fsched_counters_readable 1" \
	wait_for 20 shows ctl1 fsched_counters_readable 1
is "$(val ctl1 fsched_jobs_journalled_total)" 8 "... fsched_jobs_journalled_total 8"
like "$(cat "$watch_log")" 'counters\.json can be read again' "... and logged"
ok "the watchers still run" eval 'daemon_pid ctl1 fsched-watch && daemon_pid ctl2 fsched-watch'
done_testing
