// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The report as one self-contained HTML page: the header, a picture of the
 * whole trace, a zoomed picture of each VM stop (report_svg.c), then the
 * findings and the timeline as the text report has them. No script, no
 * network: inline CSS and SVG, hover text from SVG <title>s, so a saved
 * attachment opens the same anywhere.
 */
#include <stdlib.h>
#include <string.h>

#include "render/html.h"
#include "render/report_render.h"
#include "render/report_svg.h"
#include "trace/event_decode.h"
#include "util.h"

#define PANELS_MAX	24
/* A move this long after the stop sequence settled gets its own panel
 * rather than stretching the stop's. */
#define LATE_MOVE_NS	(60 * 1000000000ull)
/* Timeline rows farther than this from anything that moved a device are
 * folded: near a move, every row stays. */
#define NEAR_NS		(2 * 1000000000ull)

static const char css[] =
	"body{font:13px/1.4 sans-serif;margin:0;padding:12px 16px;color:#222;max-width:1380px}"
	"h1{font-size:18px;margin:0 0 4px}h2{font-size:15px;margin:18px 0 4px}"
	"svg{display:block;background:#fff}svg text{font-family:sans-serif}"
	".tl{font-size:10px;fill:#555}.ph{font-size:10px;fill:#7a6a3a}.inv{font-size:10px;fill:#fff}"
	".bdf{font-size:12px;font-weight:bold;fill:#222}.pn{font-size:10px;fill:#666}"
	".rl{font-size:11px;fill:#555}.stopl{font-size:10px;fill:" SVG_STOP ";font-weight:bold}"
	".meta{color:#555}.legend span{display:inline-block;margin-right:14px}"
	".sw{display:inline-block;width:14px;height:10px;vertical-align:middle;margin-right:4px;"
	"border:1px solid #999}"
	".sev{font-weight:bold;padding:0 4px;color:#fff}.HIGH{background:" SVG_HIGH "}"
	".WARN{background:" SVG_WARN "}.INFO{background:" SVG_INFO "}"
	"li{margin-bottom:8px}li:target{background:#fff3c4}.d{color:#444;margin-left:1em}"
	"table{border-collapse:collapse;font-size:12px}td,th{border-bottom:1px solid #ddd;padding:2px 8px;"
	"text-align:left;vertical-align:top}";

static void header(FILE *out, const struct report *r)
{
	const struct model *m = &r->m;
	char a[48], b[48], zone[64];

	fprintf(out, "<h1>gputrace report: ");
	html_printf(out, "%s", m->hostname);
	fprintf(out, "</h1>\n<p class=\"meta\">kernel ");
	html_printf(out, "%s, %s backend", m->kernel, m->backend);
	fmt_wall(m->first_ns, true, a, sizeof(a));
	fmt_wall(m->last_ns, true, b, sizeof(b));
	fmt_zone(m->first_ns, zone, sizeof(zone));
	/* the zone is the renderer's (or UTC with --utc), as in the text report */
	fprintf(out, ". Trace from <b>%s</b> to <b>%s</b> (%.1f s). <b>Times from ", a, b,
		(m->last_ns - m->first_ns) / 1e9);
	html_escape(out, zone, sizeof(zone));
	fprintf(out, "</b>.</p>\n");
	if (m->other_hosts[0]) {
		fprintf(out, "<p class=\"meta\">Traces of other hosts too: ");
		html_escape(out, m->other_hosts, sizeof(m->other_hosts));
		fprintf(out, ".</p>\n");
	}
	if (m->next_not_given) {
		fprintf(out, "<p class=\"meta\"><b>The recording went on in a next file not given</b> (");
		html_printf(out, "%s", m->next_missing[0] ? m->next_missing : "not named");
		fprintf(out, "): verdicts may miss what came after.</p>\n");
	}
	if (m->truncated || m->lost || m->outcomes_from_uevents)
		fprintf(out, "<p class=\"meta\">%s%s%s</p>\n",
			m->read_error[0] ? "The trace is damaged: see the limit findings. " :
			m->truncated ? "The trace was cut short (recorder killed). " : "",
			!m->lost ? "" : m->lost > m->runs_missed ? "Events were lost while recording: see the "
			"limit finding. " : "Events may have been lost (the kernel skipped runs of the "
			"recorder's programs): see the limit finding. ",
			m->outcomes_from_uevents ? "Binds and unbinds come from uevents, which carry no pid: "
			"their actors are inferred from the sysfs write in flight. " : "");
}

