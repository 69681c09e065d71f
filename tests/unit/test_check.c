// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* `gputrace check`: every rule on a fixture tree built here, a clean tree
 * with no findings, bad roots, and the command's exit codes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fake_tree.h"

#include "audit/audit.h"
#include "cmd/cmd.h"
#include "sys/conffile.h"
#include "sys/kernel.h"
#include "util.h"

#define REL	"6.1.0-18-amd64"
#define GPU	"0000:0a:00.0"
#define AUDIO	"0000:0a:00.1"

struct fx {
	struct tree t;
	struct audit a;
	char err[1024];
	char out[PATH_MAX];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f || tree_new(&f->t, "test_check"))
		return -1;
	snprintf(f->out, sizeof(f->out), "%s.out", f->t.root);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	audit_free(&f->a);
	tree_remove(&f->t);
	unlink(f->out);
	free(f);
	return 0;
}

/* A host that has a GPU and nothing that rebinds it. */
static void clean_tree(struct fx *f)
{
	struct tree *t = &f->t;

	tree_pci(t, GPU, "0x10de\n", "0x1b80\n", "0x030000\n", "nouveau", NULL, "14", "1\n");
	tree_pci(t, AUDIO, "0x10de\n", "0x10f0\n", "0x040300\n", "snd_hda_intel", NULL, "14", NULL);
	tree_put(t, "/proc/cmdline", "BOOT_IMAGE=/boot/vmlinuz-" REL " root=/dev/sda1 ro quiet intel_iommu=on\n");
	tree_put(t, "/proc/sys/kernel/osrelease", REL "\n");
	tree_put(t, "/lib/modules/" REL "/modules.builtin",
		 "kernel/drivers/pci/pcie/portdrv.ko\nkernel/drivers/vfio/vfio.ko\n");
	tree_put(t, "/etc/modprobe.d/sound.conf",
		 "# harmless\noptions snd-hda-intel model=auto\nblacklist pcspkr\n");
	tree_put(t, "/lib/modprobe.d/aliases.conf", "alias char-major-10-* off\n");
	tree_put(t, "/etc/modules", "# /etc/modules\nloop\n");
	tree_put(t, "/usr/lib/udev/rules.d/50-udev-default.rules",
		 "SUBSYSTEM==\"vfio\", KERNEL==\"vfio\", MODE=\"0666\"\n"
		 "ACTION==\"add\", SUBSYSTEM==\"net\", RUN+=\"/bin/true\"\n");
	tree_put(t, "/etc/pve/storage.cfg", "dir: local\n\tpath /var/lib/vz\n\tcontent snippets,iso\n");
	tree_put(t, "/etc/pve/qemu-server/111.conf",
		 "hookscript: local:snippets/gpu-hook.pl\nhostpci0: 0000:0a:00,pcie=1\n"
		 "[snap1]\nhookscript: local:snippets/old-gone.pl\n");
	tree_put_mode(t, "/var/lib/vz/snippets/gpu-hook.pl", "#!/usr/bin/perl\n", 0755);
	tree_put_mode(t, "/etc/libvirt/hooks/qemu", "#!/bin/sh\n", 0755);
	tree_put_mode(t, "/etc/libvirt/hooks/qemu.d/win10/prepare/begin/bind.sh", "#!/bin/sh\n", 0755);
}

static void run(struct fx *f, const char *release)
{
	struct audit_opts o = { .root = f->t.root, .kernel_release = release };

	audit_free(&f->a);
	assert_int_equal(audit_run(&o, &f->a, f->err, sizeof(f->err)), 0);
}

/* Why RULE was not checked, or NULL. */
static const char *skip_of(struct fx *f, const char *rule)
{
	for (size_t i = 0; i < f->a.nskipped; i++)
		if (!strcmp(f->a.skipped[i].rule, rule))
			return f->a.skipped[i].why;
	return NULL;
}

/* The finding of RULE whose file ends with FILE (and LINE, unless 0). */
static const struct audit_finding *find(struct fx *f, const char *rule, const char *file, int line)
{
	for (size_t i = 0; i < f->a.n; i++) {
		const struct audit_finding *x = &f->a.f[i];
		size_t fl = strlen(x->file), l = strlen(file);

		if (!strcmp(x->rule, rule) && fl >= l && !strcmp(x->file + fl - l, file) &&
		    (!line || x->line == line))
			return x;
	}
	return NULL;
}

static size_t count(struct fx *f, const char *rule)
{
	size_t n = 0;

	for (size_t i = 0; i < f->a.n; i++)
		n += !strcmp(f->a.f[i].rule, rule);
	return n;
}

static void dump_findings(struct fx *f)
{
	for (size_t i = 0; i < f->a.n; i++)
		print_message("  finding %s %s:%d %s\n", f->a.f[i].rule, f->a.f[i].file,
			      f->a.f[i].line, f->a.f[i].text);
}

/* ---- tests ----------------------------------------------------------------- */

static void test_clean_tree_no_findings(void **state)
{
	struct fx *f = *state;
	char *argv[] = { "check", "--root", f->t.root, NULL };

	clean_tree(f);
	run(f, NULL);
	dump_findings(f);
	assert_int_equal(f->a.n, 0);
	assert_string_equal(f->a.release, REL);
	/* the only thing not checked in a tree: backends (live only) */
	assert_int_equal(f->a.nskipped, 1);
	assert_string_equal(f->a.skipped[0].rule, "backend-support");
	assert_int_equal(run_quiet(cmd_check, 3, argv, f->out), EXIT_OK);
}

static void test_modprobe_rules(void **state)
{
	struct fx *f = *state;
	const struct audit_finding *x;
	char *argv[] = { "check", "--root", f->t.root, "--json", NULL };

	clean_tree(f);
	tree_put(&f->t, "/etc/modprobe.d/vfio.conf",
		 "# GPU for VM 111\n"
		 "options vfio-pci \\\n"
		 "    ids=10de:1b80,10de:10f0 disable_vga=1\n"
		 "softdep nouveau pre: vfio-pci\n"
		 "softdep snd_hda_intel pre: vfio_pci post: snd_hda_codec\n"
		 "softdep drm post: vfio-pci\n"
		 "blacklist nouveau\n"
		 "install nvidia /bin/false\n"
		 "install vfio-pci /usr/local/bin/vfio-pci-override.sh\n");
	tree_put(&f->t, "/lib/modprobe.d/other.conf", "options vfio_pci ids=1002:67df\n");
	run(f, NULL);
	dump_findings(f);

	x = find(f, "vfio-ids-modprobe", "/etc/modprobe.d/vfio.conf", 2);
	assert_non_null(x);
	assert_int_equal(x->severity, SEV_WARN);
	/* the continuation is joined and the text is the whole statement */
	assert_non_null(strstr(x->text, "options vfio-pci"));
	assert_non_null(strstr(x->text, "ids=10de:1b80,10de:10f0"));
	assert_non_null(strstr(x->meaning, GPU " (10de:1b80)"));
	assert_non_null(strstr(x->meaning, AUDIO " (10de:10f0)"));
	assert_true(x->hint[0]);
	x = find(f, "vfio-ids-modprobe", "/lib/modprobe.d/other.conf", 1);
	assert_non_null(x);
	assert_null(strstr(x->meaning, "Present here"));	/* no AMD card */

	assert_non_null(find(f, "softdep-vfio-first", "vfio.conf", 4));
	assert_non_null(find(f, "softdep-vfio-first", "vfio.conf", 5));
	assert_int_equal(count(f, "softdep-vfio-first"), 2);	/* post: does not count */

	x = find(f, "host-driver-blacklisted", "vfio.conf", 7);
	assert_non_null(x);
	assert_int_equal(x->severity, SEV_INFO);
	x = find(f, "host-driver-blacklisted", "vfio.conf", 8);
	assert_non_null(x);
	assert_int_equal(x->severity, SEV_WARN);
	assert_int_equal(count(f, "host-driver-blacklisted"), 2);	/* not pcspkr */

	x = find(f, "install-hook-vfio", "vfio.conf", 9);
	assert_non_null(x);
	assert_non_null(strstr(x->meaning, "/usr/local/bin/vfio-pci-override.sh"));
	assert_int_equal(run_quiet(cmd_check, 4, argv, f->out), EXIT_FINDINGS);
}

