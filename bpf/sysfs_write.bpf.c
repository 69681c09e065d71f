// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Writes to the sysfs attributes that change a device's driver or state
 * (bind, unbind, new_id, driver_override, drivers_probe, remove, rescan,
 * reset, ...). Every backend does the same two steps:
 *   begin: at the start of the write, if the attribute's name is watched,
 *          remember the kernfs node, the buffer and the time, per thread;
 *   end:   when the write returns, build the event (writer, path, bytes,
 *          result) and emit it.
 * Only the place differs: sysfs_kf_write() for fentry and kprobe (sysfs has
 * already resolved the attribute, the bytes are in a kernel buffer), the raw
 * syscall tracepoints for the tracepoint backend (fd -> file -> kernfs node,
 * the bytes still in user memory).
 */
#include "common.bpf.h"

#define SYSFS_MAGIC 0x62656572
#define FMODE_WRITE 0x2		/* include/linux/fs.h: fmode_t bits are not in BTF */

/* 6.18 renamed kernfs_node.parent to __parent. */
struct kernfs_node___pre618 {
	struct kernfs_node *parent;
} __attribute__((preserve_access_index));

static __always_inline struct kernfs_node *kn_parent(struct kernfs_node *kn)
{
	if (bpf_core_field_exists(struct kernfs_node, __parent))
		return BPF_CORE_READ(kn, __parent);
	return BPF_CORE_READ((struct kernfs_node___pre618 *)kn, parent);
}

static __always_inline void write_begin(struct kernfs_node *kn, const void *buf,
					__u64 count, bool user_buf, __u8 origin)
{
	struct gt_pending_write pw = {};
	char name[GT_NAME_LEN] = {};
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	if (bpf_probe_read_kernel_str(name, sizeof(name), BPF_CORE_READ(kn, name)) < 0)
		return;
	if (!bpf_map_lookup_elem(&gt_watched, name) || gt_is_self())
		return;
	gt_count(GT_CNT_SYSFS_SEEN);
	pw.ts_ns = bpf_ktime_get_ns();
	pw.kn = kn;
	pw.buf = buf;
	pw.count = count;
	pw.user_buf = user_buf;
	pw.origin = origin;
	if (bpf_map_update_elem(&gt_pending, &tid, &pw, BPF_ANY)) {
		gt_count(GT_CNT_PENDING_FULL);
		return;
	}
	__sync_fetch_and_add(&gt_pending_inflight, 1);
}

static __always_inline void write_end(__s64 ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct gt_pending_write *pw;
	struct gt_sysfs_write *ev;
	struct kernfs_node *kn;
	union gt_event_any *s;
	__u64 n;
	int i;

	pw = bpf_map_lookup_elem(&gt_pending, &tid);
	if (!pw)
		return;
	s = gt_scratch_get();
	if (!s)
		goto out;
	ev = &s->write;
	gt_header(&ev->hdr, GT_EV_SYSFS_WRITE, 0, pw->ts_ns, GT_TASK_ALL);
	ev->end_ns = bpf_ktime_get_ns();
	ev->ret = ret;
	ev->count = pw->count;
	ev->origin = pw->origin;

	/* Path, leaf first: userspace joins it root first. */
	kn = pw->kn;
	ev->depth = 0;
	ev->path_truncated = 0;
	for (i = 0; i < GT_PATH_DEPTH; i++) {
		const char *name = BPF_CORE_READ(kn, name);

		if (!kn_parent(kn))	/* the sysfs root has no name worth keeping */
			break;
		bpf_probe_read_kernel_str(ev->path[i], GT_NAME_LEN, name);
		ev->depth = i + 1;
		kn = kn_parent(kn);
	}
	if (kn && kn_parent(kn))
		ev->path_truncated = 1;

	n = pw->count < GT_DATA_MAX ? pw->count : GT_DATA_MAX;
	n &= GT_DATA_MAX * 2 - 1;
	if (n > GT_DATA_MAX)
		n = GT_DATA_MAX;
	ev->data_len = 0;
	if (n && (pw->user_buf ? bpf_probe_read_user(ev->data, n, pw->buf)
			       : bpf_probe_read_kernel(ev->data, n, pw->buf)) == 0)
		ev->data_len = n;
	/* Only the components used: most paths are 5-7 deep. */
	n = offsetof(struct gt_sysfs_write, path) + (__u64)ev->depth * GT_NAME_LEN;
	if (n > sizeof(*ev))
		n = sizeof(*ev);
	ev->hdr.size = n;
	gt_emit(ev, n, GT_CNT_LOST_SYSFS);
out:
	bpf_map_delete_elem(&gt_pending, &tid);
	__sync_fetch_and_add(&gt_pending_inflight, -1);
}

/* ---- fentry backend ---------------------------------------------------- */

SEC("fentry/sysfs_kf_write")
int BPF_PROG(gt_fentry_kf_write, struct kernfs_open_file *of, char *buf, size_t count)
{
	write_begin(BPF_CORE_READ(of, kn), buf, count, false, GT_ORIGIN_KERNFS);
	return 0;
}

SEC("fexit/sysfs_kf_write")
int BPF_PROG(gt_fexit_kf_write, struct kernfs_open_file *of, char *buf, size_t count,
	     loff_t pos, ssize_t ret)
{
	write_end(ret);
	return 0;
}

/* ---- kprobe backend ---------------------------------------------------- */

