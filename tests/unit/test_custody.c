// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Custody rules (src/findings/custody.c) on traces built through the
 * writer: who returned a device, a return that failed and its blocker, the
 * settled state, rebinds through any chain, hand-overs between VMs, and
 * traces that are cut, corrupt or from several hosts. Each test is a shape
 * the real tools make (libvirt's reattach, qemu-server's new_id, driverctl's
 * udev rule, a hook's background child). */
#include <errno.h>
#include <fcntl.h>
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

#include "report_builder.h"
#include "util.h"

static int count_sev(const struct report *rep, enum severity min)
{
	int n = 0;

	for (size_t i = 0; i < rep->f.n; i++)
		n += rep->f.v[i].severity >= min;
	return n;
}

static const struct custody *custody_of(const struct report *rep, const char *vm, const char *bdf)
{
	for (size_t i = 0; i < rep->c.n; i++)
		if (!strcmp(rep->c.v[i].vm->id, vm) && !strcmp(rep->c.v[i].bdf, bdf))
			return &rep->c.v[i];
	return NULL;
}

static int build_opts(struct run *r, const struct report_opts *o, struct report *rep)
{
	const char *traces[] = { r->b.path };
	char err[512];

	tb_close(&r->b);
	return report_build(rep, traces, 1, o, err, sizeof(err));
}

/* libvirt, managed='yes': libvirtd binds to the stub with driver_override,
 * and after QEMU exits reattaches by itself (override cleared, unbind,
 * drivers_probe), between the 'stopped' and 'release' hooks. */
static void libvirt_run(struct run *r, bool uevents, bool hook_binds)
{
	struct gt_task lv = tb_task(700, "libvirtd", 1, "systemd", 0);
	struct gt_task qemu = tb_task(4100, "qemu-system-x86", 700, "libvirtd", 0);
	struct gt_task stopped = tb_task(4200, "qemu", 700, "libvirtd", 0);
	struct gt_task release = tb_task(4300, "qemu", 700, "libvirtd", 0);
	const char *devs[] = { GPU, AUDIO }, *host[] = { "nouveau", "snd_hda_intel" };
	char path[128];

	tb_open(&r->b, dir, "libvirt.gtrace", uevents ? "tracepoint" : "fentry");
	r->uevents = uevents;
	tb_pci(&r->b, GPU, "10de", "1b80", "nouveau");
	tb_pci(&r->b, AUDIO, "10de", "10f0", "snd_hda_intel");
	for (int i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "/sys/devices/pci0000:00/0000:00:03.0/%s/driver_override", devs[i]);
		tb_write(&r->b, 100 + i * 50, &lv, path, "vfio-pci");
		reprobe_to_vfio(r, 110 + i * 50, &lv, devs[i], host[i]);
	}
	tb_exec(&r->b, 300, &qemu, "/usr/bin/qemu-system-x86_64 -name guest=win10,debug-threads=on "
		"-device {\"driver\":\"vfio-pci\",\"host\":\"0000:0a:00.0\",\"id\":\"hostdev0\"} "
		"-device {\"driver\":\"vfio-pci\",\"host\":\"0000:0a:00.1\",\"id\":\"hostdev1\"}");
	tb_exit(&r->b, 30000, &qemu, 0);
	tb_exec(&r->b, 30100, &stopped, "/etc/libvirt/hooks/qemu win10 stopped end -");
	if (hook_binds)
		for (int i = 0; i < 2; i++) {
			snprintf(path, sizeof(path), "/sys/devices/pci0000:00/0000:00:03.0/%s/driver_override", devs[i]);
			tb_write(&r->b, 30110 + i * 40, &stopped, path, "\n");
			move(r, 30120 + i * 40, &stopped, devs[i], "vfio-pci", host[i]);
		}
	tb_exit(&r->b, 30300, &stopped, 0);
	for (int i = 0; i < 2; i++) {
		const char *from = hook_binds ? host[i] : "vfio-pci";

		snprintf(path, sizeof(path), "/sys/devices/pci0000:00/0000:00:03.0/%s/driver_override", devs[i]);
		tb_write(&r->b, 30400 + i * 50, &lv, path, "\n");
		snprintf(path, sizeof(path), "/sys/bus/pci/drivers/%s/unbind", from);
		tb_write(&r->b, 30410 + i * 50, &lv, path, devs[i]);
		if (uevents)
			tb_uevent(&r->b, 30411 + i * 50, "unbind", devs[i], NULL);
		else
			tb_drv(&r->b, 30410.5 + i * 50, &lv, GT_EV_UNBIND, devs[i], from, 0);
		tb_write(&r->b, 30420 + i * 50, &lv, "/sys/bus/pci/drivers_probe", devs[i]);
		if (uevents)
			tb_uevent(&r->b, 30421 + i * 50, "bind", devs[i], host[i]);
		else
			tb_drv(&r->b, 30420.5 + i * 50, &lv, GT_EV_BIND, devs[i], host[i], 0);
	}
	tb_exec(&r->b, 30600, &release, "/etc/libvirt/hooks/qemu win10 release end -");
	tb_exit(&r->b, 30650, &release, 0);
}

static void libvirt_managed_clean(bool uevents)
{
	struct report rep;
	struct run r;
	const struct custody *c;

	libvirt_run(&r, uevents, false);
	assert_int_equal(build(&r, "win10", &rep), 0);
	assert_int_equal(rep.m.n_vms, 1);
	/* the JSON -device form names both functions */
	assert_int_equal(rep.m.vms[0].n_devs, 2);
	assert_int_equal(count_sev(&rep, SEV_WARN), 0);
	assert_false(report_has_findings(&rep));
	c = custody_of(&rep, "win10", GPU);
	assert_non_null(c);
	assert_non_null(c->ret);
	assert_int_equal(c->ret_kind, RET_DAEMON);
	assert_true(c->settled);
	assert_string_equal(c->settled_driver, "nouveau");
	report_free(&rep);
}

static void test_libvirt_reattach_is_the_return(void **state) { libvirt_managed_clean(false); }
static void test_libvirt_reattach_is_the_return_uevents(void **state) { libvirt_managed_clean(true); }

/* The stopped hook binds the host drivers; libvirt's reattach then
 * unbinds and reprobes them back: a move that lands on the host again. */
static void test_libvirt_hook_and_reattach_clean(void **state)
{
	struct report rep;
	struct run r;

	libvirt_run(&r, false, true);
	assert_int_equal(build(&r, "win10", &rep), 0);
	assert_int_equal(count_sev(&rep, SEV_WARN), 0);
	assert_int_equal(custody_of(&rep, "win10", GPU)->ret_kind, RET_HOOK);
	assert_int_equal(custody_of(&rep, "win10", GPU)->n_episodes, 1);
	report_free(&rep);
}

/* qm's new_id stays; the hook "returns" by clearing the override and
 * reprobing: the device lands on vfio-pci again. */
static void test_return_blocked_by_stale_dynid(void **state)
{
	struct gt_task cleanup = tb_task(5100, "qm", 800, "qmeventd", 1, "systemd", 0);
	struct gt_task hook = tb_task(5120, "gpu-reattach-ho", 5100, "qm", 800, "qmeventd", 0);
	const struct finding *f;
	struct report rep;
	struct run r;

	proxmox_vm_runs(&r, "fentry", "dynid-return.gtrace");
	tb_exec(&r.b, 60100, &cleanup, "/usr/bin/perl /usr/sbin/qm cleanup 111 1 1");
	tb_exec(&r.b, 60110, &hook, "/var/lib/vz/snippets/gpu-reattach-hook.pl 111 post-stop");
	tb_write(&r.b, 60200, &hook, "/sys/devices/pci0000:00/0000:00:03.0/0000:0a:00.0/driver_override", "\n");
	tb_write(&r.b, 60210, &hook, "/sys/bus/pci/drivers/vfio-pci/unbind", GPU);
	tb_drv(&r.b, 60210.5, &hook, GT_EV_UNBIND, GPU, "vfio-pci", 0);
	tb_write(&r.b, 60220, &hook, "/sys/bus/pci/drivers_probe", GPU);
	tb_drv(&r.b, 60220.5, &hook, GT_EV_BIND, GPU, "vfio-pci", 0);
	move(&r, 60300, &hook, AUDIO, "vfio-pci", "snd_hda_intel");
	tb_exit(&r.b, 60400, &hook, 0);
	tb_exit(&r.b, 60450, &cleanup, 0);
	assert_int_equal(build(&r, "111", &rep), 0);
	f = find(&rep, F_RETURN_FAILED, GPU);
	assert_non_null(f);
	assert_int_equal(f->severity, SEV_HIGH);
	assert_int_equal(f->blocker, BLOCK_DYNID);
	assert_int_equal(f->mech, MECH_STALE_DYNID);
	assert_string_equal(f->culprit.comm, "qm");	/* who left the id */
	assert_non_null(strstr(f->mechanism, "10de:1b80"));
	assert_non_null(strstr(f->advice, "remove_id"));
	assert_null(find(&rep, F_RETURN_FAILED, AUDIO));
	assert_null(find(&rep, F_REBIND_AFTER_RETURN, NULL));
	report_free(&rep);
}

/* The users' report: a detach tool left driver_override=vfio-pci; the
 * hook's bind to the host driver fails with ENODEV and it exits 0. */
static void hook_bind_fails(bool uevents)
{
	struct gt_task ptd = tb_task(3000, "gpu-ptd", 1, "systemd", 0);
	struct gt_task qm = tb_task(3990, "qm", 1, "systemd", 0);
	struct gt_task kvm = tb_task(4021, "kvm", 3990, "qm", 0);
	struct gt_task hook = tb_task(5120, "gpu-reattach-ho", 5100, "qm", 0);
	const struct finding *f;
	struct report rep;
	struct run r;

	tb_open(&r.b, dir, "enodev.gtrace", uevents ? "tracepoint" : "fentry");
	r.uevents = uevents;
	tb_pci(&r.b, GPU, "10de", "1b80", "nouveau");
	tb_write(&r.b, 50, &ptd, "/sys/devices/pci0000:00/0000:00:03.0/0000:0a:00.0/driver_override", "vfio-pci");
	reprobe_to_vfio(&r, 60, &ptd, GPU, "nouveau");
	tb_exec(&r.b, 100, &qm, "/usr/bin/perl /usr/sbin/qm start 111");
	tb_exec(&r.b, 200, &kvm, "/usr/bin/kvm -id 111 -device vfio-pci,host=0000:0a:00.0");
	tb_exit(&r.b, 60000, &kvm, 0);
	tb_exec(&r.b, 60110, &hook, "/var/lib/vz/snippets/gpu-reattach-hook.pl 111 post-stop");
	tb_write(&r.b, 60200, &hook, "/sys/bus/pci/drivers/vfio-pci/unbind", GPU);
	if (uevents)
		tb_uevent(&r.b, 60201, "unbind", GPU, NULL);
	else
		tb_drv(&r.b, 60200.5, &hook, GT_EV_UNBIND, GPU, "vfio-pci", 0);
	tb_write_ret(&r.b, 60300, &hook, "/sys/bus/pci/drivers/nouveau/bind", GPU, -19);
	tb_exit(&r.b, 60400, &hook, 0);
	assert_int_equal(build(&r, "111", &rep), 0);
	f = find(&rep, F_RETURN_FAILED, GPU);
	assert_non_null(f);
	assert_int_equal(f->severity, SEV_HIGH);
	assert_int_equal(f->blocker, BLOCK_OVERRIDE);
	assert_string_equal(f->culprit.comm, "gpu-ptd");
	assert_non_null(strstr(f->mechanism, "ENODEV"));
	assert_non_null(strstr(f->advice, "exited 0"));
	assert_string_equal(custody_of(&rep, "111", GPU)->settled_driver, "");
	report_free(&rep);
}

static void test_hook_bind_fails_on_stale_override(void **state) { hook_bind_fails(false); }
static void test_hook_bind_fails_on_stale_override_uevents(void **state) { hook_bind_fails(true); }

/* The hook returns the GPU and leaves a subshell that execs a keeper after
 * the hook exited: the exec has ppid 1, the exit record of the hook names
 * the child it left. */
static void test_orphaned_child_is_the_hooks(void **state)
{
	struct gt_task hook = tb_task(5120, "gpu-reattach-ho", 5100, "qm", 800, "qmeventd", 0);
	struct gt_task keeper = tb_task(5140, "gpu-watchdog", 1, "init", 0);
	const struct finding *f;
	struct report rep;
	struct run r;

	proxmox_vm_runs(&r, "fentry", "orphan.gtrace");
	tb_exec(&r.b, 60110, &hook, "/var/lib/vz/snippets/gpu-reattach-hook.pl 111 post-stop");
	move(&r, 60200, &hook, GPU, "vfio-pci", "nouveau");
	move(&r, 60300, &hook, AUDIO, "vfio-pci", "snd_hda_intel");
	tb_exit_orphaning(&r.b, 60400, &hook, 0, 5140);
	keeper.ppid = 1;
	tb_exec(&r.b, 61400, &keeper, "/bin/sh /usr/local/sbin/gpu-watchdog 0000:0a:00.0");
	tb_write(&r.b, 61500, &keeper, "/sys/devices/pci0000:00/0000:00:03.0/0000:0a:00.0/driver_override", "vfio-pci");
	reprobe_to_vfio(&r, 61510, &keeper, GPU, "nouveau");
	assert_int_equal(build(&r, "111", &rep), 0);
	f = find(&rep, F_REBIND_AFTER_RETURN, GPU);
	assert_non_null(f);
	assert_true(f->culprit_from_hook);
	assert_int_equal(f->n_spawned_by >= 1, 1);
	assert_int_equal(f->spawned_by[0].pid, 5120);
	assert_non_null(f->culprit_hook);
	assert_non_null(strstr(f->chain, "which had exited"));
	assert_int_equal(f->mech, MECH_OVERRIDE);
	report_free(&rep);
}

