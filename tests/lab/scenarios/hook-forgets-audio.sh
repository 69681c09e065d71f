# The Proxmox cycle with a hookscript that only returns 00:05.0 to
# bochs-drm: the audio function 00:05.1 stays on vfio-pci.
#
# lab-expect: vm-running 0000:00:05.0=vfio-pci 0000:00:05.1=vfio-pci
# lab-expect: final 0000:00:05.0=bochs-drm 0000:00:05.1=vfio-pci
# lab-verdict: left_on_stub WARN 0000:00:05.1 vm=111
. /lab/guest-lib.sh

export GPU_HOOK_FUNCTIONS=0
proxmox_vm_cycle 111
