// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/findings.h"
#include "model/event.h"
#include "util.h"

const char *f_kind_name(enum f_kind k)
{
	static const char *const names[F_KIND_MAX] = {
		"rebind_after_hook", "hook_left_stub", "no_hook", "hook_failed", "probe_failed",
		"stub_without_vm", "limit" };
	return names[k];
}

const char *f_severity_name(enum f_severity s)
{
	return s == SEV_HIGH ? "HIGH" : s == SEV_WARN ? "WARN" : "INFO";
}

const char *f_mechanism_name(enum f_mechanism m)
{
	static const char *const names[] = { "", "driver_override", "stale_driver_override",
					     "stale_dynamic_id", "explicit_bind", "unbind_only",
					     "unknown" };
	return names[m];
}

static struct finding *add(struct findings *fs, enum f_kind kind, enum f_severity sev)
{
	struct finding *f;

	if (fs->n == fs->cap) {
		size_t cap = fs->cap ? fs->cap * 2 : 16;
		void *p = realloc(fs->v, cap * sizeof(*fs->v));

		if (!p)
			return NULL;
		fs->v = p;
		fs->cap = cap;
	}
	f = &fs->v[fs->n++];
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	f->severity = sev;
	return f;
}

static void evidence(struct finding *f, uint64_t id)
{
	if (!id || f->n_evidence >= F_EVIDENCE_MAX)
		return;
	for (int i = 0; i < f->n_evidence; i++)
		if (f->evidence[i] == id)
			return;
	f->evidence[f->n_evidence++] = id;
}

static void set_culprit(const struct model *m, struct finding *f, const struct gt_task *t,
			uint64_t ts)
{
	f->has_culprit = true;
	f->culprit = *t;
	f->culprit_proc = model_proc_at(m, t->pid, ts);
}

static bool descends_from(const struct gt_task *t, uint32_t pid)
{
	if (t->pid == pid)
		return true;
	for (int i = 0; i < t->n_ancestors && i < GT_ANCESTRY_MAX; i++)
		if (t->ancestors[i].pid == pid)
			return true;
	return false;
}

static bool is_vm_dev(const struct m_vm *vm, const char *bdf)
{
	for (int i = 0; i < vm->n_devs; i++)
		if (!strcmp(vm->devs[i], bdf))
			return true;
	return false;
}

static const struct m_pci *pci_of(const struct model *m, const char *bdf)
{
	for (size_t i = 0; i < m->n_pci; i++)
		if (!strcmp(m->pci[i].bdf, bdf))
			return &m->pci[i];
	return NULL;
}

/* "comm[pid]" */
static const char *who(const struct gt_task *t, char *buf, size_t size)
{
	snprintf(buf, size, "%.16s[%u]", t->comm, t->pid);
	return buf;
}

/* The last successful write to BDF's driver_override before TS. */
static const struct m_write *last_override(const struct model *m, const char *bdf, uint64_t ts)
{
	const struct m_write *best = NULL;
	char tail[64];

	snprintf(tail, sizeof(tail), "/%s/driver_override", bdf);
	for (size_t i = 0; i < m->n_writes; i++) {
		const struct m_write *w = &m->writes[i];
		size_t n = strlen(w->path), t = strlen(tail);

		if (w->ts_ns < ts && w->ret > 0 && n >= t && !strcmp(w->path + n - t, tail))
			best = w;
	}
	return best;
}

/* A dynamic id of DRIVER matching BDF's ids, in the table at TS. */
static const struct m_dynid *dynid_for(const struct model *m, const char *bdf, const char *driver,
				       uint64_t ts)
{
	const struct m_pci *d = pci_of(m, bdf);

	for (size_t i = 0; d && i < m->n_dynids; i++) {
		const struct m_dynid *y = &m->dynids[i];

		if (!strcmp(y->driver, driver) && y->vendor == d->vendor && y->device == d->device &&
		    y->ts_ns < ts && (!y->removed_ns || y->removed_ns > ts))
			return y;
	}
	return NULL;
}

