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
		"the report can compare them. Returns once every recording has stamped it\n"
		"(at most 2 s each). Recordings take marks from root, or from the group\n"
		"given to 'record --mark-group'. Exits 1 if no recording took the mark.\n"
		"\n"
		"Examples:\n"
		"  gputrace mark baseline-start\n"
		"  gputrace mark problem-start && qm start 111\n");
}

#define MARK_TIMEOUT_MS 2000
#define MARK_RECORDERS_MAX 16

int cmd_mark(int argc, char **argv)
{
	struct control_result res[MARK_RECORDERS_MAX];
	char label[GT_MARK_LABEL_MAX];
	int n, stamped = 0;

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
	if (control_parse_label(argv[1], strlen(argv[1]), label, sizeof(label))) {
		gt_err("a label cannot hold control bytes (newlines, escapes)");
		return EXIT_USAGE;
	}
	n = control_send_mark(label, res, MARK_RECORDERS_MAX, MARK_TIMEOUT_MS);
	if (n < 0) {
		gt_err("cannot look for recordings: %s", strerror(-n));
		return EXIT_ERROR;
	}
	if (n == 0) {
		gt_err("no gputrace recording is running on this host (start one with 'gputrace record')");
		return EXIT_ERROR;
	}
	for (int i = 0; i < n && i < MARK_RECORDERS_MAX; i++) {
		if (!res[i].err)
			stamped++;
		else
			gt_warn("@gputrace/record/%d: %s", (int)res[i].pid, res[i].why);
	}
	if (!stamped) {
		gt_err("the mark reached no recording");
		return EXIT_ERROR;
	}
	printf("marked '%s' in %d recording%s (pid", label, stamped, stamped > 1 ? "s" : "");
	for (int i = 0, k = 0; i < n && i < MARK_RECORDERS_MAX; i++)
		if (!res[i].err)
			printf("%s %d", k++ ? "," : "", (int)res[i].pid);
	printf(")\n");
	return EXIT_OK;
}
