// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd/cmd.h"
#include "cmd/cmd_opts.h"
#include "render/record_render.h"
#include "sys/pci.h"
#include "trace/event_decode.h"
#include "trace/trace.h"
#include "util.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: gputrace dump [-j|-p] [--device BDF] [--kind KIND] [--since T] [--until T]\n"
		"                     TRACE...|DIR ('-': standard input)\n"
		"\n"
		"Prints every record of a trace: header, snapshots, events, marks and\n"
		"counters, in file order. The files of a recording that went on in\n"
		"several (record --max-size, SIGHUP), or a directory of them, are shown\n"
		"one after the other in their order, as one recording. --json prints JSON Lines, one object per record\n"
		"(fields in docs/trace-format.md). A trace cut short by a crash or a full\n"
		"disk is printed up to where it ends, with a warning; corrupt data is an\n"
		"error (exit 1) after the records before it.\n"
		"\n"
		"Options:\n"
		"      --device BDF    only records naming this PCI function\n"
		"      --kind KIND     only this event kind (sysfs_write, bind, unbind,\n"
		"                      probe_fail, dynid, exec, exit) or record type\n"
		"                      (uevent, mark, pci, pci_state, kmsg, journal, ...)\n"
		"      --since T       only records from T on: seconds from the trace's\n"
		"                      start (12.5) or a time of day (22:51:24[.384])\n"
		"      --until T       only records before T (the same forms)\n"
		"  -j, --json          JSON Lines, one object per record\n"
		"  -p, --pretty        JSON, each record indented\n"
		"  -h, --help          this help\n"
		"\n"
		"Exit status: 0, 1 error (unreadable or corrupt trace), 2 usage. Under -j/-p\n"
		"an error is {\"error\": \"...\"} on stdout, after the records before it.\n"
		"\n"
		"Examples:\n"
		"  gputrace dump problem.gtrace\n"
		"  gputrace dump --device 0a:00.0 --since 22:51:20 problem.gtrace\n"
		"  gputrace dump --json problem.gtrace | jq 'select(.kind==\"bind\")'\n");
}

struct dump_filter {
	char bdf[PCI_BDF_LEN];	/* "" any */
	const char *kind;	/* NULL any */
	bool since_tod, until_tod;	/* a time of day, else seconds from the start */
	double since, until;	/* seconds; until < 0: none */
	uint64_t first_wall;
};

static uint64_t record_ts(const struct trace_record *rec)
{
	struct gt_event_header h;

	if (rec->type == GT_REC_EVENT && rec->len >= sizeof(h)) {
		memcpy(&h, rec->data, sizeof(h));
		return h.ts_ns;
	}
	return kv_ts(rec);
}

static bool known_kind(const char *k)
{
	for (int i = 1; i < GT_EV_KIND_MAX + 4; i++)
		if (!strcmp(k, event_kind_name(i)) || !strcmp(k, render_record_type_name(i)))
			return strcmp(k, "unknown") != 0;
	return false;
}

