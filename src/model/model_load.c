// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* One pass over the records of the traces into the model. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "sys/vmconf.h"
#include "trace/event_decode.h"
#include "trace/trace.h"
#include "util.h"

/* A copy of S (LEN bytes, then a NUL) that lives as long as M; NULL when
 * out of memory. */
static const char *text_copy(struct model *m, const char *s, size_t len)
{
	return text_store_copy(&m->text, s, len);
}

/* Blocks double from TASK_BLOCK_FIRST tasks up to TASK_BLOCK_LARGEST, as
 * the text store's do: a short trace does not take a quarter megabyte for
 * a thousand tasks it will never see. */
#define TASK_BLOCK_FIRST	16
#define TASK_BLOCK_LARGEST	1024

struct m_task_block {
	struct m_task_block *next;
	size_t used;
	size_t cap;
	struct gt_task task[];
};

/* No task seen: a uevent's transition, a dynamic id older than the trace. */
static const struct gt_task no_task;

/* T as stored in M: the last one stored when it is the same task; NULL
 * when out of memory. */
static const struct gt_task *task_of(struct model *m, const struct gt_task *t)
{
	struct m_task_block *b = m->task_blocks;

	if (m->last_task && !memcmp(m->last_task, t, sizeof(*t)))
		return m->last_task;
	if (!b || b->used == b->cap) {
		size_t cap = !b ? TASK_BLOCK_FIRST :
			     b->cap >= TASK_BLOCK_LARGEST / 2 ? TASK_BLOCK_LARGEST : b->cap * 2;

		if (!(b = malloc(sizeof(*b) + cap * sizeof(b->task[0]))))
			return NULL;
		b->used = 0;
		b->cap = cap;
		b->next = m->task_blocks;
		m->task_blocks = b;
	}
	b->task[b->used] = *t;
	return m->last_task = &b->task[b->used++];
}

/* S up to its NUL or MAX bytes; "" when out of memory. */
static const char *text_str(struct model *m, const char *s, size_t max)
{
	const char *copy = text_copy(m, s, strnlen(s, max));

	return copy ? copy : "";
}

/* Every time in the model is wall clock: traces from different boots (a
 * baseline, a problem, a recovery) then line up, and pids reused across
 * boots are told apart by time. */
static uint64_t wall_ns(const struct model *m, uint64_t mono)
{
	return mono ? mono + m->shift : 0;
}

/* A slot at the end of M's FIELD array; NULL (and M->oom) without memory:
 * a record dropped for want of memory fails the load, never goes unsaid. */
#define PUSH(m, field) model_kept(m, array_push((void **)&(m)->field, &(m)->n_##field, \
						&(m)->cap_##field, sizeof(*(m)->field)))

static int cmp_dev_trans(const void *a, const void *b)
{
	const struct m_dev_trans *x = a, *y = b;
	int c = strcmp(x->bdf, y->bdf);

	if (c)
		return c;
	return x->trans < y->trans ? -1 : x->trans > y->trans;
}

/* M->trans_by_dev from M->trans (in time order by then); 0 or -ENOMEM. */
static int index_trans(struct model *m)
{
	struct m_dev_trans *v;

	free(m->trans_by_dev);
	m->trans_by_dev = NULL;
	if (!m->n_trans)
		return 0;
	if (m->n_trans >= M_NO_TRANS || !(v = reallocarray(NULL, m->n_trans, sizeof(*v))))
		return -ENOMEM;
	for (size_t i = 0; i < m->n_trans; i++)
		v[i] = (struct m_dev_trans){ .bdf = m->trans[i].bdf, .trans = i };
	/* one run in order for a storm on one device: one pass */
	array_sort(v, m->n_trans, sizeof(*v), cmp_dev_trans);
	for (size_t i = 0; i < m->n_trans; i++) {
		enum m_trans_kind kind = m->trans[v[i].trans].kind;

		if (i && !strcmp(v[i - 1].bdf, v[i].bdf)) {
			v[i].last_change = v[i - 1].last_change;
			v[i].last_remove = v[i - 1].last_remove;
			v[i].last_add = v[i - 1].last_add;
		} else {
			v[i].last_change = v[i].last_remove = v[i].last_add = M_NO_TRANS;
		}
		if (kind == M_BIND || kind == M_UNBIND || kind == M_REMOVE)
			v[i].last_change = v[i].trans;
		if (kind == M_REMOVE)
			v[i].last_remove = v[i].trans;
		if (kind == M_ADD)
			v[i].last_add = v[i].trans;
	}
	m->trans_by_dev = v;
	return 0;
}

/* BDF's entries in the index: [*lo, *hi), by two binary searches (a walk
 * to the end of a device's entries made every lookup linear in them). */
static void dev_range(const struct model *m, const char *bdf, size_t *lo, size_t *hi)
{
	size_t n = m->trans_by_dev ? m->n_trans : 0;

	*lo = array_lower_bound(m->trans_by_dev, n, sizeof(*m->trans_by_dev),
				&(struct m_dev_trans){ .bdf = bdf, .trans = 0 }, cmp_dev_trans);
	*hi = array_lower_bound(m->trans_by_dev, n, sizeof(*m->trans_by_dev),
				&(struct m_dev_trans){ .bdf = bdf, .trans = M_NO_TRANS }, cmp_dev_trans);
}

/* The first of BDF's entries [LO, HI) whose transition is at or after TS
 * (a device's entries are in time order). */
struct dev_search {
	const struct model *m;
	size_t lo;
	uint64_t ts;
};

static bool dev_entry_before(size_t i, const void *ctx)
{
	const struct dev_search *s = ctx;

	return s->m->trans[s->m->trans_by_dev[s->lo + i].trans].ts_ns < s->ts;
}

static size_t dev_first_at(const struct model *m, size_t lo, size_t hi, uint64_t ts)
{
	return lo + partition_point(hi - lo, dev_entry_before, &(struct dev_search){ m, lo, ts });
}

/* The last entry of BDF whose transition is before TS, or NULL. */
static const struct m_dev_trans *dev_last_before(const struct model *m, const char *bdf, uint64_t ts)
{
	size_t first, end, k;

	dev_range(m, bdf, &first, &end);
	k = dev_first_at(m, first, end, ts);
	return k > first ? &m->trans_by_dev[k - 1] : NULL;
}

const struct m_dev_trans *model_dev_trans(const struct model *m, const char *bdf, uint64_t from_ts,
					  size_t *n)
{
	size_t first, end, k;

	dev_range(m, bdf, &first, &end);
	k = dev_first_at(m, first, end, from_ts);
	*n = end - k;
	return *n ? &m->trans_by_dev[k] : NULL;
}

const char *model_driver_before(const struct model *m, const char *bdf, uint64_t ts)
{
	const struct m_dev_trans *last = dev_last_before(m, bdf, ts);
	size_t first, end;
	const char *drv = NULL;

	dev_range(m, bdf, &first, &end);

	for (size_t i = 0; i < m->n_pci; i++)
		if (!strcmp(m->pci[i].bdf, bdf))
			drv = m->pci[i].driver;
	/* only a bound device can be unbound: a snapshot that caught it between
	 * drivers (or none at all) is told by its first unbind */
	if ((!drv || !drv[0]) && first < end) {
		const struct m_trans *t = &m->trans[m->trans_by_dev[first].trans];

		if (t->kind == M_UNBIND && t->driver[0])
			drv = t->driver;
	}
	if (last && last->last_change != M_NO_TRANS) {
		const struct m_trans *t = &m->trans[last->last_change];

		drv = t->kind == M_BIND ? t->driver : "";
	}
	return drv;
}

const struct m_trans *model_last_trans(const struct model *m, const char *bdf, uint64_t ts,
				       enum m_trans_kind kind)
{
	const struct m_dev_trans *last = dev_last_before(m, bdf, ts);
	uint32_t i = !last ? M_NO_TRANS : kind == M_REMOVE ? last->last_remove :
		     kind == M_ADD ? last->last_add : M_NO_TRANS;

	return i == M_NO_TRANS ? NULL : &m->trans[i];
}

bool model_knows_device(const struct model *m, const char *bdf)
{
	for (size_t i = 0; i < m->n_pci; i++)
		if (!strcmp(m->pci[i].bdf, bdf))
			return true;
	for (size_t i = 0; i < m->n_trans; i++)
		if (!strcmp(m->trans[i].bdf, bdf))
			return true;
	for (size_t i = 0; i < m->n_vms; i++)
		for (int d = 0; d < m->vms[i].n_devs; d++)
			if (!strcmp(m->vms[i].devs[d], bdf))
				return true;
	for (size_t i = 0; i < m->n_writes; i++)
		if (!strcmp(m->writes[i].bdf, bdf))
			return true;
	return false;
}

