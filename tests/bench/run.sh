#!/bin/sh
# `make bench`: builds the harness and runs it (root). bpftrace's tracepoint
# probes need tracefs: mounted here if missing (gputrace itself does not).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$top/build/bench"
${CC:-gcc} -O2 -Wall -o "$top/build/bench/gtbench" "$top/tests/bench/gtbench.c" -lbpf
if ! grep -q ' /sys/kernel/tracing tracefs' /proc/mounts; then
	mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null || true
fi
ulimit -l unlimited 2>/dev/null || true
exec "$top/build/bench/gtbench" "$top/build/gputrace" "$@"