/* What made the driver core look again: "a reprobe (drivers_probe) by sh[12]".
 * The write the bind happened in comes first; a device removed and added
 * back since AFTER explains a bind no probe write does. */
static void trigger_text(const struct model *m, const struct m_trans *bind, uint64_t after,
			 char *buf, size_t size)
{
	const struct m_write *w = bind->cause >= 0 ? &m->writes[bind->cause] : NULL;
	char p[48];

	if (w && !strcmp(w->attr, "drivers_probe")) {
		snprintf(buf, size, "a reprobe (write to drivers_probe) by %s", who(&w->task, p, sizeof(p)));
		return;
	}
	if (w && !strcmp(w->attr, "bind")) {
		snprintf(buf, size, "a write to %s by %s", w->path, who(&w->task, p, sizeof(p)));
		return;
	}
	for (size_t i = 0; i < m->n_trans; i++) {
		const struct m_trans *t = &m->trans[i];

		if (t->ts_ns > after && t->ts_ns < bind->ts_ns && t->kind == M_REMOVE &&
		    !strcmp(t->bdf, bind->bdf)) {
			snprintf(buf, size, "the device was removed and added again (rescan)%s%s",
				 w ? " by " : "", w ? who(&w->task, p, sizeof(p)) : "");
			return;
		}
	}
	if (w)
		snprintf(buf, size, "a write to %s by %s", w->path, who(&w->task, p, sizeof(p)));
	else
		snprintf(buf, size, "a probe no write explains (module load or hotplug)");
}

static void fmt_time(const struct model *m, uint64_t ts, char *buf, size_t size)
{
	(void)m;
	fmt_wall(ts, false, buf, size);
}

static void explain(const struct model *m, struct finding *f, const struct m_trans *bind,
		    const struct m_trans *unbind, uint64_t hook_end)
{
	const struct m_write *ov = last_override(m, f->device, f->ts_ns + 1);
	const struct m_write *cause = bind && bind->cause >= 0 ? &m->writes[bind->cause] : NULL;
	char trig[640], p[48], t[32];

	if (!bind) {
		f->mech = MECH_UNBIND_ONLY;
		snprintf(f->mechanism, sizeof(f->mechanism), "unbound from %s and left without a driver",
			 f->driver_from);
		return;
	}
	trigger_text(m, bind, hook_end, trig, sizeof(trig));
	if (ov && driver_is_stub(ov->value) && !strcmp(ov->value, bind->driver)) {
		evidence(f, ov->rec_id);
		fmt_time(m, ov->ts_ns, t, sizeof(t));
		f->mech = ov->ts_ns > hook_end ? MECH_OVERRIDE : MECH_STALE_OVERRIDE;
		snprintf(f->mechanism, sizeof(f->mechanism),
			 f->mech == MECH_OVERRIDE ? "driver_override set to %s by %s at %s, then %s"
						  : "stale driver_override=%s set by %s at %s, never cleared; then %s",
			 ov->value, who(&ov->task, p, sizeof(p)), t, trig);
		return;
	}
	if (cause && !strcmp(cause->attr, "bind") && strstr(cause->path, bind->driver)) {
		f->mech = MECH_EXPLICIT_BIND;
		snprintf(f->mechanism, sizeof(f->mechanism), "explicit bind: %s wrote %s to %s",
			 who(&cause->task, p, sizeof(p)), cause->value, cause->path);
		return;
	}
	const struct m_dynid *dyn = dynid_for(m, f->device, bind->driver, bind->ts_ns);

	if (dyn) {
		evidence(f, dyn->rec_id);
		fmt_time(m, dyn->ts_ns, t, sizeof(t));
		f->mech = MECH_STALE_DYNID;
		snprintf(f->mechanism, sizeof(f->mechanism),
			 "kernel-initiated: stale dynamic id %04x:%04x added to %s by %s at %s "
			 "(%s), never removed; %s let %s claim the device (nobody wrote %s)",
			 dyn->vendor, dyn->device, dyn->driver, who(&dyn->task, p, sizeof(p)), t,
			 dyn->via_new_id ? "new_id" : "at module load: a vfio-pci ids= option", trig,
			 bind->driver, bind->driver);
		return;
	}
	f->mech = MECH_UNKNOWN;
	snprintf(f->mechanism, sizeof(f->mechanism), "%s bound it to %s; no override or dynamic id "
		 "in the trace explains the choice", trig, bind->driver);
	(void)unbind;
}

