/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* A report: the model of some traces, its findings and the VM timelines. */
#ifndef GPUTRACE_REPORT_H
#define GPUTRACE_REPORT_H

#include "findings/findings.h"

/* A row of a VM's timeline; its strings live in the report (a rebind
 * storm makes hundreds of thousands of rows). */
struct tl_row {
	uint64_t ts_ns;
	const char *vm;		/* the model's VM id */
	const char *what;	/* "0000:0a:00.0 vfio-pci -> nouveau" */
	const char *who;	/* "gpu-reattach-ho[5120] < qm[5100]", "" */
	bool after_hook;	/* delay_s is after the last hook's exit */
	double delay_s;
	uint64_t rec_id;
};

/* A device transition ("0000:0a:00.0 -> vfio-pci by gpu-watchdog") and the
 * phases it happened in (bit i: phase i): phases are compared by these. */
struct phase_sig {
	char sig[160];
	unsigned phases;
};

struct report {
	struct model m;
	struct custody_set c;
	struct findings f;
	struct tl_row *rows;
	size_t n_rows, cap_rows;
	struct text_store text;		/* the rows' strings */
	struct {			/* the last task named in a row: a storm's
					 * rows are mostly one writer's */
		bool set, inferred;
		struct gt_task task;
		char who[96];
	} who_memo;
	bool oom;			/* a row or phase could not be kept */
	const char *vm, *device;
	const struct m_phase *phase;	/* --phase: only its window */
	bool no_logs;
	struct phase_sig *sigs;
	size_t n_sigs, cap_sigs;
};

/* Loads TRACES and analyses them. Returns 0, or -errno with a one-line
 * reason in ERR: -EINVAL for a device that is not a PCI address, -ENOENT
 * for a VM, phase or device the traces do not have (the reason lists the
 * known), another -errno for a trace that cannot be read. */
struct report_opts {
	const char *vm, *device, *hook_pattern, *phase;
	bool all_users;		/* VMs and hooks of any user, not only root's */
	bool no_logs;		/* no kernel or journal lines in the timeline */
};

int report_build(struct report *r, const char *const *traces, int n, const struct report_opts *o,
		 char *err, size_t errlen);
void report_free(struct report *r);

/* The device's last recorded state in phase P (NULL: none). */
const struct m_devstate *report_phase_state(const struct report *r, size_t p, const char *bdf);

/* Is BDF one the report is about: --device's, or a device of a run of
 * --vm's VM (any device without them)? */
bool report_shows_device(const struct report *r, const char *bdf);

/* "QEMU pid 266, daemonized from 254" (the pid its pidfile names first),
 * or "QEMU pid 254", into BUF. */
const char *report_qemu_pid(const struct m_vm *vm, char *buf, size_t size);

/* Attribute I (0..REPORT_STATE_ATTRS-1) of a device state: its name and value. */
#define REPORT_STATE_ATTRS 9
const char *report_state_attr(const struct m_devstate *d, int i, const char **name);

/* Whether any finding is above INFO (`report` then exits with
 * EXIT_FINDINGS). */
bool report_has_findings(const struct report *r);

#endif
