// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The report on traces built through the writer: every finding kind, every
 * VM and hook flavour, BPF and uevent outcomes, and clean runs that must
 * stay clean. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "render/report_render.h"
#include "render/report_svg.h"
#include "text_escape.h"
#include "report_builder.h"
#include "util.h"

static void test_clean_baseline_has_no_finding(void **state)
{
	struct run r;
	struct report rep;

	proxmox_vm_runs(&r, "fentry", "clean.gtrace");
	proxmox_hook(&r, 60100, "both", 0);
	assert_int_equal(build(&r, "111", &rep), 0);
	assert_int_equal(rep.m.n_vms, 1);
	assert_string_equal(rep.m.vms[0].id, "111");
	/* hostpci0 without a function: both functions of the slot */
	assert_int_equal(rep.m.vms[0].n_devs, 2);
	assert_int_equal(rep.f.n, 0);
	assert_false(report_has_findings(&rep));
	report_free(&rep);
}

static void rogue_rebind(bool uevents)
{
	struct gt_task watchdog = tb_task(5300, "gpu-watchdog", 1, "systemd", 0);
	struct run r;
	struct report rep;
	const struct finding *f;

	proxmox_vm_runs(&r, uevents ? "tracepoint" : "fentry", "rogue.gtrace");
	proxmox_hook(&r, 60100, "both", 0);
	tb_exec(&r.b, 61700, &watchdog, "/usr/local/sbin/gpu-watchdog --fix");
	tb_write(&r.b, 61740, &watchdog, "/sys/devices/pci0000:00/0000:00:01.0/0000:0a:00.0/driver_override", "vfio-pci\n");
	reprobe_to_vfio(&r, 61750, &watchdog, GPU, "nouveau");
	assert_int_equal(build(&r, "111", &rep), 0);
	f = find(&rep, F_REBIND_AFTER_RETURN, GPU);
	assert_non_null(f);
	assert_int_equal(f->severity, SEV_HIGH);
	assert_string_equal(f->culprit.comm, "gpu-watchdog");
	assert_int_equal(f->culprit.pid, 5300);
	assert_int_equal(f->culprit_inferred, uevents);
	assert_false(f->culprit_from_hook);
	assert_int_equal(f->mech, MECH_OVERRIDE);
	/* what to do: stop the watchdog, guard the GPU meanwhile */
	assert_string_equal(f->advice, "find why gpu-watchdog runs (who started it, its unit) and stop it; "
			    "'gputrace guard --device " GPU "' keeps it on nouveau meanwhile");
	assert_string_equal(f->driver_from, "nouveau");
	assert_string_equal(f->driver_to, "vfio-pci");
	/* hook exited at 61000 ms; the bind came at 61760.5 (61761 as a uevent) */
	assert_true(f->delay_after_hook_s > 0.75 && f->delay_after_hook_s < 0.77);
	assert_non_null(f->culprit_proc);
	assert_null(find(&rep, F_REBIND_AFTER_RETURN, AUDIO));
	assert_true(report_has_findings(&rep));
	if (uevents)
		assert_non_null(find(&rep, F_LIMIT, NULL));
	{	/* --explain: in time order, the rebind before the settling */
		char *buf = NULL;
		size_t len = 0;
		FILE *fp = open_memstream(&buf, &len);
		const char *landed, *settled;

		report_render_explain(fp, &rep, GPU);
		fclose(fp);
		assert_non_null(landed = strstr(buf, "\n  landed "));
		assert_non_null(settled = strstr(buf, "\n  settled "));
		assert_true(landed < settled);
		free(buf);
	}
	report_free(&rep);
}

static void test_rogue_rebind_bpf(void **state) { rogue_rebind(false); }
static void test_rogue_rebind_uevents(void **state) { rogue_rebind(true); }

static void stale_dynid(bool uevents)
{
	struct gt_task sh = tb_task(5400, "sh", 5390, "(udev-worker)", 512, "systemd-udevd", 1, "systemd", 0);
	struct run r;
	struct report rep;
	const struct finding *f;

	proxmox_vm_runs(&r, uevents ? "tracepoint" : "fentry", "dynid.gtrace");
	proxmox_hook(&r, 60100, "both", 0);
	reprobe_to_vfio(&r, 62000, &sh, GPU, "nouveau");
	assert_int_equal(build(&r, NULL, &rep), 0);
	f = find(&rep, F_REBIND_AFTER_RETURN, GPU);
	assert_non_null(f);
	assert_int_equal(f->mech, MECH_STALE_DYNID);
	assert_string_equal(f->culprit.comm, "sh");
	assert_string_equal(f->culprit.ancestors[1].comm, "systemd-udevd");
	assert_non_null(strstr(f->mechanism, "10de:1b80"));
	assert_non_null(strstr(f->mechanism, "qm[3990]"));
	assert_non_null(strstr(f->mechanism, "drivers_probe"));
	report_free(&rep);
}

/* A rescan's add uevent read after the bind BPF saw inside the same
 * write (the kernel sends the add before it probes, the recorder stamps a
 * uevent when it reads it): the re-add still explains the bind. */
static void test_rescan_add_read_late(void **state)
{
	struct gt_task tool = tb_task(289, "pci-reprobe", 155, "sh", 1, "init", 0);
	const struct finding *f;
	struct report rep;
	struct run r;

	proxmox_vm_runs(&r, "fentry", "late-add.gtrace");
	proxmox_hook(&r, 60100, "both", 0);
	tb_write(&r.b, 62000, &tool, "/sys/devices/pci0000:00/0000:00:03.0/0000:0a:00.0/remove", "1");
	tb_drv(&r.b, 62000.5, &tool, GT_EV_UNBIND, GPU, "nouveau", 0);
	tb_uevent(&r.b, 62003, "remove", GPU, NULL);
	tb_write(&r.b, 62100, &tool, "/sys/bus/pci/rescan", "1");
	tb_drv(&r.b, 62101, &tool, GT_EV_BIND, GPU, "vfio-pci", 0);
	tb_uevent(&r.b, 62105, "add", GPU, NULL);	/* the write ended at 62102 */
	assert_int_equal(build(&r, "111", &rep), 0);
	f = find(&rep, F_REBIND_AFTER_RETURN, GPU);
	assert_non_null(f);
	assert_int_equal(f->mech, MECH_STALE_DYNID);
	assert_string_equal(f->culprit.comm, "pci-reprobe");
	assert_non_null(strstr(f->mechanism, "removed and added again"));
	report_free(&rep);
}

static void test_stale_dynid_bpf(void **state) { stale_dynid(false); }
static void test_stale_dynid_uevents(void **state) { stale_dynid(true); }

/* vfio-pci loaded with ids=10de:1b80 (modprobe.d): the dynamic id comes
 * from pci_add_dynid at module load, no new_id write. */
static void test_stale_dynid_from_module_ids(void **state)
{
	struct gt_task modprobe = tb_task(700, "modprobe", 1, "systemd", 0);
	struct gt_task sh = tb_task(5400, "sh", 1, "systemd", 0);
	struct gt_dynid_event d = { 0 };
	struct report rep;
	struct run r;
	const struct finding *f;

	proxmox_vm_runs(&r, "fentry", "ids.gtrace");
	tb_hdr(&d.hdr, GT_EV_DYNID, sizeof(d), 50, &modprobe);
	strcpy(d.driver, "vfio-pci");
	d.vendor = 0x10de;
	d.device = 0x1b80;
	trace_writer_append(r.b.w, GT_REC_EVENT, &d, sizeof(d));
	proxmox_hook(&r, 60100, "both", 0);
	reprobe_to_vfio(&r, 62000, &sh, GPU, "nouveau");
	assert_int_equal(build(&r, "111", &rep), 0);
	f = find(&rep, F_REBIND_AFTER_RETURN, GPU);
	assert_non_null(f);
	assert_int_equal(f->mech, MECH_STALE_DYNID);
	assert_non_null(strstr(f->mechanism, "modprobe[700]"));
	assert_non_null(strstr(f->mechanism, "ids="));
	report_free(&rep);
}

static void test_remove_id_means_not_stale(void **state)
{
	struct gt_task sh = tb_task(5400, "sh", 1, "systemd", 0);
	struct gt_task qm = tb_task(5500, "qm", 1, "systemd", 0);
	struct run r;
	struct report rep;
	const struct finding *f;

	proxmox_vm_runs(&r, "fentry", "removeid.gtrace");
	proxmox_hook(&r, 60100, "both", 0);
	tb_write(&r.b, 61500, &qm, "/sys/bus/pci/drivers/vfio-pci/remove_id", "10de 1b80");
	reprobe_to_vfio(&r, 62000, &sh, GPU, "nouveau");
	assert_int_equal(build(&r, "111", &rep), 0);
	f = find(&rep, F_REBIND_AFTER_RETURN, GPU);
	assert_non_null(f);
	assert_int_not_equal(f->mech, MECH_STALE_DYNID);	/* the id was removed */
	report_free(&rep);
}

static void test_culprit_descends_from_hook(void **state)
{
	struct run r;
	struct report rep;
	const struct finding *f;
	struct gt_task child = tb_task(5150, "sleep-rebind", 5120, "gpu-reattach-ho", 5100, "qm", 0);

	proxmox_vm_runs(&r, "fentry", "child.gtrace");
	proxmox_hook(&r, 60100, "both", 0);
	/* while the hook still runs: its ancestry names it */
	tb_write(&r.b, 60940, &child, "/sys/devices/pci0000:00/0000:00:01.0/0000:0a:00.0/driver_override", "vfio-pci");
	reprobe_to_vfio(&r, 60950, &child, GPU, "nouveau");
	assert_int_equal(build(&r, "111", &rep), 0);
	f = find(&rep, F_REBIND_AFTER_RETURN, GPU);
	assert_non_null(f);
	assert_true(f->culprit_from_hook);
	report_free(&rep);
}

static void test_hook_forgets_audio(void **state)
{
	struct run r;
	struct report rep;
	const struct finding *f;

	proxmox_vm_runs(&r, "fentry", "audio.gtrace");
	proxmox_hook(&r, 60100, "gpu", 0);
	assert_int_equal(build(&r, "111", &rep), 0);
	f = find(&rep, F_LEFT_ON_STUB, AUDIO);
	assert_non_null(f);
	assert_int_equal(f->severity, SEV_WARN);
	assert_null(find(&rep, F_LEFT_ON_STUB, GPU));
	assert_null(find(&rep, F_REBIND_AFTER_RETURN, NULL));
	/* nothing says it was powered down: the mechanism does not either */
	assert_null(strstr(f->mechanism, "powered down"));
	report_free(&rep);
}

/* The hook unbinds the audio function from vfio-pci and binds nothing:
 * HIGH, told in words that read ("left without a driver after"). A
 * function the start never took off its host driver (only the GPU was
 * moved) is not "left" anywhere. */
static void test_left_without_driver_and_never_taken(void **state)
{
	struct gt_task hook;
	struct report rep;
	const struct finding *f;
	struct run r;

	proxmox_vm_runs(&r, "fentry", "unbound.gtrace");
	hook = proxmox_hook(&r, 60100, "gpu", 0);
	tb_write(&r.b, 60500, &hook, "/sys/bus/pci/drivers/vfio-pci/unbind", AUDIO);
	tb_drv(&r.b, 60500.5, &hook, GT_EV_UNBIND, AUDIO, "vfio-pci", 0);
	assert_int_equal(build(&r, "111", &rep), 0);
	f = find(&rep, F_LEFT_WITHOUT_DRIVER, AUDIO);
	assert_non_null(f);
	assert_int_equal(f->severity, SEV_HIGH);
	assert_non_null(strstr(f->summary, AUDIO " left without a driver after the stop sequence"));
	report_free(&rep);

	proxmox_vm_runs_taking(&r, "fentry", "gpu-only.gtrace", false);
	proxmox_hook(&r, 60100, "gpu", 0);
	assert_int_equal(build(&r, "111", &rep), 0);
	assert_null(find(&rep, F_LEFT_WITHOUT_DRIVER, AUDIO));
	assert_null(find(&rep, F_LEFT_ON_STUB, AUDIO));
	report_free(&rep);
}

