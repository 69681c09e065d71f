// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Custody of each device through each VM run (custody.h, docs/design.md). */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "findings/custody.h"
#include "util.h"

const char *returner_kind_name(enum returner_kind k)
{
	static const char *const names[] = { "", "hook", "hook_child", "daemon", "monitor", "other" };

	return names[k];
}

const char *blocker_kind_name(enum blocker_kind k)
{
	static const char *const names[] = { "", "stale_driver_override", "stale_dynamic_id",
					     "probe_error", "write_error" };

	return names[k];
}

const struct gt_task *trans_actor(const struct model *m, const struct m_trans *t)
{
	if (t->task_known)
		return t->task;
	if (t->cause >= 0)
		return m->writes[t->cause].task;
	return NULL;
}

static bool is_daemon_comm(const char *comm)
{
	/* comm is the thread's: libvirt acts from worker threads */
	static const char *const daemons[] = { "libvirtd", "virtqemud", "virtnodedevd", "qm",
					       "qmeventd", "pvedaemon", "pvedaemon worke",
					       "task UPID", "qemu-event", "rpc-virtqemud",
					       "rpc-libvirtd", "prio-rpc-libvir", "prio-rpc-virtq",
					       "rpc-worker", "virtqemud-prio", NULL };

	for (int i = 0; daemons[i]; i++)
		if (!strncmp(comm, daemons[i], GT_COMM_LEN))
			return true;
	return !strncmp(comm, "task UPID:", 10);
}

static const struct m_hook *hook_run_of(const struct model *m, const struct m_proc *p)
{
	return p ? model_hook_of_proc(m, p) : NULL;
}

enum returner_kind custody_actor(const struct model *m, const struct gt_task *task, uint64_t ts,
				 const struct m_spawn *chain, int n_chain, const struct m_hook **hook)
{
	const struct m_proc *self = model_proc_at(m, task->pid, ts);
	const struct m_hook *h;

	*hook = NULL;
	if (self && (!self->exit_ns || self->exit_ns >= ts) && (h = hook_run_of(m, self))) {
		*hook = h;
		return h->user_rule || !strcmp(h->phase, "unit") ? RET_MONITOR : RET_HOOK;
	}
	for (int i = 0; i < n_chain; i++)
		if ((h = hook_run_of(m, chain[i].proc))) {
			*hook = h;
			return h->user_rule || !strcmp(h->phase, "unit") ? RET_MONITOR : RET_HOOK_CHILD;
		}
	if (is_daemon_comm(task->comm))
		return RET_DAEMON;
	for (int i = 0; i < n_chain; i++)
		if (is_daemon_comm(chain[i].comm))
			return RET_DAEMON;
	return RET_OTHER;
}

/* A VM run that takes a device, by device then start: the next run to
 * take a device is a binary search, not a walk of every run per run. */
struct dev_run {
	const char *bdf;
	uint64_t start_ns;
	size_t vm;		/* in the model's vms */
};

/* What every custody looks up, gathered once: runs by device, processes
 * and hook runs by start (a custody looks at a window after its stop, not
 * at every process and hook of the trace), and a scratch list. */
struct custody_index {
	struct dev_run *runs;
	size_t n_runs, cap_runs;
	size_t *procs_by_start, *hooks_by_start;	/* indices, by start then index */
	size_t *procs_by_ppid;				/* ... by parent, then start, then index */
	size_t *monitors, n_monitors;			/* hooks that run on (--hook, units) */
	size_t *pick, n_pick, cap_pick;
	/* tree_end's pids, a set (open addressing, pid + 1, 0 empty): a hook
	 * may start thousands, each looked up for every process after it */
	uint64_t *tree;
	size_t cap_tree, n_tree;
};

static int cmp_dev_run(const void *a, const void *b)
{
	const struct dev_run *x = a, *y = b;
	int c = strcmp(x->bdf, y->bdf);

	if (c)
		return c;
	if (x->start_ns != y->start_ns)
		return x->start_ns < y->start_ns ? -1 : 1;
	return x->vm < y->vm ? -1 : x->vm > y->vm;
}

static bool is_monitor(const struct m_hook *h)
{
	return h->user_rule || !strcmp(h->phase, "unit");
}