/* The start of a VM run begins before QEMU does (qm or libvirt bind the
 * devices to vfio-pci first): binds this close before a run are its own. */
#define START_SEQUENCE_NS (10 * 1000000000ull)

/* The device's first move off its host driver after the hook returned it,
 * up to the start sequence of the VM's next run. */
static void rebind_after_hook(const struct model *m, const struct m_vm *vm, const struct m_hook *h,
			      const char *devf, struct findings *fs)
{
	uint64_t until = UINT64_MAX;

	for (size_t i = 0; i < m->n_vms; i++)
		if (!strcmp(m->vms[i].id, vm->id) && m->vms[i].start_ns > h->end_ns &&
		    m->vms[i].start_ns < until)
			until = m->vms[i].start_ns;
	if (until != UINT64_MAX)
		until = until > h->end_ns + START_SEQUENCE_NS ? until - START_SEQUENCE_NS : h->end_ns;
	for (int d = 0; d < vm->n_devs; d++) {
		const char *bdf = vm->devs[d], *host = model_driver_before(m, bdf, h->end_ns + 1);
		const struct m_trans *left = NULL, *bind = NULL;
		struct finding *f;

		if ((devf && strcmp(devf, bdf)) || !host || !host[0] || driver_is_stub(host))
			continue;
		for (size_t i = 0; i < m->n_trans && m->trans[i].ts_ns < until; i++) {
			const struct m_trans *t = &m->trans[i];

			if (t->ts_ns <= h->end_ns || strcmp(t->bdf, bdf))
				continue;
			if (!left && (t->kind == M_UNBIND || t->kind == M_REMOVE ||
				      (t->kind == M_BIND && driver_is_stub(t->driver))))
				left = t;
			if (left && t->kind == M_BIND) {
				bind = t;
				break;
			}
		}
		if (!left || (bind && !driver_is_stub(bind->driver)))
			continue;	/* stayed, or came back to a host driver */
		f = add(fs, F_REBIND_AFTER_HOOK, SEV_HIGH);
		if (!f)
			return;
		snprintf(f->vm, sizeof(f->vm), "%s", vm->id);
		snprintf(f->device, sizeof(f->device), "%s", bdf);
		snprintf(f->driver_from, sizeof(f->driver_from), "%s", host);
		snprintf(f->driver_to, sizeof(f->driver_to), "%s", bind ? bind->driver : "");
		f->ts_ns = bind ? bind->ts_ns : left->ts_ns;
		f->has_delay = true;
		f->delay_after_hook_s = (f->ts_ns - h->end_ns) / 1e9;
		const struct m_trans *act = bind && bind->task_known ? bind : left;

		if (act->task_known) {
			set_culprit(m, f, &act->task, act->ts_ns);
			f->culprit_inferred = act->from_uevent;
			f->culprit_from_hook = h->proc && descends_from(&act->task, h->proc->pid);
		}
		evidence(f, h->proc ? h->proc->rec_id : 0);
		evidence(f, left->rec_id);
		evidence(f, bind ? bind->rec_id : 0);
		if (bind && bind->cause >= 0)
			evidence(f, m->writes[bind->cause].rec_id);
		explain(m, f, bind, left, h->end_ns);
		snprintf(f->summary, sizeof(f->summary), "%s rebound to %s %.2f s after the %s hook "
			 "returned it to %s", bdf, bind ? bind->driver : "(no driver)",
			 f->delay_after_hook_s, h->phase, host);
	}
}

