# reset-fails-in-return: the failed write to reset (ENOTTY) is in the
# trace, with the kernel's line and, on fentry or kprobe with --pm-hooks, the failed
# pci_reset_function() by the hook; the report's finding rests on it.
. "$(dirname "$0")/lib.sh"
n=$(trace_jq '[.[] | select(.type == "event" and .kind == "sysfs_write" and .attr == "reset"
	and (.path | contains("0000:01:00.0")) and .ret == -25)] | length')
[ "$n" = 1 ] || { echo "expected one write to 01:00.0's reset failing with ENOTTY, found $n"; exit 1; }
n=$(trace_jq '[.[] | select(.type == "kmsg" and (.msg | contains("reset methods disabled")))] | length')
[ "$n" -ge 1 ] || { echo "the kernel's 'reset methods disabled' line is not in the trace"; exit 1; }
if [ "$LAB_BACKEND" != tracepoint ]; then
	n=$(trace_jq '[.[] | select(.type == "event" and .kind == "reset" and .device == "0000:01:00.0"
		and .task.comm == "gpu-port-hook.p" and .ret == -25)] | length')
	[ "$n" -ge 1 ] || { echo "no failed reset event of 01:00.0 by the hook in the trace"; exit 1; }
fi
report_jq 'any(.findings[]; .kind == "returned_unusable" and (.summary | contains("reset")) and (.summary | contains("ENOTTY")))' || exit 1
echo "the failed reset in the trace ($LAB_BACKEND) and in the report's finding"
