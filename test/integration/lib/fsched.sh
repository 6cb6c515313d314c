# shellcheck shell=bash
#
# fsched.sh - fsched-specific helpers for the integration tests, on top of
# cluster.sh.  Source after cluster.sh.
#
# fsched_require        fail the test (bail out) unless the runner staged
#                       fsched (FSCHED_PLUGIN_DIR, FSCHED_SBINDIR): a test
#                       of fsched never skips
# fsched_use_all        SelectType=select/fsched_cons_tres,
#                       JobCompType=jobcomp/fsched, the primary hooks
# fsched_hook ARGS...   run the staged fsched-hook as root on host "login"
#                       (which mounts the shared state)
# fsched_hook_on HOST ARGS...   run fsched-hook inside HOST as SlurmUser
# fsched_events         the events file of the shared state, as JSON lines
# fsched_json FILE FILTER       jq FILTER on a JSON file of the shared state

fsched_require() {
	if [[ -z ${FSCHED_PLUGIN_DIR:-} || -z ${FSCHED_SBINDIR:-} ]]; then
		bail_out "fsched is not staged: run through 'make check-integration' (or set FSCHED_BUILDDIR for test/integration/run)"
	fi
	[[ -f $FSCHED_PLUGIN_DIR/select_fsched_cons_tres.so &&
		-f $FSCHED_PLUGIN_DIR/jobcomp_fsched.so &&
		-x $FSCHED_SBINDIR/fsched-hook ]] ||
		bail_out "incomplete fsched stage in $FSCHED_PLUGIN_DIR / $FSCHED_SBINDIR"
	command -v jq >/dev/null || bail_out "jq is needed (apt-get install jq)"
}

# shellcheck disable=SC2034 # read by cluster.sh
fsched_use_all() {
	SELECT_TYPE=select/fsched_cons_tres
	JOBCOMP_TYPE=jobcomp/fsched
	USE_FSCHED_HOOK=1
}

fsched_hook() {
	host_run login env SLURM_CONF="$SLURM_CONF" \
		"$FSCHED_SBINDIR/fsched-hook" "$@"
}

fsched_hook_on() {
	local h=$1
	shift
	host_run "$h" runuser -u slurm -- env SLURM_CONF="$SLURM_CONF" \
		"$FSCHED_SBINDIR/fsched-hook" "$@"
}

# The shared state dir as the root namespace sees it (the export).
fsched_state_dir() {
	echo "$FS_STATE_EXPORT/fsched"
}

fsched_events() {
	cat "$(fsched_state_dir)/events.jsonl" 2>/dev/null
}

fsched_json() {
	jq -r "$2" "$(fsched_state_dir)/$1" 2>/dev/null
}