/* kmod's rule: /etc/modprobe.d/x.conf hides /lib/modprobe.d/x.conf, and a
 * link to /dev/null masks it. */
static void test_modprobe_override_and_mask(void **state)
{
	struct fx *f = *state;

	clean_tree(f);
	tree_put(&f->t, "/lib/modprobe.d/vfio.conf", "options vfio-pci ids=10de:1b80\n");
	tree_put(&f->t, "/etc/modprobe.d/vfio.conf", "# disabled here\n");
	tree_put(&f->t, "/usr/lib/modprobe.d/gpu.conf", "softdep nouveau pre: vfio-pci\n");
	tree_link(&f->t, "/etc/modprobe.d/gpu.conf", "/dev/null");
	run(f, NULL);
	dump_findings(f);
	assert_int_equal(f->a.n, 0);
}

static void test_module_lists(void **state)
{
	struct fx *f = *state;
	char *argv[] = { "check", "--root", f->t.root, NULL };

	clean_tree(f);
	tree_put(&f->t, "/etc/modules", "vfio\nvfio_iommu_type1\nvfio_pci\n");
	tree_put(&f->t, "/etc/modules-load.d/vfio.conf", "; comment\nvfio-pci\n");
	tree_put(&f->t, "/etc/initramfs-tools/modules", "vfio_pci\n");
	run(f, NULL);
	assert_non_null(find(f, "vfio-early-load", "/etc/modules", 3));
	assert_non_null(find(f, "vfio-early-load", "/etc/modules-load.d/vfio.conf", 2));
	assert_non_null(find(f, "vfio-early-load", "/etc/initramfs-tools/modules", 1));
	assert_int_equal(f->a.n, 3);
	/* info only: nothing to act on, exit 0 as report does */
	assert_int_equal(run_quiet(cmd_check, 3, argv, f->out), EXIT_OK);
}

/* The next boot: the Proxmox wiki's "PCI(e) Passthrough" page and most
 * single-GPU guides put the ids in /etc/initramfs-tools/modules and in
 * GRUB_CMDLINE_LINUX_DEFAULT; proxmox-boot-tool (systemd-boot, ZFS root)
 * reads /etc/kernel/cmdline, one line; Fedora/Arch guides use a dracut
 * drop-in with force_drivers+=. */
static void test_boot_config(void **state)
{
	struct fx *f = *state;
	const struct audit_finding *x;

	clean_tree(f);
	tree_put(&f->t, "/etc/initramfs-tools/modules",
		 "# List of modules that you want to include in your initramfs.\n"
		 "vfio\nvfio_iommu_type1\nvfio_pci ids=10de:1b80,10de:10f0\n");
	tree_put(&f->t, "/etc/modules-load.d/vfio.conf", "vfio_pci ids=10de:1b80\n");
	tree_put(&f->t, "/etc/default/grub",
		 "GRUB_DEFAULT=0\n"
		 "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet intel_iommu=on iommu=pt "
		 "vfio-pci.ids=10de:1b80,10de:10f0\"\n"
		 "#GRUB_CMDLINE_LINUX=\"pci-stub.ids=10de:1b80\"\n"
		 "GRUB_CMDLINE_LINUX='intel_iommu=on'\n");
	tree_put(&f->t, "/etc/default/grub.d/vfio.cfg",
		 "GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT pci_stub.ids=10de:10f0\"\n");
	tree_put(&f->t, "/etc/kernel/cmdline",
		 "root=ZFS=rpool/ROOT/pve-1 boot=zfs intel_iommu=on vfio_pci.ids=10de:1b80\n");
	tree_put(&f->t, "/etc/dracut.conf.d/10-vfio.conf",
		 "force_drivers+=\" vfio_pci vfio vfio_iommu_type1 \"\n");
	run(f, NULL);
	dump_findings(f);
	x = find(f, "vfio-ids-boot-modules", "/etc/initramfs-tools/modules", 4);
	assert_non_null(x);
	assert_int_equal(x->severity, SEV_WARN);
	assert_non_null(strstr(x->meaning, GPU " (10de:1b80)"));
	/* modules-load.d takes no arguments: only the early load */
	assert_non_null(find(f, "vfio-early-load", "/etc/modules-load.d/vfio.conf", 1));
	x = find(f, "vfio-ids-next-boot", "/etc/default/grub", 2);
	assert_non_null(x);
	assert_int_equal(x->severity, SEV_WARN);
	assert_non_null(strstr(x->meaning, "from the next boot"));
	assert_non_null(strstr(x->meaning, AUDIO " (10de:10f0)"));
	assert_non_null(strstr(x->meaning, "is not on the running command line"));
	x = find(f, "vfio-ids-next-boot", "/etc/default/grub.d/vfio.cfg", 1);
	assert_non_null(x);
	assert_non_null(strstr(x->meaning, "pci-stub"));
	assert_non_null(find(f, "vfio-ids-next-boot", "/etc/kernel/cmdline", 1));
	assert_non_null(find(f, "vfio-early-load", "/etc/dracut.conf.d/10-vfio.conf", 1));
	assert_int_equal(f->a.n, 6);

	/* a tree without /proc/cmdline: not claimed to be off it */
	assert_int_equal(unlink(tree_at(&f->t, "/proc/cmdline")), 0);
	run(f, NULL);
	x = find(f, "vfio-ids-next-boot", "/etc/default/grub", 2);
	assert_non_null(x);
	assert_non_null(strstr(x->meaning, "may not be on the running command line (not known here: no "
			       "/proc/cmdline)"));

	/* Once booted with it, the running command line's rule reports it
	 * and the boot loader's copy is not news. */
	tree_put(&f->t, "/proc/cmdline",
		 "BOOT_IMAGE=/vmlinuz quiet vfio_pci.ids=10de:1b80,10de:10f0 pci-stub.ids=10de:10f0 "
		 "vfio_pci.ids=10de:1b80\n");
	run(f, NULL);
	dump_findings(f);
	assert_int_equal(count(f, "vfio-ids-next-boot"), 0);
	assert_int_equal(count(f, "vfio-ids-cmdline"), 3);
}

static void test_cmdline_rules(void **state)
{
	struct fx *f = *state;
	const struct audit_finding *x;

	clean_tree(f);
	tree_put(&f->t, "/proc/cmdline",
		 "BOOT_IMAGE=/vmlinuz root=/dev/sda1 \"vfio-pci.ids=10de:1b80,10de:10f0\" "
		 "modprobe.blacklist=nouveau,pcspkr module_blacklist=amdgpu rd.driver.pre=vfio_pci\n");
	run(f, NULL);
	dump_findings(f);
	x = find(f, "vfio-ids-cmdline", "/proc/cmdline", 1);
	assert_non_null(x);
	assert_non_null(strstr(x->meaning, GPU));
	x = find(f, "host-driver-blacklisted", "/proc/cmdline", 1);
	assert_non_null(x);
	assert_non_null(strstr(x->meaning, "nouveau"));
	assert_int_equal(count(f, "host-driver-blacklisted"), 2);	/* nouveau, amdgpu */
	assert_int_equal(count(f, "vfio-early-load"), 1);
	assert_int_equal(f->a.n, 4);

	tree_put(&f->t, "/proc/cmdline", "root=/dev/sda1 vfio_pci.ids=10de:1b80\n");
	run(f, NULL);
	assert_non_null(find(f, "vfio-ids-cmdline", "/proc/cmdline", 1));
	assert_int_equal(f->a.n, 1);
}

