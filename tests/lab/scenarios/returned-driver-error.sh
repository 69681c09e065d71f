# The users' "hook reports success, GPU bound to nouveau, display black":
# the baseline Proxmox cycle returns both functions, then the host driver
# reports that it gave up on the GPU. A line written to /dev/kmsg stands in
# for the driver's own message (bochs-drm has no such failure to provoke
# under emulation); the kernel log is read the same way either way.
#
# lab-expect: cleanup-done 0000:00:05.0=bochs-drm 0000:00:05.1=snd_hda_intel
# lab-expect: final 0000:00:05.0=bochs-drm 0000:00:05.1=snd_hda_intel
# lab-verdict: returned_unusable HIGH 0000:00:05.0 returned_by=hook kernel_log=1
. /lab/guest-lib.sh

proxmox_vm_cycle 111
echo "<3>bochs-drm 0000:00:05.0: [drm] *ERROR* failed to initialise the display: -110" >/dev/kmsg
lab_step driver-error
