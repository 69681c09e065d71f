#!/bin/sh
# Host tests: the real recorder on this machine's kernel, as root. They only
# write harmless sysfs attributes of a PCI device that has no driver (picked
# at run time), never bind or unbind anything on the host.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/tests/lib.sh"
GT=${GPUTRACE:-$top/build/gputrace}
work=$(mktemp -d /tmp/gputrace-host.XXXXXX)
rec_pid=
cleanup() {
	[ -n "$rec_pid" ] && kill -9 "$rec_pid" 2>/dev/null
	# never leave an override behind on the host device we used
	[ -n "${bdf:-}" ] && printf '\n' > "/sys/bus/pci/devices/$bdf/driver_override"
	rm -rf "$work"
}
trap cleanup EXIT

# --- things that need neither root nor BPF --------------------------------
t_cli() {
	out=$("$GT" nosuchcommand 2>&1); rc=$?
	t_check "unknown command exits 2 with one line" test $rc -eq 2 -a "$(echo "$out" | wc -l)" -eq 1
	printf 'not a trace at all' > "$work/garbage"
	out=$("$GT" dump "$work/garbage" 2>&1); rc=$?
	t_check "dump of a foreign file: exit 1, says so" \
		sh -c "[ $rc -eq 1 ] && echo '$out' | grep -q 'not a gputrace trace'"
	out=$("$GT" dump "$work/absent" 2>&1); rc=$?
	t_check "dump of a missing file: exit 1" test $rc -eq 1
	out=$("$GT" record --duration abc 2>&1); rc=$?
	t_check "bad --duration: exit 2" test $rc -eq 2
	out=$("$GT" mark 2>&1); rc=$?
	t_check "mark without label: exit 2" test $rc -eq 2
	t_check "record --help has examples" sh -c "'$GT' record --help | grep -q Examples"
}
t_cli
. "$here/cli.sh"
t_cli_options
t_cli_json
t_cli_file_named_once
t_cli_exit_codes
t_cli_color
t_cli_guard_dry_run

if [ "$(id -u)" != 0 ]; then
	t_skip "recorder tests" "not root (run make check as root)"
	t_summary; exit $?
fi
if ! "$GT" features >"$work/features.txt" 2>&1; then
	t_skip "recorder tests" "no usable BPF backend here: $(tail -n 1 "$work/features.txt")"
	t_summary; exit $?
fi