static void test_override_and_driverctl(void **state)
{
	struct fx *f = *state;
	const struct audit_finding *x;

	clean_tree(f);
	tree_pci(&f->t, "0000:0b:00.0", "0x10de\n", "0x1c82\n", "0x030000\n", "vfio-pci",
		 "vfio-pci\n", "15", "0\n");
	run(f, NULL);
	x = find(f, "driver-override-set", "/sys/bus/pci/devices/0000:0b:00.0/driver_override", 0);
	assert_non_null(x);
	assert_string_equal(x->text, "vfio-pci");
	assert_int_equal(f->a.n, 1);

	/* driverctl's rule is only a finding when it has overrides to apply */
	tree_put(&f->t, "/usr/lib/udev/rules.d/05-driverctl.rules",
		 "ACTION==\"add\", TEST==\"/etc/driverctl.d/$env{SUBSYSTEM}-$kernel\", "
		 "PROGRAM=\"/bin/systemd-escape driverctl/$env{SUBSYSTEM}-$kernel\", "
		 "ENV{SYSTEMD_WANTS}+=\"driverctl@%c.service\"\n");
	run(f, NULL);
	assert_int_equal(count(f, "driverctl-udev-rule"), 0);
	tree_put(&f->t, "/etc/driverctl.d/pci-0000:0b:00.0", "vfio-pci\n");
	run(f, NULL);
	dump_findings(f);
	x = find(f, "driverctl-override", "/etc/driverctl.d/pci-0000:0b:00.0", 1);
	assert_non_null(x);
	assert_non_null(strstr(x->hint, "driverctl unset-override 0000:0b:00.0"));
	assert_non_null(find(f, "driverctl-udev-rule", "/usr/lib/udev/rules.d/05-driverctl.rules", 1));
	assert_int_equal(f->a.n, 3);
}

static void test_udev_rules(void **state)
{
	struct fx *f = *state;
	const struct audit_finding *x;

	clean_tree(f);
	tree_put(&f->t, "/etc/udev/rules.d/61-gpu.rules",
		 "# bind the GPU to vfio on add\n"
		 "ACTION==\"add\", SUBSYSTEM==\"pci\", ATTR{vendor}==\"0x10de\", \\\n"
		 "  ATTR{driver_override}=\"vfio-pci\"\n"
		 "ACTION==\"add\", SUBSYSTEM==\"pci\", ATTR{driver_override}==\"vfio-pci\", GOTO=\"end\"\n"
		 "ACTION==\"add\", SUBSYSTEM==\"pci\", RUN+=\"/usr/local/bin/gpu-reprobe.sh $kernel\"\n"
		 "ACTION==\"add\", SUBSYSTEM==\"pci\", RUN+=\"/usr/local/bin/log-only.sh\"\n"
		 "ACTION==\"bind\", RUN+=\"/bin/sh -c 'echo $kernel > /sys/bus/pci/drivers_probe'\"\n");
	tree_put_mode(&f->t, "/usr/local/bin/gpu-reprobe.sh",
		      "#!/bin/sh\necho \"$1\" > /sys/bus/pci/drivers_probe\n", 0755);
	tree_put_mode(&f->t, "/usr/local/bin/log-only.sh", "#!/bin/sh\nlogger added\n", 0755);
	/* a same-named file in /usr/lib is hidden by /etc's */
	tree_put(&f->t, "/usr/lib/udev/rules.d/61-gpu.rules",
		 "ACTION==\"add\", ATTR{driver_override}=\"vfio-pci\"\n");
	run(f, NULL);
	dump_findings(f);
	assert_non_null(find(f, "udev-rule-vfio", "/etc/udev/rules.d/61-gpu.rules", 2));
	x = find(f, "udev-rule-vfio", "/etc/udev/rules.d/61-gpu.rules", 5);
	assert_non_null(x);
	/* the script's own line, as the unit rule names it */
	assert_non_null(strstr(x->meaning, "/usr/local/bin/gpu-reprobe.sh:2 writes drivers_probe"));
	assert_non_null(find(f, "udev-rule-vfio", "/etc/udev/rules.d/61-gpu.rules", 7));
	assert_int_equal(count(f, "udev-rule-vfio"), 3);
	assert_int_equal(f->a.n, 3);

	/* the forms udev runs that were not read: a script run through sh, a
	 * program named without a path (udev's own directory), the second RUN
	 * of a line, driverctl called by a rule of the user's own (no saved
	 * override); RUN{builtin} runs no program */
	tree_put(&f->t, "/etc/udev/rules.d/62-more.rules",
		 "ACTION==\"add\", RUN+=\"/bin/sh /usr/local/sbin/gpu-handover.sh %k\"\n"
		 "ACTION==\"add\", RUN+=\"gpu-claim %k\"\n"
		 "ACTION==\"add\", RUN+=\"/usr/local/bin/log-only.sh\", RUN+=\"/usr/local/bin/gpu-reprobe.sh %k\"\n"
		 "ACTION==\"add\", KERNEL==\"0000:0a:00.0\", RUN+=\"/usr/sbin/driverctl --nosave set-override %k pci-stub\"\n"
		 "ACTION==\"add\", RUN{builtin}+=\"path_id\"\n");
	tree_put_mode(&f->t, "/usr/local/sbin/gpu-handover.sh",
		      "#!/bin/sh\necho \"$1\" > /sys/bus/pci/drivers/vfio-pci/bind\n", 0755);
	tree_put_mode(&f->t, "/usr/lib/udev/gpu-claim",
		      "#!/bin/sh\necho vfio-pci > /sys/bus/pci/devices/$1/driver_override\n", 0755);
	tree_put_mode(&f->t, "/usr/lib/udev/path_id",	/* not what RUN{builtin} runs */
		      "#!/bin/sh\necho 1 > /sys/bus/pci/rescan\n", 0755);
	run(f, NULL);
	dump_findings(f);
	x = find(f, "udev-rule-vfio", "/etc/udev/rules.d/62-more.rules", 1);
	assert_non_null(x);
	assert_non_null(strstr(x->meaning, "/usr/local/sbin/gpu-handover.sh:2"));
	x = find(f, "udev-rule-vfio", "/etc/udev/rules.d/62-more.rules", 2);
	assert_non_null(x);
	assert_non_null(strstr(x->meaning, "runs /usr/lib/udev/gpu-claim"));
	x = find(f, "udev-rule-vfio", "/etc/udev/rules.d/62-more.rules", 3);
	assert_non_null(x);
	assert_non_null(strstr(x->meaning, "runs /usr/local/bin/gpu-reprobe.sh"));
	assert_non_null(find(f, "udev-rule-vfio", "/etc/udev/rules.d/62-more.rules", 4));
	assert_null(skip_of(f, "udev-rule-vfio"));
	assert_null(find(f, "udev-rule-vfio", "/etc/udev/rules.d/62-more.rules", 5));
	assert_int_equal(count(f, "udev-rule-vfio"), 7);

	/* a rules directory there but unreadable: the rule is said to be
	 * unchecked there, the others still read */
	tree_link(&f->t, "/run/udev/rules.d", "/run/udev/rules.d");
	run(f, NULL);
	assert_int_equal(count(f, "udev-rule-vfio"), 7);
	assert_non_null(skip_of(f, "udev-rule-vfio"));
	assert_non_null(strstr(skip_of(f, "udev-rule-vfio"), "cannot list"));
	assert_non_null(strstr(skip_of(f, "udev-rule-vfio"),
			       "/run/udev/rules.d: Too many levels of symbolic links"));
}