/* The forgotten function is then idled by vfio-pci (runtime PM): the
 * finding says so from the last state recorded, not from the first. */
static void test_left_function_powered_down(void **state)
{
	struct run r;
	struct report rep;
	const struct finding *f;

	proxmox_vm_runs(&r, "fentry", "audio-idle.gtrace");
	tb_state(&r.b, 50000, AUDIO, "mark", "running", "vfio-pci", "D0", "active");
	proxmox_hook(&r, 60100, "gpu", 0);
	tb_state(&r.b, 61000, AUDIO, "mark", "after", "vfio-pci", "D0", "active");
	tb_state(&r.b, 65000, AUDIO, "end", NULL, "vfio-pci", "D3hot", "suspended");
	assert_int_equal(build(&r, "111", &rep), 0);
	f = find(&rep, F_LEFT_ON_STUB, AUDIO);
	assert_non_null(f);
	assert_non_null(strstr(f->mechanism, "powered down: power state D3hot, runtime PM suspended (end)"));
	report_free(&rep);
}

static void test_no_hook_guest_initiated(void **state)
{
	struct run r;
	struct report rep;
	const struct finding *f;

	proxmox_vm_runs(&r, "fentry", "nohook.gtrace");
	assert_int_equal(build(&r, "111", &rep), 0);
	f = find(&rep, F_NO_HOOK, NULL);
	assert_non_null(f);
	assert_int_equal(f->severity, SEV_HIGH);
	assert_non_null(strstr(f->summary, "no stop command seen"));
	report_free(&rep);
}

static void test_no_hook_after_requested_stop(void **state)
{
	struct gt_task stop = tb_task(6000, "qm", 1, "systemd", 0);
	struct run r;
	struct report rep;
	const struct finding *f;

	proxmox_vm_runs(&r, "fentry", "stop.gtrace");
	tb_exec(&r.b, 59000, &stop, "/usr/bin/perl /usr/sbin/qm shutdown 111");
	assert_int_equal(build(&r, "111", &rep), 0);
	f = find(&rep, F_NO_HOOK, NULL);
	assert_non_null(f);
	assert_non_null(strstr(f->summary, "stop requested"));
	report_free(&rep);
}

static void test_hook_failed(void **state)
{
	struct run r;
	struct report rep;
	const struct finding *f;

	proxmox_vm_runs(&r, "fentry", "failed.gtrace");
	proxmox_hook(&r, 60100, "none", 2);
	assert_int_equal(build(&r, "111", &rep), 0);
	f = find(&rep, F_HOOK_FAILED, NULL);
	assert_non_null(f);
	assert_non_null(strstr(f->summary, "exited 2"));
	assert_non_null(find(&rep, F_LEFT_ON_STUB, GPU));	/* and it returned nothing */
	report_free(&rep);
}

static void test_probe_failed(void **state)
{
	struct run r;
	struct report rep;
	const struct finding *f;
	struct gt_task hook;

	proxmox_vm_runs(&r, "fentry", "probe.gtrace");
	hook = proxmox_hook(&r, 60100, "both", 0);
	tb_drv(&r.b, 60500, &hook, GT_EV_PROBE_FAIL, GPU, "nvidia", -22);
	assert_int_equal(build(&r, "111", &rep), 0);
	f = find(&rep, F_PROBE_FAILED, GPU);
	assert_non_null(f);
	assert_string_equal(f->driver_to, "nvidia");
	assert_non_null(strstr(f->summary, "EINVAL"));
	report_free(&rep);
}

static void test_libvirt_hook_then_reattach_is_clean(void **state)
{
	struct gt_task libvirtd = tb_task(900, "libvirtd", 1, "systemd", 0);
	struct gt_task qemu = tb_task(4100, "qemu-system-x86", 900, "libvirtd", 0);
	struct gt_task hook = tb_task(4200, "qemu", 900, "libvirtd", 0);
	struct run r = { 0 };
	struct report rep;

	tb_open(&r.b, dir, "libvirt.gtrace", "fentry");
	tb_pci(&r.b, GPU, "10de", "1b80", "vfio-pci");
	tb_pci(&r.b, AUDIO, "10de", "10f0", "vfio-pci");
	/* the audio function only in the domain XML (QEMU argv cut short) */
	tb_file(&r.b, "/run/libvirt/qemu/win10.xml", "<domain type='kvm'>\n  <name>win10</name>\n"
		"  <devices>\n    <hostdev mode='subsystem' type='pci' managed='yes'>\n      <source>\n"
		"        <address domain='0x0000' bus='0x0a' slot='0x00' function='0x1'/>\n"
		"      </source>\n      <address type='pci' domain='0x0000' bus='0x05' slot='0x00' function='0x0'/>\n"
		"    </hostdev>\n  </devices>\n</domain>\n");
	tb_exec(&r.b, 100, &qemu, "/usr/bin/qemu-system-x86_64 -name guest=win10,debug-threads=on "
		"-device vfio-pci,host=0000:0a:00.0,id=hostdev0");
	tb_exit(&r.b, 5000, &qemu, 0);
	tb_exec(&r.b, 5100, &hook, "/etc/libvirt/hooks/qemu win10 stopped end -");
	move(&r, 5200, &hook, GPU, "vfio-pci", "nouveau");
	move(&r, 5300, &hook, AUDIO, "vfio-pci", "snd_hda_intel");
	tb_exit(&r.b, 5400, &hook, 0);
	/* libvirt's own reattach: override cleared, unbind, drivers_probe */
	tb_write(&r.b, 5500, &libvirtd, "/sys/devices/pci0000:00/0000:00:01.0/0000:0a:00.0/driver_override", "\n");
	tb_write(&r.b, 5510, &libvirtd, "/sys/bus/pci/drivers/nouveau/unbind", GPU);
	tb_drv(&r.b, 5511, &libvirtd, GT_EV_UNBIND, GPU, "nouveau", 0);
	tb_write(&r.b, 5520, &libvirtd, "/sys/bus/pci/drivers_probe", GPU);
	tb_drv(&r.b, 5521, &libvirtd, GT_EV_BIND, GPU, "nouveau", 0);
	assert_int_equal(build(&r, "win10", &rep), 0);
	assert_int_equal(rep.m.vms[0].flavour, VM_LIBVIRT);
	assert_int_equal(rep.m.vms[0].n_devs, 2);		/* argv + domain XML */
	assert_string_equal(rep.m.vms[0].devs[1], AUDIO);
	assert_int_equal(rep.m.n_hooks, 1);
	assert_string_equal(rep.m.hooks[0].phase, "stopped end");
	assert_int_equal(rep.f.n, 0);
	report_free(&rep);
}

static void test_systemd_unit_hook(void **state)
{
	struct gt_task unit = tb_task(7000, "gpu-reattach", 1, "systemd", 0);
	struct gt_task rogue = tb_task(7100, "pvestatd", 1, "systemd", 0);
	struct run r;
	struct report rep;
	const struct finding *f;

	strcpy(unit.unit, "vm-shutdown-monitor@111.service");
	proxmox_vm_runs(&r, "fentry", "unit.gtrace");
	tb_exec(&r.b, 60100, &unit, "/usr/local/bin/gpu-reattach 111");
	move(&r, 60200, &unit, GPU, "vfio-pci", "nouveau");
	move(&r, 60300, &unit, AUDIO, "vfio-pci", "snd_hda_intel");
	tb_exit(&r.b, 60400, &unit, 0);
	tb_write(&r.b, 61000, &rogue, "/sys/bus/pci/drivers/vfio-pci/bind", GPU);
	tb_write(&r.b, 60990, &rogue, "/sys/bus/pci/drivers/nouveau/unbind", GPU);
	tb_drv(&r.b, 60991, &rogue, GT_EV_UNBIND, GPU, "nouveau", 0);
	tb_drv(&r.b, 61001, &rogue, GT_EV_BIND, GPU, "vfio-pci", 0);
	assert_int_equal(build(&r, "111", &rep), 0);
	assert_int_equal(rep.m.n_hooks, 1);
	assert_string_equal(rep.m.hooks[0].phase, "unit");
	f = find(&rep, F_REBIND_AFTER_RETURN, GPU);
	assert_non_null(f);
	assert_int_equal(f->mech, MECH_EXPLICIT_BIND);
	assert_string_equal(f->culprit.comm, "pvestatd");
	report_free(&rep);
}

/* Two writes of one thread in flight at a bind (end times a damaged clock
 * stretched): the bind's write is the newest that names the device, not
 * the unbind before it. */
static void test_overlapping_writes_newest_is_the_cause(void **state)
{
	static const struct {
		const char *path, *driver;
		int kind;
	} steps[] = {	/* 1 ms apart; each write lasts 2 ms (trace_builder.h) */
		{ "/sys/bus/pci/drivers/nouveau/unbind", "nouveau", GT_EV_UNBIND },
		{ "/sys/bus/pci/drivers/vfio-pci/bind", "vfio-pci", GT_EV_BIND },
	};
	struct gt_task rogue = tb_task(7100, "pvestatd", 1, "systemd", 0);
	const struct finding *f;
	struct report rep;
	struct run r;

	proxmox_vm_runs(&r, "fentry", "overlap.gtrace");
	proxmox_hook(&r, 60100, "both", 0);
	for (int i = 0; i < 2; i++) {
		tb_write(&r.b, 61740 + i, &rogue, steps[i].path, GPU);
		tb_drv(&r.b, 61740.5 + i, &rogue, steps[i].kind, GPU, steps[i].driver, 0);
	}
	assert_int_equal(build(&r, "111", &rep), 0);
	f = find(&rep, F_REBIND_AFTER_RETURN, GPU);
	assert_non_null(f);
	assert_int_equal(f->mech, MECH_EXPLICIT_BIND);
	report_free(&rep);
}

static void test_user_hook_rule(void **state)
{
	struct gt_task mine = tb_task(8000, "restore-gpu", 1, "systemd", 0);
	const char *traces[1];
	struct report rep;
	struct run r;
	char err[256];

	proxmox_vm_runs(&r, "fentry", "user.gtrace");
	tb_exec(&r.b, 60100, &mine, "/root/bin/restore-gpu");
	move(&r, 60200, &mine, GPU, "vfio-pci", "nouveau");
	move(&r, 60300, &mine, AUDIO, "vfio-pci", "snd_hda_intel");
	tb_exit(&r.b, 60400, &mine, 0);
	tb_close(&r.b);
	traces[0] = r.b.path;
	/* without the rule: no hook ran, but the devices came back: whoever
	 * returns them is the return, a hook is only a label on it */
	assert_int_equal(report_build(&rep, traces, 1, &(struct report_opts){ .vm = "111" }, err, sizeof(err)), 0);
	assert_null(find(&rep, F_NO_HOOK, NULL));
	assert_false(report_has_findings(&rep));
	assert_int_equal(rep.c.n, 2);
	assert_non_null(rep.c.v[0].ret);
	assert_int_equal(rep.c.v[0].ret_kind, RET_OTHER);
	report_free(&rep);
	/* with it: the returner is known as the user's monitor */
	assert_int_equal(report_build(&rep, traces, 1, &(struct report_opts){ .vm = "111", .hook_pattern = "restore-*" }, err, sizeof(err)), 0);
	assert_null(find(&rep, F_NO_HOOK, NULL));
	assert_false(report_has_findings(&rep));
	assert_int_equal(rep.c.v[0].ret_kind, RET_MONITOR);
	report_free(&rep);
}

static void test_stub_without_vm_udev(void **state)
{
	struct gt_task drvctl = tb_task(9000, "driverctl", 8990, "(udev-worker)", 512, "systemd-udevd", 0);
	struct run r = { 0 };
	struct report rep;
	const struct finding *f;

	tb_open(&r.b, dir, "udev.gtrace", "fentry");
	tb_pci(&r.b, GPU, "10de", "1b80", "nouveau");
	strcpy(drvctl.unit, "systemd-udevd.service");
	tb_write(&r.b, 100, &drvctl, "/sys/devices/pci0000:00/0000:00:01.0/0000:0a:00.0/driver_override", "vfio-pci");
	reprobe_to_vfio(&r, 110, &drvctl, GPU, "nouveau");
	assert_int_equal(build(&r, NULL, &rep), 0);
	f = find(&rep, F_STUB_WITHOUT_VM, GPU);
	assert_non_null(f);
	assert_int_equal(f->mech, MECH_OVERRIDE);
	assert_string_equal(f->culprit.unit, "systemd-udevd.service");
	report_free(&rep);
}

