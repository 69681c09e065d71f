/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The PCI devices a recording follows closely: their kernel log lines are
 * kept and their state is read again at marks and after their events. A
 * display function brings its whole slot and IOMMU group (the audio, USB
 * and UCSI functions of a GPU move with it); any device an event names
 * joins when the event is recorded. */
#ifndef GPUTRACE_TRACED_H
#define GPUTRACE_TRACED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sys/pci.h"

struct traced_dev {
	char bdf[PCI_BDF_LEN];	/* "0000:0a:00.0", as sysfs names it */
	uint64_t state_ns;		/* last state record written (CLOCK_MONOTONIC) */
	bool state_due;			/* an event asked for one, not written yet */
	char cause[48];			/* what asked for it */
};

struct traced {
	struct traced_dev *devs;
	size_t n, cap;
};

/* Adds BDF (sysfs form) if new; returns its entry, or NULL (bad BDF, no
 * memory). */
struct traced_dev *traced_add(struct traced *t, const char *bdf);
struct traced_dev *traced_find(const struct traced *t, const char *bdf);
void traced_free(struct traced *t);

/* Finds PCI addresses in TEXT (LEN bytes, not NUL-terminated): the full
 * form "0000:0a:00.0" and the short "0a:00.0" (AMD-Vi and some drivers
 * print that), returned in the full form. *POS starts at 0. Returns 1 with
 * BDF filled, 0 when there are no more. */
int bdf_next(const char *text, size_t len, size_t *pos, char bdf[PCI_BDF_LEN]);

#endif
