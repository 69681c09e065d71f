// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outfile.h"

/* "DIR/.BASE.XXXXXX" for PATH, or NULL. DIR_ONLY: just PATH's directory. */
static char *beside(const char *path, bool dir_only)
{
	char *a = strdup(path), *b = strdup(path), *out = NULL;

	if (a && b) {
		const char *dir = dirname(a), *base = basename(b);

		if (dir_only ? asprintf(&out, "%s", dir) < 0 :
		    asprintf(&out, "%s/.%s.XXXXXX", dir, base) < 0)
			out = NULL;
	}
	free(a);
	free(b);
	return out;
}

static int open_unnamed(struct outfile *o)
{
	char *dir = beside(o->path, true);
	int fd;

	if (!dir)
		return -ENOMEM;
	fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
	free(dir);
	return fd < 0 ? -errno : fd;
}

int outfile_open(struct outfile *o, const char *path, bool overwrite)
{
	struct stat st;
	int fd;

	memset(o, 0, sizeof(*o));
	o->fd = -1;
	o->overwrite = overwrite;
	if (!overwrite && !lstat(path, &st))
		return -EEXIST;
	if (!(o->path = strdup(path)))
		return -ENOMEM;
	fd = open_unnamed(o);
	if (fd == -EOPNOTSUPP || fd == -EISDIR || fd == -EINVAL) {
		/* no O_TMPFILE on this filesystem: a hidden named file */
		if (!(o->tmp = beside(path, false)))
			return -ENOMEM;
		fd = mkostemp(o->tmp, O_CLOEXEC);
		if (fd < 0) {
			fd = -errno;
			free(o->tmp);
			o->tmp = NULL;
		}
	}
	if (fd < 0) {
		free(o->path);
		o->path = NULL;
		return fd;
	}
	/* mkostemp makes 0600 already; O_TMPFILE honours the umask */
	if (fchmod(fd, 0600)) {
		int err = -errno;

		close(fd);
		outfile_abort(o);
		return err;
	}
	o->fd = fd;
	return 0;
}

/* Gives the unnamed file a name: a hidden one beside PATH when it is to
 * replace PATH (linkat never replaces), else PATH itself. */
static int link_unnamed(struct outfile *o)
{
	char proc[64];

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", o->fd);
	if (!o->overwrite)
		return linkat(AT_FDCWD, proc, AT_FDCWD, o->path, AT_SYMLINK_FOLLOW) ? -errno : 1;
	for (int tries = 0; tries < 16; tries++) {
		char *tmp = beside(o->path, false);
		int fd;

		if (!tmp)
			return -ENOMEM;
		/* a fresh name: mkstemp makes one, which the link then takes */
		fd = mkstemp(tmp);
		if (fd < 0) {
			free(tmp);
			return -errno;
		}
		close(fd);
		unlink(tmp);
		if (!linkat(AT_FDCWD, proc, AT_FDCWD, tmp, AT_SYMLINK_FOLLOW)) {
			o->tmp = tmp;
			return 0;
		}
		free(tmp);
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

int outfile_commit(struct outfile *o)
{
	int ret;

	if (!o->tmp) {
		ret = link_unnamed(o);
		if (ret)
			return ret < 0 ? ret : 0;
	}
	/* rename replaces the directory entry, a symlink included, and
	 * never writes through it; RENAME_NOREPLACE keeps "no overwrite"
	 * true even if PATH appeared since the open */
	if (renameat2(AT_FDCWD, o->tmp, AT_FDCWD, o->path, o->overwrite ? 0 : RENAME_NOREPLACE)) {
		ret = -errno;
		unlink(o->tmp);
		free(o->tmp);
		o->tmp = NULL;
		return ret;
	}
	free(o->tmp);
	o->tmp = NULL;
	return 0;
}

void outfile_abort(struct outfile *o)
{
	if (o->fd >= 0)
		close(o->fd);
	o->fd = -1;
	if (o->tmp)
		unlink(o->tmp);
	outfile_release(o);
}

void outfile_release(struct outfile *o)
{
	free(o->tmp);
	free(o->path);
	o->tmp = o->path = NULL;
}
