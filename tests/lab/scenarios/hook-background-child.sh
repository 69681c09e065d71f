# The Proxmox cycle with a hookscript that returns both functions and then
# leaves a "keeper" running in a background subshell, which a second later
# forces 00:05.0 back to vfio-pci (gpu-watchdog: driver_override, unbind,
# drivers_probe). By then the hook has exited and the subshell has been
# reparented to init: only the spawn chain at exec time says it is the
# hook's own doing.
#
# lab-expect: cleanup-done 0000:00:05.0=bochs-drm 0000:00:05.1=snd_hda_intel
# lab-expect: final 0000:00:05.0=vfio-pci 0000:00:05.1=snd_hda_intel
# lab-verdict: rebind_after_return HIGH 0000:00:05.0 culprit=gpu-watchdog from_hook=true mechanism=driver_override returned_by=hook
. /lab/guest-lib.sh

export GPU_HOOK_MODE=background
proxmox_vm_cycle 111
n=0
while [ "$(lab_driver 0000:00:05.0)" != vfio-pci ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
lab_step keeper-done
