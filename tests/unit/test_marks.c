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

/* Tokens UID takes out of LOOPS tries at NOW. */
static int take(struct mark_intake *mi, uid_t uid, uint64_t now, int loops)
{
	int taken = 0;

	for (int i = 0; i < loops; i++)
		taken += marks_take_token(mi, uid, now);
	return taken;
}

/* A burst of MARKS_BURST passes, then MARKS_RATE a second. */
static void test_token_bucket(void **state)
{
	struct mark_intake mi;
	uint64_t t = 1000000000000ull;

	marks_init(&mi, -1, false, 0);
	assert_int_equal(take(&mi, 0, t, 1000), MARKS_BURST);
	/* one second later, MARKS_RATE more; never more than the burst */
	assert_int_equal(take(&mi, 0, t + 1000000000ull, 1000), MARKS_RATE);
	assert_int_equal(take(&mi, 0, t + 3600 * 1000000000ull, 1000), MARKS_BURST);
	/* a clock that goes back adds nothing */
	assert_false(marks_take_token(&mi, 0, t));
}

/* Each sender has a rate of its own: a --mark-group member's burst
 * leaves root's marks, and another member's, untouched. */
static void test_rate_per_sender(void **state)
{
	struct mark_intake mi;
	uint64_t t = 1000000000000ull;

	marks_init(&mi, -1, true, 27);
	assert_int_equal(take(&mi, 1000, t, 1000), MARKS_BURST);
	assert_int_equal(take(&mi, 0, t, 1000), MARKS_BURST);
	assert_int_equal(take(&mi, 1001, t, 1000), MARKS_BURST);
	/* a second later each has MARKS_RATE again, whoever asks first */
	assert_int_equal(take(&mi, 1000, t + 1000000000ull, 1000), MARKS_RATE);
	assert_int_equal(take(&mi, 0, t + 1000000000ull, 1000), MARKS_RATE);
}

/* More senders than buckets: the newcomers share one bucket, never
 * root's; a bucket full again goes to a newcomer. */
static void test_rate_more_senders_than_buckets(void **state)
{
	struct mark_intake mi;
	uint64_t t = 1000000000000ull, later = t + 2 * 1000000000ull;

	marks_init(&mi, -1, true, 27);
	for (uid_t uid = 1000; uid < 1000 + MARKS_SENDERS - 1; uid++)
		assert_int_equal(take(&mi, uid, t, 1000), MARKS_BURST);
	assert_int_equal(mi.nsenders, MARKS_SENDERS);
	/* two newcomers: one bucket between them */
	assert_int_equal(take(&mi, 2000, t, 60), 60);
	assert_int_equal(take(&mi, 2001, t, 60), MARKS_BURST - 60);
	assert_int_equal(take(&mi, 0, t, 1000), MARKS_BURST);
	/* once the others' buckets are full again, a newcomer has its own */
	assert_int_equal(take(&mi, 1000, later, 1), 1);
	assert_int_equal(take(&mi, 2001, later, 1000), MARKS_BURST);
	assert_int_equal(take(&mi, 2002, later, 1000), MARKS_BURST);
	assert_int_equal(take(&mi, 0, later, 1000), MARKS_BURST);
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
		cmocka_unit_test(test_rate_per_sender),
		cmocka_unit_test(test_rate_more_senders_than_buckets),
		cmocka_unit_test(test_label_checks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
