/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The one way a trace record is shown: a text line (live output of
 * `record`, `dump`) or a JSON object (`dump --json`). */
#ifndef GPUTRACE_RENDER_RECORD_RENDER_H
#define GPUTRACE_RENDER_RECORD_RENDER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "gputrace/event.h"
#include "render/json_writer.h"
#include "trace/trace.h"

/* "header", "event", "uevent", "mark", ...: JSON's "type" of a record. */
const char *render_record_type_name(uint16_t type);

void render_text_heading(FILE *out);
void render_record_text(FILE *out, const struct trace_record *rec, const struct trace_clock *c);
void render_record_json(struct json_writer *w, const struct trace_record *rec,
			const struct trace_clock *c);

/* The record as one JSON line of its own (record --jsonl): a writer per
 * line ends the line at once, so a reader of the stream never waits for
 * the next event to see this one. Returns 0, or -ENOMEM. */
int render_record_json_line(FILE *out, const struct trace_record *rec, const struct trace_clock *c);

/* A guard event as `gputrace guard` shows it the moment it is seen: the
 * write it judged, then who tried it. WALL_NS is when it was seen (wall
 * clock); ARGV (ARGV_LEN bytes, NUL-separated, 0 for none) the writer's
 * whole command line, read from /proc while it still lives. The text line
 * is "TIME DENIED what (guarded on DRV) = EPERM: pid N comm, argv "...",
 * ancestry p[1] < q[2], unit U"; the JSON object is one per event. */
void render_guard_text(FILE *out, const struct gt_guard_event *ev, uint64_t wall_ns,
		       const char *argv, size_t argv_len);
void render_guard_json(struct json_writer *w, const struct gt_guard_event *ev, uint64_t wall_ns,
		       const char *argv, size_t argv_len);

#endif
