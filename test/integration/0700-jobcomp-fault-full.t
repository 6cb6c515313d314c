#!/bin/bash
#
# 0700-jobcomp-fault-full.t - jobcomp/fsched with its journal directory on
# a FULL file system, on real daemons.
#
# JobCompLoc is on a 64 KiB tmpfs mounted in ctl1's mount namespace only
# (the active controller's view; the state directory stays healthy).  Jobs
# run until their records no longer fit (ENOSPC, a real kernel error), more
# jobs run during the fault, then the tmpfs is grown (remount,size=4m).
# See jf_cycle in lib/jcfaults.sh for the assertions: one clear error line
# naming the cause, scheduling goes on, records queued (not dropped), every
# run written once after the fault, recovery logged and recorded as events,
# counters.json right.  Prints the faults tried and the records lost.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib/tap.sh"
. "$here/lib/cluster.sh"
. "$here/lib/fsched.sh"
. "$here/lib/jcfaults.sh"

plan $((JF_CYCLE_TESTS + 3))
fsched_require
jf_cluster_up jf_mount_tmpfs size=64k,mode=0755 ||
	bail_out "the cluster did not come up"

full_tmpfs() {
	jf_ctl1 df -P "$JF_MNT" | awk 'NR == 2 { print $5 }'
}

# Fill it with job records: arrays of 25 until the writer reports ENOSPC.
fill() {
	local i
	for ((i = 1; i <= 12; i++)); do
		jf_submit 25 >/dev/null
		wait_for 60 jf_idle
		wait_for 3 jf_has_err 0 'No space left on device' && break
	done
	diag "filled after $i arrays of 25: tmpfs $(full_tmpfs) used, $(jf_lines) lines journalled, $(jf_runs) runs"
}
grow() {
	jf_ctl1 mount -o remount,size=4m "$JF_MNT" ||
		diag "remount,size=4m failed"
}

ok "the journal is on ctl1's 64 KiB tmpfs" \
	jf_ctl1 findmnt -n -o FSTYPE,SIZE --target "$JF_DIR"
jf_cycle "full (ENOSPC)" 'No space left on device' fill grow
like "$(jf_ctl1 findmnt -n -o SIZE --target "$JF_DIR")" '^ *4M$' \
	"the tmpfs was grown to 4 MiB"
jf_summary
done_testing
