// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Who may mark a recording, how fast, and what a label may hold. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "record/control.h"
#include "record/marks.h"

static struct control_peer peer(uid_t uid, gid_t gid, gid_t extra)
{
	struct control_peer p = { .cred = { .pid = 42, .uid = uid, .gid = gid } };

	if (extra) {
		p.groups[0] = extra;
		p.ngroups = 1;
	}
	return p;
}

static void test_root_only_by_default(void **state)
{
	struct mark_intake mi;
	struct control_peer root = peer(0, 0, 0), user = peer(1000, 1000, 27);
	char why[160] = "";

	marks_init(&mi, -1, false, 0);
	assert_true(marks_allowed(&mi, &root, why, sizeof(why)));
	assert_false(marks_allowed(&mi, &user, why, sizeof(why)));
	assert_non_null(strstr(why, "uid 1000 is not root"));
}

static void test_mark_group_primary_or_supplementary(void **state)
{
	struct mark_intake mi;
	struct control_peer primary = peer(1000, 27, 0), extra = peer(1001, 1001, 27);
	struct control_peer other = peer(1002, 1002, 28);
	char why[160] = "";

	marks_init(&mi, -1, true, 27);
	assert_true(marks_allowed(&mi, &primary, why, sizeof(why)));
	assert_true(marks_allowed(&mi, &extra, why, sizeof(why)));
	assert_false(marks_allowed(&mi, &other, why, sizeof(why)));
	assert_non_null(strstr(why, "not in group 27"));
}

/* A burst of MARKS_BURST passes, then MARKS_RATE a second. */
static void test_token_bucket(void **state)
{
	struct mark_intake mi;
	uint64_t t = 1000000000000ull;
	int taken = 0;

	marks_init(&mi, -1, false, 0);
	mi.refill_ns = t;
	for (int i = 0; i < 1000; i++)
		taken += marks_take_token(&mi, t);
	assert_int_equal(taken, MARKS_BURST);
	/* one second later, MARKS_RATE more; never more than the burst */
	taken = 0;
	for (int i = 0; i < 1000; i++)
		taken += marks_take_token(&mi, t + 1000000000ull);
	assert_int_equal(taken, MARKS_RATE);
	taken = 0;
	for (int i = 0; i < 1000; i++)
		taken += marks_take_token(&mi, t + 3600 * 1000000000ull);
	assert_int_equal(taken, MARKS_BURST);
	/* a clock that goes back adds nothing */
	assert_false(marks_take_token(&mi, t));
}

static void test_label_checks(void **state)
{
	char label[GT_MARK_LABEL_MAX], long_label[GT_MARK_LABEL_MAX + 1];

	assert_int_equal(control_parse_label("problem-start", 13, label, sizeof(label)), 0);
	assert_string_equal(label, "problem-start");
	assert_int_equal(control_parse_label("", 0, label, sizeof(label)), -EBADMSG);
	assert_int_equal(control_parse_label("a\nb", 3, label, sizeof(label)), -EBADMSG);
	assert_int_equal(control_parse_label("a\x1b[2J", 5, label, sizeof(label)), -EBADMSG);
	assert_int_equal(control_parse_label("a\0b", 3, label, sizeof(label)), -EBADMSG);
	memset(long_label, 'x', sizeof(long_label));
	assert_int_equal(control_parse_label(long_label, GT_MARK_LABEL_MAX - 1, label, sizeof(label)), 0);
	assert_int_equal(strlen(label), GT_MARK_LABEL_MAX - 1);
	assert_int_equal(control_parse_label(long_label, GT_MARK_LABEL_MAX, label, sizeof(label)),
			 -EBADMSG);
	/* UTF-8 is fine */
	assert_int_equal(control_parse_label("caf\xc3\xa9", 5, label, sizeof(label)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_root_only_by_default),
		cmocka_unit_test(test_mark_group_primary_or_supplementary),
		cmocka_unit_test(test_token_bucket),
		cmocka_unit_test(test_label_checks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
