# guard-rogues: every rogue denied and named, both functions stay on their
# host drivers, SIGTERM restores driver_override.
. "$(dirname "$0")/guard-lib.sh"
bpf_lsm_kernel || { refusal; exit $?; }
g=0000:00:05.0 a=0000:00:05.1
host="$g=bochs-drm $a=snd_hda_intel"
step_has armed $host $g.override=bochs-drm || exit 1
step_has keeper-and-udev $host $g.override=bochs-drm || exit 1
step_has driverctl $host $g.override=bochs-drm || exit 1
step_has rescan $host || exit 1
step_has other-vm $host || exit 1
step_has guard-stopped $host $g.override=none $a.override=none || exit 1
# The keeper's subshell execs gpu-watchdog; the hook has exited: init's.
log_has "DENIED driver_override=\"vfio-pci\" on $g .* gpu-watchdog, argv .*, ancestry init\[1\], unit" \
	"the hook keeper's denial (reparented to init)" || exit 1
log_has "DENIED driver_override=\"vfio-pci\" on $g .* gpu-watchdog, argv .*, ancestry systemd-udevd\[" \
	"the udev helper's denial" || exit 1
log_has "DENIED driver_override=\"vfio-pci\" on $g .* = EPERM: pid [0-9]* driverctl" "driverctl's denial" || exit 1
log_has "DENIED remove of $g (guarded on bochs-drm) = EPERM: pid [0-9]* pci-reprobe" "pci-reprobe's denied remove" || exit 1
log_has "DENIED new_id \"1234 1111\" to vfio-pci (guarded on bochs-drm) = EPERM: pid [0-9]* qm, argv \".*qm start 112\"" \
	"qm start 112's denied new_id" || exit 1
log_has "DENIED unbind \"$g\" from bochs-drm .* qm, argv \".*qm start 112\"" "qm start 112's denied unbind" || exit 1
log_has "DENIED bind \"$g\" to vfio-pci .* qm, argv \".*qm start 112\"" "qm start 112's denied bind" || exit 1
trace_denied pci-reprobe remove || exit 1
trace_denied qm new_id || exit 1
# report: each denial a rebind_denied finding naming its writer
"$GPUTRACE" report --json "$LAB_OUT/trace.gtrace" >"$LAB_OUT/report.json" 2>/dev/null
for c in gpu-watchdog driverctl pci-reprobe qm; do
	jq -e --arg c "$c" 'any(.findings[]; .kind == "rebind_denied" and .culprit.comm == $c and .device == "0000:00:05.0")' \
		"$LAB_OUT/report.json" >/dev/null || { echo "report has no rebind_denied finding naming $c"; exit 1; }
done
echo "keeper, udev helper, driverctl, remove+rescan and another VM's start denied and named; both functions stayed"
