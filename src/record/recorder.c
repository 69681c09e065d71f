// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "gputrace/trace_format.h"
#include "record/bpf_loader.h"
#include "record/control.h"
#include "record/devstate.h"
#include "record/disk_watch.h"
#include "record/logs.h"
#include "record/marks.h"
#include "record/recorder.h"
#include "record/rotate.h"
#include "record/sinks.h"
#include "record/snapshot.h"
#include "record/uevent.h"
#include "sys/kernel.h"
#include "sys/pci.h"
#include "sys/procs.h"
#include "sys/state_file.h"
#include "trace/event_decode.h"
#include "trace/trace.h"
#include "util.h"

#define FLUSH_INTERVAL_NS	(250 * 1000000ull)	/* crash loses < ~0.35 s */
#define COUNTERS_INTERVAL_NS	(5 * 1000000000ull)
#define POLL_TIMEOUT_MS		100
#define BATCH_PAUSE_NS		(2 * 1000000L)	/* see loop() */
#define STATE_INTERVAL_NS	(1000000000ull)	/* gputrace status is this fresh */
#define HELD_START		(16u << 20)	/* bytes held at first: see hold() */

static volatile sig_atomic_t stop_signal, checkpoint_asked, roll_asked;

/* INT, TERM and QUIT end the recording the same way: end snapshot,
 * counters, END record, summary. */
static void on_signal(int sig)
{
	stop_signal = sig;
}

/* HUP: the next file of the set, as a daemon reopens its log
 * (record --max-size, --keep; a closed terminal is a reason for nohup or
 * the service unit, not for ending a recording of days). */
static void on_roll(int sig)
{
	roll_asked = 1;
}

/* USR1: counters and every buffered record to disk now, recording goes on
 * (before copying a trace that is still being written). */
static void on_checkpoint(int sig)
{
	checkpoint_asked = 1;
}

struct recorder {
	const struct recorder_opts *o;
	struct trace_writer *w;
	struct gt_bpf *bpf;
	struct trace_clock clock;
	enum gt_backend backend;
	struct gt_dynid_plan dynid;
	uint64_t by_kind[GT_EV_KIND_MAX];
	uint64_t events, uevents, marks;
	uint64_t lost_uevents;
	/* Events taken off the ring buffer while the start snapshot is
	 * written (see snapshot_start()): length-prefixed, in order. */
	bool holding;
	volatile bool hold_stop;
	pthread_t hold_thread;
	pthread_mutex_t hold_lock;
	uint8_t *held;
	size_t held_len, held_cap;
	uint64_t lost_held;	/* no memory to hold them */
	uint64_t kcounters[GT_CNT_MAX];
	int uevent_fd, ep;
	struct mark_intake intake;
	char marks_off[160];		/* why marks are off, "" if on */
	struct disk_watch disk;	/* a failing disk said when it starts and ends */
	struct logs logs;		/* kernel log and journal (logs.h) */
	char pm_why[256];		/* the reset/power hooks: "on", "off", or why not */
	struct traced traced;		/* devices followed closely (traced.h) */
	/* the set of files (rotate.h): the first one's name, this one's */
	char first[4096], cur[4096];
	char set_id[48];
	unsigned int seq;
	uint64_t bytes_done;		/* of the files already closed */
	uint64_t records_lost_done;	/* records those files could not write */
	char backend_why[512];
	struct sink_jsonl jsonl;	/* record --jsonl */
	struct sink_journal journal;	/* record --journal */
	struct recorder_state state;	/* what gputrace status shows */
	bool state_failed;
};

/* Live line for a record being written: the renderer the command gave
 * (the same one `dump` uses). */
static void show(struct recorder *r, uint16_t type, const void *data, uint32_t len)
{
	struct trace_record rec = { .type = type, .len = len, .data = data };

	if (!r->o->quiet && r->o->live)
		r->o->live->line(stdout, &rec, &r->clock);
}

/* An exec whose argv did not fit in the kernel buffer: complete it from
 * /proc while the process lives (QEMU command lines run to kilobytes). */
static void complete_argv(struct recorder *r, const struct gt_exec_event *ev)
{
	static char buf[PROC_CMDLINE_MAX];
	int n = proc_read_cmdline("/", ev->hdr.task.pid, buf, sizeof(buf));

	if (n <= 0)
		return;
	trace_writer_kv_begin(r->w, GT_REC_PROCESS, ev->hdr.ts_ns);
	trace_writer_kv_str(r->w, "phase", "exec");
	trace_writer_kv_u64(r->w, "pid", ev->hdr.task.pid);
	trace_writer_kv_add(r->w, "cmdline", buf, n);
	if ((size_t)n >= sizeof(buf))
		trace_writer_kv_u64(r->w, "cmdline_truncated", 1);	/* as the snapshot says it */
	trace_writer_kv_end(r->w);
}

static void hold(struct recorder *r, const void *data, uint32_t size)
{
	size_t need = r->held_len + sizeof(size) + size;

	/* Untouched pages cost nothing: start big, copy seldom. */
	if (array_reserve((void **)&r->held, &r->held_cap,
			  r->held_cap || need > HELD_START ? need : HELD_START, 1)) {
		r->lost_held++;
		return;
	}
	memcpy(r->held + r->held_len, &size, sizeof(size));
	memcpy(r->held + r->held_len + sizeof(size), data, size);
	r->held_len = need;
}

