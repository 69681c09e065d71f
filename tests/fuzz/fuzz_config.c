// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The configuration parsers behind `check --root` and `status --root`:
 * modprobe and modules-load files, udev rules, driverctl, Proxmox VM
 * configs and PCI mappings, libvirt domain XML and hooks, the kernel
 * command line (and the boot loaders' next one), modules.builtin, systemd
 * units and the scripts they run, dracut, a VM process's argv, all under a fake
 * root with one GPU (two functions) in sysfs. Then every check and status
 * renderer.
 *
 * The input is split at each line "====": part i becomes file i of
 * config_files[] (missing parts: empty files).
 */
#include "fuzz_common.h"

#include "audit/audit.h"
#include "render/check_render.h"
#include "render/status_render.h"
#include "status/status.h"

static const char *const config_files[] = {
	"/etc/modprobe.d/fuzz.conf",
	"/etc/udev/rules.d/90-fuzz.rules",
	"/etc/pve/qemu-server/111.conf",
	"/etc/libvirt/qemu/fuzz.xml",
	"/proc/cmdline",
	"/etc/modules",
	"/etc/libvirt/hooks/qemu",
	"/etc/driverctl.d/pci-0000:0a:00.0",
	"/proc/4021/cmdline",
	"/etc/pve/mapping/pci.cfg",
	"/etc/initramfs-tools/modules",
	"/lib/modules/6.8.12-4-pve/modules.builtin",
	"/run/libvirt/qemu/fuzz.xml",
	"/etc/modules-load.d/fuzz.conf",
	/* appended: earlier corpus files keep their meaning */
	"/etc/default/grub",
	"/etc/kernel/cmdline",
	"/etc/systemd/system/gpu-watchdog.service",
	"/usr/local/sbin/gpu-watchdog",
	"/etc/dracut.conf.d/vfio.conf",
	"/var/lib/vz/snippets/gpu-hook.pl",
};
#define NFILES (sizeof(config_files) / sizeof(config_files[0]))

static const char *root(void)
{
	static char path[128];

	if (!path[0])
		snprintf(path, sizeof(path), "%s/root", fuzz_dir());
	return path;
}

static void put_str(const char *rel, const char *text)
{
	fuzz_put(root(), rel, text, strlen(text));
}

static void pci_function(const char *bdf, const char *device, const char *class)
{
	char rel[256];

#define ATTR(name, val) do { \
		snprintf(rel, sizeof(rel), "/sys/bus/pci/devices/%s/" name, bdf); \
		put_str(rel, val); \
	} while (0)
	ATTR("vendor", "0x10de\n");
	ATTR("device", device);
	ATTR("class", class);
	ATTR("driver_override", "(null)\n");
	ATTR("power_state", "D0\n");
	ATTR("reset_method", "flr bus\n");
#undef ATTR
}

/* The fixed part of the tree, made once. */
static void make_tree(void)
{
	char path[512];

	mkdir(root(), 0755);
	pci_function("0000:0a:00.0", "0x1b80\n", "0x030000\n");
	pci_function("0000:0a:00.1", "0x10f0\n", "0x040300\n");
	put_str("/proc/sys/kernel/osrelease", "6.8.12-4-pve\n");
	put_str("/proc/sys/kernel/hostname", "pve1\n");
	put_str("/proc/4021/comm", "kvm\n");
	put_str("/etc/passwd", "root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n");
	snprintf(path, sizeof(path), "%s/sys/kernel/iommu_groups/12/devices", root());
	fuzz_mkdirs(root(), "/sys/kernel/iommu_groups/12/devices/x");
	fuzz_mkdirs(root(), "/sys/bus/pci/drivers/vfio-pci/x");
	snprintf(path, sizeof(path), "%s/sys/bus/pci/devices/0000:0a:00.0/iommu_group", root());
	symlink("../../../kernel/iommu_groups/12", path);
	snprintf(path, sizeof(path), "%s/sys/bus/pci/devices/0000:0a:00.0/driver", root());
	symlink("../../../bus/pci/drivers/vfio-pci", path);
}

static void write_parts(const uint8_t *data, size_t size)
{
	static const char sep[] = "\n====\n";
	size_t off = 0;

	for (size_t i = 0; i < NFILES; i++) {
		const uint8_t *end = off <= size ?
			memmem(data + off, size - off, sep, sizeof(sep) - 1) : NULL;
		size_t len = end ? (size_t)(end - (data + off)) : off <= size ? size - off : 0;

		fuzz_put(root(), config_files[i], data + off, len);
		off += len + (end ? sizeof(sep) - 1 : 0);
		if (!end)
			off = size + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool made;
	struct audit_opts o = { .root = root() };
	struct audit a;
	struct status st;
	char err[512];

	if (!made) {
		make_tree();
		made = true;
	}
	write_parts(data, size);
	if (audit_run(&o, &a, err, sizeof(err)) == 0) {
		check_render_text(fuzz_sink(), &a);
		check_render_json(fuzz_sink(), &a, true);
	}
	audit_free(&a);
	if (status_collect(root(), NULL, &st, err, sizeof(err)) == 0) {
		status_render_text(fuzz_sink(), &st);
		status_render_json(fuzz_sink(), &st, false);
	}
	status_free(&st);
	return 0;
}
