// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * The next boot's configuration: the kernel command line a boot loader will
 * pass (/etc/default/grub, /etc/kernel/cmdline for proxmox-boot-tool and
 * systemd-boot) and what dracut puts into the initramfs. These take effect
 * only after update-grub / proxmox-boot-tool refresh / dracut and a reboot,
 * so a host can run fine today and rebind its GPU to vfio-pci tomorrow.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "audit/audit_findings.h"
#include "sys/conffile.h"
#include "sys/kernel.h"

#define GRUB_DEFAULT	"/etc/default/grub"
#define KERNEL_CMDLINE	"/etc/kernel/cmdline"

/* A source of command-line words and where it came from. */
struct boot_line {
	const char *path;
	const struct conf_line *line;
	const char *running;	/* /proc/cmdline, "" when unknown */
};

/* Whether the running command line has WORD ("key=value"): the key in
 * any -/_ spelling, the same value. */
static bool running_has(const char *running, const char *word)
{
	size_t klen = strcspn(word, "="), pos = 0;
	char w[1024];

	while (cmdline_next(running, &pos, w, sizeof(w))) {
		if (strcspn(w, "=") != klen || strcmp(w + klen, word + klen))
			continue;
		w[klen] = '\0';
		if (module_name_eqn(w, word, klen))
			return true;
	}
	return false;
}

static void next_boot_ids(struct audit *a, const struct boot_line *b, const char *word,
			  const char *driver, const char *ids)
{
	char matches[512], meaning[2560];

	audit_ids_matches(a, ids, matches, sizeof(matches));
	snprintf(meaning, sizeof(meaning),
		 "from the next boot: %s %s, but the boot "
		 "loader that reads this file will pass it once its configuration is applied "
		 "(update-grub, proxmox-boot-tool refresh): %s then adds %s as dynamic ids at "
		 "initialisation and claims every unbound matching device for the whole "
		 "boot, so any reprobe hands the device back to %s%s%s",
		 word, b->running[0] ? "is not on the running command line" :
		 "may not be on the running command line (not known here: no /proc/cmdline)",
		 driver, ids, driver, matches[0] ? ". Present here: " : "", matches);
	audit_add(a, SEV_WARN, "vfio-ids-next-boot", b->path, b->line->lineno, b->line->text,
		  meaning,
		  "if the host should use the GPU between VM runs, remove it before the next "
		  "update-grub / proxmox-boot-tool refresh; VM managers bind vfio-pci at start");
}

/* Command-line words in VALUE that the running kernel does not have yet. */
static void check_words(struct audit *a, const struct boot_line *b, const char *value)
{
	char word[1024];
	size_t pos = 0;

	while (cmdline_next(value, &pos, word, sizeof(word))) {
		char *eq = strchr(word, '=');
		const char *driver;

		if (!eq || !eq[1])
			continue;
		*eq = '\0';
		if (module_name_eq(word, "vfio_pci.ids"))
			driver = "vfio-pci";
		else if (module_name_eq(word, "pci_stub.ids"))
			driver = "pci-stub";
		else
			continue;
		*eq = '=';
		if (!running_has(b->running, word))
			next_boot_ids(a, b, word, driver, eq + 1);
	}
}

/* GRUB_CMDLINE_LINUX="..." and GRUB_CMDLINE_LINUX_DEFAULT='...': a shell
 * assignment; quotes of either kind are dropped, $vars are left as words. */
static void check_grub_line(struct audit *a, const struct boot_line *b)
{
	const char *t = b->line->text, *eq = strchr(t, '=');
	char value[4096];
	size_t n = 0;

	if (conf_is_comment(t) || strncmp(t, "GRUB_CMDLINE_LINUX", 18) || !eq ||
	    strspn(t + 18, "_DEFAULT") != (size_t)(eq - t - 18))
		return;
	for (const char *p = eq + 1; *p && n + 1 < sizeof(value); p++)
		if (*p != '"' && *p != '\'')
			value[n++] = *p;
	value[n] = '\0';
	check_words(a, b, value);
}

