#!/bin/bash
#
# 0705-hook-faults.t - fsched-primary-on (SlurmctldPrimaryOnProg) with the
# fsched state directory on failing storage, on the real cluster's files.
#
# The cluster runs with the primary hooks, so the state directory holds a
# real active.json (ctl1, epoch 1) and events.jsonl.  Each fault runs in a
# mount namespace of its own, made from ctl2's (so the hook is "ctl2
# taking over"; nothing else sees the fault): the state directory
# ($FS_STATE/fsched) is covered by a tmpfs holding a copy of it, the fault
# is made, and fsched-primary-on runs as SlurmUser, as slurmctld would run
# it (lib/hook-fault.sh).  Its syslog goes to a private /dev/log
# (tools/syslogcap.c) in that namespace (this sandbox has no syslog
# daemon), its stderr to a file.  Faults:
#   full         the tmpfs is filled (ENOSPC on the new active.json)
#   no-inodes    the tmpfs has no inode left (ENOSPC creating the temp file)
#   read-only    the tmpfs is remounted read-only (EROFS)
# (0707: a full file system that cuts the event line short.)
# Assertions for each (hf_fault in lib/hookfaults.sh): the hook exits
# non-zero; syslog has a clear message naming the cause; no temporary file
# (.active.json.tmp.*) is left; active.json keeps its previous content,
# byte for byte; every line of events.jsonl is a whole event; after the
# fault is cured, the next event (fsched-primary-off) is recorded, whole.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib/tap.sh"
. "$here/lib/cluster.sh"
. "$here/lib/fsched.sh"
. "$here/lib/hookfaults.sh"

faults=(full no-inodes read-only)
plan $((HF_SETUP_TESTS + HF_TESTS * ${#faults[@]}))
fsched_require
command -v "${CC:-cc}" >/dev/null || bail_out "no C compiler (${CC:-cc})"
fsched_use_all
cluster_setup || bail_out "cluster_setup failed"
cluster_start || bail_out "the cluster did not come up"

hf_setup
for f in "${faults[@]}"; do
	hf_fault "$f"
done
diag "faults tried: ${#faults[@]}"
done_testing
