/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Facts about the running (or copied) kernel: release, command line, and
 * which modules are built in. */
#ifndef GPUTRACE_SYS_KERNEL_H
#define GPUTRACE_SYS_KERNEL_H

#include <stddef.h>

#define KERNEL_CMDLINE_MAX	8192

/* uname -r on the live system; ROOT/proc/sys/kernel/osrelease otherwise.
 * Returns 0 or -errno. */
int kernel_release(const char *root, char *buf, size_t size);

/* The running kernel's boot id (/proc/sys/kernel/random/boot_id) without
 * its newline. Returns 0 or -errno ("" then). */
int kernel_boot_id(char *buf, size_t size);

/* ROOT/proc/cmdline without its newline. Returns 0 or -errno. */
int kernel_cmdline(const char *root, char *buf, size_t size);

/* Iterates the words of a kernel command line as the kernel splits them:
 * blanks separate, double quotes group ("a=\"x y\""), and are removed.
 * *POS starts at 0. Returns 1 with WORD filled, 0 at the end. */
int cmdline_next(const char *cmdline, size_t *pos, char *word, size_t size);

/* Whether MODULE ("vfio-pci" or "vfio_pci": both spellings match) is listed
 * in ROOT/lib/modules/RELEASE/modules.builtin (or /usr/lib/modules). Returns
 * 1, 0, or -errno when the file is absent or unreadable. On success *PATH
 * (if not NULL) gets the host path of the file read. */
int kernel_module_builtin(const char *root, const char *release, const char *module,
			  char *path, size_t size);

/* Module names compare with '-' and '_' equal, as kmod does. */
int module_name_eq(const char *a, const char *b);
int module_name_eqn(const char *a, const char *b, size_t blen);

/* Is the bpf LSM in the kernel's active list (/sys/kernel/security/lsm,
 * securityfs mounted first if needed)? 1 yes, 0 no, -errno unknown; WHY
 * gets one line either way. */
int kernel_bpf_lsm_active(char *why, size_t size);

#endif /* GPUTRACE_SYS_KERNEL_H */
