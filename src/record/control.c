// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
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
	int one = 1;
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&a, len)) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

int control_recv(int fd, struct gt_mark_in *in)
{
	char cbuf[CMSG_SPACE(sizeof(struct ucred))];
	struct iovec iov = { .iov_base = &in->msg, .iov_len = sizeof(in->msg) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;
	ssize_t n;

	memset(in, 0, sizeof(*in));
	n = recvmsg(fd, &mh, MSG_DONTWAIT);
	if (n < 0)
		return errno == EAGAIN ? 0 : -errno;
	if ((size_t)n < offsetof(struct gt_mark_msg, label) + 1)
		return -EBADMSG;
	in->msg.label[sizeof(in->msg.label) - 1] = 0;
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_CREDENTIALS) {
			struct ucred uc;

			memcpy(&uc, CMSG_DATA(cm), sizeof(uc));
			in->pid = uc.pid;
			in->uid = uc.uid;
		}
	}
	return 1;
}

/* Recorders are found in /proc/net/unix, where abstract names show as
 * "@gputrace/record/<pid>". */
int control_send_mark(const char *label, pid_t *pids, int max)
{
	struct gt_mark_msg msg = { .mono_ns = mono_ns() };
	FILE *fp = fopen("/proc/net/unix", "re");
	char line[512];
	int fd, reached = 0, err = 0;

	if (!fp)
		return -errno;
	strlcpy0(msg.label, label, sizeof(msg.label));
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		err = -errno;
		fclose(fp);
		return err;
	}
	while (fgets(line, sizeof(line), fp)) {
		char *at = strstr(line, " @" CONTROL_PREFIX);
		struct sockaddr_un a;
		pid_t pid;

		if (!at)
			continue;
		pid = atoi(at + 2 + strlen(CONTROL_PREFIX));
		if (pid <= 0)
			continue;
		if (sendto(fd, &msg, sizeof(msg), 0, (struct sockaddr *)&a, control_addr(&a, pid)) < 0) {
			err = -errno;
			continue;
		}
		if (reached < max)
			pids[reached] = pid;
		reached++;
	}
	close(fd);
	fclose(fp);
	return reached || !err ? reached : err;
}
