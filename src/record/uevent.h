/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Kernel uevents (NETLINK_KOBJECT_UEVENT): every bind/unbind/add/remove the
 * driver core announces, including kernel-initiated ones. They carry no
 * pid, but they are the tracepoint backend's only view of driver-core
 * outcomes, and every backend keeps them for add/remove and module loads. */
#ifndef GPUTRACE_UEVENT_H
#define GPUTRACE_UEVENT_H

#include <stddef.h>
#include <stdint.h>

#define GT_UEVENT_MAX 8192

struct gt_uevent {
	uint64_t ts_ns;		/* CLOCK_MONOTONIC when received */
	size_t len;
	char buf[GT_UEVENT_MAX];	/* "action@devpath\0KEY=VALUE\0..." */
};

/* Returns a nonblocking netlink socket or -errno. */
int uevent_open(void);

/* 1: *EV holds a uevent of a subsystem we keep (pci, module); 0: nothing
 * (more) waiting; -ENOBUFS: the kernel dropped uevents (socket overrun,
 * count it); other -errno on error. Uninteresting uevents are skipped. */
int uevent_read(int fd, struct gt_uevent *ev);

/* Iterates KEY=VALUE strings of EV: *OFF starts at 0. */
int uevent_next(const struct gt_uevent *ev, size_t *off, const char **key, size_t *klen,
		const char **val);

#endif