static int on_event(void *ctx, const void *data, size_t size)
{
	struct recorder *r = ctx;
	const struct gt_event_header *h = data;

	if (size < sizeof(*h))
		return 0;
	if (r->holding && pthread_equal(pthread_self(), r->hold_thread)) {
		pthread_mutex_lock(&r->hold_lock);
		hold(r, data, size);
		pthread_mutex_unlock(&r->hold_lock);
		return 0;
	}
	trace_writer_append(r->w, GT_REC_EVENT, data, size);
	r->events++;
	devstate_note_event(&r->traced, data, size);
	logs_note_event(&r->logs, data, size);
	if (h->kind < GT_EV_KIND_MAX)
		r->by_kind[h->kind]++;
	if (h->kind == GT_EV_EXEC && ((const struct gt_exec_event *)data)->args_truncated)
		complete_argv(r, data);
	if (h->kind != GT_EV_EXIT)	/* every short-lived process: too noisy live */
		show(r, GT_REC_EVENT, data, size);
	return 0;
}

static void write_kv_payload_and_show(struct recorder *r, uint16_t type)
{
	uint32_t len;
	const void *p = trace_writer_kv_payload(r->w, &len);

	show(r, type, p, len);
	trace_writer_kv_end(r->w);
}

static void drain_uevents(struct recorder *r)
{
	static struct gt_uevent ev;
	int ret;

	while ((ret = uevent_read(r->uevent_fd, &ev)) != 0) {
		const char *key, *val, *action = NULL, *slot = NULL;
		size_t off = 0, klen;

		if (ret == -ENOBUFS) {
			r->lost_uevents++;	/* the kernel overran our socket */
			continue;
		}
		if (ret < 0)
			break;
		trace_writer_kv_begin(r->w, GT_REC_UEVENT, ev.ts_ns);
		while (uevent_next(&ev, &off, &key, &klen, &val)) {
			char k[64];

			snprintf(k, sizeof(k), "%.*s", (int)klen, key);
			trace_writer_kv_str(r->w, k, val);
			if (!strcmp(k, "ACTION"))
				action = val;
			else if (!strcmp(k, "PCI_SLOT_NAME"))
				slot = val;
		}
		write_kv_payload_and_show(r, GT_REC_UEVENT);
		r->uevents++;
		devstate_note_uevent(&r->traced, action, slot);
	}
}

static void read_comm(pid_t pid, char *buf, size_t size)
{
	char path[64];
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	buf[0] = 0;
	fp = fopen(path, "re");
	if (fp) {
		if (fgets(buf, size, fp))
			buf[strcspn(buf, "\n")] = 0;
		fclose(fp);
	}
}

/* A mark is stamped when it arrives: a sender's clock could put it
 * anywhere (before the trace, after its end). */
static void write_mark(void *ctx, const struct mark_in *m, uint64_t now_ns)
{
	struct recorder *r = ctx;
	char comm[32];

	read_comm(m->peer.cred.pid, comm, sizeof(comm));
	trace_writer_kv_begin(r->w, GT_REC_MARK, now_ns);
	trace_writer_kv_str(r->w, "label", m->label);
	trace_writer_kv_u64(r->w, "pid", m->peer.cred.pid);
	trace_writer_kv_u64(r->w, "uid", m->peer.cred.uid);
	trace_writer_kv_str(r->w, "comm", comm);
	write_kv_payload_and_show(r, GT_REC_MARK);
	r->marks++;
	devstate_write_all(r->w, &r->traced, mono_ns(), "mark", m->label);
}

static void drain_marks(struct recorder *r)
{
	marks_drain(&r->intake, r->ep, write_mark, r);
}

static void show_open_kv(void *ctx, uint16_t type)
{
	struct recorder *r = ctx;
	uint32_t len;
	const void *p = trace_writer_kv_payload(r->w, &len);

	show(r, type, p, len);
}

static uint64_t total_lost(const struct recorder *r)
{
	return r->kcounters[GT_CNT_LOST_SYSFS] + r->kcounters[GT_CNT_LOST_DRIVER] +
	       r->kcounters[GT_CNT_LOST_EXEC] + r->kcounters[GT_CNT_LOST_EXIT] +
	       r->kcounters[GT_CNT_PENDING_FULL] + r->lost_uevents + r->lost_held +
	       logs_lost(&r->logs);
}

