/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Builds realistic traces through the writer API for the report tests:
 * each helper writes one record as the recorder would. Times are in
 * milliseconds from the trace start. */
#ifndef GPUTRACE_TRACE_BUILDER_H
#define GPUTRACE_TRACE_BUILDER_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gputrace/event.h"
#include "trace/trace.h"

#define TB_T0 1000000000000ull	/* monotonic ns of the trace start */
#define TB_MS(ms) (TB_T0 + (uint64_t)(ms) * 1000000ull)

struct tb {
	struct trace_writer *w;
	char path[256];
};

/* REAL_NS: the wall clock at the trace's start (traces of different test
 * phases start at different times). */
static inline void tb_open_host(struct tb *b, const char *dir, const char *name, const char *backend,
				uint64_t real_ns, const char *hostname)
{
	snprintf(b->path, sizeof(b->path), "%s/%s", dir, name);
	b->w = trace_writer_create(b->path, true);
	trace_writer_kv_begin(b->w, GT_REC_HEADER, TB_T0);
	trace_writer_kv_str(b->w, "hostname", hostname);
	{	/* each start time its own boot: a phase per boot, as users record them */
		char boot[64];

		snprintf(boot, sizeof(boot), "boot-%s-%llu", hostname, (unsigned long long)real_ns);
		trace_writer_kv_str(b->w, "boot_id", boot);
	}
	trace_writer_kv_str(b->w, "kernel_release", "6.8.12-4-pve");
	trace_writer_kv_str(b->w, "backend", backend);
	trace_writer_kv_str(b->w, "outcomes", strcmp(backend, "tracepoint") ? "bpf" : "uevent");
	trace_writer_kv_u64(b->w, "real_ns", real_ns);
	trace_writer_kv_end(b->w);
}

static inline void tb_open_at(struct tb *b, const char *dir, const char *name, const char *backend,
			      uint64_t real_ns)
{
	tb_open_host(b, dir, name, backend, real_ns, "pve1");
}

static inline void tb_open(struct tb *b, const char *dir, const char *name, const char *backend)
{
	tb_open_at(b, dir, name, backend, 1750000000000000000ull);
}

static inline void tb_mark(struct tb *b, double ms, const char *label)
{
	trace_writer_kv_begin(b->w, GT_REC_MARK, TB_MS(ms));
	trace_writer_kv_str(b->w, "label", label);
	trace_writer_kv_end(b->w);
}

/* A recording that ends cleanly MS after its start, as the recorder does:
 * an END record, then the file closed. */
static inline void tb_end_at(struct tb *b, double ms)
{
	trace_writer_kv_begin(b->w, GT_REC_END, TB_MS(ms));
	trace_writer_kv_str(b->w, "reason", "Interrupt");
	trace_writer_kv_end(b->w);
	trace_writer_close(b->w);
}

/* The usual end: ten minutes in, well after every test's events. */
static inline void tb_close(struct tb *b)
{
	tb_end_at(b, 600000);
}

/* A recorder killed: no END record. */
static inline void tb_close_killed(struct tb *b)
{
	trace_writer_close(b->w);
}

/* A task "comm[pid]" whose parents are given as pid, comm pairs, 0-ended. */
static inline struct gt_task tb_task(uint32_t pid, const char *comm, ...)
{
	struct gt_task t = { .pid = pid, .tid = pid };
	va_list ap;
	uint32_t ppid;

	strncpy(t.comm, comm, sizeof(t.comm) - 1);
	va_start(ap, comm);
	while ((ppid = va_arg(ap, uint32_t)) && t.n_ancestors < GT_ANCESTRY_MAX) {
		t.ancestors[t.n_ancestors].pid = ppid;
		strncpy(t.ancestors[t.n_ancestors].comm, va_arg(ap, const char *), GT_COMM_LEN - 1);
		if (!t.n_ancestors)
			t.ppid = ppid;
		t.n_ancestors++;
	}
	va_end(ap);
	return t;
}

