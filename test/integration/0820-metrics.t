#!/bin/bash
#
# 0820-metrics.t - fsched's Prometheus metrics, scraped for real: Debian's
# prometheus-node-exporter runs on each head node with only its textfile
# collector, reading the directory of that host's MetricsFile; curl on
# the login host scrapes /metrics.  "fsched-hook watch --once" on each head
# node: the fsched_* samples appear with their types, node_exporter parses
# the file without error, exactly one head node says it is active.  After
# kill -9 of the active controller and the takeover, fsched_takeovers_total
# has gone up on both head nodes (not reset, not doubled).  Then the
# watcher runs as fsched-watch.service runs it (its ExecStart, User= and
# Environment=) on both head nodes; at failback the exporters show the
# change by themselves.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib/tap.sh"
. "$here/lib/cluster.sh"
. "$here/lib/fsched.sh"
. "$here/lib/ops.sh"

plan 34
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
ok "ctl2's exporter shows ctl2 in standby" \
	wait_for 20 shows ctl2 fsched_this_host_active 0
is "$(val ctl2 fsched_takeovers_total)" 2 "... with the same count: 0, 1, 2, never reset"
ok "the watchers still run" eval 'daemon_pid ctl1 fsched-watch && daemon_pid ctl2 fsched-watch'
done_testing
