# Every recorded scenario: `gputrace check`, run in the guest on the files
# the scenario ran with (gpu-check.json: its hooks, udev rules, driverctl
# overrides, VM configs), agrees with what the trace then showed them do:
#  - a culprit that is driverctl: check names the driverctl override or the
#    udev rule that re-applies it;
#  - a culprit a hook left running (from its hook, not the hook itself):
#    check names a background start in that hook's script;
#  - a scenario whose verdict is clean: check has no HIGH finding.
. "$(dirname "$0")/lib.sh"
chk=$LAB_OUT/gpu-check.json
[ -s "$chk" ] || { echo "the guest sent no gpu-check.json"; exit 1; }
jq -e '.findings | type == "array"' "$chk" >/dev/null || { echo "gpu-check.json has no findings array"; exit 1; }
report_make
rep=$LAB_OUT/report.json
said=0
if jq -e 'any(.findings[]; .severity != "INFO" and .culprit.comm == "driverctl")' "$rep" >/dev/null; then
	jq -e 'any(.findings[]; .rule == "driverctl-override" or .rule == "driverctl-udev-rule")' "$chk" >/dev/null ||
		{ echo "the trace names driverctl, check names no driverctl override or rule"; exit 1; }
	said=$((said + 1))
fi
for script in $(jq -r '.findings[] | select(.severity != "INFO" and .culprit.from_hook == true
		and .culprit.pid != .culprit.hook.pid) | .culprit.hook.script' "$rep" | sort -u); do
	jq -e --arg f "$script" 'any(.findings[]; .rule == "hook-background" and .file == $f)' "$chk" >/dev/null ||
		{ echo "the trace shows $script's child rebinding, check names no background start in it"; exit 1; }
	said=$((said + 1))
done
if grep -q '^# lab-verdict: clean' "$LAB_SCENARIO_FILE"; then
	n=$(jq '[.findings[] | select(.severity == "high")] | length' "$chk")
	[ "$n" = 0 ] || { echo "a clean run, but check has $n HIGH: $(jq -c '[.findings[] | select(.severity == "high") | .rule]' "$chk")"; exit 1; }
	said=$((said + 1))
fi
echo "check agrees with the trace ($said points compared)"
