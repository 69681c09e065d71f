/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* A trace file watched while a live command writes it (record, guard -o):
 * a failing disk is said on stderr when writes start failing and once
 * they succeed again, not only in the closing summary. */
#ifndef GPUTRACE_DISK_WATCH_H
#define GPUTRACE_DISK_WATCH_H

#include <stdbool.h>
#include <stdint.h>

struct trace_writer;

struct disk_watch {
	/* the writer's counters at the last look */
	uint64_t lost_seen, written_seen;
	bool failing;
};

enum disk_change {
	DISK_SAME,
	DISK_FAILING,		/* writes started failing: said */
	DISK_WRITING_AGAIN,	/* they succeed again: said */
};

/* Looks at W's counters (after a flush) against the last look; warns
 * about PATH when writes start failing (GOES_ON: what the command does
 * meanwhile, "recording goes on") and when they succeed again. */
enum disk_change disk_watch_look(struct disk_watch *dw, const struct trace_writer *w,
				 const char *path, const char *goes_on);

/* The command went on to a new file (a roll): its counters start at 0; a
 * failing disk is still failing until the new file is written. */
void disk_watch_new_file(struct disk_watch *dw);

#endif
