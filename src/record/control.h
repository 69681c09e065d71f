/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* How `gputrace mark` reaches every running recorder on the host: each
 * recorder listens on an abstract unix socket "@gputrace/record/<pid>".
 * Abstract sockets live in the kernel only: nothing is written to disk and
 * nothing is left behind when a recorder is killed. */
#ifndef GPUTRACE_CONTROL_H
#define GPUTRACE_CONTROL_H

#include <stdint.h>
#include <sys/types.h>

#define GT_MARK_LABEL_MAX 128

struct gt_mark_msg {
	uint64_t mono_ns;	/* when `gputrace mark` ran */
	char label[GT_MARK_LABEL_MAX];
};

struct gt_mark_in {
	struct gt_mark_msg msg;
	pid_t pid;		/* sender, from the kernel's credentials */
	uid_t uid;
};

/* Recorder side: returns a nonblocking socket fd or -errno. */
int control_listen(void);

/* 1: *IN filled; 0: nothing waiting; -errno on error. */
int control_recv(int fd, struct gt_mark_in *in);

/* Mark side: sends LABEL to every recorder. Returns how many were reached
 * (their pids in PIDS, up to MAX), or -errno. */
int control_send_mark(const char *label, pid_t *pids, int max);

#endif
