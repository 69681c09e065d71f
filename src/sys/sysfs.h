/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The one sysfs/procfs reader of the project. Every function takes ROOT, so
 * tests and `--root` can point at a copied or fake tree: PATH (absolute) is
 * looked up inside it as rootfs.h does, every link resolved inside it too,
 * so nothing outside the tree is read; NULL, "" and "/" all mean the live
 * system.
 * Reads are bounded by the caller's buffer and never block on FIFOs.
 */
#ifndef GPUTRACE_SYS_SYSFS_H
#define GPUTRACE_SYS_SYSFS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sys/rootfs.h"	/* what ROOT means; sys_root_is_live() */

/* Reads from FD until EOF or SIZE bytes (retrying EINTR). Returns the byte
 * count or -errno. */
ssize_t sys_read_fd(int fd, void *buf, size_t size);

/* Reads at most SIZE bytes of PATH under ROOT, binary. Returns the byte
 * count or -errno. */
ssize_t sys_read_file(const char *root, const char *path, void *buf, size_t size);

/* Reads a text attribute into BUF, NUL-terminated, one trailing newline
 * removed. Returns its length, or -errno; -EOVERFLOW if it does not fit. */
int sysfs_read(const char *root, const char *path, char *buf, size_t size);

/* Basename of a symlink's target ("nouveau" for .../drivers/nouveau, "14"
 * for .../iommu_groups/14). Returns its length or -errno. */
int sysfs_read_link(const char *root, const char *path, char *buf, size_t size);

/* A hex attribute such as "0x10de" or "0x030000". Returns 0, -errno, or
 * -EINVAL when the text is not a number. */
int sysfs_read_hex(const char *root, const char *path, uint32_t *val);

#endif /* GPUTRACE_SYS_SYSFS_H */
