# libvirt with managed='yes' hostdevs (no dynamic id involved) and a
# driverctl override saved long ago for 00:05.0. libvirt's reattach returns
# both functions. Then an admin removes and rescans 00:05.0 (pci-reprobe
# --rescan): the device comes back on bochs-drm, and udev's driverctl rule
# (05-driverctl.rules: ACTION=="add" -> driverctl load-override) moves it
# to vfio-pci. The chain: the rescan, the re-add, udev, driverctl, the
# override, the reprobe.
#
# lab-expect: libvirt-done 0000:00:05.0=bochs-drm 0000:00:05.1=snd_hda_intel
# lab-expect: final 0000:00:05.0=vfio-pci 0000:00:05.1=snd_hda_intel 0000:00:05.0.override=vfio-pci
# lab-verdict: rebind_after_return HIGH 0000:00:05.0 culprit=driverctl from_hook=false mechanism=driver_override returned_by=daemon
. /lab/guest-lib.sh

printf '#!/bin/sh\ncat >/dev/null; exit 0\n' >/etc/libvirt/hooks/qemu
mkdir -p /etc/driverctl.d
echo vfio-pci >/etc/driverctl.d/pci-0000:00:05.0
/usr/sbin/libvirtd --timeout 120
lab_step libvirt-done
/lib/systemd/systemd-udevd --daemon &
udevd=$!
sleep 0.3
/usr/local/sbin/pci-reprobe --rescan 0000:00:05.0
n=0
while [ "$(lab_driver 0000:00:05.0)" != vfio-pci ] && [ $n -lt 200 ]; do sleep 0.1; n=$((n + 1)); done
sleep 0.3
touch /run/lab/udevd.stop
wait $udevd
lab_step udev-done
