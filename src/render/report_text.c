// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The report for people: text for a terminal (colour on a tty) or Markdown
 * to paste into a bug report. One walk, two sets of markup. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "render/report_render.h"
#include "text_escape.h"
#include "trace/event_decode.h"
#include "util.h"

struct style {
	bool md, color;
};

/* Every string a trace holds can be set by any local user: shown through
 * the one escaper (terminal or Markdown). Eight rotating buffers, so one
 * printf can take several. */
static const char *shown(const struct style *s, const char *str)
{
	static char bufs[8][1280 * TEXT_ESCAPE_MAX + 1];
	static unsigned next;
	char *b = bufs[next++ % 8];
	size_t len = strlen(str);

	if (!s->md && len < sizeof(bufs[0]) && text_is_plain(str, len))
		return str;
	return s->md ? md_escape_str(b, sizeof(bufs[0]), str) : text_escape_str(b, sizeof(bufs[0]), str);
}

/* The same for a fixed-size field that may lack its NUL (comm, unit). The
 * copy lives in a ring of its own: shown() hands a plain string back as
 * is, and several fields go into one fprintf. */
static const char *shown_n(const struct style *s, const char *field, size_t max)
{
	static char copies[8][256];
	static unsigned next;
	char *tmp = copies[next++ % 8];

	snprintf(tmp, sizeof(copies[0]), "%.*s", (int)(max < sizeof(copies[0]) ? max : sizeof(copies[0]) - 1), field);
	return shown(s, tmp);
}

/* STR escaped in a text column of WIDTH, cut on a whole character or
 * escape (a cut inside "\\x1b" would show another byte), then padded. */
static void column(FILE *out, const struct style *s, const char *str, size_t width)
{
	const char *e = shown(s, str);
	size_t cols, n = text_escaped_fit(e, width, &cols);

	fprintf(out, "%.*s%*s", (int)n, e, (int)(width - cols), "");
}

static const char *sev_color(const struct style *s, enum severity v)
{
	if (!s->color)
		return "";
	return v == SEV_HIGH ? "\033[1;31m" : v == SEV_WARN ? "\033[1;33m" : "\033[36m";
}

static const char *reset(const struct style *s)
{
	return s->color ? "\033[0m" : "";
}

static void wall(const struct model *m, uint64_t ts, char *buf, size_t size)
{
	(void)m;	/* model times are wall clock already */
	fmt_wall(ts, false, buf, size);
}

/* A VM's manager as a reader writes it: "Proxmox", "libvirt", "QEMU". */
static const char *vm_kind_display(enum vm_kind k)
{
	return k == VM_PROXMOX ? "Proxmox" : k == VM_LIBVIRT ? "libvirt" : "QEMU";
}

