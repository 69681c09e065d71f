// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Untrusted text on a terminal and in Markdown: escape sequences, forged
 * lines and table breakers are shown, never acted on. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "render/record_render.h"
#include "text_escape.h"
#include "trace_builder.h"
#include "util.h"

static void test_text_escapes_controls(void **state)
{
	char buf[128];

	/* OSC title set, clear screen, forged line, CR, DEL, backslash */
	text_escape(buf, sizeof(buf), "\x1b]0;pwn\x07\x1b[2Ja\nb\rc\td\x7f\\", 21);
	assert_string_equal(buf, "\\x1b]0;pwn\\x07\\x1b[2Ja\\nb\\rc\\td\\x7f\\\\");
	/* a NUL inside the given length is shown too */
	text_escape(buf, sizeof(buf), "a\0b", 3);
	assert_string_equal(buf, "a\\x00b");
}

static void test_text_keeps_utf8_escapes_c1_bidi_invalid(void **state)
{
	char buf[128];

	text_escape_str(buf, sizeof(buf), "caf\xc3\xa9 \xe2\x82\xac");
	assert_string_equal(buf, "caf\xc3\xa9 \xe2\x82\xac");
	/* 8-bit CSI alone, C1 CSI as UTF-8, RLO, overlong '/', surrogate */
	text_escape_str(buf, sizeof(buf), "\x9b|\xc2\x9b|\xe2\x80\xae|\xc0\xaf|\xed\xa0\x80");
	assert_string_equal(buf, "\\x9b|\\xc2\\x9b|\\xe2\\x80\\xae|\\xc0\\xaf|\\xed\\xa0\\x80");
}

/* text_is_plain agrees with text_escape for every byte at every place of
 * strings around the eight bytes it checks at once. */
static void test_plain_is_what_escape_keeps(void **state)
{
	char s[24], out[24 * TEXT_ESCAPE_MAX + 1];

	for (int b = 1; b < 256; b++)
		for (size_t len = 1; len <= 19; len++)
			for (size_t at = 0; at < len; at++) {
				memset(s, 'a', len);
				s[at] = (char)b;
				text_escape(out, sizeof(out), s, len);
				assert_int_equal(text_is_plain(s, len),
						 strlen(out) == len && !memcmp(out, s, len) && b < 0x80);
			}
	assert_true(text_is_plain("", 0));
}

static void test_cut_never_splits_an_escape(void **state)
{
	char buf[6];

	/* "ab" fits, "\\x1b" would need 4 more bytes than the 3 left */
	text_escape(buf, sizeof(buf), "ab\x1b" "c", 4);
	assert_string_equal(buf, "ab");
	text_escape(buf, 1, "abc", 3);
	assert_string_equal(buf, "");
	/* plain text is cut anywhere, as much as fits */
	text_escape(buf, sizeof(buf), "abcdefgh", 8);
	assert_string_equal(buf, "abcde");
}

static void test_markdown_escapes_table_breakers(void **state)
{
	char buf[256];

	/* a backslash shows doubled, as in the text view */
	md_escape_str(buf, sizeof(buf), "a|b `c` *d* _e_ [f](g) <h>&i ~j \\k\n");
	assert_string_equal(buf, "a\\|b \\`c\\` \\*d\\* \\_e\\_ \\[f\\](g) &lt;h&gt;&amp;i \\~j \\\\\\\\k\\\\n");
	/* the escape's own backslash is escaped: "\\x1b" renders as \x1b */
	md_escape_str(buf, sizeof(buf), "\x1b");
	assert_string_equal(buf, "\\\\x1b");
}

static char *put_to_string(void (*put)(FILE *, const void *, size_t), const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	put(fp, s, strlen(s));
	fclose(fp);
	return buf;
}

static void test_code_span_fence_outgrows_backticks(void **state)
{
	char *s = put_to_string(md_code_span_put, "a``b|c\n");

	assert_string_equal(s, "```a``b\\|c\\n```");
	free(s);
	s = put_to_string(md_code_span_put, "`x");
	assert_string_equal(s, "`` `x ``");
	free(s);
	s = put_to_string(text_escape_put, "x\x1b[1Ay");
	assert_string_equal(s, "x\\x1b[1Ay");
	free(s);
}

