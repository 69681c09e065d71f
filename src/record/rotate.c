// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "record/rotate.h"
#include "util.h"

#define SUFFIX ".gtrace"

int rotate_parse_size(const char *s, uint64_t *bytes)
{
	static const char units[] = "kmgt";
	unsigned long long n;
	const char *u;
	char *end;
	int shift = 0;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno || !n)
		return -1;
	if (*end) {
		if (!(u = strchr(units, end[0] | 0x20)))
			return -1;
		shift = 10 * (u - units + 1);
		end++;
		/* "1G", "1GB", "1GiB" all mean the same here */
		if (!strcasecmp(end, "b") || !strcasecmp(end, "ib"))
			end += strlen(end);
		if (*end)
			return -1;
	}
	if (n > (UINT64_MAX >> shift))
		return -1;
	*bytes = (uint64_t)n << shift;
	return 0;
}

int rotate_path(const char *first, unsigned int seq, char *buf, size_t size)
{
	size_t len = strlen(first), slen = strlen(SUFFIX);
	int n;

	if (!seq)
		n = snprintf(buf, size, "%s", first);
	else if (str_has_suffix(first, SUFFIX) && len > slen)
		n = snprintf(buf, size, "%.*s.%04u" SUFFIX, (int)(len - slen), first, seq);
	else
		n = snprintf(buf, size, "%s.%04u", first, seq);
	/* a cut name is another file's: never written, never removed */
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int rotate_prune(const char *first, unsigned int seq, unsigned int keep)
{
	char path[4096];

	if (!keep || seq < keep)
		return 0;
	if (rotate_path(first, seq - keep, path, sizeof(path)))
		return -ENAMETOOLONG;
	if (unlink(path) && errno != ENOENT)
		return -errno;
	return 0;
}
