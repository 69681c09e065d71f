# The Proxmox cycle with a hookscript that returns the functions through the
# bus: it removes vfio-pci's dynamic ids (remove_id), removes both
# functions and rescans. They come back on their host drivers: clean.
#
# lab-expect: final 0000:00:05.0=bochs-drm 0000:00:05.1=snd_hda_intel
# lab-verdict: clean
# Not on 5.10: removing a function just released by vfio-pci oopses its
# intel-iommu code in the guest (__dmar_remove_one_dev_info).
# lab-kernels: 6.1 6.12
. /lab/guest-lib.sh

export GPU_HOOK_MODE=rescan
proxmox_vm_cycle 111
