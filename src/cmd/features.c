// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <getopt.h>
#include <stdio.h>

#include "cmd/cmd.h"
#include "record/journal.h"
#include "render/features_render.h"
#include "sys/bpf_features.h"
#include "util.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: gputrace features [-j|--json]\n"
		"\n"
		"Probes what this kernel lets gputrace attach (real loads and attaches of\n"
		"tiny programs, nothing left behind) and says which backend 'record' would\n"
		"use, and why. Needs root for meaningful answers.\n"
		"\n"
		"Examples:\n"
		"  gputrace features\n"
		"  gputrace features --json | jq .backend\n");
}

int cmd_features(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	bool as_json = false, pretty = false;
	struct gt_features f;
	enum gt_backend b;
	char why[512];
	int c;

	while ((c = getopt_long(argc, argv, "jph", opts, NULL)) != -1) {
		switch (c) {
		case 'j': as_json = true; break;
		case 'p': as_json = pretty = true; break;
		case 'h': usage(stdout); return EXIT_OK;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		gt_err("features takes no arguments");
		return EXIT_USAGE;
	}
	features_probe_full(&f);
	journal_probe(&f.journal);
	b = features_choose(&f, GT_BACKEND_AUTO, why, sizeof(why));
	if (as_json)
		features_render_json(stdout, &f, b, why, pretty);
	else
		features_render_text(stdout, &f, b, why);
	return b == GT_BACKEND_AUTO ? EXIT_ERROR : EXIT_OK;
}
