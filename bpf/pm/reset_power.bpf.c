// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * PCI resets and power-state changes with the acting task and the result,
 * for the fentry backend with `record --pm-hooks`. A separate object from
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
