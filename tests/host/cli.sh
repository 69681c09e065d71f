# The command-line conventions every command shares (src/cmd/cmd_opts.c,
# docs/gputrace.md "OUTPUT AND ERRORS"): a bad option is one line and exit
# 2; under -j/-p an error is one {"error": ...} object on stdout; -j is one
# line, -p indented; a file is named once in an error; colour follows
# --color, NO_COLOR and TERM. Needs neither root nor BPF: traces come from
# the fuzz corpus. Sourced by run.sh (uses $GT, $top, $work, tests/lib.sh).

CLI_COMMANDS="record dump report mark features status check guard bundle"
CLI_TRACE=$top/tests/fuzz/corpus/fuzz_trace/vm-story.gtrace

cli_lines() { wc -l < "$1" | tr -d ' '; }

# cli_bad NAME EXPECTED-LINE CMD ARGS...: exit 2, EXPECTED-LINE alone on
# stderr, nothing on stdout.
cli_bad() {
	name=$1; want=$2; shift 2
	"$GT" "$@" >"$work/cli.out" 2>"$work/cli.err"; rc=$?
	if [ $rc -eq 2 ] && [ "$(cli_lines "$work/cli.err")" -eq 1 ] && [ ! -s "$work/cli.out" ] &&
	   grep -qxF -- "$want" "$work/cli.err"; then
		t_pass "$name"
	else
		t_fail "$name" "exit $rc, stderr: $(head -c 300 "$work/cli.err"), stdout: $(head -c 100 "$work/cli.out")"
	fi
}

t_cli_options() {
	for c in $CLI_COMMANDS; do
		cli_bad "$c: an unknown option is one line, exit 2" \
			"gputrace: $c: unknown option '--no-such-option'; try 'gputrace $c --help'" \
			"$c" --no-such-option
		"$GT" "$c" --help >"$work/cli.help" 2>&1; rc=$?
		"$GT" help "$c" >"$work/cli.help2" 2>&1
		t_check "$c --help: exit 0, its usage, the same as 'gputrace help $c'" \
			sh -c "[ $rc -eq 0 ] && head -n 1 '$work/cli.help' | grep -q '^Usage: gputrace $c ' &&
			       cmp -s '$work/cli.help' '$work/cli.help2'"
	done
	cli_bad "a short option inside a cluster is named alone" \
		"gputrace: status: unknown option '-x'; try 'gputrace status --help'" status -jx
	cli_bad "a missing value names its option" \
		"gputrace: check: option '--root' needs a value; try 'gputrace check --help'" check --root
	cli_bad "a short option's missing value" \
		"gputrace: report: option '-f' needs a value; try 'gputrace report --help'" report -f
	cli_bad "a value given to a flag" \
		"gputrace: dump: option '--json' takes no value; try 'gputrace dump --help'" dump --json=1 "$CLI_TRACE"
	cli_bad "--color takes three words" \
		"gputrace: report: --color takes auto, always or never, not 'sometimes'; try 'gputrace report --help'" \
		report --color=sometimes "$CLI_TRACE"
	cli_bad "a malformed --device is a usage error, not a runtime one" \
		"gputrace: status: --device: 'zz' is not a PCI address (0000:0a:00.0 or 0a:00.0); try 'gputrace status --help'" \
		status -d zz
	cli_bad "a number past its range is refused, not wrapped" \
		"gputrace: record: --duration wants a positive number of seconds up to 1000000000, not '99999999999999999999'; try 'gputrace record --help'" \
		record -d 99999999999999999999
	cli_bad "an empty value is a missing one" \
		"gputrace: check: option '--kernel-release' needs a value, not an empty one; try 'gputrace check --help'" \
		check --kernel-release ''
	cli_bad "--read-journal takes on, off or a path, not any word" \
		"gputrace: record: --read-journal wants on, off or a directory of journal files (a path, like /var/log/journal), not 'yes'; try 'gputrace record --help'" \
		record --read-journal yes
	cli_bad "--explain and --device naming two devices are refused" \
		"gputrace: report: --explain 0a:00.0 and --device 0a:00.1 name two devices: give one; try 'gputrace report --help'" \
		report --device 0a:00.1 --explain 0a:00.0 "$CLI_TRACE"
	cli_bad "an empty --since/--until window is refused" \
		"gputrace: dump: --until must come after --since: nothing lies between them; try 'gputrace dump --help'" \
		dump --since 10 --until 5 "$CLI_TRACE"
	"$GT" help help >"$work/cli.help" 2>&1; rc=$?
	t_check "'gputrace help help' is the overview, exit 0" \
		sh -c "[ $rc -eq 0 ] && head -n 1 '$work/cli.help' | grep -q '^Usage: gputrace COMMAND'"
	cli_bad "operands counted: one line too" \
		"gputrace: status: takes no arguments ('extra'); use --device BDF for one device; try 'gputrace status --help'" \
		status extra
	"$GT" record -o - >"$work/cli.out" 2>"$work/cli.err"; rc=$?
	t_check "record -o -: refused in one line with the reason, exit 2" \
		sh -c "[ $rc -eq 2 ] && [ \$(wc -l < '$work/cli.err') -eq 1 ] && grep -q 'seekable' '$work/cli.err'"
	if cli_no_recorders; then
		"$work/gt-alone" mark -- "-x$$" >/dev/null 2>"$work/cli.err"; rc=$?
		t_check "mark -- -LABEL: a label, not an option (exit 1: no recording)" \
			sh -c "[ $rc -eq 1 ] && grep -q 'no gputrace recording' '$work/cli.err'"
	fi
}

