#!/bin/bash
#
# 0800-example-configs.t - the examples in etc/ are real configurations:
#
#   fsched.conf.example    lists every key of src/common/fsched_conf.c, each
#                          with the code's default; the real fsched-hook
#                          parses it as is and with every line uncommented;
#                          the cluster runs with it as its fsched.conf.
#   slurm.conf.ha-example  every key is one the slurm.conf parser of the
#                          Slurm source this build uses knows; its HA lines
#                          (SlurmctldTimeout, PrimaryOn/OffProg, SelectType,
#                          JobCompType/Loc, ReturnToService, HealthCheck*,
#                          ...) are merged into the test cluster's
#                          slurm.conf with paths replaced; the cluster comes
#                          up with them, slurmctld reports them, and each one
#                          does its job (takeover record, state guard,
#                          journal record, health check, check-config).
#   slurmdbd.conf.example  Key=Value lines, keys known to the slurmdbd.conf
#                          parser, DbdHost and DbdBackupHost set and equal to
#                          the HA example's AccountingStorage(Backup)Host.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib/tap.sh"
. "$here/lib/cluster.sh"
. "$here/lib/fsched.sh"
. "$here/lib/ops.sh"

plan 44
fsched_require
src=$(ops_src)
ha=$src/etc/slurm.conf.ha-example
fc=$src/etc/fsched.conf.example
dbd=$src/etc/slurmdbd.conf.example
for f in "$ha" "$fc" "$dbd" "$src/src/common/fsched_conf.c"; do
	[[ -r $f ]] || bail_out "missing $f"
done
[[ -n ${FSCHED_BUILDDIR:-} ]] ||
	bail_out "FSCHED_BUILDDIR is not set: run through 'make check-integration'"
slurm_src=$(make -s -C "$FSCHED_BUILDDIR" print-slurm-source) ||
	bail_out "cannot ask $FSCHED_BUILDDIR for its Slurm source"
[[ -r $slurm_src/src/common/read_config.c &&
	-r $slurm_src/src/slurmdbd/read_config.c ]] ||
	bail_out "no Slurm source at '$slurm_src' (contrib/setup/fetch-slurm-source)"

# parser_keys FILE - the keys of a Slurm s_p_options_t table, lower case.
parser_keys() {
	grep -o '{"[A-Za-z]*", S_P_' "$1" | cut -d'"' -f2 |
		tr '[:upper:]' '[:lower:]' | sort -u
}
# conf_keys FILE - keys of the Key=Value lines (comments and blanks out).
conf_keys() {
	sed -e 's/#.*//' "$1" | grep -o '^[A-Za-z][A-Za-z0-9]*=' | tr -d = |
		sort -u
}
# conf_value FILE KEY - the value of the last KEY= line.
conf_value() {
	sed -n -e "s/^$2=\([^[:space:]#]*\).*/\1/p" "$1" | tail -n 1
}
# unknown_keys FILE PARSER_SOURCE - keys of FILE the parser does not know.
unknown_keys() {
	comm -23 <(conf_keys "$1" | tr '[:upper:]' '[:lower:]' | sort -u) \
		<(parser_keys "$2")
}

# === fsched.conf.example ====================================================
# The code's key table and the defaults fsched_conf_init() sets, as
# "Key value" lines (values in fsched.conf syntax).
code_keys=$(sed -n 's/^[[:space:]]*{ "\([A-Za-z0-9]*\)",[[:space:]]*K_.*/\1/p' \
	"$src/src/common/fsched_conf.c" | sort)
