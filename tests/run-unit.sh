#!/bin/sh
# Runs the cmocka unit test binaries given as arguments and sums them up.
set -u
. "$(dirname "$0")/lib.sh"
for bin in "$@"; do
	name=$(basename "$bin")
	out=$("$bin" 2>&1); rc=$?
	printf '%s\n' "$out" | sed 's/^/    /'
	passed=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p')
	failed=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p')
	T_PASSED=$((T_PASSED + ${passed:-0}))
	T_FAILED=$((T_FAILED + ${failed:-0}))
	if [ $rc -ne 0 ] && [ -z "$failed" ]; then
		t_fail "$name" "exited $rc"
	fi
done
t_summary
