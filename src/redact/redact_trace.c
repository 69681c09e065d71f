// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Redacted copies of traces, through the trace reader and writer. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "redact/redact.h"
#include "trace/event_decode.h"
#include "trace/trace.h"

static void kv_str(const struct trace_record *rec, const char *key, char *buf, size_t size)
{
	if (!kv_get(rec, key, buf, size))
		buf[0] = '\0';
}

/* The header's host name; one too long for the buffer would be learnt cut,
 * and the whole name never matched: a name the recorder cannot have
 * written (HOST_NAME_MAX is 64) fails the redaction instead. */
static void learn_host(struct redact *r, const struct trace_record *rec)
{
	char buf[256];
	struct kv_pair p;
	size_t off = 0;

	while (kv_next(rec, &off, &p) == 1) {
		if (p.key_len != 8 || memcmp(p.key, "hostname", 8))
			continue;
		if (p.val_len >= sizeof(buf)) {
			snprintf(buf, sizeof(buf), "a host name of %zu bytes in a trace header",
				 (size_t)p.val_len);
			redact_fail(r, buf);
			return;
		}
		memcpy(buf, p.val, p.val_len);
		buf[p.val_len] = '\0';
		redact_add_host(r, buf);
		return;
	}
}

int redact_trace_learn(struct redact *r, const char *path, char *err, size_t errlen)
{
	struct trace_reader *tr;
	struct trace_record rec;
	union gt_event_any ev;
	char buf[256];
	int ret, kind;

	tr = trace_reader_open(path, err, errlen);
	if (!tr)
		return -EINVAL;
	while ((ret = trace_reader_next(tr, &rec)) == 1) {
		switch (rec.type) {
		case GT_REC_HEADER:
			learn_host(r, &rec);
			break;
		case GT_REC_PCI:
			kv_str(&rec, "driver", buf, sizeof(buf));
			redact_keep_word(r, buf);
			kv_str(&rec, "driver_override", buf, sizeof(buf));
			redact_keep_word(r, buf);
			break;
		case GT_REC_UEVENT:
			kv_str(&rec, "DRIVER", buf, sizeof(buf));
			redact_keep_word(r, buf);
			break;
		case GT_REC_EVENT:
			kind = event_decode(rec.data, rec.len, &ev);
			if (kind == GT_EV_BIND || kind == GT_EV_UNBIND || kind == GT_EV_PROBE_FAIL)
				redact_keep_word(r, ev.drv.driver);
			else if (kind == GT_EV_DYNID)
				redact_keep_word(r, ev.dynid.driver);
			break;
		}
	}
	if (ret < 0)
		snprintf(err, errlen, "%s", trace_reader_error(tr));	/* names the file */
	trace_reader_close(tr);
	if (ret >= 0 && redact_failure(r)) {
		snprintf(err, errlen, "%s: cannot redact: %s", path, redact_failure(r));
		return -ENOMEM;
	}
	return ret < 0 ? -EIO : 0;
}

/* A fixed-size string field, redacted in place (cut to fit). */
static void redact_field(struct redact *r, char *field, size_t size)
{
	size_t n = strnlen(field, size), outlen;
	char *red = redact_text(r, field, n, &outlen);

	memset(field, 0, size);
	if (!red)
		return;		/* redact_failed(): the record is not written */
	memcpy(field, red, outlen < size - 1 ? outlen : size - 1);
	free(red);
}

static void redact_task(struct redact *r, struct gt_task *t)
{
	redact_field(r, t->comm, sizeof(t->comm));
	redact_field(r, t->unit, sizeof(t->unit));
	for (int i = 0; i < GT_ANCESTRY_MAX; i++)
		redact_field(r, t->ancestors[i].comm, sizeof(t->ancestors[i].comm));
}

/* Bytes written to sysfs stay as they were (BDFs, ids, driver names),
 * unless they hold an address, a UUID or a name (redact_patterns.h). */
static void redact_written(struct redact *r, struct gt_sysfs_write *w)
{
	size_t outlen;
	char *red = redact_text(r, w->data, w->data_len, &outlen);

	if (!red) {
		memset(w->data, 0, sizeof(w->data));
		w->data_len = 0;
		return;		/* redact_failed(): the record is not written */
	}
	if (outlen > GT_DATA_MAX)
		outlen = GT_DATA_MAX;
	memset(w->data, 0, sizeof(w->data));
	memcpy(w->data, red, outlen);
	w->data_len = outlen;
	free(red);
}

/* A denied write's value is whatever the writer passed ("alice 10.1.2.3"
 * to driver_override, anything after the ids of new_id): redacted like
 * the bytes written to sysfs, its length kept in step. */
static void redact_guard(struct redact *r, struct gt_guard_event *g)
{
	redact_field(r, g->device, sizeof(g->device));
	redact_field(r, g->host_driver, sizeof(g->host_driver));
	redact_field(r, g->dir, sizeof(g->dir));
	redact_field(r, g->attr, sizeof(g->attr));
	if (g->value_seen) {
		redact_field(r, g->value, sizeof(g->value));
		g->value_len = strnlen(g->value, sizeof(g->value));
	}
}

/* Every string of every event kind goes through the one mapping. Most of
 * them are the kernel's names (BDFs, buses, drivers, sysfs components,
 * the PM functions), which redaction leaves as they are; but a sysfs path
 * can hold a name someone chose (a network interface's power/control),
 * and the same driver name must read the same here as in the PCI and
 * uevent records, whose values are all redacted. */
