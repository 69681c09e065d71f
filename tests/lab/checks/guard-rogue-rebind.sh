# guard-rogue-rebind: gpu-watchdog denied while guarded, the next start
# passes, SIGKILL ends the enforcement and leaves the pin.
. "$(dirname "$0")/guard-lib.sh"
bpf_lsm_kernel || { refusal; exit $?; }
g=0000:00:05.0 a=0000:00:05.1
step_has armed $g=bochs-drm $g.override=bochs-drm $a=snd_hda_intel $a.override=snd_hda_intel || exit 1
step_has rogue-done $g=bochs-drm $g.override=bochs-drm || exit 1
log_has "DENIED driver_override=\"vfio-pci\" on $g (guarded on bochs-drm) = EPERM: pid [0-9]* gpu-watchdog, argv \".*gpu-watchdog $g\", ancestry " \
	"gpu-watchdog's denied driver_override" || exit 1
log_has "DENIED unbind \"$g\" from bochs-drm (guarded on bochs-drm) = EPERM: pid [0-9]* gpu-watchdog" \
	"gpu-watchdog's denied unbind" || exit 1
trace_denied gpu-watchdog driver_override || exit 1
step_has second-start $g=vfio-pci $a=vfio-pci $g.override=none || exit 1
step_has second-return $g=bochs-drm $a=snd_hda_intel $g.override=bochs-drm || exit 1
step_has guard-killed $g=bochs-drm $g.override=bochs-drm || exit 1
grep -q "pinned by gputrace guard (pid [0-9]*, not running); clear it with: echo > /sys/bus/pci/devices/$g/driver_override" \
	"$LAB_OUT/scenario.log" || { echo "gputrace status does not name the pin the killed guard left"; exit 1; }
# the same in status -j: the pin and that its guard is gone
grep '^{' "$LAB_OUT/scenario.log" | jq -e --arg g "$g" \
	'.devices[] | select(.bdf == $g) | .guard_pin.running == false and .guard_pin.pid > 0' >/dev/null ||
	{ echo "gputrace status -j does not show the pin the killed guard left on $g"; exit 1; }
step_has rogue-after-kill $g=vfio-pci || exit 1
n=$(grep -c 'DENIED' "$LAB_OUT/record.log")
[ "$n" = 2 ] || { echo "guard denied $n writes, expected 2 (gpu-watchdog's override and unbind)"; exit 1; }
echo "gpu-watchdog denied and named; the next start passed; SIGKILL ended the enforcement, the pin stayed"