static void set_argv(struct model *m, struct m_proc *p, const void *argv, size_t len)
{
	const char *copy = text_copy(m, argv, len);

	p->argv = copy ? copy : "";
	p->argv_len = copy ? len : 0;
}

/* A new process generation, every string empty. */
/* Loading: the newest process record of each pid of each boot, in an
 * open-addressing table (every exec and exit asks; a scan of all records
 * made a 1 M-event trace quadratic). A pid of another boot is another
 * process: its exit must not end this boot's, its start snapshot must not
 * be taken for this boot's. Its slot for BOOT's PID: theirs, or the empty
 * one to take. */
static size_t pid_slot(const struct model *m, uint32_t boot, uint32_t pid)
{
	/* the high half of a 64-bit product: every bit of boot and pid in it */
	uint64_t key = ((uint64_t)boot << 32 | pid) * 0x9e3779b97f4a7c15ull;
	size_t mask = m->cap_latest - 1, i = (size_t)(key >> 32) & mask;

	while (m->latest[i].idx1 && (m->latest[i].pid != pid || m->latest[i].boot != boot))
		i = (i + 1) & mask;
	return i;
}

/* PID (of the boot being read) is now the process at IDX in procs. */
static int note_latest(struct model *m, uint32_t pid, size_t idx)
{
	size_t i;

	if ((m->n_latest + 1) * 2 > m->cap_latest) {
		size_t cap = m->cap_latest ? m->cap_latest * 2 : 1024;
		struct m_pid_slot *old = m->latest, *grown = calloc(cap, sizeof(*grown));
		size_t old_cap = m->cap_latest;

		if (!grown)
			return -ENOMEM;
		m->latest = grown;
		m->cap_latest = cap;
		for (size_t k = 0; k < old_cap; k++)
			if (old[k].idx1)
				m->latest[pid_slot(m, old[k].boot, old[k].pid)] = old[k];
		free(old);
	}
	i = pid_slot(m, m->boot, pid);
	m->n_latest += !m->latest[i].idx1;
	m->latest[i].pid = pid;
	m->latest[i].boot = m->boot;
	m->latest[i].idx1 = idx + 1;
	return 0;
}

/* A new process record for PID, the newest of that pid from now on. */
static struct m_proc *new_proc(struct model *m, uint32_t pid)
{
	struct m_proc *p = PUSH(m, procs);

	if (!p)
		return NULL;
	p->unit = p->exe = p->argv = "";
	p->prev_image = p->next_image = p->hook = -1;
	p->pid = pid;
	p->boot = m->boot;
	if (note_latest(m, pid, p - m->procs)) {
		m->oom = true;
		m->n_procs--;
		return NULL;
	}
	return p;
}

static struct m_proc *latest_proc(struct model *m, uint32_t pid)
{
	size_t i;

	if (!m->cap_latest)
		return NULL;
	i = pid_slot(m, m->boot, pid);
	return m->latest[i].idx1 ? &m->procs[m->latest[i].idx1 - 1] : NULL;
}

/* A dynamic id the kernel says it already has (new_id: EEXIST): there
 * since before the trace, from a vfio-pci ids= option or an earlier new_id. */
static size_t dynid_bucket(const struct model *m, const char *driver, uint32_t vendor, uint32_t device)
{
	uint64_t h = 1469598103934665603ull;	/* FNV-1a */

	/* a name as stored: a crafted event's may lack its NUL */
	for (size_t j = 0; j < MODEL_DRV_LEN - 1 && driver[j]; j++)
		h = (h ^ (unsigned char)driver[j]) * 1099511628211ull;
	h = (h ^ vendor) * 1099511628211ull;
	h = (h ^ device) * 1099511628211ull;
	return h & (m->n_dynid_buckets - 1);
}

static void dynid_chain(struct model *m, size_t i)
{
	size_t b = dynid_bucket(m, m->dynids[i].driver, m->dynids[i].vendor, m->dynids[i].device);

	m->dynid_next[i] = m->dynid_buckets[b];
	m->dynid_buckets[b] = (uint32_t)(i + 1);
}

/* Links M->dynids[I] into the table, with twice the buckets (every entry
 * linked again) once the entries are half the buckets; false without
 * memory. */
static bool dynid_link(struct model *m, size_t i)
{
	uint32_t *next;

	if (i >= UINT32_MAX - 1)
		return false;
	next = reallocarray(m->dynid_next, m->cap_dynids, sizeof(*next));
	if (!next)
		return false;
	m->dynid_next = next;
	if (i + 1 > m->n_dynid_buckets / 2) {
		size_t nb = m->n_dynid_buckets ? m->n_dynid_buckets * 2 : 64;
		uint32_t *buckets = calloc(nb, sizeof(*buckets));

		if (!buckets)
			return false;
		free(m->dynid_buckets);
		m->dynid_buckets = buckets;
		m->n_dynid_buckets = nb;
		for (size_t k = 0; k < i; k++)
			dynid_chain(m, k);
	}
	dynid_chain(m, i);
	return true;
}

/* A new entry of DRIVER's table for VENDOR DEVICE, in the hash table too;
 * NULL (M->oom) without memory. */
static struct m_dynid *dynid_add(struct model *m, const char *driver, uint32_t vendor, uint32_t device)
{
	struct m_dynid *d = PUSH(m, dynids);

	if (!d)
		return NULL;
	strlcpy0(d->driver, driver, sizeof(d->driver));
	d->vendor = vendor;
	d->device = device;
	if (!dynid_link(m, m->n_dynids - 1)) {
		m->n_dynids--;
		m->oom = true;
		return NULL;
	}
	return d;
}

/* The entry of DRIVER's table for VENDOR DEVICE after the one at index
 * AFTER (-1: the first), or -1; in no particular order. */
static long dynid_next_of(const struct model *m, const char *driver, uint32_t vendor, uint32_t device,
			  long after)
{
	uint32_t k;

	if (!m->n_dynid_buckets)
		return -1;
	k = after < 0 ? m->dynid_buckets[dynid_bucket(m, driver, vendor, device)] : m->dynid_next[after];
	for (; k; k = m->dynid_next[k - 1]) {
		const struct m_dynid *y = &m->dynids[k - 1];

		if (y->vendor == vendor && y->device == device && !strcmp(y->driver, driver))
			return (long)k - 1;
	}
	return -1;
}

static void preexisting_dynid(struct model *m, const char *driver, uint32_t vendor, uint32_t device)
{
	struct m_dynid *d;

	if (dynid_next_of(m, driver, vendor, device, -1) >= 0)
		return;		/* known already */
	if (!(d = dynid_add(m, driver, vendor, device)))
		return;
	d->ts_ns = 1;
	d->preexisting = true;
	d->task = &no_task;
}

/* An exit that left children it does not name: they are tied to it only
 * by inference later (a fork's name), which a finding whose culprit's
 * parent is not known says. */
static void note_crowded_exit(struct model *m, const struct trace_record *rec,
			      const struct gt_exit_event *e)
{
	struct m_crowded_exit *x;
	bool at_least;

	if (!exit_unnamed_children(e, &at_least) || !(x = PUSH(m, crowded_exits)))
		return;
	x->ts_ns = e->hdr.ts_ns;
	x->rec_id = rec->id;
	x->pid = e->hdr.task.pid;
	x->boot = m->boot;
	strlcpy0(x->comm, e->hdr.task.comm, sizeof(x->comm));
	strlcpy0(x->unit, e->hdr.task.unit, sizeof(x->unit));
	x->named = e->n_orphans;
	x->children = e->n_children;
	x->at_least = at_least;
}