static inline void tb_hdr(struct gt_event_header *h, uint16_t kind, size_t size, double ms,
			  const struct gt_task *t)
{
	h->kind = kind;
	h->size = size;
	h->ts_ns = TB_MS(ms);
	h->task = *t;
}

/* argv as one string with spaces; past GT_ARGS_MAX bytes it is cut, as
 * the kernel side cuts it */
static inline void tb_exec(struct tb *b, double ms, const struct gt_task *t, const char *argv)
{
	struct gt_exec_event e = { 0 };
	size_t n = strlen(argv);

	tb_hdr(&e.hdr, GT_EV_EXEC, 0, ms, t);
	if (n + 1 > GT_ARGS_MAX) {
		n = GT_ARGS_MAX - 1;
		e.args_truncated = 1;
	}
	memcpy(e.args, argv, n);
	e.args[n] = 0;
	for (size_t i = 0; i < n; i++)
		if (e.args[i] == ' ')
			e.args[i] = 0;
	e.args_len = n + 1;
	snprintf(e.filename, sizeof(e.filename), "%.*s", (int)strcspn(argv, " "), argv);
	e.hdr.size = offsetof(struct gt_exec_event, args) + e.args_len;
	trace_writer_append(b->w, GT_REC_EVENT, &e, e.hdr.size);
}

static inline void tb_exit(struct tb *b, double ms, const struct gt_task *t, int code)
{
	struct gt_exit_event e = { 0 };
	size_t size = offsetof(struct gt_exit_event, orphans);

	tb_hdr(&e.hdr, GT_EV_EXIT, size, ms, t);
	e.exit_code = code << 8;
	trace_writer_append(b->w, GT_REC_EVENT, &e, size);
}

/* An exit that leaves N_CHILDREN children alive, the first N_NAMED of them
 * (at most GT_ORPHANS_MAX) named in ORPHANS, as the kernel side writes it. */
static inline void tb_exit_leaving(struct tb *b, double ms, const struct gt_task *t, int code,
				   const uint32_t *orphans, unsigned n_named, unsigned n_children)
{
	struct gt_exit_event e = { 0 };
	size_t size = offsetof(struct gt_exit_event, orphans) + n_named * sizeof(e.orphans[0]);

	tb_hdr(&e.hdr, GT_EV_EXIT, size, ms, t);
	e.exit_code = code << 8;
	e.n_orphans = n_named;
	e.n_children = n_children;
	memcpy(e.orphans, orphans, n_named * sizeof(e.orphans[0]));
	trace_writer_append(b->w, GT_REC_EVENT, &e, size);
}

/* An exit that leaves child ORPHAN behind (reparented to init after it). */
static inline void tb_exit_orphaning(struct tb *b, double ms, const struct gt_task *t, int code,
				     uint32_t orphan)
{
	tb_exit_leaving(b, ms, t, code, &orphan, 1, 1);
}

/* A sysfs write as the kernel side records it; RET: bytes taken or -errno. */
static inline void tb_write_ret(struct tb *b, double ms, const struct gt_task *t, const char *path,
				const char *value, int64_t ret)
{
	struct gt_sysfs_write w = { 0 };
	char tmp[512], *comp[GT_PATH_DEPTH], *save;
	int n = 0;

	tb_hdr(&w.hdr, GT_EV_SYSFS_WRITE, sizeof(w), ms, t);
	snprintf(tmp, sizeof(tmp), "%s", path + 4);
	for (char *c = strtok_r(tmp, "/", &save); c && n < GT_PATH_DEPTH; c = strtok_r(NULL, "/", &save))
		comp[n++] = c;
	for (int i = 0; i < n; i++)
		strncpy(w.path[i], comp[n - 1 - i], GT_NAME_LEN - 1);
	w.depth = n;
	w.data_len = strlen(value);
	memcpy(w.data, value, w.data_len);
	w.count = w.data_len;
	w.ret = ret;
	w.end_ns = w.hdr.ts_ns + 2000000;
	w.origin = GT_ORIGIN_KERNFS;
	trace_writer_append(b->w, GT_REC_EVENT, &w, sizeof(w));
}

