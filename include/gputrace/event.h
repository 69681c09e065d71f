/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * The contract between the BPF programs (bpf/) and userspace: every event the
 * kernel side emits is one of these structs, copied verbatim into the trace
 * file as a GT_REC_EVENT record. Layouts are append-only: a reader copies
 * min(size, sizeof(struct)) and zero-fills the rest, so fields may be added
 * at the end of a struct without breaking old traces or old readers.
 * All integers are little-endian (the only byte order we record on).
 */
#ifndef GPUTRACE_EVENT_H
#define GPUTRACE_EVENT_H

#ifdef __BPF__
/* vmlinux.h already provides __u8.. __s64 */
#else
#include <linux/types.h>
#endif

#define GT_COMM_LEN	16
#define GT_ANCESTRY_MAX	8	/* parents kept per event: udev worker > udevd > init */
#define GT_UNIT_LEN	64	/* cgroup v2 leaf, e.g. "driverctl@pci-0000:0a:00.0.service" */
#define GT_NAME_LEN	32	/* one sysfs path component, device or driver name */
#define GT_PATH_DEPTH	12	/* sysfs components kept, leaf first */
#define GT_DATA_MAX	128	/* bytes of a sysfs write kept */
#define GT_FILENAME_MAX	256
#define GT_ARGS_MAX	4096	/* argv bytes captured in the kernel */
#define GT_BUS_LEN	16
/* The ring buffer's size unless `record --ringbuf-mb` says otherwise: the
 * BPF map's default and the recorder's, one number. */
#define GT_RINGBUF_DEFAULT_BYTES	(4u << 20)

enum gt_event_kind {
	GT_EV_SYSFS_WRITE = 1,	/* a write to a watched sysfs attribute */
	GT_EV_BIND	  = 2,	/* driver probe succeeded: device bound */
	GT_EV_UNBIND	  = 3,	/* device released by its driver */
	GT_EV_PROBE_FAIL  = 4,	/* driver probe returned an error */
	GT_EV_DYNID	  = 5,	/* dynamic id added to a driver (new_id, ids=) */
	GT_EV_EXEC	  = 6,
	GT_EV_EXIT	  = 7,
	GT_EV_RESET	  = 8,	/* a PCI function or bus reset returned (record --pm-hooks) */
	GT_EV_POWER	  = 9,	/* pci_set_power_state() returned (record --pm-hooks) */
	GT_EV_GUARD	  = 10,	/* gputrace guard: a write denied (or would be), a start window */
	GT_EV_KIND_MAX,
};

/* How a sysfs write was seen: at the syscall (tracepoint backend) or inside
 * sysfs after kernfs resolved the attribute (fentry/kprobe backends). */
enum gt_write_origin {
	GT_ORIGIN_SYSCALL = 1,
	GT_ORIGIN_KERNFS  = 2,
};

struct gt_ancestor {
	__u32 pid;
	char comm[GT_COMM_LEN];
};

/* The acting task, captured in the kernel at the moment of the event:
 * udev workers, hook scripts and transient units are gone by the time
 * userspace could look them up. */
struct gt_task {
	__u32 pid;		/* thread group id */
	__u32 tid;
	__u32 ppid;
	__u32 uid;
	char comm[GT_COMM_LEN];
	char unit[GT_UNIT_LEN];	/* cgroup v2 leaf name, "" if none */
	__u8 n_ancestors;
	__u8 pad[3];
	struct gt_ancestor ancestors[GT_ANCESTRY_MAX];	/* parent first */
};

struct gt_event_header {
	__u16 kind;		/* enum gt_event_kind */
	__u16 size;		/* bytes of the whole event, header included */
	__u32 cpu;
	__u64 ts_ns;		/* CLOCK_MONOTONIC */
	struct gt_task task;
};

struct gt_sysfs_write {
	struct gt_event_header hdr;
	__u64 end_ns;		/* when the write returned */
	__s64 ret;		/* bytes accepted or -errno */
	__u64 count;		/* bytes the writer asked to write */
	__u8 depth;		/* components held in path[] */
	__u8 path_truncated;	/* 1: the path had more than GT_PATH_DEPTH components */
	__u8 data_len;		/* bytes held in data[] */
	__u8 origin;		/* enum gt_write_origin */
	__u32 pad;
	char data[GT_DATA_MAX];
	/* kernfs path, leaf first; only depth components are emitted */
	char path[GT_PATH_DEPTH][GT_NAME_LEN];
};

/* GT_EV_BIND, GT_EV_UNBIND, GT_EV_PROBE_FAIL */
struct gt_driver_event {
	struct gt_event_header hdr;
	__s32 err;		/* probe error as -errno, 0 otherwise */
	__u32 pad;
	char bus[GT_BUS_LEN];
	char device[GT_NAME_LEN];	/* dev_name(), e.g. 0000:0a:00.0 */
	char driver[GT_NAME_LEN];
};

struct gt_dynid_event {
	struct gt_event_header hdr;
	__u32 vendor;
	__u32 device;
	__u32 subvendor;
	__u32 subdevice;
	__u32 class;
	__u32 class_mask;
	__s32 ret;		/* 0, or -errno (-EEXIST for a duplicate) */
	__u32 pad;
	char driver[GT_NAME_LEN];
};

