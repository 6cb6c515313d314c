# shellcheck shell=bash
#
# hookfaults.sh - fsched-primary-on under storage faults (0705, 0707).
# Source after cluster.sh and fsched.sh, once the cluster is up with the
# primary hooks.
#
#   hf_setup            build tools/syslogcap.c; 3 assertions (it builds,
#                       active.json is ctl1's, epoch 1)
#   hf_fault FAULT      run lib/hook-fault.sh in a mount namespace of its
#                       own made from ctl2's (the hook is "ctl2 taking
#                       over"; nothing else sees the fault), then
#                       HF_TESTS assertions: the hook exits non-zero; syslog
#                       names the cause and does not claim success; no
#                       temporary file (.active.json.tmp.*)
#                       left; active.json keeps its content, byte for byte;
#                       every line of events.jsonl is a whole event; after
#                       the cure the next event (primary-off) is recorded,
#                       whole.

# shellcheck disable=SC2034 # read by the tests (plan)
HF_SETUP_TESTS=3
# shellcheck disable=SC2034
HF_TESTS=7
HF_CAP=

declare -A HF_CAUSE=(
	[full]='No space left on device'
	[full-midpage]='No space left on device'
	[no-inodes]='No space left on device'
	[read-only]='Read-only file system'
)

hf_setup() {
	HF_CAP=$FS_T/syslogcap
	ok "syslogcap builds" "${CC:-cc}" -O2 -Wall -Wextra -Werror \
		-o "$HF_CAP" "$(dirname "${BASH_SOURCE[0]}")/../tools/syslogcap.c"
	ok "active.json written by the real primary-on of ctl1" \
		wait_for 15 test -s "$(fsched_state_dir)/active.json"
	is "$(fsched_json active.json '"\(.host) \(.epoch)"')" "ctl1 1" \
		"active.json: ctl1, epoch 1"
}

# hf_whole_events FILE - FILE has lines and every one is an event object.
hf_whole_events() {
	local n good
	n=$(grep -c '' "$1")
	good=$(jq -R 'fromjson? | select(type == "object" and has("event"))' \
		<"$1" 2>/dev/null | jq -s length)
	[[ $n -gt 0 && $good == "$n" ]]
}

# hf_next_event_ok OUT - primary-off after the cure succeeded, its event is
# the last line and every line is whole.
hf_next_event_ok() {
	[[ $(cat "$1/rc.off" 2>/dev/null) == 0 ]] &&
		tail -n 1 "$1/events.final" |
		jq -e '.event == "primary-off" and .host == "ctl2"' >/dev/null &&
		hf_whole_events "$1/events.final"
}

hf_fault() {
	local f=$1 out=$FS_T/hook-$1 rc msg
	out=$FS_T/hook-$f
	mkdir -p "$out" && chmod 0755 "$out"
	host_run ctl2 unshare --mount --propagation private \
		timeout -k 5 60 sh "$(dirname "${BASH_SOURCE[0]}")/hook-fault.sh" \
		"$f" "$out" "$FS_STATE/fsched" "$HF_CAP" "$FSCHED_SBINDIR" \
		"$SLURM_CONF"
	diag "---- $f: $(paste -sd';' "$out/setup.log" 2>/dev/null)"
	[[ ! -s $out/setup.err ]] || diag_text "$(cat "$out/setup.err")"
	rc=$(cat "$out/rc" 2>/dev/null)
	if [[ -n $rc && $rc != 0 ]]; then
		pass "$f: fsched-primary-on exits non-zero ($rc)"
	else
		fail "$f: fsched-primary-on exits non-zero (got '$rc')"
	fi
	msg=$(grep 'fsched-hook' "$out/syslog" 2>/dev/null |
		grep -E "primary-on: .*(${HF_CAUSE[$f]})" | head -n 1)
	if ok "$f: syslog names the cause (${HF_CAUSE[$f]})" test -n "$msg"; then
		diag "$f: syslog: ${msg#*]: }"
	fi
	grep 'fsched-hook' "$out/syslog" 2>/dev/null | grep -v -F "$msg" |
		while read -r l; do diag "$f: syslog: ${l#*]: }"; done
	ok "$f: syslog does not claim the takeover was recorded" \
		not grep -q -E 'primary-on: .* is the active controller, epoch' \
		"$out/syslog"
	if [[ -s $out/stderr ]]; then
		diag "$f: stderr: $(head -c 300 "$out/stderr")"
	else
		diag "$f: nothing on stderr (primary-on logs to syslog only)"
	fi
	is "$(grep -c -E '^\.active\.json\.tmp\.' "$out/ls.after" 2>/dev/null)" 0 \
		"$f: no temporary file left"
	ok "$f: active.json keeps its previous content" \
		cmp "$out/active.before" "$out/active.after"
	if ! ok "$f: every line of events.jsonl is a whole event" \
		hf_whole_events "$out/events.after"; then
		diag "$f: last bytes of events.jsonl: $(tail -c 120 "$out/events.after" | tr -c '[:print:]' '.')"
	fi
	if ! ok "$f: after the cure, the next event is recorded, whole" \
		hf_next_event_ok "$out"; then
		diag "$f: primary-off rc $(cat "$out/rc.off" 2>/dev/null); last 2 lines of events.jsonl:"
		diag_text "$(tail -n 2 "$out/events.final" 2>/dev/null | cut -c 1-200)"
	fi
}
