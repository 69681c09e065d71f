/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Device state records (GT_REC_PCI_STATE): the traced devices' sysfs state
 * at every mark, and again after each event that names one of them (a
 * bind, an unbind, a write to its reset or power/control), so a bind that
 * "succeeded" beside a device left in D3cold shows. */
#ifndef GPUTRACE_DEVSTATE_H
#define GPUTRACE_DEVSTATE_H

#include <stddef.h>
#include <stdint.h>

#include "record/traced.h"

struct trace_writer;
struct pci_dev_info;

/* Devices re-read at most this often after events; a burst of writes to
 * one device gives one record now and one when the burst is over. */
#define DEVSTATE_MIN_INTERVAL_NS	(100 * 1000000ull)

/* The devices to follow from the start: display functions, and the
 * functions sharing their slot or IOMMU group. */
void devstate_choose(struct traced *t, const struct pci_dev_info *devs, size_t n);

/* An event as the ring buffer hands it: the device it names (a driver
 * event's device, the last PCI address of a sysfs write's path, or the
 * address written to bind/unbind/drivers_probe) joins T and is due for a
 * state record. */
void devstate_note_event(struct traced *t, const void *data, size_t size);

/* A uevent of a PCI device (PCI_SLOT_NAME) with its ACTION. */
void devstate_note_uevent(struct traced *t, const char *action, const char *slot);

/* Writes the state records that are due and not too soon; returns how many. */
int devstate_flush(struct trace_writer *w, struct traced *t, uint64_t now, int force);

/* One record per traced device, CAUSE "mark" (with the mark's LABEL). */
void devstate_write_all(struct trace_writer *w, struct traced *t, uint64_t ts,
			const char *cause, const char *label);

/* The record for ST (or, when ST is NULL, for BDF that could not be read). */
int devstate_write(struct trace_writer *w, const char *bdf, const struct pci_dev_info *st,
		   uint64_t ts, const char *cause, const char *label);

#endif
