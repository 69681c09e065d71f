// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "record/control.h"
#include "sys/procs.h"
#include "sys/unix_listeners.h"
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

/* Waits until DEADLINE for the recorder's answer (TIMEOUT_MS: the time it
 * had in all, for the words); fills RES. */
static void await_reply(int fd, struct control_result *res, uint64_t deadline_ns, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint64_t now = mono_ns();
	int wait_ms = now < deadline_ns ? (int)((deadline_ns - now + 999999) / 1000000) : 0;
	char buf[160];
	ssize_t n;

	if (poll(&p, 1, wait_ms) <= 0) {
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

/* Connects to PID's name without blocking. While its queue is full (other
 * users' connections: the recorder takes them in batches and a place
 * opens soon) and RETRY, tries again after 1, 2, 4 ... 32 ms until
 * DEADLINE. Returns the fd or -errno. */
static int connect_until(pid_t pid, bool retry, uint64_t deadline_ns)
{
	struct sockaddr_un a;
	socklen_t len = control_addr(&a, pid);
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	long delay_ms = 1;

	if (fd < 0)
		return -errno;
	while (connect(fd, (struct sockaddr *)&a, len)) {
		int err = errno;
		uint64_t now = mono_ns();

		if (err == EINTR)
			continue;
		if (err != EAGAIN || !retry || now >= deadline_ns) {
			close(fd);
			return -err;
		}
		if ((uint64_t)delay_ms * 1000000 > deadline_ns - now)
			delay_ms = (deadline_ns - now + 999999) / 1000000;
		nanosleep(&(struct timespec){ .tv_nsec = delay_ms * 1000000 }, NULL);
		delay_ms = delay_ms < 32 ? delay_ms * 2 : 32;
	}
	return fd;
}

static void skip_listener(struct control_marks *out, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A listener that is no recorder of root's: counted, the first one told. */
static void skip_listener(struct control_marks *out, const char *name, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (out->skipped++)
		return;
	n = snprintf(out->skipped_why, sizeof(out->skipped_why), "@%.40s: ", name);
	va_start(ap, fmt);
	vsnprintf(out->skipped_why + n, sizeof(out->skipped_why) - n, fmt, ap);
	va_end(ap);
}

enum listener_trust {
	TRUST_NONE,	/* another user's: not connected to */
	TRUST_ONCE,	/* owner unknown: one try, the peer check decides */
	TRUST_RETRY,	/* root's: tried again while its queue is full */
};

/* Anyone can fill a queue: retrying other users' sockets would let them
 * spend our time, so only root's get that. The socket's owner comes from
 * the kernel (sock_diag); without it, a name whose pid /proc shows as a
 * gputrace of root's is as good, and a pid /proc does not show (gone, or
 * hidepid) gets one try. */
static enum listener_trust trust_of(const struct unix_listener *l, pid_t pid)
{
	int root_gputrace;

	if (pid == getpid())
		return TRUST_NONE;	/* someone else holds our pid's name */
	if (l->uid != UNIX_LISTENER_UID_UNKNOWN)
		return l->uid == 0 ? TRUST_RETRY : TRUST_NONE;
	root_gputrace = proc_is_root_gputrace(NULL, pid);
	return root_gputrace > 0 ? TRUST_RETRY : root_gputrace == 0 ? TRUST_NONE : TRUST_ONCE;
}

/* The pid in a recorder's name, or 0. Only the name a recorder makes:
 * "0042" or "+42" would send us to "42", a second time maybe. */
static pid_t pid_of_name(const char *name)
{
	struct sockaddr_un a;
	long pid;

	if (strncmp(name, CONTROL_PREFIX, strlen(CONTROL_PREFIX)))
		return 0;
	pid = strtol(name + strlen(CONTROL_PREFIX), NULL, 10);
	if (pid <= 0 || pid > INT32_MAX)
		return 0;
	control_addr(&a, (pid_t)pid);
	return strcmp(a.sun_path + 1, name) ? 0 : (pid_t)pid;
}

/* One listener. Whoever it is, the kernel's word decides in the end: the
 * label goes only to a listener of root's whose pid is the one in its name
 * (SO_PEERCRED, as it was at listen). */
static int mark_one(const struct unix_listener *l, const char *label, struct control_marks *out,
		    int timeout_ms)
{
	uint64_t deadline = mono_ns() + (uint64_t)timeout_ms * 1000000;
	pid_t pid = pid_of_name(l->name);
	enum listener_trust trust = pid ? trust_of(l, pid) : TRUST_NONE;
	struct control_result *res;
	struct control_peer peer;
	int fd;

	if (trust == TRUST_NONE) {
		if (l->uid != UNIX_LISTENER_UID_UNKNOWN && l->uid != 0)
			skip_listener(out, l->name, "a socket of uid %ld", l->uid);
		else
			skip_listener(out, l->name, "%s", pid ? "its pid is no gputrace run by root" :
				      "no pid in the name");
		return 0;
	}
	fd = connect_until(pid, trust == TRUST_RETRY, deadline);
	if (fd >= 0) {
		peer_of(fd, &peer);
		if (peer.cred.uid != 0 || peer.cred.pid != pid) {
			skip_listener(out, l->name, "held by uid %d pid %d",
				      (int)peer.cred.uid, (int)peer.cred.pid);
			close(fd);
			return 0;
		}
	} else if (trust != TRUST_RETRY) {
		skip_listener(out, l->name, "unreachable (%s)", strerror(-fd));
		return 0;
	}
	if (!(res = array_push((void **)&out->res, &out->n, &out->cap, sizeof(*res)))) {
		if (fd >= 0)
			close(fd);
		return -ENOMEM;
	}
	memset(res, 0, sizeof(*res));
	res->pid = pid;
	if (fd < 0) {
		res->err = fd;
		if (fd == -EAGAIN)
			snprintf(res->why, sizeof(res->why), "busy: its queue stayed full for %d ms",
				 timeout_ms);
		else
			snprintf(res->why, sizeof(res->why), "%s", strerror(-fd));
		return 0;
	}
	/* A recorder that refuses us may answer and close before the label
	 * is sent: its answer is still there to read. */
	if (send(fd, label, strlen(label), MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
		int err = errno;

		await_reply(fd, res, 0, timeout_ms);
		if (res->err != -EPERM) {
			res->err = -err;
			snprintf(res->why, sizeof(res->why), "%s", strerror(err));
		}
	} else {
		await_reply(fd, res, deadline, timeout_ms);
	}
	close(fd);
	return 0;
}

/* Every listener is looked at, however many other users bind: none can
 * crowd a recorder out. */
int control_send_mark(const char *label, struct control_marks *out, int timeout_ms)
{
	struct unix_listener *l;
	int n = unix_listeners(SOCK_SEQPACKET, CONTROL_PREFIX, &l), err = 0;

	memset(out, 0, sizeof(*out));
	if (n < 0)
		return n;
	for (int i = 0; !err && i < n; i++)
		err = mark_one(&l[i], label, out, timeout_ms);
	free(l);
	return err;
}

void control_marks_free(struct control_marks *m)
{
	free(m->res);
	memset(m, 0, sizeof(*m));
}
