/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* What a VM hook script does at run time, read statically: the rules
 * audit_hooks.c applies to each Proxmox hookscript and libvirt hook. */
#ifndef GPUTRACE_AUDIT_HOOK_RULES_H
#define GPUTRACE_AUDIT_HOOK_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "audit/audit_findings.h"

struct hook_ctx {
	const char *via;	/* "VM 111: hookscript: ... (/etc/pve/...:3)" */
	const char *domain;	/* libvirt domain of a qemu.d hook, NULL if unknown */
	const char *op;		/* its operation ("prepare", "release" ...), NULL if unknown */
	bool libvirt;
	/* the VM's devices when known ("0000:0a:00" = all functions) */
	const char (*devs)[PCI_BDF_LEN];
	size_t ndevs;
};

/* Applies hook-override-not-cleared, hook-partial-slot,
 * hook-reattach-managed and hook-background to host path PATH. Returns 0
 * or -ENOMEM. */
int hook_rules_check(struct audit *a, const char *path, const struct hook_ctx *c);

#endif /* GPUTRACE_AUDIT_HOOK_RULES_H */
