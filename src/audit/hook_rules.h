/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* What a VM hook script does at run time, read statically: the rules
 * audit_hooks.c applies to each Proxmox hookscript and libvirt hook. */
#ifndef GPUTRACE_AUDIT_HOOK_RULES_H
#define GPUTRACE_AUDIT_HOOK_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "audit/audit_findings.h"
#include "audit/script_scan.h"

struct hook_ctx {
	const char *via;	/* "VM 111: hookscript: ... (/etc/pve/...:3)" */
	const char *domain;	/* libvirt domain of a qemu.d hook, NULL if unknown */
	const char *op;		/* its operation ("prepare", "release" ...), NULL if unknown */
	bool libvirt;
	/* the VM's devices when known ("0000:0a:00" = all functions) */
	const char (*devs)[PCI_BDF_LEN];
	size_t ndevs;
};

/* The scripts read in one audit run, by host path: a hookscript that many
 * VMs share is scanned once (four VMs scanned a 255 KiB one four times).
 * Zeroed is empty. */
struct hook_scans {
	struct hook_scan {
		char *path;
		struct script_scan s;
	} *v;
	size_t n, cap;
};

/* Applies hook-override-not-cleared, hook-partial-slot,
 * hook-reattach-managed and hook-background to host path PATH, its scan
 * kept in SCANS (or made for this call alone when SCANS is NULL). Returns
 * 0 or -ENOMEM. */
int hook_rules_check(struct audit *a, struct hook_scans *scans, const char *path,
		     const struct hook_ctx *c);
void hook_scans_free(struct hook_scans *scans);

#endif /* GPUTRACE_AUDIT_HOOK_RULES_H */
