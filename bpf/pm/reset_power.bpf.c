// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * PCI resets and power-state changes with the acting task and the result,
 * for the fentry and kprobe backends with `record --pm-hooks` (the loader
 * keeps the programs of the recording's backend). A separate object from
 * the main one (linked with maps.bpf.c, its ring buffer and counters
 * shared by fd): it loads after the main object is attached, and if the
 * kernel refuses it (a function missing or inlined, the verifier) the
 * recording goes on without it.
 *
 * Function resets: pci_reset_function() (the sysfs `reset` attribute),
 * pci_try_reset_function() and __pci_reset_function_locked() (vfio-pci
 * on open and release); the outer ones may or may not inline the inner
 * one, so one reset can be seen twice, named by `function`. Bus resets:
 * pci_reset_bus() (vfio-pci's hot reset). Power: pci_set_power_state().
 */
#include "common.bpf.h"

static __always_inline void emit_pm(struct pci_dev *dev, __u16 kind, int ret, int state,
				    const char *fn, __u32 fn_len)
{
	union gt_event_any *s = gt_scratch_get();
	struct gt_pm_event *ev;

	if (!s || !dev)
		return;
	ev = &s->pm;
	gt_header(&ev->hdr, kind, sizeof(*ev), bpf_ktime_get_ns(), GT_TASK_ALL);
	ev->ret = ret;
	ev->state = state;
	ev->now_state = BPF_CORE_READ(dev, current_state);
	ev->pad = 0;
	__builtin_memset(ev->function, 0, GT_NAME_LEN);
	gt_read_str(ev->device, sizeof(ev->device), BPF_CORE_READ(dev, dev.kobj.name));
	__builtin_memcpy(ev->function, fn, fn_len < GT_NAME_LEN ? fn_len : GT_NAME_LEN);
	gt_emit(ev, sizeof(*ev), GT_CNT_LOST_DRIVER);
}

#define RESET_HOOK(name)							\
SEC("fexit/" #name)								\
int BPF_PROG(gt_fexit_##name, struct pci_dev *dev, int ret)			\
{										\
	emit_pm(dev, GT_EV_RESET, ret, -1, #name, sizeof(#name));		\
	return 0;								\
}

RESET_HOOK(pci_reset_function)
RESET_HOOK(pci_try_reset_function)
RESET_HOOK(__pci_reset_function_locked)
RESET_HOOK(pci_reset_bus)

SEC("fexit/pci_set_power_state")
int BPF_PROG(gt_fexit_pci_set_power_state, struct pci_dev *dev, pci_power_t state, int ret)
{
	emit_pm(dev, GT_EV_POWER, ret, state, "pci_set_power_state",
		sizeof("pci_set_power_state"));
	return 0;
}

/* ---- kprobe backend: the entry keeps the device until the return ------- */

/* Keyed by task and function: the reset functions nest (pci_reset_function
 * calls __pci_reset_function_locked where it is not inlined). */
struct pm_key {
	__u32 tid;
	__u32 fn;
};

struct pm_args {
	__u64 dev;
	__s64 state;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, GT_PENDING_MAX);
	__type(key, struct pm_key);
	__type(value, struct pm_args);
} gt_pm_args SEC(".maps");

static __always_inline void pm_enter(__u32 fn, struct pci_dev *dev, int state)
{
	struct pm_key k = { .tid = (__u32)bpf_get_current_pid_tgid(), .fn = fn };
	struct pm_args a = { .dev = (__u64)dev, .state = state };

	bpf_map_update_elem(&gt_pm_args, &k, &a, BPF_ANY);
}

static __always_inline void pm_exit(__u32 fn, __u16 kind, int ret, const char *name, __u32 len)
{
	struct pm_key k = { .tid = (__u32)bpf_get_current_pid_tgid(), .fn = fn };
	struct pm_args *a = bpf_map_lookup_elem(&gt_pm_args, &k);

	if (!a)
		return;
	emit_pm((struct pci_dev *)a->dev, kind, ret, (int)a->state, name, len);
	bpf_map_delete_elem(&gt_pm_args, &k);
}

#define RESET_KPROBES(id, name)							\
SEC("kprobe/" #name)								\
int BPF_KPROBE(gt_kprobe_##name, struct pci_dev *dev)				\
{										\
	pm_enter(id, dev, -1);							\
	return 0;								\
}										\
SEC("kretprobe/" #name)								\
int BPF_KRETPROBE(gt_kretprobe_##name, int ret)					\
{										\
	pm_exit(id, GT_EV_RESET, ret, #name, sizeof(#name));			\
	return 0;								\
}

RESET_KPROBES(1, pci_reset_function)
RESET_KPROBES(2, pci_try_reset_function)
RESET_KPROBES(3, __pci_reset_function_locked)
RESET_KPROBES(4, pci_reset_bus)

SEC("kprobe/pci_set_power_state")
int BPF_KPROBE(gt_kprobe_pci_set_power_state, struct pci_dev *dev, pci_power_t state)
{
	pm_enter(5, dev, state);
	return 0;
}

SEC("kretprobe/pci_set_power_state")
int BPF_KRETPROBE(gt_kretprobe_pci_set_power_state, int ret)
{
	pm_exit(5, GT_EV_POWER, ret, "pci_set_power_state", sizeof("pci_set_power_state"));
	return 0;
}
