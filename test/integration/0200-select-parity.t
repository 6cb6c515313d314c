#!/bin/bash
#
# 0200-select-parity.t - select/fsched_cons_tres schedules exactly like
# select/cons_tres, and clients work with it.
#
# The same job mix (plain, -n, -N, --exclusive, --mem, a GRES without
# devices, an array, a dependency, -c with --mem-per-cpu, one that cannot
# run yet) is submitted held to two fresh clusters, one with the stock
# SelectType=select/cons_tres and nothing of fsched in PluginDir, one with
# SelectType=select/fsched_cons_tres, then released at once.  Job states,
# node lists, CPU counts and pending reasons must be identical.  The
# clients (sinfo, squeue, scontrol, srun, sacct) must print the same
# things on stderr with both: nothing extra from our plugin, which 22.05
# loads into every client.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib/tap.sh"
. "$here/lib/cluster.sh"
. "$here/lib/fsched.sh"

plan 13
fsched_require
out=$(mktemp -d "${TMPDIR:-/tmp}/fsched-parity.XXXXXX") || bail_out mktemp
trap 'rm -rf "$out"' EXIT

# snapshot - one line per job (array tasks expanded), sorted by id.
snapshot() {
	client squeue -h -r --sort=i -o '%i %j %T %N %C %r'
}

# scenario NAME - bring up a cluster, run the clients and the job mix,
# leave the results in $out/NAME.*.  Runs in a subshell (own teardown).
scenario() {
	local name=$1 ids=() id prev="" cur i
	cluster_setup || return 1
	cluster_start || return 1

	# Clients, before any job: their stderr must be the same for both.
	{
		client sinfo -h >/dev/null
		client squeue >/dev/null
		client scontrol show nodes >/dev/null
		client srun -n1 -t 1 hostname >/dev/null
		client sacct >/dev/null
	} 2>"$out/$name.client-stderr"
	client srun -N2 -t 1 hostname 2>/dev/null | sort >"$out/$name.srun"

	ids+=("$(submit --hold -J plain -n1 --wrap 'sleep 120')")
	ids+=("$(submit --hold -J n3 -n3 --wrap 'sleep 120')")
	ids+=("$(submit --hold -J N2 -N2 -n2 --wrap 'sleep 120')")
	ids+=("$(submit --hold -J excl --exclusive -N1 --wrap 'sleep 120')")
	ids+=("$(submit --hold -J mem --mem=500 -n1 --wrap 'sleep 120')")
	ids+=("$(submit --hold -J gres --gres=bandwidth:10 -n1 --wrap 'sleep 120')")
	ids+=("$(submit --hold -J array --array=1-3 -n1 --wrap 'sleep 120')")
	ids+=("$(submit --hold -J dep -n1 --dependency="afterok:${ids[0]}" --wrap 'sleep 120')")
	ids+=("$(submit --hold -J c2 -c2 --mem-per-cpu=200 --wrap 'sleep 120')")
	ids+=("$(submit --hold -J big -N2 --exclusive --wrap 'sleep 120')")
	for id in "${ids[@]}"; do
		[[ -n $id ]] || return 1
	done
	client scontrol release "$(IFS=,; echo "${ids[*]}")" || return 1

	# Settle: two equal snapshots 3 s apart (after at least 3 passes of
	# the scheduler and backfill, bf_interval=2).
	sleep 3
	for ((i = 0; i < 20; i++)); do
		cur=$(snapshot)
		[[ -n $prev && $cur == "$prev" ]] && break
		prev=$cur
		sleep 3
	done
	echo "$cur" >"$out/$name.jobs"
	client scontrol show job "${ids[5]}" >"$out/$name.gresjob"
	cp "$(host_log ctl1 ctld)" "$out/$name.ctld.log"
}

(SELECT_TYPE=select/cons_tres FSCHED_PLUGIN_DIR='' scenario stock)
stock_rc=$?
(SELECT_TYPE=select/fsched_cons_tres scenario fsched)
fsched_rc=$?
is "$stock_rc" 0 "stock cons_tres cluster: job mix submitted"
is "$fsched_rc" 0 "fsched_cons_tres cluster: job mix submitted"

stock_jobs=$(cat "$out/stock.jobs" 2>/dev/null)
fsched_jobs=$(cat "$out/fsched.jobs" 2>/dev/null)
diag "stock cons_tres:"
while IFS= read -r l; do diag "  $l"; done <<<"$stock_jobs"
like "$stock_jobs" ' RUNNING ' "the mix has running jobs"
like "$stock_jobs" ' PENDING .*Resources' "the mix has a job waiting for resources"
like "$stock_jobs" ' PENDING .*Dependency' "the mix has a job waiting on a dependency"
is "$(grep -c . <<<"$stock_jobs")" 12 "12 job records (array expanded)"
is "$fsched_jobs" "$stock_jobs" \
	"same states, node lists, CPU counts and reasons with fsched_cons_tres"
like "$(cat "$out/fsched.gresjob")" 'TresPerNode=gres:bandwidth:10' \
	"the GRES request is kept with fsched_cons_tres"
like "$(grep -c 'select/fsched_cons_tres' "$out/fsched.ctld.log")" '^[1-9]' \
	"slurmctld loaded select/fsched_cons_tres"
is "$(cat "$out/fsched.srun")" "$(cat "$out/stock.srun")" \
	"srun -N2 hostname: same output"
is "$(cat "$out/fsched.client-stderr")" "$(cat "$out/stock.client-stderr")" \
	"clients print the same on stderr (nothing extra from the plugin)"
ok "no client mentions fsched" not grep -qi fsched "$out/fsched.client-stderr"
ok "slurmctld logged no fsched error" \
	not grep -E 'error: (select|jobcomp)/' "$out/fsched.ctld.log"
done_testing
