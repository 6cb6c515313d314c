#!/bin/bash
#
# 0703-jobcomp-fault-eio.t - EIO from write() and from fsync() under
# jobcomp/fsched's journal, on real daemons.
#
# Why a shim: a device-mapper "error" target (dmsetup + a loop device)
# would fail the block device under a real file system, but this sandbox's
# kernel has no device-mapper (built without CONFIG_MD/CONFIG_BLK_DEV_DM:
# no "device-mapper" in /proc/misc, no modules to load; dmsetup answers
# "Failure to communicate with kernel device-mapper driver").  So
# tools/faultshim.c, an LD_PRELOAD library, is loaded into ctl1's
# slurmctld only (jf_shim_build redefines ctld_start): while its control file
# exists, write()/pwrite() and/or fsync()/fdatasync() on descriptors whose
# path contains "$JF_DIR/jobcomp-" fail with EIO; nothing else is touched.
# 0704 adds a real kernel EIO (ext2 on a loop device whose backing store
# runs out), without any shim.
#
# Two faults on one cluster: write() fails (nothing reaches the file), then
# fsync() fails (the batch IS in the file when the error comes: the writer
# must cut it back, or the retry would duplicate it).  Assertions per fault:
# jf_cycle in lib/jcfaults.sh, plus: the shim really failed calls.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib/tap.sh"
. "$here/lib/cluster.sh"
. "$here/lib/fsched.sh"
. "$here/lib/jcfaults.sh"

plan $((2 * (JF_CYCLE_TESTS + 1) + 3))
fsched_require

jf_cluster_up jf_shim_build || bail_out "the cluster did not come up"

if grep -qw device-mapper /proc/misc; then
	diag "device-mapper is in this kernel now: a dm error target could replace the shim"
else
	diag "device-mapper: not in this kernel (/proc/misc), so the shim"
fi
pid=$(daemon_pid ctl1 slurmctld)
ok "the shim is loaded in ctl1's slurmctld" grep -q faultshim.so "/proc/$pid/maps"
pid=$(daemon_pid ctl2 slurmctld)
ok "... and not in ctl2's" not grep -q faultshim.so "/proc/$pid/maps"

write_eio() { echo write >"$JF_SHIM_CTL"; }
fsync_eio() { echo fsync >"$JF_SHIM_CTL"; }
cure() { rm -f "$JF_SHIM_CTL"; }

w0=$(jf_shim_calls write)
jf_cycle "write() EIO" 'cannot append to .*Input/output error' write_eio cure
cmp_ok "$(($(jf_shim_calls write) - w0))" ">=" 2 \
	"write() EIO: the shim failed write() calls on the journal ($(($(jf_shim_calls write) - w0)))"

f0=$(jf_shim_calls fsync)
jf_cycle "fsync() EIO" 'cannot fsync .*Input/output error' fsync_eio cure
cmp_ok "$(($(jf_shim_calls fsync) - f0))" ">=" 2 \
	"fsync() EIO: the shim failed fsync() calls on the journal ($(($(jf_shim_calls fsync) - f0)))"
jf_summary
done_testing
