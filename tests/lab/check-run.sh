#!/bin/sh
# Checks the results of one lab run (a directory left by scripts/lab/run.sh).
#   tests/lab/check-run.sh DIR SCENARIO KERNEL BACKEND
# Exit 0 pass, 1 fail, 77 skip; the last line printed is the reason.
#
# 1. Ground truth: every "# lab-expect: STEP TOKEN..." line of the scenario
#    must match the last "step=STEP" line of DIR/expect.txt (each TOKEN, such
#    as 0000:00:05.0=vfio-pci, present as a word).
# 2. The recorder: it became ready, stopped with status 0, and its trace
#    reads back with `gputrace dump --json` (into DIR/trace.jsonl) and says
#    the requested backend.
# 3. Trace assertions: tests/lab/checks/common.sh for every run, the
#    report's verdict against the scenario's "# lab-verdict:" lines
#    (tests/lab/checks/verdict.sh, which leaves DIR/verdict.txt), `gputrace
#    check` in the guest against the trace (checks/config-agrees.sh), then
#    tests/lab/checks/SCENARIO.sh if it exists. Each is a sh script run with
#    LAB_OUT, LAB_SCENARIO, LAB_KERNEL, LAB_BACKEND, LAB_TRACE_JSON (the
#    trace as JSON Lines), LAB_EXPECT, LAB_ACTIONS and GPUTRACE set; it
#    exits 0 (pass), 77 (not applicable here: skip) or anything else (fail),
#    printing the reason as its last line.
# GPUTRACE_LAB_TRACE_CHECKS=0 stops after 1 (guest behaviour only).
set -u
dir=$1 scenario=$2 kernel=$3 backend=$4
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
GPUTRACE=${GPUTRACE:-$root/build/gputrace}
scenario_file=$here/scenarios/$scenario.sh

fail() { echo "$*"; exit 1; }

[ -f "$dir/expect.txt" ] || fail "no expect.txt came back from the guest"
msg=$(grep '^# lab-expect: ' "$scenario_file" | sed 's/^# lab-expect: //' | while read -r step tokens; do
	line=$(grep "^step=$step " "$dir/expect.txt" | tail -n 1)
	[ -n "$line" ] || { echo "step $step never happened"; exit 1; }
	for tok in $tokens; do
		case " $line " in
		*" $tok "*) ;;
		*) echo "after step $step expected $tok, guest had: ${line#* t=* }"; exit 1 ;;
		esac
	done
done) || fail "$msg"

[ "${GPUTRACE_LAB_TRACE_CHECKS:-1}" = 0 ] && { echo "ground truth ok (trace checks off)"; exit 0; }

# A scenario that runs its own tools (`# lab-record: no`, such as the guard
# scenarios) has no recording to check: its own checks script judges it.
if grep -q '^# lab-record: no' "$scenario_file"; then
	[ -f "$here/checks/$scenario.sh" ] || { echo "ground truth ok (no recorder)"; exit 0; }
	msg=$(LAB_OUT="$dir" LAB_SCENARIO="$scenario" LAB_KERNEL="$kernel" LAB_BACKEND="$backend" \
		LAB_EXPECT="$dir/expect.txt" LAB_ACTIONS="$dir/actions.txt" GPUTRACE="$GPUTRACE" \
		sh "$here/checks/$scenario.sh" 2>&1) || fail "$scenario.sh: $(echo "$msg" | tail -n 1)"
	echo "ok: $(echo "$msg" | tail -n 1)"
	exit 0
fi

status=$dir/status.txt
grep -q '^recorder=ready' "$status" 2>/dev/null ||
	fail "recorder not ready: $(grep '^recorder=' "$status" 2>/dev/null | head -n 1) $(grep -v '^libbpf: \|^$' "$dir/record.log" 2>/dev/null | tail -n 1)"
grep -q '^recorder_rc=0$' "$status" || fail "recorder: $(grep '^recorder_rc=' "$status")"
[ -s "$dir/trace.gtrace" ] || fail "no trace.gtrace came back"
"$GPUTRACE" dump --json "$dir/trace.gtrace" >"$dir/trace.jsonl" 2>"$dir/dump.err" ||
	fail "gputrace dump --json failed: $(tail -n 1 "$dir/dump.err")"
got=$(jq -r 'select(.type == "header") | .backend' "$dir/trace.jsonl" 2>/dev/null | head -n 1)
[ "$got" = "$backend" ] || fail "trace header says backend '$got', asked for $backend"

export LAB_SCENARIO_FILE="$scenario_file" LAB_OUT="$dir" LAB_SCENARIO="$scenario" LAB_KERNEL="$kernel" LAB_BACKEND="$backend" \
	LAB_TRACE_JSON="$dir/trace.jsonl" LAB_EXPECT="$dir/expect.txt" LAB_ACTIONS="$dir/actions.txt" GPUTRACE
skipped=
rm -f "$dir/verdict.txt" "$dir/report.json"
for check in "$here/checks/common.sh" "$here/checks/verdict.sh" "$here/checks/config-agrees.sh" \
	"$here/checks/$scenario.sh"; do
	[ -f "$check" ] || continue
	msg=$(sh "$check" 2>&1)
	rc=$?
	case $rc in
	0) ;;
	77) skipped="$skipped $(basename "$check"): $(echo "$msg" | tail -n 1);" ;;
	*) fail "$(basename "$check"): $(echo "$msg" | tail -n 1)" ;;
	esac
done
echo "ok${skipped:+ (skipped:$skipped)}"
