// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "analysis/report.h"
#include "cmd/cmd.h"
#include "util.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: gputrace report [--vm ID|NAME] [--device BDF] [--hook PATTERN]\n"
		"                       [--phase LABEL] [--format text|md|json] [-j] TRACE...\n"
		"\n"
		"Explains one or more traces: the VMs (Proxmox -id, libvirt -name guest=, any\n"
		"QEMU with vfio-pci devices), their hook runs (Proxmox hookscripts, libvirt\n"
		"hooks, systemd units named after the VM, --hook PATTERN), a timeline of\n"
		"their devices, and findings, most important first: a device rebound after\n"
		"the hook returned it (who, how, how long after), a hook that left a function\n"
		"on vfio-pci, a VM stop with no hook, a failed hook or probe, and what the\n"
		"trace cannot prove. With phases (marks, or one trace per phase such as\n"
		"baseline.gtrace problem.gtrace recovery.gtrace), the device transitions\n"
		"that differ between phases are listed side by side.\n"
		"\n"
		"Options:\n"
		"      --vm ID|NAME     only this VM (an unknown one lists the known VMs)\n"
		"      --device BDF     only this PCI function\n"
		"      --hook PATTERN   also count processes matching PATTERN (glob on comm,\n"
		"                       exe or command line) as hook runs\n"
		"      --phase LABEL    only the phase LABEL (from 'gputrace mark LABEL' or\n"
		"                       LABEL-start/LABEL-end, or a trace file's name)\n"
		"  -f, --format FMT     text (default; colour on a terminal), md or json\n"
		"  -j, --json           same as --format json\n"
		"  -h, --help           this help\n"
		"\n"
		"Exit status: 0 no findings, 3 findings (HIGH or WARN), 1 error, 2 usage.\n"
		"\n"
		"Examples:\n"
		"  gputrace report --vm 111 problem.gtrace\n"
		"  gputrace report --format md --vm win10 *.gtrace > report.md\n"
		"  gputrace report --vm 111 baseline.gtrace problem.gtrace recovery.gtrace\n"
		"  gputrace report -j problem.gtrace | jq '.findings[] | select(.severity==\"HIGH\")'\n");
}

int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "vm", required_argument, NULL, 'V' },
		{ "device", required_argument, NULL, 'D' },
		{ "hook", required_argument, NULL, 'H' },
		{ "phase", required_argument, NULL, 'P' },
		{ "format", required_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *vm = NULL, *device = NULL, *hook = NULL, *phase = NULL, *format = "text";
	struct report r;
	char err[1024];
	int c, ret;

	while ((c = getopt_long(argc, argv, "f:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'V': vm = optarg; break;
		case 'D': device = optarg; break;
		case 'H': hook = optarg; break;
		case 'P': phase = optarg; break;
		case 'f': format = optarg; break;
		case 'j': format = "json"; break;
		case 'h': usage(stdout); return EXIT_OK;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (strcmp(format, "text") && strcmp(format, "md") && strcmp(format, "json")) {
		gt_err("unknown format '%s': use text, md or json", format);
		return EXIT_USAGE;
	}
	if (optind >= argc) {
		gt_err("report needs at least one trace file (see 'gputrace report --help')");
		return EXIT_USAGE;
	}
	ret = report_build(&r, (const char *const *)argv + optind, argc - optind, vm, device, hook,
			   phase, err, sizeof(err));
	if (ret) {
		gt_err("%s", err);
		report_free(&r);
		return ret;
	}
	if (!strcmp(format, "json"))
		report_render_json(stdout, &r, true);
	else
		report_render_text(stdout, &r, !strcmp(format, "md"), isatty(STDOUT_FILENO));
	ret = report_exit_code(&r);
	report_free(&r);
	return ret;
}
