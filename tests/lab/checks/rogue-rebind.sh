# rogue-rebind: the final move of 00:05.0 to vfio-pci is gpu-watchdog's,
# after the hook had returned it to bochs-drm.
. "$(dirname "$0")/lib.sh"
bound_by 0000:00:05.0 vfio-pci gpu-watchdog drivers_probe || exit 1
hook=$(trace_jq '[.[] | select(.type == "event" and .kind == "sysfs_write" and .task.comm == "gpu-reattach-ho" and .attr == "bind")] | length')
[ "$hook" -ge 1 ] || { echo "the hook's bind is not in the trace"; exit 1; }
# report: the rebind after the hook, by gpu-watchdog, through driver_override
report_finding rebind_after_return 0000:00:05.0 gpu-watchdog driver_override || exit 1
report_jq 'any(.findings[]; .kind == "rebind_after_return" and .severity == "HIGH" and .driver_from == "bochs-drm"
	and .driver_to == "vfio-pci" and .delay_after_hook_s > 0 and .culprit.from_hook == false)' || exit 1
[ "$(cat "$LAB_OUT/report.rc")" = 3 ] || { echo "report exited $(cat "$LAB_OUT/report.rc"), expected 3"; exit 1; }
echo "rebind attributed to gpu-watchdog; report agrees"
