/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The contract between `gputrace guard` and its BPF program
 * (bpf/guard/guard.bpf.c): the map keys and values userspace fills. The
 * guard's events are in event.h (GT_EV_GUARD), like every other event.
 */
#ifndef GPUTRACE_GUARD_H
#define GPUTRACE_GUARD_H

#ifndef __BPF__
#include <linux/types.h>
#endif

#include "gputrace/event.h"

#define GT_GUARD_DEVS_MAX	64
#define GT_GUARD_ALLOWED_MAX	1024
#define GT_GUARD_PATTERN_MAX	64	/* bytes of an argv pattern (start detection) */
#define GT_GUARD_ARGV_SCAN	256	/* argv bytes searched for it */

/* The sysfs attributes the guard judges (gt_guard_attrs map values). */
enum gt_guard_attr {
	GT_GATTR_OVERRIDE = 1,	/* devices/BDF/driver_override */
	GT_GATTR_REMOVE,	/* devices/BDF/remove */
	GT_GATTR_UNBIND,	/* drivers/DRV/unbind, value BDF */
	GT_GATTR_BIND,		/* drivers/DRV/bind, value BDF */
	GT_GATTR_NEW_ID,	/* drivers/DRV/new_id, value "vvvv dddd ..." */
};

/* A protected function (gt_guard_devs, key: its BDF, zero-padded). */
struct gt_guard_dev {
	char host_driver[GT_NAME_LEN];
	__u32 vendor;
	__u32 device;
	__u8 armed;		/* 1: on its host driver, guarded */
	__u8 pad[7];
};

/* gt_guard_ids key: a protected function's ids, for new_id. */
struct gt_guard_id {
	__u32 vendor;
	__u32 device;
};

/* gt_guard_exes key: an --allow executable. */
struct gt_guard_exe {
	__u64 dev;		/* the kernel's s_dev (not st_dev's encoding) */
	__u64 ino;
};

/* gt_guard_starts value, key: the comm of a process whose exec starts the
 * VM (qm, the libvirt hook "qemu"). The exec opens a window when its argv
 * holds PATTERN (NUL-separated words, with a NUL before the first). */
struct gt_guard_start {
	char pattern[GT_GUARD_PATTERN_MAX];
	__u8 len;
	__u8 allow_parent;	/* 1: the window is the parent's (the libvirt daemon) */
	__u8 pad[6];
};

#endif /* GPUTRACE_GUARD_H */