static void header(FILE *out, const struct report *r, const struct style *s)
{
	const struct model *m = &r->m;

	char zone[64] = "";

	if (m->first_ns)
		fmt_zone(m->first_ns, zone, sizeof(zone));
	fprintf(out, s->md ? "## gputrace report: host %s (kernel %s, %s backend)\n\n"
			   : "gputrace report: host %s (kernel %s, %s backend)\n",
		shown(s, m->hostname), shown(s, m->kernel), shown(s, m->backend));
	/* damage first: a file read up to a bad chunk, or without its header,
	 * has no END record either, but "truncated" would undersell it */
	fprintf(out, s->md ? "Times from %s%s.\n\n" : "times from %s%s\n\n", zone[0] ? zone : "-",
		m->read_error[0] ? s->md ? "; **the trace is damaged** (its limits are under Findings)" : "; DAMAGED: its limits are under FINDINGS" :
		m->truncated ? s->md ? "; **the trace is truncated** (no end record)" : "; TRUNCATED: no end record" : "");
	if (m->next_not_given)
		fprintf(out, s->md ? "**The recording went on in a next file not given** (%s): verdicts "
				     "may miss what came after.\n\n"
				   : "NOT ALL GIVEN: the recording went on in a next file (%s): verdicts may "
				     "miss what came after\n\n",
			m->next_missing[0] ? shown(s, m->next_missing) : "not named");
	for (size_t i = 0; i < m->n_vms; i++) {
		const struct m_vm *vm = &m->vms[i];
		char pid[64];

		if (r->vm && strcmp(r->vm, vm->id))
			continue;
		fprintf(out, s->md ? "- **VM %s** (%s, %s) devices:" : "VM %s (%s, %s)   devices:",
			shown(s, vm->id), vm_kind_display(vm->flavour), report_qemu_pid(vm, pid, sizeof(pid)));
		for (int d = 0; d < vm->n_devs; d++) {
			const char *name = "";

			/* never another host's name for an address */
			for (size_t k = 0; k < m->n_pci && !m->other_hosts[0]; k++)
				if (!strcmp(m->pci[k].bdf, vm->devs[d]))
					name = m->pci[k].name;
			fprintf(out, " %s%s%s%s", vm->devs[d], name[0] ? " [" : "", shown(s, name), name[0] ? "]" : "");
		}
		fputc('\n', out);
	}
	/* a trace of the wrong moment or host: said plainly, not a blank */
	if (!m->n_vms && !m->n_trans)
		fprintf(out, s->md ? "No VM run and no driver change in %s.\n"
				   : "no VM run and no driver change in %s\n",
			m->n_files > 1 ? "these traces" : "this trace");
	else if (!m->n_vms)
		fprintf(out, s->md ? "No VM run in %s.\n" : "no VM run in %s\n",
			m->n_files > 1 ? "these traces" : "this trace");
	fputc('\n', out);
}

/* Appends S, padded with spaces to WIDTH, at *OFF in LINE (SIZE bytes,
 * cut to fit with its NUL): the "%-58s" of a timeline line, built by hand
 * because a rebind storm's report has a line per write. */
static void put_padded(char *line, size_t size, size_t *off, const char *s, size_t width)
{
	size_t n = strlen(s), pad = width > n ? width - n : 0;

	str_put(line, size, off, s, n);
	if (*off + 1 < size) {
		pad = pad < size - 1 - *off ? pad : size - 1 - *off;
		memset(line + *off, ' ', pad);
		*off += pad;
		line[*off] = 0;
	}
}

static void timeline(FILE *out, const struct report *r, const struct style *s)
{
	const char *vm = "";

	for (size_t i = 0; i < r->n_rows; i++) {
		const struct tl_row *x = &r->rows[i];
		char t[32], d[48] = "";

		if (strcmp(vm, x->vm)) {
			vm = x->vm;
			fprintf(out, s->md ? "### Timeline of VM %s\n\n| time | event | by | |\n|---|---|---|---|\n"
					   : "TIMELINE of VM %s\n", shown(s, vm));
		}
		wall(&r->m, x->ts_ns, t, sizeof(t));
		if (x->after_hook)
			snprintf(d, sizeof(d), "+%.2f s after hook exit", x->delay_s);
		if (s->md) {
			fprintf(out, "| %s | %s | %s | %s |\n", t, shown(s, x->what), shown(s, x->who), d);
		} else {
			char line[1200];
			size_t n = 0;

			put_padded(line, sizeof(line), &n, t, 0);
			put_padded(line, sizeof(line), &n, "  ", 0);
			put_padded(line, sizeof(line), &n, shown(s, x->what), 58);
			put_padded(line, sizeof(line), &n, " ", 0);
			put_padded(line, sizeof(line), &n, shown(s, x->who), 40);
			put_padded(line, sizeof(line), &n, " ", 0);
			put_padded(line, sizeof(line), &n, d, 0);
			while (n && line[n - 1] == ' ')
				n--;	/* no padding at the end of a line */
			line[n++] = '\n';
			fwrite(line, 1, n, out);
		}
	}
	fputc('\n', out);
}