/* 3,000 writes, each by its own process: the model's task store grows
 * past its first blocks, and every write still names its own writer (a
 * block that moved or was overrun would show another's pid or comm). */
static void test_writes_of_many_tasks(void **state)
{
	const uint32_t n = 3000;
	struct report rep;
	struct run r;
	char comm[GT_COMM_LEN];
	size_t seen = 0;

	open_with_gpu(&r, "many-tasks.gtrace");
	for (uint32_t i = 0; i < n; i++) {
		struct gt_task t;

		snprintf(comm, sizeof(comm), "w%u", i);
		t = tb_task(10000 + i, comm, 1, "systemd", 0);
		tb_write(&r.b, 61000 + i * 0.01, &t, "/sys/bus/pci/devices/0000:0a:00.0/driver_override",
			 "vfio-pci");
	}
	assert_int_equal(build(&r, NULL, &rep), 0);
	for (size_t i = 0; i < rep.m.n_writes; i++) {
		const struct gt_task *t = rep.m.writes[i].task;

		snprintf(comm, sizeof(comm), "w%u", t->pid - 10000);
		assert_string_equal(t->comm, comm);
		assert_int_equal(t->ppid, 1);
		seen++;
	}
	assert_int_equal(seen, n);
	report_free(&rep);
}

/* Many devices, each bound to a stub once, outside any VM (the shape that
 * made stub_without_vm quadratic: a walk of every transition per finding).
 * Each is a finding, and what came before each bind is still told: the
 * snapshot's driver, the last unbind, a re-add within the start window
 * (one 20 s old is not). */
static void test_stub_binds_of_many_devices(void **state)
{
	struct gt_task w = tb_task(5300, "gpu-watchdog", 1, "systemd", 0);
	const long n = 40000;
	const struct finding *f;
	struct report rep;
	struct run r;
	size_t stub = 0;
	char bdf[PCI_BDF_LEN];

	proxmox_vm_runs(&r, "fentry", "many-devices.gtrace");
	proxmox_hook(&r, 60100, "both", 0);
	tb_pci(&r.b, "0002:00:00.0", "10de", "1b80", "nouveau");
	tb_drv(&r.b, 60990, &w, GT_EV_BIND, "0002:00:00.0", "vfio-pci", 0);
	tb_pci(&r.b, "0002:00:01.0", "10de", "1b80", "nouveau");
	tb_drv(&r.b, 60991, &w, GT_EV_UNBIND, "0002:00:01.0", "nouveau", 0);
	tb_drv(&r.b, 60992, &w, GT_EV_BIND, "0002:00:01.0", "vfio-pci", 0);
	tb_uevent(&r.b, 40000, "remove", "0002:00:02.0", NULL);
	tb_uevent(&r.b, 40001, "add", "0002:00:02.0", NULL);
	tb_uevent(&r.b, 60000, "remove", "0002:00:03.0", NULL);
	tb_uevent(&r.b, 60001, "add", "0002:00:03.0", NULL);
	tb_drv(&r.b, 60993, &w, GT_EV_BIND, "0002:00:02.0", "vfio-pci", 0);
	tb_drv(&r.b, 60994, &w, GT_EV_BIND, "0002:00:03.0", "vfio-pci", 0);
	for (long i = 0; i < n; i++) {
		snprintf(bdf, sizeof(bdf), "0001:%02lx:%02lx.%ld", (i >> 8) & 0xff, (i >> 3) & 0x1f, i & 7);
		tb_drv(&r.b, 61000 + i * 0.01, &w, GT_EV_BIND, bdf, "vfio-pci", 0);
	}
	assert_int_equal(build(&r, NULL, &rep), 0);
	for (size_t i = 0; i < rep.f.n; i++)
		stub += rep.f.v[i].kind == F_STUB_WITHOUT_VM;
	/* the generated names repeat every 65,536 devices: all distinct here */
	assert_int_equal(stub, n + 4);
	assert_non_null(f = find(&rep, F_STUB_WITHOUT_VM, "0001:9c:07.7"));
	assert_string_equal(f->driver_from, "");
	assert_string_equal(f->driver_to, "vfio-pci");
	assert_non_null(f = find(&rep, F_STUB_WITHOUT_VM, "0002:00:00.0"));
	assert_string_equal(f->driver_from, "nouveau");
	assert_non_null(f = find(&rep, F_STUB_WITHOUT_VM, "0002:00:01.0"));
	assert_string_equal(f->driver_from, "");
	assert_non_null(f = find(&rep, F_STUB_WITHOUT_VM, "0002:00:02.0"));
	assert_null(strstr(f->chain, "re-added"));
	assert_non_null(f = find(&rep, F_STUB_WITHOUT_VM, "0002:00:03.0"));
	assert_non_null(strstr(f->chain, "removed and re-added"));
	report_free(&rep);
}

/* The timeline row whose text starts with WHAT, the last such. */
static const struct tl_row *row_of(const struct report *rep, const char *what)
{
	const struct tl_row *found = NULL;

	for (size_t i = 0; i < rep->n_rows; i++)
		if (!strncmp(rep->rows[i].what, what, strlen(what)))
			found = &rep->rows[i];
	return found;
}

/* Two recordings, each "trace.gtrace" in its own directory, given for VM
 * 111: their phases are told apart ("trace #1", "trace #2"), and the state
 * by phase is of the VM's devices only, not of every function the
 * recorder followed. */
static void test_phases_of_same_named_files(void **state)
{
	char sub[2][300];
	const char *traces[2];
	char *buf = NULL, err[256];
	struct report rep;
	size_t len = 0;
	struct run r;
	FILE *fp;

	struct gt_task kvm = tb_task(4021, "kvm", 1, "systemd", 0);

	for (int k = 0; k < 2; k++) {
		snprintf(sub[k], sizeof(sub[k]), "%s/run%d", dir, k);
		assert_int_equal(mkdir(sub[k], 0700), 0);
		/* a baseline, then the problem an hour later */
		tb_open_at(&r.b, dir, k ? "run1/trace.gtrace" : "run0/trace.gtrace", "fentry",
			   1750000000000000000ull + k * 3600000000000ull);
		r.uevents = false;
		tb_pci(&r.b, GPU, "10de", "1b80", "vfio-pci");
		tb_exec(&r.b, 100, &kvm, "/usr/bin/kvm -id 111 -device vfio-pci,host=0000:0a:00.0");
		tb_exit(&r.b, 1000, &kvm, 0);
		tb_state(&r.b, 500, GPU, "bind", NULL, k ? "vfio-pci" : "nouveau", "D0", "active");
		tb_state(&r.b, 500, "0000:00:1f.0", "bind", NULL, "lpc_ich", "D0", "active");
		tb_close(&r.b);
		traces[k] = strdup(r.b.path);
	}
	assert_int_equal(report_build(&rep, traces, 2, &(struct report_opts){ .vm = "111" }, err, sizeof(err)), 0);
	assert_int_equal(rep.m.n_phases, 2);
	assert_string_equal(rep.m.phases[0].name, "trace #1");
	assert_string_equal(rep.m.phases[1].name, "trace #2");
	fp = open_memstream(&buf, &len);
	report_render_text(fp, &rep, false, false);
	fclose(fp);
	assert_non_null(strstr(buf, "DEVICE STATE BY PHASE"));
	assert_non_null(strstr(buf, "\n" GPU "\n"));
	assert_null(strstr(buf, "0000:00:1f.0"));
	free(buf);
	report_free(&rep);
	free((char *)traces[0]);
	free((char *)traces[1]);
}

/* A --phase or --vm longer than the error buffer (anyone can type one):
 * the error is cut to fit, never written past it. */
static void test_unknown_names_longer_than_the_error(void **state)
{
	struct gt_task sh = tb_task(300, "sh", 1, "systemd", 0);
	enum { ERRLEN = 64 };
	static char name[2000], err[ERRLEN + 8192];	/* past ERRLEN: must stay untouched */
	const char *traces[1];
	struct report rep;
	struct tb b;

	tb_open(&b, dir, "plain.gtrace", "fentry");
	tb_exec(&b, 10, &sh, "sh -c true");
	tb_close(&b);
	traces[0] = b.path;
	memset(name, 'x', sizeof(name) - 1);
	for (int k = 0; k < 2; k++) {
		memset(err, 0xaa, sizeof(err));
		assert_int_equal(report_build(&rep, traces, 1, k ? &(struct report_opts){ .vm = name } :
					      &(struct report_opts){ .phase = name }, err, ERRLEN), -ENOENT);
		assert_int_equal(strlen(err), ERRLEN - 1);
		assert_memory_equal(err, k ? "no VM 'xxx" : "no phase 'xxx", k ? 10 : 13);
		for (size_t i = ERRLEN; i < sizeof(err); i++)
			assert_int_equal((unsigned char)err[i], 0xaa);
		report_free(&rep);
	}
}

/* --vm takes a Proxmox VM's name (-name, as 'qm list' shows it) for its
 * id; an unknown one lists each id once, however many runs. */
static void test_vm_by_name(void **state)
{
	const char *traces[1];
	struct report rep;
	struct run r;
	char err[256];

	proxmox_vm_runs(&r, "fentry", "named.gtrace");
	proxmox_hook(&r, 60100, "both", 0);
	tb_exec(&r.b, 70000, &(struct gt_task){ .pid = 7100, .tid = 7100, .comm = "kvm" },
		"/usr/bin/kvm -id 111 -name vm111,debug-threads=on -pidfile /var/run/qemu-server/111.pid");
	tb_close(&r.b);
	traces[0] = r.b.path;
	assert_int_equal(report_build(&rep, traces, 1, &(struct report_opts){ .vm = "vm111" }, err, sizeof(err)), 0);
	assert_string_equal(rep.vm, "111");
	report_free(&rep);
	assert_int_equal(report_build(&rep, traces, 1, &(struct report_opts){ .vm = "vm112" }, err, sizeof(err)),
			 -ENOENT);
	assert_non_null(strstr(err, "; known: 111"));
	assert_null(strstr(err, "111, 111"));
	report_free(&rep);
}

/* A trace of nothing the report is about (the wrong host, the wrong
 * moment): said in one plain line, and the tracepoint backend's limit on
 * driver outcomes is not, with no driver change to be about. */
static void test_trace_of_nothing(void **state)
{
	struct gt_task sh = tb_task(300, "sh", 1, "systemd", 0);
	const char *traces[1];
	char *buf = NULL, err[256];
	struct report rep;
	size_t len = 0;
	struct tb b;
	FILE *fp;

	tb_open(&b, dir, "nothing.gtrace", "tracepoint");
	tb_exec(&b, 10, &sh, "sh -c true");
	tb_exit(&b, 20, &sh, 0);
	tb_close(&b);
	traces[0] = b.path;
	assert_int_equal(report_build(&rep, traces, 1, &(struct report_opts){ 0 }, err, sizeof(err)), 0);
	assert_int_equal(rep.f.n, 0);
	fp = open_memstream(&buf, &len);
	report_render_text(fp, &rep, false, false);
	fclose(fp);
	assert_non_null(strstr(buf, "\nno VM run and no driver change in this trace\n"));
	free(buf);
	report_free(&rep);
}

/* A quick restart: VM 111 stops, its hook returns the GPU, and qm starts
 * it again (pre-start hook, then its binds). The timeline shows both runs'
 * start and stop, and the second start's rows are not counted "after hook
 * exit" of the first stop: they are the next custody's. A rogue's write
 * before that start is. */
