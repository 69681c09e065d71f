# lab-record: no
# lab-backends: fentry
# `gputrace guard --vm 111` against the lab's other rogue rebinders, once
# the hook returned the GPU (tests/lab/checks/guard-rogues.sh judges it):
#   - the hook's background keeper (GPU_HOOK_MODE=background), by then
#     reparented to init: gpu-watchdog's driver_override and unbind;
#   - a udev RUN helper on bind (UDEV_BIND_RUN, from a udev worker);
#   - driverctl set-override 0000:00:05.0 vfio-pci;
#   - pci-reprobe --rescan with vfio-pci's stale dynamic id: the remove;
#   - the start of another VM on the same GPU (qm start 112: new_id,
#     unbind, bind to vfio-pci), which is no start of VM 111.
# With the bpf LSM all are denied, named, and both functions stay on their
# host drivers; on 5.10 the guard refuses.
. /lab/guest-lib.sh

sed 's/^name: .*/name: vm112/' /etc/pve/qemu-server/111.conf >/etc/pve/qemu-server/112.conf
if ! guard_start --vm 111 -o /tmp/trace.gtrace; then
	lab_step refused
	exit 0
fi
lab_step armed
export GPU_HOOK_MODE=background
UDEV_BIND_RUN=/usr/local/sbin/gpu-watchdog /lib/systemd/systemd-udevd --daemon &
udevd=$!
proxmox_vm_cycle 111
# The keeper and the udev helper act a second after the hook's bind.
sleep 2.5
touch /run/lab/udevd.stop
wait $udevd
lab_step keeper-and-udev
/usr/sbin/driverctl set-override 0000:00:05.0 vfio-pci
lab_step driverctl
/usr/local/sbin/pci-reprobe --rescan 0000:00:05.0
lab_step rescan
/usr/sbin/qm start 112
echo "qm start 112 exited $?"
lab_step other-vm
guard_stop TERM
lab_step guard-stopped
