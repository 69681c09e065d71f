/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* PCI devices as the kernel shows them in sysfs, named from pci.ids. */
#ifndef GPUTRACE_SYS_PCI_H
#define GPUTRACE_SYS_PCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Room for a PCI address in sysfs form ("0000:0a:00.0"), the NUL, and a
 * wider domain: every BDF buffer of the program has this size. */
#define PCI_BDF_LEN	20

/* One PCI device of the live system (or of a copied tree) as sysfs shows
 * it. Text attributes as sysfs shows them, "" when absent. The model of a
 * recorded device is another layer (model.h: struct m_pci, m_devstate),
 * filled from the trace's PCI and PCI_STATE records, which
 * record/snapshot.c writes from this struct in one place. */
struct pci_dev_info {
	char bdf[PCI_BDF_LEN];		/* "0000:0a:00.0" */
	uint16_t vendor, device;
	uint16_t subvendor, subdevice;	/* 0 when sysfs lacks them */
	uint32_t class;			/* base, sub, prog-if: 0x030000 */
	char vendor_name[128];		/* pci_scan() only; "" when pci.ids does not know it */
	char device_name[128];
	char class_name[64];
	char driver[64];		/* "" when no driver is bound */
	char driver_override[64];	/* "" when none is set */
	char iommu_group[16];		/* "" without an IOMMU */
	char power_state[16];		/* "D0", "D3hot"; "" before Linux 5.19 */
	char reset_method[64];		/* "flr bus"; "" when none or absent */
	int boot_vga;			/* 1, 0, or -1 when absent (non-VGA) */
	char runtime_status[16];	/* power/runtime_status: "active", "suspended" */
	char enable[8];			/* enable: the kernel's enable count, "0", "1" */
	char d3cold_allowed[4];		/* "1", "0" */
	char link_speed[32];		/* current_link_speed: "8.0 GT/s PCIe" */
	char link_width[8];		/* current_link_width: "16" */
};

/* Devices under ROOT/sys/bus/pci/devices, sorted by BDF. Devices that vanish
 * during the scan are left out. Returns 0 with *OUT (free with
 * pci_devs_free) and *N set, or -errno. A missing or empty tree is 0 devices. */
int pci_scan(const char *root, struct pci_dev_info **out, size_t *n);
void pci_devs_free(struct pci_dev_info *devs);

/* Reads device BDF under ROOT again, as it is now (at marks, after its
 * events), without the names: no pci.ids lookup, no config-space file
 * (reading `config` would wake a suspended device). Returns 0, or -errno
 * when the device is gone (its identity attributes cannot be read). */
int pci_read_state(const char *root, const char *bdf, struct pci_dev_info *d);

/* Every device as pci_read_state() reads it, sorted by BDF: 0 with *OUT
 * (free()) and *N, or -errno. */
int pci_list_states(const char *root, struct pci_dev_info **out, size_t *n);

/* A PCI address as users and configs write it ("0a:00.0", "0000:0A:00.0")
 * to the sysfs form "0000:0a:00.0". With ALLOW_SLOT a slot without function
 * ("0a:00", "0000:0a:00") is accepted and becomes "0000:0a:00". Returns 0,
 * or -EINVAL when IN is not a PCI address. */
int pci_bdf_normalize(const char *in, char *out, size_t size, int allow_slot);

/* A display controller (PCI class 03xxxx): the function a black screen is
 * about; its siblings (HDMI audio) are judged more mildly. */
static inline bool pci_class_is_display(uint32_t class)
{
	return (class >> 16) == 0x03;
}

/* The drivers that hold a device for passthrough, not a host driver. */
static inline bool driver_is_stub(const char *d)
{
	return d && (!strcmp(d, "vfio-pci") || !strcmp(d, "pci-stub") || !strcmp(d, "pci_stub"));
}

#endif /* GPUTRACE_SYS_PCI_H */
