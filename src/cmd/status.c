// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd/cmd.h"
#include "render/status_render.h"
#include "status/status.h"
#include "sys/state_file.h"
#include "util.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: gputrace status [-j|--json] [-p|--pretty] [-d|--device BDF] [--root DIR]\n"
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
		"  -d, --device BDF  show this one device (0000:0a:00.0 or 0a:00.0)\n"
		"  --root DIR        read DIR/sys, DIR/proc and DIR/etc instead of this host\n"
		"\n"
		"Exit status: 0 (also when the host has no display device), 1 error\n"
		"(unknown device, unreadable tree), 2 usage.\n"
		"\n"
		"Examples:\n"
		"  gputrace status\n"
		"  gputrace status --device 0a:00.1\n"
		"  gputrace status --json | jq -r '.devices[] | \"\\(.bdf) \\(.driver)\"'\n");
}

int cmd_status(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "device", required_argument, NULL, 'd' },
		{ "root", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *root = NULL, *device = NULL;
	bool json = false, pretty = false;
	struct status st;
	char err[1024];
	int c, ret;

	optind = 0;
	while ((c = getopt_long(argc, argv, "jpd:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'p': json = pretty = true; break;
		case 'd': device = optarg; break;
		case 'r': root = optarg; break;
		case 'h': usage(stdout); return EXIT_OK;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		gt_err("status takes no arguments; use --device BDF for one device");
		return EXIT_USAGE;
	}
	ret = status_collect(root, device, &st, err, sizeof(err));
	if (ret) {
		gt_err("%s", err);
		status_free(&st);
		return EXIT_ERROR;
	}
	st.nrecorders = state_file_list(root, &st.recorders);
	if (json)
		status_render_json(stdout, &st, pretty);
	else
		status_render_text(stdout, &st);
	free(st.recorders);
	st.recorders = NULL;
	status_free(&st);
	return EXIT_OK;
}
