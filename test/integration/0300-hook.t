#!/bin/bash
#
# 0300-hook.t - fsched-hook as SlurmctldPrimaryOnProg/OffProg on real
# daemons: active.json and events at start, at a takeover after kill -9 and
# at failback; the epoch counts changes of controller; status agrees with
# the controllers; a site hook runs as SlurmUser with its environment, a
# site hook that sleeps past HookTimeout is killed and the takeover is not
# held up; watch writes the status and metrics files; check-config and
# check-storage run against the cluster.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib/tap.sh"
. "$here/lib/cluster.sh"
. "$here/lib/fsched.sh"

plan 41
fsched_require

SLURMCTLD_TIMEOUT=10
USE_FSCHED_HOOK=1
cluster_setup || bail_out "cluster_setup failed"

# The site hooks and their output live in the run's directory ($FS_T,
# made, registered and removed by cluster.sh): no trap of our own, which
# would replace the harness's teardown.  fsched.conf is written again
# with them before the cluster starts.
hooks=$FS_T/hooks
mkdir -p "$hooks" && chmod 0755 "$hooks" || bail_out "mkdir $hooks"
FSCHED_CONF_LINES="HookDir=$hooks/hooks.d
HookTimeout=2
MetricsFile=$hooks/metrics/fsched.prom
StatusFile=$hooks/status/status.json"
fs_write_fsched_conf || bail_out "cannot write fsched.conf"

