// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The mark message as the recorder takes it: label checks, the MARK record
 * it becomes and its live line; and the escapers every untrusted string
 * goes through (plain text, Markdown, code spans), which must never leave
 * a control byte or grow past their bound.
 */
#include "fuzz_common.h"

#include "gputrace/trace_format.h"
#include "record/control.h"
#include "render/record_render.h"
#include "text_escape.h"
#include "trace/trace.h"

/* What the recorder writes for an accepted mark, as a record in memory. */
static void mark_line(const char *label)
{
	uint8_t payload[8 + 2 + 4 + 5 + GT_MARK_LABEL_MAX];
	struct trace_clock clock = { 0 };
	struct trace_record rec = { .type = GT_REC_MARK, .data = payload };
	uint64_t ts = 1;
	uint16_t klen = 5;
	uint32_t vlen = strlen(label);

	memcpy(payload, &ts, 8);
	memcpy(payload + 8, &klen, 2);
	memcpy(payload + 10, &vlen, 4);
	memcpy(payload + 14, "label", 5);
	memcpy(payload + 19, label, vlen);
	rec.len = 19 + vlen;
	render_record_text(fuzz_sink(), &rec, &clock);
}

static void check_escaped(const char *s, size_t len, size_t bound)
{
	if (strlen(s) > bound)
		abort();
	for (size_t i = 0; i < len && s[i]; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char label[GT_MARK_LABEL_MAX], *esc;
	size_t cap = size * TEXT_ESCAPE_MAX + 1;

	if (control_parse_label(data, size, label, sizeof(label)) == 0) {
		if (strlen(label) != size)
			abort();
		mark_line(label);
	}
	esc = malloc(cap);
	if (!esc)
		return 0;
	text_escape(esc, cap, data, size);
	check_escaped(esc, cap, cap - 1);
	md_escape(esc, cap, data, size);
	check_escaped(esc, cap, cap - 1);
	/* a cut buffer stays terminated and within its size */
	text_escape(esc, size % 17 + 1, data, size);
	check_escaped(esc, cap, size % 17);
	md_code_span_put(fuzz_sink(), data, size);
	free(esc);
	return 0;
}