# Makes $work/gt-alone: gputrace in a network namespace of its own, where
# no recorder's control socket (abstract, so per namespace) can answer a
# mark, whatever else runs on the host.
cli_no_recorders() {
	if ! unshare -n true 2>/dev/null; then
		t_skip "mark without recordings" "cannot make a network namespace (unshare -n)"
		return 1
	fi
	printf '#!/bin/sh\nexec unshare -n "%s" "$@"\n' "$GT" > "$work/gt-alone"
	chmod +x "$work/gt-alone"
}

# cli_json_error CMD ARGS...: a bad input under -j and -p.
cli_json_error() {
	c=$1; shift
	"$GT" "$c" -j "$@" >"$work/cli.j" 2>"$work/cli.err"; rc=$?
	if [ $rc -eq 1 ] && [ "$(cli_lines "$work/cli.j")" -eq 1 ] && [ ! -s "$work/cli.err" ] &&
	   jq -e '(keys == ["error"]) and (.error | length > 0)' "$work/cli.j" >/dev/null 2>&1; then
		t_pass "$c -j: an error is one {\"error\"} line on stdout, exit 1"
	else
		t_fail "$c -j: an error is one {\"error\"} line on stdout, exit 1" \
			"exit $rc, stdout: $(head -c 200 "$work/cli.j"), stderr: $(head -c 200 "$work/cli.err")"
	fi
	"$GT" "$c" -p "$@" >"$work/cli.p" 2>/dev/null; rc=$?
	t_check "$c -p: the same error, indented, exit 1" \
		sh -c "[ $rc -eq 1 ] && [ \$(wc -l < '$work/cli.p') -gt 1 ] &&
		       [ \"\$(jq -c . '$work/cli.p')\" = \"\$(jq -c . '$work/cli.j')\" ]"
}

# cli_json_output NAME CMD ARGS...: -j is one line, -p more, the same data.
cli_json_output() {
	name=$1; c=$2; shift 2
	"$GT" "$c" -j "$@" >"$work/cli.j" 2>/dev/null
	"$GT" "$c" -p "$@" >"$work/cli.p" 2>/dev/null
	t_check "$name: -j one line, -p indented, the same JSON" \
		sh -c "[ \$(wc -l < '$work/cli.j') -eq 1 ] && [ \$(wc -l < '$work/cli.p') -gt 1 ] &&
		       grep -q '^  \"' '$work/cli.p' &&
		       [ \"\$(jq -S -c . '$work/cli.j')\" = \"\$(jq -S -c . '$work/cli.p')\" ]"
}

t_cli_json() {
	absent=$work/absent.gtrace
	cli_json_error dump "$absent"
	cli_json_error report "$absent"
	cli_json_error status --root "$work/absent-root"
	cli_json_error check --root "$work/absent-root"
	cli_json_error bundle -o "$work/cli-bundle.tar.gz" "$absent"
	if cli_no_recorders; then
		gt_saved=$GT; GT=$work/gt-alone
		cli_json_error mark "cli-test-$$"
		GT=$gt_saved
	fi
	cli_json_error guard --vm "gt-no-such-vm-$$"
	"$GT" report --format json "$absent" >"$work/cli.j" 2>/dev/null
	t_check "report --format json: errors in JSON too" sh -c "jq -e '.error' '$work/cli.j' >/dev/null"

	cli_json_output "report" report "$CLI_TRACE"
	cli_json_output "status of a tree" status --root "$top/tests/fixtures/check/passthrough-host"
	cli_json_output "check of a tree" check --root "$top/tests/fixtures/check/passthrough-host"
	"$GT" dump -j "$CLI_TRACE" >"$work/cli.j"; "$GT" dump -p "$CLI_TRACE" >"$work/cli.p"
	t_check "dump: -j a line per record, -p the same records indented" \
		sh -c "[ \$(wc -l < '$work/cli.j') -eq \$(jq -c . '$work/cli.p' | wc -l) ] &&
		       [ \"\$(jq -S -c . '$work/cli.j')\" = \"\$(jq -S -c . '$work/cli.p')\" ] &&
		       [ \$(wc -l < '$work/cli.p') -gt \$(wc -l < '$work/cli.j') ]"
	"$GT" features -j >"$work/cli.j" 2>/dev/null; "$GT" features -p >"$work/cli.p" 2>/dev/null
	t_check "features: -j one line, -p indented, the same keys" \
		sh -c "[ \$(wc -l < '$work/cli.j') -eq 1 ] && [ \$(wc -l < '$work/cli.p') -gt 1 ] &&
		       [ \"\$(jq -c keys '$work/cli.j')\" = \"\$(jq -c keys '$work/cli.p')\" ]"

	out=$work/cli-bundle.tar.gz
	"$GT" bundle -j -o "$out" "$CLI_TRACE" >"$work/cli.j" 2>"$work/cli.err"; rc=$?
	t_check "bundle -j: what was written, as one line of JSON" \
		sh -c "[ $rc -eq 0 ] && [ \$(wc -l < '$work/cli.j') -eq 1 ] &&
		       jq -e --arg a '$out' --argjson n \$(stat -c %s '$out') \
			'.archive == \$a and .bytes == \$n and .redacted == false and
			 (.files | index(\"report.json\") and index(\"README.txt\") and index(\"traces/01-vm-story.gtrace\"))' \
			'$work/cli.j' >/dev/null"
	t_check "bundle -j: files[] is what the archive holds" \
		sh -c "[ \"\$(tar -tzf '$out' | sed 's|^[^/]*/||' | sort)\" = \"\$(jq -r '.files[]' '$work/cli.j' | sort)\" ]"
}

# A trace's name is said once in an error about it (the reader's message
# starts with it).
t_cli_file_named_once() {
	bad=$work/cli-corrupt.gtrace
	cp "$CLI_TRACE" "$bad"
	printf '\377\377\377\377\377\377\377\377' | dd of="$bad" bs=1 seek=60 conv=notrunc 2>/dev/null
	"$GT" dump "$bad" >/dev/null 2>"$work/cli.err"; rc=$?
	t_check "dump of a corrupt trace: exit 1, the file named once" \
		sh -c "[ $rc -eq 1 ] && [ \$(grep -o 'cli-corrupt.gtrace' '$work/cli.err' | wc -l) -eq 1 ]"
	"$GT" dump -j "$bad" 2>/dev/null | tail -n 1 >"$work/cli.j"
	t_check "dump -j of a corrupt trace: {\"error\"} last, the file named once" \
		sh -c "jq -e '.error | test(\"cli-corrupt.gtrace\")' '$work/cli.j' >/dev/null &&
		       [ \$(grep -o 'cli-corrupt.gtrace' '$work/cli.j' | wc -l) -eq 1 ]"
	"$GT" report "$bad" >"$work/cli.out" 2>&1
	t_check "report of a corrupt trace: the file named once" \
		sh -c "grep -q 'cli-corrupt.gtrace: bad chunk' '$work/cli.out' &&
		       ! grep -q 'cli-corrupt.gtrace: [^ ]*cli-corrupt.gtrace' '$work/cli.out'"
	"$GT" bundle --redact -o "$work/cli-red.tar.gz" "$bad" >/dev/null 2>"$work/cli.err"
	t_check "bundle --redact of a corrupt trace: the file named once" \
		sh -c "[ \$(grep -o 'cli-corrupt.gtrace' '$work/cli.err' | wc -l) -eq 1 ]"
	"$GT" dump "$work/no-such.gtrace" >"$work/cli.out" 2>"$work/cli.err"; rc=$?
	t_check "dump of a missing file: exit 1, one line, no column names on stdout" \
		sh -c "[ $rc -eq 1 ] && [ ! -s '$work/cli.out' ] && [ \$(wc -l <'$work/cli.err') -eq 1 ]"
	"$GT" report - </dev/null >"$work/cli.out" 2>"$work/cli.err"; rc=$?
	t_check "report - with nothing on standard input: says so, exit 1" \
		sh -c "[ $rc -eq 1 ] && grep -qx 'gputrace: standard input is empty: no trace came on it' '$work/cli.err'"
}

# check, like report, exits 3 only for what is worth failing a script for.
t_cli_exit_codes() {
	tree=$work/cli-info-tree
	mkdir -p "$tree/etc"
	echo vfio_pci > "$tree/etc/modules"	# vfio-early-load: info
	"$GT" check -j --root "$tree" >"$work/cli.j" 2>/dev/null; rc=$?
	t_check "check with info findings only: exit 0" \
		sh -c "[ $rc -eq 0 ] && jq -e '.summary.info >= 1 and .summary.warn == 0 and .summary.high == 0' '$work/cli.j' >/dev/null"
	mkdir -p "$tree/etc/modprobe.d"
	echo 'options vfio-pci ids=10de:1b80' > "$tree/etc/modprobe.d/vfio.conf"	# warn
	"$GT" check -j --root "$tree" >"$work/cli.j" 2>/dev/null; rc=$?
	t_check "check with a warn finding: exit 3" \
		sh -c "[ $rc -eq 3 ] && jq -e '.summary.warn >= 1' '$work/cli.j' >/dev/null"
	# the copied etc/ given for the tree above it: an error, not a clean host
	for c in check status; do
		"$GT" $c --root "$tree/etc" >"$work/cli.out" 2>"$work/cli.err"; rc=$?
		t_check "$c --root of a directory without etc/, sys/ or proc/: exit 1, says so" \
			sh -c "[ $rc -eq 1 ] && [ ! -s '$work/cli.out' ] && grep -q 'holds no etc/, sys/ or proc/' '$work/cli.err'"
	done
	cli_bad "check --kernel-release without --root: a usage error" \
		"gputrace: check: --kernel-release goes with --root (a copied tree); try 'gputrace check --help'" \
		check --kernel-release 6.8
	"$GT" bundle -o "$work/cli-vm.tar.gz" --vm 999 "$CLI_TRACE" >/dev/null 2>"$work/cli.err"; rc=$?
	t_check "bundle --vm of a VM the traces lack: exit 1, no archive" \
		sh -c "[ $rc -eq 1 ] && [ ! -e '$work/cli-vm.tar.gz' ] && grep -q \"no VM '999'\" '$work/cli.err'"
	for t in vm-story real-host-tracepoint; do
		f=$top/tests/fuzz/corpus/fuzz_trace/$t.gtrace
		"$GT" report "$f" >/dev/null 2>&1; rc=$?
		"$GT" report -j "$f" >"$work/cli.j" 2>/dev/null
		w=$(jq '[.findings[] | select(.severity == "HIGH" or .severity == "WARN")] | length' "$work/cli.j")
		n=$(jq '.findings | length' "$work/cli.j")
		t_check "report $t: exit $rc with $n findings, $w of them HIGH or WARN" \
			sh -c "{ [ $t != vm-story ] || [ $w -gt 0 ]; } && if [ $w -gt 0 ]; then [ $rc -eq 3 ]; else [ $rc -eq 0 ]; fi"
	done
	# --since counts from the trace's start, not from the first record
	# --kind keeps: qm's bind, 0.13 s in, is kept from 0.1 s, not from 1 s
	n=$("$GT" dump -j --kind bind --since 0.1 "$CLI_TRACE" | grep -c '"kind":"bind"')
	m=$("$GT" dump -j --kind bind --since 1 "$CLI_TRACE" | grep -c '"kind":"bind"')
	t_check "dump --kind bind --since: seconds from the trace's start ($n, then $m binds)" \
		sh -c "[ $n -ge 1 ] && [ $m -lt $n ]"
	# output that did not reach its reader (a full disk) is an error, in
	# one line, whatever the findings said
	for c in "report $CLI_TRACE" "report -j $CLI_TRACE" "dump $CLI_TRACE" "status" "check"; do
		# shellcheck disable=SC2086
		"$GT" $c >/dev/full 2>"$work/cli.err"; rc=$?
		t_check "${c%% /*} > /dev/full: exit 1, one line saying so" \
			sh -c "[ $rc -eq 1 ] && [ \$(wc -l < '$work/cli.err') -eq 1 ] &&
			       grep -q 'writing the output: No space left on device' '$work/cli.err'"
	done
}

# Colour: report's, on a terminal (script(1) gives it one) unless NO_COLOR
# or TERM=dumb, or as --color says.
t_cli_color() {
	esc=$(printf '\033\\[')
	if ! command -v script >/dev/null; then
		t_skip "colour on a terminal" "no script(1) to make one"
		return
	fi
	n_tty=$(script -qec "'$GT' report '$CLI_TRACE'" /dev/null | grep -c "$esc")
	n_nocolor=$(NO_COLOR=1 script -qec "'$GT' report '$CLI_TRACE'" /dev/null | grep -c "$esc")
	n_dumb=$(TERM=dumb script -qec "'$GT' report '$CLI_TRACE'" /dev/null | grep -c "$esc")
	n_never=$(script -qec "'$GT' report --color never '$CLI_TRACE'" /dev/null | grep -c "$esc")
	n_pipe=$("$GT" report "$CLI_TRACE" | grep -c "$esc")
	n_always=$("$GT" report --color=always "$CLI_TRACE" | grep -c "$esc")
	t_check "colour on a terminal ($n_tty lines), none with NO_COLOR, TERM=dumb, --color never" \
		test "$n_tty" -gt 0 -a "$n_nocolor" -eq 0 -a "$n_dumb" -eq 0 -a "$n_never" -eq 0
	t_check "no colour into a pipe, unless --color=always" test "$n_pipe" -eq 0 -a "$n_always" -gt 0
}

# mark's answer under -j: the recordings that stamped the label (run.sh's
# start_recorder/stop_recorder; root and a BPF backend). Other recorders on
# the host may answer too, or refuse: only ours is asserted.
t_cli_mark_ack() {
	f=$work/cli-mark.gtrace
	start_recorder "$f" || { t_fail "mark -j: recorder start" "no ready line"; return; }
	last_rec_pid=$rec_pid
	"$GT" mark -j "cli-ack-$$" >"$work/cli.j" 2>"$work/cli.err"; rc=$?
	"$GT" mark -p "cli-ack2-$$" >"$work/cli.p" 2>/dev/null
	stop_recorder
	t_check "mark -j: one line naming the label and this recorder's pid, exit 0" \
		sh -c "[ $rc -eq 0 ] && [ \$(wc -l < '$work/cli.j') -eq 1 ] &&
		       jq -e --arg l 'cli-ack-$$' '.label == \$l and (.recordings | index($last_rec_pid)) and (.refused | length >= 0)' \
			'$work/cli.j' >/dev/null"
	t_check "mark -p: the same, indented" \
		sh -c "[ \$(wc -l < '$work/cli.p') -gt 1 ] && jq -e '.recordings | index($last_rec_pid)' '$work/cli.p' >/dev/null"
	t_check "mark -j: the label is in the trace" \
		sh -c "'$GT' dump -j --kind mark '$f' | jq -s -e --arg l 'cli-ack-$$' 'any(.[]; .label == \$l)' >/dev/null"
}

# guard --dry-run writes nothing, so any function will do. Its output is
# the guard's own lines: libbpf's only with -v. Where `features` says the
# guard can run (enforce or dry-run) it runs until SIGINT (exit 0); where
# the kernel refuses fentry too, it says what it would watch on stdout and
# why it cannot in one line on stderr (exit 1).
t_cli_guard_dry_run() {
	if [ "$(id -u)" != 0 ]; then
		t_skip "guard --dry-run output" "not root"
		return
	fi
	dev=$(ls /sys/bus/pci/devices | head -n 1)
	if [ -z "$dev" ]; then
		t_skip "guard --dry-run output" "no PCI device"
		return
	fi
	mode=$("$GT" features -j 2>/dev/null | jq -r '.guard')
	timeout -s INT 3 "$GT" guard --device "$dev" --dry-run >"$work/cli.out" 2>"$work/cli.err"; rc=$?
	t_check "guard --dry-run: no libbpf lines without -v" \
		sh -c "! grep -q '^libbpf:' '$work/cli.err' '$work/cli.out'"
	case $mode in
	none)
		t_check "guard --dry-run where fentry is refused: what it would watch, one error line, exit 1" \
			sh -c "[ $rc -eq 1 ] && [ \$(wc -l < '$work/cli.err') -eq 1 ] &&
			       grep -q '$dev' '$work/cli.out' && grep -q 'cannot watch' '$work/cli.err'" ;;
	*)
		t_check "guard --dry-run where features says '$mode': runs until SIGINT, exit 0" \
			sh -c "[ $rc -eq 0 ]" ;;
	esac
}
