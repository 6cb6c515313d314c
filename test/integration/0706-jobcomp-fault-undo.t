#!/bin/bash
#
# 0706-jobcomp-fault-undo.t - fsync() fails AND the writer's cut-back
# fails too, on real daemons.
#
# When a batch's fsync() fails, the batch is already in the file;
# fsched_journal_append() then cuts the file back with ftruncate() so that
# the retry does not write it twice.  That ftruncate() can fail as well:
# the same failing storage (an NFS server gone: write() went to the page
# cache, fsync() and ftruncate() both need the server and both get EIO), a
# file system that went read-only on the error (ext4 errors=remount-ro:
# EROFS), a quota.  This test makes it happen with tools/faultshim.c in
# ctl1's slurmctld (control file "fsync ftruncate": fsync(), fdatasync()
# and ftruncate() on the journal fail with EIO; write() works), then
# cures it, and asserts what jf_cycle asserts: in particular every run
# once in the journal (no run key twice, the journal's runs are exactly
# Slurm's, counters.json equals them).
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib/tap.sh"
. "$here/lib/cluster.sh"
. "$here/lib/fsched.sh"
. "$here/lib/jcfaults.sh"

plan $((JF_CYCLE_TESTS + 3))
fsched_require
jf_cluster_up jf_shim_build || bail_out "the cluster did not come up"

fail_sync_and_cut() { echo fsync ftruncate >"$JF_SHIM_CTL"; }
cure() { rm -f "$JF_SHIM_CTL"; }

pid=$(daemon_pid ctl1 slurmctld)
ok "the shim is loaded in ctl1's slurmctld" grep -q faultshim.so "/proc/$pid/maps"
t0=$(jf_shim_calls ftruncate)
jf_cycle "fsync() and cut-back EIO" 'cannot fsync .*Input/output error' \
	fail_sync_and_cut cure
cmp_ok "$(($(jf_shim_calls ftruncate) - t0))" ">=" 2 \
	"the shim failed the writer's cut-backs ($(($(jf_shim_calls ftruncate) - t0)))"
dups=$(jf_keys | sort | uniq -d | wc -l)
diag "run keys in the journal more than once: $dups; journal lines $(jf_lines), Slurm's runs $(jf_runs), counters.json records $(fsched_json counters.json .records)"
diag "sacct -c -a shows $(client sacct -c -a -n -P -o jobid 2>/dev/null | grep -c .) rows for $(jf_runs) runs"
jf_summary
done_testing
