# shellcheck shell=bash
#
# cluster.sh - bring up a small real Slurm 22.05 cluster on this one machine.
#
# Each "host" (ctl1 ctl2 n1 n2 login) is
#   - its own network namespace (/run/netns/<run id>-<host>), with a veth
#     whose other end is plugged into a bridge living in a dedicated switch
#     namespace (<run id>-sw): nothing is added to the root namespace;
#   - its own UTS namespace (own hostname, so slurmd finds its NodeName and
#     slurmctld knows whether it is the primary or the backup);
#   - its own mount namespace, where the cluster's hosts file is bind-mounted
#     on /etc/hosts and the host's private directory $FS_T/hosts/<host>/local
#     on the common path $FS_T/local ("local disk": pid files, logs, spool
#     and munge socket are named by ONE path in slurm.conf but private to
#     each host).  $FS_T/shared is the same directory for every host ("NFS").
#
# The namespaces are held by one long-lived "host anchor" process per host;
# every other process of that host joins the anchor's namespaces with
# nsenter.  Everything started here is a child of the calling shell, so run
# the tests under tools/reaper (the runner does), which reaps the orphans
# (slurmstepd ...) that PID 1 on these machines leaves as zombies.
#
# Typical use in a test:
#   . "$(dirname "$0")/lib/tap.sh"
#   . "$(dirname "$0")/lib/cluster.sh"
#   SLURMCTLD_TIMEOUT=10            # optional overrides, see below
#   cluster_setup
#   cluster_start || bail_out "cluster did not come up"
#   client srun -N2 hostname
#
# Variables a test may set before cluster_setup (defaults in brackets):
#   SLURMCTLD_TIMEOUT   [10]               SlurmctldTimeout
#   SELECT_TYPE         [select/cons_tres] SelectType
#   SELECT_TYPE_PARAMS  [CR_Core_Memory]   SelectTypeParameters
#   SCHED_PARAMS        [bf_interval=2]    SchedulerParameters
#   JOBCOMP_TYPE        [jobcomp/none]     JobCompType
#   JOBCOMP_LOC         []                 JobCompLoc (line omitted if empty)
#   FSCHED_PLUGIN_DIR   []                 appended to PluginDir if set
#   EXTRA_CONF          []                 lines appended to slurm.conf
#   SLURMCTLD_DEBUG     [info]             SlurmctldDebug
#   SLURMD_DEBUG        [info]             SlurmdDebug
#   NODE_CPUS           [4]                CPUs= of every node
#   NODE_MEMORY         [2000]             RealMemory= of every node (MB)
#   NODE_GRES           [bandwidth:100]    Gres= of every node (GresTypes is
#                                          derived from it; empty: no GRES)
#   FS_SLURM_PLUGIN_DIR [found]            system Slurm plugin directory
#   FS_KEEP             [0]                1: keep $FS_T after the run
#   FSCHED_SBINDIR      []                 where fsched-hook is installed
#                                          (staged by the runner)
#   USE_FSCHED_HOOK     [0]                1: SlurmctldPrimaryOn/OffProg are
#                                          fsched-primary-on/-off
#   FSCHED_CONF_LINES         []                 extra lines of fsched.conf (next to
#                                          slurm.conf; LocalStateDir is always
#                                          set to a per-host private dir)
#   FS_UNMOUNTED        []                 hosts that do NOT mount the shared
#                                          state (see below)
#   FS_CLIENT_TIMEOUT   [60]               bound (s) for each client command
#   FS_UP_TIMEOUT       [60]               bound (s) for cluster_start
#
# Exported / set for tests after cluster_setup:
#   FS_ID       run id (prefix of every namespace name)
#   FS_T        the run's temporary directory
#   FS_SHARED   $FS_T/shared, same directory on every host
#   FS_STATE    $FS_T/shared/state: StateSaveLocation.  On every host it is
#               a mount point: the anchor bind-mounts the "file server
#               export" $FS_STATE_EXPORT there, unless the host is in
#               FS_UNMOUNTED (then it sees the empty directory below, as a
#               head node whose shared file system is not mounted would).
#               In the root namespace FS_STATE is that empty directory:
#               read the state through FS_STATE_EXPORT.
#   FS_STATE_EXPORT  $FS_T/export/state, the shared state itself
#   FS_JOBS     $FS_T/shared/jobs, default cwd and output dir of jobs
#   SLURM_CONF  the cluster's slurm.conf
#   FS_HOSTS FS_CTLDS FS_NODES (arrays), FS_ADDR (assoc: host -> address)
#
# Library functions do not rely on "set -e" (they are often called from
# conditions, where bash ignores it): every failure is returned explicitly.

: "${SLURMCTLD_TIMEOUT:=10}"
: "${SELECT_TYPE:=select/cons_tres}"
: "${SELECT_TYPE_PARAMS:=CR_Core_Memory}"
: "${SCHED_PARAMS:=bf_interval=2}"
: "${JOBCOMP_TYPE:=jobcomp/none}"
: "${JOBCOMP_LOC:=}"
: "${FSCHED_PLUGIN_DIR:=}"
: "${EXTRA_CONF:=}"
: "${SLURMCTLD_DEBUG:=info}"
: "${SLURMD_DEBUG:=info}"
: "${NODE_CPUS:=4}"
: "${NODE_MEMORY:=2000}"
: "${NODE_GRES=bandwidth:100}"
: "${FS_KEEP:=0}"
: "${FSCHED_SBINDIR:=}"
: "${USE_FSCHED_HOOK:=0}"
: "${FSCHED_CONF_LINES:=}"
: "${FS_UNMOUNTED:=}"
: "${FS_CLIENT_TIMEOUT:=60}"
: "${FS_UP_TIMEOUT:=60}"

FS_CTLD_PORT=16817
FS_SLURMD_PORT=16818