/* Without the orphan record, a subshell that never exec'd is the hook's by
 * its comm (inferred), and one with no such parent is nobody's. */
static void test_forked_subshell_inferred(void **state)
{
	struct gt_task hook = tb_task(5120, "gpu-reattach-ho", 5100, "qm", 0);
	struct gt_task sub = tb_task(5141, "gpu-reattach-ho", 1, "init", 0);
	const struct finding *f;
	struct report rep;
	struct run r;

	proxmox_vm_runs(&r, "fentry", "subshell.gtrace");
	tb_exec(&r.b, 60110, &hook, "/var/lib/vz/snippets/gpu-reattach-hook.pl 111 post-stop");
	move(&r, 60200, &hook, GPU, "vfio-pci", "nouveau");
	move(&r, 60300, &hook, AUDIO, "vfio-pci", "snd_hda_intel");
	tb_exit(&r.b, 60400, &hook, 0);
	reprobe_to_vfio(&r, 61510, &sub, GPU, "nouveau");
	assert_int_equal(build(&r, "111", &rep), 0);
	f = find(&rep, F_REBIND_AFTER_RETURN, GPU);
	assert_non_null(f);
	assert_true(f->culprit_from_hook);
	assert_true(f->spawned_by[0].inferred);
	report_free(&rep);
}

/* A monitor (a --hook rule, started before the stop) returns; a udev
 * helper rebinds a second later: the rebind is reported as such. */
static void test_monitor_returns_udev_rebinds(void **state)
{
	struct gt_task mon = tb_task(2500, "vm-shutdown-mon", 1, "systemd", 0);
	struct gt_task helper = tb_task(5302, "gpu-rebind", 5301, "(udev-worker)", 512, "systemd-udevd", 1, "systemd", 0);
	const struct finding *f;
	struct report rep;
	struct run r;

	proxmox_vm_runs(&r, "fentry", "monitor.gtrace");
	tb_exec(&r.b, 50, &mon, "/bin/sh /usr/local/sbin/vm-shutdown-monitor 111");
	move(&r, 60300, &mon, GPU, "vfio-pci", "nouveau");
	move(&r, 60400, &mon, AUDIO, "vfio-pci", "snd_hda_intel");
	tb_exit(&r.b, 60500, &mon, 0);
	tb_write(&r.b, 61500, &helper, "/sys/devices/pci0000:00/0000:00:03.0/0000:0a:00.0/driver_override", "vfio-pci");
	reprobe_to_vfio(&r, 61510, &helper, GPU, "nouveau");
	assert_int_equal(build_opts(&r, &(struct report_opts){ .vm = "111", .hook_pattern = "vm-shutdown-monitor*" },
				    &rep), 0);
	assert_null(find(&rep, F_NO_HOOK, NULL));
	f = find(&rep, F_REBIND_AFTER_RETURN, GPU);
	assert_non_null(f);
	assert_int_equal(f->severity, SEV_HIGH);
	assert_int_equal(f->returned_by_kind, RET_MONITOR);
	assert_false(f->culprit_from_hook);
	assert_string_equal(f->culprit.comm, "gpu-rebind");
	assert_int_equal(count_sev(&rep, SEV_WARN), 1);
	report_free(&rep);
}

/* The same monitor started at boot, before the recording: in the start
 * snapshot only (no exec record). A --hook rule, or a unit named after the
 * VM (its cgroup in the snapshot), still makes it the stop's monitor: its
 * return is the monitor's, and "no hook ran" is not said. */
static void snapshot_monitor(bool by_unit)
{
	static const char argv[] = "/bin/sh\0/usr/local/sbin/vm-shutdown-monitor\0" "111";
	struct gt_task mon = tb_task(2500, "vm-shutdown-mon", 1, "systemd", 0);
	const struct custody *c;
	struct report rep;
	struct run r;

	proxmox_vm_runs_taking(&r, "fentry", "boot-monitor.gtrace", false);
	trace_writer_kv_begin(r.b.w, GT_REC_PROCESS, TB_T0);
	trace_writer_kv_str(r.b.w, "phase", "start");
	trace_writer_kv_str(r.b.w, "pid", "2500");
	trace_writer_kv_str(r.b.w, "ppid", "1");
	trace_writer_kv_str(r.b.w, "uid", "0");
	trace_writer_kv_str(r.b.w, "comm", "vm-shutdown-mon");
	trace_writer_kv_str(r.b.w, "exe", "/usr/bin/dash");
	trace_writer_kv_add(r.b.w, "cmdline", argv, sizeof(argv));
	trace_writer_kv_str(r.b.w, "cgroup", by_unit ? "/system.slice/system-vm\\x2dmon.slice/vm-mon@111.service"
						     : "/system.slice/gpu-tools.service");
	trace_writer_kv_end(r.b.w);
	move(&r, 60300, &mon, GPU, "vfio-pci", "nouveau");
	assert_int_equal(build_opts(&r, &(struct report_opts){ .vm = "111",
				    .hook_pattern = by_unit ? NULL : "vm-shutdown-monitor*" }, &rep), 0);
	assert_null(find(&rep, F_NO_HOOK, NULL));
	c = custody_of(&rep, "111", GPU);
	assert_non_null(c->ret);
	assert_int_equal(c->ret_kind, RET_MONITOR);
	report_free(&rep);
}

static void test_monitor_from_the_start_snapshot(void **state) { snapshot_monitor(false); }
static void test_unit_monitor_from_the_start_snapshot(void **state) { snapshot_monitor(true); }

/* Ten monitors (a --hook rule matching a watcher and its workers) alive at
 * the stop, and the hookscript, which sleeps 15 s before it returns the
 * GPU: the stop's hooks are all eleven, so the stop sequence lasts until
 * the hookscript ends and its return is on time, not late. */
static void test_many_monitors_and_the_hook(void **state)
{
	const struct custody *c;
	struct report rep;
	struct run r;
	bool hook_kept = false;

	proxmox_vm_runs(&r, "fentry", "monitors.gtrace");
	for (int i = 0; i < 10; i++) {
		struct gt_task mon = tb_task(2500 + i, "vm-shutdown-mon", 1, "systemd", 0);

		tb_exec(&r.b, 50 + i, &mon, "/bin/sh /usr/local/sbin/vm-shutdown-monitor 111");
	}
	{
		struct gt_task cleanup = tb_task(5100, "qm", 800, "qmeventd", 1, "systemd", 0);
		struct gt_task hook = tb_task(5120, "gpu-reattach-ho", 5100, "qm", 800, "qmeventd", 1,
					      "systemd", 0);

		tb_exec(&r.b, 60100, &cleanup, "/usr/bin/perl /usr/sbin/qm cleanup 111 1 1");
		tb_exec(&r.b, 60110, &hook, "/var/lib/vz/snippets/gpu-reattach-hook.pl 111 post-stop");
		tb_exit(&r.b, 60200, &cleanup, 0);
		move(&r, 75200, &hook, GPU, "vfio-pci", "nouveau");
		move(&r, 75400, &hook, AUDIO, "vfio-pci", "snd_hda_intel");
		tb_exit(&r.b, 75500, &hook, 0);
	}
	assert_int_equal(build_opts(&r, &(struct report_opts){ .vm = "111", .hook_pattern = "vm-shutdown-monitor*" },
				    &rep), 0);
	assert_non_null(c = custody_of(&rep, "111", GPU));
	assert_int_equal(c->n_hooks, 11);
	for (int i = 0; i < c->n_hooks; i++)
		hook_kept |= !strcmp(c->hooks[i]->phase, "post-stop");
	assert_true(hook_kept);
	assert_false(c->late);
	assert_null(find(&rep, F_LATE_RETURN, NULL));
	assert_int_equal(count_sev(&rep, SEV_WARN), 0);
	report_free(&rep);
}

/* A hookscript that runs 3,000 short commands (a polling loop), then
 * starts through a subshell a worker that waits for the guest's GPU to
 * cool down and is still waiting when the trace ends: the worker is the
 * hook's, however many came before it, so the stop sequence is not over
 * and "left on vfio-pci" is no confident verdict. */
static void test_hook_with_many_children(void **state)
{
	struct gt_task cleanup = tb_task(5100, "qm", 800, "qmeventd", 1, "systemd", 0);
	struct gt_task hook = tb_task(5120, "gpu-reattach-ho", 5100, "qm", 800, "qmeventd", 1, "systemd", 0);
	struct gt_task sub = tb_task(6070, "sh", 5120, "gpu-reattach-ho", 5100, "qm", 0);
	struct gt_task worker = tb_task(6200, "gpu-return", 6070, "sh", 5120, "gpu-reattach-ho", 5100, "qm", 0);
	struct report rep;
	struct run r;

	proxmox_vm_runs(&r, "fentry", "children.gtrace");
	tb_exec(&r.b, 60100, &cleanup, "/usr/bin/perl /usr/sbin/qm cleanup 111 1 1");
	tb_exec(&r.b, 60110, &hook, "/var/lib/vz/snippets/gpu-reattach-hook.pl 111 post-stop");
	for (int i = 0; i < 3000; i++) {	/* past every size the pid set grows through */
		struct gt_task poll = tb_task(10000 + i, "lspci", 5120, "gpu-reattach-ho", 5100, "qm", 0);

		tb_exec(&r.b, 60120 + i * 0.1, &poll, "/usr/bin/lspci -s 0a:00.0");
		tb_exit(&r.b, 60120.05 + i * 0.1, &poll, 0);
	}
	tb_exec(&r.b, 60490, &sub, "/bin/sh -c /usr/local/bin/gpu-return");
	tb_exec(&r.b, 60500, &worker, "/usr/local/bin/gpu-return 0000:0a:00.0");
	tb_exit(&r.b, 60510, &sub, 0);
	tb_exit(&r.b, 60600, &hook, 0);
	tb_exit(&r.b, 60700, &cleanup, 0);
	assert_int_equal(build_opts(&r, &(struct report_opts){ .vm = "111" }, &rep), 0);
	assert_false(custody_of(&rep, "111", GPU)->settled);
	assert_int_equal(count_sev(&rep, SEV_HIGH), 0);
	report_free(&rep);
}

/* Remove + rescan after the return: the device comes back on the host
 * driver, then udev's driverctl rule moves it to vfio-pci. */
static void test_readd_then_driverctl(void **state)
{
	struct gt_task hook = tb_task(5120, "gpu-reattach-ho", 5100, "qm", 0);
	struct gt_task admin = tb_task(7000, "pci-reprobe", 1, "systemd", 0);
	struct gt_task dc = tb_task(7100, "driverctl", 7099, "(udev-worker)", 512, "systemd-udevd", 0);
	const struct finding *f;
	struct report rep;
	struct run r;

	proxmox_vm_runs(&r, "fentry", "readd.gtrace");
	tb_exec(&r.b, 60110, &hook, "/var/lib/vz/snippets/gpu-reattach-hook.pl 111 post-stop");
	move(&r, 60200, &hook, GPU, "vfio-pci", "nouveau");
	move(&r, 60300, &hook, AUDIO, "vfio-pci", "snd_hda_intel");
	tb_exit(&r.b, 60400, &hook, 0);
	/* the dynamic id is gone (remove_id), so the re-add lands on nouveau */
	tb_write(&r.b, 61000, &admin, "/sys/bus/pci/drivers/vfio-pci/remove_id", "10de 1b80");
	tb_write(&r.b, 61100, &admin, "/sys/devices/pci0000:00/0000:00:03.0/0000:0a:00.0/remove", "1");
	tb_drv(&r.b, 61100.5, &admin, GT_EV_UNBIND, GPU, "nouveau", 0);
	tb_uevent(&r.b, 61101, "remove", GPU, NULL);
	tb_write(&r.b, 61300, &admin, "/sys/bus/pci/rescan", "1");
	tb_uevent(&r.b, 61300.2, "add", GPU, NULL);
	tb_drv(&r.b, 61300.5, &admin, GT_EV_BIND, GPU, "nouveau", 0);
	tb_exec(&r.b, 61400, &dc, "/bin/bash /usr/sbin/driverctl --nosave load-override 0000:0a:00.0");
	tb_write(&r.b, 61500, &dc, "/sys/devices/pci0000:00/0000:00:03.0/0000:0a:00.0/driver_override", "vfio-pci");
	reprobe_to_vfio(&r, 61510, &dc, GPU, "nouveau");
	assert_int_equal(build(&r, "111", &rep), 0);
	f = find(&rep, F_REBIND_AFTER_RETURN, GPU);
	assert_non_null(f);
	assert_string_equal(f->culprit.comm, "driverctl");
	assert_int_equal(f->mech, MECH_OVERRIDE);
	assert_int_equal(custody_of(&rep, "111", GPU)->n_episodes, 2);
	/* one HIGH: the re-add that came back on nouveau is not one */
	assert_int_equal(count_sev(&rep, SEV_WARN), 1);
	report_free(&rep);
}

