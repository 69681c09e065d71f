#!/bin/sh
# `make check` suite: every corpus file once through its harness, built
# with ASan and UBSan (no fuzzing): each defect's reproducer stays fixed.
#   replay.sh [HARNESS_BINARY...]   (default: build/fuzz/fuzz_*)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib.sh"
[ $# -gt 0 ] || set -- $(ls "$top"/tests/fuzz/fuzz_*.c | sed "s|.*/\(fuzz_[a-z_]*\)\.c$|$top/build/fuzz/\1|")
for bin in "$@"; do
	name=$(basename "$bin")
	if [ ! -x "$bin" ]; then
		t_skip "$name" "not built (make fuzz-build: needs clang with libFuzzer)"
		continue
	fi
	for f in "$top/tests/fuzz/corpus/$name"/*; do
		[ -f "$f" ] || continue
		if out=$(ASAN_OPTIONS=detect_leaks=1 "$bin" -runs=1 "$f" 2>&1); then
			t_pass "$name $(basename "$f")"
		else
			t_fail "$name $(basename "$f")" \
				"$(printf '%s\n' "$out" | grep -m 2 -E 'ERROR|runtime error|SUMMARY')"
		fi
	done
done
t_summary
