#!/bin/bash
#
# 0702-jobcomp-fault-vanished.t - the journal directory of jobcomp/fsched
# removed while jobs run, then created again (owned by SlurmUser), on real
# daemons.
#
# JobCompLoc is a directory on a tmpfs mounted in ctl1's mount namespace.
# The fault: the directory is renamed away, its lines counted, then
# removed with rm -rf (renaming first means the lines the writer had
# already written are known exactly, even if a batch was being written at
# that moment; for the writer the directory is gone either way: ENOENT).
# The cure: mkdir, chown SlurmUser, chmod 0750.  The runs whose lines
# were removed by the test are not counted as lost; every other run must
# be written once.  Assertions: jf_cycle in lib/jcfaults.sh.
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

vanish() {
	local gone=$JF_MNT/.gone n
	jf_ctl1 mv "$JF_DIR" "$gone" || diag "mv $JF_DIR failed"
	sleep 0.5	# a batch being written when it was renamed ends
	# shellcheck disable=SC2016 # expanded by the inner sh
	n=$(jf_ctl1 sh -c 'cat "$1"/jobcomp-*.jsonl 2>/dev/null' sh "$gone" |
		grep -c .)
	JF_REMOVED=$((JF_REMOVED + n))
	jf_ctl1 rm -rf "$gone"
	diag "removed the journal directory with $n lines"
}
recreate() {
	# shellcheck disable=SC2016 # expanded by the inner sh
	jf_ctl1 sh -c 'mkdir "$1" && chown slurm: "$1" && chmod 0750 "$1"' \
		sh "$JF_DIR" || diag "could not create $JF_DIR again"
}

ok "the journal directory exists" jf_ctl1 test -d "$JF_DIR"
jf_cycle "vanished (ENOENT)" 'No such file or directory' vanish recreate
is "$(jf_ctl1 stat -c '%U %a' "$JF_DIR")" "slurm 750" \
	"the journal directory is back, SlurmUser's, 0750"
jf_summary
done_testing
