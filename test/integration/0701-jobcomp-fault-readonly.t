#!/bin/bash
#
# 0701-jobcomp-fault-readonly.t - jobcomp/fsched with its journal
# directory's file system remounted READ-ONLY while jobs run, then
# read-write again, on real daemons.
#
# JobCompLoc is on a tmpfs mounted in ctl1's mount namespace only; the
# fault is "mount -o remount,ro" there (EROFS, a real kernel error; the
# remount is retried while the writer happens to hold a file open for
# writing, EBUSY), the cure "mount -o remount,rw".  Assertions: jf_cycle
# in lib/jcfaults.sh.  Prints the faults tried and the records lost.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib/tap.sh"
. "$here/lib/cluster.sh"
. "$here/lib/fsched.sh"
. "$here/lib/jcfaults.sh"

plan $((JF_CYCLE_TESTS + 3))
fsched_require
jf_cluster_up jf_mount_tmpfs size=4m,mode=0755 ||
	bail_out "the cluster did not come up"

remount() {	# remount ro|rw, retried while busy (bounded)
	wait_for 10 jf_ctl1 mount -o "remount,$1" "$JF_MNT" ||
		diag "remount,$1 of $JF_MNT failed"
}
ro() { remount ro; }
rw() { remount rw; }
mount_opts() {
	jf_ctl1 findmnt -n -o OPTIONS --target "$JF_DIR" | cut -d, -f1
}

is "$(mount_opts)" rw "the journal is on ctl1's tmpfs, read-write"
jf_cycle "read-only (EROFS)" 'Read-only file system' ro rw
is "$(mount_opts)" rw "the tmpfs is read-write again"
jf_summary
done_testing
