// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "trace/event_decode.h"
#include "util.h"

static const size_t kind_size[GT_EV_KIND_MAX] = {
	[GT_EV_SYSFS_WRITE] = sizeof(struct gt_sysfs_write),
	[GT_EV_BIND]	    = sizeof(struct gt_driver_event),
	[GT_EV_UNBIND]	    = sizeof(struct gt_driver_event),
	[GT_EV_PROBE_FAIL]  = sizeof(struct gt_driver_event),
	[GT_EV_DYNID]	    = sizeof(struct gt_dynid_event),
	[GT_EV_EXEC]	    = sizeof(struct gt_exec_event),
	[GT_EV_EXIT]	    = sizeof(struct gt_exit_event),
	[GT_EV_RESET]	    = sizeof(struct gt_pm_event),
	[GT_EV_POWER]	    = sizeof(struct gt_pm_event),
	[GT_EV_GUARD]	    = sizeof(struct gt_guard_event),
};

int event_decode(const void *data, size_t len, union gt_event_any *out)
{
	size_t want = sizeof(*out);
	int kind;

	if (len < sizeof(struct gt_event_header))
		return -1;
	memcpy(&out->hdr, data, sizeof(out->hdr));
	kind = out->hdr.kind;
	if (kind > 0 && kind < GT_EV_KIND_MAX)
		want = kind_size[kind];
	if (len > want)
		len = want;
	/* only the kind's struct is zero-filled: the union is an exec event's
	 * 4.6 KiB, and every record of a trace passes here */
	memcpy(out, data, len);
	memset((char *)out + len, 0, want - len);
	if (kind == GT_EV_EXEC && out->exec.args_len > GT_ARGS_MAX)
		out->exec.args_len = GT_ARGS_MAX;
	if (kind == GT_EV_EXIT) {
		size_t kept = len > offsetof(struct gt_exit_event, orphans) ?
			      (len - offsetof(struct gt_exit_event, orphans)) / sizeof(__u32) : 0;

		if (out->exit.n_orphans > kept)
			out->exit.n_orphans = kept;
	}
	if (kind == GT_EV_SYSFS_WRITE) {
		if (out->write.depth > GT_PATH_DEPTH)
			out->write.depth = GT_PATH_DEPTH;
		if (out->write.data_len > GT_DATA_MAX)
			out->write.data_len = GT_DATA_MAX;
	}
	return kind;
}

unsigned exit_unnamed_children(const struct gt_exit_event *e, bool *at_least)
{
	*at_least = e->n_children >= GT_CHILDREN_SEEN_MAX;
	return e->n_children > e->n_orphans ? e->n_children - e->n_orphans : 0;
}

size_t event_kind_size(int kind)
{
	return kind > 0 && kind < GT_EV_KIND_MAX ? kind_size[kind] : 0;
}

const char *event_kind_name(int kind)
{
	switch (kind) {
	case GT_EV_SYSFS_WRITE: return "sysfs_write";
	case GT_EV_BIND: return "bind";
	case GT_EV_UNBIND: return "unbind";
	case GT_EV_PROBE_FAIL: return "probe_fail";
	case GT_EV_DYNID: return "dynid";
	case GT_EV_EXEC: return "exec";
	case GT_EV_EXIT: return "exit";
	case GT_EV_RESET: return "reset";
	case GT_EV_POWER: return "power";
	case GT_EV_GUARD: return "guard";
	default: return "unknown";
	}
}

const char *guard_action_name(int action)
{
	switch (action) {
	case GT_GUARD_OVERRIDE: return "driver_override";
	case GT_GUARD_REMOVE: return "remove";
	case GT_GUARD_UNBIND: return "unbind";
	case GT_GUARD_BIND: return "bind";
	case GT_GUARD_NEW_ID: return "new_id";
	case GT_GUARD_WINDOW: return "vm_start";
	default: return "unknown";
	}
}