static void redact_kernel_names(struct redact *r, int kind, union gt_event_any *ev)
{
	switch (kind) {
	case GT_EV_SYSFS_WRITE:
		/* components past depth are no part of the path: not copied */
		for (int i = 0; i < GT_PATH_DEPTH; i++)
			if (i < ev->write.depth)
				redact_field(r, ev->write.path[i], sizeof(ev->write.path[i]));
			else
				memset(ev->write.path[i], 0, sizeof(ev->write.path[i]));
		break;
	case GT_EV_BIND:
	case GT_EV_UNBIND:
	case GT_EV_PROBE_FAIL:
		redact_field(r, ev->drv.bus, sizeof(ev->drv.bus));
		redact_field(r, ev->drv.device, sizeof(ev->drv.device));
		redact_field(r, ev->drv.driver, sizeof(ev->drv.driver));
		break;
	case GT_EV_DYNID:
		redact_field(r, ev->dynid.driver, sizeof(ev->dynid.driver));
		break;
	case GT_EV_RESET:
	case GT_EV_POWER:
		redact_field(r, ev->pm.device, sizeof(ev->pm.device));
		redact_field(r, ev->pm.function, sizeof(ev->pm.function));
		break;
	}
}

static int rewrite_event(struct redact *r, struct trace_writer *w, const struct trace_record *rec)
{
	static union gt_event_any ev;
	size_t len = rec->len, outlen;
	char *args;
	int kind;

	kind = event_decode(rec->data, rec->len, &ev);
	if (kind < 0)
		return 0;	/* too short for a header, yet may hold part of a comm: not copied */
	/* What this version knows of the kind, and nothing past it: bytes
	 * appended by a newer recorder, or a kind unknown here, may hold
	 * names no rule below has read, so the copy keeps the header alone. */
	if (!event_kind_size(kind)) {
		redact_task(r, &ev.hdr.task);
		ev.hdr.size = sizeof(ev.hdr);
		if (redact_failure(r))
			return -ENOMEM;
		return trace_writer_append(w, rec->type, &ev.hdr, sizeof(ev.hdr));
	}
	if (len > event_kind_size(kind))
		len = event_kind_size(kind);
	ev.hdr.size = len;
	redact_task(r, &ev.hdr.task);
	redact_kernel_names(r, kind, &ev);
	if (kind == GT_EV_SYSFS_WRITE)
		redact_written(r, &ev.write);
	if (kind == GT_EV_GUARD)
		redact_guard(r, &ev.guard);
	if (kind == GT_EV_EXEC) {
		redact_field(r, ev.exec.filename, sizeof(ev.exec.filename));
		args = redact_argv(r, ev.exec.args, ev.exec.args_len < GT_ARGS_MAX ?
				   ev.exec.args_len : GT_ARGS_MAX, &outlen);
		if (args) {
			if (outlen > GT_ARGS_MAX) {
				outlen = GT_ARGS_MAX;
				ev.exec.args_truncated = 1;
			}
			memset(ev.exec.args, 0, sizeof(ev.exec.args));
			memcpy(ev.exec.args, args, outlen);
			ev.exec.args_len = outlen;
			free(args);
		}
		len = offsetof(struct gt_exec_event, args) + ev.exec.args_len;
		ev.hdr.size = len;
	}
	if (redact_failure(r))
		return -ENOMEM;
	return trace_writer_append(w, rec->type, &ev, len);
}

static int rewrite_kv(struct redact *r, struct trace_writer *w, const struct trace_record *rec)
{
	struct kv_pair p;
	size_t off = 0, outlen;
	char key[256], *val;

	trace_writer_kv_begin(w, rec->type, kv_ts(rec));
	while (kv_next(rec, &off, &p) == 1) {
		snprintf(key, sizeof(key), "%.*s", (int)p.key_len, p.key);
		if (rec->type == GT_REC_PROCESS && !strcmp(key, "cmdline"))
			val = redact_argv(r, (const char *)p.val, p.val_len, &outlen);
		else
			val = redact_text(r, (const char *)p.val, p.val_len, &outlen);
		if (!val)
			return -ENOMEM;		/* the open record is dropped */
		trace_writer_kv_add(w, key, val, outlen);
		free(val);
	}
	return trace_writer_kv_end(w);
}

int redact_trace_rewrite(struct redact *r, const char *in, const char *out,
			 char *err, size_t errlen)
{
	struct trace_writer *w;
	struct trace_reader *tr;
	struct trace_record rec;
	int ret, wret = 0;

	err[0] = '\0';
	tr = trace_reader_open(in, err, errlen);
	if (!tr)
		return -EINVAL;
	w = trace_writer_create(out, true);
	if (!w) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", out, strerror(errno));
		trace_reader_close(tr);
		return ret;
	}
	while ((ret = trace_reader_next(tr, &rec)) == 1 && !wret)
		wret = rec.type == GT_REC_EVENT ? rewrite_event(r, w, &rec) : rewrite_kv(r, w, &rec);
	if (ret < 0)
		snprintf(err, errlen, "%s", trace_reader_error(tr));	/* names the file */
	trace_reader_close(tr);
	ret = ret < 0 ? -EIO : wret;
	wret = trace_writer_close(w);
	if (!ret && wret) {
		ret = wret;
		snprintf(err, errlen, "%s: %s", out, strerror(-wret));
	} else if (ret && !err[0] && redact_failure(r)) {
		snprintf(err, errlen, "%s: cannot redact: %s", in, redact_failure(r));
	} else if (ret && !err[0]) {
		snprintf(err, errlen, "%s: %s", out, strerror(-ret));
	}
	return ret;
}
