// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * One SVG panel of the HTML report (report_svg.h): axis, phases, VM runs,
 * hook runs, then a lane per device function with its driver over time,
 * the sysfs writes that name it as ticks, the return and the findings
 * pinned on it. Everything is drawn from the model and the custody the
 * text report is judged on; nothing is computed here that the report does
 * not already say.
 */
#include <stdlib.h>
#include <string.h>

#include "render/html.h"
#include "render/report_svg.h"
#include "trace/event_decode.h"
#include "util.h"

/* Geometry (px). The page is 1400 px wide at most: fits a laptop screen. */
#define SVG_W		1360
#define PLOT_X		200
#define PLOT_W		1140
#define AXIS_H		36
#define VM_H		16
#define HOOK_H		18
#define LANE_H		32
#define TICK_H		8	/* ticks above the bar */
#define BAR_H		18
#define OTHER_H		18
/* Writes of one lane closer than this on screen share one mark, past
 * TICK_MAX of them: a 100k-write trace stays a few thousand elements. */
#define BIN_PX		3
#define TICK_MAX	6

struct geo {
	const struct svg_page *pg;
	const struct svg_panel *p;
	FILE *out;
	int n_vms;
	const char *vm_ids[8];		/* one row per VM id */
	int y_vm, y_hook, y_lanes, y_other, h;
};

static double x_of(const struct geo *g, uint64_t ts)
{
	double f;

	if (ts <= g->p->t0)
		return PLOT_X;
	if (ts >= g->p->t1)
		return PLOT_X + PLOT_W;
	f = (double)(ts - g->p->t0) / (double)(g->p->t1 - g->p->t0);
	return PLOT_X + f * PLOT_W;
}

static bool in_window(const struct geo *g, uint64_t ts)
{
	return ts >= g->p->t0 && ts <= g->p->t1;
}

static int lane_y(const struct geo *g, int row)
{
	return g->y_lanes + row * LANE_H;
}

/* Row of page lane L in this panel, -1 if not shown. */
static int lane_row(const struct geo *g, int l)
{
	for (int i = 0; i < g->p->n_lanes; i++)
		if (g->p->lanes[i] == l)
			return i;
	return -1;
}

static int lane_of_bdf(const struct geo *g, const char *bdf)
{
	for (int i = 0; i < g->pg->n_lanes; i++)
		if (!strcmp(g->pg->lanes[i].bdf, bdf))
			return lane_row(g, i);
	return -1;
}

static bool vm_shown(const struct report *r, const struct m_vm *vm)
{
	return !r->vm || !strcmp(r->vm, vm->id);
}

static void wall(uint64_t ts, char *buf, size_t size)
{
	fmt_wall(ts, false, buf, size);
}

/* A step of about 110 px between axis labels. */
static uint64_t axis_step(uint64_t span)
{
	static const uint64_t steps[] = {
		1000000ull, 2000000ull, 5000000ull, 10000000ull, 20000000ull, 50000000ull,
		100000000ull, 200000000ull, 500000000ull, 1000000000ull, 2000000000ull,
		5000000000ull, 10000000000ull, 15000000000ull, 30000000000ull, 60000000000ull,
		120000000000ull, 300000000000ull, 600000000000ull, 900000000000ull,
		1800000000000ull, 3600000000000ull, 7200000000000ull, 21600000000000ull,
		43200000000000ull, 86400000000000ull,
	};
	uint64_t want = span / (PLOT_W / 110);

	const uint64_t day = steps[sizeof(steps) / sizeof(steps[0]) - 1];

	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (steps[i] >= want)
			return steps[i];
	/* whole days past the table: a capped step over a span of months (or
	 * of a damaged clock's centuries) drew a label every day */
	return (want / day + 1) * day;
}

