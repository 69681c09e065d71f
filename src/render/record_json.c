// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* JSON form of each record (dump --json): field names are stable and
 * documented in docs/trace-format.md. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "render/record_render.h"
#include "trace/event_decode.h"
#include "util.h"

const char *render_record_type_name(uint16_t type)
{
	switch (type) {
	case GT_REC_HEADER: return "header";
	case GT_REC_EVENT: return "event";
	case GT_REC_UEVENT: return "uevent";
	case GT_REC_MARK: return "mark";
	case GT_REC_PCI: return "pci";
	case GT_REC_PROCESS: return "process";
	case GT_REC_FILE: return "file";
	case GT_REC_COUNTERS: return "counters";
	case GT_REC_END: return "end";
	case GT_REC_KMSG: return "kmsg";
	case GT_REC_PCI_STATE: return "pci_state";
	case GT_REC_JOURNAL: return "journal";
	default: return "unknown";
	}
}

/* ISO 8601 UTC with microseconds: sortable and unambiguous for tools. */
static void json_time(struct json_writer *w, const struct trace_clock *c, uint64_t ts)
{
	char buf[48];

	json_kv_u64(w, "ts_ns", ts);
	if (!c->valid)
		return;
	fmt_iso_utc(trace_clock_wall_ns(c, ts), buf, sizeof(buf));
	json_kv_str(w, "time", buf);
}

static void json_strn(struct json_writer *w, const char *key, const char *s, size_t max)
{
	json_key(w, key);
	json_string_len(w, s, strnlen(s, max));
}

/* "ancestry": [{"pid": 1, "comm": "systemd"}, ...], parent first. */
static void json_ancestry(struct json_writer *w, const struct gt_task *t)
{
	json_key(w, "ancestry");
	json_array_start(w);
	for (int i = 0; i < t->n_ancestors && i < GT_ANCESTRY_MAX; i++) {
		json_object_start(w);
		json_kv_u64(w, "pid", t->ancestors[i].pid);
		json_strn(w, "comm", t->ancestors[i].comm, GT_COMM_LEN);
		json_object_end(w);
	}
	json_array_end(w);
}

static void json_task(struct json_writer *w, const struct gt_task *t)
{
	json_key(w, "task");
	json_object_start(w);
	json_kv_u64(w, "pid", t->pid);
	json_kv_u64(w, "tid", t->tid);
	json_kv_u64(w, "ppid", t->ppid);
	json_kv_u64(w, "uid", t->uid);
	json_strn(w, "comm", t->comm, GT_COMM_LEN);
	json_strn(w, "unit", t->unit, GT_UNIT_LEN);
	json_ancestry(w, t);
	json_object_end(w);
}

static void json_event_body(struct json_writer *w, int kind, const union gt_event_any *ev)
{
	char buf[512], hex[16];
	unsigned unnamed;
	bool at_least;

	switch (kind) {
	case GT_EV_SYSFS_WRITE:
		sysfs_write_path(&ev->write, buf, sizeof(buf));
		json_kv_str(w, "path", buf);
		json_strn(w, "attr", sysfs_write_attr(&ev->write), GT_NAME_LEN);
		json_key(w, "data");
		json_string_len(w, ev->write.data, ev->write.data_len);
		json_kv_u64(w, "count", ev->write.count);
		json_kv_s64(w, "ret", ev->write.ret);
		json_kv_u64(w, "end_ns", ev->write.end_ns);
		json_kv_str(w, "origin", ev->write.origin == GT_ORIGIN_KERNFS ? "kernfs" : "syscall");
		json_kv_bool(w, "path_truncated", ev->write.path_truncated);
		break;
	case GT_EV_BIND:
	case GT_EV_UNBIND:
	case GT_EV_PROBE_FAIL:
		json_strn(w, "bus", ev->drv.bus, GT_BUS_LEN);
		json_strn(w, "device", ev->drv.device, GT_NAME_LEN);
		json_strn(w, "driver", ev->drv.driver, GT_NAME_LEN);
		json_kv_s64(w, "err", ev->drv.err);
		break;
	case GT_EV_DYNID:
		json_strn(w, "driver", ev->dynid.driver, GT_NAME_LEN);
		snprintf(hex, sizeof(hex), "%04x", ev->dynid.vendor);
		json_kv_str(w, "vendor", hex);
		snprintf(hex, sizeof(hex), "%04x", ev->dynid.device);
		json_kv_str(w, "device", hex);
		json_kv_u64(w, "subvendor", ev->dynid.subvendor);
		json_kv_u64(w, "subdevice", ev->dynid.subdevice);
		json_kv_u64(w, "class", ev->dynid.class);
		json_kv_u64(w, "class_mask", ev->dynid.class_mask);
		json_kv_s64(w, "ret", ev->dynid.ret);
		break;
	case GT_EV_EXEC:
		json_strn(w, "filename", ev->exec.filename, GT_FILENAME_MAX);
		json_key(w, "argv");
		json_nul_list(w, ev->exec.args, ev->exec.args_len);
		json_kv_bool(w, "args_truncated", ev->exec.args_truncated);
		break;
	case GT_EV_RESET:
	case GT_EV_POWER:
		json_strn(w, "device", ev->pm.device, GT_NAME_LEN);
		json_strn(w, "function", ev->pm.function, GT_NAME_LEN);
		json_kv_s64(w, "ret", ev->pm.ret);
		if (kind == GT_EV_POWER)
			json_kv_str(w, "state", pci_power_name(ev->pm.state));
		json_kv_str(w, "now_state", pci_power_name(ev->pm.now_state));
		break;
	case GT_EV_EXIT:
		json_kv_s64(w, "status", ev->exit.exit_code);
		exit_status_str(ev->exit.exit_code, buf, sizeof(buf));
		json_kv_str(w, "exit", buf);
		json_key(w, "orphans");
		json_array_start(w);
		for (__u32 i = 0; i < ev->exit.n_orphans && i < GT_ORPHANS_MAX; i++)
			json_u64(w, ev->exit.orphans[i]);
		json_array_end(w);
		if ((unnamed = exit_unnamed_children(&ev->exit, &at_least))) {
			json_kv_u64(w, "orphans_unnamed", unnamed);
			json_kv_bool(w, "orphans_unnamed_at_least", at_least);
		}
		break;
	case GT_EV_GUARD:
		json_kv_str(w, "action", guard_action_name(ev->guard.action));
		json_kv_bool(w, "enforced", ev->guard.enforced);
		json_kv_s64(w, "err", ev->guard.err);
		json_strn(w, "device", ev->guard.device, GT_NAME_LEN);
		json_strn(w, "host_driver", ev->guard.host_driver, GT_NAME_LEN);
		json_strn(w, "dir", ev->guard.dir, GT_NAME_LEN);
		json_strn(w, "attr", ev->guard.attr, GT_NAME_LEN);
		if (ev->guard.value_seen)
			json_strn(w, "value", ev->guard.value, sizeof(ev->guard.value));
		break;
	}
}

