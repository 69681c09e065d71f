// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The report as JSON (docs/report-schema.md): through the one JSON writer. */
#include <string.h>

#include "render/json_writer.h"
#include "render/report_render.h"
#include "sys/vmconf.h"
#include "util.h"

static void task_json(struct json_writer *w, const struct finding *f)
{
	json_key(w, "culprit");
	if (!f->has_culprit) {
		json_null(w);
		return;
	}
	json_object_start(w);
	json_kv_u64(w, "pid", f->culprit.pid);
	json_key(w, "comm");
	json_string_len(w, f->culprit.comm, strnlen(f->culprit.comm, GT_COMM_LEN));
	json_kv_str(w, "exe", f->culprit_proc ? f->culprit_proc->exe : "");
	json_key(w, "argv");
	json_nul_list(w, f->culprit_proc ? f->culprit_proc->argv : "",
		      f->culprit_proc ? f->culprit_proc->argv_len : 0);
	json_key(w, "unit");
	json_string_len(w, f->culprit.unit, strnlen(f->culprit.unit, GT_UNIT_LEN));
	json_key(w, "ancestry");
	json_array_start(w);
	for (int i = 0; i < f->culprit.n_ancestors && i < GT_ANCESTRY_MAX; i++) {
		json_object_start(w);
		json_kv_u64(w, "pid", f->culprit.ancestors[i].pid);
		json_key(w, "comm");
		json_string_len(w, f->culprit.ancestors[i].comm,
				strnlen(f->culprit.ancestors[i].comm, GT_COMM_LEN));
		json_object_end(w);
	}
	json_array_end(w);
	json_kv_u64(w, "uid", f->culprit.uid);
	json_key(w, "spawned_by");
	json_array_start(w);
	for (int i = 0; i < f->n_spawned_by; i++) {
		const struct m_spawn *l = &f->spawned_by[i];

		json_object_start(w);
		json_kv_u64(w, "pid", l->pid);
		json_key(w, "comm");
		json_string_len(w, l->comm, strnlen(l->comm, GT_COMM_LEN));
		json_kv_str(w, "exe", l->proc ? l->proc->exe : "");
		json_key(w, "argv");
		json_nul_list(w, l->proc ? l->proc->argv : "", l->proc ? l->proc->argv_len : 0);
		json_kv_bool(w, "inferred", l->inferred);
		json_object_end(w);
	}
	json_array_end(w);
	json_kv_bool(w, "inferred", f->culprit_inferred);
	json_kv_bool(w, "from_hook", f->culprit_from_hook);
	json_key(w, "hook");
	if (f->culprit_hook) {
		json_object_start(w);
		json_kv_str(w, "phase", f->culprit_hook->phase);
		json_kv_str(w, "script", f->culprit_hook->script);
		json_kv_u64(w, "pid", f->culprit_hook->proc ? f->culprit_hook->proc->pid : 0);
		json_kv_bool(w, "had_exited", f->culprit_hook->end_ns && f->culprit_hook->end_ns < f->ts_ns);
		json_object_end(w);
	} else {
		json_null(w);
	}
	json_object_end(w);
}

static void delay(struct json_writer *w, const char *key, bool has, double v)
{
	json_key(w, key);
	if (has)
		json_double(w, v, 3);
	else
		json_null(w);
}

static uint64_t wall_ns(const struct model *m, uint64_t ts)
{
	(void)m;	/* model times are wall clock already */
	return ts;
}

static void time_str(struct json_writer *w, const struct model *m, uint64_t ts)
{
	char buf[48];

	json_key(w, "time");
	if (!ts) {
		json_null(w);
		return;
	}
	fmt_iso_utc(wall_ns(m, ts), buf, sizeof(buf));
	json_string(w, buf);
}