/* An enabled unit that binds devices through its script: the issue's
 * case, shaped like the "vfio-bind" service and script of single-GPU
 * passthrough guides (oneshot, WantedBy=multi-user.target, a script looping
 * over BDFs), written driver_override + drivers_probe style as libvirt
 * itself binds. The link is absolute, as systemctl enable makes it. */
static void put_vfio_bind(struct tree *t)
{
	tree_put(t, "/etc/systemd/system/vfio-bind.service",
		 "[Unit]\nDescription=Bind the passthrough GPU to vfio-pci\n"
		 "After=systemd-modules-load.service\n\n"
		 "[Service]\nType=oneshot\nRemainAfterExit=yes\n"
		 "ExecStart=/usr/local/bin/vfio-bind.sh 0000:0a:00.0 0000:0a:00.1\n\n"
		 "[Install]\nWantedBy=multi-user.target\n");
	tree_link(t, "/etc/systemd/system/multi-user.target.wants/vfio-bind.service",
		  "/etc/systemd/system/vfio-bind.service");
	tree_put_mode(t, "/usr/local/bin/vfio-bind.sh",
		      "#!/bin/bash\n"
		      "modprobe vfio-pci\n"
		      "for dev in \"$@\"; do\n"
		      "\techo vfio-pci > /sys/bus/pci/devices/$dev/driver_override\n"
		      "\t[ -e /sys/bus/pci/devices/$dev/driver ] && \\\n"
		      "\t\techo $dev > /sys/bus/pci/devices/$dev/driver/unbind\n"
		      "\techo $dev > /sys/bus/pci/drivers_probe\n"
		      "done\n", 0755);
}

static void test_units(void **state)
{
	struct fx *f = *state;
	const struct audit_finding *x;
	struct tree *t = &f->t;

	clean_tree(f);
	put_vfio_bind(t);
	/* a timer (enabled in timers.target.wants) running virsh */
	tree_put(t, "/lib/systemd/system/gpu-detach.timer",
		 "[Timer]\nOnBootSec=30s\nUnit=gpu-detach-now.service\n[Install]\nWantedBy=timers.target\n");
	tree_link(t, "/etc/systemd/system/timers.target.wants/gpu-detach.timer",
		  "/lib/systemd/system/gpu-detach.timer");
	tree_put(t, "/lib/systemd/system/gpu-detach-now.service",
		 "[Service]\nType=oneshot\nExecStart=/usr/bin/virsh nodedev-detach pci_0000_0a_00_0\n");
	/* a path unit running driverctl */
	tree_put(t, "/etc/systemd/system/gpu-return.path",
		 "[Path]\nPathExists=/run/gpu-return\n[Install]\nWantedBy=paths.target\n");
	tree_link(t, "/etc/systemd/system/paths.target.wants/gpu-return.path",
		  "/etc/systemd/system/gpu-return.path");
	tree_put(t, "/etc/systemd/system/gpu-return.service",
		 "[Service]\nExecStart=-/usr/sbin/driverctl set-override 0000:0a:00.0 vfio-pci\n");
	/* a template started by a udev rule, inline sh -c */
	tree_put(t, "/etc/systemd/system/vfio-claim@.service",
		 "[Service]\nType=oneshot\n"
		 "ExecStart=/bin/sh -c 'echo vfio-pci > /sys/bus/pci/devices/%I/driver_override'\n");
	tree_put(t, "/etc/udev/rules.d/90-vfio-claim.rules",
		 "ACTION==\"add\", SUBSYSTEM==\"pci\", ATTR{vendor}==\"0x10de\", TAG+=\"systemd\", "
		 "ENV{SYSTEMD_WANTS}+=\"vfio-claim@%k.service\"\n");
	/* a unit nothing starts, binding from a drop-in */
	tree_put(t, "/lib/systemd/system/gpu-manual.service",
		 "[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n");
	tree_put(t, "/etc/systemd/system/gpu-manual.service.d/10-vfio.conf",
		 "[Service]\nExecStartPre=/sbin/modprobe vfio-pci\n");
	run(f, NULL);
	dump_findings(f);

	/* the line that writes, not the modprobe before it */
	x = find(f, "unit-binds-device", "/usr/local/bin/vfio-bind.sh", 4);
	assert_non_null(x);
	assert_non_null(strstr(x->text, "driver_override"));
	assert_non_null(strstr(x->meaning, "line 2 loads vfio-pci"));
	assert_int_equal(x->severity, SEV_WARN);
	assert_int_equal(x->certainty, AUDIT_MATCHED);
	assert_non_null(strstr(x->meaning, "line 4 writes a driver to driver_override"));
	assert_non_null(strstr(x->meaning, "line 5 unbinds"));	/* the continued line */
	assert_non_null(strstr(x->meaning, "line 7 writes drivers_probe"));
	assert_non_null(x->trigger);
	assert_non_null(strstr(x->trigger, "wanted by multi-user.target"));
	assert_non_null(strstr(x->via, "vfio-bind.service ExecStart=/usr/local/bin/vfio-bind.sh"));
	assert_non_null(strstr(x->via, "/etc/systemd/system/vfio-bind.service:8"));

	x = find(f, "unit-binds-device", "/lib/systemd/system/gpu-detach-now.service", 3);
	assert_non_null(x);
	assert_int_equal(x->severity, SEV_WARN);
	assert_non_null(strstr(x->trigger, "timer gpu-detach.timer OnBootSec=30s"));

	x = find(f, "unit-binds-device", "/etc/systemd/system/gpu-return.service", 2);
	assert_non_null(x);
	assert_non_null(strstr(x->trigger, "path unit gpu-return.path PathExists=/run/gpu-return"));

	x = find(f, "unit-binds-device", "/etc/systemd/system/vfio-claim@.service", 3);
	assert_non_null(x);
	assert_int_equal(x->severity, SEV_WARN);
	assert_non_null(strstr(x->trigger, "udev rule /etc/udev/rules.d/90-vfio-claim.rules:1"));

	x = find(f, "unit-binds-device", "/etc/systemd/system/gpu-manual.service.d/10-vfio.conf", 2);
	assert_non_null(x);
	assert_int_equal(x->severity, SEV_INFO);
	assert_null(x->trigger);
	assert_non_null(strstr(x->meaning, "nothing starts it"));
	assert_int_equal(count(f, "unit-binds-device"), 5);
	assert_null(skip_of(f, "unit-binds-device"));

	/* a unit directory there but unreadable: said, the rest still read */
	tree_link(&f->t, "/run/systemd/system", "/run/systemd/system");
	run(f, NULL);
	assert_int_equal(count(f, "unit-binds-device"), 5);
	assert_non_null(skip_of(f, "unit-binds-device"));
	assert_non_null(strstr(skip_of(f, "unit-binds-device"), "cannot list"));
}

/* A busy host enables hundreds of units (/lib and /usr/lib, the same
 * directory on a merged-/usr system, list each link twice): what starts a
 * binding unit is still found when it comes after all of them, here a
 * udev rule, read last. */
static void test_units_many_enabled(void **state)
{
	struct fx *f = *state;
	const struct audit_finding *x;
	struct tree *t = &f->t;
	char path[256];

	clean_tree(f);
	for (int i = 0; i < 400; i++) {
		snprintf(path, sizeof(path), "/lib/systemd/system/sysinit.target.wants/unit-%03d.service", i);
		tree_link(t, path, "/dev/null");
	}
	tree_put(t, "/etc/systemd/system/vfio-claim@.service",
		 "[Service]\nType=oneshot\n"
		 "ExecStart=/bin/sh -c 'echo vfio-pci > /sys/bus/pci/devices/%I/driver_override'\n");
	tree_put(t, "/etc/udev/rules.d/90-vfio-claim.rules",
		 "ACTION==\"add\", SUBSYSTEM==\"pci\", TAG+=\"systemd\", "
		 "ENV{SYSTEMD_WANTS}+=\"vfio-claim@%k.service\"\n");
	run(f, NULL);

	x = find(f, "unit-binds-device", "/etc/systemd/system/vfio-claim@.service", 3);
	assert_non_null(x);
	assert_non_null(x->trigger);
	assert_non_null(strstr(x->trigger, "udev rule /etc/udev/rules.d/90-vfio-claim.rules:1"));
	assert_int_equal(x->severity, SEV_WARN);
}

