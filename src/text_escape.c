// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "text_escape.h"

enum esc_mode {
	ESC_TEXT,
	ESC_MD,		/* Markdown inline text */
	ESC_MD_CODE,	/* inside a Markdown code span in a table */
};

/* Where escaped text goes: a stream, or a buffer that is cut before the
 * first piece that does not fit (never inside an escape). */
struct sink {
	FILE *f;
	char *dst;
	size_t size, off;
	bool full;
};

static void sink_put(struct sink *s, const char *p, size_t n)
{
	if (s->f) {
		fwrite(p, 1, n, s->f);
		return;
	}
	if (s->full || s->off + n >= s->size) {
		s->full = true;
		return;
	}
	memcpy(s->dst + s->off, p, n);
	s->off += n;
}

/* Plain bytes can be cut anywhere: as many as fit. */
static void sink_put_plain(struct sink *s, const char *p, size_t n)
{
	if (!s->f && !s->full && s->off + n >= s->size) {
		size_t room = s->size - 1 - s->off;

		memcpy(s->dst + s->off, p, room);
		s->off += room;
		s->full = true;
		return;
	}
	sink_put(s, p, n);
}

/* Length of the valid UTF-8 sequence at P (its code point in *CP), or 0:
 * overlong forms, surrogates and cut sequences are not valid. */
