/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * `gputrace check`: what on this host (or a copied tree) will rebind a GPU
 * later. Each rule family lives in its own file (audit_modprobe.c,
 * audit_udev.c, audit_hooks.c with hook_rules.c, audit_kernel.c,
 * audit_boot.c, audit_units.c) and adds findings that say where the setting
 * is (file and line), what it does to rebinding, and what to do about it.
 * docs/status-check-bundle.md lists every rule.
 */
#ifndef GPUTRACE_AUDIT_AUDIT_H
#define GPUTRACE_AUDIT_AUDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "severity.h"
#include "sys/bpf_features.h"
#include "sys/pci.h"

/* How sure a finding is: the line it names does what the finding says
 * (matched), or the conclusion rests on what a static read cannot see, such
 * as addresses held in variables or which domain a dispatcher hook serves
 * (guess). */
enum audit_certainty {
	AUDIT_MATCHED,
	AUDIT_GUESS,
};

struct audit_finding {
	enum severity severity;
	const char *rule;	/* "vfio-ids-modprobe", ... (static) */
	char *file;		/* host path, "" when not from a file */
	int line;		/* 1-based, 0 when not a line of a file */
	char *text;		/* the line (or value) that sets it */
	char *meaning;		/* what it does to rebinding */
	char *hint;		/* what to do about it */
	enum audit_certainty certainty;
	char *trigger;		/* what runs it: "boot (multi-user.target)", NULL if n/a */
	char *via;		/* the unit or config that leads to FILE, NULL if n/a */
};

/* A rule that could not be evaluated, and why ("--root: not probed"). */
struct audit_skip {
	const char *rule;
	char *why;
};

struct audit_backend {
	const char *name;	/* "fentry", "kprobe", "tracepoint" */
	bool ok;
	char why[128];
};

struct audit_opts {
	const char *root;		/* NULL or "/" for the live system */
	const char *kernel_release;	/* NULL: from the tree (or uname) */
	bool probe_backends;		/* backend-support: live system only */
};

struct audit {
	const char *root;		/* NULL for the live system */
	char release[128];		/* "" when unknown */
	struct pci_dev_info *devs;	/* for "matches 0000:0a:00.0" */
	size_t ndevs;
	struct audit_finding *f;
	size_t n, cap;
	struct audit_skip *skipped;
	size_t nskipped, capskipped;
	bool backends_probed;
	struct audit_backend backends[GT_BACKENDS_N];
	char chosen[16];		/* backend record would use, "" if none */
};

/* Runs every rule. Returns 0 (findings in A, possibly none) or -errno with
 * a one-line reason in ERR (root missing, a file that exists but cannot be
 * read). Free A with audit_free() in both cases. */
int audit_run(const struct audit_opts *o, struct audit *a, char *err, size_t errlen);
void audit_free(struct audit *a);		/* audit_findings.c */

const char *audit_certainty_name(enum audit_certainty c);	/* "matched", "guess" */

/* The rule families audit_run() runs, one file each. Each returns 0 or
 * -errno with a one-line reason in ERR, and adds its findings through
 * audit_findings.h. */
int audit_modprobe(struct audit *a, char *err, size_t errlen);
int audit_udev(struct audit *a, char *err, size_t errlen);
int audit_hooks(struct audit *a, char *err, size_t errlen);
int audit_kernel(struct audit *a, const struct audit_opts *o, char *err, size_t errlen);
int audit_boot(struct audit *a, char *err, size_t errlen);
int audit_units(struct audit *a, char *err, size_t errlen);

#endif /* GPUTRACE_AUDIT_AUDIT_H */