/* The same kinds of files, harmless: a unit that only loads modules, a
 * script that only logs, driverctl's own template (load-override is the
 * driverctl rules' business), a binding unit masked in /etc, one whose
 * drop-in resets ExecStart=, and a unit link that points out of the tree. */
static void test_units_harmless(void **state)
{
	struct fx *f = *state;
	struct tree *t = &f->t;

	clean_tree(f);
	tree_put(t, "/etc/systemd/system/vfio-modules.service",
		 "[Service]\nType=oneshot\nExecStart=/sbin/modprobe -a vfio vfio_iommu_type1\n"
		 "ExecStart=/usr/local/bin/log-boot.sh\n[Install]\nWantedBy=multi-user.target\n");
	tree_link(t, "/etc/systemd/system/multi-user.target.wants/vfio-modules.service",
		  "/etc/systemd/system/vfio-modules.service");
	tree_put_mode(t, "/usr/local/bin/log-boot.sh",
		      "#!/bin/sh\nlogger \"vfio modules loaded\"\nls /sys/bus/pci/drivers/vfio-pci/ >/dev/null\n", 0755);
	/* driverctl is a bash script: its own sysfs writes are not the unit's
	 * news (a few lines in its style, not the real file) */
	tree_put_mode(t, "/usr/sbin/driverctl",
		      "#!/bin/bash\nconfdir=/etc/driverctl.d\n"
		      "echo \"$dev\" > \"$syspath/driver/unbind\"\n"
		      "echo \"$drv\" > \"$syspath/driver_override\"\n"
		      "echo \"$dev\" > \"/sys/bus/$bus/drivers_probe\"\n", 0755);
	/* driverctl@.service as the driverctl package ships it, started by
	 * its udev rule for every device with a saved override */
	tree_put(t, "/usr/lib/systemd/system/driverctl@.service",
		 "[Unit]\nDescription=Load driver override for %I\nDefaultDependencies=no\n"
		 "[Service]\nType=oneshot\nExecStart=-/usr/sbin/driverctl --nosave load-override %I\n");
	tree_put(t, "/usr/lib/udev/rules.d/89-driverctl.rules",
		 "ACTION==\"add\", TEST==\"/etc/driverctl.d/$env{SUBSYSTEM}-$kernel\", "
		 "PROGRAM=\"/bin/systemd-escape driverctl/$env{SUBSYSTEM}-$kernel\", "
		 "ENV{SYSTEMD_WANTS}+=\"driverctl@%c.service\"\n");
	tree_put(t, "/lib/systemd/system/gpu-old.service",
		 "[Service]\nExecStart=/usr/sbin/driverctl set-override 0000:0a:00.0 vfio-pci\n");
	tree_link(t, "/etc/systemd/system/gpu-old.service", "/dev/null");
	tree_link(t, "/etc/systemd/system/multi-user.target.wants/gpu-old.service",
		  "/lib/systemd/system/gpu-old.service");
	tree_put(t, "/lib/systemd/system/gpu-reset.service",
		 "[Service]\nExecStart=/usr/bin/virsh nodedev-detach pci_0000_0a_00_0\n");
	tree_put(t, "/etc/systemd/system/gpu-reset.service.d/override.conf",
		 "[Service]\nExecStart=\nExecStart=/bin/true\n");
	tree_link(t, "/etc/systemd/system/escape.service", "../../../../../../../../../etc/passwd");
	tree_link(t, "/etc/systemd/system/runs-host.service", "/usr/local/bin/vfio-bind.sh");
	run(f, NULL);
	dump_findings(f);
	assert_int_equal(f->a.n, 0);
}

static void test_builtin(void **state)
{
	struct fx *f = *state;
	const struct audit_finding *x;

	clean_tree(f);
	tree_put(&f->t, "/lib/modules/" REL "/modules.builtin",
		 "kernel/drivers/vfio/vfio.ko\nkernel/drivers/vfio/pci/vfio-pci.ko\n");
	run(f, NULL);
	x = find(f, "vfio-pci-builtin", "/lib/modules/" REL "/modules.builtin", 0);
	assert_non_null(x);
	assert_int_equal(f->a.n, 1);

	/* --kernel-release picks another release's file */
	tree_put(&f->t, "/usr/lib/modules/6.12.9/modules.builtin", "kernel/drivers/vfio/vfio.ko\n");
	run(f, "6.12.9");
	assert_int_equal(f->a.n, 0);

	/* unknown release: said, not guessed */
	unlink(tree_at(&f->t, "/proc/sys/kernel/osrelease"));
	run(f, NULL);
	assert_int_equal(f->a.n, 0);
	assert_int_equal(f->a.nskipped, 2);
	assert_string_equal(f->a.skipped[0].rule, "vfio-pci-builtin");
}

static void test_hooks(void **state)
{
	struct fx *f = *state;
	const struct audit_finding *x;

	clean_tree(f);
	tree_put(&f->t, "/etc/pve/qemu-server/112.conf",
		 "name: win\nhookscript: local:snippets/gone.pl\n");
	tree_put(&f->t, "/etc/pve/qemu-server/113.conf",
		 "hookscript: local:snippets/noexec.sh\n[PENDING]\nhookscript: nfs:snippets/x.sh\n");
	tree_put_mode(&f->t, "/var/lib/vz/snippets/noexec.sh", "#!/bin/sh\n", 0644);
	tree_put_mode(&f->t, "/etc/libvirt/hooks/qemu", "#!/bin/sh\n", 0644);
	tree_put_mode(&f->t, "/etc/libvirt/hooks/qemu.d/win10/release/end/unbind.sh", "#!/bin/sh\n", 0600);
	run(f, NULL);
	dump_findings(f);
	x = find(f, "hookscript-missing", "/etc/pve/qemu-server/112.conf", 2);
	assert_non_null(x);
	assert_int_equal(x->severity, SEV_HIGH);
	assert_non_null(strstr(x->meaning, "/var/lib/vz/snippets/gone.pl"));
	x = find(f, "hookscript-missing", "/etc/pve/qemu-server/113.conf", 3);
	assert_non_null(x);	/* storage without a path */
	x = find(f, "hookscript-not-executable", "/etc/pve/qemu-server/113.conf", 1);
	assert_non_null(x);
	assert_string_equal(x->hint, "chmod +x /var/lib/vz/snippets/noexec.sh");
	assert_non_null(find(f, "hookscript-not-executable", "/etc/libvirt/hooks/qemu", 0));
	assert_non_null(find(f, "hookscript-not-executable",
			     "/etc/libvirt/hooks/qemu.d/win10/release/end/unbind.sh", 0));
	assert_int_equal(f->a.n, 5);	/* the [snap1] hook of 111 is not looked at */
}

/* Hooks read statically. The Proxmox hookscript follows the shape of
 * pve-docs' guest-example-hookscript.pl (vmid and phase from @ARGV, one
 * branch per phase) with the system() calls forum posts add to return a
 * GPU; the VM names its GPU through a resource mapping (pci.cfg as
 * PVE::Mapping::PCI writes it). The libvirt hooks are the start/revert
 * pair of single-GPU passthrough guides (qemu.d/<domain>/prepare/begin and
 * release/end: consoles, EFI framebuffer, virsh nodedev-detach/-reattach)
 * for a domain virt-manager made (managed='yes'). */