static void write_counters(struct recorder *r)
{
	struct trace_writer_stats st;

	gt_bpf_counters(r->bpf, r->kcounters);
	trace_writer_stats(r->w, &st);
	trace_writer_kv_begin(r->w, GT_REC_COUNTERS, mono_ns());
	trace_writer_kv_u64(r->w, "events", r->events);
	trace_writer_kv_u64(r->w, "uevents", r->uevents);
	trace_writer_kv_u64(r->w, "lost_sysfs", r->kcounters[GT_CNT_LOST_SYSFS]);
	trace_writer_kv_u64(r->w, "lost_driver", r->kcounters[GT_CNT_LOST_DRIVER]);
	trace_writer_kv_u64(r->w, "lost_exec", r->kcounters[GT_CNT_LOST_EXEC]);
	trace_writer_kv_u64(r->w, "lost_exit", r->kcounters[GT_CNT_LOST_EXIT]);
	trace_writer_kv_u64(r->w, "lost_runs_missed", gt_bpf_runs_missed(r->bpf));
	trace_writer_kv_u64(r->w, "pending_full", r->kcounters[GT_CNT_PENDING_FULL]);
	trace_writer_kv_u64(r->w, "sysfs_seen", r->kcounters[GT_CNT_SYSFS_SEEN]);
	trace_writer_kv_u64(r->w, "lost_uevents", r->lost_uevents);
	trace_writer_kv_u64(r->w, "lost_held", r->lost_held);
	logs_counter_keys(&r->logs, r->w);
	trace_writer_kv_u64(r->w, "records_lost", st.records_lost);
	trace_writer_kv_u64(r->w, "marks_refused", r->intake.refused_denied);
	trace_writer_kv_u64(r->w, "marks_rate_limited", r->intake.refused_rate);
	trace_writer_kv_u64(r->w, "marks_malformed", r->intake.refused_bad);
	if (r->jsonl.out) {
		trace_writer_kv_u64(r->w, "jsonl_lines", r->jsonl.lines);
		trace_writer_kv_u64(r->w, "jsonl_failed", r->jsonl.failed);
	}
	if (r->journal.on) {
		trace_writer_kv_u64(r->w, "journal_sent", r->journal.sent);
		trace_writer_kv_u64(r->w, "journal_failed", r->journal.failed);
	}
	trace_writer_kv_end(r->w);
}

static void write_header(struct recorder *r, const char *backend_why)
{
	char boot_id[64], progs[1024], fmt[16];
	uint64_t mono = mono_ns(), real = real_ns();
	struct utsname u;

	uname(&u);
	kernel_boot_id(boot_id, sizeof(boot_id));
	gt_bpf_programs(r->bpf, progs, sizeof(progs));
	snprintf(fmt, sizeof(fmt), "%d.%d", GT_FORMAT_MAJOR, GT_FORMAT_MINOR);
	trace_writer_kv_begin(r->w, GT_REC_HEADER, mono);
	trace_writer_kv_str(r->w, "tool_version", GPUTRACE_VERSION);
	trace_writer_kv_str(r->w, "format", fmt);
	trace_writer_kv_u64(r->w, "real_ns", real);
	trace_writer_kv_str(r->w, "clock", "monotonic");
	trace_writer_kv_str(r->w, "hostname", u.nodename);
	trace_writer_kv_str(r->w, "kernel_release", u.release);
	trace_writer_kv_str(r->w, "kernel_version", u.version);
	trace_writer_kv_str(r->w, "machine", u.machine);
	trace_writer_kv_str(r->w, "boot_id", boot_id);
	trace_writer_kv_str(r->w, "backend", backend_name(r->backend));
	trace_writer_kv_str(r->w, "backend_reason", backend_why);
	/* Which outcomes carry a pid: the report must say when they do not. */
	trace_writer_kv_str(r->w, "outcomes", r->backend == GT_BACKEND_TRACEPOINT ? "uevent" : "bpf");
	trace_writer_kv_str(r->w, "programs", progs);
	trace_writer_kv_str(r->w, "dynid_hook", r->backend == GT_BACKEND_TRACEPOINT ||
			    r->dynid.how == GT_DYNID_OFF ? "off" :
			    r->dynid.worker ? "do_pci_add_dynid" : "pci_add_dynid");
	trace_writer_kv_u64(r->w, "recorder_pid", getpid());
	trace_writer_kv_str(r->w, "command", r->o->cmdline ? r->o->cmdline : "");
	trace_writer_kv_str(r->w, "marks", r->marks_off[0] ? r->marks_off : "on");
	logs_header_keys(&r->logs, r->w);
	trace_writer_kv_str(r->w, "pm_hooks", r->pm_why);
	/* a rotated recording: which set, which file of it (rotate.h) */
	trace_writer_kv_str(r->w, "set", r->set_id);
	trace_writer_kv_u64(r->w, "set_seq", r->seq);
	trace_writer_kv_end(r->w);
	r->clock = (struct trace_clock){ .mono_ns = mono, .real_ns = real, .valid = true };
}

static void snapshot(struct recorder *r, const char *phase)
{
	uint64_t ts = mono_ns();
	int err;

	/* A snapshot that fails leaves the trace less self-contained, not
	 * wrong: say so and go on recording. */
	if ((err = snapshot_pci(r->w, "/", phase, ts)) < 0)
		gt_warn("%s snapshot of PCI devices incomplete: %s", phase, strerror(-err));
	if ((err = snapshot_processes(r->w, "/", phase, ts)) < 0)
		gt_warn("%s snapshot of processes incomplete: %s", phase, strerror(-err));
	if ((err = snapshot_files(r->w, "/", phase, ts)) < 0)
		gt_warn("%s snapshot of configuration files incomplete: %s", phase, strerror(-err));
	/* The PCI name table (libpci's pci.ids, megabytes) is freed but its
	 * heap would stay ours for the whole recording: give it back. */
	malloc_trim(0);
}

