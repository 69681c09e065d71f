// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The kernel log: /dev/kmsg records parsed (fields, escapes, long and
 * hostile lines), which lines are kept, the KMSG and PCI_STATE records
 * written and read back, and traces of format 1.0 beside 1.1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "model/model.h"
#include "record/devstate.h"
#include "record/kmsg.h"
#include "record/traced.h"
#include "render/record_render.h"
#include "sys/pci.h"
#include "trace/trace.h"
#include "trace_builder.h"

static struct kmsg_line l;

static int parse(const char *rec)
{
	return kmsg_parse(rec, strlen(rec), &l);
}

static void test_parse_fields(void **state)
{
	assert_int_equal(parse("3,1234,5678901,-;vfio-pci 0000:0a:00.0: probe failed\n"
			       " SUBSYSTEM=pci\n DEVICE=+pci:0000:0a:00.0\n"), 0);
	assert_int_equal(l.seq, 1234);
	assert_int_equal(l.ts_us, 5678901);
	assert_int_equal(l.level, 3);
	assert_int_equal(l.facility, 0);
	assert_string_equal(l.text, "vfio-pci 0000:0a:00.0: probe failed");
	assert_int_equal(l.text_len, strlen(l.text));
	assert_string_equal(l.subsystem, "pci");
	assert_string_equal(l.device, "+pci:0000:0a:00.0");
	/* user facility (a line written to /dev/kmsg), newer kernels' extra
	 * prefix fields, no fields after the text, no final newline */
	assert_int_equal(parse("14,7,100,c,caller=T42;hello"), 0);
	assert_int_equal(l.facility, 1);
	assert_int_equal(l.level, 6);
	assert_string_equal(l.text, "hello");
	assert_string_equal(l.device, "");
}

static void test_parse_escapes(void **state)
{
	/* \x0a inside the text is the driver's own newline: one record */
	assert_int_equal(parse("6,1,1,-;line one\\x0aline two \\x5c \\x1b[31m\\x00end\n"), 0);
	assert_memory_equal(l.text, "line one\nline two \\ \x1b[31m\0end", 29);
	assert_int_equal(l.text_len, 29);
	/* broken escapes stay as they are */
	assert_int_equal(parse("6,2,1,-;a\\x4 \\xzz \\x"), 0);
	assert_string_equal(l.text, "a\\x4 \\xzz \\x");
	/* a field value is unescaped too; a field without '=' is ignored */
	assert_int_equal(parse("6,3,1,-;x\n DEVICE=+pci:0000:0a:00.0\\x0a\n JUNK\n"), 0);
	assert_string_equal(l.device, "+pci:0000:0a:00.0\n");
}

static void test_parse_malformed(void **state)
{
	assert_int_equal(parse(""), -EINVAL);
	assert_int_equal(parse("no prefix at all"), -EINVAL);
	assert_int_equal(parse("6,1;short"), -EINVAL);
	assert_int_equal(parse("x,1,1,-;text"), -EINVAL);
	assert_int_equal(parse("6,1,99999999999999999999999,-;overflow"), -EINVAL);
	assert_int_equal(parse("6,1,1,-\n;semicolon on the next line"), -EINVAL);
	/* a priority beyond any facility is bounded, not trusted */
	assert_int_equal(parse("99999999,1,1,-;x"), 0);
	assert_true(l.facility <= 1023);
}

