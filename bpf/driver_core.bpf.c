// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Driver-core outcomes on the PCI bus, including those no process asked for
 * (module load, rescan, a stale dynamic id matching on reprobe):
 *   pci_device_probe() returns  -> bound, or probe failed with -errno
 *   pci_device_remove() entered -> unbound (driver still attached)
 *   pci_add_dynid() returns     -> dynamic id added (new_id, vfio-pci ids=);
 *     on kernels that have it (Debian's 6.1 and 6.12), its worker
 *     do_pci_add_dynid(drv, id, check_dup), which new_id calls directly
 * These are the PCI bus callbacks themselves: reached through function
 * pointers, so never inlined, with the same signatures from 5.10 to 6.18,
 * and pci_device_probe() returns the driver's -errno on every kernel
 * (really_probe()'s return value changed meaning between releases).
 */
#include "common.bpf.h"

static __always_inline void emit_driver_event(struct device *dev, __u16 kind, int err)
{
	union gt_event_any *s = gt_scratch_get();
	struct gt_driver_event *ev;

	if (!s || !dev)
		return;
	ev = &s->drv;
	gt_header(&ev->hdr, kind, sizeof(*ev), bpf_ktime_get_ns(), GT_TASK_ALL);
	ev->err = err;
	gt_read_str(ev->bus, sizeof(ev->bus), BPF_CORE_READ(dev, bus, name));
	gt_read_str(ev->device, sizeof(ev->device), BPF_CORE_READ(dev, kobj.name));
	gt_read_str(ev->driver, sizeof(ev->driver), BPF_CORE_READ(dev, driver, name));
	gt_emit(ev, sizeof(*ev), GT_CNT_LOST_DRIVER);
}

static __always_inline void probe_done(struct device *dev, int ret)
{
	emit_driver_event(dev, ret ? GT_EV_PROBE_FAIL : GT_EV_BIND, ret);
}

static __always_inline void emit_dynid(struct pci_driver *drv, __u32 vendor, __u32 device,
				       __u32 subvendor, __u32 subdevice, __u32 class,
				       __u32 class_mask, int ret)
{
	union gt_event_any *s = gt_scratch_get();
	struct gt_dynid_event *ev;

	if (!s)
		return;
	ev = &s->dynid;
	gt_header(&ev->hdr, GT_EV_DYNID, sizeof(*ev), bpf_ktime_get_ns(), GT_TASK_ALL);
	ev->vendor = vendor;
	ev->device = device;
	ev->subvendor = subvendor;
	ev->subdevice = subdevice;
	ev->class = class;
	ev->class_mask = class_mask;
	ev->ret = ret;
	gt_read_str(ev->driver, sizeof(ev->driver), BPF_CORE_READ(drv, name));
	gt_emit(ev, sizeof(*ev), GT_CNT_LOST_DRIVER);
}

/* ---- fentry backend ---------------------------------------------------- */

SEC("fexit/pci_device_probe")
int BPF_PROG(gt_fexit_pci_probe, struct device *dev, int ret)
{
	probe_done(dev, ret);
	return 0;
}

SEC("fentry/pci_device_remove")
int BPF_PROG(gt_fentry_pci_remove, struct device *dev)
{
	emit_driver_event(dev, GT_EV_UNBIND, 0);
	return 0;
}

SEC("fexit/pci_add_dynid")
int BPF_PROG(gt_fexit_pci_add_dynid, struct pci_driver *drv, unsigned int vendor,
	     unsigned int device, unsigned int subvendor, unsigned int subdevice,
	     unsigned int class, unsigned int class_mask, unsigned long driver_data, int ret)
{
	emit_dynid(drv, vendor, device, subvendor, subdevice, class, class_mask, ret);
	return 0;
}

static __always_inline void emit_dynid_id(struct pci_driver *drv,
					  const struct pci_device_id *id, int ret)
{
	emit_dynid(drv, BPF_CORE_READ(id, vendor), BPF_CORE_READ(id, device),
		   BPF_CORE_READ(id, subvendor), BPF_CORE_READ(id, subdevice),
		   BPF_CORE_READ(id, class), BPF_CORE_READ(id, class_mask), ret);
}

SEC("fexit/do_pci_add_dynid")
int BPF_PROG(gt_fexit_do_pci_add_dynid, struct pci_driver *drv,
	     const struct pci_device_id *id, bool check_dup, int ret)
{
	emit_dynid_id(drv, id, ret);
	return 0;
}

/* ---- kprobe backend: entry arguments wait in gt_probe_args ------------- */

SEC("kprobe/pci_device_probe")
int BPF_KPROBE(gt_kprobe_pci_probe, struct device *dev)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 args[2] = { (__u64)dev, 0 };

	bpf_map_update_elem(&gt_probe_args, &tid, args, BPF_ANY);
	return 0;
}

SEC("kretprobe/pci_device_probe")
int BPF_KRETPROBE(gt_kretprobe_pci_probe, int ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 *args = bpf_map_lookup_elem(&gt_probe_args, &tid);

	if (!args)
		return 0;
	probe_done((struct device *)args[0], ret);
	bpf_map_delete_elem(&gt_probe_args, &tid);
	return 0;
}

SEC("kprobe/pci_device_remove")
int BPF_KPROBE(gt_kprobe_pci_remove, struct device *dev)
{
	emit_driver_event(dev, GT_EV_UNBIND, 0);
	return 0;
}

/* pci_add_dynid has 8 arguments: x86-64 passes the 7th and 8th on the stack,
 * so the kprobe keeps what it needs (the first six, gt_dynid_args) for the
 * return probe. Dynamic ids are added under a mutex and never nest. */
SEC("kprobe/pci_add_dynid")
int BPF_KPROBE(gt_kprobe_pci_add_dynid, struct pci_driver *drv, unsigned int vendor,
	       unsigned int device, unsigned int subvendor, unsigned int subdevice)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct gt_dynid_args a = { .drv = drv,
				.ids = { vendor, device, subvendor, subdevice, 0, 0 } };

#ifdef __TARGET_ARCH_x86
	a.ids[4] = (__u32)ctx->r9;	/* class: 6th argument */
#endif
	/* class_mask is the 7th argument (on the stack): not worth the
	 * arch-specific read; the kprobe backend records it as 0. */
	bpf_map_update_elem(&gt_dynid_args, &tid, &a, BPF_ANY);
	return 0;
}

