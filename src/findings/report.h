/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* A report: the model of some traces, its findings and the VM timelines. */
#ifndef GPUTRACE_REPORT_H
#define GPUTRACE_REPORT_H

#include <stdio.h>

#include "findings/findings.h"

struct tl_row {
	uint64_t ts_ns;
	char vm[64];
	char what[768];		/* "0000:0a:00.0 vfio-pci -> nouveau" */
	char who[96];		/* "gpu-reattach-ho[5120] < qm[5100]" */
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
	const char *vm, *device;
	const struct m_phase *phase;	/* --phase: only its window */
	bool no_logs;
	struct phase_sig *sigs;
	size_t n_sigs, cap_sigs;
};

/* Loads TRACES and analyses them. Returns 0, or an exit code (util.h) with
 * a one-line reason in ERR (unreadable trace, unknown --vm: lists the known). */
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

/* Attribute I (0..REPORT_STATE_ATTRS-1) of a device state: its name and value. */
#define REPORT_STATE_ATTRS 9
const char *report_state_attr(const struct m_devstate *d, int i, const char **name);

/* 0: no findings beyond INFO; EXIT_FINDINGS: some. */
int report_exit_code(const struct report *r);

void report_render_text(FILE *out, const struct report *r, bool markdown, bool color);
void report_render_json(FILE *out, const struct report *r, bool pretty);
/* One self-contained page: pictures of the trace and of each stop, then
 * findings and timeline (src/render/report_html.c). */
void report_render_html(FILE *out, const struct report *r);

/* The custody story of one device (--explain), run by run. */
void report_render_explain(FILE *out, const struct report *r, const char *bdf);

/* All in one, for `bundle`: FORMAT is "text", "md", "json" or "html". Returns the
 * same codes as the report command. */
int report_render_files(const char *const *traces, int ntraces, const char *vm,
			const char *format, FILE *out, char *err, size_t errlen);

#endif
