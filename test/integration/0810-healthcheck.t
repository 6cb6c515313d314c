#!/bin/bash
#
# 0810-healthcheck.t - contrib/healthcheck/fsched-healthcheck (as installed
# by "make install") as slurmd's HealthCheckProgram on real daemons, with
# HealthCheckInterval=5 and ReturnToService=2: a required mount that goes
# away on n1 drains n1 with the reason, and jobs then run on n2 only;
# mounting it again returns n1 to service; a drain by an admin is never
# undone by the check; a lost GPU (nvidia-smi failing, too few GPUs) and
# too little free memory drain and resume too; the slurmd check finds
# slurmd through SlurmdPidFile.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib/tap.sh"
. "$here/lib/cluster.sh"
. "$here/lib/fsched.sh"
. "$here/lib/ops.sh"

plan 30
fsched_require
hc_prog=$FSCHED_SBINDIR/fsched-healthcheck
[[ -x $hc_prog ]] || bail_out "no fsched-healthcheck in $FSCHED_SBINDIR (make install)"
ops_require_cmd mountpoint timeout

HC_INTERVAL=5
# A change shows after the next health check: within HC_INTERVAL (plus
# slurmctld's background loop and the scontrol round trip).
HC_WAIT=$((HC_INTERVAL * 4))

cluster_setup || bail_out "cluster_setup failed"

# Each compute node has its own settings on its local disk (seen inside
# the host as $FS_T/local/hc.conf), a required mount $FS_T/local/scratch
# and a place for a fake nvidia-smi.
hc_conf() {	# hc_conf HOST [EXTRA LINES...] - rewrite HOST's settings
	local h=$1
	shift
	{
		echo "# 0810 settings of $h"
		echo "SLURM_CONF=$SLURM_CONF"
		echo "REQUIRED_MOUNTS=\"$FS_T/local/scratch\"   # the scratch fs"
		echo "MIN_FREE_MEM_MB=16"
		echo "NVIDIA_SMI=$FS_T/local/nvidia-smi"
		echo "CHECK_TIMEOUT=10"
		echo "STATUS_FILE=$FS_T/local/hc.status"
		printf '%s\n' "$@"
	} >"$FS_T/hosts/$h/local/hc.conf.tmp" &&
		mv "$FS_T/hosts/$h/local/hc.conf.tmp" "$FS_T/hosts/$h/local/hc.conf"
}
fake_smi() {	# fake_smi HOST EXIT LINES... - HOST's nvidia-smi prints LINES
	local f=$FS_T/hosts/$1/local/nvidia-smi rc=$2
	shift 2
	{
		echo '#!/bin/sh'
		printf 'echo "%s"\n' "$@"
		echo "exit $rc"
	} >"$f.tmp" && chmod 0755 "$f.tmp" && mv "$f.tmp" "$f"
}
status_of() {	# status_of HOST KEY - from HOST's last STATUS_FILE
	sed -n "s/^$2=//p" "$FS_T/hosts/$1/local/hc.status" 2>/dev/null
}
status_is() {	# status_is HOST KEY VALUE
	[[ $(status_of "$1" "$2") == "$3" ]]
}
for h in n1 n2; do
	mkdir -p "$FS_T/hosts/$h/local/scratch" || bail_out mkdir
	hc_conf "$h" || bail_out "cannot write the settings of $h"
	host_run "$h" mount -t tmpfs -o size=1m "hc-scratch-$h" \
		"$FS_T/local/scratch" || bail_out "cannot mount scratch on $h"
done
# HealthCheckProgram takes no arguments: a wrapper names the settings.
cat >"$FS_T/etc/healthcheck" <<EOF
#!/bin/sh
exec $hc_prog -c $FS_T/local/hc.conf
EOF
chmod 0755 "$FS_T/etc/healthcheck"
ops_conf_append "HealthCheckProgram=$FS_T/etc/healthcheck" \
	"HealthCheckInterval=$HC_INTERVAL" "HealthCheckNodeState=ANY" ||
	bail_out "cannot extend slurm.conf"

cluster_start || bail_out "the cluster did not come up"
like "$(client scontrol show config)" \
	"HealthCheckProgram += $FS_T/etc/healthcheck" \
	"slurmctld runs with the health check configured"
ok "the check ran on n1 (by slurmd, at its start): ok" \
	wait_for 10 status_is n1 status ok
is "$(status_of n2 status)" ok "... and on n2: ok"
is "$(node_state n1)/$(node_state n2)" idle/idle "both nodes idle"

# --- a required mount goes away on n1 ---------------------------------------
host_run n1 umount "$FS_T/local/scratch" || bail_out "umount failed"
t0=$(date +%s)
ok "n1 drained after its scratch mount went away" \
	wait_for "$HC_WAIT" ops_node_drained n1
