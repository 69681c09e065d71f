/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* What the libFuzzer harnesses share: a scratch directory of their own,
 * files written into it, and a sink for what the renderers print. */
#ifndef GPUTRACE_FUZZ_COMMON_H
#define GPUTRACE_FUZZ_COMMON_H

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char fuzz_scratch[64];

static inline int fuzz_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	return remove(path);
}

/* At exit (the end of a run or a replay): a crash leaves it for study. */
static inline void fuzz_dir_remove(void)
{
	nftw(fuzz_scratch, fuzz_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* /dev/shm when there is one: every input goes through files. */
static inline const char *fuzz_dir(void)
{
	if (!fuzz_scratch[0]) {
		snprintf(fuzz_scratch, sizeof(fuzz_scratch), "%s/gputrace-fuzz.XXXXXX",
			 access("/dev/shm", W_OK) ? "/tmp" : "/dev/shm");
		if (!mkdtemp(fuzz_scratch))
			abort();
		atexit(fuzz_dir_remove);
	}
	return fuzz_scratch;
}

/* Creates the directories of REL under ROOT (REL starts with '/'). */
static inline void fuzz_mkdirs(const char *root, const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s%s", root, rel);
	for (char *p = path + strlen(root) + 1; (p = strchr(p, '/')); p++) {
		*p = 0;
		mkdir(path, 0755);
		*p = '/';
	}
}

static inline void fuzz_put(const char *root, const char *rel, const void *data, size_t len)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s%s", root, rel);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		fuzz_mkdirs(root, rel);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	}
	if (fd < 0)
		abort();
	if (len && write(fd, data, len) != (ssize_t)len)
		abort();
	close(fd);
}

static inline FILE *fuzz_sink(void)
{
	static FILE *sink;

	if (!sink && !(sink = fopen("/dev/null", "we")))
		abort();
	return sink;
}

#endif
