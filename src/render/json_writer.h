/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The one JSON writer: every --json output goes through it, so escaping,
 * separators and pretty-printing are the same everywhere. */
#ifndef GPUTRACE_JSON_WRITER_H
#define GPUTRACE_JSON_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct json_writer;

/* PRETTY: indent nested values; otherwise one line per top-level value
 * (JSON Lines when several values are written). */
struct json_writer *json_new(FILE *out, bool pretty);
void json_free(struct json_writer *w);	/* ends the current line */

void json_object_start(struct json_writer *w);
void json_object_end(struct json_writer *w);
void json_array_start(struct json_writer *w);
void json_array_end(struct json_writer *w);
void json_key(struct json_writer *w, const char *key);

void json_string(struct json_writer *w, const char *s);
void json_string_len(struct json_writer *w, const char *s, size_t len);
void json_u64(struct json_writer *w, uint64_t v);
void json_s64(struct json_writer *w, int64_t v);
void json_double(struct json_writer *w, double v, int decimals);
void json_bool(struct json_writer *w, bool v);
void json_null(struct json_writer *w);

/* NUL-separated strings (an argv as the kernel keeps it) as an array. */
void json_nul_list(struct json_writer *w, const char *buf, size_t len);

/* key + value in one call, for the common object member */
void json_kv_str(struct json_writer *w, const char *key, const char *s);
void json_kv_u64(struct json_writer *w, const char *key, uint64_t v);
void json_kv_s64(struct json_writer *w, const char *key, int64_t v);
void json_kv_bool(struct json_writer *w, const char *key, bool v);

#endif