static void axis(const struct geo *g)
{
	uint64_t step = axis_step(g->p->t1 - g->p->t0);
	/* whole seconds are multiples in the reader's zone too for steps up
	 * to a minute; longer ones are rounded on UTC, close enough */
	uint64_t t = g->p->t0 / step * step + (g->p->t0 % step ? step : 0);
	char buf[32];

	fprintf(g->out, "<g class=\"axis\">\n");
	/* t < t0 only when the sum wrapped: a clock near its end */
	for (; t >= g->p->t0 && t <= g->p->t1; t += step) {
		double x = x_of(g, t);

		wall(t, buf, sizeof(buf));
		if (step >= 1000000000ull)
			buf[8] = '\0';	/* no milliseconds */
		if (x + 6 * strlen(buf) > SVG_W)
			break;	/* a label cut by the edge reads as another time */
		fprintf(g->out, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e4e4e4\"/>"
			"<text x=\"%.1f\" y=\"%d\" class=\"tl\">%s</text>\n",
			x, AXIS_H - 4, x, g->h, x, AXIS_H - 8, buf);
	}
	fprintf(g->out, "</g>\n");
}

static void phases(const struct geo *g)
{
	const struct model *m = &g->pg->r->m;

	for (size_t i = 0; i < m->n_phases; i++) {
		const struct m_phase *ph = &m->phases[i];
		uint64_t end = ph->end_ns ? ph->end_ns : m->last_ns;
		double x0, x1;

		if (end < g->p->t0 || ph->start_ns > g->p->t1)
			continue;
		x0 = x_of(g, ph->start_ns);
		x1 = x_of(g, end);
		fprintf(g->out, "<rect class=\"phase\" x=\"%.1f\" y=\"0\" width=\"%.1f\" height=\"%d\" fill=\"%s\">"
			"<title>phase ", x0, x1 - x0, g->h, i % 2 ? "#eef3fb" : "#f7f3ea");
		html_escape(g->out, ph->name, sizeof(ph->name));
		fprintf(g->out, "</title></rect><text x=\"%.1f\" y=\"11\" class=\"ph\">phase ", x0 + 3);
		html_escape(g->out, ph->name, sizeof(ph->name));
		fprintf(g->out, "</text>\n");
	}
}

static int vm_row(const struct geo *g, const char *id)
{
	for (int i = 0; i < g->n_vms; i++)
		if (!strcmp(g->vm_ids[i], id))
			return i;
	return -1;
}

static void vm_runs(const struct geo *g)
{
	const struct model *m = &g->pg->r->m;

	for (size_t i = 0; i < m->n_vms; i++) {
		const struct m_vm *vm = &m->vms[i];
		uint64_t a = vm->start_ns ? vm->start_ns : m->first_ns;
		uint64_t b = vm->stop_ns ? vm->stop_ns : m->last_ns;
		int row = vm_row(g, vm->id);
		double x0, x1;
		char pid[64];

		if (row < 0 || b < g->p->t0 || a > g->p->t1)
			continue;
		x0 = x_of(g, a);
		x1 = x_of(g, b);
		fprintf(g->out, "<g class=\"vm\"><title>VM ");
		html_printf(g->out, "%s (%s, %s)", vm->id, vm_kind_name(vm->flavour),
			    report_qemu_pid(vm, pid, sizeof(pid)));
		fprintf(g->out, "</title><rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\" "
			"opacity=\"0.07\"/><rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>"
			"<text x=\"%.1f\" y=\"%d\" class=\"inv\">VM ", x0, g->y_vm, x1 - x0, g->y_other - g->y_vm,
			SVG_VM, x0, g->y_vm + row * VM_H + 2, x1 - x0 < 1 ? 1 : x1 - x0, VM_H - 4, SVG_VM,
			x0 + 3, g->y_vm + row * VM_H + 12);
		html_escape(g->out, vm->id, sizeof(vm->id));
		fprintf(g->out, "</text></g>\n");
	}
}

static bool hook_shown(const struct geo *g, const struct m_hook *h)
{
	const struct report *r = g->pg->r;

	if (g->p->vm)
		return hook_for_vm(h, g->p->vm->id);
	return !r->vm || hook_for_vm(h, r->vm);
}

