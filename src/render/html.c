// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* HTML escaping for the HTML report (html.h). */
#include <stdarg.h>
#include <stdint.h>

#include "render/html.h"
#include "text_escape.h"

#define REPLACEMENT "\xef\xbf\xbd"

/* UTF-8 is checked by the text escaper's decoder (text_escape.h): the page
 * never holds what a browser would have to repair, nor the bidirectional
 * overrides and C1 controls the text report refuses. */
void html_escape(FILE *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < n && p[i];) {
		uint32_t cp = 0;
		size_t len = utf8_seq(p + i, n - i, &cp);

		switch (len ? p[i] : 0) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&#39;", out); break;
		case '\t': case '\n': fputc(p[i], out); break;
		default:
			if (!len || cp < 0x20 || cp == 0x7f || text_unsafe_code_point(cp))
				fputs(REPLACEMENT, out);
			else
				fwrite(p + i, 1, len, out);
		}
		i += len ? len : 1;
	}
}

void html_printf(FILE *out, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	html_escape(out, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}