/* The devices followed from the start (devstate_choose); events add more. */
static void choose_traced(struct recorder *r)
{
	struct pci_dev_info *st;
	size_t n;

	if (pci_list_states("/", &st, &n) < 0)
		return;
	devstate_choose(&r->traced, st, n);
	free(st);
}

static void *hold_events(void *arg)
{
	struct recorder *r = arg;

	while (!r->hold_stop)
		gt_bpf_poll(r->bpf, 5);
	gt_bpf_drain(r->bpf);
	return NULL;
}

/* Writes what the hold thread took off the ring buffer, batch by batch,
 * while it goes on taking. */
static void write_held(struct recorder *r)
{
	for (;;) {
		uint8_t *buf;
		size_t len, off;

		pthread_mutex_lock(&r->hold_lock);
		buf = r->held;
		len = r->held_len;
		r->held = NULL;
		r->held_len = r->held_cap = 0;
		pthread_mutex_unlock(&r->hold_lock);
		for (off = 0; off + sizeof(uint32_t) <= len;) {
			uint32_t size;

			memcpy(&size, buf + off, sizeof(size));
			on_event(r, buf + off + sizeof(size), size);
			off += sizeof(size) + size;
		}
		free(buf);
		if (!len)
			return;
	}
}

/* The start snapshot takes tens of milliseconds (libpci's name table, all
 * of /proc) just after "ready", when a test script starts writing: with
 * nobody reading, a burst would overrun the ring buffer. A thread keeps it
 * empty meanwhile, holding the events in memory; they are written after
 * the snapshot, in their order, the thread holding on until they are. */
static void snapshot_start(struct recorder *r)
{
	int prio = getpriority(PRIO_PROCESS, 0);

	pthread_mutex_init(&r->hold_lock, NULL);
	r->hold_stop = false;
	r->holding = pthread_create(&r->hold_thread, NULL, hold_events, r) == 0;
	/* The snapshot yields to the thread: a burst must not wait for it. */
	setpriority(PRIO_PROCESS, gettid(), prio + 10);
	snapshot(r, "start");
	choose_traced(r);
	setpriority(PRIO_PROCESS, gettid(), prio);
	if (r->holding) {
		write_held(r);
		r->hold_stop = true;
		pthread_join(r->hold_thread, NULL);
		r->holding = false;
		write_held(r);
	}
	pthread_mutex_destroy(&r->hold_lock);
}

static void default_path(char *buf, size_t size)
{
	char host[64] = "host", t[32];
	time_t now = time(NULL);
	struct tm tm;

	gethostname(host, sizeof(host) - 1);
	host[strcspn(host, ".")] = 0;
	localtime_r(&now, &tm);
	strftime(t, sizeof(t), "%Y%m%d-%H%M%S", &tm);
	snprintf(buf, size, "gputrace-%s-%s.gtrace", host, t);
}

/* Loads the chosen backend; in auto mode falls back to the next one when a
 * backend that passed the quick probe still fails to load or attach. Before
 * that, the fentry backend retries with its dynamic-id hook as a kprobe pair,
 * or without it (see gt_dynid_plan). */
static int start_bpf(struct recorder *r, struct gt_features *f, char *why, size_t wsize)
{
	char err[256];

	for (;;) {
		struct gt_dynid_plan dynid = { GT_DYNID_NATIVE, false };
		int saved;

		r->backend = features_choose(f, r->o->backend, why, wsize);
		if (r->backend == GT_BACKEND_AUTO) {
			gt_err("no usable backend: %s", why);
			return -1;
		}
		if (r->backend != GT_BACKEND_TRACEPOINT)
			dynid.worker = features_dynid_worker();
		saved = r->backend == GT_BACKEND_FENTRY && !r->o->verbose ?
			gt_bpf_set_verbose(-1) : r->o->verbose;
		r->bpf = gt_bpf_start(r->backend, dynid, on_event, r, r->o->ringbuf_bytes,
				      err, sizeof(err));
		gt_bpf_set_verbose(saved);
		if (!r->bpf && r->backend == GT_BACKEND_FENTRY) {
			dynid.how = f->kprobe.ok ? GT_DYNID_KPROBE : GT_DYNID_OFF;
			r->bpf = gt_bpf_start(r->backend, dynid, on_event, r,
					      r->o->ringbuf_bytes, err, sizeof(err));
			if (r->bpf && dynid.how == GT_DYNID_OFF)
				gt_warn("pci_add_dynid cannot be hooked here: dynamic ids are seen "
					"through new_id writes only, not vfio-pci ids= at module load");
		}
		if (r->bpf) {
			r->dynid = dynid;
			return 0;
		}
		if (r->o->backend != GT_BACKEND_AUTO || r->backend == GT_BACKEND_TRACEPOINT) {
			gt_err("%s", err);
			return -1;
		}
		gt_warn("%s; trying the next backend", err);
		if (r->backend == GT_BACKEND_FENTRY)
			f->fentry.ok = false;
		else
			f->kprobe.ok = false;
	}
}