static void load_event(struct model *m, const struct trace_record *rec)
{
	union gt_event_any ev;
	int kind = event_decode(rec->data, rec->len, &ev);
	const struct gt_task *t = &ev.hdr.task;

	if (kind < 0)
		return;
	ev.hdr.ts_ns = wall_ns(m, ev.hdr.ts_ns);
	if (kind == GT_EV_SYSFS_WRITE)
		ev.write.end_ns = wall_ns(m, ev.write.end_ns);
	if (!m->first_ns || ev.hdr.ts_ns < m->first_ns)
		m->first_ns = ev.hdr.ts_ns;
	if (ev.hdr.ts_ns > m->last_ns)
		m->last_ns = ev.hdr.ts_ns;
	switch (kind) {
	case GT_EV_EXEC: {
		struct m_proc *prev = latest_proc(m, t->pid), *p;
		long prev_idx = prev && !prev->exit_ns ? prev - m->procs : -1;

		if (!(p = new_proc(m, t->pid)))
			return;
		/* a process exec'ing again: the same process, a new image */
		if (prev_idx >= 0) {
			p->prev_image = prev_idx;
			m->procs[prev_idx].next_image = p - m->procs;
		}
		p->ppid = t->ppid;
		p->uid = t->uid;
		strlcpy0(p->comm, t->comm, sizeof(p->comm));
		p->unit = text_str(m, t->unit, sizeof(t->unit));
		p->exe = text_str(m, ev.exec.filename, sizeof(ev.exec.filename));
		set_argv(m, p, ev.exec.args, ev.exec.args_len);
		p->argv_cut = ev.exec.args_truncated;
		p->start_ns = ev.hdr.ts_ns;
		p->rec_id = rec->id;
		break;
	}
	case GT_EV_EXIT: {
		struct m_proc *p = latest_proc(m, t->pid);

		for (__u32 i = 0; i < ev.exit.n_orphans && i < GT_ORPHANS_MAX; i++) {
			struct m_orphan *o = PUSH(m, orphans);

			if (!o)
				return;
			o->ts_ns = ev.hdr.ts_ns;
			o->pid = ev.exit.orphans[i];
			o->parent = t->pid;
			o->boot = m->boot;
			if (m->n_boots)
				m->boots[m->boot].n_orphans++;
		}
		note_crowded_exit(m, rec, &ev.exit);

		if (p && !p->exit_ns) {
			p->exit_ns = ev.hdr.ts_ns;
			p->exit_status = ev.exit.exit_code;
		} else {
			struct m_exit *x = PUSH(m, exits);

			if (!x)
				return;
			x->ts_ns = ev.hdr.ts_ns;
			x->pid = t->pid;
			x->ppid = t->ppid;
			x->boot = m->boot;
			strlcpy0(x->comm, t->comm, sizeof(x->comm));
			x->status = ev.exit.exit_code;
		}
		break;
	}
	case GT_EV_SYSFS_WRITE: {
		struct m_write *w = PUSH(m, writes);
		char path[512];
		const char *value;
		size_t value_len;

		if (!w)
			return;
		w->ts_ns = ev.hdr.ts_ns;
		w->end_ns = ev.write.end_ns;
		sysfs_write_path(&ev.write, path, sizeof(path));
		value_len = sysfs_write_bytes(&ev.write, &value);
		if (!(w->path = text_copy(m, path, strlen(path))) ||
		    !(w->value = text_copy(m, value, value_len))) {
			m->n_writes--;
			m->oom = true;
			return;
		}
		strlcpy0(w->attr, sysfs_write_attr(&ev.write), sizeof(w->attr));
		sysfs_write_device(&ev.write, w->bdf, sizeof(w->bdf));
		w->ret = ev.write.ret;
		if (!(w->task = task_of(m, t))) {
			m->n_writes--;
			m->oom = true;
			return;
		}
		w->rec_id = rec->id;
		break;
	}
	case GT_EV_BIND:
	case GT_EV_UNBIND:
	case GT_EV_PROBE_FAIL: {
		struct m_trans *tr;

		if (strcmp(ev.drv.bus, "pci") || !ev.drv.device[0])
			return;	/* no device named: nothing to hold custody of */
		tr = PUSH(m, trans);
		if (!tr)
			return;
		tr->ts_ns = ev.hdr.ts_ns;
		tr->kind = kind == GT_EV_BIND ? M_BIND : kind == GT_EV_UNBIND ? M_UNBIND : M_PROBE_FAIL;
		strlcpy0(tr->bdf, ev.drv.device, sizeof(tr->bdf));
		strlcpy0(tr->driver, ev.drv.driver, sizeof(tr->driver));
		tr->err = ev.drv.err;
		if (!(tr->task = task_of(m, t))) {
			m->n_trans--;
			m->oom = true;
			return;
		}
		tr->task_known = true;
		tr->cause = -1;
		tr->rec_id = rec->id;
		break;
	}
	case GT_EV_DYNID: {
		struct m_dynid *d;

		if (ev.dynid.ret == -EEXIST) {
			preexisting_dynid(m, ev.dynid.driver, ev.dynid.vendor, ev.dynid.device);
			return;
		}
		if (ev.dynid.ret)
			return;		/* nothing added */
		d = dynid_add(m, ev.dynid.driver, ev.dynid.vendor, ev.dynid.device);
		if (!d)
			return;
		d->ts_ns = ev.hdr.ts_ns;
		if (!(d->task = task_of(m, t))) {
			d->task = &no_task;	/* linked: kept, with no task */
			m->oom = true;
			return;
		}
		d->rec_id = rec->id;
		break;
	}
	case GT_EV_RESET:
	case GT_EV_POWER: {
		struct m_pm *pm = PUSH(m, pms);

		if (!pm)
			return;
		pm->ts_ns = ev.hdr.ts_ns;
		pm->reset = kind == GT_EV_RESET;
		pm->ret = ev.pm.ret;
		pm->state = ev.pm.state;
		pm->now_state = ev.pm.now_state;
		strlcpy0(pm->bdf, ev.pm.device, sizeof(pm->bdf));
		strlcpy0(pm->function, ev.pm.function, sizeof(pm->function));
		if (!(pm->task = task_of(m, t))) {
			m->n_pms--;
			m->oom = true;
			return;
		}
		pm->rec_id = rec->id;
		break;
	}
	case GT_EV_GUARD: {
		struct m_guard *g;

		if (ev.guard.action == GT_GUARD_WINDOW)
			return;		/* a VM's start: the exec says it */
		g = PUSH(m, guards);
		if (!g)
			return;
		g->ts_ns = ev.hdr.ts_ns;
		g->ev = ev.guard;
		g->rec_id = rec->id;
		break;
	}
	}
}

static void load_uevent(struct model *m, const struct trace_record *rec)
{
	char action[16], devpath[256], subsys[16], driver[MODEL_DRV_LEN];
	struct m_trans *tr;
	const char *base;

	if (!kv_get(rec, "ACTION", action, sizeof(action)) ||
	    !kv_get(rec, "SUBSYSTEM", subsys, sizeof(subsys)) || strcmp(subsys, "pci") ||
	    !kv_get(rec, "DEVPATH", devpath, sizeof(devpath)))
		return;
	if (!kv_get(rec, "DRIVER", driver, sizeof(driver)))
		driver[0] = 0;
	base = strrchr(devpath, '/');
	base = base ? base + 1 : devpath;
	/* With BPF outcomes, bind/unbind uevents repeat what the kernel side
	 * saw with its task; add/remove are still news (re-add detection). */
	if (!m->trace_uevent_outcomes && (!strcmp(action, "bind") || !strcmp(action, "unbind")))
		return;
	if ((strcmp(action, "bind") && strcmp(action, "unbind") && strcmp(action, "add") &&
	     strcmp(action, "remove")) || !base[0])
		return;
	tr = PUSH(m, trans);
	if (!tr)
		return;
	tr->ts_ns = wall_ns(m, kv_ts(rec));
	tr->kind = !strcmp(action, "bind") ? M_BIND : !strcmp(action, "unbind") ? M_UNBIND :
		   !strcmp(action, "add") ? M_ADD : M_REMOVE;
	strlcpy0(tr->bdf, base, sizeof(tr->bdf));
	strlcpy0(tr->driver, driver, sizeof(tr->driver));
	tr->from_uevent = true;
	tr->task = &no_task;
	tr->cause = -1;
	tr->rec_id = rec->id;
}

