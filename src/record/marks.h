/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The recorder's side of `gputrace mark`: who may mark, how fast, and the
 * time a mark gets (its arrival: the sender's clock is not trusted). */
#ifndef GPUTRACE_RECORD_MARKS_H
#define GPUTRACE_RECORD_MARKS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "record/control.h"

#define MARKS_RATE	100	/* marks a second, sustained, per sender uid */
#define MARKS_BURST	100	/* and at once */
#define MARKS_SENDERS	16	/* uids with a bucket of their own, root's first */
#define MARKS_PENDING	8	/* connections waiting for their label */
#define MARKS_WAIT_NS	(1000 * 1000000ull)	/* for a label, then dropped */

struct mark_in {
	char label[GT_MARK_LABEL_MAX];
	struct control_peer peer;
};

/* One sender's share of the rate: a token bucket. */
struct mark_bucket {
	uid_t uid;
	double tokens;
	uint64_t refill_ns;
};

struct mark_intake {
	int listen_fd;			/* -1: marks are off */
	bool has_group;
	gid_t group;			/* --mark-group */
	/* A bucket per sender, so a --mark-group member's burst never costs
	 * root its marks: senders[0] is root's, always; another uid gets one
	 * of its own while one is free (or full again, which is the same as
	 * new), else shares OTHERS. */
	struct mark_bucket senders[MARKS_SENDERS];
	int nsenders;
	struct mark_bucket others;
	struct {
		int fd;
		uint64_t since_ns;
		struct control_peer peer;
	} pending[MARKS_PENDING];
	int npending;
	bool listen_paused;		/* out of the epoll set while pending is full */
	uint64_t refused_denied;	/* not root, not in the group */
	uint64_t refused_rate;		/* over the rate */
	uint64_t refused_bad;		/* no label in time, or not a label */
};

void marks_init(struct mark_intake *mi, int listen_fd, bool has_group, gid_t group);

/* May this peer mark? WHY says why not. */
bool marks_allowed(const struct mark_intake *mi, const struct control_peer *p,
		   char *why, size_t size);

/* Takes the token for one mark of UID at NOW if there is one. */
bool marks_take_token(struct mark_intake *mi, uid_t uid, uint64_t now_ns);

/* Accepts what waits and reads labels; calls ON_MARK for each mark
 * allowed, stamped at NOW (read just before the call). EP: an epoll set
 * pending connections are added to, so their label wakes the loop. */
void marks_drain(struct mark_intake *mi, int ep,
		 void (*on_mark)(void *ctx, const struct mark_in *m, uint64_t now_ns), void *ctx);

/* Closes every socket. */
void marks_close(struct mark_intake *mi);

#endif
