// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/cmd_opts.h"
#include "render/report_render.h"
#include "sys/pci.h"
#include "util.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: gputrace report [--vm ID|NAME] [--device BDF] [--hook PATTERN]\n"
		"                       [--phase LABEL] [--explain BDF] [--all-users] [--no-kmsg]\n"
		"                       [--format text|md|json|html] [-j|-p] [--color WHEN] [--utc]\n"
		"                       TRACE...|DIR ('-': standard input)\n"
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
		"that differ between phases are listed side by side. The files of a recording\n"
		"that went on in several (record --max-size, SIGHUP), or the directory that\n"
		"holds them, are one recording, in their order.\n"
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

static void free_files(char **files, int n)
{
	for (int i = 0; i < n; i++)
		free(files[i]);
	free(files);
}

/* A and B name the same PCI function (short forms allowed); what is no
 * address at all is compared as written (the report says it is none). */
static bool same_device(const char *a, const char *b)
{
	char na[PCI_BDF_LEN], nb[PCI_BDF_LEN];

	if (pci_bdf_normalize(a, na, sizeof(na), 0) || pci_bdf_normalize(b, nb, sizeof(nb), 0))
		return !strcmp(a, b);
	return !strcmp(na, nb);
}

int cmd_report(int argc, char **argv)
{
	char **files;
	int nfiles;
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
	struct report_view view = { 0 };
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
	if (report_format_parse(format, &view.format))
		return cmd_usage_err("unknown format '%s': use text, md, json or html", format);
	/* -j and -p are JSON whatever --format says; --format json is -j */
	if (cx.json)
		view.format = REPORT_JSON;
	cmd_opts_set_json(&cx, view.format == REPORT_JSON, cx.pretty);
	if (optind >= argc)
		return cmd_usage_err("needs at least one trace file");
	if (explain && o.device && !same_device(explain, o.device))
		return cmd_usage_err("--explain %s and --device %s name two devices: give one", explain,
				     o.device);
	if ((ret = cmd_trace_args(argv + optind, argc - optind)) ||
	    (ret = cmd_trace_files(argv + optind, argc - optind, &files, &nfiles)))
		return ret;
	if (explain)
		o.device = explain;
	ret = report_build(&r, (const char *const *)files, nfiles, &o, err, sizeof(err));
	free_files(files, nfiles);
	if (ret) {
		if (ret == -EINVAL)	/* a --vm, --device or --phase the trace does not have */
			cmd_usage_err("%s", err);
		else
			cmd_err("%s", err);
		report_free(&r);
		return ret == -EINVAL ? EXIT_USAGE : EXIT_ERROR;
	}
	view.pretty = cx.pretty;
	view.color = cx.color;
	view.explain = explain ? r.device : NULL;
	report_render(stdout, &r, &view);
	ret = report_has_findings(&r) ? EXIT_FINDINGS : EXIT_OK;
	report_free(&r);
	return ret;
}
