/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Processes from /proc: who was running when a recording started or ended. */
#ifndef GPUTRACE_SYS_PROCS_H
#define GPUTRACE_SYS_PROCS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PROC_CMDLINE_MAX	(64 * 1024)	/* argv bytes kept per process */

struct proc_info {
	pid_t pid, ppid;
	long uid, euid;
	uint64_t start_time;
	char comm[128];
	char exe[PATH_MAX];
	char cgroup[PATH_MAX];
	char *cmdline;			/* PROC_CMDLINE_MAX + 1 bytes */
	size_t cmdline_len;
	bool cmdline_cut;
};

/* Raw /proc/PID/cmdline (NUL-separated argv, not NUL-terminated as a
 * string), at most SIZE bytes. Returns the byte count (0 for kernel threads
 * and zombies) or -errno (-ENOENT: the process is gone). */
int proc_read_cmdline(const char *root, pid_t pid, char *buf, size_t size);

/* Whether PID runs gputrace (its comm) as root (its effective uid), as
 * every recorder does, from ROOT/proc/PID/status: 1 yes, 0 no, -errno when
 * /proc shows nothing of it (-ENOENT: gone, or hidden from us by hidepid). */
int proc_is_root_gputrace(const char *root, pid_t pid);

/* Pids of ROOT/proc, ascending. Returns 0 with *PIDS (free()) and *N set,
 * or -errno when /proc cannot be listed. */
int proc_list_pids(const char *root, pid_t **pids, size_t *n);

/* Calls FN for each process in ROOT/proc, by ascending pid; processes that
 * exit during the scan are skipped. Returns the number of processes seen,
 * or -errno (/proc unreadable, no memory, or the first error FN returned). */
typedef int (*proc_fn)(void *ctx, const struct proc_info *p);
int proc_each(const char *root, proc_fn fn, void *ctx);

#endif /* GPUTRACE_SYS_PROCS_H */