/* PATH root first ("/sys/bus/pci/drivers_probe"), VALUE as written. */
static inline void tb_write(struct tb *b, double ms, const struct gt_task *t, const char *path,
			    const char *value)
{
	tb_write_ret(b, ms, t, path, value, strlen(value));
}

/* A reset (GT_EV_RESET) or power-state change (GT_EV_POWER) of BDF by the
 * kernel function FN (record --pm-hooks). */
static inline void tb_pm(struct tb *b, double ms, const struct gt_task *t, uint16_t kind,
			 const char *bdf, const char *fn, int ret, int asked, int now)
{
	struct gt_pm_event e = { 0 };

	tb_hdr(&e.hdr, kind, sizeof(e), ms, t);
	e.ret = ret;
	e.state = asked;
	e.now_state = now;
	strcpy(e.device, bdf);
	strcpy(e.function, fn);
	trace_writer_append(b->w, GT_REC_EVENT, &e, sizeof(e));
}

/* A driver-core outcome inside a write (fentry traces). */
static inline void tb_drv(struct tb *b, double ms, const struct gt_task *t, uint16_t kind,
			  const char *bdf, const char *driver, int err)
{
	struct gt_driver_event d = { 0 };

	tb_hdr(&d.hdr, kind, sizeof(d), ms, t);
	strcpy(d.bus, "pci");
	strcpy(d.device, bdf);
	strcpy(d.driver, driver);
	d.err = err;
	trace_writer_append(b->w, GT_REC_EVENT, &d, sizeof(d));
}

static inline void tb_uevent(struct tb *b, double ms, const char *action, const char *bdf,
			     const char *driver)
{
	char devpath[128];

	snprintf(devpath, sizeof(devpath), "/devices/pci0000:00/0000:00:01.0/%s", bdf);
	trace_writer_kv_begin(b->w, GT_REC_UEVENT, TB_MS(ms));
	trace_writer_kv_str(b->w, "ACTION", action);
	trace_writer_kv_str(b->w, "DEVPATH", devpath);
	trace_writer_kv_str(b->w, "SUBSYSTEM", "pci");
	if (driver)
		trace_writer_kv_str(b->w, "DRIVER", driver);
	trace_writer_kv_end(b->w);
}

static inline void tb_pci(struct tb *b, const char *bdf, const char *vendor, const char *device,
			  const char *driver)
{
	trace_writer_kv_begin(b->w, GT_REC_PCI, TB_T0);
	trace_writer_kv_str(b->w, "phase", "start");
	trace_writer_kv_str(b->w, "bdf", bdf);
	trace_writer_kv_str(b->w, "vendor", vendor);
	trace_writer_kv_str(b->w, "device", device);
	/* the host drivers the tests use: a display controller or audio */
	trace_writer_kv_str(b->w, "class", strstr(driver, "snd") ? "040300" : "030000");
	trace_writer_kv_str(b->w, "driver", driver);
	trace_writer_kv_end(b->w);
}

/* A process of the start snapshot (stamped at the snapshot's start, as
 * the recorder does, though read while the machine goes on). */
static inline void tb_process(struct tb *b, uint32_t pid, uint32_t ppid, const char *comm)
{
	char buf[16];

	trace_writer_kv_begin(b->w, GT_REC_PROCESS, TB_T0);
	trace_writer_kv_str(b->w, "phase", "start");
	snprintf(buf, sizeof(buf), "%u", pid);
	trace_writer_kv_str(b->w, "pid", buf);
	snprintf(buf, sizeof(buf), "%u", ppid);
	trace_writer_kv_str(b->w, "ppid", buf);
	trace_writer_kv_str(b->w, "uid", "0");
	trace_writer_kv_str(b->w, "comm", comm);
	trace_writer_kv_end(b->w);
}

