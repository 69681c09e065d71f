// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Building a report: the model, the findings, and a timeline per VM. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "findings/report.h"
#include "sys/pci.h"
#include "trace/event_decode.h"
#include "util.h"

/* What a row says and who did it, as formatted (longer is cut). */
struct row_text {
	char what[768];
	char who[96];
};

/* X's what: PARTS joined, up to a NULL (a row per write and per
 * transition of a rebind storm: no format to parse). */
static void what_of(struct row_text *x, const char *const *parts)
{
	size_t off = 0;

	x->what[0] = 0;
	for (; *parts; parts++)
		str_put(x->what, sizeof(x->what), &off, *parts, strlen(*parts));
}

/* Adds a row of VM (the model's id, kept as is) with T's strings; false
 * when out of memory. */
static bool add_row(struct report *r, uint64_t ts, const char *vm, uint64_t rec_id,
		    const struct row_text *t)
{
	struct tl_row *x = array_push((void **)&r->rows, &r->n_rows, &r->cap_rows, sizeof(*r->rows));
	const char *prev_who = x && r->n_rows > 1 ? x[-1].who : NULL;

	/* the actor of the row before is often this one's: kept once */
	if (x && prev_who && !strcmp(prev_who, t->who))
		x->who = prev_who;
	else if (x)
		x->who = text_store_copy(&r->text, t->who, strlen(t->who));
	if (!x || !x->who || !(x->what = text_store_copy(&r->text, t->what, strlen(t->what)))) {
		r->n_rows -= x != NULL;
		r->oom = true;
		return false;
	}
	x->ts_ns = ts;
	x->rec_id = rec_id;
	x->vm = vm;
	return true;
}

/* "gpu-reattach-ho[5120] < qm[5100]" into X's who. */
static void task_who(struct report *r, const struct gt_task *t, bool inferred, struct row_text *x)
{
	char *buf = r->who_memo.who;
	size_t size = sizeof(r->who_memo.who), off;

	if (!r->who_memo.set || r->who_memo.inferred != inferred ||
	    memcmp(&r->who_memo.task, t, sizeof(*t))) {
		off = snprintf(buf, size, "%s%.16s[%u]", inferred ? "(inferred) " : "", t->comm, t->pid);
		for (int i = 0; i < t->n_ancestors && i < 2 && off < size; i++)
			off += snprintf(buf + off, size - off, " < %.16s[%u]", t->ancestors[i].comm,
					t->ancestors[i].pid);
		r->who_memo.task = *t;
		r->who_memo.inferred = inferred;
		r->who_memo.set = true;
	}
	strlcpy0(x->who, buf, sizeof(x->who));
}

/* A VM run or an after-stop hook's end, by VM id then time: what
 * hook_deltas() and the one-timeline-per-VM rule look up by binary search
 * rather than by a walk per row or per VM (traces of many hook runs or
 * many VM runs made those quadratic). */
struct by_vm {
	const char *id;		/* "" for a hook that names no VM (a user rule) */
	uint64_t ts_ns;		/* the VM's start, the hook's end */
	size_t i;		/* in the model's vms */
};

