#!/bin/bash
#
# 0510-jobcomp-storm.t - exactly once across a kill -9 failover.
#
# A few hundred short jobs run; the active controller is killed
# with SIGKILL while they run and finish; the backup takes over and
# everything drains.  Each job leaves its own evidence (a marker file per
# run, written by the job), so the runs that really happened are known
# independently of Slurm.  Then:
#   - no run key is in the journal twice;
#   - every finished job the surviving controller knows is journalled;
#   - every run that happened is journalled, except runs Slurm itself
#     forgot (the backup never heard of the job: it was acknowledged after
#     the primary's last state save) -- those are counted and reported,
#     not pretended;
#   - counters.json equals the journal.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib/tap.sh"
. "$here/lib/cluster.sh"
. "$here/lib/fsched.sh"

plan 11
fsched_require
fsched_use_all
SLURMCTLD_TIMEOUT=10
N=${FSCHED_STORM_JOBS:-300}
cluster_setup || bail_out "cluster_setup failed"
cluster_start || bail_out "the cluster did not come up"

mkdir -p "$FS_JOBS/runs" && chmod 0777 "$FS_JOBS/runs"
cat >"$FS_JOBS/storm.sh" <<EOS
#!/bin/sh
#SBATCH -J storm -c 1 -o /dev/null
# one marker per run: job id, start, restart count; then its end
m="$FS_JOBS/runs/\$SLURM_JOB_ID.\$(date +%s%N)"
echo "\$SLURM_JOB_ID \$(date +%s) \${SLURM_RESTART_COUNT:-0}" >"\$m"
sleep \$((SLURM_JOB_ID % 3))
date +%s >>"\$m"
EOS
# Individual jobs: their ids are fixed at submission (array tasks get
# theirs when they start, and a backup with older state would reuse them).
ids=()
for ((i = 0; i < N; i++)); do
	ids+=("$(submit "$FS_JOBS/storm.sh")")
done
ok "$N jobs submitted and saved" ctld_save_jobs "${ids[-1]}"