FS_HOSTS=(ctl1 ctl2 n1 n2 login)
FS_CTLDS=(ctl1 ctl2)
FS_NODES=(n1 n2)
declare -A FS_OCTET=([ctl1]=11 [ctl2]=12 [n1]=21 [n2]=22 [login]=30)
declare -A FS_ADDR=()
FS_ID=
FS_T=
FS_NETNS=()
FS_TORN_DOWN=
FS_LAST_PID=
# results of ctld_takeover / ctld_failback (seconds, 3 decimals)
FS_TAKEOVER_FROM=
FS_TAKEOVER_TO=
FS_TAKEOVER_SECS=
FS_TAKEOVER_CLIENT_SECS=
FS_FAILBACK_SECS=
export FS_TAKEOVER_FROM FS_TAKEOVER_TO FS_TAKEOVER_SECS \
	FS_TAKEOVER_CLIENT_SECS FS_FAILBACK_SECS

# ---------------------------------------------------------------------------
# small utilities

# fs_msg MSG... - harness message on stderr, as a TAP comment.
fs_msg() {
	echo "# [cluster] $*" >&2
}

# fs_now_us - wall clock in microseconds (integer).
fs_now_us() {
	local t=$EPOCHREALTIME
	echo "${t/./}"
}

# fs_secs_since START_US - seconds elapsed since START_US, 3 decimals.
fs_secs_since() {
	local d=$(($(fs_now_us) - $1))
	printf '%d.%03d\n' $((d / 1000000)) $((d % 1000000 / 1000))
}

# fs_pid_alive PID - true if PID exists and is neither a zombie nor dead
# (PID 1 does not reap here, so "kill -0" would call a zombie alive).
fs_pid_alive() {
	local line rest
	[[ -n ${1:-} ]] || return 1
	read -r line 2>/dev/null <"/proc/$1/stat" || return 1
	rest=${line##*) }	# comm may contain spaces: cut at the last ')'
	case ${rest%% *} in
	Z | X | x) return 1 ;;
	esac
	return 0
}

