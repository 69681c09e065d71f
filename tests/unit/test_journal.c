// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Journal entries of the traced processes and units, read through
 * sd-journal from a real journal file made by systemd-journal-remote from
 * an export stream (skipped where that tool is not installed). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gputrace/event.h"
#include "record/journal.h"
#include "render/record_render.h"
#include "trace/trace.h"
#include "trace_builder.h"

#define JOURNAL_REMOTE	"/lib/systemd/systemd-journal-remote"
#define BOOT		"0123456789abcdef0123456789abcdef"

static char dir[64];

static int setup(void **state)
{
	strcpy(dir, "/tmp/gt-journal.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static void test_who(void **state)
{
	struct journal_who w = { 0 };
	struct gt_sysfs_write e = { 0 };
	struct gt_exit_event x = { 0 };

	for (uint32_t pid = 2; pid < 5000; pid += 3)
		assert_true(journal_who_add_pid(&w, pid));
	assert_true(journal_who_has_pid(&w, 4997));
	assert_false(journal_who_has_pid(&w, 4998));
	assert_false(journal_who_has_pid(&w, 0));
	assert_true(journal_who_add_unit(&w, "111.scope", 9));
	assert_true(journal_who_has_unit(&w, "111.scope", 9));
	assert_false(journal_who_has_unit(&w, "111.scop", 8));
	/* an acting task brings its ancestors (not init) and its unit */
	e.hdr.kind = GT_EV_SYSFS_WRITE;
	e.hdr.task = tb_task(7001, "sh", 7000, "gpu-hook", 1, "systemd", 0);
	strcpy(e.hdr.task.unit, "vm-shutdown-monitor@111.service");
	journal_who_note_event(&w, &e, sizeof(e));
	assert_true(journal_who_has_pid(&w, 7001));
	assert_true(journal_who_has_pid(&w, 7000));
	assert_false(journal_who_has_pid(&w, 1));
	assert_true(journal_who_has_unit(&w, "vm-shutdown-monitor@111.service", 31));
	/* exits add nothing */
	x.hdr.kind = GT_EV_EXIT;
	x.hdr.task.pid = 8000;
	journal_who_note_event(&w, &x, sizeof(x));
	assert_false(journal_who_has_pid(&w, 8000));
	journal_who_free(&w);
}

/* One export-format entry appended to DIR/remote.journal. */
static void entry(const char *pid, const char *unit, const char *transport, const char *msg,
		  const char *mono_us)
{
	char cmd[512];
	FILE *p;

	snprintf(cmd, sizeof(cmd), JOURNAL_REMOTE " -o %s/remote.journal - 2>/dev/null", dir);
	p = popen(cmd, "w");
	assert_non_null(p);
	fprintf(p, "__REALTIME_TIMESTAMP=1750000000500000\n__MONOTONIC_TIMESTAMP=%s\n"
		"_BOOT_ID=%s\n_PID=%s\n_COMM=gpu-hook\n_SYSTEMD_UNIT=%s\n_TRANSPORT=%s\n"
		"PRIORITY=3\nSYSLOG_IDENTIFIER=gpu-hook\nMESSAGE=%s\n\n",
		mono_us, BOOT, pid, unit, transport, msg);
	assert_int_equal(pclose(p), 0);
}

static void test_real_journal_file(void **state)
{
	struct journal_who who = { 0 };
	struct trace_clock clock = { .mono_ns = TB_T0, .real_ns = 1750000000000000000ull,
				      .valid = true };
	struct trace_record rec;
	struct trace_reader *r;
	struct journal *j;
	uint64_t seen = 0;
	char why[256], buf[256];
	struct tb b;

	if (access(JOURNAL_REMOTE, X_OK)) {
		skip();
		return;
	}
	entry("4242", "other.service", "journal", "before the recording", "1000");
	j = journal_open(dir, why, sizeof(why));
	assert_non_null(j);
	journal_who_add_pid(&who, 4242);
	journal_who_add_unit(&who, "111.scope", 9);
	entry("4242", "other.service", "journal", "GPU reattached: success", "2000000");
	entry("5000", "111.scope", "stdout", "kvm: vfio: Cannot reset device 0000:0a:00.1", "3000000");
	entry("5001", "nobody.service", "journal", "unrelated", "4000000");
	entry("4242", "other.service", "kernel", "a kernel line: from /dev/kmsg instead", "5000000");

	tb_open(&b, dir, "j.gtrace", "tracepoint");
	/* another boot: its times come from the wall clock */
	assert_int_equal(journal_drain(j, b.w, &who, "ffffffffffffffffffffffffffffffff", &clock,
				       &seen, NULL, NULL), 2);
	assert_int_equal(seen, 4);
	journal_close(j);
	tb_close(&b);

	r = trace_reader_open(b.path, buf, sizeof(buf));
	assert_non_null(r);
	while (trace_reader_next(r, &rec) == 1 && rec.type != GT_REC_JOURNAL)
		;
	assert_int_equal(rec.type, GT_REC_JOURNAL);
	assert_string_equal(kv_get(&rec, "msg", buf, sizeof(buf)), "GPU reattached: success");
	assert_string_equal(kv_get(&rec, "pid", buf, sizeof(buf)), "4242");
	assert_string_equal(kv_get(&rec, "priority", buf, sizeof(buf)), "3");
	assert_string_equal(kv_get(&rec, "why", buf, sizeof(buf)), "pid");
	assert_int_equal(kv_ts(&rec), TB_T0 + 500000000ull);	/* 0.5 s after the clock pair */
	assert_int_equal(trace_reader_next(r, &rec), 1);
	assert_string_equal(kv_get(&rec, "unit", buf, sizeof(buf)), "111.scope");
	assert_string_equal(kv_get(&rec, "why", buf, sizeof(buf)), "unit");
	trace_reader_close(r);

	/* this boot's entries: journald's CLOCK_MONOTONIC time as it is */
	j = journal_open(dir, why, sizeof(why));
	entry("4242", "other.service", "journal", "again", "6000000");
	tb_open(&b, dir, "j2.gtrace", "tracepoint");
	assert_int_equal(journal_drain(j, b.w, &who, BOOT, &clock, &seen, NULL, NULL), 1);
	journal_close(j);
	tb_close(&b);
	r = trace_reader_open(b.path, buf, sizeof(buf));
	while (trace_reader_next(r, &rec) == 1 && rec.type != GT_REC_JOURNAL)
		;
	assert_int_equal(kv_ts(&rec), 6000000000ull);
	trace_reader_close(r);
	journal_who_free(&who);
}

static void test_no_journal(void **state)
{
	char why[256];

	/* a directory without journal files opens (files may come); the
	 * system's journal is refused, with a reason, where there is none */
	if (system("ls /run/log/journal/*/*.journal* /var/log/journal/*/*.journal* "
		   ">/dev/null 2>&1") != 0) {
		assert_null(journal_open(NULL, why, sizeof(why)));
		assert_non_null(strstr(why, "no systemd-journald"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_who),
		cmocka_unit_test_setup_teardown(test_real_journal_file, setup, teardown),
		cmocka_unit_test(test_no_journal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
