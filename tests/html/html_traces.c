// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The traces tests/html/run.sh renders, built through the writer as the
 * unit tests build theirs (report_builder.h), and what a reader of each
 * page must see, as KEY=VALUE lines in DIR/expect.env:
 *   rogue.gtrace  Proxmox VM 111 (GPU + audio) stops, the post-stop hook
 *                 returns both, then a watchdog sets driver_override and
 *                 reprobes the GPU onto vfio-pci (HIGH finding). Its names
 *                 and values hold markup that must stay text.
 *   long.gtrace   two hours of a busy host (130k events: execs, writes to
 *                 the GPU and to another device) around one 5-s stop
 *                 sequence.
 *   html_traces DIR
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report_builder.h"

#define WALL0 1750000000000000000ull	/* tb_open's wall clock at the trace start */

static uint64_t wall_at(double ms)
{
	return WALL0 + (uint64_t)(ms * 1000000.0);
}

/* Markup in what a trace carries: a comm, a unit, a written value, bytes
 * that are not UTF-8. */
static void hostile(struct run *r)
{
	struct gt_task t = tb_task(6000, "<b>x&amp;", 1, "systemd", 0);

	strcpy(t.unit, "a\"b'<i>.service");
	tb_exec(&r->b, 61200, &t, "/usr/bin/<img src=x onerror=alert(1)> --x=\"q\"");
	tb_write(&r->b, 61210, &t, "/sys/bus/pci/devices/0000:0a:00.0/power/control",
		 "on\"><script>alert(1)</script>\xff\xfe");
	tb_exit(&r->b, 61220, &t, 0);
}

static void rogue(FILE *env)
{
	struct gt_task watchdog = tb_task(5300, "gpu-watchdog", 1, "systemd", 0);
	struct run r;

	proxmox_vm_runs(&r, "fentry", "rogue.gtrace");
	tb_mark(&r.b, 50, "problem");
	proxmox_hook(&r, 60100, "both", 0);
	hostile(&r);
	tb_exec(&r.b, 61700, &watchdog, "/usr/local/sbin/gpu-watchdog --fix");
	tb_write(&r.b, 61740, &watchdog, "/sys/devices/pci0000:00/0000:00:01.0/0000:0a:00.0/driver_override",
		 "vfio-pci\n");
	reprobe_to_vfio(&r, 61750, &watchdog, GPU, "nouveau");
	tb_close(&r.b);
	fprintf(env, "ROGUE_GPU=%s\nROGUE_AUDIO=%s\nROGUE_REBIND_NS=%llu\nROGUE_STOP_NS=%llu\n", GPU, AUDIO,
		(unsigned long long)wall_at(61760), (unsigned long long)wall_at(60000));
}

/* Two hours: VM 111 runs from the start, a cron job execs every 0.12 s
 * (half of them exit within the trace), a power monitor writes the GPU's
 * and another device's power/control in turn; the stop is at the end,
 * 5 s of hook and moves. */
static void longrun(FILE *env)
{
	struct gt_task qm = tb_task(3990, "qm", 1200, "pvedaemon worke", 1, "systemd", 0);
	struct gt_task kvm = tb_task(4021, "kvm", 3990, "qm", 0);
	struct gt_task mon = tb_task(900, "powertop", 1, "systemd", 0);
	const double stop = 7200000;
	struct run r;
	int n = 0, events = 0;

	tb_open(&r.b, dir, "long.gtrace", "fentry");
	r.uevents = false;
	tb_pci(&r.b, GPU, "10de", "1b80", "nouveau");
	tb_pci(&r.b, AUDIO, "10de", "10f0", "snd_hda_intel");
	tb_file(&r.b, "/etc/pve/qemu-server/111.conf",
		"hookscript: local:snippets/gpu-reattach-hook.pl\nhostpci0: 0000:0a:00,pcie=1\n");
	tb_exec(&r.b, 100, &qm, "/usr/bin/perl /usr/sbin/qm start 111");
	move(&r, 120, &qm, GPU, "nouveau", "vfio-pci");
	move(&r, 150, &qm, AUDIO, "snd_hda_intel", "vfio-pci");
	tb_exec(&r.b, 200, &kvm, "/usr/bin/kvm -id 111 -name vm111");
	for (double ms = 1000; ms < stop - 1000; ms += 120, n++) {
		struct gt_task job = tb_task(10000 + n % 30000, "true", 1, "systemd", 0);

		tb_exec(&r.b, ms, &job, "/bin/true");
		events++;
		if (n % 2)
			tb_exit(&r.b, ms + 1, &job, 0), events++;
		if (n % 3 == 0)
			tb_write(&r.b, ms + 2, &mon, "/sys/bus/pci/devices/0000:00:1f.3/power/control", "auto"),
				events++;
		else if (n % 3 == 1)
			tb_write(&r.b, ms + 2, &mon, "/sys/bus/pci/devices/" GPU "/power/control", "auto"),
				events++;
	}
	tb_exit(&r.b, stop, &kvm, 0);
	proxmox_hook(&r, stop + 300, "both", 0);
	tb_end_at(&r.b, stop + 60000);
	fprintf(env, "LONG_EVENTS=%d\nLONG_STOP_NS=%llu\n", events, (unsigned long long)wall_at(stop));
}

int main(int argc, char **argv)
{
	FILE *env;

	if (argc != 2) {
		fprintf(stderr, "usage: html_traces DIR\n");
		return 2;
	}
	/* the builder writes into its own dir[]: here, DIR itself */
	if (chdir(argv[1])) {
		perror(argv[1]);
		return 1;
	}
	strcpy(dir, ".");
	env = fopen("expect.env", "w");
	if (!env) {
		perror("expect.env");
		return 1;
	}
	rogue(env);
	longrun(env);
	return fclose(env) ? 1 : 0;
}
