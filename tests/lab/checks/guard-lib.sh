# Sourced by the checks of the guard scenarios (`# lab-record: no`: the
# guard runs in the scenario, its output is record.log, its trace
# trace.gtrace).

# step_has STEP TOKEN...: the last "step=STEP" line of expect.txt holds
# every TOKEN (0000:00:05.0=bochs-drm, 0000:00:05.0.override=none).
step_has() {
	_line=$(grep "^step=$1 " "$LAB_EXPECT" | tail -n 1)
	[ -n "$_line" ] || { echo "step $1 never happened"; return 1; }
	shift
	for _tok in "$@"; do
		case " $_line " in
		*" $_tok "*) ;;
		*) echo "expected $_tok, guest had: ${_line#* t=* }"; return 1 ;;
		esac
	done
}

# log_has PATTERN WHY: the guard's output (record.log) matches PATTERN.
log_has() {
	grep -q -- "$1" "$LAB_OUT/record.log" || { echo "guard output lacks $2"; return 1; }
}

# bpf_lsm_kernel: the lab kernel has bpf in its built-in LSM list.
bpf_lsm_kernel() {
	[ "$LAB_KERNEL" != 5.10 ]
}

# refusal: on a kernel without the bpf LSM, the guard refused with the hint.
refusal() {
	step_has refused || return 1
	log_has 'cannot enforce: the bpf LSM is not active.*lsm=.*bpf' "the refusal with the lsm= hint" || return 1
	echo "guard refused to enforce without the bpf LSM, naming lsm="
}

# trace_denied COMM ACTION: the guard's trace holds COMM's denied ACTION.
trace_denied() {
	"$GPUTRACE" dump --json "$LAB_OUT/trace.gtrace" >"$LAB_OUT/trace.jsonl" 2>"$LAB_OUT/dump.err" ||
		{ echo "gputrace dump of the guard's trace failed: $(tail -n 1 "$LAB_OUT/dump.err")"; return 1; }
	_n=$(jq -r -s --arg c "$1" --arg a "$2" '[.[] | select(.type == "event" and .kind == "guard"
		and .task.comm == $c and .action == $a and .enforced and .err == -1)] | length' "$LAB_OUT/trace.jsonl")
	[ "$_n" -ge 1 ] || { echo "no denied $2 by $1 in the guard's trace"; return 1; }
}
