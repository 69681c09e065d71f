// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Findings, each judged once from the custody of a device through a VM run
 * (custody.c): a rebind after the return, a return that failed and what
 * blocked it, a device the settled stop sequence left on the stub or on no
 * driver, no hook at all, a late return, a failed hook or probe, a stub bind
 * outside any run, a hand-over between VMs, and the trace's own limits.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "findings/findings.h"
#include "gputrace/trace_format.h"
#include "trace/event_decode.h"
#include "util.h"

const char *f_kind_name(enum f_kind k)
{
	static const char *const names[F_KIND_MAX] = {
		"rebind_after_return", "return_failed", "left_on_stub", "left_without_driver",
		"no_hook", "late_return", "hook_failed", "probe_failed", "stub_without_vm",
		"handover", "returned_unusable", "limit", "rebind_denied" };
	return names[k];
}

const char *f_mechanism_name(enum f_mechanism m)
{
	static const char *const names[] = { "", "driver_override", "stale_driver_override",
					     "stale_dynamic_id", "explicit_bind", "unbind_only",
					     "removed", "probe_error", "write_error", "unknown" };
	return names[m];
}

static struct finding *add(struct findings *fs, enum f_kind kind, enum severity sev)
{
	struct finding *f = array_push((void **)&fs->v, &fs->n, &fs->cap, sizeof(*fs->v));

	if (!f) {
		fs->oom = true;	/* never a clean report for want of memory */
		return NULL;
	}
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

/* Kernel lines about DEV between FROM and TO, of priority LEVEL or more
 * urgent, into the finding as evidence. */
static void kernel_lines(const struct model *m, struct finding *f, const char *dev, uint64_t from,
			 uint64_t to, int level)
{
	for (size_t i = model_first_at(m->logs, m->n_logs, from);
	     i < m->n_logs && m->logs[i].ts_ns <= to && f->n_kernel_log < 4; i++) {
		const struct m_log *l = &m->logs[i];

		if (l->source != M_LOG_KERNEL || strcmp(l->bdf, dev) ||
		    l->level < 0 || l->level > level)
			continue;
		f->kernel_log[f->n_kernel_log++] = l;
		evidence(f, l->rec_id);
	}
}

static bool is_display(const struct model *m, const char *bdf)
{
	for (size_t i = 0; i < m->n_pci; i++)
		if (!strcmp(m->pci[i].bdf, bdf))
			return pci_class_is_display(m->pci[i].class);
	return false;
}

/* DEV's first (or, with LAST, last) recorded state in (FROM, UNTIL]: the
 * PCI_STATE records, in time order. */
static const struct m_devstate *state_in(const struct model *m, const char *dev, uint64_t from,
					 uint64_t until, bool last)
{
	const struct m_devstate *found = NULL;

	for (size_t i = model_first_at(m->states, m->n_states, from);
	     i < m->n_states && m->states[i].ts_ns <= until && (last || !found); i++) {
		const struct m_devstate *d = &m->states[i];

		if (d->ts_ns > from && !strcmp(d->bdf, dev))
			found = d;
	}
	return found;
}

/* "comm[pid]" */
static const char *who(const struct gt_task *t, char *buf, size_t size)
{
	snprintf(buf, size, "%.16s[%u]", t->comm, t->pid);
	return buf;
}

static void fmt_time(uint64_t ts, char *buf, size_t size)
{
	fmt_wall(ts, false, buf, size);
}

/* The culprit, who started it (spawn chain) and whether a hook is behind it. */
static void set_culprit(const struct model *m, struct finding *f, const struct gt_task *t,
			uint64_t ts)
{
	const struct m_hook *h;

	f->has_culprit = true;
	f->culprit = *t;
	f->culprit_proc = model_proc_at(m, t->pid, ts);
	if (f->culprit_proc && f->culprit_proc->exit_ns && f->culprit_proc->exit_ns < ts)
		f->culprit_proc = NULL;	/* an older process with the same pid */
	f->n_spawned_by = model_spawn_chain(m, t, ts, f->spawned_by);
	switch (custody_actor(m, t, ts, f->spawned_by, f->n_spawned_by, &h)) {
	case RET_HOOK:
	case RET_HOOK_CHILD:
		f->culprit_from_hook = true;
		f->culprit_hook = h;
		break;
	case RET_MONITOR:
		f->culprit_hook = h;
		break;
	default:
		break;
	}
}

static void set_device(struct finding *f, const struct custody *c)
{
	snprintf(f->vm, sizeof(f->vm), "%s", c->vm->id);
	snprintf(f->device, sizeof(f->device), "%s", c->bdf);
}

/* The last after-stop hook of the run that ended before TS. */
static const struct m_hook *hook_before(const struct custody *c, uint64_t ts)
{
	const struct m_hook *best = NULL;

	for (int i = 0; i < c->n_hooks; i++) {
		const struct m_hook *h = c->hooks[i];

		if (h->end_ns && h->end_ns < ts && (!best || h->end_ns > best->end_ns))
			best = h;
	}
	return best;
}

static void delays(struct finding *f, const struct custody *c, uint64_t ts)
{
	const struct m_hook *h = hook_before(c, ts);

	if (c->stop_ns && ts >= c->stop_ns) {
		f->has_stop_delay = true;
		f->delay_after_stop_s = (ts - c->stop_ns) / 1e9;
	}
	if (c->ret && ts >= c->ret->ts_ns) {
		f->has_return_delay = true;
		f->delay_after_return_s = (ts - c->ret->ts_ns) / 1e9;
	}
	if (h) {
		f->has_delay = true;
		f->delay_after_hook_s = (ts - h->end_ns) / 1e9;
	}
}

/* What made the driver core look again: "a reprobe (drivers_probe) by sh[12]".
 * The write the bind happened in comes first; a device removed and added
 * back explains a bind no probe write does. */
static void trigger_text(const struct model *m, const struct m_trans *bind,
			 const struct c_episode *e, char *buf, size_t size)
{
	const struct m_write *w = bind->cause >= 0 ? &m->writes[bind->cause] : NULL;
	char p[48];

	if (w && !strcmp(w->attr, "drivers_probe")) {
		snprintf(buf, size, "a reprobe (write to drivers_probe) by %s", who(w->task, p, sizeof(p)));
		return;
	}
	if (w && !strcmp(w->attr, "bind")) {
		snprintf(buf, size, "a write to %s by %s", w->path, who(w->task, p, sizeof(p)));
		return;
	}
	if (e && e->readd && e->readd->ts_ns <= bind->ts_ns) {
		snprintf(buf, size, "the device was removed and added again (rescan)%s%s",
			 w ? " by " : "", w ? who(w->task, p, sizeof(p)) : "");
		return;
	}
	if (w)
		snprintf(buf, size, "a write to %s by %s", w->path, who(w->task, p, sizeof(p)));
	else
		snprintf(buf, size, "a probe no write explains (module load or hotplug)");
}

/* Why BIND landed where it did: an override, an explicit bind, a dynamic id. */
static void explain(const struct model *m, struct finding *f, const struct m_trans *bind,
		    const struct c_episode *e, uint64_t since)
{
	char ov_value[MODEL_DRV_LEN], trig[640], p[48], t[32];
	const struct m_write *ov = custody_override_at(m, f->device, bind->ts_ns + 1, ov_value,
							sizeof(ov_value));
	const struct m_write *cause = bind->cause >= 0 ? &m->writes[bind->cause] : NULL;
	const struct m_dynid *dyn;

	trigger_text(m, bind, e, trig, sizeof(trig));
	if (driver_is_stub(ov_value) && !strcmp(ov_value, bind->driver)) {
		if (ov) {
			evidence(f, ov->rec_id);
			fmt_time(ov->ts_ns, t, sizeof(t));
		}
		f->mech = ov && ov->ts_ns > since ? MECH_OVERRIDE : MECH_STALE_OVERRIDE;
		if (!ov)
			snprintf(f->mechanism, sizeof(f->mechanism), "stale driver_override=%s, already set "
				 "when the trace began, never cleared; then %s", ov_value, trig);
		else
			snprintf(f->mechanism, sizeof(f->mechanism),
				 f->mech == MECH_OVERRIDE ? "driver_override set to %s by %s at %s, then %s"
							  : "stale driver_override=%s set by %s at %s, never cleared; then %s",
				 ov_value, who(ov->task, p, sizeof(p)), t, trig);
		return;
	}
	if (cause && !strcmp(cause->attr, "bind") && strstr(cause->path, bind->driver)) {
		f->mech = MECH_EXPLICIT_BIND;
		snprintf(f->mechanism, sizeof(f->mechanism), "explicit bind: %s wrote %s to %s",
			 who(cause->task, p, sizeof(p)), cause->value, cause->path);
		return;
	}
	if ((dyn = custody_stub_dynid(m, f->device, bind->driver, bind->ts_ns)) && dyn->preexisting) {
		f->mech = MECH_STALE_DYNID;
		snprintf(f->mechanism, sizeof(f->mechanism), "kernel-initiated: the dynamic id %04x:%04x was "
			 "in %s's table since before the trace (a new_id got EEXIST: a vfio-pci ids= option, "
			 "or an older new_id); %s let %s claim the device (nobody wrote %s)", dyn->vendor,
			 dyn->device, dyn->driver, trig, bind->driver, bind->driver);
		return;
	}
	if (dyn) {
		evidence(f, dyn->rec_id);
		fmt_time(dyn->ts_ns, t, sizeof(t));
		f->mech = MECH_STALE_DYNID;
		snprintf(f->mechanism, sizeof(f->mechanism),
			 "kernel-initiated: stale dynamic id %04x:%04x added to %s by %s at %s "
			 "(%s), never removed; %s let %s claim the device (nobody wrote %s)",
			 dyn->vendor, dyn->device, dyn->driver, who(dyn->task, p, sizeof(p)), t,
			 dyn->via_new_id ? "new_id" : "at module load: a vfio-pci ids= option", trig,
			 bind->driver, bind->driver);
		return;
	}
	f->mech = MECH_UNKNOWN;
	snprintf(f->mechanism, sizeof(f->mechanism), "%s bound it to %s; no override or dynamic id "
		 "in the trace explains the choice", trig, bind->driver);
}

/* The process a spawn link names, in words: "systemd-udevd[512]". */
static size_t link_text(const struct m_spawn *s, char *buf, size_t size)
{
	return snprintf(buf, size, "%.16s[%u]%s", s->comm, s->pid, s->inferred ? " (forked, inferred)" : "");
}

/* The story of a rebind, root cause first: a re-add that woke udev, the
 * spawn chain of the culprit, the mechanism. */
static void chain_text(const struct model *m, struct finding *f, const struct c_episode *e)
{
	size_t off = 0, size = sizeof(f->chain);
	char t[32], p[48];
	bool udev = false;

	for (int i = 0; i < f->n_spawned_by; i++)
		udev |= !strncmp(f->spawned_by[i].comm, "systemd-udevd", 13) ||
			!strncmp(f->spawned_by[i].comm, "(udev-worker)", 13) ||
			!strncmp(f->spawned_by[i].comm, "udevd", 5);
	udev |= strstr(f->culprit.unit, "udev") != NULL;
	if (e && e->readd) {
		const struct m_trans *r = e->removed ? e->removed : e->readd;
		const struct gt_task *by = trans_actor(m, r);

		fmt_time(r->ts_ns, t, sizeof(t));
		off += snprintf(f->chain + off, size - off, "%s%s removed and re-added at %s%s%s; ",
				f->device, e->removed ? " was" : " was", t, by ? " by " : "",
				by ? who(by, p, sizeof(p)) : "");
		if (udev)
			off += snprintf(f->chain + off, size - off, "udev handled the add: ");
	}
	if (off < size && f->has_culprit) {
		off += snprintf(f->chain + off, size - off, "%s", who(&f->culprit, p, sizeof(p)));
		for (int i = 0; i < f->n_spawned_by && off < size; i++) {
			char l[64];

			link_text(&f->spawned_by[i], l, sizeof(l));
			off += snprintf(f->chain + off, size - off, "%s%s", i ? " < " : " started by ", l);
		}
		if (f->culprit_hook && off < size)
			off += snprintf(f->chain + off, size - off, " (the %s hook %s%s)", f->culprit_hook->phase,
					f->culprit_hook->script, f->culprit_hook->end_ns &&
					f->culprit_hook->end_ns < f->ts_ns ? ", which had exited" : "");
		if (off < size)
			off += snprintf(f->chain + off, size - off, ": ");
	}
	if (off < size)
		snprintf(f->chain + off, size - off, "%s", f->mechanism);
}

static void returner_text(const struct model *m, const struct custody *c, char *buf, size_t size)
{
	const struct gt_task *t = trans_actor(m, c->ret);
	char p[48];

	if (!t) {
		snprintf(buf, size, "the kernel (no write in flight)");
		return;
	}
	switch (c->ret_kind) {
	case RET_HOOK:
	case RET_HOOK_CHILD:
	case RET_MONITOR:
		snprintf(buf, size, "%s%s hook %s (%s)", c->ret_kind == RET_HOOK_CHILD ? "a child of the " : "the ",
			 c->ret_hook->phase, c->ret_hook->script, who(t, p, sizeof(p)));
		break;
	case RET_DAEMON:
		snprintf(buf, size, "%s (the management daemon's reattach)", who(t, p, sizeof(p)));
		break;
	default:
		snprintf(buf, size, "%s", who(t, p, sizeof(p)));
	}
}

/* What to do about a rebind: the mechanism's own fix when it is a
 * leftover, else stopping its culprit (who started it tells where), and
 * the guard meanwhile. */
static void rebind_advice(struct finding *f, const struct custody *c)
{
	const char *comm = f->culprit.comm, *unit = f->culprit.unit;
	char guard[160];

	/* --device: works for any VM, a plain QEMU's "qemu-PID" id included */
	snprintf(guard, sizeof(guard), "'gputrace guard --device %s' keeps it on %.32s meanwhile", c->bdf,
		 f->driver_from);
	if (f->mech == MECH_STALE_DYNID)
		snprintf(f->advice, sizeof(f->advice), "remove the dynamic id after the stop, before the "
			 "return (write the device's vendor and device ids to /sys/bus/pci/drivers/%.32s/"
			 "remove_id), or bind the host driver explicitly", f->driver_to[0] ? f->driver_to :
			 "vfio-pci");
	else if (f->mech == MECH_STALE_OVERRIDE)
		snprintf(f->advice, sizeof(f->advice), "clear the override when returning: echo > "
			 "/sys/bus/pci/devices/%s/driver_override", c->bdf);
	else if (!f->has_culprit)
		snprintf(f->advice, sizeof(f->advice), "the writer is not known: record with the fentry or "
			 "kprobe backend (binds with their pid), or %s and names whoever tries", guard);
	else if (f->culprit_from_hook)
		snprintf(f->advice, sizeof(f->advice), "the %s hook starts %.16s: take it out of the hook, or "
			 "have it leave %s alone", f->culprit_hook ? f->culprit_hook->phase : "VM's", comm,
			 c->bdf);
	else if (unit[0] && strnlen(unit, GT_UNIT_LEN) < GT_UNIT_LEN && strcmp(unit, "init.scope"))
		snprintf(f->advice, sizeof(f->advice), "%.16s runs in %.64s: stop or reconfigure that unit "
			 "(systemctl status %.64s); %s", comm, unit, unit, guard);
	else
		snprintf(f->advice, sizeof(f->advice), "find why %.16s runs (who started it, its unit) and "
			 "stop it; %s", comm, guard);
}

static void rebind(const struct model *m, const struct custody *c, const struct c_episode *e,
		   struct findings *fs)
{
	const struct m_trans *act = e->land && trans_actor(m, e->land) ? e->land : e->leave;
	const struct gt_task *t = trans_actor(m, act);
	struct finding *f = add(fs, F_REBIND_AFTER_RETURN, SEV_HIGH);