static const struct model *sort_model;	/* the comparators below have no context */

static int cmp_proc_start(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	uint64_t sx = sort_model->procs[x].start_ns, sy = sort_model->procs[y].start_ns;

	if (sx != sy)
		return sx < sy ? -1 : 1;
	return x < y ? -1 : x > y;
}

static int cmp_hook_start(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	uint64_t sx = sort_model->hooks[x].start_ns, sy = sort_model->hooks[y].start_ns;

	if (sx != sy)
		return sx < sy ? -1 : 1;
	return x < y ? -1 : x > y;
}

static int cmp_proc_ppid(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	const struct m_proc *px = &sort_model->procs[x], *py = &sort_model->procs[y];

	if (px->ppid != py->ppid)
		return px->ppid < py->ppid ? -1 : 1;
	return cmp_proc_start(a, b);
}

static void custody_index_free(struct custody_index *x)
{
	free(x->runs);
	free(x->procs_by_start);
	free(x->procs_by_ppid);
	free(x->hooks_by_start);
	free(x->monitors);
	free(x->pick);
	free(x->tree);
}

/* X for M; 0 or -ENOMEM. */
static int custody_index_build(const struct model *m, struct custody_index *x)
{
	memset(x, 0, sizeof(*x));
	for (size_t i = 0; i < m->n_vms; i++)
		for (int d = 0; m->vms[i].start_ns && d < m->vms[i].n_devs; d++) {
			struct dev_run *e = array_push((void **)&x->runs, &x->n_runs, &x->cap_runs, sizeof(*e));

			if (!e)
				return -ENOMEM;
			*e = (struct dev_run){ .bdf = m->vms[i].devs[d], .start_ns = m->vms[i].start_ns, .vm = i };
		}
	array_sort(x->runs, x->n_runs, sizeof(*x->runs), cmp_dev_run);
	x->procs_by_start = reallocarray(NULL, m->n_procs ? m->n_procs : 1, sizeof(size_t));
	x->procs_by_ppid = reallocarray(NULL, m->n_procs ? m->n_procs : 1, sizeof(size_t));
	x->hooks_by_start = reallocarray(NULL, m->n_hooks ? m->n_hooks : 1, sizeof(size_t));
	x->monitors = reallocarray(NULL, m->n_hooks ? m->n_hooks : 1, sizeof(size_t));
	if (!x->procs_by_start || !x->procs_by_ppid || !x->hooks_by_start || !x->monitors)
		return -ENOMEM;
	for (size_t i = 0; i < m->n_procs; i++)
		x->procs_by_start[i] = x->procs_by_ppid[i] = i;
	for (size_t i = 0; i < m->n_hooks; i++) {
		x->hooks_by_start[i] = i;
		if (is_monitor(&m->hooks[i]))
			x->monitors[x->n_monitors++] = i;
	}
	sort_model = m;
	array_sort(x->procs_by_start, m->n_procs, sizeof(size_t), cmp_proc_start);
	array_sort(x->procs_by_ppid, m->n_procs, sizeof(size_t), cmp_proc_ppid);
	array_sort(x->hooks_by_start, m->n_hooks, sizeof(size_t), cmp_hook_start);
	sort_model = NULL;
	return 0;
}

static size_t first_proc_at(const struct model *m, const struct custody_index *x, uint64_t ts)
{
	return index_lower_bound_u64(x->procs_by_start, m->n_procs, m->procs, sizeof(*m->procs),
				     offsetof(struct m_proc, start_ns), ts);
}

static bool pick_push(struct custody_index *x, size_t i)
{
	return index_push(&x->pick, &x->n_pick, &x->cap_pick, i);
}

/* X->pick in the model's order, each index once. */
static void pick_finish(struct custody_index *x)
{
	index_sort_unique(x->pick, &x->n_pick);
}

static bool is_stub_bind(const struct m_trans *t)
{
	return t->kind == M_BIND && driver_is_stub(t->driver);
}

/* The start sequence of RUN for BDF: its last bind to a stub in the window
 * before QEMU's start, from the unbind (from a host driver) that came
 * right before that bind; QEMU's start when no bind to a stub is there. */