void guard_event_what(const struct gt_guard_event *g, char *buf, size_t size)
{
	char val[sizeof(g->value) + 1];

	if (!g->value_seen) {
		snprintf(val, sizeof(val), "(value not seen)");
	} else {
		size_t i;

		for (i = 0; i < sizeof(g->value) && g->value[i]; i++)
			val[i] = g->value[i] >= 0x20 && g->value[i] < 0x7f ? g->value[i] : '?';
		val[i] = 0;
	}

	switch (g->action) {
	case GT_GUARD_OVERRIDE:
		snprintf(buf, size, "driver_override=\"%.64s\" on %.32s", val, g->device);
		break;
	case GT_GUARD_REMOVE:
		snprintf(buf, size, "remove of %.32s", g->device);
		break;
	case GT_GUARD_UNBIND:
	case GT_GUARD_BIND:
	case GT_GUARD_NEW_ID:
		snprintf(buf, size, "%s \"%.64s\" %s %.32s", guard_action_name(g->action), val,
			 g->action == GT_GUARD_UNBIND ? "from" : "to", g->dir);
		break;
	default:
		snprintf(buf, size, "%s", guard_action_name(g->action));
	}
}

const char *pci_power_name(int state)
{
	static const char *const names[] = { "D0", "D1", "D2", "D3hot", "D3cold" };

	return state >= 0 && state < 5 ? names[state] : "unknown";
}

/* Built by hand: a report joins the path of every write of a trace. */
void sysfs_write_path(const struct gt_sysfs_write *w, char *buf, size_t size)
{
	size_t off = 0;

	if (!size)
		return;
	buf[0] = 0;
	str_put(buf, size, &off, w->path_truncated ? "/sys/..." : "/sys", w->path_truncated ? 8 : 4);
	for (int i = w->depth - 1; i >= 0; i--) {
		str_put(buf, size, &off, "/", 1);
		str_put(buf, size, &off, w->path[i], strnlen(w->path[i], GT_NAME_LEN));
	}
}

const char *sysfs_write_attr(const struct gt_sysfs_write *w)
{
	return w->depth ? w->path[0] : "";
}

static bool takes_device_name(const char *attr)
{
	return !strncmp(attr, "bind", GT_NAME_LEN) || !strncmp(attr, "unbind", GT_NAME_LEN) ||
	       !strncmp(attr, "drivers_probe", GT_NAME_LEN);
}

bool sysfs_write_device(const struct gt_sysfs_write *w, char *bdf, size_t size)
{
	const char *name = NULL;
	size_t len = 0;

	for (int i = 0; i < w->depth && i < GT_PATH_DEPTH && !name; i++) {
		len = strnlen(w->path[i], GT_NAME_LEN);
		if (pci_name_is_sysfs(w->path[i], len))
			name = w->path[i];
	}
	if (!name && w->depth && takes_device_name(w->path[0])) {
		/* the kernel reads up to a NUL and allows one newline (sysfs_streq) */
		len = strnlen(w->data, w->data_len < GT_DATA_MAX ? w->data_len : GT_DATA_MAX);
		if (len && w->data[len - 1] == '\n')
			len--;
		if (pci_name_is_sysfs(w->data, len))
			name = w->data;
	}
	if (size)
		bdf[0] = 0;
	if (!name || len >= size)
		return false;
	memcpy(bdf, name, len);
	bdf[len] = 0;
	return true;
}

void sysfs_write_value(const struct gt_sysfs_write *w, char *buf, size_t size)
{
	size_t n = w->data_len, off = 0;

	/* "echo X > attr" adds a newline: not part of the value. A lone
	 * newline is the value itself (how driver_override is cleared). */
	if (n > 1 && w->data[n - 1] == '\n')
		n--;
	for (size_t i = 0; i < n && off + 5 < size; i++) {
		unsigned char c = w->data[i];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			buf[off++] = c;
		else
			off += snprintf(buf + off, size - off, c == '\n' ? "\\n" : "\\x%02x", c);
	}
	buf[off < size ? off : size - 1] = 0;
}

size_t sysfs_write_bytes(const struct gt_sysfs_write *w, const char **val)
{
	size_t n = strnlen(w->data, w->data_len < GT_DATA_MAX ? w->data_len : GT_DATA_MAX);

	if (n > 1 && w->data[n - 1] == '\n')
		n--;
	*val = w->data;
	return n;
}

void exit_status_str(int status, char *buf, size_t size)
{
	int sig = status & 0x7f;

	if (sig)
		snprintf(buf, size, "killed by SIG%s%s", sigabbrev_np(sig) ? sigabbrev_np(sig) : "?",
			 status & 0x80 ? " (core dumped)" : "");
	else
		snprintf(buf, size, "exited %d", (status >> 8) & 0xff);
}