static void put_bad_hooks(struct tree *t)
{
	tree_put(t, "/etc/hostname", "pve1\n");
	tree_put(t, "/etc/pve/mapping/pci.cfg",
		 "gpu\n\tmap id=10de:1b80,iommugroup=14,node=pve1,path=0000:0a:00,subsystem-id=1458:3702\n");
	tree_put(t, "/etc/pve/qemu-server/111.conf",
		 "boot: order=scsi0\nhookscript: local:snippets/gpu-hook.pl\n"
		 "hostpci0: mapping=gpu,pcie=1,x-vga=1\nhostpci1: mapping=nvme\n");
	tree_put_mode(t, "/var/lib/vz/snippets/gpu-hook.pl",
		      "#!/usr/bin/perl\n"
		      "use strict;\nuse warnings;\n"
		      "my $vmid = shift;\nmy $phase = shift;\n"
		      "if ($phase eq 'post-stop') {\n"
		      "    system(\"echo 0000:0a:00.0 > /sys/bus/pci/devices/0000:0a:00.0/driver/unbind\");\n"
		      "    system(\"echo 0000:0a:00.0 > /sys/bus/pci/drivers/nouveau/bind\");\n"
		      "    system(\"nohup /usr/local/bin/gpu-watch.sh &\");\n"
		      "}\nexit(0);\n", 0755);
	tree_put(t, "/etc/libvirt/qemu/win10.xml",
		 "<domain type='kvm'>\n  <name>win10</name>\n  <devices>\n"
		 "    <hostdev mode='subsystem' type='pci' managed='yes'>\n"
		 "      <source><address domain='0x0000' bus='0x0a' slot='0x00' function='0x0'/></source>\n"
		 "    </hostdev>\n  </devices>\n</domain>\n");
	/* its start.sh: consoles and framebuffer released, GPU detached */
	tree_put_mode(t, "/etc/libvirt/hooks/qemu.d/win10/prepare/begin/start.sh",
		      "#!/bin/bash\nset -x\nsystemctl stop display-manager.service\n"
		      "echo 0 > /sys/class/vtconsole/vtcon0/bind\n"
		      "echo efi-framebuffer.0 > /sys/bus/platform/drivers/efi-framebuffer/unbind\n"
		      "sleep 2\nvirsh nodedev-detach pci_0000_0a_00_0\nvirsh nodedev-detach pci_0000_0a_00_1\n"
		      "modprobe vfio-pci\n", 0755);
	tree_put_mode(t, "/etc/libvirt/hooks/qemu.d/win10/release/end/revert.sh",
		      "#!/bin/bash\nset -x\n"
		      "virsh nodedev-reattach pci_0000_0a_00_0\n"
		      "virsh nodedev-reattach pci_0000_0a_00_1\n"
		      "modprobe nouveau\n"
		      "echo 1 > /sys/class/vtconsole/vtcon0/bind\n"
		      "echo \"efi-framebuffer.0\" > /sys/bus/platform/drivers/efi-framebuffer/bind\n"
		      "systemctl start display-manager.service\n", 0755);
}

static void test_hook_rules(void **state)
{
	struct fx *f = *state;
	const struct audit_finding *x;
	const char *pl = "/var/lib/vz/snippets/gpu-hook.pl";

	clean_tree(f);
	put_bad_hooks(&f->t);
	run(f, NULL);
	dump_findings(f);
	x = find(f, "pve-mapping-unresolved", "/etc/pve/qemu-server/111.conf", 4);
	assert_non_null(x);
	assert_int_equal(x->severity, SEV_HIGH);
	assert_non_null(strstr(x->meaning, "not defined"));
	assert_non_null(strstr(x->hint, "node pve1"));

	x = find(f, "hook-override-not-cleared", pl, 8);
	assert_non_null(x);
	assert_int_equal(x->severity, SEV_WARN);
	assert_int_equal(x->certainty, AUDIT_GUESS);	/* the override is set elsewhere */
	assert_non_null(strstr(x->via, "VM 111: hookscript: local:snippets/gpu-hook.pl"));
	/* the mapping resolved to the slot; the tree has .1 in it */
	x = find(f, "hook-partial-slot", pl, 7);
	assert_non_null(x);
	assert_non_null(strstr(x->meaning, "never names " AUDIO));
	assert_non_null(strstr(x->meaning, "the VM holds 0000:0a:00 (all functions)"));
	assert_int_equal(x->certainty, AUDIT_GUESS);
	x = find(f, "hook-background", pl, 9);
	assert_non_null(x);
	assert_int_equal(x->certainty, AUDIT_MATCHED);

	x = find(f, "hook-reattach-managed", "/etc/libvirt/hooks/qemu.d/win10/release/end/revert.sh", 3);
	assert_non_null(x);
	assert_int_equal(x->certainty, AUDIT_MATCHED);
	assert_non_null(strstr(x->meaning, "win10"));
	assert_non_null(strstr(x->meaning, "already reattached them before the release hook"));
	/* reattach clears the override itself, and names both functions */
	assert_int_equal(count(f, "hook-override-not-cleared"), 1);
	assert_int_equal(count(f, "hook-partial-slot"), 1);
	assert_int_equal(f->a.n, 5);

	/* the same reattach for a domain whose hostdevs are not managed */
	tree_put(&f->t, "/etc/libvirt/qemu/win10.xml",
		 "<domain><devices><hostdev mode='subsystem' type='pci' managed='no'>"
		 "</hostdev></devices></domain>\n");
	run(f, NULL);
	assert_int_equal(count(f, "hook-reattach-managed"), 0);

	/* only the audio function managed: the finding is its line */
	tree_put(&f->t, "/etc/libvirt/qemu/win10.xml",
		 "<domain><devices>\n"
		 "<hostdev mode=\"subsystem\" type=\"pci\" managed=\"no\"><source>"
		 "<address domain=\"0x0000\" bus=\"0x0a\" slot=\"0x00\" function=\"0x0\"/></source></hostdev>\n"
		 "<hostdev mode='subsystem' type='pci' managed='yes'>\n  <source>\n"
		 "    <address domain='0x0000' bus='0x0a' slot='0x00' function='0x1'/>\n"
		 "  </source>\n</hostdev>\n</devices></domain>\n");
	run(f, NULL);
	x = find(f, "hook-reattach-managed", "/etc/libvirt/hooks/qemu.d/win10/release/end/revert.sh", 4);
	assert_non_null(x);
	assert_int_equal(x->certainty, AUDIT_MATCHED);
	assert_non_null(strstr(x->meaning, AUDIO));
	assert_int_equal(count(f, "hook-reattach-managed"), 1);

	/* a script right in qemu.d is libvirt's own (6.5 and later), run for
	 * every domain: not a domain named after the file, whose XML no one
	 * has (so nothing was said) */
	unlink(tree_at(&f->t, "/etc/libvirt/hooks/qemu.d/win10/release/end/revert.sh"));
	tree_put_mode(&f->t, "/etc/libvirt/hooks/qemu.d/10-gpu.sh",
		      "#!/bin/sh\n[ \"$2\" = release ] || exit 0\nvirsh nodedev-reattach pci_0000_0a_00_1\n",
		      0755);
	run(f, NULL);
	x = find(f, "hook-reattach-managed", "/etc/libvirt/hooks/qemu.d/10-gpu.sh", 3);
	assert_non_null(x);
	assert_int_equal(x->certainty, AUDIT_GUESS);	/* any domain counts */
	assert_non_null(strstr(x->via, "libvirt runs it for every domain"));
}

/* One hookscript for four VMs, scanned once for all of them (the shape
 * that read a 255 KiB script per VM, and every line of it per start in a
 * function nobody calls): each VM still gets its own findings, named by
 * its own config. */
