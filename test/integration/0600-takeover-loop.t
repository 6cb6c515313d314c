#!/bin/bash
#
# 0600-takeover-loop.t - Slurm 22.05 bugs 17032 and 16669 and fsched's
# mitigations, on real daemons.
#
# CYCLES times: kill -9 of the active controller (ctl1), takeover by ctl2;
# once the nodes have registered with ctl2 and backfill's first pass is
# over, a short job is submitted and must start within START_BOUND seconds
# (with bf_interval=60 only the main scheduler can do that; sdiag's main
# scheduler cycles are counted too), then ctl1 is restarted and must take
# control back within 60 s (a "hang" otherwise).  From the second cycle
# on, ctl2 has been primary before: that is bug 16669's case.
#
# The loop runs twice in this one test: with jobcomp/fsched and
# select/fsched_cons_tres and both mitigations (MitigateBug17032,
# ReexecStandby), and with them switched off in fsched.conf.  Only the
# first run is asserted to be perfect; both sets of counts are printed.
# The mitigated run also checks what the re-exec must keep (pid, pid file,
# log, listening port, one slurmscriptd, no zombie) and that a SIGTERM
# during a takeover still stops the daemon.
#
# Two loops of 10 cycles (a takeover after SlurmctldTimeout=10, a job, a
# failback) take about 10 minutes here:
# fsched-timeout: 1500
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib/tap.sh"
. "$here/lib/cluster.sh"
. "$here/lib/fsched.sh"

CYCLES=${FSCHED_LOOP_CYCLES:-10}
START_BOUND=3
plan 14
fsched_require
out=$(mktemp -d "${TMPDIR:-/tmp}/fsched-loop.XXXXXX") || bail_out mktemp
trap 'rm -rf "$out"' EXIT

main_cycles() {
	client sdiag 2>/dev/null |
		awk '/^Main schedule statistics/ { f = 1 } f && /Total cycles:/ { print $3; exit }'
}
standby_ready() {	# ctl2 answers as a standby
	FS_CLIENT_CONF=$FS_T/etc/only-ctl2/slurm.conf client scontrol ping 2>&1 |
		grep -q 'ctl2 is UP'
}
reexecs() { grep -c 're-executing it' "$(host_log ctl2 ctld)"; }

# loop NAME - CYCLES cycles; results in $out/NAME.*
loop() {
	local name=$1 c j t0 started before after ran=0 hangs=0 takeovers=0
	local quick=0
	cluster_setup || return 1
	cluster_start || return 1
	for ((c = 1; c <= CYCLES; c++)); do
		if ! ctld_takeover; then
			echo "cycle $c: no takeover" >>"$out/$name.log"
			break
		fi
		takeovers=$((takeovers + 1))
		# Nodes registered with ctl2, and backfill's first pass (at
		# its start) over: from now on only the main scheduler can
		# start a job within START_BOUND (bf_interval=60).
		wait_for 30 nodes_ready
		sleep 4
		before=$(main_cycles)
		t0=$(fs_now_us)
		j=$(submit -J loop --wrap 'sleep 1')
		if wait_job "$j" "$START_BOUND" RUNNING COMPLETED >/dev/null; then
			quick=$((quick + 1))
		fi
		started=$(fs_secs_since "$t0")
		sleep 1
		after=$(main_cycles)
		if [[ ${after:-0} -gt 0 && ${after:-0} -ge ${before:-0} ]]; then
			ran=$((ran + 1))
		fi
		echo "cycle $c: takeover ${FS_TAKEOVER_SECS}s, main cycles ${before:-?}->${after:-?}, job started after ${started}s" >>"$out/$name.log"
		if ! ctld_failback ctl1; then
			hangs=$((hangs + 1))
			echo "cycle $c: handover to ctl1 hung" >>"$out/$name.log"
			ctld_kill ctl2
			ctld_kill ctl1
			ctld_start ctl1
			wait_for 60 ctld_is_active ctl1
			ctld_start ctl2
		fi
		# the next kill must find ctl2 a ready standby (re-executed or
		# not: same wait in both runs)
		sleep 8
		wait_for 60 standby_ready
	done
	echo "$takeovers $quick $ran $hangs" >"$out/$name.counts"
	reexecs >"$out/$name.reexecs"
	cp "$(host_log ctl2 ctld)" "$out/$name.ctl2.log"

	[[ $name == mitigated ]] || return 0
	# What a re-exec must keep: same pid, pid file, log, port.
	local pid pidfile=$FS_T/hosts/ctl2/local/run/slurmctld.pid
	pid=$(daemon_pid ctl2 slurmctld)
	echo "$pid" >"$out/pid"
	cat "$pidfile" >"$out/pidfile" 2>/dev/null
	grep -c 'slurmctld version .* started' "$(host_log ctl2 ctld)" >"$out/starts"
	pgrep -c -P "$pid" slurmscriptd >"$out/scriptd"
	# shellcheck disable=SC2009 # the state column of the children
	ps -o stat= --ppid "$pid" | grep -c Z >"$out/zombies"
	# A real shutdown during a takeover still stops the daemon.
	ctld_kill ctl1
	wait_for 60 grep -q 'taking over' "$(host_log ctl2 ctld)"
	kill -TERM "$pid"
	if wait_for 30 not daemon_pid ctl2 slurmctld; then
		echo stopped >"$out/sigterm"
	fi
}

