// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "render/record_render.h"
#include "text_escape.h"
#include "trace/event_decode.h"
#include "util.h"

static void put_time(FILE *out, const struct trace_clock *c, uint64_t ts)
{
	char t[40];

	if (c->valid)
		fmt_wall(trace_clock_wall_ns(c, ts), false, t, sizeof(t));
	else
		snprintf(t, sizeof(t), "%.6f", ts / 1e9);
	fprintf(out, "%-13s ", t);
}

void render_text_heading(FILE *out)
{
	fprintf(out, "%-13s %-11s %-7s %-16s %s\n", "TIME", "EVENT", "PID", "COMM", "DETAIL");
}

/* Every name below comes from the trace, and any user sets their comm,
 * argv and unit: escaped, so none can move the cursor or forge a line. */
static void put_head(FILE *out, const struct trace_clock *c, uint64_t ts, const char *kind,
		     uint32_t pid, const char *comm)
{
	char esc[GT_COMM_LEN * TEXT_ESCAPE_MAX + 1];

	text_escape(esc, sizeof(esc), comm, strnlen(comm, GT_COMM_LEN));
	put_time(out, c, ts);
	if (pid)
		fprintf(out, "%-11s %-7u %-16s ", kind, pid, esc);
	else
		fprintf(out, "%-11s %-7s %-16s ", kind, "-", esc);
}

/* A fixed-size name field, up to its NUL. */
static void put_name(FILE *out, const char *s, size_t max)
{
	text_escape_put(out, s, strnlen(s, max));
}

/* " < parent[pid] < grandparent[pid]": who stands behind a writer; FIRST
 * goes before the first ancestor, " < " between the others. */
static void put_ancestry(FILE *out, const struct gt_task *t, int max, const char *first)
{
	for (int i = 0; i < t->n_ancestors && i < GT_ANCESTRY_MAX && i < max; i++) {
		fputs(i ? " < " : first, out);
		put_name(out, t->ancestors[i].comm, GT_COMM_LEN);
		fprintf(out, "[%u]", t->ancestors[i].pid);
	}
}

/* argv as one line: the NUL separators become spaces. */
static void put_args(FILE *out, const char *args, uint32_t len)
{
	uint32_t start = 0;

	while (len && !args[len - 1])
		len--;
	for (uint32_t i = 0; i <= len; i++) {
		if (i < len && args[i])
			continue;
		if (start)
			fputc(' ', out);
		text_escape_put(out, args + start, i - start);
		start = i + 1;
	}
}

/* "what (guarded on DRV) = EPERM": the write a guard judged. The device,
 * driver directory and host driver come from a trace or from any writer:
 * escaped. */
static void put_guard_attempt(FILE *out, const struct gt_guard_event *g)
{
	char what[512];

	guard_event_what(g, what, sizeof(what));
	put_name(out, what, sizeof(what));
	fputs(" (guarded on ", out);
	put_name(out, g->host_driver, sizeof(g->host_driver));
	fprintf(out, ") = %s", g->err ? errno_name(g->err, "error") : "passed (dry run)");
}

