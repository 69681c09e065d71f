# no-hook: no hookscript runs; both functions stay where qm put them.
. "$(dirname "$0")/lib.sh"
n=$(trace_jq '[.[] | select(.type == "event" and .kind == "exec" and (.filename | endswith("gpu-reattach-hook.pl")))] | length')
[ "$n" = 0 ] || { echo "a hookscript ran $n times"; exit 1; }
bound_by 0000:00:05.0 vfio-pci qm bind || exit 1
bound_by 0000:00:05.1 vfio-pci qm bind || exit 1
# report: the VM stopped from inside and no hook ran
report_jq 'any(.findings[]; .kind == "no_hook" and .vm == "111" and .severity == "HIGH"
	and (.summary | contains("no stop command seen")))' || exit 1
echo "no hook; both functions last bound by qm; report agrees"
