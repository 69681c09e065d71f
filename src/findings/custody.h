/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Custody: who holds each device of each VM run, and when. For every run
 * and device: the start sequence that moved it to the stub, the stop, the
 * return to a host driver (and who did it), the return attempts that did
 * not end there and what blocked them, the state once the stop sequence has
 * settled, every later move off the host driver, and the hand-over to the
 * next run that takes the device. Findings are judged from this alone
 * (findings.c); docs/design.md states the rules.
 */
#ifndef GPUTRACE_CUSTODY_H
#define GPUTRACE_CUSTODY_H

#include "model/model.h"

/* Binds this close before QEMU starts are its start sequence (qm, libvirt
 * and hooks bind the devices to the stub first). */
#define CUSTODY_START_WINDOW_NS	(10 * 1000000000ull)
/* Hooks of a stop start at most this long before QEMU's exit is seen. */
#define CUSTODY_HOOK_EARLY_NS	(2 * 1000000000ull)
/* What a stop sequence may take: hooks, their children, the daemon. */
#define CUSTODY_STOP_MAX_NS	(120 * 1000000000ull)
/* After the last actor of the stop sequence: probes and udev settle. */
#define CUSTODY_SETTLE_GRACE_NS	(2 * 1000000000ull)

enum returner_kind {
	RET_NONE,
	RET_HOOK,		/* a hook run of this stop */
	RET_HOOK_CHILD,		/* a process a hook started (reparented or not) */
	RET_DAEMON,		/* the management daemon: libvirt's own reattach */
	RET_MONITOR,		/* a --hook rule or a unit named after the VM */
	RET_OTHER,
};

enum blocker_kind {
	BLOCK_NONE,
	BLOCK_OVERRIDE,		/* driver_override names a stub */
	BLOCK_DYNID,		/* a stub's dynamic id matches the device */
	BLOCK_PROBE,		/* the host driver's probe failed */
	BLOCK_WRITE,		/* the write failed for another reason */
};

/* What stood in the way of a return: the first failed attempt's cause. */
struct c_blocker {
	enum blocker_kind kind;
	const struct m_write *override;	/* the write that set it (NULL: at trace start) */
	char override_value[MODEL_DRV_LEN];
	const struct m_dynid *dynid;
	const struct m_trans *probe;
	const struct m_write *failed;	/* the attempt's failed write, if any */
};

#define C_ATTEMPTS_MAX	8
#define C_EPISODES_MAX	8

/* A move off the host driver after the return: left (unbind, remove, or a
 * bind to a stub), and where it landed. */
struct c_episode {
	const struct m_trans *leave;
	const struct m_trans *land;	/* a bind; NULL: no driver at the end */
	const struct m_trans *readd;	/* the device was re-added in between */
	const struct m_trans *removed;	/* the remove before that add */
	char host[MODEL_DRV_LEN];	/* the host driver it left */
};

struct custody {
	const struct m_vm *vm;
	char bdf[PCI_BDF_LEN];
	/* start */
	uint64_t start_seq_ns;		/* first move of the start sequence, or QEMU's start */
	bool host_known;		/* the driver before the start sequence is known */
	char host_before[MODEL_DRV_LEN];
	bool expect_return;		/* it came from a host driver, or a hook tries */
	/* stop */
	uint64_t stop_ns;		/* 0: still running at the end of the trace */
	uint64_t settle_ns;
	bool settled;			/* the trace goes on past settle_ns */
	const struct m_hook **hooks;	/* run for this stop: all of them, a
					 * --hook rule may match dozens */
	int n_hooks;
	size_t cap_hooks;
	bool daemon_seen;		/* qm cleanup / libvirt's reattach ran */
	/* return */
	const struct m_trans *ret;	/* first bind to a host driver after the stop */
	enum returner_kind ret_kind;
	const struct m_hook *ret_hook;	/* the hook behind the returner */
	bool late;			/* returned only after the stop sequence settled */
	/* return attempts that did not end on a host driver */
	const struct m_write *attempt_writes[C_ATTEMPTS_MAX];	/* the first ones */
	const struct m_trans *attempt_trans[C_ATTEMPTS_MAX];
	int n_attempts;
	long n_attempts_all;		/* all of them, kept or not */
	const struct m_trans *first_landing;	/* the first reprobe that landed on a stub */
	const struct m_trans *first_probe_fail;	/* the first failed probe */
	struct c_blocker blocker;
	char settled_driver[MODEL_DRV_LEN];	/* at settle_ns; "" none */
	/* after the return */
	struct c_episode episodes[C_EPISODES_MAX];	/* the first ones */
	int n_episodes;
	long n_moves;			/* all of them, kept or not */
	/* hand-over */
	uint64_t until_ns;		/* the next run's start sequence, or UINT64_MAX */
	const struct m_vm *next_vm;
};

struct custody_set {
	struct custody *v;
	size_t n, cap;
};

/* Custody of every device of every run of M (VM, DEVICE may narrow it):
 * 0, or -ENOMEM. */
int custody_build(const struct model *m, const char *vm, const char *device, struct custody_set *out);
void custody_free(struct custody_set *s);

/* Who is TASK (at TS) to these runs: a hook, a hook's child, the daemon, a
 * monitor, anyone; *HOOK gets the hook behind a hook kind. CHAIN/N_CHAIN:
 * its spawn chain (model_spawn_chain). */
enum returner_kind custody_actor(const struct model *m, const struct gt_task *task, uint64_t ts,
				 const struct m_spawn *chain, int n_chain, const struct m_hook **hook);

const char *returner_kind_name(enum returner_kind k);
const char *blocker_kind_name(enum blocker_kind k);

/* The driver_override of BDF at TS into VALUE ("" none): the write that
 * set it, or NULL when it comes from the start snapshot (or is unset). */
const struct m_write *custody_override_at(const struct model *m, const char *bdf, uint64_t ts,
					  char *value, size_t size);

/* A dynamic id of DRIVER (any stub when NULL) matching BDF's ids, in the
 * table at TS. */
const struct m_dynid *custody_stub_dynid(const struct model *m, const char *bdf, const char *driver,
					 uint64_t ts);

/* The acting task of a transition: its own, or the write in flight. */
const struct gt_task *trans_actor(const struct model *m, const struct m_trans *t);

#endif
