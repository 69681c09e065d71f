/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Configuration files that decide who binds a GPU: VM configs (Proxmox,
 * libvirt), Proxmox PCI resource mappings, their hook scripts, modprobe.d,
 * driverctl, udev rules and the kernel command line. Read here; the
 * recorder copies them into the trace (record/snapshot.c) so a report made
 * on another machine sees what the host saw.
 */
#ifndef GPUTRACE_SYS_CONFIGS_H
#define GPUTRACE_SYS_CONFIGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONFIG_FILE_MAX		(256 * 1024)		/* content kept per file */
#define CONFIG_TOTAL_MAX	(8 * 1024 * 1024)	/* content per snapshot */

/* One file as read: its content, cut at CONFIG_FILE_MAX (TRUNCATED), or,
 * with no content, why not in NOTE_KEY = NOTE_VAL:
 *   missing=1   a hookscript named by a VM config that is absent or on a
 *               storage whose path is unknown (PATH is then the volume id);
 *   skipped=1   not read because CONFIG_TOTAL_MAX was reached;
 *   error=TEXT  the file exists but could not be read. */
struct config_file {
	const char *path;		/* as on the host */
	const char *hookscript;		/* Proxmox volume id that named it, or NULL */
	const char *content;		/* NULL when NOTE_KEY says why */
	size_t len;
	bool truncated;
	unsigned int mode;		/* permission bits */
	int64_t mtime;			/* seconds */
	const char *note_key, *note_val;
};

/* Calls FN for each configuration file under ROOT, in a fixed order (the
 * same host gives the same sequence). Returns the number of files read
 * whole or cut, or the first -errno FN returned. */
typedef int (*config_file_fn)(void *ctx, const struct config_file *f);
int configs_read(const char *root, config_file_fn fn, void *ctx);

/* The host path of a Proxmox snippet volume ("local:snippets/NAME") from
 * ROOT/etc/pve/storage.cfg. Returns 0, -EINVAL for a volume id that is not
 * a snippet (or climbs out of the directory), -ENOENT when the storage has
 * no known path. */
int pve_volid_path(const char *root, const char *volid, char *path, size_t size);

#endif /* GPUTRACE_SYS_CONFIGS_H */
