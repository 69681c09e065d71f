// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <linux/netlink.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "record/uevent.h"
#include "util.h"

#define UEVENT_RCVBUF (8 << 20)	/* a burst of rebinds must not overrun it */

static const char *const kept_subsystems[] = { "pci", "module", NULL };

int uevent_open(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = 1 /* kernel */ };
	int size = UEVENT_RCVBUF;
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
			NETLINK_KOBJECT_UEVENT);

	if (fd < 0)
		return -errno;
	/* FORCE needs CAP_NET_ADMIN (we are root); fall back quietly. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

int uevent_next(const struct gt_uevent *ev, size_t *off, const char **key, size_t *klen,
		const char **val)
{
	while (*off < ev->len) {
		const char *s = ev->buf + *off;
		size_t n = strnlen(s, ev->len - *off);
		const char *eq = memchr(s, '=', n);

		*off += n + 1;
		if (!eq)
			continue;	/* the "action@devpath" summary line */
		*key = s;
		*klen = eq - s;
		*val = eq + 1;
		return 1;
	}
	return 0;
}

static bool kept(const struct gt_uevent *ev)
{
	const char *key, *val;
	size_t off = 0, klen;

	while (uevent_next(ev, &off, &key, &klen, &val))
		if (klen == 9 && !memcmp(key, "SUBSYSTEM", 9))
			for (int i = 0; kept_subsystems[i]; i++)
				if (!strcmp(val, kept_subsystems[i]))
					return true;
	return false;
}

int uevent_read(int fd, struct gt_uevent *ev)
{
	for (;;) {
		struct sockaddr_nl from;
		struct iovec iov = { .iov_base = ev->buf, .iov_len = sizeof(ev->buf) - 1 };
		struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof(from),
				     .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT);

		if (n < 0)
			return errno == EAGAIN ? 0 : -errno;
		ev->ts_ns = mono_ns();
		if (from.nl_pid != 0)
			continue;	/* only the kernel speaks on group 1 */
		ev->len = n;
		ev->buf[n] = 0;
		if (kept(ev))
			return 1;
	}
}
