// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "render/json_writer.h"
#include "text_escape.h"

#define JSON_DEPTH_MAX 32

struct json_writer {
	FILE *out;
	bool pretty;
	int depth;
	bool need_comma[JSON_DEPTH_MAX];	/* per nesting level; [0]: a top-level line is open */
	bool after_key;
};

struct json_writer *json_new(FILE *out, bool pretty)
{
	struct json_writer *w = calloc(1, sizeof(*w));

	if (w) {
		w->out = out;
		w->pretty = pretty;
	}
	return w;
}

void json_free(struct json_writer *w)
{
	if (!w)
		return;
	if (w->need_comma[0])
		fputc('\n', w->out);
	fflush(w->out);
	free(w);
}

static void newline_indent(struct json_writer *w)
{
	if (!w->pretty)
		return;
	fputc('\n', w->out);
	for (int i = 0; i < w->depth; i++)
		fputs("  ", w->out);
}

/* Separator before a value: a comma between siblings, nothing after a key. */
static void value_prefix(struct json_writer *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->depth == 0) {
		if (w->need_comma[0])
			fputc('\n', w->out);	/* JSON Lines at top level */
		w->need_comma[0] = true;
		return;
	}
	if (w->need_comma[w->depth])
		fputc(',', w->out);
	w->need_comma[w->depth] = true;
	newline_indent(w);
}

static void open_container(struct json_writer *w, char c)
{
	value_prefix(w);
	fputc(c, w->out);
	if (w->depth < JSON_DEPTH_MAX - 1)
		w->depth++;
	w->need_comma[w->depth] = false;
}

/* A top-level value ends its line at once: whatever else writes to the
 * stream next (an error object from another writer, a message) starts on
 * a line of its own, and the output stays JSON Lines. */
static void close_container(struct json_writer *w, char c)
{
	bool had_members = w->need_comma[w->depth];

	if (w->depth > 0)
		w->depth--;
	if (had_members)
		newline_indent(w);
	fputc(c, w->out);
	if (w->depth == 0) {
		fputc('\n', w->out);
		w->need_comma[0] = false;
		fflush(w->out);
	}
}

void json_object_start(struct json_writer *w) { open_container(w, '{'); }
void json_object_end(struct json_writer *w) { close_container(w, '}'); }
void json_array_start(struct json_writer *w) { open_container(w, '['); }
void json_array_end(struct json_writer *w) { close_container(w, ']'); }

/* Bytes from the kernel, argv or files are not always text: control bytes
 * (C0, DEL, C1 and bidirectional overrides) are escaped and invalid UTF-8
 * (overlong forms and surrogates included) becomes U+FFFD, so the document stays valid
 * JSON whatever was recorded. */
static void put_escaped(FILE *out, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;

	fputc('"', out);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = u[i];
		uint32_t cp;
		size_t n;

		/* a run of printable ASCII goes out in one write: nearly every
		 * string is one (names, paths, BDFs) */
		for (n = 0; i + n < len && u[i + n] >= 0x20 && u[i + n] < 0x7f &&
			    u[i + n] != '"' && u[i + n] != '\\'; n++)
			;
		if (n) {
			fwrite(u + i, 1, n, out);
			i += n - 1;
			continue;
		}
		switch (c) {
		case '"': fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		case '\n': fputs("\\n", out); break;
		case '\r': fputs("\\r", out); break;
		case '\t': fputs("\\t", out); break;
		default:
			if (c < 0x20 || c == 0x7f) {
				fprintf(out, "\\u%04x", c);
			} else if ((n = utf8_seq(u + i, len - i, &cp))) {
				/* valid, but a terminal would act on it when
				 * the document is shown (jq, less) */
				if (text_unsafe_code_point(cp))
					fprintf(out, "\\u%04x", cp);
				else
					fwrite(u + i, 1, n, out);
				i += n - 1;
			} else {
				fputs("\\ufffd", out);
			}
		}
	}
	fputc('"', out);
}

void json_key(struct json_writer *w, const char *key)
{
	value_prefix(w);
	put_escaped(w->out, key, strlen(key));
	fputs(w->pretty ? ": " : ":", w->out);
	w->after_key = true;
}

void json_string_len(struct json_writer *w, const char *s, size_t len)
{
	value_prefix(w);
	put_escaped(w->out, s, len);
}

void json_string(struct json_writer *w, const char *s)
{
	json_string_len(w, s ? s : "", s ? strlen(s) : 0);
}

void json_u64(struct json_writer *w, uint64_t v)
{
	value_prefix(w);
	fprintf(w->out, "%" PRIu64, v);
}

void json_s64(struct json_writer *w, int64_t v)
{
	value_prefix(w);
	fprintf(w->out, "%" PRId64, v);
}

void json_double(struct json_writer *w, double v, int decimals)
{
	value_prefix(w);
	fprintf(w->out, "%.*f", decimals, v);
}

void json_bool(struct json_writer *w, bool v)
{
	value_prefix(w);
	fputs(v ? "true" : "false", w->out);
}

void json_null(struct json_writer *w)
{
	value_prefix(w);
	fputs("null", w->out);
}

void json_kv_str(struct json_writer *w, const char *key, const char *s)
{
	json_key(w, key);
	json_string(w, s);
}

void json_kv_u64(struct json_writer *w, const char *key, uint64_t v)
{
	json_key(w, key);
	json_u64(w, v);
}

void json_kv_s64(struct json_writer *w, const char *key, int64_t v)
{
	json_key(w, key);
	json_s64(w, v);
}

void json_kv_bool(struct json_writer *w, const char *key, bool v)
{
	json_key(w, key);
	json_bool(w, v);
}

void json_nul_list(struct json_writer *w, const char *buf, size_t len)
{
	size_t start = 0;

	json_array_start(w);
	for (size_t i = 0; i < len; i++) {
		if (buf[i])
			continue;
		json_string_len(w, buf + start, i - start);
		start = i + 1;
	}
	if (start < len)
		json_string_len(w, buf + start, len - start);
	json_array_end(w);
}
