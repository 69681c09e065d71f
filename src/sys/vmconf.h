/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The one reader of what names a VM's PCI devices, shared by the live view
 * (status, check) and the report: a QEMU command line (both the
 * "vfio-pci,host=..." and the JSON "{"driver":"vfio-pci",...}" -device
 * forms), a Proxmox VM config (hostpciN: a BDF, a slot, host=A;B, or
 * mapping=NAME through /etc/pve/mapping/pci.cfg) and a libvirt domain XML
 * (PCI <hostdev>s, through libxml2). All take text: callers read the files.
 */
#ifndef GPUTRACE_SYS_VMCONF_H
#define GPUTRACE_SYS_VMCONF_H

#include <stdbool.h>
#include <stddef.h>

#include "sys/pci.h"

enum vm_kind {
	VM_QEMU,		/* a QEMU process no manager claims */
	VM_PROXMOX,
	VM_LIBVIRT,
};

const char *vm_kind_name(enum vm_kind kind);	/* "qemu", "proxmox", "libvirt" */

/* The PCI devices one VM can hold, everywhere (live view and model). */
#define VM_DEVS_MAX	32

/* A VM's id as its manager names it: a Proxmox VMID, a libvirt domain
 * name (which may be long), a QEMU -name. Every copy of one has this room:
 * a copy cut shorter would no longer compare equal to its config's. */
#define VM_ID_LEN	128

struct vmconf {
	enum vm_kind kind;
	char id[VM_ID_LEN];		/* VMID, domain name; "" for plain QEMU */
	char hookscript[256];		/* Proxmox "local:snippets/NAME" */
	/* "0000:0a:00.0", or a slot "0000:0a:00" meaning all its functions */
	char devs[VM_DEVS_MAX][PCI_BDF_LEN];
	bool unmanaged[VM_DEVS_MAX];	/* libvirt without managed='yes' (the default
						 * is 'no'): the hooks must return it */
	size_t ndevs;
	bool devs_cut;			/* more than VM_DEVS_MAX named: the rest left out */
};

/* QEMU's argv (ARGC strings): -id / -pidfile .../qemu-server/ID.pid
 * (Proxmox), -name guest=NAME (libvirt), else plain QEMU; the vfio-pci
 * devices. Returns 0, or -ENOENT when ARGV[0] is no QEMU. */
int vmconf_from_qemu_argv(const char *const *argv, int argc, struct vmconf *out);

/* A Proxmox VM config (only the current section, before "[snapshot]");
 * MAPPING: the text of /etc/pve/mapping/pci.cfg or NULL; NODE: this host's
 * name ("" matches every node). ID is left to the caller. */
void vmconf_from_pve(const char *text, const char *mapping, const char *node, struct vmconf *out);

/* A libvirt domain XML (or status XML, <domstatus> around <domain>): its
 * name and PCI hostdev source addresses. Returns 0, or -EINVAL when the
 * XML does not parse. *PID gets <domstatus pid=> (0 if none). */
int vmconf_from_libvirt(const char *xml, size_t len, struct vmconf *out, long *pid);

/* Parses one QEMU -device value: the host BDF (or slot) of a vfio-pci
 * device, in sysfs form. Returns 0, or -ENOENT for another device. Both the
 * "vfio-pci,host=..." and the JSON ({"driver":"vfio-pci",...}) forms. */
int qemu_vfio_host(const char *value, char *bdf, size_t size);

/* Adds BDF (or a slot) once. */
void vmconf_add_dev(struct vmconf *c, const char *bdf, bool unmanaged);

#endif