	if (!f)
		return;
	set_device(f, c);
	snprintf(f->driver_from, sizeof(f->driver_from), "%s", e->host);
	snprintf(f->driver_to, sizeof(f->driver_to), "%s", e->land ? e->land->driver : "");
	f->ts_ns = e->land ? e->land->ts_ns : e->leave->ts_ns;
	delays(f, c, f->ts_ns);
	if (t) {
		set_culprit(m, f, t, act->ts_ns);
		f->culprit_inferred = act->from_uevent;
	}
	f->returned_by_kind = c->ret_kind;
	returner_text(m, c, f->returned_by, sizeof(f->returned_by));
	evidence(f, c->ret->rec_id);
	evidence(f, e->leave->rec_id);
	evidence(f, e->readd ? e->readd->rec_id : 0);
	evidence(f, e->land ? e->land->rec_id : 0);
	if (e->land && e->land->cause >= 0)
		evidence(f, m->writes[e->land->cause].rec_id);
	if (e->land) {
		explain(m, f, e->land, e, c->ret->ts_ns);
	} else if (e->removed && !e->readd) {
		f->mech = MECH_REMOVED;
		snprintf(f->mechanism, sizeof(f->mechanism), "removed from the bus and never added back");
	} else {
		f->mech = MECH_UNBIND_ONLY;
		snprintf(f->mechanism, sizeof(f->mechanism), "unbound from %s and left without a driver",
			 e->host);
	}
	chain_text(m, f, e);
	snprintf(f->summary, sizeof(f->summary), "%s %s %.2f s after %s returned it to %s", c->bdf,
		 e->land ? "rebound to" : e->removed && !e->readd ? "removed" : "left without a driver",
		 f->delay_after_return_s, f->returned_by, e->host);
	if (e->land)
		snprintf(f->summary, sizeof(f->summary), "%s rebound to %s %.2f s after %s returned it to %s",
			 c->bdf, e->land->driver, f->delay_after_return_s, f->returned_by, e->host);
	rebind_advice(f, c);
}

static const char *blocker_words(const struct model *m, const struct custody *c, char *buf, size_t size)
{
	const struct c_blocker *b = &c->blocker;
	char t[32], p[48];

	switch (b->kind) {
	case BLOCK_OVERRIDE:
		if (b->override) {
			fmt_time(b->override->ts_ns, t, sizeof(t));
			snprintf(buf, size, "driver_override=%s, set by %s at %s and never cleared, lets only %s "
				 "bind", b->override_value, who(b->override->task, p, sizeof(p)), t,
				 b->override_value);
		} else {
			snprintf(buf, size, "driver_override=%s, already set when the trace began and never "
				 "cleared, lets only %s bind", b->override_value, b->override_value);
		}
		break;
	case BLOCK_DYNID:
		if (b->dynid->preexisting) {
			snprintf(buf, size, "the dynamic id %04x:%04x, in %s's table since before the trace "
				 "(a new_id write got EEXIST: a vfio-pci ids= option, or an older new_id), "
				 "sends every reprobe back to %s", b->dynid->vendor, b->dynid->device,
				 b->dynid->driver, b->dynid->driver);
			break;
		}
		fmt_time(b->dynid->ts_ns, t, sizeof(t));
		snprintf(buf, size, "the dynamic id %04x:%04x added to %s by %s at %s (%s), never removed, "
			 "sends every reprobe back to %s", b->dynid->vendor, b->dynid->device,
			 b->dynid->driver, who(b->dynid->task, p, sizeof(p)), t,
			 b->dynid->via_new_id ? "new_id" : "module option ids=", b->dynid->driver);
		break;
	case BLOCK_PROBE:
		snprintf(buf, size, "%s's probe failed: %s (%d)", b->probe->driver,
			 errno_name(b->probe->err, "error"),
			 b->probe->err);
		break;
	case BLOCK_WRITE:
		snprintf(buf, size, "the write of \"%s\" to %s failed: %s", b->failed->value, b->failed->path,
			 errno_name(b->failed->ret, "error"));
		break;
	default:
		snprintf(buf, size, "nothing in the trace explains it");
	}
	(void)m;
	return buf;
}

static enum f_mechanism blocker_mech(enum blocker_kind k)
{
	switch (k) {
	case BLOCK_OVERRIDE: return MECH_STALE_OVERRIDE;
	case BLOCK_DYNID: return MECH_STALE_DYNID;
	case BLOCK_PROBE: return MECH_PROBE_ERROR;
	case BLOCK_WRITE: return MECH_WRITE_ERROR;
	default: return MECH_UNKNOWN;
	}
}

static void return_failed(const struct model *m, const struct custody *c, struct findings *fs)
{
	const struct c_blocker *b = &c->blocker;
	const struct m_write *w = b->failed;
	const struct m_trans *landed = c->first_landing;
	struct finding *f = add(fs, F_RETURN_FAILED, SEV_HIGH);
	char blk[512], p[48], what[256] = "";
	const struct gt_task *attempter = NULL;

	if (!f)
		return;
	set_device(f, c);
	if (!w)
		for (int i = 0; i < c->n_attempts && !w; i++)
			w = c->attempt_writes[i];
	f->ts_ns = w ? w->ts_ns : landed ? landed->ts_ns : c->settle_ns;
	delays(f, c, f->ts_ns);
	snprintf(f->driver_from, sizeof(f->driver_from), "%s", c->host_before);
	snprintf(f->driver_to, sizeof(f->driver_to), "%s", c->settled_driver);
	attempter = w ? w->task : landed ? trans_actor(m, landed) : NULL;
	/* The culprit is whoever left the blocker; the attempt is the hook's. */
	if (b->kind == BLOCK_OVERRIDE && b->override)
		set_culprit(m, f, b->override->task, b->override->ts_ns);
	else if (b->kind == BLOCK_DYNID && !b->dynid->preexisting)
		set_culprit(m, f, b->dynid->task, b->dynid->ts_ns);
	else if (attempter)
		set_culprit(m, f, attempter, f->ts_ns);
	f->blocker = b->kind;
	f->mech = blocker_mech(b->kind);
	blocker_words(m, c, blk, sizeof(blk));
	if (landed)
		snprintf(what, sizeof(what), "a reprobe by %s landed on %s", who(trans_actor(m, landed) ?:
			 &(struct gt_task){ .comm = "?" }, p, sizeof(p)), landed->driver);
	else if (w)
		snprintf(what, sizeof(what), "%s wrote \"%s\" to %s and got %s", who(w->task, p, sizeof(p)),
			 w->value, w->path, errno_name(w->ret, "an error"));
	else
		snprintf(what, sizeof(what), "the host driver's probe failed");
	snprintf(f->mechanism, sizeof(f->mechanism), "%s: %s", what, blk);
	for (int i = 0; i < c->n_attempts; i++) {
		evidence(f, c->attempt_writes[i] ? c->attempt_writes[i]->rec_id : 0);
		evidence(f, c->attempt_trans[i] ? c->attempt_trans[i]->rec_id : 0);
	}
	evidence(f, b->override ? b->override->rec_id : 0);
	evidence(f, b->dynid ? b->dynid->rec_id : 0);
	kernel_lines(m, f, c->bdf, c->stop_ns, c->settle_ns, 4);
	snprintf(f->summary, sizeof(f->summary), "%s was not returned to %s: %s; it is %s%s", c->bdf,
		 c->host_before[0] && !driver_is_stub(c->host_before) ? c->host_before : "a host driver",
		 landed ? "the return's reprobe landed on the stub" : "the return attempt failed",
		 c->settled_driver[0] ? "on " : "left without a driver", c->settled_driver);
	if (b->kind == BLOCK_DYNID)
		snprintf(f->advice, sizeof(f->advice), "write \"%04x %04x\" to /sys/bus/pci/drivers/%s/remove_id "
			 "before the reprobe (or bind the host driver explicitly)", b->dynid->vendor,
			 b->dynid->device, b->dynid->driver);
	else if (b->kind == BLOCK_OVERRIDE)
		snprintf(f->advice, sizeof(f->advice), "clear the override first: echo > "
			 "/sys/bus/pci/devices/%s/driver_override", c->bdf);
	for (int i = 0; i < c->n_hooks; i++) {
		const struct m_hook *h = c->hooks[i];
		size_t off = strlen(f->advice);

		if (attempter && h->proc && h->proc->pid == attempter->pid && h->end_ns && !h->exit_status) {
			snprintf(f->advice + off, sizeof(f->advice) - off, "%sthe %s hook %s exited 0 although "
				 "its return failed", off ? "; " : "", h->phase, h->script);
			break;
		}
	}
	chain_text(m, f, NULL);
}

static const char *flavour_advice(const struct m_vm *vm)
{
	switch (vm->flavour) {
	case VM_PROXMOX:
		return "set a hookscript that returns the devices at post-stop (qm set ID --hookscript "
		       "local:snippets/NAME); post-stop runs through qmeventd's 'qm cleanup', which must be "
		       "running, for guest-initiated stops too";
	case VM_LIBVIRT:
		return "use managed='yes' hostdevs (libvirt reattaches them itself after the 'stopped' hook), "
		       "or return them in /etc/libvirt/hooks/qemu on 'release end'";
	default:
		return "plain QEMU returns nothing: rebind the devices in the script that started QEMU, "
		       "after it exits";
	}
}

static bool any_hook_ran(const struct custody *c)
{
	for (int i = 0; i < c->n_hooks; i++)
		if (!c->hooks[i]->user_rule && strcmp(c->hooks[i]->phase, "unit"))
			return true;
	return c->n_hooks > 0;
}

/* Who returned the run's other devices: for "returned the others" wording. */
static bool others_returned(const struct custody_set *cs, const struct custody *c)
{
	for (size_t i = 0; i < cs->n; i++)
		if (cs->v[i].vm == c->vm && &cs->v[i] != c && cs->v[i].ret && !cs->v[i].late)
			return true;
	return false;
}

static void no_hook(const struct model *m, const struct custody_set *cs, const struct custody *c,
		    struct findings *fs)
{
	struct finding *f;
	char drivers[256] = "";
	size_t off = 0;

