/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* Report tests' shared pieces: a Proxmox VM run, its hook, the moves tools
 * make, built through the writer (trace_builder.h), and lookups in the
 * report. Each test file includes it once. */
#ifndef GPUTRACE_REPORT_BUILDER_H
#define GPUTRACE_REPORT_BUILDER_H

#include "render/report_render.h"
#include "trace_builder.h"

#define GPU "0000:0a:00.0"
#define AUDIO "0000:0a:00.1"

static char dir[] = "/tmp/gt-report-test.XXXXXX";

struct run {
	struct tb b;
	bool uevents;		/* tracepoint backend: outcomes only as uevents */
};

/* TASK moves BDF from FROM (or nothing) to TO, the way a tool does it:
 * unbind write + outcome, bind write + outcome. */
static inline void move(struct run *r, double ms, const struct gt_task *t, const char *bdf,
		 const char *from, const char *to)
{
	char path[128];

	if (from) {
		snprintf(path, sizeof(path), "/sys/bus/pci/drivers/%s/unbind", from);
		tb_write(&r->b, ms, t, path, bdf);
		if (r->uevents)
			tb_uevent(&r->b, ms + 1, "unbind", bdf, NULL);
		else
			tb_drv(&r->b, ms + 0.5, t, GT_EV_UNBIND, bdf, from, 0);
	}
	snprintf(path, sizeof(path), "/sys/bus/pci/drivers/%s/bind", to);
	tb_write(&r->b, ms + 10, t, path, bdf);
	if (r->uevents)
		tb_uevent(&r->b, ms + 11, "bind", bdf, to);
	else
		tb_drv(&r->b, ms + 10.5, t, GT_EV_BIND, bdf, to, 0);
}

/* A reprobe that lands on vfio-pci with nobody naming it: unbind + drivers_probe. */
static inline void reprobe_to_vfio(struct run *r, double ms, const struct gt_task *t, const char *bdf,
			    const char *from)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/bus/pci/drivers/%s/unbind", from);
	tb_write(&r->b, ms, t, path, bdf);
	if (r->uevents)
		tb_uevent(&r->b, ms + 1, "unbind", bdf, NULL);
	else
		tb_drv(&r->b, ms + 0.5, t, GT_EV_UNBIND, bdf, from, 0);
	tb_write(&r->b, ms + 10, t, "/sys/bus/pci/drivers_probe", bdf);
	if (r->uevents)
		tb_uevent(&r->b, ms + 11, "bind", bdf, "vfio-pci");
	else
		tb_drv(&r->b, ms + 10.5, t, GT_EV_BIND, bdf, "vfio-pci", 0);
}

/* The rogue's move every rebind test makes: TASK sets GPU's
 * driver_override to vfio-pci (through the slot's path, as a tool that
 * walks /sys/devices does), then the reprobe lands it there. */
static inline void override_to_vfio(struct run *r, double ms, const struct gt_task *t)
{
	tb_write(&r->b, ms, t, "/sys/devices/pci0000:00/0000:00:01.0/0000:0a:00.0/driver_override",
		 "vfio-pci");
	reprobe_to_vfio(r, ms + 10, t, GPU, "nouveau");
}

/* A trace of the fentry backend with the GPU on nouveau and nothing else:
 * what tests that build their own story start from. */
static inline void open_with_gpu(struct run *r, const char *name)
{
	tb_open(&r->b, dir, name, "fentry");
	r->uevents = false;
	tb_pci(&r->b, GPU, "10de", "1b80", "nouveau");
}

/* QEMU started with -daemonize, VM ID holding BDF: KVM is exec'd and exits
 * at once, leaving the VM in its child CHILD, named in the exit (0: an exit
 * from before exits named their children). */
static inline void daemonized_kvm(struct run *r, double ms, const struct gt_task *kvm, const char *id,
				  const char *bdf, uint32_t child)
{
	char argv[160];

	snprintf(argv, sizeof(argv), "/usr/bin/kvm -id %s -daemonize -device vfio-pci,host=%s", id, bdf);
	tb_exec(&r->b, ms, kvm, argv);
	if (child)
		tb_exit_orphaning(&r->b, ms + 100, kvm, 0, child);
	else
		tb_exit(&r->b, ms + 100, kvm, 0);
}

