#!/bin/sh
# `make demo`: the one-command tour. Boots the guest lab (a Debian kernel in
# QEMU with an emulated GPU: display + audio function in one slot, real
# vfio-pci and bochs-drm) on the "hook-background-child" scenario: a
# Proxmox-style VM start binds the GPU to vfio-pci, the VM stops, the
# post-stop hook returns the GPU to the host driver and exits, and a
# subshell it left behind rebinds the GPU to vfio-pci a second later. gputrace records it all inside the guest; the trace comes back
# here and is shown. Without QEMU, falls back to a short recording on this
# machine (harmless writes on a PCI device that has no driver).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
GT=$top/build/gputrace
out=${DEMO_DIR:-$top/build/demo}
kernel=${DEMO_KERNEL:-6.12}
mkdir -p "$out"

lab_demo() {
	echo "== booting the lab: scenario hook-background-child, Debian $kernel kernel, fentry backend"
	"$top/scripts/lab/run.sh" --scenario hook-background-child --kernel "$kernel" --backend fentry \
		--out "$out/lab" || return $?
	trace=$out/lab/trace.gtrace
	echo
	echo "== what the scenario did (ground truth from the guest)"
	sed 's/^/   /' "$out/lab/scenario.log" | grep -v '^   *$' | tail -n 25
	echo
	echo "== what gputrace recorded: device events, with the process behind each"
	"$GT" dump "$trace" | grep -aE '^TIME| (sysfs_write|bind|unbind|probe_fail|dynid|mark) ' || true
	if "$GT" report --help >/dev/null 2>&1; then
		echo
		echo "== gputrace report --vm 111"
		"$GT" report --vm 111 "$trace" || true
		echo
		echo "== gputrace report --explain 0000:00:05.0: the GPU's custody, step by step"
		"$GT" report --explain 0000:00:05.0 "$trace" || true
	fi
	echo
	echo "Trace: $trace ('gputrace dump --json' shows every record)."
}

host_demo() {
	trace=$out/host.gtrace
	bdf=
	for d in /sys/bus/pci/devices/*; do
		[ -e "$d/driver" ] && continue
		[ "$(cat "$d/driver_override" 2>/dev/null)" = "(null)" ] || continue
		bdf=$(basename "$d"); break
	done
	echo "== gputrace record (3 s) on this machine"
	"$GT" record -f -o "$trace" -d 3 &
	rec=$!
	sleep 1
	"$GT" mark demo-start
	if [ -n "$bdf" ]; then
		echo "   (writing vfio-pci to $bdf's driver_override, clearing it, reprobing it)"
		printf vfio-pci > "/sys/bus/pci/devices/$bdf/driver_override"
		printf '\n' > "/sys/bus/pci/devices/$bdf/driver_override"
		echo "$bdf" > /sys/bus/pci/drivers_probe
	fi
	wait $rec
	echo
	"$GT" dump "$trace" | grep -aE '^TIME|sysfs_write|bind|mark|uevent|counters' || true
}

if [ "$(id -u)" != 0 ]; then
	echo "demo: needs root (BPF, and the lab's kernel downloads): run 'sudo make demo'" >&2
	exit 1
fi
rc=0
lab_demo || rc=$?
if [ $rc -eq 77 ]; then
	echo "demo: the lab cannot run here (see above); recording on this machine instead"
	host_demo
elif [ $rc -ne 0 ]; then
	exit $rc
fi
