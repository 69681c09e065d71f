# guard-gui-start: a start by a Proxmox GUI/API worker ("task UPID:...",
# no qm exec) passes the guard; a rogue rebind after the return does not.
. "$(dirname "$0")/guard-lib.sh"
bpf_lsm_kernel || { refusal; exit $?; }
g=0000:00:05.0 a=0000:00:05.1
step_has armed $g=bochs-drm $g.override=bochs-drm $a=snd_hda_intel || exit 1
step_has vm-running $g=vfio-pci $a=vfio-pci || exit 1
grep -q 'comm=task UPID:lab:0 write /sys/bus/pci/drivers/vfio-pci/bind "0000:00:05.0" ok' "$LAB_ACTIONS" ||
	{ echo "the worker (comm 'task UPID:lab:') did not bind 05.0 itself"; exit 1; }
! grep -q 'comm=qm exec qm start' "$LAB_ACTIONS" || { echo "qm start was exec'd: not a GUI start"; exit 1; }
log_has "VM start seen: pid [0-9]* \(pve-api-start\|task UPID:lab:\)" "the window the worker opened" || exit 1
step_has cleanup-done $g=bochs-drm $a=snd_hda_intel || exit 1
step_has rogue-done $g=bochs-drm || exit 1
n=$(grep -c 'DENIED' "$LAB_OUT/record.log")
[ "$n" = 2 ] || { echo "guard denied $n writes, expected 2 (gpu-watchdog's override and unbind, nothing of the start)"; exit 1; }
log_has "DENIED driver_override=\"vfio-pci\" on $g .*gpu-watchdog" "gpu-watchdog's denial" || exit 1
echo "the GUI worker's start passed the guard; gpu-watchdog was denied after the return"
