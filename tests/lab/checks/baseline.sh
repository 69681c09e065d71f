# baseline: the VM process is in the trace with its Proxmox argv, and the
# hookscript (run by qm cleanup) did the last binds of both functions.
. "$(dirname "$0")/lib.sh"
n=$(trace_jq '[.[] | select(.type == "event" and .kind == "exec" and .task.comm == "kvm"
	and (.argv | index(["-id", "111"]) != null))] | length')
[ "$n" -ge 1 ] || { echo "no exec of kvm -id 111 in the trace"; exit 1; }
bound_by 0000:00:05.0 bochs-drm gpu-reattach-ho bind || exit 1
bound_by 0000:00:05.1 snd_hda_intel gpu-reattach-ho bind || exit 1
# report: a clean run, no finding beyond INFO, exit 0
report_clean || exit 1
report_jq '.vms[0].id == "111" and .vms[0].flavour == "proxmox" and (.vms[0].devices | index("0000:00:05.1"))' || exit 1
echo "kvm -id 111 and the hook's binds in the trace; report agrees"