code_defaults() {
	local key field value line
	while read -r key field; do
		line=$(sed -n "/^void fsched_conf_init/,/^}/s/^[[:space:]]*conf->$field = \(.*\);/\1/p" \
			"$src/src/common/fsched_conf.c")
		[[ -n $line ]] || continue	# no static default (paths)
		case $line in
		true) value=yes ;;
		false) value=no ;;
		FSCHED_GUARD_ENFORCE) value=enforce ;;
		FSCHED_GUARD_WARN) value=warn ;;
		FSCHED_GUARD_OFF) value=off ;;
		FSCHED_AUTO) value=auto ;;
		0[0-7]*) value=$line ;;	# a mode, octal as written
		*) value=$((${line//L/})) ;;
		esac
		echo "$key $value"
	done < <(sed -n 's/^[[:space:]]*{ "\([A-Za-z0-9]*\)",[[:space:]]*K_[A-Z]*,[[:space:]]*F(\([a-z0-9_]*\)).*/\1 \2/p' \
		"$src/src/common/fsched_conf.c")
}
# The example's "#Key=Value" lines (the documented defaults and values).
example_lines=$(sed -n 's/^#\([A-Z][A-Za-z0-9]*\)=\([^[:space:]]*\).*/\1 \2/p' "$fc")

cmp_ok "$(grep -c . <<<"$code_keys")" '>=' 17 "fsched_conf.c has its key table ($(grep -c . <<<"$code_keys") keys)"
is "$(cut -d' ' -f1 <<<"$example_lines" | sort | paste -sd' ')" \
	"$(paste -sd' ' <<<"$code_keys")" \
	"fsched.conf.example lists every key of the code, once"
mismatch=
n_defaults=0
while read -r key value; do
	n_defaults=$((n_defaults + 1))
	got=$(awk -v k="$key" '$1 == k { print $2 }' <<<"$example_lines")
	[[ $got == "$value" ]] || mismatch+=" $key: example $got, code $value;"
done < <(code_defaults)
is "$mismatch" "" "fsched.conf.example shows the code's default of each of its $n_defaults keys with one"
is "$(conf_keys "$fc")" "" "fsched.conf.example sets nothing (every line a comment)"

# === slurm.conf.ha-example: keys ============================================
is "$(unknown_keys "$ha" "$slurm_src/src/common/read_config.c" | paste -sd' ')" "" \
	"slurm.conf.ha-example: every key is known to Slurm $(basename "$slurm_src")'s slurm.conf parser"
cmp_ok "$(grep -c '^SlurmctldHost=' "$ha")" '>=' 2 "slurm.conf.ha-example: two SlurmctldHost lines"
# Where each key goes: merged into the test cluster's slurm.conf (paths
# replaced), given by the harness (same meaning, the test's hosts and
# paths), or left out (no slurmdbd in the test cluster).  A new key in the
# example must be put in one of these lists.
merged="ClusterName SlurmctldTimeout SlurmdTimeout SlurmctldPrimaryOnProg
	SlurmctldPrimaryOffProg SelectType SelectTypeParameters JobCompType
	JobCompLoc MinJobAge ReturnToService HealthCheckProgram
	HealthCheckInterval HealthCheckNodeState"
harness="SlurmctldHost StateSaveLocation SlurmUser"
left_out="AccountingStorageType AccountingStorageHost AccountingStorageBackupHost"
# shellcheck disable=SC2086 # the lists are split into keys
is "$(conf_keys "$ha" | paste -sd' ')" \
	"$(printf '%s\n' $merged $harness $left_out | sort | paste -sd' ')" \
	"slurm.conf.ha-example: every key is merged, given by the harness or left out"
is "$(conf_value "$ha" SlurmUser)" slurm "SlurmUser as in the harness"

# === slurmdbd.conf.example ==================================================
bad=$(sed -e '/^[[:space:]]*#/d' -e '/^[[:space:]]*$/d' "$dbd" |
	grep -v -E '^[A-Za-z]+=[^[:space:]#]+$')
is "$bad" "" "slurmdbd.conf.example: only Key=Value lines and comments"
is "$(unknown_keys "$dbd" "$slurm_src/src/slurmdbd/read_config.c" | paste -sd' ')" "" \
	"slurmdbd.conf.example: every key is known to slurmdbd's parser"
dbd_host=$(conf_value "$dbd" DbdHost)
dbd_backup=$(conf_value "$dbd" DbdBackupHost)
ok "slurmdbd.conf.example: DbdHost and DbdBackupHost set, different" \
	test -n "$dbd_host" -a -n "$dbd_backup" -a "$dbd_host" != "$dbd_backup"
is "$(conf_value "$ha" AccountingStorageHost) $(conf_value "$ha" AccountingStorageBackupHost)" \
	"$dbd_host $dbd_backup" "slurm.conf.ha-example points at both slurmdbd hosts"

# === the cluster, with the HA example's settings ===========================
SLURMCTLD_TIMEOUT=$(conf_value "$ha" SlurmctldTimeout)
FSCHED_CONF_LINES=$(cat "$fc")	# the example as the cluster's fsched.conf
cluster_setup || bail_out "cluster_setup failed"

# Replace the example's paths: programs in /usr/sbin -> the staged ones;
# the health check -> a wrapper naming the test's settings; JobCompLoc ->
# a shared directory of the test.
{ mkdir -p "$FS_SHARED/jobcomp" && chown slurm: "$FS_SHARED/jobcomp"; } ||
	bail_out "cannot create the journal directory"
hc_example=$(conf_value "$ha" HealthCheckProgram)
is "$hc_example" /usr/sbin/fsched-healthcheck "the example's HealthCheckProgram is fsched-healthcheck"
cat >"$FS_T/etc/hc.conf" <<EOF
SLURM_CONF=$SLURM_CONF
STATUS_FILE=$FS_T/local/hc.status
MIN_FREE_MEM_MB=16
EOF
cat >"$FS_T/etc/healthcheck" <<EOF
#!/bin/sh
exec $FSCHED_SBINDIR/fsched-healthcheck -c $FS_T/etc/hc.conf
EOF
chmod 0755 "$FS_T/etc/healthcheck"
merge_lines=()
for key in $merged; do
	value=$(conf_value "$ha" "$key")
	[[ -n $value ]] || bail_out "no $key in $ha"
	case $key in
	SlurmctldPrimaryOnProg | SlurmctldPrimaryOffProg)
		value=$FSCHED_SBINDIR/${value#/usr/sbin/} ;;
	HealthCheckProgram) value=$FS_T/etc/healthcheck ;;
	JobCompLoc) value=$FS_SHARED/jobcomp ;;
	esac
	merge_lines+=("$key=$value")
