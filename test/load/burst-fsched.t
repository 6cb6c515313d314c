#!/bin/bash
#
# burst-fsched.t - the job-completion burst with jobcomp/fsched, compared
# with burst-filetxt.t's figures from the same run (test/load/run-load
# runs that one first).
#
# Asserts: every run written once (journal lines == LOAD_JOBS, as many
# distinct run keys), counters.json records == LOAD_JOBS, nothing dropped;
# squeue's p95 latency at most 2 x filetxt's + 0.5 s; slurmctld's maximum
# RSS at most 2 x filetxt's + 50 MB.  Prints both side by side.
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

plan 10
fsched_require
load_run fsched

journal() { cat "$(fsched_state_dir)"/jobcomp/jobcomp-*.jsonl 2>/dev/null; }
is "$(journal | jq -r .run_key | sort -u | wc -l)" "$LOAD_JOBS" \
	"fsched: $LOAD_JOBS distinct run keys (every run written once)"
counters_done() { [[ $(fsched_json counters.json .records) == "$LOAD_JOBS" ]]; }
if ! ok "fsched: counters.json records == $LOAD_JOBS" wait_for 10 counters_done; then
	diag "counters.json records: $(fsched_json counters.json .records)"
fi
ok "fsched: nothing dropped (counters.json, log)" \
	sh -c "test \"\$(jq -r .dropped '$(fsched_state_dir)/counters.json')\" = 0 &&
		! grep -q DROPPED '$(host_log ctl1 ctld)'"

# Side by side with filetxt.
if ! ok "filetxt's figures from this run are there" \
	test -n "$(load_get filetxt lat_p95)"; then
	bail_out "no filetxt figures in $LOAD_OUT: run test/load/run-load"
fi
row() {	# row LABEL KEY [SCALE]
	local f t
	f=$(load_get fsched "$2")
	t=$(load_get filetxt "$2")
	awk -v l="$1" -v f="$f" -v t="$t" -v s="${3:-1}" 'BEGIN {
		printf "# %-22s %12.3f %12.3f %8s\n", l, f / s, t / s,
			(t > 0) ? sprintf("%.2f", f / t) : "-"
	}'
}
diag "$(printf '%-22s %12s %12s %8s' "$LOAD_JOBS runs" fsched filetxt ratio)"
row "burst duration (s)" duration
row "throughput (runs/s)" throughput
row "squeue median (s)" lat_med
row "squeue p95 (s)" lat_p95
row "squeue max (s)" lat_max
row "slurmctld max RSS (MB)" rss_max_kb 1024
diag "$(printf '%-22s %12s %12s' samples "$(load_get fsched samples)" "$(load_get filetxt samples)")"

fp95=$(load_get fsched lat_p95)
tp95=$(load_get filetxt lat_p95)
cmp_ok "$fp95" "<=" "$(awk -v t="$tp95" 'BEGIN { print 2 * t + 0.5 }')" \
	"squeue p95 with fsched ($fp95 s) <= 2 x filetxt's ($tp95 s) + 0.5 s"
frss=$(load_get fsched rss_max_kb)
trss=$(load_get filetxt rss_max_kb)
cmp_ok "$frss" "<=" "$((2 * trss + 50 * 1024))" \
	"slurmctld max RSS with fsched ($((frss / 1024)) MB) <= 2 x filetxt's ($((trss / 1024)) MB) + 50 MB"
done_testing
