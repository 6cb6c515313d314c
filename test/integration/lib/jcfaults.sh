# shellcheck shell=bash
#
# jcfaults.sh - storage faults under jobcomp/fsched's journal on the real
# cluster (tests 070x).  Source after cluster.sh and fsched.sh.
#
# The journal directory (JobCompLoc) is $JF_DIR = $FS_T/jc/journal.  A
# test may mount a file system on $JF_MNT = $FS_T/jc in the mount
# namespace of ctl1 only (jf_mount_tmpfs, or its own), so the fault hits
# the active controller's journal and nothing else: StateSaveLocation
# (counters.json, events.jsonl, active.json) stays healthy, as do ctl2 and
# every other host.  Everything about the journal is read inside ctl1.
#
#   jf_cluster_up [CMD...]  cluster_setup, JobCompLoc=$JF_DIR, run CMD (in
#                           the test shell: mount what you need in ctl1),
#                           create $JF_DIR (SlurmUser, 0750), cluster_start
#   jf_ctl1 CMD...          run CMD in ctl1's namespaces
#   jf_mount_tmpfs OPTS     tmpfs on $JF_MNT in ctl1, with mount options OPTS
#   jf_journal              the journal's lines (all day files)
#   jf_submit N             an array of N "true" tasks; prints its id
#   jf_cycle NAME CAUSE INJECT CLEAR
#                           one fault, 15 assertions (JF_CYCLE_TESTS): see
#                           the function.  INJECT and CLEAR are commands
#                           (functions) of the test; CAUSE is a regex the
#                           logged error must match (e.g. "No space left").
#   jf_summary              faults tried and records lost, as TAP diagnostics
#   jf_shim_build           (as jf_cluster_up's CMD) build tools/faultshim.c
#                           into $FS_T and make ctl1's slurmctld (only it)
#                           start with it: LD_PRELOAD, control file
#                           $JF_SHIM_CTL, pattern "$JF_DIR/jobcomp-", log
#                           $JF_SHIM_LOG (see the shim's header)
#   jf_shim_calls CALL      failures the shim made of CALL so far
#
# Slurm's runs: MinJobAge=300 (cluster.sh) keeps every finished job in
# squeue --states=all for the whole test, so "the runs Slurm finished" is
# known exactly, independently of the journal.

# shellcheck disable=SC2034 # read by the tests (plan)
JF_CYCLE_TESTS=15
JF_FAULTS=0
JF_LOST=0
JF_REMOVED=0	# lines the test itself deleted (vanished directory)
JF_MNT=
JF_DIR=

jf_ctl1() {
	host_run ctl1 "$@"
}