/* One GPU, two VMs: 111's hook returns it, then qm starts 112 with it. */
static void test_handover_to_another_vm(void **state)
{
	struct gt_task qm2 = tb_task(8990, "qm", 1, "systemd", 0);
	struct gt_task kvm2 = tb_task(9021, "kvm", 8990, "qm", 0);
	struct report rep;
	struct run r;

	proxmox_vm_runs(&r, "fentry", "two.gtrace");
	proxmox_hook(&r, 60100, "both", 0);
	tb_exec(&r.b, 70000, &qm2, "/usr/bin/perl /usr/sbin/qm start 112");
	move(&r, 70100, &qm2, GPU, "nouveau", "vfio-pci");
	move(&r, 70200, &qm2, AUDIO, "snd_hda_intel", "vfio-pci");
	tb_exec(&r.b, 70300, &kvm2, "/usr/bin/kvm -id 112 -device vfio-pci,host=0000:0a:00.0 "
		"-device vfio-pci,host=0000:0a:00.1");
	assert_int_equal(build(&r, NULL, &rep), 0);
	for (size_t i = 0; i < rep.f.n; i++)
		if (rep.f.v[i].severity >= SEV_WARN)
			print_message("unexpected: %s %s %s\n", f_kind_name(rep.f.v[i].kind), rep.f.v[i].device,
				      rep.f.v[i].summary);
	assert_int_equal(count_sev(&rep, SEV_WARN), 0);
	assert_non_null(find(&rep, F_HANDOVER, GPU));
	assert_string_equal(custody_of(&rep, "111", GPU)->next_vm->id, "112");
	report_free(&rep);
}

/* The trace was cut right after the stop (the recorder killed): nothing
 * after is known, so no verdict on the return may be confident. */
static void test_truncated_after_stop_is_not_confident(void **state)
{
	const char *traces[1];
	struct report rep;
	struct run r;
	char err[256];

	proxmox_vm_runs(&r, "fentry", "cut.gtrace");
	tb_close_killed(&r.b);
	traces[0] = r.b.path;
	assert_int_equal(report_build(&rep, traces, 1, &(struct report_opts){ .vm = "111" }, err,
				      sizeof(err)), 0);
	assert_true(rep.m.truncated);
	assert_int_equal(count_sev(&rep, SEV_HIGH), 0);
	assert_null(find(&rep, F_NO_HOOK, NULL));
	for (size_t i = 0; i < rep.f.n; i++)
		if (rep.f.v[i].kind != F_LIMIT)
			assert_true(rep.f.v[i].uncertain);
	report_free(&rep);
}

/* No hook, nothing returned: the advice fits the VM's flavour. */
static void test_no_hook_advice_per_flavour(void **state)
{
	struct gt_task lv = tb_task(700, "libvirtd", 1, "systemd", 0);
	struct gt_task qemu = tb_task(4100, "qemu-system-x86", 700, "libvirtd", 0);
	struct report rep;
	struct run r;
	const struct finding *f;

	proxmox_vm_runs(&r, "fentry", "advice.gtrace");
	assert_int_equal(build(&r, "111", &rep), 0);
	f = find(&rep, F_NO_HOOK, NULL);
	assert_non_null(f);
	assert_non_null(strstr(f->advice, "qmeventd"));
	report_free(&rep);
	/* libvirt, managed='no', no hook: libvirt returns nothing */
	open_with_gpu(&r, "advice-lv.gtrace");
	move(&r, 100, &lv, GPU, "nouveau", "vfio-pci");
	tb_exec(&r.b, 300, &qemu, "/usr/bin/qemu-system-x86_64 -name guest=win10 "
		"-device {\"driver\":\"vfio-pci\",\"host\":\"0000:0a:00.0\"}");
	tb_exit(&r.b, 30000, &qemu, 0);
	assert_int_equal(build(&r, "win10", &rep), 0);
	f = find(&rep, F_NO_HOOK, NULL);
	assert_non_null(f);
	assert_null(strstr(f->advice, "qmeventd"));
	assert_non_null(strstr(f->advice, "managed='yes'"));
	report_free(&rep);
}

static void test_header_only_trace_is_an_error(void **state)
{
	struct tb b;
	const char *traces[1];
	struct report rep;
	char err[256];

	tb_open(&b, dir, "empty.gtrace", "fentry");
	tb_close_killed(&b);
	traces[0] = b.path;
	assert_int_equal(report_build(&rep, traces, 1, &(struct report_opts){ 0 }, err, sizeof(err)),
			 -ENODATA);
	assert_non_null(strstr(err, "never started"));
	report_free(&rep);
}

/* A trace with bytes flipped in the middle: read what can be read, say
 * so, and make no HIGH verdict that rests on what is missing. */
static void test_corrupt_trace_is_a_limit(void **state)
{
	const char *traces[1];
	struct report rep;
	struct run r;
	struct stat st;
	char err[256];
	int fd;

	proxmox_vm_runs(&r, "fentry", "corrupt.gtrace");
	tb_close(&r.b);
	assert_int_equal(stat(r.b.path, &st), 0);
	fd = open(r.b.path, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, "\xff\xff\xff\xff\xff\xff\xff\xff", 8, st.st_size / 2), 8);
	close(fd);
	traces[0] = r.b.path;
	assert_int_equal(report_build(&rep, traces, 1, &(struct report_opts){ 0 }, err, sizeof(err)), 0);
	assert_true(rep.m.read_error[0] || rep.m.truncated);
	assert_int_equal(count_sev(&rep, SEV_HIGH), 0);
	/* its end was not read for the damage, not because a recorder died */
	assert_true(rep.m.read_error[0]);
	{
		bool damaged = false, killed = false;

		for (size_t i = 0; i < rep.f.n; i++) {
			damaged |= rep.f.v[i].kind == F_LIMIT && strstr(rep.f.v[i].summary, "damaged chunk");
			killed |= rep.f.v[i].kind == F_LIMIT && strstr(rep.f.v[i].summary, "recorder was killed");
		}
		assert_true(damaged);
		assert_false(killed);
	}
	report_free(&rep);
}

/* Two boots of one host line up as phases; traces of two hosts are said
 * to be so, and no device is named from the other host's table. */
static void test_traces_from_two_hosts(void **state)
{
	struct run a;
	struct tb b;
	const char *traces[2];
	struct report rep;
	char err[256];
	bool said = false;

	proxmox_vm_runs(&a, "fentry", "host-a.gtrace");
	proxmox_hook(&a, 60100, "both", 0);
	tb_close(&a.b);
	tb_open_host(&b, dir, "host-b.gtrace", "fentry", 1760000000000000000ull, "pve1");
	tb_mark(&b, 1, "recovery");
	tb_close(&b);
	traces[0] = a.b.path;
	traces[1] = b.path;
	assert_int_equal(report_build(&rep, traces, 2, &(struct report_opts){ 0 }, err, sizeof(err)), 0);
	for (size_t i = 0; i < rep.f.n; i++)
		said |= rep.f.v[i].kind == F_LIMIT && strstr(rep.f.v[i].summary, "different hosts");
	assert_false(said);
	/* two boots of one host: said, as INFO */
	for (size_t i = 0; i < rep.f.n; i++)
		said |= rep.f.v[i].kind == F_LIMIT && rep.f.v[i].severity == SEV_INFO &&
			strstr(rep.f.v[i].summary, "2 boots of pve1");
	assert_true(said);
	said = false;
	report_free(&rep);
	tb_open_host(&b, dir, "host-c.gtrace", "fentry", 1760000000000000000ull, "other-host");
	tb_mark(&b, 1, "recovery");
	tb_close(&b);
	traces[1] = b.path;
	assert_int_equal(report_build(&rep, traces, 2, &(struct report_opts){ 0 }, err, sizeof(err)), 0);
	for (size_t i = 0; i < rep.f.n; i++)
		said |= rep.f.v[i].kind == F_LIMIT && rep.f.v[i].severity == SEV_WARN &&
			strstr(rep.f.v[i].summary, "other-host");
	assert_true(said);
	report_free(&rep);
}

/* Anyone can name a process kvm: a user's fake VM is no VM. */
static void test_non_root_qemu_is_no_vm(void **state)
{
	struct gt_task shell = tb_task(900, "bash", 1, "systemd", 0);
	struct gt_task fake = tb_task(901, "kvm", 900, "bash", 0);
	struct report rep;
	struct run r;
	char err[256];
	const char *traces[1];

	tb_open(&r.b, dir, "fake.gtrace", "fentry");
	shell.uid = 1000;
	fake.uid = 1000;
	tb_exec(&r.b, 10, &shell, "/bin/bash");
	tb_exec(&r.b, 100, &fake, "/usr/bin/kvm -id 111 -device vfio-pci,host=0000:0a:00.0");
	tb_exit(&r.b, 200, &fake, 0);
	tb_close(&r.b);
	traces[0] = r.b.path;
	assert_int_equal(report_build(&rep, traces, 1, &(struct report_opts){ 0 }, err, sizeof(err)), 0);
	assert_int_equal(rep.m.n_vms, 0);
	report_free(&rep);
	assert_int_equal(report_build(&rep, traces, 1, &(struct report_opts){ .all_users = true }, err,
				      sizeof(err)), 0);
	assert_int_equal(rep.m.n_vms, 1);
	assert_int_equal(rep.m.vms[0].uid, 1000);
	report_free(&rep);
}

/* Proxmox configs as the trace copied them: host=A;B and mapping=NAME. */
static void test_pve_hostpci_forms(void **state)
{
	struct gt_task kvm = tb_task(4021, "kvm", 1, "systemd", 0);
	struct report rep;
	struct run r;
	char err[256];
	const char *traces[1];

	tb_open(&r.b, dir, "forms.gtrace", "fentry");
	tb_file(&r.b, "/etc/pve/qemu-server/111.conf", "hostpci0: host=0a:00.0;0a:00.1,pcie=1\n");
	tb_file(&r.b, "/etc/pve/qemu-server/112.conf", "hostpci0: mapping=gpu,pcie=1\n");
	tb_file(&r.b, "/etc/pve/mapping/pci.cfg", "gpu\n\tmap id=10de:1b80,node=pve1,path=0000:0b:00.0\n"
		"\tmap id=10de:1b80,node=pve2,path=0000:0c:00.0\n");
	tb_exec(&r.b, 100, &kvm, "/usr/bin/kvm -id 111");
	tb_exec(&r.b, 200, &kvm, "/usr/bin/kvm -id 112");
	tb_close(&r.b);
	traces[0] = r.b.path;
	assert_int_equal(report_build(&rep, traces, 1, &(struct report_opts){ 0 }, err, sizeof(err)), 0);
	assert_int_equal(rep.m.n_vms, 2);
	assert_int_equal(rep.m.vms[0].n_devs, 2);
	assert_string_equal(rep.m.vms[0].devs[1], AUDIO);
	assert_int_equal(rep.m.vms[1].n_devs, 1);
	assert_string_equal(rep.m.vms[1].devs[0], "0000:0b:00.0");	/* pve1's map line */
	report_free(&rep);
}

/* A loaded host reads uevents late: they belong to the writes that made
 * them, not to whatever write was in flight when they were read. */
