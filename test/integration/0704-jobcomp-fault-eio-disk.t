#!/bin/bash
#
# 0704-jobcomp-fault-eio-disk.t - a REAL kernel I/O error under
# jobcomp/fsched's journal, without any shim, on real daemons.
#
# No device-mapper in this kernel (see 0703), but a loop device can fail
# for real: in ctl1's mount namespace, an ext2 file system is made in a
# sparse 64 MiB image on a tmpfs and mounted (mount -o
# loop,errors=continue) on the journal's parent.  The fault, twice: the
# device goes away.  The file system is synced, the image saved aside,
# truncated to 0 and the loop device's capacity re-read (losetup -c): every
# write is then "beyond end of device" ("Buffer I/O error" in the kernel
# log), and fsync() gets EIO; so does write() once the kernel needs to read
# the file's last block again.  The cure: the saved image is copied back
# (nothing reached the device meanwhile; without the copy the kernel would
# read zeros afterwards: the test itself would destroy the journal) and the
# capacity re-read.  The loop device is set up by mount with autoclear: it
# goes away with ctl1's mount namespace at teardown.
#
# Not used: filling the backing store (the loop device's writes of new
# blocks fail, fsync() gets ENOSPC).  After such errors this kernel's ext2
# loses blocks that a LATER fsync() reported written (zeros in the file,
# sometimes only seconds later, or after drop_caches), with any appender
# that cuts back and retries, not only fsched's writer (reproduced with a
# 40-line Python appender): the journal lines torn that way are the file
# system's loss, not something the writer can prevent.
#
# Assertions: jf_cycle in lib/jcfaults.sh.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib/tap.sh"
. "$here/lib/cluster.sh"
. "$here/lib/fsched.sh"
. "$here/lib/jcfaults.sh"

plan $((2 * JF_CYCLE_TESTS + 3))
fsched_require
for tool in mkfs.ext2 losetup truncate findmnt cp sync blockdev; do
	command -v "$tool" >/dev/null || bail_out "missing tool: $tool"
done

BACK=
loop_fs() {
	BACK=$FS_T/jcback
	mkdir -p "$BACK" || return 1
	# shellcheck disable=SC2016 # expanded by the inner sh
	jf_ctl1 sh -c '
		set -e
		mount -t tmpfs -o size=80m,mode=0700 fsched-jcback "$1"
		truncate -s 64M "$1/img"
		mkfs.ext2 -q -F -m 0 "$1/img"
		mount -o loop,errors=continue "$1/img" "$2"
		chmod 0755 "$2"' sh "$BACK" "$JF_MNT"
}

jf_cluster_up loop_fs || bail_out "the cluster did not come up"

loopdev() {
	jf_ctl1 findmnt -n -o SOURCE --target "$JF_DIR"
}
resize() {	# resize SIZE - the image's size, and the loop device's
	local dev
	dev=$(loopdev)
	if ! jf_ctl1 truncate -s "$1" "$BACK/img" ||
		! jf_ctl1 losetup -c "$dev"; then
		diag "resizing $dev to $1 failed"
	fi
	diag "$dev: $(jf_ctl1 blockdev --getsize64 "$dev") bytes"
}
unplug() {
	# (sync may report an error of the previous fault, already handled)
	jf_ctl1 sync -f "$JF_DIR" 2>/dev/null
	jf_ctl1 cp --sparse=always "$BACK/img" "$BACK/img.save" ||
		diag "cannot save the image"
	resize 0
}
plug() {
	# cp rewrites the image in place (same inode, the loop device's)
	jf_ctl1 cp --sparse=always "$BACK/img.save" "$BACK/img" ||
		diag "cannot restore the image"
	jf_ctl1 rm -f "$BACK/img.save"
	resize 64M
}

is "$(jf_ctl1 findmnt -n -o FSTYPE --target "$JF_DIR")" ext2 \
	"the journal is on ext2 on a loop device, in ctl1 only"
jf_cycle "device gone (loop device, EIO)" 'Input/output error' unplug plug
jf_cycle "device gone again (loop device, EIO)" 'Input/output error' \
	unplug plug
like "$(loopdev)" '^/dev/loop' "the journal is still on the loop device"
jf_summary
done_testing