static void hook_left_stub(const struct model *m, const struct m_vm *vm, const struct m_hook *h,
			   const char *devf, struct findings *fs)
{
	int returned = 0;

	for (int d = 0; d < vm->n_devs; d++) {
		const char *drv = model_driver_before(m, vm->devs[d], h->end_ns + 1);

		returned += drv && drv[0] && !driver_is_stub(drv);
	}
	for (int d = 0; d < vm->n_devs; d++) {
		const char *drv = model_driver_before(m, vm->devs[d], h->end_ns + 1);
		struct finding *f;

		if ((devf && strcmp(devf, vm->devs[d])) || !drv || !driver_is_stub(drv))
			continue;
		f = add(fs, F_HOOK_LEFT_STUB, SEV_WARN);
		if (!f)
			return;
		snprintf(f->vm, sizeof(f->vm), "%s", vm->id);
		snprintf(f->device, sizeof(f->device), "%s", vm->devs[d]);
		snprintf(f->driver_from, sizeof(f->driver_from), "%s", drv);
		f->ts_ns = h->end_ns;
		evidence(f, h->proc ? h->proc->rec_id : 0);
		snprintf(f->summary, sizeof(f->summary), "%s left on %s: the %s hook %s", vm->devs[d], drv,
			 h->phase, returned ? "returned the other functions but not this one"
					    : "returned none of the VM's devices");
		snprintf(f->mechanism, sizeof(f->mechanism), "the hook never rebinds %s to a host driver",
			 vm->devs[d]);
	}
}

static void no_hook(const struct model *m, const struct m_vm *vm, struct findings *fs)
{
	struct finding *f;
	char drivers[256] = "";
	size_t off = 0;

	if (!vm->stop_ns)
		return;
	for (size_t i = 0; i < m->n_hooks; i++)
		if (hook_for_vm(&m->hooks[i], vm->id) && hook_is_after_stop(&m->hooks[i]) &&
		    m->hooks[i].start_ns + 2000000000ull >= vm->stop_ns)
			return;
	for (int d = 0; d < vm->n_devs && off < sizeof(drivers); d++) {
		const char *drv = model_driver_before(m, vm->devs[d], UINT64_MAX);

		off += snprintf(drivers + off, sizeof(drivers) - off, "%s%s on %s", d ? ", " : "",
				vm->devs[d], drv && drv[0] ? drv : "no driver");
	}
	f = add(fs, F_NO_HOOK, SEV_HIGH);
	if (!f)
		return;
	snprintf(f->vm, sizeof(f->vm), "%s", vm->id);
	f->ts_ns = vm->stop_ns;
	evidence(f, vm->rec_id);
	snprintf(f->summary, sizeof(f->summary), "VM %s stopped (%s) and no hook ran", vm->id,
		 vm->stop_requested ? "stop requested" : "guest-initiated: no stop command seen");
	snprintf(f->mechanism, sizeof(f->mechanism), "nothing returned the devices: %s%s", drivers,
		 vm->stop_requested ? "" : "; a guest-initiated stop runs no pre-stop hook, and "
		 "post-stop runs only through qmeventd / qm cleanup");
}

static void hook_failed(const struct model *m, const struct m_hook *h, struct findings *fs)
{
	struct finding *f;
	char st[64];

	if (!h->end_ns || !h->exit_status)
		return;
	f = add(fs, F_HOOK_FAILED, SEV_HIGH);
	if (!f)
		return;
	snprintf(f->vm, sizeof(f->vm), "%s", h->vm);
	f->ts_ns = h->end_ns;
	if (h->proc)
		set_culprit(m, f, &(struct gt_task){ .pid = h->proc->pid, .ppid = h->proc->ppid }, h->start_ns);
	if (f->culprit_proc)
		memcpy(f->culprit.comm, f->culprit_proc->comm, GT_COMM_LEN);
	evidence(f, h->proc ? h->proc->rec_id : 0);
	exit_status_str(h->exit_status, st, sizeof(st));
	snprintf(f->summary, sizeof(f->summary), "%s hook %s %s", h->phase, h->script, st);
	snprintf(f->mechanism, sizeof(f->mechanism), "the hook %s", st);
}