static void test_parse_long_and_hostile(void **state)
{
	size_t n = 3 * KMSG_RECORD_MAX;
	char *rec = malloc(n + 1);

	/* longer than any real record: cut to the buffer, never past it */
	memcpy(rec, "4,9,9,-;", 8);
	memset(rec + 8, 'A', n - 8);
	rec[n] = 0;
	assert_int_equal(kmsg_parse(rec, n, &l), 0);
	assert_int_equal(l.text_len, sizeof(l.text) - 1);
	assert_int_equal(l.text[l.text_len], 0);
	/* a field line of a few KiB does not overflow DEVICE= */
	snprintf(rec, n, "4,9,9,-;x\n DEVICE=+pci:%0*d\n", 5000, 0);
	assert_int_equal(parse(rec), 0);
	assert_int_equal(strlen(l.device), sizeof(l.device) - 1);
	/* NUL bytes inside a read: the length rules, not the string */
	memcpy(rec, "6,5,5,-;ab\0cd\n", 14);
	assert_int_equal(kmsg_parse(rec, 14, &l), 0);
	assert_int_equal(l.text_len, 5);
	free(rec);
}

/* Records one per read, as /dev/kmsg gives them (a SOCK_SEQPACKET pair
 * keeps the boundaries): gaps in the sequence are lines the kernel
 * overwrote before they were read, counted from the start position. */
static void test_read_counts_gaps(void **state)
{
	static const char *const recs[] = { "6,4,1,-;before our line, read late",
		"6,5,1,-;ours", "6,6,1,-;a", "junk without a prefix", "6,9,1,-;b",
		"6,10,1,-;c", NULL };
	struct kmsg_reader k = { .next_seq = 5 };	/* calibration line's seq */
	int sv[2], n = 0;

	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, sv), 0);
	k.fd = sv[0];
	for (int i = 0; recs[i]; i++)
		assert_int_equal(write(sv[1], recs[i], strlen(recs[i])), (ssize_t)strlen(recs[i]));
	while (kmsg_read(&k, &l) == 1)
		n++;
	assert_int_equal(n, 5);
	assert_int_equal(k.seen, 6);
	assert_int_equal(k.lost, 2);	/* 7 and 8 */
	assert_int_equal(k.next_seq, 11);
	close(sv[1]);
	kmsg_close(&k);
	assert_int_equal(k.fd, -1);
}

static void test_bdf_next(void **state)
{
	const char *t = "pcieport 0000:00:01.1: AER: from 0000:01:00.0 and device=0a:00.1, "
			"12:34:56.7 at 10000:e1:00.0 not x0000:02:00.00";
	char bdf[PCI_BDF_LEN];
	size_t pos = 0;

	assert_int_equal(bdf_next(t, strlen(t), &pos, bdf), 1);
	assert_string_equal(bdf, "0000:00:01.1");
	assert_int_equal(bdf_next(t, strlen(t), &pos, bdf), 1);
	assert_string_equal(bdf, "0000:01:00.0");
	assert_int_equal(bdf_next(t, strlen(t), &pos, bdf), 1);
	assert_string_equal(bdf, "0000:0a:00.1");
	assert_int_equal(bdf_next(t, strlen(t), &pos, bdf), 1);
	assert_string_equal(bdf, "10000:e1:00.0");
	assert_int_equal(bdf_next(t, strlen(t), &pos, bdf), 0);
	pos = 0;	/* a match cut by the length is no match */
	assert_int_equal(bdf_next("0000:0a:00.0", 11, &pos, bdf), 0);
}

static const char *keep(const char *rec, enum kmsg_mode m, const struct traced *t, char *bdf)
{
	assert_int_equal(parse(rec), 0);
	return kmsg_keep(&l, m, t, bdf);
}