# Site hooks: 10-record logs who ran it, as whom, with which environment;
# 20-slow sleeps past HookTimeout (it records that it started).
mkdir -p "$hooks/hooks.d" "$hooks/out" "$hooks/metrics" "$hooks/status"
chmod 0777 "$hooks/out" "$hooks/metrics" "$hooks/status"
cat >"$hooks/hooks.d/10-record" <<EOS
#!/bin/sh
echo "\$(hostname) \$1 user=\$(id -un) kind=\$FSCHED_KIND epoch=\$FSCHED_EPOCH prev=\$FSCHED_PREV_HOST host=\$FSCHED_HOST" >>"$hooks/out/record.log"
EOS
cat >"$hooks/hooks.d/20-slow" <<EOS
#!/bin/sh
echo "\$\$" >>"$hooks/out/slow.started"
sleep 60
echo done >>"$hooks/out/slow.finished"
EOS
# Not run: a bad name (run-parts rules) and a group-writable hook.
printf '#!/bin/sh\ntouch %s/out/bad-name\n' "$hooks" >"$hooks/hooks.d/30-x.sh"
printf '#!/bin/sh\ntouch %s/out/writable\n' "$hooks" >"$hooks/hooks.d/40-writable"
chmod 0755 "$hooks/hooks.d"/*
chmod 0775 "$hooks/hooks.d/40-writable"

cluster_start || bail_out "the cluster did not come up"

active() { fsched_json active.json "$1"; }
active_is() { [[ $(active .host) == "$1" ]]; }
last_event() {	# last_event EVENT HOST -> its detail as JSON
	fsched_events | jq -c --arg e "$1" --arg h "$2" \
		'select(.event == $e and .host == $h) | .detail' | tail -n 1
}
has_event() {	# has_event EVENT HOST KIND
	fsched_events | jq -s -e --arg e "$1" --arg h "$2" --arg k "$3" \
		'any(.[]; .event == $e and .host == $h and .detail.kind == $k)' \
		>/dev/null
}

# --- start ---------------------------------------------------------------
ok "active.json written at start" wait_for 10 test -s "$(fsched_state_dir)/active.json"
is "$(active .host)" ctl1 "active.json: ctl1 is active"
is "$(active .epoch)" 1 "active.json: epoch 1"
is "$(last_event primary-on ctl1 | jq -r .kind)" first "event: ctl1 primary-on (first)"
ok "event: ctl2 primary-off (standby)" wait_for 10 \
	has_event primary-off ctl2 standby
ok "site hook ran on ctl1 as SlurmUser" wait_for 10 \
	grep -q '^ctl1 primary-on user=slurm kind=first epoch=1 prev= host=ctl1$' "$hooks/out/record.log"
ok "site hook ran on ctl2 (primary-off)" \
	grep -q '^ctl2 primary-off user=slurm kind=standby' "$hooks/out/record.log"
ok "badly named hook not run" not test -e "$hooks/out/bad-name"
ok "group-writable hook refused" not test -e "$hooks/out/writable"

status=$(fsched_hook status --json)
rc=$?
is "$rc" 0 "status: OK (exit 0)"
is "$(jq -r '.heartbeat.host' <<<"$status")" ctl1 "status: heartbeat from ctl1"
is "$(jq -r '[.controllers[].host] | join(",")' <<<"$status")" ctl1,ctl2 \
	"status: controllers in SlurmctldHost order"
is "$(jq -r '.active.host' <<<"$status")" "$(ctld_active)" \
	"status agrees with the controllers on who is active"
cmp_ok "$(jq -r '.heartbeat.age' <<<"$status")" '<=' 5 "status: heartbeat fresh"
like "$(fsched_hook status)" 'active.json: +ctl1 since .*epoch 1 \(0 takeovers\)' \
	"status text names the active controller"

# A user who cannot read the 0600 heartbeat gets UNKNOWN, not OK.
host_run login runuser -u nobody -- env SLURM_CONF="$SLURM_CONF" \
	"$FSCHED_SBINDIR/fsched-hook" status >"$hooks/out/nobody" 2>&1
is "$?" 3 "status as an unprivileged user: UNKNOWN (exit 3)"
like "$(cat "$hooks/out/nobody")" 'run as SlurmUser slurm or root' \
	"... and says why"

# watch --once on ctl1: status file and metrics text file.
fsched_hook_on ctl1 watch --once
is "$?" 0 "watch --once as SlurmUser"
ok "watch wrote the status file" jq -e '.status == 0' "$hooks/status/status.json"
like "$(cat "$hooks/metrics/fsched.prom")" $'fsched_active_controller_index 0\n' \
	"metrics: active controller index 0"
like "$(cat "$hooks/metrics/fsched.prom")" 'fsched_takeovers_total 0' \
	"metrics: 0 takeovers"

# --- takeover ------------------------------------------------------------
t0=$(date +%s)
ctld_takeover
ok "ctl2 took over" test "$(ctld_active)" = ctl2
ok "active.json names ctl2 within SlurmctldTimeout + 15 s" \
	wait_for $((SLURMCTLD_TIMEOUT + 15 - ($(date +%s) - t0))) active_is ctl2
is "$(active .epoch)" 2 "epoch + 1 after the takeover"
is "$(active .previous.host)" ctl1 "active.json: previous controller ctl1"
is "$(last_event primary-on ctl2 | jq -r '.kind + " " + .previous_host')" \
	"takeover ctl1" "event: ctl2 primary-on (takeover from ctl1)"
ok "site hook saw the takeover" \
	grep -q '^ctl2 primary-on user=slurm kind=takeover epoch=2 prev=ctl1 host=ctl2$' "$hooks/out/record.log"
ok "slow site hook was started at the takeover" \
	wait_for 10 test "$(grep -c . "$hooks/out/slow.started")" -ge 3
slow_gone() {	# every 20-slow that was started is dead
	local pid
	while read -r pid; do
		fs_pid_alive "$pid" && return 1
	done <"$hooks/out/slow.started"
	return 0
}
ok "... killed after HookTimeout" wait_for 10 slow_gone
ok "... and never finished" not test -e "$hooks/out/slow.finished"
status=$(fsched_hook status --json)
is "$(jq -r '.heartbeat.host + " " + .active.host' <<<"$status")" "ctl2 ctl2" \
	"status: heartbeat and active.json agree on ctl2"
is "$(jq -r '.active.takeovers' <<<"$status")" 1 "status: 1 takeover"
fsched_hook_on ctl2 watch --once
like "$(cat "$hooks/metrics/fsched.prom")" $'fsched_active_controller_index 1\n' \
	"metrics: active controller index 1"

# --- failback ------------------------------------------------------------
ctld_failback ctl1
ok "ctl1 is back in control" test "$(ctld_active)" = ctl1
ok "active.json names ctl1 again" wait_for 15 active_is ctl1
is "$(active .epoch)" 3 "epoch 3 after failback"
is "$(last_event primary-on ctl1 | jq -r '.kind + " " + (.failback|tostring)')" \
	"takeover true" "event: failback recorded"
ok "event: ctl2 stepped down" wait_for 10 has_event primary-off ctl2 step-down

# --- check-config, check-storage ---------------------------------------------
cfg=$(fsched_hook check-config 2>&1)
cmp_ok "$?" '<=' 1 "check-config: no error on the test cluster"
diag "check-config: $(grep -c . <<<"$cfg") lines"
st=$(fsched_hook check-storage --json --seconds 2 "$FS_STATE" 2>&1)
ok "check-storage measured the shared state directory" \
	jq -e '.metrics | length >= 5' <<<"$st"
is "$(find "$FS_STATE_EXPORT" -maxdepth 1 -name '.fsched-check-storage*' | wc -l)" 0 \
	"check-storage cleaned up"
done_testing
