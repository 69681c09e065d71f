// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The JSON writer: whatever bytes were recorded, the output is valid JSON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "render/json_writer.h"

struct out {
	char *buf;
	size_t len;
	FILE *fp;
	struct json_writer *w;
};

static void open_out(struct out *o, bool pretty)
{
	o->fp = open_memstream(&o->buf, &o->len);
	o->w = json_new(o->fp, pretty);
}

static const char *close_out(struct out *o)
{
	json_free(o->w);
	fclose(o->fp);
	return o->buf;
}

static void test_object_members_and_nesting(void **state)
{
	struct out o;

	open_out(&o, false);
	json_object_start(o.w);
	json_kv_str(o.w, "a", "x");
	json_kv_u64(o.w, "n", 18446744073709551615ull);
	json_kv_s64(o.w, "e", -22);
	json_kv_bool(o.w, "t", true);
	json_key(o.w, "arr");
	json_array_start(o.w);
	json_u64(o.w, 1);
	json_object_start(o.w);
	json_object_end(o.w);
	json_array_start(o.w);
	json_array_end(o.w);
	json_null(o.w);
	json_array_end(o.w);
	json_object_end(o.w);
	assert_string_equal(close_out(&o),
		"{\"a\":\"x\",\"n\":18446744073709551615,\"e\":-22,\"t\":true,\"arr\":[1,{},[],null]}\n");
	free(o.buf);
}

static void test_escapes_control_and_quotes(void **state)
{
	struct out o;

	open_out(&o, false);
	json_string_len(o.w, "q\"b\\n\n\t\x01\x7f\0z", 11);
	assert_string_equal(close_out(&o), "\"q\\\"b\\\\n\\n\\t\\u0001\\u007f\\u0000z\"\n");
	free(o.buf);
}

static void test_utf8_kept_invalid_replaced(void **state)
{
	struct out o;

	open_out(&o, false);
	/* é (2 bytes), € (3), 😀 (4) pass; a lone 0xff, a cut sequence and an
	 * overlong 0xc0 0x80 become U+FFFD each byte */
	json_string(o.w, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80|\xff|\xe2\x82|\xc0\x80");
	assert_string_equal(close_out(&o),
		"\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80|\\ufffd|\\ufffd\\ufffd|\\ufffd\\ufffd\"\n");
	free(o.buf);
}

/* Valid UTF-8 a terminal acts on (a C1 CSI, a right-to-left override) is
 * escaped when the JSON is shown raw; a surrogate is not valid UTF-8. */
static void test_c1_and_bidi_escaped_surrogate_replaced(void **state)
{
	struct out o;

	open_out(&o, false);
	json_string(o.w, "a\xc2\x9b" "2J\xe2\x80\xae|\xed\xa0\x80");
	assert_string_equal(close_out(&o), "\"a\\u009b2J\\u202e|\\ufffd\\ufffd\\ufffd\"\n");
	free(o.buf);
}

static void test_json_lines_at_top_level(void **state)
{
	struct out o;

	open_out(&o, false);
	for (int i = 0; i < 3; i++) {
		json_object_start(o.w);
		json_kv_u64(o.w, "i", i);
		json_object_end(o.w);
	}
	assert_string_equal(close_out(&o), "{\"i\":0}\n{\"i\":1}\n{\"i\":2}\n");
	free(o.buf);
}

/* `dump -j` writes records with one writer and, when the trace turns out
 * damaged, the error object with another: each must be a line of its own,
 * with no empty line after. */
static void test_two_writers_share_lines(void **state)
{
	struct out o;
	struct json_writer *err;

	open_out(&o, false);
	json_object_start(o.w);
	json_kv_u64(o.w, "rec", 1);
	json_object_end(o.w);
	err = json_new(o.fp, false);
	json_object_start(err);
	json_kv_str(err, "error", "crc");
	json_object_end(err);
	json_free(err);
	assert_string_equal(close_out(&o), "{\"rec\":1}\n{\"error\":\"crc\"}\n");
	free(o.buf);
}

static void test_pretty_indents(void **state)
{
	struct out o;

	open_out(&o, true);
	json_object_start(o.w);
	json_key(o.w, "a");
	json_array_start(o.w);
	json_u64(o.w, 1);
	json_array_end(o.w);
	json_object_end(o.w);
	assert_string_equal(close_out(&o), "{\n  \"a\": [\n    1\n  ]\n}\n");
	free(o.buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_object_members_and_nesting),
		cmocka_unit_test(test_escapes_control_and_quotes),
		cmocka_unit_test(test_utf8_kept_invalid_replaced),
		cmocka_unit_test(test_c1_and_bidi_escaped_surrogate_replaced),
		cmocka_unit_test(test_json_lines_at_top_level),
		cmocka_unit_test(test_two_writers_share_lines),
		cmocka_unit_test(test_pretty_indents),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
