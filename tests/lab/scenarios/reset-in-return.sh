# The Proxmox cycle of VM 112, whose GPU is alone behind a PCIe root port
# (01:00.0, the lab's one device with a reset method: a secondary bus reset
# by its port). The hookscript resets it through sysfs (the `reset`
# attribute) before binding the host driver. The reset works and the
# return succeeds: clean. With --pm-hooks the fentry backend also sees the
# kernel's pci_reset_function() and who called it.
#
# lab-devices: gpu-port
# lab-record-args: --pm-hooks
# lab-backends: fentry kprobe tracepoint
# lab-expect: final 0000:01:00.0=bochs-drm
# lab-verdict: clean
. /lab/guest-lib.sh

pve_port_vm 112
proxmox_vm_cycle 112
