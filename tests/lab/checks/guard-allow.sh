# guard-allow: an --allow'ed executable's writes pass; the guard notices the
# function left and guards it again when it is back.
. "$(dirname "$0")/guard-lib.sh"
bpf_lsm_kernel || { refusal; exit $?; }
g=0000:00:05.0
step_has armed $g=bochs-drm $g.override=bochs-drm 0000:00:05.1.override=none || exit 1
step_has rogue-allowed $g=vfio-pci $g.override=vfio-pci || exit 1
log_has "gputrace guard: $g left bochs-drm (now [a-z_-]*) while guarded" "the notice that it left" || exit 1
step_has back $g=bochs-drm $g.override=bochs-drm || exit 1
! grep -q DENIED "$LAB_OUT/record.log" || { echo "an allowed writer was denied"; exit 1; }
echo "--allow let busybox's writes pass; the guard noticed and guarded the function again"