static void test_restart_timeline(void **state)
{
	struct gt_task qm = tb_task(7000, "qm", 1200, "pvedaemon worke", 1, "systemd", 0);
	struct gt_task pre = tb_task(7010, "gpu-reattach-ho", 7000, "qm", 0);
	struct gt_task kvm = tb_task(7100, "kvm", 7000, "qm", 0);
	struct gt_task w = tb_task(5300, "gpu-watchdog", 1, "systemd", 0);
	size_t starts = 0, stops = 0;
	const struct tl_row *x;
	struct report rep;
	struct run r;

	proxmox_vm_runs(&r, "fentry", "restart.gtrace");
	proxmox_hook(&r, 60100, "both", 0);
	tb_write(&r.b, 61500, &w, "/sys/bus/pci/devices/0000:0a:00.0/power/control", "on");
	tb_exec(&r.b, 70000, &qm, "/usr/bin/perl /usr/sbin/qm start 111");
	tb_exec(&r.b, 70010, &pre, "/var/lib/vz/snippets/gpu-reattach-hook.pl 111 pre-start");
	tb_exit(&r.b, 70020, &pre, 0);
	move(&r, 70100, &qm, GPU, "nouveau", "vfio-pci");
	tb_exec(&r.b, 70200, &kvm, "/usr/bin/kvm -id 111 -name vm111 -pidfile /var/run/qemu-server/111.pid");
	tb_exit(&r.b, 90000, &kvm, 0);
	assert_int_equal(build(&r, "111", &rep), 0);
	for (size_t i = 0; i < rep.n_rows; i++) {
		starts += !strncmp(rep.rows[i].what, "VM 111 started", 14);
		stops += !strncmp(rep.rows[i].what, "VM 111 stopped", 14);
	}
	assert_int_equal(starts, 2);
	assert_int_equal(stops, 2);
	assert_non_null(x = row_of(&rep, "write \"on\" to /sys/bus/pci/devices/0000:0a:00.0/power/control"));
	assert_true(x->after_hook);
	assert_non_null(x = row_of(&rep, "write \"" GPU "\" to /sys/bus/pci/drivers/vfio-pci/bind"));
	assert_true(x->ts_ns > rep.m.vms[0].stop_ns);
	assert_false(x->after_hook);
	report_free(&rep);
}

/* 40,000 post-stop hook runs (the shape that made the timeline's "after
 * hook exit" quadratic: every row against every hook): each a hook run of
 * VM 111, and a row's delay counts from the last one's exit before it. */
static void test_many_hook_runs(void **state)
{
	struct gt_task w = tb_task(5300, "gpu-watchdog", 1, "systemd", 0);
	const long n = 40000;
	const struct tl_row *x;
	struct report rep;
	struct run r;

	proxmox_vm_runs(&r, "fentry", "many-hooks.gtrace");
	proxmox_hook(&r, 60100, "both", 0);
	for (long i = 0; i < n; i++) {
		struct gt_task t = tb_task(100000 + i, "x", 1, "systemd", 0);

		tb_exec(&r.b, 61000 + i * 0.01, &t, "/var/lib/vz/snippets/gpu-reattach-hook.pl 111 post-stop");
		tb_exit(&r.b, 61000 + i * 0.01 + 0.005, &t, 0);
	}
	reprobe_to_vfio(&r, 70000, &w, GPU, "nouveau");
	assert_int_equal(build(&r, "111", &rep), 0);
	assert_int_equal(rep.m.n_hooks, n + 1);
	assert_non_null(x = row_of(&rep, "VM 111 started"));
	assert_false(x->after_hook);
	/* the last run exited at 61400 ms, the bind came at 70010.5 (the
	 * first run of the story exited at 61000) */
	assert_non_null(x = row_of(&rep, GPU " -> vfio-pci"));
	assert_true(x->after_hook);
	assert_true(x->delay_s > 8.60 && x->delay_s < 8.62);
	assert_non_null(find(&rep, F_REBIND_AFTER_RETURN, GPU));
	report_free(&rep);
}

/* 40,000 VM runs (the shape that made the stop command's search and the
 * one-timeline-per-VM rule quadratic): each its own VM, a stop asked for
 * one of them while it ran, and one asked for before another started. */
static void test_many_vm_runs(void **state)
{
	struct gt_task qm = tb_task(7000, "qm", 1200, "pvedaemon worke", 1, "systemd", 0);
	struct gt_task early = tb_task(7001, "qm", 1200, "pvedaemon worke", 1, "systemd", 0);
	const long n = 40000;
	struct report rep;
	struct run r;
	char argv[128];
	int seen = 0;

	proxmox_vm_runs(&r, "fentry", "many-vms.gtrace");
	proxmox_hook(&r, 60100, "both", 0);
	tb_exec(&r.b, 60500, &early, "/usr/bin/perl /usr/sbin/qm stop 1006");
	for (long i = 0; i < n; i++) {
		struct gt_task t = tb_task(100000 + i, "kvm", 1, "systemd", 0);

		snprintf(argv, sizeof(argv), "/usr/bin/kvm -id %ld -name vm", 1000 + i);
		tb_exec(&r.b, 61000 + i * 0.01, &t, argv);
	}
	tb_exec(&r.b, 62000, &qm, "/usr/bin/perl /usr/sbin/qm stop 1005");
	assert_int_equal(build(&r, NULL, &rep), 0);
	assert_int_equal(rep.m.n_vms, n + 1);
	for (size_t i = 0; i < rep.m.n_vms; i++) {
		const struct m_vm *vm = &rep.m.vms[i];

		if (!strcmp(vm->id, "1005") || !strcmp(vm->id, "1006") || !strcmp(vm->id, "111")) {
			assert_int_equal(vm->stop_requested, !strcmp(vm->id, "1005"));
			seen++;
		}
	}
	assert_int_equal(seen, 3);
	assert_non_null(row_of(&rep, "VM 40999 started"));
	assert_non_null(row_of(&rep, "VM 111 stopped"));
	report_free(&rep);
}

/* 20,000 processes in systemd units and 2,000 VMs (the shape that made
 * finding a unit's VM quadratic: every unit against every VM id): a unit
 * named "@ID." or "-ID." after a VM is a hook run of that VM, the id may
 * hold dots, and a unit naming no VM, or a scope, is none. */
static void test_many_units_and_vms(void **state)
{
	struct gt_task web = tb_task(199999, "kvm", 1, "systemd", 0);
	struct gt_task mon = tb_task(99999, "x", 1, "systemd", 0);
	const long n = 20000, n_vms = 2000;
	struct report rep;
	struct run r;
	char argv[128];
	size_t units = 0;

	proxmox_vm_runs(&r, "fentry", "many-units.gtrace");
	proxmox_hook(&r, 60100, "both", 0);
	for (long v = 0; v < n_vms; v++) {
		struct gt_task k = tb_task(200000 + v, "kvm", 1, "systemd", 0);

		snprintf(argv, sizeof(argv), "/usr/bin/kvm -id %ld -name vm", 1000 + v);
		tb_exec(&r.b, 61000 + v * 0.01, &k, argv);
	}
	tb_exec(&r.b, 61500, &web, "/usr/bin/kvm -id web.1 -name web");
	for (long i = 0; i < n; i++) {
		struct gt_task t = tb_task(100000 + i, "x", 1, "systemd", 0);

		if (i % 10 == 0)
			snprintf(t.unit, sizeof(t.unit), "vm-monitor@%ld.service", 1000 + i / 10);
		else if (i % 10 == 1)
			snprintf(t.unit, sizeof(t.unit), "gpu-%ld.service", 1000 + i / 10);
		else if (i % 10 == 2)
			snprintf(t.unit, sizeof(t.unit), "run-%ld.scope", 1000 + i / 10);
		else
			snprintf(t.unit, sizeof(t.unit), "user-runtime-dir@0.service");
		tb_exec(&r.b, 62000 + i * 0.01, &t, "/bin/sh -c x");
		tb_exit(&r.b, 62000 + i * 0.01 + 0.005, &t, 0);
	}
	snprintf(mon.unit, sizeof(mon.unit), "mon@web.1.service");
	tb_exec(&r.b, 63000, &mon, "/bin/sh -c x");
	assert_int_equal(build(&r, NULL, &rep), 0);
	assert_int_equal(rep.m.n_vms, n_vms + 2);
	for (size_t i = 0; i < rep.m.n_hooks; i++) {
		const struct m_hook *h = &rep.m.hooks[i];
		char want[64];

		if (strcmp(h->phase, "unit"))
			continue;
		units++;
		if (h->proc->pid == 99999) {
			assert_string_equal(h->vm, "web.1");
			continue;
		}
		assert_int_equal((h->proc->pid - 100000) % 10 < 2, 1);
		snprintf(want, sizeof(want), "%u", 1000 + (h->proc->pid - 100000) / 10);
		assert_string_equal(h->vm, want);
	}
	assert_int_equal(units, n / 10 * 2 + 1);
	report_free(&rep);
}

/* 10,000 hook runs and 40,000 journal lines (the shape that made a
 * line's hook quadratic: every line against every hook): a line of a hook
 * run's process, or of a unit named after the VM, is in its timeline. */
static void test_many_journal_lines_and_hooks(void **state)
{
	const long n = 40000, n_hooks = 10000;
	struct report rep;
	struct run r;
	char msg[64];
	size_t lines = 0;

	proxmox_vm_runs(&r, "fentry", "many-lines.gtrace");
	proxmox_hook(&r, 60100, "both", 0);
	for (long i = 0; i < n_hooks; i++) {
		struct gt_task t = tb_task(100000 + i, "gpu-reattach-ho", 1, "systemd", 0);

		tb_exec(&r.b, 61000 + i * 0.01, &t, "/var/lib/vz/snippets/gpu-reattach-hook.pl 111 post-stop");
		tb_exit(&r.b, 61000 + i * 0.01 + 0.005, &t, 0);
	}
	for (long i = 0; i < n; i++) {
		/* one in 100 from a hook run, one in 7 of a unit of VM 111 */
		uint32_t pid = i % 100 ? 300000 + i : 100000 + i / 100;

		snprintf(msg, sizeof(msg), "line %ld", i);
		tb_journal(&r.b, 62000 + i * 0.01, pid, "x", i % 7 ? "x.service" : "mon@111.service", 5, msg);
	}
	assert_int_equal(build(&r, "111", &rep), 0);
	assert_int_equal(rep.m.n_hooks, n_hooks + 1);
	for (size_t i = 0; i < rep.n_rows; i++) {
		long k;

		if (sscanf(rep.rows[i].what, "journal: line %ld", &k) != 1)
			continue;
		assert_true(k % 100 == 0 || k % 7 == 0);
		lines++;
	}
	for (long i = 0; i < n; i++)
		lines -= i % 100 == 0 || i % 7 == 0;
	assert_int_equal(lines, 0);
	report_free(&rep);
}

/* 2,000 VMs, each with a device of its own (the shape that made every
 * timeline walk every event: 2k VMs and 137k events took 4.2 s): a VM's
 * timeline holds its own device's bind, write and kernel line and no
 * other's; a new_id write, and the journal of a --hook process that names
 * no VM, are every VM's; a unit named after a VM id with a dot in it is
 * that VM's alone. */
