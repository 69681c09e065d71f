# guard-libvirt: libvirt's own start and reattach pass, gpu-watchdog does not.
. "$(dirname "$0")/guard-lib.sh"
bpf_lsm_kernel || { refusal; exit $?; }
g=0000:00:05.0 a=0000:00:05.1
step_has armed $g=bochs-drm $a=snd_hda_intel $g.override=bochs-drm || exit 1
log_has "VM start seen: pid [0-9]* qemu;" "the start window from the hook's prepare/begin" || exit 1
grep -q "libvirtd: domain win10 stopped" "$LAB_OUT/scenario.log" || { echo "the domain never ran"; exit 1; }
grep -q "write /sys/bus/pci/drivers_probe \"$g\" ok" "$LAB_ACTIONS" || { echo "libvirtd's reprobe failed"; exit 1; }
step_has libvirt-done $g=bochs-drm $a=snd_hda_intel $g.override=bochs-drm || exit 1
step_has rogue-done $g=bochs-drm $g.override=bochs-drm || exit 1
log_has "DENIED driver_override=\"vfio-pci\" on $g .* gpu-watchdog" "gpu-watchdog's denial" || exit 1
n=$(grep -c 'DENIED' "$LAB_OUT/record.log")
[ "$n" = 2 ] || { echo "guard denied $n writes, expected gpu-watchdog's 2 (libvirtd's must pass)"; exit 1; }
echo "libvirt's start and reattach passed; gpu-watchdog denied and named"
