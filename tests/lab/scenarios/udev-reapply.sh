# driverctl once saved an override 00:05.0 -> vfio-pci
# (/etc/driverctl.d/pci-0000:00:05.0); the device is on bochs-drm now. An
# admin re-adds the device (pci-reprobe --rescan: remove + rescan); it comes
# back on bochs-drm, then systemd-udevd's worker runs driverctl's rule:
# `driverctl --nosave load-override` (driver_override=vfio-pci, unbind,
# drivers_probe) moves it to vfio-pci. No VM, no dynamic id involved.
#
# lab-expect: udevd-running 0000:00:05.0=bochs-drm
# lab-expect: udev-done 0000:00:05.0=vfio-pci 0000:00:05.0.override=vfio-pci
# lab-expect: final 0000:00:05.0=vfio-pci 0000:00:05.1=snd_hda_intel
# lab-verdict: stub_without_vm WARN 0000:00:05.0 culprit=driverctl mechanism=driver_override
. /lab/guest-lib.sh

mkdir -p /etc/driverctl.d
echo vfio-pci >/etc/driverctl.d/pci-0000:00:05.0
/lib/systemd/systemd-udevd --daemon &
udevd=$!
sleep 0.3
lab_step udevd-running
/usr/local/sbin/pci-reprobe --rescan 0000:00:05.0
# Wait for the worker's driverctl to move the device (at most 20 s).
n=0
while [ "$(lab_driver 0000:00:05.0)" != vfio-pci ] && [ $n -lt 200 ]; do sleep 0.1; n=$((n + 1)); done
sleep 0.3
touch /run/lab/udevd.stop
wait $udevd
lab_step udev-done
