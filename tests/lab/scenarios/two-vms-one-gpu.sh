# One GPU, two Proxmox VMs in turn: VM 111 runs and stops, its post-stop
# hookscript returns both functions; then VM 112, configured with the same
# hostpci0, starts (qm binds them to vfio-pci again) and stops, and its
# hook returns them. Handing the GPU to the next VM is no rebind.
#
# lab-expect: final 0000:00:05.0=bochs-drm 0000:00:05.1=snd_hda_intel
# lab-verdict: clean
. /lab/guest-lib.sh

sed 's/^name: .*/name: vm112/' /etc/pve/qemu-server/111.conf >/etc/pve/qemu-server/112.conf
proxmox_vm_cycle 111
proxmox_vm_cycle 112
