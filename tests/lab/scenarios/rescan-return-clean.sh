# The Proxmox cycle with a hookscript that returns the functions through the
# bus: it removes vfio-pci's dynamic ids (remove_id), removes both
# functions and rescans. They come back on their host drivers: clean.
#
# lab-expect: final 0000:00:05.0=bochs-drm 0000:00:05.1=snd_hda_intel
# lab-verdict: clean
. /lab/guest-lib.sh

export GPU_HOOK_MODE=rescan
proxmox_vm_cycle 111