static uint64_t start_sequence(const struct model *m, const struct m_vm *run, const char *bdf)
{
	const struct m_trans *bind = NULL, *leave = NULL;

	const struct m_dev_trans *e;
	size_t n;

	if (!run->start_ns)
		return 0;
	e = model_dev_trans(m, bdf, run->start_ns > CUSTODY_START_WINDOW_NS ?
				    run->start_ns - CUSTODY_START_WINDOW_NS : 0, &n);
	for (size_t k = 0; k < n && m->trans[e[k].trans].ts_ns <= run->start_ns; k++) {
		const struct m_trans *t = &m->trans[e[k].trans];

		if (t->ts_ns + CUSTODY_START_WINDOW_NS < run->start_ns)
			continue;
		if (t->kind == M_UNBIND || t->kind == M_REMOVE)
			leave = t;
		if (is_stub_bind(t)) {
			bind = t;
			if (leave && leave->ts_ns > t->ts_ns)
				leave = NULL;
		}
	}
	if (!bind)
		return run->start_ns;
	return leave && leave->ts_ns <= bind->ts_ns ? leave->ts_ns : bind->ts_ns;
}

/* The next run of any VM that takes BDF after AFTER: its start sequence
 * (the earliest; of two alike, the first run in the model). A start
 * sequence begins at most CUSTODY_START_WINDOW_NS before its run's start:
 * runs that start later than that after the best cannot beat it. */
static uint64_t next_taker(const struct model *m, const struct custody_index *x, const struct m_vm *self,
			   const char *bdf, uint64_t after, const struct m_vm **who)
{
	const struct dev_run key = { .bdf = bdf, .start_ns = after + 1, .vm = 0 };
	uint64_t best = UINT64_MAX;

	*who = NULL;
	if (after == UINT64_MAX)
		return best;	/* nothing starts after the end of time */
	for (size_t k = array_lower_bound(x->runs, x->n_runs, sizeof(key), &key, cmp_dev_run);
	     k < x->n_runs && !strcmp(x->runs[k].bdf, bdf); k++) {
		const struct m_vm *v = &m->vms[x->runs[k].vm];
		uint64_t s;

		if (best != UINT64_MAX && v->start_ns > best && v->start_ns - best > CUSTODY_START_WINDOW_NS)
			break;
		if (v == self)
			continue;
		s = start_sequence(m, v, bdf);
		s = s > after ? s : after + 1;
		if (s < best || (s == best && v < *who)) {
			best = s;
			*who = v;
		}
	}
	return best;
}

/* H once: the picks it comes from are unique. False without memory. */
static bool add_hook(struct custody *c, const struct m_hook *h)
{
	if (array_reserve((void **)&c->hooks, &c->cap_hooks, (size_t)c->n_hooks + 1,
			  sizeof(*c->hooks)))
		return false;
	c->hooks[c->n_hooks++] = h;
	return true;
}

/* The hooks of this stop: after-stop hooks of the VM starting around it
 * and before the device is taken again, and monitors alive at the stop; in
 * the model's order. False without memory. */
static bool stop_hooks(const struct model *m, struct custody_index *x, struct custody *c)
{
	uint64_t from = c->stop_ns > CUSTODY_HOOK_EARLY_NS ? c->stop_ns - CUSTODY_HOOK_EARLY_NS : 0;
	uint64_t to = c->stop_ns + CUSTODY_STOP_MAX_NS;

	to = to < c->until_ns ? to : c->until_ns;
	x->n_pick = 0;
	for (size_t k = index_lower_bound_u64(x->hooks_by_start, m->n_hooks, m->hooks,
					      sizeof(*m->hooks), offsetof(struct m_hook, start_ns), from);
	     k < m->n_hooks && m->hooks[x->hooks_by_start[k]].start_ns < to; k++)
		if (!pick_push(x, x->hooks_by_start[k]))
			return false;
	for (size_t k = 0; k < x->n_monitors; k++)
		if (!pick_push(x, x->monitors[k]))
			return false;
	pick_finish(x);
	for (size_t p = 0; p < x->n_pick; p++) {
		const struct m_hook *h = &m->hooks[x->pick[p]];
		bool monitor = is_monitor(h);

		if (!hook_for_vm(h, c->vm->id) || !hook_is_after_stop(h))
			continue;
		if (((h->start_ns >= from && h->start_ns < to) ||
		     (monitor && h->start_ns < c->stop_ns && (!h->end_ns || h->end_ns >= c->stop_ns))) &&
		    !add_hook(c, h))
			return false;
	}
	return true;
}