/* Opt-in (bpf/pm; fentry and kprobe backends): whatever happens, the
 * recording goes on; the header says what it has. */
static void start_pm_hooks(struct recorder *r)
{
	char err[256];

	if (!r->o->pm_hooks) {
		snprintf(r->pm_why, sizeof(r->pm_why), "off");
		return;
	}
	if (r->backend == GT_BACKEND_TRACEPOINT) {
		snprintf(r->pm_why, sizeof(r->pm_why), "not with the tracepoint backend (fentry and "
			 "kprobe only)");
	} else if (gt_bpf_pm_start(r->bpf, r->backend, err, sizeof(err))) {
		snprintf(r->pm_why, sizeof(r->pm_why), "%s", err);
	} else {
		snprintf(r->pm_why, sizeof(r->pm_why), "on");
		return;
	}
	gt_warn("--pm-hooks: %s; resets and power states are seen through sysfs writes, the "
		"kernel log and the device state only", r->pm_why);
}

static int add_epoll(int ep, int fd)
{
	struct epoll_event e = { .events = EPOLLIN, .data.fd = fd };

	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
}

static void tap(void *ctx, uint16_t type, const void *data, uint32_t len);
static void publish_state(struct recorder *r);

static const char *base_name(const char *path)
{
	const char *b = strrchr(path, '/');

	return b ? b + 1 : path;
}

/* Closes this file with its counters and an END record and goes on in the
 * next one, which starts like any trace (header, start snapshot). Nothing
 * is read off the kernel between the last drain here and the new file's
 * start, so nothing falls between the two files: events wait in the ring
 * buffer, and while the snapshot is taken a thread holds them
 * (snapshot_start). The counters go on from their totals. */
static void roll(struct recorder *r)
{
	char next[sizeof(r->cur)];
	struct trace_writer_stats st;
	struct trace_writer *w;
	int err;

	if (rotate_path(r->first, r->seq + 1, next, sizeof(next))) {
		gt_warn("the name of file %u of %s is too long: recording goes on in %s", r->seq + 1,
			r->first, r->cur);
		return;
	}
	gt_bpf_drain(r->bpf);
	drain_uevents(r);
	logs_drain(&r->logs, r->w, &r->traced, &r->clock, show_open_kv, r);
	devstate_flush(r->w, &r->traced, mono_ns(), 0);
	drain_marks(r);
	if (!(w = trace_writer_create(next, r->o->overwrite))) {
		gt_warn("cannot start %s (%s%s): recording goes on in %s", next, strerror(errno),
			errno == EEXIST ? "; --force replaces it" : "", r->cur);
		return;
	}
	write_counters(r);
	trace_writer_kv_begin(r->w, GT_REC_END, mono_ns());
	trace_writer_kv_str(r->w, "reason", "rotated");
	trace_writer_kv_str(r->w, "next", base_name(next));
	trace_writer_kv_end(r->w);
	trace_writer_flush(r->w);
	trace_writer_stats(r->w, &st);
	r->bytes_done += st.bytes;
	r->records_lost_done += st.records_lost;	/* each writer counts its own */
	if ((err = trace_writer_close(r->w)))
		gt_warn("writing %s: %s", r->cur, strerror(-err));
	r->w = w;
	r->seq++;
	snprintf(r->cur, sizeof(r->cur), "%s", next);
	snprintf(r->journal.trace, sizeof(r->journal.trace), "%s", next);
	disk_watch_new_file(&r->disk);
	trace_writer_set_tap(r->w, tap, r);
	write_header(r, r->backend_why);
	snapshot_start(r);
	trace_writer_flush(r->w);
	if (r->o->keep && (err = rotate_prune(r->first, r->seq, r->o->keep)))
		gt_warn("--keep: cannot remove the oldest file of this recording: %s", strerror(-err));
	fprintf(stderr, "gputrace: recording to %s (file %u of this recording)\n", next, r->seq + 1);
	publish_state(r);
}

