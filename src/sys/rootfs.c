// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Lookups confined to a root directory: see rootfs.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sys/rootfs.h"
#include "sys/sysfs.h"

#define OPEN_ALWAYS	(O_CLOEXEC | O_NONBLOCK | O_NOCTTY)

/* openat2 refuses O_PATH with flags that only make sense for reading. */
static int open_flags(int flags)
{
	return flags | ((flags & O_PATH) ? O_CLOEXEC : OPEN_ALWAYS);
}

/* Kernels before 5.6 have no openat2: resolve on the host, then refuse
 * what ended outside ROOT. Absolute links then point at the host, so such
 * a tree reads less than with openat2, never more. */
static int open_checked(const char *root, const char *path, int flags)
{
	char full[PATH_MAX], real[PATH_MAX], base[PATH_MAX];
	size_t blen;
	int fd;

	if (sys_path(full, sizeof(full), root, path))
		return -ENAMETOOLONG;
	if (!realpath(root, base) || !realpath(full, real))
		return -errno;
	blen = strlen(base);
	if (strncmp(real, base, blen) || (real[blen] != '/' && real[blen] != '\0' && blen > 1))
		return -EXDEV;
	fd = open(real, open_flags(flags));
	return fd < 0 ? -errno : fd;
}

int root_open(const char *root, const char *path, int flags)
{
	struct open_how how = {
		.flags = (unsigned int)open_flags(flags),
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int dir, fd, err;

	if (sys_root_is_live(root))
		root = "/";
	dir = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return -errno;
	fd = syscall(SYS_openat2, dir, path, &how, sizeof(how));
	err = fd < 0 ? errno : 0;
	close(dir);
	if (err == ENOSYS)
		return open_checked(root, path, flags);
	return fd < 0 ? -err : fd;
}

ssize_t root_read(const char *root, const char *path, void *buf, size_t size)
{
	struct stat st;
	ssize_t n;
	int fd = root_open(root, path, O_RDONLY);

	if (fd < 0)
		return fd;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode))
		n = -EINVAL;
	else
		n = sys_read_fd(fd, buf, size);
	close(fd);
	return n;
}

int root_stat(const char *root, const char *path, struct stat *st, int follow)
{
	int fd = root_open(root, path, O_PATH | (follow ? 0 : O_NOFOLLOW));
	int err = 0;

	if (fd < 0)
		return fd;
	if (fstat(fd, st))
		err = -errno;
	close(fd);
	return err;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int root_list(const char *root, const char *path, char ***names)
{
	char **list = NULL, **grown;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *dp;
	int fd;

	*names = NULL;
	fd = root_open(root, path, O_RDONLY | O_DIRECTORY);
	if (fd < 0 || !(dp = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	while ((de = readdir(dp))) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			grown = reallocarray(list, cap, sizeof(*list));
			if (!grown)
				goto nomem;
			list = grown;
		}
		if (!(list[n] = strdup(de->d_name)))
			goto nomem;
		n++;
		if (n > INT_MAX / 2)
			break;
	}
	closedir(dp);
	if (n)
		qsort(list, n, sizeof(*list), cmp_str);
	*names = list;
	return (int)n;
nomem:
	closedir(dp);
	root_names_free(list, (int)n);
	return -ENOMEM;
}

void root_names_free(char **names, int n)
{
	while (n > 0)
		free(names[--n]);
	free(names);
}
