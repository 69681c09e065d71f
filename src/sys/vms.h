/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Running VMs and the host PCI devices they hold, from three sources:
 * QEMU processes (-device vfio-pci,host=...), Proxmox configs of VMs whose
 * pid file names a live process (hostpciN:), and libvirt status XML of
 * running domains (<hostdev> source addresses).
 */
#ifndef GPUTRACE_SYS_VMS_H
#define GPUTRACE_SYS_VMS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum vm_kind {
	VM_QEMU,		/* a QEMU process no manager claims */
	VM_PROXMOX,
	VM_LIBVIRT,
};

#define VM_DEVS_MAX	32

struct vm_info {
	enum vm_kind kind;
	char id[128];		/* VMID, domain name, or "" for plain QEMU */
	pid_t pid;		/* QEMU pid, 0 when unknown */
	char source[512];	/* where it was seen: "/proc/4021/cmdline, /etc/pve/..." */
	/* "0000:0a:00.0", or a slot "0000:0a:00" meaning all its functions */
	char devs[VM_DEVS_MAX][20];
	size_t ndevs;
};

/* All running VMs under ROOT. Unreadable configs and vanished processes
 * are skipped: this is a best-effort view. Returns 0 with *OUT (free())
 * and *N, or -errno when ROOT/proc cannot be listed. */
int vms_scan(const char *root, struct vm_info **out, size_t *n);

/* True if VM holds the device BDF ("0000:0a:00.1"). */
bool vm_holds(const struct vm_info *vm, const char *bdf);

const char *vm_kind_name(enum vm_kind kind);	/* "qemu", "proxmox", "libvirt" */

/* Parses one QEMU -device value: the host BDF (or slot) of a vfio-pci
 * device, in sysfs form. Returns 0, or -ENOENT for another device. Both the
 * "vfio-pci,host=..." and the JSON ({"driver":"vfio-pci",...}) forms
 * (vmconf.c, beside the other VM readers). */
int qemu_vfio_host(const char *value, char *bdf, size_t size);

#endif /* GPUTRACE_SYS_VMS_H */
