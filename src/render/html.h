/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Writing HTML: every string that comes from a trace (comm, argv, units,
 * paths, written values, labels) goes out through these, never raw. */
#ifndef GPUTRACE_HTML_H
#define GPUTRACE_HTML_H

#include <stddef.h>
#include <stdio.h>

/* S (N bytes) as text safe in element content and in quoted attributes:
 * & < > " ' escaped; control characters other than tab and newline, C1
 * controls, line separators, bidirectional overrides and bytes that are
 * not UTF-8 become U+FFFD. */
void html_escape(FILE *out, const char *s, size_t n);

/* printf, then html_escape of the result (at most 4 KiB). */
void html_printf(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