# fs_children PID - print the pids of PID's live descendants (from /proc).
fs_children() {
	local want=" $1 " f line rest pid ppid found=1
	local -A parent=()
	for f in /proc/[0-9]*/stat; do
		read -r line 2>/dev/null <"$f" || continue
		rest=${line##*) }
		pid=${line%% *}
		ppid=${rest#* }
		parent[$pid]=${ppid%% *}
	done
	# transitive closure, bounded by the number of processes
	while ((found)); do
		found=0
		for pid in "${!parent[@]}"; do
			[[ $want == *" ${parent[$pid]} "* && $want != *" $pid "* ]] ||
				continue
			want+="$pid "
			found=1
		done
	done
	for pid in $want; do
		[[ $pid == "$1" ]] || ! fs_pid_alive "$pid" || echo "$pid"
	done
}

# wait_for SECONDS CMD [ARGS...] - poll CMD (every 0.2 s) until it succeeds;
# returns 1 if it still fails after SECONDS.  CMD's output is discarded.
wait_for() {
	local limit=$1 start
	shift
	start=$(fs_now_us)
	while :; do
		"$@" >/dev/null 2>&1 && return 0
		(($(fs_now_us) - start < limit * 1000000)) || return 1
		sleep 0.2
	done
}

# fs_tail FILE [N] - last N (default 30) lines of FILE as TAP comments.
fs_tail() {
	local n=${2:-30}
	if [[ -s $1 ]]; then
		echo "# ---- last $n lines of $1" >&2
		tail -n "$n" "$1" | sed 's/^/#   /' >&2
	else
		echo "# ---- $1: empty or missing" >&2
	fi
}

# fs_fail MSG [HOST:LOG ...] - print MSG and the tail of each named log
# (LOG as for host_log) on stderr; returns 1.
fs_fail() {
	local msg=$1 spec
	shift
	fs_msg "FAILED: $msg"
	for spec in "$@"; do
		fs_tail "$(host_log "${spec%%:*}" "${spec#*:}")"
	done
	return 1
}

# ---------------------------------------------------------------------------
# setup / teardown

# fs_find_plugin_dir - the directory of the system's select_cons_tres.so.
fs_find_plugin_dir() {
	local f
	if [[ -n ${FS_SLURM_PLUGIN_DIR:-} ]]; then
		echo "$FS_SLURM_PLUGIN_DIR"
		return 0
	fi
	f=$(find /usr/lib /usr/lib64 /usr/local/lib /usr/local/lib64 \
		-maxdepth 4 -name select_cons_tres.so -print -quit 2>/dev/null)
	[[ -n $f ]] || return 1
	dirname "$f"
}

# fs_register KIND VALUE - tell the runner (if any) what to clean up should
# this shell be killed before its own teardown runs.
fs_register() {
	[[ -z ${FS_REGISTRY:-} ]] || echo "$1 $2" >>"$FS_REGISTRY"
}

# cluster_setup - create the run id, $FS_T, the network (switch namespace
# with a bridge, one namespace per host with a veth plugged into it), the
# hosts file, slurm.conf and the host anchors.  Registers the teardown
# (trap on EXIT INT TERM) before creating anything.
cluster_setup() {
	local tool h ns x

	if ((EUID != 0)); then
		fs_msg "must run as root (namespaces, mounts, slurmd)"
		return 1
	fi
	for tool in ip nsenter unshare munged munge unmunge slurmctld slurmd \
		scontrol sbatch srun squeue sinfo scancel runuser; do
		command -v "$tool" >/dev/null ||
			{ fs_msg "missing tool: $tool"; return 1; }
	done
	id slurm >/dev/null 2>&1 || { fs_msg "no 'slurm' user"; return 1; }

	# Teardown first: whatever happens from here on is undone.  INT/TERM
	# just exit, which runs the EXIT trap once.
	trap fs_teardown EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM

	# Run id from our pid: unique among the runs alive at the same time.
	FS_ID="fst$$x"
	[[ ! -e /run/netns/$FS_ID-sw ]] || FS_ID="fst$$x$RANDOM"
	# Each run has its own isolated bridge, so addresses could even be
	# equal; still take the third octet from the pid to tell runs apart.
	x=$(($$ % 200 + 20))
	for h in "${FS_HOSTS[@]}"; do
		FS_ADDR[$h]="10.213.$x.${FS_OCTET[$h]}"
	done

	FS_T=$(mktemp -d "${TMPDIR:-/tmp}/fsched-it.$FS_ID.XXXXXX") ||
		{ fs_msg "mktemp failed"; return 1; }
	fs_register dir "$FS_T"
	# slurmctld runs as SlurmUser: it must traverse $FS_T (munge socket,
	# slurm.conf, state); mktemp -d makes it 0700.
	chmod 0755 "$FS_T"
	FS_SHARED=$FS_T/shared
	FS_JOBS=$FS_SHARED/jobs
	FS_STATE=$FS_SHARED/state
	FS_STATE_EXPORT=$FS_T/export/state
	mkdir -p "$FS_T/etc" "$FS_T/local" "$FS_STATE" "$FS_STATE_EXPORT" \
		"$FS_JOBS" || return 1
	# The mount point itself belongs to SlurmUser, like a real empty
	# /var/spool/slurmctld: an unmounted head node can write into it.
	chown slurm: "$FS_STATE" "$FS_STATE_EXPORT"
	chmod 0755 "$FS_T/export"
	chmod 0777 "$FS_JOBS"
	if ! runuser -u slurm -- test -x "$FS_T/local" -a -w "$FS_STATE_EXPORT"
	then
		fs_msg "user slurm cannot use $FS_T (check TMPDIR permissions)"
		return 1
	fi
	: >"$FS_T/pids"
	export FS_ID FS_T FS_SHARED FS_JOBS FS_STATE FS_STATE_EXPORT
	export SLURM_CONF=$FS_T/etc/slurm.conf

	# Per-host private "local disk", bind-mounted on $FS_T/local by the
	# anchor.  log/ and run/ are written by slurmctld as SlurmUser.
	for h in "${FS_HOSTS[@]}"; do
		mkdir -p "$FS_T/hosts/$h/local/"{munge,log,run,lib,spool/slurmd} ||
			return 1
		chown slurm: "$FS_T/hosts/$h/local/"{log,run,lib}
		chmod 0755 "$FS_T/hosts/$h/local/"{munge,log,run,lib}
	done

	fs_write_hosts_file || return 1
	fs_write_munge_key || return 1
	fs_write_slurm_conf || return 1
	fs_write_fsched_conf || return 1

	# Network.  The switch namespace only holds a bridge; each host's
	# veth is created from inside the host namespace with its peer moved
	# straight into the switch namespace, so no interface ever appears in
	# the root namespace.
	ns=$FS_ID-sw
	fs_register netns "$ns"
	ip netns add "$ns" || return 1
	FS_NETNS+=("$ns")
	ip -n "$ns" link add br0 type bridge &&
		ip -n "$ns" link set dev br0 up &&
		ip -n "$ns" link set dev lo up || return 1
	for h in "${FS_HOSTS[@]}"; do
		ns=$FS_ID-$h
		fs_register netns "$ns"
		ip netns add "$ns" || return 1
		FS_NETNS+=("$ns")
		ip -n "$ns" link set dev lo up &&
			ip -n "$ns" link add eth0 type veth peer name "v-$h" \
				netns "$FS_ID-sw" &&
			ip -n "$FS_ID-sw" link set dev "v-$h" master br0 up &&
			ip -n "$ns" addr add "${FS_ADDR[$h]}/24" dev eth0 &&
			ip -n "$ns" link set dev eth0 up || return 1
	done
	# namespace inodes, to find every process of ours at teardown
	stat -L -c %i "${FS_NETNS[@]/#//run/netns/}" >"$FS_T/netns.ino" ||
		return 1

	for h in "${FS_HOSTS[@]}"; do
		fs_start_anchor "$h" || return 1
	done
	fs_msg "run $FS_ID: hosts up on 10.213.$x.0/24, dir $FS_T"
}

# fs_write_hosts_file - $FS_T/etc/hosts, bind-mounted on /etc/hosts of
# every host.
fs_write_hosts_file() {
	local h
	{
		echo "127.0.0.1 localhost"
		echo "::1 localhost ip6-localhost ip6-loopback"
		for h in "${FS_HOSTS[@]}"; do
			echo "${FS_ADDR[$h]} $h"
		done
	} >"$FS_T/etc/hosts"
}

# fs_write_munge_key - one key shared by the cluster's munged, mode 0400.
fs_write_munge_key() {
	local key=$FS_T/etc/munge.key
	if command -v mungekey >/dev/null; then
		mungekey --create --keyfile="$key" >/dev/null 2>&1 || return 1
	else
		dd if=/dev/urandom of="$key" bs=1024 count=1 2>/dev/null ||
			return 1
	fi
	chmod 0400 "$key"
}

# fs_write_slurm_conf - slurm.conf from the variables documented above,
# plus one client config per controller listing only that controller
# ($FS_T/etc/only-<ctl>/slurm.conf, used by ctld_active).
fs_write_slurm_conf() {
	local sysdir plugindir h gres_types=
	sysdir=$(fs_find_plugin_dir) ||
		{ fs_msg "cannot find select_cons_tres.so"; return 1; }
	plugindir=$sysdir
	[[ -z $FSCHED_PLUGIN_DIR ]] || plugindir+=":$FSCHED_PLUGIN_DIR"
	# GresTypes: the names used in NODE_GRES ("a:1,b:no_consume:2")
	if [[ -n $NODE_GRES ]]; then
		gres_types=$(tr ',' '\n' <<<"$NODE_GRES" | cut -d: -f1 |
			sort -u | paste -sd, -)
	fi
	{
		cat <<-EOF
		# generated by test/integration/lib/cluster.sh for run $FS_ID
		ClusterName=fsched
		SlurmctldHost=ctl1(${FS_ADDR[ctl1]})
		SlurmctldHost=ctl2(${FS_ADDR[ctl2]})
		SlurmctldPort=$FS_CTLD_PORT
		SlurmdPort=$FS_SLURMD_PORT
		SlurmUser=slurm
		SlurmdUser=root
		AuthType=auth/munge
		CredType=cred/munge
		AuthInfo=socket=$FS_T/local/munge/munge.socket.2
		PluginDir=$plugindir
		StateSaveLocation=$FS_STATE
		SlurmdSpoolDir=$FS_T/local/spool/slurmd
		SlurmctldPidFile=$FS_T/local/run/slurmctld.pid
		SlurmdPidFile=$FS_T/local/run/slurmd.pid
		SlurmctldLogFile=$FS_T/local/log/slurmctld.log
		SlurmdLogFile=$FS_T/local/log/slurmd.log
		SlurmctldDebug=$SLURMCTLD_DEBUG
		SlurmdDebug=$SLURMD_DEBUG
		SlurmctldTimeout=$SLURMCTLD_TIMEOUT
		SlurmdTimeout=300
		MessageTimeout=10
		ProctrackType=proctrack/linuxproc
		TaskPlugin=task/none
		JobAcctGatherType=jobacct_gather/none
		AccountingStorageType=accounting_storage/none
		JobCompType=$JOBCOMP_TYPE
		SwitchType=switch/none
		MpiDefault=none
		SchedulerType=sched/backfill
		SchedulerParameters=$SCHED_PARAMS
		SelectType=$SELECT_TYPE
		SelectTypeParameters=$SELECT_TYPE_PARAMS
		ReturnToService=2
		SlurmdParameters=config_overrides
		DefMemPerCPU=100
		KillWait=5
		MailProg=/bin/true
		MinJobAge=300
		InactiveLimit=0
		EOF
		[[ -z $JOBCOMP_LOC ]] || echo "JobCompLoc=$JOBCOMP_LOC"
		if ((USE_FSCHED_HOOK)); then
			echo "SlurmctldPrimaryOnProg=$FSCHED_SBINDIR/fsched-primary-on"
			echo "SlurmctldPrimaryOffProg=$FSCHED_SBINDIR/fsched-primary-off"
		fi
		[[ -z $gres_types ]] || echo "GresTypes=$gres_types"
		for h in "${FS_NODES[@]}"; do
			printf 'NodeName=%s NodeAddr=%s CPUs=%s RealMemory=%s%s State=UNKNOWN\n' \
				"$h" "${FS_ADDR[$h]}" "$NODE_CPUS" "$NODE_MEMORY" \
				"${NODE_GRES:+ Gres=$NODE_GRES}"
		done
		echo "PartitionName=debug Nodes=$(
			IFS=,
			echo "${FS_NODES[*]}"
		) Default=YES MaxTime=INFINITE State=UP"
		[[ -z $EXTRA_CONF ]] || printf '%s\n' "$EXTRA_CONF"
	} >"$SLURM_CONF" || return 1
	chmod 0644 "$SLURM_CONF"

	for h in "${FS_CTLDS[@]}"; do
		mkdir -p "$FS_T/etc/only-$h" || return 1
		grep -v -E "^SlurmctldHost=" "$SLURM_CONF" |
			sed "1a SlurmctldHost=$h(${FS_ADDR[$h]})" \
				>"$FS_T/etc/only-$h/slurm.conf" || return 1
	done
}

# fs_write_fsched_conf - $FS_T/etc/fsched.conf next to slurm.conf, found
# by the plugins and fsched-hook.  LocalStateDir is per host (the private
# local disk); FSCHED_CONF_LINES adds lines.
fs_write_fsched_conf() {
	{
		echo "# generated by test/integration/lib/cluster.sh"
		echo "LocalStateDir=$FS_T/local/lib/fsched"
		[[ -z $FSCHED_CONF_LINES ]] || printf '%s\n' "$FSCHED_CONF_LINES"
	} >"$FS_T/etc/fsched.conf" && chmod 0644 "$FS_T/etc/fsched.conf"
}

# fs_start_anchor HOST - start the process that holds HOST's namespaces.
#
# nsenter --net enters the host's network namespace (made by "ip netns
# add"); unshare then creates a new UTS and mount namespace (mount
# propagation private, so nothing done inside leaks to the root namespace)
# and forks the anchor shell inside them (--kill-child: killing unshare kills
# the anchor too).  The anchor sets the hostname, bind-mounts the hosts file
# and the host's private dir, publishes its pid and sleeps forever.
# "ip netns exec" is not used: it remounts /sys, which hides
# /sys/fs/cgroup, and slurmd 22.05 then exits.
fs_start_anchor() {
	local h=$1 dir=$FS_T/hosts/$1 pid i
	# shellcheck disable=SC2016 # expanded by the anchor shell
	local script='
		set -e
		hostname "$1"
		mount --bind "$2/etc/hosts" /etc/hosts
		mount --bind "$2/hosts/$1/local" "$2/local"
		[ "$3" = unmounted ] ||
			mount --bind "$2/export/state" "$2/shared/state"
		echo $$ >"$2/hosts/$1/anchor.pid.tmp"
		mv "$2/hosts/$1/anchor.pid.tmp" "$2/hosts/$1/anchor.pid"
		exec sleep infinity'
	local mounted=mounted
	[[ " $FS_UNMOUNTED " != *" $h "* ]] || mounted=unmounted
	nsenter --net="/run/netns/$FS_ID-$h" \
		unshare --uts --mount --propagation private --fork --kill-child \
		sh -c "$script" fs-anchor "$h" "$FS_T" "$mounted" \
		</dev/null >"$dir/anchor.out" 2>&1 &
	pid=$!
	disown "$pid"	# no "Killed" notices from bash; still reaped
	echo "$pid $h unshare" >>"$FS_T/pids"
	for ((i = 0; i < 100; i++)); do
		[[ -s $dir/anchor.pid ]] && break
		fs_pid_alive "$pid" || break
		sleep 0.1
	done
	if [[ ! -s $dir/anchor.pid ]]; then
		fs_msg "host anchor of $h did not start"
		fs_tail "$dir/anchor.out"
		return 1
	fi
	echo "$(<"$dir/anchor.pid") $h anchor" >>"$FS_T/pids"
}

# host_unmount_state HOST / host_mount_state HOST - take the shared state
# file system away from HOST, or give it back (HOST's mount namespace only).
host_unmount_state() {
	nsenter -t "$(fs_anchor_pid "$1")" --mount umount "$FS_STATE"
}
host_mount_state() {
	nsenter -t "$(fs_anchor_pid "$1")" --mount \
		mount --bind "$FS_STATE_EXPORT" "$FS_STATE"
}

# fs_anchor_pid HOST - pid of HOST's anchor (the process to nsenter).
fs_anchor_pid() {
	local f=$FS_T/hosts/$1/anchor.pid
	[[ -s $f ]] || { fs_msg "unknown host or no anchor: $1"; return 1; }
	echo "$(<"$f")"
}

# fs_our_pids - pids of every live process in one of our network
# namespaces (the anchors, daemons, slurmstepd, jobs, clients ...),
# found by namespace inode, never by name.
fs_our_pids() {
	local ino pid rest
	local -A ours=()
	[[ -s ${FS_T:-}/netns.ino ]] || return 0
	for ino in $(<"$FS_T/netns.ino"); do
		ours[$ino]=1
	done
	# "stat -L" of /proc/PID/ns/net gives the namespace inode
	stat -L -c '%i %n' /proc/[0-9]*/ns/net 2>/dev/null |
		while read -r ino rest; do
			[[ -n ${ours[$ino]:-} ]] || continue
			pid=${rest#/proc/}
			pid=${pid%%/*}
			fs_pid_alive "$pid" && echo "$pid"
		done
	return 0
}

# fs_kill_all - SIGTERM, then SIGKILL, every process of this run: every
# process in one of our network namespaces (everything we start runs in
# one: anchors, daemons, slurmstepd, jobs, clients).  Pids are always
# verified that way, never taken from a list: a recorded pid may have been
# reused by another process since.  Bounded: ~5 s.
fs_kill_all() {
	local pids i
	for ((i = 1; i <= 25; i++)); do
		pids=$(fs_our_pids)
		[[ -n $pids ]] || return 0
		if ((i == 1)); then
			# shellcheck disable=SC2086 # list of pids
			kill -TERM $pids 2>/dev/null
		elif ((i >= 10)); then
			# shellcheck disable=SC2086
			kill -KILL $pids 2>/dev/null
		fi
		sleep 0.2
	done
	fs_msg "processes still alive after SIGKILL: ${pids//$'\n'/ }"
	return 1
}

# fs_teardown - EXIT trap: kill every process we started (by pid), delete
# the namespaces, remove $FS_T unless FS_KEEP=1.  Runs once; preserves the
# exit status of the script.
fs_teardown() {
	local rc=$? ns
	[[ -z $FS_TORN_DOWN ]] || return "$rc"
	FS_TORN_DOWN=1
	trap - EXIT
	trap '' INT TERM	# finish cleaning up (the reaper SIGKILLs if stuck)
	set +e
	fs_kill_all
	for ns in "${FS_NETNS[@]}"; do
		ip netns del "$ns" 2>/dev/null ||
			fs_msg "could not delete netns $ns"
	done
	if [[ -n $FS_T && -d $FS_T ]]; then
		if [[ $FS_KEEP == 1 ]]; then
			fs_msg "FS_KEEP=1: kept $FS_T"
		else
			rm -rf "$FS_T"
		fi
	fi
	exit "$rc"
}

# ---------------------------------------------------------------------------
# running things on hosts

# host_run HOST CMD [ARGS...] - run an external command inside HOST (its
# network, UTS and mount namespaces).  nsenter execs CMD without forking,
# so CMD is a direct child of the caller.
host_run() {
	local anchor
	anchor=$(fs_anchor_pid "$1") || return 1
	shift
	nsenter -t "$anchor" --net --uts --mount -- "$@"
}

# client CMD [ARGS...] - run a Slurm client command on the login host, with
# SLURM_CONF set, in $FS_JOBS, bounded by FS_CLIENT_TIMEOUT seconds.
client() {
	(cd "$FS_JOBS" &&
		SLURM_CONF=${FS_CLIENT_CONF:-$SLURM_CONF} host_run login \
			timeout -k 5 "$FS_CLIENT_TIMEOUT" "$@")
}

# client_stdout CMD [ARGS...] - client, with stderr (srun's "job N queued
# and waiting for resources" notes, errors) saved in $FS_T/client.err
# instead, so that stdout can be compared exactly; see client_err.
client_stdout() {
	client "$@" 2>"$FS_T/client.err"
}

# client_err - stderr of the last client_stdout, as TAP diagnostics.
client_err() {
	[[ ! -s $FS_T/client.err ]] || sed 's/^/#   stderr: /' "$FS_T/client.err"
}

# host_bg HOST NAME CMD [ARGS...] - start a daemon in HOST as a child of
# this shell (so it can be reaped and killed by pid).  Its pid is recorded
# in $FS_T/hosts/HOST/NAME.pid (see daemon_pid) and in $FS_T/pids (a log,
# for debugging) and set in FS_LAST_PID; stdout/stderr go to
# $FS_T/hosts/HOST/NAME.out.
host_bg() {
	local h=$1 name=$2 anchor
	shift 2
	anchor=$(fs_anchor_pid "$h") || return 1
	nsenter -t "$anchor" --net --uts --mount -- "$@" \
		</dev/null >>"$FS_T/hosts/$h/$name.out" 2>&1 &
	FS_LAST_PID=$!
	disown "$FS_LAST_PID"	# no "Killed" notices from bash; still reaped
	echo "$FS_LAST_PID" >"$FS_T/hosts/$h/$name.pid"
	echo "$FS_LAST_PID $h $name" >>"$FS_T/pids"
}

# daemon_pid HOST NAME - pid of the daemon NAME started by host_bg in HOST
# if it is still alive (and still in HOST's network namespace, so a reused
# pid is not mistaken for it); fails otherwise.
daemon_pid() {
	local f=$FS_T/hosts/$1/$2.pid pid anchor
	[[ -s $f ]] || return 1
	pid=$(<"$f")
	anchor=$(fs_anchor_pid "$1") || return 1
	fs_pid_alive "$pid" || return 1
	[[ $(readlink "/proc/$pid/ns/net" 2>/dev/null) == \
		"$(readlink "/proc/$anchor/ns/net")" ]] || return 1
	echo "$pid"
}

# host_log HOST ctld|d|munge|ctld-out|d-out - path (seen from the root
# namespace) of HOST's slurmctld / slurmd / munged log, or of the daemon's
# stdout+stderr capture.
host_log() {
	local local_dir=$FS_T/hosts/$1/local
	case $2 in
	ctld | slurmctld) echo "$local_dir/log/slurmctld.log" ;;
	d | slurmd) echo "$local_dir/log/slurmd.log" ;;
	munge | munged) echo "$local_dir/log/munged.log" ;;
	ctld-out) echo "$FS_T/hosts/$1/slurmctld.out" ;;
	d-out) echo "$FS_T/hosts/$1/slurmd.out" ;;
	*) echo "$FS_T/hosts/$1/$2" ;;
	esac
}

# ---------------------------------------------------------------------------
# daemons

# munge_start HOST - start HOST's munged in the foreground (a child of this
# shell), socket/pid/seed/log in the host's private dir, cluster key.
munge_start() {
	local d=$FS_T/local
	host_bg "$1" munged munged --foreground --force \
		--socket="$d/munge/munge.socket.2" \
		--key-file="$FS_T/etc/munge.key" \
		--pid-file="$d/munge/munged.pid" \
		--seed-file="$d/munge/munged.seed" \
		--log-file="$d/log/munged.log"
}

# munge_ok HOST - a credential made by user slurm on HOST decodes there
# (munged answers and its socket is reachable by SlurmUser).
munge_ok() {
	local sock=$FS_T/local/munge/munge.socket.2
	# shellcheck disable=SC2016 # $1 is expanded by the inner sh
	host_run "$1" runuser -u slurm -- sh -c \
		'munge -n -S "$1" | unmunge -S "$1"' sh "$sock" >/dev/null 2>&1
}

# ctld_start HOST [OPTIONS...] - start slurmctld in the foreground on HOST
# (state is recovered from StateSaveLocation by default; OPTIONS such as
# -c are passed on).
ctld_start() {
	host_bg "$1" slurmctld slurmctld -D -f "$SLURM_CONF" "${@:2}"
}

# ctld_kill HOST - SIGKILL HOST's slurmctld and its descendants
# (slurmscriptd ...), by pid, and wait until they are gone.
ctld_kill() {
	local pid pids
	pid=$(daemon_pid "$1" slurmctld) ||
		{ fs_msg "no slurmctld running on $1"; return 1; }
	pids="$pid $(fs_children "$pid")"
	# shellcheck disable=SC2086 # list of pids
	kill -KILL $pids 2>/dev/null
	# shellcheck disable=SC2086
	wait_for 10 fs_none_alive $pids
}

# fs_none_alive PID... - true when none of the PIDs is alive.
fs_none_alive() {
	local pid
	for pid in "$@"; do
		! fs_pid_alive "$pid" || return 1
	done
	return 0
}

# slurmd_start HOST - start slurmd in the foreground on compute host HOST.
# Its hostname is HOST (UTS namespace), which is its NodeName.
slurmd_start() {
	host_bg "$1" slurmd slurmd -D -f "$SLURM_CONF"
}

# slurmd_kill HOST - SIGKILL HOST's slurmd (not its running job steps).
slurmd_kill() {
	local pid
	pid=$(daemon_pid "$1" slurmd) || return 1
	kill -KILL "$pid"
	wait_for 10 fs_none_alive "$pid"
}

# ctld_is_active HOST - true if HOST's slurmctld is alive and is the one in
# control: a client configured with HOST as its only controller gets an
# answer.  (A standby backup answers only pings, and "scontrol ping"
# reports it UP, so a ping is not enough.)
ctld_is_active() {
	daemon_pid "$1" slurmctld >/dev/null || return 1
	# Nothing listening yet (starting, or switching from standby to
	# primary): a client would retry for seconds; don't ask.
	host_listening "$1" "$FS_CTLD_PORT" || return 1
	FS_CLIENT_CONF=$FS_T/etc/only-$1/slurm.conf FS_CLIENT_TIMEOUT=5 \
		client scontrol show partition >/dev/null 2>&1
}

# host_listening HOST PORT - some process in HOST listens on TCP PORT.
# /proc/PID/net/tcp shows the network namespace of PID, so reading the
# anchor's gives HOST's sockets without entering it.
host_listening() {
	local anchor port
	anchor=$(fs_anchor_pid "$1") || return 1
	printf -v port '%04X' "$2"
	# columns: sl local_address rem_address st(0A = LISTEN) ...
	cat "/proc/$anchor/net/tcp" "/proc/$anchor/net/tcp6" 2>/dev/null |
		awk -v p=":$port" '$4 == "0A" &&
			substr($2, length($2) - 4) == p { found = 1 }
			END { exit !found }'
}

# ctld_active - print the controller currently in control; fails if none.
ctld_active() {
	local h
	for h in "${FS_CTLDS[@]}"; do
		if ctld_is_active "$h"; then
			echo "$h"
			return 0
		fi
	done
	return 1
}

# ctld_ping - "scontrol ping" from the login host.
ctld_ping() {
	FS_CLIENT_TIMEOUT=15 client scontrol ping
}

# fs_both_ctlds_up - "scontrol ping" reports primary and backup UP.
fs_both_ctlds_up() {
	local out
	out=$(ctld_ping 2>&1) || return 1
	[[ $(grep -c ' is UP' <<<"$out") -eq ${#FS_CTLDS[@]} ]]
}

# node_state NODE - Slurm state of NODE (idle, alloc, mix, down* ...).
node_state() {
	FS_CLIENT_TIMEOUT=15 client sinfo -h -N -n "$1" -o %t 2>/dev/null |
		head -n1
}

# nodes_idle - every compute node is idle.
nodes_idle() {
	local n
	for n in "${FS_NODES[@]}"; do
		[[ $(node_state "$n") == idle ]] || return 1
	done
}

# nodes_ready - every compute node is registered and usable: idle, mix or
# alloc, without the "*" (not responding) mark.  After a controller restart
# nodes show "unk" until they register again (~3 s).
nodes_ready() {
	local n
	for n in "${FS_NODES[@]}"; do
		case $(node_state "$n") in
		idle | mix | alloc) ;;
		*) return 1 ;;
		esac
	done
}

# fs_wait_daemons SECONDS "HOST:NAME..." CMD [ARGS...] - like wait_for, but
# gives up at once if one of the daemons (started by host_bg) has died.
fs_wait_daemons() {
	local limit=$1 daemons=$2 start d
	shift 2
	start=$(fs_now_us)
	while :; do
		"$@" >/dev/null 2>&1 && return 0
		for d in $daemons; do
			daemon_pid "${d%%:*}" "${d#*:}" >/dev/null && continue
			fs_msg "${d#*:} on ${d%%:*} has exited"
			return 1
		done
		(($(fs_now_us) - start < limit * 1000000)) || return 1
		sleep 0.2
	done
}

# cluster_start - munged on every host, slurmctld on ctl1 and ctl2, slurmd
# on the compute nodes; waits (at most FS_UP_TIMEOUT seconds per stage,
# less if a daemon dies) until ctl1 is in control, both controllers answer
# pings and every node is idle.  On failure prints what was missing and
# the tail of the relevant logs.
cluster_start() {
	local h start all
	start=$(fs_now_us)
	for h in "${FS_HOSTS[@]}"; do
		munge_start "$h" || return 1
	done
	for h in "${FS_HOSTS[@]}"; do
		fs_wait_daemons 20 "$h:munged" munge_ok "$h" ||
			fs_fail "munged on $h not usable by user slurm" \
				"$h:munge" "$h:munged.out" || return 1
	done
	ctld_start ctl1 || return 1
	fs_wait_daemons "$FS_UP_TIMEOUT" ctl1:slurmctld ctld_is_active ctl1 ||
		fs_fail "slurmctld on ctl1 does not answer" \
			ctl1:ctld ctl1:ctld-out || return 1
	ctld_start ctl2 || return 1
	for h in "${FS_NODES[@]}"; do
		slurmd_start "$h" || return 1
	done
	all="ctl1:slurmctld ctl2:slurmctld"
	fs_wait_daemons "$FS_UP_TIMEOUT" "$all" fs_both_ctlds_up ||
		fs_fail "scontrol ping does not show both controllers UP" \
			ctl1:ctld ctl2:ctld ctl2:ctld-out || return 1
	all+=" n1:slurmd n2:slurmd"
	fs_wait_daemons "$FS_UP_TIMEOUT" "$all" nodes_idle ||
		fs_fail "nodes not idle: $(client sinfo -h -N -o '%N=%t' 2>&1 |
			tr '\n' ' ')" ctl1:ctld n1:d n1:d-out n2:d n2:d-out ||
		return 1
	fs_msg "cluster up in $(fs_secs_since "$start") s"
}

# ---------------------------------------------------------------------------
# timings

# ctld_takeover - kill -9 the controller in control and measure the time
# until the other one is in control (FS_TAKEOVER_SECS: it answers a client
# that lists only it) and until an ordinary client gets an answer
# (FS_TAKEOVER_CLIENT_SECS).  Also sets FS_TAKEOVER_FROM / FS_TAKEOVER_TO.
# Bounded by SlurmctldTimeout + 30 s (+ 30 s for the client).
# Call ctld_save_jobs first if jobs changed in the last 5 seconds.
ctld_takeover() {
	local old new start
	old=$(ctld_active) || { fs_msg "no active controller"; return 1; }
	if [[ $old == "${FS_CTLDS[0]}" ]]; then
		new=${FS_CTLDS[1]}
	else
		new=${FS_CTLDS[0]}
	fi
	start=$(fs_now_us)
	ctld_kill "$old" || return 1
	if ! wait_for $((SLURMCTLD_TIMEOUT + 30)) ctld_is_active "$new"; then
		fs_fail "$new did not take over after kill -9 of $old" \
			"$new:ctld"
		return 1
	fi
	FS_TAKEOVER_FROM=$old
	FS_TAKEOVER_TO=$new
	FS_TAKEOVER_SECS=$(fs_secs_since "$start")
	# ... and when an ordinary client (both controllers configured)
	# gets an answer
	if ! wait_for 30 client squeue -h; then
		fs_fail "squeue gets no answer after takeover" "$new:ctld"
		return 1
	fi
	FS_TAKEOVER_CLIENT_SECS=$(fs_secs_since "$start")
}

# ctld_failback HOST - start HOST's slurmctld (the primary) and measure the
# time until it is in control and the other controller is back in standby.
# Sets FS_FAILBACK_SECS; bounded by 60 s.
ctld_failback() {
	local h=$1 other start
	for other in "${FS_CTLDS[@]}"; do
		[[ $other == "$h" ]] || break
	done
	start=$(fs_now_us)
	ctld_start "$h" || return 1
	if ! fs_wait_daemons 60 "$h:slurmctld" fs_in_control_alone "$h" "$other"
	then
		fs_fail "$h did not take control back from $other" \
			"$h:ctld" "$other:ctld"
		return 1
	fi
	FS_FAILBACK_SECS=$(fs_secs_since "$start")
}

# fs_in_control_alone HOST OTHER - HOST in control, OTHER not.
fs_in_control_alone() {
	ctld_is_active "$1" && ! ctld_is_active "$2"
}

# ---------------------------------------------------------------------------
# jobs

# submit [SBATCH ARGS...] - sbatch from the login host; prints the job id.
# Jobs run in $FS_JOBS and write to $FS_JOBS/<jobid>.out unless the
# arguments say otherwise.
submit() {
	local out
	out=$(client sbatch --parsable --chdir="$FS_JOBS" \
		--output="$FS_JOBS/%j.out" "$@") || return 1
	echo "${out%%;*}"
}

# job_field JOBID FORMAT - one squeue field (e.g. %T state, %N nodes, %r
# reason) of JOBID, including finished jobs still known to slurmctld.
job_field() {
	FS_CLIENT_TIMEOUT=15 client squeue -h -j "$1" --states=all -o "$2" \
		2>/dev/null | head -n1
}

# job_state JOBID - RUNNING, PENDING, COMPLETED ...
job_state() {
	job_field "$1" %T
}

# job_in_state JOBID STATE... - true if JOBID is in one of the STATEs.
job_in_state() {
	local state want
	state=$(job_state "$1")
	shift
	for want in "$@"; do
		[[ $state == "$want" ]] && return 0
	done
	return 1
}

# job_reason_is JOBID REASON - JOBID's pending reason (%r) is REASON.  Right
# after submission it is "None" until the scheduler has looked at the job.
job_reason_is() {
	[[ $(job_field "$1" %r) == "$2" ]]
}

# wait_job JOBID SECONDS STATE... - wait until JOBID reaches one of STATEs.
wait_job() {
	local id=$1 secs=$2
	shift 2
	wait_for "$secs" job_in_state "$id" "$@" && return 0
	fs_msg "job $id is '$(job_state "$id")' ($(job_field "$id" %r)), wanted: $*"
	return 1
}

# job_output JOBID - content of the job's default output file.
job_output() {
	cat "$FS_JOBS/$1.out" 2>/dev/null
}

# job_pids HOST JOBID - pids of JOBID's processes on HOST, as slurmstepd on
# HOST reports them ("scontrol listpids" runs locally, no controller).
job_pids() {
	host_run "$1" timeout 15 scontrol listpids "$2" 2>/dev/null |
		awk 'NR > 1 && $1 ~ /^[0-9]+$/ { print $1 }'
}

# job_proc_pid HOST JOBID COMM - print the pid of JOBID's live process
# named COMM on HOST: one of the pids slurmstepd reports for the job, with
# SLURM_JOB_ID=JOBID in its environment, in HOST's UTS namespace.
job_proc_pid() {
	local h=$1 id=$2 comm=$3 pid anchor
	anchor=$(fs_anchor_pid "$h") || return 1
	for pid in $(job_pids "$h" "$id"); do
		proc_is "$h" "$pid" "$comm" || continue
		tr '\0' '\n' 2>/dev/null <"/proc/$pid/environ" |
			grep -qx "SLURM_JOB_ID=$id" || continue
		echo "$pid"
		return 0
	done
	return 1
}

# job_proc_alive HOST JOBID COMM - JOBID has a live COMM process on HOST.
job_proc_alive() {
	job_proc_pid "$@" >/dev/null
}

# proc_is HOST PID COMM - PID is alive (not a zombie), is named COMM and
# runs in HOST's UTS namespace (read from /proc, no Slurm involved).
proc_is() {
	local anchor comm
	anchor=$(fs_anchor_pid "$1") || return 1
	fs_pid_alive "$2" || return 1
	comm=$(cat "/proc/$2/comm" 2>/dev/null) || return 1
	[[ $comm == "$3" ]] || return 1
	[[ $(readlink "/proc/$2/ns/uts") == "$(readlink "/proc/$anchor/ns/uts")" ]]
}

# ctld_save_jobs JOBID - make sure the controller's job state on disk is
# current.  slurmctld writes job_state at most every 5 s (SAVE_MAX_WAIT),
# so what changed just before a kill -9 is lost, and the backup then kills
# running jobs it does not know.  A no-op update of JOBID (its Comment)
# requests a save; wait (at most 10 s) until job_state is newer than it.
ctld_save_jobs() {
	local state=$FS_STATE_EXPORT/job_state t
	t=$(date +%s%N)
	client scontrol update "JobId=$1" Comment=fs-state-sync >/dev/null ||
		return 1
	wait_for 10 fs_newer_than "$state" "$t" ||
		fs_fail "slurmctld did not save $state" ctl1:ctld
}

# fs_newer_than FILE NS - FILE's mtime is later than NS (ns since epoch).
fs_newer_than() {
	[[ -e $1 ]] && (($(date -r "$1" +%s%N) > $2))
}
