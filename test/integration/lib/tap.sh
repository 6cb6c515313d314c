# shellcheck shell=bash
#
# tap.sh - minimal TAP (Test Anything Protocol) producer for bash tests.
#
# Usage:
#   . lib/tap.sh
#   plan 3
#   ok "daemon answers" scontrol ping
#   is "$(echo hi)" "hi" "echo works"
#   like "$out" '^n[12]$' "ran on a compute node"
#   diag "takeover took 11.2 s"
#   done_testing
#
# Assertions never abort the script (so one failure still lets the rest run
# and the cluster be torn down); the exit status of done_testing tells
# whether everything passed.

TAP_PLANNED=
TAP_COUNT=0
TAP_FAILED=0

# plan N - announce how many assertions follow.
plan() {
	TAP_PLANNED=$1
	echo "1..$1"
}

# skip_all REASON - the whole test is skipped (the runner counts this as a
# failure: a skipped integration test is not a passing one).
skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}

# pass DESC / fail DESC - record a result directly.
pass() {
	TAP_COUNT=$((TAP_COUNT + 1))
	echo "ok $TAP_COUNT - $*"
}

fail() {
	TAP_COUNT=$((TAP_COUNT + 1))
	TAP_FAILED=$((TAP_FAILED + 1))
	echo "not ok $TAP_COUNT - $*"
	# where it happened: the caller of fail / ok / is / like
	local i
	for ((i = 1; i < ${#FUNCNAME[@]}; i++)); do
		case ${FUNCNAME[$i]} in
		ok | is | isnt | like | cmp_ok | fail) continue ;;
		esac
		diag "  at ${BASH_SOURCE[$i]##*/} line ${BASH_LINENO[$((i - 1))]}"
		break
	done
	return 0
}

# ok DESC CMD [ARGS...] - pass if CMD exits 0; its output is shown as
# diagnostics when it fails.
ok() {
	local desc=$1 out
	shift
	if out=$("$@" 2>&1); then
		pass "$desc"
		return 0
	fi
	fail "$desc"
	[[ -z $out ]] || diag_text "$out"
	return 1
}

# is GOT EXPECTED DESC - string equality.
is() {
	if [[ $1 == "$2" ]]; then
		pass "$3"
		return 0
	fi
	fail "$3"
	diag "       got: '$1'"
	diag "  expected: '$2'"
	return 1
}

# isnt GOT UNEXPECTED DESC - string inequality.
isnt() {
	if [[ $1 != "$2" ]]; then
		pass "$3"
		return 0
	fi
	fail "$3"
	diag "  got: '$1' (should differ)"
	return 1
}

# like GOT REGEX DESC - extended regular expression match (bash =~).
like() {
	if [[ $1 =~ $2 ]]; then
		pass "$3"
		return 0
	fi
	fail "$3"
	diag "       got: '$1'"
	diag "  expected to match: '$2'"
	return 1
}

# unlike GOT REGEX DESC - GOT must not match the bash regex REGEX (the
# whole of GOT, multi-line, is tested).
unlike() {
	if ! [[ $1 =~ $2 ]]; then
		pass "$3"
		return 0
	fi
	fail "$3"
	diag "       got: '$1'"
	diag "  expected not to match: '$2'"
	return 1
}

# diag MSG... - diagnostic line (TAP comment) on stdout.
diag() {
	echo "# $*"
}

# diag_text TEXT - multi-line text as diagnostics.
diag_text() {
	local line
	while IFS= read -r line; do
		echo "#   $line"
	done <<<"$1"
}

# bail_out MSG - abort the whole test run (counted as a failure).
bail_out() {
	echo "Bail out! $*"
	exit 1
}

# done_testing - check the plan; returns non-zero if anything failed.
done_testing() {
	if [[ -z $TAP_PLANNED ]]; then
		echo "1..$TAP_COUNT"
	elif ((TAP_PLANNED != TAP_COUNT)); then
		diag "planned $TAP_PLANNED tests but ran $TAP_COUNT"
		return 1
	fi
	if ((TAP_FAILED)); then
		diag "failed $TAP_FAILED of $TAP_COUNT tests"
		return 1
	fi
	return 0
}

# cmp_ok GOT OP EXPECTED DESC - numeric comparison (OP: < <= > >= == !=),
# decimals allowed.
cmp_ok() {
	if awk -v a="$1" -v b="$3" -v op="$2" 'BEGIN {
		if (a !~ /^-?[0-9.]+$/ || b !~ /^-?[0-9.]+$/) exit 1
		a += 0; b += 0
		if (op == "<") exit !(a < b)
		if (op == "<=") exit !(a <= b)
		if (op == ">") exit !(a > b)
		if (op == ">=") exit !(a >= b)
		if (op == "==") exit !(a == b)
		if (op == "!=") exit !(a != b)
		exit 1
	}'; then
		pass "$4"
		return 0
	fi
	fail "$4"
	diag "  '$1' $2 '$3' is false"
	return 1
}

# not CMD [ARGS...] - negate CMD, for use with ok: ok "x is down" not up x
not() {
	! "$@"
}
