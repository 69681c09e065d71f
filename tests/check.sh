#!/bin/sh
# `make check`: the include rules of the tree (docs/design.md), unit
# tests, check fixtures, the docs against each command's --help (man
# pages, completion), the Debian package, the HTML report in a browser,
# host tests (root, real kernel), the fuzz corpus replayed under
# ASan/UBSan, lab tests (guest kernels), each suite's own summary, then the
# total on the last line.
set -u
cd "$(dirname "$0")/.."
total_p=0; total_f=0; total_s=0
run_suite() {
	echo "=== $1"
	shift
	out=$("$@" 2>&1 | tee /dev/stderr | tail -n 1)
	p=$(echo "$out" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\1/p')
	f=$(echo "$out" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\2/p')
	s=$(echo "$out" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\3/p')
	if [ -z "$p" ]; then
		echo "suite '$1' printed no summary: counted as one failure" >&2
		f=1; p=0; s=0
	fi
	total_p=$((total_p + p)); total_f=$((total_f + f)); total_s=$((total_s + s))
}
run_suite layers tests/layers.sh
run_suite unit tests/run-unit.sh build/tests/test_*
run_suite fixtures tests/check-fixtures.sh
run_suite docs tests/docs/run.sh
run_suite package tests/package/run.sh
run_suite html tests/html/run.sh
run_suite host tests/host/run.sh
run_suite fuzz-replay tests/fuzz/replay.sh
if [ -x tests/lab/run.sh ]; then
	run_suite lab tests/lab/run.sh
fi
echo "check: $total_p passed, $total_f failed, $total_s skipped"
[ "$total_f" -eq 0 ]
