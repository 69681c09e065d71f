// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* gputrace: which process rebinds the GPU, how, and when. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "gputrace/trace_format.h"
#include "util.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "record",   cmd_record,   "record driver binds, sysfs writes and processes into a trace file" },
	{ "dump",     cmd_dump,     "print every record of a trace (text or JSON Lines)" },
	{ "report",   cmd_report,   "explain traces: each device's custody through VM runs, who rebound it, how" },
	{ "mark",     cmd_mark,     "add a phase marker (baseline, problem, ...) to running recordings" },
	{ "features", cmd_features, "show which kernel hooks work here and which backend record would use" },
	{ "status",   cmd_status,   "show each GPU function: driver, override, IOMMU group, power, holding VM" },
	{ "check",    cmd_check,    "audit configuration that will rebind a GPU later (modprobe.d, udev, hooks)" },
	{ "guard",    cmd_guard,    "deny rebinding writes while a VM's GPU is on its host driver, name who tried" },
	{ "bundle",   cmd_bundle,   "one archive for a bug report: traces, report, status, check, kernel" },
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: gputrace COMMAND [OPTIONS]\n"
		"\n"
		"Finds which process rebinds a GPU between drivers, how, and when,\n"
		"relative to VM stops and hook scripts.\n"
		"\n"
		"Commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out,
		"\n"
		"Run 'gputrace help COMMAND' (or COMMAND --help) for its options and examples.\n"
		"Every command but record prints JSON with -j (one line) or -p (indented),\n"
		"errors then included ({\"error\": ...} on stdout). Exit status: 0 success,\n"
		"1 error, 2 usage, 3 report/check findings (HIGH or WARN).\n"
		"\n"
		"Example:\n"
		"  gputrace record -o problem.gtrace &     # as root\n"
		"  gputrace mark problem-start\n"
		"  qm start 111 ... guest shuts down ...\n"
		"  kill -INT %%1\n"
		"  gputrace report --vm 111 problem.gtrace\n");
}

/* What a command printed must have reached its reader: a report cut
 * short by a full disk (report -j > r.json) is no success. The live
 * commands (record, guard) write their trace elsewhere and go on. */
static int output_checked(const char *name, int ret)
{
	if (!strcmp(name, "record") || !strcmp(name, "guard"))
		return ret;
	if (fflush(stdout) == EOF || ferror(stdout)) {
		/* errno is the failed write's: nothing that sets it runs after
		 * a command's output (a JSON writer flushes as it closes) */
		gt_err("%s: writing the output: %s", name, strerror(errno ? errno : EIO));
		return EXIT_ERROR;
	}
	return ret;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "help") && argc > 2 && strcmp(argv[2], "help") &&
	    strcmp(argv[2], "--help") && strcmp(argv[2], "-h")) {
		/* "gputrace help report" is "gputrace report --help" */
		for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
			if (!strcmp(argv[2], commands[i].name))
				return commands[i].run(2, (char *[]){ argv[2], "--help", NULL });
		gt_err("unknown command '%s'; run 'gputrace help'", argv[2]);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("gputrace %s (trace format %d.%d)\n", GPUTRACE_VERSION, GT_FORMAT_MAJOR, GT_FORMAT_MINOR);
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return output_checked(argv[1], commands[i].run(argc - 1, argv + 1));
	gt_err("unknown command '%s'; run 'gputrace --help'", argv[1]);
	return EXIT_USAGE;
}
