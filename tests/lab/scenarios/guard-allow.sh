# lab-record: no
# lab-backends: fentry
# `gputrace guard --device 0000:00:05.0 --allow /bin/busybox`: every
# stand-in tool is a busybox sh script, so gpu-watchdog's writes pass (the
# allowed executable is the interpreter); the guard says the function left
# its host driver while guarded, and guards it again once it is back.
# On 5.10 the guard refuses.
. /lab/guest-lib.sh

if ! guard_start --device 0000:00:05.0 --allow /bin/busybox; then
	lab_step refused
	exit 0
fi
lab_step armed
/usr/local/sbin/gpu-watchdog 0000:00:05.0
sleep 0.5
lab_step rogue-allowed
sys=/sys/bus/pci/devices/0000:00:05.0
lab_write "$sys/driver_override" ""
lab_write "$sys/driver/unbind" 0000:00:05.0
lab_write /sys/bus/pci/drivers_probe 0000:00:05.0
sleep 0.5
lab_step back
guard_stop TERM
