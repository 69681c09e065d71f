/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Processes from /proc: who was running when a recording started or ended. */
#ifndef GPUTRACE_SYS_PROCS_H
#define GPUTRACE_SYS_PROCS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct trace_writer;

#define PROC_CMDLINE_MAX	(64 * 1024)	/* argv bytes kept per process */

/* Raw /proc/PID/cmdline (NUL-separated argv, not NUL-terminated as a
 * string), at most SIZE bytes. Returns the byte count (0 for kernel threads
 * and zombies) or -errno (-ENOENT: the process is gone). */
int proc_read_cmdline(const char *root, pid_t pid, char *buf, size_t size);

/* Pids of ROOT/proc, ascending. Returns 0 with *PIDS (free()) and *N set,
 * or -errno when /proc cannot be listed. */
int proc_list_pids(const char *root, pid_t **pids, size_t *n);

/* One GT_REC_PROCESS record per process in ROOT/proc, by ascending pid.
 * Processes that exit during the scan are skipped. Returns the number of
 * processes written or -errno (/proc unreadable or a record was lost). */
int snapshot_processes(struct trace_writer *w, const char *root,
		       const char *phase, uint64_t ts_ns);

#endif /* GPUTRACE_SYS_PROCS_H */
