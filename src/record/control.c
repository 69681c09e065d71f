// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "record/control.h"
#include "util.h"

#define CONTROL_PREFIX "gputrace/record/"
#define LISTEN_BACKLOG 16

static socklen_t control_addr(struct sockaddr_un *a, pid_t pid)
{
	int n;

	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	/* sun_path[0] = 0: abstract namespace */
	n = snprintf(a->sun_path + 1, sizeof(a->sun_path) - 1, CONTROL_PREFIX "%d", (int)pid);
	return offsetof(struct sockaddr_un, sun_path) + 1 + n;
}

int control_listen(void)
{
	struct sockaddr_un a;
	socklen_t len = control_addr(&a, getpid());
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&a, len) || listen(fd, LISTEN_BACKLOG)) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

static void peer_of(int fd, struct control_peer *peer)
{
	socklen_t len = sizeof(peer->cred);

	memset(peer, 0, sizeof(*peer));
	peer->cred.uid = (uid_t)-1;
	peer->cred.gid = (gid_t)-1;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer->cred, &len))
		peer->cred.uid = peer->cred.gid = -1;
	len = sizeof(peer->groups);
	if (!getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, peer->groups, &len))
		peer->ngroups = len / sizeof(gid_t);
}

int control_accept(int listen_fd, struct control_peer *peer)
{
	int fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0)
		return errno == EINTR || errno == ECONNABORTED ? -EAGAIN : -errno;
	peer_of(fd, peer);
	return fd;
}

int control_parse_label(const void *msg, size_t len, char *label, size_t size)
{
	const unsigned char *p = msg;

	if (!len || len >= GT_MARK_LABEL_MAX || len >= size)
		return -EBADMSG;
	/* a label names a test phase: control bytes are never needed, and
	 * a recorder shows marks live */
	for (size_t i = 0; i < len; i++)
		if (p[i] < 0x20 || p[i] == 0x7f)
			return -EBADMSG;
	memcpy(label, p, len);
	label[len] = 0;
	return 0;
}

int control_read_label(int fd, char *label, size_t size)
{
	char msg[GT_MARK_LABEL_MAX + 1];
	ssize_t n = recv(fd, msg, sizeof(msg), MSG_DONTWAIT | MSG_TRUNC);

	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	if (n == 0 || (size_t)n > sizeof(msg))
		return -EBADMSG;
	return control_parse_label(msg, n, label, size) ? -EBADMSG : 1;
}

void control_reply(int fd, const char *text)
{
	send(fd, text, strlen(text), MSG_DONTWAIT | MSG_NOSIGNAL);
}

/* ---- mark side ------------------------------------------------------- */

/* Waits for the recorder's answer; fills RES. */
static void await_reply(int fd, struct control_result *res, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char buf[160];
	ssize_t n;

	if (poll(&p, 1, timeout_ms) <= 0) {
		res->err = -ETIMEDOUT;
		snprintf(res->why, sizeof(res->why), "no answer within %d ms", timeout_ms);
		return;
	}
	n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	if (n <= 0) {
		res->err = n < 0 ? -errno : -ECONNRESET;
		snprintf(res->why, sizeof(res->why), "%s", n < 0 ? strerror(errno) : "closed without an answer");
		return;
	}
	buf[n] = 0;
	if (!strcmp(buf, "ok"))
		return;
	res->err = -EPERM;
	snprintf(res->why, sizeof(res->why), "%s", buf);
}

/* One recorder: connect without waiting, check that root listens there
 * under its own pid, send, wait for the answer. */
static void mark_one(pid_t pid, const char *label, struct control_result *res, int timeout_ms)
{
	struct sockaddr_un a;
	struct control_peer peer;
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	memset(res, 0, sizeof(*res));
	res->pid = pid;
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, control_addr(&a, pid))) {
		res->err = -errno;
		snprintf(res->why, sizeof(res->why), "%s", errno == EAGAIN ?
			 "busy (its queue is full)" : strerror(errno));
		goto out;
	}
	peer_of(fd, &peer);
	if (peer.cred.uid != 0 || peer.cred.pid != pid) {
		res->err = -EPERM;
		snprintf(res->why, sizeof(res->why),
			 "not a recorder: the name is held by uid %d pid %d, not by root",
			 (int)peer.cred.uid, (int)peer.cred.pid);
		goto out;
	}
	/* A recorder that refuses us may answer and close before the label
	 * is sent: its answer is still there to read. */
	if (send(fd, label, strlen(label), MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
		int err = errno;

		await_reply(fd, res, 0);
		if (res->err != -EPERM) {
			res->err = -err;
			snprintf(res->why, sizeof(res->why), "%s", strerror(err));
		}
		goto out;
	}
	await_reply(fd, res, timeout_ms);
out:
	if (fd >= 0)
		close(fd);
}

/* Recorders are found in /proc/net/unix, where abstract names show as
 * "@gputrace/record/<pid>"; type 0005 is SOCK_SEQPACKET, and flag
 * __SO_ACCEPTCON (0x10000) the listener, not a connection it accepted
 * (which shows the same name). */
int control_send_mark(const char *label, struct control_result *res, int max, int timeout_ms)
{
	FILE *fp = fopen("/proc/net/unix", "re");
	char line[512];
	int found = 0;

	if (!fp)
		return -errno;
	while (fgets(line, sizeof(line), fp)) {
		char *at = strstr(line, " @" CONTROL_PREFIX), *end;
		unsigned flags, type;
		long pid;

		if (!at || sscanf(line, "%*s %*s %*s %x %x", &flags, &type) != 2 ||
		    type != SOCK_SEQPACKET || !(flags & 0x10000))
			continue;
		pid = strtol(at + 2 + strlen(CONTROL_PREFIX), &end, 10);
		if (pid <= 0 || pid > INT32_MAX || (*end != '\n' && *end != 0))
			continue;
		if (found < max)
			mark_one((pid_t)pid, label, &res[found], timeout_ms);
		found++;
	}
	fclose(fp);
	return found;
}
