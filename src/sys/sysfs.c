// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Bounded reads of sysfs and procfs attributes of the host or a tree. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sys/rootfs.h"
#include "sys/sysfs.h"
#include "util.h"

ssize_t sys_read_fd(int fd, void *buf, size_t size)
{
	return fd_read_full(fd, buf, size, -1);
}

ssize_t sys_read_file(const char *root, const char *path, void *buf, size_t size)
{
	ssize_t n;
	/* O_NONBLOCK (root_open adds it): a FIFO planted where a file is
	 * expected must not hang the recorder; regular files and sysfs
	 * ignore the flag. */
	int fd = root_open(root, path, O_RDONLY);

	if (fd < 0)
		return fd;
	n = sys_read_fd(fd, buf, size);
	close(fd);
	return n;
}

int sysfs_read(const char *root, const char *path, char *buf, size_t size)
{
	char extra;
	ssize_t n;
	int fd;

	if (size < 1)
		return -EINVAL;
	buf[0] = '\0';
	fd = root_open(root, path, O_RDONLY);
	if (fd < 0)
		return fd;
	n = sys_read_fd(fd, buf, size);
	/* A full buffer is fine if the value ends there with its newline. */
	if (n == (ssize_t)size && (buf[n - 1] != '\n' || sys_read_fd(fd, &extra, 1) != 0))
		n = -EOVERFLOW;
	close(fd);
	if (n < 0) {
		buf[0] = '\0';
		return n;
	}
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	return n;
}

/* The link's text names the driver or group; nothing is read through it,
 * so a target outside a --root tree is only a name. */
int sysfs_read_link(const char *root, const char *path, char *buf, size_t size)
{
	char target[PATH_MAX];
	const char *base;
	ssize_t n;

	buf[0] = '\0';
	n = root_readlink(root, path, target, sizeof(target));
	if (n < 0)
		return n;
	while (n > 1 && target[n - 1] == '/')
		n--;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strlen(base) >= size)
		return -EOVERFLOW;
	strcpy(buf, base);
	return strlen(buf);
}

int sysfs_read_hex(const char *root, const char *path, uint32_t *val)
{
	char buf[32], *end;
	unsigned long v;
	int n;

	n = sysfs_read(root, path, buf, sizeof(buf));
	if (n < 0)
		return n;
	errno = 0;
	v = strtoul(buf, &end, 16);
	if (end == buf || *end || errno || v > UINT32_MAX)
		return -EINVAL;
	*val = v;
	return 0;
}