/* What `dump` and the live view print for an exec and a write whose
 * comm, argv, unit and ancestor were chosen by an attacker. */
static void test_record_line_escapes_hostile_task(void **state)
{
	char dir[] = "/tmp/gt-escape-XXXXXX", *out = NULL;
	struct gt_task t = tb_task(4242, "a\x1b]0;x\x07", 1, "p\n", 0);
	struct trace_clock c = { 0 };
	struct trace_reader *r;
	struct trace_record rec;
	size_t len = 0;
	FILE *fp;
	struct tb b;

	assert_non_null(mkdtemp(dir));
	strcpy(t.unit, "u\r.service");
	tb_open(&b, dir, "t.gtrace", "tracepoint");
	tb_exec(&b, 1, &t, "sh -c \x1b[2J\ngputrace");
	tb_write(&b, 2, &t, "/sys/bus/pci/drivers_probe", "0000:00:00.0\x1b[1A");
	tb_close(&b);
	r = trace_reader_open(b.path, NULL, 0);
	assert_non_null(r);
	fp = open_memstream(&out, &len);
	while (trace_reader_next(r, &rec) == 1)
		if (rec.type == GT_REC_EVENT)
			render_record_text(fp, &rec, &c);
	fclose(fp);
	trace_reader_close(r);
	/* two events, two lines: no forged line, no raw ESC/BEL/CR */
	assert_int_equal(strchr(out, '\n') - out + 1 + strcspn(strchr(out, '\n') + 1, "\n") + 1,
			 strlen(out));
	assert_null(strpbrk(out, "\x1b\x07\r"));
	assert_non_null(strstr(out, "a\\x1b]0;x\\x07"));
	assert_non_null(strstr(out, "sh -c \\x1b[2J\\ngputrace"));
	assert_non_null(strstr(out, " < p\\n[1]"));
	assert_non_null(strstr(out, "unit=u\\r.service"));
	assert_non_null(strstr(out, "\"0000:00:00.0\\x1b[1A\""));
	free(out);
	unlink(b.path);
	rmdir(dir);
}

/* errno values in a trace are anyone's: INT_MIN must not be negated. */
static void test_errno_name_any_value(void **state)
{
	assert_string_equal(errno_name(-19, "?"), "ENODEV");
	assert_string_equal(errno_name(INT_MIN, "?"), "?");
	assert_string_equal(errno_name(LLONG_MIN, "?"), "?");
	assert_string_equal(errno_name(0, "?"), "?");
	assert_string_equal(errno_name(22, "?"), "?");
}

/* A text column cuts escaped text on whole characters and escapes: a
 * "\\x9" left of "\\x9b" would name another byte. */
static void test_fit_never_splits_a_character(void **state)
{
	char e[64];
	size_t cols;

	text_escape_str(e, sizeof(e), "raw\xc2\x9b" "C1");	/* C1 control: two escapes */
	assert_string_equal(e, "raw\\xc2\\x9bC1");
	assert_int_equal(text_escaped_fit(e, 10, &cols), 7);	/* "raw\\xc2" */
	assert_int_equal(cols, 7);
	assert_int_equal(text_escaped_fit(e, 11, &cols), 11);
	assert_int_equal(text_escaped_fit(e, 64, &cols), strlen(e));
	text_escape_str(e, sizeof(e), "\xc3\xa9t\xc3\xa9\\");	/* "été\\": UTF-8 kept, '\\' doubled */
	assert_int_equal(text_escaped_fit(e, 3, &cols), 5);	/* three characters, five bytes */
	assert_int_equal(cols, 3);
	assert_int_equal(text_escaped_fit(e, 4, &cols), 5);	/* "\\\\" is two columns */
	assert_int_equal(text_escaped_fit(e, 5, &cols), 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_escapes_controls),
		cmocka_unit_test(test_text_keeps_utf8_escapes_c1_bidi_invalid),
		cmocka_unit_test(test_plain_is_what_escape_keeps),
		cmocka_unit_test(test_cut_never_splits_an_escape),
		cmocka_unit_test(test_markdown_escapes_table_breakers),
		cmocka_unit_test(test_code_span_fence_outgrows_backticks),
		cmocka_unit_test(test_record_line_escapes_hostile_task),
		cmocka_unit_test(test_errno_name_any_value),
		cmocka_unit_test(test_fit_never_splits_a_character),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
