# The Proxmox cycle with a hookscript that fails at post-stop before doing
# anything (exit 1: a helper it sources is missing). Both functions stay
# on vfio-pci.
#
# lab-expect: final 0000:00:05.0=vfio-pci 0000:00:05.1=vfio-pci
# lab-verdict: hook_failed HIGH - vm=111
# lab-verdict: left_on_stub WARN 0000:00:05.0 vm=111
# lab-verdict: left_on_stub WARN 0000:00:05.1 vm=111
. /lab/guest-lib.sh

export GPU_HOOK_MODE=fail
proxmox_vm_cycle 111