diag "drained after $(($(date +%s) - t0)) s"
is "$(ops_node_reason n1)" "fsched-healthcheck: mount $FS_T/local/scratch missing" \
	"drain reason names the missing mount"
is "$(node_state n2)" idle "n2 not drained"
ok "slurmd on n1 logged the failing check" \
	grep -q "health_check failed: rc:1 output:FAIL: mount $FS_T/local/scratch missing" \
	"$(host_log n1 d)"
ok "a later check keeps the drain (no new update)" \
	wait_for "$HC_WAIT" status_is n1 action drained
id=$(submit -N1 --wrap 'hostname')
ok "a job completes meanwhile" wait_job "$id" 30 COMPLETED
is "$(job_output "$id")" n2 "... on n2: n1 gets no jobs"

# --- an admin's drain is left alone ---------------------------------------
client scontrol update NodeName=n2 State=DRAIN Reason="admin maintenance"
t1=$(date +%s)
n2_checked_since() { (($(status_of n2 time) > $1)); }
ok "n2 checked (healthy) after the admin drained it" \
	wait_for "$HC_WAIT" n2_checked_since $((t1 + 1))
ok "... and checked again" wait_for "$HC_WAIT" n2_checked_since \
	"$(($(status_of n2 time) + 1))"
ok "n2 still drained" ops_node_drained n2
is "$(ops_node_reason n2)" "admin maintenance" "... with the admin's reason"

# --- the mount comes back ---------------------------------------------------
host_run n1 mount -t tmpfs -o size=1m hc-scratch-n1 "$FS_T/local/scratch" ||
	bail_out "mount failed"
ok "n1 returns to service once the mount is back" \
	wait_for "$HC_WAIT" ops_node_state_is n1 idle
is "$(ops_node_reason n1)" none "n1 has no reason left"
is "$(status_of n1 status)" ok "the check passes on n1"
client scontrol update NodeName=n2 State=RESUME
ok "n2 resumed by the admin" wait_for 15 ops_node_state_is n2 idle

# --- GPUs -------------------------------------------------------------------
fake_smi n1 255 "Unable to determine the device handle for GPU 0000:3B:00.0: GPU is lost"
ok "n1 drained when nvidia-smi fails" wait_for "$HC_WAIT" ops_node_drained n1
like "$(ops_node_reason n1)" \
	'^fsched-healthcheck: gpu: nvidia-smi failed \(exit 255\): Unable to determine the device handle for GPU 0000:3B:00.0: GPU is lost$' \
	"reason: nvidia-smi's error"
hc_conf n1 "MIN_GPUS=2"
fake_smi n1 0 "GPU 0: NVIDIA A100 (UUID: GPU-1)"
reason_is() { [[ $(ops_node_reason "$1") == "$2" ]]; }
ok "reason updated to the GPU count" wait_for "$HC_WAIT" \
	reason_is n1 "fsched-healthcheck: gpu: 1 GPUs < 2"
fake_smi n1 0 "GPU 0: NVIDIA A100 (UUID: GPU-1)" "GPU 1: NVIDIA A100 (UUID: GPU-2)"
ok "n1 back with both GPUs" wait_for "$HC_WAIT" ops_node_state_is n1 idle

# --- memory -----------------------------------------------------------------
hc_conf n1 "MIN_FREE_MEM_MB=999999999"
ok "n1 drained below MIN_FREE_MEM_MB" wait_for "$HC_WAIT" ops_node_drained n1
like "$(ops_node_reason n1)" \
	'^fsched-healthcheck: memory [0-9]+ MB available < 999999999 MB$' \
	"reason: available memory"
hc_conf n1
ok "n1 back with the threshold restored" \
	wait_for "$HC_WAIT" ops_node_state_is n1 idle

# --- run by hand: the slurmd check and the dry run ----------------------------
out=$(host_run n2 env -u SLURMD_NODENAME "$hc_prog" -n \
	-c "$FS_T/local/hc.conf" 2>&1)
is "$?:$out" "0:OK: n2 healthy" "by hand on n2: slurmd found through SlurmdPidFile"
out=$(host_run login env -u SLURMD_NODENAME "$hc_prog" -n -N n1 \
	-c "$FS_T/hosts/n2/local/hc.conf" 2>&1)
is "$?:$out" \
	"1:FAIL: mount $FS_T/local/scratch missing; slurmd not running (pid file $FS_T/local/run/slurmd.pid)" \
	"by hand on the login host: no mount, no slurmd"
is "$(node_state n1)" idle "... and the dry run drained nothing"
echo 'BOGUS=1' >"$FS_T/etc/bad-hc.conf"
out=$(host_run login "$hc_prog" -c "$FS_T/etc/bad-hc.conf" 2>&1)
is "$?:$out" "2:fsched-healthcheck: $FS_T/etc/bad-hc.conf:1: unknown setting \"BOGUS\"" \
	"an unknown setting is an error (exit 2)"
done_testing