static void culprit(FILE *out, const struct finding *f, const struct style *s)
{
	const char *ind = s->md ? "  - " : "       ";
	char line[512];

	if (!f->has_culprit)
		return;
	fprintf(out, "%sculprit: %s%s[%u]", ind, f->culprit_inferred ? "(inferred from the write in flight) " : "",
		shown_n(s, f->culprit.comm, GT_COMM_LEN), f->culprit.pid);
	if (f->culprit.uid)
		fprintf(out, " uid %u", f->culprit.uid);
	for (int i = 0; i < f->culprit.n_ancestors && i < GT_ANCESTRY_MAX; i++)
		fprintf(out, " < %s[%u]", shown_n(s, f->culprit.ancestors[i].comm, GT_COMM_LEN),
			f->culprit.ancestors[i].pid);
	if (f->culprit.unit[0])
		fprintf(out, "  unit: %s", shown_n(s, f->culprit.unit, GT_UNIT_LEN));
	fputc('\n', out);
	if (f->culprit_proc) {
		model_argv_line(f->culprit_proc, line, sizeof(line));
		fprintf(out, "%scommand: %s\n", ind, shown(s, line));
	}
	if (f->n_spawned_by) {
		fprintf(out, "%sspawned by:", ind);
		for (int i = 0; i < f->n_spawned_by; i++)
			fprintf(out, "%s %s[%u]%s", i ? " <" : "", shown_n(s, f->spawned_by[i].comm, GT_COMM_LEN),
				f->spawned_by[i].pid,
				f->spawned_by[i].inferred ? " (forked: inferred)" : "");
		fputc('\n', out);
	}
	if (f->culprit_hook && f->culprit_from_hook)
		fprintf(out, "%sfrom the hook: started by the %s hook %s[%u]%s\n", ind, shown(s, f->culprit_hook->phase),
			shown(s, f->culprit_hook->script), f->culprit_hook->proc ? f->culprit_hook->proc->pid : 0,
			f->culprit_hook->end_ns && f->culprit_hook->end_ns < f->ts_ns ? ", which had exited" : "");
}

/* "+0.84 s after the VM stop, +0.12 s after the return, +0.57 s after the hook" */
static void delay_line(FILE *out, const struct finding *f, const struct style *s)
{
	const char *ind = s->md ? "  - " : "       ";

	if (!f->has_stop_delay && !f->has_return_delay && !f->has_delay)
		return;
	fprintf(out, "%swhen:", ind);
	if (f->has_stop_delay)
		fprintf(out, " +%.2f s after QEMU exited", f->delay_after_stop_s);
	if (f->has_return_delay)
		fprintf(out, "%s+%.2f s after the return", f->has_stop_delay ? ", " : " ", f->delay_after_return_s);
	if (f->has_delay)
		fprintf(out, "%s+%.2f s after the hook exited", f->has_stop_delay || f->has_return_delay ? ", " : " ",
			f->delay_after_hook_s);
	fputc('\n', out);
}

static void findings(FILE *out, const struct report *r, const struct style *s)
{
	char t[32];

	fprintf(out, s->md ? "### Findings\n\n" : "FINDINGS\n");
	if (!r->f.n)
		fprintf(out, "%snone: every device came back to its host driver and stayed there\n",
			s->md ? "" : " ");
	for (size_t i = 0; i < r->f.n; i++) {
		const struct finding *f = &r->f.v[i];

		t[0] = 0;
		if (f->ts_ns)
			wall(&r->m, f->ts_ns, t, sizeof(t));
		const char *ind = s->md ? "  - " : "       ";

		if (s->md)
			fprintf(out, "- **%s** `%s` %s%s%s%s\n", severity_name(f->severity), f_kind_name(f->kind),
				t, t[0] ? " " : "", shown(s, f->summary), f->uncertain ? " *(uncertain)*" : "");
		else
			fprintf(out, " %s%-4s%s  %s%s%s%s\n", sev_color(s, f->severity), severity_name(f->severity),
				reset(s), t, t[0] ? "  " : "", shown(s, f->summary), f->uncertain ? " (uncertain)" : "");
		culprit(out, f, s);
		delay_line(out, f, s);
		if (f->returned_by[0])
			fprintf(out, "%sreturned by: %s\n", ind, shown(s, f->returned_by));
		if (f->chain[0])
			fprintf(out, "%schain: %s\n", ind, shown(s, f->chain));
		else if (f->mechanism[0])
			fprintf(out, "%smechanism: %s\n", ind, shown(s, f->mechanism));
		for (int k = 0; k < f->n_kernel_log; k++) {
			char lt[32];

			fmt_wall(f->kernel_log[k]->ts_ns, false, lt, sizeof(lt));
			fprintf(out, "%skernel %s: ", ind, lt);
			if (s->md)
				md_escape_put(out, f->kernel_log[k]->msg, strcspn(f->kernel_log[k]->msg, "\n"));
			else
				text_escape_put(out, f->kernel_log[k]->msg, strcspn(f->kernel_log[k]->msg, "\n"));
			fputc('\n', out);
		}
		if (f->advice[0])
			fprintf(out, "%sfix: %s\n", ind, shown(s, f->advice));
	}
}

