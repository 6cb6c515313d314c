#!/bin/bash
#
# 0709-jobcomp-fault-queue-full.t - a fault that lasts longer than the
# queue: records are dropped only when JournalMaxQueue is full, every drop
# is counted and logged, and a restart's reconciliation brings them back.
#
# JournalMaxQueue=16 (its minimum).  JobCompLoc is on a tmpfs in ctl1's
# mount namespace, remounted read-only; 40 runs end during the fault: 16
# are queued, 24 dropped.  After the fault the 16 are written; the 24 are
# missing, exactly as many as counters.json and the log say were dropped.
# Then ctl1's slurmctld is restarted (SIGTERM, start at once): its
# reconciliation finds the 24 finished runs in the job list (MinJobAge=300)
# and writes them, and no run is in the journal twice.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib/tap.sh"
. "$here/lib/cluster.sh"
. "$here/lib/fsched.sh"
. "$here/lib/jcfaults.sh"

plan 13
fsched_require
FSCHED_CONF_LINES="JournalMaxQueue=16"
jf_cluster_up jf_mount_tmpfs size=4m,mode=0755 ||
	bail_out "the cluster did not come up"

remount() {
	wait_for 10 jf_ctl1 mount -o "remount,$1" "$JF_MNT" ||
		diag "remount,$1 of $JF_MNT failed"
}
lines_are() { [[ $(jf_lines) == "$1" ]]; }
dropped_is() { [[ $(fsched_json counters.json .dropped) == "$1" ]]; }

jf_submit 5 >/dev/null
wait_for 60 jf_idle
ok "before the fault, every run is journalled" wait_for 30 jf_written_all

JF_FAULTS=1
remount ro
off=$(jf_log_size)
jf_submit 40 >/dev/null
ok "40 runs during the fault complete" wait_for 120 jf_idle
ok "the write error is logged" \
	wait_for 30 jf_has_err "$off" 'Read-only file system'
drop_lines=$(jf_log_since "$off" | grep 'journal queue full (JournalMaxQueue=16)')
ok "the drops are logged" test -n "$drop_lines"
diag "$(head -n 1 <<<"$drop_lines" | sed 's/.*journal queue full/journal queue full/')"
diag "drop lines: $(grep -c . <<<"$drop_lines")"

remount rw
ok "after the fault, the 16 queued runs are written" wait_for 45 lines_are 21
sleep 2	# nothing more comes
is "$(jf_lines)" 21 "... and no more (5 before + 16 queued)"
ok "counters.json: dropped 24" wait_for 10 dropped_is 24
missing=$(($(jf_runs) - $(jf_lines)))
is "$missing" 24 "the runs missing from the journal are exactly the 24 dropped"
# Logged at most every 10 s: the drops of a burst after the first line
# must still reach the log at some point, or it understates the loss.
total=$(jf_log_since "$off" | grep -o 'DROPPED, [0-9]* in total' |
	awk '{ n = $2 } END { print n + 0 }')
is "$total" 24 "the log reports every drop (last \"in total\": $total)"

# A restart brings the dropped runs back from the job list.
pid=$(daemon_pid ctl1 slurmctld)
kill -TERM "$pid"
wait_for 30 fs_none_alive "$pid"
ctld_start ctl1
ok "ctl1 is in control again after its restart" wait_for 30 ctld_is_active ctl1
ok "the reconciliation writes the dropped runs" wait_for 45 jf_written_all
is "$(jf_keys | sort | uniq -d | wc -l)" 0 "no run key twice"
JF_LOST=$(($(jf_runs) - $(jf_keys | sort -u | grep -c .)))
((JF_LOST > 0)) || JF_LOST=0
diag "reconciled records: $(jf_journal | jq -R -r 'fromjson? | select(.reconciled == true) | .job_id' | grep -c .)"
jf_summary
done_testing
