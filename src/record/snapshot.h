/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The live system stored in the trace at start and end: what src/sys
 * reads (PCI devices, processes, configuration files), written as records
 * here, so the live views (`status`, `check`) and the trace share readers. */
#ifndef GPUTRACE_RECORD_SNAPSHOT_H
#define GPUTRACE_RECORD_SNAPSHOT_H

#include <stdint.h>

struct trace_writer;
struct pci_dev_info;

/* One GT_REC_PCI record per device. PHASE is "start" or "end". Returns the
 * number of devices written or -errno (scan failed or a record was lost). */
int snapshot_pci(struct trace_writer *w, const char *root, const char *phase,
		 uint64_t ts_ns);

/* The keys of device D that a PCI record and a PCI_STATE record
 * (devstate.c) share: vendor, device and class (hex), then the attributes
 * that change while it is rebound, sysfs text ("" when absent). One
 * writer, so the model's one reader serves both records. */
void snapshot_pci_state_keys(struct trace_writer *w, const struct pci_dev_info *d);

/* One GT_REC_PROCESS record per process in ROOT/proc, by ascending pid.
 * Processes that exit during the scan are skipped. Returns the number of
 * processes written or -errno (/proc unreadable or a record was lost). */
int snapshot_processes(struct trace_writer *w, const char *root,
		       const char *phase, uint64_t ts_ns);

/* One GT_REC_FILE record per configuration file (sys/configs.h): phase,
 * path (as on the host), hookscript=<volume id> for a Proxmox hookscript,
 * then content, truncated=1 when cut, mode (octal text), mtime (s); or,
 * without content, the note saying why (missing=1, skipped=1, error=TEXT).
 * Returns the number of files copied or -errno if a record was lost. */
int snapshot_files(struct trace_writer *w, const char *root, const char *phase,
		   uint64_t ts_ns);

#endif