static void test_many_vms_own_devices(void **state)
{
	const long n = 2000;
	struct gt_task watch = tb_task(7000, "gpu-watch", 1, "systemd", 0);
	const char *traces[1];
	struct report rep;
	struct run r;
	char buf[160], bdf[16], err[256];
	long *own, every = 0, dotted = 0;

	tb_open(&r.b, dir, "many-vms.gtrace", "fentry");
	tb_exec(&r.b, 1, &watch, "/usr/local/bin/gpu-watch --loop");
	tb_write(&r.b, 2, &watch, "/sys/bus/pci/drivers/vfio-pci/new_id", "10de 1b80");
	tb_journal(&r.b, 3, 7000, "gpu-watch", "gpu-watch.service", 6, "watching");
	for (long i = 0; i < n; i++) {
		struct gt_task kvm = tb_task(200000 + i, "kvm", 3990, "qm", 0);
		double ms = 10 + i * 0.1;

		snprintf(bdf, sizeof(bdf), "0001:%02lx:%02lx.%ld", (i >> 8) & 0xff, (i >> 3) & 0x1f, i & 7);
		snprintf(buf, sizeof(buf), "/usr/bin/kvm -id %ld -device vfio-pci,host=%s", 1000 + i, bdf);
		tb_exec(&r.b, ms, &kvm, buf);
		snprintf(buf, sizeof(buf), "/sys/bus/pci/devices/%s/driver_override", bdf);
		tb_write(&r.b, ms + 0.01, &kvm, buf, "vfio-pci");
		tb_drv(&r.b, ms + 0.02, &kvm, GT_EV_BIND, bdf, "vfio-pci", 0);
		snprintf(buf, sizeof(buf), "vfio-pci %s: enabling device", bdf);
		tb_kmsg(&r.b, ms + 0.03, 6, bdf, "device", buf);
	}
	{
		struct gt_task qemu = tb_task(300000, "qemu-system-x86", 1, "systemd", 0);

		tb_exec(&r.b, 500, &qemu, "/usr/bin/qemu-system-x86_64 -name guest=win10.gaming,debug-threads=on "
					  "-device vfio-pci,host=0002:00:00.0");
		tb_journal(&r.b, 501, 4000, "sh", "mon@win10.gaming.service", 6, "dotted unit");
		tb_journal(&r.b, 502, 4001, "sh", "mon@win10.service", 6, "no such VM");
	}
	tb_close(&r.b);
	traces[0] = r.b.path;
	assert_int_equal(report_build(&rep, traces, 1, &(struct report_opts){ .hook_pattern = "gpu-watch" },
				      err, sizeof(err)), 0);
	assert_int_equal(rep.m.n_vms, n + 1);
	own = calloc(n, sizeof(*own));
	assert_non_null(own);
	for (size_t i = 0; i < rep.n_rows; i++) {
		const struct tl_row *x = &rep.rows[i];
		long vm = strtol(x->vm, NULL, 10) - 1000;

		if (!strcmp(x->vm, "win10.gaming")) {
			assert_null(strstr(x->what, "no such VM"));
			dotted += strstr(x->what, "journal: dotted unit") != NULL;
			continue;
		}
		assert_in_range(vm, 0, n - 1);
		if (strstr(x->what, "new_id") || strstr(x->what, "journal: watching")) {
			every++;
			continue;
		}
		if (!strncmp(x->what, "VM ", 3) || !strncmp(x->what, "hook ", 5))
			continue;
		/* the rest names the VM's own device */
		snprintf(bdf, sizeof(bdf), "0001:%02lx:%02lx.%ld", (vm >> 8) & 0xff, (vm >> 3) & 0x1f, vm & 7);
		assert_non_null(strstr(x->what, bdf));
		own[vm]++;
	}
	for (long i = 0; i < n; i++)
		assert_int_equal(own[i], 3);	/* write, bind, kernel line */
	assert_int_equal(every, 2 * n);
	assert_int_equal(dotted, 1);
	free(own);
	report_free(&rep);
}

/* A libvirt VM with 40 functions passed through (a GPU server's slots
 * with all their functions): the model keeps 32, and the report says the
 * rest are not tied to the VM instead of staying silent; a VM within the
 * limit says nothing. */
static void test_vm_with_more_devices_than_kept(void **state)
{
	struct gt_task qemu = tb_task(4400, "qemu-system-x86", 1, "systemd", 0);
	struct gt_task small = tb_task(4500, "qemu-system-x86", 1, "systemd", 0);
	const struct finding *f;
	const char *traces[1];
	char argv[2048], err[256];
	struct report rep;
	struct run r;
	size_t used;

	tb_open(&r.b, dir, "many-devs.gtrace", "fentry");
	used = snprintf(argv, sizeof(argv), "/usr/bin/qemu-system-x86_64 -name guest=big");
	for (int i = 0; i < 40; i++)
		used += snprintf(argv + used, sizeof(argv) - used, " -device vfio-pci,host=0000:%02x:00.%d",
				 0x10 + i / 8, i % 8);
	tb_exec(&r.b, 100, &qemu, argv);
	tb_exec(&r.b, 200, &small, "/usr/bin/qemu-system-x86_64 -name guest=small "
				   "-device vfio-pci,host=0000:0a:00.0");
	tb_close(&r.b);
	traces[0] = r.b.path;
	assert_int_equal(report_build(&rep, traces, 1, &(struct report_opts){ 0 }, err, sizeof(err)), 0);
	assert_int_equal(rep.m.n_vms, 2);
	assert_int_equal(rep.m.vms[0].n_devs, 32);
	assert_true(rep.m.vms[0].devs_cut);
	assert_false(rep.m.vms[1].devs_cut);
	assert_non_null(f = find(&rep, F_LIMIT, NULL));
	assert_int_equal(f->severity, SEV_WARN);
	assert_string_equal(f->summary, "VM big holds more than 32 PCI devices: only the first 32 are "
			    "followed through its stop");
	assert_string_equal(f->vm, "big");
	report_free(&rep);
	/* a report of the other VM is not about it */
	assert_int_equal(report_build(&rep, traces, 1, &(struct report_opts){ .vm = "small" }, err,
				      sizeof(err)), 0);
	assert_null(find(&rep, F_LIMIT, NULL));
	report_free(&rep);
}

/* libvirt's command lines are long (-blockdev JSON): a hostdev named past
 * the GT_ARGS_MAX bytes the kernel side keeps is not tied to the VM. With
 * no domain XML in the trace the report says so; with it, the XML names
 * the device and nothing is said. A plain QEMU cut before any vfio-pci
 * device is said too: whether it held one is not known. */
static void test_vm_command_line_cut(void **state)
{
	struct gt_task qemu = tb_task(4400, "qemu-system-x86", 1, "systemd", 0);
	struct gt_task plain = tb_task(4600, "qemu-system-x86", 1, "systemd", 0);
	static char argv[GT_ARGS_MAX + 512];
	const struct finding *f;
	const char *traces[1];
	struct report rep;
	char err[256];
	struct run r;
	size_t used;

	for (int with_xml = 0; with_xml < 2; with_xml++) {
		tb_open(&r.b, dir, "argv-cut.gtrace", "fentry");
		tb_pci(&r.b, GPU, "10de", "1b80", "nouveau");
		if (with_xml)
			tb_file(&r.b, "/etc/libvirt/qemu/win10.xml",
				"<domain type='kvm'><name>win10</name><devices><hostdev mode='subsystem' "
				"type='pci' managed='yes'><source><address domain='0x0000' bus='0x0a' "
				"slot='0x00' function='0x0'/></source></hostdev></devices></domain>");
		used = snprintf(argv, sizeof(argv), "/usr/bin/qemu-system-x86_64 -name guest=win10");
		while (used < GT_ARGS_MAX)
			used += snprintf(argv + used, sizeof(argv) - used, " -blockdev "
					 "{\"driver\":\"file\",\"filename\":\"/var/lib/libvirt/images/d.qcow2\"}");
		snprintf(argv + used, sizeof(argv) - used, " -device vfio-pci,host=0000:0a:00.0");
		tb_exec(&r.b, 100, &qemu, argv);
		tb_exit(&r.b, 5000, &qemu, 0);
		tb_close(&r.b);
		traces[0] = r.b.path;
		assert_int_equal(report_build(&rep, traces, 1, &(struct report_opts){ .vm = "win10" }, err,
					      sizeof(err)), 0);
		assert_int_equal(rep.m.n_vms, 1);
		assert_int_equal(rep.m.vms[0].n_devs, with_xml);
		f = find(&rep, F_LIMIT, NULL);
		if (with_xml) {
			assert_null(f);
		} else {
			assert_non_null(f);
			assert_int_equal(f->severity, SEV_WARN);
			assert_string_equal(f->vm, "win10");
			assert_non_null(strstr(f->summary, "the command line of VM win10 (pid 4400) was longer "
						     "than the 4096 bytes recorded"));
		}
		report_free(&rep);
	}
	/* the recorder completed the command line from /proc (a PROCESS
	 * record of phase exec): the device is known, nothing is said */
	tb_open(&r.b, dir, "argv-completed.gtrace", "fentry");
	tb_pci(&r.b, GPU, "10de", "1b80", "nouveau");
	used = snprintf(argv, sizeof(argv), "/usr/bin/qemu-system-x86_64 -name guest=win10");
	while (used < GT_ARGS_MAX)
		used += snprintf(argv + used, sizeof(argv) - used, " -blockdev {}");
	snprintf(argv + used, sizeof(argv) - used, " -device vfio-pci,host=0000:0a:00.0");
	tb_exec(&r.b, 100, &qemu, argv);
	for (char *c = argv; *c; c++)
		*c = *c == ' ' ? '\0' : *c;
	trace_writer_kv_begin(r.b.w, GT_REC_PROCESS, TB_MS(100));
	trace_writer_kv_str(r.b.w, "phase", "exec");
	trace_writer_kv_u64(r.b.w, "pid", 4400);
	trace_writer_kv_add(r.b.w, "cmdline", argv, used + strlen(" -device vfio-pci,host=0000:0a:00.0") + 1);
	trace_writer_kv_end(r.b.w);
	tb_exit(&r.b, 5000, &qemu, 0);
	tb_close(&r.b);
	traces[0] = r.b.path;
	assert_int_equal(report_build(&rep, traces, 1, &(struct report_opts){ .vm = "win10" }, err,
				      sizeof(err)), 0);
	assert_int_equal(rep.m.vms[0].n_devs, 1);
	assert_null(find(&rep, F_LIMIT, NULL));
	report_free(&rep);

	/* a plain QEMU cut before its first -device: no VM, but said */
	tb_open(&r.b, dir, "argv-cut-plain.gtrace", "fentry");
	used = snprintf(argv, sizeof(argv), "/usr/bin/qemu-system-x86_64");
	while (used < GT_ARGS_MAX)
		used += snprintf(argv + used, sizeof(argv) - used, " -drive file=/srv/disk.img,if=virtio");
	snprintf(argv + used, sizeof(argv) - used, " -device vfio-pci,host=0000:0a:00.0");
	tb_exec(&r.b, 100, &plain, argv);
	tb_close(&r.b);
	traces[0] = r.b.path;
	assert_int_equal(report_build(&rep, traces, 1, &(struct report_opts){ 0 }, err, sizeof(err)), 0);
	assert_int_equal(rep.m.n_vms, 0);
	assert_non_null(f = find(&rep, F_LIMIT, NULL));
	assert_non_null(strstr(f->summary, "the command line of a QEMU process (pid 4600)"));
	report_free(&rep);
}

/* libvirt domain names may be long: a 100-character one is the VM's id
 * whole, so --vm finds it and its domain XML gives it its device (an id
 * cut at 63 bytes matched neither). */
static void test_long_domain_name(void **state)
{
	struct gt_task qemu = tb_task(4400, "qemu-system-x86", 1, "systemd", 0);
	char name[101], xml[512], argv[256], err[256];
	const char *traces[1];
	struct report rep;
	struct run r;

	memset(name, 'w', 100);
	name[100] = 0;
	memcpy(name, "gaming-", 7);
	tb_open(&r.b, dir, "long-name.gtrace", "fentry");
	tb_pci(&r.b, GPU, "10de", "1b80", "nouveau");
	snprintf(xml, sizeof(xml), "<domain type='kvm'><name>%s</name><devices><hostdev "
		 "mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' "
		 "bus='0x0a' slot='0x00' function='0x0'/></source></hostdev></devices></domain>", name);
	snprintf(argv, sizeof(argv), "/etc/libvirt/qemu/%s.xml", name);
	tb_file(&r.b, argv, xml);
	snprintf(argv, sizeof(argv), "/usr/bin/qemu-system-x86_64 -name guest=%s,debug-threads=on", name);
	tb_exec(&r.b, 100, &qemu, argv);
	tb_exit(&r.b, 5000, &qemu, 0);
	tb_close(&r.b);
	traces[0] = r.b.path;
	assert_int_equal(report_build(&rep, traces, 1, &(struct report_opts){ .vm = name }, err,
				      sizeof(err)), 0);
	assert_int_equal(rep.m.n_vms, 1);
	assert_string_equal(rep.m.vms[0].id, name);
	assert_int_equal(rep.m.vms[0].n_devs, 1);
	assert_int_equal(rep.c.n, 1);
	report_free(&rep);
}