static void test_keep_rules(void **state)
{
	struct traced t = { 0 };
	char bdf[PCI_BDF_LEN];

	traced_add(&t, "0000:0a:00.0");
	assert_string_equal(keep("6,1,1,-;nouveau 0000:0a:00.0: DRM: GPU lockup\n"
				 " SUBSYSTEM=pci\n DEVICE=+pci:0000:0a:00.0\n",
				 KMSG_DEVICES, &t, bdf), "device");
	assert_string_equal(bdf, "0000:0a:00.0");
	assert_string_equal(keep("3,2,1,-;AMD-Vi: Event logged [IO_PAGE_FAULT domain=0x000d "
				 "address=0x1000 flags=0x0000] device=0a:00.0",
				 KMSG_DEVICES, &t, bdf), "device");
	assert_string_equal(keep("3,2,1,-;AMD-Vi: Event logged [IO_PAGE_FAULT] device=0b:00.0",
				 KMSG_DEVICES, &t, bdf), "iommu");
	assert_string_equal(bdf, "0000:0b:00.0");
	assert_string_equal(keep("3,3,1,-;DMAR: DRHD: handling fault status reg 3",
				 KMSG_DEVICES, &t, bdf), "iommu");
	assert_string_equal(bdf, "");
	assert_string_equal(keep("4,4,1,-;pcieport 0000:00:01.1: AER: Corrected error received: "
				 "0000:01:00.0", KMSG_DEVICES, &t, bdf), "aer");
	assert_string_equal(bdf, "0000:00:01.1");
	assert_string_equal(keep("4,5,1,-;NVRM: GPU at PCI:0000:01:00: GPU has fallen off the bus.",
				 KMSG_DEVICES, &t, bdf), "driver");
	assert_string_equal(keep("6,6,1,-;[drm] Initialized bochs-drm 1.0.0 for 0000:00:05.0",
				 KMSG_DEVICES, &t, bdf), "driver");
	assert_string_equal(keep("6,7,1,-;vfio-pci 0000:0c:00.0: enabling device (0000 -> 0003)",
				 KMSG_DEVICES, &t, bdf), "driver");
	assert_string_equal(keep("6,8,1,-;pci 0000:00:05.0: [1234:1111] type 00 class 0x030000",
				 KMSG_DEVICES, &t, bdf), "pci");
	assert_string_equal(keep("6,9,1,-;e1000e 0000:00:19.0: some message\n SUBSYSTEM=pci\n"
				 " DEVICE=+pci:0000:00:19.0\n", KMSG_DEVICES, &t, bdf), "pci");
	assert_string_equal(bdf, "0000:00:19.0");
	/* the rest: only with --kmsg all; nothing with off */
	assert_null(keep("6,10,1,-;EXT4-fs (vda): mounted filesystem", KMSG_DEVICES, &t, bdf));
	assert_string_equal(keep("6,10,1,-;EXT4-fs (vda): mounted filesystem", KMSG_ALL, &t, bdf),
			    "all");
	assert_null(keep("3,11,1,-;vfio-pci 0000:0a:00.0: x", KMSG_OFF, &t, bdf));
	/* a line that only names a traced device in its text */
	assert_string_equal(keep("12,12,1,-;gt-hosttest: about 0000:0a:00.0 here", KMSG_DEVICES,
				 &t, bdf), "device");
	traced_free(&t);
}

static void test_mode_names(void **state)
{
	enum kmsg_mode m;

	assert_int_equal(kmsg_mode_parse("all", &m), 0);
	assert_int_equal(m, KMSG_ALL);
	assert_int_equal(kmsg_mode_parse("off", &m), 0);
	assert_string_equal(kmsg_mode_name(m), "off");
	assert_int_equal(kmsg_mode_parse("devices", &m), 0);
	assert_int_equal(m, 0);		/* the default of a zeroed recorder_opts */
	assert_int_equal(kmsg_mode_parse("everything", &m), -EINVAL);
}

