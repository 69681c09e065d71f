# VM 112's cycle as in reset-in-return, on a GPU whose reset does not work
# (the shape of the AMD "reset bug"): the scenario first disables the
# device's reset methods (an empty reset_method, 5.15 and later), standing
# in for hardware that cannot be reset. The hook's reset fails (ENOTTY); it
# binds the host driver all the same and says nothing: the return
# "succeeded" on a GPU that was never reset. The kernel says so in its log.
#
# lab-devices: gpu-port
# lab-kernels: 6.1 6.12
# lab-record-args: --pm-hooks
# lab-backends: fentry kprobe tracepoint
# lab-expect: final 0000:01:00.0=bochs-drm
# lab-verdict: returned_unusable HIGH 0000:01:00.0 returned_by=hook
. /lab/guest-lib.sh

lab_write /sys/bus/pci/devices/0000:01:00.0/reset_method ""
pve_port_vm 112
proxmox_vm_cycle 112
