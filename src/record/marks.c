// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "record/marks.h"
#include "util.h"

/* Connections accepted in one drain: a flood must not keep the recorder
 * from its ring buffer. The rest wait in the backlog. */
#define ACCEPTS_PER_DRAIN 32

/* Full: refill_ns 0 makes the first refill top it up to the burst. */
static void bucket_init(struct mark_bucket *b, uid_t uid)
{
	b->uid = uid;
	b->tokens = MARKS_BURST;
	b->refill_ns = 0;
}

void marks_init(struct mark_intake *mi, int listen_fd, bool has_group, gid_t group)
{
	memset(mi, 0, sizeof(*mi));
	mi->listen_fd = listen_fd;
	mi->has_group = has_group;
	mi->group = group;
	bucket_init(&mi->senders[0], 0);
	mi->nsenders = 1;
	bucket_init(&mi->others, (uid_t)-1);
}

bool marks_allowed(const struct mark_intake *mi, const struct control_peer *p,
		   char *why, size_t size)
{
	if (p->cred.uid == 0)
		return true;
	if (mi->has_group) {
		if (p->cred.gid == mi->group)
			return true;
		for (int i = 0; i < p->ngroups && i < GT_MARK_GROUPS_MAX; i++)
			if (p->groups[i] == mi->group)
				return true;
		snprintf(why, size, "uid %d is not root and not in group %d (--mark-group)",
			 (int)p->cred.uid, (int)mi->group);
	} else {
		snprintf(why, size, "uid %d is not root (record --mark-group GROUP lets a group mark)",
			 (int)p->cred.uid);
	}
	return false;
}

/* Adds what the time since the last refill earned; a clock that goes
 * back adds nothing. */
static void bucket_refill(struct mark_bucket *b, uint64_t now_ns)
{
	if (now_ns <= b->refill_ns)
		return;
	b->tokens += (now_ns - b->refill_ns) * (MARKS_RATE / 1e9);
	if (b->tokens > MARKS_BURST)
		b->tokens = MARKS_BURST;
	b->refill_ns = now_ns;
}

/* UID's bucket. With every bucket taken, one full again is given to UID:
 * it holds nothing of its last sender's past. Root's is never given. */
static struct mark_bucket *bucket_of(struct mark_intake *mi, uid_t uid, uint64_t now_ns)
{
	for (int i = 0; i < mi->nsenders; i++)
		if (mi->senders[i].uid == uid)
			return &mi->senders[i];
	if (mi->nsenders < MARKS_SENDERS) {
		bucket_init(&mi->senders[mi->nsenders], uid);
		return &mi->senders[mi->nsenders++];
	}
	for (int i = 1; i < mi->nsenders; i++) {
		bucket_refill(&mi->senders[i], now_ns);
		if (mi->senders[i].tokens >= MARKS_BURST) {
			bucket_init(&mi->senders[i], uid);
			return &mi->senders[i];
		}
	}
	return &mi->others;
}

bool marks_take_token(struct mark_intake *mi, uid_t uid, uint64_t now_ns)
{
	struct mark_bucket *b = bucket_of(mi, uid, now_ns);

	bucket_refill(b, now_ns);
	if (b->tokens < 1)
		return false;
	b->tokens -= 1;
	return true;
}

/* Closing with the peer's label unread would make its next read fail
 * with ECONNRESET before it sees why: the label is read off first. */
static void close_read(int fd)
{
	char buf[GT_MARK_LABEL_MAX + 1];

	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
	close(fd);
}

static void refuse(int fd, const char *why, uint64_t *counter)
{
	char msg[200];

	snprintf(msg, sizeof(msg), "refused: %s", why);
	control_reply(fd, msg);
	close_read(fd);
	(*counter)++;
}

static void drop_pending(struct mark_intake *mi, int i)
{
	close_read(mi->pending[i].fd);	/* closing also leaves the epoll set */
	mi->pending[i] = mi->pending[--mi->npending];
}

static void accept_new(struct mark_intake *mi, int ep)
{
	for (int n = 0; n < ACCEPTS_PER_DRAIN && mi->npending < MARKS_PENDING; n++) {
		struct epoll_event e = { .events = EPOLLIN };
		struct control_peer peer;
		char why[160];
		int fd = control_accept(mi->listen_fd, &peer);

		if (fd < 0)
			return;
		if (!marks_allowed(mi, &peer, why, sizeof(why))) {
			refuse(fd, why, &mi->refused_denied);
			continue;
		}
		if (!marks_take_token(mi, peer.cred.uid, mono_ns())) {
			snprintf(why, sizeof(why), "too many marks from uid %d (more than %d a second)",
				 (int)peer.cred.uid, MARKS_RATE);
			refuse(fd, why, &mi->refused_rate);
			continue;
		}
		e.data.fd = fd;
		epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
		mi->pending[mi->npending].fd = fd;
		mi->pending[mi->npending].since_ns = mono_ns();
		mi->pending[mi->npending].peer = peer;
		mi->npending++;
	}
}

/* With every pending slot taken the backlog is left waiting; its listening
 * socket stays readable, so it leaves the (level-triggered) epoll set
 * meanwhile, or the loop would spin. */
static void pause_listen(struct mark_intake *mi, int ep, bool pause)
{
	struct epoll_event e = { .events = pause ? 0 : EPOLLIN, .data.fd = mi->listen_fd };

	if (pause == mi->listen_paused || ep < 0)
		return;
	if (!epoll_ctl(ep, EPOLL_CTL_MOD, mi->listen_fd, &e))
		mi->listen_paused = pause;
}

void marks_drain(struct mark_intake *mi, int ep,
		 void (*on_mark)(void *ctx, const struct mark_in *m, uint64_t now_ns), void *ctx)
{
	if (mi->listen_fd < 0)
		return;
	accept_new(mi, ep);
	for (int i = 0; i < mi->npending;) {
		struct mark_in m = { .peer = mi->pending[i].peer };
		int fd = mi->pending[i].fd;
		int ret = control_read_label(fd, m.label, sizeof(m.label));
		uint64_t now = mono_ns();

		if (ret == 1) {
			on_mark(ctx, &m, now);
			control_reply(fd, "ok");
		} else if (ret == 0 && now - mi->pending[i].since_ns < MARKS_WAIT_NS) {
			i++;
			continue;
		} else {
			control_reply(fd, ret == 0 ? "refused: no label in time" :
				      "refused: not a label (1 to 127 bytes, no control bytes)");
			mi->refused_bad++;
		}
		drop_pending(mi, i);
	}
	pause_listen(mi, ep, mi->npending == MARKS_PENDING);
}

void marks_close(struct mark_intake *mi)
{
	while (mi->npending)
		drop_pending(mi, 0);
	if (mi->listen_fd >= 0)
		close(mi->listen_fd);
	mi->listen_fd = -1;
}