static size_t tree_slot(const struct custody_index *x, uint32_t pid)
{
	size_t k = (pid * 2654435761u) & (x->cap_tree - 1);

	while (x->tree[k] && x->tree[k] != (uint64_t)pid + 1)
		k = (k + 1) & (x->cap_tree - 1);
	return k;
}

static bool tree_has(const struct custody_index *x, uint32_t pid)
{
	return x->tree[tree_slot(x, pid)] != 0;
}

/* Adds PID to the set, kept at most half full. False without memory. */
static bool tree_add(struct custody_index *x, uint32_t pid)
{
	if ((x->n_tree + 1) * 2 > x->cap_tree) {
		uint64_t *old = x->tree;
		size_t old_cap = x->cap_tree;

		if (old_cap > SIZE_MAX / 4 ||
		    !(x->tree = calloc(old_cap ? old_cap * 2 : 64, sizeof(*x->tree)))) {
			x->tree = old;
			return false;
		}
		x->cap_tree = old_cap ? old_cap * 2 : 64;
		for (size_t i = 0; i < old_cap; i++)
			if (old[i])
				x->tree[tree_slot(x, (uint32_t)(old[i] - 1))] = old[i];
		free(old);
	}
	x->tree[tree_slot(x, pid)] = (uint64_t)pid + 1;
	x->n_tree++;
	return true;
}

struct child_search {
	const struct model *m;
	const size_t *by_ppid;
	uint32_t ppid;
	uint64_t from;
};

static bool child_before(size_t i, const void *ctx)
{
	const struct child_search *s = ctx;
	const struct m_proc *p = &s->m->procs[s->by_ppid[i]];

	return p->ppid < s->ppid || (p->ppid == s->ppid && p->start_ns < s->from);
}

/* Latest exit of the processes a hook started while it ran (its spawn tree
 * by exec-time parents), bounded by CAP; *OPEN when one had not exited by
 * then. The tree is walked down from the hook's pid through each parent's
 * children, not by looking at every process started after the hook: 40k
 * hook runs of one stop each looked at every later process. */
static int tree_end(const struct model *m, struct custody_index *x, const struct m_hook *h,
		    uint64_t cap, bool *open, uint64_t *out)
{
	uint64_t end = h->end_ns;

	/* emptied for this hook: a large set left by a big tree is dropped,
	 * not cleared again for every hook after it */
	if (x->cap_tree > 1024) {
		free(x->tree);
		x->tree = NULL;
		x->cap_tree = 0;
	} else if (x->cap_tree) {
		memset(x->tree, 0, x->cap_tree * sizeof(*x->tree));
	}
	x->n_tree = 0;
	/* X->pick: the pids of the tree whose children are still to see */
	x->n_pick = 0;
	if (!tree_add(x, h->proc->pid) || !pick_push(x, h->proc->pid))
		return -ENOMEM;
	for (size_t q = 0; q < x->n_pick; q++) {
		struct child_search key = { m, x->procs_by_ppid, (uint32_t)x->pick[q],
					    h->start_ns ? h->start_ns : 1 };

		for (size_t k = partition_point(m->n_procs, child_before, &key); k < m->n_procs; k++) {
			const struct m_proc *p = &m->procs[x->procs_by_ppid[k]];

			if (p->ppid != key.ppid || p->start_ns > cap)
				break;
			if (!tree_has(x, p->pid) && (!tree_add(x, p->pid) || !pick_push(x, p->pid)))
				return -ENOMEM;
			if (!p->exit_ns || p->exit_ns > cap)
				*open = true;
			else if (p->exit_ns > end)
				end = p->exit_ns;
		}
	}
	*out = end;
	return 0;
}

/* Does W act on BDF: a write about it, or a rescan (which may add it)? */
static bool write_touches(const struct m_write *w, const char *bdf)
{
	return !strcmp(w->bdf, bdf) || !strcmp(w->attr, "rescan");
}

