# The users' set-up without a hookscript: their vm-shutdown-monitor (a
# timer-started watcher, given to the report as --hook) sees VM 111 stop
# and returns both functions. A udev rule on the GPU's bind
# (61-gpu.rules, RUN+= a helper) then forces it back to vfio-pci a second
# later: the return was right, the rebind is the udev helper's.
#
# lab-expect: final 0000:00:05.0=vfio-pci 0000:00:05.1=snd_hda_intel
# lab-report-args: --hook 'vm-shutdown-monitor*'
# lab-verdict: rebind_after_return HIGH 0000:00:05.0 culprit=gpu-watchdog from_hook=false mechanism=driver_override returned_by=monitor
. /lab/guest-lib.sh

sed -i '/^hookscript:/d' /etc/pve/qemu-server/111.conf
UDEV_BIND_RUN=/usr/local/sbin/gpu-watchdog /lib/systemd/systemd-udevd --daemon &
udevd=$!
/usr/local/sbin/vm-shutdown-monitor 111 &
monitor=$!
sleep 0.3
proxmox_vm_cycle 111
wait $monitor
n=0
while [ "$(lab_driver 0000:00:05.0)" != vfio-pci ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
sleep 0.3
touch /run/lab/udevd.stop
wait $udevd
lab_step monitor-done