# jf_cluster_up [CMD...] - see above.  The whole fsched set (select plugin,
# jobcomp, primary hooks), as deployed.
jf_cluster_up() {
	fsched_use_all
	cluster_setup || return 1
	JF_MNT=$FS_T/jc
	JF_DIR=$JF_MNT/journal
	mkdir -p "$JF_MNT" && chmod 0755 "$JF_MNT" || return 1
	local f
	for f in "$SLURM_CONF" "$FS_T"/etc/only-*/slurm.conf; do
		echo "JobCompLoc=$JF_DIR" >>"$f" || return 1
	done
	if (($#)); then
		"$@" || { fs_msg "preparing the journal storage failed"; return 1; }
	fi
	# shellcheck disable=SC2016 # expanded by the inner sh
	jf_ctl1 sh -c 'mkdir -p "$1" && chown slurm: "$1" && chmod 0750 "$1"' \
		sh "$JF_DIR" || return 1
	cluster_start
}

jf_mount_tmpfs() {
	jf_ctl1 mount -t tmpfs -o "$1" fsched-jc "$JF_MNT"
}

# jf_journal - every line of the journal files, as ctl1 sees them.
jf_journal() {
	# shellcheck disable=SC2016 # expanded by the inner sh
	jf_ctl1 sh -c 'cat "$1"/jobcomp-*.jsonl 2>/dev/null' sh "$JF_DIR"
}

jf_lines() {
	jf_journal | grep -c .
}

# jf_valid_lines - journal lines that are whole JSON records with a run key.
jf_valid_lines() {
	jf_journal | jq -R -c 'fromjson? | select(.run_key != null)' 2>/dev/null |
		grep -c .
}

# jf_bad_lines - the journal lines that are not whole records: line
# number, length, the first 100 bytes (cat -v).
jf_bad_lines() {
	jf_journal | awk '{ print NR, length($0) }' | while read -r n len; do
		jf_journal | sed -n "${n}p" | jq -e -R 'fromjson | .run_key' \
			>/dev/null 2>&1 && continue
		echo "line $n, $len bytes: $(jf_journal | sed -n "${n}p" |
			cut -b 1-100 | cat -v)"
	done
}

jf_keys() {
	jf_journal | jq -R -r 'fromjson? | .run_key' 2>/dev/null
}

# jf_journal_jobs - job ids in the journal, one per record, sorted.
jf_journal_jobs() {
	jf_journal | jq -R -r 'fromjson? | .job_id' 2>/dev/null | sort -n
}

# jf_slurm_runs - ids of the jobs Slurm has finished, sorted.
jf_slurm_runs() {
	client squeue -h --states=all -o '%A %T' 2>/dev/null |
		awk '$2 !~ /^(PENDING|RUNNING|CONFIGURING|COMPLETING|REQUEUED|RESIZING|SUSPENDED)$/ { print $1 }' |
		sort -n
}

jf_runs() {
	jf_slurm_runs | grep -c .
}

# jf_unfinished - jobs neither finished nor gone.
jf_unfinished() {
	client squeue -h -o %i 2>/dev/null | grep -c .
}

jf_idle() {
	[[ $(jf_unfinished) == 0 ]]
}

# jf_submit N [SBATCH ARGS...] - an array of N tasks running "true".
jf_submit() {
	local n=$1
	shift
	submit --array="1-$n" -o /dev/null -J jf "$@" --wrap true
}

jf_log() {
	host_log ctl1 ctld
}

# jf_log_since OFFSET - the slurmctld log of ctl1 from byte OFFSET on.
jf_log_since() {
	tail -c "+$(($1 + 1))" "$(jf_log)" 2>/dev/null
}

jf_log_size() {
	stat -c %s "$(jf_log)" 2>/dev/null || echo 0
}

# jf_err_lines OFFSET - the writer's error lines since OFFSET.
jf_err_lines() {
	jf_log_since "$1" |
		grep 'jobcomp/fsched: journal write failed' || true
}

# jf_err_msgs - the messages of error lines (stdin), without the time stamp.
jf_err_msgs() {
	sed 's/.*journal write failed/journal write failed/'
}

jf_has_err() {	# jf_has_err OFFSET CAUSE
	jf_err_lines "$1" | grep -q -E "$2"
}

jf_recovered_line() {	# jf_recovered_line OFFSET
	jf_log_since "$1" |
		grep -o 'jobcomp/fsched: journal writes work again after [0-9]* failed attempts' |
		tail -n 1
}

# jf_events EVENT - number of EVENT events of ctl1 in events.jsonl.
jf_events() {
	fsched_events | jq -R -c --arg e "$1" \
		'fromjson? | select(.event == $e and .host == "ctl1")' 2>/dev/null |
		grep -c .
}

# jf_squeue_secs - wall time of "squeue -h | wc -l" from the login host.
jf_squeue_secs() {
	local t0
	t0=$(fs_now_us)
	client squeue -h 2>/dev/null | wc -l >/dev/null
	fs_secs_since "$t0"
}

# jf_written_all - the journal holds as many lines as Slurm finished runs
# (plus the lines the test removed itself).
jf_written_all() {
	local runs lines
	runs=$(jf_runs)
	lines=$(jf_lines)
	((lines + JF_REMOVED == runs && runs > 0))
}

# jf_cycle NAME CAUSE INJECT CLEAR - one fault on the active controller's
# journal, JF_CYCLE_TESTS assertions:
#   before: every run so far is journalled (the writer works);
#   INJECT; the first write error is logged, naming CAUSE;
#   during the fault: a new job starts, squeue answers within 2 s, an
#   array of 20 tasks completes, its runs are not in the journal (they are
#   queued), and nothing is logged as DROPPED;
#   the fault lasts >= 10 s (several retries: 1, 2, 4 s), still one error
#   line per distinct message (one for a fault that always fails the same
#   way), however many records and attempts;
#   CLEAR; within 45 s (the longest backoff is 30 s) every run is in the
#   journal, once: lines == Slurm's runs, no run key twice, the journal's
#   job ids are exactly Slurm's, every line is a whole record;
#   "journal writes work again after N failed attempts" (N >= 2, more
#   than the error lines); events journal-write-error and
#   journal-write-recovered; counters.json: records == runs, dropped 0.
jf_cycle() {
	local name=$1 cause=$2 inject=$3 clear=$4
	local off runs lines single lat max_lat=0 i errs distinct rec attempts
	local ev_err0 ev_rec0 lost t_fault t_clear

	JF_FAULTS=$((JF_FAULTS + 1))
	diag "---- fault $JF_FAULTS: $name"
	# Before: the writer is healthy and up to date.
	jf_submit 5 >/dev/null
	wait_for 60 jf_idle
	ok "$name: before the fault, every run is journalled" \
		wait_for 30 jf_written_all
	off=$(jf_log_size)
	ev_err0=$(jf_events journal-write-error)
	ev_rec0=$(jf_events journal-write-recovered)

	"$inject"
	t_fault=$(fs_now_us)
	# Runs end during the fault (the writer only notices the fault when
	# it has something to write).
	jf_submit 20 >/dev/null
	if ! ok "$name: slurmctld logs the write error, naming the cause ($cause)" \
		wait_for 90 jf_has_err "$off" "$cause"; then
		jf_err_lines "$off" | head -n 5 | while read -r l; do diag "$l"; done
		fs_tail "$(jf_log)" 15
	fi

	# Scheduling goes on while the writer fails.
	single=$(submit -o /dev/null -J jf-single --wrap 'sleep 2')
	ok "$name: a job submitted during the fault starts" \
		wait_job "$single" 30 RUNNING COMPLETING COMPLETED
	for ((i = 0; i < 5; i++)); do
		lat=$(jf_squeue_secs)
		max_lat=$(awk -v a="$lat" -v b="$max_lat" 'BEGIN { print (a > b) ? a : b }')
	done
	cmp_ok "$max_lat" "<" 2 "$name: squeue answers during the fault (slowest of 5: $max_lat s)"
	ok "$name: an array of 20 runs during the fault completes" \
		wait_for 90 jf_idle
	runs=$(jf_runs)
	lines=$(jf_lines)
	cmp_ok "$((lines + JF_REMOVED))" "<" "$runs" \
		"$name: the runs of the fault are queued, not written ($lines lines, $runs runs)"
	ok "$name: nothing dropped" not grep -q 'DROPPED' "$(jf_log)"

	# Let it retry a few times (1 + 2 + 4 s ...).
	while (($(fs_now_us) - t_fault < 10000000)); do
		sleep 0.5
	done
	errs=$(jf_err_lines "$off" | grep -c .)
	distinct=$(jf_err_lines "$off" | jf_err_msgs | sort -u | grep -c .)
	is "$errs" "$distinct" "$name: the error is logged once (once per distinct message), not per record or attempt"
	if ((errs != 1)); then
		jf_err_lines "$off" | head -n 5 | while read -r l; do diag "$l"; done
	fi

	"$clear"
	t_clear=$(fs_now_us)
	if ok "$name: after the fault, every run is written within 45 s" \
		wait_for 45 jf_written_all; then
		diag "$name: recovered $(fs_secs_since "$t_clear") s after the fault was cleared (fault lasted $(((t_clear - t_fault) / 1000000)) s)"
	else
		diag "journal lines $(jf_lines) (+$JF_REMOVED removed by the test), Slurm's runs $(jf_runs)"
	fi
	is "$(jf_keys | sort | uniq -d | wc -l)" 0 "$name: no run key twice"
	if ! is "$(jf_journal | grep -c .)" "$(jf_valid_lines)" \
		"$name: every journal line is a whole record (nothing torn)"; then
		jf_bad_lines | while read -r l; do diag "  $l"; done
		jf_journal >"$FS_T/journal-after-$JF_FAULTS.jsonl"
		diag "  journal saved: $FS_T/journal-after-$JF_FAULTS.jsonl (FS_KEEP=1 keeps it)"
	fi
	if [[ $JF_REMOVED == 0 ]]; then
		is "$(jf_journal_jobs | paste -sd' ')" "$(jf_slurm_runs | paste -sd' ')" \
			"$name: the journal's runs are exactly Slurm's finished runs"
	else
		# the lines removed with the directory are gone; what is left
		# must be Slurm's runs without them, once each
		is "$(comm -23 <(jf_journal_jobs | sort) <(jf_slurm_runs | sort) | wc -l)" 0 \
			"$name: every journal run is one of Slurm's runs"
	fi
	rec=$(jf_recovered_line "$off")
	attempts=${rec//[!0-9]/}
	errs=$(jf_err_lines "$off" | grep -c .)
	distinct=$(jf_err_lines "$off" | jf_err_msgs | sort -u | grep -c .)
	if ok "$name: recovery logged after >= 2 failed attempts, more than the error lines ($rec; $errs lines, $distinct distinct)" \
		test -n "$attempts" -a "${attempts:-0}" -ge 2 -a \
		"${attempts:-0}" -gt "$errs" -a "$errs" -eq "$distinct"; then
		diag "$name: $attempts failed attempts, $errs error line(s): $(jf_err_lines "$off" | jf_err_msgs | head -n 1)"
	fi
	ok "$name: events journal-write-error and journal-write-recovered" \
		wait_for 10 jf_events_grew "$ev_err0" "$ev_rec0"
	ok "$name: counters.json: records equal the runs, none dropped" \
		wait_for 10 jf_counters_ok

	runs=$(jf_runs)
	lost=$((runs - $(jf_keys | sort -u | grep -c .) - JF_REMOVED))
	((lost > 0)) || lost=0
	JF_LOST=$((JF_LOST + lost))
	diag "$name: $runs runs, $(jf_lines) journal lines (+$JF_REMOVED removed by the test), lost $lost"
}

jf_events_grew() {
	(($(jf_events journal-write-error) == $1 + 1 &&
		$(jf_events journal-write-recovered) == $2 + 1))
}

jf_counters_ok() {
	local rec dropped
	rec=$(fsched_json counters.json .records)
	dropped=$(fsched_json counters.json .dropped)
	[[ $rec == "$(jf_runs)" && $dropped == 0 ]]
}

jf_summary() {
	diag "faults tried: $JF_FAULTS"
	diag "records lost: $JF_LOST"
	is "$JF_LOST" 0 "records lost over $JF_FAULTS faults: 0"
}

JF_SHIM=
JF_SHIM_CTL=
JF_SHIM_LOG=

jf_shim_build() {
	JF_SHIM=$FS_T/faultshim.so
	JF_SHIM_CTL=$FS_T/faultshim.ctl
	JF_SHIM_LOG=$FS_T/faultshim.log
	command -v "${CC:-cc}" >/dev/null ||
		{ fs_msg "no C compiler (${CC:-cc})"; return 1; }
	"${CC:-cc}" -shared -fPIC -O2 -Wall -Wextra -Werror -o "$JF_SHIM" \
		"$(dirname "${BASH_SOURCE[0]}")/../tools/faultshim.c" -ldl ||
		return 1
	chmod 0755 "$JF_SHIM"
	: >"$JF_SHIM_LOG"
	chown slurm: "$JF_SHIM_LOG"
	# ctl1's slurmctld with the shim; ctl2's as cluster.sh starts it.
	# shellcheck disable=SC2317 # called by cluster_start
	ctld_start() {
		if [[ $1 == ctl1 ]]; then
			host_bg "$1" slurmctld env LD_PRELOAD="$JF_SHIM" \
				FAULTSHIM_CONTROL="$JF_SHIM_CTL" \
				FAULTSHIM_PATTERN="$JF_DIR/jobcomp-" \
				FAULTSHIM_LOG="$JF_SHIM_LOG" \
				slurmctld -D -f "$SLURM_CONF" "${@:2}"
		else
			host_bg "$1" slurmctld slurmctld -D -f "$SLURM_CONF" "${@:2}"
		fi
	}
}

jf_shim_calls() {
	grep -c "^$1 " "$JF_SHIM_LOG"
}