/* The stop sequence is over once every hook of the stop and what it
 * started have exited, the daemon's cleanup has run and the writes on the
 * device by any of them are done; then the grace for probes and udev. */
static int settle(const struct model *m, struct custody_index *x, struct custody *c)
{
	uint64_t cap = c->stop_ns + CUSTODY_STOP_MAX_NS, s = c->stop_ns;
	bool open = false;

	for (int i = 0; i < c->n_hooks; i++) {
		const struct m_hook *h = c->hooks[i];

		if (h->user_rule || !strcmp(h->phase, "unit"))
			continue;	/* monitors run on: their writes count below */
		if (!h->end_ns) {
			open = true;
			continue;
		}
		s = h->end_ns > s ? h->end_ns : s;
		if (h->proc) {
			uint64_t e;

			if (tree_end(m, x, h, cap, &open, &e) < 0)
				return -ENOMEM;
			s = e > s ? e : s;
		}
	}
	for (size_t k = first_proc_at(m, x, c->stop_ns > CUSTODY_HOOK_EARLY_NS ?
					     c->stop_ns - CUSTODY_HOOK_EARLY_NS : 0);
	     k < m->n_procs && m->procs[x->procs_by_start[k]].start_ns < cap; k++) {
		const struct m_proc *p = &m->procs[x->procs_by_start[k]];

		/* Proxmox: qm cleanup (qmeventd's) ends the stop */
		if (!strcmp(p->comm, "qm") && memmem(p->argv, p->argv_len, "cleanup", 8)) {
			c->daemon_seen = true;
			if (!p->exit_ns)
				open = true;
			else if (p->exit_ns > s)
				s = p->exit_ns;
		}
	}
	for (size_t i = model_first_at(m->writes, m->n_writes, c->stop_ns); i < m->n_writes && m->writes[i].ts_ns <= cap; i++) {
		const struct m_write *w = &m->writes[i];
		const struct m_hook *h;
		struct m_spawn chain[M_SPAWN_MAX];
		int n;

		if (w->ts_ns >= c->until_ns || !write_touches(w, c->bdf))
			continue;
		n = model_spawn_chain(m, w->task, w->ts_ns, chain);
		if (custody_actor(m, w->task, w->ts_ns, chain, n, &h) == RET_OTHER)
			continue;
		if (is_daemon_comm(w->task->comm))
			c->daemon_seen = true;
		s = w->end_ns > s ? w->end_ns : s;
	}
	c->settle_ns = s + CUSTODY_SETTLE_GRACE_NS;
	if (c->settle_ns > c->until_ns)
		c->settle_ns = c->until_ns;
	c->settled = !open && model_last_ns_of(m, c->vm->proc) >= c->settle_ns;
	return 0;
}

/* The driver_override of BDF at TS: the last successful write, else the
 * start snapshot's. */
const struct m_write *custody_override_at(const struct model *m, const char *bdf, uint64_t ts,
					 char *value, size_t size)
{
	const struct m_write *best = NULL;

	value[0] = 0;
	for (size_t i = 0; i < m->n_pci; i++)
		if (!strcmp(m->pci[i].bdf, bdf) && strcmp(m->pci[i].override, "(null)"))
			strlcpy0(value, m->pci[i].override, size);
	/* the last before TS: writes are in time order */
	for (size_t i = model_first_at(m->writes, m->n_writes, ts); i > 0 && !best; i--) {
		const struct m_write *w = &m->writes[i - 1];

		if (w->ret > 0 && !strcmp(w->attr, "driver_override") && !strcmp(w->bdf, bdf))
			best = w;
	}
	if (best) {
		/* the kernel keeps what comes before the first newline: a
		 * lone one clears the override (libvirt's reattach) */
		strlcpy0(value, best->value, size);
		value[strcspn(value, "\n")] = 0;
	}
	/* a removed device takes its override with it; a re-added one has none */
	if (value[0]) {
		const struct m_trans *gone = model_last_trans(m, bdf, ts, M_REMOVE);
		const struct m_trans *added = model_last_trans(m, bdf, ts, M_ADD);

		if ((gone && (!best || gone->ts_ns > best->ts_ns)) ||
		    (added && (!best || added->ts_ns > best->ts_ns))) {
			value[0] = 0;
			return NULL;
		}
	}
	return best;
}