# A PCI device with no driver: writing its driver_override and probing it
# is harmless (nothing can bind: we clear the override first).
bdf=
for d in /sys/bus/pci/devices/*; do
	[ -e "$d/driver" ] && continue
	[ -w "$d/driver_override" ] || continue
	[ "$(cat "$d/driver_override")" = "(null)" ] || continue
	bdf=$(basename "$d"); break
done

start_recorder() {	# start_recorder FILE [extra args]
	f=$1; shift
	# Emptied here, not only by the child's redirection: the wait below
	# must not find the "ready" of an earlier recording to the same file.
	: > "$f.err"
	"$GT" record -q -o "$f" "$@" 2>"$f.err" &
	rec_pid=$!
	i=0
	until grep -q ready "$f.err" 2>/dev/null; do
		i=$((i + 1)); [ $i -gt 100 ] && { cat "$f.err"; return 1; }
		sleep 0.1
	done
}
stop_recorder() {
	kill -INT "$rec_pid"; wait "$rec_pid"; rc=$?; rec_pid=
	return $rc
}

# Writers with their own names, so comm attribution can be checked.
mkdir -p "$work/bin"
cat > "$work/bin/gt-writer" <<'W'
#!/bin/sh
# gt-writer FILE VALUE PIDFILE: one write(2) of VALUE (backslash escapes
# expanded, so '\n' is a newline) into FILE
echo $$ > "$3"
printf '%b' "$2" > "$1"
W
cat > "$work/bin/kvm" <<'W'
#!/bin/sh
sleep 0.3
exit 3
W
cp /bin/sh "$work/bin/gt-parent"
chmod +x "$work/bin/gt-writer" "$work/bin/kvm"

t_record_sysfs() {
	if [ -z "$bdf" ]; then
		t_skip "sysfs writes" "no driverless PCI device with driver_override here"
		return
	fi
	trace=$work/sysfs.gtrace
	start_recorder "$trace" || { t_fail "recorder start" "$(cat "$trace.err")"; return; }
	dev=/sys/bus/pci/devices/$bdf
	"$work/bin/gt-writer" "$dev/driver_override" vfio-pci "$work/w1.pid"
	"$work/bin/gt-writer" "$dev/driver_override" '\n' "$work/w2.pid"
	"$work/bin/gt-writer" /sys/bus/pci/drivers_probe "$bdf" "$work/w3.pid" 2>/dev/null
	"$work/bin/gt-writer" /sys/bus/pci/drivers_probe "0000:ff:1f.7" "$work/w4.pid" 2>/dev/null
	printf change > "$dev/uevent"	# a harmless uevent for the uevent path
	# a vectored write (writev(2)): seen by every backend
	python3 -c 'import os, sys
open(sys.argv[2], "w").write(str(os.getpid()))
fd = os.open(sys.argv[1], os.O_WRONLY)
os.writev(fd, [b"vfio-pci"])
os.writev(fd, [b"\n"])' "$dev/driver_override" "$work/w6.pid"
	# a write(2) on a read-only fd fails with EBADF before sysfs: not an
	# attempt (any user could flood the trace with them)
	sh -c 'echo $$ > "$1"; exec 3<"$2"; printf vfio-pci >&3' ro "$work/w5.pid" "$dev/driver_override" 2>/dev/null
	sleep 0.3
	t_check "recorder exits 0 on SIGINT" stop_recorder
	"$GT" dump --json "$trace" > "$trace.json" 2>"$trace.dumperr"
	t_check "dump exits 0, no warning" test ! -s "$trace.dumperr"
	w1=$(cat "$work/w1.pid"); w3=$(cat "$work/w3.pid"); w4=$(cat "$work/w4.pid")
	real=$(readlink -f "$dev")
	t_jq "driver_override=vfio-pci write: pid, comm, path, value, result" "$trace.json" \
		"any(.[]; .kind==\"sysfs_write\" and .task.pid==$w1 and .task.comm==\"gt-writer\"
		     and .path==\"$real/driver_override\" and .data==\"vfio-pci\" and .ret==8)"
	t_jq "driver_override clear recorded" "$trace.json" \
		"any(.[]; .kind==\"sysfs_write\" and .attr==\"driver_override\" and .data==\"\\n\" and .ret==1)"
	t_jq "drivers_probe write recorded with its result" "$trace.json" \
		"any(.[]; .kind==\"sysfs_write\" and .task.pid==$w3 and .path==\"/sys/bus/pci/drivers_probe\"
		     and .data==\"$bdf\" and .ret==${#bdf})"
	t_jq "failed drivers_probe write has -errno" "$trace.json" \
		"any(.[]; .kind==\"sysfs_write\" and .task.pid==$w4 and .ret < 0)"
	w6=$(cat "$work/w6.pid")
	t_jq "writev(2) to driver_override recorded with its bytes" "$trace.json" \
		"any(.[]; .kind==\"sysfs_write\" and .task.pid==$w6 and .attr==\"driver_override\" and .data==\"vfio-pci\" and .ret==8)"
	w5=$(cat "$work/w5.pid")
	t_jq "a write on a read-only fd is not recorded" "$trace.json" \
		"all(.[]; .kind!=\"sysfs_write\" or .task.pid!=$w5)"
	t_jq "writer ancestry reaches this test shell" "$trace.json" \
		"any(.[]; .kind==\"sysfs_write\" and .task.pid==$w1 and any(.task.ancestry[]; .pid==$$))"
	t_jq "uevent recorded (ACTION=change for $bdf)" "$trace.json" \
		"any(.[]; .type==\"uevent\" and .ACTION==\"change\" and (.DEVPATH|endswith(\"$bdf\")))"
	t_jq "header names backend and kernel" "$trace.json" \
		".[0].type==\"header\" and (.[0].backend|length>0) and .[0].kernel_release==\"$(uname -r)\""
	t_jq "start and end PCI snapshots include $bdf" "$trace.json" \
		"([.[] | select(.type==\"pci\" and .bdf==\"$bdf\") | .phase] | sort) == [\"end\",\"start\"]"
	t_jq "counters record no loss" "$trace.json" \
		"[.[] | select(.type==\"counters\")] | last | (.lost_sysfs==\"0\" and .lost_exec==\"0\" and .lost_runs_missed==\"0\" and .records_lost==\"0\")"
	t_jq "clean end record" "$trace.json" "last.type==\"end\""
	mode=$(stat -c %a "$trace")
	t_check "trace file mode is 0600" test "$mode" = 600
	# dump's filters on the same trace
	"$GT" dump --json --device "$bdf" --kind sysfs_write "$trace" > "$trace.f.json"
	t_jq "dump --device --kind: only $bdf's sysfs writes (and the header)" "$trace.f.json" \
		"length >= 3 and all(.[1:][]; .kind==\"sysfs_write\" and (tostring|contains(\"$bdf\")))"
	"$GT" dump --json --kind uevent --since 0 --until 3600 "$trace" > "$trace.u.json"
	t_jq "dump --kind uevent --since --until" "$trace.u.json" "length >= 2 and all(.[1:][]; .type==\"uevent\")"
	t_check "report - reads the trace from standard input" sh -c "'$GT' report -j - <'$trace' | jq -e '.hostname | length > 0' >/dev/null"
	t_check "dump --kind bogus is a usage error (exit 2)" sh -c "'$GT' dump --kind bogus '$trace' >/dev/null 2>&1; test \$? -eq 2"
}

# The kernel log and device state (issue 12): a line written to /dev/kmsg
# stands in for a driver's message about the driverless device; the device
# is traced from the write to its driver_override on.
t_record_kmsg() {
	if [ -z "$bdf" ]; then
		t_skip "kernel log" "no driverless PCI device with driver_override here"
		return
	fi
	if [ ! -r /dev/kmsg ] || [ "$(cat /proc/sys/kernel/printk_devkmsg 2>/dev/null)" = off ]; then
		t_skip "kernel log" "/dev/kmsg not readable or not writable (printk_devkmsg=off)"
		return
	fi
	trace=$work/kmsg.gtrace
	tag="gt-hosttest-$$"
	echo "$tag: before the recording, about $bdf" > /dev/kmsg
	start_recorder "$trace" || { t_fail "recorder start" "$(cat "$trace.err")"; return; }
	"$work/bin/gt-writer" "/sys/bus/pci/devices/$bdf/driver_override" '\n' "$work/km.pid"
	sleep 0.2
	echo "$tag: reset of $bdf failed, device stays in D3cold" > /dev/kmsg
	echo "$tag: unrelated line" > /dev/kmsg
	# "0" to the enable of a device that is not enabled: EIO, nothing done
	enable_off=
	[ "$(cat "/sys/bus/pci/devices/$bdf/enable" 2>/dev/null)" = 0 ] && enable_off=1 &&
		"$work/bin/gt-writer" "/sys/bus/pci/devices/$bdf/enable" 0 "$work/ke.pid" 2>/dev/null
	"$GT" mark kmsg-phase >/dev/null 2>&1
	sleep 0.3
	t_check "kmsg: recorder exits 0" stop_recorder
	"$GT" dump --json "$trace" > "$trace.json"
	"$GT" dump "$trace" > "$trace.txt"
	t_jq "kmsg: the line naming $bdf is recorded, kept as the device's" "$trace.json" \
		"any(.[]; .type==\"kmsg\" and .msg==\"$tag: reset of $bdf failed, device stays in D3cold\"
		     and .bdf==\"$bdf\" and .why==\"device\" and .facility==\"1\")"
	t_check "kmsg: dump shows the line" grep -q "kmsg .*$tag: reset of $bdf failed" "$trace.txt"
	t_jq "kmsg: lines from before the recording are not in it" "$trace.json" \
		"all(.[]; .type!=\"kmsg\" or (.msg|contains(\"before the recording\")|not))"
	t_jq "kmsg: a line about nothing traced is left out by default" "$trace.json" \
		"all(.[]; .type!=\"kmsg\" or (.msg|contains(\"unrelated\")|not))"
	t_jq "kmsg: header says devices, clock calibrated" "$trace.json" \
		".[0].kmsg==\"devices\" and (.[0].kmsg_offset_err_ns|tonumber) > 0"
	t_jq "kmsg: the line lands after the write, on the trace clock" "$trace.json" \
		"([.[] | select(.type==\"event\" and .task.pid==$(cat "$work/km.pid"))][0].ts_ns) <
		 ([.[] | select(.type==\"kmsg\" and (.msg|contains(\"reset of\")))][0].ts_ns)"
	t_jq "kmsg: counters say none lost" "$trace.json" \
		"[.[] | select(.type==\"counters\")] | last | .lost_kmsg==\"0\" and (.kmsg_lines|tonumber) >= 1"
	t_jq "state: $bdf read again after the write" "$trace.json" \
		"any(.[]; .type==\"pci_state\" and .bdf==\"$bdf\" and .cause==\"write driver_override\"
		     and (.power_state|length) > 0)"
	if [ -n "$enable_off" ]; then
		t_jq "enable write recorded with its error, state read after it" "$trace.json" \
			"any(.[]; .kind==\"sysfs_write\" and .attr==\"enable\" and .ret < 0) and
			 any(.[]; .type==\"pci_state\" and .cause==\"write enable\" and .enable==\"0\")"
	fi
	t_jq "state: $bdf at the mark" "$trace.json" \
		"any(.[]; .type==\"pci_state\" and .bdf==\"$bdf\" and .cause==\"mark\" and .label==\"kmsg-phase\")"
	t_jq "snapshot: runtime PM status and enable count of $bdf" "$trace.json" \
		"any(.[]; .type==\"pci\" and .bdf==\"$bdf\" and (.runtime_status|length) > 0 and (.enable|length) > 0)"

	trace=$work/kmsg-all.gtrace
	start_recorder "$trace" --kmsg all || { t_fail "recorder start" "$(cat "$trace.err")"; return; }
	echo "$tag: unrelated line, all" > /dev/kmsg
	sleep 0.3
	stop_recorder
	"$GT" dump --json "$trace" > "$trace.json"
	t_jq "kmsg all: every line kept" "$trace.json" \
		"any(.[]; .type==\"kmsg\" and .msg==\"$tag: unrelated line, all\" and .why==\"all\")"

	# the reset/power hooks are fentry-only: asked for here, they are
	# refused with one warning and the recording goes on
	trace=$work/pm-hooks.gtrace
	start_recorder "$trace" --pm-hooks || { t_fail "recorder start --pm-hooks" "$(cat "$trace.err")"; return; }
	t_check "pm-hooks: recorder exits 0" stop_recorder
	"$GT" dump --json "$trace" > "$trace.json"
	if [ "$(jq -r -s '.[0].backend' "$trace.json")" != fentry ]; then
		t_check "pm-hooks: one warning" test "$(grep -c 'warning: --pm-hooks' "$trace.err")" = 1
		t_jq "pm-hooks: header says why not" "$trace.json" '.[0].pm_hooks | startswith("not with")'
	fi

	trace=$work/kmsg-off.gtrace
	start_recorder "$trace" --kmsg off || { t_fail "recorder start" "$(cat "$trace.err")"; return; }
	echo "$tag: about $bdf, off" > /dev/kmsg
	sleep 0.3
	stop_recorder
	"$GT" dump --json "$trace" > "$trace.json"
	t_jq "kmsg off: no lines, header says off" "$trace.json" \
		"all(.[]; .type!=\"kmsg\") and .[0].kmsg==\"off\""
}

# Journal entries (issue 12): a real journal file, appended to by
# systemd-journal-remote from an export stream while recording, stands in
# for journald (this host has none); the entry's _PID is a process the
# trace shows writing to the device.
t_record_journal() {
	jr=/lib/systemd/systemd-journal-remote
	trace=$work/journal.gtrace
	start_recorder "$trace" || { t_fail "recorder start" "$(cat "$trace.err")"; return; }
	stop_recorder
	"$GT" dump --json "$trace" > "$trace.json"
	if ls /run/log/journal/*/*.journal* /var/log/journal/*/*.journal* >/dev/null 2>&1; then
		t_jq "journal: the system's is read" "$trace.json" ".[0].journal==\"system\""
	else
		t_check "journal: none here, said once" \
			test "$(grep -c 'no journal entries in this recording' "$trace.err")" = 1
		t_jq "journal: header says none and why" "$trace.json" \
			".[0].journal==\"none\" and (.[0].journal_reason|length) > 0"
	fi
	if [ -z "$bdf" ] || [ ! -x "$jr" ]; then
		t_skip "journal entries" "no driverless PCI device or no $jr"
		return
	fi
	jdir=$work/journal
	mkdir -p "$jdir"
	boot=$(tr -d - < /proc/sys/kernel/random/boot_id)
	entry() {	# entry PID UNIT MESSAGE
		printf '__REALTIME_TIMESTAMP=%s\n__MONOTONIC_TIMESTAMP=%s\n_BOOT_ID=%s\n_PID=%s\n_COMM=gt-writer\n_SYSTEMD_UNIT=%s\nPRIORITY=6\nMESSAGE=%s\n\n' \
			"$(date +%s%6N)" "$(awk '{printf "%d", $1 * 1000000}' /proc/uptime)" "$boot" "$1" "$2" "$3" |
			"$jr" -o "$jdir/remote.journal" - 2>/dev/null
	}
	entry 1 before.service "before the recording"
	trace=$work/journal-dir.gtrace
	start_recorder "$trace" --read-journal "$jdir" || { t_fail "recorder start" "$(cat "$trace.err")"; return; }
	"$work/bin/gt-writer" "/sys/bus/pci/devices/$bdf/driver_override" '\n' "$work/jw.pid"
	sleep 0.2
	entry "$(cat "$work/jw.pid")" gt-hook.service "hook: GPU reattached, success"
	entry 999999 unrelated.service "not ours"
	sleep 0.5
	t_check "journal: recorder exits 0" stop_recorder
	"$GT" dump --json "$trace" > "$trace.json"
	"$GT" dump "$trace" > "$trace.txt"
	t_jq "journal: the writer's entry is recorded" "$trace.json" \
		"any(.[]; .type==\"journal\" and .pid==\"$(cat "$work/jw.pid")\"
		     and .msg==\"hook: GPU reattached, success\" and .why==\"pid\")"
	t_jq "journal: entries of no traced process or unit, and older ones, left out" "$trace.json" \
		"all(.[]; .type!=\"journal\" or (.msg==\"hook: GPU reattached, success\"))"
	t_check "journal: dump shows it" grep -q "journal .*hook: GPU reattached, success" "$trace.txt"
	t_jq "journal: header names the directory" "$trace.json" ".[0].journal==\"$jdir\""
	# a directory without journal files is no journal: said, not a
	# recording that claims one and holds no entry
	mkdir -p "$work/no-journal"
	trace=$work/journal-empty.gtrace
	start_recorder "$trace" --read-journal "$work/no-journal" &&
		stop_recorder
	"$GT" dump --json "$trace" > "$trace.json"
	t_jq "journal: a directory without journal files is said" "$trace.json" \
		".[0].journal==\"none\" and (.[0].journal_reason | test(\"no journal files in\"))"
}

# The kernel types cut from vmlinux BTF once per boot (src/record/core_btf.c):
# the first recorder makes the file, and a damaged one never stops a
# recording: it is replaced. t_record_sysfs, run next, records with a cut.
t_core_btf() {
	trace=$work/core.gtrace
	rm -f /run/gputrace/core-*.btf
	start_recorder "$trace" && stop_recorder
	cut=$(ls /run/gputrace/core-*.btf 2>/dev/null | head -n 1)
	t_check "first recorder of a boot leaves the cut, mode 0600" \
		test -n "$cut" -a "$(stat -c %a "$cut" 2>/dev/null)" = 600
	[ -n "$cut" ] || return
	printf 'not BTF at all' > "$cut"
	start_recorder "$trace" -f || { t_fail "recorder start with a damaged cut" "$(cat "$trace.err")"; return; }
	[ -n "$bdf" ] && "$work/bin/gt-writer" "/sys/bus/pci/devices/$bdf/driver_override" '\n' "$work/c1.pid"
	sleep 0.3
	t_check "damaged cut: recorder still records, exits 0" stop_recorder
	t_check "damaged cut: one warning, file removed" \
		sh -c "grep -q 'did not fit' '$trace.err' && [ ! -e '$cut' ]"
	if [ -n "$bdf" ]; then
		"$GT" dump --json "$trace" > "$trace.json"
		t_jq "damaged cut: the write is recorded" "$trace.json" \
			"any(.[]; .kind==\"sysfs_write\" and .task.pid==$(cat "$work/c1.pid"))"
	fi
	start_recorder "$trace" -f && stop_recorder
	t_check "next recorder makes the cut again" test -s "$cut"
	# a cut someone else could have written is not used, but made anew
	chown 65534 "$cut"
	start_recorder "$trace" -f && stop_recorder
	t_check "a cut not owned by root is replaced by root's" test "$(stat -c %u "$cut")" = 0
}

t_record_process() {
	trace=$work/proc.gtrace
	start_recorder "$trace" || { t_fail "recorder start" "$(cat "$trace.err")"; return; }
	"$work/bin/kvm" -id 111 -name vm111 -m 1024 -device vfio-pci,host=0000:0a:00.0,id=hostpci0 &
	kvm_pid=$!
	wait $kvm_pid
	# a process leaving more children alive than an exit names, one not
	"$work/bin/gt-parent" -c 'for i in $(seq 40); do sleep 3 & done' &
	crowd_pid=$!
	wait $crowd_pid
	"$work/bin/gt-parent" -c 'for i in 1 2 3; do sleep 3 & done' &
	few_pid=$!
	wait $few_pid
	"$GT" mark problem-start > "$work/mark.out" 2>&1; mark_rc=$?
	our_rec=$rec_pid
	sleep 0.3
	stop_recorder
	"$GT" dump --json "$trace" > "$trace.json"
	t_jq "kvm exec recorded with its argv" "$trace.json" \
		"any(.[]; .kind==\"exec\" and .task.pid==$kvm_pid and .task.comm==\"kvm\" and .argv[-8:]==[\"-id\",\"111\",\"-name\",\"vm111\",\"-m\",\"1024\",\"-device\",\"vfio-pci,host=0000:0a:00.0,id=hostpci0\"])"
	t_jq "kvm exit recorded with status 3" "$trace.json" \
		"any(.[]; .kind==\"exit\" and .task.pid==$kvm_pid and .exit==\"exited 3\")"
	t_jq "an exit names its first 32 children and counts the 8 others" "$trace.json" \
		"any(.[]; .kind==\"exit\" and .task.pid==$crowd_pid and (.orphans|length)==32 and .orphans_unnamed==8 and .orphans_unnamed_at_least==false)"
	t_jq "an exit leaving 3 children names them" "$trace.json" \
		"any(.[]; .kind==\"exit\" and .task.pid==$few_pid and (.orphans|length)==3 and (has(\"orphans_unnamed\")|not))"
	t_check "dump says how many children an exit left unnamed" \
		sh -c "'$GT' dump '$trace' | grep -q ' exit  *$crowd_pid  *gt-parent  *exited 0, leaving children [0-9 ]* and 8 more (not named)'"
	t_check "mark exits 0 and names the recording" \
		sh -c "[ $mark_rc -eq 0 ] && grep -Eq 'marked .problem-start. in [0-9]+ recordings? \(pid.*[ ,]$our_rec[,)]' '$work/mark.out'"
	t_jq "mark lands in the file with its label" "$trace.json" \
		"any(.[]; .type==\"mark\" and .label==\"problem-start\")"
}

t_sigkill() {
	trace=$work/killed.gtrace
	if [ -z "$bdf" ]; then
		t_skip "SIGKILL survival" "no driverless PCI device"
		return
	fi
	start_recorder "$trace" || { t_fail "recorder start" "$(cat "$trace.err")"; return; }
	"$work/bin/gt-writer" "/sys/bus/pci/devices/$bdf/driver_override" '\n' "$work/k.pid"
	sleep 1.2	# handed to the kernel > ~1 s before the kill
	kill -9 "$rec_pid"; wait "$rec_pid" 2>/dev/null; rec_pid=
	"$GT" dump --json "$trace" > "$trace.json" 2>"$trace.err2"; rc=$?
	t_check "dump of a SIGKILLed trace exits 0" test $rc -eq 0
	t_jq "write before SIGKILL is readable" "$trace.json" \
		"any(.[]; .kind==\"sysfs_write\" and .task.pid==$(cat "$work/k.pid"))"
	t_jq "no end record after SIGKILL" "$trace.json" "all(.[]; .type!=\"end\")"
	t_check "dump of a SIGKILLed trace says it has no END record" grep -q "no END record" "$trace.err2"
}

# QUIT ends a recording like Ctrl-C: END record, counters, summary. USR1
# only writes what is buffered. (HUP goes on in the next file: t_rotation.)
t_unclean_signals() {
	trace=$work/sig-QUIT.gtrace
	start_recorder "$trace" || { t_fail "recorder start" "$(cat "$trace.err")"; return; }
	kill -USR1 "$rec_pid"; sleep 0.5
	"$GT" dump --json "$trace" > "$trace.mid.json" 2>/dev/null
	t_jq "USR1: counters on disk while recording goes on" "$trace.mid.json" \
		"any(.[]; .type==\"counters\") and all(.[]; .type!=\"end\")"
	kill -QUIT "$rec_pid"; wait "$rec_pid"; rc=$?; rec_pid=
	"$GT" dump --json "$trace" > "$trace.json"
	t_check "SIGQUIT: recorder exits 0 with its summary" \
		sh -c "[ $rc -eq 0 ] && grep -q ' events (' '$trace.err'"
	t_jq "SIGQUIT: end snapshot, counters and END record" "$trace.json" \
		"any(.[]; .type==\"end\") and any(.[]; .type==\"counters\") and any(.[]; .type==\"process\" and .phase==\"end\")"
}

# A full disk is said when it starts and when it ends, not only in the
# summary: the trace on a small tmpfs, filled up, then freed.
t_disk_full() {
	d=$work/full
	mkdir -p "$d"
	if ! mount -t tmpfs -o size=256k gt-full "$d" 2>/dev/null; then
		t_skip "disk full warnings" "cannot mount a tmpfs here"
		return
	fi
	trace=$d/t.gtrace
	start_recorder "$trace" || { t_fail "recorder start" "$(cat "$trace.err")"; umount "$d"; return; }
	# what is left of 256k, taken (the snapshot may have used some)
	dd if=/dev/zero of="$d/filler" bs=4k 2>/dev/null
	i=0
	until grep -q "records not written so far" "$trace.err" || [ $i -gt 50 ]; do
		for k in 1 2 3 4 5 6 7 8; do /bin/true; done
		sleep 0.1; i=$((i + 1))
	done
	rm -f "$d/filler"
	i=0
	until grep -q "writing again" "$trace.err" || [ $i -gt 50 ]; do
		/bin/true; sleep 0.1; i=$((i + 1))
	done
	# a roll to the next file (SIGHUP): what the first could not write
	# stays in the summary and in the report of both
	kill -HUP "$rec_pid"
	i=0
	until grep -q "file 2 of this recording" "$trace.err" || [ $i -gt 50 ]; do
		sleep 0.1; i=$((i + 1))
	done
	stop_recorder
	t_check "disk full: warned at the first failed write" \
		grep -q "disk full (No space left on device): [0-9]* records not written so far" "$trace.err"
	t_check "disk full: says when writing resumes" grep -q "writing again" "$trace.err"
	t_check "disk full: the trace still reads" sh -c "'$GT' dump '$trace' >/dev/null 2>&1"
	t_check "disk full: the summary after a roll still counts the first file's" \
		grep -q "records not written (in earlier files of this recording)" "$trace.err"
	"$GT" report -j "$d"/t*.gtrace > "$work/full.json" 2>/dev/null
	t_jq "disk full: the report of both files counts them" "$work/full.json" '.[0].lost_events > 0'
	umount "$d"
}

# A record that fails to start leaves no file behind.
t_failed_record_leaves_nothing() {
	out=$("$GT" record -q -b kprobe -o "$work/failed.gtrace" -d 1 2>&1); rc=$?
	if [ $rc -eq 0 ]; then
		t_skip "failed record leaves no file" "the kprobe backend works here"
		return
	fi
	t_check "failed record leaves no file" test ! -e "$work/failed.gtrace"
}

# Marks: root's and --mark-group's only, stamped on arrival, refusals
# counted; a squatted control socket name costs the marks, not the record.
t_marks_access() {
	trace=$work/marks.gtrace
	start_recorder "$trace" --mark-group nogroup || { t_fail "recorder start" "$(cat "$trace.err")"; return; }
	setpriv --reuid=65534 --regid=65534 --clear-groups "$GT" mark by-nobody >"$work/m1" 2>&1; rc1=$?
	setpriv --reuid=65533 --regid=65533 --clear-groups "$GT" mark by-stranger >"$work/m2" 2>&1; rc2=$?
	"$GT" mark by-root >"$work/m3" 2>&1; rc3=$?
	stop_recorder
	"$GT" dump --json "$trace" > "$trace.json"
	t_check "mark from --mark-group member is taken" test $rc1 -eq 0
	t_check "mark from another user is refused with the reason" \
		sh -c "[ $rc2 -eq 1 ] && grep -q 'uid 65533 is not root' '$work/m2'"
	t_check "mark from root is taken" test $rc3 -eq 0
	t_jq "marks in the file: root's and the group's, not the stranger's" "$trace.json" \
		"([.[] | select(.type==\"mark\") | .label] | sort) == [\"by-nobody\", \"by-root\"]"
	t_jq "the refusal is counted" "$trace.json" \
		"[.[] | select(.type==\"counters\")][-1].marks_refused == \"1\" or [.[] | select(.type==\"counters\")][-1].marks_refused == 1"
	t_check "summary counts the refusal" grep -q "marks refused: 1 not allowed" "$trace.err"
}

# Connections that never send a label (here: root's, which pass the uid
# check) time out after 1 s; while they fill every slot the recorder does
# not spin, and a mark gets through after them.
t_silent_mark_connections() {
	py=/usr/bin/python3
	if [ ! -x $py ]; then
		t_skip "silent mark connections" "no $py"
		return
	fi
	trace=$work/silent.gtrace
	start_recorder "$trace" || { t_fail "recorder start" "$(cat "$trace.err")"; return; }
	cpu0=$(awk '{print $14 + $15}' /proc/$rec_pid/stat)
	$py -c "
import socket, sys, time
socks = []
for i in range(12):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.setblocking(False)
    try:
        s.connect(b'\\0gputrace/record/$rec_pid')
    except BlockingIOError:
        pass
    socks.append(s)
time.sleep(1.5)
" 2>/dev/null
	cpu1=$(awk '{print $14 + $15}' /proc/$rec_pid/stat)
	"$GT" mark after-silence >"$work/m5" 2>&1; rc=$?
	stop_recorder
	"$GT" dump --json "$trace" > "$trace.json"
	t_check "silent connections: recorder used < 0.2 s of CPU in 1.5 s ($((cpu1 - cpu0)) ticks)" \
		test $((cpu1 - cpu0)) -lt $(( $(getconf CLK_TCK) / 5 ))
	t_check "silent connections: a mark gets through after them" test $rc -eq 0
	t_jq "silent connections: counted as malformed" "$trace.json" \
		"[.[] | select(.type==\"counters\")][-1].marks_malformed | tonumber >= 8"
}

# A listener that never answers (root's own, named gputrace, so it passes
# the checks) cannot hang `gputrace mark`: it gives up after its timeout.
t_mark_never_answered() {
	py=/usr/bin/python3
	[ -x $py ] || { t_skip "mark never answered" "no $py"; return; }
	$py -c "
import ctypes, os, socket, time
ctypes.CDLL(None).prctl(15, b'gputrace', 0, 0, 0)
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.bind(b'\\0gputrace/record/%d' % os.getpid())
s.listen(1)
print(os.getpid(), flush=True)
time.sleep(6)
" >"$work/mute.out" &
	i=0; until [ -s "$work/mute.out" ] || [ $i -gt 50 ]; do sleep 0.1; i=$((i + 1)); done
	start=$(date +%s)
	"$GT" mark to-nobody >"$work/m6" 2>&1; rc=$?
	took=$(( $(date +%s) - start ))
	kill "$(cat "$work/mute.out")" 2>/dev/null; wait
	t_check "mark to a listener that never answers: exit 1 within 4 s ($took s)" \
		sh -c "[ $rc -eq 1 ] && [ $took -le 4 ] && grep -q 'no answer within' '$work/m6'"
}

# The live view of a writer whose comm is an escape sequence: shown, not
# acted on (no ESC byte reaches the terminal).
t_live_view_escapes() {
	py=/usr/bin/python3
	if [ -z "$bdf" ] || [ ! -x $py ]; then
		t_skip "live view escapes" "no driverless PCI device or no $py"
		return
	fi
	trace=$work/live.gtrace
	"$GT" record -o "$trace" >"$work/live.out" 2>"$trace.err" &
	rec_pid=$!
	i=0; until grep -q ready "$trace.err" 2>/dev/null || [ $i -gt 100 ]; do sleep 0.1; i=$((i + 1)); done
	$py -c "
import ctypes
ctypes.CDLL(None).prctl(15, b'\x1b]0;pwn\x07\x1b[2J', 0, 0, 0)
open('/sys/bus/pci/devices/$bdf/driver_override', 'w').write('\n')
"
	sleep 0.5
	stop_recorder
	t_check "live view: the hostile comm is shown escaped" grep -q '\\x1b\]0;pwn\\x07' "$work/live.out"
	t_check "live view: no ESC or BEL byte on the terminal" sh -c "! grep -q \"\$(printf '\\033')\" '$work/live.out' && ! grep -q \"\$(printf '\\007')\" '$work/live.out'"
}

t_squatted_control_socket() {
	py=/usr/bin/python3
	if [ ! -x $py ]; then
		t_skip "squatted control socket" "no $py to squat with"
		return
	fi
	trace=$work/squat.gtrace
	cat > "$work/squat.py" <<'P'
import os, socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.bind(b"\0gputrace/record/" + sys.argv[1].encode())
s.listen(1)
print("bound", os.getpid(), flush=True)
time.sleep(float(sys.argv[2]))
P
	chmod 644 "$work/squat.py"; chmod 755 "$work"
	# the squatter takes the name of the pid the recorder will have
	# (exec keeps the shell's pid)
	sh -c "setpriv --reuid=65534 --regid=65534 --clear-groups $py '$work/squat.py' \$\$ 5 >'$work/squat.out' &
		i=0; until grep -q bound '$work/squat.out' 2>/dev/null || [ \$i -gt 100 ]; do sleep 0.05; i=\$((i+1)); done
		exec '$GT' record -q -o '$trace' -d 2" 2>"$trace.err" &
	squat_rec=$!
	i=0; until grep -q ready "$trace.err" 2>/dev/null || [ $i -gt 100 ]; do sleep 0.1; i=$((i+1)); done
	start=$(date +%s)
	"$GT" mark to-the-squatter >"$work/m4" 2>&1; rc=$?
	took=$(( $(date +%s) - start ))
	wait $squat_rec; rec_rc=$?
	t_check "squatted name: record still records, says so in one line" \
		sh -c "[ $rec_rc -eq 0 ] && [ \$(grep -c 'recording without marks' '$trace.err') -eq 1 ]"
	t_check "squatted name: mark refuses the squatter at once" \
		sh -c "[ $rc -eq 1 ] && [ $took -le 1 ] && grep -q 'not a recorder' '$work/m4'"
	t_check "squatted name: the trace says marks were off" \
		sh -c "'$GT' dump '$trace' | grep -q 'marks=off'"
	squat_pid=$(sed -n 's/^bound //p' "$work/squat.out")
	kill "$squat_pid" 2>/dev/null
	while kill -0 "$squat_pid" 2>/dev/null; do sleep 0.05; done
}

# Another user binds hundreds of @gputrace/record/* names, then floods the
# recorder with connections: root's marks and the group's still reach it,
# each within its 2 s. A flood from a group member (as many marks as it
# may send, the rest refused over the rate) costs root nothing either.
# In a network namespace of its own (abstract names
# are per namespace), so the squatters and the flood touch no other
# recorder of this host, and no other recorder's marks land here.
t_mark_crowded() {
	py=/usr/bin/python3
	[ -x $py ] || { t_skip "marks among squatters and a flood" "no $py"; return; }
	unshare -n true 2>/dev/null || { t_skip "marks among squatters and a flood" "no unshare -n"; return; }
	trace=$work/crowded.gtrace
	cat > "$work/crowd.py" <<'P'
import os, socket, sys, time
if sys.argv[1] == "squat":
    # names of pids that cannot exist, and of the next pids (a mark's own)
    n = int(sys.argv[2])
    nxt = int(open("/proc/sys/kernel/ns_last_pid").read())
    socks = []
    for pid in [1000000000 + i for i in range(n)] + list(range(nxt + 1, nxt + 1 + n)):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            s.bind(b"\0gputrace/record/%d" % pid)
            s.listen(1)
            socks.append(s)
        except OSError:
            s.close()
    print("bound", len(socks), flush=True)
    time.sleep(30)
else:
    # connect to the recorder and hang up, as fast as we can, until
    # killed (30 s at most, should the test die)
    name = b"\0gputrace/record/" + sys.argv[2].encode()
    end = time.time() + 30
    print("flooding", flush=True)
    while time.time() < end:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        s.setblocking(False)
        try:
            s.connect(name)
        except OSError:
            pass
        s.close()
P
	cat > "$work/crowd.sh" <<'S'
GT=$1 w=$2 py=$3
# setpriv execs: $! is the python's own pid, to kill
nobody="setpriv --reuid=65534 --regid=65534 --clear-groups"	# in the group
stranger="setpriv --reuid=65533 --regid=65533 --clear-groups"
waitfor() { i=0; until grep -q "$1" "$2" 2>/dev/null || [ $i -gt 100 ]; do sleep 0.1; i=$((i + 1)); done; }
# marks PREFIX N [as]: N marks; how many were stamped, the slowest in ms
marks() {
	p=$1 n=$2; shift 2; ok=0 slow=0
	for i in $(seq "$n"); do
		t0=$(date +%s%N)
		"$@" "$GT" mark "$p-$i" >>"$w/crowd.marks" 2>&1 && ok=$((ok + 1))
		t=$(( ($(date +%s%N) - t0) / 1000000 )); [ $t -gt $slow ] && slow=$t
	done
	echo "$p=$ok ${p}_ms=$slow"
}
"$GT" record -q --mark-group nogroup -o "$w/crowded.gtrace" 2>"$w/crowded.gtrace.err" &
rec=$!
waitfor ready "$w/crowded.gtrace.err"
$nobody $py "$w/crowd.py" squat 200 >"$w/crowd-squat.out" &
squat=$!
waitfor bound "$w/crowd-squat.out"
sed -n 's/^bound /bound=/p' "$w/crowd-squat.out"
marks squat-root 10
marks squat-group 3 $nobody
kill $squat; wait $squat	# each part on its own
# flood WHO: two flooders as WHO until the next flood
flood() {
	[ -n "${f1:-}" ] && { kill $f1 $f2; wait $f1 $f2; }
	$2 $py "$w/crowd.py" flood $rec >"$w/$1.1" & f1=$!
	$2 $py "$w/crowd.py" flood $rec >"$w/$1.2" & f2=$!
	waitfor flooding "$w/$1.1"; waitfor flooding "$w/$1.2"; sleep 0.5
}
flood stranger "$stranger"
marks flood-root 20
marks flood-group 3 $nobody
flood member "$nobody"
marks member-flood-root 10
kill $f1 $f2; wait $f1 $f2
kill -INT $rec; wait $rec
echo "record=$?"
S
	chmod 755 "$work"; chmod 644 "$work/crowd.py"
	unshare -n sh "$work/crowd.sh" "$GT" "$work" $py >"$work/crowd.result" 2>&1
	r() { tr ' ' '\n' < "$work/crowd.result" | sed -n "s/^$1=//p"; }
	"$GT" dump --json "$trace" > "$trace.json"
	t_check "crowded: $(r bound) names squatted, recording ends clean" \
		test "$(r bound)" -ge 200 -a "$(r record)" = 0
	t_check "crowded: root's 10 marks among the squatters ($(r squat-root_ms) ms at most)" \
		test "$(r squat-root)" = 10 -a "$(r squat-root_ms)" -lt 2000
	t_check "crowded: the group's 3 marks among the squatters" test "$(r squat-group)" = 3
	t_check "crowded: root's 20 marks through a connection flood ($(r flood-root_ms) ms at most)" \
		test "$(r flood-root)" = 20 -a "$(r flood-root_ms)" -lt 2500
	t_check "crowded: the group's 3 marks through the flood" test "$(r flood-group)" = 3
	t_check "crowded: root's 10 marks through a group member's flood ($(r member-flood-root_ms) ms at most)" \
		test "$(r member-flood-root)" = 10 -a "$(r member-flood-root_ms)" -lt 2500
	t_jq "crowded: every mark of ours in the trace; the floods refused, counted by reason" "$trace.json" \
		"([.[] | select(.type==\"mark\" and (.label | test(\"^(squat|flood|member-flood)-(root|group)-\")))] | length) == 46 and
		 ([.[] | select(.type==\"counters\")][-1] | (.marks_refused | tonumber) > 100 and
		  (.marks_rate_limited | tonumber) > 100)"
}

t_mark_without_recorder() {
	out=$("$GT" mark nobody-listens 2>&1); rc=$?
	t_check "mark with no recording: exit 1, one line" test $rc -eq 1 -a "$(echo "$out" | wc -l)" -eq 1
}

# --- bundle round trip: record under a known hostname (own UTS namespace),
# bundle it plain and with --redact, extract, check every part and that the
# hostname is gone from every file and from the redacted trace's records.
# make install into a staging root: binary, docs, completion, the unit
# (checked by systemd-analyze where it exists), and uninstall removes them.
t_install() {
	dest=$work/inst
	if ! make -s -C "$here/../.." install DESTDIR="$dest" PREFIX=/usr >"$work/install.log" 2>&1; then
		t_fail "make install" "$(tail -n 1 "$work/install.log")"
		return
	fi
	t_check "make install: binary, unit, completion, docs" test -x "$dest/usr/sbin/gputrace" -a \
		-f "$dest/usr/lib/systemd/system/gputrace-record.service" -a \
		-f "$dest/usr/share/bash-completion/completions/gputrace" -a -f "$dest/usr/share/doc/gputrace/design.md"
	t_check "the unit runs the installed binary" grep -q '^ExecStart=/usr/sbin/gputrace record' \
		"$dest/usr/lib/systemd/system/gputrace-record.service"
	if command -v systemd-analyze >/dev/null 2>&1; then
		# against this host's units, with the binary where it really is
		mkdir -p "$work/unit"
		sed "s|^ExecStart=/usr/sbin/gputrace|ExecStart=$GT|" "$dest/usr/lib/systemd/system/gputrace-record.service" \
			>"$work/unit/gputrace-record.service"
		t_check "systemd-analyze verify accepts the unit" systemd-analyze verify --man=no "$work/unit/gputrace-record.service"
	fi
	t_check "bash completion parses" bash -n "$dest/usr/share/bash-completion/completions/gputrace"
	make -s -C "$here/../.." uninstall DESTDIR="$dest" PREFIX=/usr >/dev/null 2>&1
	t_check "make uninstall leaves no file" test -z "$(find "$dest" -type f)"
}

t_bundle() {
	secret="gtsecret$$"
	b="$work/bundle"
	mkdir -p "$b/plain" "$b/red"
	if ! unshare -u sh -c "hostname $secret && cd '$b' &&
		'$GT' record -q -o '$b/t.gtrace' -d 2 &&
		'$GT' bundle -o '$b/p.tar.gz' '$b/t.gtrace' &&
		'$GT' bundle --redact -o '$b/r.tar.gz' '$b/t.gtrace'" >"$b/log" 2>&1; then
		t_fail "bundle round trip" "$(tail -n 3 "$b/log")"
		return
	fi
	t_check "bundle archive is mode 0600" test "$(stat -c %a "$b/r.tar.gz")" = 600
	tar -xzf "$b/p.tar.gz" -C "$b/plain" && tar -xzf "$b/r.tar.gz" -C "$b/red"
	missing=
	for d in "$b"/plain/gputrace-bundle-* "$b"/red/gputrace-bundle-*; do
		for p in report.txt report.md report.json status.txt status.json \
			 check.txt check.json kernel.txt README.txt; do
			[ -s "$d/$p" ] || missing="$missing $d/$p"
		done
		ls "$d"/traces/*.gtrace >/dev/null 2>&1 || missing="$missing $d/traces"
	done
	t_check "bundle: every part present${missing:+ (missing:$missing)}" test -z "$missing"
	t_check "bundle: plain one keeps the hostname" grep -rq "$secret" "$b/plain"
	red=$(echo "$b"/red/gputrace-bundle-*)
	t_check "bundle --redact: named host-1" sh -c "echo '$red' | grep -q /gputrace-bundle-host-1-"
	t_check "bundle --redact: hostname in no file" sh -c "! grep -rq '$secret' '$b/red'"
	t_check "bundle --redact: hostname in no trace record" \
		sh -c "'$GT' dump '$red'/traces/*.gtrace >'$b/dump' && ! grep -q '$secret' '$b/dump'"
	t_check "bundle: every JSON part parses" \
		sh -c "for j in '$red'/*.json; do jq -e . \"\$j\" >/dev/null || exit 1; done"
	t_check "bundle --redact: its README's account of redaction reads whole" \
		grep -q "the kernel's root and ip options) are ip-N," "$red/README.txt"
	# status, check and kernel.txt are this boot's: said when a trace is not
	t_check "bundle of this boot's trace: no word of another boot" \
		sh -c "! grep -q 'another boot' '$b'/plain/gputrace-bundle-*/README.txt"
	"$GT" bundle -o "$b/o.tar.gz" "$top/tests/fuzz/corpus/fuzz_trace/vm-story.gtrace" >/dev/null 2>&1
	mkdir -p "$b/other" && tar -xzf "$b/o.tar.gz" -C "$b/other"
	t_check "bundle of another boot's trace: README says status and check are not its" \
		grep -q 'some or all of the traces were recorded on another boot' "$b"/other/gputrace-bundle-*/README.txt
}

