// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The report for people: text for a terminal (colour on a tty) or Markdown
 * to paste into a bug report. One walk, two sets of markup. */
#include <string.h>

#include "analysis/report.h"
#include "model/event.h"
#include "util.h"

struct style {
	bool md, color;
};

static const char *sev_color(const struct style *s, enum f_severity v)
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

static void header(FILE *out, const struct report *r, const struct style *s)
{
	const struct model *m = &r->m;

	fprintf(out, s->md ? "## gputrace report: %s (kernel %s, %s backend)\n\n"
			   : "gputrace report: %s (kernel %s, %s backend)\n\n",
		m->hostname, m->kernel, m->backend);
	for (size_t i = 0; i < m->n_vms; i++) {
		const struct m_vm *vm = &m->vms[i];

		if (r->vm && strcmp(r->vm, vm->id))
			continue;
		fprintf(out, s->md ? "- **VM %s** (%s, QEMU pid %u) devices:" : "VM %s (%s, QEMU pid %u)   devices:",
			vm->id, vm->flavour == VM_PROXMOX ? "Proxmox" : vm->flavour == VM_LIBVIRT ?
			"libvirt" : "QEMU", vm->pid);
		for (int d = 0; d < vm->n_devs; d++) {
			const char *name = "";

			for (size_t k = 0; k < m->n_pci; k++)
				if (!strcmp(m->pci[k].bdf, vm->devs[d]))
					name = m->pci[k].name;
			fprintf(out, " %s%s%s%s", vm->devs[d], name[0] ? " [" : "", name, name[0] ? "]" : "");
		}
		fputc('\n', out);
	}
	fputc('\n', out);
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
					   : "TIMELINE of VM %s\n", vm);
		}
		wall(&r->m, x->ts_ns, t, sizeof(t));
		if (x->after_hook)
			snprintf(d, sizeof(d), "+%.2f s after hook exit", x->delay_s);
		if (s->md) {
			fprintf(out, "| %s | %s | %s | %s |\n", t, x->what, x->who, d);
		} else {
			char line[1200];
			size_t n = snprintf(line, sizeof(line), "%s  %-58s %-40s %s", t, x->what, x->who, d);

			n = n < sizeof(line) ? n : sizeof(line) - 1;
			while (n && line[n - 1] == ' ')
				n--;	/* no padding at the end of a line */
			fprintf(out, "%.*s\n", (int)n, line);
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
	fprintf(out, "%sculprit: %s%.16s[%u]%s", ind, f->culprit_inferred ? "(inferred from the write in flight) " : "",
		f->culprit.comm, f->culprit.pid, f->culprit_from_hook ? " (the hook itself or its child)" : "");
	for (int i = 0; i < f->culprit.n_ancestors && i < GT_ANCESTRY_MAX; i++)
		fprintf(out, " < %.16s[%u]", f->culprit.ancestors[i].comm, f->culprit.ancestors[i].pid);
	if (f->culprit.unit[0])
		fprintf(out, "  unit: %.*s", GT_UNIT_LEN, f->culprit.unit);
	fputc('\n', out);
	if (f->culprit_proc) {
		model_argv_line(f->culprit_proc, line, sizeof(line));
		fprintf(out, "%scommand: %s\n", ind, line);
	}
}

static void findings(FILE *out, const struct report *r, const struct style *s)
{
	char t[32];

	fprintf(out, s->md ? "### Findings\n\n" : "FINDINGS\n");
	if (!r->f.n)
		fprintf(out, "%snone: no rebind after a hook, no missing or failed hook\n", s->md ? "" : " ");
	for (size_t i = 0; i < r->f.n; i++) {
		const struct finding *f = &r->f.v[i];

		t[0] = 0;
		if (f->ts_ns)
			wall(&r->m, f->ts_ns, t, sizeof(t));
		if (s->md)
			fprintf(out, "- **%s** `%s` %s%s%s\n", f_severity_name(f->severity), f_kind_name(f->kind),
				t, t[0] ? " " : "", f->summary);
		else
			fprintf(out, " %s%-4s%s  %s%s%s\n", sev_color(s, f->severity), f_severity_name(f->severity),
				reset(s), t, t[0] ? "  " : "", f->summary);
		culprit(out, f, s);
		if (f->mechanism[0])
			fprintf(out, "%smechanism: %s\n", s->md ? "  - " : "       ", f->mechanism);
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
	for (size_t p = 0; p < np; p++)
		fprintf(out, s->md ? " %s |" : " %-10.10s", m->phases[p].name);
	fputc('\n', out);
	if (s->md) {
		fputs("|---|", out);
		for (size_t p = 0; p < np; p++)
			fputs("---|", out);
		fputc('\n', out);
	}
	for (size_t i = 0; i < r->n_sigs; i++) {
		bool all = r->sigs[i].phases == (np == 32 ? ~0u : (1u << np) - 1);

		fprintf(out, s->md ? "| %s%s |" : "%-60.60s", r->sigs[i].sig, s->md && !all ? " **(differs)**" : "");
		for (size_t p = 0; p < np; p++)
			fprintf(out, s->md ? " %s |" : " %-10s", r->sigs[i].phases & (1u << p) ? "x" : s->md ? "" : "-");
		fprintf(out, "%s\n", !s->md && !all ? "  <- differs" : "");
	}
	fputc('\n', out);
}

void report_render_text(FILE *out, const struct report *r, bool markdown, bool color)
{
	struct style s = { .md = markdown, .color = color && !markdown };

	header(out, r, &s);
	if (r->n_rows)
		timeline(out, r, &s);
	phases(out, r, &s);
	findings(out, r, &s);
}
