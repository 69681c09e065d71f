/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The record loop: BPF events, uevents and marks into one trace file. */
#ifndef GPUTRACE_RECORDER_H
#define GPUTRACE_RECORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "record/kmsg.h"
#include "sys/bpf_features.h"
#include "trace/trace.h"

/* Live output: the record layer does not render, the command hands it the
 * renderer (src/render/record_render.h) through these. */
struct recorder_live {
	void (*heading)(FILE *out);
	void (*line)(FILE *out, const struct trace_record *rec, const struct trace_clock *c);
	/* --jsonl: one record as one JSON line; 0 or -ENOMEM */
	int (*json_line)(FILE *out, const struct trace_record *rec, const struct trace_clock *c);
};

struct recorder_opts {
	const char *path;	/* NULL: gputrace-HOST-YYYYmmdd-HHMMSS.gtrace */
	bool overwrite;
	double duration;	/* seconds, 0 = until SIGINT/TERM/QUIT */
	enum gt_backend backend;
	bool quiet;		/* no live event lines */
	const struct recorder_live *live;	/* NULL: none either */
	bool dry_run;		/* show the plan, attach nothing */
	int verbose;		/* libbpf log */
	size_t ringbuf_bytes;
	const char *cmdline;	/* how we were invoked, kept in the header */
	enum kmsg_mode kmsg;	/* kernel log lines kept (default devices) */
	bool journal_off;	/* no journal entries */
	bool pm_hooks;		/* fentry: hook the PCI reset and power-state functions */
	const char *journal_dir;	/* a journal directory; NULL: the system's */
	bool has_mark_group;	/* --mark-group: this group may mark too */
	gid_t mark_group;
	uint64_t max_size;	/* roll to the next file past this many bytes; 0: never */
	unsigned int keep;	/* files of the set kept at most; 0: all */
	const char *jsonl;	/* --jsonl FILE or "-": every record as a JSON line */
	bool journal_send;	/* --journal: writes, outcomes and marks as journal entries */
};

/* Returns an exit code (util.h). */
int recorder_run(const struct recorder_opts *o);

#endif