struct gt_exec_event {
	struct gt_event_header hdr;
	__u32 args_len;		/* bytes of args[] present (NUL-separated argv) */
	__u8 args_truncated;	/* 1: argv was longer than GT_ARGS_MAX */
	__u8 pad[3];
	char filename[GT_FILENAME_MAX];
	char args[GT_ARGS_MAX];	/* only args_len bytes are emitted and stored */
};

#define GT_ORPHANS_MAX	32	/* 8 before format 1.2 */
#define GT_CHILDREN_SEEN_MAX	256	/* the walk's bound: n_children stops there */

/* A process's end. The children on its list at that moment are about to
 * be reparented (to init or a subreaper): their pids are kept, so a hook's
 * background child that acts later is still known as the hook's. Only
 * n_orphans entries are emitted (hdr.size says so); traces from before
 * orphans had 0 here. n_children counts the children on the list, up to
 * GT_CHILDREN_SEEN_MAX: more than n_orphans says some were left unnamed.
 * The list is the exiting main thread's own (children forked by its other
 * threads are on theirs), exited children not yet reaped included. Before
 * format 1.2 the two counts were one __u32 n_orphans of at most 8: 0 in
 * n_children there, and an older reader takes the pair as one number,
 * which it must cut to the entries present (as this one cuts n_orphans). */
struct gt_exit_event {
	struct gt_event_header hdr;
	__s32 exit_code;	/* wait(2) status: (code << 8) | signal */
	__u16 n_orphans;
	__u16 n_children;
	__u32 orphans[GT_ORPHANS_MAX];	/* tgids of the children left behind */
};

/* GT_EV_RESET, GT_EV_POWER: the PCI reset and power-state functions, with
 * the acting task (the writer of `reset`, vfio-pci, a runtime suspend). */
struct gt_pm_event {
	struct gt_event_header hdr;
	__s32 ret;		/* 0 or -errno */
	__s32 state;		/* GT_EV_POWER: the state asked for (0 D0 .. 3 D3hot, 4 D3cold) */
	__s32 now_state;	/* the device's current_state when the function returned */
	__u32 pad;
	char device[GT_NAME_LEN];	/* 0000:0a:00.0 */
	char function[GT_NAME_LEN];	/* the kernel function: pci_reset_function, ... */
};

/* What a GT_EV_GUARD event is about. */
enum gt_guard_action {
	GT_GUARD_OVERRIDE = 1,	/* driver_override set to another driver (or cleared) */
	GT_GUARD_REMOVE,	/* remove of the device */
	GT_GUARD_UNBIND,	/* unbind from its host driver */
	GT_GUARD_BIND,		/* bind to another driver */
	GT_GUARD_NEW_ID,	/* new_id of its ids to another driver */
	GT_GUARD_WINDOW,	/* the VM's start seen: its writes pass (device, attr empty) */
};

/* GT_EV_GUARD: a write `gputrace guard` denied (err -EPERM) or, in a dry
 * run, would have denied (err 0); or the start of a VM that opened a
 * window (action GT_GUARD_WINDOW, the task is the start command). */
struct gt_guard_event {
	struct gt_event_header hdr;
	__s32 err;		/* what the writer got: -EPERM, or 0 (audit only) */
	__u8 action;		/* enum gt_guard_action */
	__u8 enforced;		/* 1: denied; 0: dry run, it passed */
	__u8 value_seen;	/* 1: value[] holds the bytes written */
	__u8 value_len;
	char device[GT_NAME_LEN];	/* the protected function */
	char host_driver[GT_NAME_LEN];	/* the driver it is guarded on */
	char dir[GT_NAME_LEN];	/* the attribute's directory: the device or a driver */
	char attr[GT_NAME_LEN];	/* driver_override, unbind, ... */
	char value[GT_NAME_LEN * 2];
	__u32 window_pid;	/* GT_GUARD_WINDOW: whose writes pass (the task or its parent) */
	__u32 pad2;
};

/* Any event: the BPF side builds events in a per-CPU slot of this size (BPF
 * stacks are 512 bytes), userspace decodes stored events into one. */
union gt_event_any {
	struct gt_event_header hdr;
	struct gt_sysfs_write write;
	struct gt_driver_event drv;
	struct gt_dynid_event dynid;
	struct gt_exec_event exec;
	struct gt_exit_event exit;
	struct gt_pm_event pm;
	struct gt_guard_event guard;
};

/* Kernel-side counters (per-CPU array, summed by userspace). Anything the
 * kernel side had to drop is counted here and shown, never lost silently. */
enum gt_counter {
	GT_CNT_LOST_SYSFS = 0,	/* ring buffer full: sysfs write dropped */
	GT_CNT_LOST_DRIVER,	/* ring buffer full: bind/unbind/probe/dynid dropped */
	GT_CNT_LOST_EXEC,
	GT_CNT_LOST_EXIT,
	GT_CNT_PENDING_FULL,	/* no room to hold a write between entry and return */
	GT_CNT_SYSFS_SEEN,	/* watched sysfs writes seen */
	GT_CNT_MAX,
};

#endif /* GPUTRACE_EVENT_H */
