# The Proxmox cycle for a VM without a hookscript: after the guest shuts
# down and `qm cleanup` ran, both functions stay on vfio-pci.
#
# lab-expect: vm-running 0000:00:05.0=vfio-pci 0000:00:05.1=vfio-pci
# lab-expect: final 0000:00:05.0=vfio-pci 0000:00:05.1=vfio-pci
# lab-verdict: no_hook HIGH - vm=111
. /lab/guest-lib.sh

sed -i '/^hookscript:/d' /etc/pve/qemu-server/111.conf
proxmox_vm_cycle 111
