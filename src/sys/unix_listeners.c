// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sys/unix_listeners.h"
#include "util.h"

#define UNIX_STATE_LISTEN 10	/* TCP_LISTEN: unix sockets borrow the TCP states */
#define UNIX_FLAG_LISTEN 0x10000	/* __SO_ACCEPTCON in /proc/net/unix */

static int push(struct unix_listener **v, size_t *n, size_t *cap, const struct unix_listener *l)
{
	struct unix_listener *p = array_push((void **)v, n, cap, sizeof(*p));

	if (!p)
		return -ENOMEM;
	*p = *l;
	return 0;
}

/* One socket of the dump: true with L filled when it is one we want. */
static bool diag_listener(const struct nlmsghdr *h, int type, const char *prefix,
			  struct unix_listener *l)
{
	const struct unix_diag_msg *m = NLMSG_DATA(h);
	int len = (int)h->nlmsg_len - NLMSG_LENGTH(sizeof(*m));
	bool named = false;

	if (len < 0 || m->udiag_type != type || m->udiag_state != UNIX_STATE_LISTEN)
		return false;
	l->uid = UNIX_LISTENER_UID_UNKNOWN;	/* kernels before 5.3 do not say */
	for (const struct rtattr *a = (const void *)(m + 1); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		const char *p = RTA_DATA(a);
		size_t size = RTA_PAYLOAD(a);
		uint32_t uid;

		if (a->rta_type == UNIX_DIAG_NAME) {
			/* abstract: a NUL, then the name's bytes, no terminator;
			 * a NUL inside is no name of ours */
			if (size < 2 || p[0] || size - 1 >= sizeof(l->name) || memchr(p + 1, 0, size - 1))
				return false;
			memcpy(l->name, p + 1, size - 1);
			l->name[size - 1] = 0;
			named = true;
		} else if (a->rta_type == UNIX_DIAG_UID && size >= sizeof(uid)) {
			memcpy(&uid, p, sizeof(uid));
			l->uid = uid;
		}
	}
	return named && !strncmp(l->name, prefix, strlen(prefix));
}

/* NLMSG_OK, without its compare of signed and unsigned */
static bool msg_ok(const struct nlmsghdr *h, int len)
{
	return len >= (int)sizeof(*h) && h->nlmsg_len >= sizeof(*h) && h->nlmsg_len <= (unsigned)len;
}

/* The kernel's dump of listening unix sockets: 0, or -errno (-ENOENT:
 * this kernel has no unix_diag). */
static int diag_dump(int type, const char *prefix, struct unix_listener **v, size_t *n, size_t *cap)
{
	struct {
		struct nlmsghdr nlh;
		struct unix_diag_req r;
	} req = {
		.nlh = { .nlmsg_len = sizeof(req), .nlmsg_type = SOCK_DIAG_BY_FAMILY,
			 .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP },
		.r = { .sdiag_family = AF_UNIX, .udiag_states = 1u << UNIX_STATE_LISTEN,
		       .udiag_show = UDIAG_SHOW_NAME | UDIAG_SHOW_UID },
	};
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	/* the most a dump puts in one message */
	char buf[32768] __attribute__((aligned(NLMSG_ALIGNTO)));
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG), err = 0;

	if (fd < 0)
		return -errno;
	if (sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		err = -errno;
	while (!err) {
		int len = recv(fd, buf, sizeof(buf), 0);

		if (len < 0 && errno == EINTR)
			continue;
		if (len <= 0) {
			err = len < 0 ? -errno : -EPROTO;
			break;
		}
		for (const struct nlmsghdr *h = (const void *)buf; !err && msg_ok(h, len);
		     h = NLMSG_NEXT(h, len)) {
			struct unix_listener l;

			if (h->nlmsg_type == NLMSG_DONE)
				goto out;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);

				err = e->error ? e->error : -EPROTO;
			} else if (h->nlmsg_type == SOCK_DIAG_BY_FAMILY &&
				   diag_listener(h, type, prefix, &l)) {
				err = push(v, n, cap, &l);
			}
		}
	}
out:
	close(fd);
	return err;
}

/* "Num RefCount Protocol Flags Type St Inode Path": an abstract name is
 * shown with '@' for its leading NUL. */
int unix_listener_parse_line(const char *line, int type, const char *prefix,
			     struct unix_listener *l)
{
	unsigned flags, t;
	size_t len;
	int at = -1;

	if (sscanf(line, "%*s %*s %*s %x %x %*x %*u %n", &flags, &t, &at) != 2 || at < 0 ||
	    (int)t != type || !(flags & UNIX_FLAG_LISTEN) || line[at] != '@')
		return 0;
	line += at + 1;
	len = strcspn(line, "\n");
	if (len >= sizeof(l->name) || strncmp(line, prefix, strlen(prefix)))
		return 0;
	memcpy(l->name, line, len);
	l->name[len] = 0;
	l->uid = UNIX_LISTENER_UID_UNKNOWN;
	return 1;
}

static int proc_net_unix(int type, const char *prefix, struct unix_listener **v, size_t *n, size_t *cap)
{
	FILE *fp = fopen("/proc/net/unix", "re");
	char line[512];
	int err = 0;

	if (!fp)
		return -errno;
	while (!err && fgets(line, sizeof(line), fp)) {
		struct unix_listener l;

		if (unix_listener_parse_line(line, type, prefix, &l))
			err = push(v, n, cap, &l);
	}
	fclose(fp);
	return err;
}

int unix_listeners(int type, const char *prefix, struct unix_listener **out)
{
	struct unix_listener *v = NULL;
	size_t n = 0, cap = 0;
	int err = diag_dump(type, prefix, &v, &n, &cap);

	if (err && err != -ENOMEM) {
		n = 0;
		err = proc_net_unix(type, prefix, &v, &n, &cap);
	}
	if (err) {
		free(v);
		v = NULL;
	}
	*out = v;
	return err ? err : (int)n;
}
