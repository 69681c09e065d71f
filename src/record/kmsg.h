/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The kernel log (/dev/kmsg) while recording: what drivers, the PCI core,
 * the IOMMU and AER say about the devices, which the sysfs writes and
 * driver transitions alone cannot tell (a probe that "succeeds" and then
 * gives up, a failed reset, an IOMMU fault). */
#ifndef GPUTRACE_KMSG_H
#define GPUTRACE_KMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record/traced.h"

/* A /dev/kmsg record is at most this long (the kernel's
 * CONSOLE_EXT_LOG_MAX); a shorter read buffer makes read(2) fail. */
#define KMSG_RECORD_MAX	8192

enum kmsg_mode {
	KMSG_DEVICES = 0,	/* the default: lines about traced devices, their
				 * drivers, IOMMU, AER and PCI */
	KMSG_ALL,
	KMSG_OFF,
};

const char *kmsg_mode_name(enum kmsg_mode m);
int kmsg_mode_parse(const char *s, enum kmsg_mode *m);	/* 0 or -EINVAL */

struct kmsg_line {
	uint64_t seq;
	uint64_t ts_us;		/* the kernel's timestamp: local_clock(), in µs */
	int level;		/* syslog priority 0 (emerg) .. 7 (debug) */
	int facility;		/* 0 kernel, 1 user, ... */
	char text[KMSG_RECORD_MAX];	/* message with \xNN escapes undone: raw bytes */
	size_t text_len;
	char device[64];	/* DEVICE= field: "+pci:0000:0a:00.0", "" if none */
	char subsystem[32];	/* SUBSYSTEM= field, "" if none */
};

/* Parses one record as read(2) returns it:
 *   "PRI,SEQ,TS_US,FLAG[,...];message\n"  then " KEY=value\n" lines.
 * Returns 0, or -EINVAL if the prefix is malformed. */
int kmsg_parse(const char *rec, size_t len, struct kmsg_line *l);

/* Why L is kept in MODE: "device" (names a traced device), "aer",
 * "iommu", "driver" (a GPU-related driver), "pci" (PCI core or any PCI
 * device), "all"; NULL when it is not. BDF gets the traced device's
 * address, or the first PCI address of the line, or "". */
const char *kmsg_keep(const struct kmsg_line *l, enum kmsg_mode mode, const struct traced *t,
		      char bdf[PCI_BDF_LEN]);

struct kmsg_reader {
	int fd;
	uint64_t next_seq;	/* 0: nothing read yet */
	uint64_t lost;		/* records the kernel overwrote before we read them */
	uint64_t seen;		/* records read */
};

/* Opens /dev/kmsg non-blocking at the current end of the log: lines from
 * now on. Returns 0 or -errno. */
int kmsg_open(struct kmsg_reader *k);

/* 1: L holds the next record; 0: none waiting; -errno on error. Records
 * the kernel dropped before we could read them (EPIPE, seq gaps) are
 * added to k->lost. */
int kmsg_read(struct kmsg_reader *k, struct kmsg_line *l);

void kmsg_close(struct kmsg_reader *k);

/* The kernel log's clock (local_clock) against CLOCK_MONOTONIC, measured
 * with one line of our own written to the log between two clock reads:
 * *OFFSET_NS = kernel - monotonic, *ERR_NS its uncertainty, *SEQ the
 * line's sequence number. Returns 0, or -errno when the line could not be
 * written or found (printk_devkmsg=off). */
int kmsg_calibrate(const char *what, int64_t *offset_ns, uint64_t *err_ns, uint64_t *seq);

struct trace_writer;

/* Begins the GT_REC_KMSG record of L (kept for WHY, about BDF) and adds its
 * pairs; the caller ends it. OFFSET_NS (kmsg_calibrate) puts the kernel's
 * timestamp on the trace's clock. */
void kmsg_record_begin(struct trace_writer *w, const struct kmsg_line *l, const char *why,
		       const char *bdf, int64_t offset_ns);

#endif
