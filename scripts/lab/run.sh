#!/bin/sh
# Runs one lab scenario in a QEMU guest (TCG) on a Debian kernel, with
# `gputrace record` inside, and leaves the results in DIR:
#   trace.gtrace   the recording (when the recorder ran)
#   console.log    the guest's serial console (kernel, init, scenario)
#   expect.txt     ground truth: drivers and overrides after each step
#   actions.txt    ground truth: every stand-in tool's start and sysfs write
#   scenario.log, record.log, status.txt, run.txt
#
#   scripts/lab/run.sh --scenario NAME --kernel 5.10|6.1|6.12
#                      --backend fentry|kprobe|tracepoint [--out DIR]
#                      [--timeout SECS] [--boot pvh|bzimage] [--keep]
# DIR defaults to build/lab/KERNEL-BACKEND-NAME. Exit status: 0 the guest ran
# the scenario to the end and every file came back intact; 1 it did not;
# 2 usage; 77 this machine cannot run the lab (no QEMU, no network for the
# first download, no build/gputrace). See docs/lab.md.
set -eu
. "$(dirname "$0")/lib.sh"

usage() {
	sed -n '12,15p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

scenario='' kernel='' backend='' out='' timeout=${GPUTRACE_LAB_TIMEOUT:-240}
boot=${GPUTRACE_LAB_BOOT:-pvh} keep=0
while [ $# -gt 0 ]; do
	case "$1" in
	--scenario) scenario=${2:-}; shift ;;
	--kernel) kernel=${2:-}; shift ;;
	--backend) backend=${2:-}; shift ;;
	--out) out=${2:-}; shift ;;
	--timeout) timeout=${2:-}; shift ;;
	--boot) boot=${2:-}; shift ;;
	--keep) keep=1 ;;
	-h|--help) usage ;;
	*) echo "lab: unknown option '$1'" >&2; usage ;;
	esac
	shift
