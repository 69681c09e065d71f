// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "outfile.h"
#include "render/archive.h"
#include "sys/sysfs.h"
#include "util.h"

#define FILE_MAX	(1024ull * 1024 * 1024)	/* a trace this big is refused */

/* libarchive is loaded on first use, not linked: with what it pulls in
 * (libxml2, ICU, libstdc++) it cost every command, `record` included,
 * ~4.5 ms of startup, and only `bundle` writes archives. The headers still
 * give the types, so every call below is checked by the compiler. */
#define LIBARCHIVE	"libarchive.so.13"
#define LA_FUNCS(X) \
	X(archive_write_new) X(archive_write_add_filter_gzip) \
	X(archive_write_set_format_pax_restricted) X(archive_write_open_fd) \
	X(archive_write_header) X(archive_write_data) X(archive_write_close) \
	X(archive_write_free) X(archive_error_string) X(archive_entry_new) \
	X(archive_entry_set_pathname) X(archive_entry_set_size) \
	X(archive_entry_set_filetype) X(archive_entry_set_perm) \
	X(archive_entry_set_mtime) X(archive_entry_free)

#define LA_PTR(f) __typeof__(f) *f;
#define LA_NAME(f) #f,
static const char *const la_names[] = { LA_FUNCS(LA_NAME) };

/* The typed pointers the calls use, and the same as an array to fill. */
static union {
	struct { LA_FUNCS(LA_PTR) };
	void *sym[sizeof(la_names) / sizeof(la_names[0])];
} la;
_Static_assert(sizeof(la) == sizeof(la.sym), "one pointer per name");

static int la_load(char *err, size_t errlen)
{
	static void *lib;

	if (!lib)
		lib = dl_open_syms(LIBARCHIVE, "install libarchive13", la_names, la.sym,
				   sizeof(la_names) / sizeof(la_names[0]), err, errlen);
	return lib ? 0 : -1;
}

struct tar_out {
	struct archive *a;
	char *path;
	int fd;
	struct outfile of;	/* becomes PATH at tar_close only */
	time_t now;
};

struct tar_out *tar_create(const char *path, bool overwrite, char *err, size_t errlen)
{
	struct tar_out *t;
	int ret;

	if (la_load(err, errlen))
		return NULL;
	t = calloc(1, sizeof(*t));
	if (!t || !(t->path = strdup(path))) {
		free(t);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	/* Written aside and renamed in place when complete: a failed
	 * bundle leaves no archive, and a symlink at PATH is never followed. */
	ret = outfile_open(&t->of, path, overwrite);
	if (ret) {
		snprintf(err, errlen, "%s: %s%s", path, strerror(-ret),
			 ret == -EEXIST ? " (use -f to overwrite)" : "");
		free(t->path);
		free(t);
		return NULL;
	}
	t->fd = t->of.fd;
	t->now = time(NULL);
	t->a = la.archive_write_new();
	if (!t->a || la.archive_write_add_filter_gzip(t->a) != ARCHIVE_OK ||
	    la.archive_write_set_format_pax_restricted(t->a) != ARCHIVE_OK ||
	    la.archive_write_open_fd(t->a, t->fd) != ARCHIVE_OK) {
		snprintf(err, errlen, "%s: %s", path, t->a ? la.archive_error_string(t->a) : "libarchive");
		tar_abort(t);
		return NULL;
	}
	return t;
}

int tar_add(struct tar_out *t, const char *name, const void *data, size_t len,
	    char *err, size_t errlen)
{
	struct archive_entry *e = la.archive_entry_new();
	int ok;

	if (!e) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	la.archive_entry_set_pathname(e, name);
	la.archive_entry_set_size(e, len);
	la.archive_entry_set_filetype(e, AE_IFREG);
	la.archive_entry_set_perm(e, 0600);
	la.archive_entry_set_mtime(e, t->now, 0);
	ok = la.archive_write_header(t->a, e) == ARCHIVE_OK &&
	     (!len || la.archive_write_data(t->a, data, len) == (la_ssize_t)len);
	la.archive_entry_free(e);
	if (!ok) {
		snprintf(err, errlen, "%s: %s: %s", t->path, name, la.archive_error_string(t->a));
		return -1;
	}
	return 0;
}

int tar_add_file(struct tar_out *t, const char *name, const char *file, char *err, size_t errlen)
{
	struct stat st;
	ssize_t n;
	char *buf;
	int fd, ret;

	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > FILE_MAX) {
		snprintf(err, errlen, "%s: %s", file, fd < 0 ? strerror(errno) :
			 !S_ISREG(st.st_mode) ? "not a regular file" : "too large");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	buf = malloc(st.st_size ? st.st_size : 1);
	n = buf ? sys_read_fd(fd, buf, st.st_size) : -ENOMEM;
	close(fd);
	if (n != st.st_size) {
		snprintf(err, errlen, "%s: %s", file, n < 0 ? strerror(-n) : "changed while read");
		free(buf);
		return -1;
	}
	ret = tar_add(t, name, buf, n, err, errlen);
	free(buf);
	return ret;
}

int tar_close(struct tar_out *t, char *err, size_t errlen)
{
	int ret, ok = la.archive_write_close(t->a) == ARCHIVE_OK;

	if (!ok)
		snprintf(err, errlen, "%s: %s", t->path, la.archive_error_string(t->a));
	la.archive_write_free(t->a);
	t->a = NULL;
	if (fsync(t->fd) && ok) {
		snprintf(err, errlen, "%s: %s", t->path, strerror(errno));
		ok = 0;
	}
	if (ok && (ret = outfile_commit(&t->of))) {
		snprintf(err, errlen, "%s: %s", t->path, strerror(-ret));
		ok = 0;
	}
	if (!ok) {
		outfile_abort(&t->of);
	} else {
		outfile_release(&t->of);
		if (close(t->fd)) {
			snprintf(err, errlen, "%s: %s", t->path, strerror(errno));
			unlink(t->path);
			ok = 0;
		}
	}
	t->fd = -1;
	free(t->path);
	free(t);
	return ok ? 0 : -1;
}

void tar_abort(struct tar_out *t)
{
	if (!t)
		return;
	if (t->a)
		la.archive_write_free(t->a);
	outfile_abort(&t->of);	/* nothing was put at PATH */
	free(t->path);
	free(t);
}