static void test_late_uevents_keep_their_writes(void **state)
{
	struct gt_task qm = tb_task(3990, "qm", 1, "systemd", 0);
	struct gt_task kvm = tb_task(4021, "kvm", 3990, "qm", 0);
	struct gt_task mon = tb_task(2500, "vm-shutdown-mon", 1, "systemd", 0);
	struct report rep;
	struct run r;
	const struct custody *c;

	tb_open(&r.b, dir, "late.gtrace", "tracepoint");
	tb_pci(&r.b, GPU, "10de", "1b80", "nouveau");
	tb_exec(&r.b, 100, &qm, "/usr/bin/perl /usr/sbin/qm start 111");
	tb_write(&r.b, 120, &qm, "/sys/bus/pci/drivers/nouveau/unbind", GPU);
	tb_write(&r.b, 130, &qm, "/sys/bus/pci/drivers/vfio-pci/bind", GPU);
	tb_exec(&r.b, 200, &kvm, "/usr/bin/kvm -id 111 -device vfio-pci,host=0000:0a:00.0");
	tb_exit(&r.b, 2000, &kvm, 0);
	/* the start's uevents read only now, while the monitor writes */
	tb_write(&r.b, 2050, &mon, "/sys/devices/pci0000:00/0000:00:03.0/0000:0a:00.0/driver_override", "\n");
	tb_uevent(&r.b, 2100, "unbind", GPU, NULL);
	tb_uevent(&r.b, 2101, "bind", GPU, "vfio-pci");
	tb_write(&r.b, 2200, &mon, "/sys/bus/pci/drivers/vfio-pci/unbind", GPU);
	tb_write(&r.b, 2300, &mon, "/sys/bus/pci/drivers/nouveau/bind", GPU);
	tb_uevent(&r.b, 2400, "unbind", GPU, NULL);
	tb_uevent(&r.b, 2401, "bind", GPU, "nouveau");
	assert_int_equal(build(&r, "111", &rep), 0);
	assert_int_equal(count_sev(&rep, SEV_WARN), 0);
	c = custody_of(&rep, "111", GPU);
	assert_non_null(c->ret);
	assert_string_equal(trans_actor(&rep.m, c->ret)->comm, "vm-shutdown-mon");
	/* the start's bind is qm's, at its write, before QEMU started */
	for (size_t i = 0; i < rep.m.n_trans; i++)
		if (rep.m.trans[i].kind == M_BIND && !strcmp(rep.m.trans[i].driver, "vfio-pci")) {
			assert_string_equal(rep.m.trans[i].task->comm, "qm");
			assert_true(rep.m.trans[i].ts_ns < rep.m.vms[0].start_ns);
		}
	report_free(&rep);
}

/* Late uevents (tracepoint backend) after a card's 64 virtual functions
 * each moved: every device keeps its own place among the writes, the GPU
 * too, so its second unbind is the rogue's write, not the hook's first
 * one again (once, past 64 devices, every uevent went back to the first
 * write that could cause it). */
static void test_late_uevents_of_many_devices(void **state)
{
	struct gt_task hook = tb_task(5120, "gpu-reattach-ho", 5100, "qm", 0);
	struct gt_task rogue = tb_task(5300, "gpu-rogue", 1, "systemd", 0);
	const struct m_trans *unbinds[2];
	struct report rep;
	struct run r;
	char vf[16];
	int n = 0;

	tb_open(&r.b, dir, "many-uevents.gtrace", "tracepoint");
	tb_pci(&r.b, GPU, "10de", "1b80", "vfio-pci");
	for (int i = 0; i < 64; i++) {
		snprintf(vf, sizeof(vf), "0000:41:%02x.%d", 1 + i / 8, i % 8);
		tb_write(&r.b, 1000 + i, &rogue, "/sys/bus/pci/drivers/ixgbevf/unbind", vf);
	}
	tb_write(&r.b, 3000, &hook, "/sys/bus/pci/drivers/vfio-pci/unbind", GPU);
	tb_write(&r.b, 3100, &hook, "/sys/bus/pci/drivers/nouveau/bind", GPU);
	tb_write(&r.b, 3200, &rogue, "/sys/bus/pci/drivers/nouveau/unbind", GPU);
	tb_write(&r.b, 3300, &rogue, "/sys/bus/pci/drivers/vfio-pci/bind", GPU);
	/* read only now */
	for (int i = 0; i < 64; i++) {
		snprintf(vf, sizeof(vf), "0000:41:%02x.%d", 1 + i / 8, i % 8);
		tb_uevent(&r.b, 4000 + i * 0.01, "unbind", vf, NULL);
	}
	tb_uevent(&r.b, 4100, "unbind", GPU, NULL);
	tb_uevent(&r.b, 4101, "bind", GPU, "nouveau");
	tb_uevent(&r.b, 4102, "unbind", GPU, NULL);
	tb_uevent(&r.b, 4103, "bind", GPU, "vfio-pci");
	assert_int_equal(build(&r, NULL, &rep), 0);
	for (size_t i = 0; i < rep.m.n_trans; i++)
		if (!strcmp(rep.m.trans[i].bdf, GPU) && rep.m.trans[i].kind == M_UNBIND && n < 2)
			unbinds[n++] = &rep.m.trans[i];
	assert_int_equal(n, 2);
	assert_string_equal(unbinds[0]->task->comm, "gpu-reattach-ho");
	assert_string_equal(unbinds[1]->task->comm, "gpu-rogue");
	assert_true(unbinds[0]->ts_ns < unbinds[1]->ts_ns);
	report_free(&rep);
}

/* A watchdog rebinds the returned GPU to vfio-pci; the admin gives it back
 * to nouveau; the watchdog takes it again. Both rebinds are moves off the
 * host driver (the second went unseen: after the first landing on the
 * stub, the return to nouveau was not taken for one). */
static void test_rebind_after_manual_return_is_seen(void **state)
{
	struct gt_task watchdog = tb_task(5300, "gpu-watchdog", 1, "systemd", 0);
	struct gt_task admin = tb_task(7000, "bash", 6999, "sshd", 1, "systemd", 0);
	const struct custody *c;
	struct report rep;
	struct run r;
	int rebinds = 0;

	proxmox_vm_runs(&r, "fentry", "twice.gtrace");
	proxmox_hook(&r, 60100, "both", 0);
	override_to_vfio(&r, 61740, &watchdog);
	tb_write(&r.b, 90000, &admin, "/sys/devices/pci0000:00/0000:00:01.0/0000:0a:00.0/driver_override", "\n");
	move(&r, 90100, &admin, GPU, "vfio-pci", "nouveau");
	tb_write(&r.b, 120000, &watchdog, "/sys/devices/pci0000:00/0000:00:01.0/0000:0a:00.0/driver_override",
		 "vfio-pci");
	reprobe_to_vfio(&r, 120010, &watchdog, GPU, "nouveau");
	assert_int_equal(build(&r, "111", &rep), 0);
	c = custody_of(&rep, "111", GPU);
	assert_int_equal(c->n_moves, 2);
	assert_int_equal(c->n_episodes, 2);
	assert_string_equal(c->episodes[1].host, "nouveau");
	for (size_t i = 0; i < rep.f.n; i++)
		rebinds += rep.f.v[i].kind == F_REBIND_AFTER_RETURN && !strcmp(rep.f.v[i].device, GPU);
	assert_int_equal(rebinds, 2);
	report_free(&rep);
}

/* The seed's second half: the hook's bind succeeds, the driver then logs
 * an error and gives up: "returned" is not "usable". The kernel's line is
 * the evidence, beside the writes in the timeline. */
static void test_returned_but_driver_failed(void **state)
{
	const struct finding *f;
	struct report rep;
	struct run r;
	bool in_timeline = false;

	proxmox_vm_runs(&r, "fentry", "dead.gtrace");
	proxmox_hook(&r, 60100, "both", 0);
	tb_kmsg(&r.b, 60400, 3, GPU, "device", "nouveau 0000:0a:00.0: DRM: failed to create kernel channel, -22");
	tb_kmsg(&r.b, 60410, 6, NULL, "all", "unrelated line");
	assert_int_equal(build(&r, "111", &rep), 0);
	f = find(&rep, F_RETURNED_UNUSABLE, GPU);
	assert_non_null(f);
	assert_int_equal(f->severity, SEV_HIGH);
	assert_int_equal(f->n_kernel_log, 1);
	assert_non_null(strstr(f->summary, "failed to create kernel channel"));
	assert_null(find(&rep, F_RETURNED_UNUSABLE, AUDIO));
	for (size_t i = 0; i < rep.n_rows; i++)
		in_timeline |= !strncmp(rep.rows[i].what, "kernel: nouveau", 15);
	assert_true(in_timeline);
	report_free(&rep);
}

/* Powered off after the return (D3cold), and --no-kmsg keeps the
 * timeline to the writes. */
static void test_returned_in_d3cold(void **state)
{
	const char *traces[1];
	struct report rep;
	struct run r;
	char err[256];

	proxmox_vm_runs(&r, "fentry", "d3cold.gtrace");
	proxmox_hook(&r, 60100, "both", 0);
	tb_state(&r.b, 60500, GPU, "bind", NULL, "nouveau", "D3cold", "suspended");
	tb_kmsg(&r.b, 60510, 6, GPU, "device", "nouveau 0000:0a:00.0: info line");
	tb_close(&r.b);
	traces[0] = r.b.path;
	assert_int_equal(report_build(&rep, traces, 1, &(struct report_opts){ .vm = "111", .no_logs = true },
				      err, sizeof(err)), 0);
	assert_non_null(find(&rep, F_RETURNED_UNUSABLE, GPU));
	assert_non_null(strstr(find(&rep, F_RETURNED_UNUSABLE, GPU)->summary, "D3cold"));
	for (size_t i = 0; i < rep.n_rows; i++)
		assert_null(strstr(rep.rows[i].what, "kernel:"));
	report_free(&rep);
}

/* record --pm-hooks: vfio-pci's reset when QEMU lets the device go fails
 * (no sysfs write shows it); the hook's bind then "succeeds" on a device
 * that was never reset. A reset that works says nothing. */
static void test_returned_after_failed_kernel_reset(void **state)
{
	struct gt_task kvm = tb_task(4021, "kvm", 1, "systemd", 0);
	const struct finding *f;
	struct report rep;
	struct run r;
	bool in_timeline = false;

	proxmox_vm_runs(&r, "fentry", "pm-reset.gtrace");
	tb_pm(&r.b, 60020, &kvm, GT_EV_RESET, GPU, "pci_try_reset_function", -ENOTTY, -1, 0);
	tb_pm(&r.b, 60030, &kvm, GT_EV_RESET, AUDIO, "pci_try_reset_function", 0, -1, 0);
	tb_pm(&r.b, 60040, &kvm, GT_EV_POWER, AUDIO, "pci_set_power_state", 0, 3, 3);
	proxmox_hook(&r, 60100, "both", 0);
	assert_int_equal(build(&r, "111", &rep), 0);
	f = find(&rep, F_RETURNED_UNUSABLE, GPU);
	assert_non_null(f);
	assert_int_equal(f->severity, SEV_HIGH);
	assert_non_null(strstr(f->summary, "pci_try_reset_function"));
	assert_non_null(strstr(f->summary, "kvm[4021]"));
	assert_non_null(strstr(f->summary, "ENOTTY"));
	/* the audio function's reset worked and D3hot is no power-off */
	assert_null(find(&rep, F_RETURNED_UNUSABLE, AUDIO));
	for (size_t i = 0; i < rep.n_rows; i++)
		in_timeline |= strstr(rep.rows[i].what, "reset (pci_try_reset_function): ENOTTY") != NULL;
	assert_true(in_timeline);
	report_free(&rep);
}

/* Baseline, problem, recovery: the device's state in each side by side. */
static void test_device_state_by_phase(void **state)
{
	struct tb b;
	const char *traces[1];
	struct report rep;
	char err[256], *buf = NULL;
	size_t len = 0;
	FILE *fp;

	tb_open(&b, dir, "phases.gtrace", "fentry");
	tb_mark(&b, 10, "baseline");
	tb_state(&b, 20, GPU, "mark", "baseline", "nouveau", "D0", "active");
	tb_mark(&b, 100, "problem");
	tb_state(&b, 120, GPU, "mark", "problem", "vfio-pci", "D3hot", "suspended");
	tb_mark(&b, 200, "recovery");
	tb_state(&b, 220, GPU, "mark", "recovery", "nouveau", "D0", "active");
	tb_close(&b);
	traces[0] = b.path;
	assert_int_equal(report_build(&rep, traces, 1, &(struct report_opts){ 0 }, err, sizeof(err)), 0);
	assert_int_equal(rep.m.n_phases, 3);
	assert_string_equal(report_phase_state(&rep, 1, GPU)->power_state, "D3hot");
	fp = open_memstream(&buf, &len);
	report_render_text(fp, &rep, false, false);
	fclose(fp);
	assert_non_null(strstr(buf, "DEVICE STATE BY PHASE"));
	/* the attributes that differ come first, marked */
	assert_true(strstr(buf, "power_state") < strstr(buf, "driver_override"));
	assert_non_null(strstr(buf, "<- differs"));
	free(buf);
	report_free(&rep);
}

/* Two Proxmox VMs on two GPUs, QEMU daemonized (its exec'd process exits
 * at once, leaving the VM in a child): each VM ends when its own child
 * does, found through the exit records' children, not another VM's. */