static const struct m_pci *pci_of(const struct model *m, const char *bdf)
{
	for (size_t i = 0; i < m->n_pci; i++)
		if (!strcmp(m->pci[i].bdf, bdf))
			return &m->pci[i];
	return NULL;
}

/* A stub's dynamic id matching BDF's ids, in the table at TS. */
const struct m_dynid *custody_stub_dynid(const struct model *m, const char *bdf, const char *driver,
					uint64_t ts)
{
	const struct m_pci *d = pci_of(m, bdf);

	for (size_t i = 0; d && i < m->n_dynids; i++) {
		const struct m_dynid *y = &m->dynids[i];

		if ((driver ? !strcmp(y->driver, driver) : driver_is_stub(y->driver)) &&
		    y->vendor == d->vendor && y->device == d->device && y->ts_ns < ts &&
		    (!y->removed_ns || y->removed_ns > ts))
			return y;
	}
	return NULL;
}

/* What blocked the return, checked in the order the kernel decides: an
 * override naming a stub refuses every other driver (a bind gets ENODEV, a
 * reprobe lands on the stub); a host driver's failed probe is its own
 * error; a stub's dynamic id matters only when a reprobe landed on that
 * stub (an explicit bind of the host driver ignores it); else the write's
 * own error. */
static void find_blocker(const struct model *m, struct custody *c, uint64_t ts,
			 const struct m_write *failed, const struct m_trans *landed)
{
	struct c_blocker *b = &c->blocker;
	const struct m_write *ov = custody_override_at(m, c->bdf, ts, b->override_value,
						       sizeof(b->override_value));

	b->failed = failed;
	if (b->override_value[0] && driver_is_stub(b->override_value) &&
	    (landed || !failed || failed->ret == -ENODEV)) {
		b->kind = BLOCK_OVERRIDE;
		b->override = ov;
		return;
	}
	b->override_value[0] = 0;
	if (c->first_probe_fail) {
		b->kind = BLOCK_PROBE;
		b->probe = c->first_probe_fail;
		return;
	}
	if (landed && (b->dynid = custody_stub_dynid(m, c->bdf, landed->driver, ts))) {
		b->kind = BLOCK_DYNID;
		return;
	}
	b->kind = failed ? BLOCK_WRITE : BLOCK_NONE;
}

static bool binding_attr(const char *attr)
{
	static const char *const attrs[] = { "bind", "unbind", "drivers_probe", "driver_override",
					     "remove", "rescan", NULL };

	for (int i = 0; attrs[i]; i++)
		if (!strcmp(attr, attrs[i]))
			return true;
	return false;
}

static bool failed_return_write(const struct m_write *w, const char *bdf)
{
	return w->ret < 0 && binding_attr(w->attr) && write_touches(w, bdf);
}

static bool failed_return_trans(const struct m_trans *t)
{
	return (t->kind == M_PROBE_FAIL && t->err != -ENODEV && t->err != -ENXIO) ||
	       is_stub_bind(t);
}

/* One attempt more: the first C_ATTEMPTS_MAX are kept, all are counted. */
static void keep_attempt(struct custody *c, const struct m_write *w, const struct m_trans *t)
{
	if (c->n_attempts < C_ATTEMPTS_MAX) {
		c->attempt_writes[c->n_attempts] = w;
		c->attempt_trans[c->n_attempts++] = t;
	}
	c->n_attempts_all++;
}

/* Return attempts between the stop and END that did not end on a host
 * driver, in time order: failed writes on the device, failed probes,
 * reprobes that landed on a stub. Every one is looked at, not only those
 * kept: a hook retrying its bind in a loop must not hide the reprobe that
 * landed on the stub, nor the probe that failed, after its tenth try. */
