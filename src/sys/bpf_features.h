/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* What the running kernel lets us attach, probed once at start with tiny
 * programs (like libbpf-tools' fentry_can_attach), and the backend choice
 * that follows from it. */
#ifndef GPUTRACE_SYS_BPF_FEATURES_H
#define GPUTRACE_SYS_BPF_FEATURES_H

#include <stdbool.h>
#include <stddef.h>

enum gt_backend {
	GT_BACKEND_AUTO = 0,
	GT_BACKEND_FENTRY,
	GT_BACKEND_KPROBE,
	GT_BACKEND_TRACEPOINT,
	GT_BACKEND_END
};

/* How many real backends there are (fentry to tracepoint, in the order
 * `record` prefers them). */
#define GT_BACKENDS_N	(GT_BACKEND_END - GT_BACKEND_FENTRY)

/* The kernel functions the fentry and kprobe backends hook. */
enum gt_hook_fn {
	GT_FN_SYSFS_KF_WRITE,
	GT_FN_PCI_DEVICE_PROBE,
	GT_FN_PCI_DEVICE_REMOVE,
	GT_FN_PCI_ADD_DYNID,
	GT_FN_DO_PCI_ADD_DYNID,	/* only some kernels: see gt_dynid_plan */
	GT_FN_MAX,
};

struct gt_probe_result {
	bool ok;
	int err;		/* -errno when !ok */
	char why[224];		/* one line for features/--dry-run (the lsm= hint is long) */
};

struct gt_features {
	char kernel_release[65];
	bool root;
	bool btf;			/* /sys/kernel/btf/vmlinux */
	bool kernfs_parent_renamed;	/* 6.18+: kernfs_node.__parent */
	bool dynid_worker;		/* do_pci_add_dynid in kernel BTF (full probe) */
	bool fn_in_btf[GT_FN_MAX];
	bool fn_in_kallsyms[GT_FN_MAX];
	struct gt_probe_result ringbuf;
	struct gt_probe_result raw_tp;	/* tracepoint backend and process events */
	struct gt_probe_result fentry;
	struct gt_probe_result kprobe;
	struct gt_probe_result kmsg;	/* /dev/kmsg readable (full probe) */
	char devkmsg[16];		/* printk_devkmsg: on, ratelimit, off; "" unknown */
	struct gt_probe_result journal;	/* the journal readable: journal_probe() (record/journal.h) */
	struct gt_probe_result bpf_lsm;	/* bpf in the active LSM list: guard can enforce (full probe) */
};

/* What a backend records of resets, power states and the kernel's own
 * account of them: one line for `features`. */
const char *features_device_view(enum gt_backend b);

extern const char *const gt_hook_fn_names[GT_FN_MAX];

/* Cheap checks (about a millisecond, no BTF parsing): enough for `record`
 * to pick a backend. A program type the kernel refuses is refused with
 * EPERM before its attach target is looked at, so a load with a dummy
 * target tells "refused" (EPERM) from "allowed" (any other error). */
void features_probe_quick(struct gt_features *f);

/* Everything, with real loads and attaches on the hooked functions: for
 * `gputrace features` and `record --dry-run`. Never fails; results say
 * what did not work. */
void features_probe_full(struct gt_features *f);

/* Picks the backend: WANT if it works (else 0 with the reason in WHY),
 * or for AUTO the first that works of fentry, kprobe, tracepoint. */
/* Does the kernel have do_pci_add_dynid (see gt_dynid_plan)? ~1 ms. */
bool features_dynid_worker(void);

enum gt_backend features_choose(const struct gt_features *f, enum gt_backend want,
				char *why, size_t size);

const char *backend_name(enum gt_backend b);
int backend_parse(const char *s, enum gt_backend *out);

#endif
