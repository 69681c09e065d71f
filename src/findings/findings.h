/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Findings, judged from the custody of each device (custody.h): what went
 * wrong, who did it, how, and when. */
#ifndef GPUTRACE_FINDINGS_H
#define GPUTRACE_FINDINGS_H

#include "findings/custody.h"
#include "model/model.h"
#include "severity.h"

enum f_kind {
	F_REBIND_AFTER_RETURN,	/* a returned device left its host driver again */
	F_RETURN_FAILED,	/* a return was attempted and did not end on a host driver */
	F_LEFT_ON_STUB,		/* the stop sequence settled with the device on the stub */
	F_LEFT_WITHOUT_DRIVER,	/* ... or on no driver */
	F_NO_HOOK,		/* not returned, nothing tried, no hook ran */
	F_LATE_RETURN,		/* returned only after the stop sequence was over */
	F_HOOK_FAILED,		/* a hook exited non-zero */
	F_PROBE_FAILED,		/* a driver's probe of a VM device failed */
	F_STUB_WITHOUT_VM,	/* a device moved to a stub outside any VM's custody */
	F_HANDOVER,		/* the device went from one VM's run to another's */
	F_RETURNED_UNUSABLE,	/* returned, but the driver logged an error or the
				 * device stayed powered off or its reset failed */
	F_LIMIT,		/* what this trace cannot prove */
	F_REBIND_DENIED,	/* gputrace guard denied a write that would have moved it */
	F_KIND_MAX,
};

/* How a device got where it is, in a word (JSON "mechanism_kind"). */
enum f_mechanism {
	MECH_NONE,
	MECH_OVERRIDE,		/* driver_override=vfio-pci written, then a reprobe */
	MECH_STALE_OVERRIDE,	/* an override set before, never cleared, then a reprobe */
	MECH_STALE_DYNID,	/* a dynamic id left in vfio-pci's table, then a reprobe */
	MECH_EXPLICIT_BIND,	/* a write of the BDF to .../vfio-pci/bind */
	MECH_UNBIND_ONLY,	/* unbound from the host driver and left so */
	MECH_REMOVED,		/* removed and not added back */
	MECH_PROBE_ERROR,	/* the host driver's probe failed */
	MECH_WRITE_ERROR,	/* the write that would return it failed */
	MECH_UNKNOWN,
};

#define F_EVIDENCE_MAX 12

struct finding {
	enum f_kind kind;
	enum severity severity;
	char vm[VM_ID_LEN];
	char device[PCI_BDF_LEN];
	uint64_t ts_ns;
	char driver_from[MODEL_DRV_LEN], driver_to[MODEL_DRV_LEN];
	/* delays: after the hook that returned it exited, after QEMU's exit,
	 * after the return */
	bool has_delay, has_stop_delay, has_return_delay;
	double delay_after_hook_s, delay_after_stop_s, delay_after_return_s;
	bool has_culprit;
	bool culprit_inferred;		/* from the write in flight (uevent outcomes) */
	bool culprit_from_hook;		/* the hook itself or a process it started */
	struct gt_task culprit;
	const struct m_proc *culprit_proc;
	struct m_spawn spawned_by[M_SPAWN_MAX];	/* who started the culprit, parent first */
	int n_spawned_by;
	const struct m_hook *culprit_hook;	/* the hook run behind it */
	enum returner_kind returned_by_kind;	/* who returned the device (rebinds) */
	char returned_by[128];
	enum blocker_kind blocker;
	enum f_mechanism mech;
	char mechanism[1024];
	char chain[1024];		/* the whole story, root cause first */
	char summary[384];
	char advice[384];
	bool uncertain;			/* rests on what a damaged trace may miss */
	const struct m_log *kernel_log[4];	/* the device's kernel lines around it */
	int n_kernel_log;
	uint64_t evidence[F_EVIDENCE_MAX];
	int n_evidence;
	/* the same attempt again (a guard denial: same program, device and
	 * write): how many more times, the last one's time and pid */
	unsigned repeats;
	uint64_t last_ns;
	uint32_t last_pid;
};

struct findings {
	struct finding *v;
	size_t n, cap;
	bool oom;		/* a finding could not be kept: the analysis fails */
};

/* Judges the custody C of M; VM and DEVICE (either may be NULL) narrow it. */
int findings_analyze(const struct model *m, const struct custody_set *c, const char *vm,
		     const char *device, struct findings *out);
void findings_free(struct findings *f);

const char *f_kind_name(enum f_kind k);
const char *f_mechanism_name(enum f_mechanism m);

#endif