static void test_limits_lost_and_unknown_vm(void **state)
{
	const char *traces[1];
	struct report rep;
	struct run r;
	char err[256];

	proxmox_vm_runs(&r, "fentry", "lost.gtrace");
	proxmox_hook(&r, 60100, "both", 0);
	tb_counters(&r.b, 61000, 7);
	tb_close(&r.b);
	traces[0] = r.b.path;
	assert_int_equal(report_build(&rep, traces, 1, &(struct report_opts){ .vm = "222", .hook_pattern = NULL, .phase = NULL }, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "known: 111"));
	report_free(&rep);
	assert_int_equal(report_build(&rep, traces, 1, &(struct report_opts){ .vm = NULL, .hook_pattern = NULL, .phase = NULL }, err, sizeof(err)), 0);
	assert_non_null(find(&rep, F_LIMIT, NULL));
	assert_int_equal(find(&rep, F_LIMIT, NULL)->severity, SEV_WARN);
	report_free(&rep);
}

/* Counters from a crafted trace whose sum passes 2^64: as many as can be
 * counted, not the handful a wrapped sum would claim. */
static void test_lost_counters_do_not_wrap(void **state)
{
	struct report rep;
	struct run r;

	proxmox_vm_runs(&r, "fentry", "wrap.gtrace");
	trace_writer_kv_begin(r.b.w, GT_REC_COUNTERS, TB_MS(61000));
	trace_writer_kv_u64(r.b.w, "lost_sysfs", UINT64_MAX - 1);
	trace_writer_kv_u64(r.b.w, "lost_exec", 3);
	trace_writer_kv_end(r.b.w);
	assert_int_equal(build(&r, NULL, &rep), 0);
	assert_true(rep.m.lost == UINT64_MAX);
	report_free(&rep);
}

/* Runs of the recorder's programs the kernel skipped (another BPF program
 * on that CPU) are not said to be lost events: each may have been one.
 * Counted apart from the events the ring buffer dropped, through both
 * counters records of the recording (each the recording's total). */
static void test_runs_missed_are_not_events_known_lost(void **state)
{
	const struct finding *f;
	struct report rep;
	struct run r;

	for (int with_lost = 0; with_lost < 2; with_lost++) {
		proxmox_vm_runs(&r, "fentry", "missed.gtrace");
		for (int k = 1; k <= 2; k++) {
			trace_writer_kv_begin(r.b.w, GT_REC_COUNTERS, TB_MS(30000 * k));
			trace_writer_kv_u64(r.b.w, "lost_sysfs", with_lost ? 2 * k : 0);
			trace_writer_kv_u64(r.b.w, "lost_runs_missed", 4 * k);
			trace_writer_kv_end(r.b.w);
		}
		assert_int_equal(build(&r, NULL, &rep), 0);
		assert_int_equal(rep.m.lost, with_lost ? 12 : 8);
		assert_int_equal(rep.m.runs_missed, 8);
		assert_non_null(f = find(&rep, F_LIMIT, NULL));
		for (size_t i = 0; i < rep.f.n; i++)
			if (rep.f.v[i].kind == F_LIMIT && strstr(rep.f.v[i].summary, "skipped"))
				f = &rep.f.v[i];
		assert_int_equal(f->severity, SEV_WARN);
		assert_non_null(strstr(f->summary, "the kernel skipped 8 runs of the recorder's programs"));
		if (with_lost)
			assert_non_null(strstr(f->summary, "4 events were lost while recording; "));
		else
			assert_null(strstr(f->summary, "lost"));
		report_free(&rep);
	}
}

/* Events lost in each of two recordings (a baseline, then the problem):
 * both count, and the problem's rebind, near its own recording's loss, is
 * not a confident verdict, in whichever order the files are given (the
 * counters of a new recording start again at 0: the larger baseline's
 * once hid the problem's loss, and given first the problem's window was
 * lost). */
static void test_lost_in_each_recording(void **state)
{
	struct gt_task watchdog = tb_task(5300, "gpu-watchdog", 1, "systemd", 0);
	const char *traces[2], *reversed[2];
	const struct finding *f;
	struct report rep;
	struct run r;
	char err[256];

	tb_open_at(&r.b, dir, "baseline.gtrace", "fentry", 1750000000000000000ull - 3600000000000ull);
	tb_pci(&r.b, GPU, "10de", "1b80", "nouveau");
	tb_counters(&r.b, 30000, 1200);
	tb_close(&r.b);
	traces[0] = strdup(r.b.path);
	proxmox_vm_runs(&r, "fentry", "problem.gtrace");
	proxmox_hook(&r, 60100, "both", 0);
	override_to_vfio(&r, 61740, &watchdog);
	tb_counters(&r.b, 61800, 300);
	tb_close(&r.b);
	traces[1] = r.b.path;
	reversed[0] = traces[1];
	reversed[1] = traces[0];
	for (int order = 0; order < 2; order++) {
		assert_int_equal(report_build(&rep, order ? reversed : traces, 2,
					      &(struct report_opts){ .vm = "111" }, err, sizeof(err)), 0);
		assert_int_equal(rep.m.lost, 1500);
		assert_non_null(f = find(&rep, F_REBIND_AFTER_RETURN, GPU));
		assert_true(f->uncertain);
		assert_int_equal(f->severity, SEV_WARN);
		report_free(&rep);
	}
	free((void *)traces[0]);
}

/* A trace of a newer minor format (what it adds is not read here): said,
 * and what rests on an absence of events is not confident. */
static void test_newer_minor_format_is_a_limit(void **state)
{
	struct gt_task watchdog = tb_task(5300, "gpu-watchdog", 1, "systemd", 0);
	uint16_t minor = GT_FORMAT_MINOR + 1;
	const struct finding *f;
	const char *traces[1];
	struct report rep;
	char err[256];
	struct run r;
	FILE *fp;

	proxmox_vm_runs(&r, "fentry", "newer.gtrace");
	proxmox_hook(&r, 60100, "both", 0);
	override_to_vfio(&r, 61740, &watchdog);
	assert_int_equal(build(&r, NULL, &rep), 0);
	assert_null(find(&rep, F_LIMIT, NULL));
	report_free(&rep);
	traces[0] = r.b.path;
	fp = fopen(r.b.path, "r+b");		/* little-endian, as the writer puts it */
	assert_non_null(fp);
	assert_int_equal(fseek(fp, offsetof(struct gt_file_header, minor), SEEK_SET), 0);
	assert_int_equal(fputc(minor & 0xff, fp), minor & 0xff);
	assert_int_equal(fputc(minor >> 8, fp), minor >> 8);
	fclose(fp);
	assert_int_equal(report_build(&rep, traces, 1, &(struct report_opts){ 0 }, err, sizeof(err)), 0);
	assert_non_null(f = find(&rep, F_LIMIT, NULL));
	assert_int_equal(f->severity, SEV_WARN);
	assert_non_null(strstr(f->summary, "written by a newer gputrace"));
	report_free(&rep);
}

/* SIGKILL between two flushes leaves whole chunks and no END record: the
 * trace reads without error but must not pass for a finished recording. */
static void test_trace_without_end_is_truncated(void **state)
{
	const char *traces[1];
	struct report rep;
	struct run r;
	char err[256];

	proxmox_vm_runs(&r, "fentry", "killed.gtrace");
	tb_close_killed(&r.b);
	traces[0] = r.b.path;
	assert_int_equal(report_build(&rep, traces, 1, &(struct report_opts){ 0 }, err, sizeof(err)), 0);
	assert_true(rep.m.truncated);
	assert_non_null(find(&rep, F_LIMIT, NULL));
	report_free(&rep);

	proxmox_vm_runs(&r, "fentry", "ended.gtrace");
	tb_close(&r.b);
	traces[0] = r.b.path;
	assert_int_equal(report_build(&rep, traces, 1, &(struct report_opts){ 0 }, err, sizeof(err)), 0);
	assert_false(rep.m.truncated);
	report_free(&rep);
}

/* A file whose header record is gone (cut at its start, or edited): the
 * same events still name the culprit, but not with confidence, and the
 * report says why instead of showing a blank host. */
static void test_trace_without_header_is_not_confident(void **state)
{
	struct gt_task watchdog = tb_task(5300, "gpu-watchdog", 1, "systemd", 0);
	struct trace_record rec;
	struct trace_reader *rd;
	struct trace_writer *w;
	const struct finding *f;
	const char *traces[1];
	char headless[300], err[512];
	struct report rep;
	struct run r;

	proxmox_vm_runs(&r, "fentry", "headed.gtrace");
	proxmox_hook(&r, 60100, "both", 0);
	tb_exec(&r.b, 61700, &watchdog, "/usr/local/sbin/gpu-watchdog --fix");
	reprobe_to_vfio(&r, 61750, &watchdog, GPU, "nouveau");
	tb_close(&r.b);
	snprintf(headless, sizeof(headless), "%s/headless.gtrace", dir);
	assert_non_null(rd = trace_reader_open(r.b.path, err, sizeof(err)));
	assert_non_null(w = trace_writer_create(headless, true));
	while (trace_reader_next(rd, &rec) == 1)
		if (rec.type != GT_REC_HEADER)
			trace_writer_append(w, rec.type, rec.data, rec.len);
	trace_reader_close(rd);
	trace_writer_close(w);

	traces[0] = r.b.path;
	assert_int_equal(report_build(&rep, traces, 1, &(struct report_opts){ 0 }, err, sizeof(err)), 0);
	assert_int_equal(find(&rep, F_REBIND_AFTER_RETURN, GPU)->severity, SEV_HIGH);
	assert_false(rep.m.headless);
	report_free(&rep);

	traces[0] = headless;
	assert_int_equal(report_build(&rep, traces, 1, &(struct report_opts){ 0 }, err, sizeof(err)), 0);
	assert_true(rep.m.headless);
	assert_non_null(f = find(&rep, F_REBIND_AFTER_RETURN, GPU));
	assert_string_equal(f->culprit.comm, "gpu-watchdog");
	assert_true(f->uncertain);
	assert_int_equal(f->severity, SEV_WARN);
	assert_non_null(f = find(&rep, F_LIMIT, NULL));
	assert_non_null(strstr(f->summary, "no header record"));
	assert_string_equal(rep.m.hostname, "unknown");
	report_free(&rep);
}

/* The same file given twice, or a copy of it beside it in a directory:
 * read once, and said; a VM, its timeline and its findings not doubled. */
static void test_same_file_twice_read_once(void **state)
{
	struct gt_task watchdog = tb_task(5300, "gpu-watchdog", 1, "systemd", 0);
	char copy[300], cmd[700], err[512];
	const char *traces[3];
	const struct finding *f;
	struct report rep;
	struct run r;
	size_t highs = 0;

	proxmox_vm_runs(&r, "fentry", "once.gtrace");
	proxmox_hook(&r, 60100, "both", 0);
	tb_exec(&r.b, 61700, &watchdog, "/usr/local/sbin/gpu-watchdog --fix");
	reprobe_to_vfio(&r, 61750, &watchdog, GPU, "nouveau");
	tb_close(&r.b);
	snprintf(copy, sizeof(copy), "%s/once-copy.gtrace", dir);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", r.b.path, copy);
	assert_int_equal(system(cmd), 0);
	traces[0] = r.b.path;
	traces[1] = copy;
	traces[2] = r.b.path;
	assert_int_equal(report_build(&rep, traces, 3, &(struct report_opts){ 0 }, err, sizeof(err)), 0);
	assert_int_equal(rep.m.n_vms, 1);
	assert_int_equal(rep.m.n_repeated, 2);
	assert_int_equal(rep.m.n_phases, 0);
	for (size_t i = 0; i < rep.f.n; i++)
		highs += rep.f.v[i].severity == SEV_HIGH;
	assert_int_equal(highs, 1);
	assert_non_null(f = find(&rep, F_LIMIT, NULL));
	assert_int_equal(f->severity, SEV_INFO);
	assert_non_null(strstr(f->summary, "once-copy.gtrace repeats"));
	report_free(&rep);
}

