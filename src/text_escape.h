/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Untrusted text made safe to show. Every string in a trace (comm, argv,
 * paths, units, mark labels, config files) and much of what a live system
 * holds can be set by any local user: printed raw, ESC sequences would set
 * the terminal's title or clear it, and newlines would forge output lines.
 *
 * Plain text: printable ASCII and valid UTF-8 pass; '\\' becomes "\\\\";
 * \n \r \t become "\\n" "\\r" "\\t"; other C0 bytes, DEL, C1 controls
 * (U+0080..U+009F), bidirectional overrides (U+202A..U+202E,
 * U+2066..U+2069) and bytes that are not valid UTF-8 become "\\xNN" (each
 * byte of the sequence).
 *
 * Markdown: the same, then every ASCII punctuation mark CommonMark gives a
 * meaning ('|', '`', '*', '_', '[', ...) is backslash-escaped, and '<', '>',
 * '&' become entities, so a value stays one table cell of plain text. */
#ifndef GPUTRACE_TEXT_ESCAPE_H
#define GPUTRACE_TEXT_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Length of the valid UTF-8 sequence at SRC (at most LEFT bytes) and its
 * code point in *CP; 0 if invalid (overlong, surrogate, cut short). */
size_t utf8_seq(const void *src, size_t left, uint32_t *cp);

/* C1 controls, line separators, bidirectional overrides: valid, but acted
 * on by terminals and viewers rather than shown. */
bool text_unsafe_code_point(uint32_t c);

/* The longest form one input byte can take ("\\xNN" escaped again for
 * Markdown is 5 bytes): a DST of LEN * TEXT_ESCAPE_MAX + 1 never cuts. */
#define TEXT_ESCAPE_MAX 5

/* Escapes LEN bytes of SRC into DST (always NUL-terminated when SIZE > 0,
 * cut before an escape that does not fit). Returns DST, for printf. */
const char *text_escape(char *dst, size_t size, const void *src, size_t len);
const char *md_escape(char *dst, size_t size, const void *src, size_t len);

/* Whether text_escape would return the first LEN bytes of S as they are
 * (printable ASCII, no backslash): most of a report is, and is then shown
 * without a copy. */
bool text_is_plain(const char *s, size_t len);

/* The same on NUL-terminated strings. */
const char *text_escape_str(char *dst, size_t size, const char *src);
const char *md_escape_str(char *dst, size_t size, const char *src);

/* The longest start of ESCAPED (plain text, as text_escape made it) that
 * fits WIDTH columns without cutting a character or an escape ("\\xNN",
 * "\\n", "\\\\"): its length in bytes, and the columns it takes in *COLS
 * (a character one column: a table of names, not of wide scripts). */
size_t text_escaped_fit(const char *escaped, size_t width, size_t *cols);

/* Streams LEN bytes of SRC escaped to OUT, without a length limit. */
void text_escape_put(FILE *out, const void *src, size_t len);
void md_escape_put(FILE *out, const void *src, size_t len);

/* Bytes 0..LEN of SRC as one Markdown code span: control bytes escaped as
 * in plain text, fenced with one backtick more than the longest run of
 * backticks inside (CommonMark), so nothing in it can close the span. */
void md_code_span_put(FILE *out, const void *src, size_t len);

#endif
