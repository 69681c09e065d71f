# libvirt with managed='no' hostdevs and the popular hook layout
# /etc/libvirt/hooks/qemu.d/DOMAIN/OP/SUBOP/*.sh behind a dispatcher hook
# (the "hooks helper" of single-GPU passthrough guides): prepare/begin
# detaches both functions to vfio-pci; release/end returns only the GPU
# (00:05.0), so the audio function stays on vfio-pci; stopped/end only
# logs. The stopped hook is not expected to return anything: the settled
# state after release/end is what counts.
#
# lab-expect: final 0000:00:05.0=bochs-drm 0000:00:05.1=vfio-pci
# lab-verdict: left_on_stub WARN 0000:00:05.1 vm=win10
. /lab/guest-lib.sh

cat >/etc/libvirt/hooks/qemu <<'HOOK'
#!/bin/sh
# dispatcher: run qemu.d/$1/$2/$3/* with the same arguments
. /lab/guest-lib.sh
lab_action "exec /etc/libvirt/hooks/qemu $*"
xml=$(cat)
dir=/etc/libvirt/hooks/qemu.d/$1/$2/$3
[ -d "$dir" ] || exit 0
for h in "$dir"/*; do
	[ -x "$h" ] && echo "$xml" | "$h" "$@"
done
exit 0
HOOK
d=/etc/libvirt/hooks/qemu.d/win10
mkdir -p $d/prepare/begin $d/release/end $d/stopped/end
cat >$d/prepare/begin/detach.sh <<'HOOK'
#!/bin/sh
. /lab/guest-lib.sh
lab_action "exec detach.sh $*"
for dev in $LAB_DEVICES; do
	sys=/sys/bus/pci/devices/$dev
	lab_write "$sys/driver_override" vfio-pci
	[ -e "$sys/driver" ] && lab_write "$sys/driver/unbind" "$dev"
	lab_write /sys/bus/pci/drivers_probe "$dev"
done
HOOK
cat >$d/release/end/attach.sh <<'HOOK'
#!/bin/sh
. /lab/guest-lib.sh
lab_action "exec attach.sh $*"
dev=0000:00:05.0
sys=/sys/bus/pci/devices/$dev
lab_write "$sys/driver_override" ""
[ -e "$sys/driver" ] && lab_write "$sys/driver/unbind" "$dev"
lab_write /sys/bus/pci/drivers/bochs-drm/bind "$dev"
HOOK
printf '#!/bin/sh\ncat >/dev/null; echo stopped >>/tmp/hook.log\n' >$d/stopped/end/log.sh
chmod +x $d/*/*/*.sh
LIBVIRT_MANAGED=no /usr/sbin/libvirtd --timeout 120
lab_step libvirt-done