static void test_hook_shared_by_vms(void **state)
{
	struct fx *f = *state;
	const size_t n = 87000;
	char *text = malloc(64 + 3 * n + 256), *p = text, conf[64];
	const struct audit_finding *x;

	assert_non_null(text);
	clean_tree(f);
	p += sprintf(p, "#!/bin/sh\nqq() {\n");
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "a&\n");
	sprintf(p, "}\n[ \"$2\" = post-stop ] && nohup /usr/local/bin/gpu-watch.sh &\n");
	tree_put_mode(&f->t, "/var/lib/vz/snippets/gpu-hook.sh", text, 0755);
	free(text);
	for (int vm = 111; vm <= 114; vm++) {
		snprintf(conf, sizeof(conf), "/etc/pve/qemu-server/%d.conf", vm);
		tree_put(&f->t, conf, "hookscript: local:snippets/gpu-hook.sh\nhostpci0: 0000:0a:00,pcie=1\n");
	}
	run(f, NULL);
	dump_findings(f);
	/* qq is never called: only the last line starts anything */
	assert_int_equal(count(f, "hook-background"), 4);
	for (int vm = 111; vm <= 114; vm++) {
		char via[64];
		bool found = false;

		snprintf(via, sizeof(via), "VM %d: hookscript: local:snippets/gpu-hook.sh", vm);
		for (size_t i = 0; i < f->a.n; i++) {
			x = &f->a.f[i];
			found |= !strcmp(x->rule, "hook-background") && x->line == (int)n + 4 &&
				 strstr(x->via, via);
		}
		assert_true(found);
	}
}

/* One hook file for both directions, as the single /etc/libvirt/hooks/qemu
 * of older guides has it (a case on the operation, $2): the start branch
 * sets driver_override and reprobes, the release branch unbinds and
 * reprobes without clearing it, so the reprobe lands on vfio-pci again. */
static void test_hook_phases(void **state)
{
	struct fx *f = *state;
	const struct audit_finding *x;
	const char *hook = "#!/bin/bash\n"
		"DEVS=\"0000:0a:00.0 0000:0a:00.1\"\n"
		"case \"$2\" in\n"
		"prepare)\n"
		"\tfor d in $DEVS; do\n"
		"\t\techo vfio-pci > /sys/bus/pci/devices/$d/driver_override\n"
		"\t\techo $d > /sys/bus/pci/devices/$d/driver/unbind\n"
		"\t\techo $d > /sys/bus/pci/drivers_probe\n"
		"\tdone ;;\n"
		"release)\n"
		"\tfor d in $DEVS; do\n"
		"%s"
		"\t\techo $d > /sys/bus/pci/devices/$d/driver/unbind\n"
		"\t\techo $d > /sys/bus/pci/drivers_probe\n"
		"\tdone ;;\n"
		"esac\n";
	char text[1024];

	clean_tree(f);
	snprintf(text, sizeof(text), hook, "");
	tree_put_mode(&f->t, "/etc/libvirt/hooks/qemu", text, 0755);
	run(f, NULL);
	dump_findings(f);
	x = find(f, "hook-override-not-cleared", "/etc/libvirt/hooks/qemu", 13);
	assert_non_null(x);
	assert_int_equal(x->certainty, AUDIT_MATCHED);
	assert_non_null(strstr(x->meaning, "this script sets it earlier"));
	assert_non_null(strstr(x->via, "every domain"));
	assert_int_equal(f->a.n, 1);

	snprintf(text, sizeof(text), hook, "\t\techo > /sys/bus/pci/devices/$d/driver_override\n");
	tree_put_mode(&f->t, "/etc/libvirt/hooks/qemu", text, 0755);
	run(f, NULL);
	dump_findings(f);
	assert_int_equal(f->a.n, 0);
}

/* The same hooks written carefully give no finding: driver_override
 * cleared first, both functions returned, no background work; the qemu
 * dispatcher of the guides (runs the scripts of qemu.d/<domain>/<op>/<subop>). */
static void test_hook_rules_harmless(void **state)
{
	struct fx *f = *state;

	clean_tree(f);
	put_bad_hooks(&f->t);
	tree_put(&f->t, "/etc/pve/mapping/pci.cfg",
		 "gpu\n\tmap id=10de:1b80,iommugroup=14,node=pve1,path=0000:0a:00,subsystem-id=1458:3702\n"
		 "nvme\n\tmap id=144d:a808,node=pve1,path=0000:03:00.0\n");
	tree_put_mode(&f->t, "/var/lib/vz/snippets/gpu-hook.pl",
		      "#!/usr/bin/perl\nmy ($vmid, $phase) = @ARGV;\n"
		      "if ($phase eq 'post-stop') {\n"
		      "    for my $fn (qw(0000:0a:00.0 0000:0a:00.1)) {\n"
		      "        system(\"echo > /sys/bus/pci/devices/$fn/driver_override\");\n"
		      "        system(\"echo $fn > /sys/bus/pci/devices/$fn/driver/unbind\");\n"
		      "    }\n"
		      "    system(\"echo 0000:0a:00.0 > /sys/bus/pci/drivers/nouveau/bind\");\n"
		      "    system(\"echo 0000:0a:00.1 > /sys/bus/pci/drivers/snd_hda_intel/bind\");\n"
		      "}\n", 0755);
	tree_put(&f->t, "/etc/libvirt/qemu/win10.xml",
		 "<domain><devices><hostdev mode='subsystem' type='pci' managed='no'>"
		 "</hostdev></devices></domain>\n");
	tree_put_mode(&f->t, "/etc/libvirt/hooks/qemu",
		      "#!/bin/bash\nGUEST_NAME=\"$1\"\nHOOK_NAME=\"$2\"\nSTATE_NAME=\"$3\"\n"
		      "BASEDIR=\"$(dirname $0)\"\n"
		      "HOOKPATH=\"$BASEDIR/qemu.d/$GUEST_NAME/$HOOK_NAME/$STATE_NAME\"\nset -e\n"
		      "if [ -f \"$HOOKPATH\" ]; then\n  eval \\\"\"$HOOKPATH\"\\\" \"$@\"\n"
		      "elif [ -d \"$HOOKPATH\" ]; then\n  while read file; do\n"
		      "    eval \\\"\"$file\"\\\" \"$@\"\n"
		      "  done <<< \"$(find -L \"$HOOKPATH\" -maxdepth 1 -type f -executable -print;)\"\nfi\n",
		      0755);
	run(f, NULL);
	dump_findings(f);
	assert_int_equal(f->a.n, 0);
}

/* A udev rule that starts a unit through RUN+="systemctl start": the shape
 * of guides that rebind on hotplug ("--no-block" as udev's manual asks). */
static void test_units_udev_run(void **state)
{
	struct fx *f = *state;
	const struct audit_finding *x;

	clean_tree(f);
	tree_put(&f->t, "/etc/udev/rules.d/99-gpu-hotplug.rules",
		 "ACTION==\"add\", SUBSYSTEM==\"pci\", KERNEL==\"0000:0a:00.0\", "
		 "RUN+=\"/usr/bin/systemctl --no-block start gpu-grab.service\"\n");
	tree_put(&f->t, "/etc/systemd/system/gpu-grab.service",
		 "[Service]\nType=oneshot\nExecStart=/sbin/modprobe vfio-pci\n");
	run(f, NULL);
	dump_findings(f);
	x = find(f, "unit-binds-device", "/etc/systemd/system/gpu-grab.service", 3);
	assert_non_null(x);
	assert_int_equal(x->severity, SEV_WARN);
	assert_non_null(strstr(x->trigger, "udev rule /etc/udev/rules.d/99-gpu-hotplug.rules:1"));
}

/* Hostile trees: a binary unit, a unit with one huge line, a .wants
 * directory that is a symlink loop, a hookscript and a unit script that
 * are symlinks out of the root, a FIFO as a hook. Nothing crashes, hangs or
 * reads outside the tree. */
