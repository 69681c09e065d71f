// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Trace bytes -> reader -> model -> every report renderer (text, Markdown,
 * JSON, HTML) and both dump renderers; and the redacted copy `bundle --redact`
 * makes of it, read back.
 *
 * An input that starts with the file magic "GPUTRACE" is a trace file as
 * is (the reader's checks: chunks, zlib, CRCs). Anything else is a stream
 * of records, rec_header + payload, that the writer makes into a valid
 * file first: mutations then reach the model and the renderers instead of
 * dying at a CRC.
 */
#include "fuzz_common.h"

#include "gputrace/trace_format.h"
#include "redact/redact.h"
#include "render/json_writer.h"
#include "render/record_render.h"
#include "render/report_render.h"
#include "trace/trace.h"

static const char *trace_path(void)
{
	static char path[128];

	if (!path[0])
		snprintf(path, sizeof(path), "%s/t.gtrace", fuzz_dir());
	return path;
}

/* Records of a raw stream into a written trace; a cut last record is
 * written with what there is. */
static void write_records(const uint8_t *data, size_t size)
{
	struct trace_writer *w = trace_writer_create(trace_path(), true);
	size_t off = 0;

	if (!w)
		abort();
	while (off + sizeof(struct gt_rec_header) <= size) {
		struct gt_rec_header h;
		size_t len;

		memcpy(&h, data + off, sizeof(h));
		off += sizeof(h);
		len = h.len < size - off ? h.len : size - off;
		trace_writer_append(w, h.type, data + off, len);
		off += len;
	}
	trace_writer_close(w);
}

static void dump(const char *path)
{
	struct trace_clock clock = { 0 };
	struct json_writer *jw = json_new(fuzz_sink(), false);
	struct trace_reader *r = trace_reader_open(path, NULL, 0);
	struct trace_record rec;

	while (r && trace_reader_next(r, &rec) == 1) {
		trace_clock_update(&clock, &rec);
		render_record_text(fuzz_sink(), &rec, &clock);
		render_record_json(jw, &rec, &clock);
	}
	trace_reader_close(r);
	json_free(jw);
}

static void report(const char *path)
{
	const char *traces[] = { path };
	struct report rep;
	char err[512];

	if (report_build(&rep, traces, 1, &(struct report_opts){ 0 }, err, sizeof(err)) == 0) {
		report_render_text(fuzz_sink(), &rep, false, true);
		report_render_text(fuzz_sink(), &rep, true, false);
		report_render_json(fuzz_sink(), &rep, true);
		report_render_html(fuzz_sink(), &rep);
		report_render_explain(fuzz_sink(), &rep, "0000:0a:00.0");
	}
	report_free(&rep);
}

static void redacted_copy(const char *path)
{
	static char out[128];
	struct redact *r = redact_new();
	char err[512];

	if (!out[0])
		snprintf(out, sizeof(out), "%s/redacted.gtrace", fuzz_dir());
	if (r && !redact_trace_learn(r, path, err, sizeof(err)) &&
	    !redact_trace_rewrite(r, path, out, err, sizeof(err)))
		dump(out);
	redact_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size >= 8 && !memcmp(data, GT_FILE_MAGIC, 8))
		fuzz_put(fuzz_dir(), "/t.gtrace", data, size);
	else
		write_records(data, size);
	dump(trace_path());
	report(trace_path());
	redacted_copy(trace_path());
	return 0;
}
