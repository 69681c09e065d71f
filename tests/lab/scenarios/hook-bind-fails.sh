# The users' report, issue #001b: the admin detaches the GPU with `gpu ptd`
# (driver_override=vfio-pci, unbind, drivers_probe; the override is left
# set), then `qm start 111`. At post-stop the hookscript runs `gpu pta`,
# which unbinds and writes the BDF to the host driver's bind without
# clearing driver_override: the kernel refuses (ENODEV), gpu-pta logs
# "status=success" anyway and the hook exits 0. Both functions end on no
# driver: a black screen after a "successful" hook.
#
# lab-expect: vm-running 0000:00:05.0=vfio-pci 0000:00:05.1=vfio-pci
# lab-expect: final 0000:00:05.0=none 0000:00:05.1=none 0000:00:05.0.override=vfio-pci
# lab-verdict: return_failed HIGH 0000:00:05.0 culprit=gpu-ptd blocker=stale_driver_override mechanism=stale_driver_override
# lab-verdict: return_failed HIGH 0000:00:05.1 culprit=gpu-ptd blocker=stale_driver_override mechanism=stale_driver_override
. /lab/guest-lib.sh

export GPU_HOOK_MODE=pta
/usr/local/sbin/gpu-ptd
proxmox_vm_cycle 111
