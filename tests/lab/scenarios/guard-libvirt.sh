# lab-record: no
# lab-backends: fentry
# `gputrace guard --vm win10` through libvirt's managed cycle (a hook that
# leaves the GPU alone): the daemon's own binds pass, as its qemu hook ran
# "win10 prepare begin" first (the window is the daemon's); its reattach
# returns both functions and the guard arms again; then gpu-watchdog is
# denied. On 5.10 the guard refuses.
. /lab/guest-lib.sh

cat >/etc/libvirt/hooks/qemu <<'HOOK'
#!/bin/sh
. /lab/guest-lib.sh
lab_action "exec /etc/libvirt/hooks/qemu $*"
cat >/dev/null
exit 0
HOOK
if ! guard_start --vm win10 -o /tmp/trace.gtrace; then
	lab_step refused
	exit 0
fi
lab_step armed
/usr/sbin/libvirtd --timeout 120
sleep 0.5
lab_step libvirt-done
/usr/local/sbin/gpu-watchdog 0000:00:05.0
lab_step rogue-done