static void test_daemonized_vms_keep_their_own_stop(void **state)
{
	struct gt_task qm = tb_task(3990, "qm", 1, "systemd", 0);
	struct gt_task kvm1 = tb_task(4021, "kvm", 3990, "qm", 0), child1 = tb_task(4022, "kvm", 1, "init", 0);
	struct gt_task kvm2 = tb_task(5021, "kvm", 3990, "qm", 0), child2 = tb_task(5022, "kvm", 1, "init", 0);
	struct gt_task hook = tb_task(6120, "gpu-reattach-ho", 6100, "qm", 0);
	struct gt_task rogue = tb_task(7000, "gpu-watchdog", 1, "systemd", 0);
	struct report rep;
	struct run r;

	open_with_gpu(&r, "two-daemons.gtrace");
	tb_pci(&r.b, "0000:0b:00.0", "10de", "1b81", "nouveau");
	move(&r, 100, &qm, GPU, "nouveau", "vfio-pci");
	daemonized_kvm(&r, 200, &kvm1, "111", "0000:0a:00.0", 4022);
	move(&r, 400, &qm, "0000:0b:00.0", "nouveau", "vfio-pci");
	daemonized_kvm(&r, 500, &kvm2, "112", "0000:0b:00.0", 5022);
	tb_exit(&r.b, 60000, &child1, 0);
	tb_exec(&r.b, 60100, &hook, "/var/lib/vz/snippets/gpu-reattach-hook.pl 111 post-stop");
	move(&r, 60200, &hook, GPU, "vfio-pci", "nouveau");
	tb_exit(&r.b, 60400, &hook, 0);
	tb_write(&r.b, 63000, &rogue, "/sys/devices/pci0000:00/0000:00:03.0/0000:0a:00.0/driver_override", "vfio-pci");
	reprobe_to_vfio(&r, 63010, &rogue, GPU, "nouveau");
	tb_exit(&r.b, 300000, &child2, 0);
	assert_int_equal(build(&r, "111", &rep), 0);
	assert_int_equal(rep.m.vms[0].stop_ns, rep.m.vms[0].start_ns + 59800 * 1000000ull);
	assert_null(find(&rep, F_NO_HOOK, NULL));
	assert_non_null(find(&rep, F_REBIND_AFTER_RETURN, GPU));
	assert_string_equal(find(&rep, F_REBIND_AFTER_RETURN, GPU)->culprit.comm, "gpu-watchdog");
	report_free(&rep);
}

/* A trace of another boot of the host, HOURS from the usual start (the
 * same monotonic times and pids come back), with the GPU on DRIVER. */
static void open_boot_with_gpu(struct run *r, const char *name, int hours, const char *driver)
{
	tb_open_at(&r->b, dir, name, "fentry", 1750000000000000000ull + hours * 3600000000000ll);
	r->uevents = false;
	tb_pci(&r->b, GPU, "10de", "1b80", driver);
}

/* Two boots (a baseline and the problem, each traced from boot): the same
 * pids come back. Given the later boot's trace first, where pids 4021 and
 * 4022 are other programs exiting and leaving children, the earlier
 * boot's daemonized VM still ends when its own child 4022 does, however
 * the traces are ordered. */
static void test_daemon_end_among_other_boots(void **state)
{
	struct gt_task qm = tb_task(3990, "qm", 1, "systemd", 0);
	struct gt_task kvm = tb_task(4021, "kvm", 3990, "qm", 0), child = tb_task(4022, "kvm", 1, "init", 0);
	struct gt_task awk = tb_task(4022, "awk", 1, "init", 0), sh = tb_task(4021, "sh", 1, "init", 0);
	struct report rep;
	struct run later, earlier;

	open_boot_with_gpu(&later, "boot-later.gtrace", 1, "nouveau");
	tb_exit_orphaning(&later.b, 150, &sh, 0, 4023);
	tb_exit(&later.b, 200, &awk, 0);
	tb_close(&later.b);
	open_with_gpu(&earlier, "boot-earlier.gtrace");
	move(&earlier, 100, &qm, GPU, "nouveau", "vfio-pci");
	daemonized_kvm(&earlier, 200, &kvm, "111", GPU, 4022);
	tb_exit(&earlier.b, 60000, &child, 0);
	tb_close(&earlier.b);
	for (int order = 0; order < 2; order++) {
		const char *traces[2] = { order ? earlier.b.path : later.b.path,
					  order ? later.b.path : earlier.b.path };
		char err[256];

		assert_int_equal(report_build(&rep, traces, 2, &(struct report_opts){ .vm = "111" }, err,
					      sizeof(err)), 0);
		assert_int_equal(rep.m.n_vms, 1);
		assert_int_equal(rep.m.vms[0].stop_ns, rep.m.vms[0].start_ns + 59800 * 1000000ull);
		report_free(&rep);
	}
}

/* The earlier boot's daemonized VM is still running when its trace ends;
 * in the later boot pid 4022 is awk, and pid 4021 a shell that leaves a
 * child. Neither ends the VM, in either order of the traces: it ran past
 * the end of its boot's trace. */
static void test_daemon_running_at_the_end_of_its_boot(void **state)
{
	struct gt_task qm = tb_task(3990, "qm", 1, "systemd", 0);
	struct gt_task kvm = tb_task(4021, "kvm", 3990, "qm", 0);
	struct gt_task awk = tb_task(4022, "kvm", 1, "init", 0), sh = tb_task(4021, "sh", 1, "init", 0);
	struct report rep;
	struct run later, earlier;

	/* the later boot's 4022 even has the VM's name */
	open_boot_with_gpu(&later, "boot-later-running.gtrace", 1, "nouveau");
	tb_exit_orphaning(&later.b, 150, &sh, 0, 4022);
	tb_exit(&later.b, 200, &awk, 0);
	tb_close(&later.b);
	open_with_gpu(&earlier, "boot-earlier-running.gtrace");
	move(&earlier, 100, &qm, GPU, "nouveau", "vfio-pci");
	daemonized_kvm(&earlier, 200, &kvm, "111", GPU, 4022);
	tb_close(&earlier.b);
	for (int order = 0; order < 2; order++) {
		const char *traces[2] = { order ? earlier.b.path : later.b.path,
					  order ? later.b.path : earlier.b.path };
		char err[256];

		assert_int_equal(report_build(&rep, traces, 2, &(struct report_opts){ .vm = "111" }, err,
					      sizeof(err)), 0);
		assert_int_equal(rep.m.n_vms, 1);
		assert_int_equal(rep.m.vms[0].stop_ns, 0);
		assert_int_equal(rep.m.n_boots, 2);
		report_free(&rep);
	}
}

/* A VM running before the later boot's recording began (in its start
 * snapshot only), with the pid a process of the earlier boot had (and
 * never exited in its trace): it is the later boot's VM all the same, in
 * either order of the traces, and the other's exec is neither its past
 * nor its next image. */
static void test_snapshot_vm_with_an_earlier_boots_pid(void **state)
{
	static const char argv[] = "/usr/bin/kvm\0-id\0" "222\0-device\0vfio-pci,host=0000:0a:00.0";
	struct gt_task sh = tb_task(4021, "sh", 1, "init", 0);
	struct report rep;
	struct run later, earlier;
	const char *traces[2];
	char err[256];

	open_with_gpu(&earlier, "boot-earlier-pid.gtrace");
	tb_exec(&earlier.b, 100, &sh, "/bin/sh -c sleep 1000");
	tb_close(&earlier.b);
	open_boot_with_gpu(&later, "boot-later-pid.gtrace", 1, "vfio-pci");
	trace_writer_kv_begin(later.b.w, GT_REC_PROCESS, TB_T0);
	trace_writer_kv_str(later.b.w, "phase", "start");
	trace_writer_kv_str(later.b.w, "pid", "4021");
	trace_writer_kv_str(later.b.w, "ppid", "1");
	trace_writer_kv_str(later.b.w, "uid", "0");
	trace_writer_kv_str(later.b.w, "comm", "kvm");
	trace_writer_kv_str(later.b.w, "exe", "/usr/bin/qemu-system-x86_64");
	trace_writer_kv_add(later.b.w, "cmdline", argv, sizeof(argv));
	trace_writer_kv_end(later.b.w);
	tb_close(&later.b);
	for (int order = 0; order < 2; order++) {
		traces[order] = earlier.b.path;
		traces[!order] = later.b.path;
		assert_int_equal(report_build(&rep, traces, 2, &(struct report_opts){ 0 }, err, sizeof(err)), 0);
		assert_int_equal(rep.m.n_vms, 1);
		assert_string_equal(rep.m.vms[0].id, "222");
		assert_int_equal(rep.m.vms[0].pid, 4021);
		assert_int_equal(rep.m.vms[0].proc->prev_image, -1);
		assert_int_equal(rep.m.vms[0].proc->next_image, -1);
		report_free(&rep);
	}
}

/* A later boot's writer, running since before its trace (no exec of it
 * there), has the pid of a process an earlier boot started and never saw
 * exit: the rebind is the writer's, not that other process's (its command
 * line, unit and spawn chain), in either order of the traces. */
static void test_culprit_not_of_an_earlier_boot(void **state)
{
	struct gt_task watchdog = tb_task(5300, "gpu-watchdog", 1, "systemd", 0);
	struct gt_task other = tb_task(5300, "innocentd", 1, "systemd", 0);
	const struct finding *f;
	struct report rep;
	struct run later, earlier;
	const char *traces[2];
	char err[256];

	open_boot_with_gpu(&earlier, "boot-earlier-culprit.gtrace", -1, "nouveau");
	tb_exec(&earlier.b, 100, &other, "/usr/sbin/innocentd --serve");
	tb_close(&earlier.b);
	proxmox_vm_runs(&later, "fentry", "boot-later-culprit.gtrace");
	proxmox_hook(&later, 60100, "both", 0);
	override_to_vfio(&later, 61740, &watchdog);
	tb_close(&later.b);
	for (int order = 0; order < 2; order++) {
		traces[order] = earlier.b.path;
		traces[!order] = later.b.path;
		assert_int_equal(report_build(&rep, traces, 2, &(struct report_opts){ .vm = "111" }, err,
					      sizeof(err)), 0);
		assert_int_equal(rep.m.n_boots, 2);
		assert_non_null(f = find(&rep, F_REBIND_AFTER_RETURN, GPU));
		assert_string_equal(f->culprit.comm, "gpu-watchdog");
		assert_null(f->culprit_proc);
		assert_false(f->culprit_from_hook);
		report_free(&rep);
	}
}

/* libvirt's QEMU runs as its own user, under root's libvirtd, here in the
 * later boot's start snapshot only. An earlier boot's pid of libvirtd was a
 * user's shell: the VM is still root's (its parent is of its own boot), in
 * either order of the traces. */
static void test_vm_parent_of_its_own_boot(void **state)
{
	struct gt_task shell = tb_task(1500, "bash", 1, "systemd", 0);
	struct gt_task qemu = tb_task(7000, "qemu-system-x86", 1500, "libvirtd", 1, "systemd", 0);
	struct report rep;
	struct run later, earlier;
	const char *traces[2];
	char err[256];

	shell.uid = 1000;
	qemu.uid = 64055;
	open_boot_with_gpu(&earlier, "boot-earlier-shell.gtrace", -1, "nouveau");
	tb_exec(&earlier.b, 100, &shell, "/bin/bash");
	tb_close(&earlier.b);
	open_with_gpu(&later, "boot-later-libvirt.gtrace");
	tb_process(&later.b, 1500, 1, "libvirtd");
	tb_exec(&later.b, 200, &qemu, "/usr/bin/qemu-system-x86_64 -name guest=win11,debug-threads=on "
		"-device vfio-pci,host=0000:0a:00.0,id=hostdev0");
	tb_close(&later.b);
	for (int order = 0; order < 2; order++) {
		traces[order] = earlier.b.path;
		traces[!order] = later.b.path;
		assert_int_equal(report_build(&rep, traces, 2, &(struct report_opts){ 0 }, err, sizeof(err)), 0);
		assert_int_equal(rep.m.n_vms, 1);
		assert_string_equal(rep.m.vms[0].id, "win11");
		report_free(&rep);
	}
}

/* A baseline recorded before exits named the children they leave (no
 * orphan records in its boot) beside a later boot's trace that has them:
 * the baseline's daemonized VM still ends at its daemon's exit, read the
 * old way, in either order of the traces. */
static void test_daemon_end_in_a_boot_without_orphan_records(void **state)
{
	struct gt_task qm = tb_task(3990, "qm", 1, "systemd", 0);
	struct gt_task kvm = tb_task(4021, "kvm", 3990, "qm", 0), child = tb_task(4022, "kvm", 1, "init", 0);
	struct gt_task sh = tb_task(5021, "sh", 1, "init", 0);
	struct report rep;
	struct run later, earlier;
	const char *traces[2];
	char err[256];

	open_with_gpu(&earlier, "boot-earlier-no-orphans.gtrace");
	move(&earlier, 100, &qm, GPU, "nouveau", "vfio-pci");
	daemonized_kvm(&earlier, 200, &kvm, "111", GPU, 0);
	tb_exit(&earlier.b, 60000, &child, 0);
	tb_close(&earlier.b);
	open_boot_with_gpu(&later, "boot-later-orphans.gtrace", 1, "nouveau");
	tb_exit_orphaning(&later.b, 150, &sh, 0, 5022);
	tb_close(&later.b);
	for (int order = 0; order < 2; order++) {
		traces[order] = earlier.b.path;
		traces[!order] = later.b.path;
		assert_int_equal(report_build(&rep, traces, 2, &(struct report_opts){ .vm = "111" }, err,
					      sizeof(err)), 0);
		assert_int_equal(rep.m.n_vms, 1);
		assert_int_equal(rep.m.vms[0].stop_ns, rep.m.vms[0].start_ns + 59800 * 1000000ull);
		report_free(&rep);
	}
}