static void render_event(FILE *out, const struct trace_record *rec, const struct trace_clock *c)
{
	union gt_event_any ev;
	int kind = event_decode(rec->data, rec->len, &ev);
	const struct gt_task *t = &ev.hdr.task;
	char path[512], val[GT_DATA_MAX * 4 + 1], st[64];
	unsigned unnamed;
	bool at_least;

	if (kind < 0)
		return;
	put_head(out, c, ev.hdr.ts_ns, event_kind_name(kind), t->pid, t->comm);
	switch (kind) {
	case GT_EV_SYSFS_WRITE:
		sysfs_write_path(&ev.write, path, sizeof(path));
		sysfs_write_value(&ev.write, val, sizeof(val));
		fprintf(out, "\"%s\" > ", val);
		text_escape_put(out, path, strlen(path));
		fputs(" = ", out);
		if (ev.write.ret < 0)
			fprintf(out, "%s", errno_name(ev.write.ret, "error"));
		else
			fprintf(out, "%lld", (long long)ev.write.ret);
		put_ancestry(out, t, 3, " < ");
		if (t->unit[0]) {
			fputs(" unit=", out);
			put_name(out, t->unit, GT_UNIT_LEN);
		}
		break;
	case GT_EV_BIND:
	case GT_EV_UNBIND:
	case GT_EV_PROBE_FAIL:
		put_name(out, ev.drv.device, GT_NAME_LEN);
		fputs(kind == GT_EV_BIND ? " -> " : kind == GT_EV_UNBIND ? " <- " : " by ", out);
		put_name(out, ev.drv.driver, GT_NAME_LEN);
		if (kind == GT_EV_PROBE_FAIL)
			fprintf(out, " failed: %s (%d)", errno_name(ev.drv.err, "?"), ev.drv.err);
		break;
	case GT_EV_DYNID:
		put_name(out, ev.dynid.driver, GT_NAME_LEN);
		fprintf(out, " += %04x:%04x", ev.dynid.vendor, ev.dynid.device);
		if (ev.dynid.ret)
			fprintf(out, " = %s", errno_name(ev.dynid.ret, "error"));
		break;
	case GT_EV_EXEC:
		put_args(out, ev.exec.args, ev.exec.args_len);
		if (!ev.exec.args_len)
			put_name(out, ev.exec.filename, GT_FILENAME_MAX);
		if (ev.exec.args_truncated)
			fputs(" ...", out);
		put_ancestry(out, t, 1, " < ");
		break;
	case GT_EV_EXIT:
		exit_status_str(ev.exit.exit_code, st, sizeof(st));
		fputs(st, out);
		for (__u32 i = 0; i < ev.exit.n_orphans && i < GT_ORPHANS_MAX; i++)
			fprintf(out, "%s%u", i ? " " : ", leaving children ", ev.exit.orphans[i]);
		if ((unnamed = exit_unnamed_children(&ev.exit, &at_least)))
			fprintf(out, "%s%s%u %s(not named)", ev.exit.n_orphans ? " and " : ", leaving ",
				at_least ? "at least " : "", unnamed, ev.exit.n_orphans ? "more " : "children ");
		break;
	case GT_EV_RESET:
	case GT_EV_POWER:
		put_name(out, ev.pm.device, GT_NAME_LEN);
		fputc(' ', out);
		put_name(out, ev.pm.function, GT_NAME_LEN);
		if (kind == GT_EV_POWER)
			fprintf(out, "(%s)", pci_power_name(ev.pm.state));
		fprintf(out, " = %s, now %s", ev.pm.ret ? errno_name(ev.pm.ret, "error") : "0",
			pci_power_name(ev.pm.now_state));
		put_ancestry(out, t, 2, " < ");
		break;
	case GT_EV_GUARD:
		if (ev.guard.action == GT_GUARD_WINDOW) {
			fputs("VM start: its writes pass", out);
		} else {
			fprintf(out, "%s ", ev.guard.enforced ? "denied" : "would deny");
			put_guard_attempt(out, &ev.guard);
		}
		put_ancestry(out, t, 3, " < ");
		if (t->unit[0]) {
			fputs(" unit=", out);
			put_name(out, t->unit, GT_UNIT_LEN);
		}
		break;
	default:
		fprintf(out, "(event kind %d)", kind);
	}
	fputc('\n', out);
}

static void put_pairs(FILE *out, const struct trace_record *rec, const char *const *keys)
{
	char buf[256];

	for (int i = 0; keys[i]; i++) {
		if (kv_get(rec, keys[i], buf, sizeof(buf)) && buf[0]) {
			fprintf(out, " %s=", keys[i]);
			text_escape_put(out, buf, strlen(buf));
		}
	}
}

static void render_uevent(FILE *out, const struct trace_record *rec, const struct trace_clock *c)
{
	static const char *const keys[] = { "DRIVER", "SEQNUM", NULL };
	char action[32] = "", devpath[256] = "";

	kv_get(rec, "ACTION", action, sizeof(action));
	kv_get(rec, "DEVPATH", devpath, sizeof(devpath));
	put_head(out, c, kv_ts(rec), "uevent", 0, "(kernel)");
	text_escape_put(out, action, strlen(action));
	fputc(' ', out);
	text_escape_put(out, devpath, strlen(devpath));
	put_pairs(out, rec, keys);
	fputc('\n', out);
}

static const char *level_name(int level)
{
	static const char *const names[] = { "emerg", "alert", "crit", "err", "warning",
					     "notice", "info", "debug" };

	return level >= 0 && level < 8 ? names[level] : "?";
}

static void render_kmsg(FILE *out, const struct trace_record *rec, const struct trace_clock *c)
{
	char level[8] = "", facility[8] = "", who[24];
	struct kv_pair p;
	size_t off = 0;

	kv_get(rec, "level", level, sizeof(level));
	kv_get(rec, "facility", facility, sizeof(facility));
	snprintf(who, sizeof(who), "%s.%s", atoi(facility) ? "user" : "kernel",
		 level_name(level[0] ? atoi(level) : -1));
	put_head(out, c, kv_ts(rec), "kmsg", 0, who);
	while (kv_next(rec, &off, &p) == 1)
		if (p.key_len == 3 && !memcmp(p.key, "msg", 3))
			text_escape_put(out, p.val, p.val_len);
	fputc('\n', out);
}

