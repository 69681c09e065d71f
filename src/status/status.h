/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * `gputrace status`: where each GPU function is now. The display devices
 * (PCI class 03), every other function of their slots and IOMMU groups
 * (they move together in passthrough), and the running VM holding each.
 */
#ifndef GPUTRACE_STATUS_H
#define GPUTRACE_STATUS_H

#include <stdbool.h>
#include <stddef.h>

#include "sys/pci.h"
#include "sys/vms.h"

struct recorder_state;

/* Why a device is shown (bits). */
enum {
	STATUS_DISPLAY	= 1,	/* PCI class 03: VGA, 3D, display controller */
	STATUS_SLOT	= 2,	/* another function of a display device's slot */
	STATUS_GROUP	= 4,	/* in a display device's IOMMU group */
	STATUS_ASKED	= 8,	/* named with --device */
};

#define STATUS_HOLDERS_MAX	4

struct status_entry {
	const struct pci_dev_info *dev;
	unsigned int why;
	char with[PCI_BDF_LEN];		/* the display device it comes with, "" if itself */
	const struct vm_info *holders[STATUS_HOLDERS_MAX];
	size_t nholders;
	bool holders_cut;	/* more running VMs name it than holders keeps */
	/* A running VM that names more devices than are kept (vm_info.devs_cut)
	 * and is not among the holders: it may hold this one too. */
	const struct vm_info *maybe_holder;
	int pin_pid;		/* gputrace guard that pinned its driver_override, 0 none */
	bool pin_gone;		/* ... and is no longer running (live system only) */
};

/* Where gputrace guard notes the driver_override it pinned, one file per
 * function holding its pid, so `status` can tell whose it is after the
 * guard was killed. */
#define GUARD_PIN_DIR	"/run/gputrace/guard-pins"

struct status {
	const char *root;		/* NULL: the live system */
	struct pci_dev_info *devs;	/* every PCI device, by BDF */
	size_t ndevs;
	struct vm_info *vms;		/* every running VM found */
	size_t nvms;
	struct status_entry *shown;	/* in display order */
	size_t nshown;
	size_t ndisplay;		/* display devices on the host */
	char device[PCI_BDF_LEN];	/* --device, normalised; "" for all GPUs */
	/* running recorders (record/state_file.h), filled by the command */
	struct recorder_state *recorders;
	int nrecorders;			/* -errno: they could not be listed */
};

/* Collects the status under ROOT (NULL or "/" for the live system). With
 * DEVICE (a BDF, short forms allowed) only that device is shown. Returns 0,
 * or -errno with a one-line reason in ERR: -EINVAL for a malformed BDF,
 * -ENODEV for one that is not on the host, -ENOENT/-ENOTDIR for a bad
 * root. Free with status_free() in every case. */
int status_collect(const char *root, const char *device, struct status *st,
		   char *err, size_t errlen);
void status_free(struct status *st);

/* The other devices of DEV's IOMMU group, by BDF, into OUT (at most MAX).
 * Returns the count. */
size_t status_group_peers(const struct status *st, const struct pci_dev_info *dev,
			  const struct pci_dev_info **out, size_t max);

#endif /* GPUTRACE_STATUS_H */
