/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* A report (findings/report.h) shown: text or Markdown, JSON (schema in
 * docs/report-schema.md), one HTML page, or one device's custody story.
 * The choice between them is made here only, for `report` and `bundle`. */
#ifndef GPUTRACE_RENDER_REPORT_RENDER_H
#define GPUTRACE_RENDER_REPORT_RENDER_H

#include <stdbool.h>
#include <stdio.h>

#include "findings/report.h"

enum report_format { REPORT_TEXT, REPORT_MD, REPORT_JSON, REPORT_HTML };

/* "text", "md", "json", "html": 0 and *OUT set, or -EINVAL. */
int report_format_parse(const char *name, enum report_format *out);

struct report_view {
	enum report_format format;
	bool pretty;		/* JSON indented */
	bool color;		/* text: severity in colour */
	const char *explain;	/* a device's custody story instead (not for JSON) */
};

void report_render(FILE *out, const struct report *r, const struct report_view *v);

void report_render_text(FILE *out, const struct report *r, bool markdown, bool color);
void report_render_json(FILE *out, const struct report *r, bool pretty);
/* One self-contained page: pictures of the trace and of each stop, then
 * findings and timeline (report_html.c). */
void report_render_html(FILE *out, const struct report *r);

/* The custody story of one device (--explain), run by run. */
void report_render_explain(FILE *out, const struct report *r, const char *bdf);

/* Builds the report of TRACES (only VM when not NULL) and renders it in
 * FORMAT ("text", "md", "json" pretty, "html") to OUT, for `bundle`.
 * Returns 0, or -errno with a one-line reason in ERR. */
int report_render_files(const char *const *traces, int ntraces, const char *vm,
			const char *format, FILE *out, char *err, size_t errlen);

#endif