static void hooks(const struct geo *g)
{
	const struct model *m = &g->pg->r->m;

	for (size_t i = 0; i < m->n_hooks; i++) {
		const struct m_hook *h = &m->hooks[i];
		uint64_t end = h->end_ns ? h->end_ns : m->last_ns;
		char st[64] = "still running at the end of the trace", t[32], label[300];
		const char *base = strrchr(h->script, '/');
		double x0, x1;

		if (!hook_shown(g, h) || end < g->p->t0 || h->start_ns > g->p->t1)
			continue;
		snprintf(label, sizeof(label), "%s %s", base ? base + 1 : h->script, h->phase);
		x0 = x_of(g, h->start_ns);
		x1 = x_of(g, end);
		if (x1 - x0 < 2)
			x1 = x0 + 2;
		if (h->end_ns)
			exit_status_str(h->exit_status, st, sizeof(st));
		if (h->start_ns)
			wall(h->start_ns, t, sizeof(t));
		else	/* a monitor running when the recording began */
			snprintf(t, sizeof(t), "before the trace");
		fprintf(g->out, "<g class=\"hook\"><title>");
		html_printf(g->out, "%s hook %s %s %s[%u] from %s: %s (%.3f s)", h->phase, h->script, h->vm,
			    h->proc ? h->proc->comm : "?", h->proc ? h->proc->pid : 0, t, st,
			    h->end_ns && h->start_ns ? (h->end_ns - h->start_ns) / 1e9 : 0.0);
		fprintf(g->out, "</title><rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\" "
			"stroke=\"%s\"/>", x0, g->y_hook + 2, x1 - x0, HOOK_H - 4, SVG_HOOK,
			h->end_ns && h->exit_status ? SVG_HIGH : SVG_HOOK);
		if (x1 - x0 > 40) {
			/* about 6 px a character at 10 px: no label past its bar */
			fprintf(g->out, "<text x=\"%.1f\" y=\"%d\" class=\"inv\">", x0 + 3, g->y_hook + 13);
			html_printf(g->out, "%.*s", (int)((x1 - x0 - 6) / 6), label);
			fprintf(g->out, "</text>");
		}
		fprintf(g->out, "</g>\n");
	}
}

enum lane_state { LS_UNKNOWN, LS_HOST, LS_STUB, LS_NONE, LS_REMOVED };

static const char *const state_class[] = { "unknown", "host", "stub", "none", "removed" };
static const char *const state_fill[] = { SVG_UNKNOWN, SVG_HOST, SVG_STUB, SVG_NONE, SVG_REMOVED };

static enum lane_state state_of(const char *driver)
{
	if (!driver)
		return LS_UNKNOWN;
	if (!driver[0])
		return LS_NONE;
	return driver_is_stub(driver) ? LS_STUB : LS_HOST;
}

/* The bar from FROM to TO on DRIVER (state S). data-from (ns, the trace's
 * start for the first bar) lets a test or a reader's devtools find the bar
 * a transition began. */
static void segment(const struct geo *g, int row, uint64_t from, uint64_t to, enum lane_state s,
		    const char *driver)
{
	double x0 = x_of(g, from), x1 = x_of(g, to);
	char a[32], b[32];

	if (to < g->p->t0 || from > g->p->t1 || x1 <= x0)
		return;
	wall(from, a, sizeof(a));
	wall(to, b, sizeof(b));
	fprintf(g->out, "<rect class=\"seg %s\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\" "
		"data-from=\"%llu\" data-driver=\"", state_class[s], x0, lane_y(g, row) + TICK_H + 2, x1 - x0,
		BAR_H, state_fill[s], (unsigned long long)from);
	html_escape(g->out, driver ? driver : "", MODEL_DRV_LEN);
	fprintf(g->out, "\"><title>");
	html_printf(g->out, "%s %s, %s – %s", s == LS_UNKNOWN ? "driver unknown" : s == LS_NONE ? "no driver" :
		    s == LS_REMOVED ? "removed" : "on", s == LS_HOST || s == LS_STUB ? driver : "", a, b);
	fprintf(g->out, "</title></rect>\n");
}

static void actor_line(const struct model *m, const struct m_trans *t, char *buf, size_t size)
{
	const struct gt_task *a = trans_actor(m, t);
	size_t off;

	if (!a) {
		snprintf(buf, size, "by the kernel (no task seen)");
		return;
	}
	off = snprintf(buf, size, "by %s%.16s[%u]", t->from_uevent ? "(inferred) " : "", a->comm, a->pid);
	for (int i = 0; i < a->n_ancestors && i < GT_ANCESTRY_MAX && off < size; i++)
		off += snprintf(buf + off, size - off, " < %.16s[%u]", a->ancestors[i].comm, a->ancestors[i].pid);
}

