# The Proxmox cycle with a hookscript that resets each function through
# sysfs (its reset attribute, where the device offers a reset method)
# before binding the host driver: the return still succeeds; clean.
#
# lab-expect: final 0000:00:05.0=bochs-drm 0000:00:05.1=snd_hda_intel
# lab-verdict: clean
. /lab/guest-lib.sh

export GPU_HOOK_MODE=reset
proxmox_vm_cycle 111