static int loop(struct recorder *r)
{
	uint64_t deadline = r->o->duration > 0 ? mono_ns() + r->o->duration * 1e9 : 0;
	uint64_t next_flush = mono_ns() + FLUSH_INTERVAL_NS;
	uint64_t next_counters = mono_ns() + COUNTERS_INTERVAL_NS;
	uint64_t next_state = 0;
	int ep = epoll_create1(EPOLL_CLOEXEC);

	if (ep < 0 || add_epoll(ep, gt_bpf_fd(r->bpf)) || add_epoll(ep, r->uevent_fd) ||
	    (r->intake.listen_fd >= 0 && add_epoll(ep, r->intake.listen_fd)) ||
	    logs_add_epoll(&r->logs, ep)) {
		gt_err("epoll: %s", strerror(errno));
		return -1;
	}
	r->ep = ep;
	while (!stop_signal) {
		struct epoll_event evs[6];
		uint64_t now;

		epoll_wait(ep, evs, 6, POLL_TIMEOUT_MS);
		/* Order within a wakeup: kernel events first, so a uevent or
		 * mark never lands before the write that caused it. */
		if (gt_bpf_drain(r->bpf) > 0) {
			/* Events are flowing: let a batch gather before the next
			 * drain. Waking for each one of a burst costs more in
			 * context switches than handling it (and the ring holds
			 * thousands); live lines are 2 ms later at most. */
			struct timespec pause = { 0, BATCH_PAUSE_NS };

			nanosleep(&pause, NULL);
		}
		drain_uevents(r);
		/* The kernel's own lines and the device state an event asked
		 * for belong before a mark made after them. */
		logs_drain(&r->logs, r->w, &r->traced, &r->clock, show_open_kv, r);
		devstate_flush(r->w, &r->traced, mono_ns(), 0);
		drain_marks(r);
		now = mono_ns();
		if (now >= next_counters || checkpoint_asked) {
			write_counters(r);
			next_counters = now + COUNTERS_INTERVAL_NS;
		}
		if (now >= next_flush || checkpoint_asked) {
			struct trace_writer_stats st;

			trace_writer_flush(r->w);
			disk_watch_look(&r->disk, r->w, r->cur, "recording goes on");
			/* a stream reader (a pipe, a log shipper tailing the file)
			 * sees each record within a flush interval */
			sink_jsonl_flush(&r->jsonl);
			if (!r->o->quiet)
				fflush(stdout);
			next_flush = now + FLUSH_INTERVAL_NS;
			trace_writer_stats(r->w, &st);
			if (r->o->max_size && st.bytes >= r->o->max_size)
				roll_asked = 1;
		}
		checkpoint_asked = 0;
		if (roll_asked) {
			roll_asked = 0;
			roll(r);
		}
		if (now >= next_state) {
			publish_state(r);
			next_state = now + STATE_INTERVAL_NS;
		}
		if (deadline && now >= deadline)
			break;
	}
	close(ep);
	r->ep = -1;
	return 0;
}

/* One line on stderr; with --quiet, as a journal entry too (a service's
 * recording ends with it in the journal). */
static void summary(struct recorder *r, const char *path)
{
	struct trace_writer_stats st;
	uint64_t lost = total_lost(r);
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	if (!out)
		return;
	trace_writer_stats(r->w, &st);
	fprintf(out, "gputrace: %llu events (", (unsigned long long)r->events);
	for (int k = 1; k < GT_EV_KIND_MAX; k++)
		if (k <= GT_EV_EXIT || r->by_kind[k])	/* resets and power: --pm-hooks */
			fprintf(out, "%s%s %llu", k > 1 ? ", " : "", event_kind_name(k),
				(unsigned long long)r->by_kind[k]);
	fprintf(out, "), %llu uevents, %llu marks, %llu kernel log lines, %llu journal entries; "
		"lost: %llu", (unsigned long long)r->uevents, (unsigned long long)r->marks,
		(unsigned long long)r->logs.kmsg_lines, (unsigned long long)r->logs.journal_entries,
		(unsigned long long)lost);
	if (logs_lost(&r->logs))
		fprintf(out, " (%llu kernel log lines overwritten before they were read)",
			(unsigned long long)logs_lost(&r->logs));
	if (st.records_lost + r->records_lost_done)
		fprintf(out, " + %llu records not written (%s)",
			(unsigned long long)(st.records_lost + r->records_lost_done),
			st.records_lost ? strerror(-st.last_error) : "in earlier files of this recording");
	if (r->intake.refused_denied + r->intake.refused_rate + r->intake.refused_bad)
		fprintf(out, "; marks refused: %llu not allowed, %llu over the rate, %llu malformed",
			(unsigned long long)r->intake.refused_denied,
			(unsigned long long)r->intake.refused_rate,
			(unsigned long long)r->intake.refused_bad);
	if (r->jsonl.out)
		fprintf(out, "; %llu JSON lines (%llu not taken)", (unsigned long long)r->jsonl.lines,
			(unsigned long long)r->jsonl.failed);
	if (r->journal.on)
		fprintf(out, "; %llu sent to the journal (%llu refused%s%s)",
			(unsigned long long)r->journal.sent, (unsigned long long)r->journal.failed,
			r->journal.failed ? ": " : "",
			r->journal.failed ? strerror(-r->journal.last_error) : "");
	if (r->seq)
		fprintf(out, "; %u files, %s the last (%.1f KiB in all)", r->seq + 1, path,
			(r->bytes_done + st.bytes) / 1024.0);
	else
		fprintf(out, "; %s (%.1f KiB)", path, st.bytes / 1024.0);
	fclose(out);
	fprintf(stderr, "%s\n", text);
	if (r->o->quiet) {
		char events[40], lostf[40], file[4200];
		const char *fields[] = { "GPUTRACE_KIND=summary", events, lostf, file, NULL };

		snprintf(events, sizeof(events), "GPUTRACE_EVENTS=%llu", (unsigned long long)r->events);
		/* events and records: what the trace misses, whichever file */
		lost += st.records_lost + r->records_lost_done;
		snprintf(lostf, sizeof(lostf), "GPUTRACE_LOST=%llu", (unsigned long long)lost);
		snprintf(file, sizeof(file), "GPUTRACE_TRACE=%s", path);
		/* journald gone or absent: the line on stderr is the summary */
		sink_journal_send(lost ? LOG_WARNING : LOG_INFO, text + strlen("gputrace: "), fields);
	}
	free(text);
}

