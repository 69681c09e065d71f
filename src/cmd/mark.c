// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "record/control.h"
#include "util.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: gputrace mark LABEL\n"
		"\n"
		"Adds a phase marker to every gputrace recording running on this host, so\n"
		"the phases of a test (baseline, problem, recovery) show in the trace and\n"
		"the report can compare them. Exits 1 if no recording is running.\n"
		"\n"
		"Examples:\n"
		"  gputrace mark baseline-start\n"
		"  gputrace mark problem-start && qm start 111\n");
}

int cmd_mark(int argc, char **argv)
{
	pid_t pids[16];
	int n;

	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage(stdout);
		return EXIT_OK;
	}
	if (argc != 2 || !argv[1][0]) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strlen(argv[1]) >= GT_MARK_LABEL_MAX) {
		gt_err("label too long (%zu bytes, at most %d)", strlen(argv[1]), GT_MARK_LABEL_MAX - 1);
		return EXIT_USAGE;
	}
	n = control_send_mark(argv[1], pids, 16);
	if (n < 0) {
		gt_err("cannot reach recordings: %s", strerror(-n));
		return EXIT_ERROR;
	}
	if (n == 0) {
		gt_err("no gputrace recording is running on this host (start one with 'gputrace record')");
		return EXIT_ERROR;
	}
	printf("marked '%s' in %d recording%s (pid", argv[1], n, n > 1 ? "s" : "");
	for (int i = 0; i < n && i < 16; i++)
		printf("%s %d", i ? "," : "", (int)pids[i]);
	printf(")\n");
	return EXIT_OK;
}