/* The first NP phases' names as a table's head: Markdown cells, or text
 * columns of WIDTH. */
static void phase_names(FILE *out, const struct model *m, const struct style *s, size_t np,
			size_t width)
{
	for (size_t p = 0; p < np; p++) {
		if (s->md) {
			fprintf(out, " %s |", shown(s, m->phases[p].name));
			continue;
		}
		fputc(' ', out);
		column(out, s, m->phases[p].name, width);
	}
}

/* Each transition and the phases it happened in: what differs stands out. */
static void phases(FILE *out, const struct report *r, const struct style *s)
{
	const struct model *m = &r->m;
	size_t np = m->n_phases < 32 ? m->n_phases : 32;

	if (r->phase || np < 2)
		return;
	fprintf(out, s->md ? "### Phases compared\n\n| transition |" : "PHASES (x: happened in that phase)\n%-60s", s->md ? "" : "");
	phase_names(out, m, s, np, 10);
	fputc('\n', out);
	if (s->md) {
		fputs("|---|", out);
		for (size_t p = 0; p < np; p++)
			fputs("---|", out);
		fputc('\n', out);
	}
	for (size_t i = 0; i < r->n_sigs; i++) {
		bool all = r->sigs[i].phases == (np == 32 ? ~0u : (1u << np) - 1);

		if (s->md)
			fprintf(out, "| %s%s |", shown(s, r->sigs[i].sig), !all ? " **(differs)**" : "");
		else
			column(out, s, r->sigs[i].sig, 60);
		for (size_t p = 0; p < np; p++)
			fprintf(out, s->md ? " %s |" : " %-10s", r->sigs[i].phases & (1u << p) ? "x" : s->md ? "" : "-");
		fprintf(out, "%s\n", !s->md && !all ? "  <- differs" : "");
	}
	fputc('\n', out);
}

/* One device's rows: each attribute (named from any state of it), its
 * value at the end of each phase, "?" where a phase has none. */
static void device_states(FILE *out, const struct report *r, const struct style *s,
			  const struct m_devstate *any, size_t np)
{
	const struct model *m = &r->m;

	fprintf(out, s->md ? "\n**%s**\n\n| attribute |" : "%s\n  %-16s", any->bdf, s->md ? "" : "attribute");
	phase_names(out, m, s, np, 14);
	fprintf(out, s->md ? "\n|---|" : "\n");
	for (size_t p = 0; s->md && p < np; p++)
		fputs("---|", out);
	if (s->md)
		fputc('\n', out);
	for (int pass = 0; pass < 2; pass++)	/* differences first */
		for (int a = 0; a < REPORT_STATE_ATTRS; a++) {
			const char *first = NULL, *name;
			bool differs = false;

			report_state_attr(any, a, &name);
			for (size_t p = 0; p < np; p++) {
				const struct m_devstate *d = report_phase_state(r, p, any->bdf);
				const char *v;

				if (!d)
					continue;	/* unknown there: not a difference */
				v = report_state_attr(d, a, &name);
				differs |= first && strcmp(first, v);
				first = first ? first : v;
			}
			if (differs != !pass)
				continue;
			fprintf(out, s->md ? "| %s%s |" : "  %-16s", name, s->md && differs ? " **(differs)**" : "");
			for (size_t p = 0; p < np; p++) {
				const struct m_devstate *d = report_phase_state(r, p, any->bdf);
				const char *v = d ? report_state_attr(d, a, &name) : "?";

				if (s->md) {
					fprintf(out, " %s |", v[0] ? shown(s, v) : "-");
					continue;
				}
				fputc(' ', out);
				column(out, s, v[0] ? v : "-", 14);
			}
			fprintf(out, "%s\n", !s->md && differs ? "  <- differs" : "");
		}
}

