// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <getopt.h>
#include <stdio.h>

#include "audit/audit.h"
#include "cmd/cmd.h"
#include "cmd/cmd_opts.h"
#include "render/check_render.h"
#include "util.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: gputrace check [-j|-p] [--root DIR] [--kernel-release REL]\n"
		"\n"
		"Audits what will rebind a GPU later: vfio-pci ids in modprobe.d, module lists,\n"
		"initramfs and on the running and next boot's command line, softdeps that load\n"
		"vfio-pci first, install hooks, driver_override values left on devices,\n"
		"driverctl overrides and their udev rule, udev rules that write driver_override\n"
		"or bind files, systemd services that bind devices (and what starts them),\n"
		"blacklisted host drivers, vfio-pci built into the kernel, Proxmox hookscripts\n"
		"and PCI mappings that stop a VM from starting, libvirt hooks without the\n"
		"execute bit, what hooks do to binding (read statically), and (live system, as\n"
		"root) which gputrace backends this kernel supports. Each finding names the\n"
		"file and line that sets it, what it does to rebinding, and a fix.\n"
		"\n"
		"Options:\n"
		"      --root DIR            audit a copied system tree (DIR/etc, DIR/proc, DIR/sys,\n"
		"                            DIR/lib/modules) instead of this host\n"
		"      --kernel-release REL  with --root: the release whose modules.builtin to read\n"
		"                            (default: DIR/proc/sys/kernel/osrelease)\n"
		"  -j, --json                JSON, on one line\n"
		"  -p, --pretty              JSON, indented\n"
		"  -h, --help                this help\n"
		"\n"
		"Exit status: 0 nothing above info, 3 high or warn findings (as report), 1 error\n"
		"(unreadable tree or file), 2 usage. Under -j/-p an error is {\"error\": \"...\"}\n"
		"on stdout.\n"
		"\n"
		"Examples:\n"
		"  gputrace check\n"
		"  gputrace check --json | jq '.findings[] | select(.severity != \"info\")'\n"
		"  gputrace check --root /srv/triage/pve1 --kernel-release 6.8.12-4-pve\n"
		"    (/srv/triage/pve1 holds the host's copied etc/, sys/bus/pci, proc/cmdline)\n");
}

int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kernel-release", required_argument, NULL, 'k' },
		{ 0 }
	};
	struct audit_opts o = { .probe_backends = true };
	struct cmd_opts cx;
	struct audit a;
	char err[1024];
	int c, ret;

	cmd_opts_init(&cx, "check", usage, CMD_JSON | CMD_ROOT, "", opts);
	while ((c = cmd_opts_next(&cx, argc, argv)) != -1) {
		switch (c) {
		case 'k': o.kernel_release = optarg; break;
		default: return cx.exit;	/* --help, or a bad option (said) */
		}
	}
	if (optind != argc)
		return cmd_usage_err("takes no arguments ('%s')", argv[optind]);
	/* this host's modules.builtin is its running kernel's */
	if (o.kernel_release && (!cx.root || !cx.root[0] || !strcmp(cx.root, "/")))
		return cmd_usage_err("--kernel-release goes with --root (a copied tree)");
	o.root = cx.root;
	ret = audit_run(&o, &a, err, sizeof(err));
	if (ret) {
		cmd_err("%s", err);
		audit_free(&a);
		return EXIT_ERROR;
	}
	if (cx.json)
		check_render_json(stdout, &a, cx.pretty);
	else
		check_render_text(stdout, &a);
	/* as report: info findings alone are no reason to fail a script */
	ret = EXIT_OK;
	for (size_t i = 0; i < a.n; i++)
		if (a.f[i].severity >= SEV_WARN)
			ret = EXIT_FINDINGS;
	audit_free(&a);
	return ret;
}