static void test_hostile_sources(void **state)
{
	struct fx *f = *state;
	struct tree *t = &f->t;
	char *big = malloc(200 * 1024);
	FILE *fp;

	assert_non_null(big);
	clean_tree(f);
	memset(big, 'A', 200 * 1024 - 1);
	big[200 * 1024 - 1] = '\0';
	memcpy(big, "[Service]\nExecStart=/x ", 23);
	tree_put(t, "/etc/systemd/system/huge.service", big);
	free(big);
	fp = fopen(tree_at(t, "/etc/systemd/system/binary.service"), "w");
	assert_non_null(fp);
	fwrite("[Service]\nExecStart=/bin/sh -c 'echo 1 > /sys/bus/pci/rescan'\n\0\1\2", 1, 66, fp);
	fclose(fp);
	tree_link(t, "/etc/systemd/system/loop.target.wants", "loop.target.wants");
	tree_put(t, "/etc/systemd/system/out.service", "[Service]\nExecStart=/usr/local/bin/out.sh\n");
	tree_link(t, "/usr/local/bin/out.sh", "../../../../../../../../../../tmp/gputrace-outside.sh");
	tree_link(t, "/etc/systemd/system/multi-user.target.wants/out.service", "/etc/systemd/system/out.service");
	/* the file the links aim at on the host, if they escaped */
	fp = fopen("/tmp/gputrace-outside.sh", "w");
	assert_non_null(fp);
	fputs("#!/bin/sh\necho 1 > /sys/bus/pci/rescan\n", fp);
	fclose(fp);
	/* modprobe.d and udev: absolute links resolve inside the tree */
	tree_link(t, "/etc/modprobe.d/escape.conf", "/tmp/gputrace-outside.conf");
	tree_put(t, "/usr/share/gpu/vfio.conf", "options vfio-pci ids=10de:1b80\n");
	tree_link(t, "/etc/modprobe.d/linked.conf", "/usr/share/gpu/vfio.conf");
	tree_put(t, "/etc/udev/rules.d/70-run.rules",
		 "ACTION==\"add\", RUN+=\"/usr/local/bin/out.sh\"\n");
	fp = fopen("/tmp/gputrace-outside.conf", "w");
	assert_non_null(fp);
	fputs("softdep nouveau pre: vfio-pci\n", fp);
	fclose(fp);
	tree_put(t, "/etc/pve/qemu-server/114.conf", "hookscript: local:snippets/escape.sh\n");
	tree_link(t, "/var/lib/vz/snippets/escape.sh", "/tmp/gputrace-outside.sh");
	assert_int_equal(mkfifo(tree_at(t, "/etc/libvirt/hooks/qemu.d/win10/prepare/begin/fifo"), 0755), 0);
	run(f, NULL);
	dump_findings(f);
	unlink("/tmp/gputrace-outside.sh");
	unlink("/tmp/gputrace-outside.conf");
	assert_int_equal(count(f, "unit-binds-device"), 0);
	assert_int_equal(count(f, "softdep-vfio-first"), 0);
	assert_int_equal(count(f, "udev-rule-vfio"), 0);
	assert_non_null(find(f, "vfio-ids-modprobe", "/etc/modprobe.d/linked.conf", 1));
	assert_int_equal(count(f, "hook-override-not-cleared"), 0);
	/* the escaping hookscript is not there, as Proxmox in that tree would see */
	assert_non_null(find(f, "hookscript-missing", "/etc/pve/qemu-server/114.conf", 1));
}

static void test_bad_roots(void **state)
{
	struct fx *f = *state;
	struct audit_opts o = { 0 };
	char missing[PATH_MAX], big[PATH_MAX + 64];
	char *argv[] = { "check", "--root", missing, NULL };
	FILE *fp;

	snprintf(missing, sizeof(missing), "%s/nope", f->t.root);
	o.root = missing;
	assert_int_equal(audit_run(&o, &f->a, f->err, sizeof(f->err)), -ENOENT);
	assert_non_null(strstr(f->err, missing));
	assert_non_null(strstr(f->err, "No such file"));
	assert_int_equal(run_quiet(cmd_check, 3, argv, f->out), EXIT_ERROR);

	audit_free(&f->a);
	tree_put(&f->t, "/file", "x");
	o.root = tree_at(&f->t, "/file");
	assert_int_equal(audit_run(&o, &f->a, f->err, sizeof(f->err)), -ENOTDIR);
	assert_non_null(strstr(f->err, "not a directory"));

	/* a config that exists but cannot be read is an error naming it */
	audit_free(&f->a);
	clean_tree(f);
	snprintf(big, sizeof(big), "%s", tree_at(&f->t, "/etc/modprobe.d/huge.conf"));
	fp = fopen(big, "w");
	assert_non_null(fp);
	assert_int_equal(ftruncate(fileno(fp), CONF_FILE_MAX + 1), 0);
	fclose(fp);
	o.root = f->t.root;
	assert_int_equal(audit_run(&o, &f->a, f->err, sizeof(f->err)), -EFBIG);
	assert_non_null(strstr(f->err, "/etc/modprobe.d/huge.conf"));
}

static void test_usage_errors(void **state)
{
	struct fx *f = *state;
	char *argv[] = { "check", "extra", NULL };
	char *argv2[] = { "check", "--bogus", NULL };

	assert_int_equal(run_quiet(cmd_check, 2, argv, f->out), EXIT_USAGE);
	assert_int_equal(run_quiet(cmd_check, 2, argv2, f->out), EXIT_USAGE);
}

/* The live system: backends are probed as root, and never with --root. */
static void test_live(void **state)
{
	struct fx *f = *state;
	struct audit_opts o = { .probe_backends = true };

	assert_int_equal(audit_run(&o, &f->a, f->err, sizeof(f->err)), 0);
	assert_null(f->a.root);
	assert_true(f->a.release[0]);
	if (geteuid() == 0) {
		assert_true(f->a.backends_probed);
		assert_string_equal(f->a.backends[0].name, "fentry");
	} else {
		assert_false(f->a.backends_probed);
	}
}

static void test_cmdline_words(void **state)
{
	char w[64];
	size_t pos = 0;
	const char *line = "a=1  \"b=x y\" c";

	assert_int_equal(cmdline_next(line, &pos, w, sizeof(w)), 1);
	assert_string_equal(w, "a=1");
	assert_int_equal(cmdline_next(line, &pos, w, sizeof(w)), 1);
	assert_string_equal(w, "b=x y");
	assert_int_equal(cmdline_next(line, &pos, w, sizeof(w)), 1);
	assert_string_equal(w, "c");
	assert_int_equal(cmdline_next(line, &pos, w, sizeof(w)), 0);
	assert_true(module_name_eq("vfio-pci", "vfio_pci"));
	assert_false(module_name_eq("vfio-pci", "vfio_pci_core"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_clean_tree_no_findings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_modprobe_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_modprobe_override_and_mask, setup, teardown),
		cmocka_unit_test_setup_teardown(test_module_lists, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cmdline_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_boot_config, setup, teardown),
		cmocka_unit_test_setup_teardown(test_override_and_driverctl, setup, teardown),
		cmocka_unit_test_setup_teardown(test_udev_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_units, setup, teardown),
		cmocka_unit_test_setup_teardown(test_units_many_enabled, setup, teardown),
		cmocka_unit_test_setup_teardown(test_units_harmless, setup, teardown),
		cmocka_unit_test_setup_teardown(test_builtin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hooks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hook_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hook_shared_by_vms, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hook_rules_harmless, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hook_phases, setup, teardown),
		cmocka_unit_test_setup_teardown(test_units_udev_run, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_sources, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_roots, setup, teardown),
		cmocka_unit_test_setup_teardown(test_usage_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_live, setup, teardown),
		cmocka_unit_test(test_cmdline_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