	for (size_t i = 0; i < fs->n; i++)
		if (fs->v[i].kind == F_NO_HOOK && !strcmp(fs->v[i].vm, c->vm->id) &&
		    fs->v[i].ts_ns == c->stop_ns)
			return;		/* once per run */
	for (size_t i = 0; i < cs->n && off < sizeof(drivers); i++)
		if (cs->v[i].vm == c->vm && !cs->v[i].ret)
			off += snprintf(drivers + off, sizeof(drivers) - off, "%s%s on %s", off ? ", " : "",
					cs->v[i].bdf, cs->v[i].settled_driver[0] ? cs->v[i].settled_driver : "no driver");
	f = add(fs, F_NO_HOOK, SEV_HIGH);
	if (!f)
		return;
	snprintf(f->vm, sizeof(f->vm), "%s", c->vm->id);
	f->ts_ns = c->stop_ns;
	evidence(f, c->vm->rec_id);
	snprintf(f->summary, sizeof(f->summary), "VM %s stopped (%s), no hook ran and nothing returned "
		 "its devices", c->vm->id, c->vm->stop_requested ? "stop requested" :
		 "no stop command seen: a guest shutdown, or a stop through the API or GUI");
	snprintf(f->mechanism, sizeof(f->mechanism), "not returned: %s", drivers);
	snprintf(f->advice, sizeof(f->advice), "%s", flavour_advice(c->vm));
	(void)m;
}

/* A function left behind may then be powered down (runtime PM: vfio-pci
 * idles its devices, and power/control=auto from powertop or TLP suspends
 * a driverless one): the next bind must wake it, and a display may not
 * come back from D3cold. Said with the last state seen. */
static void left_powered_down(const struct model *m, const struct custody *c, struct finding *f)
{
	const struct m_devstate *st = state_in(m, c->bdf, c->stop_ns, c->until_ns, true);
	size_t n = strlen(f->mechanism);

	if (!st || (strcmp(st->runtime_status, "suspended") && strncmp(st->power_state, "D3", 2)))
		return;
	snprintf(f->mechanism + n, sizeof(f->mechanism) - n, "; then it was powered down: power "
		 "state %s, runtime PM %s (%s)", st->power_state[0] ? st->power_state : "unknown",
		 st->runtime_status[0] ? st->runtime_status : "unknown", st->cause);
	evidence(f, st->rec_id);
}

static void left(const struct model *m, const struct custody_set *cs, const struct custody *c,
		 struct findings *fs)
{
	bool stub = driver_is_stub(c->settled_driver);
	struct finding *f;
	const struct m_hook *h = c->n_hooks ? c->hooks[c->n_hooks - 1] : NULL;
	char by[160] = "the stop sequence";

