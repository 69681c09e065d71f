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

#include "sys/pci.h"

enum audit_severity {
	AUDIT_INFO,
	AUDIT_WARN,
	AUDIT_HIGH,
};

/* How sure a finding is: the line it names does what the finding says
 * (matched), or the conclusion rests on what a static read cannot see, such
 * as addresses held in variables or which domain a dispatcher hook serves
 * (guess). */
enum audit_certainty {
	AUDIT_MATCHED,
	AUDIT_GUESS,
};

struct audit_finding {
	enum audit_severity severity;
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
	size_t nskipped;
	bool backends_probed;
	struct audit_backend backends[3];
	char chosen[16];		/* backend record would use, "" if none */
};

/* Runs every rule. Returns 0 (findings in A, possibly none) or -errno with
 * a one-line reason in ERR (root missing, a file that exists but cannot be
 * read). Free A with audit_free() in both cases. */
int audit_run(const struct audit_opts *o, struct audit *a, char *err, size_t errlen);
void audit_free(struct audit *a);

const char *audit_severity_name(enum audit_severity s);	/* "info", "warn", "high" */

/* ---- for the rule families ------------------------------------------- */

/* Returns the finding added (NULL when out of memory), for audit_detail. */
struct audit_finding *audit_add(struct audit *a, enum audit_severity sev, const char *rule,
				const char *file, int line, const char *text,
				const char *meaning, const char *hint);
/* Sets the certainty, and TRIGGER and VIA when not NULL. F may be NULL. */
void audit_detail(struct audit_finding *f, enum audit_certainty c, const char *trigger,
		  const char *via);
const char *audit_certainty_name(enum audit_certainty c);	/* "matched", "guess" */
void audit_skip(struct audit *a, const char *rule, const char *why);

/* Host drivers whose blacklisting matters (GPU and HDMI audio drivers, and
 * whatever display devices in the tree are bound to now). */
bool audit_is_host_driver(const struct audit *a, const char *module);

/* "0000:0a:00.0 (10de:1b80)" for devices matching an ids= list
 * ("10de:1b80,10de:10f0"); "" when none. */
void audit_ids_matches(const struct audit *a, const char *ids, char *buf, size_t size);

int audit_modprobe(struct audit *a, char *err, size_t errlen);
int audit_udev(struct audit *a, char *err, size_t errlen);
int audit_hooks(struct audit *a, char *err, size_t errlen);
int audit_kernel(struct audit *a, const struct audit_opts *o, char *err, size_t errlen);
int audit_boot(struct audit *a, char *err, size_t errlen);
int audit_units(struct audit *a, char *err, size_t errlen);

/* A file read failure other than "absent" as a one-line error. */
int audit_read_error(const struct audit *a, const char *path, int err, char *buf, size_t size);

#endif /* GPUTRACE_AUDIT_AUDIT_H */
