/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Proxmox VE PCI devices of a VM: "hostpciN:" values and the cluster-wide
 * resource mappings they may name (/etc/pve/mapping/pci.cfg, a section
 * config: an unindented mapping name, then indented properties, among them
 * one "map id=VVVV:DDDD,node=NODE,path=0000:0a:00[,...]" line per node and
 * device). A VM started with "hostpci0: mapping=gpu" gets the device that
 * the map line of the node it runs on names.
 */
#ifndef GPUTRACE_SYS_PVE_MAPPING_H
#define GPUTRACE_SYS_PVE_MAPPING_H

#include <stddef.h>

#include "sys/pci.h"

#define PVE_MAPPING_PCI_CFG	"/etc/pve/mapping/pci.cfg"
#define PVE_PCI_DEVS_MAX	16
#define PVE_MAPPING_CFG_MAX	(1024 * 1024)	/* bytes of pci.cfg read */

struct pve_pci_devs {
	/* "0000:0a:00.0", or a slot "0000:0a:00" meaning all its functions */
	char bdf[PVE_PCI_DEVS_MAX][PCI_BDF_LEN];
	size_t n;
	/* for a mapping: where it was resolved (pci.cfg lines, 0 when absent) */
	int section_line;	/* the mapping's name */
	int map_line;		/* its first map line for the node */
};

/* The Proxmox node name of the tree: the host name up to its first dot,
 * from ROOT/proc/sys/kernel/hostname or else ROOT/etc/hostname. Returns 0
 * or -ENOENT ("" in NODE). */
int pve_node_name(const char *root, char *node, size_t size);

/* The devices mapping NAME gives node NODE (NULL: pve_node_name of ROOT;
 * "" or unknown: every node's). Several map lines for one node are a pool
 * Proxmox picks a free device from: all are returned. Returns 0 with OUT
 * filled, -ENOENT when pci.cfg is absent, -ESRCH when it has no mapping
 * NAME, -ENXIO when the mapping has no map line for NODE, or another
 * -errno when pci.cfg cannot be read. The file is read inside ROOT
 * (rootfs.h). */
int pve_mapping_resolve(const char *root, const char *name, const char *node,
			struct pve_pci_devs *out);

/* The same on the text of a pci.cfg (a trace's copy, say); NODE NULL or ""
 * matches every node. Line numbers count from 1 in TEXT. */
int pve_mapping_resolve_text(const char *text, const char *name, const char *node,
			     struct pve_pci_devs *out);

/* The devices of one hostpciN value ("0000:0a:00,pcie=1",
 * "host=0a:00.0;0a:00.1,x-vga=1", "mapping=gpu,pcie=1"), mappings resolved
 * as above. Returns 0, -EINVAL for a value that names no device, or the
 * error of pve_mapping_resolve. */
int pve_hostpci_devs(const char *root, const char *value, const char *node,
		     struct pve_pci_devs *out);

/* The same with the text of pci.cfg (NULL: none), for a trace's copy. */
int pve_hostpci_devs_text(const char *value, const char *mapping, const char *node,
			  struct pve_pci_devs *out);

#endif /* GPUTRACE_SYS_PVE_MAPPING_H */
