/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* modprobe.d as kmod reads it: which files count, and their statements
 * (options, softdep, blacklist, install, ...) with file and line. */
#ifndef GPUTRACE_SYS_MODPROBE_H
#define GPUTRACE_SYS_MODPROBE_H

#include <stddef.h>

#include "sys/conffile.h"

#define MODPROBE_WORDS_MAX	64

struct modprobe_conf {
	struct conf_file *files;	/* in the order kmod applies them */
	size_t n;
};

/* One statement: WORDS[0] is the command ("options"), WORDS[1] usually
 * the module. Comment lines are skipped. */
struct modprobe_stmt {
	const char *path;
	int lineno;
	const char *text;		/* the whole logical line */
	int nwords;
	char *words[MODPROBE_WORDS_MAX];
	char buf[8192];			/* WORDS point here */
};

/* Reads the *.conf files of /etc/modprobe.d, /run/modprobe.d,
 * /usr/local/lib/modprobe.d, /lib/modprobe.d and /usr/lib/modprobe.d under
 * ROOT. A file that cannot be read is an error (-errno, with its host path
 * in BAD if not NULL); absent directories are not. */
int modprobe_read(const char *root, struct modprobe_conf *mc, char *bad, size_t badlen);
void modprobe_free(struct modprobe_conf *mc);

/* Iterates statements: *FILE and *LINE start at 0. Returns 1 with ST
 * filled, 0 at the end. */
int modprobe_next(const struct modprobe_conf *mc, size_t *file, size_t *line,
		  struct modprobe_stmt *st);

#endif /* GPUTRACE_SYS_MODPROBE_H */
