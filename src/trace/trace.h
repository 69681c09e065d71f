/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Trace file access: writer (recorder side) and reader (dump, report). */
#ifndef GPUTRACE_TRACE_H
#define GPUTRACE_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "gputrace/trace_format.h"

/* ---- writer ---------------------------------------------------------- */

struct trace_writer;

/* Creates PATH (mode 0600, fails if it exists unless OVERWRITE) and writes the
 * file header. An existing PATH, a symlink included, is replaced, never
 * written through. Returns NULL with errno set. */
struct trace_writer *trace_writer_create(const char *path, bool overwrite);

/* Closes and removes the file: a recording that never started. */
void trace_writer_discard(struct trace_writer *w);

/* Buffers one record; compresses and writes a chunk when the buffer is full.
 * Returns 0, or -errno if the record could not be kept (it is counted). */
int trace_writer_append(struct trace_writer *w, uint16_t type,
			const void *payload, uint32_t len);

/* Key/value records: begin, add pairs, end (which appends the record). */
void trace_writer_kv_begin(struct trace_writer *w, uint16_t type, uint64_t ts_ns);
void trace_writer_kv_add(struct trace_writer *w, const char *key,
			 const void *val, size_t len);
void trace_writer_kv_str(struct trace_writer *w, const char *key, const char *val);
void trace_writer_kv_u64(struct trace_writer *w, const char *key, uint64_t val);
/* VAL in lower-case hex, WIDTH digits at least (PCI ids: "10de", "030000"). */
void trace_writer_kv_hex(struct trace_writer *w, const char *key, unsigned int val, int width);
void trace_writer_kv_s64(struct trace_writer *w, const char *key, int64_t val);
int trace_writer_kv_end(struct trace_writer *w);

/* The payload of the kv record being built (between begin and end), e.g. to
 * show it live before it is appended. NULL if none is open. */
const void *trace_writer_kv_payload(const struct trace_writer *w, uint32_t *len);

/* Compresses and writes whatever is buffered as one chunk. The recorder calls
 * it every ~250 ms. On a write error (ENOSPC) the file is cut back to its
 * last whole chunk and the records are counted as lost; later flushes retry.
 * Returns 0 or -errno. */
int trace_writer_flush(struct trace_writer *w);

/* Flushes, fsyncs and closes. Returns 0 or the first -errno seen. */
int trace_writer_close(struct trace_writer *w);

struct trace_writer_stats {
	uint64_t records;	/* records written to disk */
	uint64_t records_lost;	/* records dropped by write errors */
	uint64_t bytes;		/* file size */
	int last_error;		/* last -errno from write(2), 0 if none */
};
void trace_writer_stats(const struct trace_writer *w, struct trace_writer_stats *st);

/* Called with every record the writer takes, as it takes it (the recorder's
 * live streams: record --jsonl, --journal). NULL FN: none. */
typedef void (*trace_writer_tap_fn)(void *ctx, uint16_t type, const void *payload, uint32_t len);
void trace_writer_set_tap(struct trace_writer *w, trace_writer_tap_fn fn, void *ctx);

/* ---- reader ---------------------------------------------------------- */

struct trace_reader;

struct trace_record {
	uint16_t type;
	uint32_t len;
	const uint8_t *data;	/* valid until the next trace_reader_next() */
	uint64_t id;		/* 1-based position in the file: evidence ids */
};

/* Opens and checks the file header. On failure returns NULL and writes a
 * one-line reason to ERR ("not a gputrace trace", "format 2.0 is newer than
 * this gputrace reads (1.x)", "not a regular file" for a FIFO, device or
 * directory, refused without blocking, ...). */
struct trace_reader *trace_reader_open(const char *path, char *err, size_t errlen);

/* 1: REC filled; 0: end of trace (see truncated/error); -1: corrupt data,
 * reason in trace_reader_error(). */
int trace_reader_next(struct trace_reader *r, struct trace_record *rec);

bool trace_reader_truncated(const struct trace_reader *r);	/* last chunk cut off */
/* The recorder's END record was among the records read. A trace read to
 * its end without one was not finished: the recorder was killed (SIGKILL,
 * a crash, power) between two whole chunks, or is still running. */
bool trace_reader_end_seen(const struct trace_reader *r);
const char *trace_reader_error(const struct trace_reader *r);	/* NULL if none; starts with the file name */
void trace_reader_version(const struct trace_reader *r, uint16_t *major, uint16_t *minor);
void trace_reader_close(struct trace_reader *r);

/* ---- key/value payloads ------------------------------------------------ */

struct kv_pair {
	const char *key;
	uint16_t key_len;
	const uint8_t *val;
	uint32_t val_len;
};

/* Timestamp of a kv record (0 if the payload is too short). */
uint64_t kv_ts(const struct trace_record *rec);

/* Iterates pairs: *OFF starts at 0. Returns 1 with *P filled, 0 at the end,
 * -1 if the payload is malformed. */
int kv_next(const struct trace_record *rec, size_t *off, struct kv_pair *p);

/* First value for KEY copied as a NUL-terminated string into BUF (cut to
 * size); returns BUF, or NULL if absent. */
const char *kv_get(const struct trace_record *rec, const char *key, char *buf, size_t size);

/* Monotonic -> wall clock, from the trace header's pair of readings
 * (trace_clock.c): what the recorder's live lines, dump and the journal
 * reader all put times on. */
struct trace_clock {
	uint64_t mono_ns;
	uint64_t real_ns;
	bool valid;
};

uint64_t trace_clock_wall_ns(const struct trace_clock *c, uint64_t mono);

/* Learns the clock base when REC is the trace header. */
void trace_clock_update(struct trace_clock *c, const struct trace_record *rec);

#endif /* GPUTRACE_TRACE_H */
