#!/bin/sh
# `make bench`: builds the harness and runs it (root), on this machine's
# kernel (the backend it allows: tracepoint here), then inside a lab guest
# for the fentry and kprobe backends this kernel refuses. bpftrace's
# tracepoint probes need tracefs: mounted here if missing (gputrace itself
# does not need it).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$top/build/bench"
${CC:-gcc} -O2 -Wall -o "$top/build/bench/gtbench" "$top/tests/bench/gtbench.c" -lbpf
if ! grep -q ' /sys/kernel/tracing tracefs' /proc/mounts; then
	mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null || true
fi
ulimit -l unlimited 2>/dev/null || true

echo "--- this machine ($(uname -r))"
"$top/build/bench/gtbench" "$top/build/gputrace" "$@"
# report on a synthetic 1 M-event trace (no root needed)
${CC:-gcc} -O2 -std=gnu11 -D_GNU_SOURCE -I"$top/include" -iquote "$top/src" -iquote "$top/build" \
	-o "$top/build/bench/report_bench" "$top/tests/bench/report_bench.c" "$top/build/libgputrace.a" \
	-lbpf -lelf -lz -lpci -lxml2
"$top/build/bench/report_bench" "$top/build/gputrace"

# Skipped with a reason when the lab cannot run.
for backend in ${GTBENCH_GUEST_BACKENDS:-fentry kprobe}; do
	echo "--- guest (Debian 6.12, TCG), $backend backend"
	out=$top/build/bench/guest-$backend
	# Two vCPUs, like any real host: recorder and workload on their own.
	if GPUTRACE_LAB_SMP=2 GPUTRACE_LAB_EXTRA=$top/build/bench/gtbench "$top/scripts/lab/run.sh" \
		--scenario "$top/tests/bench/guest.sh" --kernel 6.12 --backend "$backend" \
		--out "$out" >"$out.log" 2>&1 && [ -s "$out/bench.txt" ]; then
		grep -v '^backend' "$out/bench.txt"
	else
		echo "skipped: $(tail -n 1 "$out.log")"
	fi
done