/* A VM of the earlier boot stops half a second before its trace ends; at
 * the start of the later boot a boot script binds the GPU back to
 * nouveau. With the later trace given too the stop is still unfinished,
 * as it is alone: the later boot's bind is not its return, nor its
 * culprit's doing. */
static void test_stop_story_ends_with_its_boot(void **state)
{
	struct gt_task boot_script = tb_task(777, "bootscript", 1, "systemd", 0);
	const struct custody *c;
	struct report rep;
	struct run later, earlier;
	const char *traces[2];
	char err[256];

	proxmox_vm_runs(&earlier, "fentry", "boot-earlier-stop.gtrace");
	tb_end_at(&earlier.b, 60500);
	open_boot_with_gpu(&later, "boot-later-bind.gtrace", 1, "vfio-pci");
	move(&later, 100, &boot_script, GPU, "vfio-pci", "nouveau");
	tb_close(&later.b);
	traces[0] = earlier.b.path;
	traces[1] = later.b.path;
	for (int n = 1; n <= 2; n++) {
		assert_int_equal(report_build(&rep, traces, n, &(struct report_opts){ .vm = "111" }, err,
					      sizeof(err)), 0);
		assert_non_null(c = custody_of(&rep, "111", GPU));
		assert_false(c->settled);
		assert_null(c->ret);
		for (size_t i = 0; i < rep.f.n; i++)
			assert_null(strstr(rep.f.v[i].summary, "bootscript"));
		report_free(&rep);
	}
}

/* A VM still running when its boot's trace ends, and `qm stop` of the
 * same id in the later boot: that stop was another run's, not this one's. */
static void test_stop_request_of_another_boot(void **state)
{
	struct gt_task qm = tb_task(3990, "qm", 1, "systemd", 0), later_qm = tb_task(6000, "qm", 1, "systemd", 0);
	struct gt_task kvm = tb_task(4021, "kvm", 3990, "qm", 0);
	struct report rep;
	struct run later, earlier;
	const char *traces[2];
	char err[256];

	open_with_gpu(&earlier, "boot-earlier-running-vm.gtrace");
	move(&earlier, 100, &qm, GPU, "nouveau", "vfio-pci");
	tb_exec(&earlier.b, 200, &kvm, "/usr/bin/kvm -id 111 -device vfio-pci,host=0000:0a:00.0");
	tb_close(&earlier.b);
	open_boot_with_gpu(&later, "boot-later-qm-stop.gtrace", 1, "nouveau");
	tb_exec(&later.b, 100, &later_qm, "/usr/bin/perl /usr/sbin/qm stop 111");
	tb_close(&later.b);
	traces[0] = earlier.b.path;
	traces[1] = later.b.path;
	assert_int_equal(report_build(&rep, traces, 2, &(struct report_opts){ 0 }, err, sizeof(err)), 0);
	assert_int_equal(rep.m.n_vms, 1);
	assert_int_equal(rep.m.vms[0].stop_ns, 0);
	assert_false(rep.m.vms[0].stop_requested);
	report_free(&rep);
}

/* A file without its header (cut at its start) read after two boots'
 * traces: its records, on no clock known, do not stretch a boot's span
 * over the other's, and the earlier boot's culprit, running since before
 * its trace, is still not the later boot's process of that pid. */
static void test_headless_file_keeps_boots_apart(void **state)
{
	struct gt_task watchdog = tb_task(5300, "gpu-watchdog", 1, "systemd", 0);
	struct gt_task other = tb_task(9999, "other", 1, "systemd", 0);
	const struct finding *f;
	struct report rep;
	struct run later, earlier;
	struct tb headless;
	const char *traces[3];
	char err[256];

	proxmox_vm_runs(&earlier, "fentry", "boot-earlier-watchdog.gtrace");
	proxmox_hook(&earlier, 60100, "both", 0);
	override_to_vfio(&earlier, 61740, &watchdog);
	tb_close(&earlier.b);
	open_boot_with_gpu(&later, "boot-later-innocent.gtrace", 1, "nouveau");
	tb_process(&later.b, 5300, 1, "innocentd");
	tb_close(&later.b);
	snprintf(headless.path, sizeof(headless.path), "%s/headless.gtrace", dir);
	assert_non_null(headless.w = trace_writer_create(headless.path, true));
	tb_exec(&headless, 100, &other, "/bin/other");
	tb_close(&headless);
	traces[0] = earlier.b.path;
	traces[1] = later.b.path;
	traces[2] = headless.path;
	assert_int_equal(report_build(&rep, traces, 3, &(struct report_opts){ .vm = "111" }, err, sizeof(err)), 0);
	assert_int_equal(rep.m.n_boots, 2);
	assert_true(rep.m.boots[0].last_ns < rep.m.boots[1].first_ns);
	assert_non_null(f = find(&rep, F_REBIND_AFTER_RETURN, GPU));
	assert_string_equal(f->culprit.comm, "gpu-watchdog");
	assert_null(f->culprit_proc);
	report_free(&rep);
}

/* The later boot's culprit never exec'd in its trace. In the earlier boot
 * its pid was left behind by an exiting spawner, and a program of its name
 * ran: neither is its parent, guessed or known (a spawn chain of another
 * boot), in either order of the traces. */
static void test_spawn_chain_not_of_an_earlier_boot(void **state)
{
	struct gt_task watchdog = tb_task(5300, "gpu-watchdog", 1, "systemd", 0);
	struct gt_task spawner = tb_task(4000, "spawner", 1, "systemd", 0);
	struct gt_task namesake = tb_task(5301, "gpu-watchdog", 1, "systemd", 0);
	const struct finding *f;
	struct report rep;
	struct run later, earlier;
	const char *traces[2];
	char err[256];

	open_boot_with_gpu(&earlier, "boot-earlier-spawner.gtrace", -1, "nouveau");
	tb_exec(&earlier.b, 100, &spawner, "/usr/sbin/spawner");
	tb_exit_orphaning(&earlier.b, 200, &spawner, 0, 5300);
	tb_exec(&earlier.b, 300, &namesake, "/usr/local/bin/gpu-watchdog");
	tb_close(&earlier.b);
	proxmox_vm_runs(&later, "fentry", "boot-later-watchdog.gtrace");
	proxmox_hook(&later, 60100, "both", 0);
	override_to_vfio(&later, 61740, &watchdog);
	tb_close(&later.b);
	for (int order = 0; order < 2; order++) {
		traces[order] = earlier.b.path;
		traces[!order] = later.b.path;
		assert_int_equal(report_build(&rep, traces, 2, &(struct report_opts){ .vm = "111" }, err,
					      sizeof(err)), 0);
		assert_non_null(f = find(&rep, F_REBIND_AFTER_RETURN, GPU));
		assert_string_equal(f->culprit.comm, "gpu-watchdog");
		assert_int_equal(f->n_spawned_by, 0);
		report_free(&rep);
	}
}

/* The start snapshot reads the process list while the machine goes on: it
 * can catch QEMU's daemonized child, born after the recording began. That
 * child's exit is then a process record's, and it is still the VM's stop. */
static void test_daemon_child_in_start_snapshot(void **state)
{
	struct gt_task qm = tb_task(3990, "qm", 1, "systemd", 0);
	struct gt_task kvm = tb_task(4021, "kvm", 3990, "qm", 0), child = tb_task(4022, "kvm", 1, "init", 0);
	struct gt_task hook = tb_task(6120, "gpu-reattach-ho", 6100, "qm", 0);
	struct report rep;
	struct run r;

	open_with_gpu(&r, "snapshot-daemon.gtrace");
	tb_process(&r.b, 4022, 1, "kvm");
	move(&r, 100, &qm, GPU, "nouveau", "vfio-pci");
	daemonized_kvm(&r, 200, &kvm, "111", "0000:0a:00.0", 4022);
	tb_exit(&r.b, 60000, &child, 0);
	tb_exec(&r.b, 60100, &hook, "/var/lib/vz/snippets/gpu-reattach-hook.pl 111 post-stop");
	move(&r, 60200, &hook, GPU, "vfio-pci", "nouveau");
	tb_exit(&r.b, 60400, &hook, 0);
	assert_int_equal(build(&r, "111", &rep), 0);
	assert_int_equal(rep.m.vms[0].stop_ns, rep.m.vms[0].start_ns + 59800 * 1000000ull);
	assert_non_null(custody_of(&rep, "111", GPU)->ret);
	/* the pid its pidfile names is the child's */
	assert_int_equal(rep.m.vms[0].daemon_pid, 4022);
	assert_string_equal(report_qemu_pid(&rep.m.vms[0], (char[64]){ 0 }, 64),
			    "QEMU pid 4022, daemonized from 4021");
	report_free(&rep);
}

/* A trace from before exits named the children they leave: a daemonized
 * VM ends with the last exit of a process of its name that never exec'd,
 * started after it (a higher pid), not with another name's or an older
 * process's later exit. */
static void test_daemon_end_without_orphan_records(void **state)
{
	struct gt_task qm = tb_task(3990, "qm", 1, "systemd", 0);
	struct gt_task kvm = tb_task(4021, "kvm", 3990, "qm", 0), child = tb_task(4022, "kvm", 1, "init", 0);
	struct gt_task older = tb_task(100, "kvm", 1, "init", 0), sh = tb_task(9000, "sh", 1, "init", 0);
	struct gt_task early = tb_task(4030, "kvm", 1, "init", 0);
	struct report rep;
	struct run r;

	open_with_gpu(&r, "old-daemon.gtrace");
	tb_exit(&r.b, 150, &early, 0);		/* before the VM started */
	move(&r, 100, &qm, GPU, "nouveau", "vfio-pci");
	daemonized_kvm(&r, 200, &kvm, "111", "0000:0a:00.0", 0);
	tb_exit(&r.b, 40000, &child, 0);
	tb_exit(&r.b, 60000, &child, 0);	/* the same pid again: the later one */
	tb_exit(&r.b, 70000, &older, 0);
	tb_exit(&r.b, 80000, &sh, 0);
	assert_int_equal(build(&r, "111", &rep), 0);
	assert_int_equal(rep.m.n_orphans, 0);
	assert_int_equal(rep.m.vms[0].stop_ns, rep.m.vms[0].start_ns + 59800 * 1000000ull);
	report_free(&rep);
}

/* A Proxmox stop whose hook (in qmeventd.service) returns both functions
 * and exits at 61000 leaving 40 children, 32 of them named (6000-6031). */
static void crowded_hook_stop(struct run *r, const char *name)
{
	struct gt_task cleanup = tb_task(5100, "qm", 800, "qmeventd", 1, "systemd", 0);
	struct gt_task hook = tb_task(5120, "gpu-reattach-ho", 5100, "qm", 800, "qmeventd", 1, "systemd", 0);
	uint32_t kids[GT_ORPHANS_MAX];

	for (unsigned i = 0; i < GT_ORPHANS_MAX; i++)
		kids[i] = 6000 + i;
	strcpy(hook.unit, "qmeventd.service");
	proxmox_vm_runs(r, "fentry", name);
	tb_process(&r->b, 800, 1, "qmeventd");		/* running since boot */
	tb_process(&r->b, 900, 1, "gpu-managerd");
	tb_exec(&r->b, 60100, &cleanup, "/usr/bin/perl /usr/sbin/qm cleanup 111 1 1");
	tb_exec(&r->b, 60110, &hook, "/var/lib/vz/snippets/gpu-reattach-hook.pl 111 post-stop");
	move(r, 60200, &hook, GPU, "vfio-pci", "nouveau");
	move(r, 60400, &hook, AUDIO, "vfio-pci", "snd_hda_intel");
	tb_exit_leaving(&r->b, 61000, &hook, 0, kids, GT_ORPHANS_MAX, 40);
	tb_exit(&r->b, 61050, &cleanup, 0);
}

/* The INFO that a culprit may be one of the children an exit left
 * unnamed, or NULL. */
static const struct finding *unnamed_info(const struct report *rep)
{
	for (size_t i = 0; i < rep->f.n; i++)
		if (rep->f.v[i].kind == F_LIMIT && strstr(rep->f.v[i].summary, "the exit record does not name"))
			return &rep->f.v[i];
	return NULL;
}

/* After that stop, gpu-watchdog takes the GPU back to vfio-pci. When it is
 * one of the named children, it is the hook's (HIGH, from the hook) and
 * nothing more is said. When it is one of the others (same unit), who
 * started it is not known: the report says it may be one of them (INFO
 * naming the hook's exit), and so for a process behind it (a shell it
 * exec'd). Not for a process init ran since before the trace, nor one in
 * another unit, and the exit it names is the hook's, not a later
 * unrelated one. When nobody acts, nothing. */
