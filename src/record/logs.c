// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>

#include "record/logs.h"
#include "sys/kernel.h"
#include "trace/trace.h"
#include "util.h"

/* The kernel log is read from here on; a recording without it still
 * records everything else, and its header says why. */
static void open_kmsg(struct logs *l)
{
	uint64_t seq;
	int err;

	if (l->o.kmsg == KMSG_OFF) {
		snprintf(l->kmsg_why, sizeof(l->kmsg_why), "--kmsg off");
		return;
	}
	if ((err = kmsg_open(&l->km))) {
		snprintf(l->kmsg_why, sizeof(l->kmsg_why), "cannot read /dev/kmsg: %s",
			 strerror(-err));
		gt_warn("%s: no kernel log lines in this recording", l->kmsg_why);
		return;
	}
	err = kmsg_calibrate("recording started", &l->kmsg_offset_ns, &l->kmsg_err_ns, &seq);
	/* The log's position at the start, which SEEK_END does not tell:
	 * lines overwritten before the first read count as lost too. */
	if (!err)
		l->km.next_seq = seq;
	if (err) {
		l->kmsg_offset_ns = 0;
		l->kmsg_err_ns = 0;
		snprintf(l->kmsg_why, sizeof(l->kmsg_why),
			 "clock not calibrated (%s): kernel log times taken as CLOCK_MONOTONIC",
			 strerror(-err));
	}
}

/* Where there is no journal, it is said once here and in the header. */
static void open_journal(struct logs *l)
{
	char id[64];
	size_t n = 0;

	if (l->o.journal_off) {
		snprintf(l->journal_why, sizeof(l->journal_why), "--read-journal off");
		return;
	}
	l->journal = journal_open(l->o.journal_dir, l->journal_why, sizeof(l->journal_why));
	if (!l->journal) {
		gt_warn("no journal entries in this recording: %s", l->journal_why);
		return;
	}
	kernel_boot_id(id, sizeof(id));
	for (size_t i = 0; id[i] && n + 1 < sizeof(l->boot_id); i++)
		if (id[i] != '-')
			l->boot_id[n++] = id[i];
	l->boot_id[n] = '\0';
}

void logs_open(struct logs *l, const struct logs_opts *o)
{
	memset(l, 0, sizeof(*l));
	l->o = *o;
	l->km.fd = -1;
	open_kmsg(l);
	open_journal(l);
}

static int add_fd(int ep, int fd)
{
	struct epoll_event e = { .events = EPOLLIN, .data.fd = fd };

	return fd < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e) == 0 ? 0 : -errno;
}

int logs_add_epoll(struct logs *l, int ep)
{
	int err = add_fd(ep, l->km.fd);

	return err ? err : add_fd(ep, journal_fd(l->journal));
}

void logs_note_event(struct logs *l, const void *data, size_t size)
{
	if (l->journal)
		journal_who_note_event(&l->who, data, size);
}

static void drain_kmsg(struct logs *l, struct trace_writer *w, const struct traced *t,
		       logs_show_fn show, void *ctx)
{
	static struct kmsg_line line;
	char bdf[PCI_BDF_LEN];
	const char *why;
	int ret;

	if (l->km.fd < 0)
		return;
	while ((ret = kmsg_read(&l->km, &line)) == 1) {
		if (!(why = kmsg_keep(&line, l->o.kmsg, t, bdf)))
			continue;
		kmsg_record_begin(w, &line, why, bdf, l->kmsg_offset_ns);
		show(ctx, GT_REC_KMSG);
		trace_writer_kv_end(w);
		l->kmsg_lines++;
	}
	if (ret < 0) {
		gt_warn("kernel log: %s; no more kernel log lines in this recording", strerror(-ret));
		snprintf(l->kmsg_why, sizeof(l->kmsg_why), "read failed: %s", strerror(-ret));
		kmsg_close(&l->km);
	}
}

void logs_drain(struct logs *l, struct trace_writer *w, const struct traced *t,
		const struct trace_clock *clock, logs_show_fn show, void *ctx)
{
	int n;

	drain_kmsg(l, w, t, show, ctx);
	if (!l->journal)
		return;
	n = journal_drain(l->journal, w, &l->who, l->boot_id, clock, &l->journal_seen, show, ctx);
	if (n > 0)
		l->journal_entries += n;
}

void logs_header_keys(const struct logs *l, struct trace_writer *w)
{
	const char *src = l->o.journal_dir ? l->o.journal_dir : "system";

	trace_writer_kv_str(w, "kmsg", l->km.fd >= 0 ? kmsg_mode_name(l->o.kmsg) : "off");
	if (l->kmsg_why[0])
		trace_writer_kv_str(w, "kmsg_reason", l->kmsg_why);
	if (l->km.fd >= 0) {
		trace_writer_kv_s64(w, "kmsg_offset_ns", l->kmsg_offset_ns);
		trace_writer_kv_u64(w, "kmsg_offset_err_ns", l->kmsg_err_ns);
	}
	trace_writer_kv_str(w, "journal", l->journal ? src : l->o.journal_off ? "off" : "none");
	if (l->journal_why[0])
		trace_writer_kv_str(w, "journal_reason", l->journal_why);
}

void logs_counter_keys(const struct logs *l, struct trace_writer *w)
{
	trace_writer_kv_u64(w, "kmsg_lines", l->kmsg_lines);
	trace_writer_kv_u64(w, "kmsg_seen", l->km.seen);
	trace_writer_kv_u64(w, "lost_kmsg", l->km.lost);
	trace_writer_kv_u64(w, "journal_entries", l->journal_entries);
	trace_writer_kv_u64(w, "journal_seen", l->journal_seen);
}

uint64_t logs_lost(const struct logs *l)
{
	return l->km.lost;
}

/* The two clocks drift apart (NTP slews CLOCK_MONOTONIC only): the offset
 * measured again at the end lets a reader spread the difference. The
 * line written for it is read by the last drain. */
void logs_stopping(struct logs *l)
{
	uint64_t seq;

	if (l->km.fd >= 0 && l->kmsg_err_ns &&
	    kmsg_calibrate("recording stopped", &l->end_offset_ns, &l->end_err_ns, &seq))
		l->end_err_ns = 0;
}

void logs_end_keys(struct logs *l, struct trace_writer *w)
{
	if (!l->end_err_ns)
		return;
	trace_writer_kv_s64(w, "kmsg_offset_ns", l->end_offset_ns);
	trace_writer_kv_u64(w, "kmsg_offset_err_ns", l->end_err_ns);
}

void logs_close(struct logs *l)
{
	kmsg_close(&l->km);
	journal_close(l->journal);
	l->journal = NULL;
	journal_who_free(&l->who);
}
