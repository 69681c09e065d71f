// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* "-" as a trace argument: the trace comes on standard input. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/cmd_opts.h"
#include "util.h"

/* The reader seeks (chunk index, truncation checks): stdin is copied into
 * an anonymous memory file first, named by its /proc/self/fd path. */
static int spool_stdin(char *path, size_t size)
{
	char buf[65536];
	ssize_t n;
	size_t total = 0;
	int fd = memfd_create("gputrace-stdin", MFD_CLOEXEC);

	if (fd < 0)
		return -errno;
	while ((n = read(STDIN_FILENO, buf, sizeof(buf))) > 0) {
		if (write(fd, buf, n) != n) {
			close(fd);
			return -EIO;
		}
		total += n;
	}
	if (n < 0 || !total) {	/* nothing came: said as such, not as a bad header */
		close(fd);
		return n < 0 ? -errno : -ENODATA;
	}
	snprintf(path, size, "/proc/self/fd/%d", fd);
	return 0;
}

int cmd_trace_args(char **traces, int n)
{
	static char path[64];
	int err;

	for (int i = 0; i < n; i++) {
		if (strcmp(traces[i], "-"))
			continue;
		if (path[0])
			return cmd_usage_err("'-' (standard input) can be given once");
		if ((err = spool_stdin(path, sizeof(path)))) {
			if (err == -ENODATA)
				cmd_err("standard input is empty: no trace came on it");
			else
				cmd_err("reading the trace from standard input: %s", strerror(-err));
			return EXIT_ERROR;
		}
		traces[i] = path;
	}
	return 0;
}
