/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Shared by every bpf/ program file: the maps (defined once in maps.bpf.c and
 * linked into one object), load-time settings, and the capture of the
 * acting task that every event carries. */
#ifndef GPUTRACE_COMMON_BPF_H
#define GPUTRACE_COMMON_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "gputrace/event.h"
#include "syscall_nr.h"	/* GT_NR_WRITE, GT_NR_PWRITE64: made by the Makefile */

#define GT_PENDING_MAX	1024	/* sysfs writes in flight at once */

/* A watched sysfs write between its start and its return. */
struct gt_pending_write {
	__u64 ts_ns;
	struct kernfs_node *kn;
	const void *buf;
	__u64 count;
	__u8 user_buf;		/* 1: buf is a user pointer (syscall), 0: kernel */
	__u8 origin;
};

struct gt_events_map {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, GT_RINGBUF_DEFAULT_BYTES);	/* resized by userspace before load */
};

struct gt_counters_map {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, GT_CNT_MAX);
	__type(key, __u32);
	__type(value, __u64);
};

struct gt_scratch_map {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, union gt_event_any);
};

/* Names of the sysfs attributes worth recording (bind, new_id, ...), filled
 * by userspace: a hash lookup is cheaper than comparing strings in BPF. */
struct gt_watched_map {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, char[GT_NAME_LEN]);
	__type(value, __u8);
};

struct gt_pending_map {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, GT_PENDING_MAX);
	__type(key, __u32);		/* tid */
	__type(value, struct gt_pending_write);
};

/* Probe in flight (kprobe backend: entry args kept for the return probe). */
struct gt_probe_args_map {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, GT_PENDING_MAX);
	__type(key, __u32);		/* tid */
	__type(value, __u64[2]);
};

/* kprobe backend: pci_add_dynid() arguments until it returns. */
struct gt_dynid_args {
	struct pci_driver *drv;
	__u32 ids[6];
};

struct gt_dynid_args_map {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);		/* tid */
	__type(value, struct gt_dynid_args);
};

extern struct gt_events_map gt_events SEC(".maps");
extern struct gt_counters_map gt_counters SEC(".maps");
extern struct gt_scratch_map gt_scratch SEC(".maps");
extern struct gt_watched_map gt_watched SEC(".maps");
extern struct gt_pending_map gt_pending SEC(".maps");
extern struct gt_probe_args_map gt_probe_args SEC(".maps");
extern struct gt_dynid_args_map gt_dynid_args SEC(".maps");

/* Set by userspace before load (rodata). */
extern const volatile __u32 gt_self_pid;	/* the recorder: never traced */
/* struct file_operations of every kernfs (sysfs) file, learnt at start
 * (sysfs_write.bpf.c): lets the write hot path test one pointer. */
extern __u64 gt_kernfs_fops;
extern __u32 gt_calib_tid;
/* Writes between entry and return: lets the syscall-exit hot path skip the
 * pending-map lookup when nothing is in flight (almost always). */
extern __u64 gt_pending_inflight;

static __always_inline void gt_count(enum gt_counter c)
{
	__u32 key = c;
	__u64 *v = bpf_map_lookup_elem(&gt_counters, &key);

	if (v)
		*v += 1;
}

/* A string behind a kernel pointer (names like dev->kobj.name are pointers:
 * BPF_CORE_READ_STR_INTO would read the pointer's own bytes). "" if NULL. */
static __always_inline void gt_read_str(char *dst, __u32 size, const char *src)
{
	if (!src || bpf_probe_read_kernel_str(dst, size, src) < 0)
		dst[0] = 0;
}

static __always_inline union gt_event_any *gt_scratch_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&gt_scratch, &zero);
}

/* Ring buffer output; a full buffer is counted under LOST, never silent.
 * Device events wake the recorder at once (live output); process events,
 * the bulk on a busy host, wait for its next poll (<= 100 ms) unless the
 * buffer is filling up: a wakeup per exec costs more than the exec's probe. */
static __always_inline void gt_emit_flags(void *ev, __u64 size, enum gt_counter lost, __u64 flags)
{
	if (bpf_ringbuf_output(&gt_events, ev, size, flags))
		gt_count(lost);
}

static __always_inline void gt_emit(void *ev, __u64 size, enum gt_counter lost)
{
	gt_emit_flags(ev, size, lost, 0);
}

static __always_inline void gt_emit_lazy(void *ev, __u64 size, enum gt_counter lost)
{
	__u64 queued = bpf_ringbuf_query(&gt_events, BPF_RB_AVAIL_DATA);
	__u64 ring = bpf_ringbuf_query(&gt_events, BPF_RB_RING_SIZE);

	gt_emit_flags(ev, size, lost, queued > ring / 4 ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP);
}

/* What of the acting task to capture: pid, ppid, uid and comm always. */
enum gt_task_detail {
	GT_TASK_UNIT	 = 1,	/* cgroup leaf: the systemd unit */
	GT_TASK_ANCESTRY = 2,	/* the parent chain */
};

/* Fills the acting task as it is now: by the time userspace reads the event
 * the udev worker or hook shell may be gone. Writes and driver outcomes get
 * everything; process starts and exits only what the process table needs
 * (they are the hot path of a busy host). */
static __always_inline void gt_fill_task(struct gt_task *t, int detail)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct task_struct *p;
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	const char *cg;
	int i;

	t->pid = pid_tgid >> 32;
	t->tid = (__u32)pid_tgid;
	t->uid = (__u32)bpf_get_current_uid_gid();
	bpf_get_current_comm(t->comm, sizeof(t->comm));

	p = BPF_CORE_READ(task, real_parent);
	t->ppid = BPF_CORE_READ(p, tgid);
	t->n_ancestors = 0;
	t->unit[0] = 0;
	if (detail & GT_TASK_UNIT) {
		cg = BPF_CORE_READ(task, cgroups, dfl_cgrp, kn, name);
		if (cg && bpf_probe_read_kernel_str(t->unit, sizeof(t->unit), cg) < 0)
			t->unit[0] = 0;
	}
	if (!(detail & GT_TASK_ANCESTRY))
		return;
	for (i = 0; i < GT_ANCESTRY_MAX; i++) {
		__u32 ppid;

		if (!p)
			break;
		ppid = BPF_CORE_READ(p, tgid);
		if (!ppid)
			break;
		t->ancestors[i].pid = ppid;
		BPF_CORE_READ_STR_INTO(&t->ancestors[i].comm, p, group_leader, comm);
		t->n_ancestors = i + 1;
		if (ppid == 1)
			break;
		p = BPF_CORE_READ(p, real_parent);
	}
}

static __always_inline bool gt_is_self(void)
{
	return (bpf_get_current_pid_tgid() >> 32) == gt_self_pid;
}

static __always_inline void gt_header(struct gt_event_header *h, __u16 kind,
				      __u16 size, __u64 ts, int detail)
{
	h->kind = kind;
	h->size = size;
	h->cpu = bpf_get_smp_processor_id();
	h->ts_ns = ts;
	gt_fill_task(&h->task, detail);
}

#define GT_TASK_ALL (GT_TASK_UNIT | GT_TASK_ANCESTRY)

#endif /* GPUTRACE_COMMON_BPF_H */