static void test_choose_and_events(void **state)
{
	struct pci_dev_info devs[5] = {
		{ .bdf = "0000:00:02.0", .class = 0x020000, .iommu_group = "2" },
		{ .bdf = "0000:0a:00.0", .class = 0x030000, .iommu_group = "14" },
		{ .bdf = "0000:0a:00.1", .class = 0x040300, .iommu_group = "15" },
		{ .bdf = "0000:0b:00.0", .class = 0x0c0330, .iommu_group = "14" },
		{ .bdf = "0000:0c:00.0", .class = 0x010802, .iommu_group = "" },
	};
	struct traced t = { 0 };
	struct gt_sysfs_write w = { 0 };
	struct gt_driver_event d = { 0 };

	devstate_choose(&t, devs, 5);
	assert_int_equal(t.n, 3);
	assert_non_null(traced_find(&t, "0000:0a:00.0"));
	assert_non_null(traced_find(&t, "0000:0a:00.1"));	/* same slot */
	assert_non_null(traced_find(&t, "0000:0b:00.0"));	/* same IOMMU group */
	/* a write below a device's directory: the last address in the path */
	w.hdr.kind = GT_EV_SYSFS_WRITE;
	w.hdr.size = sizeof(w);
	strcpy(w.path[0], "reset");
	strcpy(w.path[1], "0000:0d:00.0");
	strcpy(w.path[2], "0000:00:01.0");
	strcpy(w.path[3], "pci0000:00");
	strcpy(w.path[4], "devices");
	w.depth = 5;
	devstate_note_event(&t, &w, sizeof(w));
	assert_true(traced_find(&t, "0000:0d:00.0")->state_due);
	assert_string_equal(traced_find(&t, "0000:0d:00.0")->cause, "write reset");
	assert_null(traced_find(&t, "0000:00:01.0"));
	/* an address written to bind */
	memset(w.path, 0, sizeof(w.path));
	strcpy(w.path[0], "bind");
	strcpy(w.path[1], "vfio-pci");
	w.depth = 2;
	memcpy(w.data, "0000:0e:00.0\n", 13);
	w.data_len = 13;
	devstate_note_event(&t, &w, sizeof(w));
	assert_non_null(traced_find(&t, "0000:0e:00.0"));
	d.hdr.kind = GT_EV_UNBIND;
	d.hdr.size = sizeof(d);
	strcpy(d.bus, "pci");
	strcpy(d.device, "0000:0a:00.0");
	devstate_note_event(&t, &d, sizeof(d));
	assert_string_equal(traced_find(&t, "0000:0a:00.0")->cause, "unbind");
	devstate_note_uevent(&t, "bind", "0000:0F:00.0");
	assert_string_equal(traced_find(&t, "0000:0f:00.0")->cause, "uevent bind");
	traced_free(&t);
}

/* ---- records ------------------------------------------------------------ */

static char dir[64];

