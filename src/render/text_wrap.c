// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <string.h>

#include "render/text_wrap.h"
#include "text_escape.h"

void text_wrap(FILE *out, int indent, const char *label, const char *text)
{
	int start = indent + (int)strlen(label), col;
	size_t len;

	fprintf(out, "%*s%s", indent, "", label);
	col = start;
	while (*text) {
		text += strspn(text, " ");
		if (!*text)
			break;
		len = strcspn(text, " ");
		if (col > start && col + 1 + (int)len > TEXT_WIDTH) {
			fprintf(out, "\n%*s", start, "");
			col = start;
		}
		if (col > start) {
			fputc(' ', out);
			col++;
		}
		/* Config lines and names come from files anyone may have
		 * written: escaped, as everything shown. */
		text_escape_put(out, text, len);
		col += len;
		text += len;
	}
	fputc('\n', out);
}
