/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Output files root creates where others can write (/tmp, a shared
 * directory): a symlink or file planted at the path is never followed or
 * written through, only replaced (with --force) or refused. */
#ifndef GPUTRACE_OUTFILE_H
#define GPUTRACE_OUTFILE_H

#include <stdbool.h>

struct outfile {
	int fd;
	char *path;		/* where it goes */
	char *tmp;		/* named temp file beside it, NULL if unnamed */
	bool overwrite;
};

/* Opens a private (0600) file that becomes PATH at outfile_commit(), made
 * in PATH's directory so the commit is a rename. Without OVERWRITE an
 * existing PATH (a symlink included) fails with EEXIST, now and at the
 * commit. Until then nothing exists under PATH's name (O_TMPFILE where
 * the filesystem has it, a hidden ".NAME.XXXXXX" otherwise). Returns 0 or
 * -errno. */
int outfile_open(struct outfile *o, const char *path, bool overwrite);

/* Puts the file in place (replacing PATH itself, never what it points to,
 * when OVERWRITE) and keeps the descriptor open. 0 or -errno. */
int outfile_commit(struct outfile *o);

/* Closes the descriptor; removes the file unless it was committed. */
void outfile_abort(struct outfile *o);

/* Frees what outfile_open allocated; the descriptor is the caller's. */
void outfile_release(struct outfile *o);

#endif