/* The live streams see each record as the trace file takes it. */
static void tap(void *ctx, uint16_t type, const void *data, uint32_t len)
{
	struct recorder *r = ctx;

	sink_jsonl_record(&r->jsonl, type, data, len);
	sink_journal_record(&r->journal, type, data, len);
}

static void publish_state(struct recorder *r)
{
	struct trace_writer_stats st;
	int err;

	char abs[PATH_MAX];

	trace_writer_stats(r->w, &st);
	gt_bpf_counters(r->bpf, r->kcounters);
	snprintf(r->state.file, sizeof(r->state.file), "%s", realpath(r->cur, abs) ? abs : r->cur);
	r->state.files = r->seq + 1;
	r->state.size = st.bytes;
	r->state.bytes = r->bytes_done + st.bytes;
	r->state.events = r->events;
	r->state.lost = total_lost(r) + r->records_lost_done + st.records_lost;
	r->state.updated_ns = real_ns();
	if ((err = state_file_write(&r->state)) && !r->state_failed)
		gt_warn("cannot publish this recorder's state in " STATE_DIR " (%s): "
			"'gputrace status' will not list it", strerror(-err));
	r->state_failed = err != 0;
}

static int dry_run(const struct recorder_opts *o, const struct gt_features *f, enum gt_backend b,
		   const char *why_backend)
{
	struct journal *j = NULL;
	char progs[1024], why[192];

	printf("would record with the %s backend: %s\n", backend_name(b), why_backend);
	if (gt_bpf_plan(b, (struct gt_dynid_plan){ GT_DYNID_NATIVE, f->dynid_worker },
			progs, sizeof(progs)) > 0)
		printf("hooks: %s\n", progs);
	printf("kernel log: %s\n", o->kmsg == KMSG_OFF ? "off" :
	       access("/dev/kmsg", R_OK) ? "/dev/kmsg not readable: none recorded" :
	       kmsg_mode_name(o->kmsg));
	if (o->journal_off)
		printf("journal: off\n");
	else if ((j = journal_open(o->journal_dir, why, sizeof(why))))
		printf("journal: %s\n", o->journal_dir ? o->journal_dir : "this host's");
	else
		printf("journal: none (%s)\n", why);
	journal_close(j);
	printf("reset/power hooks: %s\n", !o->pm_hooks ? "off (--pm-hooks)" :
	       b == GT_BACKEND_FENTRY ? "fexit, if the kernel has the functions" :
	       b == GT_BACKEND_KPROBE ? "kprobe and kretprobe, if the kernel has the functions" :
	       "not with this backend");
	printf("watched sysfs attributes:");
	for (int i = 0; gt_watched_attrs[i]; i++)
		printf(" %s", gt_watched_attrs[i]);
	if (gt_bpf_core_btf(progs, sizeof(progs)) > 0)
		printf("\nkernel types: %s (cut for this boot)", progs);
	else
		printf("\nkernel types: not cut yet for this boot: the next start reads the kernel's BTF "
		       "and keeps them in %s", progs);
	printf("\nnothing attached (--dry-run)\n");
	return EXIT_OK;
}

/* The control socket is the marks' way in, not the recording's: if it
 * cannot be had (another process holds our name), record without marks. */
static void open_marks(struct recorder *r)
{
	int fd = control_listen();

	marks_init(&r->intake, fd < 0 ? -1 : fd, r->o->has_mark_group, r->o->mark_group);
	if (fd >= 0)
		return;
	snprintf(r->marks_off, sizeof(r->marks_off), "off: %s",
		 fd == -EADDRINUSE ? "our control socket name is held by another process" :
		 strerror(-fd));
	gt_warn("recording without marks: 'gputrace mark' cannot reach this recorder (%s)",
		r->marks_off + 5);
}