/* "12.5" (seconds from the start) or "22:51:24[.384]" (time of day). */
static bool parse_when(const char *s, double *out, bool *tod)
{
	const char *c1 = strchr(s, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	unsigned long long h, m;
	char hs[8], ms[8];
	double sec;

	*tod = c1 != NULL;
	if (!c1)	/* seconds from the start: any trace is shorter than 1e10 s */
		return cmd_parse_number(s, 0, 1e10, out);
	if (!c2 || c1 - s >= (long)sizeof(hs) || c2 - c1 - 1 >= (long)sizeof(ms))
		return false;
	snprintf(hs, sizeof(hs), "%.*s", (int)(c1 - s), s);
	snprintf(ms, sizeof(ms), "%.*s", (int)(c2 - c1 - 1), c1 + 1);
	if (!cmd_parse_uint(hs, 0, 23, &h) || !cmd_parse_uint(ms, 0, 59, &m) ||
	    !cmd_parse_number(c2 + 1, 0, 61, &sec) || sec >= 61)	/* 60.x: a leap second */
		return false;
	*out = h * 3600.0 + m * 60.0 + sec;
	return true;
}

/* Seconds since local midnight of wall clock NS (as the text output shows). */
static double time_of_day(uint64_t ns)
{
	time_t sec = ns / 1000000000ull;
	struct tm tm;

	localtime_r(&sec, &tm);
	return tm.tm_hour * 3600.0 + tm.tm_min * 60.0 + tm.tm_sec + (ns % 1000000000ull) / 1e9;
}

static bool keep(struct dump_filter *f, const struct trace_record *rec, const struct trace_clock *c)
{
	uint64_t ts = record_ts(rec), wall;

	if (rec->type == GT_REC_HEADER)
		return true;	/* the clock and the host: always */
	/* --since/--until count from the trace's start, not from the first
	 * record the other filters keep */
	if (ts && !f->first_wall)
		f->first_wall = trace_clock_wall_ns(c, ts);
	if (f->bdf[0] && !memmem(rec->data, rec->len, f->bdf, strlen(f->bdf)))
		return false;
	if (f->kind) {
		union gt_event_any ev;
		const char *name = rec->type == GT_REC_EVENT && event_decode(rec->data, rec->len, &ev) > 0 ?
				   event_kind_name(ev.hdr.kind) : render_record_type_name(rec->type);

		if (strcmp(name, f->kind))
			return false;
	}
	if (!ts || (f->since <= 0 && f->until < 0))
		return true;
	wall = trace_clock_wall_ns(c, ts);
	double at = f->since_tod ? time_of_day(wall) : (wall - f->first_wall) / 1e9;
	double to = f->until_tod ? time_of_day(wall) : (wall - f->first_wall) / 1e9;

	return at >= f->since && (f->until < 0 || to < f->until);
}

/* One file of the recording, its records in file order. Returns 0, or -1
 * when it could not be read to its end (said on stderr). */
static int dump_one(const char *path, struct dump_filter *f, struct json_writer *jw, bool *headed)
{
	struct trace_clock clock = { 0 };
	struct trace_record rec;
	struct trace_reader *r;
	char err[512];
	int ret;

	if (!(r = trace_reader_open(path, err, sizeof(err)))) {
		cmd_err("%s", err);
		return -1;
	}
	if (!jw && !*headed) {	/* once a file opens: no column names above an error */
		render_text_heading(stdout);
		*headed = true;
	}
	while ((ret = trace_reader_next(r, &rec)) == 1) {
		trace_clock_update(&clock, &rec);
		if (!keep(f, &rec, &clock))
			continue;
		if (jw)
			render_record_json(jw, &rec, &clock);
		else
			render_record_text(stdout, &rec, &clock);
	}
	if (ret < 0)
		cmd_err("%s", trace_reader_error(r));	/* it names the file */
	else if (trace_reader_truncated(r))
		gt_warn("%s: truncated (the recorder did not finish writing it); shown up to the cut",
			path);
	else if (!trace_reader_end_seen(r))
		gt_warn("%s: no END record: the recorder was killed (or is still running); "
			"shown up to its last chunk", path);
	trace_reader_close(r);
	return ret < 0 ? -1 : 0;
}

int cmd_dump(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'D' },
		{ "kind", required_argument, NULL, 'K' },
		{ "since", required_argument, NULL, 'S' },
		{ "until", required_argument, NULL, 'U' },
		{ 0 }
	};
	struct json_writer *jw = NULL;
	struct dump_filter f = { .until = -1 };
	struct cmd_opts cx;
	bool failed = false, headed = false;
	char **files;
	int c, ret, nfiles;

	cmd_opts_init(&cx, "dump", usage, CMD_JSON, "", opts);
	while ((c = cmd_opts_next(&cx, argc, argv)) != -1) {
		switch (c) {
		case 'D':
			if (pci_bdf_normalize(optarg, f.bdf, sizeof(f.bdf), 0))
				return cmd_usage_err("'%s' is not a PCI address (like 0000:0a:00.0)", optarg);
			break;
		case 'K':
			f.kind = optarg;
			if (!known_kind(optarg))
				return cmd_usage_err("no kind '%s': sysfs_write, bind, unbind, probe_fail, dynid, "
						     "exec, exit, or a record type (uevent, mark, pci, pci_state, "
						     "kmsg, journal, file, process, counters, end)", optarg);
			break;
		case 'S':
		case 'U':
			if (!parse_when(optarg, c == 'S' ? &f.since : &f.until, c == 'S' ? &f.since_tod : &f.until_tod))
				return cmd_usage_err("'%s' is no time: seconds from the start (12.5) or HH:MM:SS",
						     optarg);
			break;
		default: return cx.exit;	/* --help, or a bad option (said) */
		}
	}
	/* an empty window is a typo, not a question (a window across midnight
	 * is two dumps) */
	if (f.until >= 0 && f.since_tod == f.until_tod && f.until <= f.since)
		return cmd_usage_err("--until must come after --since: nothing lies between them");
	if (optind == argc)
		return cmd_usage_err("needs a trace file, a directory of them, or the files of one recording");
	if ((ret = cmd_trace_args(argv + optind, argc - optind)) ||
	    (ret = cmd_trace_files(argv + optind, argc - optind, &files, &nfiles)))
		return ret;
	if (cx.json)
		jw = json_new(stdout, cx.pretty);
	for (int i = 0; i < nfiles && !failed; i++)
		failed = dump_one(files[i], &f, jw, &headed) < 0;
	json_free(jw);
	fflush(stdout);
	for (int i = 0; i < nfiles; i++)
		free(files[i]);
	free(files);
	return failed ? EXIT_ERROR : EXIT_OK;
}