/* A transition: a line at the colour change (a red box at a failed
 * probe, which changes nothing), with who did it. */
static void trans_mark(const struct geo *g, int row, const struct m_trans *t, const char *before)
{
	static const char *const verb[] = { "bound to", "unbound from", "probe failed:", "added", "removed" };
	bool fail = t->kind == M_PROBE_FAIL;
	double x = x_of(g, t->ts_ns);
	int y = lane_y(g, row) + TICK_H + 2;
	char when[32], who[400];

	wall(t->ts_ns, when, sizeof(when));
	actor_line(&g->pg->r->m, t, who, sizeof(who));
	if (fail)
		fprintf(g->out, "<rect class=\"trans probe-fail\" x=\"%.1f\" y=\"%d\" width=\"5\" height=\"6\" "
			"fill=\"%s\"><title>", x - 2.5, y + BAR_H / 2 - 3, SVG_HIGH);
	else
		fprintf(g->out, "<rect class=\"trans\" x=\"%.1f\" y=\"%d\" width=\"1\" height=\"%d\" "
			"fill=\"#000\"><title>", x - 0.5, y, BAR_H);
	html_printf(g->out, "%s %s %s %s (was %s)\n%s", when, t->bdf, verb[t->kind],
		    t->kind == M_ADD || t->kind == M_REMOVE ? "" : t->driver,
		    !before ? "unknown" : before[0] ? before : "no driver", who);
	if (fail)
		html_printf(g->out, " (error %d)", t->err);
	fprintf(g->out, "</title></rect>\n");
}

/* The driver of lane ROW over the window: a colour per state, a line at
 * each change. */
static void lane_states(const struct geo *g, int row, const char *bdf)
{
	const struct model *m = &g->pg->r->m;
	const char *drv = model_driver_before(m, bdf, m->first_ns);
	enum lane_state s = state_of(drv);
	uint64_t since = m->first_ns;

	for (size_t i = 0; i < m->n_trans; i++) {
		const struct m_trans *t = &m->trans[i];
		enum lane_state next = s;
		const char *nd = drv;

		if (strcmp(t->bdf, bdf))
			continue;
		if (t->kind == M_BIND)
			next = state_of(t->driver), nd = t->driver;
		else if (t->kind == M_UNBIND || t->kind == M_ADD)
			next = LS_NONE, nd = "";
		else if (t->kind == M_REMOVE)
			next = LS_REMOVED, nd = "";
		if (in_window(g, t->ts_ns))
			trans_mark(g, row, t, drv);
		if (next == s && ((s != LS_HOST && s != LS_STUB) || !strcmp(nd, drv)))
			continue;
		segment(g, row, since, t->ts_ns, s, drv);
		s = next, drv = nd, since = t->ts_ns;
	}
	segment(g, row, since, m->last_ns, s, drv);
}

static void lane_label(const struct geo *g, int row, const struct svg_lane *l)
{
	int y = lane_y(g, row);

	fprintf(g->out, "<text x=\"4\" y=\"%d\" class=\"bdf\">", y + 16);
	html_escape(g->out, l->bdf, sizeof(l->bdf));
	fprintf(g->out, "</text>");
	if (l->pci && l->pci->name[0] && !g->pg->r->m.other_hosts[0]) {
		fprintf(g->out, "<text x=\"4\" y=\"%d\" class=\"pn\">", y + 28);
		html_printf(g->out, "%.30s", l->pci->name);
		fprintf(g->out, "</text>");
	}
	fputc('\n', g->out);
}

static bool is_evidence(const struct svg_page *pg, uint64_t rec)
{
	size_t k = array_lower_bound_u64(pg->evidence, pg->n_evidence, sizeof(*pg->evidence), 0, rec);

	return k < pg->n_evidence && pg->evidence[k] == rec;
}

static void write_title(FILE *out, const struct m_write *w)
{
	char when[32];

	wall(w->ts_ns, when, sizeof(when));
	html_printf(out, "%s %.16s[%u]", when, w->task->comm, w->task->pid);
	for (int i = 0; i < w->task->n_ancestors && i < GT_ANCESTRY_MAX; i++)
		html_printf(out, " < %.16s[%u]", w->task->ancestors[i].comm, w->task->ancestors[i].pid);
	if (w->task->unit[0])
		html_printf(out, "\nunit %.*s", GT_UNIT_LEN, w->task->unit);
	html_printf(out, "\nwrote \"%s\" to %s\n", w->value, w->path);
	if (w->ret >= 0)
		html_printf(out, "result: ok (%lld bytes)", (long long)w->ret);
	else
		html_printf(out, "result: failed, %s (%lld)", errno_name(w->ret, "error"), (long long)w->ret);
}

