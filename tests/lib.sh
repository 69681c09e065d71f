# Shared by the shell test suites: results and the closing summary line.
# Every suite ends with exactly one line "N passed, N failed, N skipped".
T_PASSED=0
T_FAILED=0
T_SKIPPED=0

t_pass() { T_PASSED=$((T_PASSED + 1)); echo "PASS  $1"; }
t_fail() { T_FAILED=$((T_FAILED + 1)); echo "FAIL  $1: $2"; }
t_skip() { T_SKIPPED=$((T_SKIPPED + 1)); echo "SKIP  $1: $2"; }

# t_check NAME CONDITION-COMMAND... : pass if the command succeeds.
t_check() {
	name=$1; shift
	if "$@"; then t_pass "$name"; else t_fail "$name" "failed: $*"; fi
}

# t_jq NAME FILE FILTER: pass if jq -e FILTER over the JSON Lines FILE (slurped)
# yields true.
t_jq() {
	if jq -e -s "$3" "$2" >/dev/null 2>&1; then
		t_pass "$1"
	else
		t_fail "$1" "jq: $3"
	fi
}

t_summary() {
	echo "$T_PASSED passed, $T_FAILED failed, $T_SKIPPED skipped"
	[ "$T_FAILED" -eq 0 ]
}
