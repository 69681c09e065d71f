# lab-record: no
# lab-backends: fentry
# `gputrace guard --vm 111 --dry-run` through the rogue-rebind story: it
# denies and pins nothing, so gpu-watchdog moves 00:05.0 to vfio-pci; the
# output says what would have been denied and who did it. Without the bpf
# LSM too (5.10: fentry on security_file_permission).
. /lab/guest-lib.sh

if ! guard_start --vm 111 --dry-run -o /tmp/trace.gtrace; then
	lab_step refused
	exit 0
fi
lab_step armed
proxmox_vm_cycle 111
sleep 0.5
/usr/local/sbin/gpu-watchdog 0000:00:05.0
lab_step rogue-done
guard_stop INT
lab_step guard-stopped