static void tick(const struct geo *g, int row, const struct m_write *w)
{
	bool ev = is_evidence(g->pg, w->rec_id);

	fprintf(g->out, "<rect class=\"tick%s\" x=\"%.1f\" y=\"%d\" width=\"2\" height=\"%d\" fill=\"%s\" "
		"data-record=\"%llu\"><title>", ev ? " evidence" : "", x_of(g, w->ts_ns) - 1, lane_y(g, row) +
		(ev ? 0 : 2), ev ? TICK_H + 2 : TICK_H - 1, w->ret < 0 ? SVG_HIGH : ev ? "#000" : "#555",
		(unsigned long long)w->rec_id);
	write_title(g->out, w);
	fprintf(g->out, "</title></rect>\n");
}

/* Height of an "other writes" bar: the count's bit length, so a thousand
 * still stands out from one and a million does not leave the row. */
static int other_height(int count)
{
	int h = 1;

	while (count && h < 14)
		count >>= 1, h++;
	return h;
}

static void bin_mark(const struct geo *g, int row, int bin, int count, bool other)
{
	uint64_t span = g->p->t1 - g->p->t0;
	uint64_t a = g->p->t0 + span * bin * BIN_PX / PLOT_W, b = g->p->t0 + span * (bin + 1) * BIN_PX / PLOT_W;
	int h = other ? other_height(count) : TICK_H;
	int y = other ? g->y_other + OTHER_H - 2 - h : lane_y(g, row) + 1;
	char ta[32], tb[32];

	wall(a, ta, sizeof(ta));
	wall(b, tb, sizeof(tb));
	fprintf(g->out, "<rect class=\"%s\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\">"
		"<title>%d %ssysfs writes, %s – %s%s</title></rect>\n", other ? "other" : "tick agg",
		PLOT_X + bin * BIN_PX, y, BIN_PX, h, other ? "#8a8a8a" : "#555", count,
		other ? "other " : "", ta, tb, other ? "" : " (a stop panel below shows each)");
}

/* Writes naming a shown lane become ticks, bunched past TICK_MAX a bin;
 * the rest (not about these devices) only count, in the last row. */
static void writes(const struct geo *g)
{
	const struct model *m = &g->pg->r->m;
	int nb = PLOT_W / BIN_PX, rows = g->p->n_lanes + 1;
	int *cnt = calloc((size_t)nb * rows, sizeof(*cnt));
	int rowof[SVG_LANES_MAX];

	if (!cnt)
		return;
	for (int l = 0; l < SVG_LANES_MAX; l++)
		rowof[l] = l < g->pg->n_lanes ? lane_row(g, l) : -1;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < m->n_writes; i++) {
			const struct m_write *w = &m->writes[i];
			int l = g->pg->write_lane[i], row = l < 0 ? -1 : rowof[l];
			int bin, *c;

			if (!in_window(g, w->ts_ns) || (l >= 0 && row < 0))
				continue;
			bin = (int)((x_of(g, w->ts_ns) - PLOT_X) / BIN_PX);
			bin = bin >= nb ? nb - 1 : bin;
			c = &cnt[(size_t)(row < 0 ? g->p->n_lanes : row) * nb + bin];
			if (!pass)
				(*c)++;
			else if (row >= 0 && *c <= TICK_MAX)
				tick(g, row, w);
		}
	}
	for (int r = 0; r < rows; r++)
		for (int b = 0; b < nb; b++) {
			int c = cnt[(size_t)r * nb + b];

			if (r == g->p->n_lanes ? c > 0 : c > TICK_MAX)
				bin_mark(g, r, b, c, r == g->p->n_lanes);
		}
	free(cnt);
}