# A bundle that dies half way (here: the crafted libvirt trace that crashed
# the report) leaves neither an archive nor its temp dir; one that does
# not die leaves a whole archive and no temp dir either.
t_bundle_dies_clean() {
	bt=$work/btmp
	mkdir -p "$bt"
	TMPDIR=$bt "$GT" bundle --redact -o "$work/dies.tar.gz" \
		"$top/tests/fuzz/corpus/fuzz_trace/libvirt-no-domain.gtrace" >/dev/null 2>&1; rc=$?
	t_check "bundle leaves no temp dir (exit $rc)" test -z "$(ls -A "$bt")"
	if [ $rc -ge 128 ]; then
		t_check "bundle killed by signal $((rc - 128)) leaves no archive" test ! -e "$work/dies.tar.gz"
	else
		t_check "bundle of the libvirt trace: a whole archive" tar -tzf "$work/dies.tar.gz"
	fi
}

t_core_btf
t_install
t_record_sysfs
t_record_kmsg
t_record_journal
t_record_process
t_sigkill
t_unclean_signals
t_disk_full
t_failed_record_leaves_nothing
t_marks_access
t_squatted_control_socket
t_mark_never_answered
t_mark_crowded
t_live_view_escapes
t_silent_mark_connections
t_mark_without_recorder
t_cli_mark_ack
t_bundle
t_bundle_dies_clean
. "$here/service.sh"
t_rotation
t_max_size_keep
t_jsonl_stream
t_journal_send
t_status_recorders
t_summary
