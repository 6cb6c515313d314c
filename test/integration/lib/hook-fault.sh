#!/bin/sh
#
# hook-fault.sh - run by 0705/0707 as root in a mount namespace of its own
# (unshare --mount inside a controller's namespaces): puts the fsched state
# directory on a tmpfs holding a copy of it, makes a fault, runs
# fsched-primary-on as SlurmUser with syslog captured, cures the fault,
# runs fsched-primary-off.
#
# Usage: hook-fault.sh FAULT OUT STATE_DIR SYSLOGCAP SBINDIR SLURM_CONF
#   FAULT  full | full-midpage | no-inodes | read-only (see 0705, 0707)
# Leaves in OUT: rc, stdout, stderr, syslog, ls.after, active.before,
# active.after, events.before, events.after, events.final, rc.off,
# stderr.off, setup.log, setup.err.
set -u
fault=$1 out=$2 state=$3 cap=$4 sbin=$5 conf=$6
exec 3>"$out/setup.log" 2>"$out/setup.err"
log() { echo "$*" >&3; }
mkdir -p "$out/dev" "$out/orig" || exit 1

# A private /dev with a syslog socket.
for n in null zero full random urandom tty; do
	: >"$out/dev/$n" && mount --bind "/dev/$n" "$out/dev/$n" || exit 1
done
ln -s /proc/self/fd "$out/dev/fd"
mount --rbind "$out/dev" /dev || exit 1
"$cap" -t 120 /dev/log "$out/syslog" &
cap_pid=$!
i=0
while [ ! -S /dev/log ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ -S /dev/log ] || { log "no syslog socket"; exit 1; }

# The state directory on a tmpfs, with its real content.
owner=$(stat -c %u:%g "$state")
mode=$(stat -c %a "$state")
cp -a "$state/." "$out/orig/" || exit 1
files=$(find "$out/orig" | wc -l)
case $fault in
no-inodes) opts="size=4m,nr_inodes=$((files + 8))" ;;
*) opts="size=1m" ;;
esac
mount -t tmpfs -o "$opts" fsched-state "$state" || exit 1
cp -a "$out/orig/." "$state/" || exit 1
chown "$owner" "$state" && chmod "$mode" "$state" || exit 1

if [ "$fault" = full-midpage ]; then
	# Pad events.jsonl with a whole event line so that it ends 40 bytes
	# before a page boundary.
	size=$(stat -c %s "$state/events.jsonl")
	base='{"version":1,"time":0,"time_iso":"1970-01-01T00:00:00Z","host":"test","event":"test-padding","detail":{"pad":""}}'
	want=$(( (4096 - 40 - size % 4096 + 4096) % 4096 ))
	[ "$want" -gt $(( ${#base} + 1 )) ] || want=$((want + 4096))
	pad=$(head -c $((want - ${#base} - 1)) /dev/zero | tr '\0' x)
	printf '%s\n' "$base" | sed "s/\"pad\":\"\"/\"pad\":\"$pad\"/" \
		>>"$state/events.jsonl"
	log "events.jsonl: $(stat -c %s "$state/events.jsonl") bytes"
fi
cp "$state/active.json" "$out/active.before"
cp "$state/events.jsonl" "$out/events.before"

case $fault in
full | full-midpage)
	dd if=/dev/zero of="$state/.filler" bs=4k status=none 2>/dev/null
	log "filled: $(df -P "$state" | tail -n 1)"
	;;
no-inodes)
	i=0
	while touch "$state/.inode.$i" 2>/dev/null; do i=$((i + 1)); done
	log "inodes used up with $i files: $(df -P -i "$state" | tail -n 1)"
	;;
read-only)
	mount -o remount,ro "$state" || exit 1
	log "remounted read-only"
	;;
esac

runuser -u slurm -- env SLURM_CONF="$conf" "$sbin/fsched-primary-on" \
	>"$out/stdout" 2>"$out/stderr" </dev/null
echo $? >"$out/rc"
ls -a "$state" >"$out/ls.after"
cp "$state/active.json" "$out/active.after"
cp "$state/events.jsonl" "$out/events.after"

# The cure, then the next event.
case $fault in
full | full-midpage) rm -f "$state/.filler" ;;
no-inodes) rm -f "$state"/.inode.* ;;
read-only) mount -o remount,rw "$state" ;;
esac
runuser -u slurm -- env SLURM_CONF="$conf" "$sbin/fsched-primary-off" \
	>/dev/null 2>"$out/stderr.off" </dev/null
echo $? >"$out/rc.off"
cp "$state/events.jsonl" "$out/events.final"
sleep 0.2
kill "$cap_pid"
wait "$cap_pid"
exit 0
