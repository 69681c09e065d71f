#!/bin/sh
# A user's Proxmox hookscript (named .pl like the Perl ones in the guides):
# at post-stop it gives the GPU and its audio function back to the host
# drivers. GPU_HOOK_FUNCTIONS lists the functions it handles ("0 1" by
# default; "0" is the hook that forgets the audio function). GPU_HOOK_MODE
# picks how, each a shape seen in guides and forum posts:
#   bind        unbind from vfio-pci, write the BDF to the host driver's bind
#   pta         run the admin's `gpu-pta` (the seed report's `gpu pta`)
#   reprobe     clear driver_override, unbind, drivers_probe: let the
#               kernel choose (a stale dynamic id sends it back to vfio-pci)
#   rescan      unbind, remove vfio-pci's dynamic id, remove the functions,
#               rescan (removing a function still bound to vfio-pci oopses
#               5.10's intel-iommu code in the guest)
#   reset       like bind, with a reset through sysfs first
#   fail        exit 1 before returning anything (a typo, a missing tool)
#   background  like bind, then leave a "keeper" running in a subshell that
#               forces the GPU back to vfio-pci a second later
. /lab/guest-lib.sh
lab_action "exec gpu-reattach-hook.pl $*"
vmid=$1 phase=$2
echo "hook: VM $vmid $phase"
[ "$phase" = post-stop ] || exit 0
mode=${GPU_HOOK_MODE:-bind}
[ "$mode" = fail ] && { echo "hook: /opt/gpu/functions.sh: not found" >&2; exit 1; }
if [ "$mode" = pta ]; then
	/usr/local/sbin/gpu-pta
	echo "hook: gpu-pta done"
	exit 0
fi
if [ "$mode" = rescan ]; then
	for fn in ${GPU_HOOK_FUNCTIONS-0 1}; do
		sys=/sys/bus/pci/devices/0000:00:05.$fn
		v=$(cat "$sys/vendor") d=$(cat "$sys/device")
		[ -e "$sys/driver" ] && lab_write "$sys/driver/unbind" "0000:00:05.$fn"
		lab_write /sys/bus/pci/drivers/vfio-pci/remove_id "${v#0x} ${d#0x}"
		lab_write "$sys/remove" 1
	done
	sleep 0.2
	lab_write /sys/bus/pci/rescan 1
	exit 0
fi
for fn in ${GPU_HOOK_FUNCTIONS-0 1}; do
	dev=0000:00:05.$fn
	sys=/sys/bus/pci/devices/$dev
	case $fn in 0) drv=bochs-drm ;; *) drv=snd_hda_intel ;; esac
	case "$mode" in
	reprobe)
		lab_write "$sys/driver_override" ""
		[ -e "$sys/driver" ] && lab_write "$sys/driver/unbind" "$dev"
		lab_write /sys/bus/pci/drivers_probe "$dev"
		continue
		;;
	reset)
		[ -e "$sys/reset" ] && lab_write "$sys/reset" 1
		;;
	esac
	[ -e "$sys/driver" ] && lab_write "$sys/driver/unbind" "$dev"
	lab_write "/sys/bus/pci/drivers/$drv/bind" "$dev" && echo "hook: $dev -> $drv"
done
if [ "$mode" = background ]; then
	( sleep 1; /usr/local/sbin/gpu-watchdog 0000:00:05.0 ) >/dev/null 2>&1 &
	echo "hook: keeper started"
fi
exit 0
