# Two GPUs in one VM: 00:05 (display + audio) and a second display adapter
# at 00:06.0, all passed to VM 111 (hostpci0 and hostpci1). The post-stop
# hookscript returns all three; then gpu-watchdog forces only the second
# GPU back to vfio-pci. Only 00:06.0 is rebound; 00:05.x stay clean.
#
# lab-devices: gpu2
# lab-expect: final 0000:00:05.0=bochs-drm 0000:00:05.1=snd_hda_intel
# lab-verdict: rebind_after_return HIGH 0000:00:06.0 culprit=gpu-watchdog from_hook=false mechanism=driver_override returned_by=hook
. /lab/guest-lib.sh

echo "hostpci1: 0000:00:06.0,pcie=1" >>/etc/pve/qemu-server/111.conf
sed -i 's/^hookscript: .*/hookscript: local:snippets\/two-gpus-hook.pl/' /etc/pve/qemu-server/111.conf
cat >/var/lib/vz/snippets/two-gpus-hook.pl <<'HOOK'
#!/bin/sh
. /lab/guest-lib.sh
lab_action "exec two-gpus-hook.pl $*"
[ "$2" = post-stop ] || exit 0
for pair in 0000:00:05.0=bochs-drm 0000:00:05.1=snd_hda_intel 0000:00:06.0=bochs-drm; do
	dev=${pair%%=*} drv=${pair#*=}
	[ -e "/sys/bus/pci/devices/$dev/driver" ] && lab_write "/sys/bus/pci/devices/$dev/driver/unbind" "$dev"
	lab_write "/sys/bus/pci/drivers/$drv/bind" "$dev"
done
exit 0
HOOK
chmod +x /var/lib/vz/snippets/two-gpus-hook.pl
proxmox_vm_cycle 111
[ "$(lab_driver 0000:00:06.0)" = bochs-drm ] || echo "two-gpus: 00:06.0 not returned: $(lab_driver 0000:00:06.0)"
sleep 0.5
/usr/local/sbin/gpu-watchdog 0000:00:06.0
lab_step rogue-done
[ "$(lab_driver 0000:00:06.0)" = vfio-pci ] || { echo "two-gpus: 00:06.0 on $(lab_driver 0000:00:06.0)"; exit 1; }