/* The value of KEY shown escaped, if there is one. */
static void put_value(FILE *out, const struct trace_record *rec, const char *key)
{
	size_t off = 0, klen = strlen(key);
	struct kv_pair p;

	while (kv_next(rec, &off, &p) == 1)
		if (p.key_len == klen && !memcmp(p.key, key, klen)) {
			text_escape_put(out, p.val, p.val_len);
			return;
		}
}

static void render_journal(FILE *out, const struct trace_record *rec, const struct trace_clock *c)
{
	char pid[16] = "", comm[32] = "", unit[128] = "";

	kv_get(rec, "pid", pid, sizeof(pid));
	kv_get(rec, "comm", comm, sizeof(comm));
	put_head(out, c, kv_ts(rec), "journal", (uint32_t)atoi(pid), comm);
	put_value(out, rec, "msg");
	if (kv_get(rec, "unit", unit, sizeof(unit)) && unit[0]) {
		fputs(" unit=", out);
		put_value(out, rec, "unit");
	}
	fputc('\n', out);
}

static void render_kv_line(FILE *out, const struct trace_record *rec, const struct trace_clock *c,
			   const char *name, const char *const *keys)
{
	char pid[16] = "", comm[32] = "";

	kv_get(rec, "pid", pid, sizeof(pid));
	kv_get(rec, "comm", comm, sizeof(comm));
	put_head(out, c, kv_ts(rec), name, (uint32_t)atoi(pid), comm);
	put_pairs(out, rec, keys);
	fputc('\n', out);
}

void render_record_text(FILE *out, const struct trace_record *rec, const struct trace_clock *c)
{
	static const char *const header_keys[] = { "tool_version", "format", "hostname",
		"kernel_release", "backend", "boot_id", "kmsg", "journal", "marks", NULL };
	static const char *const mark_keys[] = { "label", NULL };
	static const char *const pci_keys[] = { "phase", "bdf", "vendor", "device", "class",
		"driver", "driver_override", "iommu_group", "power_state", "device_name", NULL };
	static const char *const proc_keys[] = { "phase", "ppid", "exe", NULL };
	static const char *const file_keys[] = { "phase", "path", "missing", "truncated", NULL };
	static const char *const counter_keys[] = { "events", "lost_sysfs", "lost_driver",
		"lost_exec", "lost_exit", "lost_runs_missed", "pending_full", "lost_uevents", "lost_held",
		"lost_kmsg", "records_lost", "marks_refused", "marks_rate_limited", "marks_malformed", NULL };
	static const char *const end_keys[] = { "reason", NULL };
	static const char *const state_keys[] = { "cause", "label", "bdf", "driver",
		"driver_override", "power_state", "runtime_status", "enable", "missing", NULL };

	switch (rec->type) {
	case GT_REC_EVENT: render_event(out, rec, c); break;
	case GT_REC_UEVENT: render_uevent(out, rec, c); break;
	case GT_REC_HEADER: render_kv_line(out, rec, c, "trace", header_keys); break;
	case GT_REC_MARK: render_kv_line(out, rec, c, "mark", mark_keys); break;
	case GT_REC_PCI: render_kv_line(out, rec, c, "snap-pci", pci_keys); break;
	case GT_REC_PROCESS: render_kv_line(out, rec, c, "snap-proc", proc_keys); break;
	case GT_REC_FILE: render_kv_line(out, rec, c, "snap-file", file_keys); break;
	case GT_REC_COUNTERS: render_kv_line(out, rec, c, "counters", counter_keys); break;
	case GT_REC_END: render_kv_line(out, rec, c, "end", end_keys); break;
	case GT_REC_KMSG: render_kmsg(out, rec, c); break;
	case GT_REC_PCI_STATE: render_kv_line(out, rec, c, "state", state_keys); break;
	case GT_REC_JOURNAL: render_journal(out, rec, c); break;
	default:
		fprintf(out, "(record type %u, %u bytes)\n", rec->type, rec->len);
	}
}

void render_guard_text(FILE *out, const struct gt_guard_event *ev, uint64_t wall_ns,
		       const char *argv, size_t argv_len)
{
	const struct gt_task *t = &ev->hdr.task;
	char when[32];

	fmt_wall(wall_ns, false, when, sizeof(when));
	fprintf(out, "%s %s ", when, ev->enforced ? "DENIED" : "WOULD DENY");
	put_guard_attempt(out, ev);
	fprintf(out, ": pid %u ", t->pid);
	put_name(out, t->comm, GT_COMM_LEN);
	if (argv_len) {
		fputs(", argv \"", out);
		put_args(out, argv, (uint32_t)argv_len);
		fputc('"', out);
	}
	fputs(", ancestry", out);
	put_ancestry(out, t, GT_ANCESTRY_MAX, " ");
	fputs(", unit ", out);
	put_name(out, t->unit[0] ? t->unit : "-", GT_UNIT_LEN);
	fputc('\n', out);
}