static int setup(void **state)
{
	strcpy(dir, "/tmp/gt-kmsg.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static int next_of_type(struct trace_reader *r, uint16_t type, struct trace_record *rec)
{
	while (trace_reader_next(r, rec) == 1)
		if (rec->type == type)
			return 1;
	return 0;
}

static void test_record_roundtrip(void **state)
{
	struct pci_dev_info st = { .bdf = "0000:0a:00.0", .vendor = 0x10de, .device = 0x1b80,
				    .class = 0x030000, .power_state = "D3cold",
				    .runtime_status = "suspended", .enable = "0" };
	struct trace_record rec;
	struct trace_reader *r;
	char buf[256], *out;
	size_t outlen;
	struct tb b;
	FILE *fp;

	tb_open(&b, dir, "k.gtrace", "tracepoint");
	assert_int_equal(parse("3,77,2000000,-;vfio-pci 0000:0a:00.0: bad\\x0a\\x1b[2J\n"
			       " SUBSYSTEM=pci\n DEVICE=+pci:0000:0a:00.0\n"), 0);
	/* the kernel's clock 1.5 ms ahead of CLOCK_MONOTONIC */
	kmsg_record_begin(b.w, &l, "device", "0000:0a:00.0", 1500000);
	trace_writer_kv_end(b.w);
	devstate_write(b.w, "0000:0a:00.0", &st, TB_MS(5), "write reset", NULL);
	devstate_write(b.w, "0000:0b:00.0", NULL, TB_MS(6), "uevent remove", NULL);
	tb_close(&b);

	r = trace_reader_open(b.path, buf, sizeof(buf));
	assert_non_null(r);
	assert_int_equal(next_of_type(r, GT_REC_KMSG, &rec), 1);
	assert_int_equal(kv_ts(&rec), 2000000ull * 1000 + 500 - 1500000);
	assert_string_equal(kv_get(&rec, "seq", buf, sizeof(buf)), "77");
	assert_string_equal(kv_get(&rec, "level", buf, sizeof(buf)), "3");
	assert_string_equal(kv_get(&rec, "kernel_us", buf, sizeof(buf)), "2000000");
	assert_string_equal(kv_get(&rec, "msg", buf, sizeof(buf)),
			    "vfio-pci 0000:0a:00.0: bad\n\x1b[2J");
	assert_string_equal(kv_get(&rec, "device", buf, sizeof(buf)), "+pci:0000:0a:00.0");
	assert_string_equal(kv_get(&rec, "bdf", buf, sizeof(buf)), "0000:0a:00.0");
	assert_string_equal(kv_get(&rec, "why", buf, sizeof(buf)), "device");
	/* shown as one line, escapes visible, no terminal control byte */
	fp = open_memstream(&out, &outlen);
	render_record_text(fp, &rec, &(struct trace_clock){ 0 });
	fclose(fp);
	assert_non_null(strstr(out, "kernel.err"));
	assert_non_null(strstr(out, "bad\\n\\x1b[2J\n"));
	assert_null(strchr(out, 0x1b));
	assert_int_equal(strchr(out, '\n') - out, (long)outlen - 1);
	free(out);

	assert_int_equal(next_of_type(r, GT_REC_PCI_STATE, &rec), 1);
	assert_int_equal(kv_ts(&rec), TB_MS(5));
	assert_string_equal(kv_get(&rec, "cause", buf, sizeof(buf)), "write reset");
	assert_string_equal(kv_get(&rec, "power_state", buf, sizeof(buf)), "D3cold");
	assert_string_equal(kv_get(&rec, "runtime_status", buf, sizeof(buf)), "suspended");
	assert_string_equal(kv_get(&rec, "vendor", buf, sizeof(buf)), "10de");
	assert_string_equal(kv_get(&rec, "class", buf, sizeof(buf)), "030000");
	assert_int_equal(next_of_type(r, GT_REC_PCI_STATE, &rec), 1);
	assert_string_equal(kv_get(&rec, "missing", buf, sizeof(buf)), "device not present");
	assert_null(kv_get(&rec, "power_state", buf, sizeof(buf)));
	trace_reader_close(r);
}

/* A 1.0 trace (no kernel log, no state records) still loads, and a trace
 * with the new records loads in the model and dumps with the records a
 * 1.0 reader would skip named. */
static void test_old_and_new_traces(void **state)
{
	struct gt_task hook = tb_task(300, "gpu-hook", 1, "systemd", 0);
	const char *paths[1];
	struct trace_record rec;
	struct trace_reader *r;
	struct model m;
	char buf[256];
	uint16_t major, minor;
	struct tb b;
	FILE *fp;

	tb_open(&b, dir, "old.gtrace", "tracepoint");
	tb_pci(&b, "0000:0a:00.0", "10de", "1b80", "nouveau");
	tb_write(&b, 10, &hook, "/sys/bus/pci/drivers/nouveau/unbind", "0000:0a:00.0");
	tb_close(&b);
	/* as a 1.0 recorder wrote it */
	fp = fopen(b.path, "r+b");
	fseek(fp, 10, SEEK_SET);
	fputc(0, fp);
	fclose(fp);
	r = trace_reader_open(b.path, buf, sizeof(buf));
	assert_non_null(r);
	trace_reader_version(r, &major, &minor);
	assert_int_equal(minor, 0);
	trace_reader_close(r);
	memset(&m, 0, sizeof(m));
	paths[0] = b.path;
	assert_int_equal(model_load(&m, paths, 1, NULL, buf, sizeof(buf)), 0);
	assert_int_equal(m.n_writes, 1);
	model_free(&m);

	tb_open(&b, dir, "new.gtrace", "tracepoint");
	tb_pci(&b, "0000:0a:00.0", "10de", "1b80", "nouveau");
	assert_int_equal(parse("3,1,1,-;nouveau 0000:0a:00.0: probe failed"), 0);
	kmsg_record_begin(b.w, &l, "driver", "0000:0a:00.0", 0);
	trace_writer_kv_end(b.w);
	devstate_write(b.w, "0000:0a:00.0", NULL, TB_MS(1), "mark", "problem");
	trace_writer_kv_begin(b.w, GT_REC_JOURNAL, TB_MS(2));
	trace_writer_kv_str(b.w, "pid", "300");
	trace_writer_kv_str(b.w, "comm", "gpu-hook");
	trace_writer_kv_add(b.w, "msg", "reattached\nsuccess", 18);
	trace_writer_kv_str(b.w, "priority", "6");
	trace_writer_kv_str(b.w, "why", "pid");
	trace_writer_kv_end(b.w);
	trace_writer_append(b.w, 99, "future", 6);	/* a type from a later minor */
	tb_write(&b, 10, &hook, "/sys/bus/pci/drivers/nouveau/unbind", "0000:0a:00.0");
	tb_close(&b);
	memset(&m, 0, sizeof(m));
	paths[0] = b.path;
	assert_int_equal(model_load(&m, paths, 1, NULL, buf, sizeof(buf)), 0);
	assert_int_equal(m.n_writes, 1);
	assert_int_equal(m.n_pci, 1);
	/* the new records in the model, logs by time */
	assert_int_equal(m.n_logs, 2);
	assert_int_equal(m.logs[0].source, M_LOG_KERNEL);
	assert_int_equal(m.logs[0].level, 3);
	assert_string_equal(m.logs[0].bdf, "0000:0a:00.0");
	assert_string_equal(m.logs[0].why, "driver");
	assert_string_equal(m.logs[0].msg, "nouveau 0000:0a:00.0: probe failed");
	assert_int_equal(m.logs[1].source, M_LOG_JOURNAL);
	assert_int_equal(m.logs[1].pid, 300);
	assert_string_equal(m.logs[1].comm, "gpu-hook");
	assert_int_equal(m.logs[1].msg_len, 18);
	assert_memory_equal(m.logs[1].msg, "reattached\nsuccess", 18);
	assert_true(m.logs[0].ts_ns < m.logs[1].ts_ns);
	assert_int_equal(m.n_states, 2);
	assert_string_equal(m.states[0].cause, "start");
	assert_string_equal(m.states[0].driver, "nouveau");
	assert_string_equal(m.states[1].cause, "mark");
	assert_string_equal(m.states[1].label, "problem");
	assert_true(m.states[1].missing);
	model_free(&m);
	r = trace_reader_open(b.path, buf, sizeof(buf));
	assert_non_null(r);
	while (trace_reader_next(r, &rec) == 1) {
		char *out;
		size_t outlen;

		fp = open_memstream(&out, &outlen);
		render_record_text(fp, &rec, &(struct trace_clock){ 0 });
		fclose(fp);
		if (rec.type == 99)
			assert_non_null(strstr(out, "(record type 99, 6 bytes)"));
		if (rec.type == GT_REC_PCI_STATE)
			assert_non_null(strstr(out, "cause=mark label=problem"));
		free(out);
	}
	trace_reader_close(r);
}

/* The builder's helpers for report tests give what the model reads. */
static void test_builder_helpers(void **state)
{
	const char *paths[1];
	char buf[256];
	struct model m;
	struct tb b;

	tb_open(&b, dir, "h.gtrace", "tracepoint");
	tb_kmsg(&b, 10, 3, "0000:0a:00.0", "device", "nouveau 0000:0a:00.0: probe failed");
	tb_state(&b, 11, "0000:0a:00.0", "bind", NULL, "nouveau", "D3cold", "suspended");
	tb_journal(&b, 12, 300, "gpu-hook", "vm-shutdown-monitor@111.service", 6, "success");
	tb_close(&b);
	memset(&m, 0, sizeof(m));
	paths[0] = b.path;
	assert_int_equal(model_load(&m, paths, 1, NULL, buf, sizeof(buf)), 0);
	assert_int_equal(m.n_logs, 2);
	assert_string_equal(m.logs[0].bdf, "0000:0a:00.0");
	assert_string_equal(m.logs[1].unit, "vm-shutdown-monitor@111.service");
	assert_int_equal(m.logs[1].level, 6);
	assert_int_equal(m.n_states, 1);
	assert_string_equal(m.states[0].power_state, "D3cold");
	assert_string_equal(m.states[0].enable, "0");
	model_free(&m);
}

/* Reset and power events (record --pm-hooks) as dump shows them. */
static void test_pm_events_shown(void **state)
{
	struct gt_task hook = tb_task(300, "gpu-hook", 1, "systemd", 0);
	struct gt_pm_event e = { 0 };
	struct trace_record rec;
	struct trace_reader *r;
	struct json_writer *jw;
	char buf[256], *out;
	size_t outlen;
	struct tb b;
	FILE *fp;

	tb_open(&b, dir, "pm.gtrace", "fentry");
	tb_hdr(&e.hdr, GT_EV_RESET, sizeof(e), 5, &hook);
	e.ret = -5;
	e.now_state = 4;
	strcpy(e.device, "0000:0a:00.0");
	strcpy(e.function, "pci_reset_function");
	trace_writer_append(b.w, GT_REC_EVENT, &e, sizeof(e));
	e.hdr.kind = GT_EV_POWER;
	e.ret = 0;
	e.state = 3;
	e.now_state = 3;
	strcpy(e.function, "pci_set_power_state");
	trace_writer_append(b.w, GT_REC_EVENT, &e, sizeof(e));
	tb_close(&b);

	r = trace_reader_open(b.path, buf, sizeof(buf));
	assert_non_null(r);
	fp = open_memstream(&out, &outlen);
	jw = json_new(fp, false);
	while (trace_reader_next(r, &rec) == 1) {
		if (rec.type != GT_REC_EVENT)
			continue;
		render_record_text(fp, &rec, &(struct trace_clock){ 0 });
		render_record_json(jw, &rec, &(struct trace_clock){ 0 });
		fputc('\n', fp);
	}
	json_free(jw);
	fclose(fp);
	trace_reader_close(r);
	assert_non_null(strstr(out, "reset       300     gpu-hook         0000:0a:00.0 "
			       "pci_reset_function = EIO, now D3cold < systemd[1]"));
	assert_non_null(strstr(out, "pci_set_power_state(D3hot) = 0, now D3hot"));
	assert_non_null(strstr(out, "\"kind\":\"reset\""));
	assert_non_null(strstr(out, "\"function\":\"pci_reset_function\",\"ret\":-5,"
			       "\"now_state\":\"D3cold\""));
	assert_non_null(strstr(out, "\"state\":\"D3hot\""));
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_fields),
		cmocka_unit_test(test_parse_escapes),
		cmocka_unit_test(test_parse_malformed),
		cmocka_unit_test(test_parse_long_and_hostile),
		cmocka_unit_test(test_read_counts_gaps),
		cmocka_unit_test(test_bdf_next),
		cmocka_unit_test(test_keep_rules),
		cmocka_unit_test(test_mode_names),
		cmocka_unit_test(test_choose_and_events),
		cmocka_unit_test_setup_teardown(test_record_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_old_and_new_traces, setup, teardown),
		cmocka_unit_test_setup_teardown(test_builder_helpers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pm_events_shown, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
