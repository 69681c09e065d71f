// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Which devices `status` shows, in which order, and who holds them. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "status/status.h"
#include "sys/rootfs.h"
#include "sys/sysfs.h"


/* "0000:0a:00.0" and "0000:0a:00.1" share the slot "0000:0a:00". */
static bool same_slot(const char *a, const char *b)
{
	const char *dot = strrchr(a, '.');
	size_t n = dot ? (size_t)(dot - a) : strlen(a);

	return !strncmp(a, b, n) && b[n] == '.';
}

static bool same_group(const struct pci_dev_info *a, const struct pci_dev_info *b)
{
	return a->iommu_group[0] && !strcmp(a->iommu_group, b->iommu_group);
}

/* A driver_override gputrace guard pinned and did not restore (it was
 * killed): whose it is, and whether that guard still runs. */
static void guard_pin(const struct status *st, struct status_entry *e)
{
	char path[128], note[64];
	int pid;

	snprintf(path, sizeof(path), GUARD_PIN_DIR "/%s", e->dev->bdf);
	if (!e->dev->driver_override[0] || sysfs_read(st->root, path, note, sizeof(note)) < 0 ||
	    sscanf(note, "%d", &pid) != 1)
		return;
	e->pin_pid = pid;
	e->pin_gone = sys_root_is_live(st->root) && kill(pid, 0);
}

static struct status_entry *shown_find(struct status *st, const struct pci_dev_info *d)
{
	for (size_t i = 0; i < st->nshown; i++)
		if (st->shown[i].dev == d)
			return &st->shown[i];
	return NULL;
}

static void show(struct status *st, const struct pci_dev_info *d, unsigned int why,
		 const char *with)
{
	struct status_entry *e = shown_find(st, d);

	if (e) {
		e->why |= why;
		return;
	}
	e = &st->shown[st->nshown++];
	memset(e, 0, sizeof(*e));
	e->dev = d;
	e->why = why;
	snprintf(e->with, sizeof(e->with), "%s", with ? with : "");
	for (size_t i = 0; i < st->nvms; i++) {
		const struct vm_info *vm = &st->vms[i];

		if (!vm_holds(vm, d->bdf)) {
			if (vm->devs_cut && !e->maybe_holder)
				e->maybe_holder = vm;
		} else if (e->nholders < STATUS_HOLDERS_MAX) {
			e->holders[e->nholders++] = vm;
		} else {
			e->holders_cut = true;
		}
	}
	guard_pin(st, e);
}

size_t status_group_peers(const struct status *st, const struct pci_dev_info *dev,
			  const struct pci_dev_info **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < st->ndevs && n < max; i++)
		if (&st->devs[i] != dev && same_group(&st->devs[i], dev))
			out[n++] = &st->devs[i];
	return n;
}

static int status_scan(const char *root, const char *device, struct status *st,
		       char *err, size_t errlen)
{
	size_t i, j;
	int ret;

	memset(st, 0, sizeof(*st));
	err[0] = '\0';
	st->root = sys_root_is_live(root) ? NULL : root;
	if (st->root && (ret = sys_root_check(st->root, err, errlen)))
		return ret;
	if (device && pci_bdf_normalize(device, st->device, sizeof(st->device), 0)) {
		snprintf(err, errlen, "'%s' is not a PCI address (expected 0000:0a:00.0 or 0a:00.0)",
			 device);
		return -EINVAL;
	}
	ret = pci_scan(st->root, &st->devs, &st->ndevs);
	if (ret) {
		snprintf(err, errlen, "cannot list PCI devices in %s/sys/bus/pci/devices: %s",
			 st->root ? st->root : "", strerror(-ret));
		return ret;
	}
	/* VMs are extra information: a tree without /proc has none. */
	if (vms_scan(st->root, &st->vms, &st->nvms)) {
		st->vms = NULL;
		st->nvms = 0;
	}
	st->shown = calloc(st->ndevs ? st->ndevs : 1, sizeof(*st->shown));
	if (!st->shown) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (i = 0; i < st->ndevs; i++)
		st->ndisplay += pci_class_is_display(st->devs[i].class);
	if (st->device[0]) {
		for (i = 0; i < st->ndevs && strcmp(st->devs[i].bdf, st->device); i++)
			;
		if (i == st->ndevs) {
			snprintf(err, errlen, "no PCI device %s on this %s (see lspci -D)", st->device,
				 st->root ? "tree" : "host");
			return -ENODEV;
		}
		show(st, &st->devs[i], STATUS_ASKED | (pci_class_is_display(st->devs[i].class) ? STATUS_DISPLAY : 0),
		     NULL);
		return 0;
	}
	/* Each display device, then the functions that go with it. */
	for (i = 0; i < st->ndevs; i++) {
		const struct pci_dev_info *gpu = &st->devs[i];

		if (!pci_class_is_display(gpu->class))
			continue;
		show(st, gpu, STATUS_DISPLAY, NULL);
		for (j = 0; j < st->ndevs; j++) {
			const struct pci_dev_info *d = &st->devs[j];
			unsigned int why = 0;

			if (d == gpu)
				continue;
			if (same_slot(gpu->bdf, d->bdf))
				why |= STATUS_SLOT;
			if (same_group(gpu, d))
				why |= STATUS_GROUP;
			if (why)
				show(st, d, why | (pci_class_is_display(d->class) ? STATUS_DISPLAY : 0), gpu->bdf);
		}
	}
	return 0;
}

int status_collect(const char *root, const char *device, struct status *st,
		   char *err, size_t errlen)
{
	int ret;

	root_hold(root);
	ret = status_scan(root, device, st, err, errlen);
	root_release(root);
	return ret;
}

void status_free(struct status *st)
{
	pci_devs_free(st->devs);
	free(st->vms);
	free(st->shown);
	memset(st, 0, sizeof(*st));
}
