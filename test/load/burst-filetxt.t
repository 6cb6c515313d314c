#!/bin/bash
#
# burst-filetxt.t - the job-completion burst with stock jobcomp/filetxt:
# the reference for burst-fsched.t.  Run by test/load/run-load.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
it=$here/../integration
# shellcheck source=../integration/lib/tap.sh
. "$it/lib/tap.sh"
# shellcheck source=../integration/lib/cluster.sh
. "$it/lib/cluster.sh"
# shellcheck source=../integration/lib/fsched.sh
. "$it/lib/fsched.sh"
# shellcheck source=lib.sh
. "$here/lib.sh"

plan 4
fsched_require
load_run filetxt
done_testing
