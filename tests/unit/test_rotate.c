// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* A recording in several files (record --max-size, --keep, SIGHUP): sizes,
 * names, pruning, the state file `status` reads, and the set read back as
 * one recording. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "findings/report.h"
#include "model/model.h"
#include "record/rotate.h"
#include "render/report_render.h"
#include "sys/state_file.h"
#include "trace/trace.h"
#include "trace_builder.h"

static char dir[64];

static int setup(void **state)
{
	snprintf(dir, sizeof(dir), "/tmp/gt-rotate.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static void test_parse_size(void **state)
{
	uint64_t b;

	assert_int_equal(rotate_parse_size("100M", &b), 0);
	assert_int_equal(b, 100ull << 20);
	assert_int_equal(rotate_parse_size("1G", &b), 0);
	assert_int_equal(b, 1ull << 30);
	assert_int_equal(rotate_parse_size("512k", &b), 0);
	assert_int_equal(b, 512ull << 10);
	assert_int_equal(rotate_parse_size("2GiB", &b), 0);
	assert_int_equal(b, 2ull << 30);
	assert_int_equal(rotate_parse_size("4096", &b), 0);
	assert_int_equal(b, 4096);
	assert_int_equal(rotate_parse_size("0", &b), -1);
	assert_int_equal(rotate_parse_size("", &b), -1);
	assert_int_equal(rotate_parse_size("M", &b), -1);
	assert_int_equal(rotate_parse_size("-1M", &b), -1);
	assert_int_equal(rotate_parse_size("12Q", &b), -1);
	assert_int_equal(rotate_parse_size("1MX", &b), -1);
	assert_int_equal(rotate_parse_size("99999999999T", &b), -1);	/* > 2^64 */
}

static void test_paths_and_prune(void **state)
{
	char p[512], first[256];

	rotate_path("/var/log/a.gtrace", 0, p, sizeof(p));
	assert_string_equal(p, "/var/log/a.gtrace");
	rotate_path("/var/log/a.gtrace", 3, p, sizeof(p));
	assert_string_equal(p, "/var/log/a.0003.gtrace");
	rotate_path("trace", 12345, p, sizeof(p));
	assert_string_equal(p, "trace.12345");
	/* a name that does not fit is refused, not cut into another file's */
	assert_int_equal(rotate_path("/var/log/a.gtrace", 3, p, 16), -ENAMETOOLONG);
	assert_int_equal(rotate_path("/var/log/a.gtrace", 3, p, 23), 0);
	{
		char long_first[4096];

		memset(long_first, 'a', sizeof(long_first) - 8);
		strcpy(long_first + sizeof(long_first) - 8, ".gtrace");
		assert_int_equal(rotate_prune(long_first, 5, 2), -ENAMETOOLONG);
	}

	/* keep 2 of 0..3: 1 goes when 3 is made; 0 was gone already */
	snprintf(first, sizeof(first), "%s/k.gtrace", dir);
	for (unsigned int i = 1; i <= 3; i++) {
		FILE *f;

		rotate_path(first, i, p, sizeof(p));
		assert_non_null(f = fopen(p, "w"));
		fclose(f);
	}
	assert_int_equal(rotate_prune(first, 3, 2), 0);
	rotate_path(first, 1, p, sizeof(p));
	assert_int_equal(access(p, F_OK), -1);
	rotate_path(first, 2, p, sizeof(p));
	assert_int_equal(access(p, F_OK), 0);
	assert_int_equal(rotate_prune(first, 1, 2), 0);	/* nothing to remove yet */
	assert_int_equal(rotate_prune(first, 3, 0), 0);	/* --keep not given */
	rotate_path(first, 3, p, sizeof(p));
	assert_int_equal(access(p, F_OK), 0);
}

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* Read under a root: a recorder whose pid is gone, or is another program
 * now, is not listed. */
static void test_state_list(void **state)
{
	char p[256];
	struct recorder_state *v;
	int n;

	snprintf(p, sizeof(p), "%s/run", dir);
	mkdir(p, 0755);
	assert_int_equal(state_file_list(dir, &v), 0);	/* no directory: none */
	snprintf(p, sizeof(p), "%s/run/gputrace", dir);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/proc", dir);
	mkdir(p, 0755);
	for (int pid = 100; pid <= 102; pid++) {
		snprintf(p, sizeof(p), "%s/run/gputrace/record-%d.state", dir, pid);
		put(p, pid == 100 ? "pid=100\nfile=/var/log/g.0002.gtrace\nfirst=/var/log/g.gtrace\n"
			"files=3\nsize=4096\nbytes=70000\nevents=1234\nlost=5\nbackend=fentry\n"
			"jsonl=-\njournal=on\nbogus line\n" :
			pid == 101 ? "pid=101\nfile=/x.gtrace\n" : "pid=102\nfile=/y.gtrace\n");
	}
	snprintf(p, sizeof(p), "%s/proc/100", dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/proc/100/status", dir);
	put(p, "Name:\tgputrace\nUmask:\t0022\nUid:\t0\t0\t0\t0\n");
	snprintf(p, sizeof(p), "%s/proc/101", dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/proc/101/status", dir);
	put(p, "Name:\tbash\nUid:\t0\t0\t0\t0\n");	/* 101 reused by another program; 102 gone */
	snprintf(p, sizeof(p), "%s/run/gputrace/core-x.btf", dir);
	put(p, "not a state file");

	n = state_file_list(dir, &v);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].pid, 100);
	assert_string_equal(v[0].file, "/var/log/g.0002.gtrace");
	assert_string_equal(v[0].first, "/var/log/g.gtrace");
	assert_int_equal(v[0].files, 3);
	assert_int_equal(v[0].size, 4096);
	assert_int_equal(v[0].bytes, 70000);
	assert_int_equal(v[0].events, 1234);
	assert_int_equal(v[0].lost, 5);
	assert_string_equal(v[0].backend, "fentry");
	assert_string_equal(v[0].jsonl, "-");
	assert_true(v[0].journal);
	free(v);
}

/* A file of the set as the recorder makes it: the header names the set. */
static void open_part(struct tb *b, const char *name, unsigned int seq, double start_ms)
{
	snprintf(b->path, sizeof(b->path), "%s/%s", dir, name);
	b->w = trace_writer_create(b->path, true);
	trace_writer_kv_begin(b->w, GT_REC_HEADER, TB_MS(start_ms));
	trace_writer_kv_str(b->w, "hostname", "pve1");
	trace_writer_kv_str(b->w, "boot_id", "boot-1");
	trace_writer_kv_str(b->w, "backend", "fentry");
	trace_writer_kv_str(b->w, "outcomes", "bpf");
	trace_writer_kv_u64(b->w, "real_ns", 1750000000000000000ull + (uint64_t)(start_ms * 1e6));
	trace_writer_kv_str(b->w, "set", "4242-1750000000000000000");
	trace_writer_kv_u64(b->w, "set_seq", seq);
	trace_writer_kv_end(b->w);
}

static void end_part(struct tb *b, double ms, const char *reason)
{
	trace_writer_kv_begin(b->w, GT_REC_END, TB_MS(ms));
	trace_writer_kv_str(b->w, "reason", reason);
	trace_writer_kv_end(b->w);
	trace_writer_close(b->w);
}

/* Two files of one recording, given in the wrong order (as a glob gives
 * "r.0001.gtrace" before "r.gtrace"): put in order, read as one recording
 * of one boot, the process that started in the first and ended in the
 * second is one process, the device is as the first file found it. */
static void test_set_is_one_recording(void **state)
{
	struct gt_task qemu = tb_task(500, "kvm", 1, "systemd", 0);
	struct tb b1, b2;
	struct model m = { 0 };
	char *args[1] = { dir }, **files, err[256];
	int n, found = 0;

	open_part(&b1, "z-first.gtrace", 0, 0);
	tb_pci(&b1, "0000:0a:00.0", "10de", "1b80", "nouveau");
	tb_file(&b1, "/etc/pve/qemu-server/111.conf", "hostpci0: 0a:00.0\n");
	tb_exec(&b1, 100, &qemu, "/usr/bin/kvm -id 111");
	tb_counters(&b1, 900, 0);
	end_part(&b1, 1000, "rotated");
	open_part(&b2, "a-second.gtrace", 1, 1000);
	tb_pci(&b2, "0000:0a:00.0", "10de", "1b80", "vfio-pci");
	tb_file(&b2, "/etc/pve/qemu-server/111.conf", "hostpci0: 0a:00.0\n");
	tb_exit(&b2, 1500, &qemu, 0);
	tb_counters(&b2, 1900, 0);
	end_part(&b2, 2000, "Interrupt");

	assert_int_equal(cmd_trace_files(args, 1, &files, &n), 0);
	assert_int_equal(n, 2);
	assert_non_null(strstr(files[0], "z-first"));
	assert_non_null(strstr(files[1], "a-second"));
	assert_int_equal(model_load(&m, (const char *const *)files, n, NULL, err, sizeof(err)), 0);
	assert_int_equal(m.n_boots, 1);
	assert_string_equal(m.other_hosts, "");
	assert_int_equal(m.n_phases, 0);	/* not a phase per file */
	assert_false(m.truncated);
	assert_int_equal(m.lost, 0);
	assert_int_equal(m.set_missing, 0);
	assert_int_equal(m.n_pci, 1);
	assert_string_equal(m.pci[0].driver, "nouveau");
	assert_int_equal(m.n_confs, 1);
	for (size_t i = 0; i < m.n_procs; i++)
		if (m.procs[i].pid == 500) {
			found++;
			assert_true(m.procs[i].start_ns > 0);
			assert_true(m.procs[i].exit_ns > m.procs[i].start_ns);
		}
	assert_int_equal(found, 1);
	model_free(&m);
	for (int i = 0; i < n; i++)
		free(files[i]);
	free(files);
}

/* What a rotated recording lost: the recording's counters (kernel side,
 * recorder) go on from file to file, records_lost starts again in each
 * file (a new writer). File 1: 100 events and 10,000 records (a full
 * disk); file 2: 150 events in all, 5 program runs the kernel skipped and
 * 500 records: 10,655. */
static void test_set_lost_counts_every_file(void **state)
{
	struct model m = { 0 };
	const char *files[2];
	struct tb b1, b2;
	char err[256];

	open_part(&b1, "lost-1.gtrace", 0, 0);
	trace_writer_kv_begin(b1.w, GT_REC_COUNTERS, TB_MS(900));
	trace_writer_kv_u64(b1.w, "lost_sysfs", 100);
	trace_writer_kv_u64(b1.w, "records_lost", 10000);
	trace_writer_kv_end(b1.w);
	end_part(&b1, 1000, "rotated");
	open_part(&b2, "lost-2.gtrace", 1, 1000);
	trace_writer_kv_begin(b2.w, GT_REC_COUNTERS, TB_MS(1900));
	trace_writer_kv_u64(b2.w, "lost_sysfs", 150);
	trace_writer_kv_u64(b2.w, "lost_runs_missed", 5);	/* programs the kernel skipped */
	trace_writer_kv_u64(b2.w, "records_lost", 500);
	trace_writer_kv_end(b2.w);
	end_part(&b2, 2000, "Interrupt");
	files[0] = b1.path;
	files[1] = b2.path;
	assert_int_equal(model_load(&m, files, 2, NULL, err, sizeof(err)), 0);
	assert_int_equal(m.lost, 10655);
	assert_int_equal(m.n_lost_windows, 2);
	assert_true(m.lost_windows[1].from_ns >= m.lost_windows[0].to_ns);	/* each file's own */
	model_free(&m);
}

/* A file left out between two of the set (--keep, a partial copy): said,
 * not taken for "nothing happened". */
static void test_set_gap(void **state)
{
	struct tb b1, b3;
	struct model m = { 0 };
	const char *files[2];
	char err[256];

	open_part(&b1, "g.gtrace", 0, 0);
	tb_pci(&b1, "0000:0a:00.0", "10de", "1b80", "nouveau");
	end_part(&b1, 1000, "rotated");
	open_part(&b3, "g.0002.gtrace", 2, 2000);
	tb_pci(&b3, "0000:0a:00.0", "10de", "1b80", "nouveau");
	end_part(&b3, 3000, "Interrupt");
	files[0] = b1.path;
	files[1] = b3.path;
	assert_int_equal(model_load(&m, files, 2, NULL, err, sizeof(err)), 0);
	assert_int_equal(m.set_missing, 1);
	assert_int_equal(m.n_pci, 1);
	model_free(&m);
}

/* The recorder's end of a file it rolled from: the next file's name. */
static void end_rolled(struct tb *b, double ms, const char *next)
{
	trace_writer_kv_begin(b->w, GT_REC_END, TB_MS(ms));
	trace_writer_kv_str(b->w, "reason", "rotated");
	if (next)
		trace_writer_kv_str(b->w, "next", next);
	trace_writer_kv_end(b->w);
	trace_writer_close(b->w);
}

/* Only the first file of a recording that rolled (the later one killed,
 * or not copied): a limit that names the next file in every format, and
 * an exit code for it, not a clean report. */
static void test_rolled_to_a_file_not_given(void **state)
{
	static const char *const fmts[] = { "text", "md", "json", "html" };
	const char *files[2];
	struct model m = { 0 };
	struct report rep;
	struct tb b1, b2;
	char err[256], *buf;
	size_t len;

	open_part(&b1, "g.gtrace", 0, 0);
	tb_pci(&b1, "0000:0a:00.0", "10de", "1b80", "nouveau");
	end_rolled(&b1, 1000, "g.0001.gtrace");
	files[0] = b1.path;
	assert_int_equal(model_load(&m, files, 1, NULL, err, sizeof(err)), 0);
	assert_false(m.truncated);
	assert_int_equal(m.next_not_given, 1);
	assert_string_equal(m.next_missing, "g.0001.gtrace");
	model_free(&m);
	assert_int_equal(report_build(&rep, files, 1, &(struct report_opts){ 0 }, err, sizeof(err)), 0);
	assert_true(report_has_findings(&rep));	/* exit 3, as every WARN limit */
	report_free(&rep);
	for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		FILE *fp = open_memstream(&buf, &len);

		assert_int_equal(report_render_files(files, 1, NULL, fmts[i], fp, err, sizeof(err)), 0);
		fclose(fp);
		assert_non_null(strstr(buf, "went on in a next file not given"));
		assert_non_null(strstr(buf, "g.0001.gtrace"));
		if (i == 2)
			assert_non_null(strstr(buf, "\"next_file_not_given\": true"));
		free(buf);
	}

	/* the next file given too: nothing missing */
	open_part(&b2, "g.0001.gtrace", 1, 1000);
	tb_pci(&b2, "0000:0a:00.0", "10de", "1b80", "nouveau");
	end_part(&b2, 2000, "Interrupt");
	files[1] = b2.path;
	memset(&m, 0, sizeof(m));
	assert_int_equal(model_load(&m, files, 2, NULL, err, sizeof(err)), 0);
	assert_int_equal(m.next_not_given, 0);
	model_free(&m);

	/* an END without the name: the set's number is told instead */
	open_part(&b1, "h.gtrace", 0, 0);
	tb_pci(&b1, "0000:0a:00.0", "10de", "1b80", "nouveau");
	end_rolled(&b1, 1000, NULL);
	files[0] = b1.path;
	memset(&m, 0, sizeof(m));
	assert_int_equal(model_load(&m, files, 1, NULL, err, sizeof(err)), 0);
	assert_int_equal(m.next_not_given, 1);
	assert_string_equal(m.next_missing, "");
	assert_int_equal(m.next_missing_seq, 1);
	model_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_size),
		cmocka_unit_test_setup_teardown(test_paths_and_prune, setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_is_one_recording, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_lost_counts_every_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_gap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rolled_to_a_file_not_given, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
