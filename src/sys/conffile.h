/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Line-oriented configuration files (modprobe.d, udev rules, /etc/modules)
 * read as their programs read them: a backslash at the end of a line joins
 * the next one, and each logical line keeps the number of its first physical
 * line so a finding can point at it. Directory sets follow the kmod/udev
 * rule: files are taken in name order across all directories, and a file in
 * an earlier directory hides a same-named file in a later one.
 */
#ifndef GPUTRACE_SYS_CONFFILE_H
#define GPUTRACE_SYS_CONFFILE_H

#include <stdbool.h>
#include <stddef.h>

#define CONF_FILE_MAX	(1024 * 1024)	/* bytes read per file */

struct conf_line {
	int lineno;		/* first physical line, 1-based */
	char *text;		/* continuations joined, edges trimmed */
};

struct conf_file {
	char *path;		/* as on the host (without the root prefix) */
	struct conf_line *lines;
	size_t n;
};

/* Reads ROOT+PATH, links resolved inside ROOT (rootfs.h): a copied tree's
 * absolute links point into the tree, never at this host. Blank lines are
 * dropped; comments are kept (each program has its own idea of them).
 * Returns 0 or -errno (-ENOENT when absent or not a regular file, -EFBIG
 * past CONF_FILE_MAX). */
int conf_read(const char *root, const char *path, struct conf_file *out);
void conf_free(struct conf_file *f);

/* The same for a file that must be text (units, scripts): a NUL byte
 * makes it -EINVAL. */
int conf_read_in_root(const char *root, const char *path, struct conf_file *out);

/* Adds the logical lines of BUF (NUL-terminated, modified) to F (empty,
 * PATH set by the caller), for text read some other way. Returns 0 or
 * -ENOMEM. */
int conf_split(struct conf_file *f, char *buf);

/* The next line of *TEXT into LINE, edges trimmed (cut to SIZE); whether it
 * was indented; *LINENO counted when not NULL. False at the end. */
bool conf_next_line(const char **text, char *line, size_t size, bool *indented, int *lineno);

/* True for a line whose first non-blank character is '#'. */
int conf_is_comment(const char *text);

/* Host paths of the files ending in SUFFIX ("" for any) in DIRS (host
 * paths), hidden files and non-regular files left out, name order, earlier
 * directories winning. Absent directories are skipped. Returns 0 with
 * *PATHS (free with conf_list_free) and *N, or -ENOMEM. */
int conf_list(const char *root, const char *const *dirs, size_t ndirs,
	      const char *suffix, char ***paths, size_t *n);

/* A directory of DIRS that is there but cannot be read: its host path and
 * -errno (rootfs.h root_list). */
typedef void (*conf_unlisted_fn)(void *ctx, const char *dir, int err);

/* conf_list, telling UNLISTED of each directory it could not read instead
 * of taking it for an empty one. */
int conf_list_saying(const char *root, const char *const *dirs, size_t ndirs,
		     const char *suffix, char ***paths, size_t *n,
		     conf_unlisted_fn unlisted, void *ctx);
void conf_list_free(char **paths, size_t n);

/* Splits TEXT in place at blanks into at most MAX words. Returns the count. */
int conf_words(char *text, char **words, int max);

#endif /* GPUTRACE_SYS_CONFFILE_H */
