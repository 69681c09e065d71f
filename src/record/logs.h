/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* What the kernel and the processes said while recording: the kernel log
 * (kmsg.c) and the systemd journal (journal.c), as one part of the
 * recorder: opened before the probes, drained in its loop, summed up in
 * its header, counters and end record. */
#ifndef GPUTRACE_LOGS_H
#define GPUTRACE_LOGS_H

#include <stdbool.h>
#include <stdint.h>

#include "record/journal.h"
#include "record/kmsg.h"
#include "record/traced.h"

struct trace_writer;
struct trace_clock;

struct logs_opts {
	enum kmsg_mode kmsg;
	bool journal_off;
	const char *journal_dir;	/* NULL: the host's journal */
};

struct logs {
	struct logs_opts o;
	struct kmsg_reader km;
	char kmsg_why[128];		/* why none or degraded, "" if all is well */
	int64_t kmsg_offset_ns;		/* kernel log clock - CLOCK_MONOTONIC */
	uint64_t kmsg_err_ns;		/* its uncertainty; 0: not calibrated */
	int64_t end_offset_ns;		/* the same measured at the end */
	uint64_t end_err_ns;
	uint64_t kmsg_lines;
	struct journal *journal;
	struct journal_who who;
	char journal_why[192];
	char boot_id[40];		/* this boot's, without dashes, as journald has it */
	uint64_t journal_entries, journal_seen;
};

/* Called when a record is complete but for its end: shows it live. */
typedef void (*logs_show_fn)(void *ctx, uint16_t type);

/* Opens what O asks for; what cannot be had is said once on stderr and
 * kept for the header. Never fails. */
void logs_open(struct logs *l, const struct logs_opts *o);

/* Adds the fds to poll to EP. Returns 0 or -errno. */
int logs_add_epoll(struct logs *l, int ep);

/* An event from the ring buffer: its processes and unit become the
 * journal's "who". */
void logs_note_event(struct logs *l, const void *data, size_t size);

/* Writes the records of what is waiting. */
void logs_drain(struct logs *l, struct trace_writer *w, const struct traced *t,
		const struct trace_clock *clock, logs_show_fn show, void *ctx);

/* Header, counters and end record keys (docs/trace-format.md). */
void logs_header_keys(const struct logs *l, struct trace_writer *w);
void logs_counter_keys(const struct logs *l, struct trace_writer *w);
void logs_end_keys(struct logs *l, struct trace_writer *w);

/* Lost kernel log lines, for the summary. */
uint64_t logs_lost(const struct logs *l);

/* Measures the clock again at the end (before the last drain). */
void logs_stopping(struct logs *l);

void logs_close(struct logs *l);

#endif
