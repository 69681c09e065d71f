# Like stale-dynid, but the unrelated tool removes 00:05.0 and rescans the
# bus: the re-added device goes straight to vfio-pci on the stale dynamic id.
#
# lab-expect: cleanup-done 0000:00:05.0=bochs-drm 0000:00:05.1=snd_hda_intel
# lab-expect: rescan-done 0000:00:05.0=vfio-pci 0000:00:05.0.override=none
# lab-expect: final 0000:00:05.0=vfio-pci 0000:00:05.1=snd_hda_intel
# lab-verdict: rebind_after_return HIGH 0000:00:05.0 culprit=pci-reprobe from_hook=false mechanism=stale_dynamic_id
. /lab/guest-lib.sh

proxmox_vm_cycle 111
sleep 0.5
/usr/local/sbin/pci-reprobe --rescan 0000:00:05.0
lab_step rescan-done
