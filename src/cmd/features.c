// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <getopt.h>
#include <stdio.h>

#include "cmd/cmd.h"
#include "cmd/cmd_opts.h"
#include "record/journal.h"
#include "render/features_render.h"
#include "sys/bpf_features.h"
#include "util.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: gputrace features [-j|-p]\n"
		"\n"
		"Probes what this kernel lets gputrace attach (real loads and attaches of\n"
		"tiny programs, nothing left behind) and says which backend 'record' would\n"
		"use, and why. Needs root for meaningful answers.\n"
		"\n"
		"Options:\n"
		"  -j, --json          JSON, on one line\n"
		"  -p, --pretty        JSON, indented\n"
		"  -h, --help          this help\n"
		"\n"
		"Exit status: 0 a backend can run, 1 none can (the output says why), 2 usage.\n"
		"\n"
		"Examples:\n"
		"  gputrace features\n"
		"  gputrace features --json | jq .backend\n");
}

int cmd_features(int argc, char **argv)
{
	struct gt_features f;
	struct cmd_opts cx;
	enum gt_backend b;
	char why[512];

	cmd_opts_init(&cx, "features", usage, CMD_JSON, "", NULL);
	if (cmd_opts_next(&cx, argc, argv) != -1)
		return cx.exit;	/* --help, or a bad option (said) */
	if (optind != argc)
		return cmd_usage_err("takes no arguments ('%s')", argv[optind]);
	features_probe_full(&f);
	journal_probe(&f.journal);
	b = features_choose(&f, GT_BACKEND_AUTO, why, sizeof(why));
	if (cx.json)
		features_render_json(stdout, &f, b, why, cx.pretty);
	else
		features_render_text(stdout, &f, b, why);
	return b == GT_BACKEND_AUTO ? EXIT_ERROR : EXIT_OK;
}
