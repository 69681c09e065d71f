/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* A running recorder's state, for `gputrace status`: /run/gputrace/
 * record-PID.state, "key=value" lines, rewritten (made aside, renamed in
 * place) about once a second and removed at exit. A file whose recorder
 * is gone (SIGKILL) is left, and skipped by readers: they check the pid. */
#ifndef GPUTRACE_SYS_STATE_FILE_H
#define GPUTRACE_SYS_STATE_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define STATE_DIR	"/run/gputrace"

struct recorder_state {
	pid_t pid;
	char file[4096];	/* the trace being written now */
	char first[4096];	/* the first file of its set */
	uint64_t files;		/* files of the set so far (1 without a roll) */
	uint64_t size;		/* bytes of the current file */
	uint64_t bytes;		/* bytes of every file written so far */
	uint64_t events, lost;
	uint64_t started_ns, updated_ns;	/* wall clock */
	char backend[16];
	char jsonl[4096];	/* "" when off */
	bool journal;
};

/* Writes S for this process. Returns 0 or -errno. */
int state_file_write(const struct recorder_state *s);
void state_file_remove(pid_t pid);

/* The recorders running under ROOT (NULL: this host), by pid. Returns the
 * count with *OUT to free(), 0 when none, -errno when the directory cannot
 * be read (-EACCES: not root). */
int state_file_list(const char *root, struct recorder_state **out);

#endif