static void probe_failures(const struct model *m, const struct m_vm *vm, const char *devf,
			   struct findings *fs)
{
	for (size_t i = 0; i < m->n_trans; i++) {
		const struct m_trans *t = &m->trans[i];
		struct finding *f;

		/* -ENODEV/-ENXIO: a driver saying "not mine", not a failure */
		if (t->kind != M_PROBE_FAIL || !is_vm_dev(vm, t->bdf) || (devf && strcmp(devf, t->bdf)) ||
		    t->err == -ENODEV || t->err == -ENXIO)
			continue;
		f = add(fs, F_PROBE_FAILED, SEV_WARN);
		if (!f)
			return;
		snprintf(f->vm, sizeof(f->vm), "%s", vm->id);
		snprintf(f->device, sizeof(f->device), "%s", t->bdf);
		snprintf(f->driver_to, sizeof(f->driver_to), "%s", t->driver);
		f->ts_ns = t->ts_ns;
		if (t->task_known)
			set_culprit(m, f, &t->task, t->ts_ns);
		evidence(f, t->rec_id);
		snprintf(f->summary, sizeof(f->summary), "%s failed to probe %s: %s (%d)", t->driver,
			 t->bdf, strerrorname_np(-t->err) ?: "error", t->err);
		snprintf(f->mechanism, sizeof(f->mechanism), "probe of %s returned %d%s", t->driver, t->err,
			 t->err == -EINVAL && driver_is_stub(t->driver) ? " (vfio-pci without an IOMMU group?)" : "");
	}
}

/* A device bound to vfio-pci that no VM started with in the next 10 s: who
 * put it there and how (a udev rule re-applying a driverctl override, a
 * reprobe with a stale dynamic id, ...). Rebinds after a hook are already
 * reported as such. */
static void stub_without_vm(const struct model *m, const char *vmf, const char *devf,
			    struct findings *fs)
{
	const uint64_t window = 10 * 1000000000ull;

	for (size_t i = 0; i < m->n_trans; i++) {
		const struct m_trans *t = &m->trans[i];
		const char *before = model_driver_before(m, t->bdf, t->ts_ns);
		bool used = false, reported = false;
		struct finding *f;

		if (t->kind != M_BIND || !driver_is_stub(t->driver) || (devf && strcmp(devf, t->bdf)))
			continue;
		for (size_t v = 0; v < m->n_vms && !used; v++) {
			const struct m_vm *vm = &m->vms[v];

			used = is_vm_dev(vm, t->bdf) && ((vm->start_ns >= t->ts_ns &&
				vm->start_ns < t->ts_ns + window) || (vm->start_ns <= t->ts_ns &&
				(!vm->stop_ns || vm->stop_ns >= t->ts_ns)));
			if (vmf && !strcmp(vmf, vm->id) && !is_vm_dev(vm, t->bdf))
				used = true;	/* not this VM's device: out of scope */
		}
		for (size_t k = 0; k < fs->n; k++)
			reported |= fs->v[k].kind == F_REBIND_AFTER_HOOK && !strcmp(fs->v[k].device, t->bdf) &&
				    fs->v[k].ts_ns == t->ts_ns;
		if (used || reported)
			continue;
		f = add(fs, F_STUB_WITHOUT_VM, SEV_WARN);
		if (!f)
			return;
		snprintf(f->device, sizeof(f->device), "%s", t->bdf);
		snprintf(f->driver_from, sizeof(f->driver_from), "%s", before ? before : "");
		snprintf(f->driver_to, sizeof(f->driver_to), "%s", t->driver);
		f->ts_ns = t->ts_ns;
		if (t->task_known) {
			set_culprit(m, f, &t->task, t->ts_ns);
			f->culprit_inferred = t->from_uevent;
		}
		evidence(f, t->rec_id);
		if (t->cause >= 0)
			evidence(f, m->writes[t->cause].rec_id);
		explain(m, f, t, NULL, 0);
		snprintf(f->summary, sizeof(f->summary), "%s moved to %s and no VM started with it",
			 t->bdf, t->driver);
	}
}

