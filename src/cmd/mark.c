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

/* The acknowledgement: which recordings stamped LABEL, which refused. */
static void ack_json(const char *label, const struct control_marks *m, bool pretty)
{
	struct json_writer *w = json_new(stdout, pretty);

	json_object_start(w);
	json_kv_str(w, "label", label);
	json_key(w, "recordings");
	json_array_start(w);
	for (size_t i = 0; i < m->n; i++)
		if (!m->res[i].err)
			json_u64(w, m->res[i].pid);
	json_array_end(w);
	json_key(w, "refused");
	json_array_start(w);
	for (size_t i = 0; i < m->n; i++) {
		if (!m->res[i].err)
			continue;
		json_object_start(w);
		json_kv_u64(w, "pid", m->res[i].pid);
		json_kv_str(w, "why", m->res[i].why);
		json_object_end(w);
	}
	json_array_end(w);
	json_object_end(w);
	json_free(w);
}

static void ack_text(const char *label, const struct control_marks *m, int stamped)
{
	printf("marked '%s' in %d recording%s (pid", label, stamped, stamped > 1 ? "s" : "");
	for (size_t i = 0, k = 0; i < m->n; i++)
		if (!m->res[i].err)
			printf("%s %d", k++ ? "," : "", (int)m->res[i].pid);
	printf(")\n");
}

/* No recording took the mark: one line. Listeners that are no recorder
 * of root's are said here only, where they may be why. */
static int no_mark(const struct control_marks *m, bool json)
{
	char why[512] = "", skipped[300] = "";
	int off = 0;

	if (m->skipped)
		snprintf(skipped, sizeof(skipped), "%s%d listener%s skipped, not a recorder of root's (%s%s)",
			 m->n ? "; " : ": ", m->skipped, m->skipped > 1 ? "s" : "",
			 m->skipped > 1 ? "the first: " : "", m->skipped_why);
	if (!m->n) {
		cmd_err("no gputrace recording is running on this host%s", skipped);
		return EXIT_ERROR;
	}
	/* text: each refusal was a warning before; JSON: one object */
	for (size_t i = 0; json && i < m->n && off < (int)sizeof(why); i++)
		off += snprintf(why + off, sizeof(why) - off, "; pid %d: %s",
				(int)m->res[i].pid, m->res[i].why);
	cmd_err("the mark reached no recording%s%s", why, skipped);
	return EXIT_ERROR;
}

int cmd_mark(int argc, char **argv)
{
	char label[GT_MARK_LABEL_MAX];
	struct control_marks m;
	struct cmd_opts cx;
	int err, ret, stamped = 0;
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
	if ((err = control_send_mark(label, &m, MARK_TIMEOUT_MS))) {
		control_marks_free(&m);
		cmd_err("cannot look for recordings: %s", strerror(-err));
		return EXIT_ERROR;
	}
	for (size_t i = 0; i < m.n; i++) {
		if (!m.res[i].err)
			stamped++;
		else if (!cx.json)
			gt_warn("@gputrace/record/%d: %s", (int)m.res[i].pid, m.res[i].why);
	}
	ret = stamped ? EXIT_OK : no_mark(&m, cx.json);
	if (stamped && cx.json)
		ack_json(label, &m, cx.pretty);
	else if (stamped)
		ack_text(label, &m, stamped);
	control_marks_free(&m);
	return ret;
}
