# The baseline Proxmox cycle, then, half a second after the hook returned
# the GPU, another process (gpu-watchdog) forces 00:05.0 back to vfio-pci
# with driver_override + unbind + drivers_probe.
#
# lab-expect: cleanup-done 0000:00:05.0=bochs-drm 0000:00:05.1=snd_hda_intel
# lab-expect: rogue-done 0000:00:05.0=vfio-pci 0000:00:05.0.override=vfio-pci
# lab-expect: final 0000:00:05.0=vfio-pci 0000:00:05.1=snd_hda_intel
# lab-verdict: rebind_after_return HIGH 0000:00:05.0 culprit=gpu-watchdog from_hook=false mechanism=driver_override returned_by=hook
. /lab/guest-lib.sh

proxmox_vm_cycle 111
sleep 0.5
/usr/local/sbin/gpu-watchdog 0000:00:05.0
lab_step rogue-done
