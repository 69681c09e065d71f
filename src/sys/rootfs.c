// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Lookups confined to a root directory: see rootfs.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sys/rootfs.h"
#include "util.h"

int sys_root_is_live(const char *root)
{
	return !root || !root[0] || !strcmp(root, "/");
}

int sys_root_check(const char *root, char *err, size_t errlen)
{
	static const char *const tops[] = { "etc", "sys", "proc" };
	char path[PATH_MAX];
	struct stat sb;

	if (stat(root, &sb)) {
		int e = errno;

		snprintf(err, errlen, "--root %s: %s", root, strerror(e));
		return -e;
	}
	if (!S_ISDIR(sb.st_mode)) {
		snprintf(err, errlen, "--root %s: not a directory", root);
		return -ENOTDIR;
	}
	if (access(root, R_OK | X_OK)) {
		int e = errno;

		snprintf(err, errlen, "--root %s: cannot read the tree: %s", root, strerror(e));
		return -e;
	}
	/* a copy of /etc given for the tree above it reads as a host with
	 * nothing configured: said, not reported clean */
	for (size_t i = 0; i < sizeof(tops) / sizeof(tops[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", root, tops[i]);
		if (!stat(path, &sb) && S_ISDIR(sb.st_mode))
			return 0;
	}
	snprintf(err, errlen, "--root %s: holds no etc/, sys/ or proc/: give the directory above the "
		 "host's copied etc/ (and sys/, proc/)", root);
	return -ENOENT;
}

#define OPEN_ALWAYS	(O_CLOEXEC | O_NONBLOCK | O_NOCTTY)

/* openat2 refuses O_PATH with flags that only make sense for reading. */
static int open_flags(int flags)
{
	return flags | ((flags & O_PATH) ? O_CLOEXEC : OPEN_ALWAYS);
}

#define LINKS_MAX	40	/* as the kernel's own limit on nested links */

/* Moves the first component of *TODO into COMP. False when none is left. */
static bool next_component(char *todo, char *comp, size_t size)
{
	char *p = todo + strspn(todo, "/");
	size_t n = strcspn(p, "/");

	if (!n || n >= size)
		return false;
	memcpy(comp, p, n);
	comp[n] = '\0';
	memmove(todo, p + n, strlen(p + n) + 1);
	return true;
}

/* Component COMP of RESOLVED (a path relative to DIR, the root, with no
 * links in it) when it is a link to follow: its target goes in front of
 * the rest of TODO, and an absolute target starts over at the root.
 * Returns 1 when a link was spliced in, 0 when COMP is no link, or -errno. */
static int splice_link(int dir, char *resolved, const char *comp, char *todo, size_t size,
		       bool last, int flags)
{
	char cand[PATH_MAX], target[PATH_MAX], rest[PATH_MAX];
	struct stat st;
	ssize_t n;

	if (snprintf(cand, sizeof(cand), "%s%s%s", resolved, resolved[0] ? "/" : "", comp) >=
	    (int)sizeof(cand))
		return -ENAMETOOLONG;
	if (fstatat(dir, cand, &st, AT_SYMLINK_NOFOLLOW) || !S_ISLNK(st.st_mode) ||
	    (last && (flags & O_NOFOLLOW))) {
		snprintf(resolved, PATH_MAX, "%s", cand);
		return 0;
	}
	n = readlinkat(dir, cand, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	snprintf(rest, sizeof(rest), "%s", todo);
	if (snprintf(todo, size, "%s/%s", target, rest) >= (int)size)
		return -ENAMETOOLONG;
	if (target[0] == '/')
		resolved[0] = '\0';
	return 1;
}

/* Kernels before 5.6 have no openat2: the same resolution done here, one
 * component at a time from the root's fd ("..", at the root, stays there). */
static int open_walk(int dir, const char *path, int flags)
{
	char todo[PATH_MAX], resolved[PATH_MAX] = "", comp[NAME_MAX + 1];
	int links = 0, ret, fd;

	if (snprintf(todo, sizeof(todo), "%s", path) >= (int)sizeof(todo))
		return -ENAMETOOLONG;
	while (next_component(todo, comp, sizeof(comp))) {
		if (!strcmp(comp, "."))
			continue;
		if (!strcmp(comp, "..")) {
			char *slash = strrchr(resolved, '/');

			*(slash ? slash : resolved) = '\0';
			continue;
		}
		ret = splice_link(dir, resolved, comp, todo, sizeof(todo),
				  !todo[strspn(todo, "/")], flags);
		if (ret < 0)
			return ret;
		if (ret && ++links > LINKS_MAX)
			return -ELOOP;
	}
	fd = openat(dir, resolved[0] ? resolved : ".", open_flags(flags) | O_NOFOLLOW);
	return fd < 0 ? -errno : fd;
}

/* The root a scan holds open (root_hold): one at a time, single-threaded
 * like the scans themselves. */
static struct {
	char *path;
	int fd;
	unsigned int holds;
} held = { .fd = -1 };

void root_hold(const char *root)
{
	int fd;

	if (sys_root_is_live(root))
		return;
	if (held.holds) {
		held.holds += !strcmp(held.path, root);
		return;
	}
	/* best effort: without it each lookup opens ROOT, and says why not */
	fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (!(held.path = strdup(root))) {
		close(fd);
		return;
	}
	held.fd = fd;
	held.holds = 1;
}

void root_release(const char *root)
{
	if (sys_root_is_live(root) || !held.holds || strcmp(held.path, root) || --held.holds)
		return;
	close(held.fd);
	free(held.path);
	held.fd = -1;
	held.path = NULL;
}

int root_open(const char *root, const char *path, int flags)
{
	struct open_how how = {
		.flags = (unsigned int)open_flags(flags),
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int dir, fd, err;
	bool holding;

	/* the host's own lookup, as any tool reading /sys or /proc does:
	 * nothing to stay inside, and no extra open of "/" per read */
	if (sys_root_is_live(root)) {
		fd = open(path, open_flags(flags));
		return fd < 0 ? -errno : fd;
	}
	holding = held.holds && !strcmp(held.path, root);
	dir = holding ? held.fd : open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return -errno;
	fd = syscall(SYS_openat2, dir, path, &how, sizeof(how));
	err = fd < 0 ? errno : 0;
	if (err == ENOSYS) {
		fd = open_walk(dir, path, flags);
		err = fd < 0 ? -fd : 0;
	}
	if (!holding)
		close(dir);
	return fd < 0 ? -err : fd;
}

/* An fd of regular file PATH under ROOT with its size, or -errno (-EINVAL
 * for anything else: a FIFO or device planted in a copied tree). */
static int open_regular(const char *root, const char *path, off_t *size)
{
	struct stat st;
	int fd = root_open(root, path, O_RDONLY);

	if (fd < 0)
		return fd;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	*size = st.st_size;
	return fd;
}

ssize_t root_read(const char *root, const char *path, void *buf, size_t size)
{
	off_t file_size;
	ssize_t n;
	int fd = open_regular(root, path, &file_size);

	if (fd < 0)
		return fd;
	n = fd_read_full(fd, buf, size, -1);
	close(fd);
	return n;
}

ssize_t root_read_alloc(const char *root, const char *path, size_t max, char **out)
{
	off_t file_size;
	size_t cap;
	ssize_t n;
	int fd = open_regular(root, path, &file_size);

	*out = NULL;
	if (fd < 0)
		return fd;
	/* sized by the file, not by MAX: a 200-byte config must not cost a
	 * MiB (checking a tree reads hundreds); a byte more than the file
	 * holds sees it grow */
	cap = (size_t)file_size < max ? (size_t)file_size + 1 : max;
	*out = malloc(cap + 1);
	n = *out ? fd_read_full(fd, *out, cap, -1) : -ENOMEM;
	close(fd);
	if (n < 0) {
		free(*out);
		*out = NULL;
		return n;
	}
	(*out)[n] = '\0';
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

ssize_t root_readlink(const char *root, const char *path, char *buf, size_t size)
{
	struct stat st;
	ssize_t n;
	int fd;

	if (size < 1)
		return -EINVAL;
	buf[0] = '\0';
	if (sys_root_is_live(root)) {
		n = readlink(path, buf, size);
		if (n < 0)
			return -errno;
	} else {
		/* the directories on the way resolve inside ROOT; the link
		 * itself is opened, not followed: its text is all we want */
		if ((fd = root_open(root, path, O_PATH | O_NOFOLLOW)) < 0)
			return fd;
		/* readlinkat() of "" says ENOENT for a file that is no link:
		 * EINVAL, as readlink() says, keeps "absent" apart */
		if (fstat(fd, &st))
			n = -errno;
		else if (!S_ISLNK(st.st_mode))
			n = -EINVAL;
		else if ((n = readlinkat(fd, "", buf, size)) < 0)
			n = -errno;
		close(fd);
		if (n < 0)
			return n;
	}
	if ((size_t)n >= size) {
		buf[0] = '\0';
		return -ENAMETOOLONG;
	}
	buf[n] = '\0';
	return n;
}

int root_opendir(const char *root, const char *path, DIR **dir)
{
	int fd = root_open(root, path, O_RDONLY | O_DIRECTORY), err;

	*dir = NULL;
	if (fd < 0)
		return fd;
	if (!(*dir = fdopendir(fd))) {
		err = -errno;
		close(fd);
		return err;
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int root_list(const char *root, const char *path, char ***names)
{
	char **list = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *dp;
	int fd;

	*names = NULL;
	fd = root_open(root, path, O_RDONLY | O_DIRECTORY);
	if (fd >= 0 && !(dp = fdopendir(fd))) {
		close(fd);
		fd = -errno;
	}
	if (fd < 0)	/* absent is empty; unreadable is said */
		return fd == -ENOENT || fd == -ENOTDIR ? 0 : fd;
	while ((de = readdir(dp))) {
		if (de->d_name[0] == '.')
			continue;
		if (array_reserve((void **)&list, &cap, n + 1, sizeof(*list)))
			goto nomem;
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
