# VM 111 stops and is started again right after its post-stop hook returned
# the GPU (a reboot handled by qm cleanup, or an HA restart): the second
# `qm start` binds the functions to vfio-pci again (its new_id writes fail
# with EEXIST: the ids are still there), then the second stop returns them.
#
# lab-expect: final 0000:00:05.0=bochs-drm 0000:00:05.1=snd_hda_intel
# lab-verdict: clean
. /lab/guest-lib.sh

proxmox_vm_cycle 111
proxmox_vm_cycle 111
