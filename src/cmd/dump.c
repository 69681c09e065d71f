// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <getopt.h>
#include <stdio.h>

#include "cmd/cmd.h"
#include "render/record.h"
#include "trace/trace.h"
#include "util.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: gputrace dump [-j|--json] [-p|--pretty] FILE\n"
		"\n"
		"Prints every record of a trace: header, snapshots, events, marks and\n"
		"counters, in file order. --json prints JSON Lines, one object per record\n"
		"(fields in docs/trace-format.md). A trace cut short by a crash or a full\n"
		"disk is printed up to where it ends, with a warning; corrupt data is an\n"
		"error (exit 1) after the records before it.\n"
		"\n"
		"Examples:\n"
		"  gputrace dump problem.gtrace\n"
		"  gputrace dump --json problem.gtrace | jq 'select(.kind==\"bind\")'\n");
}

int cmd_dump(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct render_clock clock = { 0 };
	struct json_writer *jw = NULL;
	struct trace_reader *r;
	struct trace_record rec;
	bool json = false, pretty = false;
	char err[512];
	int c, ret;

	while ((c = getopt_long(argc, argv, "jph", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'p': json = pretty = true; break;
		case 'h': usage(stdout); return EXIT_OK;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		gt_err("dump takes one trace file (see 'gputrace dump --help')");
		return EXIT_USAGE;
	}
	r = trace_reader_open(argv[optind], err, sizeof(err));
	if (!r) {
		gt_err("%s", err);
		return EXIT_ERROR;
	}
	if (json)
		jw = json_new(stdout, pretty);
	else
		render_text_heading(stdout);
	while ((ret = trace_reader_next(r, &rec)) == 1) {
		render_clock_update(&clock, &rec);
		if (json)
			render_record_json(jw, &rec, &clock);
		else
			render_record_text(stdout, &rec, &clock);
	}
	json_free(jw);
	fflush(stdout);
	if (ret < 0)
		gt_err("%s: %s", argv[optind], trace_reader_error(r));
	else if (trace_reader_truncated(r))
		gt_warn("%s: truncated (the recorder did not finish writing it); shown up to the cut",
			argv[optind]);
	else if (!trace_reader_end_seen(r))
		gt_warn("%s: no END record: the recorder was killed (or is still running); "
			"shown up to its last chunk", argv[optind]);
	trace_reader_close(r);
	return ret < 0 ? EXIT_ERROR : EXIT_OK;
}
