#!/bin/sh
# `make demo`: a short tour of the recorder on this machine. It records a few
# seconds while a harmless writer sets and clears the driver_override of a PCI
# device that has no driver (nothing can bind: the override is cleared before
# the reprobe), marks a phase, then shows what gputrace saw.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
GT=$top/build/gputrace
out=${DEMO_DIR:-$top/build/demo}
mkdir -p "$out"
trace=$out/demo.gtrace

if [ "$(id -u)" != 0 ]; then
	echo "demo: recording needs root (BPF): run 'sudo make demo'" >&2
	exit 1
fi
bdf=
for d in /sys/bus/pci/devices/*; do
	[ -e "$d/driver" ] && continue
	[ "$(cat "$d/driver_override" 2>/dev/null)" = "(null)" ] || continue
	bdf=$(basename "$d"); break
done

echo "== gputrace features"
"$GT" features || true
echo
echo "== gputrace record (3 s)"
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
echo "== gputrace dump $trace (device events and marks)"
"$GT" dump "$trace" | grep -E '^TIME|sysfs_write|bind|probe_fail|dynid|mark|uevent|counters' || true
echo
echo "The trace is $trace; 'gputrace dump --json $trace' shows every record."