static void test_culprit_among_children_left_unnamed(void **state)
{
	enum { NAMED, UNNAMED, NOBODY, SNAPSHOT_DAEMON, LATER_CROWD, GRANDCHILD, OTHER_UNIT, N_CASES };
	char want[256], at[32];

	for (int k = 0; k < N_CASES; k++) {
		struct gt_task wd = tb_task(k == NAMED ? 6001 : 6035, "gpu-watchdog", 1, "init", 0);
		struct gt_task mgr = tb_task(900, "gpu-managerd", 1, "init", 0);
		struct gt_task make = tb_task(8000, "make", 1, "init", 0);
		struct gt_task sh = tb_task(6035, "sh", 1, "init", 0);
		struct gt_task dc = tb_task(7000, "driverctl", 6035, "sh", 1, "init", 0);
		const struct finding *f, *info;
		struct report rep;
		struct run r;

		strcpy(wd.unit, k == OTHER_UNIT ? "gpu-watchdog.service" : "qmeventd.service");
		strcpy(sh.unit, "qmeventd.service");
		strcpy(dc.unit, "qmeventd.service");
		crowded_hook_stop(&r, "crowded.gtrace");
		switch (k) {
		case NOBODY:
			break;
		case SNAPSHOT_DAEMON:
			override_to_vfio(&r, 62100, &mgr);
			break;
		case LATER_CROWD:	/* exec'd before an unrelated exit that left 64 */
			tb_exec(&r.b, 62000, &wd, "/bin/sh /usr/local/sbin/gpu-watchdog 0000:0a:00.0");
			tb_exit_leaving(&r.b, 62050, &make, 0, (uint32_t[1]){ 8001 }, 1, 64);
			override_to_vfio(&r, 62100, &wd);
			break;
		case GRANDCHILD:
			tb_exec(&r.b, 62000, &sh, "sh -c driverctl --nosave set-override 0000:0a:00.0 vfio-pci");
			tb_exec(&r.b, 62050, &dc, "/usr/sbin/driverctl --nosave set-override 0000:0a:00.0 vfio-pci");
			override_to_vfio(&r, 62100, &dc);
			break;
		default:
			tb_exec(&r.b, 62000, &wd, "/bin/sh /usr/local/sbin/gpu-watchdog 0000:0a:00.0");
			override_to_vfio(&r, 62100, &wd);
		}
		assert_int_equal(build(&r, "111", &rep), 0);
		f = find(&rep, F_REBIND_AFTER_RETURN, GPU);
		info = unnamed_info(&rep);
		if (k == NOBODY) {
			assert_null(f);
			assert_null(info);
			assert_int_equal(count_sev(&rep, SEV_WARN), 0);
			report_free(&rep);
			continue;
		}
		assert_non_null(f);
		assert_int_equal(f->severity, SEV_HIGH);
		assert_int_equal(f->culprit_from_hook, k == NAMED);
		if (k == NAMED)
			assert_string_equal(f->advice, "the post-stop hook starts gpu-watchdog: take it out of "
					    "the hook, or have it leave " GPU " alone");
		if (k == OTHER_UNIT)
			assert_non_null(strstr(f->advice, "gpu-watchdog runs in gpu-watchdog.service: stop or "
						"reconfigure that unit (systemctl status gpu-watchdog.service)"));
		if (k == NAMED || k == SNAPSHOT_DAEMON || k == OTHER_UNIT) {
			assert_null(info);
			report_free(&rep);
			continue;
		}
		assert_non_null(info);
		assert_int_equal(info->severity, SEV_INFO);
		assert_string_equal(info->device, GPU);
		assert_string_equal(info->vm, "111");
		fmt_wall(info->ts_ns, false, at, sizeof(at));
		if (k == GRANDCHILD)
			snprintf(want, sizeof(want), "sh[6035], behind the culprit on %s (driverctl[7000]), may be "
				 "one of the 8 children gpu-reattach-ho[5120] left at its exit (%s) that the exit "
				 "record does not name", GPU, at);
		else
			snprintf(want, sizeof(want), "the culprit on %s, gpu-watchdog[6035], may be one of the 8 "
				 "children gpu-reattach-ho[5120] left at its exit (%s) that the exit record does "
				 "not name", GPU, at);
		assert_string_equal(info->summary, want);
		assert_non_null(strstr(info->mechanism, "is not known; an exit record names at most 32 of the "
					   "children a process leaves (this one 32 of 40)"));
		assert_string_equal(info->advice, "both ran in qmeventd.service, and a forked child keeps its "
				    "parent's unit: the journal of that unit may tell");
		report_free(&rep);
	}
}

/* Driver outcomes as uevents (tracepoint backend): a bind's cause is
 * looked for among at most MODEL_CAUSE_SCAN_MAX writes. After a storm of
 * writes to another device's attribute, the rogue's reprobe has its
 * causes past that bound: the report says so (WARN, two driver changes),
 * as their culprit may be missing. A smaller storm leaves the culprit found and
 * nothing said. */
static void test_cause_past_the_scan_bound(void **state)
{
	struct gt_task storm = tb_task(7300, "tuned", 1, "systemd", 0);
	struct gt_task watchdog = tb_task(5300, "gpu-watchdog", 1, "systemd", 0);
	const int sizes[] = { 100, MODEL_CAUSE_SCAN_MAX + 100 };

	for (int k = 0; k < 2; k++) {
		const struct finding *f, *limit = NULL;
		struct report rep;
		struct run r;

		proxmox_vm_runs(&r, "tracepoint", "storm.gtrace");
		proxmox_hook(&r, 60100, "both", 0);
		for (int i = 0; i < sizes[k]; i++)
			tb_write(&r.b, 61100 + i * 0.1, &storm, "/sys/bus/pci/devices/0000:0b:00.0/power/control",
				 i % 2 ? "on" : "auto");
		override_to_vfio(&r, 61740, &watchdog);
		assert_int_equal(build(&r, "111", &rep), 0);
		for (size_t i = 0; i < rep.f.n; i++)
			if (rep.f.v[i].kind == F_LIMIT && strstr(rep.f.v[i].summary, "the rest were not searched"))
				limit = &rep.f.v[i];
		f = find(&rep, F_REBIND_AFTER_RETURN, GPU);
		if (!k) {
			assert_null(limit);
			assert_non_null(f);
			assert_string_equal(f->culprit.comm, "gpu-watchdog");
		} else {
			assert_non_null(limit);
			assert_int_equal(limit->severity, SEV_WARN);
			/* the reprobe's unbind and bind */
			assert_non_null(strstr(limit->summary, "2 driver changes seen as uevents had no write "
						"found as their cause among the 4096 sysfs writes looked at before "
						"each"));
		}
		report_free(&rep);
	}
}

/* 5,000 distinct ids written to vfio-pci's new_id, every other one
 * removed again, and one id added twice (the table keeps one entry per
 * add): the dynamic id table the model keeps is the kernel's, whatever
 * its size (each write once looked at every entry). */
static void test_many_dynids(void **state)
{
	struct gt_task t = tb_task(7000, "bind-ids", 1, "systemd", 0);
	const long n = 5000;
	size_t removed = 0, twice = 0;
	struct report rep;
	struct run r;
	char ids[32];

	proxmox_vm_runs(&r, "fentry", "dynids.gtrace");
	for (long i = 0; i < n; i++) {
		snprintf(ids, sizeof(ids), "%04lx %04lx", 0x1000 + (i & 0xff), 0x2000 + (i >> 8));
		tb_write(&r.b, 70000 + i, &t, "/sys/bus/pci/drivers/vfio-pci/new_id", ids);
		if (i % 2)
			tb_write(&r.b, 70000 + i + 0.5, &t, "/sys/bus/pci/drivers/vfio-pci/remove_id", ids);
	}
	tb_write(&r.b, 80000, &t, "/sys/bus/pci/drivers/vfio-pci/new_id", "1000 2000");
	assert_int_equal(build(&r, "111", &rep), 0);
	for (size_t i = 0; i < rep.m.n_dynids; i++) {
		const struct m_dynid *y = &rep.m.dynids[i];

		if (strcmp(y->driver, "vfio-pci") || y->vendor < 0x1000 || y->vendor > 0x10ff)
			continue;
		removed += y->removed_ns != 0;
		twice += y->vendor == 0x1000 && y->device == 0x2000;
	}
	assert_int_equal(removed, n / 2);
	assert_int_equal(twice, 2);
	report_free(&rep);
}

/* On Proxmox qm always leaves its dynamic id; a hook's explicit bind of
 * the host driver that fails in the driver's probe is the probe's fault. */
static void test_probe_error_is_not_the_dynid(void **state)
{
	struct gt_task hook = tb_task(5120, "gpu-reattach-ho", 5100, "qm", 0);
	const struct finding *f;
	struct report rep;
	struct run r;

	proxmox_vm_runs(&r, "fentry", "probe-eio.gtrace");
	tb_exec(&r.b, 60110, &hook, "/var/lib/vz/snippets/gpu-reattach-hook.pl 111 post-stop");
	tb_write(&r.b, 60200, &hook, "/sys/bus/pci/drivers/vfio-pci/unbind", GPU);
	tb_drv(&r.b, 60200.5, &hook, GT_EV_UNBIND, GPU, "vfio-pci", 0);
	tb_drv(&r.b, 60300.5, &hook, GT_EV_PROBE_FAIL, GPU, "nouveau", -5);
	tb_write_ret(&r.b, 60300, &hook, "/sys/bus/pci/drivers/nouveau/bind", GPU, -5);
	move(&r, 60400, &hook, AUDIO, "vfio-pci", "snd_hda_intel");
	tb_exit(&r.b, 60500, &hook, 0);
	assert_int_equal(build(&r, "111", &rep), 0);
	f = find(&rep, F_RETURN_FAILED, GPU);
	assert_non_null(f);
	assert_int_equal(f->blocker, BLOCK_PROBE);
	assert_int_equal(f->mech, MECH_PROBE_ERROR);
	assert_string_equal(f->culprit.comm, "gpu-reattach-ho");
	report_free(&rep);
}

/* A hook that retries its bind in a loop: RETRIES writes fail with EBUSY,
 * then one fails in nouveau's probe. The verdict is the probe's however
 * many tries came first (the kept attempts are the first few, but every
 * one is looked at), and every attempt is counted. */
static void retried_bind(int retries)
{
	struct gt_task hook = tb_task(5120, "gpu-reattach-ho", 5100, "qm", 0);
	const struct custody *c;
	const struct finding *f;
	struct report rep;
	struct run r;
	char *buf, more[32];
	size_t len;
	FILE *fp;

	proxmox_vm_runs(&r, "fentry", "retried-bind.gtrace");
	tb_exec(&r.b, 60110, &hook, "/var/lib/vz/snippets/gpu-reattach-hook.pl 111 post-stop");
	tb_write(&r.b, 60200, &hook, "/sys/bus/pci/drivers/vfio-pci/unbind", GPU);
	tb_drv(&r.b, 60200.5, &hook, GT_EV_UNBIND, GPU, "vfio-pci", 0);
	for (int i = 0; i < retries; i++)
		tb_write_ret(&r.b, 60300 + i * 10, &hook, "/sys/bus/pci/drivers/nouveau/bind", GPU, -16);
	tb_drv(&r.b, 60500.5, &hook, GT_EV_PROBE_FAIL, GPU, "nouveau", -5);
	tb_write_ret(&r.b, 60500, &hook, "/sys/bus/pci/drivers/nouveau/bind", GPU, -5);
	tb_exit(&r.b, 60600, &hook, 0);
	assert_int_equal(build(&r, "111", &rep), 0);
	f = find(&rep, F_RETURN_FAILED, GPU);
	assert_non_null(f);
	assert_int_equal(f->blocker, BLOCK_PROBE);
	assert_int_equal(f->mech, MECH_PROBE_ERROR);
	c = custody_of(&rep, "111", GPU);
	assert_int_equal(c->n_attempts_all, retries + 2);	/* the writes and the probe */
	assert_int_equal(c->n_attempts, retries + 2 < C_ATTEMPTS_MAX ? retries + 2 : C_ATTEMPTS_MAX);
	assert_true(c->attempt_writes[0]->ts_ns < c->attempt_writes[1]->ts_ns);	/* in time order */
	fp = open_memstream(&buf, &len);
	report_render_explain(fp, &rep, GPU);
	fclose(fp);
	snprintf(more, sizeof(more), "and %d more", retries + 2 - C_ATTEMPTS_MAX);
	if (retries + 2 > C_ATTEMPTS_MAX)
		assert_non_null(strstr(buf, more));
	else
		assert_null(strstr(buf, "more"));
	free(buf);
	report_free(&rep);
}

static void test_retried_bind_few(void **state) { retried_bind(2); }
static void test_retried_bind_many(void **state) { retried_bind(20); }

/* The seed's hook wrapper ends with "exec ... gpu_pta": the worker is the
 * same process, a new image. The hook ends when it does, and what it
 * writes is the hook's. */