static int cmp_by_vm(const void *a, const void *b)
{
	const struct by_vm *x = a, *y = b;
	int c = strcmp(x->id, y->id);

	if (c)
		return c;
	if (x->ts_ns != y->ts_ns)
		return x->ts_ns < y->ts_ns ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* The last entry of ID strictly before TS, or NULL. */
static const struct by_vm *last_before(const struct by_vm *v, size_t n, const char *id, uint64_t ts)
{
	size_t k = array_lower_bound(v, n, sizeof(*v), &(struct by_vm){ .id = id, .ts_ns = ts }, cmp_by_vm);

	return k && !strcmp(v[k - 1].id, id) ? &v[k - 1] : NULL;
}

/* The model's VM runs by id, then start; NULL (R->oom) without memory. */
static struct by_vm *vms_by_id(struct report *r)
{
	struct by_vm *v = reallocarray(NULL, r->m.n_vms ? r->m.n_vms : 1, sizeof(*v));

	if (!v) {
		r->oom = true;
		return NULL;
	}
	for (size_t i = 0; i < r->m.n_vms; i++)
		v[i] = (struct by_vm){ .id = r->m.vms[i].id, .ts_ns = r->m.vms[i].start_ns, .i = i };
	array_sort(v, r->m.n_vms, sizeof(*v), cmp_by_vm);
	return v;
}

/* A hook run's VM ("" when it names none) and process, sorted: whether a
 * journal line is a hook's is a binary search, not a walk of the hooks
 * per line (40k lines and 10k hook runs took 1.6 s, 80k and 20k 9.4 s). */
struct hook_pid {
	const char *vm;
	uint32_t pid;
};

static int cmp_hook_pid(const void *a, const void *b)
{
	const struct hook_pid *x = a, *y = b;
	int c = strcmp(x->vm, y->vm);

	if (c)
		return c;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

static int cmp_pid_hook(const void *a, const void *b)
{
	const struct hook_pid *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return strcmp(x->vm, y->vm);
}

/* An event about a device, by device: a timeline gathers its VM's devices'
 * events from these rather than walking every event for each VM (2k VMs and
 * 137k events took 4.2 s). */
enum dev_event_kind { DEV_TRANS, DEV_WRITE, DEV_PM, DEV_KERNEL_LINE };

struct dev_event {
	const char *bdf;
	enum dev_event_kind kind;
	size_t i;		/* in the model's array of that kind */
};

static int cmp_dev_event(const void *a, const void *b)
{
	const struct dev_event *x = a, *y = b;
	int c = strcmp(x->bdf, y->bdf);

	if (c)
		return c;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* A hook run or a journal line by the VM id it is for; "" for every VM (a
 * hook that names none, and the lines of its process). */
struct vm_item {
	const char *vm;
	size_t i;
};

static int cmp_vm_item(const void *a, const void *b)
{
	const struct vm_item *x = a, *y = b;
	int c = strcmp(x->vm, y->vm);

	if (c)
		return c;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* What the timelines look up, gathered once for all of them. */
struct tl_index {
	struct hook_pid *hook_pids;	/* by VM, then pid */
	struct hook_pid *pid_hooks;	/* the same by pid, then VM */
	size_t n_hook_pids;
	struct dev_event *dev_events;
	size_t n_dev_events;
	size_t *id_writes;		/* new_id, remove_id: every VM's */
	size_t n_id_writes;
	struct vm_item *hooks, *lines;
	size_t n_hooks, n_lines, cap_lines;
	size_t *pick;			/* one timeline's events of a kind */
	size_t n_pick, cap_pick;
};

static bool push_dev_event(struct tl_index *x, size_t *cap, const char *bdf, enum dev_event_kind kind,
			   size_t i)
{
	struct dev_event *e = array_push((void **)&x->dev_events, &x->n_dev_events, cap, sizeof(*e));

	if (e)
		*e = (struct dev_event){ .bdf = bdf, .kind = kind, .i = i };
	return e != NULL;
}

static bool push_line(struct tl_index *x, const char *vm, size_t i)
{
	struct vm_item *e = array_push((void **)&x->lines, &x->n_lines, &x->cap_lines, sizeof(*e));

	if (e)
		*e = (struct vm_item){ .vm = vm, .i = i };
	return e != NULL;
}

/* The VMs whose id a journal line's unit names as "@ID." (a unit
 * instance such as vm-gpu@111.service; an id may hold dots): the timeline
 * shows the line for each. VMS: the model's runs by id. */
static bool unit_lines(struct tl_index *x, const struct model *m, const struct by_vm *vms, size_t li)
{
	const char *unit = m->logs[li].unit;

	for (const char *at = strchr(unit, '@'); at; at = strchr(at + 1, '@'))
		for (const char *dot = strchr(at + 1, '.'); dot; dot = strchr(dot + 1, '.')) {
			struct by_vm key = { .id = NULL };
			char id[sizeof(m->vms[0].id)];
			size_t k;

			if ((size_t)(dot - at - 1) >= sizeof(id))
				break;
			memcpy(id, at + 1, dot - at - 1);
			id[dot - at - 1] = 0;
			key.id = id;
			k = array_lower_bound(vms, m->n_vms, sizeof(*vms), &key, cmp_by_vm);
			if (k < m->n_vms && !strcmp(vms[k].id, id) && !push_line(x, vms[k].id, li))
				return false;
		}
	return true;
}

/* Fills X from R's model; false (R->oom) without memory. VMS: the model's
 * runs by id. */
static bool tl_index_build(struct report *r, const struct by_vm *vms, struct tl_index *x)
{
	const struct model *m = &r->m;
	size_t cap_dev = 0, cap_id = 0, n = m->n_hooks ? m->n_hooks : 1;

	memset(x, 0, sizeof(*x));
	x->hook_pids = reallocarray(NULL, n, sizeof(*x->hook_pids));
	x->pid_hooks = reallocarray(NULL, n, sizeof(*x->pid_hooks));
	x->hooks = reallocarray(NULL, n, sizeof(*x->hooks));
	if (!x->hook_pids || !x->pid_hooks || !x->hooks)
		goto oom;
	for (size_t i = 0; i < m->n_hooks; i++) {
		x->hooks[x->n_hooks++] = (struct vm_item){ .vm = m->hooks[i].vm, .i = i };
		if (m->hooks[i].proc)
			x->hook_pids[x->n_hook_pids++] = (struct hook_pid){ .vm = m->hooks[i].vm,
									    .pid = m->hooks[i].proc->pid };
	}
	memcpy(x->pid_hooks, x->hook_pids, x->n_hook_pids * sizeof(*x->pid_hooks));
	array_sort(x->hook_pids, x->n_hook_pids, sizeof(*x->hook_pids), cmp_hook_pid);
	array_sort(x->pid_hooks, x->n_hook_pids, sizeof(*x->pid_hooks), cmp_pid_hook);
	array_sort(x->hooks, x->n_hooks, sizeof(*x->hooks), cmp_vm_item);
	for (size_t i = 0; i < m->n_trans; i++)
		if (!push_dev_event(x, &cap_dev, m->trans[i].bdf, DEV_TRANS, i))
			goto oom;
	for (size_t i = 0; i < m->n_writes; i++) {
		const struct m_write *w = &m->writes[i];

		if (!strcmp(w->attr, "new_id") || !strcmp(w->attr, "remove_id")) {
			size_t *e = array_push((void **)&x->id_writes, &x->n_id_writes, &cap_id, sizeof(*e));

			if (!e)
				goto oom;
			*e = i;
		} else if (!push_dev_event(x, &cap_dev, w->bdf, DEV_WRITE, i)) {
			goto oom;
		}
	}
	for (size_t i = 0; i < m->n_pms; i++)
		if (!push_dev_event(x, &cap_dev, m->pms[i].bdf, DEV_PM, i))
			goto oom;
	for (size_t i = 0; !r->no_logs && i < m->n_logs; i++) {
		const struct m_log *l = &m->logs[i];

		if (l->source == M_LOG_KERNEL) {
			if (l->bdf[0] && !push_dev_event(x, &cap_dev, l->bdf, DEV_KERNEL_LINE, i))
				goto oom;
			continue;
		}
		/* the lines of a hook run's process, for the VM the hook is for */
		for (size_t k = array_lower_bound(x->pid_hooks, x->n_hook_pids, sizeof(*x->pid_hooks),
						  &(struct hook_pid){ .vm = "", .pid = l->pid }, cmp_pid_hook);
		     k < x->n_hook_pids && x->pid_hooks[k].pid == l->pid; k++)
			if ((k == 0 || cmp_pid_hook(&x->pid_hooks[k - 1], &x->pid_hooks[k])) &&
			    !push_line(x, x->pid_hooks[k].vm, i))
				goto oom;
		if (!unit_lines(x, m, vms, i))
			goto oom;
	}
	array_sort(x->dev_events, x->n_dev_events, sizeof(*x->dev_events), cmp_dev_event);
	array_sort(x->lines, x->n_lines, sizeof(*x->lines), cmp_vm_item);
	return true;
oom:
	r->oom = true;
	return false;
}

static void tl_index_free(struct tl_index *x)
{
	free(x->hook_pids);
	free(x->pid_hooks);
	free(x->dev_events);
	free(x->id_writes);
	free(x->hooks);
	free(x->lines);
	free(x->pick);
}

static bool pick_push(struct tl_index *x, size_t i)
{
	return index_push(&x->pick, &x->n_pick, &x->cap_pick, i);
}

/* The picked events in the model's order, each once (a device named twice
 * by a VM, a line found two ways). */
static void pick_finish(struct tl_index *x)
{
	index_sort_unique(x->pick, &x->n_pick);
}

/* Adds to X->pick the items of ITEMS (sorted by VM) for VM ID and for
 * every VM (""). False without memory. */
static bool pick_add_vm_items(struct tl_index *x, const struct vm_item *items, size_t n, const char *id)
{
	const char *const ids[] = { "", id };

	for (int k = 0; k < (id[0] ? 2 : 1); k++)
		for (size_t j = array_lower_bound(items, n, sizeof(*items),
						  &(struct vm_item){ .vm = ids[k], .i = 0 }, cmp_vm_item);
		     j < n && !strcmp(items[j].vm, ids[k]); j++)
			if (!pick_push(x, items[j].i))
				return false;
	return true;
}

/* X->pick: the items of ITEMS for VM ID, in the model's order. */
static bool pick_vm_items(struct tl_index *x, const struct vm_item *items, size_t n, const char *id)
{
	x->n_pick = 0;
	if (!pick_add_vm_items(x, items, n, id))
		return false;
	pick_finish(x);
	return true;
}

/* Into X->pick: the events of KIND about VM's devices. False without
 * memory. */
static bool pick_dev_events(struct tl_index *x, const struct m_vm *vm, enum dev_event_kind kind)
{
	x->n_pick = 0;
	for (int d = 0; d < vm->n_devs; d++) {
		const struct dev_event key = { .bdf = vm->devs[d], .kind = kind, .i = 0 };

		for (size_t j = array_lower_bound(x->dev_events, x->n_dev_events, sizeof(key), &key,
						  cmp_dev_event);
		     j < x->n_dev_events && x->dev_events[j].kind == kind &&
		     !strcmp(x->dev_events[j].bdf, key.bdf); j++)
			if (!pick_push(x, x->dev_events[j].i))
				return false;
	}
	pick_finish(x);
	return true;
}

static bool hook_pid_of(const struct tl_index *x, const char *vm, uint32_t pid)
{
	const struct hook_pid key = { .vm = vm, .pid = pid };
	size_t k = array_lower_bound(x->hook_pids, x->n_hook_pids, sizeof(key), &key, cmp_hook_pid);

	return k < x->n_hook_pids && !cmp_hook_pid(&x->hook_pids[k], &key);
}

/* Is PID a hook run for VM (hook_for_vm): one named after it, or one that
 * names no VM? */
static bool hook_pid(const struct tl_index *x, const char *vm, uint32_t pid)
{
	return hook_pid_of(x, vm, pid) || hook_pid_of(x, "", pid);
}

static bool vm_has_device(const struct m_vm *vm, const char *bdf);

/* Kernel lines about the VM's devices, journal lines of its hooks and of
 * units named after it: marked as such, beside the writes they go with. */
static void log_row(struct report *r, const struct tl_index *ix, const struct m_vm *vm,
		    const struct m_log *l)
{
	struct row_text x = { .who = "" };
	char at[VM_ID_LEN + 2];

	snprintf(at, sizeof(at), "@%s.", vm->id);
	if (l->source == M_LOG_KERNEL ? !l->bdf[0] || !vm_has_device(vm, l->bdf) || (r->device && strcmp(r->device, l->bdf))
				      : !hook_pid(ix, vm->id, l->pid) && !strstr(l->unit, at))
		return;
	snprintf(x.what, sizeof(x.what), "%s: %.*s", l->source == M_LOG_KERNEL ? "kernel" : "journal",
		 (int)strcspn(l->msg, "\n"), l->msg);
	if (l->source == M_LOG_JOURNAL)
		snprintf(x.who, sizeof(x.who), "%s[%u]", l->comm, l->pid);
	add_row(r, l->ts_ns, vm->id, l->rec_id, &x);
}

static bool vm_has_device(const struct m_vm *vm, const char *bdf)
{
	for (int i = 0; i < vm->n_devs; i++)
		if (!strcmp(bdf, vm->devs[i]))
			return true;
	return false;
}

/* A VM run's start and stop: every run's, one timeline per VM id. */
static void run_rows(struct report *r, const struct m_vm *vm)
{
	struct row_text x = { .who = "" };

	if (vm->start_ns) {
		snprintf(x.what, sizeof(x.what), "VM %s started (%s pid %u)", vm->id,
			 vm->flavour == VM_PROXMOX ? "Proxmox, kvm" : vm->flavour == VM_LIBVIRT ?
			 "libvirt, qemu" : "qemu", vm->pid);
		add_row(r, vm->start_ns, vm->id, vm->rec_id, &x);
	}
	if (vm->stop_ns) {
		char st[64];

		exit_status_str(vm->exit_status, st, sizeof(st));
		snprintf(x.what, sizeof(x.what), "VM %s stopped: %s (QEMU %s)", vm->id,
			 vm->stop_requested ? "stop requested" : "no stop command seen", st);
		add_row(r, vm->stop_ns, vm->id, 0, &x);
	}
}

/* VM's rows but its runs': its hooks and the events about its devices,
 * each kind in the model's order (add_row keeps a repeated actor once). */
static void vm_timeline(struct report *r, struct tl_index *ix, const struct m_vm *vm)
{
	const struct model *m = &r->m;
	struct row_text x = { .who = "" };

	if (!pick_vm_items(ix, ix->hooks, ix->n_hooks, vm->id))
		goto oom;
	for (size_t p = 0; p < ix->n_pick; p++) {
		const struct m_hook *h = &m->hooks[ix->pick[p]];
		char st[64];

		/* a monitor running before the trace: shown where the trace begins */
		snprintf(x.what, sizeof(x.what), "hook %s %s %s%s", h->script, h->vm, h->phase,
			 h->start_ns ? "" : " (running when the recording began)");
		snprintf(x.who, sizeof(x.who), "%.16s[%u]", h->proc ? h->proc->comm : "?",
			 h->proc ? h->proc->pid : 0);
		add_row(r, h->start_ns ? h->start_ns : m->first_ns, vm->id, h->proc ? h->proc->rec_id : 0, &x);
		x.who[0] = 0;
		if (h->end_ns) {
			exit_status_str(h->exit_status, st, sizeof(st));
			if (h->start_ns)
				snprintf(x.what, sizeof(x.what), "hook %s %s: %s (%.2f s)", h->vm, h->phase, st,
					 (h->end_ns - h->start_ns) / 1e9);
			else
				snprintf(x.what, sizeof(x.what), "hook %s %s: %s", h->vm, h->phase, st);
			add_row(r, h->end_ns, vm->id, 0, &x);
		}
	}
	if (!pick_dev_events(ix, vm, DEV_TRANS))
		goto oom;
	for (size_t p = 0; p < ix->n_pick; p++) {
		const struct m_trans *t = &m->trans[ix->pick[p]];
		static const char *const verbs[] = { "->", "<-", "probe failed:", "added", "removed" };

		if (!vm_has_device(vm, t->bdf) || (r->device && strcmp(r->device, t->bdf)))
			continue;
		what_of(&x, (const char *[]){ t->bdf, " ", verbs[t->kind], " ", t->driver,
					       t->kind == M_UNBIND ? " (unbound)" : "", NULL });
		x.who[0] = 0;
		if (t->task_known)
			task_who(r, t->task, t->from_uevent, &x);
		if (!add_row(r, t->ts_ns, vm->id, t->rec_id, &x))
			return;
	}
	if (!pick_dev_events(ix, vm, DEV_WRITE))
		goto oom;
	for (size_t k = 0; k < ix->n_id_writes; k++)
		if (!pick_push(ix, ix->id_writes[k]))
			goto oom;
	pick_finish(ix);
	for (size_t p = 0; p < ix->n_pick; p++) {
		const struct m_write *w = &m->writes[ix->pick[p]];

		/* new_id and remove_id name ids, not a function: all shown */
		if (!vm_has_device(vm, w->bdf) && strcmp(w->attr, "new_id") && strcmp(w->attr, "remove_id"))
			continue;
		what_of(&x, (const char *[]){ "write \"", w->value, "\" to ", w->path,
					       w->ret < 0 ? " (failed)" : "", NULL });
		task_who(r, w->task, false, &x);
		if (!add_row(r, w->ts_ns, vm->id, w->rec_id, &x))
			return;
	}
	if (!pick_dev_events(ix, vm, DEV_PM))
		goto oom;
	for (size_t p = 0; p < ix->n_pick; p++) {
		const struct m_pm *pm = &m->pms[ix->pick[p]];

		if (!vm_has_device(vm, pm->bdf) || (r->device && strcmp(r->device, pm->bdf)))
			continue;
		if (pm->reset)
			snprintf(x.what, sizeof(x.what), "%s reset (%s): %s", pm->bdf, pm->function,
				 pm->ret < 0 ? errno_name(pm->ret, "failed") : "done");
		else
			snprintf(x.what, sizeof(x.what), "%s power %s asked: %s, now %s", pm->bdf,
				 pci_power_name(pm->state), pm->ret < 0 ? errno_name(pm->ret, "failed") : "done",
				 pci_power_name(pm->now_state));
		task_who(r, pm->task, false, &x);
		if (!add_row(r, pm->ts_ns, vm->id, pm->rec_id, &x))
			return;
	}
	x.who[0] = 0;
	for (size_t i = 0; i < m->n_marks; i++) {
		snprintf(x.what, sizeof(x.what), "mark: %s", m->marks[i].label);
		add_row(r, m->marks[i].ts_ns, vm->id, m->marks[i].rec_id, &x);
	}
	if (r->no_logs)
		return;
	/* kernel lines about its devices, its hooks' and its units' journal
	 * lines, all in the model's order */
	if (!pick_dev_events(ix, vm, DEV_KERNEL_LINE))
		goto oom;
	if (!pick_add_vm_items(ix, ix->lines, ix->n_lines, vm->id))
		goto oom;
	pick_finish(ix);
	for (size_t p = 0; p < ix->n_pick; p++)
		log_row(r, ix, vm, &m->logs[ix->pick[p]]);
	return;
oom:
	r->oom = true;
}

static int cmp_row(const void *a, const void *b)
{
	const struct tl_row *x = a, *y = b;

	int vm = x->vm == y->vm ? 0 : strcmp(x->vm, y->vm);

	if (vm)
		return vm;
	if (x->ts_ns != y->ts_ns)
		return x->ts_ns < y->ts_ns ? -1 : 1;
	return x->rec_id < y->rec_id ? -1 : x->rec_id > y->rec_id;
}

/* "+0.84 s after hook exit": rows after the end of a hook that gives the
 * devices back, until the VM starts again. */
static void hook_deltas(struct report *r, const struct by_vm *vms)
{
	struct by_vm *ends = NULL, *starts = NULL;
	size_t n_ends = 0, cap_ends = 0, n_starts = 0, cap_starts = 0;

	for (size_t k = 0; k < r->m.n_hooks; k++) {
		const struct m_hook *h = &r->m.hooks[k];
		bool after_stop = hook_is_after_stop(h);
		/* Proxmox pre-start, libvirt prepare, start, started: a start's */
		bool of_start = !strcmp(h->phase, "pre-start") || !strncmp(h->phase, "prepare", 7) ||
				!strncmp(h->phase, "start", 5);
		struct by_vm *e;

		if (after_stop ? !h->end_ns : !of_start || !h->start_ns)
			continue;
		e = after_stop ? array_push((void **)&ends, &n_ends, &cap_ends, sizeof(*ends))
			       : array_push((void **)&starts, &n_starts, &cap_starts, sizeof(*starts));
		if (!e) {
			r->oom = true;
			free(ends);
			free(starts);
			return;
		}
		*e = (struct by_vm){ .id = h->vm, .ts_ns = after_stop ? h->end_ns : h->start_ns };
	}
	array_sort(ends, n_ends, sizeof(*ends), cmp_by_vm);
	array_sort(starts, n_starts, sizeof(*starts), cmp_by_vm);
	for (size_t i = 0; i < r->n_rows; i++) {
		struct tl_row *x = &r->rows[i];
		/* a hook run for this VM, or for any (hook_for_vm) */
		const struct by_vm *own = last_before(ends, n_ends, x->vm, x->ts_ns);
		const struct by_vm *any = last_before(ends, n_ends, "", x->ts_ns);
		uint64_t last_end = own ? own->ts_ns : 0;
		const struct by_vm *start;

		if (any && any->ts_ns > last_end)
			last_end = any->ts_ns;
		/* the VM started again since, or a hook of its next start
		 * (pre-start, prepare) ran: its custody went on */
		start = last_before(vms, r->m.n_vms, x->vm, x->ts_ns + 1);
		if (last_end && start && start->ts_ns > last_end)
			last_end = 0;
		start = last_before(starts, n_starts, x->vm, x->ts_ns + 1);
		if (last_end && start && start->ts_ns > last_end)
			last_end = 0;
		if (last_end) {
			x->after_hook = true;
			x->delay_s = (x->ts_ns - last_end) / 1e9;
		}
	}
	free(ends);
	free(starts);
}

static bool in_phase(const struct report *r, uint64_t ts)
{
	return !r->phase || (ts >= r->phase->start_ns && ts < r->phase->end_ns);
}

/* Which transitions happened in which phase: the side-by-side comparison. */
static void compare_phases(struct report *r)
{
	const struct model *m = &r->m;

	for (size_t p = 0; p < m->n_phases && p < 32; p++) {
		for (size_t i = 0; i < m->n_trans; i++) {
			const struct m_trans *t = &m->trans[i];
			char sig[160];
			size_t k;

			if (t->ts_ns < m->phases[p].start_ns || t->ts_ns >= m->phases[p].end_ns ||
			    (t->kind != M_BIND && t->kind != M_UNBIND) || (r->device && strcmp(r->device, t->bdf)))
				continue;
			snprintf(sig, sizeof(sig), "%s %s %s by %.16s", t->bdf, t->kind == M_BIND ? "->" : "<-",
				 t->driver, t->task_known ? t->task->comm : "?");
			for (k = 0; k < r->n_sigs && strcmp(r->sigs[k].sig, sig); k++)
				;
			if (k == r->n_sigs) {
				struct phase_sig *s = array_push((void **)&r->sigs, &r->n_sigs,
								 &r->cap_sigs, sizeof(*r->sigs));

				if (!s) {
					r->oom = true;
					return;
				}
				snprintf(s->sig, sizeof(s->sig), "%s", sig);
			}
			r->sigs[k].phases |= 1u << p;
		}
	}
}

/* Keeps the findings and rows of the --phase window. */
static void keep_phase(struct report *r)
{
	size_t n = 0;

	for (size_t i = 0; i < r->f.n; i++)
		if (!r->f.v[i].ts_ns || in_phase(r, r->f.v[i].ts_ns))
			r->f.v[n++] = r->f.v[i];
	r->f.n = n;
	n = 0;
	for (size_t i = 0; i < r->n_rows; i++)
		if (in_phase(r, r->rows[i].ts_ns))
			r->rows[n++] = r->rows[i];
	r->n_rows = n;
}

/* A Proxmox VM asked for by its name (qm's -name NAME, as "qm list" shows
 * it): its id, or NULL. */
static const char *vm_id_of_name(const struct model *m, const char *name)
{
	for (size_t i = 0; i < m->n_vms; i++) {
		const struct m_proc *p = m->vms[i].proc;
		bool after_name = false;

		if (m->vms[i].flavour != VM_PROXMOX || !p)
			continue;
		for (size_t off = 0; off < p->argv_len; off += strnlen(p->argv + off, p->argv_len - off) + 1) {
			const char *arg = p->argv + off;
			size_t len = strcspn(arg, ",");

			if (after_name && len == strlen(name) && !strncmp(arg, name, len))
				return m->vms[i].id;
			after_name = !strcmp(arg, "-name");
		}
	}
	return NULL;
}

static void err_put(char *err, size_t errlen, size_t *off, const char *s)
{
	str_put(err, errlen, off, s, strlen(s));
}

int report_build(struct report *r, const char *const *traces, int n, const struct report_opts *o,
		 char *err, size_t errlen)
{
	const char *vm = o->vm, *device = o->device, *hook_pattern = o->hook_pattern, *phase = o->phase;
	char norm[PCI_BDF_LEN];
	bool known = !vm, *timeline_of;
	struct tl_index ix = { 0 };
	struct by_vm *vms;
	int ret;

	memset(r, 0, sizeof(*r));
	r->m.all_users = o->all_users;
	r->no_logs = o->no_logs;
	if (device) {
		if (pci_bdf_normalize(device, norm, sizeof(norm), 0)) {
			snprintf(err, errlen, "'%s' is not a PCI address (like 0000:0a:00.0)", device);
			return -EINVAL;
		}
		r->device = strdup(norm);
	}
	ret = model_load(&r->m, traces, n, hook_pattern, err, errlen);
	if (ret)
		return ret;
	for (size_t i = 0; vm && i < r->m.n_vms; i++)
		known |= !strcmp(r->m.vms[i].id, vm);
	if (!known && (vm = vm_id_of_name(&r->m, o->vm)))
		known = true;
	if (!known) {
		size_t off = 0;
		bool first = true;

		/* names of any length (a user's --vm, a path): cut to fit */
		err[0] = '\0';
		err_put(err, errlen, &off, "no VM '");
		err_put(err, errlen, &off, o->vm);
		err_put(err, errlen, &off, "' in ");
		err_put(err, errlen, &off, n > 1 ? "these traces" : traces[0]);
		err_put(err, errlen, &off, "; known: ");
		for (size_t i = 0; i < r->m.n_vms; i++) {
			bool said = false;

			for (size_t k = 0; k < i && !said; k++)	/* a VM's runs: its id once */
				said = !strcmp(r->m.vms[k].id, r->m.vms[i].id);
			if (said)
				continue;
			if (!first)
				err_put(err, errlen, &off, ", ");
			err_put(err, errlen, &off, r->m.vms[i].id);
			first = false;
		}
		if (!r->m.n_vms)
			err_put(err, errlen, &off, "none (no QEMU process with -id, -name or vfio-pci devices)");
		return -ENOENT;
	}
	r->vm = vm;
	for (size_t i = 0; phase && i < r->m.n_phases; i++)
		if (!strcmp(r->m.phases[i].name, phase))
			r->phase = &r->m.phases[i];
	if (phase && !r->phase) {
		size_t off = 0;

		err[0] = '\0';
		err_put(err, errlen, &off, "no phase '");
		err_put(err, errlen, &off, phase);
		err_put(err, errlen, &off, "'; known: ");
		for (size_t i = 0; i < r->m.n_phases; i++) {
			if (i)
				err_put(err, errlen, &off, ", ");
			err_put(err, errlen, &off, r->m.phases[i].name);
		}
		if (!r->m.n_phases)
			err_put(err, errlen, &off, "none (no marks; one trace)");
		return -ENOENT;
	}
	if (r->device && !model_knows_device(&r->m, r->device)) {
		snprintf(err, errlen, "no device %s in %s", r->device, n > 1 ? "these traces" : traces[0]);
		return -ENOENT;
	}
	if (custody_build(&r->m, vm, r->device, &r->c) < 0 ||
	    findings_analyze(&r->m, &r->c, vm, r->device, &r->f) < 0) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	vms = vms_by_id(r);
	timeline_of = calloc(r->m.n_vms ? r->m.n_vms : 1, sizeof(*timeline_of));
	if (!vms || !timeline_of || !tl_index_build(r, vms, &ix)) {
		tl_index_free(&ix);
		free(vms);
		free(timeline_of);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	/* one timeline per VM id: every run's start and stop; the hooks and
	 * device events from its first run (in the model's order) with
	 * devices, and from every run before that one */
	for (size_t g = 0, end; g < r->m.n_vms; g = end) {
		size_t first_with_devs = SIZE_MAX;

		for (end = g; end < r->m.n_vms && !strcmp(vms[end].id, vms[g].id); end++)
			if (r->m.vms[vms[end].i].n_devs && vms[end].i < first_with_devs)
				first_with_devs = vms[end].i;
		for (size_t k = g; k < end; k++)
			timeline_of[vms[k].i] = vms[k].i <= first_with_devs;
	}
	for (size_t i = 0; i < r->m.n_vms; i++) {
		if (vm && strcmp(vm, r->m.vms[i].id))
			continue;
		run_rows(r, &r->m.vms[i]);
		if (timeline_of[i])
			vm_timeline(r, &ix, &r->m.vms[i]);
	}
	tl_index_free(&ix);
	/* the same event can show for two runs of a VM: keep one row */
	array_sort(r->rows, r->n_rows, sizeof(*r->rows), cmp_row);
	hook_deltas(r, vms);
	free(vms);
	free(timeline_of);
	if (r->phase)
		keep_phase(r);
	else if (r->m.n_phases > 1)
		compare_phases(r);
	if (r->oom) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

bool report_shows_device(const struct report *r, const char *bdf)
{
	if (r->device)
		return !strcmp(r->device, bdf);
	if (!r->vm)
		return true;
	for (size_t i = 0; i < r->m.n_vms; i++)
		if (!strcmp(r->m.vms[i].id, r->vm) && vm_has_device(&r->m.vms[i], bdf))
			return true;
	return false;
}

const char *report_qemu_pid(const struct m_vm *vm, char *buf, size_t size)
{
	if (vm->daemon_pid && vm->daemon_pid != vm->pid)
		snprintf(buf, size, "QEMU pid %u, daemonized from %u", vm->daemon_pid, vm->pid);
	else
		snprintf(buf, size, "QEMU pid %u", vm->pid);
	return buf;
}

const struct m_devstate *report_phase_state(const struct report *r, size_t p, const char *bdf)
{
	const struct m_phase *ph = &r->m.phases[p];
	const struct m_devstate *best = NULL;

	for (size_t i = 0; i < r->m.n_states; i++) {
		const struct m_devstate *d = &r->m.states[i];

		if (!strcmp(d->bdf, bdf) && d->ts_ns >= ph->start_ns && d->ts_ns < ph->end_ns &&
		    (!best || d->ts_ns >= best->ts_ns))
			best = d;
	}
	return best;
}

const char *report_state_attr(const struct m_devstate *d, int i, const char **name)
{
	static const char *const names[REPORT_STATE_ATTRS] = {
		"driver", "driver_override", "power_state", "runtime_status", "enable",
		"d3cold_allowed", "reset_method", "link_speed", "link_width" };
	const char *v[REPORT_STATE_ATTRS] = {
		d->driver, d->override, d->power_state, d->runtime_status, d->enable,
		d->d3cold_allowed, d->reset_method, d->link_speed, d->link_width };

	*name = names[i];
	return d->missing ? "(gone)" : v[i];
}

bool report_has_findings(const struct report *r)
{
	for (size_t i = 0; i < r->f.n; i++)
		if (r->f.v[i].severity > SEV_INFO)
			return true;
	return false;
}

void report_free(struct report *r)
{
	model_free(&r->m);
	custody_free(&r->c);
	findings_free(&r->f);
	free(r->rows);
	text_store_free(&r->text);
	free(r->sigs);
	free((char *)r->device);
	memset(r, 0, sizeof(*r));
}
