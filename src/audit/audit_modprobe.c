// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * modprobe.d rules: vfio-pci ids= options, softdeps that load vfio-pci
 * before a host driver, install hooks on vfio-pci, blacklists of host
 * drivers; and the module lists that load vfio-pci at boot.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "audit/audit_findings.h"
#include "sys/conffile.h"
#include "sys/kernel.h"
#include "sys/modprobe.h"

static void ids_finding(struct audit *a, const struct modprobe_stmt *st, const char *ids)
{
	char matches[512], meaning[1024];

	audit_ids_matches(a, ids, matches, sizeof(matches));
	snprintf(meaning, sizeof(meaning),
		 "when vfio-pci loads it adds %s as dynamic ids and claims every unbound device "
		 "with them; the ids stay until vfio-pci is unloaded, so any later reprobe "
		 "(drivers_probe, remove+rescan, module reload) can hand the device back to "
		 "vfio-pci%s%s",
		 ids, matches[0] ? ". Present here: " : "", matches);
	audit_add(a, SEV_WARN, "vfio-ids-modprobe", st->path, st->lineno, st->text, meaning,
		  "if the host should use the GPU between VM runs, remove ids= and let the VM "
		  "manager bind vfio-pci at start (Proxmox and libvirt managed='yes' do); "
		  "then update-initramfs -u");
}

static void check_options(struct audit *a, const struct modprobe_stmt *st)
{
	if (st->nwords < 3 || !module_name_eq(st->words[1], "vfio_pci"))
		return;
	for (int i = 2; i < st->nwords; i++)
		if (!strncmp(st->words[i], "ids=", 4) && st->words[i][4])
			ids_finding(a, st, st->words[i] + 4);
}

static void check_softdep(struct audit *a, const struct modprobe_stmt *st)
{
	char meaning[512];
	bool pre = false;

	if (st->nwords < 3 || module_name_eq(st->words[1], "vfio_pci"))
		return;
	for (int i = 2; i < st->nwords; i++) {
		if (!strcmp(st->words[i], "pre:") || !strcmp(st->words[i], "post:")) {
			pre = !strcmp(st->words[i], "pre:");
			continue;
		}
		if (!pre || !module_name_eq(st->words[i], "vfio_pci"))
			continue;
		snprintf(meaning, sizeof(meaning),
			 "loading %s first loads vfio-pci, so vfio-pci registers earlier on the PCI "
			 "bus and wins every later probe of a device it has an id for (ids=, or a "
			 "new_id a VM manager left behind) over %s",
			 st->words[1], st->words[1]);
		audit_add(a, SEV_WARN, "softdep-vfio-first", st->path, st->lineno, st->text,
			  meaning,
			  "keep it only if this GPU must never go back to the host; otherwise "
			  "remove the softdep and update-initramfs -u");
		return;
	}
}

static bool is_noop_command(const char *cmd)
{
	return !strcmp(cmd, "/bin/false") || !strcmp(cmd, "/bin/true") ||
	       !strcmp(cmd, "/usr/bin/false") || !strcmp(cmd, "/usr/bin/true") ||
	       !strcmp(cmd, "false") || !strcmp(cmd, "true");
}

static void check_install(struct audit *a, const struct modprobe_stmt *st)
{
	char meaning[512];

	if (st->nwords < 3)
		return;
	if (module_name_eq(st->words[1], "vfio_pci")) {
		snprintf(meaning, sizeof(meaning),
			 "every 'modprobe vfio-pci' runs '%s' instead of a plain load; such "
			 "scripts usually write vfio-pci into driver_override of chosen devices, "
			 "which then only vfio-pci may bind", st->words[2]);
		audit_add(a, SEV_WARN, "install-hook-vfio", st->path, st->lineno, st->text,
			  meaning,
			  "read the script: if it sets driver_override, clear it (echo > "
			  "/sys/bus/pci/devices/BDF/driver_override) before handing the GPU back");
		return;
	}
	if (audit_is_host_driver(a, st->words[1]) && is_noop_command(st->words[2])) {
		snprintf(meaning, sizeof(meaning),
			 "%s can never be loaded, not even by an explicit modprobe: a hook that "
			 "returns the GPU to %s finds no driver", st->words[1], st->words[1]);
		audit_add(a, SEV_WARN, "host-driver-blacklisted", st->path, st->lineno, st->text,
			  meaning, "remove the line if the host should drive the GPU after a VM stops");
	}
}