done
scenario=${scenario:-baseline} kernel=${kernel:-6.12} backend=${backend:-fentry}
case "$kernel" in 5.10|6.1|6.12) ;; *) echo "lab: --kernel must be 5.10, 6.1 or 6.12" >&2; exit 2 ;; esac
case "$backend" in fentry|kprobe|tracepoint|auto) ;; *) echo "lab: --backend must be fentry, kprobe or tracepoint" >&2; exit 2 ;; esac
case "$boot" in pvh|bzimage) ;; *) echo "lab: --boot must be pvh or bzimage" >&2; exit 2 ;; esac
# A NAME with a slash is a path: scenarios that are not lab tests (bench).
case "$scenario" in
*/*) scenario_file=$scenario; scenario=$(basename "$scenario" .sh) ;;
*) scenario_file=$LAB_ROOT/tests/lab/scenarios/$scenario.sh ;;
esac
[ -f "$scenario_file" ] || {
	echo "lab: no scenario '$scenario' (have: $(cd "$LAB_ROOT/tests/lab/scenarios" && ls *.sh | sed 's/\.sh$//' | tr '\n' ' '))" >&2
	exit 2
}
out=${out:-$LAB_ROOT/build/lab/$kernel-$backend-$scenario}

QEMU=${QEMU:-qemu-system-x86_64}
command -v "$QEMU" >/dev/null 2>&1 ||
	lab_unavailable "$QEMU not found: install qemu-system-x86 (scripts/deps.sh)"
gputrace=${GPUTRACE:-$LAB_ROOT/build/gputrace}
[ -x "$gputrace" ] || lab_unavailable "$gputrace missing: run 'make' first"
for tool in cpio dpkg-deb depmod modprobe xz zstd base64 sha256sum ldd flock; do
	command -v $tool >/dev/null 2>&1 || lab_unavailable "$tool not found: run scripts/deps.sh"
done

t0=$(date +%s.%N)
kdir=$("$LAB_DIR/fetch.sh" kernel "$kernel") || exit $?
busybox=$("$LAB_DIR/fetch.sh" busybox) || exit $?
t_fetch=$(date +%s.%N)

work=$(mktemp -d "${TMPDIR:-/tmp}/gputrace-lab.XXXXXX")
cleanup() { [ $keep = 1 ] && lab_say "kept $work" || rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 1' INT TERM

# The guest's root: busybox and its applets, the init, the modules, gputrace
# with the libraries ldd names, the stand-in tools, the scenario.
root=$work/root
mkdir -p "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/sbin" "$root/lab" \
	"$root/proc" "$root/sys" "$root/dev" "$root/run" "$root/tmp" "$root/var" "$root/root" "$root/etc"
cp "$busybox" "$root/bin/busybox"
for applet in $("$busybox" --list-full); do
	[ -e "$root/$applet" ] || ln -s /bin/busybox "$root/$applet"
done
ln -s /run "$root/var/run"
echo "root:x:0:0:root:/root:/bin/sh" >"$root/etc/passwd"
echo "root:x:0:" >"$root/etc/group"
echo lab >"$root/etc/hostname"
cp "$LAB_DIR/init" "$root/init"
chmod 0755 "$root/init"
cp -r "$kdir/modules" "$root/lab/modules"
cp "$kdir/modules.load" "$root/lab/modules.load"
cp "$LAB_ROOT/tests/lab/guest-lib.sh" "$root/lab/guest-lib.sh"
cp "$scenario_file" "$root/lab/scenario.sh"
# gputrace, and any GPUTRACE_LAB_EXTRA programs, with their libraries.
for prog in "$gputrace" ${GPUTRACE_LAB_EXTRA:-}; do
	cp "$prog" "$root/usr/sbin/$(basename "$prog")"
	ldd "$prog" | awk '/=>/ {print $3} /^\t\/[^ ]+ \(/ {print $1}' | while read -r lib; do
		[ -f "$lib" ] || continue
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
done
mv "$root/usr/sbin/$(basename "$gputrace")" "$root/usr/sbin/gputrace" 2>/dev/null || true
# Stand-in tools (qm, kvm, driverctl, ...) at the paths the real ones use.
(cd "$LAB_ROOT/tests/lab/rootfs" && find . -type f -o -type l) | while read -r f; do
	mkdir -p "$root/$(dirname "$f")"
	rm -f "$root/$f"
	cp -P "$LAB_ROOT/tests/lab/rootfs/$f" "$root/$f"
done
cat >"$root/lab/config" <<EOF
LAB_SCENARIO=$scenario
LAB_BACKEND=$backend
LAB_KERNEL=$kernel
LAB_RECORD_TIMEOUT=${GPUTRACE_LAB_RECORD_TIMEOUT:-120}
LAB_NO_RECORD=$(grep -q '^# lab-record: no' "$scenario_file" && echo 1 || echo 0)
LAB_RECORD_ARGS='$(sed -n 's/^# lab-record-args: *//p' "$scenario_file" | head -n 1 | tr -cd 'a-z0-9 =-')'
EOF
(cd "$root" && find . | cpio -o -H newc --quiet) >"$work/initramfs.cpio"

case "$boot" in
pvh)
	if [ -f "$kdir/vmlinux" ]; then kimage=$kdir/vmlinux; else kimage=$kdir/vmlinuz boot=bzimage; fi ;;
bzimage) kimage=$kdir/vmlinuz ;;
esac

mkdir -p "$out"
rm -f "$out/console.log" "$out/trace.gtrace" "$out/expect.txt" "$out/actions.txt" \
	"$out/scenario.log" "$out/record.log" "$out/status.txt" "$out/run.txt"
lab_say "$scenario on $(cat "$kdir/kver") ($boot), backend $backend -> $out"

