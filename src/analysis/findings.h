/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Findings from the model: what went wrong, who did it, how, and when. */
#ifndef GPUTRACE_FINDINGS_H
#define GPUTRACE_FINDINGS_H

#include "model/model.h"

enum f_severity { SEV_INFO, SEV_WARN, SEV_HIGH };

enum f_kind {
	F_REBIND_AFTER_HOOK,	/* a device left its host driver after the hook returned it */
	F_HOOK_LEFT_STUB,	/* the hook left a function of the slot on vfio-pci */
	F_NO_HOOK,		/* the VM stopped and no hook ran */
	F_HOOK_FAILED,		/* the hook exited non-zero */
	F_PROBE_FAILED,		/* a driver's probe of a VM device failed */
	F_STUB_WITHOUT_VM,	/* a device moved to vfio-pci and no VM took it */
	F_LIMIT,		/* what this trace cannot prove */
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
	MECH_UNKNOWN,
};

#define F_EVIDENCE_MAX 8

struct finding {
	enum f_kind kind;
	enum f_severity severity;
	char vm[64];
	char device[MODEL_BDF_LEN];
	uint64_t ts_ns;
	char driver_from[MODEL_DRV_LEN], driver_to[MODEL_DRV_LEN];
	bool has_delay;
	double delay_after_hook_s;
	bool has_culprit;
	bool culprit_inferred;		/* from the write in flight (uevent outcomes) */
	bool culprit_from_hook;		/* the hook itself or its descendant */
	struct gt_task culprit;
	const struct m_proc *culprit_proc;
	enum f_mechanism mech;
	char mechanism[1024];
	char summary[384];
	uint64_t evidence[F_EVIDENCE_MAX];
	int n_evidence;
};

struct findings {
	struct finding *v;
	size_t n, cap;
};

/* Analyses M; VM and DEVICE (either may be NULL) narrow it. */
int findings_analyze(const struct model *m, const char *vm, const char *device, struct findings *out);
void findings_free(struct findings *f);

const char *f_kind_name(enum f_kind k);
const char *f_severity_name(enum f_severity s);
const char *f_mechanism_name(enum f_mechanism m);

#endif
