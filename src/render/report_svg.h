/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The pictures of the HTML report: one SVG panel per time window (the
 * whole trace, then each VM stop zoomed), a lane per device function. */
#ifndef GPUTRACE_REPORT_SVG_H
#define GPUTRACE_REPORT_SVG_H

#include <stdbool.h>
#include <stdio.h>

#include "findings/report.h"

#define SVG_LANES_MAX	32

struct svg_lane {
	char bdf[PCI_BDF_LEN];
	const struct m_pci *pci;	/* start snapshot, NULL if none */
};

/* What every panel of a page shares. */
struct svg_page {
	FILE *out;
	const struct report *r;
	struct svg_lane lanes[SVG_LANES_MAX];
	int n_lanes;
	bool lanes_cut;			/* more devices than lanes: the rest not drawn */
	int *write_lane;		/* per model write: its lane, -1 none */
	uint64_t *evidence;		/* record ids findings rest on, sorted */
	size_t n_evidence;
};

/* One time window. A stop panel (VM set) shows that run's devices and
 * shades its stop sequence; the overview shows every lane. */
struct svg_panel {
	int index;
	uint64_t t0, t1;
	const struct m_vm *vm;
	int lanes[SVG_LANES_MAX];	/* indices into the page's lanes */
	int n_lanes;
};

void svg_panel_render(const struct svg_page *pg, const struct svg_panel *p);

/* Colours shared with the legend (and asserted by tests/html). */
#define SVG_HOST	"#2ca02c"
#define SVG_STUB	"#ff7f0e"
#define SVG_NONE	"#c7c7c7"
#define SVG_REMOVED	"#3b3b3b"
#define SVG_UNKNOWN	"#f2f2f2"
#define SVG_VM		"#1f77b4"
#define SVG_HOOK	"#9467bd"
#define SVG_STOP	"#7f1d1d"
#define SVG_RETURN	"#0b5d1e"
#define SVG_HIGH	"#e31a1c"
#define SVG_WARN	"#e6a700"
#define SVG_INFO	"#17becf"

#endif
