/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* A long recording as a set of files (record --max-size, --keep, SIGHUP):
 * NAME.gtrace, then NAME.0001.gtrace, NAME.0002.gtrace, ... each a whole
 * trace. The header's set and set_seq keys tie them together (readers
 * order a set by set_seq, not by name). */
#ifndef GPUTRACE_ROTATE_H
#define GPUTRACE_ROTATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* "100M", "1G", "512k", "4096": bytes (powers of 1024). Returns 0, or -1
 * for anything else, zero included. */
int rotate_parse_size(const char *s, uint64_t *bytes);

/* The path of file SEQ of the set that starts at FIRST ("x/a.gtrace" ->
 * "x/a.0003.gtrace"; a name without .gtrace gets the number appended).
 * Returns 0, or -ENAMETOOLONG if it does not fit in SIZE. */
int rotate_path(const char *first, unsigned int seq, char *buf, size_t size);

/* With KEEP files at most, removes file SEQ - KEEP of this set (the one
 * that just fell out). Returns 0, or -errno (a missing file is 0). */
int rotate_prune(const char *first, unsigned int seq, unsigned int keep);

#endif