(SELECT_TYPE=select/fsched_cons_tres JOBCOMP_TYPE=jobcomp/fsched \
	SCHED_PARAMS=bf_interval=60 FSCHED_CONF_LINES="MitigateBug17032=yes
ReexecStandby=yes" loop mitigated)
is "$?" 0 "mitigated loop ran"
(SELECT_TYPE=select/fsched_cons_tres JOBCOMP_TYPE=jobcomp/fsched \
	SCHED_PARAMS=bf_interval=60 FSCHED_CONF_LINES="MitigateBug17032=no
ReexecStandby=no" loop stock)
is "$?" 0 "unmitigated loop ran"

read -r m_to m_quick m_ran m_hangs <"$out/mitigated.counts"
read -r s_to s_quick s_ran s_hangs <"$out/stock.counts"
while read -r l; do diag "mitigated: $l"; done <"$out/mitigated.log"
while read -r l; do diag "without:   $l"; done <"$out/stock.log"
diag "with mitigations:    $m_to takeovers, main scheduler ran $m_ran, job started within ${START_BOUND}s $m_quick, handover hangs $m_hangs, re-execs $(cat "$out/mitigated.reexecs")"
diag "without mitigations: $s_to takeovers, main scheduler ran $s_ran, job started within ${START_BOUND}s $s_quick, handover hangs $s_hangs, re-execs $(cat "$out/stock.reexecs")"

is "$m_to" "$CYCLES" "mitigated: every takeover happened"
is "$m_ran" "$CYCLES" "mitigated: the main scheduler ran after every takeover"
is "$m_quick" "$CYCLES" "mitigated: the job started within ${START_BOUND} s every time"
is "$m_hangs" 0 "mitigated: no handover hung"
cmp_ok "$(cat "$out/mitigated.reexecs")" '>=' "$((CYCLES - 1))" \
	"ctl2 re-executed itself in standby after handing control back"
like "$(grep 'Slurm bug 17032' "$out/mitigated.ctl2.log" | head -n 1)" \
	'clearing the standby shutdown time' "the 17032 mitigation logged when it acted"
is "$(cat "$out/stock.reexecs")" 0 "ReexecStandby=no: never re-executed"
is "$(cat "$out/pidfile")" "$(cat "$out/pid")" "after re-execs: same pid, in the pid file"
cmp_ok "$(cat "$out/starts")" '>=' "$CYCLES" "... logging to the same file"
is "$(cat "$out/scriptd")" 1 "... one slurmscriptd"
is "$(cat "$out/zombies")" 0 "... no zombie children"
is "$(cat "$out/sigterm" 2>/dev/null)" stopped "SIGTERM during a takeover still stops slurmctld"
done_testing
