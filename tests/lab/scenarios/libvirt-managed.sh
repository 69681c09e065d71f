# libvirt with managed='yes' hostdevs and a hook that has nothing to do with
# the GPU (it only logs, as hooks for CPU pinning or hugepages do): libvirtd
# binds both functions to vfio-pci (driver_override, unbind, drivers_probe),
# runs QEMU with current libvirt's JSON -device syntax, and after the guest
# shuts down reattaches them itself (driver_override "\n", unbind,
# drivers_probe) between the 'stopped' and 'release' hooks. A clean run:
# libvirt's own reattach is the return (libvirt src/hypervisor/virhostdev.c,
# virPCIDeviceUnbindFromStub).
#
# lab-expect: final 0000:00:05.0=bochs-drm 0000:00:05.1=snd_hda_intel 0000:00:05.0.override=none
# lab-verdict: clean
. /lab/guest-lib.sh

cat >/etc/libvirt/hooks/qemu <<'HOOK'
#!/bin/sh
. /lab/guest-lib.sh
lab_action "exec /etc/libvirt/hooks/qemu $*"
cat >/dev/null
echo "$(date) $*" >>/tmp/libvirt-hook.log
exit 0
HOOK
/usr/sbin/libvirtd --timeout 120
lab_step libvirt-done