static void limits(const struct model *m, struct findings *fs)
{
	struct finding *f;

	if (m->outcomes_from_uevents && (f = add(fs, F_LIMIT, SEV_INFO))) {
		snprintf(f->summary, sizeof(f->summary), "driver outcomes come from kernel uevents (%s "
			 "backend): they carry no pid", m->backend);
		snprintf(f->mechanism, sizeof(f->mechanism), "culprits of binds and unbinds are the "
			 "sysfs write in flight at that moment (marked inferred), not proven");
	}
	if (m->lost && (f = add(fs, F_LIMIT, SEV_WARN))) {
		f->ts_ns = m->lost_first_ns;
		snprintf(f->summary, sizeof(f->summary), "%llu events were lost while recording",
			 (unsigned long long)m->lost);
		snprintf(f->mechanism, sizeof(f->mechanism), "findings near the loss may miss a step: "
			 "see the counters in 'gputrace dump'");
	}
	if (m->truncated && (f = add(fs, F_LIMIT, SEV_INFO))) {
		snprintf(f->summary, sizeof(f->summary), "the trace is truncated (the recorder did not "
			 "finish it): what happened after its end is unknown");
	}
	if (m->error[0] && (f = add(fs, F_LIMIT, SEV_WARN)))
		snprintf(f->summary, sizeof(f->summary), "%s", m->error);
}

static int cmp_finding(const void *a, const void *b)
{
	const struct finding *x = a, *y = b;

	if (x->severity != y->severity)
		return y->severity - x->severity;
	return x->ts_ns < y->ts_ns ? -1 : x->ts_ns > y->ts_ns;
}

/* When VM's id starts its next run (a restart, or the next trace): hooks
 * from then on belong to that run. */
static uint64_t next_run(const struct model *m, const struct m_vm *vm)
{
	uint64_t next = UINT64_MAX;

	for (size_t i = 0; i < m->n_vms; i++)
		if (!strcmp(m->vms[i].id, vm->id) && m->vms[i].start_ns > vm->start_ns &&
		    m->vms[i].start_ns < next)
			next = m->vms[i].start_ns;
	return next;
}

int findings_analyze(const struct model *m, const char *vmf, const char *devf, struct findings *fs)
{
	for (size_t v = 0; v < m->n_vms; v++) {
		const struct m_vm *vm = &m->vms[v];
		uint64_t next = next_run(m, vm);

		if (vmf && strcmp(vmf, vm->id))
			continue;
		if (!devf)
			no_hook(m, vm, fs);
		probe_failures(m, vm, devf, fs);
		for (size_t i = 0; i < m->n_hooks; i++) {
			const struct m_hook *h = &m->hooks[i];

			if (!hook_for_vm(h, vm->id) || h->start_ns < vm->start_ns || h->start_ns >= next ||
			    (vm->stop_ns && h->start_ns + 2000000000ull < vm->stop_ns))
				continue;	/* another run of this VM */
			if (!devf)
				hook_failed(m, h, fs);
			if (h->end_ns && hook_is_after_stop(h)) {
				rebind_after_hook(m, vm, h, devf, fs);
				hook_left_stub(m, vm, h, devf, fs);
			}
		}
	}
	stub_without_vm(m, vmf, devf, fs);
	limits(m, fs);
	qsort(fs->v, fs->n, sizeof(*fs->v), cmp_finding);
	return 0;
}

void findings_free(struct findings *f)
{
	free(f->v);
	memset(f, 0, sizeof(*f));
}