# No -enable-kvm: this machine's KVM is nested and stock kernels hang there.
# no_timer_check: under TCG on a loaded host the kernel's early check that
# the IO-APIC timer ticks can time out ("timer doesn't work through
# Interrupt-remapped IO-APIC") and panic the boot; the timer does work.
# -nodefaults: q35 would add its own VGA (another 1234:1111 for new_id).
# ttyS0 is the console; ttyS1 carries only the result files.
# "# lab-devices: gpu2": a second display adapter at 00:06.0 (its own
# IOMMU group), for scenarios with two GPUs.
extra_devices=
grep -q '^# lab-devices: .*gpu2' "$scenario_file" && extra_devices="-device VGA,bus=pcie.0,addr=0x6.0"
# "# lab-devices: gpu-port": a display adapter alone behind a PCIe root
# port, at 01:00.0: the one lab device with a reset method (a secondary
# bus reset by its port), for the reset scenarios.
grep -q '^# lab-devices: .*gpu-port' "$scenario_file" &&
	extra_devices="$extra_devices -device pcie-root-port,id=rp7,bus=pcie.0,addr=0x7.0,chassis=7 -device VGA,bus=rp7,addr=0x0"
t_boot=$(date +%s.%N)
set +e
timeout "$timeout" "$QEMU" -nodefaults -machine q35 -accel tcg -cpu max -smp "${GPUTRACE_LAB_SMP:-1}" -m 512 \
	-device intel-iommu \
	-device VGA,bus=pcie.0,addr=0x5.0,multifunction=on \
	-device intel-hda,bus=pcie.0,addr=0x5.1 \
	$extra_devices \
	-display none -no-reboot \
	-kernel "$kimage" -initrd "$work/initramfs.cpio" \
	-append "console=ttyS0 intel_iommu=on panic=-1 loglevel=4 no_timer_check ${GPUTRACE_LAB_CMDLINE:-}" \
	-serial "file:$out/console.log" -serial "file:$work/transfer.txt" \
	</dev/null >"$work/qemu.log" 2>&1
qemu_rc=$?
set -e
t_end=$(date +%s.%N)
if [ $qemu_rc = 124 ]; then
	lab_say "the guest did not finish within ${timeout}s (see $out/console.log)"
elif [ $qemu_rc != 0 ]; then
	lab_say "qemu exited with $qemu_rc:"
	cat "$work/qemu.log" >&2
fi

# Result files: "=== lab-file NAME SIZE SHA256 ===", base64, "=== lab-end NAME ===".
ok=1
touch "$work/transfer.txt"
tr -d '\r' <"$work/transfer.txt" >"$work/transfer.clean"
grep '^=== lab-file ' "$work/transfer.clean" | while read -r _ _ name size sum _; do
	case "$name" in */*|.*|"") continue ;; esac
	awk -v n="$name" '$0 == "=== lab-end " n " ===" { on = 0 }
		on { print }
		index($0, "=== lab-file " n " ") == 1 { on = 1 }' "$work/transfer.clean" |
		base64 -d >"$out/$name" 2>/dev/null || true
	got_size=$(wc -c <"$out/$name")
	got_sum=$(sha256sum "$out/$name" | cut -d' ' -f1)
	if [ "$got_size" != "$size" ] || [ "$got_sum" != "$sum" ]; then
		lab_say "$name came back damaged (size $got_size/$size, sha256 $got_sum/$sum)"
		echo "$name" >>"$work/damaged"
	fi
done
[ ! -s "$work/damaged" ] || ok=0
grep -q '^=== lab-done ===$' "$work/transfer.clean" || { lab_say "the guest did not send its end marker"; ok=0; }
[ -f "$out/status.txt" ] && grep -q '^scenario_rc=0 ' "$out/status.txt" || { lab_say "the scenario did not complete with status 0"; ok=0; }

dur() { echo "$1 $2" | awk '{printf "%.1f", $2 - $1}'; }
{
	echo "scenario=$scenario"
	echo "kernel=$(cat "$kdir/kver")"
	echo "backend=$backend"
	echo "boot=$boot"
	echo "qemu_rc=$qemu_rc"
	echo "fetch_s=$(dur "$t0" "$t_fetch")"
	echo "guest_s=$(dur "$t_boot" "$t_end")"
	echo "total_s=$(dur "$t0" "$t_end")"
	echo "ok=$ok"
} >"$out/run.txt"
[ -f "$out/status.txt" ] && sed 's/^/lab: guest: /' "$out/status.txt" >&2
lab_say "guest ran $(dur "$t_boot" "$t_end") s; results in $out"
[ $ok = 1 ]
