// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd/cmd.h"
#include "cmd/cmd_opts.h"
#include "render/status_render.h"
#include "status/status.h"
#include "sys/pci.h"
#include "sys/state_file.h"
#include "util.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: gputrace status [-j|-p] [-d BDF] [--root DIR]\n"
		"\n"
		"Shows where each GPU function is now: every display device (PCI class 03)\n"
		"and every other function of its slot and IOMMU group, with names, current\n"
		"driver, driver_override, IOMMU group, power state, reset method, boot_vga,\n"
		"and the running VM that holds it (from the QEMU argv, the Proxmox config of a\n"
		"running VM, or libvirt's live domain XML); then the running recorders (pid,\n"
		"file, size, events, lost; from " STATE_DIR "/record-PID.state, root's). Reads\n"
		"only; needs no root, but other users' QEMU processes may be hidden from a\n"
		"normal user, and the recorders are listed for root only.\n"
		"\n"
		"Options:\n"
		"  -d, --device BDF    show this one device (0000:0a:00.0 or 0a:00.0)\n"
		"      --root DIR      read DIR/sys, DIR/proc and DIR/etc instead of this host\n"
		"  -j, --json          JSON, on one line\n"
		"  -p, --pretty        JSON, indented\n"
		"  -h, --help          this help\n"
		"\n"
		"Exit status: 0 (also when the host has no display device), 1 error\n"
		"(unknown device, unreadable tree), 2 usage. Under -j/-p an error is\n"
		"{\"error\": \"...\"} on stdout.\n"
		"\n"
		"Examples:\n"
		"  gputrace status\n"
		"  gputrace status --device 0a:00.1\n"
		"  gputrace status --json | jq -r '.devices[] | \"\\(.bdf) \\(.driver)\"'\n");
}

int cmd_status(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ 0 }
	};
	const char *device = NULL;
	char bdf[PCI_BDF_LEN];
	struct cmd_opts cx;
	struct status st;
	char err[1024];
	int c, ret;

	cmd_opts_init(&cx, "status", usage, CMD_JSON | CMD_ROOT, "d:", opts);
	while ((c = cmd_opts_next(&cx, argc, argv)) != -1) {
		switch (c) {
		case 'd':
			/* a malformed address is a usage error; one not on this host is not */
			if (pci_bdf_normalize(optarg, bdf, sizeof(bdf), 0))
				return cmd_usage_err("--device: '%s' is not a PCI address (0000:0a:00.0 or "
						     "0a:00.0)", optarg);
			device = optarg;
			break;
		default: return cx.exit;	/* --help, or a bad option (said) */
		}
	}
	if (optind != argc)
		return cmd_usage_err("takes no arguments ('%s'); use --device BDF for one device", argv[optind]);
	ret = status_collect(cx.root, device, &st, err, sizeof(err));
	if (ret) {
		cmd_err("%s", err);
		status_free(&st);
		return EXIT_ERROR;
	}
	st.nrecorders = state_file_list(cx.root, &st.recorders);
	if (cx.json)
		status_render_json(stdout, &st, cx.pretty);
	else
		status_render_text(stdout, &st);
	free(st.recorders);
	st.recorders = NULL;
	status_free(&st);
	return EXIT_OK;
}