/* do_pci_add_dynid() attaches the driver to the devices the new id
 * matches: pci_device_probe() runs inside it, on the same thread, and its
 * own kprobe pair uses gt_probe_args. So the id waits in gt_dynid_args,
 * read at entry (the caller's struct lives on through the call). */
SEC("kprobe/do_pci_add_dynid")
int BPF_KPROBE(gt_kprobe_do_pci_add_dynid, struct pci_driver *drv, const struct pci_device_id *id)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct gt_dynid_args a = { .drv = drv,
				.ids = { BPF_CORE_READ(id, vendor), BPF_CORE_READ(id, device),
					 BPF_CORE_READ(id, subvendor), BPF_CORE_READ(id, subdevice),
					 BPF_CORE_READ(id, class), BPF_CORE_READ(id, class_mask) } };

	bpf_map_update_elem(&gt_dynid_args, &tid, &a, BPF_ANY);
	return 0;
}

SEC("kretprobe/do_pci_add_dynid")
int BPF_KRETPROBE(gt_kretprobe_do_pci_add_dynid, int ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct gt_dynid_args *a = bpf_map_lookup_elem(&gt_dynid_args, &tid);

	if (!a)
		return 0;
	emit_dynid(a->drv, a->ids[0], a->ids[1], a->ids[2], a->ids[3], a->ids[4], a->ids[5], ret);
	bpf_map_delete_elem(&gt_dynid_args, &tid);
	return 0;
}

SEC("kretprobe/pci_add_dynid")
int BPF_KRETPROBE(gt_kretprobe_pci_add_dynid, int ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct gt_dynid_args *a = bpf_map_lookup_elem(&gt_dynid_args, &tid);

	if (!a)
		return 0;
	emit_dynid(a->drv, a->ids[0], a->ids[1], a->ids[2], a->ids[3], a->ids[4], 0, ret);
	bpf_map_delete_elem(&gt_dynid_args, &tid);
	return 0;
}
