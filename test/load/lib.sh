# shellcheck shell=bash
#
# lib.sh - the job-completion burst of test/load (see README.md), on the
# real cluster of test/integration/lib/cluster.sh.  Sourced by
# burst-filetxt.t and burst-fsched.t after tap.sh, cluster.sh, fsched.sh.
#
#   load_run MODE   set up and start the cluster with MODE's jobcomp
#                   (fsched: jobcomp/fsched, journal in the state
#                   directory; filetxt: jobcomp/filetxt, JobCompLoc a file
#                   on ctl1's local disk), submit LOAD_JOBS array tasks
#                   running "true" in arrays of LOAD_CHUNK, sample squeue
#                   latency and slurmctld's RSS every second until every
#                   run is recorded (bounded by LOAD_TIMEOUT), and write the
#                   figures to $LOAD_OUT/MODE.env.  4 assertions.
#   load_get MODE KEY   a figure of an earlier run (empty if none)
#
# Environment: LOAD_JOBS [50000], LOAD_CHUNK [1000: MaxArraySize stays at
# its default, 1001], LOAD_TIMEOUT [LOAD_JOBS / 10 + 300 s], LOAD_OUT
# (directory for the figures; required), LOAD_NODE_CPUS [8].
# Everything else in slurm.conf is the same for both modes.

: "${LOAD_JOBS:=50000}"
: "${LOAD_CHUNK:=1000}"
: "${LOAD_TIMEOUT:=$((LOAD_JOBS / 10 + 300))}"
: "${LOAD_NODE_CPUS:=64}"

LOAD_SUBMITTED=0
LOAD_MODE=

# load_configure MODE - cluster.sh variables, before cluster_setup.
# shellcheck disable=SC2034 # read by cluster.sh
load_configure() {
	SELECT_TYPE=select/cons_tres
	USE_FSCHED_HOOK=0
	NODE_CPUS=$LOAD_NODE_CPUS
	NODE_MEMORY=$((LOAD_NODE_CPUS * 200))
	NODE_GRES=
	FS_CLIENT_TIMEOUT=120
	EXTRA_CONF="MaxJobCount=200000
MinJobAge=2
MaxArraySize=1001"
	case $1 in
	fsched) JOBCOMP_TYPE=jobcomp/fsched ;;
	filetxt) JOBCOMP_TYPE=jobcomp/filetxt ;;
	*) bail_out "unknown mode $1" ;;
	esac
}

# load_records - number of job runs recorded so far by the jobcomp plugin.
load_records() {
	case $LOAD_MODE in
	fsched)
		cat "$(fsched_state_dir)"/jobcomp/jobcomp-*.jsonl 2>/dev/null |
			wc -l
		;;
	filetxt)
		wc -l <"$FS_T/hosts/ctl1/local/log/jobcomp.txt" 2>/dev/null ||
			echo 0
		;;
	esac
}

# load_stats FILE - "median p95 max" of the numbers in FILE (nearest rank).
load_stats() {
	sort -g "$1" | awk '{ v[NR] = $1 }
		END {
			if (!NR) { print "0 0 0"; exit }
			m = int((NR + 1) / 2); p = int(NR * 0.95 + 0.999999)
			if (p < 1) p = 1; if (p > NR) p = NR
			printf "%.3f %.3f %.3f\n", v[m], v[p], v[NR]
		}'
}

load_get() {
	[[ -s $LOAD_OUT/$1.env ]] || return 0
	sed -n "s/^$2=//p" "$LOAD_OUT/$1.env"
}

