# VM 112's GPU (alone behind a PCIe root port, 01:00.0) is taken off
# vfio-pci at post-stop by a hook that never binds the host driver. Then
# the host's power tuning (what `powertop --auto-tune` or TLP's runtime PM
# do: power/control=auto on every PCI device; the scenario writes it)
# lets the driverless GPU runtime-suspend. The report names the function
# left without a driver and that it was powered down by the end.
#
# lab-devices: gpu-port
# lab-expect: final 0000:01:00.0=none
# lab-verdict: left_without_driver HIGH 0000:01:00.0 vm=112
. /lab/guest-lib.sh

export GPU_PORT_HOOK=unbind-only
pve_port_vm 112
proxmox_vm_cycle 112
echo auto >/sys/bus/pci/devices/0000:01:00.0/power/control
sleep 1
lab_step powered-down
