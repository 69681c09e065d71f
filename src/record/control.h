/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* How `gputrace mark` reaches every running recorder on the host: each
 * recorder listens on an abstract unix socket "@gputrace/record/<pid>".
 * Abstract sockets live in the kernel only: nothing is written to disk and
 * nothing is left behind when a recorder is killed.
 *
 * Any local user can connect to, or squat, an abstract name, so both ends
 * check the other: the socket is SOCK_SEQPACKET, where the kernel gives
 * each side the other's credentials (SO_PEERCRED) as they were at
 * connect/listen. The recorder takes marks from root or its --mark-group
 * only; `gputrace mark` talks only to a listener owned by root whose pid is
 * the one in the name. It looks at every listener of the network
 * namespace, so that no number of squatted names can hide a recorder, and
 * connects to none that the kernel says another user made
 * (sys/unix_listeners.h), so that their sockets cannot spend its time.
 * One message each way: the label, then the
 * recorder's answer ("ok" or "refused: why"), so `mark` returns only once
 * the mark is stamped. */
#ifndef GPUTRACE_CONTROL_H
#define GPUTRACE_CONTROL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#define GT_MARK_LABEL_MAX 128
#define GT_MARK_GROUPS_MAX 64

/* Who is on the other end, from the kernel. */
struct control_peer {
	struct ucred cred;
	gid_t groups[GT_MARK_GROUPS_MAX];	/* supplementary, at connect */
	int ngroups;
};

/* Recorder side: a nonblocking listening socket, or -errno (-EADDRINUSE:
 * someone holds our name). */
int control_listen(void);

/* Accepts one waiting connection: its nonblocking fd with *PEER filled,
 * -EAGAIN if none waits, or another -errno. */
int control_accept(int listen_fd, struct control_peer *peer);

/* Checks a message and copies it into LABEL (NUL-terminated): 1 to 127
 * bytes, no control bytes. 0 or -EBADMSG. */
int control_parse_label(const void *msg, size_t len, char *label, size_t size);

/* Reads the label from an accepted connection: 1 got it, 0 nothing yet,
 * -EBADMSG (bad label, or the peer closed), other -errno. */
int control_read_label(int fd, char *label, size_t size);

/* The one answer to a connection; never blocks. */
void control_reply(int fd, const char *text);

/* Mark side: the outcome for each recorder found. */
struct control_result {
	pid_t pid;
	int err;		/* 0: stamped; -EPERM: refused; other -errno */
	char why[160];		/* for err != 0 */
};

struct control_marks {
	struct control_result *res;	/* one per recorder: free() */
	size_t n, cap;
	int skipped;			/* listeners that are no recorder of root's */
	char skipped_why[200];		/* the first of them, its name and why */
};

/* Sends LABEL to every recorder and waits for each answer (at most
 * TIMEOUT_MS each, a full queue's retries included). Returns 0 with *OUT
 * filled (control_marks_free() it), or -errno. */
int control_send_mark(const char *label, struct control_marks *out, int timeout_ms);
void control_marks_free(struct control_marks *m);

#endif
