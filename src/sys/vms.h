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

#include "sys/vmconf.h"

struct vm_info {
	enum vm_kind kind;
	char id[VM_ID_LEN];	/* VMID, domain name, or "" for plain QEMU */
	pid_t pid;		/* QEMU pid, 0 when unknown */
	char source[512];	/* where it was seen: "/proc/4021/cmdline, /etc/pve/..." */
	/* "0000:0a:00.0", or a slot "0000:0a:00" meaning all its functions */
	char devs[VM_DEVS_MAX][PCI_BDF_LEN];
	size_t ndevs;
	bool devs_cut;		/* it names more than VM_DEVS_MAX: the rest are not known */
};

/* All running VMs under ROOT. Unreadable configs and vanished processes
 * are skipped: this is a best-effort view. Returns 0 with *OUT (free())
 * and *N, or -errno when ROOT/proc cannot be listed. */
int vms_scan(const char *root, struct vm_info **out, size_t *n);

/* VM ID as its manager keeps it under ROOT, running or not: the Proxmox
 * config /etc/pve/qemu-server/ID.conf (mappings resolved for this node),
 * else the libvirt domain /etc/libvirt/qemu/ID.xml; else a running QEMU
 * that names itself ID. Returns 0 with OUT (its kind says which was
 * found), -ENOENT when none is, or -ENOMEM. */
int vm_find(const char *root, const char *id, struct vmconf *out);

/* True if VM holds the device BDF ("0000:0a:00.1"). */
bool vm_holds(const struct vm_info *vm, const char *bdf);

#endif /* GPUTRACE_SYS_VMS_H */
