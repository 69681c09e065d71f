# Proxmox VE, everything as intended: `qm start 111` binds both functions of
# 00:05 to vfio-pci (new_id, unbind, bind), kvm runs briefly and the guest
# shuts itself down, qmeventd runs `qm cleanup 111`, whose post-stop
# hookscript returns 00:05.0 to bochs-drm and 00:05.1 to snd_hda_intel.
# Nothing else happens.
#
# lab-expect: vm-running 0000:00:05.0=vfio-pci 0000:00:05.1=vfio-pci
# lab-expect: cleanup-done 0000:00:05.0=bochs-drm 0000:00:05.1=snd_hda_intel
# lab-expect: final 0000:00:05.0=bochs-drm 0000:00:05.1=snd_hda_intel
# lab-verdict: clean
. /lab/guest-lib.sh

proxmox_vm_cycle 111
