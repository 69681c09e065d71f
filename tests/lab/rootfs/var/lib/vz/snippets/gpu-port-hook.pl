#!/bin/sh
# The hookscript of VM 112, whose GPU is alone behind a PCIe root port
# (01:00.0): at post-stop it resets the GPU through sysfs, as guides for
# GPUs that come back dirty advise, then binds the host driver. Like those
# guides' `echo 1 > reset`, it goes on when the reset fails.
# GPU_PORT_HOOK=unbind-only: the hook of a user who commented its bind out
# while debugging; it only takes the GPU off vfio-pci.
. /lab/guest-lib.sh
lab_action "exec gpu-port-hook.pl $*"
echo "hook: VM $1 $2"
[ "$2" = post-stop ] || exit 0
dev=0000:01:00.0
sys=/sys/bus/pci/devices/$dev
[ -e "$sys/reset" ] && lab_write "$sys/reset" 1
[ -e "$sys/driver" ] && lab_write "$sys/driver/unbind" "$dev"
[ "${GPU_PORT_HOOK:-}" = unbind-only ] && exit 0
lab_write /sys/bus/pci/drivers/bochs-drm/bind "$dev" && echo "hook: $dev -> bochs-drm"
exit 0