static void load_process_snapshot(struct model *m, const struct trace_record *rec)
{
	char phase[16], buf[64], exe[GT_FILENAME_MAX];
	struct kv_pair kv;
	size_t off = 0;
	struct m_proc *p;

	if (!kv_get(rec, "phase", phase, sizeof(phase)) || !kv_get(rec, "pid", buf, sizeof(buf)))
		return;
	if (!strcmp(phase, "exec")) {		/* full argv of an exec event */
		p = latest_proc(m, atoi(buf));
		while (p && kv_next(rec, &off, &kv) == 1)
			if (kv.key_len == 7 && !memcmp(kv.key, "cmdline", 7)) {
				set_argv(m, p, kv.val, kv.val_len);
				p->argv_cut = kv_get(rec, "cmdline_truncated", buf, sizeof(buf));
			}
		return;
	}
	if (strcmp(phase, "start") || latest_proc(m, atoi(buf)))
		return;
	p = new_proc(m, atoi(buf));
	if (!p)
		return;
	if (kv_get(rec, "ppid", buf, sizeof(buf)))
		p->ppid = atoi(buf);
	if (kv_get(rec, "uid", buf, sizeof(buf)))
		p->uid = atoi(buf);
	kv_get(rec, "comm", p->comm, sizeof(p->comm));
	if (kv_get(rec, "exe", exe, sizeof(exe)))
		p->exe = text_str(m, exe, sizeof(exe));
	while (kv_next(rec, &off, &kv) == 1)
		if (kv.key_len == 7 && !memcmp(kv.key, "cmdline", 7))
			set_argv(m, p, kv.val, kv.val_len);
	p->argv_cut = kv_get(rec, "cmdline_truncated", buf, sizeof(buf));
	/* its unit as an exec event names it: the cgroup's leaf */
	if (kv_get(rec, "cgroup", exe, sizeof(exe))) {
		const char *leaf = strrchr(exe, '/') ? strrchr(exe, '/') + 1 : exe;

		p->unit = text_str(m, leaf, strnlen(leaf, GT_UNIT_LEN - 1));
	}
}

static bool pci_known(const struct model *m, const char *bdf)
{
	for (size_t i = 0; i < m->n_pci; i++)
		if (!strcmp(m->pci[i].bdf, bdf))
			return true;
	return false;
}

static void load_pci(struct model *m, const struct trace_record *rec)
{
	char phase[16], buf[16];
	struct m_pci *d;

	if (!kv_get(rec, "phase", phase, sizeof(phase)) || strcmp(phase, "start"))
		return;
	/* the device as the recording found it, not as a later file did */
	if (m->continues && kv_get(rec, "bdf", buf, sizeof(buf)) && pci_known(m, buf))
		return;
	d = PUSH(m, pci);
	if (!d)
		return;
	kv_get(rec, "bdf", d->bdf, sizeof(d->bdf));
	if (kv_get(rec, "vendor", buf, sizeof(buf)))
		d->vendor = strtoul(buf, NULL, 16);
	if (kv_get(rec, "device", buf, sizeof(buf)))
		d->device = strtoul(buf, NULL, 16);
	if (kv_get(rec, "class", buf, sizeof(buf)))
		d->class = strtoul(buf, NULL, 16);
	kv_get(rec, "driver", d->driver, sizeof(d->driver));
	kv_get(rec, "driver_override", d->override, sizeof(d->override));
	kv_get(rec, "device_name", d->name, sizeof(d->name));
}

/* VM configs from the start snapshot, kept as text until every record is
 * read (the mapping file may come after the configs that name it):
 * /etc/pve/qemu-server/ID.conf, libvirt domain XML (/etc/libvirt/qemu,
 * /run/libvirt/qemu), /etc/pve/mapping/pci.cfg. */
static void load_file(struct model *m, const struct trace_record *rec)
{
	char path[256], phase[16];
	const char *base;
	struct kv_pair kv;
	struct m_conf *c;
	size_t off = 0;

	if (m->continues || !kv_get(rec, "phase", phase, sizeof(phase)) || strcmp(phase, "start") ||
	    !kv_get(rec, "path", path, sizeof(path)))
		return;
	bool pve = !strncmp(path, "/etc/pve/qemu-server/", 21) && strstr(path, ".conf");
	bool libvirt = (!strncmp(path, "/etc/libvirt/qemu/", 18) || !strncmp(path, "/run/libvirt/qemu/", 18)) &&
		       strstr(path, ".xml");
	bool mapping = !strcmp(path, "/etc/pve/mapping/pci.cfg");

	if (!pve && !libvirt && !mapping)
		return;
	while (kv_next(rec, &off, &kv) == 1) {
		const char *text;

		if (kv.key_len != 7 || memcmp(kv.key, "content", 7))
			continue;
		if (!(text = text_copy(m, (const char *)kv.val, kv.val_len)))
			return;
		if (mapping) {
			m->pve_mapping = text;
			continue;
		}
		if (!(c = PUSH(m, confs)))
			return;
		c->text = text;
		c->text_len = kv.val_len;
		c->libvirt = libvirt;
		base = path + 21;
		if (pve)
			snprintf(c->vmid, sizeof(c->vmid), "%.*s", (int)(strstr(base, ".conf") - base), base);
	}
}

/* Parses the configs kept by load_file: devices of each VM. */
static void parse_confs(struct model *m)
{
	char node[sizeof(m->hostname)];

	/* Proxmox's node name: the host name up to its first dot */
	snprintf(node, sizeof(node), "%.*s", (int)strcspn(m->hostname, "."), m->hostname);
	for (size_t i = 0; i < m->n_confs; i++) {
		struct m_conf *c = &m->confs[i];
		long pid;

		if (c->libvirt) {
			if (vmconf_from_libvirt(c->text, c->text_len, &c->conf, &pid))
				c->conf.id[0] = 0;
			snprintf(c->vmid, sizeof(c->vmid), "%s", c->conf.id);
		} else {
			vmconf_from_pve(c->text, m->pve_mapping, node, &c->conf);
			snprintf(c->conf.id, sizeof(c->conf.id), "%s", c->vmid);
		}
	}
}

/* The file before ended with a roll and what follows (the next file
 * given, or nothing) does not go on from it: the rest of that recording
 * was not given. */
static void roll_not_followed(struct model *m)
{
	if (!m->rolled)
		return;
	if (!m->next_not_given++) {
		snprintf(m->next_missing, sizeof(m->next_missing), "%s", m->rolled_next);
		m->next_missing_seq = m->set_seq + 1;
	}
	m->rolled = false;
}

static uint64_t add_sat(uint64_t a, uint64_t b)
{
	uint64_t sum;

	/* a crafted trace's counters must not wrap a sum to a small number */
	return __builtin_add_overflow(a, b, &sum) ? UINT64_MAX : sum;
}

/* A new file: what the one before lost is kept apart, as is the recording
 * before when this file is not the next of the same one. */
static void lost_new_file(struct model *m, uint64_t start_ns)
{
	m->lost_before = add_sat(m->lost_before, m->lost_records);
	m->lost_records = 0;
	if (!m->continues) {
		m->lost_before = add_sat(m->lost_before, m->lost_recording);
		m->lost_recording = 0;
		m->missed_before = add_sat(m->missed_before, m->missed_recording);
		m->missed_recording = 0;
	}
	m->counters_prev_ns = start_ns;
}

/* An END record: a roll (record --max-size, SIGHUP) names the next file. */
static void load_end(struct model *m, const struct trace_record *rec)
{
	char reason[16] = "";

	kv_get(rec, "reason", reason, sizeof(reason));
	m->rolled = !strcmp(reason, "rotated");
	m->rolled_next[0] = 0;
	if (m->rolled)
		kv_get(rec, "next", m->rolled_next, sizeof(m->rolled_next));
}

/* A file of a rotated recording that follows one already read. */
static void load_set(struct model *m, const struct trace_record *rec)
{
	char set[sizeof(m->set_id)] = "", buf[32];
	unsigned long seq = 0;

	kv_get(rec, "set", set, sizeof(set));
	if (kv_get(rec, "set_seq", buf, sizeof(buf)))
		seq = strtoul(buf, NULL, 10);
	m->continues = set[0] && !strcmp(set, m->set_id) && seq > m->set_seq;
	if (m->continues)
		m->rolled = false;
	else
		roll_not_followed(m);
	if (m->continues && seq > m->set_seq + 1)
		m->set_missing += seq - m->set_seq - 1;
	snprintf(m->set_id, sizeof(m->set_id), "%s", set);
	m->set_seq = seq;
}

/* BOOT's index in M's boots, added if new (the last one when out of
 * memory: pids then mix, as they did before boots were told apart). */
static uint32_t boot_index(struct model *m, const char *boot)
{
	struct m_boot *b;

	for (size_t i = 0; i < m->n_boots; i++)
		if (!strcmp(m->boots[i].id, boot))
			return i;
	if (!(b = PUSH(m, boots)))
		return m->n_boots ? m->n_boots - 1 : 0;
	snprintf(b->id, sizeof(b->id), "%s", boot);
	b->first_ns = UINT64_MAX;	/* no record yet */
	return b - m->boots;
}

