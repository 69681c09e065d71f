// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "analysis/report.h"
#include "cmd/cmd.h"
#include "cmd/cmd_opts.h"
#include "util.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: gputrace report [--vm ID|NAME] [--device BDF] [--hook PATTERN]\n"
		"                       [--phase LABEL] [--explain BDF] [--all-users] [--no-kmsg]\n"
		"                       [-f text|md|json|html] [-j|-p] [--color WHEN] [--utc]\n"
		"                       TRACE... ('-': standard input)\n"
		"\n"
		"Explains one or more traces: the VMs (Proxmox -id, libvirt -name guest=, any\n"
		"QEMU with vfio-pci devices), their hook runs (Proxmox hookscripts, libvirt\n"
		"hooks, systemd units named after the VM, --hook PATTERN), a timeline of\n"
		"their devices, and findings judged from each device's custody through each\n"
		"VM run: who returned it to the host driver after QEMU exited, a return that\n"
		"failed and what blocked it (a stale driver_override or dynamic id), a\n"
		"device the stop sequence left on vfio-pci or on no driver, a rebind after\n"
		"the return (who, spawned by whom, through which chain, how long after), a\n"
		"failed hook or probe, and what the trace cannot prove. With phases (marks, or one trace per phase such as\n"
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
		"      --explain BDF    the custody story of one device, run by run\n"
		"      --all-users      VMs and hooks of any user (default: root's, and QEMU\n"
		"                       started by root-owned daemons)\n"
		"      --no-kmsg        no kernel or journal lines in the timeline\n"
		"  -f, --format FMT     text (default), md, json, or html (one page: the\n"
		"                       trace and each VM stop drawn)\n"
		"  -j, --json           JSON, on one line (--format json; -j and -p win over\n"
		"                       another --format)\n"
		"  -p, --pretty         JSON, indented\n"
		"      --color WHEN     auto (default: on a terminal, unless NO_COLOR or\n"
		"                       TERM=dumb), always or never\n"
		"      --utc            times in UTC (default: this machine's zone)\n"
		"  -h, --help           this help\n"
		"\n"
		"Exit status: 0 no findings, 3 findings (HIGH or WARN), 1 error, 2 usage.\n"
		"In JSON an error is {\"error\": \"...\"} on stdout.\n"
		"\n"
		"Examples:\n"
		"  gputrace report --vm 111 problem.gtrace\n"
		"  gputrace report --format md --vm win10 *.gtrace > report.md\n"
		"  gputrace report -f html problem.gtrace > report.html\n"
		"  gputrace report --vm 111 baseline.gtrace problem.gtrace recovery.gtrace\n"
		"  gputrace report --explain 0000:0a:00.0 problem.gtrace\n"
		"  ssh pve1 cat /var/lib/gputrace/last.gtrace | gputrace report -\n"
		"  gputrace report -j problem.gtrace | jq '.findings[] | select(.severity==\"HIGH\")'\n");
}

int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "vm", required_argument, NULL, 'V' },
		{ "device", required_argument, NULL, 'D' },
		{ "hook", required_argument, NULL, 'H' },
		{ "phase", required_argument, NULL, 'P' },
		{ "explain", required_argument, NULL, 'E' },
		{ "all-users", no_argument, NULL, 'A' },
		{ "no-kmsg", no_argument, NULL, 'K' },
		{ "format", required_argument, NULL, 'f' },
		{ "utc", no_argument, NULL, 'U' },
		{ 0 }
	};
	const char *format = "text", *explain = NULL;
	struct report_opts o = { 0 };
	struct cmd_opts cx;
	struct report r;
	char err[1024];
	int c, ret;

	cmd_opts_init(&cx, "report", usage, CMD_JSON | CMD_COLOR, "f:", opts);
	while ((c = cmd_opts_next(&cx, argc, argv)) != -1) {
		switch (c) {
		case 'V': o.vm = optarg; break;
		case 'D': o.device = optarg; break;
		case 'H': o.hook_pattern = optarg; break;
		case 'P': o.phase = optarg; break;
		case 'E': explain = optarg; break;
		case 'A': o.all_users = true; break;
		case 'K': o.no_logs = true; break;
		case 'f': format = optarg; break;
		case 'U': fmt_set_utc(true); break;
		default: return cx.exit;	/* --help, or a bad option (said) */
		}
	}
	if (strcmp(format, "text") && strcmp(format, "md") && strcmp(format, "json") && strcmp(format, "html"))
		return cmd_usage_err("unknown format '%s': use text, md, json or html", format);
	/* -j and -p are JSON whatever --format says; --format json is -j */
	if (cx.json)
		format = "json";
	cmd_opts_set_json(&cx, !strcmp(format, "json"), cx.pretty);
	if (optind >= argc)
		return cmd_usage_err("needs at least one trace file");
	if ((ret = cmd_trace_args(argv + optind, argc - optind)))
		return ret;
	if (explain)
		o.device = explain;
	ret = report_build(&r, (const char *const *)argv + optind, argc - optind, &o, err, sizeof(err));
	if (ret) {
		if (ret == EXIT_USAGE)
			cmd_usage_err("%s", err);
		else
			cmd_err("%s", err);
		report_free(&r);
		return ret;
	}
	if (explain && !cx.json)
		report_render_explain(stdout, &r, r.device);
	else if (cx.json)
		report_render_json(stdout, &r, cx.pretty);
	else if (!strcmp(format, "html"))
		report_render_html(stdout, &r);
	else
		report_render_text(stdout, &r, !strcmp(format, "md"), cx.color);
	ret = report_exit_code(&r);
	report_free(&r);
	return ret;
}
