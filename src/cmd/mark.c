// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/cmd_opts.h"
#include "record/control.h"
#include "render/json_writer.h"
#include "util.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: gputrace mark [-j|-p] [--] LABEL\n"
		"\n"
		"Adds a phase marker to every gputrace recording running on this host, so\n"
		"the phases of a test (baseline, problem, recovery) show in the trace and\n"
		"the report can compare them. Returns once every recording has stamped it\n"
		"(at most 2 s each). Recordings take marks from root, or from the group\n"
		"given to 'record --mark-group'. A LABEL that starts with '-' comes after\n"
		"'--'.\n"
		"\n"
		"Options:\n"
		"  -j, --json          the answer as JSON, on one line: the label, the pids of\n"
		"                      the recordings that stamped it, those that refused it\n"
		"  -p, --pretty        the same, indented\n"
		"  -h, --help          this help\n"
		"\n"
		"Exit status: 0 stamped, 1 no recording took the mark, 2 usage (a bad label).\n"
		"Under -j/-p an error is {\"error\": \"...\"} on stdout.\n"
		"\n"
		"Examples:\n"
		"  gputrace mark baseline-start\n"
		"  gputrace mark problem-start && qm start 111\n");
}

#define MARK_TIMEOUT_MS 2000
#define MARK_RECORDERS_MAX 16

/* The acknowledgement: which recordings stamped LABEL, which refused. */
static void ack_json(const char *label, const struct control_result *res, int n, bool pretty)
{
	struct json_writer *w = json_new(stdout, pretty);

	json_object_start(w);
	json_kv_str(w, "label", label);
	json_key(w, "recordings");
	json_array_start(w);
	for (int i = 0; i < n; i++)
		if (!res[i].err)
			json_u64(w, res[i].pid);
	json_array_end(w);
	json_key(w, "refused");
	json_array_start(w);
	for (int i = 0; i < n; i++) {
		if (!res[i].err)
			continue;
		json_object_start(w);
		json_kv_u64(w, "pid", res[i].pid);
		json_kv_str(w, "why", res[i].why);
		json_object_end(w);
	}
	json_array_end(w);
	json_object_end(w);
	json_free(w);
}

static void ack_text(const char *label, const struct control_result *res, int n, int stamped)
{
	printf("marked '%s' in %d recording%s (pid", label, stamped, stamped > 1 ? "s" : "");
	for (int i = 0, k = 0; i < n; i++)
		if (!res[i].err)
			printf("%s %d", k++ ? "," : "", (int)res[i].pid);
	printf(")\n");
}

int cmd_mark(int argc, char **argv)
{
	struct control_result res[MARK_RECORDERS_MAX];
	char label[GT_MARK_LABEL_MAX];
	struct cmd_opts cx;
	int n, stamped = 0;
	const char *arg;

	/* a label that starts with '-' comes after "--" */
	cmd_opts_init(&cx, "mark", usage, CMD_JSON, "", NULL);
	if (cmd_opts_next(&cx, argc, argv) != -1)
		return cx.exit;	/* --help, or a bad option (said) */
	if (argc - optind != 1 || !argv[optind][0])
		return cmd_usage_err("takes one label (like problem-start)");
	arg = argv[optind];
	if (strlen(arg) >= GT_MARK_LABEL_MAX)
		return cmd_usage_err("label too long (%zu bytes, at most %d)", strlen(arg), GT_MARK_LABEL_MAX - 1);
	if (control_parse_label(arg, strlen(arg), label, sizeof(label)))
		return cmd_usage_err("a label cannot hold control bytes (newlines, escapes)");
	n = control_send_mark(label, res, MARK_RECORDERS_MAX, MARK_TIMEOUT_MS);
	if (n < 0) {
		cmd_err("cannot look for recordings: %s", strerror(-n));
		return EXIT_ERROR;
	}
	if (n == 0) {
		cmd_err("no gputrace recording is running on this host (start one with 'gputrace record')");
		return EXIT_ERROR;
	}
	if (n > MARK_RECORDERS_MAX)
		n = MARK_RECORDERS_MAX;
	for (int i = 0; i < n; i++) {
		if (!res[i].err)
			stamped++;
		else if (!cx.json)
			gt_warn("@gputrace/record/%d: %s", (int)res[i].pid, res[i].why);
	}
	if (!stamped) {
		char why[512] = "";

		/* text: each refusal was a warning above; JSON: one object */
		for (int i = 0, off = 0; cx.json && i < n && off < (int)sizeof(why); i++)
			off += snprintf(why + off, sizeof(why) - off, "; pid %d: %s", (int)res[i].pid, res[i].why);
		cmd_err("the mark reached no recording%s", why);
		return EXIT_ERROR;
	}
	if (cx.json)
		ack_json(label, res, n, cx.pretty);
	else
		ack_text(label, res, n, stamped);
	return EXIT_OK;
}