	/* on a host driver at the settle (never taken, or its return not
	 * seen): nothing was left behind */
	if (c->settled_driver[0] && !stub)
		return;
	f = add(fs, stub ? F_LEFT_ON_STUB : F_LEFT_WITHOUT_DRIVER, stub ? SEV_WARN : SEV_HIGH);
	if (!f)
		return;
	set_device(f, c);
	f->ts_ns = c->settle_ns;
	snprintf(f->driver_from, sizeof(f->driver_from), "%s", c->settled_driver);
	if (h)
		snprintf(by, sizeof(by), "the %s hook %s", h->phase, h->script);
	else if (c->daemon_seen)
		snprintf(by, sizeof(by), "the management daemon");
	evidence(f, h && h->proc ? h->proc->rec_id : 0);
	snprintf(f->summary, sizeof(f->summary), "%s left %s%s after the stop sequence: %s %s", c->bdf,
		 stub ? "on " : "without a driver", c->settled_driver, by,
		 others_returned(cs, c) ? "returned the other functions but not this one" :
		 "returned none of the VM's devices");
	snprintf(f->mechanism, sizeof(f->mechanism), "nothing tried to bind %s to %s after QEMU exited",
		 c->bdf, c->host_before[0] && !driver_is_stub(c->host_before) ? c->host_before : "a host driver");
	if (stub)
		snprintf(f->advice, sizeof(f->advice), "return every function of the slot (the audio "
			 "function .1 too) in the hook");
	left_powered_down(m, c, f);
}

static void late_return(const struct model *m, const struct custody *c, struct findings *fs)
{
	struct finding *f = add(fs, F_LATE_RETURN, SEV_WARN);
	const struct gt_task *t = trans_actor(m, c->ret);

	if (!f)
		return;
	set_device(f, c);
	f->ts_ns = c->ret->ts_ns;
	delays(f, c, f->ts_ns);
	snprintf(f->driver_to, sizeof(f->driver_to), "%s", c->ret->driver);
	if (t)
		set_culprit(m, f, t, c->ret->ts_ns);
	f->returned_by_kind = c->ret_kind;
	returner_text(m, c, f->returned_by, sizeof(f->returned_by));
	evidence(f, c->ret->rec_id);
	snprintf(f->summary, sizeof(f->summary), "%s was returned to %s only %.1f s after QEMU exited, "
		 "by %s, after the stop sequence was over", c->bdf, c->ret->driver,
		 f->delay_after_stop_s, f->returned_by);
	snprintf(f->mechanism, sizeof(f->mechanism), "the stop sequence (hooks, their children, the "
		 "daemon) left it on %s", c->settled_driver[0] ? c->settled_driver : "no driver");
}

static void handover(const struct model *m, const struct custody *c, struct findings *fs)
{
	struct finding *f;

	if (!c->next_vm || !strcmp(c->next_vm->id, c->vm->id) || !c->stop_ns)
		return;
	if (!(f = add(fs, F_HANDOVER, SEV_INFO)))
		return;
	set_device(f, c);
	f->ts_ns = c->until_ns;
	evidence(f, c->next_vm->rec_id);
	snprintf(f->summary, sizeof(f->summary), "%s passed from VM %s to VM %s (its start sequence)",
		 c->bdf, c->vm->id, c->next_vm->id);
	(void)m;
}

static void hook_failed(const struct model *m, const struct custody_set *cs, const struct m_hook *h,
			struct findings *fs)
{
	struct finding *f;
	bool kept = false;
	char st[64];

