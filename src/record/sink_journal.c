// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* record --journal: each sysfs write, driver outcome and mark as a journal
 * entry with GPUTRACE_* fields, so a fleet's log pipeline gets them
 * without a collector of its own (docs/pipelines.md). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <syslog.h>
#include <unistd.h>

#include "gputrace/trace_format.h"
#include "record/sinks.h"
#include "sys/pci.h"
#include "trace/event_decode.h"
#include "trace/trace.h"
#include "util.h"

#define JOURNAL_SOCKET	"/run/systemd/journal/socket"
#define FIELDS_MAX	24
#define FIELD_LEN	600

/* libsystemd is loaded, not linked, as for reading (journal.c): a host
 * without it records everything else. */
static int (*journal_sendv)(const struct iovec *iov, int n);

static int load_sendv(char *why, size_t size)
{
	static const char *const names[] = { "sd_journal_sendv" };
	void *sym;

	if (journal_sendv)
		return 0;
	if (!dl_open_syms("libsystemd.so.0", "libsystemd0 not installed", names, &sym, 1, why, size))
		return -1;
	journal_sendv = (int (*)(const struct iovec *, int))sym;
	return 0;
}

int sink_journal_open(struct sink_journal *s, char *why, size_t size)
{
	memset(s, 0, sizeof(*s));
	if (load_sendv(why, size))
		return -1;
	/* sd_journal_send() fails on every call where journald does not
	 * listen: better said once, at the start */
	if (access(JOURNAL_SOCKET, W_OK)) {
		snprintf(why, size, "journald is not running here (no %s)", JOURNAL_SOCKET);
		return -1;
	}
	s->on = true;
	return 0;
}

/* An entry being built: "KEY=value" strings. */
struct entry {
	char f[FIELDS_MAX][FIELD_LEN];
	int n;
};

static void field(struct entry *e, const char *key, const char *fmt, ...)
{
	va_list ap;
	int off;

	if (e->n >= FIELDS_MAX)
		return;
	off = snprintf(e->f[e->n], FIELD_LEN, "%s=", key);
	va_start(ap, fmt);
	vsnprintf(e->f[e->n] + off, FIELD_LEN - off, fmt, ap);
	va_end(ap);
	e->n++;
}

static int send_entry(const struct entry *e)
{
	struct iovec iov[FIELDS_MAX];

	for (int i = 0; i < e->n; i++)
		iov[i] = (struct iovec){ (void *)e->f[i], strlen(e->f[i]) };
	return journal_sendv ? journal_sendv(iov, e->n) : -ENOSYS;
}

static void common(struct entry *e, int prio, const char *kind)
{
	e->n = 0;
	field(e, "SYSLOG_IDENTIFIER", "gputrace");
	field(e, "PRIORITY", "%d", prio);
	field(e, "GPUTRACE_KIND", "%s", kind);
}

static void task_fields(struct entry *e, const struct gt_task *t)
{
	field(e, "GPUTRACE_PID", "%u", t->pid);
	field(e, "GPUTRACE_PPID", "%u", t->ppid);
	field(e, "GPUTRACE_UID", "%u", t->uid);
	field(e, "GPUTRACE_COMM", "%.*s", GT_COMM_LEN, t->comm);
	if (t->unit[0])
		field(e, "GPUTRACE_UNIT", "%.*s", GT_UNIT_LEN, t->unit);
}

static bool rebinds(const char *attr)
{
	static const char *const attrs[] = { "bind", "unbind", "driver_override", "new_id",
					     "remove_id", "remove", "drivers_probe", NULL };

	for (int i = 0; attrs[i]; i++)
		if (!strcmp(attr, attrs[i]))
			return true;
	return false;
}

static int write_entry(struct entry *e, const struct gt_sysfs_write *w)
{
	char path[GT_PATH_DEPTH * (GT_NAME_LEN + 1) + 8], value[256], bdf[PCI_BDF_LEN];
	const char *attr = sysfs_write_attr(w);

	sysfs_write_path(w, path, sizeof(path));
	sysfs_write_value(w, value, sizeof(value));
	sysfs_write_device(w, bdf, sizeof(bdf));
	common(e, w->ret < 0 ? LOG_WARNING : rebinds(attr) ? LOG_NOTICE : LOG_INFO, "sysfs_write");
	if (w->ret < 0)
		field(e, "MESSAGE", "%.*s[%u] wrote \"%s\" to %s: failed: %s", GT_COMM_LEN,
		      w->hdr.task.comm, w->hdr.task.pid, value, path, errno_name(w->ret, "an error"));
	else
		field(e, "MESSAGE", "%.*s[%u] wrote \"%s\" to %s", GT_COMM_LEN, w->hdr.task.comm,
		      w->hdr.task.pid, value, path);
	task_fields(e, &w->hdr.task);
	field(e, "GPUTRACE_PATH", "%s", path);
	field(e, "GPUTRACE_ATTR", "%s", attr);
	field(e, "GPUTRACE_VALUE", "%s", value);
	field(e, "GPUTRACE_RESULT", "%lld", (long long)w->ret);
	if (bdf[0])
		field(e, "GPUTRACE_BDF", "%s", bdf);
	return 0;
}

