// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * gputrace guard: denies the sysfs writes that would take a protected PCI
 * function off its host driver, while it is there (docs/design.md, "Guard").
 *
 * One check, two attachments: lsm/file_permission enforces (its return
 * value is the write's fate); fentry/security_file_permission sees the same
 * arguments but cannot deny, which is what --dry-run wants on a kernel
 * without the bpf LSM active (Debian 11's 5.10). file_permission rather than
 * file_open: a sysfs attribute is opened once and written many times (a
 * shell's `echo >` opens it, but a daemon may keep the fd), and its value
 * (the BDF for bind/unbind) is only known at the write. The hook has no
 * buffer argument; the value is read from the write(2)'s own registers.
 *
 * A separate object from the recorder's (linked with maps.bpf.c for the
 * ring buffer and the task capture): the recorder never loads an lsm
 * program, and a kernel that refuses this one refuses nothing else.
 */
#include "common.bpf.h"
#include "gputrace/guard.h"

#define SYSFS_MAGIC	0x62656572
#define MAY_WRITE	0x2
#define EPERM		1
#define GT_GUARD_ANCESTRY 16	/* parents searched for a window holder */

/* 6.18 renamed kernfs_node.parent to __parent. */
struct kernfs_node___pre618 {
	struct kernfs_node *parent;
} __attribute__((preserve_access_index));

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8);
	__type(key, char[GT_NAME_LEN]);
	__type(value, __u32);		/* enum gt_guard_attr */
} gt_guard_attrs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, GT_GUARD_DEVS_MAX);
	__type(key, char[GT_NAME_LEN]);	/* BDF */
	__type(value, struct gt_guard_dev);
} gt_guard_devs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, GT_GUARD_DEVS_MAX);
	__type(key, struct gt_guard_id);
	__type(value, char[GT_NAME_LEN]);	/* host driver; present while armed */
} gt_guard_ids SEC(".maps");

/* Processes whose writes (and their descendants') pass: the VM's start
 * command, the libvirt daemon during a start. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, GT_GUARD_ALLOWED_MAX);
	__type(key, __u32);		/* tgid */
	__type(value, __u32);
} gt_guard_allowed SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 32);
	__type(key, struct gt_guard_exe);
	__type(value, __u8);
} gt_guard_exes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, char[GT_COMM_LEN]);
	__type(value, struct gt_guard_start);
} gt_guard_starts SEC(".maps");

/* The exec's argv while it is searched (too big for the BPF stack), and
 * the bytes of the pattern matched so far: kept in map memory so that the
 * verifier does not follow each of its values through the loop. */
struct gt_guard_scan {
	char argv[GT_GUARD_ARGV_SCAN];
	__u32 matched;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct gt_guard_scan);
} gt_guard_argv SEC(".maps");

const volatile __u8 gt_guard_enforce = 0;	/* 0: audit (dry run) */

static __always_inline struct kernfs_node *kn_parent(struct kernfs_node *kn)
{
	if (bpf_core_field_exists(struct kernfs_node, __parent))
		return BPF_CORE_READ(kn, __parent);
	return BPF_CORE_READ((struct kernfs_node___pre618 *)kn, parent);
}

/* The bytes the current write(2) or pwrite64(2) passes, as the driver
 * core reads them: up to a NUL, one trailing newline dropped. The hook has
 * no buffer argument; the syscall's registers do. VAL comes zeroed (the
 * value is then a map key). Returns the length, or -1 when the write came
 * some other way (writev, io_uring, splice) or its memory could not be
 * read without faulting. No loops: 6.1's verifier gives up on a long
 * history of branches. */
static __always_inline int write_value(char *val, __u32 size)
{
#ifdef __TARGET_ARCH_x86
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct pt_regs *regs;
	__u64 nr, count;
	const char *buf;
	long n;

	if (bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_task_pt_regs)) {
		regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	} else {
		/* Before 5.15: the user registers sit at the top of the
		 * task's kernel stack (x86-64: 16 KiB, no padding). */
		void *stack = BPF_CORE_READ(task, stack);

		regs = (struct pt_regs *)(stack + 16384) - 1;
	}
	nr = BPF_CORE_READ(regs, orig_ax);
	if (nr != GT_NR_WRITE && nr != GT_NR_PWRITE64)
		return -1;
	buf = (const char *)BPF_CORE_READ(regs, si);
	count = BPF_CORE_READ(regs, dx);
	if (count >= size)
		count = size - 1;
	n = bpf_probe_read_user_str(val, (count & (GT_NAME_LEN * 2 - 1)) + 1, buf);
	if (n < 1)
		return -1;
	n--;
	if (n > 0 && val[(n - 1) & (GT_NAME_LEN * 2 - 1)] == '\n') {
		val[(n - 1) & (GT_NAME_LEN * 2 - 1)] = 0;
		n--;
	}
	return n;