/* TS is in the span of the boot being read (model_boot_at). */
static void boot_span(struct model *m, uint64_t ts)
{
	struct m_boot *b = m->n_boots ? &m->boots[m->boot] : NULL;

	if (!b)
		return;
	if (ts < b->first_ns)
		b->first_ns = ts;
	if (ts > b->last_ns)
		b->last_ns = ts;
}

static void load_header(struct model *m, const struct trace_record *rec)
{
	char buf[32], host[sizeof(m->hostname)] = "", boot[64] = "";

	if (kv_get(rec, "real_ns", buf, sizeof(buf)))
		m->shift = (int64_t)(strtoull(buf, NULL, 10) - kv_ts(rec));
	/* each trace's own: how its uevents are read */
	m->trace_uevent_outcomes = kv_get(rec, "outcomes", buf, sizeof(buf)) && !strcmp(buf, "uevent");
	m->outcomes_from_uevents |= m->trace_uevent_outcomes;
	kv_get(rec, "hostname", host, sizeof(host));
	load_set(m, rec);
	lost_new_file(m, wall_ns(m, kv_ts(rec)));
	if (kv_get(rec, "boot_id", boot, sizeof(boot)))
		m->boot = boot_index(m, boot);
	if (m->hostname[0]) {
		/* another boot of the same host lines up; another host does not */
		if (strcmp(host, m->hostname) && !strstr(m->other_hosts, host) &&
		    strlen(m->other_hosts) + strlen(host) + 3 < sizeof(m->other_hosts))
			snprintf(m->other_hosts + strlen(m->other_hosts),
				 sizeof(m->other_hosts) - strlen(m->other_hosts), "%s%s",
				 m->other_hosts[0] ? ", " : "", host);
		return;		/* the first trace's header names the host */
	}
	snprintf(m->hostname, sizeof(m->hostname), "%s", host);
	kv_get(rec, "kernel_release", m->kernel, sizeof(m->kernel));
	kv_get(rec, "backend", m->backend, sizeof(m->backend));
}

/* Whether the file whose HEADER this is was read already (the same file
 * given twice, or a copy beside it); else it is remembered as read. */
static bool repeats_a_file(struct model *m, const struct trace_record *rec, const char *path)
{
	char boot[64] = "", real[24] = "", set[48] = "", seq[24] = "", started[192];
	struct m_file *f;

	kv_get(rec, "boot_id", boot, sizeof(boot));
	kv_get(rec, "real_ns", real, sizeof(real));
	kv_get(rec, "set", set, sizeof(set));
	kv_get(rec, "set_seq", seq, sizeof(seq));
	snprintf(started, sizeof(started), "%s|%s|%llu|%s|%s", boot, real,
		 (unsigned long long)kv_ts(rec), set, seq);
	for (size_t i = 0; i < m->n_files; i++) {
		if (strcmp(m->files[i].started, started))
			continue;
		if (!m->n_repeated++)
			snprintf(m->repeated, sizeof(m->repeated), "%s repeats %s", path, m->files[i].path);
		return true;
	}
	if ((f = PUSH(m, files))) {
		snprintf(f->started, sizeof(f->started), "%s", started);
		snprintf(f->path, sizeof(f->path), "%s", path);
	}
	return false;
}

static void load_counters(struct model *m, const struct trace_record *rec)
{
	/* the recording's counters (the kernel side's and the recorder's own),
	 * which go on through its rotated files */
	static const char *const recording_keys[] = { "lost_sysfs", "lost_driver", "lost_exec",
						      "lost_exit", "lost_runs_missed", "pending_full",
						      "lost_uevents", "lost_held", NULL };
	uint64_t recording = 0, records = 0, missed = 0, now = wall_ns(m, kv_ts(rec));
	char buf[32];

	for (int i = 0; recording_keys[i]; i++)
		if (kv_get(rec, recording_keys[i], buf, sizeof(buf)))
			recording = add_sat(recording, strtoull(buf, NULL, 10));
	if (kv_get(rec, "lost_runs_missed", buf, sizeof(buf)))
		missed = strtoull(buf, NULL, 10);
	missed = missed > m->missed_recording ? missed : m->missed_recording;
	m->missed_recording = missed;
	m->runs_missed = add_sat(m->missed_before, missed);
	/* records the writer could not write (disk full): this file's own */
	if (kv_get(rec, "records_lost", buf, sizeof(buf)))
		records = strtoull(buf, NULL, 10);
	/* kernel log lines are context, not custody: counted apart */
	if (kv_get(rec, "lost_kmsg", buf, sizeof(buf)) && strtoull(buf, NULL, 10) > m->lost_kmsg)
		m->lost_kmsg = strtoull(buf, NULL, 10);
	recording = recording > m->lost_recording ? recording : m->lost_recording;
	records = records > m->lost_records ? records : m->lost_records;
	if (recording > m->lost_recording || records > m->lost_records) {
		struct m_lost_window *w = PUSH(m, lost_windows);
		uint64_t from = m->counters_prev_ns && m->counters_prev_ns <= now ? m->counters_prev_ns : now;

		if (!w)
			return;
		*w = (struct m_lost_window){ .from_ns = from, .to_ns = now };
		if (!m->lost_first_ns || from < m->lost_first_ns)
			m->lost_first_ns = from;
	}
	m->lost_recording = recording;
	m->lost_records = records;
	m->lost = add_sat(m->lost_before, add_sat(recording, records));
	m->counters_prev_ns = now;
}

static int cmp_trans(const void *a, const void *b)
{
	const struct m_trans *x = a, *y = b;

	if (x->ts_ns != y->ts_ns)
		return x->ts_ns < y->ts_ns ? -1 : 1;
	return x->rec_id < y->rec_id ? -1 : x->rec_id > y->rec_id;
}

static int cmp_crowded(const void *a, const void *b)
{
	const struct m_crowded_exit *x = a, *y = b;

	if (x->ts_ns != y->ts_ns)
		return x->ts_ns < y->ts_ns ? -1 : 1;
	return x->rec_id < y->rec_id ? -1 : x->rec_id > y->rec_id;
}

static int cmp_write(const void *a, const void *b)
{
	const struct m_write *x = a, *y = b;

	if (x->ts_ns != y->ts_ns)
		return x->ts_ns < y->ts_ns ? -1 : 1;
	return x->rec_id < y->rec_id ? -1 : x->rec_id > y->rec_id;
}

/* The number of writes that began at or before TS (writes sorted). */
static size_t writes_upto(const struct model *m, uint64_t ts)
{
	return ts == UINT64_MAX ? m->n_writes : model_first_at(m->writes, m->n_writes, ts + 1);
}

/* Could write W have made the kernel send uevent T? */
static bool could_cause(const struct m_write *w, const struct m_trans *t)
{
	char drv[MODEL_DRV_LEN + 16];

	snprintf(drv, sizeof(drv), "/drivers/%s/", t->driver);
	if (!strcmp(w->attr, "rescan"))
		return t->kind == M_ADD || t->kind == M_BIND;
	if (!strcmp(w->attr, "new_id"))		/* attaches unbound devices it matches */
		return t->kind == M_BIND && strstr(w->path, drv);
	if (strcmp(w->bdf, t->bdf))
		return false;
	switch (t->kind) {
	case M_UNBIND: return !strcmp(w->attr, "unbind") || !strcmp(w->attr, "remove");
	case M_REMOVE: return !strcmp(w->attr, "remove");
	case M_BIND:
		return !strcmp(w->attr, "drivers_probe") ||
		       (!strcmp(w->attr, "bind") && (!t->driver[0] || strstr(w->path, drv)));
	default: return false;
	}
}

/* How late the recorder may read a uevent (a loaded or emulated host). */
#define UEVENT_LAG_MAX_NS	(10 * 1000000000ull)

/* A uevent is read some time after the fact, later still on a loaded host.
 * The kernel sends them in the order things happened, and the writes that
 * caused them are in time order too: so each is the oldest write since the
 * last one matched for that device and kind that could have made it (a
 * bind write must name the uevent's driver), within how late a uevent may
 * be read; and it happened when that write did. */
struct cause_cursor {
	char bdf[PCI_BDF_LEN];
	size_t next[M_REMOVE + 1];	/* first write still open, per kind */
};

/* Every device's cursor, found by its BDF through a hash table (indices
 * + 1 in SLOTS, kept at most half full): a host whose uevents name many
 * devices (a card's 64 virtual functions) has one for each, not the first
 * 64 only. */
struct cause_cursors {
	struct cause_cursor *v;
	size_t n, cap;
	uint32_t *slots;
	size_t n_slots;
};

