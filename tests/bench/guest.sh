# lab-record: no
# The bench inside a lab guest (make bench runs it through scripts/lab/run.sh):
# the fentry and kprobe backends can only be measured on a guest kernel.
# TCG makes every absolute number slow; the ratios are what counts.
. /lab/config
GTBENCH_BACKEND=$LAB_BACKEND GTBENCH_GUARD_DEVICE=0000:00:05.0 GTBENCH_ONLY="ready write guard exec burst" \
	gtbench /usr/sbin/gputrace --quick >/tmp/bench.txt 2>&1
cat /tmp/bench.txt