static void attempts(const struct model *m, struct custody *c, uint64_t end)
{
	const struct m_write *first_failed = NULL;
	const struct m_trans *first_stub = NULL;
	uint64_t first_ts;

	const struct m_dev_trans *e;
	size_t i = model_first_at(m->writes, m->n_writes, c->stop_ns), k = 0, n;

	e = model_dev_trans(m, c->bdf, c->stop_ns, &n);
	for (;;) {
		const struct m_write *w = NULL;
		const struct m_trans *t = NULL;

		for (; i < m->n_writes && m->writes[i].ts_ns <= end; i++)
			if (failed_return_write(&m->writes[i], c->bdf)) {
				w = &m->writes[i];
				break;
			}
		for (; k < n && m->trans[e[k].trans].ts_ns <= end; k++)
			if (failed_return_trans(&m->trans[e[k].trans])) {
				t = &m->trans[e[k].trans];
				break;
			}
		if (!w && !t)
			break;
		if (w && (!t || w->ts_ns <= t->ts_ns)) {	/* a write before what it causes */
			keep_attempt(c, w, NULL);
			if (!first_failed)
				first_failed = w;
			i++;
			continue;
		}
		keep_attempt(c, t->cause >= 0 ? &m->writes[t->cause] : NULL, t);
		if (is_stub_bind(t) && !first_stub)
			first_stub = t;
		if (t->kind == M_PROBE_FAIL && !c->first_probe_fail)
			c->first_probe_fail = t;
		k++;
	}
	if (!c->n_attempts_all)
		return;
	c->first_landing = first_stub;
	first_ts = first_failed ? first_failed->ts_ns : UINT64_MAX;
	if (first_stub && first_stub->ts_ns < first_ts)
		first_ts = first_stub->ts_ns;
	if (first_ts == UINT64_MAX)
		first_ts = c->first_probe_fail ? c->first_probe_fail->ts_ns : c->stop_ns;
	find_blocker(m, c, first_ts, first_failed && first_failed->ts_ns <= first_ts ? first_failed : NULL,
		     first_stub && first_stub->ts_ns <= first_ts ? first_stub : NULL);
}

/* Every move off the host driver after the return, until the hand-over:
 * left, and where it landed; a landing back on a host driver closes an
 * episode as harmless (libvirt's reattach, a rescan that came back). */
static void episodes(const struct model *m, struct custody *c)
{
	struct c_episode cur = { 0 };
	bool on_host = true, out = false;
	char host[MODEL_DRV_LEN];

	const struct m_dev_trans *e;
	size_t n;

	strlcpy0(host, c->ret->driver, sizeof(host));
	e = model_dev_trans(m, c->bdf, c->ret->ts_ns, &n);
	for (size_t k = 0; k < n && m->trans[e[k].trans].ts_ns < c->until_ns; k++) {
		const struct m_trans *t = &m->trans[e[k].trans];

		if (t->ts_ns <= c->ret->ts_ns || t == c->ret)
			continue;
		if (on_host && (t->kind == M_UNBIND || t->kind == M_REMOVE || is_stub_bind(t))) {
			memset(&cur, 0, sizeof(cur));
			cur.leave = t;
			strlcpy0(cur.host, host, sizeof(cur.host));
			on_host = false;
			out = true;
		}
		if (!out && !on_host && t->kind == M_BIND && !driver_is_stub(t->driver)) {
			/* given back to a host driver after a landing on a stub:
			 * its next move off it is one more, not left unseen */
			on_host = true;
			strlcpy0(host, t->driver, sizeof(host));
			continue;
		}
		if (!out)
			continue;
		if (t->kind == M_REMOVE)
			cur.removed = t;
		if (t->kind == M_ADD)
			cur.readd = t;
		if (t->kind == M_BIND) {
			cur.land = t;
			c->n_moves++;
			if (c->n_episodes < C_EPISODES_MAX)
				c->episodes[c->n_episodes++] = cur;
			out = false;
			on_host = !driver_is_stub(t->driver);
			if (on_host)
				strlcpy0(host, t->driver, sizeof(host));
		}
	}
	if (out) {
		c->n_moves++;
		if (c->n_episodes < C_EPISODES_MAX)
			c->episodes[c->n_episodes++] = cur;	/* no driver at the end */
	}
}

