// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* HTML escaping for the HTML report (html.h). */
#include <stdarg.h>
#include <stdint.h>

#include "render/html.h"

#define REPLACEMENT "\xef\xbf\xbd"

/* Length of the valid UTF-8 sequence at S (at most N bytes), 0 if none:
 * overlong forms, surrogates and code points past U+10FFFF are refused, so
 * the page never holds what a browser would have to repair. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	uint32_t cp;
	size_t len;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

void html_escape(FILE *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < n && p[i];) {
		size_t len = utf8_len(p + i, n - i);

		switch (len ? p[i] : 0) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&#39;", out); break;
		case '\t': case '\n': fputc(p[i], out); break;
		default:
			if (!len || p[i] < 0x20 || p[i] == 0x7f)
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
