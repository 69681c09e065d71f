// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Process starts and exits, for every backend: they tell the report which
 * program (qm, kvm, a hook script, driverctl) stood behind a pid. Raw
 * tracepoints, not tp_btf: they need no attach target from the kernel's
 * BTF, so libbpf never parses all of vmlinux BTF for them (core_btf.c). */
#include "common.bpf.h"

SEC("raw_tp/sched_process_exec")
int BPF_PROG(gt_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	union gt_event_any *s = gt_scratch_get();
	struct gt_exec_event *ev;
	unsigned long start, end;
	__u64 len;

	if (!s)
		return 0;
	ev = &s->exec;
	gt_header(&ev->hdr, GT_EV_EXEC, 0, bpf_ktime_get_ns(), GT_TASK_UNIT);
	bpf_probe_read_kernel_str(ev->filename, sizeof(ev->filename), BPF_CORE_READ(bprm, filename));

	/* The new image's argv is in place in user memory at this point. */
	start = BPF_CORE_READ(p, mm, arg_start);
	end = BPF_CORE_READ(p, mm, arg_end);
	len = end > start ? end - start : 0;
	ev->args_truncated = len >= GT_ARGS_MAX;
	if (len >= GT_ARGS_MAX)
		len = GT_ARGS_MAX - 1;	/* the mask below keeps the verifier's bound */
	len &= GT_ARGS_MAX - 1;
	ev->args_len = 0;
	if (len > 0 && bpf_probe_read_user(ev->args, len, (void *)start) == 0)
		ev->args_len = len;

	len = offsetof(struct gt_exec_event, args) + ev->args_len;
	if (len > sizeof(*ev))
		return 0;
	ev->hdr.size = len;
	gt_emit_lazy(ev, len, GT_CNT_LOST_EXEC);
	return 0;
}

/* The children P leaves behind: its exit event fires before they are
 * reparented (exit_notify comes later in do_exit). The first
 * GT_ORPHANS_MAX are named; the walk goes on to count the others (up to
 * GT_CHILDREN_SEEN_MAX), so the report knows when a child is not tied to
 * its parent. Only P's own list: children forked by its other threads are
 * on theirs. Children that exited and are not yet reaped count too: telling
 * them apart costs the verifier a state per pair of counts. A child reaped
 * during the walk is unlinked (its sibling points at itself): the walk
 * goes on from the one before it, and ends if that one went too. Most
 * processes have no children, and then this is one load and one compare. */
static __always_inline __u32 gt_orphans(struct task_struct *p, __u32 *out, __u16 *seen)
{
	struct list_head *head = &p->children, *prev = head, *pos = BPF_CORE_READ(p, children.next);
	struct list_head *next;
	__u32 i;

	for (i = 0; i < GT_CHILDREN_SEEN_MAX; i++) {
		struct task_struct *c;

		if (!pos || pos == head)
			break;
		c = (void *)pos - bpf_core_field_offset(struct task_struct, sibling);
		if (i < GT_ORPHANS_MAX)
			out[i] = BPF_CORE_READ(c, tgid);
		next = BPF_CORE_READ(c, sibling.next);
		if (next == pos) {	/* reaped meanwhile */
			next = BPF_CORE_READ(prev, next);
			if (next == prev || next == pos) {
				i++;
				break;
			}
		} else {
			prev = pos;
		}
		pos = next;
	}
	*seen = i;
	return i < GT_ORPHANS_MAX ? i : GT_ORPHANS_MAX;
}

SEC("raw_tp/sched_process_exit")
int BPF_PROG(gt_exit, struct task_struct *p)
{
	union gt_event_any *s;
	struct gt_exit_event *ev;
	__u64 size;

	/* One event per process: when its main thread goes. */
	if (BPF_CORE_READ(p, pid) != BPF_CORE_READ(p, tgid) || gt_is_self())
		return 0;
	s = gt_scratch_get();
	if (!s)
		return 0;
	ev = &s->exit;
	ev->exit_code = BPF_CORE_READ(p, exit_code);
	ev->n_orphans = gt_orphans(p, ev->orphans, &ev->n_children);
	size = offsetof(struct gt_exit_event, orphans) + ev->n_orphans * sizeof(__u32);
	if (size > sizeof(*ev))
		return 0;
	gt_header(&ev->hdr, GT_EV_EXIT, size, bpf_ktime_get_ns(), 0);
	gt_emit_lazy(ev, size, GT_CNT_LOST_EXIT);
	return 0;
}