	for (size_t i = 0; i < fs->n; i++)
		if (fs->v[i].kind == F_HOOK_FAILED && fs->v[i].ts_ns == h->end_ns &&
		    !strcmp(fs->v[i].vm, h->vm))
			return;
	for (size_t i = 0; i < cs->n; i++)
		for (int k = 0; k < cs->v[i].n_hooks; k++)
			kept |= cs->v[i].hooks[k] == h && cs->v[i].expect_return &&
				(!cs->v[i].ret || cs->v[i].late);
	f = add(fs, F_HOOK_FAILED, kept ? SEV_HIGH : SEV_WARN);
	if (!f)
		return;
	snprintf(f->vm, sizeof(f->vm), "%s", h->vm);
	f->ts_ns = h->end_ns;
	if (h->proc) {
		struct gt_task t = { .pid = h->proc->pid, .tid = h->proc->pid, .ppid = h->proc->ppid,
				     .uid = h->proc->uid };

		memcpy(t.comm, h->proc->comm, GT_COMM_LEN);
		set_culprit(m, f, &t, h->start_ns);
	}
	evidence(f, h->proc ? h->proc->rec_id : 0);
	exit_status_str(h->exit_status, st, sizeof(st));
	snprintf(f->summary, sizeof(f->summary), "%s hook %s %s%s", h->phase, h->script, st,
		 kept ? " and the devices were not returned" : "");
	snprintf(f->mechanism, sizeof(f->mechanism), "the hook %s", st);
}

static bool vm_dev(const struct m_vm *vm, const char *bdf)
{
	for (int i = 0; i < vm->n_devs; i++)
		if (!strcmp(vm->devs[i], bdf))
			return true;
	return false;
}

static bool finding_has(const struct findings *fs, uint64_t rec_id)
{
	for (size_t i = 0; i < fs->n; i++)
		for (int k = 0; k < fs->v[i].n_evidence; k++)
			if (fs->v[i].evidence[k] == rec_id)
				return true;
	return false;
}

static void probe_failures(const struct model *m, const char *vmf, const char *devf,
			   struct findings *fs)
{
	for (size_t i = 0; i < m->n_trans; i++) {
		const struct m_trans *t = &m->trans[i];
		const struct m_vm *vm = NULL;
		struct finding *f;

		/* -ENODEV/-ENXIO: a driver saying "not mine", not a failure */
		if (t->kind != M_PROBE_FAIL || (devf && strcmp(devf, t->bdf)) || t->err == -ENODEV ||
		    t->err == -ENXIO || finding_has(fs, t->rec_id))
			continue;
		for (size_t v = 0; v < m->n_vms && !vm; v++)
			if (vm_dev(&m->vms[v], t->bdf) && (!vmf || !strcmp(vmf, m->vms[v].id)))
				vm = &m->vms[v];
		if (!vm)
			continue;
		if (!(f = add(fs, F_PROBE_FAILED, SEV_WARN)))
			return;
		snprintf(f->vm, sizeof(f->vm), "%s", vm->id);
		snprintf(f->device, sizeof(f->device), "%s", t->bdf);
		snprintf(f->driver_to, sizeof(f->driver_to), "%s", t->driver);
		f->ts_ns = t->ts_ns;
		if (t->task_known)
			set_culprit(m, f, t->task, t->ts_ns);
		evidence(f, t->rec_id);
		kernel_lines(m, f, t->bdf, t->ts_ns - 1000000000ull, t->ts_ns + 1000000000ull, 4);
		snprintf(f->summary, sizeof(f->summary), "%s failed to probe %s: %s (%d)", t->driver,
			 t->bdf, errno_name(t->err, "error"),
			 t->err);
		snprintf(f->mechanism, sizeof(f->mechanism), "probe of %s returned %d%s", t->driver, t->err,
			 t->err == -EINVAL && driver_is_stub(t->driver) ? " (vfio-pci without an IOMMU group?)" : "");
	}
}

/* A device's time spans (a VM run's life, a custody after a stop), by
 * device then start, each with the latest end of its device's spans so
 * far: whether a time is in one is a binary search, not a walk of every
 * run and custody per stub bind (16,000 runs took seconds). */
struct dev_span {
	const char *bdf;
	uint64_t from, to, max_to;
};

struct spans {
	struct dev_span *v;
	size_t n, cap;
};

static int cmp_span(const void *a, const void *b)
{
	const struct dev_span *x = a, *y = b;
	int c = strcmp(x->bdf, y->bdf);

	if (c)
		return c;
	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	return x->to < y->to ? -1 : x->to > y->to;
}

static bool spans_add(struct spans *s, const char *bdf, uint64_t from, uint64_t to)
{
	struct dev_span *e = array_push((void **)&s->v, &s->n, &s->cap, sizeof(*e));

	if (e)
		*e = (struct dev_span){ .bdf = bdf, .from = from, .to = to };
	return e != NULL;
}

static void spans_finish(struct spans *s)
{
	array_sort(s->v, s->n, sizeof(*s->v), cmp_span);
	for (size_t i = 0; i < s->n; i++)
		s->v[i].max_to = i && !strcmp(s->v[i - 1].bdf, s->v[i].bdf) && s->v[i - 1].max_to > s->v[i].to ?
				 s->v[i - 1].max_to : s->v[i].to;
}

/* BDF's first span starting at or after TS, or NULL. */
static const struct dev_span *span_from(const struct spans *s, const char *bdf, uint64_t ts)
{
	const struct dev_span key = { .bdf = bdf, .from = ts, .to = 0 };
	size_t k = array_lower_bound(s->v, s->n, sizeof(key), &key, cmp_span);

	return k < s->n && !strcmp(s->v[k].bdf, bdf) ? &s->v[k] : NULL;
}

struct span_search {
	const struct dev_span *v;
	const char *bdf;
	uint64_t ts;
};

/* Is the I-th span at or before (BDF, TS)? */
static bool span_not_past(size_t i, const void *ctx)
{
	const struct span_search *s = ctx;
	int c = strcmp(s->v[i].bdf, s->bdf);

	return c < 0 || (c == 0 && s->v[i].from <= s->ts);
}

/* BDF's last span starting at or before TS, or NULL. */
static const struct dev_span *span_upto(const struct spans *s, const char *bdf, uint64_t ts)
{
	size_t past = partition_point(s->n, span_not_past, &(struct span_search){ s->v, bdf, ts });

	return past && !strcmp(s->v[past - 1].bdf, bdf) ? &s->v[past - 1] : NULL;
}

/* Is the stub bind T part of some run's custody: its start sequence
 * (a run of any VM starting within the window after it), its life (a run
 * on, stop 0: on to the end), or after a stop until the next run takes the
 * device (that run's custody: its attempts and every move after the
 * return)? RUNS: every VM run's life; CUSTODIES: (stop, until) of each
 * custody after a stop. */
static bool in_custody(const struct spans *runs, const struct spans *custodies, const struct m_trans *t)
{
	const struct dev_span *s = span_from(runs, t->bdf, t->ts_ns);

	if (s && s->from < t->ts_ns + CUSTODY_START_WINDOW_NS)
		return true;
	if ((s = span_upto(runs, t->bdf, t->ts_ns)) && s->max_to >= t->ts_ns)
		return true;
	return t->ts_ns && (s = span_upto(custodies, t->bdf, t->ts_ns - 1)) && s->max_to > t->ts_ns;
}

static int cmp_str_ptr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A device bound to a stub outside any VM's custody and no VM took it: who
 * put it there and how (a udev rule re-applying a driverctl override, a
 * reprobe with a stale dynamic id, ...). */
static void stub_without_vm(const struct model *m, const struct custody_set *cs, const char *vmf,
			    const char *devf, struct findings *fs)
{
	struct spans runs = { 0 }, custodies = { 0 };
	const char **vmf_devs = NULL;	/* each run of VMF's devices, once a run */
	size_t n_vmf_devs = 0, cap_vmf_devs = 0, n_vmf_runs = 0;

	for (size_t v = 0; v < m->n_vms; v++) {
		const struct m_vm *vm = &m->vms[v];
		bool vmf_run = vmf && !strcmp(vmf, vm->id);

		n_vmf_runs += vmf_run;
		for (int d = 0; d < vm->n_devs; d++) {
			bool again = false;

			for (int e = 0; e < d; e++)
				again |= !strcmp(vm->devs[e], vm->devs[d]);
			if (again)
				continue;
			if (!spans_add(&runs, vm->devs[d], vm->start_ns, vm->stop_ns ? vm->stop_ns : UINT64_MAX))
				goto oom;
			if (vmf_run) {
				const char **e = array_push((void **)&vmf_devs, &n_vmf_devs, &cap_vmf_devs,
							    sizeof(*e));

				if (!e)
					goto oom;
				*e = vm->devs[d];
			}
		}
	}
	for (size_t i = 0; i < cs->n; i++)
		if (cs->v[i].stop_ns && !spans_add(&custodies, cs->v[i].bdf, cs->v[i].stop_ns, cs->v[i].until_ns))
			goto oom;
	spans_finish(&runs);
	spans_finish(&custodies);
	array_sort(vmf_devs, n_vmf_devs, sizeof(*vmf_devs), cmp_str_ptr);
	for (size_t i = 0; i < m->n_trans; i++) {
		const struct m_trans *t = &m->trans[i];
		const char *before;
		const struct gt_task *a;
		struct finding *f;

		if (t->kind != M_BIND || !driver_is_stub(t->driver) || (devf && strcmp(devf, t->bdf)) ||
		    in_custody(&runs, &custodies, t))
			continue;
		if (vmf) {
			/* a run of VMF without the device: not the asked VM's */
			const char *key = t->bdf;
			size_t lo = array_lower_bound(vmf_devs, n_vmf_devs, sizeof(*vmf_devs), &key, cmp_str_ptr);
			size_t hi = lo;

			while (hi < n_vmf_devs && !strcmp(vmf_devs[hi], key))
				hi++;
			if (hi - lo < n_vmf_runs)
				continue;
		}
		if (!(f = add(fs, F_STUB_WITHOUT_VM, SEV_WARN)))
			break;
		before = model_driver_before(m, t->bdf, t->ts_ns);
		snprintf(f->device, sizeof(f->device), "%s", t->bdf);
		snprintf(f->driver_from, sizeof(f->driver_from), "%s", before ? before : "");
		snprintf(f->driver_to, sizeof(f->driver_to), "%s", t->driver);
		f->ts_ns = t->ts_ns;
		if ((a = trans_actor(m, t))) {
			set_culprit(m, f, a, t->ts_ns);
			f->culprit_inferred = t->from_uevent;
		}
		evidence(f, t->rec_id);
		if (t->cause >= 0)
			evidence(f, m->writes[t->cause].rec_id);
		{
			struct c_episode e = { 0 };

			/* a re-add shortly before: the add that woke udev */
			e.removed = model_last_trans(m, t->bdf, t->ts_ns, M_REMOVE);
			e.readd = model_last_trans(m, t->bdf, t->ts_ns, M_ADD);
			if (e.removed && e.removed->ts_ns + CUSTODY_START_WINDOW_NS < t->ts_ns)
				e.removed = NULL;
			if (e.readd && e.readd->ts_ns + CUSTODY_START_WINDOW_NS < t->ts_ns)
				e.readd = NULL;
			explain(m, f, t, &e, 0);
			chain_text(m, f, &e);
		}
		snprintf(f->summary, sizeof(f->summary), "%s moved to %s and no VM started with it",
			 t->bdf, t->driver);
	}
	free(runs.v);
	free(custodies.v);
	free(vmf_devs);
	return;
oom:
	fs->oom = true;
	free(runs.v);
	free(custodies.v);
	free(vmf_devs);
}

/* A return that "worked" and left a dead device: the host driver logged an
 * error about it right after, it was powered off (D3cold) when next looked
 * at, or a reset of it failed in the stop sequence. */
static void returned_unusable(const struct model *m, const struct custody *c, struct findings *fs)
{
	const uint64_t window = 5 * 1000000000ull;
	uint64_t to = c->ret->ts_ns + window < c->until_ns ? c->ret->ts_ns + window : c->until_ns;
	const struct m_devstate *st = state_in(m, c->bdf, c->ret->ts_ns, to, false);
	const struct m_write *reset = NULL;
	const struct m_pm *pm_reset = NULL, *pm_off = NULL;
	struct finding probe = { 0 }, *f;
	char why[256] = "";

	/* Only a display function is judged by its driver's errors: an HDMI
	 * audio function logs "no codecs found" with no monitor attached. */
	if (is_display(m, c->bdf))
		kernel_lines(m, &probe, c->bdf, c->ret->ts_ns, to, 3);
	for (size_t i = model_first_at(m->writes, m->n_writes, c->stop_ns);
	     i < m->n_writes && m->writes[i].ts_ns <= to && !reset; i++) {
		const struct m_write *w = &m->writes[i];

		if (w->ret < 0 && !strcmp(w->attr, "reset") &&
		    !strcmp(w->bdf, c->bdf))
			reset = w;
	}
	/* record --pm-hooks: the kernel's own resets (vfio-pci's at release
	 * too, which no sysfs write shows) and the last power state reached */
	for (size_t i = model_first_at(m->pms, m->n_pms, c->stop_ns); i < m->n_pms && m->pms[i].ts_ns <= to;
	     i++) {
		const struct m_pm *pm = &m->pms[i];

		if (strcmp(pm->bdf, c->bdf))
			continue;
		if (pm->reset && pm->ret < 0 && !pm_reset)
			pm_reset = pm;
		if (!pm->reset && pm->ts_ns >= c->ret->ts_ns)
			pm_off = !strcmp(pci_power_name(pm->now_state), "D3cold") ? pm : NULL;
	}
	if (probe.n_kernel_log)
		snprintf(why, sizeof(why), "%s logged: %.*s", c->ret->driver,
			 (int)strcspn(probe.kernel_log[0]->msg, "\n"), probe.kernel_log[0]->msg);
	else if (st && !strcmp(st->power_state, "D3cold"))
		snprintf(why, sizeof(why), "the device was in D3cold (powered off) after the return");
	else if (pm_off)
		snprintf(why, sizeof(why), "it was powered off (D3cold) by %.16s[%u] after the return",
			 pm_off->task->comm, pm_off->task->pid);
	else if (reset)
		snprintf(why, sizeof(why), "its reset by %.16s[%u] failed (%s)", reset->task->comm,
			 reset->task->pid, errno_name(reset->ret, "error"));
	else if (pm_reset)
		snprintf(why, sizeof(why), "its reset (%s) by %.16s[%u] failed (%s)", pm_reset->function,
			 pm_reset->task->comm, pm_reset->task->pid, errno_name(pm_reset->ret, "error"));
	else
		return;
	if (!(f = add(fs, F_RETURNED_UNUSABLE, is_display(m, c->bdf) ? SEV_HIGH : SEV_WARN)))
		return;
	set_device(f, c);
	f->ts_ns = c->ret->ts_ns;
	snprintf(f->driver_to, sizeof(f->driver_to), "%s", c->ret->driver);
	delays(f, c, f->ts_ns);
	memcpy(f->kernel_log, probe.kernel_log, sizeof(f->kernel_log));
	f->n_kernel_log = probe.n_kernel_log;
	for (int i = 0; i < probe.n_evidence; i++)
		evidence(f, probe.evidence[i]);
	evidence(f, c->ret->rec_id);
	evidence(f, st ? st->rec_id : 0);
	evidence(f, reset ? reset->rec_id : 0);
	evidence(f, pm_reset ? pm_reset->rec_id : 0);
	evidence(f, pm_off ? pm_off->rec_id : 0);
	f->returned_by_kind = c->ret_kind;
	returner_text(m, c, f->returned_by, sizeof(f->returned_by));
	snprintf(f->summary, sizeof(f->summary), "%s was bound to %s again, but is not usable: %s",
		 c->bdf, c->ret->driver, why);
	snprintf(f->mechanism, sizeof(f->mechanism), "a bind that succeeds can still leave the device "
		 "dead: the driver gives up after probing, or the hardware stays powered off");
	snprintf(f->advice, sizeof(f->advice), "compare the device state by phase (report on the "
		 "baseline, problem and recovery traces) and the kernel lines of %s", c->bdf);
}

/* A VM holding more PCI devices than the model keeps (VM_DEVS_MAX): what
 * happens to the others is not tied to it, so its stop explains nothing
 * about them. One finding, naming the first such VM run. */
static void vms_cut(const struct model *m, const char *vmf, struct findings *fs)
{
	const struct m_vm *first = NULL;
	struct finding *f;
	size_t n = 0;

	for (size_t i = 0; i < m->n_vms; i++)
		if (m->vms[i].devs_cut && (!vmf || !strcmp(m->vms[i].id, vmf)) && !n++)
			first = &m->vms[i];
	if (!n || !(f = add(fs, F_LIMIT, SEV_WARN)))
		return;
	f->ts_ns = first->start_ns;
	snprintf(f->vm, sizeof(f->vm), "%s", first->id);
	snprintf(f->summary, sizeof(f->summary), "VM %s holds more than %d PCI devices%s: only the "
		 "first %d are followed through its stop", first->id, VM_DEVS_MAX,
		 n > 1 ? " (and other VM runs too)" : "", VM_DEVS_MAX);
	snprintf(f->mechanism, sizeof(f->mechanism), "a device among the others that stays on "
		 "vfio-pci or comes back is reported without its VM's stop");
}

/* A root QEMU whose command line was longer than the kernel side keeps,
 * with no config of it in the trace: devices named past the cut are not
 * tied to it, so its stop explains nothing about them. One finding, naming
 * the first. A QEMU whose id is not known may be the VM asked for. */
static void argv_cuts(const struct model *m, const char *vmf, struct findings *fs)
{
	const struct m_argv_cut *first = NULL;
	struct finding *f;
	size_t n = 0;

	for (size_t i = 0; i < m->n_argv_cuts; i++)
		if ((!vmf || !m->argv_cuts[i].vm[0] || !strcmp(m->argv_cuts[i].vm, vmf)) && !n++)
			first = &m->argv_cuts[i];
	if (!n || !(f = add(fs, F_LIMIT, SEV_WARN)))
		return;
	f->ts_ns = first->proc->start_ns;
	snprintf(f->vm, sizeof(f->vm), "%s", first->vm);
	evidence(f, first->proc->rec_id);
	snprintf(f->summary, sizeof(f->summary), "the command line of %s%s (pid %u) was longer than "
		 "the %d bytes recorded and no config of it is in the trace%s", first->vm[0] ? "VM " :
		 "a QEMU process", first->vm, first->proc->pid, GT_ARGS_MAX,
		 n > 1 ? " (other QEMU processes too)" : "");
	snprintf(f->mechanism, sizeof(f->mechanism), "a vfio-pci device named past the cut is not "
		 "tied to it: what happens to that device at its stop is reported without the VM");
	snprintf(f->advice, sizeof(f->advice), "its manager's config lists its devices (qm config "
		 "ID, virsh dumpxml NAME); 'gputrace report --device BDF' follows each of them");
}

/* The process whose parent the report does not know, behind F's culprit:
 * the first process of the spawn chain whose parent was guessed from a
 * fork's name, else the top of the chain (the culprit itself when the
 * chain is empty). */
struct orphan_subject {
	uint32_t pid;
	char comm[GT_COMM_LEN];
	char unit[GT_UNIT_LEN];		/* "" unknown */
	const struct m_proc *proc;	/* its exec, NULL none */
	bool guessed;			/* its parent was inferred */
};

static void orphan_subject(const struct finding *f, struct orphan_subject *s)
{
	int top = f->n_spawned_by - 1;

	s->guessed = false;
	for (int i = 0; i < f->n_spawned_by && !s->guessed; i++)
		if (f->spawned_by[i].inferred) {
			s->guessed = true;
			top = i - 1;
		}
	if (top >= 0) {
		const struct m_spawn *l = &f->spawned_by[top];

		s->pid = l->pid;
		strlcpy0(s->comm, l->comm, sizeof(s->comm));
		s->proc = l->proc;
		strlcpy0(s->unit, l->proc ? l->proc->unit : "", sizeof(s->unit));
	} else {
		s->pid = f->culprit.pid;
		strlcpy0(s->comm, f->culprit.comm, sizeof(s->comm));
		s->proc = f->culprit_proc;
		strlcpy0(s->unit, f->culprit_proc ? f->culprit_proc->unit : f->culprit.unit, sizeof(s->unit));
	}
}

/* The exit that may have left S behind without naming it: the latest
 * crowded exit before S could have been on its own (its exec under init,
 * or the culprit's act when it never exec'd), of another process and, when
 * both units are known, of S's unit (a forked child keeps its parent's).
 * NULL when S's parent is known or S ran under init before the recording.
 * *EARLIER: crowded exits before that one. */
static const struct m_crowded_exit *orphaning_exit(const struct model *m, const struct finding *f,
						   const struct orphan_subject *s, size_t *earlier)
{
	const struct m_proc *p = s->proc;
	uint64_t by = f->ts_ns;
	long boot;
	size_t k;

	if (p && !s->guessed) {
		if (p->ppid > 1 || !p->start_ns)
			return NULL;	/* a known parent, or init's since before the trace */
		by = p->start_ns;
	}
	boot = m->n_boots < 2 ? -1 : p ? (long)p->boot : model_boot_at(m, by);
	for (k = model_first_at(m->crowded_exits, m->n_crowded_exits, by + 1); k-- > 0;) {
		const struct m_crowded_exit *x = &m->crowded_exits[k];

		if (boot >= 0 && x->ts_ns < m->boots[boot].first_ns)
			break;		/* earlier boots' exits only from here */
		if (x->pid == s->pid || (x->unit[0] && s->unit[0] && strcmp(x->unit, s->unit)) ||
		    (boot >= 0 && x->boot != boot))
			continue;	/* S itself, another unit's, another boot's */
		*earlier = k;
		return x;
	}
	return NULL;
}

/* A culprit whose parent is not known, after an exit that left more
 * children than its record names (GT_ORPHANS_MAX): it, or the process
 * that started it, may be one of the others, and so a hook's or a VM's
 * doing the report could not tie to them. An INFO on the culprit's device
 * and VM, once per device and process. */
static void unnamed_parents(const struct model *m, struct findings *fs)
{
	size_t n = fs->n, n_said = 0;
	uint32_t *said_pid;	/* the subject of each INFO added here, in order */

	if (!m->n_crowded_exits || !n)
		return;
	if (!(said_pid = calloc(n, sizeof(*said_pid)))) {
		fs->oom = true;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct m_crowded_exit *x;
		struct orphan_subject s;
		char culprit[40], at[32], dev[PCI_BDF_LEN], vm[VM_ID_LEN], on[64], subject[160];
		size_t earlier = 0;
		struct finding *f;
		bool said = false;

		if (!fs->v[i].has_culprit)
			continue;
		orphan_subject(&fs->v[i], &s);
		if (!(x = orphaning_exit(m, &fs->v[i], &s, &earlier)))
			continue;
		for (size_t j = 0; j < n_said && !said; j++)
			said = said_pid[j] == s.pid && !strcmp(fs->v[n + j].device, fs->v[i].device);
		if (said)
			continue;
		who(&fs->v[i].culprit, culprit, sizeof(culprit));
		snprintf(dev, sizeof(dev), "%s", fs->v[i].device);
		snprintf(vm, sizeof(vm), "%s", fs->v[i].vm);
		snprintf(on, sizeof(on), "%s%s", dev[0] ? " on " : "", dev);
		if (s.pid == fs->v[i].culprit.pid)
			snprintf(subject, sizeof(subject), "the culprit%s, %s,", on, culprit);
		else
			snprintf(subject, sizeof(subject), "%.16s[%u], behind the culprit%s (%s),", s.comm, s.pid,
				 on, culprit);
		fmt_time(x->ts_ns, at, sizeof(at));
		if (!(f = add(fs, F_LIMIT, SEV_INFO)))
			break;
		said_pid[n_said++] = s.pid;
		f->ts_ns = x->ts_ns;
		snprintf(f->vm, sizeof(f->vm), "%s", vm);
		snprintf(f->device, sizeof(f->device), "%s", dev);
		evidence(f, x->rec_id);
		snprintf(f->summary, sizeof(f->summary), "%s may be one of the %s%u children %.16s[%u] left at "
			 "its exit (%s) that the exit record does not name", subject, x->at_least ? "at least " : "",
			 x->children - x->named, x->comm, x->pid, at);
		snprintf(f->mechanism, sizeof(f->mechanism), "who started %.16s[%u] is %s; an exit record names "
			 "at most %d of the children a process leaves (this one %u of %s%u%s), so an act by one "
			 "of the others is tied to its parent (a hook, a VM) only by inference from its name, or "
			 "not at all", s.comm, s.pid, s.guessed ? "inferred from its name" : "not known",
			 GT_ORPHANS_MAX, x->named, x->at_least ? "at least " : "", x->children,
			 earlier ? "; earlier exits left children unnamed too" : "");
		if (x->unit[0] && s.unit[0])
			snprintf(f->advice, sizeof(f->advice), "both ran in %s, and a forked child keeps its "
				 "parent's unit: the journal of that unit may tell", x->unit);
		else
			snprintf(f->advice, sizeof(f->advice), "a forked child keeps its parent's unit (cgroup): "
				 "compare %.16s[%u]'s with %.16s[%u]'s", s.comm, s.pid, x->comm, x->pid);
	}
	free(said_pid);
}

static void limits(const struct model *m, const char *vmf, struct findings *fs)
{
	struct finding *f;

	if (m->outcomes_from_uevents && m->n_trans && (f = add(fs, F_LIMIT, SEV_INFO))) {
		snprintf(f->summary, sizeof(f->summary), "driver outcomes come from kernel uevents (%s "
			 "backend): they carry no pid", m->backend);
		snprintf(f->mechanism, sizeof(f->mechanism), "culprits of binds and unbinds are the "
			 "sysfs write in flight at that moment (marked inferred), not proven");
	}
	if (m->lost && (f = add(fs, F_LIMIT, SEV_WARN))) {
		/* a skipped run may have been an unrelated write: not an event
		 * known lost, but one that may be */
		uint64_t missed = m->runs_missed < m->lost ? m->runs_missed : m->lost, known = m->lost - missed;
		int n = 0;

		f->ts_ns = m->lost_first_ns;
		if (known)
			n = snprintf(f->summary, sizeof(f->summary), "%llu event%s lost while recording",
				     (unsigned long long)known, known == 1 ? " was" : "s were");
		if (missed && n >= 0 && (size_t)n < sizeof(f->summary))
			snprintf(f->summary + n, sizeof(f->summary) - n, "%sthe kernel skipped %llu run%s of "
				 "the recorder's programs (another BPF program was running on that CPU): "
				 "each may have been an event", known ? "; " : "",
				 (unsigned long long)missed, missed == 1 ? "" : "s");
		snprintf(f->mechanism, sizeof(f->mechanism), "findings near the loss may miss a step: "
			 "see the counters in 'gputrace dump'");
	}
	if (m->causes_unsearched && (f = add(fs, F_LIMIT, SEV_WARN))) {
		f->ts_ns = m->causes_unsearched_first_ns;
		snprintf(f->summary, sizeof(f->summary), "%llu driver change%s seen as uevents had no write "
			 "found as %s cause among the %d sysfs writes looked at before %s (a storm of "
			 "writes): the rest were not searched", (unsigned long long)m->causes_unsearched,
			 m->causes_unsearched == 1 ? "" : "s", m->causes_unsearched == 1 ? "its" : "their",
			 MODEL_CAUSE_SCAN_MAX, m->causes_unsearched == 1 ? "it" : "each");
		snprintf(f->mechanism, sizeof(f->mechanism), "their culprits may be missing: 'gputrace "
			 "dump' shows the writes around them");
	}
	if (m->lost_kmsg && (f = add(fs, F_LIMIT, SEV_INFO)))
		snprintf(f->summary, sizeof(f->summary), "%llu kernel log lines were overwritten before "
			 "the recorder read them", (unsigned long long)m->lost_kmsg);
	if (m->truncated && (f = add(fs, F_LIMIT, SEV_WARN))) {
		f->ts_ns = m->last_ns;
		if (m->cut_short)
			snprintf(f->summary, sizeof(f->summary), "the trace is truncated (no end record: the "
				 "recorder was killed or is still writing): what happened after its last record "
				 "is unknown");
		else
			snprintf(f->summary, sizeof(f->summary), "the trace was read up to a damaged chunk "
				 "only: what it holds past that is unknown");
		snprintf(f->mechanism, sizeof(f->mechanism), "findings marked uncertain rest on the absence "
			 "of events the missing part may hold");
	}
	if (m->newer_minor && (f = add(fs, F_LIMIT, SEV_WARN))) {
		snprintf(f->summary, sizeof(f->summary), "a trace was written by a newer gputrace (format "
			 "%d.%u; this one reads %d.%d): what that format adds is not read", GT_FORMAT_MAJOR,
			 m->newer_minor, GT_FORMAT_MAJOR, GT_FORMAT_MINOR);
		snprintf(f->mechanism, sizeof(f->mechanism), "findings marked uncertain rest on the absence "
			 "of events the unread records may hold");
		snprintf(f->advice, sizeof(f->advice), "report with the gputrace that recorded it, or a "
			 "newer one");
	}
	if (m->set_missing && (f = add(fs, F_LIMIT, SEV_WARN))) {
		snprintf(f->summary, sizeof(f->summary), "%d file%s of this recording %s not given (removed "
			 "by record --keep, or left out): what happened in %s is unknown", m->set_missing,
			 m->set_missing == 1 ? "" : "s", m->set_missing == 1 ? "was" : "were",
			 m->set_missing == 1 ? "it" : "them");
		snprintf(f->mechanism, sizeof(f->mechanism), "findings marked uncertain rest on the absence "
			 "of events the missing files may hold");
	}
	if (m->next_not_given && (f = add(fs, F_LIMIT, SEV_WARN))) {
		char next[160];

		if (m->next_missing[0])
			snprintf(next, sizeof(next), "%s", m->next_missing);
		else
			snprintf(next, sizeof(next), "file %lu of the set", m->next_missing_seq);
		if (m->next_not_given > 1)	/* several recordings, each cut at a roll */
			snprintf(next + strlen(next), sizeof(next) - strlen(next), ", and %d more",
				 m->next_not_given - 1);
		f->ts_ns = m->last_ns;
		snprintf(f->summary, sizeof(f->summary), "the recording went on in a next file not given "
			 "(%s): what happened after the last file given is unknown", next);
		snprintf(f->mechanism, sizeof(f->mechanism), "findings marked uncertain rest on the absence "
			 "of events the next file may hold: give every file of the recording, or their "
			 "directory");
	}
	if (m->n_boots > 1 && !m->other_hosts[0] && (f = add(fs, F_LIMIT, SEV_INFO))) {
		snprintf(f->summary, sizeof(f->summary), "these traces come from %zu boots of %s: lined up "
			 "by wall clock, pids and monotonic times are each boot's own", m->n_boots,
			 m->hostname);
	}
	if (m->other_hosts[0] && (f = add(fs, F_LIMIT, SEV_WARN))) {
		snprintf(f->summary, sizeof(f->summary), "these traces come from different hosts (%s, %s): "
			 "devices are compared by address only", m->hostname, m->other_hosts);
		snprintf(f->mechanism, sizeof(f->mechanism), "device names and ids are the first host's: "
			 "the same address may be another device on another host");
	}
	if (m->read_error[0] && (f = add(fs, F_LIMIT, SEV_WARN)))
		snprintf(f->summary, sizeof(f->summary), "%s", m->read_error);
	vms_cut(m, vmf, fs);
	argv_cuts(m, vmf, fs);
	if (m->n_repeated && (f = add(fs, F_LIMIT, SEV_INFO)))
		snprintf(f->summary, sizeof(f->summary), "%s%s: the same part of the same recording, "
			 "read once", m->repeated, m->n_repeated > 1 ? ", and more files repeat others" : "");
}

/* A finding that rests on the absence of events is uncertain when events
 * were lost around it or the trace ends early. */
/* Within the stop window of a time events were lost in? */
static bool near_a_loss(const struct model *m, uint64_t ts)
{
	for (size_t i = 0; i < m->n_lost_windows; i++) {
		const struct m_lost_window *w = &m->lost_windows[i];

		if (ts + CUSTODY_STOP_MAX_NS >= w->from_ns && ts <= w->to_ns + CUSTODY_STOP_MAX_NS)
			return true;
	}
	return false;
}

static void mark_uncertain(const struct model *m, struct findings *fs)
{
	for (size_t i = 0; i < fs->n; i++) {
		struct finding *f = &fs->v[i];
		bool absence = f->kind == F_NO_HOOK || f->kind == F_LEFT_ON_STUB ||
			       f->kind == F_LEFT_WITHOUT_DRIVER || f->mech == MECH_UNBIND_ONLY ||
			       f->mech == MECH_REMOVED || f->mech == MECH_UNKNOWN;

		if (f->kind == F_LIMIT)
			continue;
		if ((m->truncated || m->read_error[0] || m->set_missing || m->next_not_given ||
		     m->newer_minor) && absence)
			f->uncertain = true;
		/* not the file the recorder wrote: no verdict from it is confident */
		if (m->headless)
			f->uncertain = true;
		if (near_a_loss(m, f->ts_ns))
			f->uncertain = true;
		if (f->uncertain && f->severity == SEV_HIGH)
			f->severity = SEV_WARN;	/* never a confident verdict */
	}
}

static void unsettled(const struct custody *c, struct findings *fs)
{
	struct finding *f;

	for (size_t i = 0; i < fs->n; i++)
		if (fs->v[i].kind == F_LIMIT && !strcmp(fs->v[i].vm, c->vm->id) && fs->v[i].ts_ns == c->stop_ns)
			return;
	if (!(f = add(fs, F_LIMIT, SEV_INFO)))
		return;
	snprintf(f->vm, sizeof(f->vm), "%s", c->vm->id);
	f->ts_ns = c->stop_ns;
	f->uncertain = true;
	snprintf(f->summary, sizeof(f->summary), "VM %s stopped but its stop sequence had not finished "
		 "when the trace ends: whether its devices come back is unknown", c->vm->id);
}

/* A storm of moves: the first ones are told, the rest counted. */
static void more_moves(const struct custody *c, struct findings *fs)
{
	struct finding *f = add(fs, F_REBIND_AFTER_RETURN, SEV_WARN);

	if (!f)
		return;
	set_device(f, c);
	f->ts_ns = c->episodes[c->n_episodes - 1].leave->ts_ns;
	snprintf(f->summary, sizeof(f->summary), "%s left its host driver %ld more times after the "
		 "moves above", c->bdf, c->n_moves - c->n_episodes);
	snprintf(f->mechanism, sizeof(f->mechanism), "see 'gputrace report --explain %s' and the "
		 "timeline", c->bdf);
}

static void judge(const struct model *m, const struct custody_set *cs, const struct custody *c,
		  struct findings *fs)
{
	if (!c->stop_ns)
		return;		/* still running at the end */
	if (c->ret && !c->late) {
		returned_unusable(m, c, fs);
		for (int i = 0; i < c->n_episodes; i++)
			if (!c->episodes[i].land || driver_is_stub(c->episodes[i].land->driver))
				rebind(m, c, &c->episodes[i], fs);
		if (c->n_moves > c->n_episodes)
			more_moves(c, fs);
	} else if (c->n_attempts && (c->settled || c->late)) {
		return_failed(m, c, fs);
	} else if (!c->settled) {
		unsettled(c, fs);
	} else if (c->expect_return) {
		if (!any_hook_ran(c) && !c->ret)
			no_hook(m, cs, c, fs);
		else if (!c->ret)
			left(m, cs, c, fs);
	}
	if (c->late)
		late_return(m, c, fs);
	handover(m, c, fs);
}

/* ---- rebind_denied: gputrace guard's denials ---------------------------- */

/* Nothing moved, so custody has nothing to say; the writer is named all the
 * same. A dry run's "would deny" passed: whatever it moved is judged by
 * custody too, this only says the guard would have stopped it. */
/* Guard denials ordered so the same attempt comes together: the same
 * program, write and device (what the finding says), then by time. */
static const struct model *sort_guards;

static int cmp_attempt(const struct gt_guard_event *x, const struct gt_guard_event *y)
{
	int c;

	if ((c = x->enforced - y->enforced) || (c = x->action - y->action) ||
	    (c = strncmp(x->device, y->device, GT_NAME_LEN)) || (c = strncmp(x->dir, y->dir, GT_NAME_LEN)) ||
	    (c = strncmp(x->host_driver, y->host_driver, GT_NAME_LEN)) ||
	    (c = x->value_seen - y->value_seen) || (c = x->value_len - y->value_len) ||
	    (c = memcmp(x->value, y->value, x->value_len < sizeof(x->value) ? x->value_len : sizeof(x->value))))
		return c;	/* the bytes past value_len are the slot's leftovers */
	return strncmp(x->hdr.task.comm, y->hdr.task.comm, GT_COMM_LEN);
}

static int cmp_guard_order(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	const struct m_guard *x = &sort_guards->guards[i], *y = &sort_guards->guards[j];
	int c = cmp_attempt(&x->ev, &y->ev);

	if (c)
		return c;
	if (x->ts_ns != y->ts_ns)
		return x->ts_ns < y->ts_ns ? -1 : 1;
	return i < j ? -1 : i > j;
}

/* Each write the guard denied (or, in a dry run, would have): a finding
 * naming the writer. The same program trying the same again (a
 * watchdog's loop) is one finding that counts the attempts and names the
 * last, not one each. */
static void guard_denials(const struct model *m, const char *devf, struct findings *fs)
{
	static const enum f_mechanism mech[] = {
		[GT_GUARD_OVERRIDE] = MECH_OVERRIDE, [GT_GUARD_REMOVE] = MECH_REMOVED,
		[GT_GUARD_UNBIND] = MECH_UNBIND_ONLY, [GT_GUARD_BIND] = MECH_EXPLICIT_BIND,
		[GT_GUARD_NEW_ID] = MECH_UNKNOWN,
	};
	size_t *order, n = 0;

	if (!m->n_guards)
		return;
	if (!(order = reallocarray(NULL, m->n_guards, sizeof(*order)))) {
		fs->oom = true;
		return;
	}
	for (size_t i = 0; i < m->n_guards; i++)
		if (!devf || !strcmp(devf, m->guards[i].ev.device))
			order[n++] = i;
	sort_guards = m;
	array_sort(order, n, sizeof(*order), cmp_guard_order);
	sort_guards = NULL;
	for (size_t i = 0, end; i < n; i = end) {
		const struct m_guard *first = &m->guards[order[i]], *last;
		const struct gt_guard_event *g = &first->ev;
		const char *dev = g->device[0] ? g->device : "(a guarded function's ids)";
		char what[256], at[32];
		struct finding *f;

		for (end = i + 1; end < n && !cmp_attempt(g, &m->guards[order[end]].ev); end++)
			;
		last = &m->guards[order[end - 1]];
		if (!(f = add(fs, F_REBIND_DENIED, g->enforced ? SEV_WARN : SEV_INFO)))
			break;
		guard_event_what(g, what, sizeof(what));
		snprintf(f->device, sizeof(f->device), "%s", dev);
		snprintf(f->driver_from, sizeof(f->driver_from), "%.32s", g->host_driver);
		if (g->action == GT_GUARD_OVERRIDE)
			snprintf(f->driver_to, sizeof(f->driver_to), "%.64s", g->value);
		else if (g->action == GT_GUARD_BIND || g->action == GT_GUARD_NEW_ID)
			snprintf(f->driver_to, sizeof(f->driver_to), "%.32s", g->dir);
		f->ts_ns = first->ts_ns;
		f->mech = g->action < sizeof(mech) / sizeof(mech[0]) ? mech[g->action] : MECH_UNKNOWN;
		set_culprit(m, f, &g->hdr.task, f->ts_ns);
		snprintf(f->mechanism, sizeof(f->mechanism), "%s", what);
		snprintf(f->summary, sizeof(f->summary), "%.16s (pid %u) tried %s while it was guarded on "
			 "%.32s: %s", g->hdr.task.comm, g->hdr.task.pid, what, g->host_driver,
			 g->enforced ? "denied (EPERM), nothing moved" : "would have been denied (dry run)");
		snprintf(f->advice, sizeof(f->advice), "find why %.16s runs (its unit, its parents) and "
			 "stop it; the guard keeps %s on %.32s meanwhile", g->hdr.task.comm, dev,
			 g->host_driver);
		for (size_t k = i; k < end; k++)
			evidence(f, m->guards[order[k]].rec_id);
		if (end - i > 1) {
			size_t len = strlen(f->summary);

			f->repeats = end - i - 1;
			f->last_ns = last->ts_ns;
			f->last_pid = last->ev.hdr.task.pid;
			fmt_time(f->last_ns, at, sizeof(at));
			snprintf(f->summary + len, sizeof(f->summary) - len, "; %zu times in all, the last by "
				 "pid %u at %s", end - i, f->last_pid, at);
		}
	}
	free(order);
}

static int cmp_finding(const void *a, const void *b)
{
	const struct finding *x = a, *y = b;

	if (x->severity != y->severity)
		return y->severity - x->severity;
	return x->ts_ns < y->ts_ns ? -1 : x->ts_ns > y->ts_ns;
}

int findings_analyze(const struct model *m, const struct custody_set *cs, const char *vmf,
		     const char *devf, struct findings *fs)
{
	for (size_t i = 0; i < cs->n; i++)
		judge(m, cs, &cs->v[i], fs);
	for (size_t i = 0; !devf && i < m->n_hooks; i++) {
		const struct m_hook *h = &m->hooks[i];

		if (h->end_ns && h->exit_status && (!vmf || !strcmp(h->vm, vmf) || !h->vm[0]))
			hook_failed(m, cs, h, fs);
	}
	probe_failures(m, vmf, devf, fs);
	stub_without_vm(m, cs, vmf, devf, fs);
	guard_denials(m, devf, fs);
	unnamed_parents(m, fs);
	limits(m, vmf, fs);
	mark_uncertain(m, fs);
	if (fs->n)
		qsort(fs->v, fs->n, sizeof(*fs->v), cmp_finding);
	return fs->oom ? -ENOMEM : 0;
}

void findings_free(struct findings *f)
{
	free(f->v);
	memset(f, 0, sizeof(*f));
}
