/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * On-disk layout of a gputrace trace file (docs/trace-format.md explains it).
 *
 *   file   := file_header chunk*
 *   chunk  := chunk_header deflate(record*)      (zlib stream, one per chunk)
 *   record := rec_header payload[len]
 *
 * Chunks are independent and written with one write(2) each, a few times a
 * second, so a recorder killed with SIGKILL or stopped by a full disk leaves
 * every earlier chunk readable; the reader reports a cut-off last chunk as
 * "truncated" rather than failing. Records never span chunks.
 */
#ifndef GPUTRACE_TRACE_FORMAT_H
#define GPUTRACE_TRACE_FORMAT_H

#include <stdint.h>

#define GT_FILE_MAGIC		"GPUTRACE"	/* 8 bytes, no NUL */
#define GT_FORMAT_MAJOR		1	/* readers refuse a newer major */
#define GT_FORMAT_MINOR		2	/* minor bumps only add records/fields */
#define GT_CHUNK_MAGIC		0x4b435447u	/* "GTCK" little-endian */
#define GT_CHUNK_MAX		(1u << 20)	/* uncompressed bytes per chunk, at most */

struct gt_file_header {
	char magic[8];
	uint16_t major;
	uint16_t minor;
	uint32_t flags;		/* reserved, 0 */
};

struct gt_chunk_header {
	uint32_t magic;		/* GT_CHUNK_MAGIC */
	uint32_t clen;		/* compressed bytes that follow */
	uint32_t ulen;		/* bytes of records once inflated */
	uint32_t crc;		/* crc32 of the inflated bytes */
};

struct gt_rec_header {
	uint16_t type;		/* enum gt_rec_type */
	uint16_t flags;		/* reserved, 0 */
	uint32_t len;		/* payload bytes that follow */
};

/*
 * GT_REC_EVENT holds one kernel event (include/gputrace/event.h) verbatim.
 * Every other type is a key/value record:
 *
 *   payload := ts_ns:u64  pair*
 *   pair    := key_len:u16 val_len:u32 key[key_len] val[val_len]
 *
 * Keys are ASCII, values are bytes (usually text, never NUL-terminated).
 * Unknown keys and unknown record types are skipped by readers.
 */
enum gt_rec_type {
	GT_REC_HEADER	 = 1,	/* kv: first record; version, kernel, host, clocks */
	GT_REC_EVENT	 = 2,	/* struct gt_event_header + kind-specific body */
	GT_REC_UEVENT	 = 3,	/* kv: a kernel uevent (ACTION, DEVPATH, DRIVER, ...) */
	GT_REC_MARK	 = 4,	/* kv: label, pid, comm of `gputrace mark` */
	GT_REC_PCI	 = 5,	/* kv: one PCI device of a snapshot */
	GT_REC_PROCESS	 = 6,	/* kv: one process of a snapshot */
	GT_REC_FILE	 = 7,	/* kv: one configuration file of a snapshot */
	GT_REC_COUNTERS	 = 8,	/* kv: counters so far (lost events, bytes) */
	GT_REC_END	 = 9,	/* kv: clean end of recording */
	GT_REC_KMSG	 = 10,	/* kv: a kernel log line (1.1) */
	GT_REC_PCI_STATE = 11,	/* kv: one device's state at a mark or after its event (1.1) */
	GT_REC_JOURNAL	 = 12,	/* kv: a systemd journal entry of a traced process or unit (1.1) */
	GT_REC_TYPE_MAX,
};

#endif /* GPUTRACE_TRACE_FORMAT_H */
