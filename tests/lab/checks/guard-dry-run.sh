# guard-dry-run: nothing denied or pinned, the would-be denial named.
. "$(dirname "$0")/guard-lib.sh"
g=0000:00:05.0
step_has armed $g=bochs-drm $g.override=none || exit 1
step_has rogue-done $g=vfio-pci $g.override=vfio-pci || exit 1
log_has "WOULD DENY driver_override=\"vfio-pci\" on $g (guarded on bochs-drm) = passed (dry run): pid [0-9]* gpu-watchdog" \
	"gpu-watchdog's would-be denial" || exit 1
! grep -q 'DENIED' "$LAB_OUT/record.log" || { echo "a dry run denied a write"; exit 1; }
"$GPUTRACE" dump --json "$LAB_OUT/trace.gtrace" >"$LAB_OUT/trace.jsonl" 2>"$LAB_OUT/dump.err" || { echo "dump failed"; exit 1; }
n=$(jq -r -s '[.[] | select(.kind == "guard" and .task.comm == "gpu-watchdog" and (.enforced | not) and .err == 0)] | length' "$LAB_OUT/trace.jsonl")
[ "$n" -ge 1 ] || { echo "no would-be denial in the dry run's trace"; exit 1; }
echo "dry run on $LAB_KERNEL: nothing denied or pinned, gpu-watchdog named"
