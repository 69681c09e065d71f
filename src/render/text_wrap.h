/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Word-wrapped paragraphs for the text views of status and check. */
#ifndef GPUTRACE_RENDER_TEXT_WRAP_H
#define GPUTRACE_RENDER_TEXT_WRAP_H

#include <stdio.h>

#define TEXT_WIDTH	100

/* Prints LABEL at column INDENT, then TEXT wrapped at TEXT_WIDTH with
 * continuation lines aligned after the label. Words longer than a line
 * (paths, rule lines) are printed whole. Control bytes in TEXT are
 * escaped (text_escape.h). */
void text_wrap(FILE *out, int indent, const char *label, const char *text);

#endif