static void vms(FILE *out, const struct report *r)
{
	const struct model *m = &r->m;

	fprintf(out, "<ul>\n");
	for (size_t i = 0; i < m->n_vms; i++) {
		const struct m_vm *vm = &m->vms[i];
		char pid[64];

		if (r->vm && strcmp(r->vm, vm->id))
			continue;
		fprintf(out, "<li>VM <b>");
		html_escape(out, vm->id, sizeof(vm->id));
		fprintf(out, "</b> (");
		html_printf(out, "%s, %s", vm_kind_name(vm->flavour), report_qemu_pid(vm, pid, sizeof(pid)));
		fprintf(out, ") devices:");
		for (int d = 0; d < vm->n_devs; d++) {
			fputc(' ', out);
			html_escape(out, vm->devs[d], PCI_BDF_LEN);
		}
		fprintf(out, "</li>\n");
	}
	fprintf(out, "</ul>\n");
}

static void legend(FILE *out)
{
	static const struct { const char *fill, *what; } keys[] = {
		{ SVG_HOST, "host driver" }, { SVG_STUB, "vfio-pci / pci-stub" }, { SVG_NONE, "no driver" },
		{ SVG_REMOVED, "removed" }, { SVG_UNKNOWN, "unknown (before the trace)" },
		{ SVG_VM, "VM running" }, { SVG_HOOK, "hook run (start to exit)" },
		{ "#fff3c4", "stop sequence (QEMU exit to settled)" }, { "#555", "sysfs write (hover: who, value, result)" },
		{ SVG_RETURN, "return to the host driver" }, { SVG_STOP, "VM stop" },
		{ SVG_HIGH, "HIGH finding" }, { SVG_WARN, "WARN finding" }, { SVG_INFO, "INFO finding" },
	};

	fprintf(out, "<p class=\"legend\">");
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		fprintf(out, "<span><i class=\"sw\" style=\"background:%s\"></i>%s</span>", keys[i].fill,
			keys[i].what);
	fprintf(out, "<br/>A black line marks each driver change; a red tick a write that failed; a "
		"taller tick a write a finding rests on; shaded columns are phases (marks). "
		"Hover for details; a diamond links to its finding.</p>\n");
}

/* The write's lane: the shown device it is about, or for new_id and
 * remove_id (ids, not a function) the devices with those ids. */
static int write_lane(const struct svg_page *pg, const struct m_write *w)
{
	unsigned v, d;

	for (int l = 0; w->bdf[0] && l < pg->n_lanes; l++)
		if (!strcmp(w->bdf, pg->lanes[l].bdf))
			return l;
	if ((strcmp(w->attr, "new_id") && strcmp(w->attr, "remove_id")) ||
	    sscanf(w->value, "%x %x", &v, &d) != 2)
		return -1;
	for (int l = 0; l < pg->n_lanes; l++)
		if (pg->lanes[l].pci && pg->lanes[l].pci->vendor == v && pg->lanes[l].pci->device == d)
			return l;
	return -1;
}

