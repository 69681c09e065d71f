// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The one place a report's output form is chosen. */
#include <errno.h>
#include <string.h>

#include "render/report_render.h"

int report_format_parse(const char *name, enum report_format *out)
{
	static const char *const names[] = {
		[REPORT_TEXT] = "text", [REPORT_MD] = "md", [REPORT_JSON] = "json",
		[REPORT_HTML] = "html",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(name, names[i])) {
			*out = (enum report_format)i;
			return 0;
		}
	}
	return -EINVAL;
}

void report_render(FILE *out, const struct report *r, const struct report_view *v)
{
	if (v->explain && v->format != REPORT_JSON)
		report_render_explain(out, r, v->explain);
	else if (v->format == REPORT_JSON)
		report_render_json(out, r, v->pretty);
	else if (v->format == REPORT_HTML)
		report_render_html(out, r);
	else
		report_render_text(out, r, v->format == REPORT_MD, v->color);
}

int report_render_files(const char *const *traces, int ntraces, const char *vm,
			const char *format, FILE *out, char *err, size_t errlen)
{
	struct report_view view = { .pretty = true };
	struct report_opts o = { .vm = vm };
	struct report r;
	int ret;

	if (report_format_parse(format, &view.format)) {
		snprintf(err, errlen, "unknown report format '%s'", format);
		return -EINVAL;
	}
	ret = report_build(&r, traces, ntraces, &o, err, errlen);
	if (!ret)
		report_render(out, &r, &view);
	report_free(&r);
	return ret;
}
