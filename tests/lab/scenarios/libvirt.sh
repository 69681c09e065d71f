# libvirt with managed='yes' hostdevs: libvirtd binds both functions to
# vfio-pci (driver_override, unbind, drivers_probe), runs
# qemu-system-x86_64 -name guest=win10; the guest shuts down; the hook
# `/etc/libvirt/hooks/qemu win10 stopped end -` binds the host drivers; then
# libvirtd's own reattach (driver_override "\n", unbind, drivers_probe)
# unbinds them again and the reprobe picks the host drivers once more.
#
# lab-expect: final 0000:00:05.0=bochs-drm 0000:00:05.1=snd_hda_intel 0000:00:05.0.override=none
# lab-verdict: clean
. /lab/guest-lib.sh

/usr/sbin/libvirtd --timeout 120
lab_step libvirt-done
