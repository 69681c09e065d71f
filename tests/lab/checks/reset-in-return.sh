# reset-in-return: the hook's reset of 01:00.0 is in the trace as a write
# that worked and, with --pm-hooks on the fentry or kprobe backend, as the kernel's
# reset by the hook's process, which succeeded.
. "$(dirname "$0")/lib.sh"
n=$(trace_jq '[.[] | select(.type == "event" and .kind == "sysfs_write" and .attr == "reset"
	and (.path | contains("0000:01:00.0")) and .task.comm == "gpu-port-hook.p" and .ret > 0)] | length')
[ "$n" = 1 ] || { echo "expected one working write to 01:00.0's reset by the hook, found $n"; exit 1; }
if [ "$LAB_BACKEND" != tracepoint ]; then
	trace_jq '.[] | select(.type == "header") | .pm_hooks' | grep -qx on ||
		{ echo "--pm-hooks did not attach: $(trace_jq '.[] | select(.type == "header") | .pm_hooks')"; exit 1; }
	n=$(trace_jq '[.[] | select(.type == "event" and .kind == "reset" and .device == "0000:01:00.0"
		and .task.comm == "gpu-port-hook.p" and .ret == 0)] | length')
	[ "$n" -ge 1 ] || { echo "no reset event of 01:00.0 by the hook in the trace"; exit 1; }
fi
report_clean || exit 1
echo "the hook's reset of 01:00.0 in the trace ($LAB_BACKEND); report clean"