SEC("kprobe/sysfs_kf_write")
int BPF_KPROBE(gt_kprobe_kf_write, struct kernfs_open_file *of, char *buf, size_t count)
{
	write_begin(BPF_CORE_READ(of, kn), buf, count, false, GT_ORIGIN_KERNFS);
	return 0;
}

SEC("kretprobe/sysfs_kf_write")
int BPF_KRETPROBE(gt_kretprobe_kf_write, ssize_t ret)
{
	write_end(ret);
	return 0;
}

/* ---- tracepoint backend ------------------------------------------------ */

/*
 * The kernfs node behind FD if it is a sysfs attribute, else NULL. This runs
 * for every write(2) on the machine, so it tests one pointer: the file's
 * f_op against kernfs's, learnt at start by calibrate() below. The task's
 * file table is read through BTF (plain loads); only the fd slot and the
 * file need helper reads.
 */
static __always_inline struct file *file_of_fd(unsigned int fd)
{
	struct file *file = NULL, **fds;
	struct fdtable *fdt;

	/* Known at load time; the verifier drops the branch not taken. */
	if (bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_get_current_task_btf)) {
		fdt = bpf_get_current_task_btf()->files->fdt;
		if (fd >= fdt->max_fds)
			return NULL;
		fds = fdt->fd;
	} else {	/* before 5.11: helper reads */
		fdt = BPF_CORE_READ((struct task_struct *)bpf_get_current_task(), files, fdt);
		if (fd >= BPF_CORE_READ(fdt, max_fds))
			return NULL;
		fds = BPF_CORE_READ(fdt, fd);
	}
	bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]);
	return file;
}

static __always_inline struct kernfs_node *sysfs_node_of_fd(unsigned int fd)
{
	struct file *file = file_of_fd(fd);
	struct inode *inode;

	if (!file)
		return NULL;
	if (gt_kernfs_fops) {
		if ((__u64)BPF_CORE_READ(file, f_op) != gt_kernfs_fops)
			return NULL;
		inode = BPF_CORE_READ(file, f_inode);
	} else {
		inode = BPF_CORE_READ(file, f_inode);	/* not calibrated: slower */
	}
	/* kernfs also serves cgroupfs: keep sysfs only. */
	if (BPF_CORE_READ(inode, i_sb, s_magic) != SYSFS_MAGIC)
		return NULL;
	/* A write(2) on an fd not open for writing fails with EBADF before
	 * sysfs sees it: not an attempt on the attribute, and any user can
	 * open a world-readable one read-only and flood the ring with them.
	 * Tested last: only sysfs files pay for it. */
	if (!(BPF_CORE_READ(file, f_mode) & FMODE_WRITE))
		return NULL;
	return BPF_CORE_READ(inode, i_private);	/* kernfs keeps its node here */
}

/* Userspace makes one write(2) on a sysfs file from thread gt_calib_tid
 * (an fd opened read-only: the write fails, the syscall is still seen). */
static __always_inline void calibrate(unsigned int fd)
{
	struct file *file = file_of_fd(fd);
	struct inode *inode;

	if (!file)
		return;
	inode = BPF_CORE_READ(file, f_inode);
	if (BPF_CORE_READ(inode, i_sb, s_magic) == SYSFS_MAGIC)
		gt_kernfs_fops = (__u64)BPF_CORE_READ(file, f_op);
}

/* Raw sys_enter/sys_exit rather than syscalls/sys_enter_write and friends:
 * those are perf events, each of which costs its detach a serialised RCU
 * grace period (four of them: ~200 ms to exit), and their per-call path
 * is longer; both put every syscall on the slow path alike. */
SEC("raw_tp/sys_enter")
int BPF_PROG(gt_sys_enter, struct pt_regs *regs, long id)
{
	const void *buf;
	struct kernfs_node *kn;
	unsigned int fd;
	__u64 count;

	/* Immediates: a load from a map here costs a cache miss on most
	 * syscalls (measured: +25 ns each), the compare itself nothing. */
	if (id != GT_NR_WRITE && id != GT_NR_PWRITE64 && id != GT_NR_WRITEV &&
	    id != GT_NR_PWRITEV && id != GT_NR_PWRITEV2)
		return 0;
	fd = PT_REGS_PARM1_CORE(regs);
	if (!gt_kernfs_fops && gt_calib_tid == (__u32)bpf_get_current_pid_tgid()) {
		calibrate(fd);
		return 0;
	}
	kn = sysfs_node_of_fd(fd);
	if (!kn)
		return 0;
	buf = (const void *)PT_REGS_PARM2_CORE(regs);
	count = PT_REGS_PARM3_CORE(regs);
	/* writev and friends: the bytes of the first segment (sysfs joins the
	 * segments into one buffer; a value split across them shows in part,
	 * the result says how many bytes went in) */
	if (id != GT_NR_WRITE && id != GT_NR_PWRITE64) {
		struct iovec iov = {};

		if (count < 1 || bpf_probe_read_user(&iov, sizeof(iov), buf))
			iov.iov_len = 0;
		buf = iov.iov_base;
		count = iov.iov_len;
	}
	write_begin(kn, buf, count, true, GT_ORIGIN_SYSCALL);
	return 0;
}

SEC("raw_tp/sys_exit")
int BPF_PROG(gt_sys_exit, struct pt_regs *regs, long ret)
{
	if (!gt_pending_inflight)
		return 0;
	write_end(ret);
	return 0;
}
