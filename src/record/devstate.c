// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "record/devstate.h"
#include "record/snapshot.h"
#include "sys/pci.h"
#include "trace/event_decode.h"
#include "trace/trace.h"
#include "util.h"

/* "0000:0a:00" of "0000:0a:00.1": the functions of one card share it. */
static bool same_slot(const char *a, const char *b)
{
	const char *da = strrchr(a, '.'), *db = strrchr(b, '.');

	return da && db && da - a == db - b && !memcmp(a, b, da - a);
}


void devstate_choose(struct traced *t, const struct pci_dev_info *devs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!pci_class_is_display(devs[i].class))
			continue;
		for (size_t j = 0; j < n; j++)
			if (j == i || same_slot(devs[i].bdf, devs[j].bdf) ||
			    (devs[i].iommu_group[0] &&
			     !strcmp(devs[i].iommu_group, devs[j].iommu_group)))
				traced_add(t, devs[j].bdf);
	}
}

/* Marks BDF's state as due after CAUSE (a "write ATTR" is built only when
 * it differs: a burst of writes repeats one). */
static void due(struct traced *t, const char *bdf, const char *verb, const char *what, int len)
{
	struct traced_dev *d = traced_add(t, bdf);
	size_t vlen = strlen(verb);

	if (!d)
		return;
	if (d->state_due && !strncmp(d->cause, verb, vlen) &&
	    !strncmp(d->cause + vlen, what, len) && !d->cause[vlen + strnlen(what, len)])
		return;
	d->state_due = true;
	snprintf(d->cause, sizeof(d->cause), "%s%.*s", verb, len, what);
}

/* A copy of a write as stored (only the path components used are there). */
static void copy_write(struct gt_sysfs_write *w, const void *data, size_t size)
{
	size_t n = size < sizeof(*w) ? size : sizeof(*w);

	memcpy(w, data, n);
	memset((char *)w + n, 0, sizeof(*w) - n);
	if (w->depth > GT_PATH_DEPTH)
		w->depth = GT_PATH_DEPTH;
	if (w->data_len > GT_DATA_MAX)
		w->data_len = GT_DATA_MAX;
}

void devstate_note_event(struct traced *t, const void *data, size_t size)
{
	static struct gt_sysfs_write w;
	static struct gt_pm_event pm;
	static struct gt_driver_event drv;
	const struct gt_event_header *h = data;
	char bdf[PCI_BDF_LEN];

	if (size < sizeof(*h))
		return;
	switch (h->kind) {
	case GT_EV_SYSFS_WRITE:
		copy_write(&w, data, size);
		if (sysfs_write_device(&w, bdf, sizeof(bdf)))
			due(t, bdf, "write ", sysfs_write_attr(&w), GT_NAME_LEN);
		return;
	case GT_EV_BIND:
	case GT_EV_UNBIND:
	case GT_EV_PROBE_FAIL:
		memcpy(&drv, data, size < sizeof(drv) ? size : sizeof(drv));
		if (size >= sizeof(drv) && !strncmp(drv.bus, "pci", GT_BUS_LEN) &&
		    !pci_bdf_normalize(drv.device, bdf, sizeof(bdf), 0))
			due(t, bdf, "", event_kind_name(h->kind), GT_NAME_LEN);
		return;
	case GT_EV_RESET:
	case GT_EV_POWER:
		memcpy(&pm, data, size < sizeof(pm) ? size : sizeof(pm));
		if (size >= sizeof(pm) && !pci_bdf_normalize(pm.device, bdf, sizeof(bdf), 0))
			due(t, bdf, "", pm.function, GT_NAME_LEN);
		return;
	default:	/* process events: the hot path */
		return;
	}
}

void devstate_note_uevent(struct traced *t, const char *action, const char *slot)
{
	char bdf[PCI_BDF_LEN];

	if (slot && !pci_bdf_normalize(slot, bdf, sizeof(bdf), 0))
		due(t, bdf, "uevent ", action ? action : "", 32);
}

/* Same keys as the PCI snapshot records, so one reader serves both. */
int devstate_write(struct trace_writer *w, const char *bdf, const struct pci_dev_info *st,
		   uint64_t ts, const char *cause, const char *label)
{
	trace_writer_kv_begin(w, GT_REC_PCI_STATE, ts);
	trace_writer_kv_str(w, "bdf", bdf);
	trace_writer_kv_str(w, "cause", cause);
	if (label)
		trace_writer_kv_str(w, "label", label);
	if (!st) {
		trace_writer_kv_str(w, "missing", "device not present");
		return trace_writer_kv_end(w);
	}
	snapshot_pci_state_keys(w, st);
	return trace_writer_kv_end(w);
}

static void write_one(struct trace_writer *w, struct traced_dev *d, uint64_t ts,
		      const char *cause, const char *label)
{
	struct pci_dev_info st;
	bool ok = pci_read_state("/", d->bdf, &st) == 0;

	devstate_write(w, d->bdf, ok ? &st : NULL, ts, cause, label);
	d->state_ns = ts;
	d->state_due = false;
}

int devstate_flush(struct trace_writer *w, struct traced *t, uint64_t now, int force)
{
	int written = 0;

	for (size_t i = 0; i < t->n; i++) {
		struct traced_dev *d = &t->devs[i];

		if (!d->state_due ||
		    (!force && d->state_ns && now - d->state_ns < DEVSTATE_MIN_INTERVAL_NS))
			continue;
		write_one(w, d, mono_ns(), d->cause, NULL);
		written++;
	}
	return written;
}

void devstate_write_all(struct trace_writer *w, struct traced *t, uint64_t ts,
			const char *cause, const char *label)
{
	for (size_t i = 0; i < t->n; i++)
		write_one(w, &t->devs[i], ts, cause, label);
}
