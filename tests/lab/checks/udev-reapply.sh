# udev-reapply: the override to vfio-pci is written by driverctl, a
# descendant of systemd-udevd, and its reprobe binds 00:05.0 to vfio-pci.
. "$(dirname "$0")/lib.sh"
n=$(trace_jq '[.[] | select(.type == "event" and .kind == "sysfs_write" and .attr == "driver_override"
	and .data == "vfio-pci\n" and .task.comm == "driverctl"
	and any(.task.ancestry[]?; .comm == "systemd-udevd"))] | length')
[ "$n" -ge 1 ] || { echo "no driver_override write by driverctl under systemd-udevd in the trace"; exit 1; }
bound_by 0000:00:05.0 vfio-pci driverctl drivers_probe || exit 1
# report: no VM; the udev worker's driverctl put the device on vfio-pci
report_finding stub_without_vm 0000:00:05.0 driverctl driver_override || exit 1
report_jq 'any(.findings[]; .kind == "stub_without_vm" and any(.culprit.ancestry[]; .comm == "systemd-udevd"))' || exit 1
echo "override re-applied by driverctl under systemd-udevd; report agrees"
