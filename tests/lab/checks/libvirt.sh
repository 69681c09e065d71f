# libvirt: QEMU runs with -name guest=win10; the stopped hook binds
# bochs-drm, then libvirtd's reattach reprobe does the last bind.
. "$(dirname "$0")/lib.sh"
n=$(trace_jq '[.[] | select(.type == "event" and .kind == "exec"
	and any(.argv[]; startswith("guest=win10")))] | length')
[ "$n" -ge 1 ] || { echo "no exec with -name guest=win10 in the trace"; exit 1; }
n=$(trace_jq '[.[] | select(.type == "event" and .kind == "sysfs_write" and .task.comm == "qemu"
	and .attr == "bind" and .data == "0000:00:05.0\n")] | length')
[ "$n" -ge 1 ] || { echo "the stopped hook's bind of 00:05.0 is not in the trace"; exit 1; }
bound_by 0000:00:05.0 bochs-drm libvirtd drivers_probe || exit 1
bound_by 0000:00:05.1 snd_hda_intel libvirtd drivers_probe || exit 1
# report: the libvirt domain and its hooks are known; libvirtd's reattach is no rebind
report_jq '.vms[0].id == "win10" and .vms[0].flavour == "libvirt"' || exit 1
report_clean || exit 1
echo "hook bind redone by libvirtd's reattach; report agrees"
