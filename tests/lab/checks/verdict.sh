# The report's verdict on every lab run, against the scenario's ground truth
# (see tests/lab/check-run.sh for the environment). A scenario states it in
# lines of its own:
#   # lab-verdict: clean
#   # lab-verdict: KIND SEVERITY DEVICE [culprit=COMM] [from_hook=true|false]
#                  [mechanism=KIND] [blocker=KIND] [returned_by=KIND] [vm=ID]
#                  [only=BACKEND,...]  (a finding only some backends can see)
#   # lab-report-args: --hook 'vm-shutdown-monitor*'
# Every HIGH and WARN finding of `gputrace report --json` must be one the
# scenario states, every stated one must be there (DEVICE "-" for none),
# and the exit status must be 3 exactly when one is HIGH or WARN. With
# uevent outcomes (tracepoint backend) the culprit of a bind is the write
# in flight: culprit.inferred must then be true where it is a bind's.
# Writes "right" or "wrong: REASON" to $LAB_OUT/verdict.txt.
set -u
. "$(dirname "$0")/lib.sh"

wrong() {
	echo "wrong: $*" >"$LAB_OUT/verdict.txt"
	echo "verdict wrong: $*"
	exit 1
}

verdicts=$(sed -n 's/^# lab-verdict: //p' "$LAB_SCENARIO_FILE")
[ -n "$verdicts" ] || { echo "no lab-verdict line"; exit 77; }
report_jq 'true' || wrong "report --json failed: $(tail -n 1 "$LAB_OUT/report.err")"
rc=$(cat "$LAB_OUT/report.rc")
expect_rc=0
stated='[]'
while read -r line; do
	[ "$line" = clean ] && continue
	set -- $line
	kind=$1 sev=$2 dev=$3
	shift 3
	case " $* " in
	*" only="*)
		only=$(echo " $* " | sed -n 's/.* only=\([^ ]*\) .*/\1/p' | tr ',' ' ')
		case " $only " in *" $LAB_BACKEND "*) ;; *) continue ;; esac
		set -- $(echo " $* " | sed 's/ only=[^ ]*//')
		;;
	esac
	filter='.kind == $k and .severity == $s and (.device == $d or $d == "-")'
	for kv in "$@"; do
		key=${kv%%=*} val=${kv#*=}
		case "$key" in
		culprit) filter="$filter and .culprit.comm == \"$val\"" ;;
		from_hook) filter="$filter and .culprit.from_hook == $val" ;;
		mechanism) filter="$filter and .mechanism_kind == \"$val\"" ;;
		blocker) filter="$filter and .blocker == \"$val\"" ;;
		returned_by) filter="$filter and .returned_by_kind == \"$val\"" ;;
		kernel_log) filter="$filter and (.kernel_log | length) >= $val" ;;
		vm) filter="$filter and .vm == \"$val\"" ;;
		*) wrong "unknown lab-verdict key '$key'" ;;
		esac
	done
	report_jq "any(.findings[]; $filter)" --arg k "$kind" --arg s "$sev" --arg d "$dev" >/dev/null ||
		wrong "no $kind $sev $dev $* (report: $(jq -c '[.findings[] | select(.severity != "INFO") | [.kind, .severity, .device, .culprit.comm, .mechanism_kind]]' "$LAB_OUT/report.json"))"
	stated=$(echo "$stated" | jq -c --arg k "$kind" --arg s "$sev" --arg d "$dev" '. + [[$k, $s, $d]]')
	case "$sev" in HIGH|WARN) expect_rc=3 ;; esac
done <<EOF_V
$verdicts
EOF_V
extra=$(jq -r --argjson st "$stated" '[.findings[] | select(.severity != "INFO")
	| select([.kind, .severity, .device] as $f | any($st[]; .[0] == $f[0] and .[1] == $f[1] and (.[2] == $f[2] or .[2] == "-")) | not)
	| "\(.kind) \(.severity) \(.device) by \(.culprit.comm // "-"): \(.summary)"] | first // empty' "$LAB_OUT/report.json")
[ -z "$extra" ] || wrong "unexpected finding: $extra"
[ "$rc" = "$expect_rc" ] || wrong "report exited $rc, expected $expect_rc"
echo right >"$LAB_OUT/verdict.txt"
echo "verdict right: $(echo "$verdicts" | tr '\n' ';')"
