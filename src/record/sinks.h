/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Where the records of a recording go besides the trace file, as they are
 * written: a JSON Lines stream (record --jsonl) and the systemd journal
 * (record --journal). Both are fed by the trace writer's tap, so they see
 * exactly what the file gets, across rolls too. */
#ifndef GPUTRACE_SINKS_H
#define GPUTRACE_SINKS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "trace/trace.h"

/* One record as one JSON line (render_record_json_line(), handed down by
 * the command): 0, or -ENOMEM. */
typedef int (*sink_json_line_fn)(FILE *out, const struct trace_record *rec,
				 const struct trace_clock *c);

struct sink_jsonl {
	FILE *out;		/* NULL: off */
	bool own;		/* a file we opened (not stdout) */
	sink_json_line_fn line;
	struct trace_clock clock;
	uint64_t rec_id;	/* position in the file being written */
	uint64_t lines;
	uint64_t failed;	/* lines the stream did not take (closed pipe, full disk) */
};

/* PATH "-" is standard output; LINE writes each record. Returns 0 or -errno. */
int sink_jsonl_open(struct sink_jsonl *s, const char *path, bool overwrite, sink_json_line_fn line);
void sink_jsonl_record(struct sink_jsonl *s, uint16_t type, const void *data, uint32_t len);
void sink_jsonl_flush(struct sink_jsonl *s);
void sink_jsonl_close(struct sink_jsonl *s);

struct sink_journal {
	bool on;
	bool uevent_outcomes;	/* the header says binds come as uevents */
	char trace[4096];	/* the file being written, GPUTRACE_TRACE */
	uint64_t sent;
	uint64_t failed;	/* entries journald did not take */
	int last_error;
};

/* Loads libsystemd and checks that journald listens. Returns 0, or -1
 * with a one-line reason in WHY. */
int sink_journal_open(struct sink_journal *s, char *why, size_t size);
/* Sends the record as an entry if it is a sysfs write, a driver outcome
 * (bind, unbind, probe failure, dynamic id, reset, power; a bind/unbind
 * uevent) or a mark; everything else is left out. */
void sink_journal_record(struct sink_journal *s, uint16_t type, const void *data, uint32_t len);
/* One entry of its own (the summary of `record --quiet`): PRIORITY,
 * MESSAGE, and NULL-terminated "KEY=value" fields. Returns 0 or -errno. */
int sink_journal_send(int priority, const char *message, const char *const *fields);

#endif