/* A Proxmox VM 111 with the whole slot 0a:00 (hostpci0 without function),
 * started by qm (new_id, unbind, bind), stopped from inside the guest;
 * without AUDIO, qm moves the GPU function only. */
static inline void proxmox_vm_runs_taking(struct run *r, const char *backend, const char *name,
					  bool audio)
{
	struct gt_task qm = tb_task(3990, "qm", 1200, "pvedaemon worke", 1, "systemd", 0);
	struct gt_task kvm = tb_task(4021, "kvm", 3990, "qm", 0);

	tb_open(&r->b, dir, name, backend);
	r->uevents = !strcmp(backend, "tracepoint");
	tb_pci(&r->b, GPU, "10de", "1b80", "nouveau");
	tb_pci(&r->b, AUDIO, "10de", "10f0", "snd_hda_intel");
	tb_file(&r->b, "/etc/pve/qemu-server/111.conf",
		"hookscript: local:snippets/gpu-reattach-hook.pl\nhostpci0: 0000:0a:00,pcie=1,x-vga=1\n");
	tb_exec(&r->b, 100, &qm, "/usr/bin/perl /usr/sbin/qm start 111");
	tb_write(&r->b, 110, &qm, "/sys/bus/pci/drivers/vfio-pci/new_id", "10de 1b80");
	if (audio)
		tb_write(&r->b, 115, &qm, "/sys/bus/pci/drivers/vfio-pci/new_id", "10de 10f0");
	move(r, 120, &qm, GPU, "nouveau", "vfio-pci");
	if (audio)
		move(r, 150, &qm, AUDIO, "snd_hda_intel", "vfio-pci");
	tb_exec(&r->b, 200, &kvm, "/usr/bin/kvm -id 111 -name vm111 -pidfile /var/run/qemu-server/111.pid");
	tb_exit(&r->b, 60000, &kvm, 0);
}

static inline void proxmox_vm_runs(struct run *r, const char *backend, const char *name)
{
	proxmox_vm_runs_taking(r, backend, name, true);
}

/* qmeventd > qm cleanup > the hookscript, which returns the functions
 * named in RETURN ("gpu", "both", "none") and exits with STATUS. */
static inline struct gt_task proxmox_hook(struct run *r, double ms, const char *ret, int status)
{
	struct gt_task cleanup = tb_task(5100, "qm", 800, "qmeventd", 1, "systemd", 0);
	struct gt_task hook = tb_task(5120, "gpu-reattach-ho", 5100, "qm", 800, "qmeventd", 1, "systemd", 0);

	tb_exec(&r->b, ms, &cleanup, "/usr/bin/perl /usr/sbin/qm cleanup 111 1 1");
	tb_exec(&r->b, ms + 10, &hook, "/var/lib/vz/snippets/gpu-reattach-hook.pl 111 post-stop");
	if (strcmp(ret, "none"))
		move(r, ms + 100, &hook, GPU, "vfio-pci", "nouveau");
	if (!strcmp(ret, "both"))
		move(r, ms + 300, &hook, AUDIO, "vfio-pci", "snd_hda_intel");
	tb_exit(&r->b, ms + 900, &hook, status);
	tb_exit(&r->b, ms + 950, &cleanup, 0);
	return hook;
}

static inline int build(struct run *r, const char *vm, struct report *rep)
{
	const char *traces[] = { r->b.path };
	char err[512];

	tb_close(&r->b);
	return report_build(rep, traces, 1, &(struct report_opts){ .vm = vm, .hook_pattern = NULL, .phase = NULL }, err, sizeof(err));
}

static inline const struct finding *find(const struct report *rep, enum f_kind k, const char *dev)
{
	for (size_t i = 0; i < rep->f.n; i++)
		if (rep->f.v[i].kind == k && (!dev || !strcmp(rep->f.v[i].device, dev)))
			return &rep->f.v[i];
	return NULL;
}

/* cmocka group setup and teardown: the traces live in DIR. */
static inline int setup(void **state)
{
	return mkdtemp(dir) ? 0 : -1;
}

static inline int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

#endif