/* Did anything write on the device between the stop and the settle? */
static bool touched_after_stop(const struct model *m, const struct custody *c)
{
	for (size_t i = model_first_at(m->writes, m->n_writes, c->stop_ns); i < m->n_writes && m->writes[i].ts_ns <= c->settle_ns;
	     i++) {
		const struct m_write *w = &m->writes[i];

		if (binding_attr(w->attr) &&
		    strcmp(w->attr, "rescan") && write_touches(w, c->bdf))
			return true;
	}
	return false;
}

static int one(const struct model *m, struct custody_index *x, const struct m_vm *vm, const char *bdf,
	       struct custody *c)
{
	const struct m_dev_trans *e;
	const char *before;
	size_t n;

	memset(c, 0, sizeof(*c));
	c->vm = vm;
	strlcpy0(c->bdf, bdf, sizeof(c->bdf));
	c->start_seq_ns = start_sequence(m, vm, bdf);
	before = vm->start_ns ? model_driver_before(m, bdf, c->start_seq_ns) : NULL;
	c->host_known = before != NULL;
	strlcpy0(c->host_before, before ? before : "", sizeof(c->host_before));
	c->stop_ns = vm->stop_ns;
	c->until_ns = next_taker(m, x, vm, bdf, vm->stop_ns ? vm->stop_ns : UINT64_MAX - 1, &c->next_vm);
	/* nothing of a later boot is this stop's doing */
	if (m->n_boots > 1 && c->until_ns > model_last_ns_of(m, vm->proc) + 1)
		c->until_ns = model_last_ns_of(m, vm->proc) + 1;
	if (!c->stop_ns)
		return 0;
	if (!stop_hooks(m, x, c))
		return -ENOMEM;
	if (settle(m, x, c) < 0)
		return -ENOMEM;
	e = model_dev_trans(m, bdf, c->stop_ns, &n);
	for (size_t k = 0; k < n && m->trans[e[k].trans].ts_ns < c->until_ns; k++) {
		const struct m_trans *t = &m->trans[e[k].trans];
		const struct gt_task *who;

		if (t->ts_ns <= c->stop_ns || t->kind != M_BIND || driver_is_stub(t->driver))
			continue;
		c->ret = t;
		c->late = c->settled && t->ts_ns > c->settle_ns;
		if ((who = trans_actor(m, t))) {
			struct m_spawn chain[M_SPAWN_MAX];
			int n = model_spawn_chain(m, who, t->ts_ns, chain);

			c->ret_kind = custody_actor(m, who, t->ts_ns, chain, n, &c->ret_hook);
		}
		break;
	}
	if (!c->ret || c->late)
		attempts(m, c, c->ret ? c->ret->ts_ns : c->settle_ns);
	before = model_driver_before(m, bdf, c->settle_ns);
	strlcpy0(c->settled_driver, before ? before : "", sizeof(c->settled_driver));
	/* expected back: it came from a host driver, or someone tried. A GPU on
	 * vfio-pci from boot stays there, whatever hooks run for other reasons
	 * (CPU pinning, hugepages). */
	c->expect_return = (c->host_known && c->host_before[0] && !driver_is_stub(c->host_before)) ||
			   c->n_attempts || c->ret || touched_after_stop(m, c);
	if (c->ret)
		episodes(m, c);
	return 0;
}

int custody_build(const struct model *m, const char *vmf, const char *devf, struct custody_set *out)
{
	struct custody_index x;

	if (custody_index_build(m, &x) < 0) {
		custody_index_free(&x);
		return -ENOMEM;
	}
	for (size_t v = 0; v < m->n_vms; v++) {
		const struct m_vm *vm = &m->vms[v];

		if (vmf && strcmp(vmf, vm->id))
			continue;
		for (int d = 0; d < vm->n_devs; d++) {
			if (devf && strcmp(devf, vm->devs[d]))
				continue;
			if (array_reserve((void **)&out->v, &out->cap, out->n + 1, sizeof(*out->v)) ||
			    one(m, &x, vm, vm->devs[d], &out->v[out->n++]) < 0) {
				custody_index_free(&x);
				return -ENOMEM;
			}
		}
	}
	custody_index_free(&x);
	return 0;
}

void custody_free(struct custody_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].hooks);
	free(s->v);
	memset(s, 0, sizeof(*s));
}
