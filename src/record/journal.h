/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The systemd journal while recording, through sd-journal: what the hooks,
 * VM scopes, monitors and udev workers the trace shows said themselves
 * ("GPU reattached: success") beside what the kernel saw them do. */
#ifndef GPUTRACE_JOURNAL_H
#define GPUTRACE_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct trace_writer;
struct trace_clock;

/* The processes and units whose entries are kept: the tasks acting on
 * devices (writes, driver events, dynamic ids) and their ancestors, and
 * the units of every task an event names, exec'd processes included. */
struct journal_who {
	uint32_t *pids;		/* open addressing, 0 = empty */
	size_t pid_cap, n_pids;
	char (*units)[64];
	size_t n_units, unit_cap;
};

bool journal_who_add_pid(struct journal_who *w, uint32_t pid);
bool journal_who_has_pid(const struct journal_who *w, uint32_t pid);
bool journal_who_add_unit(struct journal_who *w, const char *unit, size_t len);
bool journal_who_has_unit(const struct journal_who *w, const char *unit, size_t len);
void journal_who_free(struct journal_who *w);

/* An event from the ring buffer: its task, ancestors and unit join W. */
void journal_who_note_event(struct journal_who *w, const void *data, size_t size);

struct journal;
struct gt_probe_result;

/* Opens the journal at its end: DIR, or the local system's when NULL.
 * Returns NULL with a one-line reason in WHY when there is none (no
 * libsystemd, no journal files: no journald on this host). */
struct journal *journal_open(const char *dir, char *why, size_t size);

/* Whether this host's journal opens, for `features` and `record --dry-run`
 * (the kernel's own probes are sys/bpf_features.c's). */
void journal_probe(struct gt_probe_result *r);

/* An fd to poll for new entries (inotify), or -1. */
int journal_fd(struct journal *j);

/* Writes a GT_REC_JOURNAL record for each new entry of a process or unit
 * in W. BOOT_ID is this boot's (entries of this boot carry CLOCK_MONOTONIC
 * times); CLOCK converts the others' wall-clock times. Returns the number
 * of records written (a read error is said once on stderr; what was
 * written before it counts). *SEEN counts entries read. */
int journal_drain(struct journal *j, struct trace_writer *w, const struct journal_who *who,
		  const char *boot_id, const struct trace_clock *clock, uint64_t *seen,
		  void (*show)(void *ctx, uint16_t type), void *ctx);

void journal_close(struct journal *j);

#endif