/* baseline.gtrace and problem.gtrace, an hour apart (another boot: the
 * same monotonic times and pids): the transitions that differ stand out,
 * the rebind is reported once, and --phase keeps one window. */
static void test_phases_from_trace_files(void **state)
{
	struct gt_task watchdog = tb_task(5300, "gpu-watchdog", 1, "systemd", 0);
	const char *traces[2];
	struct report rep;
	struct run r;
	char err[256];
	size_t differs = 0, n_rebinds = 0;

	proxmox_vm_runs(&r, "fentry", "baseline.gtrace");
	proxmox_hook(&r, 60100, "both", 0);
	tb_close(&r.b);
	traces[0] = strdup(r.b.path);
	r.b.w = NULL;
	/* the same run, one hour later, on another boot, then the rogue */
	tb_open_at(&r.b, dir, "problem.gtrace", "fentry", 1750000000000000000ull + 3600000000000ull);
	tb_pci(&r.b, GPU, "10de", "1b80", "nouveau");
	tb_pci(&r.b, AUDIO, "10de", "10f0", "snd_hda_intel");
	tb_file(&r.b, "/etc/pve/qemu-server/111.conf", "hostpci0: 0000:0a:00\n");
	{
		struct gt_task qm = tb_task(3990, "qm", 1, "systemd", 0);
		struct gt_task kvm = tb_task(4021, "kvm", 3990, "qm", 0);

		tb_exec(&r.b, 100, &qm, "/usr/bin/perl /usr/sbin/qm start 111");
		move(&r, 120, &qm, GPU, "nouveau", "vfio-pci");
		move(&r, 150, &qm, AUDIO, "snd_hda_intel", "vfio-pci");
		tb_exec(&r.b, 200, &kvm, "/usr/bin/kvm -id 111");
		tb_exit(&r.b, 60000, &kvm, 0);
	}
	proxmox_hook(&r, 60100, "both", 0);
	override_to_vfio(&r, 61740, &watchdog);
	tb_close(&r.b);
	traces[1] = r.b.path;

	assert_int_equal(report_build(&rep, traces, 2, &(struct report_opts){ .vm = "111", .hook_pattern = NULL, .phase = NULL }, err, sizeof(err)), 0);
	assert_int_equal(rep.m.n_phases, 2);
	assert_string_equal(rep.m.phases[0].name, "baseline");
	assert_string_equal(rep.m.phases[1].name, "problem");
	for (size_t i = 0; i < rep.n_sigs; i++)
		if (rep.sigs[i].phases != 3) {
			differs++;
			assert_int_equal(rep.sigs[i].phases, 2);	/* problem only */
			assert_non_null(strstr(rep.sigs[i].sig, "gpu-watchdog"));
		}
	assert_int_equal(differs, 2);	/* its unbind and its bind */
	for (size_t i = 0; i < rep.f.n; i++)	/* once, not once per trace (and the boots said) */
		n_rebinds += rep.f.v[i].kind == F_REBIND_AFTER_RETURN;
	assert_int_equal(n_rebinds, 1);
	report_free(&rep);

	assert_int_equal(report_build(&rep, traces, 2, &(struct report_opts){ .vm = "111", .hook_pattern = NULL, .phase = "baseline" }, err, sizeof(err)), 0);
	for (size_t i = 0; i < rep.f.n; i++)	/* only what the traces cannot prove */
		assert_int_equal(rep.f.v[i].kind, F_LIMIT);
	assert_false(report_has_findings(&rep));
	report_free(&rep);
	assert_int_equal(report_build(&rep, traces, 2, &(struct report_opts){ .vm = "111", .hook_pattern = NULL, .phase = "recovery" }, err, sizeof(err)),
			 -ENOENT);
	assert_non_null(strstr(err, "known: baseline, problem"));
	report_free(&rep);
	free((char *)traces[0]);
}

static void test_phases_from_marks(void **state)
{
	struct report rep;
	struct run r;

	proxmox_vm_runs(&r, "fentry", "marks.gtrace");
	tb_mark(&r.b, 50, "problem-start");
	proxmox_hook(&r, 60100, "gpu", 0);
	tb_mark(&r.b, 61500, "problem-end");
	tb_mark(&r.b, 62000, "recovery");
	assert_int_equal(build(&r, "111", &rep), 0);
	assert_int_equal(rep.m.n_phases, 2);
	assert_string_equal(rep.m.phases[0].name, "problem");
	assert_true(rep.m.phases[0].end_ns < rep.m.phases[1].start_ns);
	assert_string_equal(rep.m.phases[1].name, "recovery");
	report_free(&rep);
}

static void test_renderers_carry_the_finding(void **state)
{
	struct gt_task watchdog = tb_task(5300, "gpu-watchdog", 1, "systemd", 0);
	const char *traces[1];
	char *buf = NULL, err[256];
	size_t len = 0;
	struct run r;
	FILE *fp;

	proxmox_vm_runs(&r, "fentry", "render.gtrace");
	proxmox_hook(&r, 60100, "both", 0);
	override_to_vfio(&r, 61740, &watchdog);
	tb_close(&r.b);
	traces[0] = r.b.path;
	for (int i = 0; i < 3; i++) {
		static const char *const fmts[] = { "text", "md", "json" };

		fp = open_memstream(&buf, &len);
		assert_int_equal(report_render_files(traces, 1, "111", fmts[i], fp, err, sizeof(err)), 0);
		fclose(fp);
		assert_non_null(strstr(buf, "gpu-watchdog"));
		assert_non_null(strstr(buf, i == 2 ? "\"kind\": \"rebind_after_return\"" : "rebound to vfio-pci"));
		if (i == 2)
			assert_non_null(strstr(buf, "\"mechanism_kind\": \"driver_override\""));
		if (i == 1)
			assert_non_null(strstr(buf, "| time | event |"));
		free(buf);
		buf = NULL;
	}
}

/* Text columns and the culprit line with what a trace can hold: a comm
 * with '|', '`' and ESC is shown whole (escaped, then never cut), a phase
 * named with a C1 control is cut on a whole escape, and a device that no
 * phase has a state of (only a snapshot before the first mark) gets no
 * rows of "?" with blank names. */
static void test_text_columns_and_culprit_escaped(void **state)
{
	struct gt_task rogue = tb_task(5300, "gpu|wd`\x1b|x|y|z", 1, "systemd", 0);	/* escaped: > 16 */
	const char *traces[1];
	char *buf = NULL, err[256], want[128];
	size_t len = 0;
	struct run r;
	FILE *fp;

	proxmox_vm_runs(&r, "fentry", "columns.gtrace");
	tb_mark(&r.b, 50, "problem-start");
	proxmox_hook(&r, 60100, "both", 0);
	override_to_vfio(&r, 61740, &rogue);
	tb_state(&r.b, 61800, GPU, "event", NULL, "vfio-pci", "D0", "active");
	tb_mark(&r.b, 61900, "problem-end");
	tb_mark(&r.b, 62000, "raw\xc2\x9b" "C1-recovery");
	tb_state(&r.b, 62100, GPU, "mark", NULL, "vfio-pci", "D0", "active");
	tb_close(&r.b);
	traces[0] = r.b.path;

	fp = open_memstream(&buf, &len);
	assert_int_equal(report_render_files(traces, 1, "111", "text", fp, err, sizeof(err)), 0);
	fclose(fp);
	assert_non_null(strstr(buf, "culprit: gpu|wd`\\x1b|x|y|z[5300]"));
	assert_non_null(strstr(buf, " raw\\xc2   \n"));	/* PHASES: 10 wide, cut before "\\x9b" */
	assert_null(strstr(buf, "\\x9 "));
	assert_non_null(strstr(buf, GPU "\n  attribute"));
	assert_null(strstr(buf, AUDIO "\n  attribute"));	/* no state in a phase */
	assert_non_null(strstr(buf, "\n  driver           vfio-pci"));
	free(buf);

	buf = NULL;
	fp = open_memstream(&buf, &len);
	assert_int_equal(report_render_files(traces, 1, "111", "md", fp, err, sizeof(err)), 0);
	fclose(fp);
	snprintf(want, sizeof(want), "culprit: %s[5300]", md_escape_str((char[64]){ 0 }, 64, rogue.comm));
	assert_non_null(strstr(buf, want));
	free(buf);
}

/* The page: a lane per function, the finding pinned on the GPU's lane and
 * linked to its text, and what a trace carries never taken for markup. */
static void test_html_pins_the_finding_and_escapes(void **state)
{
	struct gt_task watchdog = tb_task(5300, "gpu-watchdog", 1, "systemd", 0);
	struct gt_task evil = tb_task(6000, "<b>x&\xff", 1, "systemd", 0);
	const char *traces[1];
	char *buf = NULL, err[256];
	size_t len = 0;
	struct run r;
	FILE *fp;

	proxmox_vm_runs(&r, "fentry", "html.gtrace");
	proxmox_hook(&r, 60100, "both", 0);
	tb_write(&r.b, 61200, &evil, "/sys/bus/pci/devices/0000:0a:00.0/power/control",
		 "on\"><script>alert(1)</script>\xff");
	override_to_vfio(&r, 61740, &watchdog);
	tb_close(&r.b);
	traces[0] = r.b.path;
	fp = open_memstream(&buf, &len);
	assert_int_equal(report_render_files(traces, 1, "111", "html", fp, err, sizeof(err)), 0);
	fclose(fp);
	assert_non_null(strstr(buf, "<!DOCTYPE html>"));
	assert_non_null(strstr(buf, "<g class=\"lane\" data-bdf=\"" GPU "\""));
	assert_non_null(strstr(buf, "<g class=\"lane\" data-bdf=\"" AUDIO "\""));
	/* the bind onto vfio-pci (at 61760 ms: the builder keeps whole ms) starts
	 * an orange bar at its own time */
	assert_non_null(strstr(buf, "class=\"seg stub\""));
	assert_non_null(strstr(buf, "data-from=\"1750000061760000000\" data-driver=\"vfio-pci\""));
	assert_non_null(strstr(buf, "<a href=\"#finding-1\" class=\"finding HIGH\""));
	assert_non_null(strstr(buf, "<li id=\"finding-1\">"));
	assert_null(strstr(buf, "<script"));
	assert_null(strstr(buf, "<b>x"));
	/* comms and written values are raw bytes: what is not UTF-8
	 * becomes U+FFFD */
	assert_non_null(strstr(buf, "&lt;b&gt;x&amp;\xef\xbf\xbd[6000]"));
	assert_non_null(strstr(buf, "on&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\xef\xbf\xbd"));
	assert_null(strstr(buf, "http:") && strstr(buf, "src="));	/* nothing fetched */
	free(buf);
}

/* More devices than a picture has lanes: the first are drawn and the
 * page says the rest are not; --device draws any one of them. */
static void test_html_more_devices_than_lanes(void **state)
{
	struct gt_task w = tb_task(5300, "gpu-watchdog", 1, "systemd", 0);
	const char *traces[1];
	char *buf = NULL, err[256], bdf[16];
	struct report rep;
	size_t len = 0;
	struct run r;
	FILE *fp;
	int lanes = 0;

	proxmox_vm_runs(&r, "fentry", "lanes.gtrace");
	for (int i = 0; i < 40; i++) {
		snprintf(bdf, sizeof(bdf), "0000:%02x:00.0", 0x40 + i);
		tb_drv(&r.b, 61000 + i, &w, GT_EV_BIND, bdf, "vfio-pci", 0);
	}
	tb_close(&r.b);
	traces[0] = r.b.path;
	assert_int_equal(report_build(&rep, traces, 1, &(struct report_opts){ 0 }, err, sizeof(err)), 0);
	fp = open_memstream(&buf, &len);
	report_render_html(fp, &rep);
	fclose(fp);
	report_free(&rep);
	for (const char *p = buf; (p = strstr(p, "<g class=\"lane\" data-bdf=")); p++)
		lanes++;
	assert_true(lanes >= SVG_LANES_MAX);	/* the overview's, then the zoomed panels' */
	assert_non_null(strstr(buf, "More devices than the 32 lanes a picture has"));
	assert_null(strstr(buf, "data-bdf=\"0000:67:00.0\""));	/* the 40th */
	free(buf);
	buf = NULL;
	assert_int_equal(report_build(&rep, traces, 1, &(struct report_opts){ .device = "0000:67:00.0" },
				      err, sizeof(err)), 0);
	fp = open_memstream(&buf, &len);
	report_render_html(fp, &rep);
	fclose(fp);
	report_free(&rep);
	assert_non_null(strstr(buf, "<g class=\"lane\" data-bdf=\"0000:67:00.0\""));
	assert_null(strstr(buf, "More devices than"));
	free(buf);
}