ended() { cat "$FS_JOBS"/runs/* 2>/dev/null | awk 'NF == 1' | wc -l; }
enough_ended() { [[ $(ended) -ge $((N / 3)) ]]; }
ok "a third of the runs finished" wait_for 120 enough_ended
kill_time=$(date +%s)
ctld_takeover || bail_out "no takeover"
diag "killed ctl1 at $kill_time with $(ended) runs ended; ctl2 in control after $FS_TAKEOVER_SECS s"

# Drain.  Stock Slurm after a takeover with older state may drain nodes
# ("Duplicate jobid") or hold jobs ("launch failed requeued held"); do
# what an administrator would, and count it.
resumed=0
released=0
reconfigured=0
last_reconf=$(date +%s)
drained() {
	local n j now
	# Jobs the older state says run, but whose node no longer has them,
	# end only when the node re-registers: make the nodes re-register.
	now=$(date +%s)
	if ((now - last_reconf >= 20)); then
		client scontrol reconfigure && reconfigured=$((reconfigured + 1))
		last_reconf=$now
	fi
	for n in $(client sinfo -h -N -o '%N %t' 2>/dev/null |
		awk '$2 ~ /^drain|^drng/ { print $1 }' | sort -u); do
		client scontrol update NodeName="$n" State=RESUME && resumed=$((resumed + 1))
	done
	for j in $(client squeue -h -t PD -o '%i %r' 2>/dev/null |
		awk '/held/ { print $1 }'); do
		client scontrol release "$j" && released=$((released + 1))
	done
	[[ -z $(client squeue -h -o %i 2>/dev/null) ]]
}
if ! ok "everything drains under ctl2" wait_for 240 drained; then
	client sinfo -N -o '%N %t %E' 2>&1 | while read -r l; do diag "$l"; done
	client squeue -h -o '%i %T %r %N' 2>&1 | head -n 5 |
		while read -r l; do diag "$l"; done
fi
diag "by hand: nodes resumed after Slurm drained them $resumed, jobs released after Slurm held them $released, reconfigures $reconfigured"
sleep 2	# one flush interval, and the reconciliation

journal() { cat "$(fsched_state_dir)"/jobcomp/jobcomp-*.jsonl; }
J=$FS_T/journal.tsv
journal | jq -r '[.job_id, .restart_count, .state, .controller, (.reconciled // false), .run_key] | @tsv' >"$J"
total=$(wc -l <"$J")
is "$(cut -f6 "$J" | sort | uniq -d | wc -l)" 0 "no run key twice in the journal ($total records)"
# Slurm may run a job again (the backup's older state says it never ran):
# two runs, two records.  Never more records for a job than it had runs.
more=$(join <(cut -f1 "$J" | sort | uniq -c | awk '{print $2, $1}') \
	<(for m in "$FS_JOBS"/runs/*; do head -n 1 "$m" | cut -d' ' -f1; done |
		sort | uniq -c | awk '{print $2, $1}') | awk '$2 > $3')
is "$(grep -c . <<<"$more")" 0 "no job has more records than runs"
[[ -z $more ]] || diag "job records runs: $more"

# Finished jobs the surviving controller knows (MinJobAge=300 keeps them).
K=$FS_T/known.tsv
client squeue -h --states=all -o '%A %T' 2>/dev/null |
	awk '$2 !~ /PENDING|RUNNING|CONFIGURING|COMPLETING/ { print $1 }' |
	sort -n >"$K"
missing_known=$(comm -23 "$K" <(cut -f1 "$J" | sort -n | uniq))
is "$(grep -c . <<<"$missing_known")" 0 \
	"every finished job ctl2 knows ($(wc -l <"$K")) is journalled"
[[ -z $missing_known ]] || diag "missing: $(paste -sd' ' <<<"$missing_known")"

# Runs that happened, by their own markers.
R=$FS_T/ran.txt
for m in "$FS_JOBS"/runs/*; do
	head -n 1 "$m" | cut -d' ' -f1
done | sort -n | uniq >"$R"
nmarkers=$(find "$FS_JOBS/runs" -type f | wc -l)
client squeue -h --states=all -o '%A' 2>/dev/null | sort -n >"$FS_T/all-known.txt"
not_journalled=$(comm -23 "$R" <(cut -f1 "$J" | sort -n | uniq))
forgotten=$(comm -23 <(printf '%s\n' "$not_journalled" | grep .) "$FS_T/all-known.txt")
is "$(printf '%s\n' "$not_journalled" | grep -c .)" \
	"$(printf '%s\n' "$forgotten" | grep -c .)" \
	"every run that happened is journalled, but those Slurm forgot"
ran_before_kill=$(for m in "$FS_JOBS"/runs/*; do
	awk -v k="$kill_time" 'NR == 1 { id = $1 } NR == 2 && $1 < k { print id }' "$m"
done | sort -n | uniq)
lost_before=$(comm -23 <(grep . <<<"$ran_before_kill") <(cut -f1 "$J" | sort -n | uniq))
is "$(comm -12 <(grep . <<<"$lost_before") "$FS_T/all-known.txt" | wc -l)" 0 \
	"every run that ended before the kill is journalled (or unknown to Slurm)"

is "$(fsched_json counters.json .records)" "$total" "counters.json equals the journal"
ok "the backup's writer reconciled or skipped duplicates as needed" \
	jq -e '.records > 0' "$(fsched_state_dir)/counters.json"

runs=$(wc -l <"$R")
diag "runs that happened (markers): $nmarkers in $runs jobs"
diag "journal: $total records; by ctl1 $(awk -F'\t' '$4 == "ctl1"' "$J" | wc -l), by ctl2 $(awk -F'\t' '$4 == "ctl2"' "$J" | wc -l), reconciled $(awk -F'\t' '$5 == "true"' "$J" | wc -l)"
diag "duplicates skipped by the writers: $(fsched_json counters.json .duplicates_skipped)"
diag "runs Slurm forgot (acknowledged after the last state save): $(printf '%s\n' "$forgotten" | grep -c .)"
diag "runs that ended before the kill: $(grep -c . <<<"$ran_before_kill"), not journalled: $(grep -c . <<<"$lost_before")"
ok "the journal has the storm" test "$total" -ge "$((N / 2))"
done_testing
