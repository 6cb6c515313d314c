# shellcheck shell=bash
#
# ops.sh - helpers of the operations tests (08xx: example configs, node
# health check, metrics), on top of cluster.sh and fsched.sh.  Source after
# them.  Nothing here changes what cluster.sh or fsched.sh do.
#
# ops_conf_append LINE...       append lines to slurm.conf and to the
#                               per-controller client configs (call after
#                               cluster_setup, before cluster_start: for
#                               lines that name paths in $FS_T)
# ops_fsched_conf_append LINE...  append lines to the cluster's fsched.conf
#                               (after cluster_setup, before cluster_start)
# ops_scrape HOST PORT          GET http://HOST:PORT/metrics from the login
#                               host (curl, bounded)
# ops_metric NAME TEXT          the value of the unlabelled sample NAME in
#                               Prometheus TEXT ("" if absent)
# ops_node_reason NODE          the node's Reason (sinfo %E: "none" if none)
# ops_node_drained NODE         the node is drained or draining
# ops_node_state_is NODE STATE  sinfo's short state (%t) is STATE
# ops_require_cmd CMD...        bail out unless every CMD is installed
# ops_src                       the fsched source tree (top)

ops_conf_append() {
	local f
	for f in "$SLURM_CONF" "$FS_T"/etc/only-*/slurm.conf; do
		printf '%s\n' "$@" >>"$f" || return 1
	done
}

ops_node_reason() {
	FS_CLIENT_TIMEOUT=15 client sinfo -h -N -n "$1" -o %E 2>/dev/null |
		head -n1
}

ops_node_drained() {
	case $(node_state "$1") in
	drain* | drng*) return 0 ;;
	esac
	return 1
}

ops_node_state_is() {
	[[ $(node_state "$1") == "$2" ]]
}

# A missing tool is a failure, not a skip.
ops_require_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null ||
			bail_out "$c is needed (contrib/setup/install-deps installs it)"
	done
}

ops_src() {
	(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
}

ops_fsched_conf_append() {
	printf '%s\n' "$@" >>"$FS_T/etc/fsched.conf"
}

ops_scrape() {
	host_run login curl -sS --fail --max-time 10 \
		"http://${FS_ADDR[$1]}:$2/metrics"
}

ops_metric() {
	awk -v n="$1" '$1 == n { print $2; exit }' <<<"$2"
}
