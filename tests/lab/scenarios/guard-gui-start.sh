# lab-record: no
# lab-backends: fentry
# `gputrace guard --vm 111` while VM 111 is started from Proxmox's GUI or
# API (tests/lab/checks/guard-gui-start.sh judges it): pvedaemon's worker,
# renamed "task UPID:...:qmstart:111:root@pam:", binds the devices itself
# and never execs qm. Its start must pass as `qm start` does: both
# functions on vfio-pci, nothing denied; after the hook's return, a rogue
# rebind is still denied. On 5.10 the guard refuses (no bpf LSM).
. /lab/guest-lib.sh

if ! guard_start --vm 111; then
	lab_step refused
	exit 0
fi
lab_step armed
/usr/sbin/qmeventd 111 &
qmeventd=$!
/usr/sbin/pve-api-start 111 "task UPID:lab:000004D2:0000162E:6560F00D:qmstart:111:root@pam:"
lab_step vm-running
wait $qmeventd
lab_step cleanup-done
sleep 0.5
/usr/local/sbin/gpu-watchdog 0000:00:05.0
lab_step rogue-done
guard_stop INT
lab_step guard-stopped