done
ops_conf_append "# merged from etc/slurm.conf.ha-example" "${merge_lines[@]}" ||
	bail_out "cannot extend slurm.conf"
cluster_start || bail_out "the cluster did not come up with the example's settings"
pass "the cluster comes up with the HA example's settings"

# slurmctld reports each merged setting (its own spelling of some values).
show=$(client scontrol show config)
cfg() { sed -n "s/^$1 *= \(.*\)/\1/p" <<<"$show" | head -n 1; }
for line in "${merge_lines[@]}"; do
	key=${line%%=*}
	want=${line#*=}
	got=$(cfg "$key")
	got=${got% sec}	# times: "60 sec"
	is "${got,,}" "${want,,}" "slurmctld runs with $key from the example"
done

# Each one at work.
json_is() { [[ $(fsched_json "$1" "$2") == "$3" ]]; }	# FILE FILTER VALUE
ok "SlurmctldPrimaryOnProg ran: active.json names ctl1" \
	wait_for 15 json_is active.json .host ctl1
# The host's own record (LocalStateDir) and the shared <StateDir>/guard.json:
# at the cluster's very first start the guard makes StateDir itself.
local_guard_is() {
	[[ $(jq -r .code "$FS_T/hosts/ctl1/local/lib/fsched/guard.json" \
		2>/dev/null) == "$1" ]]
}
ok "select/fsched_cons_tres's guard allowed the first start" \
	wait_for 15 local_guard_is first-start
ok "... and recorded it in the shared state directory too" \
	wait_for 15 json_is guard.json .code first-start
ok "HealthCheckProgram ran on n1 (by slurmd)" \
	grep -qx status=ok "$FS_T/hosts/n1/local/hc.status"
id=$(submit --wrap 'hostname')
ok "a job completes" wait_job "$id" 30 COMPLETED
journal_has() {
	cat "$FS_SHARED"/jobcomp/jobcomp-*.jsonl 2>/dev/null |
		jq -e -s --argjson id "$1" \
			'any(.[]; .job_id == $id and .state == "COMPLETED" and .cluster == "cluster")' \
			>/dev/null
}
ok "jobcomp/fsched journalled it in JobCompLoc, with the example's ClusterName" \
	wait_for 15 journal_has "$id"
cc=$(fsched_hook check-config --json 2>&1)
rc=$?
cmp_ok "$rc" '<=' 1 "check-config: no error with the example's settings"
is "$(jq -r '[.findings[] | select(.severity == "error")] | length' <<<"$cc")" 0 \
	"check-config: zero errors"
is "$(jq -r .fsched_conf <<<"$cc")" "$FS_T/etc/fsched.conf" \
	"check-config read the cluster's fsched.conf (the example)"

# === fsched.conf.example through the real parser ============================
# As is (every line a comment), then with every "#Key=Value" uncommented:
# the parser must accept each key and value.  A bad key in a copy is the
# control: it shows the file named by FSCHED_CONF is the one parsed.
check_conf() {	# check_conf FILE - fsched-hook check-config with it
	host_run login env SLURM_CONF="$SLURM_CONF" FSCHED_CONF="$1" \
		"$FSCHED_SBINDIR/fsched-hook" check-config --json 2>&1
}
cp "$fc" "$FS_T/etc/example.conf"
sed 's/^#\([A-Z][A-Za-z0-9]*=\)/\1/' "$fc" >"$FS_T/etc/uncommented.conf"
{ cat "$FS_T/etc/uncommented.conf"; echo "NoSuchKey=1"; } >"$FS_T/etc/bad.conf"
out=$(check_conf "$FS_T/etc/example.conf")
rc=$?
cmp_ok "$rc" '<=' 1 "fsched-hook reads fsched.conf.example as is"
is "$(jq -r .fsched_conf <<<"$out")" "$FS_T/etc/example.conf" "... that file"
cmp_ok "$(conf_keys "$FS_T/etc/uncommented.conf" | wc -l)" '==' \
	"$(grep -c . <<<"$code_keys")" "uncommented: every key set"
out=$(check_conf "$FS_T/etc/uncommented.conf")
rc=$?
cmp_ok "$rc" '<=' 2 "fsched-hook parses every uncommented line (exit $rc, not 3)"
is "$(jq -r .fsched_conf <<<"$out" 2>/dev/null)" "$FS_T/etc/uncommented.conf" \
	"... and reports on that file"
out=$(check_conf "$FS_T/etc/bad.conf")
rc=$?
is "$rc" 3 "control: an unknown key makes the file unreadable (exit 3)"
like "$out" "bad.conf:[0-9]+: unknown key \"NoSuchKey\"" "... naming file, line and key"
done_testing
