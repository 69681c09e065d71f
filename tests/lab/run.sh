#!/bin/sh
# Lab suite: every scenario on the three guest kernels with the fentry and
# the tracepoint backends (uevent outcomes), plus baseline and rogue-rebind
# with kprobe. After the runs, the report's verdict per scenario, kernel and
# backend (right / wrong) as a table, also in build/lab/verdicts.md.
# One PASS/FAIL/SKIP line per run, then "N passed, N failed, N skipped".
# Runs go in parallel (LAB_JOBS, default: the number of CPUs); results stay
# in build/lab/suite/KERNEL-BACKEND-SCENARIO. Narrow it down with
# LAB_KERNELS="6.12" LAB_SCENARIOS="baseline libvirt" LAB_BACKENDS="fentry".
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. scripts/lab/lib.sh

kernels=${LAB_KERNELS:-5.10 6.1 6.12}
backends=${LAB_BACKENDS:-fentry kprobe tracepoint}
scenarios=${LAB_SCENARIOS:-$(ls tests/lab/scenarios/*.sh | sed 's|.*/||; s|\.sh$||')}
jobs=${LAB_JOBS:-$(nproc 2>/dev/null || echo 2)}
outroot=build/lab/suite
mkdir -p "$outroot"

# The matrix: all scenarios with fentry and tracepoint, two with kprobe.
matrix=$outroot/matrix.txt
: >"$matrix"
for k in $kernels; do
	for b in $backends; do
		for s in $scenarios; do
			# "# lab-kernels: 6.1 6.12": a scenario a guest kernel cannot run
			only=$(sed -n 's/^# lab-kernels: //p' "tests/lab/scenarios/$s.sh")
			[ -z "$only" ] || case " $only " in *" $k "*) ;; *) continue ;; esac
			case "$b" in
			fentry|tracepoint) ;;
			*) case "$s" in baseline|rogue-rebind) ;; *) continue ;; esac ;;
			esac
			echo "$k $b $s" >>"$matrix"
		done
	done
done

results=$outroot/results.txt
: >"$results"
# record RESULT NAME REASON: one line to the terminal, one to $results.
record() {
	case "$1" in
	PASS) echo "PASS  $2${3:+ ($3)}" ;;
	FAIL) echo "FAIL  $2: $3" ;;
	SKIP) echo "SKIP  $2: $3" ;;
	esac
	echo "$1" >>"$results"
}

# Whole-suite reasons to skip, each printed once per run it skips.
why_skip=
command -v "${QEMU:-qemu-system-x86_64}" >/dev/null 2>&1 || why_skip="qemu-system-x86_64 not found (scripts/deps.sh)"
[ -n "$why_skip" ] || [ -x build/gputrace ] || why_skip="build/gputrace missing (run make)"
command -v jq >/dev/null 2>&1 || why_skip=${why_skip:-"jq not found (scripts/deps.sh)"}

# Fetch the kernels one by one before the parallel runs (first run: downloads).
for k in $kernels; do
	[ -z "$why_skip" ] || break
	if ! scripts/lab/fetch.sh kernel "$k" >"$outroot/fetch-$k.log" 2>&1; then
		reason=$(grep '^lab: ' "$outroot/fetch-$k.log" | tail -n 1 | sed 's/^lab: //')
		echo "${reason:-fetching kernel $k failed}" >"$outroot/skip-$k"
	else
		rm -f "$outroot/skip-$k"
	fi
done
[ -n "$why_skip" ] || scripts/lab/fetch.sh busybox >"$outroot/fetch-busybox.log" 2>&1 ||
	why_skip=$(grep '^lab: ' "$outroot/fetch-busybox.log" | tail -n 1 | sed 's/^lab: //')

run_one() {
	k=$1 b=$2 s=$3
	name="$k $b $s"
	out=$outroot/$k-$b-$s
	if [ -n "$why_skip" ]; then record SKIP "$name" "$why_skip"; return; fi
	if [ -f "$outroot/skip-$k" ]; then record SKIP "$name" "$(cat "$outroot/skip-$k")"; return; fi
	mkdir -p "$out"
	scripts/lab/run.sh --scenario "$s" --kernel "$k" --backend "$b" --out "$out" >"$out/run.log" 2>&1
	rc=$?
	secs=$(sed -n 's/^total_s=//p' "$out/run.txt" 2>/dev/null)
	if [ $rc = "$LAB_EX_UNAVAILABLE" ]; then
		record SKIP "$name" "$(grep '^lab: unavailable: ' "$out/run.log" | tail -n 1 | sed 's/^lab: unavailable: //')"
		return
	fi
	if [ $rc != 0 ]; then
		record FAIL "$name" "guest run failed: $(grep '^lab: ' "$out/run.log" | grep -v '^lab: guest' | tail -n 1 | sed 's/^lab: //') [$out/console.log]"
		return
	fi
	msg=$(tests/lab/check-run.sh "$out" "$s" "$k" "$b" 2>&1)
	case $? in
	0) record PASS "$name" "${secs}s, $(echo "$msg" | tail -n 1)" ;;
	77) record SKIP "$name" "$(echo "$msg" | tail -n 1)" ;;
	*) record FAIL "$name" "$(echo "$msg" | tail -n 1) [$out]" ;;
	esac
}

# Lanes: run i goes to lane i mod jobs; each lane runs its share in order.
start=$(date +%s)
lane=0
while [ $lane -lt "$jobs" ]; do
	awk -v j="$jobs" -v l=$lane '(NR - 1) % j == l' "$matrix" | while read -r k b s; do
		run_one "$k" "$b" "$s"
	done &
	lane=$((lane + 1))
done
wait
echo "lab: $(wc -l <"$matrix") runs in $(($(date +%s) - start)) s with $jobs in parallel"

# The verdict table: each scenario's report against its lab-verdict lines.
verdicts=build/lab/verdicts.md
cols=$(awk '{print $1 "/" $2}' "$matrix" | awk '!seen[$0]++')
{
	printf '| scenario |'
	for c in $cols; do printf ' %s |' "$c"; done
	printf '\n|---|'
	for c in $cols; do printf -- '---|'; done
	printf '\n'
	for s in $scenarios; do
		printf '| %s |' "$s"
		for c in $cols; do
			k=${c%/*} b=${c#*/}
			if ! grep -q "^$k $b $s\$" "$matrix"; then cell=' '
			elif [ -f "$outroot/$k-$b-$s/verdict.txt" ]; then cell=$(cut -d: -f1 "$outroot/$k-$b-$s/verdict.txt")
			else cell='not judged'
			fi
			printf ' %s |' "$cell"
		done
		printf '\n'
	done
} >"$verdicts"
echo "lab: verdicts (right: the report's findings are exactly the scenario's; $verdicts):"
cat "$verdicts"

T_PASSED=$(grep -c '^PASS$' "$results")
T_FAILED=$(grep -c '^FAIL$' "$results")
T_SKIPPED=$(grep -c '^SKIP$' "$results")
t_summary