static void json_kv_record(struct json_writer *w, const struct trace_record *rec)
{
	struct kv_pair p;
	size_t off = 0;

	while (kv_next(rec, &off, &p) == 1) {
		char key[128];

		snprintf(key, sizeof(key), "%.*s", p.key_len, p.key);
		if (!strcmp(key, "cmdline")) {
			json_key(w, "argv");
			json_nul_list(w, (const char *)p.val, p.val_len);
			continue;
		}
		json_key(w, key);
		json_string_len(w, (const char *)p.val, p.val_len);
	}
}

void render_record_json(struct json_writer *w, const struct trace_record *rec,
			const struct trace_clock *c)
{
	union gt_event_any ev;
	int kind;

	json_object_start(w);
	json_kv_u64(w, "id", rec->id);
	json_kv_str(w, "type", render_record_type_name(rec->type));
	if (rec->type == GT_REC_EVENT) {
		kind = event_decode(rec->data, rec->len, &ev);
		if (kind >= 0) {
			json_kv_str(w, "kind", event_kind_name(kind));
			json_time(w, c, ev.hdr.ts_ns);
			json_task(w, &ev.hdr.task);
			json_event_body(w, kind, &ev);
		}
	} else if (rec->type < GT_REC_TYPE_MAX) {
		json_time(w, c, kv_ts(rec));
		json_kv_record(w, rec);
	} else {
		json_kv_u64(w, "type_code", rec->type);
		json_kv_u64(w, "len", rec->len);
	}
	json_object_end(w);
}

int render_record_json_line(FILE *out, const struct trace_record *rec, const struct trace_clock *c)
{
	struct json_writer *jw = json_new(out, false);

	if (!jw)
		return -ENOMEM;
	render_record_json(jw, rec, c);
	json_free(jw);
	return 0;
}

/* The guard's live object: flat, the writer's task beside the write (a
 * stream reader greps one level), "denied" false on a dry run. */
void render_guard_json(struct json_writer *w, const struct gt_guard_event *ev, uint64_t wall_ns,
		       const char *argv, size_t argv_len)
{
	const struct gt_task *t = &ev->hdr.task;
	char when[48], what[512];

	fmt_iso_utc(wall_ns, when, sizeof(when));
	guard_event_what(ev, what, sizeof(what));
	json_object_start(w);
	json_kv_str(w, "time", when);
	json_kv_str(w, "action", guard_action_name(ev->action));
	json_kv_bool(w, "denied", ev->enforced);
	json_kv_s64(w, "err", ev->err);
	json_kv_str(w, "what", what);
	json_strn(w, "device", ev->device, GT_NAME_LEN);
	json_strn(w, "host_driver", ev->host_driver, GT_NAME_LEN);
	json_kv_u64(w, "pid", t->pid);
	json_strn(w, "comm", t->comm, GT_COMM_LEN);
	json_key(w, "argv");
	json_nul_list(w, argv, argv_len);
	json_ancestry(w, t);
	json_strn(w, "unit", t->unit, GT_UNIT_LEN);
	json_object_end(w);
}
