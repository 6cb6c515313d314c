#!/bin/bash
#
# 0500-jobcomp.t - jobcomp/fsched on real daemons: job runs of every
# outcome (completed, failed, cancelled running, cancelled pending,
# timeout, requeued and run again, array tasks, a heterogeneous job) give
# exactly one journal record per run with the right state; sacct -c shows
# them and applies its filters; counters.json equals the journal; the
# journal is not readable by other users (documented policy: 0640).
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib/tap.sh"
. "$here/lib/cluster.sh"
. "$here/lib/fsched.sh"

plan 31
fsched_require
fsched_use_all
cluster_setup || bail_out "cluster_setup failed"
cluster_start || bail_out "the cluster did not come up"

journal() { cat "$(fsched_state_dir)"/jobcomp/jobcomp-*.jsonl 2>/dev/null; }
runs_of() { journal | jq -r --arg id "$1" 'select(.job_id == ($id|tonumber)) | .state' | paste -sd,; }

# Outcomes ------------------------------------------------------------------
to=$(submit -J timeout -t 1 --wrap 'sleep 300')	# the slow one first
ok=$(submit -J ok --wrap 'true')
fail=$(submit -J fail --wrap 'exit 3')
run=$(submit -J cancel-running --wrap 'sleep 300')
pend=$(submit -J cancel-pending --hold --wrap 'true')
rq=$(submit -J requeue --requeue --wrap 'sleep 8')
arr=$(submit -J array --array=1-3 --wrap 'true')
cat >"$FS_JOBS/het.sh" <<'EOS'
#!/bin/sh
#SBATCH -J het -n1
#SBATCH hetjob
#SBATCH -n1
true
EOS
het=$(submit "$FS_JOBS/het.sh")
ok "all jobs submitted" test -n "$to" -a -n "$ok" -a -n "$fail" -a -n "$run" \
	-a -n "$pend" -a -n "$rq" -a -n "$arr" -a -n "$het"

ok "job $run running" wait_job "$run" 30 RUNNING
client scancel "$run"
client scancel "$pend"
ok "job $rq running" wait_job "$rq" 30 RUNNING
client scontrol requeue "$rq"
# 22.05 makes a requeued batch job wait (BeginTime); let it run again now.
wait_for 15 job_in_state "$rq" PENDING >/dev/null
client scontrol update JobId="$rq" StartTime=now
ok "requeued job runs again and completes" wait_job "$rq" 120 COMPLETED
ok "timeout job times out" wait_job "$to" 150 TIMEOUT
for id in "$ok" "$fail" "$run" "$pend"; do
	wait_job "$id" 30 COMPLETED FAILED CANCELLED >/dev/null
done
wait_for 30 sh -c "! squeue -h 2>/dev/null | grep -q ." >/dev/null 2>&1
sleep 1	# one flush interval

# 1 timeout, 1 ok, 1 fail, 2 cancelled, 2 runs of the requeued job,
# 3 array tasks, 2 het components.
expected=12
ok "journal flushed" wait_for 10 sh -c "test \$(cat '$(fsched_state_dir)'/jobcomp/*.jsonl | wc -l) -ge $expected"
is "$(journal | wc -l)" "$expected" "exactly one record per job run ($expected)"
is "$(journal | jq -r .run_key | sort | uniq -d | wc -l)" 0 "no run key twice"
is "$(runs_of "$ok")" COMPLETED "completed job: COMPLETED"
is "$(runs_of "$fail")" FAILED "failed job: FAILED"
is "$(journal | jq -r --arg id "$fail" 'select(.job_id == ($id|tonumber)) | .exit_code')" \
	3:0 "failed job: exit code 3:0"
is "$(runs_of "$run")" CANCELLED "cancelled running job: CANCELLED"
is "$(journal | jq -r --arg id "$pend" 'select(.job_id == ($id|tonumber)) | "\(.state) \(.start_time)"')" \
	"CANCELLED 0" "cancelled pending job: CANCELLED, never started"
is "$(runs_of "$to")" TIMEOUT "job over its time limit: TIMEOUT"
is "$(journal | jq -r --arg id "$rq" 'select(.job_id == ($id|tonumber)) | "\(.restart_count):\(.state)"' | sort | paste -sd,)" \
	"0:REQUEUED,1:COMPLETED" "requeued job: two runs, two records"
is "$(journal | jq -r --arg id "$arr" 'select(.array_job_id == ($id|tonumber)) | .array_task_id' | sort -n | paste -sd,)" \
	"1,2,3" "array: one record per task, with its task id"
is "$(journal | jq -r --arg id "$het" 'select(.het_job_id == ($id|tonumber)) | .het_job_offset' | sort -n | paste -sd,)" \
	"0,1" "het job: one record per component, with its offset"
is "$(journal | jq -r '.controller' | sort -u)" ctl1 "records name the controller that logged them"
is "$(journal | jq -r '.epoch' | sort -u)" 1 "... and its epoch"

# sacct -c ------------------------------------------------------------------
sacct_c() { client sacct -c -n -P "$@" 2>/dev/null; }
is "$(sacct_c -a -o jobid | wc -l)" "$expected" "sacct -c -a shows every run"
# As with slurmdbd, -s selects runs that ended in the window; sacct then
# defaults -S to now and -E to -S, so give both.
is "$(sacct_c -a -s FAILED -S now-1hours -E now -o jobid)" "$fail" "sacct -c -s FAILED"
is "$(sacct_c -a -s TIMEOUT -S now-1hours -E now -o jobid,state)" "$to|TIMEOUT" \
	"sacct -c -s TIMEOUT"
is "$(sacct_c -j "$fail" -o jobid,state,exitcode)" "$fail|FAILED|3:0" "sacct -c -j"
is "$(sacct_c -u root -o jobid | wc -l)" "$expected" "sacct -c -u root"
is "$(sacct_c -a -S now-1hours -E now -o jobid | wc -l)" "$expected" "sacct -c -S -E (window)"
is "$(sacct_c -a -S 2020-01-01 -E 2020-01-02 -o jobid | wc -l)" 0 "sacct -c, window without runs"

# Counters and permissions -------------------------------------------------------
is "$(fsched_json counters.json .records)" "$expected" "counters.json: records equal the journal"
is "$(fsched_json counters.json '.by_state | to_entries | map("\(.key)=\(.value)") | sort | join(",")')" \
	"$(journal | jq -r .state | sort | uniq -c | awk '{print $2 "=" $1}' | sort | paste -sd,)" \
	"counters.json: by state equal the journal"
is "$(stat -c '%a %U' "$(fsched_state_dir)"/jobcomp/jobcomp-*.jsonl | sort -u)" \
	"640 slurm" "journal files: 0640, owned by SlurmUser"
out=$(host_run login runuser -u nobody -- env SLURM_CONF="$SLURM_CONF" \
	sacct -c -a -n -o jobid 2>&1)
is "$(grep -c -E "^ *$ok *\$" <<<"$out")" 0 \
	"another user's sacct -c gets no record (policy: 0640)"
like "$out" 'Permission denied' "... and is told why"
done_testing