static size_t cursor_slot(const struct cause_cursors *c, const char *bdf)
{
	uint32_t h = 2166136261u;

	for (const char *p = bdf; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	for (size_t k = h & (c->n_slots - 1);; k = (k + 1) & (c->n_slots - 1))
		if (!c->slots[k] || !strcmp(c->v[c->slots[k] - 1].bdf, bdf))
			return k;
}

/* BDF's cursor, made if new; NULL without memory. */
static struct cause_cursor *cursor_of(struct cause_cursors *c, const char *bdf)
{
	struct cause_cursor *cur;
	size_t k;

	if ((c->n + 1) * 2 > c->n_slots) {
		uint32_t *old = c->slots;
		size_t old_n = c->n_slots;

		if (c->n >= UINT32_MAX / 4 ||
		    !(c->slots = calloc(old_n ? old_n * 2 : 64, sizeof(*c->slots)))) {
			c->slots = old;
			return NULL;
		}
		c->n_slots = old_n ? old_n * 2 : 64;
		for (size_t i = 0; i < old_n; i++)
			if (old[i])
				c->slots[cursor_slot(c, c->v[old[i] - 1].bdf)] = old[i];
		free(old);
	}
	k = cursor_slot(c, bdf);
	if (c->slots[k])
		return &c->v[c->slots[k] - 1];
	if (!(cur = array_push((void **)&c->v, &c->n, &c->cap, sizeof(*c->v))))
		return NULL;
	strlcpy0(cur->bdf, bdf, sizeof(cur->bdf));
	c->slots[k] = (uint32_t)c->n;
	return cur;
}

static long uevent_cause(struct model *m, struct m_trans *t, struct cause_cursor *cur)
{
	size_t hi = writes_upto(m, t->ts_ns), k = cur ? cur->next[t->kind] : 0;
	/* nothing older than a uevent can be late */
	size_t lo = t->ts_ns > UEVENT_LAG_MAX_NS ? writes_upto(m, t->ts_ns - UEVENT_LAG_MAX_NS - 1) : 0;
	long maybe = -1, chosen = -1;
	size_t n = 0;

	if (k < lo)
		k = lo;
	for (; k < hi && n < MODEL_CAUSE_SCAN_MAX && chosen < 0; k++, n++) {
		const struct m_write *w = &m->writes[k];

		if (w->ret < 0 || !could_cause(w, t))
			continue;
		/* new_id binds only devices no driver has: a cause when nothing
		 * that names the device is */
		if (!strcmp(w->attr, "new_id"))
			maybe = maybe < 0 ? (long)k : maybe;
		else
			chosen = k;
	}
	/* writes left unread: the cause may be among them (said in the report) */
	if (chosen < 0 && maybe < 0 && k < hi && n == MODEL_CAUSE_SCAN_MAX && !m->causes_unsearched++)
		m->causes_unsearched_first_ns = t->ts_ns;
	if (chosen < 0)
		chosen = maybe;
	if (chosen >= 0 && cur)	/* per device: a rescan that adds several is not used up */
		cur->next[t->kind] = chosen + 1;
	return chosen;
}

/* The writes of each thread, for bpf_cause: ORDER holds the write indices
 * sorted by (tid, index), END_UPTO[p] the latest end of the writes of
 * ORDER[p]'s thread up to it. A thread's writes seldom overlap, so only a
 * few are looked at per transition, however many writes are in flight. */
struct thread_writes {
	size_t *order;
	uint64_t *end_upto;
	size_t n;
};

static int cmp_thread_order(const void *a, const void *b, void *writes)
{
	const struct m_write *w = writes;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	uint32_t tx = w[x].task->tid, ty = w[y].task->tid;

	if (tx != ty)
		return tx < ty ? -1 : 1;
	return x < y ? -1 : x > y;
}

static int thread_writes_build(const struct model *m, struct thread_writes *tw)
{
	bool sorted = true;

	tw->n = m->n_writes;
	tw->order = malloc((tw->n ? tw->n : 1) * sizeof(*tw->order));
	tw->end_upto = malloc((tw->n ? tw->n : 1) * sizeof(*tw->end_upto));
	if (!tw->order || !tw->end_upto)
		return -ENOMEM;
	for (size_t i = 0; i < tw->n; i++) {
		tw->order[i] = i;
		sorted &= !i || m->writes[i - 1].task->tid <= m->writes[i].task->tid;
	}
	if (!sorted)	/* one writing thread, the usual storm: in order */
		qsort_r(tw->order, tw->n, sizeof(*tw->order), cmp_thread_order, m->writes);
	for (size_t p = 0; p < tw->n; p++) {
		const struct m_write *w = &m->writes[tw->order[p]];
		bool same = p && m->writes[tw->order[p - 1]].task->tid == w->task->tid;

		tw->end_upto[p] = same && tw->end_upto[p - 1] > w->end_ns ? tw->end_upto[p - 1] : w->end_ns;
	}
	return 0;
}

static void thread_writes_free(struct thread_writes *tw)
{
	free(tw->order);
	free(tw->end_upto);
}

/* The position in ORDER of TID's last write before write index HI, or -1. */
static long thread_last_before(const struct model *m, const struct thread_writes *tw, uint32_t tid,
			       size_t hi)
{
	size_t lo = 0, up = tw->n;

	while (lo < up) {	/* the first position at or after (tid, hi) */
		size_t mid = lo + (up - lo) / 2, k = tw->order[mid];
		uint32_t t = m->writes[k].task->tid;

		if (t < tid || (t == tid && k < hi))
			lo = mid + 1;
		else
			up = mid;
	}
	return lo && m->writes[tw->order[lo - 1]].task->tid == tid ? (long)lo - 1 : -1;
}

/* With BPF outcomes the cause is the write the same thread was in. A
 * thread is in one write at a time; were several in flight (a damaged
 * clock), the newest that names the device, else the newest. Looked at:
 * the MODEL_CAUSE_SCAN_MAX writes before the transition, not older than the
 * longest write. */
static long bpf_cause(const struct model *m, const struct thread_writes *tw, const struct m_trans *t,
		      uint64_t longest)
{
	size_t hi = writes_upto(m, t->ts_ns), oldest = hi > MODEL_CAUSE_SCAN_MAX ? hi - MODEL_CAUSE_SCAN_MAX : 0;
	long best = -1;

	for (long p = thread_last_before(m, tw, t->task->tid, hi); p >= 0; p--) {
		size_t k = tw->order[p];
		const struct m_write *w = &m->writes[k];

		if (w->task->tid != t->task->tid || k < oldest || w->ts_ns + longest < t->ts_ns ||
		    tw->end_upto[p] < t->ts_ns)
			break;		/* nothing older of this thread was in flight */
		if (w->ret < 0 || t->ts_ns > w->end_ns)
			continue;
		if (!strcmp(w->bdf, t->bdf))
			return k;
		if (best < 0)
			best = k;
	}
	return best;
}

/* The time of add uevent I, whose cause is a write started at SINCE (a
 * rescan): the kernel sends the add before it probes drivers for the
 * device, but a uevent is stamped when the recorder reads it, so a bind or
 * failed probe BPF saw for the device within that write, and since its
 * last unbind or remove, came after the add, however late the uevent was
 * read. Looked at: the ADD_SCAN_MAX transitions before I. */
#define ADD_SCAN_MAX	64

static uint64_t add_before_probe(const struct model *m, size_t i, uint64_t since)
{
	const struct m_trans *add = &m->trans[i];
	uint64_t ts = add->ts_ns;

	for (size_t k = i, seen = 0; k-- > 0 && seen < ADD_SCAN_MAX; seen++) {
		const struct m_trans *t = &m->trans[k];

		if (t->ts_ns < since)
			break;
		if (strcmp(t->bdf, add->bdf))
			continue;
		if (t->kind == M_UNBIND || t->kind == M_REMOVE)
			break;
		if (!t->from_uevent && (t->kind == M_BIND || t->kind == M_PROBE_FAIL) && t->ts_ns)
			ts = t->ts_ns - 1;	/* the earliest such, as the walk goes back */
	}
	return ts;
}

/* The sysfs write behind each transition (see the two functions above),
 * in time O(transitions x writes near each). */
static void link_causes(struct model *m)
{
	struct cause_cursors cursors = { 0 };
	struct thread_writes tw;
	uint64_t longest = 0;

	array_sort(m->writes, m->n_writes, sizeof(*m->writes), cmp_write);
	if (thread_writes_build(m, &tw) < 0) {
		thread_writes_free(&tw);
		m->oom = true;
		return;
	}
	for (size_t i = 0; i < m->n_writes; i++)
		if (m->writes[i].end_ns > m->writes[i].ts_ns && m->writes[i].end_ns - m->writes[i].ts_ns > longest)
			longest = m->writes[i].end_ns - m->writes[i].ts_ns;
	for (size_t i = 0; i < m->n_trans; i++) {
		struct m_trans *t = &m->trans[i];

		if (t->from_uevent) {
			struct cause_cursor *cur = cursor_of(&cursors, t->bdf);

			if (!cur) {
				m->oom = true;
				break;
			}
			t->cause = uevent_cause(m, t, cur);
		} else {
			t->cause = bpf_cause(m, &tw, t, longest);
		}
		if (t->cause >= 0 && t->from_uevent) {
			const struct m_write *w = &m->writes[t->cause];
			char drv[MODEL_DRV_LEN];

			t->task = w->task;
			t->task_known = true;
			/* an unbind uevent names no driver; the write to DRV/unbind does */
			if (t->kind == M_UNBIND && !t->driver[0] &&
			    sscanf(w->path, "/sys/bus/pci/drivers/%31[^/]/unbind", drv) == 1)
				strlcpy0(t->driver, drv, sizeof(t->driver));
			if (w->end_ns && w->end_ns < t->ts_ns)
				t->ts_ns = w->end_ns;
			if (t->kind == M_ADD)
				t->ts_ns = add_before_probe(m, i, w->ts_ns);
		}
	}
	thread_writes_free(&tw);
	free(cursors.v);
	free(cursors.slots);
	/* uevents moved back to their writes: time order again */
	array_sort(m->trans, m->n_trans, sizeof(*m->trans), cmp_trans);
}

/* new_id / remove_id writes are dynamic ids too (and the only view of them
 * with the tracepoint backend); a BPF dynid inside a new_id write is the
 * same one. */
static void dynids_from_writes(struct model *m)
{
	for (size_t i = 0; i < m->n_writes; i++) {
		const struct m_write *w = &m->writes[i];
		unsigned v, d;
		char drv[MODEL_DRV_LEN];
		bool dup = false;

		if ((strcmp(w->attr, "new_id") && strcmp(w->attr, "remove_id")) ||
		    (w->ret <= 0 && w->ret != -EEXIST) || sscanf(w->value, "%x %x", &v, &d) != 2 ||
		    sscanf(w->path, "/sys/bus/pci/drivers/%31[^/]/", drv) != 1)
			continue;
		if (w->ret == -EEXIST) {
			if (!strcmp(w->attr, "new_id"))
				preexisting_dynid(m, drv, v, d);
			continue;
		}
		if (!strcmp(w->attr, "remove_id")) {
			for (long k = dynid_next_of(m, drv, v, d, -1); k >= 0; k = dynid_next_of(m, drv, v, d, k))
				if (!m->dynids[k].removed_ns)
					m->dynids[k].removed_ns = w->ts_ns;
			continue;
		}
		if (strcmp(w->attr, "new_id"))
			continue;
		for (long k = dynid_next_of(m, drv, v, d, -1); k >= 0; k = dynid_next_of(m, drv, v, d, k))
			if (m->dynids[k].ts_ns >= w->ts_ns && m->dynids[k].ts_ns <= w->end_ns)
				dup = m->dynids[k].via_new_id = true;
		if (!dup) {
			struct m_dynid *n = dynid_add(m, drv, v, d);

			if (!n)
				return;
			n->ts_ns = w->ts_ns;
			n->task = w->task;
			n->rec_id = w->rec_id;
			n->via_new_id = true;
		}
	}
}

/* ---- kernel log, journal and device state (format 1.1) ------------------ */

static int kv_int(const struct trace_record *rec, const char *key, int dflt)
{
	char buf[24];

	return kv_get(rec, key, buf, sizeof(buf)) && buf[0] ? atoi(buf) : dflt;
}

/* The value of KEY in the text store (binary safe); "" when absent. */
static const char *kv_text(struct model *m, const struct trace_record *rec, const char *key,
			   size_t *len)
{
	size_t off = 0, klen = strlen(key);
	struct kv_pair p;
	const char *copy;

	*len = 0;
	while (kv_next(rec, &off, &p) == 1)
		if (p.key_len == klen && !memcmp(p.key, key, klen)) {
			copy = text_copy(m, (const char *)p.val, p.val_len);
			*len = copy ? p.val_len : 0;
			return copy ? copy : "";
		}
	return "";
}

static void load_log(struct model *m, const struct trace_record *rec)
{
	bool kernel = rec->type == GT_REC_KMSG;
	struct m_log *l = PUSH(m, logs);
	size_t n;

	if (!l)
		return;
	memset(l, 0, sizeof(*l));
	l->ts_ns = wall_ns(m, kv_ts(rec));
	l->rec_id = rec->id;
	l->source = kernel ? M_LOG_KERNEL : M_LOG_JOURNAL;
	l->level = kv_int(rec, kernel ? "level" : "priority", -1);
	l->pid = kernel ? 0 : (uint32_t)kv_int(rec, "pid", 0);
	kv_get(rec, "bdf", l->bdf, sizeof(l->bdf));
	kv_get(rec, "why", l->why, sizeof(l->why));
	l->comm = kv_text(m, rec, "comm", &n);
	l->unit = kv_text(m, rec, "unit", &n);
	l->msg = kv_text(m, rec, "msg", &l->msg_len);
}

static void load_devstate(struct model *m, const struct trace_record *rec)
{
	struct m_devstate *d;
	char phase[16];

	if (rec->type == GT_REC_PCI && (!kv_get(rec, "phase", phase, sizeof(phase)) ||
					(strcmp(phase, "start") && strcmp(phase, "end"))))
		return;
	if (!(d = PUSH(m, states)))
		return;
	memset(d, 0, sizeof(*d));
	d->ts_ns = wall_ns(m, kv_ts(rec));
	d->rec_id = rec->id;
	if (rec->type == GT_REC_PCI)
		snprintf(d->cause, sizeof(d->cause), "%s", phase);
	else
		kv_get(rec, "cause", d->cause, sizeof(d->cause));
	kv_get(rec, "bdf", d->bdf, sizeof(d->bdf));
	kv_get(rec, "label", d->label, sizeof(d->label));
	d->missing = kv_get(rec, "missing", phase, sizeof(phase)) != NULL;
	kv_get(rec, "driver", d->driver, sizeof(d->driver));
	kv_get(rec, "driver_override", d->override, sizeof(d->override));
	kv_get(rec, "power_state", d->power_state, sizeof(d->power_state));
	kv_get(rec, "runtime_status", d->runtime_status, sizeof(d->runtime_status));
	kv_get(rec, "enable", d->enable, sizeof(d->enable));
	kv_get(rec, "d3cold_allowed", d->d3cold_allowed, sizeof(d->d3cold_allowed));
	kv_get(rec, "reset_method", d->reset_method, sizeof(d->reset_method));
	kv_get(rec, "link_speed", d->link_speed, sizeof(d->link_speed));
	kv_get(rec, "link_width", d->link_width, sizeof(d->link_width));
}

/* By time, then by record: kernel lines are stamped by the kernel, journal
 * entries on receipt, device states at their cause, and several traces
 * interleave, so in file order these are only nearly in time order. */
#define CMP_BY_TIME(name, type)							\
static int name(const void *a, const void *b)					\
{										\
	const type *x = a, *y = b;						\
										\
	if (x->ts_ns != y->ts_ns)						\
		return x->ts_ns < y->ts_ns ? -1 : 1;				\
	return x->rec_id < y->rec_id ? -1 : x->rec_id > y->rec_id;		\
}
CMP_BY_TIME(cmp_log, struct m_log)
CMP_BY_TIME(cmp_pm, struct m_pm)
CMP_BY_TIME(cmp_state, struct m_devstate)

static void phases_from_marks(struct model *m)
{
	for (size_t i = 0; i < m->n_marks; i++) {
		char name[128];
		size_t len;
		struct m_phase *p;

		snprintf(name, sizeof(name), "%s", m->marks[i].label);
		len = strlen(name);
		if (m->n_phases && !m->phases[m->n_phases - 1].end_ns)
			m->phases[m->n_phases - 1].end_ns = m->marks[i].ts_ns;
		if (len > 4 && !strcmp(name + len - 4, "-end"))
			continue;
		if (len > 6 && !strcmp(name + len - 6, "-start"))
			name[len - 6] = 0;
		p = PUSH(m, phases);
		if (!p)
			return;
		snprintf(p->name, sizeof(p->name), "%s", name);
		p->start_ns = m->marks[i].ts_ns;
	}
	if (m->n_phases && !m->phases[m->n_phases - 1].end_ns)
		m->phases[m->n_phases - 1].end_ns = UINT64_MAX;
}

/* A phase named like one before it (each file "trace.gtrace" in its own
 * directory): both are told apart by their place in the list, "trace #1"
 * and "trace #2" (short: a phase is a narrow column). */
static void name_apart(struct model *m, struct m_phase *p)
{
	char base[sizeof(p->name)];
	bool clash = false;

	snprintf(base, sizeof(base), "%s", p->name);
	for (struct m_phase *q = m->phases; q < p; q++) {
		size_t n = strlen(base);

		if (!strcmp(q->name, base)) {
			snprintf(q->name + n, sizeof(q->name) - n, " #%zu", (size_t)(q - m->phases) + 1);
			clash = true;
		} else if (!strncmp(q->name, base, n) && !strncmp(q->name + n, " #", 2)) {
			clash = true;
		}
	}
	if (clash)
		snprintf(p->name + strlen(base), sizeof(p->name) - strlen(base), " #%zu",
			 (size_t)(p - m->phases) + 1);
}

int model_load(struct model *m, const char *const *traces, int n, const char *hook_pattern,
	       char *err, size_t errlen)
{
	for (int i = 0; i < n; i++) {
		uint64_t first = UINT64_MAX, last = 0;
		struct trace_reader *r = trace_reader_open(traces[i], err, errlen);
		struct trace_record rec;
		bool ended = false, headed = false, repeated = false;
		size_t records = 0;
		int ret;

		if (!r)
			return -EIO;	/* the reader said why in ERR */
		/* The header decides how uevents are read: look at it first. */
		m->shift = 0;
		while (!repeated && (ret = trace_reader_next(r, &rec)) == 1) {
			records++;
			/* the recorder watched until its last record, events or not */
			if (rec.type != GT_REC_EVENT && rec.type != GT_REC_HEADER && kv_ts(&rec)) {
				uint64_t ts = wall_ns(m, kv_ts(&rec));

				m->last_ns = ts > m->last_ns ? ts : m->last_ns;
				if (headed)	/* before it, no clock nor boot of this file */
					boot_span(m, ts);
			}
			if (rec.type == GT_REC_EVENT && rec.len >= sizeof(struct gt_event_header)) {
				uint64_t ts;

				memcpy(&ts, rec.data + offsetof(struct gt_event_header, ts_ns), sizeof(ts));
				ts = wall_ns(m, ts);
				first = ts < first ? ts : first;
				last = ts > last ? ts : last;
				if (headed)
					boot_span(m, ts);
			}
			switch (rec.type) {
			case GT_REC_HEADER:
				if ((repeated = repeats_a_file(m, &rec, traces[i])))
					break;
				headed = true;
				load_header(m, &rec);
				break;
			case GT_REC_EVENT: load_event(m, &rec); break;
			case GT_REC_UEVENT: load_uevent(m, &rec); break;
			case GT_REC_PROCESS: load_process_snapshot(m, &rec); break;
			case GT_REC_PCI:
				load_pci(m, &rec);
				load_devstate(m, &rec);
				break;
			case GT_REC_PCI_STATE: load_devstate(m, &rec); break;
			case GT_REC_KMSG:
			case GT_REC_JOURNAL: load_log(m, &rec); break;
			case GT_REC_FILE: load_file(m, &rec); break;
			case GT_REC_COUNTERS: load_counters(m, &rec); break;
			case GT_REC_END:
				ended = true;
				load_end(m, &rec);
				break;
			case GT_REC_MARK: {
				struct m_mark *k = PUSH(m, marks);

				if (k) {
					k->ts_ns = wall_ns(m, kv_ts(&rec));
					k->rec_id = rec.id;
					kv_get(&rec, "label", k->label, sizeof(k->label));
				}
				break;
			}
			}
		}
		if (repeated) {		/* read once already: nothing of it counts again */
			trace_reader_close(r);
			continue;
		}
		{	/* minor bumps add records and keys this version does not know */
			uint16_t major, minor;

			trace_reader_version(r, &major, &minor);
			if (minor > GT_FORMAT_MINOR && minor > m->newer_minor)
				m->newer_minor = minor;
		}
		if (ret < 0)
			snprintf(m->read_error, sizeof(m->read_error), "%s", trace_reader_error(r));	/* names the file */
		/* The recorder writes its header first: a file without one was cut
		 * at its start or altered, and its host, clock and backend are
		 * unknown (times fall back to the monotonic clock, near 1970). */
		if (!headed && records && !m->read_error[0]) {
			snprintf(m->read_error, sizeof(m->read_error), "%s: no header record: not a whole "
				 "trace; host, kernel, backend and wall clock unknown", traces[i]);
			m->headless = true;
		}
		/* no END record: the recorder was killed, or is still writing;
		 * or the reading stopped at a damaged chunk before it */
		if (trace_reader_truncated(r) || !ended) {
			m->truncated = true;
			if (ret < 0 && !trace_reader_truncated(r))
				m->cut_by_damage = true;
			else
				m->cut_short = true;
		}
		trace_reader_close(r);
		if (records <= 1 && ret >= 0) {
			snprintf(err, errlen, "%s: holds no records past its header: the "
				 "recording never started", traces[i]);
			return -ENODATA;
		}
		/* each trace a phase, named after its file, unless marks say more;
		 * the next file of a rotated recording is the same phase */
		if (n > 1 && m->continues && m->n_phases) {
			m->phases[m->n_phases - 1].end_ns = last + 1;
		} else if (n > 1) {
			struct m_phase *p = PUSH(m, phases);
			const char *base = strrchr(traces[i], '/');

			if (p) {
				snprintf(p->name, sizeof(p->name), "%s", base ? base + 1 : traces[i]);
				p->name[strcspn(p->name, ".")] = 0;
				p->start_ns = first == UINT64_MAX ? 0 : first;
				p->end_ns = last + 1;
				name_apart(m, p);
			}
		}
	}
	if (m->headless && !m->hostname[0]) {	/* no header named them: said, not left blank */
		snprintf(m->hostname, sizeof(m->hostname), "unknown");
		snprintf(m->kernel, sizeof(m->kernel), "unknown");
		snprintf(m->backend, sizeof(m->backend), "unknown");
	}
	roll_not_followed(m);	/* the last file given rolled to one not given */
	if (m->n_marks) {
		m->n_phases = 0;
		phases_from_marks(m);
	} else if (m->n_phases == 1) {
		m->n_phases = 0;	/* the files of one recording: no phases */
	}
	parse_confs(m);
	array_sort(m->trans, m->n_trans, sizeof(*m->trans), cmp_trans);
	array_sort(m->logs, m->n_logs, sizeof(*m->logs), cmp_log);
	array_sort(m->pms, m->n_pms, sizeof(*m->pms), cmp_pm);
	array_sort(m->states, m->n_states, sizeof(*m->states), cmp_state);
	array_sort(m->crowded_exits, m->n_crowded_exits, sizeof(*m->crowded_exits), cmp_crowded);
	link_causes(m);
	dynids_from_writes(m);
	if (index_trans(m) < 0 || model_index_procs(m) < 0) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	model_find_vms(m);
	model_find_hooks(m, hook_pattern);
	if (m->oom) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

void model_free(struct model *m)
{
	text_store_free(&m->text);
	while (m->task_blocks) {
		struct m_task_block *next = m->task_blocks->next;

		free(m->task_blocks);
		m->task_blocks = next;
	}
	free(m->procs);
	free(m->writes);
	free(m->trans);
	free(m->trans_by_dev);
	free(m->dynids);
	free(m->dynid_buckets);
	free(m->dynid_next);
	free(m->marks);
	free(m->files);
	free(m->boots);
	free(m->exits);
	free(m->orphans);
	free(m->crowded_exits);
	free(m->phases);
	free(m->pci);
	free(m->vms);
	free(m->argv_cuts);
	free(m->lost_windows);
	free(m->hooks);
	free(m->guards);
	free(m->pms);
	free(m->confs);
	free(m->proc_by_pid);
	free(m->proc_by_comm);
	free(m->orphan_by_pid);
	free(m->exit_by_pid);
	free(m->latest);
	free(m->logs);
	free(m->states);
	memset(m, 0, sizeof(*m));
}