static inline void tb_file(struct tb *b, const char *path, const char *content)
{
	trace_writer_kv_begin(b->w, GT_REC_FILE, TB_T0);
	trace_writer_kv_str(b->w, "phase", "start");
	trace_writer_kv_str(b->w, "path", path);
	trace_writer_kv_str(b->w, "content", content);
	trace_writer_kv_end(b->w);
}

static inline void tb_counters(struct tb *b, double ms, uint64_t lost_sysfs)
{
	trace_writer_kv_begin(b->w, GT_REC_COUNTERS, TB_MS(ms));
	trace_writer_kv_u64(b->w, "lost_sysfs", lost_sysfs);
	trace_writer_kv_end(b->w);
}

/* A kernel log line as the recorder keeps it (KMSG record, format 1.1):
 * LEVEL 0..7, WHY as kmsg_keep() says (device, driver, iommu, ...). */
static inline void tb_kmsg(struct tb *b, double ms, int level, const char *bdf, const char *why,
			   const char *msg)
{
	trace_writer_kv_begin(b->w, GT_REC_KMSG, TB_MS(ms));
	trace_writer_kv_u64(b->w, "seq", (uint64_t)(ms * 10));
	trace_writer_kv_u64(b->w, "level", level);
	trace_writer_kv_u64(b->w, "facility", 0);
	trace_writer_kv_u64(b->w, "kernel_us", (uint64_t)(TB_MS(ms) / 1000));
	trace_writer_kv_str(b->w, "msg", msg);
	if (bdf) {
		char dev[40];

		snprintf(dev, sizeof(dev), "+pci:%s", bdf);
		trace_writer_kv_str(b->w, "device", dev);
		trace_writer_kv_str(b->w, "subsystem", "pci");
		trace_writer_kv_str(b->w, "bdf", bdf);
	}
	trace_writer_kv_str(b->w, "why", why);
	trace_writer_kv_end(b->w);
}

/* A device's state (PCI_STATE record): CAUSE "mark" (with LABEL), "write
 * reset", "bind", ... */
static inline void tb_state(struct tb *b, double ms, const char *bdf, const char *cause,
			    const char *label, const char *driver, const char *power_state,
			    const char *runtime_status)
{
	trace_writer_kv_begin(b->w, GT_REC_PCI_STATE, TB_MS(ms));
	trace_writer_kv_str(b->w, "bdf", bdf);
	trace_writer_kv_str(b->w, "cause", cause);
	if (label)
		trace_writer_kv_str(b->w, "label", label);
	trace_writer_kv_str(b->w, "driver", driver);
	trace_writer_kv_str(b->w, "driver_override", "");
	trace_writer_kv_str(b->w, "power_state", power_state);
	trace_writer_kv_str(b->w, "runtime_status", runtime_status);
	trace_writer_kv_str(b->w, "enable", strcmp(power_state, "D0") ? "0" : "1");
	trace_writer_kv_end(b->w);
}

/* A journal entry of a traced process (JOURNAL record). */
static inline void tb_journal(struct tb *b, double ms, uint32_t pid, const char *comm,
			      const char *unit, int priority, const char *msg)
{
	trace_writer_kv_begin(b->w, GT_REC_JOURNAL, TB_MS(ms));
	trace_writer_kv_u64(b->w, "pid", pid);
	trace_writer_kv_str(b->w, "comm", comm);
	if (unit)
		trace_writer_kv_str(b->w, "unit", unit);
	trace_writer_kv_u64(b->w, "priority", priority);
	trace_writer_kv_str(b->w, "msg", msg);
	trace_writer_kv_str(b->w, "why", "pid");
	trace_writer_kv_end(b->w);
}

#endif