size_t utf8_seq(const void *src, size_t left, uint32_t *cp)
{
	const uint8_t *p = src;
	uint32_t c = p[0], min;
	size_t n;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, c &= 0x1f, min = 0x80;
	else if ((c & 0xf0) == 0xe0)
		n = 3, c &= 0x0f, min = 0x800;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, c &= 0x07, min = 0x10000;
	else
		return 0;
	if (n > left)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/* Code points a terminal or a viewer acts on instead of showing: C1
 * controls (0x9b is CSI on some terminals), line separators, and the
 * bidirectional overrides that reorder what is shown around them. */
bool text_unsafe_code_point(uint32_t c)
{
	return (c >= 0x80 && c <= 0x9f) || c == 0x2028 || c == 0x2029 ||
	       (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

static bool md_special(char c)
{
	return c && strchr("\\`*_[]|~", c);
}

static bool needs_md_escape(uint8_t c, enum esc_mode mode)
{
	if (mode == ESC_MD_CODE)
		return c == '|';
	return c == '<' || c == '>' || c == '&' || md_special((char)c);
}

/* One visible character of the escaped text, as the mode wants it. */
static void put_visible(struct sink *s, char c, enum esc_mode mode)
{
	char two[2] = { '\\', c };

	if (mode == ESC_MD && c == '<')
		sink_put(s, "&lt;", 4);
	else if (mode == ESC_MD && c == '>')
		sink_put(s, "&gt;", 4);
	else if (mode == ESC_MD && c == '&')
		sink_put(s, "&amp;", 5);
	else if ((mode == ESC_MD && md_special(c)) || (mode == ESC_MD_CODE && c == '|'))
		sink_put(s, two, 2);
	else
		sink_put(s, &c, 1);
}

/* "\\xNN", "\\n", ...: the visible form of one byte that must not reach
 * the terminal as is; in Markdown its backslash is escaped in turn. */
static void put_byte_escape(struct sink *s, uint8_t b, enum esc_mode mode)
{
	char buf[8];
	int n;

	switch (b) {
	case '\n': n = snprintf(buf, sizeof(buf), "\\n"); break;
	case '\r': n = snprintf(buf, sizeof(buf), "\\r"); break;
	case '\t': n = snprintf(buf, sizeof(buf), "\\t"); break;
	case '\\': n = snprintf(buf, sizeof(buf), "\\\\"); break;
	default: n = snprintf(buf, sizeof(buf), "\\x%02x", b);
	}
	if (mode == ESC_MD) {
		char md[16];
		size_t k = 0;

		for (int i = 0; i < n; i++) {
			if (buf[i] == '\\')
				md[k++] = '\\';
			md[k++] = buf[i];
		}
		sink_put(s, md, k);
		return;
	}
	sink_put(s, buf, n);
}

static bool plain_byte(uint8_t c)
{
	return c >= 0x20 && c < 0x7f && c != '\\';
}

/* Eight bytes at once: any below 0x20, above 0x7e, or a backslash? */
static bool word_has_special(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101ull, high = ones * 0x80;
	uint64_t below = (w - ones * 0x20) & ~w & high;
	uint64_t above = ((w + ones * (0x7f - 0x7e)) | w) & high;
	uint64_t bs = w ^ (ones * '\\');

	return below | above | ((bs - ones) & ~bs & high);
}

bool text_is_plain(const char *s, size_t len)
{
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		uint64_t w;

		memcpy(&w, s + i, 8);
		if (word_has_special(w))
			return false;
	}
	for (; i < len; i++)
		if (!plain_byte(s[i]))
			return false;
	return true;
}

static void escape(struct sink *s, const uint8_t *p, size_t len, enum esc_mode mode)
{
	size_t i = 0;

	while (i < len && !s->full) {
		uint32_t cp;
		size_t n, run = 0;

		/* printable ASCII that needs nothing: one write for the run */
		while (i + run < len && plain_byte(p[i + run]) &&
		       (mode == ESC_TEXT || !needs_md_escape(p[i + run], mode)))
			run++;
		if (run) {
			sink_put_plain(s, (const char *)p + i, run);
			i += run;
			continue;
		}
		n = utf8_seq(p + i, len - i, &cp);

		if (n == 1 && cp >= 0x20 && cp < 0x7f && cp != '\\') {
			put_visible(s, (char)cp, mode);
		} else if (n > 1 && !text_unsafe_code_point(cp)) {
			sink_put(s, (const char *)p + i, n);
		} else {
			/* each byte of a bad sequence, or the one byte */
			n = n ? n : 1;
			for (size_t k = 0; k < n; k++)
				put_byte_escape(s, p[i + k], mode);
		}
		i += n;
	}
}

static const char *escape_to(char *dst, size_t size, const void *src, size_t len,
			     enum esc_mode mode)
{
	struct sink s = { .dst = dst, .size = size };

	if (!size)
		return dst;
	escape(&s, src, len, mode);
	dst[s.off] = 0;
	return dst;
}

const char *text_escape(char *dst, size_t size, const void *src, size_t len)
{
	return escape_to(dst, size, src, len, ESC_TEXT);
}

const char *md_escape(char *dst, size_t size, const void *src, size_t len)
{
	return escape_to(dst, size, src, len, ESC_MD);
}

const char *text_escape_str(char *dst, size_t size, const char *src)
{
	return text_escape(dst, size, src, strlen(src));
}

const char *md_escape_str(char *dst, size_t size, const char *src)
{
	return md_escape(dst, size, src, strlen(src));
}

void text_escape_put(FILE *out, const void *src, size_t len)
{
	struct sink s = { .f = out };

	escape(&s, src, len, ESC_TEXT);
}

void md_escape_put(FILE *out, const void *src, size_t len)
{
	struct sink s = { .f = out };

	escape(&s, src, len, ESC_MD);
}

void md_code_span_put(FILE *out, const void *src, size_t len)
{
	const uint8_t *p = src;
	struct sink s = { .f = out };
	size_t run = 0, longest = 0;

	for (size_t i = 0; i < len; i++) {
		run = p[i] == '`' ? run + 1 : 0;
		longest = run > longest ? run : longest;
	}
	for (size_t i = 0; i <= longest; i++)
		fputc('`', out);
	/* A space keeps a backtick at either end from joining the fence. */
	if (len && (p[0] == '`' || p[len - 1] == '`'))
		fputc(' ', out);
	escape(&s, p, len, ESC_MD_CODE);
	if (len && (p[0] == '`' || p[len - 1] == '`'))
		fputc(' ', out);
	for (size_t i = 0; i <= longest; i++)
		fputc('`', out);
}

size_t text_escaped_fit(const char *escaped, size_t width, size_t *cols)
{
	size_t len = strlen(escaped), n = 0, used = 0;

	while (n < len) {
		size_t piece, shown;
		uint32_t cp;

		if (escaped[n] == '\\') {
			piece = shown = escaped[n + 1] == 'x' ? 4 : 2;
		} else {
			piece = utf8_seq(escaped + n, len - n, &cp);
			piece = piece ? piece : 1;	/* not ours: a byte at a time */
			shown = 1;
		}
		if (n + piece > len || used + shown > width)
			break;
		n += piece;
		used += shown;
	}
	*cols = used;
	return n;
}
