# A host driver whose probe fails: snd_hda_intel loaded with enable=0,0,... (as
# `options snd-hda-intel enable=0,0,...` in modprobe.d would do at boot: one
# entry per card it probes) refuses
# every device with -ENOENT (the load's own failed probe is seen only by
# the backends with driver-core hooks). It is reloaded so before the run, so the
# audio function starts without a driver; the Proxmox cycle then passes
# both functions through, and the post-stop hook's bind of 00:05.1 to
# snd_hda_intel fails in the probe (the write gets ENOENT). The GPU comes
# back; the audio function is left without a driver.
#
# lab-expect: final 0000:00:05.0=bochs-drm 0000:00:05.1=none
# lab-verdict: probe_failed WARN 0000:00:05.1 only=fentry,kprobe
# lab-verdict: return_failed HIGH 0000:00:05.1 culprit=gpu-reattach-ho
. /lab/guest-lib.sh

lab_write /sys/bus/pci/drivers/snd_hda_intel/unbind 0000:00:05.1
rmmod snd_hda_intel
insmod /lab/modules/snd-hda-intel.ko enable=0,0,0,0,0,0,0,0 || exit 1
lab_step reloaded
proxmox_vm_cycle 111
