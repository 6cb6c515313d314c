#!/bin/bash
#
# 0707-hook-fault-short-append.t - an event appended to events.jsonl on a
# full file system must not leave a torn line.
#
# As 0705 (lib/hook-fault.sh, fault "full-midpage"), with events.jsonl
# ending 40 bytes before a page boundary when the tmpfs fills up: the
# primary-on event line does not fit, but its first 40 bytes do, so its
# write() is short.  On a full disk an append ends this way whenever the
# free room of the last block is smaller than the line (about one append
# in 4096/line length, here one in 12).  A reader skips a torn line; what
# it must not do is lose the NEXT event, which is appended after the torn
# bytes on the same line.  Assertions: as 0705 (hf_fault).
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib/tap.sh"
. "$here/lib/cluster.sh"
. "$here/lib/fsched.sh"
. "$here/lib/hookfaults.sh"

plan $((HF_SETUP_TESTS + HF_TESTS))
fsched_require
command -v "${CC:-cc}" >/dev/null || bail_out "no C compiler (${CC:-cc})"
fsched_use_all
cluster_setup || bail_out "cluster_setup failed"
cluster_start || bail_out "the cluster did not come up"

hf_setup
hf_fault full-midpage
done_testing
