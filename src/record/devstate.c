// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "model/event.h"
#include "record/devstate.h"
#include "sys/pci.h"
#include "trace/trace.h"
#include "util.h"

/* "0000:0a:00" of "0000:0a:00.1": the functions of one card share it. */
static bool same_slot(const char *a, const char *b)
{
	const char *da = strrchr(a, '.'), *db = strrchr(b, '.');

	return da && db && da - a == db - b && !memcmp(a, b, da - a);
}

static bool is_display(const struct pci_dev_state *d)
{
	return (d->class >> 16) == 0x03;
}

void devstate_choose(struct traced *t, const struct pci_dev_state *devs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!is_display(&devs[i]))
			continue;
		for (size_t j = 0; j < n; j++)
			if (j == i || same_slot(devs[i].bdf, devs[j].bdf) ||
			    (devs[i].iommu_group[0] &&
			     !strcmp(devs[i].iommu_group, devs[j].iommu_group)))
				traced_add(t, devs[j].bdf);
	}
}

static void due(struct traced *t, const char *bdf, const char *cause)
{
	struct traced_dev *d = traced_add(t, bdf);

	if (!d)
		return;
	d->state_due = true;
	snprintf(d->cause, sizeof(d->cause), "%s", cause);
}

/* The device a sysfs write is about: the last PCI address in its path
 * (".../0000:00:01.0/0000:01:00.0/reset" is 01:00.0's), else the one
 * written (bind, unbind, drivers_probe, remove of a bus). */
static int write_device(const struct gt_sysfs_write *w, char bdf[TRACED_BDF_LEN])
{
	char path[768], cur[TRACED_BDF_LEN];
	size_t pos = 0;
	int found = 0;

	sysfs_write_path(w, path, sizeof(path));
	while (bdf_next(path, strlen(path), &pos, cur)) {
		memcpy(bdf, cur, TRACED_BDF_LEN);
		found = 1;
	}
	pos = 0;
	return found || bdf_next(w->data, w->data_len < GT_DATA_MAX ? w->data_len : GT_DATA_MAX,
				 &pos, bdf);
}

void devstate_note_event(struct traced *t, const void *data, size_t size)
{
	static union gt_event_any ev;
	const struct gt_event_header *h = data;
	char bdf[TRACED_BDF_LEN], cause[48];

	/* Cheap test first: process events are the hot path. */
	if (size < sizeof(*h) || (h->kind != GT_EV_SYSFS_WRITE && h->kind != GT_EV_BIND &&
				  h->kind != GT_EV_UNBIND && h->kind != GT_EV_PROBE_FAIL &&
				  h->kind != GT_EV_RESET && h->kind != GT_EV_POWER))
		return;
	event_decode(data, size, &ev);
	if (h->kind == GT_EV_RESET || h->kind == GT_EV_POWER) {
		if (pci_bdf_normalize(ev.pm.device, bdf, sizeof(bdf), 0))
			return;
		snprintf(cause, sizeof(cause), "%.*s", GT_NAME_LEN, ev.pm.function);
	} else if (h->kind == GT_EV_SYSFS_WRITE) {
		if (!write_device(&ev.write, bdf))
			return;
		snprintf(cause, sizeof(cause), "write %.*s", GT_NAME_LEN,
			 sysfs_write_attr(&ev.write));
	} else {
		if (strncmp(ev.drv.bus, "pci", GT_BUS_LEN) ||
		    pci_bdf_normalize(ev.drv.device, bdf, sizeof(bdf), 0))
			return;
		snprintf(cause, sizeof(cause), "%s", event_kind_name(h->kind));
	}
	due(t, bdf, cause);
}

void devstate_note_uevent(struct traced *t, const char *action, const char *slot)
{
	char bdf[TRACED_BDF_LEN], cause[48];

	if (!slot || pci_bdf_normalize(slot, bdf, sizeof(bdf), 0))
		return;
	snprintf(cause, sizeof(cause), "uevent %s", action ? action : "");
	due(t, bdf, cause);
}

static void kv_hex(struct trace_writer *w, const char *key, unsigned int v, int width)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%0*x", width, v);
	trace_writer_kv_str(w, key, buf);
}

/* Same keys as the PCI snapshot records, so one reader serves both. */
int devstate_write(struct trace_writer *w, const char *bdf, const struct pci_dev_state *st,
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
	kv_hex(w, "vendor", st->vendor, 4);
	kv_hex(w, "device", st->device, 4);
	kv_hex(w, "class", st->class, 6);
	trace_writer_kv_str(w, "driver", st->driver);
	trace_writer_kv_str(w, "driver_override", st->driver_override);
	trace_writer_kv_str(w, "power_state", st->power_state);
	trace_writer_kv_str(w, "runtime_status", st->runtime_status);
	trace_writer_kv_str(w, "enable", st->enable);
	trace_writer_kv_str(w, "d3cold_allowed", st->d3cold_allowed);
	trace_writer_kv_str(w, "reset_method", st->reset_method);
	trace_writer_kv_str(w, "iommu_group", st->iommu_group);
	trace_writer_kv_str(w, "boot_vga", st->boot_vga);
	trace_writer_kv_str(w, "link_speed", st->link_speed);
	trace_writer_kv_str(w, "link_width", st->link_width);
	return trace_writer_kv_end(w);
}

static void write_one(struct trace_writer *w, struct traced_dev *d, uint64_t ts,
		      const char *cause, const char *label)
{
	struct pci_dev_state st;
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
