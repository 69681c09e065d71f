# hook-forgets-audio: the hook never touches 00:05.1, whose last bind is
# qm's bind to vfio-pci.
. "$(dirname "$0")/lib.sh"
n=$(trace_jq '[.[] | select(.type == "event" and .kind == "sysfs_write" and .task.comm == "gpu-reattach-ho"
	and .data == "0000:00:05.1\n")] | length')
[ "$n" = 0 ] || { echo "the hook wrote 0000:00:05.1 $n times"; exit 1; }
bound_by 0000:00:05.0 bochs-drm gpu-reattach-ho bind || exit 1
bound_by 0000:00:05.1 vfio-pci qm bind || exit 1
# report: the hook left the audio function on vfio-pci
report_jq 'any(.findings[]; .kind == "left_on_stub" and .device == "0000:00:05.1" and .vm == "111")' || exit 1
report_jq 'all(.findings[]; .kind != "rebind_after_return")' || exit 1
echo "00:05.1 left on vfio-pci by qm, untouched by the hook; report agrees"
