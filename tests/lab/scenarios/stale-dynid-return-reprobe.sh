# `qm start` adds vfio-pci dynamic ids (new_id, never removed). The
# hookscript's return leaves the choice to the kernel: driver_override
# cleared, unbind, drivers_probe. vfio-pci, registered before the host
# drivers, wins on its dynamic id and both functions go straight back to
# vfio-pci: the return failed, blocked by qm's stale id.
#
# lab-expect: vm-running 0000:00:05.0=vfio-pci 0000:00:05.1=vfio-pci
# lab-expect: final 0000:00:05.0=vfio-pci 0000:00:05.1=vfio-pci
# lab-verdict: return_failed HIGH 0000:00:05.0 culprit=qm blocker=stale_dynamic_id mechanism=stale_dynamic_id
# lab-verdict: return_failed HIGH 0000:00:05.1 culprit=qm blocker=stale_dynamic_id mechanism=stale_dynamic_id
. /lab/guest-lib.sh

export GPU_HOOK_MODE=reprobe
proxmox_vm_cycle 111
