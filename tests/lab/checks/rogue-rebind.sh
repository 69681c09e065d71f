# rogue-rebind: the final move of 00:05.0 to vfio-pci is gpu-watchdog's,
# after the hook had returned it to bochs-drm.
. "$(dirname "$0")/lib.sh"
bound_by 0000:00:05.0 vfio-pci gpu-watchdog drivers_probe || exit 1
hook=$(trace_jq '[.[] | select(.type == "event" and .kind == "sysfs_write" and .task.comm == "gpu-reattach-ho" and .attr == "bind")] | length')
[ "$hook" -ge 1 ] || { echo "the hook's bind is not in the trace"; exit 1; }
echo "rebind attributed to gpu-watchdog"