/* The seed's procedure: each device's state at the end of each phase side
 * by side, the attributes that differ first. A device no shown phase has
 * a state of (known only from a snapshot before the first mark) has
 * nothing to compare: left out. */
static void phase_states(FILE *out, const struct report *r, const struct style *s)
{
	const struct model *m = &r->m;
	size_t np = m->n_phases < 8 ? m->n_phases : 8;
	char seen[64][PCI_BDF_LEN];
	int n_seen = 0;

	int shown_devs = 0;

	if (r->phase || np < 2 || !m->n_states)
		return;
	for (size_t i = 0; i < m->n_states && n_seen < 64; i++) {
		const char *bdf = m->states[i].bdf;
		bool dup = false, in_phase = false;

		for (int k = 0; k < n_seen; k++)
			dup |= !strcmp(seen[k], bdf);
		if (dup || !report_shows_device(r, bdf))
			continue;
		snprintf(seen[n_seen++], PCI_BDF_LEN, "%s", bdf);
		for (size_t p = 0; p < np && !in_phase; p++)
			in_phase = report_phase_state(r, p, bdf) != NULL;
		if (!in_phase)
			continue;
		if (!shown_devs++)
			fprintf(out, s->md ? "### Device state by phase\n\n" :
					     "DEVICE STATE BY PHASE (at the end of each)\n");
		device_states(out, r, s, &m->states[i], np);
	}
	if (shown_devs)
		fputc('\n', out);
}

void report_render_text(FILE *out, const struct report *r, bool markdown, bool color)
{
	struct style s = { .md = markdown, .color = color && !markdown };

	header(out, r, &s);
	if (r->n_rows)
		timeline(out, r, &s);
	phases(out, r, &s);
	phase_states(out, r, &s);
	findings(out, r, &s);
}

