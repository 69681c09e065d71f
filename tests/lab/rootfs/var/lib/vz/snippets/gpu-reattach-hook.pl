#!/bin/sh
# A user's Proxmox hookscript (named .pl like the Perl ones in the guides):
# at post-stop it gives the GPU and its audio function back to the host
# drivers. GPU_HOOK_FUNCTIONS lists the functions it handles ("0 1" by
# default; "0" is the hook that forgets the audio function).
. /lab/guest-lib.sh
lab_action "exec gpu-reattach-hook.pl $*"
vmid=$1 phase=$2
echo "hook: VM $vmid $phase"
[ "$phase" = post-stop ] || exit 0
for fn in ${GPU_HOOK_FUNCTIONS-0 1}; do
	dev=0000:00:05.$fn
	case $fn in 0) drv=bochs-drm ;; *) drv=snd_hda_intel ;; esac
	[ -e "/sys/bus/pci/devices/$dev/driver" ] && lab_write "/sys/bus/pci/devices/$dev/driver/unbind" "$dev"
	lab_write "/sys/bus/pci/drivers/$drv/bind" "$dev" && echo "hook: $dev -> $drv"
done
exit 0
