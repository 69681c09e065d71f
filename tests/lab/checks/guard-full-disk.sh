# guard-full-disk: a full disk under guard -o is said when writes fail and
# when they succeed again; the denials are still denied and shown; what
# could be written reads back; the end says what was lost and exits 1.
. "$(dirname "$0")/guard-lib.sh"
bpf_lsm_kernel || { refusal; exit $?; }
g=0000:00:05.0
step_has denied-while-full $g=bochs-drm $g.override=bochs-drm || exit 1
step_has denied-after-freed $g=bochs-drm $g.override=bochs-drm || exit 1
log_has "guard.gtrace: disk full (No space left on device): [0-9]* records not written so far; the guard goes on and writes again when it can" \
	"the warning at the first failed write" || exit 1
log_has "guard.gtrace: writing again; [0-9]* records were not written" "the word that writing resumed" || exit 1
# every attempt denied and shown, full disk or not: the runs while full,
# and the one after
runs=$(sed -n 's/^watchdog runs until the disk was full for the guard: //p' "$LAB_OUT/scenario.log")
n=$(grep -c 'DENIED driver_override="vfio-pci" on' "$LAB_OUT/record.log")
[ -n "$runs" ] && [ "$n" = $((runs + 1)) ] ||
	{ echo "guard showed $n denied driver_override writes, expected $runs + 1"; exit 1; }
log_has "writing .*guard.gtrace: [0-9]* records not written" "the closing count of what was not written" || exit 1
grep -q "^guard exited 1$" "$LAB_OUT/scenario.log" || { echo "the guard's exit with records lost: $(grep '^guard exited' "$LAB_OUT/scenario.log")"; exit 1; }
trace_denied gpu-watchdog driver_override || exit 1
after=$(sed -n 's/^watchdog after the space was freed: pid //p' "$LAB_OUT/scenario.log")
jq -e -s --argjson p "${after:-0}" 'any(.[]; .type == "event" and .kind == "guard" and .task.pid == $p
	and .action == "driver_override" and .enforced)' "$LAB_OUT/trace.jsonl" >/dev/null ||
	{ echo "the denial after the space was freed (pid ${after:-?}) is not in the trace"; exit 1; }
# the loss placed: counters written when writing resumed, not only at the end
n_counted=$(jq -s '[.[] | select(.type == "counters" and (.records_lost | tonumber) > 0)] | length' \
	"$LAB_OUT/trace.jsonl")
[ "$n_counted" -ge 2 ] ||
	{ echo "the guard's trace has $n_counted counters records after the loss, expected one when writing resumed and one at the end"; exit 1; }
echo "a full disk said when it began and ended; $n denials denied and shown, the one after it in the trace; exit 1"