load_run() {
	local mode=$1 i n chunk t0 t_sub t_end now pid rss lat q recs
	local lat_f rss_f max_rss=0 samples=0 done_ok=0 last_recs=-1 lmed lp95 lmax
	LOAD_MODE=$mode
	[[ -n ${LOAD_OUT:-} ]] || bail_out "LOAD_OUT is not set (run test/load/run-load)"
	load_configure "$mode"
	cluster_setup || bail_out "cluster_setup failed"
	if [[ $mode == filetxt ]]; then
		local f
		for f in "$SLURM_CONF" "$FS_T"/etc/only-*/slurm.conf; do
			echo "JobCompLoc=$FS_T/local/log/jobcomp.txt" >>"$f"
		done
	fi
	cluster_start || bail_out "the cluster did not come up"
	pid=$(daemon_pid ctl1 slurmctld) || bail_out "no slurmctld on ctl1"
	lat_f=$FS_T/latency.txt
	rss_f=$FS_T/rss.txt
	: >"$lat_f"
	: >"$rss_f"

	diag "$mode: $LOAD_JOBS runs in arrays of $LOAD_CHUNK, 2 nodes x $LOAD_NODE_CPUS CPUs"
	t0=$(fs_now_us)
	for ((i = 0; i < LOAD_JOBS; i += LOAD_CHUNK)); do
		chunk=$((LOAD_JOBS - i < LOAD_CHUNK ? LOAD_JOBS - i : LOAD_CHUNK))
		if client sbatch --parsable -J load -o /dev/null \
			--array="1-$chunk" --wrap true >/dev/null; then
			LOAD_SUBMITTED=$((LOAD_SUBMITTED + chunk))
		else
			diag "sbatch of $chunk tasks failed"
		fi
	done
	t_sub=$(fs_secs_since "$t0")
	is "$LOAD_SUBMITTED" "$LOAD_JOBS" "$mode: $LOAD_JOBS runs submitted (in $t_sub s)"

	# Sample every second until every run is recorded and nothing is left.
	while :; do
		now=$(fs_now_us)
		q=$(client squeue -h 2>/dev/null | wc -l)
		lat=$(fs_secs_since "$now")
		echo "$lat" >>"$lat_f"
		rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
		[[ -n $rss ]] || { diag "slurmctld on ctl1 is gone"; break; }
		echo "$rss" >>"$rss_f"
		((rss > max_rss)) && max_rss=$rss
		samples=$((samples + 1))
		recs=$(load_records)
		if ((samples % 30 == 0 || recs != last_recs && recs == LOAD_JOBS)); then
			diag "$mode: $(fs_secs_since "$t0") s: $recs records, squeue $q lines in $lat s, RSS $((rss / 1024)) MB"
		fi
		last_recs=$recs
		if ((recs >= LOAD_JOBS && q == 0)); then
			done_ok=1
			break
		fi
		(($(fs_now_us) - t0 < LOAD_TIMEOUT * 1000000)) || break
		# one sample a second
		n=$((1000000 - ($(fs_now_us) - now)))
		((n <= 0)) || sleep "$(printf '0.%06d' "$n")"
	done
	t_end=$(fs_secs_since "$t0")
	ok "$mode: the burst ends within $LOAD_TIMEOUT s ($t_end s)" test "$done_ok" = 1

	read -r lmed lp95 lmax < <(load_stats "$lat_f")
	{
		echo "mode=$mode"
		echo "jobs=$LOAD_JOBS"
		echo "duration=$t_end"
		echo "submit=$t_sub"
		echo "samples=$samples"
		echo "lat_med=$lmed"
		echo "lat_p95=$lp95"
		echo "lat_max=$lmax"
		echo "rss_max_kb=$max_rss"
		echo "records=$(load_records)"
		echo "throughput=$(awk -v n="$LOAD_JOBS" -v t="$t_end" 'BEGIN { printf "%.1f", (t > 0) ? n / t : 0 }')"
	} >"$LOAD_OUT/$mode.env"
	ok "$mode: figures written" test -s "$LOAD_OUT/$mode.env"
	diag "$mode: $LOAD_JOBS runs in $t_end s ($(load_get "$mode" throughput)/s); squeue median $lmed s, p95 $lp95 s, max $lmax s ($samples samples); slurmctld RSS max $((max_rss / 1024)) MB"
	is "$(load_records)" "$LOAD_JOBS" "$mode: $LOAD_JOBS runs recorded"
}