static void catch_signals(void)
{
	static const int stops[] = { SIGINT, SIGTERM, SIGQUIT };
	struct sigaction sa = { .sa_handler = on_signal };
	struct sigaction ck = { .sa_handler = on_checkpoint };
	struct sigaction hup = { .sa_handler = on_roll };

	for (size_t i = 0; i < sizeof(stops) / sizeof(stops[0]); i++)
		sigaction(stops[i], &sa, NULL);
	sigaction(SIGUSR1, &ck, NULL);
	sigaction(SIGHUP, &hup, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static void finish(struct recorder *r)
{
	gt_bpf_drain(r->bpf);
	drain_uevents(r);
	logs_stopping(&r->logs);
	logs_drain(&r->logs, r->w, &r->traced, &r->clock, show_open_kv, r);
	devstate_flush(r->w, &r->traced, mono_ns(), 1);
	drain_marks(r);
	snapshot(r, "end");
	write_counters(r);
	trace_writer_kv_begin(r->w, GT_REC_END, mono_ns());
	trace_writer_kv_str(r->w, "reason", stop_signal ? strsignal(stop_signal) : "duration");
	logs_end_keys(&r->logs, r->w);
	trace_writer_kv_end(r->w);
	if (!r->o->quiet)
		fflush(stdout);
	summary(r, r->cur);
}

/* Before the trace file: a stream that cannot be had is an error the user
 * hears at once, not a recording without it. */
static int open_sinks(struct recorder *r)
{
	char why[256];
	int err;

	if (r->o->jsonl && (err = sink_jsonl_open(&r->jsonl, r->o->jsonl, r->o->overwrite,
						  r->o->live ? r->o->live->json_line : NULL))) {
		gt_err("--jsonl %s: %s", r->o->jsonl, strerror(-err));
		return -1;
	}
	if (r->o->journal_send) {
		if (sink_journal_open(&r->journal, why, sizeof(why))) {
			gt_err("--journal: %s", why);
			sink_jsonl_close(&r->jsonl);
			return -1;
		}
		snprintf(r->journal.trace, sizeof(r->journal.trace), "%s", r->cur);
	}
	return 0;
}

static void close_sinks(struct recorder *r)
{
	sink_jsonl_close(&r->jsonl);
	r->journal.on = false;
}

static void init_state(struct recorder *r)
{
	char abs[PATH_MAX];

	r->state.pid = getpid();
	r->state.started_ns = real_ns();
	/* status is read from anywhere: absolute names */
	snprintf(r->state.first, sizeof(r->state.first), "%s",
		 realpath(r->first, abs) ? abs : r->first);
	snprintf(r->state.backend, sizeof(r->state.backend), "%s", backend_name(r->backend));
	snprintf(r->state.jsonl, sizeof(r->state.jsonl), "%s", r->o->jsonl ? r->o->jsonl : "");
	r->state.journal = r->journal.on;
}

int recorder_run(const struct recorder_opts *o)
{
	struct recorder r = { .o = o, .uevent_fd = -1, .ep = -1, .logs.km.fd = -1 };
	struct logs_opts lo = { .kmsg = o->kmsg, .journal_off = o->journal_off,
				.journal_dir = o->journal_dir };
	struct gt_features f;
	char why[512];
	int ret = EXIT_ERROR, err;

	r.intake.listen_fd = -1;
	features_probe_quick(&f);
	if (o->dry_run) {
		enum gt_backend b;

		features_probe_full(&f);
		b = features_choose(&f, o->backend, why, sizeof(why));
		if (b == GT_BACKEND_AUTO) {
			gt_err("no usable backend: %s", why);
			return EXIT_ERROR;
		}
		return dry_run(o, &f, b, why);
	}
	if (!f.root) {
		gt_err("recording needs root (BPF needs CAP_BPF and CAP_PERFMON): run with sudo");
		return EXIT_ERROR;
	}
	if (o->path)
		strlcpy0(r.first, o->path, sizeof(r.first));
	else
		default_path(r.first, sizeof(r.first));
	snprintf(r.cur, sizeof(r.cur), "%s", r.first);
	if (open_sinks(&r))
		return EXIT_ERROR;
	catch_signals();

	r.w = trace_writer_create(r.cur, o->overwrite);
	if (!r.w) {
		gt_err("cannot create %s: %s%s", r.cur, strerror(errno),
		       errno == EEXIST ? " (use --force to overwrite)" : "");
		close_sinks(&r);
		return EXIT_ERROR;
	}
	trace_writer_set_tap(r.w, tap, &r);
	/* Sockets first, probes second: nothing between them goes unseen. */
	r.uevent_fd = uevent_open();
	if (r.uevent_fd < 0) {
		gt_err("cannot open the uevent socket: %s", strerror(-r.uevent_fd));
		goto out;
	}
	open_marks(&r);
	logs_open(&r.logs, &lo);
	gt_bpf_set_verbose(o->verbose);
	if (start_bpf(&r, &f, why, sizeof(why)))
		goto out;
	start_pm_hooks(&r);
	snprintf(r.backend_why, sizeof(r.backend_why), "%s", why);
	snprintf(r.set_id, sizeof(r.set_id), "%d-%llu", (int)getpid(), (unsigned long long)real_ns());
	init_state(&r);
	write_header(&r, r.backend_why);
	fprintf(stderr, "gputrace: recording to %s with the %s backend: ready%s\n", r.cur,
		backend_name(r.backend), o->quiet ? "" : " (Ctrl-C to stop)");
	if (!o->quiet && o->live) {
		o->live->heading(stdout);
		fflush(stdout);
	}
	snapshot_start(&r);
	trace_writer_flush(r.w);

	if (loop(&r) == 0)
		ret = EXIT_OK;
	finish(&r);
out:
	gt_bpf_stop(r.bpf);
	state_file_remove(getpid());
	if (!r.bpf && ret != EXIT_OK) {
		/* nothing was recorded: leave no file behind */
		trace_writer_discard(r.w);
	} else if ((err = trace_writer_close(r.w)) && ret == EXIT_OK) {
		gt_err("writing %s: %s", r.cur, strerror(-err));
		ret = EXIT_ERROR;
	}
	if (r.uevent_fd >= 0)
		close(r.uevent_fd);
	marks_close(&r.intake);
	logs_close(&r.logs);
	traced_free(&r.traced);
	close_sinks(&r);
	return ret;
}
