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

#include <stdbool.h>
#include <stddef.h>

#include "sys/pci.h"

#define PVE_MAPPING_PCI_CFG	"/etc/pve/mapping/pci.cfg"
/* A mapping's pool for one node can be a PF's virtual functions: up to 256 */
#define PVE_PCI_DEVS_MAX	256
#define PVE_MAPPING_CFG_MAX	(1024 * 1024)	/* bytes of pci.cfg read */

struct pve_pci_devs {
	/* "0000:0a:00.0", or a slot "0000:0a:00" meaning all its functions */
	char bdf[PVE_PCI_DEVS_MAX][PCI_BDF_LEN];
	size_t n;
	bool cut;		/* more were named: the rest left out */
	/* for a mapping: where it was resolved (pci.cfg lines, 0 when absent) */
	int section_line;	/* the mapping's name */
	int map_line;		/* its first map line for the node */
};

/* The Proxmox node name of the tree: the host name up to its first dot,
 * from ROOT/proc/sys/kernel/hostname or else ROOT/etc/hostname. Returns 0
 * or -ENOENT ("" in NODE). */
int pve_node_name(const char *root, char *node, size_t size);

/* What resolves a host's hostpciN mappings: its pci.cfg and its node
 * name, read once by a caller that looks at several VMs (or values). */
struct pve_mappings {
	char *text;		/* pci.cfg, NUL-terminated; NULL when not read */
	int err;		/* why TEXT is NULL: -ENOENT (no pci.cfg), -errno */
	char node[256];		/* pve_node_name(), "" when unknown */
};

/* Reads ROOT's pci.cfg (inside ROOT, rootfs.h) and node name into M, to be
 * freed with pve_mappings_free whatever it returns: 0, or M->err. */
int pve_mappings_read(const char *root, struct pve_mappings *m);
void pve_mappings_free(struct pve_mappings *m);

/* The devices mapping NAME gives node NODE (NULL or "" matches every
 * node) in TEXT, the text of a pci.cfg (pve_mappings_read, or a trace's
 * copy). Several map lines for one node are a pool Proxmox picks a free
 * device from: all are returned. Returns 0 with OUT filled, -ESRCH when
 * there is no mapping NAME, -ENXIO when the mapping has no map line for
 * NODE. Line numbers count from 1 in TEXT. */
int pve_mapping_resolve_text(const char *text, const char *name, const char *node,
			     struct pve_pci_devs *out);

/* The devices of one hostpciN value ("0000:0a:00,pcie=1",
 * "host=0a:00.0;0a:00.1,x-vga=1", "mapping=gpu,pcie=1"), a mapping
 * resolved as above in MAPPING (NULL: there is none). Returns 0, -EINVAL
 * for a value that names no device, -ENOENT for a mapping without
 * MAPPING, or the error of pve_mapping_resolve_text. */
int pve_hostpci_devs_text(const char *value, const char *mapping, const char *node,
			  struct pve_pci_devs *out);

#endif /* GPUTRACE_SYS_PVE_MAPPING_H */