static void finding_json(struct json_writer *w, const struct model *m, const struct finding *f)
{
	json_object_start(w);
	json_kv_str(w, "kind", f_kind_name(f->kind));
	json_kv_str(w, "severity", severity_name(f->severity));
	json_kv_str(w, "vm", f->vm);
	json_kv_str(w, "device", f->device);
	json_kv_u64(w, "time_ns", f->ts_ns ? wall_ns(m, f->ts_ns) : 0);
	time_str(w, m, f->ts_ns);
	json_kv_str(w, "driver_from", f->driver_from);
	json_kv_str(w, "driver_to", f->driver_to);
	delay(w, "delay_after_hook_s", f->has_delay, f->delay_after_hook_s);
	delay(w, "delay_after_stop_s", f->has_stop_delay, f->delay_after_stop_s);
	delay(w, "delay_after_return_s", f->has_return_delay, f->delay_after_return_s);
	task_json(w, f);
	json_kv_str(w, "returned_by_kind", returner_kind_name(f->returned_by_kind));
	json_kv_str(w, "returned_by", f->returned_by);
	json_kv_str(w, "blocker", blocker_kind_name(f->blocker));
	json_kv_str(w, "mechanism_kind", f_mechanism_name(f->mech));
	json_kv_str(w, "mechanism", f->mechanism);
	json_kv_str(w, "chain", f->chain);
	json_kv_str(w, "summary", f->summary);
	json_kv_str(w, "advice", f->advice);
	json_kv_bool(w, "uncertain", f->uncertain);
	json_kv_u64(w, "times", f->repeats + 1ull);
	json_key(w, "kernel_log");
	json_array_start(w);
	for (int i = 0; i < f->n_kernel_log; i++) {
		json_object_start(w);
		time_str(w, m, f->kernel_log[i]->ts_ns);
		json_kv_u64(w, "level", f->kernel_log[i]->level);
		json_key(w, "msg");
		json_string_len(w, f->kernel_log[i]->msg, f->kernel_log[i]->msg_len);
		json_object_end(w);
	}
	json_array_end(w);
	json_key(w, "evidence");
	json_array_start(w);
	for (int i = 0; i < f->n_evidence; i++)
		json_u64(w, f->evidence[i]);
	json_array_end(w);
	json_object_end(w);
}

static void opt_time(struct json_writer *w, const char *key, uint64_t ts)
{
	char buf[48];

	json_key(w, key);
	if (!ts || ts == UINT64_MAX) {
		json_null(w);
		return;
	}
	fmt_iso_utc(ts, buf, sizeof(buf));
	json_string(w, buf);
}

/* Each device's custody through each run: what the findings are judged on. */
static void custody_json(struct json_writer *w, const struct model *m, const struct custody *c)
{
	json_object_start(w);
	json_kv_str(w, "vm", c->vm->id);
	json_kv_str(w, "device", c->bdf);
	json_key(w, "driver_before");
	if (c->host_known)
		json_string(w, c->host_before);
	else
		json_null(w);
	opt_time(w, "start_sequence", c->start_seq_ns);
	opt_time(w, "stop", c->stop_ns);
	opt_time(w, "settled_at", c->stop_ns ? c->settle_ns : 0);
	json_kv_bool(w, "settled", c->settled);
	json_kv_str(w, "settled_driver", c->settled_driver);
	json_key(w, "returned");
	if (c->ret) {
		const struct gt_task *t = trans_actor(m, c->ret);

		json_object_start(w);
		opt_time(w, "time", c->ret->ts_ns);
		json_kv_str(w, "driver", c->ret->driver);
		json_kv_str(w, "by_kind", returner_kind_name(c->ret_kind));
		json_key(w, "by");
		if (t)
			json_string_len(w, t->comm, strnlen(t->comm, GT_COMM_LEN));
		else
			json_null(w);
		json_kv_u64(w, "pid", t ? t->pid : 0);
		json_kv_bool(w, "late", c->late);
		json_object_end(w);
	} else {
		json_null(w);
	}
	json_kv_u64(w, "failed_attempts", c->n_attempts_all);
	json_kv_str(w, "blocker", blocker_kind_name(c->blocker.kind));
	json_kv_u64(w, "moves_after_return", c->n_moves);
	json_kv_str(w, "next_vm", c->next_vm ? c->next_vm->id : "");
	json_object_end(w);
}

