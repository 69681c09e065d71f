# stale-dynid: qm's dynamic id is in the trace, nobody names vfio-pci after
# the hook, and the reprobe by pci-reprobe lands 00:05.0 on vfio-pci.
. "$(dirname "$0")/lib.sh"
trace_jq '.[] | select(.type == "header") | .programs' | grep -q pci_add_dynid ||
	{ echo "this backend does not hook pci_add_dynid"; exit 77; }
n=$(trace_jq '[.[] | select(.type == "event" and .kind == "dynid" and .driver == "vfio-pci"
	and .vendor == "1234" and .device == "1111" and .task.comm == "qm")] | length')
[ "$n" -ge 1 ] || { echo "no dynid event 1234:1111 -> vfio-pci by qm in the trace"; exit 1; }
hook_end=$(last_write gpu-reattach-ho bind)
[ -n "$hook_end" ] || { echo "the hook's bind is not in the trace"; exit 1; }
named=$(trace_jq '[.[] | select(.type == "event" and .kind == "sysfs_write" and .ts_ns > $t
	and ((.data | contains("vfio-pci")) or (.path | contains("vfio-pci"))))] | length' --argjson t "${hook_end#* }")
[ "$named" = 0 ] || { echo "$named writes name vfio-pci after the hook"; exit 1; }
bound_by 0000:00:05.0 vfio-pci pci-reprobe drivers_probe || exit 1
# report: kernel-initiated, the stale dynamic id qm added, the reprobe by pci-reprobe
report_finding rebind_after_return 0000:00:05.0 pci-reprobe stale_dynamic_id || exit 1
report_jq 'any(.findings[]; .mechanism | contains("1234:1111") and contains("qm["))' || exit 1
echo "stale dynid and the reprobe by pci-reprobe in the trace; report agrees"
