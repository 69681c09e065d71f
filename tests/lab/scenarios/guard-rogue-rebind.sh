# lab-record: no
# lab-backends: fentry
# `gputrace guard --vm 111` through the Proxmox cycle (tests/lab/checks/
# guard-rogue-rebind.sh judges it). With the bpf LSM (6.1, 6.12): after the
# hook returned 00:05.0 to bochs-drm, gpu-watchdog's driver_override and
# unbind are denied and the GPU stays on bochs-drm; the VM's next start
# still binds both functions to vfio-pci (its window); once the guard is
# SIGKILLed nothing is denied any more, and the driver_override it pinned
# stays. On 5.10 (bpf not in the LSM list) the guard refuses, naming lsm=.
. /lab/guest-lib.sh

if ! guard_start --vm 111 -o /tmp/trace.gtrace; then
	lab_step refused
	exit 0
fi
lab_step armed
proxmox_vm_cycle 111
sleep 0.5
/usr/local/sbin/gpu-watchdog 0000:00:05.0
lab_step rogue-done
/usr/sbin/qmeventd 111 &
qmeventd=$!
/usr/sbin/qm start 111
lab_step second-start
wait $qmeventd
sleep 0.5
lab_step second-return
guard_stop KILL
lab_step guard-killed
gputrace status
gputrace status -j
/usr/local/sbin/gpu-watchdog 0000:00:05.0
lab_step rogue-after-kill