static void explain_line(FILE *out, const char *what, uint64_t ts, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void explain_line(FILE *out, const char *what, uint64_t ts, const char *fmt, ...)
{
	char t[32] = "", line[1536];
	va_list ap;

	if (ts)
		fmt_wall(ts, false, t, sizeof(t));
	fprintf(out, "  %-18s %-12s ", what, t);
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	text_escape_put(out, line, strlen(line));	/* names and values from the trace */
	fputc('\n', out);
}

static const char *actor(const struct model *m, const struct m_trans *t, char *buf, size_t size)
{
	const struct gt_task *a = trans_actor(m, t);

	if (!a)
		snprintf(buf, size, "the kernel");
	else
		snprintf(buf, size, "%s%.16s[%u]", t->from_uevent ? "(inferred) " : "", a->comm, a->pid);
	return buf;
}

static void explain_run(FILE *out, const struct report *r, const struct custody *c)
{
	const struct model *m = &r->m;
	char a[64], pid[64];

	fprintf(out, "%s in VM %s (%s, %s)\n", c->bdf, shown(&(struct style){ 0 }, c->vm->id),
		vm_kind_display(c->vm->flavour), report_qemu_pid(c->vm, pid, sizeof(pid)));
	explain_line(out, "before the start", 0, "%s", !c->host_known ? "unknown (the VM ran before the trace)" :
		     c->host_before[0] ? c->host_before : "no driver");
	if (c->vm->start_ns)
		explain_line(out, "start sequence", c->start_seq_ns, "QEMU started at +%.2f s",
			     (c->vm->start_ns - c->start_seq_ns) / 1e9);
	if (!c->stop_ns) {
		explain_line(out, "stop", 0, "still running when the trace ends");
		return;
	}
	explain_line(out, "QEMU exited", c->stop_ns, "%s", c->vm->stop_requested ? "stop requested" :
		     "no stop command seen (a guest shutdown, or a stop through the API or GUI)");
	for (int i = 0; i < c->n_hooks; i++) {
		const struct m_hook *h = c->hooks[i];
		char st[64] = "still running";

		if (h->end_ns)
			exit_status_str(h->exit_status, st, sizeof(st));
		explain_line(out, "hook", h->start_ns, "%s %s[%u]: %s", h->phase, h->script,
			     h->proc ? h->proc->pid : 0, st);
	}
	for (int i = 0; i < c->n_attempts; i++) {
		const struct m_write *w = c->attempt_writes[i];
		const struct m_trans *t = c->attempt_trans[i];

		if (t)
			explain_line(out, "attempt", t->ts_ns, "%s %s by %s", t->kind == M_BIND ? "landed on" :
				     "probe failed:", t->driver, actor(m, t, a, sizeof(a)));
		else if (w)
			explain_line(out, "attempt", w->ts_ns, "write \"%s\" to %s by %.16s[%u] failed (%lld)",
				     w->value, w->path, w->task->comm, w->task->pid, (long long)w->ret);
	}
	if (c->n_attempts_all > c->n_attempts)
		explain_line(out, "attempt", 0, "and %ld more", c->n_attempts_all - c->n_attempts);
	if (c->ret)
		explain_line(out, "returned", c->ret->ts_ns, "to %s by %s (%s)%s", c->ret->driver,
			     actor(m, c->ret, a, sizeof(a)), returner_kind_name(c->ret_kind),
			     c->late ? ", after the stop sequence" : "");
	else
		explain_line(out, "returned", 0, "never%s", c->blocker.kind ? ": blocked" : "");
	if (c->blocker.kind)
		explain_line(out, "blocker", 0, "%s", blocker_kind_name(c->blocker.kind));
	/* in time order: the moves before the stop sequence settled, the
	 * settling, the moves after it */
	for (int i = 0, settle_said = 0; i <= c->n_episodes; i++) {
		const struct c_episode *e = i < c->n_episodes ? &c->episodes[i] : NULL;

		if (!settle_said && (!e || e->leave->ts_ns >= c->settle_ns)) {
			explain_line(out, c->settled ? "settled" : "not settled", c->settle_ns, "%s%s",
				     c->settled_driver[0] ? "on " : "on no driver", c->settled_driver);
			settle_said = 1;
		}
		if (!e)
			break;
		explain_line(out, "moved", e->leave->ts_ns, "off %s (%s by %s)%s%s", e->host,
			     e->leave->kind == M_REMOVE ? "removed" : e->leave->kind == M_UNBIND ? "unbound" :
			     "bound elsewhere", actor(m, e->leave, a, sizeof(a)), e->readd ? ", re-added" : "",
			     e->land ? "" : ", no driver since");
		if (e->land)
			explain_line(out, "landed", e->land->ts_ns, "on %s by %s", e->land->driver,
				     actor(m, e->land, a, sizeof(a)));
	}
	if (c->n_moves > c->n_episodes)
		explain_line(out, "moved", 0, "and %ld more times", c->n_moves - c->n_episodes);
	if (c->next_vm)
		explain_line(out, "next", c->until_ns, "VM %s took it (its start sequence)", c->next_vm->id);
}

void report_render_explain(FILE *out, const struct report *r, const char *bdf)
{
	struct style s = { 0 };
	struct report one = *r;
	struct findings fs = { 0 };
	int runs = 0;

	fprintf(out, "custody of %s (host %s, kernel %s, %s backend)\n\n", bdf, shown(&s, r->m.hostname),
		shown(&s, r->m.kernel), shown(&s, r->m.backend));
	for (size_t i = 0; i < r->c.n; i++) {
		if (strcmp(r->c.v[i].bdf, bdf))
			continue;
		explain_run(out, r, &r->c.v[i]);
		fputc('\n', out);
		runs++;
	}
	if (!runs)
		fprintf(out, "no VM run used %s in this trace\n\n", bdf);
	for (size_t i = 0; i < r->f.n; i++)
		if (!r->f.v[i].device[0] || !strcmp(r->f.v[i].device, bdf)) {
			if (array_reserve((void **)&fs.v, &fs.cap, fs.n + 1, sizeof(*fs.v)))
				break;
			fs.v[fs.n++] = r->f.v[i];
		}
	one.f = fs;
	findings(out, &one, &s);
	free(fs.v);
}