static void add_lane(struct svg_page *pg, const char *bdf)
{
	const struct model *m = &pg->r->m;
	struct svg_lane *l;

	if (!bdf[0] || (pg->r->device && strcmp(pg->r->device, bdf)))
		return;
	for (int i = 0; i < pg->n_lanes; i++)
		if (!strcmp(pg->lanes[i].bdf, bdf))
			return;
	if (pg->n_lanes == SVG_LANES_MAX) {
		pg->lanes_cut = true;
		return;
	}
	l = &pg->lanes[pg->n_lanes++];
	snprintf(l->bdf, sizeof(l->bdf), "%s", bdf);
	l->pci = NULL;
	for (size_t i = 0; i < m->n_pci; i++)
		if (!strcmp(m->pci[i].bdf, bdf))
			l->pci = &m->pci[i];
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Lanes: the devices of the VMs shown, then (without --vm) every other
 * device whose driver changed; which lane each write belongs to; the
 * records findings rest on. */
static int page_setup(struct svg_page *pg)
{
	const struct report *r = pg->r;
	const struct model *m = &r->m;

	for (size_t i = 0; i < m->n_vms; i++)
		for (int d = 0; d < m->vms[i].n_devs; d++)
			if (!r->vm || !strcmp(r->vm, m->vms[i].id))
				add_lane(pg, m->vms[i].devs[d]);
	for (size_t i = 0; i < m->n_trans && !r->vm; i++)
		add_lane(pg, m->trans[i].bdf);
	pg->write_lane = calloc(m->n_writes ? m->n_writes : 1, sizeof(*pg->write_lane));
	for (size_t i = 0; i < r->f.n; i++)
		pg->n_evidence += r->f.v[i].n_evidence;
	pg->evidence = calloc(pg->n_evidence ? pg->n_evidence : 1, sizeof(*pg->evidence));
	if (!pg->write_lane || !pg->evidence)
		return -1;
	for (size_t i = 0; i < m->n_writes; i++)
		pg->write_lane[i] = write_lane(pg, &m->writes[i]);
	pg->n_evidence = 0;
	for (size_t i = 0; i < r->f.n; i++)
		for (int e = 0; e < r->f.v[i].n_evidence; e++)
			pg->evidence[pg->n_evidence++] = r->f.v[i].evidence[e];
	if (pg->n_evidence)
		qsort(pg->evidence, pg->n_evidence, sizeof(*pg->evidence), cmp_u64);
	return 0;
}

static void widen(uint64_t *a, uint64_t *b, uint64_t ts, uint64_t limit)
{
	if (!ts || ts == UINT64_MAX || ts > limit)
		return;
	*a = ts < *a ? ts : *a;
	*b = ts > *b ? ts : *b;
}

/* A bit before VM's stop to a bit after the last thing its stop sequence
 * did: hooks, the return, failed attempts, moves soon after. */
static void stop_window(const struct report *r, const struct m_vm *vm, uint64_t *a, uint64_t *b)
{
	uint64_t pad;

	*a = *b = vm->stop_ns;
	for (size_t i = 0; i < r->c.n; i++) {
		const struct custody *c = &r->c.v[i];
		uint64_t limit = c->settle_ns + LATE_MOVE_NS;

		if (c->vm != vm || !c->stop_ns)
			continue;
		widen(a, b, c->settle_ns, limit);
		for (int h = 0; h < c->n_hooks; h++) {
			widen(a, b, c->hooks[h]->start_ns, limit);
			widen(a, b, c->hooks[h]->end_ns, limit);
		}
		if (c->ret)
			widen(a, b, c->ret->ts_ns, limit);
		for (int k = 0; k < c->n_attempts; k++)
			widen(a, b, c->attempt_trans[k] ? c->attempt_trans[k]->ts_ns :
			      c->attempt_writes[k] ? c->attempt_writes[k]->ts_ns : 0, limit);
		for (int e = 0; e < c->n_episodes; e++) {
			widen(a, b, c->episodes[e].leave->ts_ns, limit);
			widen(a, b, c->episodes[e].land ? c->episodes[e].land->ts_ns : 0, limit);
		}
	}
	pad = (*b - *a) / 8;
	pad = pad < 500000000ull ? 500000000ull : pad;
	*a = *a > r->m.first_ns + pad ? *a - pad : r->m.first_ns;
	*b += pad;
}

static void vm_lanes(const struct svg_page *pg, const struct m_vm *vm, struct svg_panel *p)
{
	for (int l = 0; l < pg->n_lanes; l++)
		for (int d = 0; d < vm->n_devs; d++)
			if (!strcmp(pg->lanes[l].bdf, vm->devs[d]))
				p->lanes[p->n_lanes++] = l;
}

static void panel_heading(FILE *out, const struct svg_panel *p, const char *what)
{
	char a[32], b[32];

	fmt_wall(p->t0, false, a, sizeof(a));
	fmt_wall(p->t1, false, b, sizeof(b));
	fprintf(out, "<h2>");
	html_escape(out, what, strlen(what));
	fprintf(out, " <span class=\"meta\">%s – %s (%.3f s)</span></h2>\n", a, b, (p->t1 - p->t0) / 1e9);
}

/* A panel for each move off the host driver long after its stop settled;
 * past PANELS_MAX, counted in *UNSHOWN. */
static int late_moves(const struct svg_page *pg, const struct custody *c, int index, int *unshown)
{
	for (int e = 0; e < c->n_episodes; e++) {
		const struct c_episode *ep = &c->episodes[e];
		uint64_t end = ep->land ? ep->land->ts_ns : ep->leave->ts_ns;
		struct svg_panel p = { .index = index, .vm = c->vm };
		char what[VM_ID_LEN + 192], t[32];

		if (ep->leave->ts_ns <= c->settle_ns + LATE_MOVE_NS)
			continue;
		if (index >= PANELS_MAX) {
			(*unshown)++;
			continue;
		}
		p.t0 = ep->leave->ts_ns - 1000000000ull;
		p.t1 = end + 1000000000ull;
		vm_lanes(pg, c->vm, &p);
		fmt_wall(ep->leave->ts_ns, false, t, sizeof(t));
		snprintf(what, sizeof(what), "VM %s: %s left %s at %s, long after the stop", c->vm->id, c->bdf,
			 ep->host, t);
		panel_heading(pg->out, &p, what);
		svg_panel_render(pg, &p);
		index++;
	}
	return index;
}

/* VM's stop zoomed, then its late moves; returns the next panel index. */
static int stop_panels(const struct svg_page *pg, const struct m_vm *vm, int index, int *unshown_moves)
{
	const struct report *r = pg->r;
	struct svg_panel p = { .index = index, .vm = vm };
	char what[VM_ID_LEN + 192], t[32];

	stop_window(r, vm, &p.t0, &p.t1);
	vm_lanes(pg, vm, &p);
	fmt_wall(vm->stop_ns, false, t, sizeof(t));
	snprintf(what, sizeof(what), "VM %s stopped at %s (%s), zoomed:", vm->id, t,
		 vm->stop_requested ? "stop requested" : "guest-initiated");
	panel_heading(pg->out, &p, what);
	svg_panel_render(pg, &p);
	index++;
	for (size_t c = 0; c < r->c.n; c++)
		if (r->c.v[c].vm == vm)
			index = late_moves(pg, &r->c.v[c], index, unshown_moves);
	return index;
}

static void panels(const struct svg_page *pg)
{
	const struct report *r = pg->r;
	const struct model *m = &r->m;
	struct svg_panel all = { .index = 0, .t0 = m->first_ns, .t1 = m->last_ns };
	int index = 1, unshown = 0, unshown_moves = 0;

	if (r->phase) {		/* --phase: its window only */
		all.t0 = r->phase->start_ns > all.t0 ? r->phase->start_ns : all.t0;
		all.t1 = r->phase->end_ns < all.t1 ? r->phase->end_ns : all.t1;
	}
	if (all.t1 <= all.t0)
		all.t1 = all.t0 + 1000000000ull;
	for (int l = 0; l < pg->n_lanes; l++)
		all.lanes[all.n_lanes++] = l;
	if (pg->lanes_cut)
		fprintf(pg->out, "<p>More devices than the %d lanes a picture has: the first %d are drawn. "
			"Draw one with --device BDF (the findings below cover all).</p>\n", SVG_LANES_MAX,
			SVG_LANES_MAX);
	panel_heading(pg->out, &all, "The whole trace");
	svg_panel_render(pg, &all);
	for (size_t i = 0; i < m->n_vms; i++) {
		const struct m_vm *vm = &m->vms[i];

		if (!vm->stop_ns || (r->vm && strcmp(r->vm, vm->id)) || vm->stop_ns < all.t0 ||
		    vm->stop_ns > all.t1)
			continue;
		if (index >= PANELS_MAX) {
			unshown++;
			continue;
		}
		index = stop_panels(pg, vm, index, &unshown_moves);
	}
	if (unshown)
		fprintf(pg->out, "<p>%d more VM stop%s not zoomed: narrow the page with --vm or --phase.</p>\n",
			unshown, unshown == 1 ? "" : "s");
	if (unshown_moves)
		fprintf(pg->out, "<p>%d more late move%s off the host driver not zoomed: narrow the page "
			"with --vm, --device or --phase (the findings below cover all).</p>\n", unshown_moves,
			unshown_moves == 1 ? "" : "s");
}

static void culprit(FILE *out, const struct finding *f)
{
	char line[512];

	if (!f->has_culprit)
		return;
	fprintf(out, "<div class=\"d\">culprit: ");
	html_printf(out, "%s%.16s[%u]", f->culprit_inferred ? "(inferred from the write in flight) " : "",
		    f->culprit.comm, f->culprit.pid);
	for (int i = 0; i < f->culprit.n_ancestors && i < GT_ANCESTRY_MAX; i++)
		html_printf(out, " < %.16s[%u]", f->culprit.ancestors[i].comm, f->culprit.ancestors[i].pid);
	if (f->culprit.unit[0])
		html_printf(out, "  unit: %.*s", GT_UNIT_LEN, f->culprit.unit);
	fprintf(out, "</div>\n");
	if (f->culprit_proc) {
		model_argv_line(f->culprit_proc, line, sizeof(line));
		fprintf(out, "<div class=\"d\">command: <code>");
		html_escape(out, line, sizeof(line));
		fprintf(out, "</code></div>\n");
	}
}

static void detail(FILE *out, const char *label, const char *text)
{
	if (!text[0])
		return;
	fprintf(out, "<div class=\"d\">%s: ", label);
	html_escape(out, text, strlen(text));
	fprintf(out, "</div>\n");
}

static void findings(FILE *out, const struct report *r)
{
	char t[32];

	fprintf(out, "<h2 id=\"findings\">Findings</h2>\n");
	if (!r->f.n)
		fprintf(out, "<p>None: every device came back to its host driver and stayed there.</p>\n");
	fprintf(out, "<ol>\n");
	for (size_t i = 0; i < r->f.n; i++) {
		const struct finding *f = &r->f.v[i];

		t[0] = '\0';
		if (f->ts_ns)
			fmt_wall(f->ts_ns, false, t, sizeof(t));
		fprintf(out, "<li id=\"finding-%zu\"><span class=\"sev %s\">%s</span> <code>%s</code> %s ",
			i + 1, severity_name(f->severity), severity_name(f->severity), f_kind_name(f->kind), t);
		html_escape(out, f->summary, sizeof(f->summary));
		fprintf(out, "%s\n", f->uncertain ? " <i>(uncertain)</i>" : "");
		culprit(out, f);
		detail(out, "returned by", f->returned_by);
		detail(out, f->chain[0] ? "chain" : "mechanism", f->chain[0] ? f->chain : f->mechanism);
		detail(out, "fix", f->advice);
		fprintf(out, "</li>\n");
	}
	fprintf(out, "</ol>\n");
}

/* Times the timeline is about: driver changes, VM starts and stops, hook
 * runs, findings; sorted. */
static uint64_t *key_times(const struct report *r, size_t *n)
{
	const struct model *m = &r->m;
	size_t cap = m->n_trans + 2 * m->n_vms + 2 * m->n_hooks + r->f.n + 1;
	uint64_t *k = calloc(cap, sizeof(*k));

	*n = 0;
	if (!k)
		return NULL;
	for (size_t i = 0; i < m->n_trans; i++)
		k[(*n)++] = m->trans[i].ts_ns;
	for (size_t i = 0; i < m->n_vms; i++)
		k[(*n)++] = m->vms[i].start_ns, k[(*n)++] = m->vms[i].stop_ns;
	for (size_t i = 0; i < m->n_hooks; i++)
		/* a monitor from before the trace is shown where the trace begins */
		k[(*n)++] = m->hooks[i].start_ns ? m->hooks[i].start_ns : m->first_ns,
		k[(*n)++] = m->hooks[i].end_ns;
	for (size_t i = 0; i < r->f.n; i++)
		k[(*n)++] = r->f.v[i].ts_ns;
	if (*n)
		qsort(k, *n, sizeof(*k), cmp_u64);
	return k;
}

static bool near_key(const uint64_t *k, size_t n, uint64_t ts)
{
	size_t lo = array_lower_bound_u64(k, n, sizeof(*k), 0, ts);

	return (lo < n && k[lo] && k[lo] - ts <= NEAR_NS) || (lo > 0 && k[lo - 1] && ts - k[lo - 1] <= NEAR_NS);
}

static void skipped_rows(FILE *out, const struct tl_row *first, const struct tl_row *last, size_t n)
{
	char a[32], b[32];

	if (!n)
		return;
	fmt_wall(first->ts_ns, false, a, sizeof(a));
	fmt_wall(last->ts_ns, false, b, sizeof(b));
	fprintf(out, "<tr class=\"agg\"><td>%s – %s</td><td>", a, b);
	html_escape(out, first->vm, sizeof(first->vm));
	fprintf(out, "</td><td colspan=\"3\"><i>%zu event%s more, none within %llu s of a driver change, VM start "
		"or stop, hook or finding (the text report lists each)</i></td></tr>\n", n, n == 1 ? "" : "s",
		NEAR_NS / 1000000000ull);
}

static void row_html(FILE *out, const struct tl_row *x)
{
	char t[32];

	fmt_wall(x->ts_ns, false, t, sizeof(t));
	fprintf(out, "<tr><td>%s</td><td>", t);
	html_escape(out, x->vm, strlen(x->vm));
	fprintf(out, "</td><td>");
	html_escape(out, x->what, strlen(x->what));
	fprintf(out, "</td><td>");
	html_escape(out, x->who, strlen(x->who));
	fprintf(out, "</td><td>");
	if (x->after_hook)
		fprintf(out, "+%.2f s", x->delay_s);
	fprintf(out, "</td></tr>\n");
}

/* The text report's timeline, but rows far from anything that moved a
 * device (a power monitor's writes over hours) fold into one line each run:
 * the page must open at once on a busy host's trace. */
static void timeline(FILE *out, const struct report *r)
{
	size_t nk, skipped = 0;
	uint64_t *keys = key_times(r, &nk);
	const struct tl_row *first = NULL, *last = NULL;

	if (!r->n_rows) {
		free(keys);
		return;
	}
	fprintf(out, "<h2>Timeline</h2>\n<table>\n<tr><th>time</th><th>VM</th><th>event</th><th>by</th>"
		"<th>after the hook</th></tr>\n");
	for (size_t i = 0; i < r->n_rows; i++) {
		const struct tl_row *x = &r->rows[i];
		bool fold = keys && !near_key(keys, nk, x->ts_ns);

		if (first && (!fold || strcmp(first->vm, x->vm))) {
			skipped_rows(out, first, last, skipped);
			first = NULL;
			skipped = 0;
		}
		if (fold) {
			first = first ? first : x;
			last = x;
			skipped++;
			continue;
		}
		row_html(out, x);
	}
	skipped_rows(out, first, last, skipped);
	fprintf(out, "</table>\n");
	free(keys);
}

void report_render_html(FILE *out, const struct report *r)
{
	struct svg_page pg = { .out = out, .r = r };

	fprintf(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
		"<meta name=\"generator\" content=\"gputrace %s\"/>\n<title>gputrace report: ", GPUTRACE_VERSION);
	html_escape(out, r->m.hostname, sizeof(r->m.hostname));
	fprintf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n", css);
	header(out, r);
	vms(out, r);
	fprintf(out, "<p><a href=\"#findings\">%zu finding%s</a> below the pictures.</p>\n", r->f.n,
		r->f.n == 1 ? "" : "s");
	legend(out);
	if (page_setup(&pg))
		fprintf(out, "<p>Out of memory: no pictures.</p>\n");
	else
		panels(&pg);
	findings(out, r);
	timeline(out, r);
	fprintf(out, "</body>\n</html>\n");
	free(pg.write_lane);
	free(pg.evidence);
}