static int read_lines(struct audit *a, const char *path, const char *running, bool grub,
		      char *err, size_t errlen)
{
	struct boot_line b = { .path = path, .running = running };
	struct conf_file f;
	int ret = conf_read(a->root, path, &f);

	if (ret == -ENOENT)
		return 0;
	if (ret)
		return audit_read_error(a, path, ret, err, errlen);
	for (size_t i = 0; i < f.n; i++) {
		b.line = &f.lines[i];
		if (grub)
			check_grub_line(a, &b);
		else if (!conf_is_comment(f.lines[i].text))
			check_words(a, &b, f.lines[i].text);
	}
	conf_free(&f);
	return 0;
}

/* dracut: force_drivers+=" vfio_pci " loads vfio-pci first in the
 * initramfs; its ids= come from modprobe.d (dracut copies it into the
 * image), which vfio-ids-modprobe already reports. */
static void check_dracut_line(struct audit *a, const struct boot_line *b)
{
	const char *t = b->line->text, *eq = strchr(t, '=');
	char value[4096], *list[64];
	int n;

	if (conf_is_comment(t) || !eq ||
	    (strncmp(t, "force_drivers", 13) && strncmp(t, "add_drivers", 11)))
		return;
	snprintf(value, sizeof(value), "%s", eq + 1);
	for (char *p = value; *p; p++)
		if (*p == '"' || *p == '\'')
			*p = ' ';
	n = conf_words(value, list, 64);
	for (int i = 0; i < n; i++)
		if (module_name_eq(list[i], "vfio_pci"))
			audit_add(a, SEV_INFO, "vfio-early-load", b->path, b->line->lineno, t,
				  "dracut puts vfio-pci into the initramfs and loads it before the "
				  "GPU drivers: with ids= (modprobe.d, copied into the image) it "
				  "takes the GPU first",
				  "expected for a GPU reserved for VMs; otherwise remove it and "
				  "rebuild the initramfs (dracut -f)");
}

static int check_dracut(struct audit *a, char *err, size_t errlen)
{
	static const char *const dirs[] = { "/etc/dracut.conf.d", "/usr/lib/dracut/dracut.conf.d" };
	struct boot_line b = { .running = "" };
	struct conf_file f;
	char **paths;
	size_t n, i;
	int ret;

	ret = conf_list_saying(a->root, dirs, 2, ".conf", &paths, &n, audit_dir_unlisted,
			       &(struct audit_dir_rule){ a, "vfio-early-load" });
	if (ret)
		return ret;
	for (i = 0; i <= n && !ret; i++) {
		b.path = i < n ? paths[i] : "/etc/dracut.conf";
		ret = conf_read(a->root, b.path, &f);
		if (ret == -ENOENT) {
			ret = 0;
			continue;
		}
		if (ret) {
			audit_read_error(a, b.path, ret, err, errlen);
			break;
		}
		for (size_t j = 0; j < f.n; j++) {
			b.line = &f.lines[j];
			check_dracut_line(a, &b);
		}
		conf_free(&f);
	}
	conf_list_free(paths, n);
	return ret;
}

int audit_boot(struct audit *a, char *err, size_t errlen)
{
	static const char *const grub_dirs[] = { "/etc/default/grub.d" };
	char running[KERNEL_CMDLINE_MAX] = "";
	char **paths;
	size_t n;
	int ret;

	kernel_cmdline(a->root, running, sizeof(running));
	ret = read_lines(a, GRUB_DEFAULT, running, true, err, errlen);
	if (ret)
		return ret;
	ret = conf_list_saying(a->root, grub_dirs, 1, ".cfg", &paths, &n, audit_dir_unlisted,
			       &(struct audit_dir_rule){ a, "vfio-ids-next-boot" });
	if (ret)
		return ret;
	for (size_t i = 0; i < n && !ret; i++)
		ret = read_lines(a, paths[i], running, true, err, errlen);
	conf_list_free(paths, n);
	if (!ret)
		ret = read_lines(a, KERNEL_CMDLINE, running, false, err, errlen);
	if (!ret)
		ret = check_dracut(a, err, errlen);
	return ret;
}