#else
	return -1;
#endif
}

/* One hex number as new_id's sscanf("%x") reads it: spaces, "0x", digits. */
static __always_inline __u32 hex_word(const char *s, int *pos)
{
	int p = *pos;
	__u32 v = 0;

	for (int i = 0; i < 4 && s[p & (GT_NAME_LEN * 2 - 1)] == ' '; i++)
		p++;
	if (s[p & (GT_NAME_LEN * 2 - 1)] == '0' && (s[(p + 1) & (GT_NAME_LEN * 2 - 1)] | 0x20) == 'x')
		p += 2;
	for (int i = 0; i < 8; i++) {
		char c = s[p & (GT_NAME_LEN * 2 - 1)] | 0x20;	/* digits stay, letters lower */

		if (c >= '0' && c <= '9')
			v = v * 16 + (c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v * 16 + (c - 'a' + 10);
		else
			break;
		p++;
	}
	*pos = p;
	return v;
}

/* The writer passes if it, or one of its parents, holds a window, or runs
 * an --allow executable. */
static __always_inline bool writer_allowed(void)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct gt_guard_exe exe = {};
	struct inode *ino;

	ino = BPF_CORE_READ(t, mm, exe_file, f_inode);
	if (ino) {
		exe.dev = BPF_CORE_READ(ino, i_sb, s_dev);
		exe.ino = BPF_CORE_READ(ino, i_ino);
		if (bpf_map_lookup_elem(&gt_guard_exes, &exe))
			return true;
	}
	for (int i = 0; i < GT_GUARD_ANCESTRY && t; i++) {
		__u32 tgid = BPF_CORE_READ(t, tgid);

		if (tgid <= 1)
			break;
		if (bpf_map_lookup_elem(&gt_guard_allowed, &tgid))
			return true;
		t = BPF_CORE_READ(t, real_parent);
	}
	return false;
}

/* Two zero-padded names of GT_NAME_LEN bytes: four loads each, no loop. */
static __always_inline bool name_eq(const char *a, const char *b)
{
	const __u64 *x = (const __u64 *)a, *y = (const __u64 *)b;

	return x[0] == y[0] && x[1] == y[1] && x[2] == y[2] && x[3] == y[3];
}

/* Does P's argv (its first GT_GUARD_ARGV_SCAN bytes) hold ST's pattern?
 * One pass, back to the pattern's start at each mismatch (to its first
 * byte if the mismatching byte is that one): enough for patterns that do
 * not repeat a prefix of themselves ("\0start\0111\0", ":qmstart:111:"). */
static __always_inline bool argv_holds(struct task_struct *p, const struct gt_guard_start *st)
{
	struct gt_guard_scan *sc;
	unsigned long start, end;
	__u32 zero = 0, len;

	sc = bpf_map_lookup_elem(&gt_guard_argv, &zero);
	if (!sc)
		return false;
	start = BPF_CORE_READ(p, mm, arg_start);
	end = BPF_CORE_READ(p, mm, arg_end);
	len = end > start ? end - start : 0;
	if (len > GT_GUARD_ARGV_SCAN)
		len = GT_GUARD_ARGV_SCAN;
	__builtin_memset(sc->argv, 0, GT_GUARD_ARGV_SCAN);
	if (!len || bpf_probe_read_user(sc->argv, len & (GT_GUARD_ARGV_SCAN - 1) ?: GT_GUARD_ARGV_SCAN,
					(void *)start))
		return false;
	*(volatile __u32 *)&sc->matched = 0;
	for (int i = 0; i < GT_GUARD_ARGV_SCAN; i++) {
		__u32 j = *(volatile __u32 *)&sc->matched & (GT_GUARD_PATTERN_MAX - 1);
		char c = sc->argv[i];

		j = c == st->pattern[j] ? j + 1 : c == st->pattern[0];
		*(volatile __u32 *)&sc->matched = j;
		if (j == st->len)
			return true;
	}
	return false;
}