static int driver_entry(struct entry *e, int kind, const struct gt_driver_event *d)
{
	char dev[GT_NAME_LEN + 1], drv[GT_NAME_LEN + 1];

	snprintf(dev, sizeof(dev), "%.*s", GT_NAME_LEN, d->device);
	snprintf(drv, sizeof(drv), "%.*s", GT_NAME_LEN, d->driver);
	if (kind == GT_EV_BIND) {
		common(e, driver_is_stub(drv) ? LOG_NOTICE : LOG_INFO, "bind");
		field(e, "MESSAGE", "%s bound to %s", dev, drv);
	} else if (kind == GT_EV_UNBIND) {
		common(e, LOG_NOTICE, "unbind");
		field(e, "MESSAGE", "%s unbound from %s", dev, drv);
	} else {
		common(e, LOG_WARNING, "probe_fail");
		field(e, "MESSAGE", "%s failed to probe %s: %s", drv, dev, errno_name(d->err, "an error"));
		field(e, "GPUTRACE_RESULT", "%d", d->err);
	}
	task_fields(e, &d->hdr.task);
	field(e, "GPUTRACE_BDF", "%s", dev);
	field(e, "GPUTRACE_DRIVER", "%s", drv);
	return 0;
}

static int dynid_entry(struct entry *e, const struct gt_dynid_event *d)
{
	char drv[GT_NAME_LEN + 1];

	snprintf(drv, sizeof(drv), "%.*s", GT_NAME_LEN, d->driver);
	common(e, d->ret && d->ret != -EEXIST ? LOG_WARNING : LOG_NOTICE, "dynid");
	field(e, "MESSAGE", "dynamic id %04x:%04x added to %s%s", d->vendor, d->device, drv,
	      d->ret == -EEXIST ? " (already there)" : d->ret ? " (failed)" : "");
	task_fields(e, &d->hdr.task);
	field(e, "GPUTRACE_DRIVER", "%s", drv);
	field(e, "GPUTRACE_VALUE", "%04x %04x", d->vendor, d->device);
	field(e, "GPUTRACE_RESULT", "%d", d->ret);
	return 0;
}

static int event_entry(struct entry *e, const void *data, uint32_t len)
{
	union gt_event_any ev;
	int kind = event_decode(data, len, &ev);

	switch (kind) {
	case GT_EV_SYSFS_WRITE: return write_entry(e, &ev.write);
	case GT_EV_BIND:
	case GT_EV_UNBIND:
	case GT_EV_PROBE_FAIL: return driver_entry(e, kind, &ev.drv);
	case GT_EV_DYNID: return dynid_entry(e, &ev.dynid);
	default: return -1;	/* processes: the journal has its own */
	}
}

/* The tracepoint backend learns binds and unbinds from uevents only. */
static int uevent_entry(struct entry *e, const struct trace_record *rec, bool outcomes)
{
	char action[16], slot[32], drv[64] = "";

	if (!outcomes || !kv_get(rec, "ACTION", action, sizeof(action)) ||
	    (strcmp(action, "bind") && strcmp(action, "unbind")) ||
	    !kv_get(rec, "PCI_SLOT_NAME", slot, sizeof(slot)))
		return -1;
	kv_get(rec, "DRIVER", drv, sizeof(drv));
	common(e, !strcmp(action, "unbind") || driver_is_stub(drv) ? LOG_NOTICE : LOG_INFO, action);
	if (!strcmp(action, "bind"))
		field(e, "MESSAGE", "%s bound to %s", slot, drv);
	else
		field(e, "MESSAGE", "%s unbound%s%s", slot, drv[0] ? " from " : "", drv);
	field(e, "GPUTRACE_BDF", "%s", slot);
	if (drv[0])
		field(e, "GPUTRACE_DRIVER", "%s", drv);
	field(e, "GPUTRACE_SOURCE", "uevent");
	return 0;
}

static int mark_entry(struct entry *e, const struct trace_record *rec)
{
	char label[256] = "", pid[16] = "", comm[32] = "";

	kv_get(rec, "label", label, sizeof(label));
	kv_get(rec, "pid", pid, sizeof(pid));
	kv_get(rec, "comm", comm, sizeof(comm));
	common(e, LOG_INFO, "mark");
	field(e, "MESSAGE", "mark \"%s\" (by %s[%s])", label, comm, pid);
	field(e, "GPUTRACE_LABEL", "%s", label);
	field(e, "GPUTRACE_PID", "%s", pid);
	field(e, "GPUTRACE_COMM", "%s", comm);
	return 0;
}

void sink_journal_record(struct sink_journal *s, uint16_t type, const void *data, uint32_t len)
{
	static struct entry e;
	struct trace_record rec = { .type = type, .len = len, .data = data };
	char buf[16];
	int ret;

	if (!s->on)
		return;
	switch (type) {
	case GT_REC_HEADER:
		s->uevent_outcomes = kv_get(&rec, "outcomes", buf, sizeof(buf)) && !strcmp(buf, "uevent");
		return;
	case GT_REC_EVENT: ret = event_entry(&e, data, len); break;
	case GT_REC_UEVENT: ret = uevent_entry(&e, &rec, s->uevent_outcomes); break;
	case GT_REC_MARK: ret = mark_entry(&e, &rec); break;
	default: return;
	}
	if (ret)
		return;
	if (s->trace[0])
		field(&e, "GPUTRACE_TRACE", "%s", s->trace);
	if ((ret = send_entry(&e)) < 0) {
		s->failed++;
		s->last_error = ret;
	} else {
		s->sent++;
	}
}

int sink_journal_send(int priority, const char *message, const char *const *fields)
{
	static struct entry e;
	char why[128];

	if (load_sendv(why, sizeof(why)) || access(JOURNAL_SOCKET, W_OK))
		return -ENOENT;
	e.n = 0;
	field(&e, "SYSLOG_IDENTIFIER", "gputrace");
	field(&e, "PRIORITY", "%d", priority);
	field(&e, "MESSAGE", "%s", message);
	for (int i = 0; fields && fields[i] && e.n < FIELDS_MAX; i++)
		snprintf(e.f[e.n++], FIELD_LEN, "%s", fields[i]);
	return send_entry(&e);
}