static void test_hook_that_execs_its_worker(void **state)
{
	struct gt_task ptd = tb_task(3000, "gpu-ptd", 1, "systemd", 0);
	struct gt_task hook = tb_task(5120, "gpu-reattach-ho", 5100, "qm", 0);
	struct gt_task pta = tb_task(5120, "gpu-pta", 5100, "qm", 0);
	const struct finding *f;
	struct report rep;
	struct run r;

	proxmox_vm_runs(&r, "fentry", "exec-hook.gtrace");
	tb_write(&r.b, 50000, &ptd, "/sys/devices/pci0000:00/0000:00:03.0/0000:0a:00.0/driver_override", "vfio-pci");
	tb_exec(&r.b, 60110, &hook, "/var/lib/vz/snippets/gpu-reattach-hook.pl 111 post-stop");
	tb_exec(&r.b, 60150, &pta, "/usr/local/sbin/gpu-pta -d lookup");
	tb_write(&r.b, 60200, &pta, "/sys/bus/pci/drivers/vfio-pci/unbind", GPU);
	tb_drv(&r.b, 60200.5, &pta, GT_EV_UNBIND, GPU, "vfio-pci", 0);
	tb_write_ret(&r.b, 60300, &pta, "/sys/bus/pci/drivers/nouveau/bind", GPU, -19);
	move(&r, 60400, &pta, AUDIO, "vfio-pci", "snd_hda_intel");
	tb_exit(&r.b, 60500, &pta, 0);
	assert_int_equal(build(&r, "111", &rep), 0);
	assert_int_equal(rep.m.n_hooks, 1);
	assert_int_equal(rep.m.hooks[0].end_ns, rep.m.vms[0].start_ns + 60300 * 1000000ull);
	f = find(&rep, F_RETURN_FAILED, GPU);
	assert_non_null(f);
	assert_int_equal(f->blocker, BLOCK_OVERRIDE);
	assert_string_equal(f->culprit.comm, "gpu-ptd");
	assert_int_equal(custody_of(&rep, "111", AUDIO)->ret_kind, RET_HOOK);
	report_free(&rep);
}

/* The Proxmox wiki's set-up: the GPU on vfio-pci from boot, a hookscript
 * for CPU pinning. Nothing is expected back: clean. */
static void test_boot_bound_gpu_with_unrelated_hook(void **state)
{
	struct gt_task qm = tb_task(3990, "qm", 1, "systemd", 0);
	struct gt_task kvm = tb_task(4021, "kvm", 3990, "qm", 0);
	struct gt_task hook = tb_task(5120, "pin-cpus.pl", 5100, "qm", 0);
	struct report rep;
	struct run r;

	tb_open(&r.b, dir, "boot-bound.gtrace", "fentry");
	tb_pci(&r.b, GPU, "10de", "1b80", "vfio-pci");
	tb_exec(&r.b, 100, &qm, "/usr/bin/perl /usr/sbin/qm start 111");
	tb_write_ret(&r.b, 110, &qm, "/sys/bus/pci/drivers/vfio-pci/new_id", "10de 1b80", -17);
	tb_exec(&r.b, 200, &kvm, "/usr/bin/kvm -id 111 -device vfio-pci,host=0000:0a:00.0");
	tb_exit(&r.b, 60000, &kvm, 0);
	tb_exec(&r.b, 60110, &hook, "/var/lib/vz/snippets/pin-cpus.pl 111 post-stop");
	tb_exit(&r.b, 60200, &hook, 0);
	assert_int_equal(build(&r, "111", &rep), 0);
	assert_int_equal(count_sev(&rep, SEV_WARN), 0);
	assert_false(custody_of(&rep, "111", GPU)->expect_return);
	report_free(&rep);
}

/* 400 runs of VM 111, ten seconds apart, each given its GPU by qm and
 * given back by the hook (the shape that made the report cubic: every
 * custody walked every run and every run's start walked every transition;
 * 2,000 runs took 67 s). In run 200 a rogue takes the GPU back to
 * vfio-pci after the return; in run 300 udev moves the audio function,
 * which no VM has, to vfio-pci. Exactly those two, and 400 clean custodies
 * besides. */
static void test_many_restarts(void **state)
{
	struct gt_task rogue = tb_task(9000, "gpu-rogue", 1, "systemd", 0);
	struct gt_task udev = tb_task(9100, "(udev-worker)", 512, "systemd-udevd", 0);
	const long n = 400;
	const struct finding *f;
	struct report rep;
	struct run r;
	char buf[64];

	open_with_gpu(&r, "restarts.gtrace");
	tb_pci(&r.b, AUDIO, "10de", "10f0", "snd_hda_intel");
	for (long i = 0; i < n; i++) {
		double ms = 1000 + i * 10000.0;
		struct gt_task qm = tb_task(20000 + i * 4, "qm", 1200, "pvedaemon worke", 1, "systemd", 0);
		struct gt_task kvm = tb_task(20001 + i * 4, "kvm", 20000 + i * 4, "qm", 0);
		struct gt_task hook = tb_task(20002 + i * 4, "gpu-reattach-ho", 800, "qmeventd", 1, "systemd", 0);

		snprintf(buf, sizeof(buf), "/usr/bin/perl /usr/sbin/qm start 111");
		tb_exec(&r.b, ms, &qm, buf);
		move(&r, ms + 10, &qm, GPU, "nouveau", "vfio-pci");
		tb_exit(&r.b, ms + 40, &qm, 0);
		tb_exec(&r.b, ms + 50, &kvm, "/usr/bin/kvm -id 111 -device vfio-pci,host=0000:0a:00.0");
		tb_exit(&r.b, ms + 5000, &kvm, 0);
		tb_exec(&r.b, ms + 5050, &hook, "/var/lib/vz/snippets/gpu-reattach-hook.pl 111 post-stop");
		move(&r, ms + 5100, &hook, GPU, "vfio-pci", "nouveau");
		tb_exit(&r.b, ms + 5200, &hook, 0);
		if (i == 200)
			reprobe_to_vfio(&r, ms + 7000, &rogue, GPU, "nouveau");
		if (i == 300)
			move(&r, ms + 7000, &udev, AUDIO, "snd_hda_intel", "vfio-pci");
	}
	assert_int_equal(build(&r, NULL, &rep), 0);
	assert_int_equal(rep.m.n_vms, n);
	assert_int_equal(rep.c.n, n);
	for (size_t i = 0; i < rep.c.n; i++) {
		assert_non_null(rep.c.v[i].ret);
		assert_false(rep.c.v[i].late);
		/* each run's custody ends where the next run's begins */
		if (i + 1 < rep.c.n)
			assert_ptr_equal(rep.c.v[i].next_vm, rep.c.v[i + 1].vm);
	}
	for (size_t i = 0; i < rep.f.n; i++)
		if (rep.f.v[i].severity >= SEV_WARN)
			print_message("%s %s %s\n", f_kind_name(rep.f.v[i].kind), rep.f.v[i].device,
				      rep.f.v[i].summary);
	assert_int_equal(count_sev(&rep, SEV_WARN), 2);
	f = find(&rep, F_REBIND_AFTER_RETURN, GPU);
	assert_non_null(f);
	assert_string_equal(f->culprit.comm, "gpu-rogue");
	/* the move away after the return is run 200's, and no other run has one */
	for (size_t i = 0; i < rep.c.n; i++)
		assert_int_equal(rep.c.v[i].n_episodes, i == 200);
	f = find(&rep, F_STUB_WITHOUT_VM, AUDIO);
	assert_non_null(f);
	assert_int_equal(f->severity, SEV_WARN);
	report_free(&rep);
}

/* A stale override from a detach tool; the hook returns by remove +
 * rescan, which drops the override; the re-added device lands on vfio-pci
 * through an id in vfio-pci's table since before the trace (qm's new_id
 * got EEXIST): that id is the blocker, not the override. */
static void test_rescan_drops_the_override(void **state)
{
	struct gt_task ptd = tb_task(3000, "gpu-ptd", 1, "systemd", 0);
	struct gt_task qm = tb_task(3990, "qm", 1, "systemd", 0);
	struct gt_task kvm = tb_task(4021, "kvm", 3990, "qm", 0);
	struct gt_task hook = tb_task(5120, "gpu-reattach-ho", 5100, "qm", 0);
	const struct finding *f;
	struct report rep;
	struct run r;

	open_with_gpu(&r, "rescan-override.gtrace");
	tb_write(&r.b, 50, &ptd, "/sys/devices/pci0000:00/0000:00:03.0/0000:0a:00.0/driver_override", "vfio-pci");
	reprobe_to_vfio(&r, 60, &ptd, GPU, "nouveau");
	tb_exec(&r.b, 100, &qm, "/usr/bin/perl /usr/sbin/qm start 111");
	tb_write_ret(&r.b, 110, &qm, "/sys/bus/pci/drivers/vfio-pci/new_id", "10de 1b80", -17);
	tb_exec(&r.b, 200, &kvm, "/usr/bin/kvm -id 111 -device vfio-pci,host=0000:0a:00.0");
	tb_exit(&r.b, 60000, &kvm, 0);
	tb_exec(&r.b, 60110, &hook, "/var/lib/vz/snippets/gpu-reattach-hook.pl 111 post-stop");
	tb_write(&r.b, 60200, &hook, "/sys/devices/pci0000:00/0000:00:03.0/0000:0a:00.0/remove", "1");
	tb_drv(&r.b, 60200.5, &hook, GT_EV_UNBIND, GPU, "vfio-pci", 0);
	tb_uevent(&r.b, 60201, "remove", GPU, NULL);
	tb_write(&r.b, 60300, &hook, "/sys/bus/pci/rescan", "1");
	tb_uevent(&r.b, 60300.2, "add", GPU, NULL);
	tb_drv(&r.b, 60300.5, &hook, GT_EV_BIND, GPU, "vfio-pci", 0);
	tb_exit(&r.b, 60500, &hook, 0);
	assert_int_equal(build(&r, "111", &rep), 0);
	f = find(&rep, F_RETURN_FAILED, GPU);
	assert_non_null(f);
	assert_int_equal(f->blocker, BLOCK_DYNID);
	assert_non_null(strstr(f->mechanism, "since before the trace"));
	report_free(&rep);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_libvirt_reattach_is_the_return),
		cmocka_unit_test(test_libvirt_reattach_is_the_return_uevents),
		cmocka_unit_test(test_libvirt_hook_and_reattach_clean),
		cmocka_unit_test(test_return_blocked_by_stale_dynid),
		cmocka_unit_test(test_hook_bind_fails_on_stale_override),
		cmocka_unit_test(test_hook_bind_fails_on_stale_override_uevents),
		cmocka_unit_test(test_orphaned_child_is_the_hooks),
		cmocka_unit_test(test_forked_subshell_inferred),
		cmocka_unit_test(test_monitor_returns_udev_rebinds),
		cmocka_unit_test(test_many_monitors_and_the_hook),
		cmocka_unit_test(test_hook_with_many_children),
		cmocka_unit_test(test_readd_then_driverctl),
		cmocka_unit_test(test_handover_to_another_vm),
		cmocka_unit_test(test_truncated_after_stop_is_not_confident),
		cmocka_unit_test(test_no_hook_advice_per_flavour),
		cmocka_unit_test(test_header_only_trace_is_an_error),
		cmocka_unit_test(test_corrupt_trace_is_a_limit),
		cmocka_unit_test(test_traces_from_two_hosts),
		cmocka_unit_test(test_non_root_qemu_is_no_vm),
		cmocka_unit_test(test_pve_hostpci_forms),
		cmocka_unit_test(test_late_uevents_keep_their_writes),
		cmocka_unit_test(test_returned_but_driver_failed),
		cmocka_unit_test(test_returned_in_d3cold),
		cmocka_unit_test(test_returned_after_failed_kernel_reset),
		cmocka_unit_test(test_device_state_by_phase),
		cmocka_unit_test(test_daemonized_vms_keep_their_own_stop),
		cmocka_unit_test(test_daemon_end_without_orphan_records),
		cmocka_unit_test(test_culprit_among_children_left_unnamed),
		cmocka_unit_test(test_cause_past_the_scan_bound),
		cmocka_unit_test(test_many_dynids),
		cmocka_unit_test(test_daemon_child_in_start_snapshot),
		cmocka_unit_test(test_daemon_end_among_other_boots),
		cmocka_unit_test(test_daemon_running_at_the_end_of_its_boot),
		cmocka_unit_test(test_snapshot_vm_with_an_earlier_boots_pid),
		cmocka_unit_test(test_culprit_not_of_an_earlier_boot),
		cmocka_unit_test(test_vm_parent_of_its_own_boot),
		cmocka_unit_test(test_daemon_end_in_a_boot_without_orphan_records),
		cmocka_unit_test(test_stop_story_ends_with_its_boot),
		cmocka_unit_test(test_stop_request_of_another_boot),
		cmocka_unit_test(test_headless_file_keeps_boots_apart),
		cmocka_unit_test(test_spawn_chain_not_of_an_earlier_boot),
		cmocka_unit_test(test_probe_error_is_not_the_dynid),
		cmocka_unit_test(test_rebind_after_manual_return_is_seen),
		cmocka_unit_test(test_late_uevents_of_many_devices),
		cmocka_unit_test(test_monitor_from_the_start_snapshot),
		cmocka_unit_test(test_unit_monitor_from_the_start_snapshot),
		cmocka_unit_test(test_retried_bind_few),
		cmocka_unit_test(test_retried_bind_many),
		cmocka_unit_test(test_hook_that_execs_its_worker),
		cmocka_unit_test(test_boot_bound_gpu_with_unrelated_hook),
		cmocka_unit_test(test_rescan_drops_the_override),
		cmocka_unit_test(test_many_restarts),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
