/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The one way a trace record is shown: a text line (live output of
 * `record`, `dump`) or a JSON object (`dump --json`). */
#ifndef GPUTRACE_RENDER_RECORD_RENDER_H
#define GPUTRACE_RENDER_RECORD_RENDER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

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

#endif