/* The returns, and in a stop panel where the stop sequence settled. */
static void returns(const struct geo *g)
{
	const struct report *r = g->pg->r;
	char when[32], who[400];

	for (size_t i = 0; i < r->c.n; i++) {
		const struct custody *c = &r->c.v[i];
		int row = lane_of_bdf(g, c->bdf), y;
		double x;

		if (row < 0 || !c->ret || !in_window(g, c->ret->ts_ns) || (g->p->vm && c->vm != g->p->vm))
			continue;
		x = x_of(g, c->ret->ts_ns);
		y = lane_y(g, row) + TICK_H + 2;
		wall(c->ret->ts_ns, when, sizeof(when));
		actor_line(&r->m, c->ret, who, sizeof(who));
		fprintf(g->out, "<g class=\"return\"><title>");
		html_printf(g->out, "%s %s returned to %s after VM %s stopped, %s (%s)%s", when, c->bdf,
			    c->ret->driver, c->vm->id, who, returner_kind_name(c->ret_kind),
			    c->late ? ", after the stop sequence" : "");
		fprintf(g->out, "</title><rect x=\"%.1f\" y=\"%d\" width=\"3\" height=\"%d\" fill=\"%s\"/>",
			x - 1, y - 3, BAR_H + 6, SVG_RETURN);
		if (g->p->vm)
			fprintf(g->out, "<text x=\"%.1f\" y=\"%d\" class=\"inv\">return</text>", x + 4, y + 13);
		fprintf(g->out, "</g>\n");
	}
}

static uint64_t stop_settle(const struct report *r, const struct m_vm *vm)
{
	uint64_t s = 0;

	for (size_t i = 0; i < r->c.n; i++)
		if (r->c.v[i].vm == vm && r->c.v[i].stop_ns && r->c.v[i].settle_ns > s)
			s = r->c.v[i].settle_ns;
	return s;
}

static void stop_sequence(const struct geo *g)
{
	uint64_t settle;
	double x0, x1;

	if (!g->p->vm || !g->p->vm->stop_ns)
		return;
	settle = stop_settle(g->pg->r, g->p->vm);
	if (settle <= g->p->vm->stop_ns)
		return;
	x0 = x_of(g, g->p->vm->stop_ns);
	x1 = x_of(g, settle);
	fprintf(g->out, "<rect class=\"stopseq\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#fff3c4\">"
		"<title>the stop sequence: from QEMU's exit until hooks, their children and the daemon are "
		"done and probes settled</title></rect>\n"
		"<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#888\" stroke-dasharray=\"2 3\"/>"
		"<text x=\"%.1f\" y=\"%d\" class=\"tl\">settled</text>\n",
		x0, AXIS_H, x1 - x0, g->y_other - AXIS_H, x1, AXIS_H, x1, g->y_other, x1 + 2, AXIS_H + 10);
}

static void stops(const struct geo *g)
{
	const struct model *m = &g->pg->r->m;
	char when[32];

	for (size_t i = 0; i < m->n_vms; i++) {
		const struct m_vm *vm = &m->vms[i];
		double x;

		if (!vm->stop_ns || vm_row(g, vm->id) < 0 || !in_window(g, vm->stop_ns))
			continue;
		x = x_of(g, vm->stop_ns);
		wall(vm->stop_ns, when, sizeof(when));
		fprintf(g->out, "<g class=\"stop\"><title>");
		html_printf(g->out, "%s VM %s stopped: %s (QEMU pid %u)", when, vm->id,
			    vm->stop_requested ? "stop requested" : "guest-initiated", vm->pid);
		fprintf(g->out, "</title><line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" "
			"stroke-width=\"2\" stroke-dasharray=\"5 3\"/><text x=\"%.1f\" y=\"%d\" class=\"stopl\">stop</text></g>\n",
			x, AXIS_H - 2, x, g->y_other, SVG_STOP, x + 3, AXIS_H + 10);
	}
}

static const char *sev_fill(enum severity s)
{
	return s == SEV_HIGH ? SVG_HIGH : s == SEV_WARN ? SVG_WARN : SVG_INFO;
}

/* Each finding at its time on its device's lane (on the axis when it has
 * no device here), linked to its text below the pictures. */
