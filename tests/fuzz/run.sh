#!/bin/sh
# `make fuzz`: runs each harness for SECONDS at the lowest priority, on its
# corpus (tests/fuzz/corpus/<harness>, new finds kept in
# build/fuzz/found/<harness>), and prints execs and findings per harness.
# An input gets 60 s before it counts as a hang: at nice 19 beside a busy
# machine a 30 ms input once stalled past 10 s in the allocator.
# Freed memory stays with ASan's allocator (no release to the OS every 5 s),
# and the RSS limit is 2 GB: libFuzzer purges the allocator every second once
# RSS passes half its limit, and fuzz_trace (a 23 MB corpus, ASan's 256 MB
# quarantine) sits above 512 MB. Each purge's madvise() and the page faults
# after it took a third of fuzz_trace's time.
#   run.sh SECONDS HARNESS_BINARY...
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
secs=$1; shift
status=0
for bin in "$@"; do
	name=$(basename "$bin")
	found=$top/build/fuzz/found/$name
	art=$top/build/fuzz/crashes/$name/
	mkdir -p "$found" "$art" "$top/tests/fuzz/corpus/$name" "$top/build/fuzz/logs"
	log=$top/build/fuzz/logs/$name.log
	ASAN_OPTIONS=detect_leaks=1:allocator_release_to_os_interval_ms=-1 UBSAN_OPTIONS=print_stacktrace=1 \
		nice -n 19 "$bin" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=60 \
		-max_len=65536 -artifact_prefix="$art" -print_final_stats=1 \
		"$found" "$top/tests/fuzz/corpus/$name" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	crashes=$(ls "$art" | wc -l)
	echo "$name: ${execs:-?} execs in ${secs}s, exit $rc, $crashes finding(s) in $art"
	[ $rc -eq 0 ] || { status=1; grep -m 3 -E 'ERROR|runtime error' "$log"; }
done
exit $status
