/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Configuration files that decide who binds a GPU: VM configs (Proxmox,
 * libvirt), Proxmox PCI resource mappings, their hook scripts, modprobe.d,
 * driverctl, udev rules and the kernel command line. Copied into the trace so a report made on another
 * machine sees what the host saw.
 */
#ifndef GPUTRACE_SYS_CONFIGS_H
#define GPUTRACE_SYS_CONFIGS_H

#include <stdint.h>

struct trace_writer;

#define CONFIG_FILE_MAX		(256 * 1024)		/* content kept per file */
#define CONFIG_TOTAL_MAX	(8 * 1024 * 1024)	/* content per snapshot */

/*
 * One GT_REC_FILE record per file: phase, path (as on the host), content,
 * truncated=1 when cut at CONFIG_FILE_MAX, mode (octal text), mtime (s).
 * Records without content say why:
 *   missing=1   a hookscript named by a VM config that is absent or on a
 *               storage whose path is unknown (path is then the volume id);
 *   skipped=1   not copied because CONFIG_TOTAL_MAX was reached;
 *   error=TEXT  the file exists but could not be read.
 * A Proxmox hookscript record also has hookscript=<volume id>.
 * Returns the number of files copied or -errno if a record was lost.
 */
int snapshot_files(struct trace_writer *w, const char *root, const char *phase,
		   uint64_t ts_ns);

/* The host path of a Proxmox snippet volume ("local:snippets/NAME") from
 * ROOT/etc/pve/storage.cfg. Returns 0, -EINVAL for a volume id that is not
 * a snippet (or climbs out of the directory), -ENOENT when the storage has
 * no known path. */
int pve_volid_path(const char *root, const char *volid, char *path, size_t size);

#endif /* GPUTRACE_SYS_CONFIGS_H */