/* HOLDER and everything it starts may write until userspace closes the
 * window; userspace hears of it (an event) and takes its pin off. */
static __always_inline void open_window(__u32 holder)
{
	union gt_event_any *s;
	__u32 one = 1;

	/* not allowed (the map is full): userspace must keep its pins */
	if (bpf_map_update_elem(&gt_guard_allowed, &holder, &one, BPF_ANY))
		return;
	s = gt_scratch_get();
	if (!s)
		return;
	__builtin_memset(&s->guard, 0, sizeof(s->guard));
	gt_header(&s->guard.hdr, GT_EV_GUARD, sizeof(s->guard), bpf_ktime_get_ns(), GT_TASK_ALL);
	s->guard.action = GT_GUARD_WINDOW;
	s->guard.window_pid = holder;
	gt_emit(&s->guard, sizeof(s->guard), GT_CNT_LOST_DRIVER);
}

/* A start that execs nothing: Proxmox's web GUI and API (pvedaemon, the HA
 * manager) fork a worker that renames itself "task UPID:node:...:qmstart:
 * ID:user:" (comm and argv) and binds the devices in-process. Is T, named
 * COMM, such a worker of the guarded VM's start? */
static __always_inline bool task_start(struct task_struct *t, const char *comm)
{
	char key[GT_COMM_LEN] = {};
	struct gt_guard_start *st;

	if (comm[0] != 't' || comm[1] != 'a' || comm[2] != 's' || comm[3] != 'k' || comm[4] != ' ' ||
	    comm[5] != 'U' || comm[6] != 'P' || comm[7] != 'I' || comm[8] != 'D' || comm[9] != ':')
		return false;
	__builtin_memcpy(key, comm, 10);
	st = bpf_map_lookup_elem(&gt_guard_starts, key);
	return st && argv_holds(t, st);
}

/* At a write about to be denied: a worker renamed before the guard began
 * (the rename below opens the window of the others). */
static __always_inline bool task_start_allowed(void)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	char comm[GT_COMM_LEN] = {};

	bpf_get_current_comm(comm, sizeof(comm));
	if (!task_start(t, comm))
		return false;
	open_window(BPF_CORE_READ(t, tgid));
	return true;
}

/* Decides one write to a guarded attribute; fills EV. True: deny. */
static __always_inline bool judge(__u32 attr, struct gt_guard_event *ev)
{
	struct gt_guard_dev *dev;
	char *host;
	int n;

	n = write_value(ev->value, sizeof(ev->value));
	ev->value_seen = n >= 0;
	ev->value_len = n > 0 ? n : 0;
	switch (attr) {
	case GT_GATTR_OVERRIDE:
	case GT_GATTR_REMOVE:
		/* Per-device attributes: the directory is the device. */
		dev = bpf_map_lookup_elem(&gt_guard_devs, ev->dir);
		if (!dev || !dev->armed)
			return false;
		__builtin_memcpy(ev->device, ev->dir, GT_NAME_LEN);
		__builtin_memcpy(ev->host_driver, dev->host_driver, GT_NAME_LEN);
		if (attr == GT_GATTR_REMOVE) {
			ev->action = GT_GUARD_REMOVE;
			return !(n == 1 && ev->value[0] == '0');	/* "0" removes nothing */
		}
		ev->action = GT_GUARD_OVERRIDE;
		/* Only the host driver itself keeps it where it is. */
		return !(n > 0 && n < GT_NAME_LEN && name_eq(ev->value, dev->host_driver));
	case GT_GATTR_UNBIND:
	case GT_GATTR_BIND:
		/* Driver attributes: the value names the device. Unseen, the
		 * write could name any device: deny while one is guarded. */
		ev->action = attr == GT_GATTR_UNBIND ? GT_GUARD_UNBIND : GT_GUARD_BIND;
		if (n < 0)
			return true;
		if (n >= GT_NAME_LEN)
			return false;
		__builtin_memcpy(ev->device, ev->value, GT_NAME_LEN);
		dev = bpf_map_lookup_elem(&gt_guard_devs, ev->device);
		if (!dev || !dev->armed)
			return false;
		__builtin_memcpy(ev->host_driver, dev->host_driver, GT_NAME_LEN);
		/* Binding to the host driver (already bound) changes nothing. */
		return attr == GT_GATTR_UNBIND || !name_eq(ev->dir, dev->host_driver);
	case GT_GATTR_NEW_ID: {
		struct gt_guard_id id = {};
		int pos = 0;

		ev->action = GT_GUARD_NEW_ID;
		if (n < 0)
			return true;
		id.vendor = hex_word(ev->value, &pos);
		id.device = hex_word(ev->value, &pos);
		host = bpf_map_lookup_elem(&gt_guard_ids, &id);
		if (!host)
			return false;
		__builtin_memcpy(ev->host_driver, host, GT_NAME_LEN);
		return !name_eq(ev->dir, host);
	}
	}
	return false;
}