static void findings(const struct geo *g)
{
	const struct report *r = g->pg->r;

	for (size_t i = 0; i < r->f.n; i++) {
		const struct finding *f = &r->f.v[i];
		int row = f->device[0] ? lane_of_bdf(g, f->device) : -1;
		double x, y;

		if (!f->ts_ns || !in_window(g, f->ts_ns) || (f->device[0] && row < 0))
			continue;
		if (g->p->vm && f->vm[0] && strcmp(f->vm, g->p->vm->id))
			continue;
		x = x_of(g, f->ts_ns);
		y = row < 0 ? AXIS_H - 2 : lane_y(g, row) + TICK_H + 2 + BAR_H / 2.0;
		fprintf(g->out, "<a href=\"#finding-%zu\" class=\"finding %s\" data-finding=\"%zu\"><title>",
			i + 1, severity_name(f->severity), i + 1);
		html_printf(g->out, "%s %s: %s", severity_name(f->severity), f_kind_name(f->kind), f->summary);
		fprintf(g->out, "</title><path d=\"M%.1f %.1fl8 8 -8 8 -8 -8z\" fill=\"%s\" stroke=\"#fff\" "
			"stroke-width=\"1.5\"/></a>\n", x, y - 8, sev_fill(f->severity));
	}
}

static void row_labels(const struct geo *g)
{
	for (int i = 0; i < g->n_vms; i++) {
		fprintf(g->out, "<text x=\"4\" y=\"%d\" class=\"rl\">VM ", g->y_vm + i * VM_H + 12);
		html_printf(g->out, "%.24s", g->vm_ids[i]);
		fprintf(g->out, "</text>\n");
	}
	fprintf(g->out, "<text x=\"4\" y=\"%d\" class=\"rl\">hook runs</text>\n"
		"<text x=\"4\" y=\"%d\" class=\"rl\">other sysfs writes</text>\n",
		g->y_hook + 13, g->y_other + 13);
	for (int i = 0; i < g->p->n_lanes; i++)
		lane_label(g, i, &g->pg->lanes[g->p->lanes[i]]);
}

static void layout(struct geo *g)
{
	const struct report *r = g->pg->r;
	const struct model *m = &r->m;

	for (size_t i = 0; i < m->n_vms && g->n_vms < 8; i++) {
		const struct m_vm *vm = &m->vms[i];

		if (!vm_shown(r, vm) || (g->p->vm && strcmp(vm->id, g->p->vm->id)) ||
		    vm_row(g, vm->id) >= 0)
			continue;
		g->vm_ids[g->n_vms++] = vm->id;
	}
	g->y_vm = AXIS_H;
	g->y_hook = g->y_vm + g->n_vms * VM_H;
	g->y_lanes = g->y_hook + HOOK_H;
	g->y_other = g->y_lanes + g->p->n_lanes * LANE_H;
	g->h = g->y_other + OTHER_H + 2;
}

void svg_panel_render(const struct svg_page *pg, const struct svg_panel *p)
{
	struct geo g = { .pg = pg, .p = p, .out = pg->out };

	layout(&g);
	fprintf(g.out, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"panel\" id=\"panel-%d\" width=\"%d\" "
		"height=\"%d\" viewBox=\"0 0 %d %d\" data-t0=\"%llu\" data-t1=\"%llu\" data-plot-x=\"%d\" "
		"data-plot-w=\"%d\">\n", p->index, SVG_W, g.h, SVG_W, g.h, (unsigned long long)p->t0,
		(unsigned long long)p->t1, PLOT_X, PLOT_W);
	phases(&g);
	stop_sequence(&g);
	axis(&g);
	row_labels(&g);
	vm_runs(&g);
	hooks(&g);
	for (int i = 0; i < p->n_lanes; i++) {
		fprintf(g.out, "<g class=\"lane\" data-bdf=\"");
		html_escape(g.out, pg->lanes[p->lanes[i]].bdf, PCI_BDF_LEN);
		fprintf(g.out, "\" data-y=\"%d\" data-bar-y=\"%d\" data-bar-h=\"%d\">\n", lane_y(&g, i),
			lane_y(&g, i) + TICK_H + 2, BAR_H);
		lane_states(&g, i, pg->lanes[p->lanes[i]].bdf);
		fprintf(g.out, "</g>\n");
	}
	writes(&g);
	returns(&g);
	stops(&g);
	findings(&g);
	fprintf(g.out, "</svg>\n");
}