static void check_blacklist(struct audit *a, const struct modprobe_stmt *st)
{
	char meaning[512];

	if (st->nwords < 2 || !audit_is_host_driver(a, st->words[1]))
		return;
	snprintf(meaning, sizeof(meaning),
		 "%s is not loaded automatically (by alias at boot or hotplug); an explicit "
		 "'modprobe %s' still works, so a hook must load it before binding", st->words[1],
		 st->words[1]);
	audit_add(a, SEV_INFO, "host-driver-blacklisted", st->path, st->lineno, st->text, meaning,
		  "fine for a GPU reserved for VMs; for single-GPU passthrough, make the hook "
		  "run modprobe before the bind");
}

/* A line of a module list: "vfio_pci" alone loads vfio-pci early;
 * "vfio_pci ids=..." (/etc/modules and initramfs-tools pass the rest of the
 * line to modprobe) also adds the ids, as "options vfio-pci ids=" does;
 * modules-load.d takes module names only. */
static void check_module_line(struct audit *a, const char *path, const struct conf_line *l,
			      bool takes_args)
{
	char buf[1024], *words[64], matches[512], meaning[1024];
	int n;

	if (conf_is_comment(l->text) || l->text[0] == ';')
		return;
	snprintf(buf, sizeof(buf), "%s", l->text);
	n = conf_words(buf, words, 64);
	if (n < 1 || !module_name_eq(words[0], "vfio_pci"))
		return;
	for (int i = 1; takes_args && i < n; i++) {
		if (strncmp(words[i], "ids=", 4) || !words[i][4])
			continue;
		audit_ids_matches(a, words[i] + 4, matches, sizeof(matches));
		snprintf(meaning, sizeof(meaning),
			 "vfio-pci is loaded at boot with %s: it adds them as dynamic ids and "
			 "claims every unbound device with them, and they stay until vfio-pci is "
			 "unloaded, so any later reprobe (drivers_probe, remove+rescan, module "
			 "reload) can hand the device back to vfio-pci%s%s",
			 words[i], matches[0] ? ". Present here: " : "", matches);
		audit_add(a, SEV_WARN, "vfio-ids-boot-modules", path, l->lineno, l->text, meaning,
			  "if the host should use the GPU between VM runs, remove ids= and let the "
			  "VM manager bind vfio-pci at start; then update-initramfs -u");
		return;
	}
	audit_add(a, SEV_INFO, "vfio-early-load", path, l->lineno, l->text,
		  "vfio-pci is loaded at boot, before the GPU drivers: with ids= or a softdep "
		  "it takes the GPU first",
		  "expected for a GPU reserved for VMs; remove the line (and update-initramfs -u) "
		  "if the host should get the GPU at boot");
}

/* Module lists read at boot or into the initramfs: vfio-pci loaded early
 * registers before the host drivers. */
static int check_module_lists(struct audit *a, char *err, size_t errlen)
{
	static const char *const dirs[] = { "/etc/modules-load.d", "/run/modules-load.d",
					    "/usr/local/lib/modules-load.d", "/lib/modules-load.d",
					    "/usr/lib/modules-load.d" };
	static const char *const single[] = { "/etc/modules", "/etc/initramfs-tools/modules" };
	struct conf_file f;
	char **paths;
	size_t n, i, j;
	int ret;

	ret = conf_list_saying(a->root, dirs, sizeof(dirs) / sizeof(dirs[0]), ".conf", &paths, &n,
			       audit_dir_unlisted, &(struct audit_dir_rule){ a, "vfio-ids-boot-modules" });
	if (ret)
		return ret;
	for (i = 0; i < n + 2; i++) {
		const char *path = i < n ? paths[i] : single[i - n];

		ret = conf_read(a->root, path, &f);
		if (ret == -ENOENT)
			continue;
		if (ret) {
			audit_read_error(a, path, ret, err, errlen);
			break;
		}
		for (j = 0; j < f.n; j++)
			check_module_line(a, path, &f.lines[j], i >= n);
		conf_free(&f);
	}
	conf_list_free(paths, n);
	return ret == -ENOENT ? 0 : ret;
}

int audit_modprobe(struct audit *a, char *err, size_t errlen)
{
	struct modprobe_stmt st;
	struct modprobe_conf mc;
	size_t file = 0, line = 0;
	char bad[512] = "";
	int ret;

	ret = modprobe_read(a->root, &mc, bad, sizeof(bad));
	if (ret)
		return audit_read_error(a, bad[0] ? bad : "/etc/modprobe.d", ret, err, errlen);
	while (modprobe_next(&mc, &file, &line, &st)) {
		if (!strcmp(st.words[0], "options"))
			check_options(a, &st);
		else if (!strcmp(st.words[0], "softdep"))
			check_softdep(a, &st);
		else if (!strcmp(st.words[0], "install"))
			check_install(a, &st);
		else if (!strcmp(st.words[0], "blacklist"))
			check_blacklist(a, &st);
	}
	modprobe_free(&mc);
	return check_module_lists(a, err, errlen);
}