static __always_inline int check_write(struct file *file, int mask)
{
	struct kernfs_node *kn;
	struct gt_guard_event *ev;
	union gt_event_any *s;
	char name[GT_NAME_LEN] = {};
	__u32 *attr;

	/* Every read and write on the machine passes here: a mask test and
	 * three loads for anything not written on sysfs. */
	if (!(mask & MAY_WRITE) || file->f_inode->i_sb->s_magic != SYSFS_MAGIC)
		return 0;
	kn = file->f_inode->i_private;	/* kernfs keeps its node here */
	if (!kn || bpf_probe_read_kernel_str(name, sizeof(name), BPF_CORE_READ(kn, name)) < 0)
		return 0;
	attr = bpf_map_lookup_elem(&gt_guard_attrs, name);
	if (!attr || gt_is_self())
		return 0;
	s = gt_scratch_get();
	if (!s)
		return 0;
	ev = &s->guard;
	__builtin_memset(ev, 0, sizeof(*ev));
	__builtin_memcpy(ev->attr, name, GT_NAME_LEN);
	gt_read_str(ev->dir, sizeof(ev->dir), BPF_CORE_READ(kn_parent(kn), name));
	if (!judge(*attr, ev) || writer_allowed() || task_start_allowed())
		return 0;
	gt_header(&ev->hdr, GT_EV_GUARD, sizeof(*ev), bpf_ktime_get_ns(), GT_TASK_ALL);
	ev->enforced = gt_guard_enforce;
	ev->err = gt_guard_enforce ? -EPERM : 0;
	gt_emit(ev, sizeof(*ev), GT_CNT_LOST_DRIVER);
	/* Not ev->err: the verifier wants the value's range from here. */
	return gt_guard_enforce ? -EPERM : 0;
}

SEC("lsm/file_permission")
int BPF_PROG(gt_guard_lsm, struct file *file, int mask)
{
	return check_write(file, mask);
}

/* --dry-run where the bpf LSM is not active: sees, cannot deny. */
SEC("fentry/security_file_permission")
int BPF_PROG(gt_guard_fentry, struct file *file, int mask)
{
	check_write(file, mask);
	return 0;
}

/* The VM's start: an exec whose comm is a start command's and whose argv
 * holds its pattern ("\0start\0111\0" for `qm start 111`) opens a window
 * for that process (or its parent, the libvirt daemon running its hook)
 * and everything it starts. */
SEC("raw_tp/sched_process_exec")
int BPF_PROG(gt_guard_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	char comm[GT_COMM_LEN] = {};
	struct gt_guard_start *st;

	bpf_get_current_comm(comm, sizeof(comm));
	st = bpf_map_lookup_elem(&gt_guard_starts, comm);
	if (!st || !argv_holds(p, st))
		return 0;
	open_window(st->allow_parent ? BPF_CORE_READ(p, real_parent, tgid) : BPF_CORE_READ(p, tgid));
	return 0;
}

/* The worker takes its task name before it starts the VM: the window opens
 * then, so the pins are off before its first bind (perl's $0 writes argv,
 * then sets the comm: the new name is the tracepoint's argument). */
SEC("raw_tp/task_rename")
int BPF_PROG(gt_guard_rename, struct task_struct *p, const char *comm)
{
	char name[GT_COMM_LEN] = {};

	if (bpf_probe_read_kernel_str(name, sizeof(name), comm) < 0 || !task_start(p, name))
		return 0;
	open_window(BPF_CORE_READ(p, tgid));
	return 0;
}