void report_render_json(FILE *out, const struct report *r, bool pretty)
{
	struct json_writer *w = json_new(out, pretty);
	const struct model *m = &r->m;

	json_object_start(w);
	json_kv_str(w, "hostname", m->hostname);
	json_kv_str(w, "kernel", m->kernel);
	json_kv_str(w, "backend", m->backend);
	json_kv_bool(w, "outcomes_from_uevents", m->outcomes_from_uevents);
	json_kv_bool(w, "truncated", m->truncated);
	json_kv_bool(w, "next_file_not_given", m->next_not_given > 0);
	json_kv_str(w, "next_file", m->next_missing);
	json_kv_u64(w, "lost_events", m->lost);
	json_kv_u64(w, "runs_missed", m->runs_missed);
	json_key(w, "vms");
	json_array_start(w);
	for (size_t i = 0; i < m->n_vms; i++) {
		const struct m_vm *vm = &m->vms[i];

		if (r->vm && strcmp(r->vm, vm->id))
			continue;
		json_object_start(w);
		json_kv_str(w, "id", vm->id);
		json_kv_str(w, "flavour", vm_kind_name(vm->flavour));
		json_kv_u64(w, "pid", vm->pid);
		if (vm->daemon_pid)
			json_kv_u64(w, "daemon_pid", vm->daemon_pid);
		json_kv_u64(w, "start_ns", vm->start_ns ? wall_ns(m, vm->start_ns) : 0);
		json_kv_u64(w, "stop_ns", vm->stop_ns ? wall_ns(m, vm->stop_ns) : 0);
		json_kv_bool(w, "stop_requested", vm->stop_requested);
		json_key(w, "devices");
		json_array_start(w);
		for (int d = 0; d < vm->n_devs; d++)
			json_string(w, vm->devs[d]);
		json_array_end(w);
		json_object_end(w);
	}
	json_array_end(w);
	json_key(w, "custody");
	json_array_start(w);
	for (size_t i = 0; i < r->c.n; i++)
		custody_json(w, m, &r->c.v[i]);
	json_array_end(w);
	json_key(w, "findings");
	json_array_start(w);
	for (size_t i = 0; i < r->f.n; i++)
		finding_json(w, m, &r->f.v[i]);
	json_array_end(w);
	json_key(w, "phases");
	json_array_start(w);
	for (size_t i = 0; i < m->n_phases; i++) {
		json_object_start(w);
		json_kv_str(w, "name", m->phases[i].name);
		json_kv_u64(w, "start_ns", wall_ns(m, m->phases[i].start_ns));
		json_kv_u64(w, "end_ns", m->phases[i].end_ns == UINT64_MAX ? 0 : wall_ns(m, m->phases[i].end_ns));
		json_object_end(w);
	}
	json_array_end(w);
	json_key(w, "phase_states");
	json_array_start(w);
	for (size_t i = 0, n_seen = 0; i < m->n_states && n_seen < 64; i++) {
		static char seen[64][PCI_BDF_LEN];
		const char *bdf = m->states[i].bdf, *name;
		bool first = true;

		for (size_t k = 0; k < n_seen && first; k++)
			first = strcmp(seen[k], bdf) != 0;
		if (!first || !report_shows_device(r, bdf))
			continue;	/* each device once */
		snprintf(seen[n_seen++], PCI_BDF_LEN, "%s", bdf);
		for (size_t p = 0; p < m->n_phases; p++) {
			const struct m_devstate *d = report_phase_state(r, p, bdf);

			if (!d)
				continue;
			json_object_start(w);
			json_kv_str(w, "phase", m->phases[p].name);
			json_kv_str(w, "device", d->bdf);
			time_str(w, m, d->ts_ns);
			json_kv_bool(w, "missing", d->missing);
			for (int a = 0; a < REPORT_STATE_ATTRS; a++) {
				const char *v = report_state_attr(d, a, &name);

				json_kv_str(w, name, v);
			}
			json_object_end(w);
		}
	}
	json_array_end(w);
	json_key(w, "phase_transitions");
	json_array_start(w);
	for (size_t i = 0; i < r->n_sigs; i++) {
		json_object_start(w);
		json_kv_str(w, "transition", r->sigs[i].sig);
		json_key(w, "phases");
		json_array_start(w);
		for (size_t p = 0; p < m->n_phases && p < 32; p++)
			if (r->sigs[i].phases & (1u << p))
				json_string(w, m->phases[p].name);
		json_array_end(w);
		json_object_end(w);
	}
	json_array_end(w);
	json_key(w, "timeline");
	json_array_start(w);
	for (size_t i = 0; i < r->n_rows; i++) {
		const struct tl_row *x = &r->rows[i];

		json_object_start(w);
		json_kv_str(w, "vm", x->vm);
		json_kv_u64(w, "time_ns", wall_ns(m, x->ts_ns));
		time_str(w, m, x->ts_ns);
		json_kv_str(w, "event", x->what);
		json_kv_str(w, "by", x->who);
		json_key(w, "after_hook_s");
		if (x->after_hook)
			json_double(w, x->delay_s, 3);
		else
			json_null(w);
		json_kv_u64(w, "record", x->rec_id);
		json_object_end(w);
	}
	json_array_end(w);
	json_object_end(w);
	json_free(w);
}