/* More late moves than the page zooms (24 panels): the page says how many
 * were left out. Four functions of VM 111, each moved eight times long
 * after the stop. */
static void test_html_more_late_moves_than_panels(void **state)
{
	struct gt_task qm = tb_task(3990, "qm", 1, "systemd", 0);
	struct gt_task kvm = tb_task(4021, "kvm", 3990, "qm", 0);
	struct gt_task w = tb_task(5300, "gpu-watchdog", 1, "systemd", 0);
	const char *traces[1];
	char *buf = NULL, err[256], bdf[16];
	struct report rep;
	size_t len = 0;
	struct run r;
	FILE *fp;

	tb_open(&r.b, dir, "late-moves.gtrace", "fentry");
	r.uevents = false;
	for (int f = 0; f < 4; f++) {
		snprintf(bdf, sizeof(bdf), "0000:0a:00.%d", f);
		tb_pci(&r.b, bdf, "10de", "1b80", "nouveau");
	}
	tb_exec(&r.b, 100, &qm, "/usr/bin/perl /usr/sbin/qm start 111");
	tb_exec(&r.b, 200, &kvm, "/usr/bin/kvm -id 111 -device vfio-pci,host=0000:0a:00.0 "
		"-device vfio-pci,host=0000:0a:00.1 -device vfio-pci,host=0000:0a:00.2 "
		"-device vfio-pci,host=0000:0a:00.3");
	tb_exit(&r.b, 60000, &kvm, 0);
	for (int f = 0; f < 4; f++) {
		snprintf(bdf, sizeof(bdf), "0000:0a:00.%d", f);
		move(&r, 61000 + f * 10, &qm, bdf, NULL, "nouveau");
	}
	for (int k = 0; k < 8; k++)
		for (int f = 0; f < 4; f++) {
			double ms = 200000 + k * 20000 + f * 100;

			snprintf(bdf, sizeof(bdf), "0000:0a:00.%d", f);
			move(&r, ms, &w, bdf, "nouveau", "vfio-pci");
			move(&r, ms + 5000, &w, bdf, "vfio-pci", "nouveau");
		}
	tb_close(&r.b);
	traces[0] = r.b.path;
	assert_int_equal(report_build(&rep, traces, 1, &(struct report_opts){ .vm = "111" }, err,
				      sizeof(err)), 0);
	fp = open_memstream(&buf, &len);
	report_render_html(fp, &rep);
	fclose(fp);
	report_free(&rep);
	assert_non_null(strstr(buf, "more late moves off the host driver not zoomed"));
	free(buf);
}

/* libvirt clears driver_override with a lone newline: the text report
 * shows it as "\n", once escaped, as dump does; a control byte in a value
 * is escaped once and the value is not cut short by its escapes. */
static void test_written_value_escaped_once(void **state)
{
	struct gt_task libvirtd = tb_task(900, "libvirtd", 1, "systemd", 0);
	char long_value[GT_DATA_MAX], *buf = NULL, err[256];
	const char *traces[1];
	size_t len = 0;
	struct run r;
	FILE *fp;

	memset(long_value, '\x1b', sizeof(long_value) - 2);
	long_value[sizeof(long_value) - 2] = 'Z';
	long_value[sizeof(long_value) - 1] = 0;
	proxmox_vm_runs(&r, "fentry", "clear.gtrace");
	proxmox_hook(&r, 60100, "both", 0);
	tb_write(&r.b, 61200, &libvirtd, "/sys/bus/pci/devices/0000:0a:00.0/driver_override", "\n");
	tb_write(&r.b, 61300, &libvirtd, "/sys/bus/pci/devices/0000:0a:00.0/power/control", long_value);
	tb_close(&r.b);
	traces[0] = r.b.path;
	fp = open_memstream(&buf, &len);
	assert_int_equal(report_render_files(traces, 1, "111", "text", fp, err, sizeof(err)), 0);
	fclose(fp);
	assert_non_null(strstr(buf, "write \"\\n\" to /sys/bus/pci/devices/0000:0a:00.0/driver_override"));
	assert_null(strstr(buf, "\\\\n"));
	assert_null(strchr(buf, '\x1b'));
	assert_non_null(strstr(buf, "\\x1bZ\" to"));	/* the whole value, its last byte too */
	free(buf);
}

/* A recording whose clock spans years (months of uptime, or a damaged
 * clock) gets a few axis labels, not one a day. */
static void test_html_axis_over_years(void **state)
{
	struct gt_task watchdog = tb_task(5300, "gpu-watchdog", 1, "systemd", 0);
	const char *traces[1], *axis, *end;
	char *buf = NULL, err[256];
	size_t len = 0;
	int lines = 0;
	struct run r;
	FILE *fp;

	proxmox_vm_runs(&r, "fentry", "years.gtrace");
	tb_write(&r.b, 10 * 365.0 * 86400 * 1000, &watchdog,
		 "/sys/bus/pci/devices/0000:0a:00.0/driver_override", "vfio-pci");
	tb_close(&r.b);
	traces[0] = r.b.path;
	fp = open_memstream(&buf, &len);
	assert_int_equal(report_render_files(traces, 1, "111", "html", fp, err, sizeof(err)), 0);
	fclose(fp);
	assert_non_null(axis = strstr(buf, "<g class=\"axis\">"));
	assert_non_null(end = strstr(axis, "</g>"));
	for (const char *p = axis; (p = strstr(p, "<line")) && p < end; p++)
		lines++;
	assert_in_range(lines, 2, 12);
	free(buf);
}

/* A write in a function's directory has its bridge in the path too
 * (/sys/devices/pci0000:00/0000:00:01.0/0000:0a:00.3/...): it is the
 * function's, never the bridge's. The bridge's unbind that no write named
 * (AER recovery) has no actor, and a write to a function without a lane
 * is counted with the other writes, not drawn on the bridge's lane. */
static void test_child_write_is_not_the_bridges(void **state)
{
	struct gt_task tool = tb_task(7000, "gpu-reset", 1, "systemd", 0);
	struct gt_task tlp = tb_task(7100, "tlp", 1, "systemd", 0);
	const char *traces[1], *lane, *end;
	char *buf = NULL, err[256];
	const struct m_trans *bridge = NULL;
	size_t len = 0;
	struct report rep;
	struct run r;
	FILE *fp;

	proxmox_vm_runs(&r, "tracepoint", "bridge.gtrace");
	proxmox_hook(&r, 60100, "both", 0);
	tb_write(&r.b, 70000, &tool, "/sys/devices/pci0000:00/0000:00:01.0/0000:0a:00.0/remove", "1");
	tb_uevent(&r.b, 70001, "remove", GPU, NULL);
	tb_uevent(&r.b, 70002, "unbind", "0000:00:01.0", NULL);
	tb_write(&r.b, 70100, &tlp, "/sys/devices/pci0000:00/0000:00:01.0/0000:0a:00.3/power/control",
		 "auto");
	assert_int_equal(build(&r, NULL, &rep), 0);
	for (size_t i = 0; i < rep.m.n_trans; i++)
		if (!strcmp(rep.m.trans[i].bdf, "0000:00:01.0"))
			bridge = &rep.m.trans[i];
	assert_non_null(bridge);
	assert_int_equal(bridge->cause, -1);
	assert_false(bridge->task_known);
	assert_int_equal(model_knows_device(&rep.m, "0000:0a:00.3"), true);
	report_free(&rep);

	traces[0] = r.b.path;
	fp = open_memstream(&buf, &len);
	assert_int_equal(report_render_files(traces, 1, NULL, "html", fp, err, sizeof(err)), 0);
	fclose(fp);
	assert_non_null(lane = strstr(buf, "<g class=\"lane\" data-bdf=\"0000:00:01.0\""));
	assert_non_null(end = strstr(lane, "</g>"));
	assert_null(memmem(lane, end - lane, "gpu-reset", 9));
	assert_non_null(memmem(lane, end - lane, "by the kernel (no task seen)", 28));
	assert_non_null(strstr(buf, "wrote &quot;1&quot; to /sys/devices/pci0000:00/0000:00:01.0/0000:0a:00.0/remove"));
	assert_null(strstr(buf, "0000:0a:00.3/power/control"));
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean_baseline_has_no_finding),
		cmocka_unit_test(test_rogue_rebind_bpf),
		cmocka_unit_test(test_rogue_rebind_uevents),
		cmocka_unit_test(test_stale_dynid_bpf),
		cmocka_unit_test(test_rescan_add_read_late),
		cmocka_unit_test(test_stale_dynid_uevents),
		cmocka_unit_test(test_stale_dynid_from_module_ids),
		cmocka_unit_test(test_remove_id_means_not_stale),
		cmocka_unit_test(test_culprit_descends_from_hook),
		cmocka_unit_test(test_hook_forgets_audio),
		cmocka_unit_test(test_left_function_powered_down),
		cmocka_unit_test(test_left_without_driver_and_never_taken),
		cmocka_unit_test(test_text_columns_and_culprit_escaped),
		cmocka_unit_test(test_no_hook_guest_initiated),
		cmocka_unit_test(test_no_hook_after_requested_stop),
		cmocka_unit_test(test_hook_failed),
		cmocka_unit_test(test_probe_failed),
		cmocka_unit_test(test_html_more_devices_than_lanes),
		cmocka_unit_test(test_html_more_late_moves_than_panels),
		cmocka_unit_test(test_libvirt_hook_then_reattach_is_clean),
		cmocka_unit_test(test_systemd_unit_hook),
		cmocka_unit_test(test_overlapping_writes_newest_is_the_cause),
		cmocka_unit_test(test_user_hook_rule),
		cmocka_unit_test(test_stub_without_vm_udev),
		cmocka_unit_test(test_writes_of_many_tasks),
		cmocka_unit_test(test_stub_binds_of_many_devices),
		cmocka_unit_test(test_phases_of_same_named_files),
		cmocka_unit_test(test_unknown_names_longer_than_the_error),
		cmocka_unit_test(test_vm_by_name),
		cmocka_unit_test(test_trace_of_nothing),
		cmocka_unit_test(test_restart_timeline),
		cmocka_unit_test(test_many_hook_runs),
		cmocka_unit_test(test_many_vm_runs),
		cmocka_unit_test(test_many_units_and_vms),
		cmocka_unit_test(test_many_journal_lines_and_hooks),
		cmocka_unit_test(test_many_vms_own_devices),
		cmocka_unit_test(test_vm_with_more_devices_than_kept),
		cmocka_unit_test(test_vm_command_line_cut),
		cmocka_unit_test(test_long_domain_name),
		cmocka_unit_test(test_limits_lost_and_unknown_vm),
		cmocka_unit_test(test_lost_counters_do_not_wrap),
		cmocka_unit_test(test_runs_missed_are_not_events_known_lost),
		cmocka_unit_test(test_lost_in_each_recording),
		cmocka_unit_test(test_newer_minor_format_is_a_limit),
		cmocka_unit_test(test_trace_without_end_is_truncated),
		cmocka_unit_test(test_trace_without_header_is_not_confident),
		cmocka_unit_test(test_same_file_twice_read_once),
		cmocka_unit_test(test_phases_from_trace_files),
		cmocka_unit_test(test_phases_from_marks),
		cmocka_unit_test(test_renderers_carry_the_finding),
		cmocka_unit_test(test_html_pins_the_finding_and_escapes),
		cmocka_unit_test(test_written_value_escaped_once),
		cmocka_unit_test(test_html_axis_over_years),
		cmocka_unit_test(test_child_write_is_not_the_bridges),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
