// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Kernel rules: vfio-pci ids and host-driver blacklists on the command line,
 * vfio-pci built into the kernel (it can never be unloaded, so its dynamic
 * ids never go away), and on the live system which gputrace backends work.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit_findings.h"
#include "sys/bpf_features.h"
#include "sys/kernel.h"

#define CMDLINE	"/proc/cmdline"

static void cmdline_blacklist(struct audit *a, const char *cmdline, const char *word,
			      const char *list, bool hard)
{
	char meaning[512];
	const char *p;
	size_t len;

	for (p = list; *p; p += len + (p[len] == ',')) {
		char mod[64];

		len = strcspn(p, ",");
		snprintf(mod, sizeof(mod), "%.*s", (int)len, p);
		if (!len || !audit_is_host_driver(a, mod))
			continue;
		if (hard)
			snprintf(meaning, sizeof(meaning),
				 "%s (kernel command line) stops %s from loading at all, even by an "
				 "explicit modprobe: a hook that returns the GPU to %s finds no driver",
				 word, mod, mod);
		else
			snprintf(meaning, sizeof(meaning),
				 "%s (kernel command line) keeps %s from loading automatically; an "
				 "explicit 'modprobe %s' still works", word, mod, mod);
		audit_add(a, hard ? SEV_WARN : SEV_INFO, "host-driver-blacklisted", CMDLINE, 1,
			  cmdline, meaning,
			  "remove it from the boot loader's command line if the host should drive "
			  "the GPU between VM runs");
	}
}

static void check_cmdline(struct audit *a, const char *cmdline)
{
	char word[1024], matches[512], meaning[1024];
	size_t pos = 0;

	while (cmdline_next(cmdline, &pos, word, sizeof(word))) {
		char *eq = strchr(word, '=');

		if (!eq)
			continue;
		*eq = '\0';
		if ((module_name_eq(word, "vfio_pci.ids") || module_name_eq(word, "pci_stub.ids")) &&
		    eq[1]) {
			const char *drv = module_name_eq(word, "pci_stub.ids") ? "pci-stub" : "vfio-pci";

			audit_ids_matches(a, eq + 1, matches, sizeof(matches));
			snprintf(meaning, sizeof(meaning),
				 "%s adds %s as dynamic ids when it initialises and claims every "
				 "unbound device with them; they stay for the whole boot (%s "
				 "cannot drop them), so any reprobe hands the device back to %s%s%s",
				 drv, eq + 1, drv, drv, matches[0] ? ". Present here: " : "", matches);
			audit_add(a, SEV_WARN, "vfio-ids-cmdline", CMDLINE, 1, cmdline, meaning,
				  "remove the ids= word from the boot loader's command line if the "
				  "host should use the GPU between VM runs");
		} else if (!strcmp(word, "modprobe.blacklist")) {
			cmdline_blacklist(a, cmdline, "modprobe.blacklist", eq + 1, false);
		} else if (!strcmp(word, "module_blacklist")) {
			cmdline_blacklist(a, cmdline, "module_blacklist", eq + 1, true);
		} else if (!strcmp(word, "rd.driver.pre")) {
			const char *p;
			size_t len;

			for (p = eq + 1; *p; p += len + (p[len] == ',')) {
				len = strcspn(p, ",");
				if (len && module_name_eqn("vfio_pci", p, len))
					audit_add(a, SEV_INFO, "vfio-early-load", CMDLINE, 1, cmdline,
						  "the initramfs loads vfio-pci before the GPU drivers: with "
						  "ids= it takes the GPU first",
						  "expected for a GPU reserved for VMs");
			}
		}
	}
}

static void check_builtin(struct audit *a)
{
	char path[512], why[256];
	int ret;

	if (!a->release[0]) {
		audit_skip(a, "vfio-pci-builtin", a->root ?
			   "kernel release unknown: no proc/sys/kernel/osrelease in the tree "
			   "(use --kernel-release)" : "kernel release unknown");
		return;
	}
	ret = kernel_module_builtin(a->root, a->release, "vfio-pci", path, sizeof(path));
	if (ret < 0) {
		snprintf(why, sizeof(why), "no readable modules.builtin for %s: %s", a->release,
			 strerror(-ret));
		audit_skip(a, "vfio-pci-builtin", why);
		return;
	}
	if (ret)
		audit_add(a, SEV_WARN, "vfio-pci-builtin", path, 0, "vfio-pci.ko",
			  "vfio-pci is built into this kernel: 'modprobe -r vfio-pci' fails, so its "
			  "dynamic ids (ids=, new_id left by a VM manager) can only be removed "
			  "through remove_id, and 'options vfio-pci' in modprobe.d has no effect "
			  "(only vfio-pci.ids= on the command line does)",
			  "hooks must not rely on unloading vfio-pci: write the ids to "
			  "/sys/bus/pci/drivers/vfio-pci/remove_id and clear driver_override instead");
}

static void check_backends(struct audit *a)
{
	static const enum gt_backend all[GT_BACKENDS_N] = { GT_BACKEND_FENTRY, GT_BACKEND_KPROBE,
							    GT_BACKEND_TRACEPOINT };
	char why[512], meaning[768];
	struct gt_features f;
	enum gt_backend chosen;

	if (geteuid() != 0) {
		audit_skip(a, "backend-support", "not root: backends not probed (run check as root)");
		return;
	}
	features_probe_full(&f);
	a->backends_probed = true;
	for (size_t i = 0; i < GT_BACKENDS_N; i++) {
		a->backends[i].name = backend_name(all[i]);
		a->backends[i].ok = features_choose(&f, all[i], a->backends[i].why,
						    sizeof(a->backends[i].why)) == all[i];
	}
	chosen = features_choose(&f, GT_BACKEND_AUTO, why, sizeof(why));
	if (chosen == GT_BACKEND_AUTO) {
		snprintf(meaning, sizeof(meaning),
			 "'gputrace record' cannot run on this kernel: %s", why);
		audit_add(a, SEV_HIGH, "backend-support", "", 0, f.kernel_release, meaning,
			  "a kernel with BTF (CONFIG_DEBUG_INFO_BTF) and BPF ring buffers (5.8+) "
			  "is needed; 'gputrace features' shows each probe");
		return;
	}
	snprintf(a->chosen, sizeof(a->chosen), "%s", backend_name(chosen));
	if (chosen != GT_BACKEND_FENTRY) {
		snprintf(meaning, sizeof(meaning),
			 "'gputrace record' will use the %s backend: %s", backend_name(chosen), why);
		audit_add(a, SEV_INFO, "backend-support", "", 0, f.kernel_release, meaning,
			  "nothing to do; 'gputrace features' shows each probe");
	}
}

int audit_kernel(struct audit *a, const struct audit_opts *o, char *err, size_t errlen)
{
	char cmdline[KERNEL_CMDLINE_MAX];
	int ret;

	ret = kernel_cmdline(a->root, cmdline, sizeof(cmdline));
	if (!ret)
		check_cmdline(a, cmdline);
	else if (ret != -ENOENT)
		return audit_read_error(a, CMDLINE, ret, err, errlen);
	check_builtin(a);
	if (a->root)
		audit_skip(a, "backend-support", "--root: backends are probed on the live system only");
	else if (o->probe_backends)
		check_backends(a);
	return 0;
}
