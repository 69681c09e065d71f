/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* A gzip-compressed tar archive written with libarchive: what `bundle`
 * produces. Every entry is mode 0600 with no owner names. */
#ifndef GPUTRACE_RENDER_ARCHIVE_H
#define GPUTRACE_RENDER_ARCHIVE_H

#include <stdbool.h>
#include <stddef.h>

struct tar_out;

/* Creates PATH with mode 0600 (fails if it exists unless OVERWRITE).
 * Returns NULL with a one-line reason in ERR. */
struct tar_out *tar_create(const char *path, bool overwrite, char *err, size_t errlen);

/* Adds NAME (a relative path inside the archive) with LEN bytes of DATA.
 * Returns 0 or -1 with the reason in ERR. */
int tar_add(struct tar_out *t, const char *name, const void *data, size_t len,
	    char *err, size_t errlen);

/* Adds NAME with the content of the file FILE. */
int tar_add_file(struct tar_out *t, const char *name, const char *file, char *err, size_t errlen);

/* Finishes and closes. Returns 0 or -1 with the reason in ERR; either way
 * T is freed. On failure the partial file is removed. */
int tar_close(struct tar_out *t, char *err, size_t errlen);

/* Frees T after an earlier failure and removes the partial file. */
void tar_abort(struct tar_out *t);

#endif
