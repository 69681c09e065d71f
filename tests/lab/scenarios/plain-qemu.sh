# Plain QEMU, no management daemon: a guide's start script (run-vm)
# detaches both functions (driver_override, unbind, drivers_probe), runs
# qemu-system-x86_64 -name win10-plain -device vfio-pci,host=00:05.0 ...,
# and after QEMU exits returns them the same way with the override
# cleared. Clean.
#
# lab-expect: final 0000:00:05.0=bochs-drm 0000:00:05.1=snd_hda_intel 0000:00:05.0.override=none
# lab-verdict: clean
. /lab/guest-lib.sh

/usr/local/sbin/run-vm
