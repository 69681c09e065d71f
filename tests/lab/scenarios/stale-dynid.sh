# The baseline Proxmox cycle leaves vfio-pci's dynamic id 1234:1111 from
# `qm start` (new_id is never removed). After the hook, an unrelated tool
# (pci-reprobe) unbinds 00:05.0 and writes it to drivers_probe without
# naming any driver: vfio-pci, registered before bochs-drm, wins on its
# dynamic id. Nobody writes "vfio-pci" anywhere after the start.
#
# lab-expect: cleanup-done 0000:00:05.0=bochs-drm 0000:00:05.1=snd_hda_intel
# lab-expect: reprobe-done 0000:00:05.0=vfio-pci 0000:00:05.0.override=none
# lab-expect: final 0000:00:05.0=vfio-pci 0000:00:05.1=snd_hda_intel
# lab-verdict: rebind_after_return HIGH 0000:00:05.0 culprit=pci-reprobe from_hook=false mechanism=stale_dynamic_id
. /lab/guest-lib.sh

proxmox_vm_cycle 111
sleep 0.5
/usr/local/sbin/pci-reprobe 0000:00:05.0
lab_step reprobe-done
